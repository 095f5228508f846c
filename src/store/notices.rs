//! The store trait of notices and their e-mail deliveries, and the column shapes both
//! backends share (so the mapping is written once).

use async_trait::async_trait;

use super::StoreResult;
use crate::notice::delivery::{Delivery, DeliveryStatus, TryOutcome};
use crate::notice::{Audience, Notice, NoticeKind, NoticeUpdate, Recipient, Window};
use crate::tenant::TenantId;

/// Notices are the service's, not a tenant's: they are read by audience, so these calls
/// take no `TenantId` (who sees what is `notice::audience::sees`).
#[async_trait]
pub trait NoticeStore: Send + Sync {
    /// Stores a notice and its deliveries in one transaction.
    async fn post_notice(&self, notice: Notice, deliveries: Vec<Delivery>) -> StoreResult<()>;
    /// The newest `limit` notices, newest first, each with its updates.
    async fn list_notices(&self, limit: u32) -> StoreResult<Vec<Notice>>;
    async fn notice(&self, id: &str) -> StoreResult<Option<Notice>>;
    /// Appends an update to an unresolved notice, resolving it at the update's time when
    /// `resolve`, with a delivery of it for each of `recipients` (due at the update's
    /// time), in one transaction; answers the update's number (1 for the first), or
    /// `None` (nothing written) when the notice is resolved or absent.
    async fn add_notice_update(
        &self,
        id: &str,
        update: NoticeUpdate,
        resolve: bool,
        recipients: Vec<Recipient>,
    ) -> StoreResult<Option<u32>>;
    /// A notice's deliveries, by address.
    async fn notice_deliveries(&self, notice: &str) -> StoreResult<Vec<Delivery>>;
    /// Takes up to `limit` pending deliveries due at `now_ms`, moving their next try to
    /// `lease_until_ms` in the same transaction, so another server (or this one after a
    /// crash mid-send) picks one up only once that lease runs out.
    async fn claim_deliveries(&self, now_ms: i64, lease_until_ms: i64, limit: u32) -> StoreResult<Vec<Delivery>>;
    /// Records one try of a delivery (`notice`, `update`, `account`): its attempt count
    /// goes up by one.
    async fn record_delivery_try(
        &self,
        notice: &str,
        update: u32,
        account: &str,
        outcome: TryOutcome,
    ) -> StoreResult<()>;
}

/// An audience as the columns `audience, audience_reseller, audience_tenant`.
pub(crate) fn audience_columns(a: &Audience) -> (&'static str, Option<&str>, Option<i64>) {
    match a {
        Audience::All => ("all", None, None),
        Audience::Reseller(r) => ("reseller", Some(r), None),
        Audience::Tenant(t) => ("tenant", None, Some(t.0)),
    }
}

/// The columns of a notice row, read by either backend.
#[derive(Debug)]
pub(crate) struct NoticeRow {
    pub id: String,
    pub kind: String,
    pub title: String,
    pub body: String,
    pub audience: String,
    pub audience_reseller: Option<String>,
    pub audience_tenant: Option<i64>,
    pub window_start: Option<i64>,
    pub window_end: Option<i64>,
    pub posted: i64,
    pub posted_by: String,
    pub resolved: Option<i64>,
}

/// The SELECT list a `NoticeRow` is read from, in its field order.
pub(crate) const NOTICE_COLS: &str = "id, kind, title, body, audience, audience_reseller, audience_tenant, \
     window_start, window_end, posted, posted_by, resolved";

/// The SELECT list a `DeliveryRow` is read from, in its field order.
pub(crate) const DELIVERY_COLS: &str =
    "notice, update_seq, account, address, status, attempts, last_error, next_attempt, sent";

impl NoticeRow {
    /// The notice; `None` for a row no version of kiroku writes.
    pub fn notice(self, updates: Vec<NoticeUpdate>) -> Option<Notice> {
        let audience = match (self.audience.as_str(), self.audience_reseller, self.audience_tenant) {
            ("all", None, None) => Audience::All,
            ("reseller", Some(r), None) => Audience::Reseller(r),
            ("tenant", None, Some(t)) => Audience::Tenant(TenantId(t)),
            _ => return None,
        };
        let window = match (self.window_start, self.window_end) {
            (Some(start_ms), Some(end_ms)) => Some(Window { start_ms, end_ms }),
            _ => None,
        };
        Some(Notice {
            id: self.id,
            kind: NoticeKind::parse(&self.kind)?,
            title: self.title,
            body: self.body,
            window,
            audience,
            posted_ms: self.posted,
            posted_by: self.posted_by,
            resolved_ms: self.resolved,
            updates,
        })
    }
}

/// The columns of a delivery row.
#[derive(Debug)]
pub(crate) struct DeliveryRow {
    pub notice: String,
    pub update_seq: i64,
    pub account: String,
    pub address: String,
    pub status: String,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub next_attempt: i64,
    pub sent: Option<i64>,
}

impl DeliveryRow {
    pub fn delivery(self) -> Option<Delivery> {
        Some(Delivery {
            notice: self.notice,
            update: u32::try_from(self.update_seq).ok()?,
            recipient: Recipient {
                account: self.account,
                address: self.address,
            },
            status: DeliveryStatus::parse(&self.status)?,
            attempts: u32::try_from(self.attempts).ok()?,
            last_error: self.last_error,
            next_attempt_ms: self.next_attempt,
            sent_ms: self.sent,
        })
    }
}

/// What recording a try writes: `(status, last_error, next_attempt, sent)`; a column
/// left `None` keeps its value (`coalesce` in the SQL) but for `last_error` on success.
pub(crate) fn try_columns(outcome: &TryOutcome) -> (&'static str, Option<&str>, Option<i64>, Option<i64>) {
    match outcome {
        TryOutcome::Sent { at_ms } => (DeliveryStatus::Sent.as_str(), None, None, Some(*at_ms)),
        TryOutcome::Retry { error, at_ms } => (DeliveryStatus::Pending.as_str(), Some(error), Some(*at_ms), None),
        TryOutcome::Failed { error } => (DeliveryStatus::Failed.as_str(), Some(error), None, None),
    }
}
