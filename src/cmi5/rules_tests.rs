//! The session rules as a table: each row alters a valid statement and names the
//! requirement (cmi5 specification) whose refusal it expects.

use serde_json::{Value, json};

use super::rules::{Effect, SessionView, admit};
use super::state::{AuProgress, LaunchMode, Session};
use super::{CMI5_CATEGORY, MASTERY_SCORE, MOVEON_CATEGORY, SESSION_ID, verb};

const ACTIVITY: &str = "https://lms/cmi5/p/au/1";
const REG: &str = "6a1c3c1e-5d0c-4c43-9d4b-3b0a3c1e5d0c";

fn actor() -> Value {
    json!({ "objectType": "Agent", "account": { "homePage": "https://lms", "name": "学習者-1" } })
}

fn session() -> Session {
    Session {
        au: "https://pub/au/1".into(),
        mode: LaunchMode::Normal,
        mastery_score: Some(0.9),
        actor: actor(),
        launched_ms: 0,
        last_ms: 0,
        preferences_read: true,
        initialized: true,
        judged: Default::default(),
    }
}

fn statement(verb_id: &str, result: Value, moveon: bool) -> Value {
    let mut cats = vec![json!({ "id": CMI5_CATEGORY })];
    if moveon {
        cats.push(json!({ "id": MOVEON_CATEGORY }));
    }
    json!({
        "id": "5b0f5c5e-1111-4c43-9d4b-3b0a3c1e5d0c",
        "timestamp": "2026-12-07T10:00:00.000Z",
        "actor": actor(),
        "verb": { "id": verb_id },
        "object": { "id": ACTIVITY },
        "result": result,
        "context": {
            "registration": REG,
            "contextActivities": { "category": cats },
            "extensions": { SESSION_ID: "s1", MASTERY_SCORE: 0.9 },
        },
    })
}

fn passed() -> Value {
    statement(
        verb::PASSED,
        json!({ "success": true, "duration": "PT1S", "score": { "scaled": 0.95, "raw": 95, "min": 0, "max": 100 } }),
        true,
    )
}

fn failed() -> Value {
    statement(verb::FAILED, json!({ "success": false, "duration": "PT1S" }), true)
}

fn completed() -> Value {
    statement(verb::COMPLETED, json!({ "completion": true, "duration": "PT1S" }), true)
}

fn experienced() -> Value {
    let mut s = statement("http://adlnet.gov/expapi/verbs/experienced", json!({}), false);
    s.as_object_mut().unwrap().remove("result");
    s
}

fn check(st: &Value, s: &Session, p: &AuProgress) -> Result<Effect, &'static str> {
    let view = SessionView {
        id: "s1",
        registration: REG,
        activity: ACTIVITY,
        session: s,
        progress: p,
    };
    admit(st, &view, None).map_err(|r| r.rule)
}

fn with(mut v: Value, f: impl FnOnce(&mut Value)) -> Value {
    f(&mut v);
    v
}

#[test]
fn valid_statements_are_admitted() {
    let (s, p) = (session(), AuProgress::default());
    assert_eq!(check(&passed(), &s, &p), Ok(Effect::Passed));
    assert_eq!(check(&failed(), &s, &p), Ok(Effect::Failed));
    assert_eq!(check(&completed(), &s, &p), Ok(Effect::Completed));
    assert_eq!(check(&experienced(), &s, &p), Ok(Effect::Allowed));
    let unscored = with(passed(), |v| {
        v["result"] = json!({ "success": true, "duration": "PT1S" });
        v["context"]["extensions"]
            .as_object_mut()
            .unwrap()
            .remove(MASTERY_SCORE);
    });
    assert_eq!(
        check(&unscored, &s, &p),
        Ok(Effect::Passed),
        "no score, no mastery score needed"
    );
    let t = statement(verb::TERMINATED, json!({ "duration": "PT3M" }), false);
    assert_eq!(check(&t, &s, &p), Ok(Effect::Terminated));
}

