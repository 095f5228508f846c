//! A cmi5 session end to end over HTTP, as an AU runs it (cmi5 specification, sections
//! 8 to 11): fetch, launch data, learner preferences, the session's statements under the
//! specification's rules, the LMS's `satisfied` for blocks and the course, `abandoned`
//! (a new launch, the admin API) and `waived`; the registrations report's cmi5 progress.

use std::collections::HashMap;

use serde_json::{Value, json};

use kiroku::tenant::Scope;

use crate::packages::{Env, str_of};

const C: &str = "https://kiroku.example/火山/course";
const MODULE: &str = "https://kiroku.example/火山/block";
const QUIZ: &str = "https://kiroku.example/火山/au/quiz";
const INTRO: &str = "https://kiroku.example/火山/au/intro";
const CAT: &str = "https://w3id.org/xapi/cmi5/context/categories/cmi5";
const MOVEON: &str = "https://w3id.org/xapi/cmi5/context/categories/moveon";
const SID: &str = "https://w3id.org/xapi/cmi5/context/extensions/sessionid";
const MASTERY: &str = "https://w3id.org/xapi/cmi5/context/extensions/masteryscore";

fn course(intro_move_on: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<courseStructure xmlns="https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd">
  <course id="{C}">
    <title><langstring lang="ja">火山</langstring><langstring lang="en">Volcanoes</langstring></title>
    <description><langstring lang="en">A course</langstring></description>
  </course>
  <block id="{MODULE}">
    <title><langstring lang="en">Module 🌋</langstring></title>
    <description><langstring lang="en">A block</langstring></description>
    <au id="{QUIZ}" moveOn="CompletedAndPassed" masteryScore="0.8">
      <title><langstring lang="en">Quiz</langstring></title>
      <description><langstring lang="en">An AU</langstring></description>
      <url>https://content.example.org/quiz.html</url>
    </au>
  </block>
  <au id="{INTRO}" moveOn="{intro_move_on}">
    <title><langstring lang="en">Intro</langstring></title>
    <description><langstring lang="en">An AU</langstring></description>
    <url>https://content.example.org/intro.html</url>
  </au>
</courseStructure>
"#
    )
}

/// A registered learner on the course.
struct Course {
    env: Env,
    registration: String,
}

async fn enrol(intro_move_on: &str) -> Course {
    let env = Env::start().await;
    let pkg = env
        .app
        .post("/api/v1/packages")
        .auth(&env.admin)
        .body("application/xml", course(intro_move_on).into_bytes())
        .send()
        .await
        .expect(201)
        .json();
    let registration = env.register("学習者-1", str_of(&pkg, "packageId")).await;
    Course { env, registration }
}

/// One AU session as the AU sees it.
struct Au<'a> {
    c: &'a Course,
    params: HashMap<String, String>,
    auth: String,
    template: Value,
}

impl Course {
    async fn launch(&self, au: &str, mode: Option<&str>) -> Au<'_> {
        let mut body = json!({ "item": au });
        if let Some(m) = mode {
            body["launchMode"] = json!(m);
        }
        let answer = self
            .env
            .app
            .post(&format!("/api/v1/registrations/{}/launch", self.registration))
            .auth(&self.env.admin)
            .json(&body)
            .send()
            .await
            .expect(200)
            .json();
        let url = crate::cmi5_launch::open_link(&self.env, str_of(&answer, "url")).await;
        let (_, query) = url.split_once('?').expect("a query");
        let params: HashMap<String, String> = form_urlencoded::parse(query.as_bytes()).into_owned().collect();
        let fetch = params["fetch"]
            .strip_prefix(&format!("http://{}", self.env.app.addr))
            .expect("fetch on the app origin")
            .to_owned();
        let token = self.env.app.post(&fetch).send().await.expect(200).json();
        let auth = format!("Basic {}", str_of(&token, "auth-token"));
        let mut au = Au {
            c: self,
            params,
            auth,
            template: Value::Null,
        };
        let data = au.state("LMS.LaunchData").await.expect(200).json();
        au.template = data["contextTemplate"].clone();
        au
    }

    async fn statements(&self) -> Vec<Value> {
        let reader = self.env.app.credential(&self.env.tenant, &[Scope::All]).await;
        let got = self
            .env
            .app
            .get(&format!(
                "/xapi/statements?registration={}&ascending=true",
                self.registration
            ))
            .auth(&reader)
            .send()
            .await
            .expect(200)
            .json();
        got["statements"].as_array().expect("statements").clone()
    }

    async fn verbs(&self) -> Vec<String> {
        self.statements()
            .await
            .iter()
            .map(|s| {
                let v = s["verb"]["id"].as_str().unwrap_or_default();
                let short = v.rsplit('/').next().unwrap_or_default();
                match s["object"]["definition"]["type"].as_str() {
                    Some(t) if t.ends_with("/block") || t.ends_with("/course") => {
                        format!("{short}:{}", t.rsplit('/').next().unwrap_or_default())
                    }
                    _ => short.to_owned(),
                }
            })
            .collect()
    }
}

