//! About, Agents, Activities, health checks and unknown paths.

use serde_json::json;

use crate::data::{activity, mbox, q, stmt};
use crate::support::TestApp;

#[tokio::test]
async fn about_needs_neither_auth_nor_version() {
    let app = TestApp::start().await;
    let r = app
        .get("/xapi/about")
        .without("x-experience-api-version")
        .send()
        .await
        .expect(200);
    assert!(r.header("content-type").unwrap_or("").starts_with("application/json"));
    let versions = r.json()["version"].clone();
    for v in ["1.0.3", "2.0.0"] {
        assert!(
            versions.as_array().is_some_and(|a| a.contains(&json!(v))),
            "{v} missing from {versions}"
        );
    }
    app.post("/xapi/about").send().await.expect(400);
}

#[tokio::test]
async fn health_checks_answer_on_both_origins() {
    let app = TestApp::start().await;
    assert_eq!(app.get("/healthz").send().await.expect(200).text(), "ok");
    let content = format!("http://{}/healthz", app.content_addr);
    let client = crate::support::http_client();
    let req = hyper::Request::get(&content).body(Default::default()).expect("request");
    let resp = client.request(req).await.expect("content origin answers");
    assert_eq!(resp.status(), 200);
    let on_content = hyper::Request::get(format!("http://{}/xapi/about", app.content_addr));
    let resp = client
        .request(on_content.body(Default::default()).expect("request"))
        .await
        .expect("answer");
    assert_eq!(resp.status(), 404, "the xAPI is not reachable from the content origin");
}

#[tokio::test]
async fn unknown_xapi_resources_are_404() {
    let app = TestApp::start().await;
    let c = app.tenant_cred("t").await;
    app.get("/xapi/nothing-here").auth(&c).send().await.expect(404);
}

#[tokio::test]
async fn agents_returns_a_person_even_for_unknown_agents() {
    let app = TestApp::start().await;
    let c = app.tenant_cred("t").await;
    let agent = json!({ "objectType": "Agent", "name": "Ann", "mbox": mbox("ann") });
    let r = app
        .get(&q("/xapi/agents", &[("agent", &agent.to_string())]))
        .auth(&c)
        .send()
        .await;
    let person = r.expect(200).json();
    assert_eq!(
        person,
        json!({ "objectType": "Person", "name": ["Ann"], "mbox": [mbox("ann")] })
    );
    let account = json!({ "account": { "homePage": "http://example.com", "name": "ann" } });
    let r = app
        .get(&q("/xapi/agents", &[("agent", &account.to_string())]))
        .auth(&c)
        .send()
        .await;
    assert_eq!(r.expect(200).json()["account"], json!([account["account"]]));
    let no_ifi = json!({ "objectType": "Agent", "name": "Rick James" }).to_string();
    for path in ["/xapi/agents".to_owned(), q("/xapi/agents", &[("agent", &no_ifi)])] {
        app.get(&path).auth(&c).send().await.expect(400);
    }
}

#[tokio::test]
async fn activities_merges_definitions_from_statements() {
    let app = TestApp::start().await;
    let c = app.tenant_cred("t").await;
    let mut s1 = stmt("a", "v", "lesson");
    s1["object"]["definition"] = json!({ "name": { "en-US": "Lesson" }, "type": "http://example.com/type/a" });
    let mut s2 = stmt("a", "v", "lesson");
    s2["object"]["definition"] = json!({ "name": { "fr-FR": "Leçon" }, "description": { "en-US": "About" } });
    app.store_statements(&c, &json!([s1, s2])).await;
    let got = app
        .get(&q("/xapi/activities", &[("activityId", &activity("lesson"))]))
        .auth(&c)
        .send()
        .await;
    let want = json!({
        "objectType": "Activity",
        "id": activity("lesson"),
        "definition": {
            "name": { "en-US": "Lesson", "fr-FR": "Leçon" },
            "description": { "en-US": "About" },
            "type": "http://example.com/type/a",
        },
    });
    assert_eq!(got.expect(200).json(), want);
    let unknown = app
        .get(&q("/xapi/activities", &[("activityId", &activity("never"))]))
        .auth(&c)
        .send()
        .await;
    assert_eq!(
        unknown.expect(200).json(),
        json!({ "objectType": "Activity", "id": activity("never") })
    );
    for path in ["/xapi/activities", "/xapi/activities?activityId=not%20an%20iri"] {
        app.get(path).auth(&c).send().await.expect(400);
    }
}
