//! cmi5 AUs launch as the cmi5 specification prescribes (sections 8 to 10): the launch URL
//! carries `endpoint`, `fetch`, `actor`, `registration` and `activityId` (no credential);
//! the fetch URL answers one credential for that session, then the spec's error; the
//! launch writes `LMS.LaunchData` and the LMS's `launched` statement in the tenant's LRS;
//! a session's statements follow the specification's rules (`cmi5_session.rs`).

use std::collections::HashMap;

use serde_json::{Value, json};

use kiroku::tenant::Scope;

use crate::packages::{Env, str_of};

const COURSE: &str = "https://kiroku.example/cmi5-course";
const AU: &str = "https://kiroku.example/cmi5-course/au/1";

fn course() -> String {
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<courseStructure xmlns="https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd">
  <course id="{COURSE}">
    <title><langstring lang="en-US">Volcanoes</langstring></title>
    <description><langstring lang="en-US">A course</langstring></description>
  </course>
  <au id="{AU}" moveOn="CompletedAndPassed" masteryScore="0.75">
    <title><langstring lang="en-US">Eruptions</langstring></title>
    <description><langstring lang="en-US">An AU</langstring></description>
    <url>https://content.example.org/volcano/index.html?lang=en</url>
    <launchParameters>level=2</launchParameters>
    <entitlementKey>volcano-1</entitlementKey>
  </au>
</courseStructure>
"#
    )
}

/// Opens a cmi5 launch link (what the launch APIs answer as `url`) as a browser would:
/// the session starts and the link redirects to the AU's URL, which this answers.
pub(crate) async fn open_link(env: &Env, url: &str) -> String {
    assert!(
        url.starts_with(&format!("http://{}/cmi5/launch/", env.app.content_addr)),
        "{url}"
    );
    let r = env.app.request(axum::http::Method::GET, url).send().await.expect(303);
    assert_eq!(r.header("cache-control"), Some("no-store"));
    r.header("location").expect("a redirect").to_owned()
}

struct Launched {
    env: Env,
    answer: Value,
    params: HashMap<String, String>,
    actor: Value,
}

async fn launch() -> Launched {
    let env = Env::start().await;
    let pkg = env
        .app
        .post("/api/v1/packages")
        .auth(&env.admin)
        .body("application/xml", course().into_bytes())
        .send()
        .await
        .expect(201)
        .json();
    let answer = env
        .app
        .post("/api/v1/launch")
        .auth(&env.admin)
        .json(&json!({
            "learner": {"id": "ann", "name": "Ann Lee"},
            "packageId": str_of(&pkg, "packageId"),
            "returnUrl": "https://lms.example/back",
        }))
        .send()
        .await
        .expect(200)
        .json();
    let url = open_link(&env, str_of(&answer, "url")).await;
    let (base, query) = url.split_once('?').expect("a query");
    assert_eq!(base, "https://content.example.org/volcano/index.html");
    let params: HashMap<String, String> = form_urlencoded::parse(query.as_bytes()).into_owned().collect();
    let actor = serde_json::from_str(&params["actor"]).expect("actor JSON");
    Launched {
        env,
        answer,
        params,
        actor,
    }
}

impl Launched {
    /// POSTs to the fetch URL (the app origin's path of it).
    async fn fetch(&self) -> Value {
        let path = self.params["fetch"]
            .strip_prefix(&format!("http://{}", self.env.app.addr))
            .expect("the fetch URL is on the app origin")
            .to_owned();
        let r = self.env.app.post(&path).send().await.expect(200);
        assert_eq!(r.header("content-type"), Some("application/json"));
        r.json()
    }

    fn auth(token: &str) -> String {
        format!("Basic {token}")
    }
}

#[tokio::test]
async fn the_launch_url_carries_the_cmi5_parameters_and_no_credential() {
    let l = launch().await;
    let p = &l.params;
    assert_eq!(p["lang"], "en", "the AU's own query is kept");
    assert_eq!(p["endpoint"], format!("http://{}/xapi/", l.env.app.addr));
    assert!(p["fetch"].starts_with(&format!("http://{}/cmi5/fetch/", l.env.app.addr)));
    assert_eq!(p["registration"], str_of(&l.answer, "registration"));
    assert!(p["activityId"].starts_with(&format!("http://{}/cmi5/", l.env.app.addr)));
    assert_ne!(
        p["activityId"], AU,
        "the LMS's activity id, not the publisher's (8.1.5.0-3)"
    );
    assert!(!p.contains_key("auth") && !p.contains_key("activity_id"), "{p:?}");
    assert_eq!(l.actor["objectType"], "Agent");
    assert_eq!(l.actor["name"], "Ann Lee");
    assert_eq!(l.actor["account"]["name"], "ann");
    assert!(l.actor["account"]["homePage"].is_string());
}

