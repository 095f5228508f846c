//! The learner portal over HTTP: sign-in by password and by invitation code (single use,
//! expiring), a wrong password, assignments to a learner and to an end client with due
//! dates, an end-client admin kept to their end client, the one-ID policy on portal
//! sign-ins (refuse, end-first), a forced deletion ending the portal session at once, and
//! a launch then a resume giving the same registration. Learner ids and names are
//! Japanese and emoji.

use axum::http::Method;
use kiroku::launch::ConcurrentLaunches;
use kiroku::tenant::TenantSettings;
use serde_json::{Value, json};

use crate::accounts::{account, api_token, bearer, sign_in, with_operator};
use crate::packages::Env;
use crate::support::{Cred, Resp};

pub const LEARNER: &str = "学習者-😀-01";
pub const NAME: &str = "山田 太郎 🎓";
pub const PASSWORD: &str = "パスワード-secret-8";

/// A path segment, percent-encoded.
pub fn seg(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}

pub fn form(pairs: &[(&str, &str)]) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        s.append_pair(k, v);
    }
    s.finish()
}

/// The portal's session cookie pair a response sets (`kiroku_learn=…`), if any.
pub fn cookie_of(r: &Resp) -> Option<String> {
    r.headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("kiroku_learn=") && !v.starts_with("kiroku_learn=;"))
        .and_then(|v| v.split(';').next())
        .map(str::to_owned)
}

/// The value of the first `name="csrf"` input of a page.
fn csrf_of(html: &str) -> String {
    let at = html.find("name=\"csrf\" value=\"").expect("a csrf field");
    let rest = html.get(at + "name=\"csrf\" value=\"".len()..).unwrap_or_default();
    rest.split('"').next().unwrap_or_default().to_owned()
}

/// The launch forms' assignment ids on a portal home page, in order.
fn launch_ids(html: &str) -> Vec<String> {
    html.match_indices("/launch/")
        .filter_map(|(i, _)| html.get(i + "/launch/".len()..))
        .map(|rest| rest.split('"').next().unwrap_or_default().to_owned())
        .collect()
}

pub struct Portal {
    pub env: Env,
    pub package: String,
}

impl Portal {
    pub async fn start() -> Self {
        Self::with_env(Env::with(with_operator()).await).await
    }

    pub async fn with_env(env: Env) -> Self {
        let pkg = env.import_fixture("scorm12-single-sco").await;
        let package = pkg["packageId"].as_str().expect("package id").to_owned();
        Self { env, package }
    }

    pub fn base(&self) -> String {
        format!("/learn/{}/", self.env.tenant.name)
    }

    pub async fn learner(&self, id: &str, end_client: Option<&str>) {
        let mut body = json!({ "id": id, "name": NAME });
        if let Some(e) = end_client {
            body["endClient"] = json!(e);
        }
        self.env
            .app
            .post("/api/v1/learners")
            .auth(&self.env.admin)
            .json(&body)
            .send()
            .await
            .expect(201);
    }

    pub async fn set_password(&self, id: &str) {
        self.env
            .app
            .put(&format!("/api/v1/learners/{}/password", seg(id)))
            .auth(&self.env.admin)
            .json(&json!({ "password": PASSWORD }))
            .send()
            .await
            .expect(204);
    }

    pub async fn assign(&self, body: Value) -> Value {
        self.assign_as(&self.env.admin, body).await.expect(201).json()
    }

    async fn assign_as(&self, cred: &Cred, body: Value) -> Resp {
        self.env
            .app
            .post("/api/v1/assignments")
            .auth(cred)
            .json(&body)
            .send()
            .await
    }

    pub async fn sign_in(&self, id: &str, password: &str) -> Resp {
        self.env
            .app
            .post(&format!("{}signin", self.base()))
            .body(
                "application/x-www-form-urlencoded",
                form(&[("id", id), ("password", password)]),
            )
            .send()
            .await
    }

