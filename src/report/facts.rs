//! What a run-time step adds to the reports' summary tables: the progress of the item it
//! touched (completion, success, score as a fraction, time spent, attempt) and, for a
//! SCO, the answers of that attempt's interactions. The store writes these beside the
//! step's attempt rows, in the same transaction, and recounts the registration's row.

use crate::cmi5::state::Cmi5State;
use crate::runtime::datamodel::Data;
use crate::runtime::report::progress_of;
use crate::runtime::timespan;

/// One item's progress as a report counts it.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemFacts {
    pub item: String,
    /// `completed`, `incomplete`, `not attempted` or `unknown`.
    pub completion: String,
    /// `passed`, `failed` or `unknown`.
    pub success: String,
    /// 0 to 1.
    pub score: Option<f64>,
    pub time_ms: i64,
    pub attempt: u32,
    /// The newest attempt's answers, replacing the item's earlier ones; `None` leaves them.
    pub answers: Option<Vec<Answer>>,
}

/// One interaction's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub question: String,
    pub response: String,
    pub result: String,
}

/// What one step writes to the summary tables.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportWrite {
    pub registration: String,
    /// The course's launchable items (its registrations are completed when all are).
    pub launchables: u32,
    pub items: Vec<ItemFacts>,
    /// When the step happened (its day counts as a day of activity).
    pub at_ms: i64,
    /// The items are merged into what was counted before instead of replacing it (an
    /// xAPI course's statements, each batch showing part of the story, `report::xapi`):
    /// completed stays completed, a success or score replaces an earlier one only when
    /// given, times add up, and answers replace only their own question's.
    pub merge: bool,
}

/// Answers kept per attempt, at most (SCORM 2004 allows 250 interactions per SCO).
const MAX_ANSWERS: usize = 500;
/// Characters kept of a question id or response.
const MAX_TEXT: usize = 250;

/// A SCO attempt's facts from its CMI data; `open` while its session has not ended (its
/// session time then counts beside the total time of the sessions before).
pub fn of_attempt(item: &str, attempt: u32, data: &Data, open: bool) -> ItemFacts {
    let p = progress_of(data);
    let scorm12 = data.contains_key("cmi.core.lesson_status");
    ItemFacts {
        item: item.to_owned(),
        completion: p.completion,
        success: p.success,
        score: fraction(p.score_scaled, p.score_raw, max_score(data, scorm12)),
        time_ms: time_ms(data, scorm12, open),
        attempt,
        answers: Some(answers(data, scorm12)),
    }
}

/// A score as a fraction: the scaled score, else the raw score over its maximum (100 when
/// none is given), held to 0..=1 (content reports scores above their maximum).
pub(crate) fn fraction(scaled: Option<f64>, raw: Option<f64>, max: Option<f64>) -> Option<f64> {
    let value = match (scaled, raw) {
        (Some(s), _) => s,
        (None, Some(r)) => r / max.filter(|m| *m > 0.0).unwrap_or(100.0),
        (None, None) => return None,
    };
    value.is_finite().then(|| value.clamp(0.0, 1.0))
}

fn max_score(data: &Data, scorm12: bool) -> Option<f64> {
    let key = if scorm12 { "cmi.core.score.max" } else { "cmi.score.max" };
    data.get(key).and_then(|s| s.parse().ok())
}

fn time_ms(data: &Data, scorm12: bool, open: bool) -> i64 {
    let (total, session) = if scorm12 {
        ("cmi.core.total_time", "cmi.core.session_time")
    } else {
        ("cmi.total_time", "cmi.session_time")
    };
    let parse = |key: &str| {
        data.get(key)
            .and_then(|s| {
                if scorm12 {
                    timespan::parse_scorm12(s)
                } else {
                    timespan::parse_scorm2004(s)
                }
            })
            .unwrap_or(0)
    };
    let hundredths = parse(total).saturating_add(if open { parse(session) } else { 0 });
    i64::try_from(hundredths.saturating_mul(10)).unwrap_or(i64::MAX)
}

