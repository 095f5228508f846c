//! What a progress report shows of an attempt: completion, success and score, read the
//! same way from SCORM 1.2 (`cmi.core.lesson_status`, `cmi.core.score.raw`) and SCORM 2004
//! (`cmi.completion_status`, `cmi.success_status`, `cmi.score.scaled` / `raw`).

use serde::Serialize;
use serde_json::Value;

use super::datamodel::Data;

/// One item's progress in a report.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Progress {
    /// `completed`, `incomplete`, `not attempted` or `unknown`.
    pub completion: String,
    /// `passed`, `failed` or `unknown`.
    pub success: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score_scaled: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score_raw: Option<f64>,
}

impl Progress {
    /// An item with no attempt.
    pub fn not_attempted() -> Self {
        Self {
            completion: "not attempted".into(),
            success: "unknown".into(),
            ..Self::default()
        }
    }
}

fn text<'a>(d: &'a Data, key: &str) -> Option<&'a str> {
    d.get(key).map(String::as_str).filter(|s| !s.is_empty())
}

fn number(d: &Data, key: &str) -> Option<f64> {
    text(d, key).and_then(|s| s.parse().ok())
}

/// The progress an attempt's CMI data (a JSON object of element → value) shows.
pub fn progress(data: &str) -> Progress {
    progress_of(&serde_json::from_str(data).unwrap_or_default())
}

/// The progress an attempt's CMI data shows.
pub fn progress_of(d: &Data) -> Progress {
    if let Some(status) = text(d, "cmi.core.lesson_status") {
        let (completion, success) = match status {
            "passed" => ("completed", "passed"),
            "failed" => ("completed", "failed"),
            "completed" => ("completed", "unknown"),
            "incomplete" | "browsed" => ("incomplete", "unknown"),
            "not attempted" => ("not attempted", "unknown"),
            _ => ("unknown", "unknown"),
        };
        return Progress {
            completion: completion.into(),
            success: success.into(),
            score_scaled: None,
            score_raw: number(d, "cmi.core.score.raw"),
        };
    }
    Progress {
        completion: text(d, "cmi.completion_status").unwrap_or("unknown").into(),
        success: text(d, "cmi.success_status").unwrap_or("unknown").into(),
        score_scaled: number(d, "cmi.score.scaled"),
        score_raw: number(d, "cmi.score.raw"),
    }
}

/// What an xAPI (tincan) activity's statements in one registration show, newest first:
/// `None` when none is about the activity or one of its parts (a context activity);
/// otherwise completed once a statement about the activity itself completed, passed or
/// failed it (or says `result.completion: true`), its success the newest passed or failed
/// (or `result.success`), its score the newest `result.score`. The rule of ADL's verbs
/// as SCORM's `lesson_status` reads above: passed and failed are completed too.
pub fn of_statements(activity: &str, statements: &[Value]) -> Option<Progress> {
    let own = |st: &&Value| st.pointer("/object/id").and_then(Value::as_str) == Some(activity);
    let part_of = |st: &&Value| {
        ["parent", "grouping"].iter().any(|k| {
            st.pointer(&format!("/context/contextActivities/{k}"))
                .and_then(Value::as_array)
                .is_some_and(|a| a.iter().any(|x| x.get("id").and_then(Value::as_str) == Some(activity)))
        })
    };
    if !statements.iter().any(|st| own(&st) || part_of(&st)) {
        return None;
    }
    let verb = |st: &Value| {
        st.pointer("/verb/id")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let result = |st: &Value, key: &str| st.pointer(&format!("/result/{key}")).cloned();
    let judged = |st: &Value| match verb(st).as_str() {
        crate::cmi5::verb::PASSED => Some(true),
        crate::cmi5::verb::FAILED => Some(false),
        _ => result(st, "success").and_then(|v| v.as_bool()),
    };
    let mine: Vec<&Value> = statements.iter().filter(own).collect();
    let completed = mine.iter().any(|st| {
        judged(st).is_some()
            || verb(st) == crate::cmi5::verb::COMPLETED
            || result(st, "completion").and_then(|v| v.as_bool()) == Some(true)
    });
    let success = mine.iter().find_map(|st| judged(st));
    let score = |key: &str| {
        mine.iter()
            .find_map(|st| result(st, &format!("score/{key}")).and_then(|v| v.as_f64()))
    };
    Some(Progress {
        completion: if completed { "completed" } else { "incomplete" }.into(),
        success: match success {
            Some(true) => "passed",
            Some(false) => "failed",
            None => "unknown",
        }
        .into(),
        score_scaled: score("scaled"),
        score_raw: score("raw"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xapi_statements_of_an_activity() {
        let a = "http://example.com/course";
        let st = |verb: &str, object: &str, result: Value| {
            serde_json::json!({"verb": {"id": format!("http://adlnet.gov/expapi/verbs/{verb}")},
                               "object": {"id": object}, "result": result})
        };
        assert_eq!(of_statements(a, &[]), None);
        assert_eq!(
            of_statements(a, &[st("experienced", "http://other", Value::Null)]),
            None
        );
        let started = of_statements(a, &[st("initialized", a, Value::Null)]).expect("started");
        assert_eq!(
            (started.completion.as_str(), started.success.as_str()),
            ("incomplete", "unknown")
        );
        let question = serde_json::json!({"verb": {"id": "http://adlnet.gov/expapi/verbs/answered"},
            "object": {"id": "http://q1"}, "result": {"success": false},
            "context": {"contextActivities": {"parent": [{"id": a}]}}});
        let p = of_statements(a, std::slice::from_ref(&question)).expect("a part of it");
        assert_eq!((p.completion.as_str(), p.success.as_str()), ("incomplete", "unknown"));
        // Newest first: failed, then passed with a score.
        let p = of_statements(
            a,
            &[
                st("passed", a, serde_json::json!({"score": {"scaled": 0.9}})),
                st("failed", a, Value::Null),
                question,
            ],
        )
        .expect("judged");
        assert_eq!((p.completion.as_str(), p.success.as_str()), ("completed", "passed"));
        assert_eq!(p.score_scaled, Some(0.9));
        let done = of_statements(a, &[st("completed", a, Value::Null)]).expect("completed");
        assert_eq!(
            (done.completion.as_str(), done.success.as_str()),
            ("completed", "unknown")
        );
    }

    #[test]
    fn reads_both_editions() {
        let p = progress(r#"{"cmi.core.lesson_status":"failed","cmi.core.score.raw":"42"}"#);
        assert_eq!(
            (p.completion.as_str(), p.success.as_str(), p.score_raw),
            ("completed", "failed", Some(42.0))
        );
        let p = progress(
            r#"{"cmi.completion_status":"incomplete","cmi.success_status":"unknown","cmi.score.scaled":"0.5"}"#,
        );
        assert_eq!((p.completion.as_str(), p.score_scaled), ("incomplete", Some(0.5)));
        assert_eq!(progress("{}").completion, "unknown");
        assert_eq!(progress("not json").success, "unknown");
    }
}
