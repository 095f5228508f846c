//! The one navigation call (`POST /runtime/{grant}/-/nav`) and what a registration keeps
//! across its SCOs: suspended item, shared data stores, global objectives; the SCORM
//! profile's documents; the tenant's strict SCORM 1.2 suspend_data setting.

use axum::http::Method;
use serde_json::{Value, json};

use kiroku::tenant::{Scope, TenantSettings};

use crate::packages::Env;
use crate::runtime::registered;

async fn nav(env: &Env, base: &str, body: Value) -> (u16, Value) {
    let r = env
        .app
        .request(Method::POST, &format!("{base}/-/nav"))
        .json(&body)
        .send()
        .await;
    (r.status.as_u16(), r.json())
}

/// The item a request delivers (panics on anything else).
async fn delivers(env: &Env, base: &str, body: Value) -> (String, Value) {
    let (status, a) = nav(env, base, body.clone()).await;
    assert_eq!(status, 200, "{body} → {a}");
    let id = a["deliver"]["id"].as_str().unwrap_or_else(|| panic!("{body} → {a}"));
    (id.to_owned(), a["valid"].clone())
}

async fn refused(env: &Env, base: &str, body: Value) -> (u16, String) {
    let (status, a) = nav(env, base, body).await;
    let rule = a["error"]["rule"].as_str().unwrap_or_default().to_owned();
    (status, rule)
}

async fn open(env: &Env, base: &str, item: &str) -> Value {
    env.app
        .request(Method::GET, &format!("{base}/{item}"))
        .send()
        .await
        .expect(200)
        .json()
}

async fn commit(env: &Env, base: &str, item: &str, attempt: &Value, sets: Value) -> (u16, Value) {
    let body = json!({
        "attempt": attempt["attempt"],
        "seq": attempt["seq"].as_u64().expect("seq") + 1,
        "sets": sets,
        "terminate": true,
    });
    let r = env
        .app
        .request(Method::POST, &format!("{base}/{item}/commit"))
        .json(&body)
        .send()
        .await;
    (r.status.as_u16(), r.json())
}

#[tokio::test]
async fn navigation_follows_the_sequencing_control_modes() {
    let (env, base, _, _) = registered("scorm2004-3rd-sequenced").await;
    let (first, valid) = delivers(&env, &base, json!({"request": "start"})).await;
    assert_eq!(first, "SCO-RULES");
    assert_eq!(
        (valid["continue"].as_bool(), valid["previous"].as_bool()),
        (Some(true), Some(false))
    );
    let choice: Vec<&str> = valid["choice"]
        .as_array()
        .expect("choice")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        choice.contains(&"SCO-ETIQUETTE") && !choice.contains(&"SCO-QUIZ"),
        "{valid}"
    );

    let step = |current: &str, request: &str| json!({"request": request, "current": current});
    assert_eq!(
        delivers(&env, &base, step("SCO-RULES", "continue")).await.0,
        "SCO-ETIQUETTE"
    );
    assert_eq!(
        delivers(&env, &base, step("SCO-ETIQUETTE", "continue")).await.0,
        "SCO-QUIZ"
    );
    assert_eq!(
        delivers(&env, &base, step("SCO-QUIZ", "previous")).await.0,
        "SCO-ETIQUETTE"
    );
    // The root allows flow but not choice: the quiz (a child of the root) cannot be chosen.
    let to_quiz = json!({"request": "choice", "target": "SCO-QUIZ", "current": "SCO-RULES"});
    assert_eq!(refused(&env, &base, to_quiz).await, (409, "NB.2.1-10".into()));
    let back = json!({"request": "{target=SCO-RULES}choice", "current": "SCO-ETIQUETTE"});
    assert_eq!(delivers(&env, &base, back).await.0, "SCO-RULES");
    // The book's exception codes name why: SB.2.1-3, nothing before the first activity.
    assert_eq!(
        refused(&env, &base, step("SCO-RULES", "previous")).await,
        (409, "SB.2.1-3".into())
    );
    // The engine keeps its own current activity: what a client claims is not trusted.
    assert_eq!(
        delivers(&env, &base, step("SCO-QUIZ", "continue")).await.0,
        "SCO-ETIQUETTE"
    );
    assert_eq!(
        delivers(&env, &base, step("SCO-ETIQUETTE", "continue")).await.0,
        "SCO-QUIZ"
    );
    let (status, end) = nav(&env, &base, step("SCO-QUIZ", "continue")).await;
    assert_eq!((status, &end["end"]), (200, &json!("exited")), "past the last item");

    // Bad requests are refused without changing anything.
    assert_eq!(nav(&env, &base, json!({"request": "sideways"})).await.0, 400);
    assert_eq!(nav(&env, &base, json!({"request": "choice"})).await.0, 400);
    assert_eq!(nav(&env, &base, json!({"request": "start", "extra": 1})).await.0, 400);
    let nowhere = json!({"request": "choice", "target": "NO-SUCH"});
    assert_eq!(refused(&env, &base, nowhere).await, (409, "NB.2.1-11".into()));

    // The registrations report shows the engine's state.
    let report = env
        .app
        .get("/api/v1/reports/registrations")
        .auth(&env.admin)
        .send()
        .await
        .expect(200)
        .json();
    let seq = &report["registrations"][0]["sequencing"];
    let rules = seq["activities"]
        .as_array()
        .expect("activities")
        .iter()
        .find(|a| a["id"] == "SCO-RULES")
        .expect("SCO-RULES");
    assert_eq!(rules["attempts"], 2, "{seq}");
    assert_eq!(seq["current"], Value::Null, "the session ended: {seq}");
    // Durations by the platform's clock, ISO 8601; nothing suspended, so experienced
    // time is the clock time.
    let d = &rules["durations"];
    let absolute = d["attemptAbsolute"].as_str().unwrap_or_else(|| panic!("{rules}"));
    assert!(absolute.starts_with("PT0H0M"), "{rules}");
    assert_eq!(d["attemptExperienced"], d["attemptAbsolute"], "{rules}");
    assert!(
        d["activityAbsolute"].as_str().is_some_and(|a| a.starts_with("PT")),
        "{rules}"
    );
}