/// The attempt's interactions with an id, in order: the response the learner gave and
/// its result.
fn answers(data: &Data, scorm12: bool) -> Vec<Answer> {
    let response = if scorm12 {
        "student_response"
    } else {
        "learner_response"
    };
    let mut out = Vec::new();
    for n in 0..MAX_ANSWERS {
        let field = |name: &str| data.get(&format!("cmi.interactions.{n}.{name}"));
        let Some(id) = field("id") else { break };
        out.push(Answer {
            question: clip(id),
            response: clip(field(response).map(String::as_str).unwrap_or_default()),
            result: clip(field("result").map(String::as_str).unwrap_or_default()),
        });
    }
    out
}

pub(crate) fn clip(s: &str) -> String {
    s.chars().take(MAX_TEXT).collect()
}

/// A cmi5 registration's facts: each AU's progress (satisfied or completed counts as
/// completed; cmi5 scores and times stay in the statements).
pub fn of_cmi5(state: &Cmi5State) -> Vec<ItemFacts> {
    state
        .aus
        .iter()
        .map(|(id, p)| ItemFacts {
            item: id.clone(),
            completion: if p.completed || p.satisfied {
                "completed"
            } else {
                "incomplete"
            }
            .into(),
            success: if p.passed {
                "passed"
            } else if p.failed {
                "failed"
            } else {
                "unknown"
            }
            .into(),
            score: None,
            time_ms: 0,
            attempt: p.launched,
            answers: None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(pairs: &[(&str, &str)]) -> Data {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn a_scorm12_attempt_with_a_score_above_its_max() {
        let d = data(&[
            ("cmi.core.lesson_status", "passed"),
            ("cmi.core.score.raw", "120"),
            ("cmi.core.score.max", "100"),
            ("cmi.core.total_time", "0000:10:00.00"),
            ("cmi.core.session_time", "0000:01:00"),
            ("cmi.interactions.0.id", "問1"),
            ("cmi.interactions.0.student_response", "b"),
            ("cmi.interactions.0.result", "correct"),
        ]);
        let f = of_attempt("sco", 2, &d, false);
        assert_eq!((f.completion.as_str(), f.success.as_str()), ("completed", "passed"));
        assert_eq!(f.score, Some(1.0));
        assert_eq!(f.time_ms, 600_000);
        assert_eq!(of_attempt("sco", 2, &d, true).time_ms, 660_000);
        let a = f.answers.unwrap_or_default();
        assert_eq!(a.len(), 1);
        assert_eq!(a.first().map(|a| a.question.as_str()), Some("問1"));
    }

    #[test]
    fn a_scorm2004_attempt() {
        let d = data(&[
            ("cmi.completion_status", "incomplete"),
            ("cmi.success_status", "failed"),
            ("cmi.score.scaled", "0.25"),
            ("cmi.total_time", "PT1M30S"),
            ("cmi.interactions.0.id", "q1"),
            ("cmi.interactions.0.learner_response", "true"),
            ("cmi.interactions.0.result", "incorrect"),
            ("cmi.interactions.1.id", "q2"),
        ]);
        let f = of_attempt("sco", 1, &d, false);
        assert_eq!((f.score, f.time_ms), (Some(0.25), 90_000));
        let a = f.answers.unwrap_or_default();
        assert_eq!(a.len(), 2);
        assert_eq!(a.get(1).map(|a| a.response.as_str()), Some(""));
    }

    #[test]
    fn scores_without_a_max_are_out_of_100_and_nan_is_none() {
        assert_eq!(fraction(None, Some(42.0), None), Some(0.42));
        assert_eq!(fraction(None, Some(f64::NAN), None), None);
        assert_eq!(fraction(Some(-0.5), None, None), Some(0.0));
    }
}
