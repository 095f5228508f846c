//! Restoring one tenant from a retained backup, the other tenants untouched: the backup's
//! database copy is opened as a store of its own (SQLite: a copy in a scratch folder;
//! PostgreSQL: the dump restored into a scratch database on the live server), the tenant's export
//! archive is written from it (content files read from the backup's file store) and read
//! back with the tenant importer. `restore_copy` imports it under a new name;
//! `restore_in_place` keeps an export of the tenant as it is, stages the backup's data as
//! a suspended tenant and swaps it in, in one store transaction (see there).
//! The scratch folder goes on success and failure alike.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::archive::{self, ArchiveReport};
use super::backup::{self, Manifest, Source};
use crate::blob::{BlobStore, LocalBlobs};
use crate::store::Store;
use crate::store::archive::{RestoreSwap, TableCounts};
use crate::store::postgres::PgStore;
use crate::store::postgres::dump::ScratchDatabase;
use crate::store::sqlite::SqliteStore;
use crate::store::sqlite::snapshot::DATABASE_FILE;
use crate::store::tables::KEPT_ACROSS_RESTORE;
use crate::tenant::{Tenant, TenantStatus};

/// What a per-tenant restore did.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TenantRestored {
    /// The backup restored from.
    pub backup: String,
    /// Where the backup was: `folder` or `s3` (downloaded from the bucket first).
    pub target: &'static str,
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

/// Why a per-tenant restore did not happen (or did not finish: nothing then changed).
#[derive(Debug, thiserror::Error)]
pub enum RestoreError {
    /// A new name that is no tenant name.
    #[error("{0}")]
    Invalid(String),
    /// No such backup, or no such tenant (here, or in the backup).
    #[error("{0}")]
    NotFound(String),
    /// The new name is taken, the tenant is terminated, the export file exists, or the
    /// tenant's data changed while it was being restored.
    #[error("{0}")]
    Conflict(String),
    /// Anything else: a damaged backup, the file system, the database.
    #[error("{0}")]
    Failed(String),
}

impl From<String> for RestoreError {
    fn from(e: String) -> Self {
        Self::Failed(e)
    }
}

type Restored<T> = Result<T, RestoreError>;

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T, String> + Send + 'static) -> Result<T, String> {
    tokio::task::spawn_blocking(f).await.map_err(|e| e.to_string())?
}

/// A scratch folder inside `work` (the data folder's, so nothing lands on a small `/tmp`).
/// Named after the process, so that the leftovers of a killed one can be told apart.
pub fn scratch(work: &Path) -> Result<tempfile::TempDir, String> {
    scratch_in(work, SCRATCH)
}

/// A scratch folder in `dir` named `PREFIX<pid>-…`; the leftovers of killed processes
/// with the same prefix go first.
pub fn scratch_in(dir: &Path, prefix: &str) -> Result<tempfile::TempDir, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
    remove_dead_scratch(dir, prefix);
    tempfile::Builder::new()
        .prefix(&format!("{prefix}{}-", std::process::id()))
        .tempdir_in(dir)
        .map_err(|e| format!("a scratch folder in {}: {e}", dir.display()))
}

const SCRATCH: &str = "tenant-restore-";

