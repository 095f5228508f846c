//! Admin accounts over HTTP: signing in (cookie sessions with CSRF), lockout, password
//! change, API tokens, forced deletion of an admin ID, resellers and end clients.

pub(crate) mod isolation;
mod roles;

use axum::http::Method;
use serde_json::{Value, json};

use crate::support::{Builder, Req, Resp, TestApp};

pub const TOKEN: &str = "operator-secret-token";
pub const PASSWORD: &str = "correct horse battery staple";

pub fn with_operator() -> Builder {
    TestApp::builder().operator_token(TOKEN)
}

/// A request as the holder of the operator token.
pub fn op<'a>(app: &'a TestApp, method: Method, path: &str) -> Req<'a> {
    app.req(method, path)
        .header("authorization", &format!("Bearer {TOKEN}"))
}

/// Creates an account through the operator API; answers its id.
pub async fn account(app: &TestApp, login: &str, realm: Value) -> String {
    let mut body = realm;
    body["login"] = json!(login);
    body["password"] = json!(PASSWORD);
    let r = op(app, Method::POST, "/api/accounts")
        .json(&body)
        .send()
        .await
        .expect(201);
    r.json()["id"].as_str().expect("account id").to_owned()
}

/// A signed-in browser: its session cookie and CSRF token.
#[derive(Debug, Clone)]
pub struct Session {
    pub cookie: String,
    pub csrf: String,
}

impl Session {
    /// The request with the cookie and, for a changing method, the CSRF token.
    pub fn on<'a>(&self, r: Req<'a>) -> Req<'a> {
        r.header("cookie", &self.cookie).header("x-csrf-token", &self.csrf)
    }
}

pub async fn try_sign_in(app: &TestApp, login: &str, password: &str) -> Resp {
    app.post("/api/auth/login")
        .json(&json!({"login": login, "password": password}))
        .send()
        .await
}

pub async fn sign_in(app: &TestApp, login: &str) -> Session {
    let r = try_sign_in(app, login, PASSWORD).await.expect(200);
    let set = r.header("set-cookie").expect("Set-Cookie").to_owned();
    let cookie = set.split(';').next().expect("cookie pair").to_owned();
    Session {
        cookie,
        csrf: r.json()["csrfToken"].as_str().expect("csrfToken").to_owned(),
    }
}

/// An API token for the signed-in account.
pub async fn api_token(app: &TestApp, s: &Session) -> String {
    let r = s
        .on(app.post("/api/auth/tokens"))
        .json(&json!({"label": "ci"}))
        .send()
        .await;
    r.expect(201).json()["token"].as_str().expect("token").to_owned()
}

pub fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

#[tokio::test]
async fn a_session_cookie_is_http_only_same_site_and_changes_need_the_csrf_token() {
    let app = with_operator().start().await;
    let t = app.tenant("acme").await;
    account(
        &app,
        "ann@acme.example",
        json!({"role": "tenant-admin", "tenant": "acme"}),
    )
    .await;
    let r = try_sign_in(&app, "ann@acme.example", "wrong password!").await;
    assert_eq!(r.expect(401).message(), "wrong login or password");
    let r = try_sign_in(&app, "nobody@acme.example", PASSWORD).await;
    assert_eq!(
        r.expect(401).message(),
        "wrong login or password",
        "unknown logins look the same"
    );
    let r = try_sign_in(&app, "ANN@acme.example", PASSWORD).await.expect(200);
    let cookie = r.header("set-cookie").expect("Set-Cookie").to_owned();
    for attr in ["kiroku_session=", "HttpOnly", "SameSite=Strict", "Path=/;"] {
        assert!(cookie.contains(attr), "{attr} in {cookie}");
    }
    assert!(!cookie.contains("Secure"), "plain http here: {cookie}");
    assert_eq!(r.json()["account"]["role"], "tenant-admin");
    assert_eq!(r.json()["account"]["tenant"], "acme");
    let s = sign_in(&app, "ann@acme.example").await;

    app.get("/api/v1/learners")
        .header("cookie", &s.cookie)
        .send()
        .await
        .expect(200);
    let new = json!({"id": "bob", "name": "Bob"});
    let r = app
        .post("/api/v1/learners")
        .header("cookie", &s.cookie)
        .json(&new)
        .send()
        .await;
    assert!(r.expect(403).message().contains("CSRF"));
    let r = app
        .post("/api/v1/learners")
        .header("cookie", &s.cookie)
        .header("x-csrf-token", "0123456789abcdef0123456789abcdef")
        .json(&new)
        .send()
        .await;
    r.expect(403);
    assert!(app.store.learner(t.id, "bob").await.expect("read").is_none());
    s.on(app.post("/api/v1/learners")).json(&new).send().await.expect(201);
    let me = app
        .get("/api/auth/session")
        .header("cookie", &s.cookie)
        .send()
        .await
        .expect(200);
    assert_eq!(me.json()["csrfToken"], s.csrf.as_str());

    s.on(app.post("/api/auth/logout")).send().await.expect(204);
    app.get("/api/v1/learners")
        .header("cookie", &s.cookie)
        .send()
        .await
        .expect(401);
}