#[test]
fn each_rule_refuses_its_statement() {
    let (s, p) = (session(), AuProgress::default());
    let rows: Vec<(&str, Value)> = vec![
        (
            "6.3.0.0-1",
            with(experienced(), |v| v["verb"]["id"] = json!(verb::VOIDED)),
        ),
        (
            "9.1.0.0-1",
            with(experienced(), |v| drop(v.as_object_mut().unwrap().remove("id"))),
        ),
        (
            "9.7.0.0-1",
            with(experienced(), |v| drop(v.as_object_mut().unwrap().remove("timestamp"))),
        ),
        (
            "9.7.0.0-2",
            with(experienced(), |v| v["timestamp"] = json!("2026-12-07T10:00:00-06:00")),
        ),
        (
            "9.2.0.0-2",
            with(passed(), |v| v["actor"]["objectType"] = json!("Group")),
        ),
        (
            "9.2.0.0-3",
            with(passed(), |v| v["actor"] = json!({ "mbox": "mailto:a@example.com" })),
        ),
        (
            "9.2.0.0-1",
            with(passed(), |v| v["actor"]["account"]["name"] = json!("someone else")),
        ),
        (
            "9.6.0.0-1",
            with(passed(), |v| drop(v.as_object_mut().unwrap().remove("context"))),
        ),
        (
            "9.6.1.0-1",
            with(passed(), |v| {
                v["context"]["registration"] = json!("ccaf384c-f8d4-4e7a-8304-49af58f0b176");
            }),
        ),
        (
            "9.6.3.1-4",
            with(experienced(), |v| v["context"]["extensions"] = json!({})),
        ),
        (
            "9.3.0.0-1",
            with(experienced(), |v| v["verb"]["id"] = json!(verb::SATISFIED)),
        ),
        (
            "8.1.5.0-6",
            with(passed(), |v| {
                v["object"]["id"] = json!("http://example.com/not/the/lms/id");
            }),
        ),
        (
            "9.6.2.1-1",
            with(passed(), |v| {
                v["context"]["contextActivities"]["category"] = json!([{ "id": MOVEON_CATEGORY }]);
            }),
        ),
        (
            "9.6.2.2-1",
            with(passed(), |v| {
                v["context"]["contextActivities"]["category"] = json!([{ "id": CMI5_CATEGORY }]);
            }),
        ),
        (
            "9.6.2.2-2",
            with(experienced(), |v| {
                v["context"]["contextActivities"]["category"] = json!([{ "id": MOVEON_CATEGORY }]);
            }),
        ),
        (
            "9.6.2.2-2",
            statement(verb::TERMINATED, json!({ "duration": "PT1S" }), true),
        ),
        ("9.5.3.0-2", with(passed(), |v| v["result"]["completion"] = json!(true))),
        ("9.5.2.0-3", with(completed(), |v| v["result"]["success"] = json!(true))),
        (
            "9.5.3.0-1",
            with(completed(), |v| v["result"]["completion"] = json!(false)),
        ),
        (
            "9.5.1.0-2",
            with(completed(), |v| v["result"]["score"] = json!({ "scaled": 0.5 })),
        ),
        ("9.5.4.1-1", statement(verb::TERMINATED, json!({}), false)),
        (
            "9.5.4.1-2",
            with(completed(), |v| {
                drop(v["result"].as_object_mut().unwrap().remove("duration"));
            }),
        ),
        (
            "9.5.4.1-3",
            with(passed(), |v| {
                drop(v["result"].as_object_mut().unwrap().remove("duration"));
            }),
        ),
        (
            "9.5.4.1-4",
            with(failed(), |v| {
                drop(v["result"].as_object_mut().unwrap().remove("duration"));
            }),
        ),
        ("9.5.2.0-1", with(passed(), |v| v["result"]["success"] = json!(false))),
        ("9.5.2.0-2", with(failed(), |v| v["result"]["success"] = json!(true))),
        (
            "9.3.4.0-2",
            with(passed(), |v| v["result"]["score"] = json!({ "scaled": 0.89 })),
        ),
        (
            "9.3.5.0-2",
            with(failed(), |v| v["result"]["score"] = json!({ "scaled": 0.9 })),
        ),
        (
            "9.5.1.0-3",
            with(passed(), |v| {
                drop(v["result"]["score"].as_object_mut().unwrap().remove("min"));
            }),
        ),
        (
            "9.6.3.2-2",
            with(passed(), |v| v["context"]["extensions"][MASTERY_SCORE] = json!(0.8)),
        ),
        (
            "9.6.3.2-2",
            with(passed(), |v| {
                drop(
                    v["context"]["extensions"]
                        .as_object_mut()
                        .unwrap()
                        .remove(MASTERY_SCORE),
                );
            }),
        ),
    ];
    for (rule, st) in rows {
        assert_eq!(check(&st, &s, &p), Err(rule), "{st}");
    }
}

#[test]
fn session_order_and_registration_history() {
    let p = AuProgress::default();
    let mut fresh = session();
    fresh.initialized = false;
    assert_eq!(check(&experienced(), &fresh, &p), Err("9.3.0.0-4"));
    let init = statement(verb::INITIALIZED, json!({}), false);
    let init = with(init, |v| drop(v.as_object_mut().unwrap().remove("result")));
    fresh.preferences_read = false;
    assert_eq!(check(&init, &fresh, &p), Err("11.0.0.0-3"));
    fresh.preferences_read = true;
    assert_eq!(check(&init, &fresh, &p), Ok(Effect::Initialized));
    assert_eq!(check(&init, &session(), &p), Err("9.3.2.0-3"));

    let mut s = session();
    s.judged.insert(verb::FAILED.into());
    assert_eq!(check(&passed(), &s, &p), Err("9.3.0.0-3"));
    assert_eq!(check(&failed(), &s, &p), Err("9.3.0.0-2"));
    let done = AuProgress {
        completed: true,
        passed: true,
        ..Default::default()
    };
    assert_eq!(check(&completed(), &session(), &done), Err("9.3.3.0-2"));
    assert_eq!(check(&passed(), &session(), &done), Err("9.3.4.0-3"));
    assert_eq!(check(&failed(), &session(), &done), Err("9.3.0.0-8"));

    for (mode, rule) in [(LaunchMode::Browse, "10.2.2.0-2"), (LaunchMode::Review, "10.2.2.0-3")] {
        let mut s = session();
        s.mode = mode;
        for st in [completed(), passed(), failed()] {
            assert_eq!(check(&st, &s, &p), Err(rule));
        }
        assert_eq!(check(&experienced(), &s, &p), Ok(Effect::Allowed));
    }
}

#[test]
fn hostile_statements_never_panic() {
    let (s, p) = (session(), AuProgress::default());
    for st in [
        json!(null),
        json!([]),
        json!("文字列"),
        json!({ "verb": 1, "actor": [], "context": "x", "timestamp": 5 }),
        json!({ "id": "x", "timestamp": "2026-12-07T10:00:00Z", "actor": actor(), "context": { "registration": REG, "extensions": { SESSION_ID: "s1" }, "contextActivities": { "category": "絵文字🎉" } }, "verb": { "id": verb::PASSED }, "object": { "id": ACTIVITY }, "result": "x" }),
    ] {
        assert!(check(&st, &s, &p).is_err());
    }
}
