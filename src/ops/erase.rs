//! Erasure: terminating a tenant (export, verify, erase every row and unshared content
//! file, prove nothing remains) and erasing one learner's personal data.

use std::path::Path;
use std::sync::Arc;

use serde::Serialize;
use serde_json::json;

use super::archive::{self, ArchiveError};
use crate::blob::BlobStore;
use crate::lrs::agent::{anonymise, ifi_key};
use crate::lrs::statement::{IndexTerm, TermKind};
use crate::store::Store;
use crate::store::archive::{LearnerErasure, TableCounts};
use crate::tenant::{Tenant, TenantStatus};

/// What `tenant terminate` did.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TerminateReport {
    pub tenant: String,
    pub archive: String,
    pub archive_bytes: u64,
    /// Rows removed per table.
    pub removed: TableCounts,
    pub files_removed: u64,
    /// Rows left per table after the erasure: all zero.
    pub remaining: TableCounts,
}

/// Exports the tenant to `out`, verifies the archive, then erases every row of the tenant
/// (the tenant row stays as a `terminated` tombstone, keeping the name reserved) and every
/// content file no other tenant uses. Fails, erasing nothing, if the export fails.
///
/// Each step is safe to cut short (`kill -9`) and run again: the archive is renamed into
/// place only when complete, the rows go in one store transaction, and a run on a
/// tenant already terminated finishes what is left (its content files) from the archive.
pub async fn terminate(
    store: &dyn Store,
    blobs: &dyn BlobStore,
    tenant: &Tenant,
    out: &Path,
) -> Result<TerminateReport, ArchiveError> {
    if tenant.status == TenantStatus::Terminated {
        return finish_terminated(store, blobs, tenant, out).await;
    }
    let exported = archive::export(store, blobs, tenant, out).await?;
    let manifest = archive::verify_file(out)?;
    if manifest.counts != exported.counts {
        return Err(ArchiveError::Invalid("the written archive does not read back".into()));
    }
    let erased = store.erase_tenant(tenant.id, true).await?;
    let files_removed = remove_unused(store, blobs, &erased.orphan_blobs).await?;
    let remaining = no_rows_left(store, tenant).await?;
    tracing::info!(tenant.id = %tenant.id, files_removed, "tenant terminated");
    Ok(TerminateReport {
        tenant: tenant.name.to_string(),
        archive: out.display().to_string(),
        archive_bytes: exported.bytes,
        removed: erased.rows,
        files_removed,
        remaining,
    })
}

/// The end of a termination that was cut short after its erasure: the rows are gone and
/// the archive written first names the content files the tenant had; those no other
/// tenant uses are removed now. The archive is never written again: an export of the
/// tombstone would replace the tenant's data with nothing.
async fn finish_terminated(
    store: &dyn Store,
    blobs: &dyn BlobStore,
    tenant: &Tenant,
    out: &Path,
) -> Result<TerminateReport, ArchiveError> {
    let name = tenant.name.as_str();
    let manifest = archive::verify_file(out).map_err(|e| {
        ArchiveError::Invalid(format!(
            "tenant {name} is already terminated and {} is not its archive ({e}); give the archive \
             its termination wrote, which is never overwritten",
            out.display()
        ))
    })?;
    if manifest.tenant.name != name {
        return Err(ArchiveError::Invalid(format!(
            "{} is the archive of tenant {}, not of {name}",
            out.display(),
            manifest.tenant.name
        )));
    }
    let files: Vec<String> = manifest
        .members
        .keys()
        .filter_map(|m| m.strip_prefix("files/"))
        .map(str::to_owned)
        .collect();
    let files_removed = remove_unused(store, blobs, &files).await?;
    let remaining = no_rows_left(store, tenant).await?;
    tracing::info!(tenant.id = %tenant.id, files_removed, "tenant termination finished");
    Ok(TerminateReport {
        tenant: name.to_owned(),
        archive: out.display().to_string(),
        archive_bytes: std::fs::metadata(out).map(|m| m.len()).unwrap_or(0),
        removed: TableCounts::new(),
        files_removed,
        remaining,
    })
}

/// Removes those of `files` that no package uses (any more); returns how many went.
async fn remove_unused(store: &dyn Store, blobs: &dyn BlobStore, files: &[String]) -> Result<u64, ArchiveError> {
    let mut removed = 0;
    for h in files {
        // A package uploaded meanwhile by another tenant may share the file again.
        if !store.blob_in_use(h).await? && blobs.exists(h).await? {
            blobs.delete(h).await?;
            removed += 1;
        }
    }
    Ok(removed)
}

/// The tenant's rows per table, all zero, or the error that some remain.
async fn no_rows_left(store: &dyn Store, tenant: &Tenant) -> Result<TableCounts, ArchiveError> {
    let remaining = store.tenant_rows(tenant.id).await?;
    if remaining.values().any(|n| *n > 0) {
        return Err(ArchiveError::Io(format!(
            "rows remain after the erasure: {remaining:?}"
        )));
    }
    Ok(remaining)
}

/// Erases a learner: statements with the learner's agent as actor or object (and those
/// pointing at them), their State and Agent Profile documents, attempts, registrations,
/// registration state and the learner record; the agent is replaced by an anonymous
/// account wherever else a statement names it. Returns rows per table.
pub async fn erase_learner(
    store: &dyn Store,
    public_url: &str,
    tenant: &Tenant,
    learner: &str,
) -> Result<TableCounts, crate::store::StoreError> {
    let home = crate::learner::home_page(public_url, tenant.name.as_str());
    let agent = json!({ "account": { "homePage": home, "name": learner } });
    let key = ifi_key(&agent).unwrap_or_default();
    let replacement = json!({
        "objectType": "Agent",
        "account": { "homePage": home, "name": format!("erased-{}", crate::id::new_uuid()) },
    });
    let anon_key = key.clone();
    let erasure = LearnerErasure {
        learner: learner.to_owned(),
        agent_key: key.clone(),
        direct: IndexTerm {
            kind: TermKind::Agent,
            value: key.clone(),
        },
        related: IndexTerm {
            kind: TermKind::RelatedAgent,
            value: key,
        },
        anonymise: Arc::new(move |body| anonymise(body, &anon_key, &replacement)),
    };
    let counts = store.erase_learner(tenant.id, erasure).await?;
    tracing::info!(tenant.id = %tenant.id, "learner erased");
    Ok(counts)
}