    /// Signs in (303 home) and answers the session cookie.
    pub async fn signed_in(&self, id: &str) -> String {
        let r = self.sign_in(id, PASSWORD).await;
        assert_eq!(r.status.as_u16(), 303, "{}", r.text());
        cookie_of(&r).expect("a session cookie")
    }

    pub async fn home(&self, cookie: &str) -> String {
        self.env
            .app
            .get(&self.base())
            .header("cookie", cookie)
            .send()
            .await
            .expect(200)
            .text()
    }

    /// Launches the home page's first assignment: the status and the Location.
    pub async fn launch(&self, cookie: &str) -> (u16, String) {
        let html = self.home(cookie).await;
        let id = launch_ids(&html).into_iter().next().expect("a launch form");
        self.launch_id(cookie, &id, &csrf_of(&html)).await
    }

    async fn launch_id(&self, cookie: &str, id: &str, csrf: &str) -> (u16, String) {
        let r = self
            .env
            .app
            .post(&format!("{}launch/{id}", self.base()))
            .header("cookie", cookie)
            .body("application/x-www-form-urlencoded", form(&[("csrf", csrf)]))
            .send()
            .await;
        let to = r.header("location").unwrap_or_default().to_owned();
        (r.status.as_u16(), to)
    }

    async fn registrations(&self, learner: &str) -> Vec<Value> {
        let r = self
            .env
            .get_api(&format!("/api/v1/registrations?learner={}", seg(learner)))
            .await
            .expect(200)
            .json();
        r["registrations"].as_array().cloned().unwrap_or_default()
    }

    async fn policy(&self, policy: ConcurrentLaunches) {
        let settings = TenantSettings {
            concurrent_launches: policy,
            ..TenantSettings::default()
        };
        self.env
            .app
            .store
            .update_tenant_settings(self.env.tenant.id, settings)
            .await
            .expect("settings");
    }

    async fn audited(&self) -> Vec<String> {
        let log = self.env.get_api("/api/v1/audit").await.expect(200).json();
        log["entries"]
            .as_array()
            .expect("entries")
            .iter()
            .filter_map(|e| e["action"].as_str().map(str::to_owned))
            .collect()
    }
}

#[tokio::test]
async fn portal_password_sign_in_lists_the_assignment_and_a_wrong_password_is_refused() {
    let p = Portal::start().await;
    p.learner(LEARNER, None).await;
    p.set_password(LEARNER).await;
    p.assign(json!({ "packageId": p.package, "learner": LEARNER, "due": "2030-01-31" }))
        .await;
    let wrong = p.sign_in(LEARNER, "not-the-password").await;
    assert_eq!(wrong.status.as_u16(), 401);
    assert!(cookie_of(&wrong).is_none());
    assert!(wrong.text().contains("portal-notice"));
    assert_eq!(p.sign_in("nobody", PASSWORD).await.status.as_u16(), 401);
    let signed_out = p.env.app.get(&p.base()).send().await.expect(200).text();
    assert!(signed_out.contains("portal-signin"), "the sign-in page");
    let cookie = p.signed_in(LEARNER).await;
    let home = p.home(&cookie).await;
    assert!(home.contains(NAME), "the learner's name: {home}");
    assert!(home.contains("31 Jan 2030"), "the due date");
    assert!(home.contains("data-status=\"not-started\""));
    assert_eq!(launch_ids(&home).len(), 1);
    let actions = p.audited().await;
    for a in [
        "learner.password_set",
        "assignment.created",
        "portal.sign_in_failed",
        "portal.signed_in",
    ] {
        assert!(actions.iter().any(|x| x == a), "{a} in {actions:?}");
    }
}

