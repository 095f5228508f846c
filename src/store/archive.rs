//! What the tenant export, import, termination and erasure need from a store: whole-tenant
//! reads (statements in pages), restores that keep ids and times, and erasure with counts.

use std::collections::BTreeMap;
use std::sync::Arc;

use async_trait::async_trait;

use super::{Attachment, AttemptRecord, PackageFile, StoreResult};
use crate::audit::AuditEntry;
use crate::learner::{Learner, Registration};
use crate::lrs::statement::IndexTerm;
use crate::tenant::TenantId;

/// A statement row as the archive carries it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ArchivedStatement {
    pub id: String,
    /// Epoch milliseconds.
    pub stored_ms: i64,
    /// The key of the credential it came in under.
    pub credential: String,
    pub voided: bool,
    pub voiding: bool,
    /// Whether its credential could define activities.
    pub defines: bool,
    /// The content digest for conflict checks, lowercase hex.
    pub digest: String,
    /// The stored JSON, exactly as served.
    pub body: String,
}

/// A statement to restore, with the index terms recomputed from its body.
#[derive(Debug, Clone)]
pub struct RestoredStatement {
    pub row: ArchivedStatement,
    pub terms: Vec<IndexTerm>,
    /// The statement a StatementRef points at (it inherits that statement's terms).
    pub refers_to: Option<String>,
}

/// A State, Activity Profile or Agent Profile document with its key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchivedDocument {
    /// `state`, `activity_profile` or `agent_profile`.
    pub kind: String,
    pub activity: String,
    /// The agent's identifying key (`account:[…]`, `mbox:…`), empty when unused.
    pub agent: String,
    pub registration: String,
    pub doc_id: String,
    pub content_type: String,
    pub content: Vec<u8>,
    pub etag: String,
    pub updated_ms: i64,
}

/// What a registration keeps across its SCOs.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RegistrationStateRow {
    pub registration: String,
    pub data: String,
    pub updated_ms: i64,
}

/// Rows of one kind put back by an import, with their original ids and times.
#[derive(Debug, Clone)]
pub enum Restore {
    Statements(Vec<RestoredStatement>),
    Attachments(Vec<Attachment>),
    Documents(Vec<ArchivedDocument>),
    EndClients(Vec<crate::account::EndClient>),
    Learners(Vec<Learner>),
    Registrations(Vec<Registration>),
    Attempts(Vec<AttemptRecord>),
    RegistrationStates(Vec<RegistrationStateRow>),
    /// Courses assigned to learners or end clients (the learner portal).
    Assignments(Vec<crate::portal::Assignment>),
    /// When package versions were created (an import creates them anew, now); each
    /// package's own time becomes its first version's.
    VersionTimes(Vec<VersionTime>),
    /// Audit-log entries, oldest first: they keep their times and get new sequence
    /// numbers in the same order (`migrate-store`; a tenant archive carries no audit log).
    Audit(Vec<AuditEntry>),
}

/// When a package version was created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionTime {
    pub package_id: String,
    pub version: u32,
    pub created_ms: i64,
}

/// Rows per table (`statements`, `terms`, `documents`, …).
pub type TableCounts = BTreeMap<String, u64>;

/// What erasing a tenant removed.
#[derive(Debug, Clone, Default)]
pub struct Erased {
    pub rows: TableCounts,
    /// Content hashes no package of any other tenant uses, for the caller to delete.
    pub orphan_blobs: Vec<String>,
}