impl Au<'_> {
    fn actor(&self) -> Value {
        serde_json::from_str(&self.params["actor"]).expect("actor JSON")
    }

    fn session(&self) -> String {
        self.template["extensions"][SID]
            .as_str()
            .expect("session id")
            .to_owned()
    }

    async fn state(&self, id: &str) -> crate::support::Resp {
        let q: String = form_urlencoded::Serializer::new(String::new())
            .append_pair("activityId", &self.params["activityId"])
            .append_pair("agent", &self.actor().to_string())
            .append_pair("stateId", id)
            .append_pair("registration", &self.params["registration"])
            .finish();
        self.c
            .env
            .app
            .get(&format!("/xapi/activities/state?{q}"))
            .header("authorization", &self.auth)
            .send()
            .await
    }

    async fn read_preferences(&self) -> u16 {
        let q: String = form_urlencoded::Serializer::new(String::new())
            .append_pair("agent", &self.actor().to_string())
            .append_pair("profileId", "cmi5LearnerPreferences")
            .finish();
        self.c
            .env
            .app
            .get(&format!("/xapi/agents/profile?{q}"))
            .header("authorization", &self.auth)
            .send()
            .await
            .status
            .as_u16()
    }

    fn statement(&self, verb: &str, result: Option<Value>, moveon: bool) -> Value {
        let mut context = self.template.clone();
        context["registration"] = json!(self.params["registration"]);
        let mut cats = vec![json!({ "id": CAT })];
        if moveon {
            cats.push(json!({ "id": MOVEON }));
        }
        context["contextActivities"]["category"] = json!(cats);
        let mut st = json!({
            "id": kiroku::id::new_uuid(),
            "timestamp": "2026-12-07T10:00:00.000Z",
            "actor": self.actor(),
            "verb": { "id": format!("http://adlnet.gov/expapi/verbs/{verb}") },
            "object": { "id": self.params["activityId"] },
            "context": context,
        });
        if let Some(r) = result {
            st["result"] = r;
        }
        st
    }

    async fn send(&self, st: &Value) -> u16 {
        self.c
            .env
            .app
            .post("/xapi/statements")
            .header("authorization", &self.auth)
            .json(st)
            .send()
            .await
            .status
            .as_u16()
    }

    async fn start(&self) {
        assert_eq!(self.read_preferences().await, 404, "no preferences yet");
        assert_eq!(self.send(&self.statement("initialized", None, false)).await, 200);
    }

    async fn terminate(&self) {
        let st = self.statement("terminated", Some(json!({ "duration": "PT1M" })), false);
        assert_eq!(self.send(&st).await, 200);
    }
}

fn passed(au: &Au<'_>, scaled: f64) -> Value {
    let mut st = au.statement(
        "passed",
        Some(json!({ "success": true, "duration": "PT30S", "score": { "scaled": scaled } })),
        true,
    );
    st["context"]["extensions"][MASTERY] = json!(0.8);
    st
}

