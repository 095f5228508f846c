//! The run-time endpoints on the content origin: opening an attempt under a registration's
//! launch grant, commits re-validated by the server, resends, suspend and resume.

use axum::http::Method;
use serde_json::{Value, json};

use crate::packages::Env;

/// An LMS launch of `fixture` for learner ann; returns the environment, the runtime base
/// URL (`…/runtime/{grant}`), the first item id and the registration id.
pub(crate) async fn registered(fixture: &str) -> (Env, String, String, String) {
    let env = Env::start().await;
    let pkg = env.import_fixture(fixture).await;
    let package_id = pkg["packageId"].as_str().expect("package id").to_owned();
    let item = pkg["launchables"][0]["id"].as_str().expect("item").to_owned();
    let l = env
        .app
        .post("/api/v1/launch")
        .auth(&env.admin)
        .json(&json!({"learner": {"id": "ann", "name": "Ann Lee"}, "packageId": package_id}))
        .send()
        .await
        .expect(200)
        .json();
    let base = l["contentBase"]
        .as_str()
        .expect("content base")
        .replace("/content/", "/runtime/");
    let registration = l["registration"].as_str().expect("registration id").to_owned();
    (env, base.trim_end_matches('/').to_owned(), item, registration)
}

pub(crate) async fn open(env: &Env, base: &str, item: &str) -> Value {
    env.app
        .request(Method::GET, &format!("{base}/{item}"))
        .send()
        .await
        .expect(200)
        .json()
}

pub(crate) async fn commit(env: &Env, base: &str, item: &str, body: Value, content_type: &str) -> (u16, Value) {
    let r = env
        .app
        .request(Method::POST, &format!("{base}/{item}/commit"))
        .body(content_type, body.to_string())
        .send()
        .await;
    (r.status.as_u16(), r.json())
}

#[tokio::test]
async fn an_attempt_starts_with_what_the_lms_supplies() {
    let (env, base, item, _) = registered("scorm12-single-sco").await;
    let a = open(&env, &base, &item).await;
    assert_eq!((a["version"].as_str(), a["attempt"].as_u64()), (Some("1.2"), Some(1)));
    let d = &a["data"];
    assert_eq!(d["cmi.core.student_id"], "ann");
    assert_eq!(d["cmi.core.student_name"], "Ann Lee");
    assert_eq!(d["cmi.core.entry"], "ab-initio");
    assert_eq!(d["cmi.core.lesson_status"], "not attempted");
}

#[tokio::test]
async fn commits_are_validated_and_resends_change_nothing() {
    let (env, base, item, _) = registered("scorm12-single-sco").await;
    let a = open(&env, &base, &item).await;
    let seq = a["seq"].as_u64().expect("seq");
    let first = json!({"attempt": 1, "seq": seq + 1, "sets": [["cmi.core.lesson_location", "p3"]]});
    assert_eq!(
        commit(&env, &base, &item, first.clone(), "application/json").await.1["status"],
        "stored"
    );
    // A resend (same seq) is acknowledged and ignored, even with other content.
    let resend = json!({"attempt": 1, "seq": seq + 1, "sets": [["cmi.core.lesson_location", "p9"]]});
    assert_eq!(
        commit(&env, &base, &item, resend, "text/plain").await.1["status"],
        "duplicate"
    );
    // A read-only element is refused with its SCORM 1.2 code, and nothing of the commit is kept.
    let bad = json!({"attempt": 1, "seq": seq + 2, "sets": [["cmi.core.lesson_location", "p4"], ["cmi.core.student_id", "x"]]});
    let (status, body) = commit(&env, &base, &item, bad, "application/json").await;
    assert_eq!(
        (status, body["error"]["index"].as_u64(), body["error"]["code"].as_u64()),
        (422, Some(1), Some(403))
    );
    let suspend = json!({"attempt": 1, "seq": seq + 2, "sets": [["cmi.core.exit", "suspend"], ["cmi.suspend_data", "abc"]], "terminate": true});
    let (status, body) = commit(&env, &base, &item, suspend, "text/plain;charset=UTF-8").await;
    assert_eq!((status, body["state"].as_str()), (200, Some("suspended")));
    let again = open(&env, &base, &item).await;
    let d = &again["data"];
    assert_eq!(
        (again["attempt"].as_u64(), d["cmi.core.entry"].as_str()),
        (Some(1), Some("resume"))
    );
    assert_eq!(
        (d["cmi.core.lesson_location"].as_str(), d["cmi.suspend_data"].as_str()),
        (Some("p3"), Some("abc"))
    );
}