/// Removes the scratch folders of restores whose process is gone (killed: a folder holds a
/// copy of a backup's database). Where `/proc` does not tell which processes run, none.
fn remove_dead_scratch(work: &Path, prefix: &str) {
    let proc = Path::new("/proc");
    let (true, Ok(entries)) = (proc.join("self").exists(), std::fs::read_dir(work)) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let pid = name.strip_prefix(prefix).and_then(|rest| rest.split('-').next());
        if let Some(pid) = pid.filter(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
            && !proc.join(pid).exists()
        {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

/// Where a per-tenant restore reads from.
#[derive(Debug, Clone, Copy)]
pub struct FromBackup<'a> {
    /// The backup folder.
    pub backups: &'a Path,
    /// The backup's name (the newest when `None`).
    pub name: Option<&'a str>,
    /// The tenant's name in the backup.
    pub tenant: &'a str,
    /// The live store: a PostgreSQL backup is read through a scratch database made on
    /// its server.
    pub database: &'a Source,
    /// The data folder's work folder, for the scratch folder.
    pub work: &'a Path,
}

/// Writes the tenant's export archive as it was in the backup to `scratch/tenant.zip`;
/// returns the backup and the archive's path. The backup's database copy is checked
/// against its manifest first, then opened as a store of its own: a SQLite copy in the
/// scratch folder, a dump restored into a scratch database (dropped again whatever
/// happens).
pub async fn export_from_backup(from: &FromBackup<'_>, scratch: &Path) -> Restored<(Manifest, ArchiveReport, PathBuf)> {
    let (dir, name) = (from.backups.to_owned(), from.name.map(str::to_owned));
    let m = blocking(move || backup::find(&dir, name.as_deref()))
        .await
        .map_err(RestoreError::NotFound)?;
    let dir = from.backups.to_owned();
    let checked = m.clone();
    blocking(move || backup::check_database(&dir, &checked)).await?;
    let tenant = from.tenant;
    if let Some(listed) = &m.tenants
        && !listed.iter().any(|t| t.name == tenant)
    {
        let why = format!("backup {} holds no tenant named {tenant:?}", m.name);
        return Err(RestoreError::NotFound(why));
    }
    let copy = backup::database_path(from.backups, &m);
    let (store, database): (Box<dyn Store>, Option<ScratchDatabase>) = if m.store == "postgres" {
        let Source::Postgres(url) = from.database else {
            return Err(RestoreError::Failed(format!(
                "backup {} is of a PostgreSQL store: restore its tenants with --database-url",
                m.name
            )));
        };
        let db = ScratchDatabase::from_dump(url, &copy).await?;
        match PgStore::connect(&db.url).await {
            Ok(store) => (Box::new(store), Some(db)),
            Err(e) => {
                let _ = db.drop_now().await;
                return Err(RestoreError::Failed(format!("opening the backup's database: {e}")));
            }
        }
    } else {
        let copy_dir = scratch.join("backup");
        let to = copy_dir.join(DATABASE_FILE);
        let store = blocking(move || {
            std::fs::create_dir_all(&copy_dir).map_err(|e| format!("creating {}: {e}", copy_dir.display()))?;
            std::fs::copy(&copy, &to).map_err(|e| format!("copying {}: {e}", copy.display()))?;
            // Opening migrates the copy to this kiroku's schema; the backup is untouched.
            SqliteStore::open(&copy_dir).map_err(|e| format!("opening the backup's database: {e}"))
        })
        .await?;
        (Box::new(store), None)
    };
    let out = scratch.join("tenant.zip");
    let exported = export_tenant(store.as_ref(), from.backups, &m, tenant, &out).await;
    drop(store);
    if let Some(db) = database {
        db.drop_now()
            .await
            .map_err(|e| format!("dropping the scratch database: {e}"))?;
    }
    Ok((m, exported?, out))
}

async fn export_tenant(
    store: &dyn Store,
    backups: &Path,
    m: &Manifest,
    tenant: &str,
    out: &Path,
) -> Restored<ArchiveReport> {
    let files = LocalBlobs::open(&backup::files_root(backups)).map_err(|e| e.to_string())?;
    let t = store
        .tenant_by_name(tenant)
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| RestoreError::NotFound(format!("backup {} holds no tenant named {tenant:?}", m.name)))?;
    if t.status == TenantStatus::Terminated {
        return Err(RestoreError::Conflict(format!(
            "tenant {tenant:?} was already terminated when backup {} was taken",
            m.name
        )));
    }
    let exported = archive::export(store, &files, &t, out).await;
    Ok(exported.map_err(|e| format!("exporting {tenant:?} from backup {}: {e}", m.name))?)
}

/// Into which tenant a restore goes.
#[derive(Debug, Clone)]
pub enum Target {
    /// A new tenant of this name, beside the tenant itself.
    Copy(String),
    /// The tenant itself, after its current data is exported to this file (default:
    /// `backup::kept_export_path`).
    InPlace(Option<PathBuf>),
}

/// Restores the tenant as the CLI and the operator API ask.
pub async fn run(
    store: &dyn Store,
    blobs: &dyn BlobStore,
    from: &FromBackup<'_>,
    into: Target,
) -> Restored<TenantRestored> {
    match into {
        Target::Copy(name) => restore_copy(store, blobs, from, &name).await,
        Target::InPlace(export) => {
            let keep =
                export.unwrap_or_else(|| backup::kept_export_path(from.backups, from.tenant, crate::clock::now_ms()));
            restore_in_place(store, blobs, from, &keep).await
        }
    }
}

impl TenantRestored {
    /// The audit entry's target and detail (in the log of the tenant that received the
    /// data): the backup, where from, how, what, and the export kept.
    pub fn audit(&self) -> (String, serde_json::Value) {
        let detail = serde_json::json!({ "backup": self.backup, "target": self.target, "from": self.tenant, "mode": self.mode,
                                         "counts": self.counts, "keptExport": self.kept_export });
        (format!("tenant:{}", self.restored_as), detail)
    }
}

/// Restores `tenant` as it was in backup `name` into a new tenant `as_name`, beside the
/// tenant itself. The copy is created like an import: suspended while it fills, then
/// active; erased again if anything fails.
pub async fn restore_copy(
    store: &dyn Store,
    blobs: &dyn BlobStore,
    from: &FromBackup<'_>,
    as_name: &str,
) -> Restored<TenantRestored> {
    let (tenant, work) = (from.tenant, from.work);
    crate::tenant::TenantName::parse(as_name).map_err(RestoreError::Invalid)?;
    if store
        .tenant_by_name(as_name)
        .await
        .map_err(|e| e.to_string())?
        .is_some()
    {
        return Err(RestoreError::Conflict(format!(
            "a tenant named {as_name:?} exists already; choose another name"
        )));
    }
    let dir = scratch(work)?;
    let (m, _, zip) = export_from_backup(from, dir.path()).await?;
    let report = archive::import(store, blobs, &zip, Some(as_name), work)
        .await
        .map_err(|e| format!("importing {tenant:?} from backup {} as {as_name:?}: {e}", m.name))?;
    Ok(TenantRestored {
        backup: m.name,
        target: "folder",
        tenant: tenant.to_owned(),
        restored_as: report.tenant,
        mode: "copy",
        counts: report.counts,
        kept_export: None,
    })
}

/// Restores `tenant`'s data as it was in backup `name`, in place. The tenant is suspended
/// for the while (its requests answer 403 `tenant_suspended`; other tenants go on), its
/// data as it is now is exported to `keep_export` and verified, the backup's data is
/// imported as a suspended staging tenant, and `ArchiveStore::swap_in_restored` puts the
/// staging rows under the tenant's name in one transaction, keeping its credentials,
/// accounts and audit log (`tables::KEPT_ACROSS_RESTORE`) and its status from before.
/// On any failure the staging tenant is erased and the status put back; the tenant's
/// data is then as it was.
pub async fn restore_in_place(
    store: &dyn Store,
    blobs: &dyn BlobStore,
    from: &FromBackup<'_>,
    keep_export: &Path,
) -> Restored<TenantRestored> {
    let (tenant, work) = (from.tenant, from.work);
    let live = store
        .tenant_by_name(tenant)
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| RestoreError::NotFound(format!("no tenant named {tenant:?}")))?;
    if live.status == TenantStatus::Terminated {
        return Err(RestoreError::Conflict(format!(
            "tenant {tenant:?} is terminated; restore it as a copy under a new name"
        )));
    }
    if live.status_reason.as_deref().is_some_and(|r| r.starts_with(RESTORING)) {
        return Err(RestoreError::Conflict(format!(
            "a restore of {tenant:?} is under way, or was interrupted: once none runs, \
             resume the tenant (its data is as it was) and restore again"
        )));
    }
    if keep_export.exists() {
        return Err(RestoreError::Conflict(format!(
            "{} exists already; the export of the tenant's current data needs a new file",
            keep_export.display()
        )));
    }
    remove_stale_staging(store, blobs, &live).await?;
    let dir = scratch(work)?;
    // The backup is read first: when it cannot be, nothing has changed.
    let (m, _, zip) = export_from_backup(from, dir.path()).await?;
    let (before, reason) = (live.status, live.status_reason.clone());
    let why = format!("{RESTORING} {}", m.name);
    store
        .set_tenant_status(live.id, TenantStatus::Suspended, Some(why))
        .await
        .map_err(|e| e.to_string())?;
    let result = swap_in(store, blobs, &live, &m, &zip, keep_export, work).await;
    if result.is_err() {
        let _ = store.set_tenant_status(live.id, before, reason).await;
    }
    result
}

