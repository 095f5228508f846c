//! Assignments: a course (a package, run on its newest version when first launched) given
//! to one learner or to every learner of one end client, with an optional due date; and
//! what the portal shows of one (its status from the registration's progress).

use serde::Serialize;

use crate::lrs::LrsError;
use crate::runtime::report::Progress;

/// Whom a course is assigned to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Learner(String),
    EndClient(String),
}

/// An assignment as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    pub id: String,
    pub package_id: String,
    pub target: Target,
    /// A calendar date, `YYYY-MM-DD`.
    pub due: Option<String>,
    pub created_ms: i64,
}

/// What a create sends (checked).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAssignment {
    pub package_id: String,
    pub target: Target,
    pub due: Option<String>,
}

impl NewAssignment {
    /// The assignment with its id and creation time.
    pub fn stored(self, created_ms: i64) -> Assignment {
        Assignment {
            id: crate::id::new_uuid(),
            package_id: self.package_id,
            target: self.target,
            due: self.due,
            created_ms,
        }
    }
}

impl Target {
    /// One of the two: a learner id or an end client id, never both nor neither.
    pub fn of(learner: Option<String>, end_client: Option<String>) -> Result<Self, String> {
        let some = |v: Option<String>| v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
        match (some(learner), some(end_client)) {
            (Some(l), None) => Ok(Self::Learner(l)),
            (None, Some(e)) => Ok(Self::EndClient(e)),
            _ => Err("name either a learner or an end client".into()),
        }
    }

    /// The learner and end client columns.
    pub fn columns(&self) -> (Option<&str>, Option<&str>) {
        match self {
            Self::Learner(l) => (Some(l), None),
            Self::EndClient(e) => (None, Some(e)),
        }
    }

    /// From the two columns as stored.
    pub fn from_columns(learner: Option<String>, end_client: Option<String>) -> Self {
        match (learner, end_client) {
            (Some(l), _) => Self::Learner(l),
            (None, e) => Self::EndClient(e.unwrap_or_default()),
        }
    }
}

/// The rule both stores apply when storing an assignment: its package and its learner
/// or end client must exist in the tenant (404 naming the missing one).
pub fn check_refs(a: &Assignment, package_found: bool, target_found: bool) -> Result<(), LrsError> {
    if !package_found {
        return Err(LrsError::NotFound(format!("no package {}", a.package_id)));
    }
    if !target_found {
        return Err(LrsError::NotFound(match &a.target {
            Target::Learner(l) => format!("no learner {l:?}"),
            Target::EndClient(e) => format!("no end client {e:?} in this tenant"),
        }));
    }
    Ok(())
}

/// A due date as `YYYY-MM-DD` (blank: none).
pub fn check_due(due: Option<&str>) -> Result<Option<String>, String> {
    match due.map(str::trim).filter(|d| !d.is_empty()) {
        None => Ok(None),
        Some(d) => chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
            .map(|day| Some(day.format("%Y-%m-%d").to_string()))
            .map_err(|_| format!("due date {d:?} is not a date (YYYY-MM-DD)")),
    }
}

/// Whether a due date has passed on `today` (`YYYY-MM-DD`, compared as text).
pub fn overdue(due: Option<&str>, today: &str) -> bool {
    due.is_some_and(|d| d < today)
}

/// Where a learner stands on an assigned course.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum AssignmentStatus {
    NotStarted,
    InProgress,
    Completed,
    Passed,
    Failed,
}

impl AssignmentStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotStarted => "not-started",
            Self::InProgress => "in-progress",
            Self::Completed => "completed",
            Self::Passed => "passed",
            Self::Failed => "failed",
        }
    }

    /// Whether it is done (completed, passed or failed).
    pub fn finished(self) -> bool {
        matches!(self, Self::Completed | Self::Passed | Self::Failed)
    }
}

/// The status of a registration from each launchable item's newest attempt (`None`: no
/// attempt): failed when one failed, passed when all completed and one passed, completed
/// when all completed, in progress once anything was attempted. The score is the first
/// item's that has one, in percent when scaled.
pub fn status(items: &[Option<Progress>]) -> (AssignmentStatus, Option<f64>) {
    let attempted: Vec<&Progress> = items.iter().flatten().collect();
    let score = attempted
        .iter()
        .find_map(|p| p.score_scaled.map(|s| (s * 100.0).round()).or(p.score_raw));
    if attempted.is_empty() {
        return (AssignmentStatus::NotStarted, None);
    }
    let all_completed = attempted.len() == items.len() && attempted.iter().all(|p| p.completion == "completed");
    let s = if attempted.iter().any(|p| p.success == "failed") {
        AssignmentStatus::Failed
    } else if all_completed && attempted.iter().any(|p| p.success == "passed") {
        AssignmentStatus::Passed
    } else if all_completed {
        AssignmentStatus::Completed
    } else {
        AssignmentStatus::InProgress
    };
    (s, score)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(completion: &str, success: &str, raw: Option<f64>) -> Option<Progress> {
        Some(Progress {
            completion: completion.into(),
            success: success.into(),
            score_scaled: None,
            score_raw: raw,
        })
    }

    #[test]
    fn statuses() {
        use AssignmentStatus::*;
        assert_eq!(status(&[None]), (NotStarted, None));
        assert_eq!(status(&[p("incomplete", "unknown", None)]).0, InProgress);
        assert_eq!(status(&[p("completed", "unknown", None), None]).0, InProgress);
        assert_eq!(status(&[p("completed", "unknown", None)]).0, Completed);
        assert_eq!(status(&[p("completed", "passed", Some(90.0))]), (Passed, Some(90.0)));
        assert_eq!(status(&[p("completed", "failed", Some(20.0))]).0, Failed);
    }

    #[test]
    fn targets_and_dates() {
        assert!(Target::of(Some("a".into()), Some("b".into())).is_err());
        assert!(Target::of(Some(" ".into()), None).is_err());
        assert_eq!(
            Target::of(None, Some("acme".into())),
            Ok(Target::EndClient("acme".into()))
        );
        assert_eq!(check_due(Some("2026-12-31")), Ok(Some("2026-12-31".into())));
        assert_eq!(check_due(Some("")), Ok(None));
        assert!(check_due(Some("31/12/2026")).is_err());
        assert!(overdue(Some("2026-01-01"), "2026-01-02"));
        assert!(!overdue(Some("2026-01-02"), "2026-01-02"));
    }
}
