//! The web app's pages over HTTP: the home pages of both origins, first run's setup link
//! (works once, expires, void once an operator exists), and which language a page is in
//! (the account's setting, else the cookie, else `Accept-Language`).

use axum::http::Method;
use serde_json::json;

use crate::accounts::{PASSWORD, account, sign_in, try_sign_in, with_operator};
use crate::support::{Resp, TestApp};
use kiroku::account::setup::SETUP_LINK_TTL_MS;

const FORM: &str = "application/x-www-form-urlencoded";

fn form(fields: &[(&str, &str)]) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish()
}

/// The path and query of a printed setup link, and its token.
async fn setup_link(app: &TestApp) -> (String, String) {
    let public = app.url("");
    let link = kiroku::cli::first_run_link(&*app.store, &public, app.clock.now_ms())
        .await
        .expect("store")
        .expect("a link while no operator exists");
    let path = link
        .strip_prefix(public.trim_end_matches('/'))
        .expect("on the app origin");
    let token = path.split_once("token=").expect("token").1.to_owned();
    (path.to_owned(), token)
}

async fn submit_setup(app: &TestApp, token: &str, login: &str, password: &str, again: &str) -> Resp {
    let body = form(&[
        ("token", token),
        ("login", login),
        ("password", password),
        ("password2", again),
    ]);
    app.post("/setup").body(FORM, body).send().await
}

fn assert_page(r: &Resp, lang: &str) {
    assert_eq!(r.header("content-type"), Some("text/html; charset=utf-8"));
    assert!(
        r.header("content-security-policy")
            .is_some_and(|c| c.contains("script-src 'self'")),
        "{:?}",
        r.header("content-security-policy")
    );
    assert_eq!(r.header("cache-control"), Some("no-store"));
    assert_eq!(r.header("referrer-policy"), Some("no-referrer"));
    let html = r.text();
    assert!(html.contains(&format!("<html lang=\"{lang}\">")), "{html}");
}

#[tokio::test]
async fn the_roots_greet_lead_to_sign_in_and_say_what_the_content_origin_is() {
    let app = with_operator().start().await;
    let r = app.get("/").send().await.expect(200);
    assert_page(&r, "en");
    let html = r.text();
    assert!(html.contains("Welcome to kiroku"), "{html}");
    assert!(html.contains("href=\"/admin/\""), "leads to sign-in: {html}");
    assert!(
        html.contains("id=\"setup-pending\""),
        "a fresh install says where to start"
    );
    assert!(html.contains(&format!("{}/xapi", app.url("").trim_end_matches('/'))));
    assert!(!html.contains("<script"), "no script on the home page");

    let r = app
        .get("/")
        .header("accept-language", "ja-JP,ja;q=0.9,en;q=0.8")
        .send()
        .await
        .expect(200);
    assert_page(&r, "ja");
    assert!(r.text().contains("kiroku へようこそ"));

    let content = format!("http://{}/", app.content_addr);
    let r = app
        .request(Method::GET, &content)
        .header("accept-language", "ja")
        .send()
        .await
        .expect(200);
    assert!(r.text().contains("コンテンツ用アドレス"), "{}", r.text());
    assert!(r.header("set-cookie").is_none());
    let r = app.request(Method::GET, &content).send().await.expect(200);
    assert!(r.text().contains("kiroku content address"), "{}", r.text());
    assert!(!r.text().contains("href="), "the content origin links nowhere");

    // With an operator, the home page no longer mentions setup.
    account(&app, "root@ops.test", json!({"role": "operator"})).await;
    let html = app.get("/").send().await.expect(200).text();
    assert!(!html.contains("setup-pending"), "{html}");
}

