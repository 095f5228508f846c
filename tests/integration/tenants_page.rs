//! The tenants page over HTTP: the operator lists and creates tenants with the page's
//! form (a bad name refused with the form shown again), each with links to its pages; a
//! tenant admin may not.

use axum::http::Method;
use serde_json::json;

use crate::accounts::{account, sign_in, with_operator};
use crate::packages::Env;

#[tokio::test]
async fn the_operator_creates_tenants_with_the_pages_form() {
    let env = Env::with(with_operator()).await;
    let app = &env.app;
    account(app, "op@ops.test", json!({"role": "operator"})).await;
    let s = sign_in(app, "op@ops.test").await;
    let get = |path: &str| {
        let (path, cookie) = (path.to_owned(), s.cookie.clone());
        async move { app.req(Method::GET, &path).header("cookie", &cookie).send().await }
    };
    let post = |form: String| {
        let cookie = s.cookie.clone();
        async move {
            app.req(Method::POST, "/tenants")
                .header("cookie", &cookie)
                .body("application/x-www-form-urlencoded", form.into_bytes())
                .send()
                .await
        }
    };
    let page = get("/tenants").await.expect(200).text();
    assert!(
        page.contains("data-tenant=\"acme\"") && page.contains("/courses?tenant=acme"),
        "{page}"
    );

    let r = post(format!("csrf={}&name=beta&xapiVersion=1.0.3&plan=", s.csrf)).await;
    assert_eq!(
        (r.status.as_u16(), r.header("location")),
        (303, Some("/tenants?created=beta"))
    );
    let beta = app.store.tenant_by_name("beta").await.expect("read").expect("beta");
    assert_eq!(beta.xapi_version.as_str(), "1.0.3");
    let page = get("/tenants?created=beta").await.expect(200).text();
    assert!(
        page.contains("id=\"tenant-created\"") && page.contains("data-tenant=\"beta\""),
        "{page}"
    );

    for bad in ["name=has%20space", "name=beta", "name=gamma&xapiVersion=0.9"] {
        let r = post(format!("csrf={}&{bad}", s.csrf)).await;
        assert_eq!(r.status.as_u16(), 400, "{bad}");
        assert!(r.text().contains("id=\"tenant-error\""), "{bad}");
    }
    assert!(app.store.tenant_by_name("gamma").await.expect("read").is_none());
    assert_eq!(post("csrf=stale&name=delta".to_owned()).await.status.as_u16(), 403);

    account(app, "ann@acme.test", json!({"role": "tenant-admin", "tenant": "acme"})).await;
    let a = sign_in(app, "ann@acme.test").await;
    let r = app
        .req(Method::GET, "/tenants")
        .header("cookie", &a.cookie)
        .send()
        .await;
    assert_eq!(r.status.as_u16(), 403);
}