#[tokio::test]
async fn portal_launch_then_resume_gives_the_same_registration() {
    let p = Portal::start().await;
    p.learner(LEARNER, None).await;
    p.set_password(LEARNER).await;
    p.assign(json!({ "packageId": p.package, "learner": LEARNER })).await;
    let cookie = p.signed_in(LEARNER).await;
    let (status, first) = p.launch(&cookie).await;
    assert_eq!(status, 303);
    assert!(first.contains("/player/"), "to the player: {first}");
    assert!(first.starts_with(&format!("http://{}", p.env.app.content_addr)));
    // In the portal's language, which the player keeps (`?lang=`, then its cookie).
    assert!(first.ends_with("/?lang=en"), "{first}");
    let player = p.env.fetch(first.trim_end_matches("?lang=en")).await;
    assert_eq!(player.status.as_u16(), 200, "the player opens");
    let home = p.home(&cookie).await;
    assert!(home.contains("portal-resume") || home.contains(&kiroku::i18n::t(kiroku::i18n::Lang::En, "portal-resume")));
    let (status, second) = p.launch(&cookie).await;
    assert_eq!(status, 303);
    assert!(second.contains("/player/"));
    let regs = p.registrations(LEARNER).await;
    assert_eq!(regs.len(), 1, "one registration, resumed: {regs:?}");
    // A launch without the session's CSRF token is stale; another's assignment is not.
    let html = p.home(&cookie).await;
    let id = launch_ids(&html).into_iter().next().expect("launch");
    assert_eq!(p.launch_id(&cookie, &id, "forged").await.0, 403);
    assert_eq!(p.launch_id(&cookie, "made-up", &csrf_of(&html)).await.0, 404);
    assert_eq!(p.launch_id("kiroku_learn=nope", &id, "x").await.0, 401);
    // xAPI content goes to its launch URL with the LRS parameters, not to the player.
    let tincan = p.env.import_fixture("tincan-two-activities").await;
    let tincan = tincan["packageId"].as_str().expect("id").to_owned();
    p.assign(json!({ "packageId": tincan, "learner": LEARNER })).await;
    let html = p.home(&cookie).await;
    let ids = launch_ids(&html);
    assert_eq!(ids.len(), 2);
    let (status, to) = p.launch_id(&cookie, ids.get(1).expect("second"), &csrf_of(&html)).await;
    assert_eq!(status, 303);
    assert!(!to.contains("/player/") && to.contains("endpoint="), "{to}");
}

#[tokio::test]
async fn portal_invitation_codes_work_once_and_expire() {
    let p = Portal::start().await;
    p.learner(LEARNER, None).await;
    let r = p
        .env
        .app
        .post(&format!("/api/v1/learners/{}/invitation", seg(LEARNER)))
        .auth(&p.env.admin)
        .send()
        .await
        .expect(201)
        .json();
    let code = r["code"].as_str().expect("code").to_owned();
    let url = r["url"].as_str().expect("url").to_owned();
    assert!(url.ends_with(&format!("{}invite/{code}", p.base())), "{url}");
    // The link's page uses nothing.
    let path = url
        .split_once(&p.env.app.addr.to_string())
        .expect("app origin")
        .1
        .to_owned();
    let page = p.env.app.get(&path).send().await.expect(200).text();
    assert!(page.contains("portal-invite"));
    // Redeemed once through the link, choosing a password…
    let redeem = |pw: &'static str| {
        p.env
            .app
            .post(&path)
            .body("application/x-www-form-urlencoded", form(&[("password", pw)]))
            .send()
    };
    let r = redeem(PASSWORD).await;
    assert_eq!(r.status.as_u16(), 303, "{}", r.text());
    let cookie = cookie_of(&r).expect("signed in");
    assert!(p.home(&cookie).await.contains(NAME));
    // …then refused; the password it set signs in.
    assert_eq!(redeem("").await.status.as_u16(), 404);
    p.signed_in(LEARNER).await;
    // A typed code (lower case, spaces) works once too.
    let r = p
        .env
        .app
        .post(&format!("/api/v1/learners/{}/invitation", seg(LEARNER)))
        .auth(&p.env.admin)
        .send()
        .await
        .expect(201)
        .json();
    let typed = r["code"].as_str().expect("code").to_lowercase().replace('-', " ");
    let by_code = |c: String| {
        p.env
            .app
            .post(&format!("{}code", p.base()))
            .body("application/x-www-form-urlencoded", form(&[("code", &c)]))
            .send()
    };
    assert_eq!(by_code(typed.clone()).await.status.as_u16(), 303);
    assert_eq!(by_code(typed).await.status.as_u16(), 404);
    // An expired code is refused.
    let expired = "ABCD-EFGH-JKMN-PQRS";
    p.env
        .app
        .store
        .set_invitation(
            p.env.tenant.id,
            LEARNER,
            kiroku::portal::code_digest(expired),
            kiroku::clock::now_ms() - 1,
        )
        .await
        .expect("invitation");
    assert_eq!(by_code(expired.to_owned()).await.status.as_u16(), 404);
}

