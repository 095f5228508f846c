//! Plans' quotas over HTTP: each refusal names its reason and keeps what was accepted
//! before; the request rate answers 429 with Retry-After; the operator API's bearer token.

use axum::http::Method;
use serde_json::{Value, json};

use crate::data::stmt;
use crate::packages::Env;
use crate::support::{Resp, TestApp};

const TOKEN: &str = "operator-secret-token";

async fn op(app: &TestApp, method: Method, path: &str, body: Option<Value>) -> Resp {
    let mut r = app
        .req(method, path)
        .header("authorization", &format!("Bearer {TOKEN}"));
    if let Some(b) = body {
        r = r.json(&b);
    }
    r.send().await
}

/// The tenant `acme` of a fresh server, put on a new plan with these quotas.
async fn on_plan(quotas: Value) -> Env {
    let env = Env::with(TestApp::builder().operator_token(TOKEN)).await;
    let mut plan = quotas;
    plan["name"] = json!("p");
    op(&env.app, Method::POST, "/api/operator/v1/plans", Some(plan))
        .await
        .expect(201);
    let r = op(
        &env.app,
        Method::PUT,
        "/api/operator/v1/tenants/acme/plan",
        Some(json!({"plan": "p"})),
    )
    .await;
    assert_eq!(r.expect(200).json()["plan"], "p");
    env
}

fn reason(r: Resp, status: u16) -> String {
    let v = r.expect(status).json();
    v["error"]["reason"]
        .as_str()
        .unwrap_or_else(|| panic!("no reason in {v}"))
        .to_owned()
}

#[tokio::test]
async fn learners_over_the_quota_are_refused_by_the_admin_api_and_lms_launch() {
    let env = on_plan(json!({"learners": 1})).await;
    let pkg = env.import_fixture("scorm12-single-sco").await;
    let package = pkg["packageId"].as_str().expect("package");
    let create = |id: &str| json!({"id": id, "name": id});
    env.app
        .post("/api/v1/learners")
        .auth(&env.admin)
        .json(&create("a"))
        .send()
        .await
        .expect(201);
    let r = env
        .app
        .post("/api/v1/learners")
        .auth(&env.admin)
        .json(&create("b"))
        .send()
        .await;
    assert_eq!(reason(r, 403), "quota_learners");
    let r = env
        .app
        .put("/api/v1/learners/b")
        .auth(&env.admin)
        .json(&json!({"name": "b"}))
        .send()
        .await;
    assert_eq!(reason(r, 403), "quota_learners");
    let launch = |id: &str| json!({"learner": {"id": id, "name": id}, "packageId": package});
    let r = env
        .app
        .post("/api/v1/launch")
        .auth(&env.admin)
        .json(&launch("c"))
        .send()
        .await;
    assert_eq!(reason(r, 403), "quota_learners");
    // The learner already there still launches; nothing was lost.
    env.app
        .post("/api/v1/launch")
        .auth(&env.admin)
        .json(&launch("a"))
        .send()
        .await
        .expect(200);
    let list = env.get_api("/api/v1/learners").await.expect(200).json();
    assert_eq!(list["learners"].as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn an_import_over_the_storage_quota_stores_nothing() {
    let env = on_plan(json!({"storageBytes": 1})).await;
    let before = env.snapshot().await;
    let r = env
        .upload(&crate::packages::fixture::package("scorm12-single-sco"))
        .await;
    let v = r.expect(413).json();
    assert_eq!(
        (v["error"]["reason"].as_str(), v["error"]["rule"].as_str()),
        (Some("quota_storage"), Some("quota_storage"))
    );
    assert_eq!(env.snapshot().await, before);
}

#[tokio::test]
async fn a_batch_over_the_monthly_statements_is_refused_whole() {
    let env = on_plan(json!({"statementsPerMonth": 3})).await;
    let x = env.app.credential(&env.tenant, &[kiroku::tenant::Scope::All]).await;
    let first = json!([stmt("ann", "did", "a"), stmt("ann", "did", "b")]);
    env.app
        .post("/xapi/statements")
        .auth(&x)
        .json(&first)
        .send()
        .await
        .expect(200);
    let over = json!([stmt("ann", "did", "c"), stmt("ann", "did", "d")]);
    let r = env.app.post("/xapi/statements").auth(&x).json(&over).send().await;
    assert_eq!(reason(r, 403), "quota_statements");
    assert_eq!(
        env.app.query(&x, &[]).await["statements"].as_array().map(Vec::len),
        Some(2)
    );
    env.app
        .post("/xapi/statements")
        .auth(&x)
        .json(&stmt("ann", "did", "e"))
        .send()
        .await
        .expect(200);
    let shown = op(&env.app, Method::GET, "/api/operator/v1/tenants/acme", None)
        .await
        .expect(200)
        .json();
    assert_eq!(shown["usage"]["statementsThisMonth"], 3);
}

#[tokio::test]
async fn requests_over_the_rate_answer_429_with_retry_after() {
    let env = on_plan(json!({"requestsPerMinute": 3})).await;
    let mut refused = None;
    for _ in 0..5 {
        let r = env.get_api("/api/v1/packages").await;
        if r.status.as_u16() == 429 {
            refused = Some(r);
            break;
        }
        r.expect(200);
    }
    let r = refused.expect("a 429 within 5 requests");
    let secs: u64 = r.header("retry-after").expect("Retry-After").parse().expect("seconds");
    assert!((1..=60).contains(&secs));
    assert_eq!(reason(r, 429), "rate_limited");
}

#[tokio::test]
async fn the_operator_api_needs_its_token() {
    let off = TestApp::start().await;
    let r = off
        .get("/api/operator/v1/tenants")
        .header("authorization", "Bearer some-token")
        .send()
        .await;
    assert_eq!(reason(r, 403), "operator_api_disabled");
    let r = off.get("/api/operator/v1/tenants").send().await;
    assert_eq!(reason(r, 401), "operator_token_invalid");
    let env = on_plan(json!({})).await;
    let app = &env.app;
    let r = app.get("/api/operator/v1/tenants").send().await;
    assert_eq!(r.header("www-authenticate"), Some("Bearer"));
    assert_eq!(reason(r, 401), "operator_token_invalid");
    let r = app
        .get("/api/operator/v1/tenants")
        .header("authorization", "Bearer wrong")
        .send()
        .await;
    assert_eq!(reason(r, 401), "operator_token_invalid");
    // A tenant credential is no operator.
    let r = app.get("/api/operator/v1/plans").auth(&env.admin).send().await;
    assert_eq!(reason(r, 401), "operator_token_invalid");
    let t = op(
        app,
        Method::POST,
        "/api/operator/v1/tenants",
        Some(json!({"name": "beta", "plan": "p"})),
    )
    .await;
    assert_eq!(t.expect(201).json()["plan"], "p");
    let r = op(
        app,
        Method::POST,
        "/api/operator/v1/tenants",
        Some(json!({"name": "gamma", "plan": "nope"})),
    )
    .await;
    r.expect(404);
    let list = op(app, Method::GET, "/api/operator/v1/tenants", None)
        .await
        .expect(200)
        .json();
    let names: Vec<&str> = list
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|t| t["name"].as_str())
        .collect();
    assert_eq!(names, ["acme", "beta"]);
    let plans = op(app, Method::GET, "/api/operator/v1/plans", None)
        .await
        .expect(200)
        .json();
    assert_eq!(plans[0]["name"], "p");
    op(app, Method::GET, "/api/operator/v1/tenants/nobody", None)
        .await
        .expect(404);
}
