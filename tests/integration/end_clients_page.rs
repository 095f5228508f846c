//! The end clients page over HTTP: a tenant admin adds one with the page's form (a bad id
//! is refused with the form shown again), an end-client admin sees only their own and
//! no form.

use axum::http::Method;
use serde_json::json;

use crate::accounts::{account, sign_in, with_operator};
use crate::packages::Env;

#[tokio::test]
async fn a_tenant_admin_adds_end_clients_with_the_pages_form() {
    let env = Env::with(with_operator()).await;
    let app = &env.app;
    account(
        app,
        "admin@acme.test",
        json!({"role": "tenant-admin", "tenant": "acme"}),
    )
    .await;
    let s = sign_in(app, "admin@acme.test").await;
    let post = |form: String| {
        let cookie = s.cookie.clone();
        async move {
            app.req(Method::POST, "/end-clients")
                .header("cookie", &cookie)
                .body("application/x-www-form-urlencoded", form.into_bytes())
                .send()
                .await
        }
    };
    let r = post(format!("csrf={}&id=east&name=%E6%9D%B1%E6%97%A5%E6%9C%AC", s.csrf)).await;
    assert_eq!(r.status.as_u16(), 303);
    assert_eq!(r.header("location"), Some("/end-clients?created=east"));
    let page = app
        .req(Method::GET, "/end-clients?created=east")
        .header("cookie", &s.cookie)
        .send()
        .await
        .expect(200)
        .text();
    assert!(
        page.contains("id=\"end-client-created\"") && page.contains("東日本"),
        "{page}"
    );
    let r = post(format!("csrf={}&id=no%2Fslash&name=x", s.csrf)).await;
    assert_eq!(r.status.as_u16(), 400);
    assert!(r.text().contains("id=\"end-client-error\""));
    let r = post(format!("csrf={}&id=east&name=again", s.csrf)).await;
    assert_eq!(r.status.as_u16(), 400, "taken");
    let r = post("csrf=stale&id=west&name=x".to_owned()).await;
    assert_eq!(r.status.as_u16(), 403);

    env.app
        .post("/api/v1/end-clients")
        .auth(&env.admin)
        .json(&json!({"id": "west", "name": "West"}))
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
    let page = app
        .req(Method::GET, "/end-clients")
        .header("cookie", &e.cookie)
        .send()
        .await
        .expect(200)
        .text();
    assert!(page.contains("東日本") && !page.contains("West"), "{page}");
    assert!(
        !page.contains("id=\"end-client-form\""),
        "no form for an end-client admin"
    );
}
