//! xAPI (tincan.xml) packages launch with the "Launching Activities" parameters: the LRS
//! endpoint, a temporary credential bound to the learner, registration and activity, the
//! actor, the registration and the activity id. The content then talks to the tenant's LRS.

use std::collections::HashMap;

use axum::http::Method;
use serde_json::{Value, json};

use crate::packages::Env;

struct Launched {
    env: Env,
    auth: String,
    actor: Value,
    registration: String,
    activity: String,
    url: String,
}

/// An LMS launch of `package_id` for learner ann named `name`: the answer and the launch
/// URL's query parameters.
async fn lms_launch(env: &Env, package_id: &str, name: &str) -> (Value, HashMap<String, String>) {
    let l = env
        .app
        .post("/api/v1/launch")
        .auth(&env.admin)
        .json(&json!({"learner": {"id": "ann", "name": name}, "packageId": package_id}))
        .send()
        .await
        .expect(200)
        .json();
    let query = l["url"]
        .as_str()
        .expect("url")
        .split_once('?')
        .expect("a query")
        .1
        .to_owned();
    let params = form_urlencoded::parse(query.as_bytes()).into_owned().collect();
    (l, params)
}

async fn launch() -> Launched {
    let env = Env::start().await;
    let pkg = env.import_fixture("tincan-two-activities").await;
    let package_id = pkg["packageId"].as_str().expect("package id");
    let (l, params) = lms_launch(&env, package_id, "Ann Lee").await;
    let url = l["url"].as_str().expect("url").to_owned();
    let query = url.split_once('?').expect("a query").1;
    assert!(
        !query.contains('+'),
        "spaces are %20, as decodeURIComponent expects: {query}"
    );
    assert_eq!(
        params.get("endpoint").map(String::as_str),
        Some(format!("http://{}/xapi/", env.app.addr).as_str())
    );
    let actor: Value = serde_json::from_str(&params["actor"]).expect("actor JSON");
    assert_eq!(actor["account"]["name"], "ann");
    assert_eq!(actor["name"], "Ann Lee");
    assert_eq!(
        params["registration"],
        l["registration"].as_str().expect("registration")
    );
    assert_eq!(params["activity_id"], "http://kiroku.example/tincan/first-aid");
    assert!(params["auth"].starts_with("Basic "));
    Launched {
        auth: params["auth"].clone(),
        actor,
        registration: params["registration"].clone(),
        activity: params["activity_id"].clone(),
        url,
        env,
    }
}

fn statement(actor: &Value, registration: &str) -> Value {
    json!({
        "actor": actor,
        "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"},
        "object": {"id": "http://kiroku.example/tincan/first-aid/burns"},
        "context": {"registration": registration},
    })
}

impl Launched {
    async fn call(&self, method: Method, path: &str, body: Option<Value>) -> u16 {
        let mut r = self.env.app.req(method, path).header("authorization", &self.auth);
        if let Some(b) = body {
            r = r.json(&b);
        }
        r.send().await.status.as_u16()
    }

    fn state_path(&self, agent: &Value, registration: &str) -> String {
        let q: String = form_urlencoded::Serializer::new(String::new())
            .append_pair("activityId", &self.activity)
            .append_pair("agent", &agent.to_string())
            .append_pair("stateId", "bookmark")
            .append_pair("registration", registration)
            .finish();
        format!("/xapi/activities/state?{q}")
    }
}

#[tokio::test]
async fn the_launch_url_carries_a_working_lrs_credential_for_that_learner() {
    let l = launch().await;
    // The content itself is served from the content origin under the usual grant.
    let page = l.env.fetch(&l.url).await;
    assert_eq!(page.status.as_u16(), 200);

    let own = statement(&l.actor, &l.registration);
    assert_eq!(l.call(Method::POST, "/xapi/statements", Some(own)).await, 200);
    let got = l
        .env
        .app
        .get("/xapi/statements")
        .header("authorization", &l.auth)
        .send()
        .await
        .expect(200)
        .json();
    assert_eq!(got["statements"].as_array().map(Vec::len), Some(1), "{got}");

    let state = l.state_path(&l.actor, &l.registration);
    assert_eq!(l.call(Method::PUT, &state, Some(json!({"page": 3}))).await, 204);
    let back = l
        .env
        .app
        .get(&state)
        .header("authorization", &l.auth)
        .send()
        .await
        .expect(200)
        .json();
    assert_eq!(back, json!({"page": 3}));

    let profile = |activity: &str| {
        let q: String = form_urlencoded::Serializer::new(String::new())
            .append_pair("activityId", activity)
            .append_pair("profileId", "settings")
            .finish();
        format!("/xapi/activities/profile?{q}")
    };
    assert_eq!(
        l.call(Method::POST, &profile(&l.activity), Some(json!({"a": 1}))).await,
        204
    );
    assert_eq!(l.call(Method::GET, &profile(&l.activity), None).await, 200);
}