#[tokio::test]
async fn portal_assignments_reach_a_learner_directly_and_through_their_end_client() {
    let p = Portal::start().await;
    let second = p.env.import_fixture("scorm12-multi-sco").await;
    let second = second["packageId"].as_str().expect("id").to_owned();
    for e in ["e1", "e2"] {
        p.env
            .app
            .post("/api/v1/end-clients")
            .auth(&p.env.admin)
            .json(&json!({ "id": e, "name": e }))
            .send()
            .await
            .expect(201);
    }
    p.learner(LEARNER, Some("e1")).await;
    p.learner("other", Some("e2")).await;
    p.set_password(LEARNER).await;
    p.assign(json!({ "packageId": p.package, "learner": LEARNER, "due": "2030-01-31" }))
        .await;
    p.assign(json!({ "packageId": second, "endClient": "e1", "due": "2001-02-03" }))
        .await;
    p.assign(json!({ "packageId": second, "endClient": "e2" })).await;
    let home = p.home(&p.signed_in(LEARNER).await).await;
    assert_eq!(launch_ids(&home).len(), 2, "own and the end client's: {home}");
    assert!(home.contains("31 Jan 2030") && home.contains("3 Feb 2001"));
    assert!(home.contains("class=\"bad\""), "an overdue course is marked");
    // Bad requests.
    for bad in [
        json!({ "packageId": p.package }),
        json!({ "packageId": p.package, "learner": LEARNER, "endClient": "e1" }),
        json!({ "packageId": p.package, "learner": LEARNER, "due": "31/01/2030" }),
    ] {
        let r = p.assign_as(&p.env.admin, bad).await;
        assert_eq!(r.status.as_u16(), 400, "{}", r.text());
    }
    for missing in [
        json!({ "packageId": "no-such", "learner": LEARNER }),
        json!({ "packageId": p.package, "learner": "nobody" }),
        json!({ "packageId": p.package, "endClient": "e9" }),
    ] {
        assert_eq!(p.assign_as(&p.env.admin, missing).await.status.as_u16(), 404);
    }
    let all = p.env.get_api("/api/v1/assignments").await.expect(200).json();
    assert_eq!(all["assignments"].as_array().map(Vec::len), Some(3));
}

