//! Notices to contract holders (tenants), as the terms of service promise them: advance
//! notice of maintenance, prompt notice of incidents, and general notices, shown on the
//! service's site and sent by e-mail. Plain values and rules only (no HTTP, no SQL, no
//! SMTP): what a notice may hold (`check`), who may post to whom and who receives it
//! (`audience.rs`), what a delivery does after each try (`delivery.rs`); the use cases
//! over the store traits are `usecase.rs`, the background sender `sender.rs`.

pub mod audience;
pub mod delivery;
pub mod sender;
pub mod usecase;

use serde::Serialize;

pub use audience::{Audience, Recipient};

/// Longest title, in characters (it is also an e-mail subject).
pub const MAX_TITLE_CHARS: usize = 200;
/// Longest body or incident update, in characters.
pub const MAX_BODY_CHARS: usize = 10_000;
/// How long before its window a maintenance notice shows in the learner's player: an
/// hour, so a learner starting a course just before the window knows to save and stop.
pub const BANNER_LEAD_MS: i64 = 3_600_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum NoticeKind {
    /// Planned work, posted ahead of its window.
    Maintenance,
    /// A failure: opened, updated as it is worked on, resolved.
    Incident,
    General,
}

impl NoticeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Maintenance => "maintenance",
            Self::Incident => "incident",
            Self::General => "general",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Maintenance, Self::Incident, Self::General]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

/// A maintenance window, epoch milliseconds; `end_ms` is after `start_ms`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub start_ms: i64,
    pub end_ms: i64,
}

/// One line of an incident's timeline after its opening.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeUpdate {
    pub at_ms: i64,
    pub body: String,
}

/// A notice as posted and stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// A version 7 UUID.
    pub id: String,
    pub kind: NoticeKind,
    pub title: String,
    pub body: String,
    /// Maintenance only.
    pub window: Option<Window>,
    pub audience: Audience,
    /// When it was posted, which is when it takes effect on the site.
    pub posted_ms: i64,
    /// The audit actor who posted it (`account:<id>`, `operator-token`).
    pub posted_by: String,
    /// Incidents only: when it was resolved.
    pub resolved_ms: Option<i64>,
    /// Incidents only: the updates, oldest first.
    pub updates: Vec<NoticeUpdate>,
}

/// What a caller asks to post, before `check`.
#[derive(Debug, Clone)]
pub struct NoticeInput {
    pub kind: NoticeKind,
    pub title: String,
    pub body: String,
    pub window: Option<Window>,
    pub audience: Audience,
}

/// Why a notice or an update is refused; each is a 400 but for `Resolved` (409).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NoticeError {
    #[error("{0} must not be empty")]
    Empty(&'static str),
    #[error("{field} may have at most {max} characters")]
    TooLong { field: &'static str, max: usize },
    #[error("{0} must not hold control characters")]
    Control(&'static str),
    #[error("a maintenance notice needs its window (windowStart and windowEnd)")]
    NoWindow,
    #[error("only a maintenance notice has a window")]
    StrayWindow,
    #[error("the window must end after it starts")]
    WindowOrder,
    #[error("only an incident has updates")]
    NotIncident,
    #[error("the incident is resolved; post a new notice instead")]
    Resolved,
}

impl From<NoticeError> for crate::lrs::LrsError {
    fn from(e: NoticeError) -> Self {
        match e {
            NoticeError::Resolved => Self::Conflict(e.to_string()),
            _ => Self::BadRequest(e.to_string()),
        }
    }
}

/// Checks a notice: title and body not blank, within their lengths (characters, so
/// Japanese text counts as it reads), no control characters in the title (it becomes
/// an e-mail subject) nor in the body but line breaks and tabs; a window exactly for
/// maintenance, ending after it starts. Returns the input with title and body trimmed.
pub fn check(input: NoticeInput) -> Result<NoticeInput, NoticeError> {
    let title = text("title", &input.title, MAX_TITLE_CHARS, false)?;
    let body = text("body", &input.body, MAX_BODY_CHARS, true)?;
    match (input.kind, input.window) {
        (NoticeKind::Maintenance, None) => return Err(NoticeError::NoWindow),
        (NoticeKind::Maintenance, Some(w)) if w.end_ms <= w.start_ms => return Err(NoticeError::WindowOrder),
        (NoticeKind::Incident | NoticeKind::General, Some(_)) => return Err(NoticeError::StrayWindow),
        _ => {}
    }
    Ok(NoticeInput { title, body, ..input })
}

/// Checks an incident update's text against the notice it goes to.
pub fn check_update(notice: &Notice, body: &str) -> Result<String, NoticeError> {
    if notice.kind != NoticeKind::Incident {
        return Err(NoticeError::NotIncident);
    }
    if notice.resolved_ms.is_some() {
        return Err(NoticeError::Resolved);
    }
    text("body", body, MAX_BODY_CHARS, true)
}

/// One text field, trimmed and checked.
fn text(field: &'static str, value: &str, max: usize, lines: bool) -> Result<String, NoticeError> {
    let v = value.trim();
    if v.is_empty() {
        return Err(NoticeError::Empty(field));
    }
    if v.chars().count() > max {
        return Err(NoticeError::TooLong { field, max });
    }
    let allowed = |c: char| lines && (c == '\n' || c == '\t' || c == '\r');
    if v.chars().any(|c| c.is_control() && !allowed(c)) {
        return Err(NoticeError::Control(field));
    }
    Ok(v.to_owned())
}

impl Notice {
    /// Whether the learner's player shows this notice at `now_ms`: a maintenance notice
    /// from `BANNER_LEAD_MS` before its window until the window ends.
    pub fn shows_banner(&self, now_ms: i64) -> bool {
        match (self.kind, self.window) {
            (NoticeKind::Maintenance, Some(w)) => {
                w.start_ms.saturating_sub(BANNER_LEAD_MS) <= now_ms && now_ms < w.end_ms
            }
            _ => false,
        }
    }
}

/// The maintenance notice a player shows at `now_ms`, of those addressed to its tenant:
/// the one whose window starts first.
pub fn banner(notices: &[Notice], now_ms: i64) -> Option<&Notice> {
    notices
        .iter()
        .filter(|n| n.shows_banner(now_ms))
        .min_by_key(|n| n.window.map(|w| w.start_ms))
}

#[cfg(test)]
mod tests;