fn completed(au: &Au<'_>) -> Value {
    au.statement(
        "completed",
        Some(json!({ "completion": true, "duration": "PT30S" })),
        true,
    )
}

#[tokio::test]
async fn a_session_satisfies_its_block_and_the_course_and_its_credential_ends_with_it() {
    let c = enrol("NotApplicable").await;
    let quiz = c.launch(QUIZ, None).await;
    assert_eq!(quiz.template["contextActivities"]["grouping"][0]["id"], QUIZ);
    quiz.start().await;
    assert_eq!(quiz.send(&passed(&quiz, 0.79)).await, 403, "below the mastery score");
    assert_eq!(quiz.send(&passed(&quiz, 0.9)).await, 200);
    assert_eq!(
        quiz.send(&passed(&quiz, 0.95)).await,
        403,
        "passed once per registration"
    );
    assert_eq!(quiz.send(&completed(&quiz)).await, 200);
    quiz.terminate().await;
    assert_eq!(
        quiz.send(&quiz.statement("experienced", None, false)).await,
        401,
        "the session ended"
    );
    assert_eq!(quiz.state("LMS.LaunchData").await.status.as_u16(), 401);
    // The NotApplicable intro satisfied nothing alone: the block waited for the quiz.
    assert_eq!(
        c.verbs().await,
        [
            "launched",
            "initialized",
            "passed",
            "completed",
            "satisfied:block",
            "satisfied:course",
            "terminated"
        ]
    );
    let all = c.statements().await;
    let block = all
        .iter()
        .find(|s| {
            s["object"]["definition"]["type"]
                .as_str()
                .is_some_and(|t| t.ends_with("/block"))
        })
        .unwrap();
    assert_eq!(block["context"]["contextActivities"]["grouping"][0]["id"], MODULE);
    assert_eq!(block["context"]["extensions"][SID], quiz.session().as_str());
    assert_ne!(block["object"]["id"], MODULE, "the LMS's block id (9.3.9.0-4)");
    let course = all
        .iter()
        .find(|s| {
            s["object"]["definition"]["type"]
                .as_str()
                .is_some_and(|t| t.ends_with("/course"))
        })
        .unwrap();
    assert_eq!(course["context"]["contextActivities"]["grouping"][0]["id"], C);
    assert_eq!(course["object"]["definition"]["name"]["ja"], "火山");

    let report = c
        .env
        .app
        .get("/api/v1/reports/registrations")
        .auth(&c.env.admin)
        .send()
        .await
        .expect(200)
        .json();
    let row = &report["registrations"][0];
    assert_eq!(row["completed"], true, "{row}");
    let cmi5 = &row["cmi5"];
    assert_eq!(cmi5["satisfied"], true);
    assert_eq!(cmi5["blocks"][0]["id"], MODULE);
    assert_eq!(cmi5["blocks"][0]["satisfied"], true);
    let quiz_row = &cmi5["aus"][0];
    assert_eq!(quiz_row["id"], QUIZ);
    assert_eq!(
        (quiz_row["passed"].clone(), quiz_row["completed"].clone()),
        (json!(true), json!(true))
    );
    assert_eq!(
        quiz_row["sessions"],
        json!({ "launched": 1, "terminated": 1, "abandoned": 0, "open": 0 })
    );
    assert_eq!(cmi5["aus"][1]["satisfied"], true, "NotApplicable");
    assert_eq!(row["items"][0]["progress"]["success"], "passed");
}

