//! An attempt's CMI data on the server: what a launch starts with, how a commit from the
//! bridge is re-validated and applied (all or nothing, in call order, exactly the checks
//! the bridge made), and what the end of a session does (total time, entry of the next
//! launch, completion and success from thresholds).

use super::datamodel::{Data, Options, Refusal, Version, check_set};
use super::timespan;

/// What the LMS supplies at launch.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LaunchContext {
    pub learner_id: String,
    pub learner_name: String,
    pub launch_data: Option<String>,
    /// SCORM 1.2 `adlcp:masteryscore` (0–100).
    pub mastery_score: Option<f64>,
    /// SCORM 2004 `completionThreshold` (minProgressMeasure).
    pub completion_threshold: Option<f64>,
    /// SCORM 2004 `scaledPassingScore` from the primary objective.
    pub scaled_passing_score: Option<f64>,
    pub max_time_allowed: Option<String>,
    pub time_limit_action: Option<String>,
}

/// Element names that differ between the versions.
struct Names {
    learner_id: &'static str,
    learner_name: &'static str,
    entry: &'static str,
    exit: &'static str,
    credit: &'static str,
    mode: &'static str,
    total_time: &'static str,
    session_time: &'static str,
}

fn names(v: Version) -> Names {
    match v {
        Version::Scorm12 => Names {
            learner_id: "cmi.core.student_id",
            learner_name: "cmi.core.student_name",
            entry: "cmi.core.entry",
            exit: "cmi.core.exit",
            credit: "cmi.core.credit",
            mode: "cmi.core.lesson_mode",
            total_time: "cmi.core.total_time",
            session_time: "cmi.core.session_time",
        },
        Version::Scorm2004 => Names {
            learner_id: "cmi.learner_id",
            learner_name: "cmi.learner_name",
            entry: "cmi.entry",
            exit: "cmi.exit",
            credit: "cmi.credit",
            mode: "cmi.mode",
            total_time: "cmi.total_time",
            session_time: "cmi.session_time",
        },
    }
}

fn set(data: &mut Data, name: &str, value: impl Into<String>) {
    data.insert(name.to_owned(), value.into());
}

/// The data of a new attempt, or of a resumed one when `previous` is given (a suspended
/// session: its data carries over, `entry` becomes `resume`).
pub fn start(v: Version, ctx: &LaunchContext, previous: Option<&Data>) -> Data {
    let n = names(v);
    let mut data = previous.cloned().unwrap_or_default();
    let resuming = previous.is_some();
    set(&mut data, n.learner_id, &ctx.learner_id);
    set(&mut data, n.learner_name, &ctx.learner_name);
    set(&mut data, n.credit, "credit");
    set(&mut data, n.mode, "normal");
    set(&mut data, n.entry, if resuming { "resume" } else { "ab-initio" });
    data.remove(n.exit);
    data.remove(n.session_time);
    let zero = match v {
        Version::Scorm12 => timespan::format_scorm12(0),
        Version::Scorm2004 => timespan::format_scorm2004(0),
    };
    data.entry(n.total_time.to_owned()).or_insert(zero);
    let lms_values = match v {
        Version::Scorm12 => [
            ("cmi.launch_data", ctx.launch_data.clone()),
            (
                "cmi.student_data.mastery_score",
                ctx.mastery_score.map(|m| m.to_string()),
            ),
            ("cmi.student_data.max_time_allowed", ctx.max_time_allowed.clone()),
            ("cmi.student_data.time_limit_action", ctx.time_limit_action.clone()),
        ],
        Version::Scorm2004 => [
            ("cmi.launch_data", ctx.launch_data.clone()),
            (
                "cmi.completion_threshold",
                ctx.completion_threshold.map(|m| m.to_string()),
            ),
            (
                "cmi.scaled_passing_score",
                ctx.scaled_passing_score.map(|m| m.to_string()),
            ),
            ("cmi.max_time_allowed", ctx.max_time_allowed.clone()),
        ],
    };
    for (name, value) in lms_values {
        if let Some(value) = value {
            set(&mut data, name, value);
        }
    }
    if v == Version::Scorm2004 {
        if let Some(t) = &ctx.time_limit_action {
            set(&mut data, "cmi.time_limit_action", t);
        }
        data.entry("cmi.completion_status".into())
            .or_insert_with(|| "unknown".into());
        data.entry("cmi.success_status".into())
            .or_insert_with(|| "unknown".into());
    } else {
        data.entry("cmi.core.lesson_status".into())
            .or_insert_with(|| "not attempted".into());
    }
    data
}