/// How a tenant filled from a backup takes the place of the tenant it restores.
#[derive(Debug, Clone)]
pub struct RestoreSwap {
    /// The tenant whose data is replaced; its id goes, its name stays.
    pub live: TenantId,
    /// The suspended tenant an import has just filled with the backup's data.
    pub staging: TenantId,
    /// The status (and its reason) the tenant has afterwards.
    pub status: crate::tenant::TenantStatus,
    pub status_reason: Option<String>,
    /// The live tenant's rows in the replaced tables (`tables::restored_tables`) when its
    /// data was exported: the swap refuses (`Stale`) when they differ, so the export kept
    /// before a restore holds everything the restore replaced.
    pub expect_rows: TableCounts,
    /// Packages of the staging tenant given back the ids they had in the backup: (the id
    /// the import gave it, the original). The tenant's old packages are gone by then.
    pub package_ids: Vec<(String, String)>,
}

/// Rewrites a stored statement body so an erased agent no longer appears in it; `None`
/// when the body does not name the agent.
pub type Anonymise = Arc<dyn Fn(&str) -> Option<String> + Send + Sync>;

/// The learner an erasure is for.
#[derive(Clone)]
pub struct LearnerErasure {
    pub learner: String,
    /// The learner's agent key (`lrs::agent::ifi_key`).
    pub agent_key: String,
    /// The index terms that name the agent as actor or object (deleted) and elsewhere
    /// (anonymised).
    pub direct: IndexTerm,
    pub related: IndexTerm,
    pub anonymise: Anonymise,
}

#[async_trait]
pub trait ArchiveStore: Send + Sync {
    /// Up to `limit` statements with a sequence number above `after`, in stored order, with
    /// their sequence numbers.
    async fn statements_after(
        &self,
        tenant: TenantId,
        after: i64,
        limit: u32,
    ) -> StoreResult<Vec<(i64, ArchivedStatement)>>;
    /// Up to `limit` attachments with a hash above `after`, by hash.
    async fn attachments_after(&self, tenant: TenantId, after: &str, limit: u32) -> StoreResult<Vec<Attachment>>;
    async fn all_documents(&self, tenant: TenantId) -> StoreResult<Vec<ArchivedDocument>>;
    async fn all_attempts(&self, tenant: TenantId) -> StoreResult<Vec<AttemptRecord>>;
    async fn all_registration_states(&self, tenant: TenantId) -> StoreResult<Vec<RegistrationStateRow>>;
    /// The files of one package version, by path.
    async fn version_files(&self, tenant: TenantId, package_id: &str, version: u32) -> StoreResult<Vec<PackageFile>>;
    /// Inserts rows of an import (one transaction per call).
    async fn restore(&self, tenant: TenantId, rows: Restore) -> StoreResult<()>;
    /// Rows the tenant holds in every table (the tenant row itself excluded).
    async fn tenant_rows(&self, tenant: TenantId) -> StoreResult<TableCounts>;
    /// Deletes every row of the tenant in one transaction. With `tombstone` the tenant
    /// row stays, `terminated`, keeping its name reserved; otherwise it goes too.
    async fn erase_tenant(&self, tenant: TenantId, tombstone: bool) -> StoreResult<Erased>;
    /// In one transaction: the live tenant's kept rows (`tables::KEPT_ACROSS_RESTORE`:
    /// credentials, accounts, audit log…) move to the staging tenant, the live tenant's
    /// other rows and its tenant row are deleted, and the staging tenant takes its name,
    /// plan, reseller and creation time, with `status`. Readers see the old tenant or the
    /// restored one, never a mix. Returns what was deleted, with the content files no other
    /// tenant uses.
    async fn swap_in_restored(&self, swap: RestoreSwap) -> StoreResult<Erased>;
    /// Erases one learner's personal data in one transaction; counts per table (404 when
    /// there is no such learner).
    async fn erase_learner(&self, tenant: TenantId, erasure: LearnerErasure) -> StoreResult<TableCounts>;
    /// Deletes the statements stored before `cutoff_ms`; how many went.
    async fn delete_statements_before(&self, tenant: TenantId, cutoff_ms: i64) -> StoreResult<u64>;
}

/// Bytes as lowercase hex.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// Lowercase or uppercase hex as bytes; `None` when it is not hex.
pub fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}
