//! What an xAPI (tincan) course's statements add to the reports. Such content records in
//! the LRS alone, through its launch credential (one learner, one registration, the
//! launched activity), so its registration's summary rows are kept by the statements'
//! own transaction: the launched activity's progress as `runtime::report::of_statements`
//! reads it (the one rule the portal shows too), merged into what the registration's
//! earlier statements showed (`ReportWrite::merge`), the time the statements report, and
//! each answered question's newest answer.

use serde_json::Value;

use super::facts::{Answer, ItemFacts, ReportWrite, clip, fraction};
use crate::runtime::report::{Progress, of_statements};
use crate::runtime::timespan;
use crate::store::{Store, StoreResult};
use crate::tenant::TenantId;

/// The statements of a batch the LRS does not hold yet: a resend (the same id again,
/// which the LRS takes as a no-op) adds nothing to the reports either.
pub async fn not_stored(store: &dyn Store, tenant: TenantId, statements: &[Value]) -> StoreResult<Vec<Value>> {
    let mut out = Vec::with_capacity(statements.len());
    for st in statements {
        let known = match st.get("id").and_then(Value::as_str) {
            Some(id) => store.statement(tenant, id, false, None).await?.is_some(),
            None => false,
        };
        if !known {
            out.push(st.clone());
        }
    }
    Ok(out)
}

/// ADL's verb for an answered question.
const ANSWERED: &str = "http://adlnet.gov/expapi/verbs/answered";

/// The write of a batch of `statements` (as posted, oldest first) of the launch of
/// `activity` in `registration` (`None` for none): every statement of the launch says
/// the learner is in the course, the ones about the activity or its parts how far.
pub fn of_batch(activity: &str, registration: &str, statements: &[Value], at_ms: i64) -> Option<ReportWrite> {
    if statements.is_empty() {
        return None;
    }
    let newest_first: Vec<Value> = statements.iter().rev().cloned().collect();
    let p = of_statements(activity, &newest_first).unwrap_or(Progress {
        completion: "incomplete".into(),
        success: "unknown".into(),
        ..Progress::default()
    });
    let answers = answers(&newest_first);
    let item = ItemFacts {
        item: activity.to_owned(),
        completion: p.completion,
        success: p.success,
        score: fraction(p.score_scaled, p.score_raw, newest_max(&newest_first)),
        time_ms: time_ms(activity, statements),
        attempt: 1,
        answers: (!answers.is_empty()).then_some(answers),
    };
    Some(ReportWrite {
        registration: registration.to_owned(),
        launchables: 1,
        items: vec![item],
        at_ms,
        merge: true,
    })
}

/// The newest `result.score.max` given.
fn newest_max(newest_first: &[Value]) -> Option<f64> {
    newest_first
        .iter()
        .find_map(|st| st.pointer("/result/score/max").and_then(Value::as_f64))
}

/// The time the batch reports on the activity: the longest `result.duration` of its
/// statements (a session's `completed` and `terminated` both carry the session's time).
fn time_ms(activity: &str, statements: &[Value]) -> i64 {
    let hundredths = statements
        .iter()
        .filter(|st| st.pointer("/object/id").and_then(Value::as_str) == Some(activity))
        .filter_map(|st| st.pointer("/result/duration").and_then(Value::as_str))
        .filter_map(timespan::parse_scorm2004)
        .max()
        .unwrap_or(0);
    i64::try_from(hundredths.saturating_mul(10)).unwrap_or(i64::MAX)
}

/// Each answered question's newest answer in the batch (a question is the answered
/// activity's id; its result `correct` or `incorrect` from `result.success`).
fn answers(newest_first: &[Value]) -> Vec<Answer> {
    let mut out: Vec<Answer> = Vec::new();
    for st in newest_first {
        if st.pointer("/verb/id").and_then(Value::as_str) != Some(ANSWERED) {
            continue;
        }
        let Some(question) = st.pointer("/object/id").and_then(Value::as_str) else {
            continue;
        };
        let question = clip(question);
        if out.iter().any(|a| a.question == question) {
            continue;
        }
        let response = st
            .pointer("/result/response")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let result = match st.pointer("/result/success").and_then(Value::as_bool) {
            Some(true) => "correct",
            Some(false) => "incorrect",
            None => "",
        };
        out.push(Answer {
            question,
            response: clip(response),
            result: result.to_owned(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const A: &str = "http://example.com/コース";

    fn st(verb: &str, object: &str, result: Value) -> Value {
        json!({"verb": {"id": format!("http://adlnet.gov/expapi/verbs/{verb}")}, "object": {"id": object}, "result": result})
    }

    #[test]
    fn a_session_passed_with_answers_and_time() {
        let batch = [
            st(
                "answered",
                "http://example.com/問1",
                json!({"response": "b", "success": false}),
            ),
            st(
                "answered",
                "http://example.com/問1",
                json!({"response": "a", "success": true}),
            ),
            st("answered", "http://example.com/問2", json!({"response": "🙂"})),
            st(
                "passed",
                A,
                json!({"score": {"raw": 120, "max": 100}, "duration": "PT2M"}),
            ),
            st("terminated", A, json!({"duration": "PT2M30S"})),
        ];
        let w = of_batch(A, "r", &batch, 5).expect("about the activity");
        assert!(w.merge && w.launchables == 1);
        let i = w.items.first().expect("one item");
        assert_eq!((i.completion.as_str(), i.success.as_str()), ("completed", "passed"));
        assert_eq!((i.score, i.time_ms), (Some(1.0), 150_000));
        let a = i.answers.clone().unwrap_or_default();
        assert_eq!(a.len(), 2);
        let of = |q: &str| {
            a.iter()
                .find(|a| a.question.ends_with(q))
                .map(|a| (a.response.as_str(), a.result.as_str()))
        };
        assert_eq!(of("問1"), Some(("a", "correct")), "the newest answer of 問1");
        assert_eq!(of("問2"), Some(("🙂", "")));
    }

    proptest::proptest! {
        /// Any statements (any verbs, ids, results and durations, in any script) give a
        /// write or none, never a panic; the score stays in 0..=1.
        #[test]
        fn any_batch_is_counted_without_a_panic(
            items in proptest::collection::vec(
                ("(answered|passed|failed|completed|x)", "\\PC{0,12}", "\\PC{0,12}",
                 proptest::option::of(-1e9f64..1e9), "(PT[0-9]{1,4}M|P\\PC{0,6}|)"),
                0..6,
            )
        ) {
            let batch: Vec<Value> = items
                .iter()
                .map(|(verb, object, response, raw, duration)| {
                    st(verb, if object.is_empty() { A } else { object }, json!({
                        "response": response, "score": {"raw": raw, "max": 50}, "duration": duration
                    }))
                })
                .collect();
            if let Some(w) = of_batch(A, "登録😀", &batch, 0) {
                let i = w.items.first().cloned().expect("one item");
                proptest::prop_assert!(i.score.is_none_or(|s| (0.0..=1.0).contains(&s)));
            } else {
                proptest::prop_assert!(batch.is_empty());
            }
        }
    }

    #[test]
    fn any_statement_of_the_launch_says_started() {
        assert_eq!(of_batch(A, "r", &[], 1), None);
        for about in [A, "http://other"] {
            let w = of_batch(A, "r", &[st("experienced", about, json!({}))], 1).expect("started");
            let i = w.items.first().expect("one item");
            assert_eq!(
                (i.completion.as_str(), i.success.as_str(), i.score, i.answers.clone()),
                ("incomplete", "unknown", None, None)
            );
        }
    }
}