/// A SetValue of a commit that the server refused: which call, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitRefusal {
    /// Position of the call in the commit.
    pub index: usize,
    pub element: String,
    pub refusal: Refusal,
}

/// Re-validates a commit's SetValue calls in order and applies them; any refusal leaves
/// `data` untouched.
pub fn apply_commit(
    v: Version,
    options: Options,
    data: &Data,
    sets: &[(String, String)],
) -> Result<Data, CommitRefusal> {
    let mut next = data.clone();
    for (index, (name, value)) in sets.iter().enumerate() {
        check_set(v, options, &next, name, value).map_err(|refusal| CommitRefusal {
            index,
            element: name.clone(),
            refusal,
        })?;
        next.insert(name.clone(), value.clone());
    }
    Ok(next)
}

/// How a session ended, for the next launch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// `exit = suspend`: the next launch resumes this attempt.
    Suspended,
    /// Any other exit: the next launch starts a new attempt.
    Finished,
}

/// Ends a session: adds session time to total time and evaluates completion and success
/// from the thresholds the LMS supplied, as the standards define.
pub fn end_session(v: Version, data: &mut Data) -> Ending {
    let n = names(v);
    let parse = |s: &String| match v {
        Version::Scorm12 => timespan::parse_scorm12(s),
        Version::Scorm2004 => timespan::parse_scorm2004(s),
    };
    let session = data.get(n.session_time).and_then(parse).unwrap_or(0);
    let total = data.get(n.total_time).and_then(parse).unwrap_or(0);
    let sum = total.saturating_add(session);
    let format = match v {
        Version::Scorm12 => timespan::format_scorm12(sum),
        Version::Scorm2004 => timespan::format_scorm2004(sum),
    };
    set(data, n.total_time, format);
    match v {
        Version::Scorm12 => evaluate_scorm12(data),
        Version::Scorm2004 => evaluate_scorm2004(data),
    }
    let exit = data.get(n.exit).map(String::as_str).unwrap_or("");
    let ending = if exit == "suspend" {
        Ending::Suspended
    } else {
        Ending::Finished
    };
    data.remove(n.session_time);
    ending
}

fn number(data: &Data, name: &str) -> Option<f64> {
    data.get(name).and_then(|s| s.trim().parse().ok())
}

/// SCORM 1.2: with a mastery score and a raw score in credit mode, the LMS sets
/// `lesson_status` to passed or failed.
fn evaluate_scorm12(data: &mut Data) {
    let credit = data.get("cmi.core.credit").is_none_or(|c| c == "credit");
    if let (true, Some(mastery), Some(raw)) = (
        credit,
        number(data, "cmi.student_data.mastery_score"),
        number(data, "cmi.core.score.raw"),
    ) {
        set(
            data,
            "cmi.core.lesson_status",
            if raw >= mastery { "passed" } else { "failed" },
        );
    }
}

