//! Plans and their quotas, a tenant's usage, and the refusals a tenant's requests can meet
//! (suspended, over a quota, over the request rate). Plain values: no storage or HTTP.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A plan's unique name: 1–64 characters of `[A-Za-z0-9._-]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct PlanName(String);

impl PlanName {
    pub fn parse(s: &str) -> Result<Self, String> {
        super::check_name("plan", s).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PlanName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What a plan allows; `None` is unlimited. A tenant without a plan has no limits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Quotas {
    /// Unpacked bytes of the distinct content files of the tenant's packages.
    pub storage_bytes: Option<u64>,
    /// Learners the tenant may have.
    pub learners: Option<u64>,
    /// Statements stored per calendar month (UTC).
    pub statements_per_month: Option<u64>,
    /// Authenticated requests per minute on the app origin (xAPI and admin API).
    pub requests_per_minute: Option<u32>,
}

impl Quotas {
    /// Quotas from their stored columns, in the order of the fields (`None`: unlimited).
    /// A negative count reads as 0; requests per minute beyond `u32` as `u32::MAX`.
    pub fn from_columns(columns: [Option<i64>; 4]) -> Self {
        let [storage, learners, statements, requests] = columns.map(|c| c.map(|v| u64::try_from(v).unwrap_or(0)));
        Self {
            storage_bytes: storage,
            learners,
            statements_per_month: statements,
            requests_per_minute: requests.map(|v| u32::try_from(v).unwrap_or(u32::MAX)),
        }
    }
}

/// A stored plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Plan {
    pub name: PlanName,
    pub quotas: Quotas,
    pub created_ms: i64,
}

/// What a tenant uses of its quotas now.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Usage {
    pub storage_bytes: u64,
    pub learners: u64,
    /// Statements stored since the start of the current calendar month (UTC).
    pub statements_this_month: u64,
}

/// Which quota a refusal is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuotaKind {
    Storage,
    Learners,
    Statements,
}

/// A request that would take a tenant over one of its quotas.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.describe())]
pub struct QuotaExceeded {
    pub kind: QuotaKind,
    pub limit: u64,
    /// What the tenant would use if the request were accepted.
    pub requested: u64,
}

impl QuotaExceeded {
    /// The machine-readable reason (`quota_storage`, `quota_learners`, `quota_statements`).
    pub fn reason(&self) -> &'static str {
        match self.kind {
            QuotaKind::Storage => "quota_storage",
            QuotaKind::Learners => "quota_learners",
            QuotaKind::Statements => "quota_statements",
        }
    }

    fn describe(&self) -> String {
        let (what, unit) = match self.kind {
            QuotaKind::Storage => ("storage", "bytes"),
            QuotaKind::Learners => ("learner", "learners"),
            QuotaKind::Statements => ("monthly statement", "statements"),
        };
        format!(
            "the tenant's plan allows {} {unit}; this request would bring it to {} (the {what} quota); nothing was stored",
            self.limit, self.requested
        )
    }
}

/// Checks that `requested` (the use after a request) stays within `limit`.
pub fn check_quota(kind: QuotaKind, limit: Option<u64>, requested: u64) -> Result<(), QuotaExceeded> {
    match limit {
        Some(limit) if requested > limit => Err(QuotaExceeded { kind, limit, requested }),
        _ => Ok(()),
    }
}

/// Why a tenant's request is refused before it is looked at.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TenantRefusal {
    #[error("tenant {name} is suspended{}", reason_suffix(.reason))]
    Suspended { name: String, reason: Option<String> },
    #[error("tenant {name} is terminated")]
    Terminated { name: String },
    #[error(transparent)]
    Quota(#[from] QuotaExceeded),
    #[error("tenant {name} is over its plan's {limit} requests per minute; retry in {retry_after_secs} s")]
    RateLimited {
        name: String,
        limit: u32,
        retry_after_secs: u64,
    },
}

fn reason_suffix(reason: &Option<String>) -> String {
    reason.as_ref().map(|r| format!(": {r}")).unwrap_or_default()
}

impl TenantRefusal {
    /// The machine-readable reason clients branch on.
    pub fn reason(&self) -> &'static str {
        match self {
            Self::Suspended { .. } => "tenant_suspended",
            Self::Terminated { .. } => "tenant_terminated",
            Self::Quota(q) => q.reason(),
            Self::RateLimited { .. } => "rate_limited",
        }
    }
}

/// Epoch milliseconds of the start of the UTC calendar month holding `now_ms`.
pub fn month_start_ms(now_ms: i64) -> i64 {
    use chrono::{Datelike, TimeZone, Utc};
    let now = Utc.timestamp_millis_opt(now_ms).single().unwrap_or_default();
    Utc.with_ymd_and_hms(now.year(), now.month(), 1, 0, 0, 0)
        .single()
        .map_or(0, |t| t.timestamp_millis())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotas() {
        let q = Quotas::from_columns([Some(-1), None, Some(5), Some(i64::MAX)]);
        assert_eq!(
            (
                q.storage_bytes,
                q.learners,
                q.statements_per_month,
                q.requests_per_minute
            ),
            (Some(0), None, Some(5), Some(u32::MAX))
        );
        assert!(check_quota(QuotaKind::Learners, None, u64::MAX).is_ok());
        assert!(check_quota(QuotaKind::Learners, Some(2), 2).is_ok());
        let e = check_quota(QuotaKind::Learners, Some(2), 3).unwrap_err();
        assert_eq!(e.reason(), "quota_learners");
    }

    #[test]
    fn month_start() {
        // 2026-03-15T12:00:00Z → 2026-03-01T00:00:00Z
        assert_eq!(month_start_ms(1_773_576_000_000), 1_772_323_200_000);
        assert_eq!(month_start_ms(1_772_323_200_000), 1_772_323_200_000);
    }

    #[test]
    fn names() {
        assert!(PlanName::parse("gold-1").is_ok());
        assert!(PlanName::parse("").is_err());
        assert!(PlanName::parse("a b").is_err());
    }
}