#[tokio::test]
async fn the_launch_credential_touches_nothing_but_its_learner() {
    let l = launch().await;
    let mallory = json!({"objectType": "Agent", "mbox": "mailto:mallory@example.com"});
    let cases: Vec<(Method, String, Option<Value>)> = vec![
        (
            Method::POST,
            "/xapi/statements".into(),
            Some(statement(&mallory, &l.registration)),
        ),
        (
            Method::POST,
            "/xapi/statements".into(),
            Some(statement(&l.actor, "6d2f5e3a-1b2c-4d5e-8f90-123456789abc")),
        ),
        (Method::PUT, l.state_path(&mallory, &l.registration), Some(json!({}))),
        (Method::GET, l.state_path(&mallory, &l.registration), None),
        (
            Method::PUT,
            l.state_path(&l.actor, "6d2f5e3a-1b2c-4d5e-8f90-123456789abc"),
            Some(json!({})),
        ),
        (
            Method::PUT,
            "/xapi/activities/profile?activityId=http%3A%2F%2Fother.example%2Fx&profileId=p".into(),
            Some(json!({})),
        ),
        (Method::GET, "/api/v1/packages".into(), None),
    ];
    for (method, path, body) in cases {
        let what = format!("{method} {path}");
        assert_eq!(l.call(method, &path, body).await, 403, "{what}");
    }
    // Statements stored by others are not visible to it.
    let reader = l.env.app.credential(&l.env.tenant, &[kiroku::tenant::Scope::All]).await;
    l.env
        .app
        .post("/xapi/statements")
        .auth(&reader)
        .json(&statement(&l.actor, &l.registration))
        .send()
        .await
        .expect(200);
    let got = l
        .env
        .app
        .get("/xapi/statements")
        .header("authorization", &l.auth)
        .send()
        .await
        .expect(200)
        .json();
    assert_eq!(got["statements"].as_array().map(Vec::len), Some(0), "{got}");
}

#[tokio::test]
async fn forged_swapped_or_orphaned_credentials_are_refused() {
    let l = launch().await;
    let token = {
        use base64::Engine as _;
        let b = l.auth.trim_start_matches("Basic ");
        let text = base64::engine::general_purpose::STANDARD.decode(b).expect("base64");
        String::from_utf8(text)
            .expect("utf-8")
            .split_once(':')
            .expect("user:token")
            .1
            .to_owned()
    };
    let with = |user: &str, secret: &str| crate::support::basic(user, secret);
    let probe = |auth: String| {
        let app = &l.env.app;
        async move {
            app.get("/xapi/statements")
                .header("authorization", &auth)
                .send()
                .await
                .status
                .as_u16()
        }
    };
    let mut forged = token.clone();
    forged.pop();
    forged.push(if token.ends_with('A') { 'B' } else { 'A' });
    assert_eq!(probe(with("launch", &forged)).await, 401, "tampered");
    // A content grant is not an LRS credential, and the LRS credential opens no content.
    let content_grant = l
        .url
        .split("/content/")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .expect("grant");
    assert_eq!(
        probe(with("launch", content_grant)).await,
        401,
        "content grant as credential"
    );
    let content = format!("http://{}/content/{token}/index_lms.html", l.env.app.content_addr);
    assert_eq!(
        l.env.fetch(&content).await.status.as_u16(),
        403,
        "credential as content grant"
    );
    // Once the learner is gone, so is the credential.
    l.env
        .app
        .delete("/api/v1/learners/ann?force=true")
        .auth(&l.env.admin)
        .send()
        .await
        .expect(204);
    assert_eq!(probe(l.auth.clone()).await, 401, "learner deleted");
}

/// Issue 12: Lectora's launch script reads the actor only in the TinCan 0.95 shape and
/// decodes the query with `unescape()`. A package kiroku recognises as Lectora's gets that
/// shape (ASCII-only JSON, so a Japanese name survives), and its statement is recorded.
#[tokio::test]
async fn a_lectora_style_package_reads_the_array_shaped_actor_and_records() {
    assert!(crate::browser::chromium_present());
    let env = Env::start().await;
    let pkg = env.import_fixture("tincan-lectora").await;
    let package_id = pkg["packageId"].as_str().expect("package id");
    let (l, params) = lms_launch(&env, package_id, "山田 花子").await;
    let url = l["url"].as_str().expect("url").to_owned();
    assert!(params["actor"].is_ascii(), "{}", params["actor"]);
    let actor: Value = serde_json::from_str(&params["actor"]).expect("actor JSON");
    assert_eq!(actor["name"], json!(["山田 花子"]));
    assert_eq!(actor["account"][0]["accountName"], "ann");
    let r = crate::browser::run_in_chromium(url).await;
    assert_eq!(r["status"], 200, "{r:#}");
    let registration = l["registration"].as_str().expect("registration");
    let found = crate::runtime::statements_of(&env, registration).await;
    let s = found.first().expect("the package's statement");
    assert_eq!(s["actor"]["account"]["name"], "ann", "{found:#?}");
    assert_eq!(s["actor"]["name"], "山田 花子");
    // Packages from other tools keep the xAPI 1.0 shape.
    let other = env.import_fixture("tincan-two-activities").await;
    let (_, params) = lms_launch(&env, other["packageId"].as_str().expect("package id"), "山田 花子").await;
    let actor: Value = serde_json::from_str(&params["actor"]).expect("actor JSON");
    assert_eq!(actor["name"], "山田 花子");
}