#[tokio::test]
async fn suspend_all_is_resumed_at_the_same_item_by_the_next_launch() {
    let (env, base, _, _) = registered("scorm12-multi-sco").await;
    let (first, _) = delivers(&env, &base, json!({"request": "start"})).await;
    let (second, valid) = delivers(&env, &base, json!({"request": "continue", "current": first})).await;
    assert_ne!(first, second);
    assert_eq!(valid["previous"], true, "SCORM 1.2 moves freely");
    let course = || async {
        env.app
            .request(Method::GET, &format!("{base}/-/course"))
            .send()
            .await
            .expect(200)
            .json()
    };
    assert_eq!(course().await["suspendedItem"], Value::Null);
    let (status, end) = nav(&env, &base, json!({"request": "suspendAll", "current": second})).await;
    assert_eq!((status, &end["end"]), (200, &json!("suspended")));
    assert_eq!(course().await["suspendedItem"], json!(second));
    assert_eq!(delivers(&env, &base, json!({"request": "resumeAll"})).await.0, second);
    assert_eq!(course().await["suspendedItem"], Value::Null, "resumed once");
    assert_eq!(
        refused(&env, &base, json!({"request": "resumeAll"})).await,
        (409, "nothing_suspended".into())
    );
}

#[tokio::test]
async fn shared_data_stores_pass_between_scos_as_their_maps_allow() {
    let (env, base, _, _) = registered("scorm2004-4th-shared-data").await;
    let w = open(&env, &base, "SCO-WRITE").await;
    assert_eq!(w["data"]["adl.data.0.id"], "com.kiroku.notebook");
    assert!(w["data"].get("adl.data.0.store").is_none(), "{w}");
    let sets = json!([["adl.data.0.store", "my notes"]]);
    assert_eq!(commit(&env, &base, "SCO-WRITE", &w, sets).await.0, 200);
    let r = open(&env, &base, "SCO-REVIEW").await;
    assert_eq!(r["data"]["adl.data.0.store"], "my notes");
    // The reviewer may not write the store back.
    let sets = json!([["adl.data.0.store", "overwritten"]]);
    commit(&env, &base, "SCO-REVIEW", &r, sets).await;
    let again = open(&env, &base, "SCO-WRITE").await;
    assert_eq!(again["data"]["adl.data.0.store"], "my notes");
}

#[tokio::test]
async fn global_objectives_carry_status_to_the_scos_that_read_them() {
    let (env, base, _, _) = registered("scorm2004-3rd-sequenced").await;
    assert_eq!(delivers(&env, &base, json!({"request": "start"})).await.0, "SCO-RULES");
    let rules = open(&env, &base, "SCO-RULES").await;
    assert_eq!(rules["data"]["cmi.objectives.0.id"], "rules-mastered");
    assert_eq!(rules["nav"]["continue"], true);
    let sets = json!([["cmi.success_status", "passed"], ["cmi.score.scaled", "0.9"]]);
    assert_eq!(commit(&env, &base, "SCO-RULES", &rules, sets).await.0, 200);
    // Sequencing reads the SCO's data when the next request is decided.
    let next = json!({"request": "continue", "current": "SCO-RULES"});
    assert_eq!(delivers(&env, &base, next).await.0, "SCO-ETIQUETTE");
    let quiz = open(&env, &base, "SCO-QUIZ").await;
    let d = &quiz["data"];
    let n = (0..4)
        .find(|n| d[format!("cmi.objectives.{n}.id")] == "quiz-prereq")
        .expect("quiz-prereq is initialized");
    assert_eq!(d[format!("cmi.objectives.{n}.success_status")], "passed", "{d}");
}

