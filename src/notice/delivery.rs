//! A notice's e-mails: one delivery per recipient, its status, what happens after each
//! try (sent, retried later with a growing delay, or failed for good), and the message
//! itself (subject and plain-text body). Pure: the sender (`sender.rs`) does the I/O.

use serde::Serialize;

use super::{Notice, NoticeKind, Recipient};
use crate::clock::format_ms;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DeliveryStatus {
    /// Not sent yet: waiting for its first try or a retry.
    Pending,
    Sent,
    /// Every try failed; `last_error` says why the last one did.
    Failed,
}

impl DeliveryStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Sent => "sent",
            Self::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Pending, Self::Sent, Self::Failed]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

/// One recipient's e-mail of a notice or of one of its updates, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    pub notice: String,
    /// 0: the notice as posted; n: its nth update (an incident's).
    pub update: u32,
    pub recipient: Recipient,
    pub status: DeliveryStatus,
    /// Tries made so far.
    pub attempts: u32,
    pub last_error: Option<String>,
    /// A pending delivery is tried at or after this time (epoch ms).
    pub next_attempt_ms: i64,
    pub sent_ms: Option<i64>,
}

/// How the sender retries: the delay after the first failure, doubled after each
/// further one, and the tries made before a delivery is failed for good.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    pub first_delay_ms: i64,
    pub max_attempts: u32,
}

impl Default for RetryPolicy {
    /// A minute, then 2, 4, 8…: six tries cover about half an hour of an SMTP outage.
    fn default() -> Self {
        Self {
            first_delay_ms: 60_000,
            max_attempts: 6,
        }
    }
}

/// What one try did, as the store records it (the attempt count goes up by one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TryOutcome {
    Sent {
        at_ms: i64,
    },
    /// Failed; tried again at `at_ms`.
    Retry {
        error: String,
        at_ms: i64,
    },
    /// Failed, and no tries are left.
    Failed {
        error: String,
    },
}

/// Longest error kept with a delivery, in characters (an SMTP reply can be long).
const MAX_ERROR_CHARS: usize = 500;

impl RetryPolicy {
    /// The outcome of try number `attempt` (1 for the first) that failed with `error`
    /// at `now_ms`.
    pub fn after_failure(&self, attempt: u32, error: &str, now_ms: i64) -> TryOutcome {
        let error: String = error.chars().take(MAX_ERROR_CHARS).collect();
        if attempt >= self.max_attempts {
            return TryOutcome::Failed { error };
        }
        let factor = 1_i64 << attempt.saturating_sub(1).min(20);
        TryOutcome::Retry {
            error,
            at_ms: now_ms.saturating_add(self.first_delay_ms.saturating_mul(factor)),
        }
    }
}

/// A new delivery of the notice (`update` 0) or of its update for each recipient, due at
/// once.
pub fn new_deliveries(notice: &str, update: u32, recipients: Vec<Recipient>, now_ms: i64) -> Vec<Delivery> {
    recipients
        .into_iter()
        .map(|recipient| Delivery {
            notice: notice.to_owned(),
            update,
            recipient,
            status: DeliveryStatus::Pending,
            attempts: 0,
            last_error: None,
            next_attempt_ms: now_ms,
            sent_ms: None,
        })
        .collect()
}

/// An e-mail's subject and plain-text body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub subject: String,
    pub body: String,
}

/// The e-mail of a delivery: the notice's (`update` 0) or one of its updates'; `None`
/// when the notice has no such update.
pub fn message_for(notice: &Notice, update: u32, site_url: &str) -> Option<Message> {
    match update.checked_sub(1) {
        None => Some(message(notice, site_url)),
        Some(i) => notice
            .updates
            .get(usize::try_from(i).ok()?)
            .map(|u| update_message(notice, u, site_url)),
    }
}

/// The e-mail of an incident's update: its text under the incident's title, marked as
/// the resolution when it resolved the incident.
fn update_message(notice: &Notice, u: &super::NoticeUpdate, site_url: &str) -> Message {
    let resolving = notice.resolved_ms == Some(u.at_ms) && notice.updates.last() == Some(u);
    let label = if resolving {
        "Resolved / 復旧"
    } else {
        "Incident update / 障害情報の更新"
    };
    Message {
        subject: format!("[{label}] {}", notice.title),
        body: format!(
            "{}\n\n{}\n\nUpdated / 更新: {}\nPosted / 掲載: {}\n\n{site_url}/notices\n",
            notice.title,
            u.body,
            format_ms(u.at_ms),
            format_ms(notice.posted_ms)
        ),
    }
}

/// The e-mail of a notice: the title as subject with the kind before it, in English and
/// Japanese (the notice's own text is as its author wrote it), and the window in UTC.
pub fn message(notice: &Notice, site_url: &str) -> Message {
    let label = match notice.kind {
        NoticeKind::Maintenance => "Maintenance / メンテナンス",
        NoticeKind::Incident => "Incident / 障害",
        NoticeKind::General => "Notice / お知らせ",
    };
    let mut body = format!("{}\n\n{}\n\n", notice.title, notice.body);
    if let Some(w) = notice.window {
        body.push_str(&format!(
            "Window / 期間 (UTC): {} – {}\n",
            format_ms(w.start_ms),
            format_ms(w.end_ms)
        ));
    }
    body.push_str(&format!(
        "Posted / 掲載: {}\n\n{site_url}/notices\n",
        format_ms(notice.posted_ms)
    ));
    Message {
        subject: format!("[{label}] {}", notice.title),
        body,
    }
}
