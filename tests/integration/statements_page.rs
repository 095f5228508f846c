//! The statement browser over HTTP: a tenant admin reads the tenant's statements newest
//! first with their JSON, filters them as the xAPI query does (a learner's id, an e-mail
//! address, a verb, a date range), pages through them, and is told plainly when a filter
//! is not valid; an end-client admin may not browse the tenant's LRS.

use axum::http::Method;
use serde_json::{Value, json};

use crate::accounts::{Session, account, sign_in, with_operator};
use crate::data::{stmt, uuid, with_id};
use crate::packages::Env;
use crate::support::TestApp;

async fn page(app: &TestApp, s: &Session, query: &str) -> (u16, String) {
    let r = app
        .req(Method::GET, &format!("/statements{query}"))
        .header("cookie", &s.cookie)
        .send()
        .await;
    (r.status.as_u16(), r.text())
}

fn rows(html: &str) -> usize {
    html.matches("<tr class=\"json\">").count()
}

#[tokio::test]
async fn a_tenant_admin_browses_and_filters_the_tenants_statements() {
    let env = Env::with(with_operator()).await;
    let app = &env.app;
    let cred = app.credential(&env.tenant, &[kiroku::tenant::Scope::All]).await;
    let home = format!("{}/tenants/acme", app.url("").trim_end_matches('/'));
    // A learner of the tenant (an account agent) answered in Japanese; 30 others by mbox.
    let mut answered = stmt("x", "answered", "q1");
    answered["actor"] = json!({"name": "山田 花子", "account": {"homePage": home, "name": "hanako"}});
    answered["verb"]["display"] = json!({"ja-JP": "回答した", "en-US": "answered"});
    answered["result"] = json!({"success": true, "response": "東京"});
    let mut batch: Vec<Value> = (0..30)
        .map(|i| with_id(stmt(&format!("p{i}"), "viewed", "page"), &uuid()))
        .collect();
    batch.push(with_id(answered, &uuid()));
    app.post("/xapi/statements")
        .auth(&cred)
        .json(&json!(batch))
        .send()
        .await
        .expect(200);

    account(
        app,
        "admin@acme.test",
        json!({"role": "tenant-admin", "tenant": "acme"}),
    )
    .await;
    let s = sign_in(app, "admin@acme.test").await;
    let (status, html) = page(app, &s, "").await;
    assert_eq!(status, 200, "{html}");
    assert_eq!(rows(&html), 25, "a page of 25");
    assert!(html.contains("id=\"statements-more\""), "older ones on the next page");
    let more = html
        .split("id=\"statements-more\" href=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .expect("more link");
    let (status, older) = page(
        app,
        &s,
        more.trim_start_matches("/statements").replace("&amp;", "&").as_str(),
    )
    .await;
    assert_eq!(status, 200, "{older}");
    assert_eq!(rows(&older), 6, "31 in all");

    // A learner's id finds their statement, with the verb in the reader's language.
    let r = app
        .req(Method::GET, "/statements?agent=hanako")
        .header("cookie", &s.cookie)
        .header("accept-language", "ja")
        .send()
        .await
        .expect(200)
        .text();
    assert_eq!(rows(&r), 1, "{r}");
    assert!(
        r.contains("山田 花子 (hanako)") && r.contains("回答した") && r.contains("“東京”"),
        "{r}"
    );
    let (_, by_mail) = page(app, &s, "?agent=p3%40example.com").await;
    assert_eq!(rows(&by_mail), 1);
    let (_, by_verb) = page(app, &s, "?verb=http%3A%2F%2Fexample.com%2Fverbs%2Fanswered").await;
    assert_eq!(rows(&by_verb), 1);
    let (_, future) = page(app, &s, "?since=2999-01-01").await;
    assert!(future.contains("id=\"statements-empty\""));
    let (status, bad) = page(app, &s, "?since=yesterday").await;
    assert_eq!(status, 200);
    assert!(
        bad.contains("id=\"statements-error\"") && bad.contains("YYYY-MM-DD"),
        "{bad}"
    );
    let (_, bad_verb) = page(app, &s, "?verb=not%20an%20iri").await;
    assert!(bad_verb.contains("id=\"statements-error\""), "{bad_verb}");

    // An end-client admin: refused.
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
    let (status, _) = page(app, &e, "").await;
    assert_eq!(status, 403);
}
