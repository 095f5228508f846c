//! A refused form says why in the reader's language and stores nothing: an assignment (no
//! target or two, a due date that is not one, a learner, end client or course that is not
//! there) on the page the form is on (the assignments page, or the course page); a learner
//! (an ID, name or e-mail address the rules refuse, an ID taken, an end client not there);
//! an end client (an ID or name refused, an ID taken); a learner's portal password; a
//! tenant (a name refused or taken, a plan not there).

use axum::http::Method;
use kiroku::i18n::{Arg, Lang, t, t_args};
use serde_json::json;

use crate::accounts::{Session, account, sign_in, with_operator};
use crate::packages::{Env, str_of};

async fn post(env: &Env, s: &Session, lang: &str, pairs: &[(&str, &str)]) -> (u16, String) {
    post_to(env, s, "/assignments", lang, pairs).await
}

async fn post_to(env: &Env, s: &Session, path: &str, lang: &str, pairs: &[(&str, &str)]) -> (u16, String) {
    let r = env
        .app
        .req(Method::POST, path)
        .header("cookie", &s.cookie)
        .header("accept-language", lang)
        .body(
            "application/x-www-form-urlencoded",
            crate::portal::form(pairs).into_bytes(),
        )
        .send()
        .await;
    (r.status.as_u16(), r.text())
}

/// A form's fields, the message the reader is to see, and the id it names.
type Case = (
    &'static [(&'static str, &'static str)],
    &'static str,
    Option<&'static str>,
);

/// A form's address, its fields, and what the reader is to be told.
type FormCase<'a> = (&'a str, Vec<(&'a str, &'a str)>, String);

/// The text of the page's refusal notice.
fn notice(html: &str) -> String {
    html.split("class=\"notice error\"")
        .nth(1)
        .and_then(|r| r.split('>').nth(1))
        .and_then(|r| r.split("</p").next())
        .unwrap_or_default()
        .to_owned()
}

/// A fresh service with an account of `role` (JSON) signed in as `login`.
async fn signed_in(login: &str, role: serde_json::Value) -> (Env, Session) {
    let env = Env::with(with_operator()).await;
    account(&env.app, login, role).await;
    let s = sign_in(&env.app, login).await;
    (env, s)
}

/// Posts each case in `lang` and checks its 400 says exactly what the case wants.
async fn refused_as_said(env: &Env, s: &Session, lang: &str, cases: Vec<FormCase<'_>>) {
    for (path, pairs, want) in cases {
        let (status, html) = post_to(env, s, path, lang, &pairs).await;
        assert_eq!(status, 400, "{path} {pairs:?}: {html}");
        assert_eq!(
            notice(&html),
            kiroku::i18n::escape_html(&want),
            "{lang} {path} {pairs:?}"
        );
    }
}

#[tokio::test]
async fn each_refusal_is_named_in_the_readers_language_on_the_forms_page() {
    let (env, s) = signed_in("admin@acme.test", json!({"role": "tenant-admin", "tenant": "acme"})).await;
    let pkg = env.import_fixture("scorm12-single-sco").await;
    let id = str_of(&pkg, "packageId").to_owned();
    env.register("花子", &id).await;
    let csrf = s.csrf.clone();
    let cases: [Case; 5] = [
        (&[("learner", ""), ("endClient", "")], "portal-assign-target-hint", None),
        (
            &[("learner", "花子"), ("endClient", "ec-1")],
            "portal-assign-target-hint",
            None,
        ),
        (&[("learner", "花子"), ("due", "来週")], "portal-assign-bad-due", None),
        (
            &[("learner", "存在しない😀")],
            "portal-assign-no-learner",
            Some("存在しない😀"),
        ),
        (
            &[("endClient", "どこにもない")],
            "portal-assign-unknown-end-client",
            Some("どこにもない"),
        ),
    ];
    let want = |l: Lang, key: &str, id: Option<&str>| match id {
        Some(id) => t_args(l, key, &[("id", Arg::from(id))]),
        None => t(l, key),
    };
    for (lang, code) in [("ja", Lang::Ja), ("en", Lang::En)] {
        for (fields, key, named) in cases {
            for from_course in [false, true] {
                let mut pairs = vec![("csrf", csrf.as_str()), ("packageId", id.as_str())];
                pairs.extend(fields.iter().copied());
                if from_course {
                    pairs.push(("return", "course"));
                }
                let (status, html) = post(&env, &s, lang, &pairs).await;
                assert_eq!(status, 400, "{fields:?}: {html}");
                let said = notice(&html);
                let want = kiroku::i18n::escape_html(&want(code, key, named));
                assert_eq!(said, want, "{lang} {fields:?} from the course page: {from_course}");
                // On the page the form was on.
                let form_id = if from_course {
                    "course-assign-form"
                } else {
                    "assignment-form"
                };
                assert!(html.contains(&format!("id=\"{form_id}\"")), "{form_id}: {html}");
            }
        }
    }
    // A course that is not there (a forged form).
    let (status, html) = post(
        &env,
        &s,
        "ja",
        &[("csrf", &csrf), ("packageId", "no-such"), ("learner", "花子")],
    )
    .await;
    assert_eq!((status, notice(&html)), (400, t(Lang::Ja, "portal-assign-no-course")));
    let listed = env
        .app
        .store
        .list_assignments(env.tenant.id, None)
        .await
        .expect("assignments");
    assert!(listed.is_empty(), "nothing assigned: {listed:?}");
}