#[tokio::test]
async fn the_rules_refuse_what_an_au_may_not_record() {
    let c = enrol("Completed").await;
    let au = c.launch(INTRO, None).await;
    let early = au.statement("experienced", None, false);
    assert_eq!(au.send(&early).await, 403, "nothing before initialized");
    let init = au.statement("initialized", None, false);
    assert_eq!(au.send(&init).await, 403, "preferences are read first (11.0.0.0-3)");
    assert_eq!(au.read_preferences().await, 404);
    assert_eq!(au.send(&init).await, 200);
    assert_eq!(au.send(&init).await, 403, "initialized once");
    let mut voiding = au.statement("voided", None, false);
    voiding["object"] = json!({ "objectType": "StatementRef", "id": early["id"] });
    assert_eq!(au.send(&voiding).await, 403);
    let mut no_session = au.statement("experienced", None, false);
    no_session["context"]["extensions"] = json!({});
    assert_eq!(au.send(&no_session).await, 403);
    let mut moveon = au.statement("experienced", None, true);
    moveon["context"]["contextActivities"]["category"] = json!([{ "id": MOVEON }]);
    assert_eq!(au.send(&moveon).await, 403);
    let mut elsewhere = completed(&au);
    elsewhere["object"]["id"] = json!(INTRO);
    assert_eq!(au.send(&elsewhere).await, 403, "the publisher's id is not the activity");
    let q: String = form_urlencoded::Serializer::new(String::new())
        .append_pair("activityId", &au.params["activityId"])
        .append_pair("agent", &au.actor().to_string())
        .append_pair("stateId", "LMS.LaunchData")
        .append_pair("registration", &au.params["registration"])
        .finish();
    let put = c
        .env
        .app
        .put(&format!("/xapi/activities/state?{q}"))
        .header("authorization", &au.auth)
        .json(&json!({ "test": true }))
        .send()
        .await;
    assert_eq!(put.status.as_u16(), 403, "launch data is the LMS's");
    let prefs: String = form_urlencoded::Serializer::new(String::new())
        .append_pair("agent", &au.actor().to_string())
        .append_pair("profileId", "cmi5LearnerPreferences")
        .finish();
    let bad = c
        .env
        .app
        .put(&format!("/xapi/agents/profile?{prefs}"))
        .header("authorization", &au.auth)
        .json(&json!({ "languagePreference": "not comma separated", "audioPreference": "on" }))
        .send()
        .await;
    assert_eq!(bad.status.as_u16(), 403);
    assert_eq!(au.send(&completed(&au)).await, 200);
    assert_eq!(au.send(&completed(&au)).await, 403, "completed once per registration");
    let verbs = c.verbs().await;
    assert_eq!(verbs, ["launched", "initialized", "completed"], "{verbs:?}");
}

#[tokio::test]
async fn a_new_launch_abandons_the_open_session_and_the_admin_api_abandons_and_waives() {
    let c = enrol("Completed").await;
    let first = c.launch(INTRO, None).await;
    first.start().await;
    let second = c.launch(INTRO, None).await;
    assert_eq!(first.send(&first.statement("experienced", None, false)).await, 401);
    second.start().await;
    let abandon = format!("/api/v1/cmi5/sessions/{}/abandon", second.session());
    c.env.app.post(&abandon).auth(&c.env.admin).send().await.expect(200);
    c.env.app.post(&abandon).auth(&c.env.admin).send().await.expect(404);
    assert_eq!(second.send(&second.statement("experienced", None, false)).await, 401);
    let waive = format!("/api/v1/registrations/{}/waive", c.registration);
    c.env
        .app
        .post(&waive)
        .auth(&c.env.admin)
        .json(&json!({ "au": QUIZ, "reason": "Tested Out" }))
        .send()
        .await
        .expect(200);
    c.env
        .app
        .post(&waive)
        .auth(&c.env.admin)
        .json(&json!({ "au": QUIZ, "reason": "again" }))
        .send()
        .await
        .expect(409);
    c.env
        .app
        .post(&waive)
        .auth(&c.env.admin)
        .json(&json!({ "au": "https://nowhere", "reason": "x" }))
        .send()
        .await
        .expect(404);
    let all = c.statements().await;
    let abandoned: Vec<&Value> = all
        .iter()
        .filter(|s| s["verb"]["id"].as_str().is_some_and(|v| v.ends_with("/abandoned")))
        .collect();
    assert_eq!(abandoned.len(), 2);
    assert!(abandoned.iter().all(|s| s["result"]["duration"].is_string()));
    assert_eq!(abandoned[0]["context"]["extensions"][SID], first.session().as_str());
    let waived = all
        .iter()
        .find(|s| s["verb"]["id"].as_str().is_some_and(|v| v.ends_with("/waived")))
        .expect("waived");
    assert_eq!(
        waived["result"]["extensions"]["https://w3id.org/xapi/cmi5/result/extensions/reason"],
        "Tested Out"
    );
    assert_eq!(waived["result"]["success"], true);
    let cats = waived["context"]["contextActivities"]["category"].to_string();
    assert!(cats.contains(CAT) && cats.contains(MOVEON), "{cats}");
    let verbs = c.verbs().await;
    assert_eq!(
        verbs,
        [
            "launched",
            "initialized",
            "abandoned",
            "launched",
            "initialized",
            "abandoned",
            "waived",
            "satisfied:block"
        ],
    );
}

