//! Issue 12 in a real browser: a SCORM 2004 SCO writing Japanese identifiers and a score
//! above its maximum is recorded whole, and `initialized` follows the SCO's Initialize,
//! not the page load.

use serde_json::json;

use crate::browser::{chromium_present, content_origin, harness, run_in_chromium, serve_page};
use crate::runtime::{registered, statements_of, verbs_of};

const JAPANESE_SCO: &str = r#"
  r.init = call("Initialize", "");
  r.id = call("SetValue", "cmi.interactions.0.id", "問題1");
  r.type = call("SetValue", "cmi.interactions.0.type", "choice");
  r.pattern = call("SetValue", "cmi.interactions.0.correct_responses.0.pattern", "選択肢A[,]選択肢B");
  r.response = call("SetValue", "cmi.interactions.0.learner_response", "選択肢A[,]選択肢B");
  r.result = call("SetValue", "cmi.interactions.0.result", "correct");
  r.objective = call("SetValue", "cmi.objectives.0.id", "目標😀é");
  r.raw = call("SetValue", "cmi.score.raw", "200");
  r.max = call("SetValue", "cmi.score.max", "100");
  r.completed = call("SetValue", "cmi.completion_status", "completed");
  r.session = call("SetValue", "cmi.session_time", "PT2M");
  r.terminate = call("Terminate", "");
  await bridge.settled();
  r.finished = bridge.finished;
"#;

#[tokio::test]
async fn japanese_identifiers_and_a_score_above_its_max_reach_the_lrs() {
    assert!(chromium_present(), "Chromium is needed (scripts/test.sh installs it)");
    let (env, base, item, registration) = registered("scorm2004-2nd-edition").await;
    let page = harness(&content_origin(&env), &base, &item, JAPANESE_SCO);
    let r = run_in_chromium(serve_page(page).await).await;
    assert!(r.get("failed").is_none(), "{r:#}");
    for key in [
        "init",
        "id",
        "type",
        "pattern",
        "response",
        "result",
        "objective",
        "raw",
        "max",
        "completed",
        "terminate",
    ] {
        assert_eq!(r[key], json!(["true", 0]), "{key}: {r:#}");
    }
    assert_eq!(
        (&r["finished"], &r["serverErrors"]),
        (&json!(true), &json!([])),
        "{r:#}"
    );
    let verbs = verbs_of(&env, &registration).await;
    for verb in ["initialized", "completed", "scored", "responded", "terminated"] {
        assert_eq!(verbs.iter().filter(|v| *v == verb).count(), 1, "{verb}: {verbs:?}");
    }
    let statements = statements_of(&env, &registration).await;
    let responded = statements
        .iter()
        .find(|s| s["verb"]["id"].as_str().is_some_and(|v| v.ends_with("/responded")))
        .expect("responded");
    assert_eq!(responded["result"]["response"], "選択肢A[,]選択肢B");
    assert_eq!(
        responded["object"]["definition"]["correctResponsesPattern"],
        json!(["選択肢A[,]選択肢B"])
    );
    let scored = statements
        .iter()
        .find(|s| s["verb"]["id"].as_str().is_some_and(|v| v.ends_with("/scored")))
        .expect("scored");
    assert_eq!(scored["result"]["score"]["raw"], 200.0);
    assert_eq!(
        scored["result"]["extensions"]["https://kiroku.dev/xapi/extensions/score-as-reported"],
        json!({"raw": "200", "max": "100"})
    );
}

const NEVER_INITIALIZES: &str = r#"
  await new Promise((resolve) => setTimeout(resolve, 300));
  r.state = bridge.state;
"#;

const INITIALIZES_ONLY: &str = r#"
  r.init = call("Initialize", "");
  await bridge.settled();
  r.acked = bridge.acked;
"#;

#[tokio::test]
async fn initialized_is_recorded_when_the_sco_calls_initialize_and_only_then() {
    assert!(chromium_present(), "Chromium is needed (scripts/test.sh installs it)");
    let (env, base, item, registration) = registered("scorm2004-2nd-edition").await;
    let origin = content_origin(&env);
    let r = run_in_chromium(serve_page(harness(&origin, &base, &item, NEVER_INITIALIZES)).await).await;
    assert_eq!(r["state"], "not_initialized", "{r:#}");
    assert_eq!(
        verbs_of(&env, &registration).await,
        Vec::<String>::new(),
        "a page that never initializes"
    );
    let r = run_in_chromium(serve_page(harness(&origin, &base, &item, INITIALIZES_ONLY)).await).await;
    assert_eq!(r["init"], json!(["true", 0]), "{r:#}");
    assert_eq!(verbs_of(&env, &registration).await, ["initialized"]);
}