#[tokio::test]
async fn portal_assignments_keep_an_end_client_admin_to_their_end_client() {
    let p = Portal::start().await;
    for e in ["e1", "e2"] {
        p.env
            .app
            .post("/api/v1/end-clients")
            .auth(&p.env.admin)
            .json(&json!({ "id": e, "name": e }))
            .send()
            .await
            .expect(201);
    }
    p.learner(LEARNER, Some("e1")).await;
    p.learner("other", Some("e2")).await;
    let theirs = p.assign(json!({ "packageId": p.package, "endClient": "e2" })).await;
    let tenant = p.env.tenant.name.clone();
    account(
        &p.env.app,
        "ec@acme.example",
        json!({"role": "end-client-admin", "tenant": tenant, "endClient": "e1"}),
    )
    .await;
    let s = sign_in(&p.env.app, "ec@acme.example").await;
    let token = bearer(&api_token(&p.env.app, &s).await);
    let as_ec = |m: Method, path: &str| p.env.app.req(m, path).header("authorization", &token);
    let r = as_ec(Method::POST, "/api/v1/assignments")
        .json(&json!({ "packageId": p.package, "learner": "other" }))
        .send()
        .await;
    assert_eq!(r.status.as_u16(), 404, "another end client's learner");
    let r = as_ec(Method::POST, "/api/v1/assignments")
        .json(&json!({ "packageId": p.package, "endClient": "e2" }))
        .send()
        .await;
    assert_eq!(r.status.as_u16(), 404, "another end client");
    as_ec(Method::POST, "/api/v1/assignments")
        .json(&json!({ "packageId": p.package, "learner": LEARNER }))
        .send()
        .await
        .expect(201);
    let mine = as_ec(Method::GET, "/api/v1/assignments")
        .send()
        .await
        .expect(200)
        .json();
    let list = mine["assignments"].as_array().expect("list");
    assert_eq!(list.len(), 1, "only their own: {list:?}");
    let id = theirs["id"].as_str().expect("id");
    let r = as_ec(Method::DELETE, &format!("/api/v1/assignments/{id}")).send().await;
    assert_eq!(r.status.as_u16(), 404);
    let r = as_ec(Method::PUT, &format!("/api/v1/learners/{}/password", seg("other")))
        .json(&json!({ "password": PASSWORD }))
        .send()
        .await;
    assert_eq!(r.status.as_u16(), 404, "another end client's learner's password");
    p.env
        .app
        .delete(&format!("/api/v1/assignments/{id}"))
        .auth(&p.env.admin)
        .send()
        .await
        .expect(204);
}

#[tokio::test]
async fn portal_refuse_turns_a_second_sign_in_away() {
    let p = Portal::start().await;
    p.policy(ConcurrentLaunches::Refuse).await;
    p.learner(LEARNER, None).await;
    p.set_password(LEARNER).await;
    let first = p.signed_in(LEARNER).await;
    let second = p.sign_in(LEARNER, PASSWORD).await;
    assert_eq!(second.status.as_u16(), 409);
    assert!(cookie_of(&second).is_none());
    assert!(p.home(&first).await.contains(NAME), "the first carries on");
    assert!(p.audited().await.iter().any(|a| a == "launch.concurrent_refused"));
    // Signed out, the id signs in again.
    let html = p.home(&first).await;
    p.env
        .app
        .post(&format!("{}signout", p.base()))
        .header("cookie", &first)
        .body("application/x-www-form-urlencoded", form(&[("csrf", &csrf_of(&html))]))
        .send()
        .await
        .expect(303);
    assert!(!p.home(&first).await.contains(NAME));
    p.signed_in(LEARNER).await;
}

#[tokio::test]
async fn portal_end_first_ends_the_first_sign_in() {
    let p = Portal::start().await;
    p.policy(ConcurrentLaunches::EndFirst).await;
    p.learner(LEARNER, None).await;
    p.set_password(LEARNER).await;
    p.assign(json!({ "packageId": p.package, "learner": LEARNER })).await;
    let first = p.signed_in(LEARNER).await;
    let html = p.home(&first).await;
    let second = p.signed_in(LEARNER).await;
    assert!(p.home(&second).await.contains(NAME));
    let ended = p.home(&first).await;
    assert!(!ended.contains(NAME), "the first is signed out");
    assert!(ended.contains("portal-notice"), "and told why");
    let id = launch_ids(&html).into_iter().next().expect("launch");
    assert_eq!(p.launch_id(&first, &id, &csrf_of(&html)).await.0, 401);
    assert!(p.audited().await.iter().any(|a| a == "launch.ended_by_newer"));
}