#[tokio::test]
async fn the_setup_link_creates_the_first_operator_once() {
    let app = with_operator().start().await;
    let (path, token) = setup_link(&app).await;
    assert!(path.starts_with("/setup?token="), "{path}");
    let rows = app
        .store
        .list_accounts(&kiroku::account::Realm::Service)
        .await
        .expect("read");
    assert!(rows.is_empty());

    let r = app.get(&path).send().await.expect(200);
    assert_page(&r, "en");
    let html = r.text();
    assert!(html.contains("id=\"setup-form\""), "{html}");
    assert!(html.contains("1 hour"), "says how long the link works: {html}");

    // A wrong or unknown token creates nothing.
    app.get("/setup?token=not-the-token").send().await.expect(404);
    submit_setup(&app, "not-the-token", "root", PASSWORD, PASSWORD)
        .await
        .expect(404);
    // A refused form keeps the link usable and says why, in the reader's language.
    let r = submit_setup(&app, &token, "root", PASSWORD, "another password!")
        .await
        .expect(400);
    assert!(r.text().contains("The two passwords differ."), "{}", r.text());
    let r = app
        .post("/setup")
        .header("accept-language", "ja")
        .body(
            FORM,
            form(&[
                ("token", &token),
                ("login", "root"),
                ("password", "short"),
                ("password2", "short"),
            ]),
        )
        .send()
        .await
        .expect(400);
    assert!(r.text().contains("パスワードは 12 文字以上必要です。"), "{}", r.text());
    app.post("/setup")
        .body(FORM, form(&[("token", &token)]))
        .send()
        .await
        .expect(400);
    let cross = form(&[
        ("token", &token),
        ("login", "root"),
        ("password", PASSWORD),
        ("password2", PASSWORD),
    ]);
    app.post("/setup")
        .header("sec-fetch-site", "cross-site")
        .body(FORM, cross)
        .send()
        .await
        .expect(403);

    let r = submit_setup(&app, &token, "Root@Ops.Test", PASSWORD, PASSWORD)
        .await
        .expect(303);
    assert_eq!(r.header("location"), Some("/admin/?setup=done"));
    let s = sign_in(&app, "root@ops.test").await;
    let me = s.on(app.get("/api/auth/session")).send().await.expect(200).json();
    assert_eq!(me["account"]["role"], "operator");
    let audit = app
        .store
        .audit_entries(
            kiroku::audit::SERVICE_LOG,
            kiroku::audit::AuditQuery {
                since_ms: None,
                after_seq: None,
                limit: 100,
            },
        )
        .await
        .expect("audit");
    assert!(
        audit
            .iter()
            .any(|e| e.action == "account.created" && !e.detail.to_string().contains(&token)),
        "recorded, without the token"
    );

    // Used: the link is void, and so is any new one while an operator exists.
    let r = submit_setup(&app, &token, "second", PASSWORD, PASSWORD)
        .await
        .expect(409);
    assert!(r.text().contains("operator account already"), "{}", r.text());
    app.get(&path).send().await.expect(409);
    let again = kiroku::cli::first_run_link(&*app.store, &app.url(""), app.clock.now_ms())
        .await
        .expect("store");
    assert!(again.is_none(), "no link is printed once an operator exists");
    try_sign_in(&app, "second", PASSWORD).await.expect(401);
}

#[tokio::test]
async fn the_setup_link_expires_and_a_new_one_replaces_it() {
    let app = with_operator().start().await;
    let (path, token) = setup_link(&app).await;
    app.clock.advance(SETUP_LINK_TTL_MS - 1000);
    app.get(&path).send().await.expect(200);
    app.clock.advance(1000);
    let r = app.get(&path).send().await.expect(404);
    assert!(r.text().contains("expired or was used already"), "{}", r.text());
    submit_setup(&app, &token, "root", PASSWORD, PASSWORD).await.expect(404);

    // The next start prints a new link; the old one stays dead.
    let (fresh, fresh_token) = setup_link(&app).await;
    app.get(&fresh).send().await.expect(200);
    let (newest, _) = setup_link(&app).await;
    app.get(&fresh).send().await.expect(404);
    app.get(&newest).send().await.expect(200);
    submit_setup(&app, &fresh_token, "root", PASSWORD, PASSWORD)
        .await
        .expect(404);
}

/// The language a page is in: `<html lang="…">` of the admin page.
async fn lang_of(app: &TestApp, headers: &[(&str, &str)]) -> String {
    let mut req = app.get("/admin/");
    for (name, value) in headers {
        req = req.header(name, value);
    }
    let html = req.send().await.expect(200).text();
    let at = html.find("<html lang=\"").expect("html lang") + "<html lang=\"".len();
    html.get(at..at + 2).expect("a code").to_owned()
}

