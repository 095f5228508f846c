//! The tenant-scoped audit log: who did what, to what, when and from which address. Plain
//! values only (no HTTP, no SQL). What goes in never holds a secret or an e-mail address:
//! targets are ids and keys, details name fields, never their values.

use serde::Serialize;
use serde_json::Value;

/// Who acted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Actor {
    /// `credential` (an admin API key), `cli` (an operator at the command line) or
    /// `learner` (a launch, for concurrent-launch decisions).
    pub kind: String,
    /// The credential key, the operating-system user, or the learner id.
    pub id: String,
}

impl Actor {
    pub fn credential(key: &str) -> Self {
        Self {
            kind: "credential".into(),
            id: key.into(),
        }
    }

    /// The operator at the command line, named by the operating-system user.
    pub fn cli() -> Self {
        let user = std::env::var("USER")
            .or_else(|_| std::env::var("USERNAME"))
            .unwrap_or_else(|_| "unknown".into());
        Self {
            kind: "cli".into(),
            id: user,
        }
    }

    /// An admin account (by id: its login may be an e-mail address).
    pub fn account(id: &str) -> Self {
        Self {
            kind: "account".into(),
            id: id.into(),
        }
    }

    /// The holder of the `--operator-token` break-glass token.
    pub fn operator_token() -> Self {
        Self {
            kind: "operator-token".into(),
            id: "operator".into(),
        }
    }

    pub fn learner(id: &str) -> Self {
        Self {
            kind: "learner".into(),
            id: id.into(),
        }
    }
}

/// What was done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    PackageImported,
    PackageDeleted,
    LearnerCreated,
    LearnerUpdated,
    LearnerDeleted,
    RegistrationCreated,
    LaunchIssued,
    CredentialCreated,
    CredentialRevoked,
    TenantSettingsChanged,
    /// A second browser launched while another session of the learner was active, and the
    /// tenant allows it.
    ConcurrentLaunchAllowed,
    /// A second launch refused by the tenant's policy.
    ConcurrentLaunchRefused,
    /// A newer launch ended the learner's other active session(s).
    LaunchEndedByNewer,
    TenantCreated,
    TenantPlanChanged,
    TenantSuspended,
    TenantResumed,
    ResellerCreated,
    PlanCreated,
    AccountCreated,
    AccountDeleted,
    SignedIn,
    SignInFailed,
    /// Too many failed sign-ins: the account refuses sign-ins for a while.
    AccountLocked,
    SignedOut,
    PasswordChanged,
    ApiTokenCreated,
    ApiTokenRevoked,
    EndClientCreated,
    EndClientDeleted,
    /// A tenant's data restored from a backup (in place, or into a copy).
    TenantRestored,
    /// A notice posted to tenants (in the addressed tenant's log, or the service log).
    NoticePosted,
    /// An incident notice updated or resolved.
    NoticeUpdated,
    /// A tenant exported, then erased, from the web app (in the service log: the
    /// tenant's own log goes with its data).
    TenantTerminated,
    /// A course assigned to a learner or an end client (the learner portal).
    AssignmentCreated,
    AssignmentDeleted,
    /// A learner's portal password set by an admin (never the password).
    LearnerPasswordSet,
    /// A one-time portal invitation code made for a learner (never the code).
    LearnerInvited,
    /// A learner signed in to the portal (by password or invitation code).
    PortalSignedIn,
    /// A refused portal sign-in (wrong id or password, or a bad invitation code).
    PortalSignInFailed,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::PackageImported => "package.imported",
            Self::PackageDeleted => "package.deleted",
            Self::LearnerCreated => "learner.created",
            Self::LearnerUpdated => "learner.updated",
            Self::LearnerDeleted => "learner.deleted",
            Self::RegistrationCreated => "registration.created",
            Self::LaunchIssued => "launch.issued",
            Self::CredentialCreated => "credential.created",
            Self::CredentialRevoked => "credential.revoked",
            Self::TenantSettingsChanged => "tenant.settings_changed",
            Self::ConcurrentLaunchAllowed => "launch.concurrent_allowed",
            Self::ConcurrentLaunchRefused => "launch.concurrent_refused",
            Self::LaunchEndedByNewer => "launch.ended_by_newer",
            Self::TenantCreated => "tenant.created",
            Self::TenantPlanChanged => "tenant.plan_changed",
            Self::TenantSuspended => "tenant.suspended",
            Self::TenantResumed => "tenant.resumed",
            Self::ResellerCreated => "reseller.created",
            Self::PlanCreated => "plan.created",
            Self::AccountCreated => "account.created",
            Self::AccountDeleted => "account.deleted",
            Self::SignedIn => "account.signed_in",
            Self::SignInFailed => "account.sign_in_failed",
            Self::AccountLocked => "account.locked",
            Self::SignedOut => "account.signed_out",
            Self::PasswordChanged => "account.password_changed",
            Self::ApiTokenCreated => "api_token.created",
            Self::ApiTokenRevoked => "api_token.revoked",
            Self::EndClientCreated => "end_client.created",
            Self::EndClientDeleted => "end_client.deleted",
            Self::TenantRestored => "tenant.restored",
            Self::NoticePosted => "notice.posted",
            Self::NoticeUpdated => "notice.updated",
            Self::TenantTerminated => "tenant.terminated",
            Self::AssignmentCreated => "assignment.created",
            Self::AssignmentDeleted => "assignment.deleted",
            Self::LearnerPasswordSet => "learner.password_set",
            Self::LearnerInvited => "learner.invited",
            Self::PortalSignedIn => "portal.signed_in",
            Self::PortalSignInFailed => "portal.sign_in_failed",
        }
    }
}

/// The log of what concerns no one tenant (resellers, plans, operator and reseller
/// accounts): kept in the same table under this reserved tenant id, which no tenant has.
pub const SERVICE_LOG: crate::tenant::TenantId = crate::tenant::TenantId(0);

/// One entry to append.
#[derive(Debug, Clone)]
pub struct NewAuditEntry {
    pub at_ms: i64,
    pub actor: Actor,
    pub action: Action,
    /// What it was done to: `learner:ann`, `package:<id>`, `credential:<key>`…
    pub target: String,
    /// The client address (from the connection, or X-Forwarded-For behind a trusted proxy).
    pub address: Option<String>,
    /// A JSON object of further facts (ids, field names; never secrets or e-mails).
    pub detail: Value,
}

/// One stored entry.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditEntry {
    /// Orders entries within a tenant; pages continue after it.
    pub seq: i64,
    pub at_ms: i64,
    pub actor: Actor,
    pub action: String,
    pub target: String,
    pub address: Option<String>,
    pub detail: Value,
}

impl AuditEntry {
    /// The entry as the API and `kiroku audit --json` show it (time in RFC 3339).
    pub fn to_json(&self) -> Value {
        serde_json::json!({
            "seq": self.seq,
            "at": crate::clock::format_ms(self.at_ms),
            "actor": self.actor,
            "action": self.action,
            "target": self.target,
            "address": self.address,
            "detail": self.detail,
        })
    }
}

/// Which entries to read: from a time, after a sequence number, at most `limit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuditQuery {
    pub since_ms: Option<i64>,
    pub after_seq: Option<i64>,
    pub limit: u32,
}