#[tokio::test]
async fn a_finished_attempt_is_followed_by_a_new_one() {
    let (env, base, item, _) = registered("scorm12-single-sco").await;
    let a = open(&env, &base, &item).await;
    let seq = a["seq"].as_u64().expect("seq");
    let done = json!({"attempt": 1, "seq": seq + 1, "sets": [["cmi.core.lesson_status", "completed"], ["cmi.core.session_time", "00:05:00"]], "terminate": true});
    assert_eq!(
        commit(&env, &base, &item, done, "application/json").await.1["state"],
        "finished"
    );
    let next = open(&env, &base, &item).await;
    assert_eq!(
        (next["attempt"].as_u64(), next["data"]["cmi.core.entry"].as_str()),
        (Some(2), Some("ab-initio"))
    );
    let stale = json!({"attempt": 1, "seq": 99, "sets": []});
    assert_eq!(commit(&env, &base, &item, stale, "application/json").await.0, 409);
}

#[tokio::test]
async fn an_ended_session_takes_no_second_terminating_commit() {
    let (env, base, item, registration) = registered("scorm12-single-sco").await;
    let a = open(&env, &base, &item).await;
    let seq = a["seq"].as_u64().expect("seq");
    let sets = json!([["cmi.core.session_time", "00:01:00"]]);
    let first = json!({"attempt": 1, "seq": seq + 1, "sets": sets, "terminate": true});
    assert_eq!(commit(&env, &base, &item, first.clone(), "text/plain").await.0, 200);
    // The same send again is a duplicate; a second send of the same sets (a beacon racing a
    // retry) is refused: the session has ended.
    assert_eq!(
        commit(&env, &base, &item, first, "text/plain").await.1["status"],
        "duplicate"
    );
    let second = json!({"attempt": 1, "seq": seq + 2, "sets": sets, "terminate": true});
    assert_eq!(commit(&env, &base, &item, second, "text/plain").await.0, 409);
    let verbs = verbs_of(&env, &registration).await;
    assert_eq!(verbs.iter().filter(|v| *v == "terminated").count(), 1, "{verbs:?}");
    let stored = env
        .app
        .store
        .latest_attempt(env.tenant.id, &registration, &item)
        .await
        .expect("store call")
        .expect("attempt 1");
    let data: Value = serde_json::from_str(&stored.data).expect("attempt data");
    assert_eq!(
        (stored.number, data["cmi.core.total_time"].as_str()),
        (1, Some("0000:01:00.00")),
        "time counted once"
    );
}

#[tokio::test]
async fn grants_without_a_registration_or_forged_ones_record_nothing() {
    let env = Env::start().await;
    let pkg = env.import_fixture("scorm12-single-sco").await;
    let id = pkg["packageId"].as_str().expect("package id");
    let item = pkg["launchables"][0]["id"].as_str().expect("item");
    let l = env.launch(id, json!({"learner": "ann"})).await;
    let base = l["contentBase"]
        .as_str()
        .expect("base")
        .replace("/content/", "/runtime/");
    let r = env.app.request(Method::GET, &format!("{base}{item}")).send().await;
    assert_eq!(r.status.as_u16(), 403, "a package launch without a registration");
    let forged = base.replacen("/runtime/", "/runtime/x", 1);
    let r = env.app.request(Method::GET, &format!("{forged}{item}")).send().await;
    assert_eq!(r.status.as_u16(), 403);
}

/// The registration's statements, oldest first.
pub(crate) async fn statements_of(env: &Env, registration: &str) -> Vec<Value> {
    let reader = env.app.credential(&env.tenant, &[kiroku::tenant::Scope::All]).await;
    let r = env
        .app
        .get(&format!("/xapi/statements?registration={registration}&ascending=true"))
        .auth(&reader)
        .send()
        .await
        .expect(200)
        .json();
    r["statements"].as_array().expect("statements").clone()
}

/// The verbs (last path segment) of the registration's statements, oldest first.
pub(crate) async fn verbs_of(env: &Env, registration: &str) -> Vec<String> {
    statements_of(env, registration)
        .await
        .iter()
        .map(|s| {
            let id = s["verb"]["id"].as_str().unwrap_or_default();
            id.rsplit('/').next().unwrap_or_default().to_owned()
        })
        .collect()
}

