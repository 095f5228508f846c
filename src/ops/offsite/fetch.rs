//! Reading backups back from the bucket: the verification after an upload (and `backup
//! verify --target s3`), and the download that restores start from. A download lays the
//! backup out in a scratch folder exactly as a backup folder holds it, every object
//! checked against the manifest as it streams, so the whole-service and per-tenant
//! restores run the folder's code unchanged.

use std::path::Path;

use futures_util::StreamExt;

use super::{MANIFEST, backup_key, blob_object, find, record, s3_err};
use crate::blob::s3::S3Blobs;
use crate::ops::backup::{self, Manifest};
use crate::ops::restore::{self, FromBackup, RestoreError, Target, TenantRestored};
use crate::ops::verified::Verified;
use crate::store::Store;

/// An object of a backup that did not read back as the manifest says.
pub(super) struct Damage {
    pub key: String,
    /// The SHA-256 it should have.
    pub sha: String,
    pub problem: String,
}

/// Reads every object of backup `m` back from the bucket, hashing as it streams (a chunk
/// at a time between reads, so the async workers are never held long; the bytes are not
/// kept). Answers what is damaged; an error means the bucket could not be read at all.
pub(super) async fn check(s3: &S3Blobs, m: &Manifest) -> Result<Vec<Damage>, String> {
    let mut damage = Vec::new();
    let db_key = backup_key(&m.name, backup::database_file(&m.store));
    let problem = match s3.hash_object(&db_key, None).await {
        Ok((sha, size)) if sha == m.database_sha256 && size == m.database_bytes => None,
        Ok((sha, size)) => Some(format!(
            "database: SHA-256 {sha} ({size} bytes), manifest says {} ({} bytes)",
            m.database_sha256, m.database_bytes
        )),
        Err(e) => Some(format!("database: {e}")),
    };
    if let Some(problem) = problem {
        let sha = m.database_sha256.clone();
        damage.push(Damage {
            key: db_key,
            sha,
            problem,
        });
    }
    // Owned hashes, as in `put_files`.
    let found: Vec<Result<Option<Damage>, String>> = futures_util::stream::iter(m.blobs.clone())
        .map(|sha| async move { check_file(s3, &sha).await })
        .buffer_unordered(super::AT_ONCE)
        .collect()
        .await;
    for f in found {
        damage.extend(f?);
    }
    // Read back in any order; reported in one.
    damage.sort_by(|a, b| a.key.cmp(&b.key));
    Ok(damage)
}

/// Reads content file `sha` back: what is wrong with it, if anything.
async fn check_file(s3: &S3Blobs, sha: &str) -> Result<Option<Damage>, String> {
    let key = blob_object(sha)?;
    let problem = match s3.hash_object(&key, None).await {
        Ok((got, _)) if got == *sha => return Ok(None),
        Ok((got, _)) => format!("content file {sha}: SHA-256 is {got}"),
        Err(e) => format!("content file {sha}: {e}"),
    };
    Ok(Some(Damage {
        key,
        sha: sha.to_owned(),
        problem,
    }))
}

/// Reads every object of backup `m` back from the bucket and records the verification
/// there. Problems found are in the answer; an error means none could be recorded.
pub async fn verify(s3: &S3Blobs, m: &Manifest) -> Result<Verified, String> {
    let damage = check(s3, m).await?;
    let checked = Verified::now(damage.into_iter().map(|d| d.problem).collect());
    record(s3, &m.name, &checked).await?;
    Ok(checked)
}

/// A backup from the bucket in a scratch folder, laid out as a backup folder; the folder
/// goes when this is dropped.
pub struct Downloaded {
    dir: tempfile::TempDir,
    pub manifest: Manifest,
}

impl Downloaded {
    /// The scratch folder, to use as the backup folder.
    pub fn backups(&self) -> &Path {
        self.dir.path()
    }
}

/// Downloads backup `name` (the newest when `None`) into `scratch`: its database copy and
/// content files, each checked against the manifest, then the manifest.
pub async fn download(
    s3: &S3Blobs,
    name: Option<&str>,
    scratch: tempfile::TempDir,
) -> Result<Downloaded, RestoreError> {
    let m = find(s3, name).await?.ok_or_else(|| {
        RestoreError::NotFound(match name {
            Some(n) => s3_err(s3, format!("no backup named {n}")),
            None => s3_err(s3, "no backup"),
        })
    })?;
    let dir = scratch.path().join(&m.name);
    std::fs::create_dir_all(&dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
    let db = backup::database_file(&m.store);
    fetch(s3, &backup_key(&m.name, db), &dir.join(db), &m.database_sha256).await?;
    let root = backup::files_root(scratch.path());
    for sha in &m.blobs {
        let to = backup::blob_path(&root, sha);
        if let Some(parent) = to.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("creating {}: {e}", parent.display()))?;
        }
        fetch(s3, &blob_object(sha)?, &to, sha).await?;
    }
    // Written last, as in the folder: the scratch copy is a backup only once whole.
    let text = serde_json::to_vec_pretty(&m).map_err(|e| e.to_string())?;
    std::fs::write(dir.join(MANIFEST), text).map_err(|e| format!("writing the manifest: {e}"))?;
    Ok(Downloaded {
        dir: scratch,
        manifest: m,
    })
}

/// Downloads object `key` to `to`, which must have SHA-256 `sha`.
async fn fetch(s3: &S3Blobs, key: &str, to: &Path, sha: &str) -> Result<(), String> {
    let (got, _) = s3.hash_object(key, Some(to)).await.map_err(|e| s3_err(s3, e))?;
    if got == sha {
        Ok(())
    } else {
        Err(s3_err(
            s3,
            format!("{key} is damaged: its SHA-256 is {got}, the manifest says {sha}"),
        ))
    }
}

/// Restores one tenant from a backup in the bucket, as `restore::run` does from the folder
/// (`from.backups` is the backup folder, where an in-place restore keeps its export; the
/// backup is downloaded into a scratch folder in `from.work`).
pub async fn restore_tenant(
    store: &dyn Store,
    blobs: &dyn crate::blob::BlobStore,
    s3: &S3Blobs,
    from: &FromBackup<'_>,
    into: Target,
) -> Result<TenantRestored, RestoreError> {
    let scratch = restore::scratch(from.work)?;
    let got = download(s3, from.name, scratch).await?;
    // The export kept goes beside the folder's backups, not into the scratch folder.
    let into = match into {
        Target::InPlace(None) => Target::InPlace(Some(backup::kept_export_path(
            from.backups,
            from.tenant,
            crate::clock::now_ms(),
        ))),
        other => other,
    };
    let local = FromBackup {
        backups: got.backups(),
        name: Some(&got.manifest.name),
        ..*from
    };
    let mut r = restore::run(store, blobs, &local, into).await?;
    r.target = "s3";
    Ok(r)
}