#[tokio::test]
async fn browse_and_review_sessions_record_no_completion_or_success() {
    let c = enrol("Completed").await;
    for mode in ["Browse", "Review"] {
        let au = c.launch(INTRO, Some(mode)).await;
        let data = au.state("LMS.LaunchData").await.expect(200).json();
        assert_eq!(data["launchMode"], mode);
        au.start().await;
        assert_eq!(au.send(&completed(&au)).await, 403, "{mode}");
        au.terminate().await;
    }
    c.env
        .app
        .post(&format!("/api/v1/registrations/{}/launch", c.registration))
        .auth(&c.env.admin)
        .json(&json!({ "item": INTRO, "launchMode": "browse" }))
        .send()
        .await
        .expect(400);
}

#[tokio::test]
async fn a_registration_of_not_applicable_aus_is_satisfied_before_its_first_launch() {
    let env = Env::start().await;
    let xml = course("NotApplicable").replace(
        "moveOn=\"CompletedAndPassed\" masteryScore=\"0.8\"",
        "moveOn=\"NotApplicable\"",
    );
    let pkg = env
        .app
        .post("/api/v1/packages")
        .auth(&env.admin)
        .body("application/xml", xml.into_bytes())
        .send()
        .await
        .expect(201)
        .json();
    let answer = env
        .app
        .post("/api/v1/launch")
        .auth(&env.admin)
        .json(&json!({ "learner": {"id": "l2", "name": "Bo"}, "packageId": str_of(&pkg, "packageId") }))
        .send()
        .await
        .expect(200)
        .json();
    let c = Course {
        registration: str_of(&answer, "registration").to_owned(),
        env,
    };
    assert!(c.verbs().await.is_empty(), "a link not opened starts nothing");
    crate::cmi5_launch::open_link(&c.env, str_of(&answer, "url")).await;
    assert_eq!(c.verbs().await, ["satisfied:block", "satisfied:course", "launched"]);
}

#[tokio::test]
async fn a_session_idle_beyond_the_tenants_limit_ends_and_is_abandoned_at_the_next_launch() {
    let c = enrol("Completed").await;
    let settings = kiroku::tenant::TenantSettings {
        cmi5_session_timeout_minutes: Some(30),
        ..Default::default()
    };
    c.env
        .app
        .store
        .update_tenant_settings(c.env.tenant.id, settings)
        .await
        .expect("settings");
    let intro = c.launch(INTRO, None).await;
    intro.start().await;
    c.env.app.clock.advance(29 * 60_000);
    assert_eq!(
        intro.send(&intro.statement("experienced", None, false)).await,
        200,
        "not idle yet"
    );
    c.env.app.clock.advance(31 * 60_000);
    assert_eq!(
        intro.send(&intro.statement("experienced", None, false)).await,
        401,
        "idle too long"
    );
    // A launch of another AU records the idle session's end.
    let _quiz = c.launch(QUIZ, None).await;
    let all = c.statements().await;
    let abandoned = all
        .iter()
        .find(|s| s["verb"]["id"].as_str().is_some_and(|v| v.ends_with("/abandoned")))
        .expect("abandoned");
    assert_eq!(abandoned["context"]["extensions"][SID], intro.session().as_str());
    assert_eq!(abandoned["result"]["duration"], "PT29M", "launch to its last statement");
}