async fn swap_in(
    store: &dyn Store,
    blobs: &dyn BlobStore,
    live: &Tenant,
    m: &Manifest,
    zip: &Path,
    keep_export: &Path,
    work: &Path,
) -> Restored<TenantRestored> {
    if let Some(parent) = keep_export.parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("creating {}: {e}", parent.display()))?;
    }
    archive::export(store, blobs, live, keep_export)
        .await
        .map_err(|e| format!("exporting {}'s current data: {e}", live.name))?;
    let kept = keep_export.to_owned();
    blocking(move || archive::verify_file(&kept).map(|_| ()).map_err(|e| e.to_string())).await?;
    let expect_rows: TableCounts = store
        .tenant_rows(live.id)
        .await
        .map_err(|e| e.to_string())?
        .into_iter()
        .filter(|(table, _)| !KEPT_ACROSS_RESTORE.contains(&table.as_str()))
        .collect();
    let staging_name = format!("{}{}", staging_prefix(live), crate::clock::now_ms());
    let (report, staging) = archive::import_as(store, blobs, zip, Some(&staging_name), work, false)
        .await
        .map_err(|e| format!("importing {} from backup {}: {e}", live.name, m.name))?;
    let swap = RestoreSwap {
        live: live.id,
        staging: staging.id,
        status: live.status,
        status_reason: live.status_reason.clone(),
        expect_rows,
        package_ids: report
            .package_ids
            .clone()
            .into_iter()
            .map(|(original, new)| (new, original))
            .collect(),
    };
    let erased = match store.swap_in_restored(swap).await {
        Ok(erased) => erased,
        Err(e) => {
            let gone = store.erase_tenant(staging.id, false).await.map_err(|e| e.to_string())?;
            delete_unused(store, blobs, &gone.orphan_blobs).await?;
            let why = format!("swapping the restored data in: {e}; {} is unchanged", live.name);
            return Err(match e {
                crate::store::StoreError::Stale => RestoreError::Conflict(why),
                _ => RestoreError::Failed(why),
            });
        }
    };
    // The restore is done: files left behind are logged, not a failure.
    if let Err(e) = delete_unused(store, blobs, &erased.orphan_blobs).await {
        tracing::warn!(tenant.name = %live.name, error = %e, "content files the restore replaced were not all deleted");
    }
    Ok(TenantRestored {
        backup: m.name.clone(),
        target: "folder",
        tenant: live.name.to_string(),
        restored_as: live.name.to_string(),
        mode: "in-place",
        counts: report.counts,
        kept_export: Some(keep_export.to_owned()),
    })
}