#[tokio::test]
async fn portal_forced_deletion_ends_the_session_at_once() {
    let p = Portal::start().await;
    p.learner(LEARNER, None).await;
    p.set_password(LEARNER).await;
    p.assign(json!({ "packageId": p.package, "learner": LEARNER })).await;
    let cookie = p.signed_in(LEARNER).await;
    let html = p.home(&cookie).await;
    let (_, player) = p.launch(&cookie).await;
    p.env
        .app
        .delete(&format!("/api/v1/learners/{}?force=true", seg(LEARNER)))
        .auth(&p.env.admin)
        .send()
        .await
        .expect(204);
    let after = p.home(&cookie).await;
    assert!(!after.contains(NAME) && after.contains("portal-signin"), "signed out");
    let id = launch_ids(&html).into_iter().next().expect("launch");
    assert_eq!(p.launch_id(&cookie, &id, &csrf_of(&html)).await.0, 401);
    assert!(
        p.env.fetch(&player).await.status.is_client_error(),
        "the player refuses"
    );
    assert_eq!(p.sign_in(LEARNER, PASSWORD).await.status.as_u16(), 401);
    let rows = p.env.app.store.tenant_rows(p.env.tenant.id).await.expect("rows");
    for t in ["portal_sessions", "learner_logins", "assignments"] {
        assert_eq!(rows.get(t), Some(&0), "{t}");
    }
}

#[tokio::test]
async fn portal_of_a_suspended_tenant_is_refused_and_an_unknown_one_tells_nothing() {
    let p = Portal::start().await;
    // A tenant nobody has looks like one without learners: nothing tells them apart.
    let r = p.env.app.get("/learn/no-such-tenant/").send().await.expect(200);
    assert!(r.text().contains("portal-signin"));
    let r = p
        .env
        .app
        .post("/learn/no-such-tenant/signin")
        .body(
            "application/x-www-form-urlencoded",
            form(&[("id", LEARNER), ("password", PASSWORD)]),
        )
        .send()
        .await;
    assert_eq!(r.status.as_u16(), 401);
    p.env
        .app
        .store
        .set_tenant_status(
            p.env.tenant.id,
            kiroku::tenant::TenantStatus::Suspended,
            Some("unpaid".into()),
        )
        .await
        .expect("suspend");
    let r = p.env.app.get(&p.base()).send().await;
    assert_eq!(r.status.as_u16(), 403);
    assert!(r.text().contains("unpaid"));
}