#[tokio::test]
async fn the_scorm_profile_documents_are_written_to_the_lrs() {
    let (env, base, item, registration) = registered("scorm12-single-sco").await;
    let a = open(&env, &base, &item).await;
    let sets = json!([
        ["cmi.core.lesson_location", "page 4"],
        ["cmi.core.session_time", "00:01:00"]
    ]);
    assert_eq!(commit(&env, &base, &item, &a, sets).await.0, 200);
    let reader = env.app.credential(&env.tenant, &[Scope::All]).await;
    let statements = env
        .app
        .get(&format!("/xapi/statements?registration={registration}&limit=1"))
        .auth(&reader)
        .send()
        .await
        .expect(200)
        .json();
    let s = &statements["statements"][0];
    let agent = s["actor"].to_string();
    let sco = s["object"]["id"].as_str().expect("sco iri").to_owned();
    let attempt = s["context"]["contextActivities"]["grouping"][1]["id"]
        .as_str()
        .expect("attempt iri")
        .to_owned();
    let get = |path: String| {
        let reader = reader.clone();
        let env = &env;
        async move { env.app.get(&path).auth(&reader).send().await.expect(200).json() }
    };
    let enc = |s: &str| {
        kiroku::package::path::encode_for_url(s)
            .replace('&', "%26")
            .replace('?', "%3F")
            .replace('=', "%3D")
    };
    let state = |activity: &str, id: &str| {
        format!(
            "/xapi/activities/state?activityId={}&agent={}&stateId={}&registration={registration}",
            enc(activity),
            enc(&agent),
            enc(id)
        )
    };
    let attempt_state = get(state(&attempt, "https://w3id.org/xapi/scorm/attempt-state")).await;
    assert_eq!(attempt_state["location"], "page 4", "{attempt_state}");
    assert_eq!(attempt_state["credit"], "credit");
    assert_eq!(attempt_state["total_time"], "PT0H1M0.00S");
    let activity_state = get(state(&sco, "https://w3id.org/xapi/scorm/activity-state")).await;
    assert_eq!(activity_state["attempts"], json!([attempt]));
    let profile = get(format!(
        "/xapi/agents/profile?agent={}&profileId={}",
        enc(&agent),
        enc("https://w3id.org/xapi/scorm/agent-profile")
    ))
    .await;
    assert_eq!(
        (profile["learner_id"].as_str(), profile["learner_name"].as_str()),
        (Some("ann"), Some("Ann Lee"))
    );
    let activity_profile = get(format!(
        "/xapi/activities/profile?activityId={}&profileId={}",
        enc(&sco),
        enc("https://w3id.org/xapi/scorm/activity-profile")
    ))
    .await;
    assert!(activity_profile.is_object(), "{activity_profile}");
}

#[tokio::test]
async fn a_strict_tenant_keeps_scorm12_suspend_data_to_4096_characters() {
    let (env, base, item, _) = registered("scorm12-single-sco").await;
    let long = "x".repeat(5000);
    let a = open(&env, &base, &item).await;
    assert_eq!(a["options"]["strictSuspendData"], false);
    let sets = json!([["cmi.suspend_data", long]]);
    assert_eq!(
        commit(&env, &base, &item, &a, sets.clone()).await.0,
        200,
        "lenient by default"
    );
    let strict = TenantSettings {
        strict_scorm12_suspend_data: true,
        ..TenantSettings::default()
    };
    env.app
        .store
        .update_tenant_settings(env.tenant.id, strict)
        .await
        .expect("store call")
        .expect("tenant");
    let a = open(&env, &base, &item).await;
    assert_eq!(a["options"]["strictSuspendData"], true);
    let (status, refusal) = commit(&env, &base, &item, &a, sets).await;
    assert_eq!(
        (status, &refusal["error"]["element"]),
        (422, &json!("cmi.suspend_data")),
        "{refusal}"
    );
    assert_eq!(refusal["error"]["code"], 405, "{refusal}");
}