#[tokio::test]
async fn learner_end_client_and_password_forms_name_the_refused_field_in_the_readers_language() {
    let (env, s) = signed_in("admin@acme.test", json!({"role": "tenant-admin", "tenant": "acme"})).await;
    let csrf = s.csrf.as_str();
    let long = "名".repeat(256);
    let (_, made) = post_to(
        &env,
        &s,
        "/end-clients",
        "en",
        &[("csrf", csrf), ("id", "north"), ("name", "北支社")],
    )
    .await;
    assert!(!made.contains("notice error"), "{made}");
    let (_, made) = post_to(
        &env,
        &s,
        "/learners",
        "en",
        &[("csrf", csrf), ("id", "花子"), ("name", "山田 花子")],
    )
    .await;
    assert!(!made.contains("notice error"), "{made}");
    let learners_before = env
        .app
        .store
        .list_learners(env.tenant.id, None)
        .await
        .expect("learners")
        .len();
    for (lang, l) in [("ja", Lang::Ja), ("en", Lang::En)] {
        let learner = |id: &'static str, name: &'static str, email: &'static str, ec: &'static str| {
            vec![
                ("csrf", csrf),
                ("id", id),
                ("name", name),
                ("email", email),
                ("endClient", ec),
            ]
        };
        let cases: Vec<FormCase> = vec![
            ("/learners", learner("a/b", "名前", "", ""), t(l, "form-bad-learner-id")),
            (
                "/learners",
                vec![("csrf", csrf), ("id", "太郎"), ("name", long.as_str())],
                t(l, "form-bad-name"),
            ),
            (
                "/learners",
                learner("太郎", "山田 太郎", "not-an-address", ""),
                t(l, "form-bad-email"),
            ),
            (
                "/learners",
                learner("花子", "山田 花子", "", ""),
                t(l, "learner-exists"),
            ),
            (
                "/learners",
                learner("太郎", "山田 太郎", "", "南支社"),
                t_args(l, "form-unknown-end-client", &[("id", Arg::from("南支社"))]),
            ),
            (
                "/learners",
                learner("太郎", "山田 太郎", "taro@example.jp", "south-office"),
                t_args(l, "form-unknown-end-client", &[("id", Arg::from("south-office"))]),
            ),
            (
                "/end-clients",
                vec![("csrf", csrf), ("id", "北 支社"), ("name", "北")],
                t(l, "form-bad-end-client-id"),
            ),
            (
                "/end-clients",
                vec![("csrf", csrf), ("id", "south"), ("name", " ")],
                t(l, "form-bad-name"),
            ),
            (
                "/end-clients",
                vec![("csrf", csrf), ("id", "north"), ("name", "北支社")],
                t_args(l, "end-clients-exists", &[("id", Arg::from("north"))]),
            ),
            (
                "/learners/%E8%8A%B1%E5%AD%90/password",
                vec![("csrf", csrf), ("password", "短い")],
                t(l, "form-bad-password"),
            ),
            (
                "/learners/%E8%8A%B1%E5%AD%90/password",
                vec![("csrf", csrf), ("password", "花子")],
                t(l, "form-bad-password"),
            ),
        ];
        refused_as_said(&env, &s, lang, cases).await;
    }
    let learners = env
        .app
        .store
        .list_learners(env.tenant.id, None)
        .await
        .expect("learners");
    assert_eq!(learners.len(), learners_before, "nothing created: {learners:?}");
    let end_clients = env
        .app
        .store
        .list_end_clients(env.tenant.id)
        .await
        .expect("end clients");
    assert_eq!(end_clients.len(), 1, "{end_clients:?}");
}

#[tokio::test]
async fn the_tenant_form_names_the_refusal_in_the_readers_language() {
    let (env, s) = signed_in("op@ops.test", json!({"role": "operator"})).await;
    let csrf = s.csrf.as_str();
    for (lang, l) in [("ja", Lang::Ja), ("en", Lang::En)] {
        let cases: Vec<FormCase> = vec![
            (
                "/tenants",
                vec![("csrf", csrf), ("name", "東京支社")],
                t(l, "form-bad-tenant-name"),
            ),
            (
                "/tenants",
                vec![("csrf", csrf), ("name", "acme")],
                t_args(l, "tenants-exists", &[("name", Arg::from("acme"))]),
            ),
            (
                "/tenants",
                vec![("csrf", csrf), ("name", "gamma"), ("plan", "プラチナ")],
                t_args(l, "form-unknown-plan", &[("plan", Arg::from("プラチナ"))]),
            ),
        ];
        refused_as_said(&env, &s, lang, cases).await;
    }
    assert!(env.app.store.tenant_by_name("gamma").await.expect("read").is_none());
}