#[tokio::test]
async fn portal_admin_pages_set_a_password_make_a_code_and_assign() {
    let p = Portal::start().await;
    p.learner(LEARNER, None).await;
    let tenant = p.env.tenant.name.clone();
    account(
        &p.env.app,
        "admin@acme.example",
        json!({"role": "tenant-admin", "tenant": tenant}),
    )
    .await;
    let s = sign_in(&p.env.app, "admin@acme.example").await;
    let post = |path: String, body: String| {
        p.env
            .app
            .post(&path)
            .header("cookie", &s.cookie)
            .body("application/x-www-form-urlencoded", body)
            .send()
    };
    let learner_page = format!("/learners/{}", seg(LEARNER));
    let page = p
        .env
        .app
        .get(&learner_page)
        .header("cookie", &s.cookie)
        .send()
        .await
        .expect(200)
        .text();
    assert!(page.contains("portal-login-state") && page.contains("portal-invitation-form"));
    // A form without the session's CSRF token is stale.
    assert_eq!(
        post(format!("{learner_page}/invitation"), String::new())
            .await
            .status
            .as_u16(),
        403
    );
    // The code, shown once, signs the learner in.
    let r = post(format!("{learner_page}/invitation"), form(&[("csrf", &s.csrf)]))
        .await
        .expect(200)
        .text();
    let at = r.find("id=\"portal-invitation-code\">").expect("the code shown");
    let code = r
        .get(at + "id=\"portal-invitation-code\">".len()..)
        .and_then(|rest| rest.split('<').next())
        .expect("code")
        .to_owned();
    let again = p
        .env
        .app
        .get(&learner_page)
        .header("cookie", &s.cookie)
        .send()
        .await
        .expect(200)
        .text();
    assert!(!again.contains(&code), "shown once");
    let r = p
        .env
        .app
        .post(&format!("{}code", p.base()))
        .body("application/x-www-form-urlencoded", form(&[("code", &code)]))
        .send()
        .await;
    assert_eq!(r.status.as_u16(), 303);
    // A password: too short is refused on the page, a good one signs in.
    let r = post(
        format!("{learner_page}/password"),
        form(&[("csrf", &s.csrf), ("password", "short")]),
    )
    .await;
    assert_eq!(r.status.as_u16(), 400);
    let r = post(
        format!("{learner_page}/password"),
        form(&[("csrf", &s.csrf), ("password", PASSWORD)]),
    )
    .await;
    assert!(r.expect(200).text().contains("id=\"portal-password-saved\""));
    p.signed_in(LEARNER).await;
    // The assignments page assigns with a due date and deletes.
    let r = post(
        "/assignments".to_owned(),
        form(&[
            ("csrf", &s.csrf),
            ("packageId", &p.package),
            ("learner", LEARNER),
            ("endClient", ""),
            ("due", "2030-01-31"),
        ]),
    )
    .await;
    assert_eq!(r.status.as_u16(), 303, "{}", r.text());
    let list = p
        .env
        .app
        .get("/assignments")
        .header("cookie", &s.cookie)
        .send()
        .await
        .expect(200)
        .text();
    assert!(list.contains("31 Jan 2030") && list.contains(LEARNER));
    let all = p.env.get_api("/api/v1/assignments").await.expect(200).json();
    let id = all["assignments"][0]["id"].as_str().expect("id").to_owned();
    let r = post(
        "/assignments".to_owned(),
        form(&[
            ("csrf", &s.csrf),
            ("packageId", &p.package),
            ("learner", ""),
            ("endClient", ""),
        ]),
    )
    .await;
    assert_eq!(r.status.as_u16(), 400, "neither a learner nor an end client");
    post(format!("/assignments/{id}/delete"), form(&[("csrf", &s.csrf)]))
        .await
        .expect(303);
    let all = p.env.get_api("/api/v1/assignments").await.expect(200).json();
    assert_eq!(all["assignments"].as_array().map(Vec::len), Some(0));
}

#[tokio::test]
async fn portal_assignments_travel_in_the_tenant_archive() {
    use kiroku::ops::archive;
    let p = Portal::start().await;
    p.learner(LEARNER, None).await;
    p.assign(json!({ "packageId": p.package, "learner": LEARNER, "due": "2030-01-31" }))
        .await;
    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("acme.zip");
    let src = p
        .env
        .app
        .store
        .tenant_by_id(p.env.tenant.id)
        .await
        .expect("tenant")
        .expect("found");
    let report = archive::export(&*p.env.app.store, &p.env.app.blobs, &src, &file)
        .await
        .expect("export");
    assert_eq!(report.counts.get("assignments"), Some(&1));
    let other = crate::support::TestApp::start().await;
    let work = other.data_dir().join("tmp");
    archive::import(&*other.store, &other.blobs, &file, Some("acme2"), &work)
        .await
        .expect("import");
    let copy = other.store.tenant_by_name("acme2").await.expect("copy").expect("found");
    let assigned = other.store.learner_assignments(copy.id, LEARNER).await.expect("list");
    let packages = other.store.list_packages(copy.id).await.expect("packages");
    assert_eq!(assigned.len(), 1);
    let a = assigned.first().expect("one");
    assert_eq!(a.due.as_deref(), Some("2030-01-31"));
    assert!(
        packages.iter().any(|v| v.package_id == a.package_id),
        "the copy's package"
    );
}

/// The LRS launch parameters of a portal launch's `Location` (`endpoint`, `auth`, …).
fn launch_params(to: &str) -> std::collections::HashMap<String, String> {
    let query = to.split_once('?').map(|(_, q)| q).unwrap_or_default();
    form_urlencoded::parse(query.as_bytes()).into_owned().collect()
}

