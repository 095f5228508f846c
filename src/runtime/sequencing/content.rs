//! What a SCO's run-time data (SCORM 2004 `cmi.*`, as the run-time stores an attempt)
//! reports to sequencing at the end of its session: the SN book's mapping of the data
//! model to tracking information, as a [`Report`] for `report::apply_report`. The
//! run-time has already applied `completion_threshold` and `scaled_passing_score` to the
//! statuses it stores.

use std::collections::BTreeMap;

use super::report::{ObjectiveReport, Report};

fn number(data: &BTreeMap<String, String>, key: &str) -> Option<f64> {
    data.get(key)
        .and_then(|v| v.parse::<f64>().ok())
        .filter(|v| v.is_finite())
}

/// A status the content set (`unknown` is where every attempt starts, so it says nothing).
fn status<'a>(data: &'a BTreeMap<String, String>, key: &str) -> Option<&'a str> {
    data.get(key)
        .map(String::as_str)
        .filter(|s| !s.is_empty() && *s != "unknown")
}

fn objective(data: &BTreeMap<String, String>, prefix: &str) -> ObjectiveReport {
    let success = status(data, &format!("{prefix}success_status"));
    let completion = status(data, &format!("{prefix}completion_status"));
    ObjectiveReport {
        success: match success {
            Some("passed") => Some(true),
            Some("failed") => Some(false),
            _ => None,
        },
        scaled: number(data, &format!("{prefix}score.scaled")),
        raw: number(data, &format!("{prefix}score.raw")),
        min: number(data, &format!("{prefix}score.min")),
        max: number(data, &format!("{prefix}score.max")),
        completion: match completion {
            Some("completed") => Some(true),
            Some("incomplete" | "not attempted") => Some(false),
            _ => None,
        },
        progress_measure: number(data, &format!("{prefix}progress_measure")),
        success_reported: success.is_some(),
        completion_reported: completion.is_some(),
    }
}

/// The report of a SCO's data (element → value).
pub fn report_of(data: &BTreeMap<String, String>) -> Report {
    let primary = objective(data, "cmi.");
    let objectives = (0..)
        .map_while(|n| {
            let id = data.get(&format!("cmi.objectives.{n}.id"))?;
            Some((id.clone(), objective(data, &format!("cmi.objectives.{n}."))))
        })
        .collect();
    Report {
        primary,
        objectives,
        suspend: data.get("cmi.exit").is_some_and(|e| e == "suspend"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_primary_objective_the_objectives_and_suspend() {
        let data: BTreeMap<String, String> = [
            ("cmi.completion_status", "completed"),
            ("cmi.success_status", "failed"),
            ("cmi.score.scaled", "0.4"),
            ("cmi.exit", "suspend"),
            ("cmi.objectives.0.id", "目標-1"),
            ("cmi.objectives.0.success_status", "passed"),
            ("cmi.objectives.0.score.raw", "not a number"),
            ("cmi.objectives.1.success_status", "passed"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        let r = report_of(&data);
        assert_eq!(
            (r.primary.completion, r.primary.success, r.primary.scaled),
            (Some(true), Some(false), Some(0.4))
        );
        assert!(r.suspend && r.primary.completion_reported && r.primary.success_reported);
        assert_eq!(r.objectives.len(), 1, "an objective without an id ends the list");
        assert_eq!(r.objectives[0].0, "目標-1");
        assert_eq!((r.objectives[0].1.success, r.objectives[0].1.raw), (Some(true), None));
        let fresh = report_of(&BTreeMap::from([(
            "cmi.completion_status".to_owned(),
            "unknown".to_owned(),
        )]));
        assert!(!fresh.primary.completion_reported && fresh.primary.completion.is_none());
    }
}
