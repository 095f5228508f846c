//! Reports: what the tenant's learners did with its courses, read from summary tables
//! the run-time keeps up to date in each step's own transaction (`facts`: what a step
//! adds), so a report never parses attempt data or scans statements. `summary` turns the
//! summary rows into the reports (funnel, score and time distributions, questions,
//! activity, a learner's transcript); `csv` writes them as CSV. No HTTP or SQL here.

pub mod csv;
pub mod facts;
pub mod rebuild;
pub mod summary;
pub mod usecase;
pub mod xapi;

use serde::Serialize;

/// Which registrations a report covers. An end-client admin's filter always names their
/// end client (the edge sets it; they cannot widen it).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReportFilter {
    /// A package id (a course, every version).
    pub course: Option<String>,
    pub end_client: Option<String>,
    pub learner: Option<String>,
    /// Last activity at or after, epoch milliseconds (inclusive).
    pub from_ms: Option<i64>,
    /// Last activity before, epoch milliseconds (exclusive).
    pub to_ms: Option<i64>,
}

/// A registration's summary row: its items' progress counted, as the store keeps it.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RegistrationFacts {
    pub registration: String,
    pub learner: String,
    pub course: String,
    pub version: u32,
    /// Launchable items of the course (SCOs, AUs): all done is the course completed.
    pub launchables: u32,
    /// Items with any recorded progress, completed, passed, failed.
    pub items: u32,
    pub done: u32,
    pub passed: u32,
    pub failed: u32,
    /// The mean of the items' scores, 0 to 1, when any has one.
    pub score: Option<f64>,
    pub time_ms: i64,
    pub first_ms: i64,
    pub last_ms: i64,
}

impl RegistrationFacts {
    /// Every launchable item completed.
    pub fn completed(&self) -> bool {
        self.launchables > 0 && self.done >= self.launchables
    }

    /// Passed: completed, some item passed, none failed.
    pub fn passed(&self) -> bool {
        self.completed() && self.passed > 0 && self.failed == 0
    }

    /// Failed: an item's newest attempt failed.
    pub fn failed(&self) -> bool {
        self.failed > 0
    }

    /// The one word a transcript shows.
    pub fn status(&self) -> Status {
        if self.passed() {
            Status::Passed
        } else if self.failed() {
            Status::Failed
        } else if self.completed() {
            Status::Completed
        } else {
            Status::InProgress
        }
    }
}

/// Where a learner stands in a registration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    NotStarted,
    InProgress,
    Completed,
    Passed,
    Failed,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotStarted => "not-started",
            Self::InProgress => "in-progress",
            Self::Completed => "completed",
            Self::Passed => "passed",
            Self::Failed => "failed",
        }
    }
}

/// How many registrations a course has (in the filter), started or not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Registered {
    pub course: String,
    pub registrations: u64,
}

/// Registrations of one version of a course, of real learners or previews.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VersionCount {
    pub version: u32,
    pub preview: bool,
    pub registrations: u64,
}

/// How often one answer was given to one question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AnswerCount {
    pub question: String,
    pub response: String,
    /// The interaction's result as recorded (`correct`, `incorrect`, `neutral`, a number…).
    pub result: String,
    pub count: u64,
}

/// One day's activity: registrations with a run-time step that day, and the steps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DayActivity {
    /// Days since 1970-01-01 (UTC).
    pub day: i64,
    pub registrations: u64,
    pub steps: u64,
}

pub const DAY_MS: i64 = 86_400_000;
