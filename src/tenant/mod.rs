//! Tenants and their LRS credentials: the domain types, with no storage or HTTP.

pub(crate) mod credential;
pub mod plan;
mod scope;
pub mod settings;

pub use credential::{
    Credential, IssuedCredential, NewCredential, check_label, constant_time_eq, digest_secret, issue,
};
pub use plan::{Plan, PlanName, QuotaExceeded, QuotaKind, Quotas, TenantRefusal, Usage};
pub use scope::{Access, Scope, ScopeSet};

use serde::{Deserialize, Serialize};
use std::fmt;

use crate::lrs::XapiVersion;

/// A tenant's numeric id. Every store call that touches tenant data takes one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct TenantId(pub i64);

impl fmt::Display for TenantId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// The rule for names people choose (tenants, plans): 1–64 characters of `[A-Za-z0-9._-]`.
pub(crate) fn check_name(kind: &str, s: &str) -> Result<String, String> {
    let ok = !s.is_empty() && s.len() <= 64 && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b));
    if ok {
        Ok(s.to_owned())
    } else {
        Err(format!(
            "invalid {kind} name {s:?}: use 1-64 characters of letters, digits, '.', '_' or '-'"
        ))
    }
}

/// A tenant's unique, human-chosen name: 1–64 characters of `[A-Za-z0-9._-]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct TenantName(String);

impl TenantName {
    pub fn parse(s: &str) -> Result<Self, String> {
        check_name("tenant", s).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for TenantName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Whether a tenant may use the service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TenantStatus {
    Active,
    Suspended,
    Terminated,
}

impl TenantStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Suspended => "suspended",
            Self::Terminated => "terminated",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "active" => Some(Self::Active),
            "suspended" => Some(Self::Suspended),
            "terminated" => Some(Self::Terminated),
            _ => None,
        }
    }
}

/// A tenant as stored. JSON field names are camelCase, as everywhere in kiroku's output.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Tenant {
    pub id: TenantId,
    pub name: TenantName,
    pub status: TenantStatus,
    /// The xAPI version that answers requests sent without `X-Experience-API-Version`.
    pub xapi_version: XapiVersion,
    pub created_ms: i64,
    pub settings: TenantSettings,
    /// The plan whose quotas apply; none: unlimited.
    pub plan: Option<String>,
    /// The plan's quotas, read with the tenant.
    pub quotas: Quotas,
    /// Why the operator suspended the tenant (kept while suspended).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_reason: Option<String>,
    /// The reseller that sold the tenant its usage rights and manages it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reseller: Option<String>,
}

impl Tenant {
    /// `Ok` while the tenant may use the service; otherwise the refusal to answer with.
    pub fn admit(&self) -> Result<(), TenantRefusal> {
        match self.status {
            TenantStatus::Active => Ok(()),
            TenantStatus::Suspended => Err(TenantRefusal::Suspended {
                name: self.name.to_string(),
                reason: self.status_reason.clone(),
            }),
            TenantStatus::Terminated => Err(TenantRefusal::Terminated {
                name: self.name.to_string(),
            }),
        }
    }
}

/// Per-tenant options an operator may change.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct TenantSettings {
    /// SCORM 1.2 `cmi.suspend_data` keeps the standard's 4,096 characters instead of
    /// the 64,000 real content needs.
    pub strict_scorm12_suspend_data: bool,
    /// Days statements are kept after they were stored; `None` keeps them forever.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub statement_retention_days: Option<u32>,
    /// What a second browser launching with a learner ID already in use gets.
    pub concurrent_launches: crate::launch::ConcurrentLaunches,
    /// Minutes a cmi5 session may stay without a statement before it is abandoned;
    /// `None` leaves it open until a new launch of its AU.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cmi5_session_timeout_minutes: Option<u32>,
}

impl TenantSettings {
    /// The stored time before which statements are deleted, if the tenant has a
    /// retention period.
    pub fn cmi5_session_timeout_ms(&self) -> Option<i64> {
        self.cmi5_session_timeout_minutes.map(|m| i64::from(m) * 60_000)
    }

    pub fn retention_cutoff_ms(&self, now_ms: i64) -> Option<i64> {
        self.statement_retention_days
            .map(|d| now_ms - i64::from(d) * 86_400_000)
    }
}

/// What `tenant create` asks for.
#[derive(Debug, Clone)]
pub struct NewTenant {
    pub name: TenantName,
    pub xapi_version: XapiVersion,
    /// The reseller it belongs to (which must exist).
    pub reseller: Option<String>,
}

impl NewTenant {
    /// The tenant as created with `id`: active, default settings, no plan.
    pub fn created(self, id: TenantId, now_ms: i64) -> Tenant {
        Tenant {
            id,
            name: self.name,
            status: TenantStatus::Active,
            xapi_version: self.xapi_version,
            created_ms: now_ms,
            settings: TenantSettings::default(),
            plan: None,
            quotas: Quotas::default(),
            status_reason: None,
            reseller: self.reseller,
        }
    }
}