/// How the suspension of a tenant being restored in place starts.
const RESTORING: &str = "being restored from backup";

/// The name of a staging tenant of `live` starts with this: hidden (a leading dot) and
/// naming the tenant's id, so a restore run again after a crash finds its leftovers.
fn staging_prefix(live: &Tenant) -> String {
    format!(".restore-{}-", live.id.0)
}

/// Erases what an interrupted in-place restore of `live` left: suspended staging tenants.
async fn remove_stale_staging(store: &dyn Store, blobs: &dyn BlobStore, live: &Tenant) -> Result<(), String> {
    let prefix = staging_prefix(live);
    for t in store.list_tenants().await.map_err(|e| e.to_string())? {
        if t.name.as_str().starts_with(&prefix) && t.status == TenantStatus::Suspended {
            let gone = store.erase_tenant(t.id, false).await.map_err(|e| e.to_string())?;
            delete_unused(store, blobs, &gone.orphan_blobs).await?;
        }
    }
    Ok(())
}

/// Deletes the content files no package uses any more.
async fn delete_unused(store: &dyn Store, blobs: &dyn BlobStore, hashes: &[String]) -> Result<(), String> {
    for h in hashes {
        if !store.blob_in_use(h).await.map_err(|e| e.to_string())? {
            blobs.delete(h).await.map_err(|e| e.to_string())?;
        }
    }
    Ok(())
}