#[tokio::test]
async fn the_fetch_url_answers_one_credential_for_that_learner_then_the_spec_error() {
    let l = launch().await;
    let first = l.fetch().await;
    let token = str_of(&first, "auth-token").to_owned();
    // The credential reads the session's launch data, and nobody else's documents.
    let auth = Launched::auth(&token);
    let q = |agent: &Value| -> String {
        form_urlencoded::Serializer::new(String::new())
            .append_pair("activityId", &l.params["activityId"])
            .append_pair("agent", &agent.to_string())
            .append_pair("stateId", "LMS.LaunchData")
            .append_pair("registration", &l.params["registration"])
            .finish()
    };
    l.env
        .app
        .get(&format!("/xapi/activities/state?{}", q(&l.actor)))
        .header("authorization", &auth)
        .send()
        .await
        .expect(200);
    let mallory = json!({"objectType": "Agent", "mbox": "mailto:mallory@example.com"});
    l.env
        .app
        .get(&format!("/xapi/activities/state?{}", q(&mallory)))
        .header("authorization", &auth)
        .send()
        .await
        .expect(403);
    let again = l.fetch().await;
    assert_eq!(again["error-code"], "1", "{again}");
    assert!(again["error-text"].is_string() && again.get("auth-token").is_none());
    // A token that is not one answers the spec's security error, with 200 as well.
    let bad = l
        .env
        .app
        .post("/cmi5/fetch/not-a-token")
        .send()
        .await
        .expect(200)
        .json();
    assert_eq!(bad["error-code"], "2");
}

#[tokio::test]
async fn the_launch_writes_launch_data_and_the_launched_statement() {
    let l = launch().await;
    let token = str_of(&l.fetch().await, "auth-token").to_owned();
    let auth = Launched::auth(&token);
    let q: String = form_urlencoded::Serializer::new(String::new())
        .append_pair("activityId", &l.params["activityId"])
        .append_pair("agent", &l.actor.to_string())
        .append_pair("stateId", "LMS.LaunchData")
        .append_pair("registration", &l.params["registration"])
        .finish();
    let data = l
        .env
        .app
        .get(&format!("/xapi/activities/state?{q}"))
        .header("authorization", &auth)
        .send()
        .await
        .expect(200)
        .json();
    assert_eq!(data["launchMode"], "Normal");
    assert_eq!(data["moveOn"], "CompletedAndPassed");
    assert_eq!(data["masteryScore"], 0.75);
    assert_eq!(data["launchParameters"], "level=2");
    assert_eq!(data["returnURL"], "https://lms.example/back");
    assert_eq!(data["entitlementKey"]["courseStructure"], "volcano-1");
    let template = &data["contextTemplate"];
    assert_eq!(
        template["contextActivities"]["grouping"][0]["id"], AU,
        "the AU's publisher id"
    );
    let session = template["extensions"]["https://w3id.org/xapi/cmi5/context/extensions/sessionid"]
        .as_str()
        .expect("a session id")
        .to_owned();

    let reader = l.env.app.credential(&l.env.tenant, &[Scope::All]).await;
    let got = l
        .env
        .app
        .get("/xapi/statements?verb=http%3A%2F%2Fadlnet.gov%2Fexpapi%2Fverbs%2Flaunched")
        .auth(&reader)
        .send()
        .await
        .expect(200)
        .json();
    let statements = got["statements"].as_array().expect("statements");
    assert_eq!(statements.len(), 1, "{got}");
    let s = &statements[0];
    assert_eq!(s["actor"]["account"]["name"], "ann");
    assert_eq!(s["object"]["id"], l.params["activityId"].as_str());
    assert_eq!(s["context"]["registration"], l.params["registration"].as_str());
    assert_eq!(
        s["context"]["contextActivities"]["category"][0]["id"],
        "https://w3id.org/xapi/cmi5/context/categories/cmi5"
    );
    assert_eq!(s["context"]["contextActivities"]["grouping"][0]["id"], AU);
    let ext = &s["context"]["extensions"];
    assert_eq!(
        ext["https://w3id.org/xapi/cmi5/context/extensions/launchmode"],
        "Normal"
    );
    assert_eq!(ext["https://w3id.org/xapi/cmi5/context/extensions/masteryscore"], 0.75);
    assert_eq!(
        ext["https://w3id.org/xapi/cmi5/context/extensions/moveon"],
        "CompletedAndPassed"
    );
    assert_eq!(
        ext["https://w3id.org/xapi/cmi5/context/extensions/launchparameters"],
        "level=2"
    );
    assert_eq!(
        ext["https://w3id.org/xapi/cmi5/context/extensions/launchurl"],
        "https://content.example.org/volcano/index.html?lang=en"
    );
    assert_eq!(
        s["context"]["extensions"]["https://w3id.org/xapi/cmi5/context/extensions/sessionid"],
        session.as_str()
    );
}