/// The status and score cells of the home page's one assignment.
fn status_and_score(home: &str) -> (String, String) {
    let at = home.find("data-status=\"").expect("a status cell");
    let rest = home.get(at + "data-status=\"".len()..).unwrap_or_default();
    let status = rest.split('"').next().unwrap_or_default().to_owned();
    let score = rest
        .split("<td class=\"num\">")
        .nth(1)
        .and_then(|s| s.split('<').next())
        .unwrap_or_default()
        .to_owned();
    (status, score)
}

#[tokio::test]
async fn portal_an_xapi_course_shows_what_its_statements_say() {
    let p = Portal::start().await;
    p.learner(LEARNER, None).await;
    p.set_password(LEARNER).await;
    let tincan = p.env.import_fixture("tincan-two-activities").await;
    let tincan = tincan["packageId"].as_str().expect("id").to_owned();
    p.assign(json!({ "packageId": tincan, "learner": LEARNER })).await;
    let cookie = p.signed_in(LEARNER).await;
    assert_eq!(status_and_score(&p.home(&cookie).await).0, "not-started");

    // The learner launches; the content talks to the LRS with the launch parameters.
    let (code, to) = p.launch(&cookie).await;
    assert_eq!(code, 303);
    let params = launch_params(&to);
    let actor: Value = serde_json::from_str(&params["actor"]).expect("actor");
    let (activity, registration) = (params["activity_id"].clone(), params["registration"].clone());
    let send = |verb: &str, object: &str, result: Value| {
        let mut st = json!({
            "actor": actor,
            "verb": {"id": format!("http://adlnet.gov/expapi/verbs/{verb}")},
            "object": {"id": object},
            "context": {"registration": registration},
        });
        if !result.is_null() {
            st["result"] = result;
        }
        p.env
            .app
            .post("/xapi/statements")
            .header("authorization", &params["auth"])
            .json(&st)
            .send()
    };
    send("initialized", &activity, Value::Null).await.expect(200);
    // A question of the course, failed: a part of it, not the course's verdict.
    send(
        "answered",
        "http://kiroku.example/tincan/first-aid/q1",
        json!({"success": false}),
    )
    .await
    .expect(200);
    assert_eq!(status_and_score(&p.home(&cookie).await).0, "in-progress");

    send("completed", &activity, json!({"completion": true}))
        .await
        .expect(200);
    assert_eq!(status_and_score(&p.home(&cookie).await).0, "completed");
    send("passed", &activity, json!({"success": true, "score": {"scaled": 0.8}}))
        .await
        .expect(200);
    let home = p.home(&cookie).await;
    assert_eq!(
        status_and_score(&home),
        ("passed".to_owned(), "80".to_owned()),
        "{home}"
    );
    assert!(home.contains("id=\"history\""), "finished: in the history too: {home}");

    // The reports count the course from the same statements, kept as they were stored:
    // started, completed and passed with its score, and the question's answer.
    let get = |path: String| p.env.app.get(&path).auth(&p.env.admin).send();
    let courses = get(format!("/api/v1/reports/courses?course={tincan}"))
        .await
        .expect(200)
        .json();
    let c = &courses["rows"][0];
    assert_eq!(
        [
            &c["registered"],
            &c["started"],
            &c["completed"],
            &c["passed"],
            &c["failed"]
        ],
        [&json!(1), &json!(1), &json!(1), &json!(1), &json!(0)],
        "{courses}"
    );
    assert_eq!(c["meanScore"], json!(0.8), "{courses}");
    let q = get(format!("/api/v1/reports/questions?course={tincan}"))
        .await
        .expect(200)
        .json();
    let q1 = &q["rows"][0];
    assert_eq!(q1["question"], "http://kiroku.example/tincan/first-aid/q1", "{q}");
    assert_eq!(
        (q1["answered"].as_u64(), q1["correct"].as_u64()),
        (Some(1), Some(0)),
        "{q}"
    );
}