/// SCORM 2004: `completion_threshold` with `progress_measure` decides completion;
/// `scaled_passing_score` with `score.scaled` decides success (RTE 4.2.4.1 and 4.2.22.1).
fn evaluate_scorm2004(data: &mut Data) {
    if let Some(threshold) = number(data, "cmi.completion_threshold") {
        let status = match number(data, "cmi.progress_measure") {
            Some(p) if p >= threshold => "completed",
            Some(_) => "incomplete",
            None => "unknown",
        };
        set(data, "cmi.completion_status", status);
    }
    if let Some(passing) = number(data, "cmi.scaled_passing_score") {
        let status = match number(data, "cmi.score.scaled") {
            Some(s) if s >= passing => "passed",
            Some(_) => "failed",
            None => "unknown",
        };
        set(data, "cmi.success_status", status);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> LaunchContext {
        LaunchContext {
            learner_id: "ann".into(),
            learner_name: "Ann".into(),
            ..LaunchContext::default()
        }
    }

    fn sets(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(a, b)| ((*a).to_owned(), (*b).to_owned())).collect()
    }

    #[test]
    fn suspend_then_resume_keeps_location_and_suspend_data() {
        let v = Version::Scorm2004;
        let data = start(v, &ctx(), None);
        assert_eq!(data["cmi.entry"], "ab-initio");
        let calls = sets(&[
            ("cmi.location", "page-7"),
            ("cmi.suspend_data", "xyz"),
            ("cmi.exit", "suspend"),
            ("cmi.session_time", "PT1M30S"),
        ]);
        let mut data = apply_commit(v, Options::default(), &data, &calls).unwrap();
        assert_eq!(end_session(v, &mut data), Ending::Suspended);
        let resumed = start(v, &ctx(), Some(&data));
        assert_eq!(resumed["cmi.entry"], "resume");
        assert_eq!(resumed["cmi.location"], "page-7");
        assert_eq!(resumed["cmi.suspend_data"], "xyz");
        assert_eq!(timespan::parse_scorm2004(&resumed["cmi.total_time"]), Some(9000));
        assert!(!resumed.contains_key("cmi.exit"));
    }

    #[test]
    fn a_refused_call_leaves_the_data_as_it_was() {
        let v = Version::Scorm2004;
        let data = start(v, &ctx(), None);
        let calls = sets(&[("cmi.location", "p1"), ("cmi.learner_id", "mallory")]);
        let err = apply_commit(v, Options::default(), &data, &calls).unwrap_err();
        assert_eq!(
            (err.index, err.element.as_str(), err.refusal.code),
            (1, "cmi.learner_id", 404)
        );
        assert!(!data.contains_key("cmi.location"));
    }

    #[test]
    fn thresholds_decide_completion_and_success() {
        let v = Version::Scorm2004;
        let c = LaunchContext {
            completion_threshold: Some(0.8),
            scaled_passing_score: Some(0.6),
            ..ctx()
        };
        let data = start(v, &c, None);
        let calls = sets(&[
            ("cmi.progress_measure", "0.5"),
            ("cmi.score.scaled", "0.7"),
            ("cmi.completion_status", "completed"),
        ]);
        let mut data = apply_commit(v, Options::default(), &data, &calls).unwrap();
        assert_eq!(end_session(v, &mut data), Ending::Finished);
        assert_eq!(
            data["cmi.completion_status"], "incomplete",
            "the threshold overrides what the SCO set"
        );
        assert_eq!(data["cmi.success_status"], "passed");
    }

    #[test]
    fn scorm12_mastery_score_and_total_time() {
        let v = Version::Scorm12;
        let c = LaunchContext {
            mastery_score: Some(80.0),
            ..ctx()
        };
        let data = start(v, &c, None);
        assert_eq!(data["cmi.core.lesson_status"], "not attempted");
        let calls = sets(&[("cmi.core.score.raw", "75"), ("cmi.core.session_time", "00:10:00")]);
        let mut data = apply_commit(v, Options::default(), &data, &calls).unwrap();
        end_session(v, &mut data);
        assert_eq!(data["cmi.core.lesson_status"], "failed");
        assert_eq!(data["cmi.core.total_time"], "0000:10:00.00");
    }
}