#[tokio::test]
async fn the_account_setting_beats_the_cookie_which_beats_the_browser() {
    let app = with_operator().start().await;
    app.tenant("acme").await;
    account(
        &app,
        "ann@acme.example",
        json!({"role": "tenant-admin", "tenant": "acme"}),
    )
    .await;

    assert_eq!(lang_of(&app, &[]).await, "en");
    assert_eq!(lang_of(&app, &[("accept-language", "ja-JP,en;q=0.5")]).await, "ja");
    assert_eq!(lang_of(&app, &[("accept-language", "fr, ja;q=0.1")]).await, "ja");
    assert_eq!(lang_of(&app, &[("accept-language", "日本語;q=ü, *;q=x")]).await, "en");

    // Signed out, the control sets the cookie only, and comes back where it was.
    let r = app
        .post("/language")
        .body(FORM, form(&[("lang", "ja"), ("back", "/admin/")]))
        .send()
        .await
        .expect(303);
    assert_eq!(r.header("location"), Some("/admin/"));
    let set = r.header("set-cookie").expect("a cookie").to_owned();
    assert!(set.starts_with("kiroku_lang=ja;") && set.contains("Path=/"), "{set}");
    let cookie = "kiroku_lang=ja";
    assert_eq!(
        lang_of(&app, &[("cookie", cookie), ("accept-language", "en")]).await,
        "ja"
    );
    // Never back to another origin.
    let r = app
        .post("/language")
        .body(FORM, form(&[("lang", "en"), ("back", "//evil.example/")]))
        .send()
        .await
        .expect(303);
    assert_eq!(r.header("location"), Some("/"));
    app.post("/language")
        .body(FORM, form(&[("lang", "klingon")]))
        .send()
        .await
        .expect(400);
    // Another site's form is refused (the browser says where a request comes from).
    let r = app
        .post("/language")
        .header("sec-fetch-site", "cross-site")
        .body(FORM, form(&[("lang", "en")]))
        .send()
        .await
        .expect(403);
    assert!(r.header("set-cookie").is_none());

    // Signed in: the account has no setting yet, so the cookie still decides.
    let s = sign_in(&app, "ann@acme.example").await;
    let both = format!("{}; {cookie}", s.cookie);
    assert_eq!(lang_of(&app, &[("cookie", &both)]).await, "ja");
    // Switching to English while signed in needs the session's CSRF token…
    let r = app
        .post("/language")
        .header("cookie", &both)
        .body(FORM, form(&[("lang", "en"), ("back", "/admin/")]))
        .send()
        .await
        .expect(403);
    assert!(
        r.text().contains("<html lang=\"ja\">"),
        "the refusal is in the reader's language"
    );
    // …and then stores the account's setting, which beats the cookie and the browser.
    app.post("/language")
        .header("cookie", &both)
        .body(FORM, form(&[("lang", "en"), ("back", "/admin/"), ("csrf", &s.csrf)]))
        .send()
        .await
        .expect(303);
    let me = s.on(app.get("/api/auth/session")).send().await.expect(200).json();
    assert_eq!(me["account"]["language"], "en");
    assert_eq!(
        lang_of(&app, &[("cookie", &both), ("accept-language", "ja")]).await,
        "en"
    );
    // Signed out again, the cookie and the browser decide once more.
    assert_eq!(lang_of(&app, &[("cookie", cookie)]).await, "ja");
    // The setting follows the account to its next session, whatever the browser says.
    let s2 = sign_in(&app, "ann@acme.example").await;
    assert_eq!(
        lang_of(
            &app,
            &[
                ("cookie", &format!("{}; kiroku_lang=ja", s2.cookie)),
                ("accept-language", "ja")
            ]
        )
        .await,
        "en"
    );
}

#[tokio::test]
async fn the_admin_page_is_rendered_in_the_language_chosen() {
    let app = with_operator().start().await;
    let html = app
        .get("/admin/")
        .header("accept-language", "ja")
        .send()
        .await
        .expect(200)
        .text();
    for text in [
        "サインイン",
        "ログイン ID",
        "パスワードの変更",
        "新しいパスワード（12 文字以上）",
    ] {
        assert!(html.contains(text), "{text} in {html}");
    }
    assert!(!html.contains("{{"), "every placeholder filled");
    assert!(html.contains("<script type=\"application/json\" id=\"i18n\">"));
    assert!(html.contains("\"js-wrong-login\":\"ログイン ID またはパスワードが違います\""));
    let english = app.get("/admin/").send().await.expect(200).text();
    assert!(english.contains("New password (12 characters or more)"));
}

/// The real binary: a fresh `kiroku serve` prints a setup link that works in the browser
/// (here: over HTTP), and a restart with an operator prints none.
#[tokio::test]
async fn a_fresh_serve_prints_a_setup_link_and_a_set_up_one_does_not() {
    let kiroku = crate::process::Kiroku::new();
    let server = kiroku.serve();
    let line = server
        .printed("/setup?token=")
        .expect("the setup link on standard output");
    let link = line.trim().to_owned();
    assert!(link.starts_with(&server.url("/setup?token=")), "{link}");
    let client = crate::support::http_client();
    let page = crate::support::Req::new(&client, Method::GET, link.clone())
        .send()
        .await
        .expect(200);
    assert!(page.text().contains("id=\"setup-form\""));
    let token = link.split_once("token=").expect("token").1;
    let body = form(&[
        ("token", token),
        ("login", "root"),
        ("password", PASSWORD),
        ("password2", PASSWORD),
    ]);
    crate::support::Req::new(&client, Method::POST, server.url("/setup"))
        .body(FORM, body)
        .send()
        .await
        .expect(303);
    let log = server.stop_and_read_log();
    assert!(!log.contains(token), "the token never reaches the log: {log}");

    let server = kiroku.serve();
    let home = crate::support::Req::new(&client, Method::GET, server.url("/"))
        .send()
        .await
        .expect(200)
        .text();
    assert!(!home.contains("setup-pending"), "{home}");
    let printed = server.stop_and_read_printed();
    assert!(
        !printed.contains("/setup?token="),
        "no link once an operator exists: {printed}"
    );
}
