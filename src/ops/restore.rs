//! Restoring one tenant from a retained backup, the other tenants untouched: the backup's
//! database copy is opened as a store of its own in a scratch folder, the tenant's export
//! archive is written from it (content files read from the backup's file store) and read
//! back with the tenant importer. `restore_copy` imports it under a new name;
//! `restore_in_place` stages it as a suspended tenant and swaps it in (see there).
//! The scratch folder goes on success and failure alike.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::archive::{self, ArchiveReport};
use super::backup::{self, Manifest};
use crate::blob::{BlobStore, LocalBlobs};
use crate::store::sqlite::SqliteStore;
use crate::store::sqlite::snapshot::DATABASE_FILE;
use crate::store::{Store, TenantStore};
use crate::tenant::TenantStatus;

/// What a per-tenant restore did.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TenantRestored {
    /// The backup restored from.
    pub backup: String,
    /// The tenant's name in the backup.
    pub tenant: String,
    /// The tenant that now holds the backup's data.
    pub restored_as: String,
    /// `copy` or `in-place`.
    pub mode: &'static str,
    /// Rows restored per kind, as the archive counts them.
    pub counts: BTreeMap<String, u64>,
    /// In place: the export of the tenant's data as it was just before the restore.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kept_export: Option<PathBuf>,
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T, String> + Send + 'static) -> Result<T, String> {
    tokio::task::spawn_blocking(f).await.map_err(|e| e.to_string())?
}

/// A scratch folder inside `work` (the data folder's, so nothing lands on a small `/tmp`).
fn scratch(work: &Path) -> Result<tempfile::TempDir, String> {
    std::fs::create_dir_all(work).map_err(|e| format!("creating {}: {e}", work.display()))?;
    tempfile::Builder::new()
        .prefix("tenant-restore-")
        .tempdir_in(work)
        .map_err(|e| format!("a scratch folder in {}: {e}", work.display()))
}

/// Writes `tenant`'s export archive as it was in backup `name` (the newest when `None`)
/// to `scratch/tenant.zip`; returns the backup and the archive's path. The backup's
/// database copy is checked against its manifest first.
pub async fn export_from_backup(
    backups: &Path,
    name: Option<&str>,
    tenant: &str,
    scratch: &Path,
) -> Result<(Manifest, ArchiveReport, PathBuf), String> {
    let (dir, name) = (backups.to_owned(), name.map(str::to_owned));
    let m = blocking(move || {
        let m = backup::find(&dir, name.as_deref())?;
        backup::check_database(&dir, &m)?;
        Ok(m)
    })
    .await?;
    if let Some(listed) = &m.tenants
        && !listed.iter().any(|t| t.name == tenant)
    {
        return Err(format!("backup {} holds no tenant named {tenant:?}", m.name));
    }
    if m.store == "postgres" {
        return Err(format!(
            "backup {} is of a PostgreSQL store: restoring one tenant from it is not supported yet; \
             restore the whole backup into a new database (kiroku restore) and export the tenant from there",
            m.name
        ));
    }
    let copy_dir = scratch.join("backup");
    let (from, to) = (backup::database_path(backups, &m), copy_dir.join(DATABASE_FILE));
    let store = blocking(move || {
        std::fs::create_dir_all(&copy_dir).map_err(|e| format!("creating {}: {e}", copy_dir.display()))?;
        std::fs::copy(&from, &to).map_err(|e| format!("copying {}: {e}", from.display()))?;
        // Opening migrates the copy to this kiroku's schema; the backup itself is untouched.
        SqliteStore::open(&copy_dir).map_err(|e| format!("opening the backup's database: {e}"))
    })
    .await?;
    let files = LocalBlobs::open(&backup::files_root(backups)).map_err(|e| e.to_string())?;
    let t = store
        .tenant_by_name(tenant)
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("backup {} holds no tenant named {tenant:?}", m.name))?;
    if t.status == TenantStatus::Terminated {
        return Err(format!(
            "tenant {tenant:?} was already terminated when backup {} was taken",
            m.name
        ));
    }
    let out = scratch.join("tenant.zip");
    let report = archive::export(&store, &files, &t, &out)
        .await
        .map_err(|e| format!("exporting {tenant:?} from backup {}: {e}", m.name))?;
    Ok((m, report, out))
}

/// Restores `tenant` as it was in backup `name` into a new tenant `as_name`, beside the
/// tenant itself. The copy is created like an import: suspended while it fills, then
/// active; erased again if anything fails.
pub async fn restore_copy(
    store: &dyn Store,
    blobs: &dyn BlobStore,
    backups: &Path,
    name: Option<&str>,
    tenant: &str,
    as_name: &str,
    work: &Path,
) -> Result<TenantRestored, String> {
    crate::tenant::TenantName::parse(as_name)?;
    if store
        .tenant_by_name(as_name)
        .await
        .map_err(|e| e.to_string())?
        .is_some()
    {
        return Err(format!(
            "a tenant named {as_name:?} exists already; choose another name"
        ));
    }
    let dir = scratch(work)?;
    let (m, _, zip) = export_from_backup(backups, name, tenant, dir.path()).await?;
    let report = archive::import(store, blobs, &zip, Some(as_name), work)
        .await
        .map_err(|e| format!("importing {tenant:?} from backup {} as {as_name:?}: {e}", m.name))?;
    Ok(TenantRestored {
        backup: m.name,
        tenant: tenant.to_owned(),
        restored_as: report.tenant,
        mode: "copy",
        counts: report.counts,
        kept_export: None,
    })
}
