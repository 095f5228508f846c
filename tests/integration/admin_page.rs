//! The admin page (`/admin/`) on the app origin: its security headers, that the content
//! origin does not serve it, that the account API's 401s carry no Basic challenge (a
//! browser would ask for a password), and in headless Chromium: signing in through the
//! form, the learners and progress report, a reload that keeps the session, changing the
//! password, signing out, and a wrong password's message.

use axum::http::Method;
use serde_json::json;

use crate::accounts::{PASSWORD, account, try_sign_in, with_operator};
use crate::clicks::within;
use crate::packages::Env;
use crate::webdriver::Browser;

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
                   img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'self'; \
                   frame-ancestors 'none'";

#[tokio::test]
async fn the_admin_page_is_served_on_the_app_origin_with_its_security_headers() {
    let app = with_operator().start().await;
    for (path, kind, marker) in [
        ("/admin/", "text/html; charset=utf-8", "id=\"signin-form\""),
        ("/admin/admin.js", "text/javascript; charset=utf-8", "/api/auth/login"),
    ] {
        let r = app.get(path).send().await.expect(200);
        assert_eq!(r.header("content-type"), Some(kind), "{path}");
        assert_eq!(r.header("content-security-policy"), Some(CSP), "{path}");
        assert_eq!(r.header("x-frame-options"), Some("DENY"), "{path}");
        assert_eq!(r.header("cache-control"), Some("no-store"), "{path}");
        assert_eq!(r.header("x-content-type-options"), Some("nosniff"), "{path}");
        assert!(r.text().contains(marker), "{path}");
    }
    let page = app.get("/admin/").send().await.text();
    assert!(
        !page.contains("http://") && !page.contains("https://"),
        "nothing from elsewhere"
    );
    assert!(page.contains("<script src=\"/admin/admin.js\"></script>"));
    assert!(!page.contains("<script>"), "no inline script: the CSP would refuse it");
    let r = app.get("/admin").send().await.expect(308);
    assert_eq!(r.header("location"), Some("/admin/"));

    let content = format!("http://{}", app.content_addr);
    for path in ["/admin/", "/admin/admin.js", "/admin"] {
        app.request(Method::GET, &format!("{content}{path}"))
            .send()
            .await
            .expect(404);
    }
}

#[tokio::test]
async fn the_account_api_answers_401_without_a_basic_challenge() {
    let app = with_operator().start().await;
    app.tenant("acme").await;
    account(
        &app,
        "ann@acme.example",
        json!({"role": "tenant-admin", "tenant": "acme"}),
    )
    .await;
    // A Bearer challenge: browsers ask for no password on it.
    let bearer = |r: &crate::support::Resp| r.header("www-authenticate") == Some("Bearer");
    let r = try_sign_in(&app, "ann@acme.example", "not the password")
        .await
        .expect(401);
    assert!(bearer(&r), "{:?}", r.header("www-authenticate"));
    let r = app.get("/api/auth/session").send().await.expect(401);
    assert!(bearer(&r), "{:?}", r.header("www-authenticate"));
    let dead = "kiroku_session=not-a-session";
    for (method, path) in [
        (Method::GET, "/api/auth/session"),
        (Method::GET, "/api/v1/learners"),
        (Method::GET, "/api/v1/reports/registrations"),
    ] {
        let r = app.req(method, path).header("cookie", dead).send().await.expect(401);
        assert!(bearer(&r), "{path}: {:?}", r.header("www-authenticate"));
    }
    // The tenant API without any credential still asks for Basic credentials.
    let r = app.get("/api/v1/learners").send().await.expect(401);
    assert!(r.header("www-authenticate").is_some_and(|h| h.starts_with("Basic")));
}

const NEW_PASSWORD: &str = "a brand new passphrase 2";
const LEARNER: &str = "learner-7f3a";

fn js(s: &str) -> String {
    serde_json::to_string(s).expect("JSON string")
}

/// Waits until the message element shows text containing `want`.
async fn message(b: &Browser, want: &str) {
    let expr = format!("document.getElementById('message').textContent.includes({})", js(want));
    b.wait_js(&format!("the message {want:?}"), &expr).await;
}

async fn fill(b: &Browser, css: &str, text: &str) {
    b.execute("document.querySelector(arguments[0]).value = '';", json!([css]))
        .await;
    let e = b.find(css).await;
    b.send_keys(&e, text).await;
}

