//! The tenant settings page over HTTP: a tenant admin reads and changes the settings by
//! a plain form post (CSRF token from the page), a bad value is refused with the form
//! shown again and nothing changed, a stale form is refused, an end-client admin may not.

use axum::http::Method;
use serde_json::json;

use crate::accounts::{Session, account, sign_in, with_operator};
use crate::packages::Env;
use kiroku::launch::ConcurrentLaunches;

async fn post(env: &Env, s: &Session, form: &str) -> (u16, String, Option<String>) {
    let r = env
        .app
        .req(Method::POST, "/settings")
        .header("cookie", &s.cookie)
        .body("application/x-www-form-urlencoded", form.as_bytes().to_vec())
        .send()
        .await;
    let location = r.header("location").map(str::to_owned);
    (r.status.as_u16(), r.text(), location)
}

#[tokio::test]
async fn a_tenant_admin_changes_the_settings_with_the_pages_form() {
    let env = Env::with(with_operator()).await;
    let app = &env.app;
    account(
        app,
        "admin@acme.test",
        json!({"role": "tenant-admin", "tenant": "acme"}),
    )
    .await;
    let s = sign_in(app, "admin@acme.test").await;
    let page = app
        .req(Method::GET, "/settings")
        .header("cookie", &s.cookie)
        .send()
        .await
        .expect(200)
        .text();
    assert!(
        page.contains("name=\"csrf\"") && page.contains(&s.csrf),
        "the form carries the token"
    );
    assert!(page.contains("<header class=\"top\">"), "in the page frame: {page}");

    let form = format!("csrf={}&strict=on&policy=end-first&retention=30&cmi5Timeout=90", s.csrf);
    let (status, _, location) = post(&env, &s, &form).await;
    assert_eq!((status, location.as_deref()), (303, Some("/settings?saved=1")));
    let t = app.store.tenant_by_name("acme").await.expect("read").expect("acme");
    assert!(t.settings.strict_scorm12_suspend_data);
    assert_eq!(t.settings.concurrent_launches, ConcurrentLaunches::EndFirst);
    assert_eq!(t.settings.statement_retention_days, Some(30));
    assert_eq!(t.settings.cmi5_session_timeout_minutes, Some(90));
    let page = app
        .req(Method::GET, "/settings?saved=1")
        .header("cookie", &s.cookie)
        .send()
        .await
        .expect(200)
        .text();
    assert!(
        page.contains("id=\"settings-saved\"") && page.contains("value=\"30\""),
        "{page}"
    );

    // Refused, nothing changed: a bad number, a policy no setting takes, a stale form.
    for bad in [
        "retention=ten&policy=allow",
        "retention=5&policy=sometimes",
        "retention=99999999&policy=allow",
    ] {
        let (status, body, _) = post(&env, &s, &format!("csrf={}&{bad}", s.csrf)).await;
        assert_eq!(status, 400, "{bad}: {body}");
        assert!(body.contains("id=\"settings-error\""), "{bad}");
    }
    let (status, _, _) = post(&env, &s, "csrf=stale&retention=1&policy=allow").await;
    assert_eq!(status, 403);
    let t = app.store.tenant_by_name("acme").await.expect("read").expect("acme");
    assert_eq!(t.settings.statement_retention_days, Some(30), "unchanged");

    // The change is in the audit log page, which filters by action and target.
    let audit = |q: &str| {
        let path = format!("/audit{q}");
        let cookie = s.cookie.clone();
        async move { app.req(Method::GET, &path).header("cookie", &cookie).send().await }
    };
    let page = audit("").await.expect(200).text();
    assert!(
        page.contains("tenant.settings_changed") && page.contains("tenant:acme"),
        "{page}"
    );
    let page = audit("?action=learner.").await.expect(200).text();
    assert!(page.contains("id=\"audit-empty\""), "{page}");
    let page = audit("?since=yesterday").await.expect(200).text();
    assert!(page.contains("id=\"audit-bad-date\""), "{page}");
    let page = audit("?since=2099-01-01").await.expect(200).text();
    assert!(page.contains("id=\"audit-empty\""), "{page}");

    // An end-client admin may not see or change them.
    env.app
        .post("/api/v1/end-clients")
        .auth(&env.admin)
        .json(&json!({"id": "east", "name": "East"}))
        .send()
        .await
        .expect(201);
    account(
        app,
        "east@acme.test",
        json!({"role": "end-client-admin", "tenant": "acme", "endClient": "east"}),
    )
    .await;
    let e = sign_in(app, "east@acme.test").await;
    let r = app
        .req(Method::GET, "/settings")
        .header("cookie", &e.cookie)
        .send()
        .await;
    assert_eq!(r.status.as_u16(), 403);
    let (status, _, _) = post(&env, &e, &format!("csrf={}&retention=1&policy=allow", e.csrf)).await;
    assert_eq!(status, 403);
}
