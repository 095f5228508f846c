//! The learner pages over HTTP: a tenant admin adds a learner with the learners page's
//! form (a Japanese id; a taken id refused with the form shown again), edits them on
//! their page, and deletes them after the confirmation — with registrations, only as
//! the forced deletion the page offers, which takes the registrations too. An
//! end-client admin adds learners into their end client and cannot reach another's.

use axum::http::Method;
use serde_json::json;

use crate::accounts::{Session, account, sign_in, with_operator};
use crate::packages::{Env, str_of};
use crate::support::{Resp, TestApp};

/// 学習者-01, percent-encoded for a path or a form.
const ID: &str = "%E5%AD%A6%E7%BF%92%E8%80%85-01";

async fn post(app: &TestApp, s: &Session, path: &str, form: &str) -> Resp {
    app.req(Method::POST, path)
        .header("cookie", &s.cookie)
        .body("application/x-www-form-urlencoded", form.as_bytes().to_vec())
        .send()
        .await
}

async fn get(app: &TestApp, s: &Session, path: &str) -> Resp {
    app.req(Method::GET, path).header("cookie", &s.cookie).send().await
}

#[tokio::test]
async fn a_tenant_admin_adds_edits_and_deletes_a_learner_with_the_pages_forms() {
    let env = Env::with(with_operator()).await;
    let app = &env.app;
    account(
        app,
        "admin@acme.test",
        json!({"role": "tenant-admin", "tenant": "acme"}),
    )
    .await;
    let s = sign_in(app, "admin@acme.test").await;
    let csrf = &s.csrf;

    // Added with the learners page's form: to the learner's page.
    let r = post(
        app,
        &s,
        "/learners",
        &format!("csrf={csrf}&id={ID}&name=%E7%94%B0%E4%B8%AD&email="),
    )
    .await;
    assert_eq!(r.status.as_u16(), 303, "{}", r.text());
    assert_eq!(r.header("location"), Some(format!("/learners/{ID}?saved=1").as_str()));
    let page = get(app, &s, &format!("/learners/{ID}?saved=1"))
        .await
        .expect(200)
        .text();
    assert!(
        page.contains("田中") && page.contains("学習者-01") && page.contains("learner-saved-notice"),
        "{page}"
    );
    assert!(page.contains("id=\"no-registrations\""));
    let list = get(app, &s, "/learners").await.expect(200).text();
    assert!(list.contains(&format!("href=\"/learners/{ID}\"")), "{list}");

    // The same id again: refused, the form shown again with why.
    let r = post(app, &s, "/learners", &format!("csrf={csrf}&id={ID}&name=x")).await;
    assert_eq!(r.status.as_u16(), 400);
    assert!(r.text().contains("id=\"learner-error\""));
    // A stale form is refused.
    let r = post(app, &s, "/learners", "csrf=stale&id=other&name=x").await;
    assert_eq!(r.status.as_u16(), 403);

    // Edited on their page.
    let r = post(
        app,
        &s,
        &format!("/learners/{ID}"),
        &format!("csrf={csrf}&name=%E7%94%B0%E4%B8%AD%E8%8A%B1%E5%AD%90&email=hanako%40example.jp"),
    )
    .await;
    assert_eq!(r.status.as_u16(), 303, "{}", r.text());
    let shown = env.get_api(&format!("/api/v1/learners/{ID}")).await.expect(200).json();
    assert_eq!(
        (shown["name"].as_str(), shown["email"].as_str()),
        (Some("田中花子"), Some("hanako@example.jp"))
    );
    let r = post(
        app,
        &s,
        &format!("/learners/{ID}"),
        &format!("csrf={csrf}&name=x&email=not-an-address"),
    )
    .await;
    assert_eq!(r.status.as_u16(), 400, "a bad e-mail address");
    assert!(r.text().contains("id=\"learner-error\""));

    // With a registration the page offers the forced deletion only.
    let pkg = env.import_fixture("scorm12-single-sco").await;
    let reg = env
        .app
        .post("/api/v1/registrations")
        .auth(&env.admin)
        .json(&json!({ "learner": "学習者-01", "packageId": str_of(&pkg, "packageId") }))
        .send()
        .await
        .expect(201)
        .json();
    let reg = str_of(&reg, "id").to_owned();
    let page = get(app, &s, &format!("/learners/{ID}")).await.expect(200).text();
    assert!(
        page.contains(&reg) && page.contains("name=\"force\" value=\"on\""),
        "{page}"
    );
    let r = post(
        app,
        &s,
        &format!("/learners/{ID}/delete"),
        &format!("csrf={csrf}&force=on"),
    )
    .await;
    assert_eq!(r.status.as_u16(), 400, "no confirmation");
    // A page loaded before the registration (no force): refused, nothing deleted.
    let r = post(
        app,
        &s,
        &format!("/learners/{ID}/delete"),
        &format!("csrf={csrf}&confirm=on"),
    )
    .await;
    assert_eq!(r.status.as_u16(), 400);
    env.get_api(&format!("/api/v1/learners/{ID}")).await.expect(200);
    let r = post(
        app,
        &s,
        &format!("/learners/{ID}/delete"),
        &format!("csrf={csrf}&confirm=on&force=on"),
    )
    .await;
    assert_eq!(r.status.as_u16(), 303, "{}", r.text());
    assert_eq!(r.header("location"), Some(format!("/learners?deleted={ID}").as_str()));
    env.get_api(&format!("/api/v1/learners/{ID}")).await.expect(404);
    env.get_api(&format!("/api/v1/registrations/{reg}")).await.expect(404);
    let list = get(app, &s, &format!("/learners?deleted={ID}"))
        .await
        .expect(200)
        .text();
    assert!(list.contains("id=\"learner-deleted\""));
    get(app, &s, &format!("/learners/{ID}")).await.expect(404);
}

#[tokio::test]
async fn an_end_client_admin_adds_learners_into_their_end_client_only() {
    let env = Env::with(with_operator()).await;
    let app = &env.app;
    for (id, name) in [("east", "East"), ("west", "West")] {
        env.app
            .post("/api/v1/end-clients")
            .auth(&env.admin)
            .json(&json!({"id": id, "name": name}))
            .send()
            .await
            .expect(201);
    }
    env.app
        .post("/api/v1/learners")
        .auth(&env.admin)
        .json(&json!({"id": "w1", "name": "Wes", "endClient": "west"}))
        .send()
        .await
        .expect(201);
    account(
        app,
        "east@acme.test",
        json!({"role": "end-client-admin", "tenant": "acme", "endClient": "east"}),
    )
    .await;
    let s = sign_in(app, "east@acme.test").await;
    let page = get(app, &s, "/learners").await.expect(200).text();
    assert!(!page.contains("learner-end-client"), "no end client to choose");
    let r = post(app, &s, "/learners", &format!("csrf={}&id=e1&name=Eve", s.csrf)).await;
    assert_eq!(r.status.as_u16(), 303, "{}", r.text());
    let e1 = env.get_api("/api/v1/learners/e1").await.expect(200).json();
    assert_eq!(e1["endClient"], "east");
    // Another end client's learner: as if it did not exist, and not deletable.
    get(app, &s, "/learners/w1").await.expect(404);
    let r = post(app, &s, "/learners/w1/delete", &format!("csrf={}&confirm=on", s.csrf)).await;
    assert_eq!(r.status.as_u16(), 404);
    env.get_api("/api/v1/learners/w1").await.expect(200);
}
