//! An import from start to finish: intake into a private staging folder, then content
//! into blob storage, then one database transaction for the version. Whatever fails, the
//! staging folder goes, and blobs this import added that nothing uses are removed again,
//! so a refused or failed upload leaves storage as it was.

use std::path::Path;
use std::sync::Arc;

use super::intake::{Intake, intake};
use super::model::Course;
use super::{PackageError, PackageLimits};
use crate::blob::{BlobError, BlobStore};
use crate::lrs::LrsError;
use crate::store::{NewPackageVersion, PackageFile, PackageVersion, Store, StoreError};
use crate::tenant::TenantId;

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error(transparent)]
    Package(#[from] PackageError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Blob(#[from] BlobError),
    #[error("import failed: {0}")]
    Io(String),
}

/// A stored version with its course model.
#[derive(Debug)]
pub struct Imported {
    pub version: PackageVersion,
    pub course: Course,
}

/// Progress callback: bytes unpacked so far, bytes to unpack in all.
pub type ProgressFn = Arc<dyn Fn(u64, u64) + Send + Sync>;

/// Imports the zip at `zip` for `tenant`. `work_dir` holds staging folders; it must be on
/// the same file system as local blob storage so files move by rename.
pub async fn import_zip(
    store: &dyn Store,
    blobs: &dyn BlobStore,
    tenant: TenantId,
    zip: &Path,
    work_dir: &Path,
    limits: &PackageLimits,
    progress: ProgressFn,
) -> Result<Imported, ImportError> {
    std::fs::create_dir_all(work_dir).map_err(|e| ImportError::Io(e.to_string()))?;
    let staging = tempfile::Builder::new()
        .prefix("import-")
        .tempdir_in(work_dir)
        .map_err(|e| ImportError::Io(e.to_string()))?;
    let (zip, dir, limits) = (zip.to_owned(), staging.path().to_owned(), limits.clone());
    let unpacked: Intake = tokio::task::spawn_blocking(move || intake(&zip, &dir, &limits, &*progress))
        .await
        .map_err(|e| ImportError::Io(e.to_string()))??;
    let mut added = Vec::new();
    let result = store_version(store, blobs, tenant, &unpacked, &mut added).await;
    if result.is_err() {
        remove_unused(store, blobs, &added).await;
    }
    drop(staging);
    result.map(|version| Imported {
        version,
        course: unpacked.course,
    })
}

async fn store_version(
    store: &dyn Store,
    blobs: &dyn BlobStore,
    tenant: TenantId,
    unpacked: &Intake,
    added: &mut Vec<String>,
) -> Result<PackageVersion, ImportError> {
    for f in &unpacked.files {
        if blobs.put_file(&f.sha256, &f.staged).await? {
            added.push(f.sha256.clone());
        }
    }
    let course = &unpacked.course;
    let new = NewPackageVersion {
        identifier: course.identifier.clone(),
        kind: course.kind.as_str().to_owned(),
        edition: course.kind.edition().map(str::to_owned),
        title: course.title.clone(),
        course: serde_json::to_string(course).map_err(|e| ImportError::Io(e.to_string()))?,
        files: unpacked
            .files
            .iter()
            .map(|f| PackageFile {
                path: f.path.clone(),
                sha256: f.sha256.clone(),
                size: f.size,
            })
            .collect(),
    };
    let version = store.create_package_version(tenant, new).await?;
    // A package deleted meanwhile may have removed a blob this version reuses (it was
    // unused until the row above committed): put such blobs back from staging.
    for f in &unpacked.files {
        if !blobs.exists(&f.sha256).await? && f.staged.exists() {
            blobs.put_file(&f.sha256, &f.staged).await?;
        }
    }
    Ok(version)
}

/// Removes blobs this import added that no package uses (a failed import's leftovers).
async fn remove_unused(store: &dyn Store, blobs: &dyn BlobStore, added: &[String]) {
    for h in added {
        match store.blob_in_use(h).await {
            Ok(false) => {
                if let Err(e) = blobs.delete(h).await {
                    tracing::warn!(blob = %h, error = %e, "cannot remove an unused blob after a failed import");
                }
            }
            Ok(true) => {}
            Err(e) => tracing::warn!(blob = %h, error = %e, "cannot check a blob after a failed import"),
        }
    }
}

/// Deletes a package and the blobs no package uses any more (refused while registrations
/// use it, unless `force`).
pub async fn delete_package(
    store: &dyn Store,
    blobs: &dyn BlobStore,
    tenant: TenantId,
    package_id: &str,
    force: bool,
) -> Result<(), ImportError> {
    let orphans = store.delete_package(tenant, package_id, force).await?;
    for h in orphans {
        // An import may have started using it since the delete committed.
        if !store.blob_in_use(&h).await? {
            blobs.delete(&h).await?;
        }
    }
    Ok(())
}

/// Deletes one version of a package and the blobs no package uses any more; refused while
/// registrations use that version, and for a package's only version (delete the package).
pub async fn delete_version(
    store: &dyn Store,
    blobs: &dyn BlobStore,
    tenant: TenantId,
    package_id: &str,
    version: u32,
) -> Result<(), ImportError> {
    let orphans = store.delete_version(tenant, package_id, version).await?;
    for h in orphans {
        // An import may have started using it since the delete committed.
        if !store.blob_in_use(&h).await? {
            blobs.delete(&h).await?;
        }
    }
    Ok(())
}

/// Whether version `version` of `package` may be deleted, given how many versions the
/// package has and how many registrations use that version: the stores ask this inside
/// their transaction, so the rule is the same on both.
pub fn check_version_removal(package: &str, version: u32, versions: u64, registrations: u64) -> Result<(), LrsError> {
    if registrations > 0 {
        return Err(LrsError::Conflict(format!(
            "version {version} of package {package} has {registrations} registration(s): it stays while they use it"
        )));
    }
    if versions <= 1 {
        return Err(LrsError::Conflict(format!(
            "version {version} is the only version of package {package}: delete the package instead"
        )));
    }
    Ok(())
}
