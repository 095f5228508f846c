//! Global objectives a learner carries across courses (`adlseq:objectivesGlobalToSystem`,
//! true by default): what one course writes, another course of the tenant reads for the
//! same learner; never for another learner, nor in a course that keeps its objectives
//! to itself.

use axum::http::Method;
use serde_json::{Value, json};

use crate::packages::Env;
use crate::packages::fixture::zip;
use crate::runtime::open;

/// The shared objective (Japanese text in its id: ids are compared as the manifest has them).
const SHARED: &str = "urn:kiroku:test:漢字-n5";

/// A one-SCO course whose primary objective maps to [`SHARED`], writing or reading it.
fn course(identifier: &str, write: bool, global_to_system: bool) -> Vec<u8> {
    let map = if write {
        format!(
            r#"<imsss:mapInfo targetObjectiveID="{SHARED}" readSatisfiedStatus="false" writeSatisfiedStatus="true"/>"#
        )
    } else {
        format!(r#"<imsss:mapInfo targetObjectiveID="{SHARED}" readSatisfiedStatus="true"/>"#)
    };
    let manifest = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="{identifier}" version="1"
          xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"
          xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3"
          xmlns:adlseq="http://www.adlnet.org/xsd/adlseq_v1p3"
          xmlns:imsss="http://www.imsglobal.org/xsd/imsss">
  <metadata><schema>ADL SCORM</schema><schemaversion>2004 4th Edition</schemaversion></metadata>
  <organizations default="ORG">
    <organization identifier="ORG" adlseq:objectivesGlobalToSystem="{global_to_system}">
      <title>漢字 {identifier}</title>
      <item identifier="SCO" identifierref="RES"><title>SCO</title>
        <imsss:sequencing>
          <imsss:objectives>
            <imsss:primaryObjective objectiveID="kanji">{map}</imsss:primaryObjective>
          </imsss:objectives>
        </imsss:sequencing>
      </item>
      <imsss:sequencing><imsss:controlMode flow="true"/></imsss:sequencing>
    </organization>
  </organizations>
  <resources>
    <resource identifier="RES" type="webcontent" adlcp:scormType="sco" href="sco.html"><file href="sco.html"/></resource>
  </resources>
</manifest>"#
    );
    zip(&[
        ("imsmanifest.xml".into(), manifest.into_bytes()),
        ("sco.html".into(), b"<html><body>SCO</body></html>".to_vec()),
    ])
}

/// Launches the package for `learner`; answers the run-time base URL.
async fn launch(env: &Env, package: &str, learner: &str) -> String {
    launch_registration(env, package, learner).await.0
}

/// Launches the package for `learner`; answers the run-time base URL and registration.
async fn launch_registration(env: &Env, package: &str, learner: &str) -> (String, String) {
    let body = json!({"learner": {"id": learner, "name": "学習者"}, "packageId": package});
    let l = env
        .app
        .post("/api/v1/launch")
        .auth(&env.admin)
        .json(&body)
        .send()
        .await
        .expect(200)
        .json();
    let base = l["contentBase"]
        .as_str()
        .expect("content base")
        .replace("/content/", "/runtime/");
    let registration = l["registration"].as_str().expect("registration").to_owned();
    (base.trim_end_matches('/').to_owned(), registration)
}

async fn nav(env: &Env, base: &str, body: Value) -> Value {
    env.app
        .request(Method::POST, &format!("{base}/-/nav"))
        .json(&body)
        .send()
        .await
        .expect(200)
        .json()
}

/// Starts the course and answers the SCO's opened attempt.
async fn start(env: &Env, base: &str) -> Value {
    assert_eq!(
        nav(env, base, json!({"request": "start"})).await["deliver"]["id"],
        "SCO"
    );
    open(env, base, "SCO").await
}

async fn pass_and_leave(env: &Env, base: &str, attempt: &Value) {
    let body = json!({
        "attempt": attempt["attempt"],
        "seq": attempt["seq"].as_u64().expect("seq") + 1,
        "sets": [["cmi.success_status", "passed"], ["cmi.completion_status", "completed"]],
        "terminate": true,
    });
    env.app
        .request(Method::POST, &format!("{base}/SCO/commit"))
        .json(&body)
        .send()
        .await
        .expect(200);
    let end = nav(env, base, json!({"request": "exitAll", "current": "SCO"})).await;
    assert_eq!(end["end"], "exited", "{end}");
}

fn package_id(v: &Value) -> String {
    v["packageId"].as_str().expect("package id").to_owned()
}

#[tokio::test]
async fn a_global_objective_written_by_one_course_is_read_by_the_learners_other_courses() {
    let env = Env::start().await;
    let writer = package_id(&env.import(&course("course-a", true, true)).await);
    let reader = package_id(&env.import(&course("course-b", false, true)).await);
    let private = package_id(&env.import(&course("course-c", false, false)).await);

    // Before course A, course B knows nothing of the objective.
    let before = start(&env, &launch(&env, &reader, "ann").await).await;
    assert_eq!(before["data"]["cmi.success_status"], "unknown", "{before}");

    let (a, registration) = launch_registration(&env, &writer, "ann").await;
    let attempt = start(&env, &a).await;
    pass_and_leave(&env, &a, &attempt).await;

    // Course B reads what course A wrote, for Ann only.
    let b = start(&env, &launch(&env, &reader, "ann").await).await;
    assert_eq!(b["data"]["cmi.success_status"], "passed", "{b}");
    assert_eq!(b["data"]["cmi.objectives.0.id"], "kanji");
    assert_eq!(b["data"]["cmi.objectives.0.success_status"], "passed");
    let bob = start(&env, &launch(&env, &reader, "bob").await).await;
    assert_eq!(bob["data"]["cmi.success_status"], "unknown", "another learner: {bob}");
    // A course that keeps its global objectives to itself does not see it.
    let c = start(&env, &launch(&env, &private, "ann").await).await;
    assert_eq!(c["data"]["cmi.success_status"], "unknown", "{c}");

    // They are an Agent Profile document of the learner in the tenant's LRS.
    let reader_cred = env.app.credential(&env.tenant, &[kiroku::tenant::Scope::All]).await;
    let statements = env
        .app
        .get(&format!("/xapi/statements?registration={registration}&limit=1"))
        .auth(&reader_cred)
        .send()
        .await
        .expect(200)
        .json();
    let agent = &statements["statements"][0]["actor"];
    assert_eq!(agent["account"]["name"], "ann");
    let path = format!(
        "/xapi/agents/profile?agent={}&profileId={}",
        urlencode(&agent.to_string()),
        urlencode(kiroku::runtime::usecase::globals::PROFILE_ID)
    );
    let doc = env.app.get(&path).auth(&reader_cred).send().await.expect(200).json();
    assert_eq!(doc[SHARED]["satisfiedStatus"], true, "{doc}");

    // The registrations report shows it with course A's registration.
    let report = env
        .app
        .get("/api/v1/reports/registrations")
        .auth(&env.admin)
        .send()
        .await
        .expect(200)
        .json();
    let rows = report["registrations"].as_array().expect("rows");
    let row = rows
        .iter()
        .find(|r| r["registration"] == registration.as_str())
        .expect("course A's row");
    let globals = row["sequencing"]["globalObjectives"].as_array().expect("globals");
    assert!(
        globals.iter().any(|g| g["id"] == SHARED && g["satisfied"] == true),
        "{globals:?}"
    );
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
