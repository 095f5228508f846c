//! What a progress report shows of an attempt: completion, success and score, read the
//! same way from SCORM 1.2 (`cmi.core.lesson_status`, `cmi.core.score.raw`) and SCORM 2004
//! (`cmi.completion_status`, `cmi.success_status`, `cmi.score.scaled` / `raw`).

use serde::Serialize;

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

#[cfg(test)]
mod tests {
    use super::*;

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