#[tokio::test]
async fn an_admin_signs_in_sees_learners_and_progress_changes_the_password_and_signs_out() {
    within(async {
        let env = Env::with(with_operator()).await;
        let pkg = env.import_fixture("scorm12-single-sco").await;
        let package_id = pkg["packageId"].as_str().expect("package id").to_owned();
        env.app
            .post("/api/v1/launch")
            .auth(&env.admin)
            .json(&json!({"learner": {"id": LEARNER, "name": "Ann Lee"}, "packageId": package_id}))
            .send()
            .await
            .expect(200);
        let login = "ann@acme.example";
        account(&env.app, login, json!({"role": "tenant-admin", "tenant": "acme"})).await;

        let b = Browser::start().await;
        b.goto(&env.app.url("/admin/")).await;
        b.wait_js("the sign-in form", "document.body.dataset.state === 'signed-out'")
            .await;

        // A wrong password: the API's message, and still signed out.
        fill(&b, "#login", login).await;
        fill(&b, "#password", "not the password").await;
        b.click_on("#signin-button").await;
        message(&b, "wrong login or password").await;
        assert_eq!(
            b.execute("return document.body.dataset.state;", json!([])).await,
            "signed-out"
        );

        fill(&b, "#password", PASSWORD).await;
        b.click_on("#signin-button").await;
        let listed = format!(
            "document.body.dataset.state === 'signed-in' \
             && document.querySelector('#learners tr[data-learner=' + JSON.stringify({l}) + ']') \
             && document.querySelectorAll('#report tbody tr').length === 1",
            l = js(LEARNER)
        );
        b.wait_js("the learner and the report", &listed).await;
        assert_eq!(b.text(&b.find("#message").await).await, "", "no error");
        assert_eq!(b.text(&b.find("#who-login").await).await, login);
        assert_eq!(b.text(&b.find("#who-role").await).await, "tenant admin");
        assert_eq!(b.text(&b.find("#who-tenant").await).await, "acme");
        assert!(b.text(&b.find("#learners tbody").await).await.contains(LEARNER));
        let report = b.text(&b.find("#report tbody").await).await;
        assert!(report.contains(LEARNER), "{report}");
        assert!(report.contains(&package_id), "{report}");
        assert!(report.contains("not attempted / unknown"), "{report}");
        let stored = b
            .execute(
                "return window.localStorage.length + window.sessionStorage.length;",
                json!([]),
            )
            .await;
        assert_eq!(stored, 0, "the CSRF token is kept in memory only");

        // A reload keeps the session (and fetches its CSRF token again).
        b.goto_anew(&env.app.url("/admin/")).await;
        b.wait_js("the restored session", &listed).await;

        fill(&b, "#current-password", PASSWORD).await;
        fill(&b, "#new-password", NEW_PASSWORD).await;
        b.click_on("#password-button").await;
        message(&b, "Password changed").await;

        b.click_on("#signout").await;
        message(&b, "Signed out").await;
        b.wait_js(
            "the sign-in form again",
            "document.body.dataset.state === 'signed-out' && !document.getElementById('signin').hidden",
        )
        .await;
        // The session is gone: a reload shows the sign-in form.
        b.goto_anew(&env.app.url("/admin/")).await;
        b.wait_js(
            "signed out after a reload",
            "document.body.dataset.state === 'signed-out'",
        )
        .await;
        b.quit().await;

        try_sign_in(&env.app, login, PASSWORD).await.expect(401);
        try_sign_in(&env.app, login, NEW_PASSWORD).await.expect(200);
    })
    .await;
}

#[tokio::test]
async fn a_reseller_admin_sees_its_tenants_suspends_one_and_opens_it() {
    within(async {
        let app = with_operator().start().await;
        app.tenant("acme").await;
        let op = |m: Method, path: &str| crate::accounts::op(&app, m, path);
        op(Method::POST, "/api/operator/v1/resellers")
            .json(&json!({"name": "north"}))
            .send()
            .await
            .expect(201);
        op(Method::POST, "/api/operator/v1/tenants")
            .json(&json!({"name": "t1", "reseller": "north"}))
            .send()
            .await
            .expect(201);
        let t1 = app.store.tenant_by_name("t1").await.expect("read").expect("t1");
        let fields = kiroku::learner::LearnerFields {
            name: "Bo".into(),
            email: None,
            end_client: None,
        };
        app.store.create_learner(t1.id, "bo-t1", fields).await.expect("learner");
        account(&app, "rita", json!({"role": "reseller-admin", "reseller": "north"})).await;

        let b = Browser::start().await;
        b.goto(&app.url("/admin/")).await;
        b.wait_js("the sign-in form", "document.body.dataset.state === 'signed-out'")
            .await;
        fill(&b, "#login", "rita").await;
        fill(&b, "#password", PASSWORD).await;
        b.click_on("#signin-button").await;
        b.wait_js(
            "its tenants",
            "document.querySelector('#tenants tr[data-tenant=\"t1\"]') !== null",
        )
        .await;
        let tenants = b.text(&b.find("#tenants tbody").await).await;
        assert!(tenants.contains("north") && tenants.contains("active"), "{tenants}");
        assert!(
            !tenants.contains("acme"),
            "another reseller's or the operator's tenant: {tenants}"
        );

        // Suspend through the page: the store says so; resume again.
        b.click_on("#tenants tr[data-tenant=\"t1\"] button:nth-of-type(2)")
            .await;
        let suspended = "document.querySelector('#tenants tr[data-tenant=\"t1\"]').textContent.includes('suspended')";
        b.wait_js("t1 suspended", suspended).await;
        let status = app.store.tenant_by_id(t1.id).await.expect("read").expect("t1").status;
        assert_eq!(status, kiroku::tenant::TenantStatus::Suspended);
        // Opened while suspended: the page says so in its own words.
        b.click_on("#tenants tr[data-tenant=\"t1\"] button:nth-of-type(1)")
            .await;
        message(&b, "This tenant is suspended").await;
        b.click_on("#tenants tr[data-tenant=\"t1\"] button:nth-of-type(2)")
            .await;
        let active = "document.querySelector('#tenants tr[data-tenant=\"t1\"]').textContent.includes('active')";
        b.wait_js("t1 active again", active).await;

        // Open it: its learners, read naming the tenant.
        b.click_on("#tenants tr[data-tenant=\"t1\"] button:nth-of-type(1)")
            .await;
        b.wait_js(
            "t1's learners",
            "document.querySelector('#learners tr[data-learner=\"bo-t1\"]') !== null",
        )
        .await;
        assert_eq!(b.text(&b.find("#current-tenant").await).await, "t1");
        assert_eq!(b.text(&b.find("#message").await).await, "", "no error");
        b.quit().await;
    })
    .await;
}