#[tokio::test]
async fn a_session_is_recorded_as_xapi_statements_of_the_registration() {
    let (env, base, item, _) = registered("scorm12-single-sco").await;
    let registration = env
        .app
        .get("/api/v1/registrations?learner=ann")
        .auth(&env.admin)
        .send()
        .await
        .expect(200)
        .json()["registrations"][0]["id"]
        .as_str()
        .expect("registration id")
        .to_owned();
    let a = open(&env, &base, &item).await;
    let seq = a["seq"].as_u64().expect("seq");
    let sets = json!([
        ["cmi.core.score.raw", "90"],
        ["cmi.core.lesson_status", "passed"],
        ["cmi.core.exit", "suspend"],
        ["cmi.core.session_time", "00:02:30"]
    ]);
    let body = json!({"attempt": 1, "seq": seq + 1, "sets": sets, "terminate": true});
    assert_eq!(commit(&env, &base, &item, body.clone(), "text/plain").await.0, 200);
    // A resend records nothing more.
    assert_eq!(
        commit(&env, &base, &item, body, "text/plain").await.1["status"],
        "duplicate"
    );
    // The next session: `resumed` is recorded when the SCO calls Initialize (the bridge's
    // first commit), not when the page opens.
    let next = open(&env, &base, &item).await;
    let seq = next["seq"].as_u64().expect("seq");
    let init = json!({"attempt": 1, "seq": seq + 1, "sets": []});
    assert_eq!(commit(&env, &base, &item, init, "text/plain").await.0, 200);
    let verbs = verbs_of(&env, &registration).await;
    assert_eq!(
        verbs,
        ["initialized", "completed", "passed", "scored", "suspended", "resumed"],
        "{verbs:?}"
    );
    let reader = env.app.credential(&env.tenant, &[kiroku::tenant::Scope::All]).await;
    let r = env
        .app
        .get(&format!(
            "/xapi/statements?registration={registration}&verb=http://adlnet.gov/expapi/verbs/suspended"
        ))
        .auth(&reader)
        .send()
        .await
        .expect(200)
        .json();
    let s = &r["statements"][0];
    assert_eq!(s["actor"]["account"]["name"], "ann");
    assert_eq!(s["result"]["duration"], "PT0H2M30.00S");
    assert_eq!(s["result"]["score"]["raw"], 90.0);
    assert_eq!(
        s["context"]["contextActivities"]["category"][0]["id"],
        "https://w3id.org/xapi/scorm"
    );
    let grouping = s["context"]["contextActivities"]["grouping"]
        .as_array()
        .expect("grouping");
    assert!(
        grouping
            .iter()
            .any(|g| g["definition"]["type"] == "http://adlnet.gov/expapi/activities/attempt")
    );
}

#[tokio::test]
async fn each_answered_interaction_is_a_responded_statement() {
    let (env, base, item, _) = registered("scorm12-single-sco").await;
    let a = open(&env, &base, &item).await;
    let seq = a["seq"].as_u64().expect("seq");
    let sets = json!([
        ["cmi.interactions.0.id", "q1"],
        ["cmi.interactions.0.type", "choice"],
        ["cmi.interactions.0.correct_responses.0.pattern", "a"],
        ["cmi.interactions.0.student_response", "a"],
        ["cmi.interactions.0.result", "correct"]
    ]);
    let (status, body) = commit(
        &env,
        &base,
        &item,
        json!({"attempt": 1, "seq": seq + 1, "sets": sets}),
        "application/json",
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let reader = env.app.credential(&env.tenant, &[kiroku::tenant::Scope::All]).await;
    let r = env
        .app
        .get("/xapi/statements?verb=http://adlnet.gov/expapi/verbs/responded")
        .auth(&reader)
        .send()
        .await
        .expect(200)
        .json();
    let s = &r["statements"][0];
    assert!(
        s["object"]["id"]
            .as_str()
            .is_some_and(|id| id.ends_with("/interactions/q1")),
        "{s}"
    );
    assert_eq!(s["object"]["definition"]["interactionType"], "choice");
    assert_eq!(s["object"]["definition"]["correctResponsesPattern"], json!(["a"]));
    assert_eq!(
        (s["result"]["response"].as_str(), s["result"]["success"].as_bool()),
        (Some("a"), Some(true))
    );
}