#[tokio::test]
async fn five_failed_sign_ins_lock_the_account_even_for_the_right_password() {
    let app = with_operator().start().await;
    let t = app.tenant("acme").await;
    let id = account(&app, "ann", json!({"role": "tenant-admin", "tenant": "acme"})).await;
    for _ in 0..5 {
        try_sign_in(&app, "ann", "not the password").await.expect(401);
    }
    let r = try_sign_in(&app, "ann", PASSWORD).await;
    let secs: u64 = r.header("retry-after").expect("Retry-After").parse().expect("seconds");
    assert!((800..=900).contains(&secs), "{secs}");
    assert_eq!(r.expect(429).json()["error"]["reason"], "account_locked");
    let log = app
        .store
        .audit_entries(
            t.id,
            kiroku::audit::AuditQuery {
                since_ms: None,
                after_seq: None,
                limit: 100,
            },
        )
        .await
        .expect("audit");
    let actions: Vec<&str> = log.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions.iter().filter(|a| **a == "account.sign_in_failed").count(), 5);
    assert!(actions.contains(&"account.locked"), "{actions:?}");
    assert!(
        log.iter()
            .all(|e| e.target == format!("account:{id}") || e.action == "account.created")
    );
}

#[tokio::test]
async fn a_password_change_ends_the_other_sessions() {
    let app = with_operator().start().await;
    app.tenant("acme").await;
    account(&app, "ann", json!({"role": "tenant-admin", "tenant": "acme"})).await;
    let (a, b) = (sign_in(&app, "ann").await, sign_in(&app, "ann").await);
    let change = |current: &str, new: &str| json!({"currentPassword": current, "newPassword": new});
    let r = a
        .on(app.post("/api/auth/password"))
        .json(&change(PASSWORD, "short"))
        .send()
        .await;
    r.expect(400);
    let r = a
        .on(app.post("/api/auth/password"))
        .json(&change("wrong one here", "a new long password"))
        .send()
        .await;
    r.expect(403);
    a.on(app.post("/api/auth/password"))
        .json(&change(PASSWORD, "a new long password"))
        .send()
        .await
        .expect(204);
    app.get("/api/v1/learners")
        .header("cookie", &a.cookie)
        .send()
        .await
        .expect(200);
    app.get("/api/v1/learners")
        .header("cookie", &b.cookie)
        .send()
        .await
        .expect(401);
    try_sign_in(&app, "ann", PASSWORD).await.expect(401);
    try_sign_in(&app, "ann", "a new long password").await.expect(200);
}

#[tokio::test]
async fn api_tokens_act_for_their_account_until_revoked() {
    let app = with_operator().start().await;
    app.tenant("acme").await;
    account(&app, "ann", json!({"role": "tenant-admin", "tenant": "acme"})).await;
    let s = sign_in(&app, "ann").await;
    let token = api_token(&app, &s).await;
    assert!(token.starts_with("kiroku_at_"));
    let new = json!({"id": "bob", "name": "Bob"});
    // A token needs no CSRF token: it is not sent by browsers on their own.
    app.post("/api/v1/learners")
        .header("authorization", &bearer(&token))
        .json(&new)
        .send()
        .await
        .expect(201);
    let list = app
        .get("/api/auth/tokens")
        .header("cookie", &s.cookie)
        .send()
        .await
        .expect(200)
        .json();
    let id = list["tokens"][0]["id"].as_str().expect("token id").to_owned();
    assert!(list["tokens"][0].get("token").is_none(), "the secret is shown once");
    s.on(app.delete(&format!("/api/auth/tokens/{id}")))
        .send()
        .await
        .expect(204);
    app.get("/api/v1/learners")
        .header("authorization", &bearer(&token))
        .send()
        .await
        .expect(401);
    app.get("/api/v1/learners")
        .header("authorization", "Bearer kiroku_at_madeup")
        .send()
        .await
        .expect(401);
}

#[tokio::test]
async fn deleting_an_admin_id_revokes_its_sessions_and_tokens_at_once() {
    let app = with_operator().start().await;
    app.tenant("acme").await;
    let id = account(&app, "ann", json!({"role": "tenant-admin", "tenant": "acme"})).await;
    let s = sign_in(&app, "ann").await;
    let token = api_token(&app, &s).await;
    app.get("/api/v1/learners")
        .header("cookie", &s.cookie)
        .send()
        .await
        .expect(200);
    op(&app, Method::DELETE, &format!("/api/accounts/{id}"))
        .send()
        .await
        .expect(204);
    app.get("/api/v1/learners")
        .header("cookie", &s.cookie)
        .send()
        .await
        .expect(401);
    app.get("/api/v1/learners")
        .header("authorization", &bearer(&token))
        .send()
        .await
        .expect(401);
    try_sign_in(&app, "ann", PASSWORD).await.expect(401);
    op(&app, Method::GET, &format!("/api/accounts/{id}"))
        .send()
        .await
        .expect(404);
}
