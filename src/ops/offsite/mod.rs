//! Backups off the machine: a copy of each folder backup in S3-compatible object storage,
//! in a bucket of its own with credentials of its own (`--backup-s3-*`), through the same
//! S3 client as the content files (`blob::s3`).
//!
//! ```text
//! <prefix>blobs/ab/cdef…               content files, shared by backups
//! <prefix>backups/NAME/kiroku.db       the database copy (kiroku.pgdump on PostgreSQL)
//! <prefix>backups/NAME/manifest.json   written last: a backup exists only with its manifest
//! <prefix>backups/NAME/verified.json   its last read-back (`ops::verified`)
//! ```
//!
//! An upload puts the content files the bucket lacks and the database copy, then the
//! manifest, then reads every object of the backup back and records the verification.
//! Backups are listed by their manifests, so an interrupted upload is never taken for a
//! backup; the next upload deletes its objects, and retention (the folder's rule,
//! `backup::retained`) the content files no kept backup needs. Retention runs only after
//! a sound verification, so an upload that went wrong never costs an older backup. An
//! object found damaged by that verification is put back once from the folder.
//! Restores download a backup into a scratch folder in the folder layout and run the
//! folder's restore code on it (`fetch.rs`).

mod fetch;

use std::collections::BTreeSet;
use std::path::Path;

use futures_util::StreamExt;
use serde::Serialize;

use super::backup::{self, Manifest};
use super::verified::{self, Status, Verified};
use crate::blob::s3::{S3Blobs, blob_key};

pub use fetch::{Downloaded, download, restore_tenant, verify};

const BACKUPS: &str = "backups/";
const BLOBS: &str = "blobs/";
const MANIFEST: &str = "manifest.json";

/// The outcome of `upload`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Uploaded {
    pub name: String,
    /// Content files uploaded by this run (the others were in the bucket already).
    pub files_uploaded: usize,
    /// Objects found damaged in the bucket and put back from the folder.
    pub files_repaired: usize,
    pub verified: Verified,
    /// Backups removed from the bucket by retention.
    pub removed: Vec<String>,
    /// Backups whose upload had been interrupted (no manifest), whose objects were removed.
    pub leftovers_removed: Vec<String>,
}

/// An S3 error named with the target it came from.
fn s3_err(s3: &S3Blobs, e: impl std::fmt::Display) -> String {
    format!("the S3 backup target {}: {e}", s3.describe())
}

fn backup_key(name: &str, file: &str) -> String {
    format!("{BACKUPS}{name}/{file}")
}

fn blob_object(sha: &str) -> Result<String, String> {
    Ok(format!("{BLOBS}{}", blob_key(sha).map_err(|e| e.to_string())?))
}

/// Copies folder backup `m` (in `backups`) to the bucket, verifies it there, then applies
/// retention in the bucket.
pub async fn upload(s3: &S3Blobs, backups: &Path, m: &Manifest, keep_days: u32) -> Result<Uploaded, String> {
    // Listing first also checks the target: an unreachable store, a missing bucket or
    // refused credentials fail here, before anything is written.
    let leftovers_removed = remove_leftovers(s3).await?;
    let files_uploaded = put_files(s3, backups, m).await?;
    let db = backup::database_path(backups, m);
    let db_key = backup_key(&m.name, backup::database_file(&m.store));
    s3.put_object_file(&db_key, &db, &m.database_sha256)
        .await
        .map_err(|e| s3_err(s3, e))?;
    let text = serde_json::to_vec_pretty(m).map_err(|e| e.to_string())?;
    s3.put_object_bytes(&backup_key(&m.name, MANIFEST), text)
        .await
        .map_err(|e| s3_err(s3, e))?;
    let (checked, files_repaired) = verify_uploaded(s3, backups, m).await?;
    if !checked.ok() {
        return Err(s3_err(
            s3,
            format!(
                "backup {} was uploaded but does not verify (older backups kept): {}",
                m.name,
                checked.problems.join("; ")
            ),
        ));
    }
    let removed = retain(s3, keep_days, crate::clock::now_ms()).await?;
    Ok(Uploaded {
        name: m.name.clone(),
        files_uploaded,
        files_repaired,
        verified: checked,
        removed,
        leftovers_removed,
    })
}

/// Verifies the backup just uploaded and records the outcome. A content file damaged in
/// the bucket since an earlier backup uploaded it would fail every later backup that
/// shares it: damaged objects are put back once from the folder (whose copy the folder
/// backup has just verified) and the backup read back again. Answers the verification
/// and the number of objects put back.
async fn verify_uploaded(s3: &S3Blobs, backups: &Path, m: &Manifest) -> Result<(Verified, usize), String> {
    let mut damage = fetch::check(s3, m).await?;
    let repaired = damage.len();
    if repaired > 0 {
        let root = backup::files_root(backups);
        for d in &damage {
            // The database copy is the one damaged object under `backups/`.
            let local = if d.key.starts_with(BACKUPS) {
                backup::database_path(backups, m)
            } else {
                backup::blob_path(&root, &d.sha)
            };
            tracing::warn!(object = %d.key, problem = %d.problem, "a damaged object in the S3 backup target is put back");
            s3.put_object_file(&d.key, &local, &d.sha)
                .await
                .map_err(|e| s3_err(s3, e))?;
        }
        damage = fetch::check(s3, m).await?;
    }
    let checked = Verified::now(damage.into_iter().map(|d| d.problem).collect());
    record(s3, &m.name, &checked).await?;
    Ok((checked, repaired))
}

/// How many objects are sent or read back at once: a library of many small files is
/// bound by round trips to the storage, not by bandwidth.
const AT_ONCE: usize = 8;

/// Uploads the content files of `m` the bucket lacks (or holds at another size).
async fn put_files(s3: &S3Blobs, backups: &Path, m: &Manifest) -> Result<usize, String> {
    let root = backup::files_root(backups);
    let root = root.as_path();
    // Owned hashes: futures borrowing the stream's items are not `Send` for the scheduler's
    // `tokio::spawn` (a known limit of the compiler with higher-ranked lifetimes).
    let sent: Vec<Result<bool, String>> = futures_util::stream::iter(m.blobs.clone())
        .map(|sha| async move { put_file(s3, root, &sha, &m.name).await })
        .buffer_unordered(AT_ONCE)
        .collect()
        .await;
    let mut uploaded = 0;
    for s in sent {
        uploaded += usize::from(s?);
    }
    Ok(uploaded)
}

/// Uploads content file `sha` of backup `name` unless the bucket has it; whether it did.
async fn put_file(s3: &S3Blobs, root: &Path, sha: &str, name: &str) -> Result<bool, String> {
    let (key, file) = (blob_object(sha)?, backup::blob_path(root, sha));
    let size = std::fs::metadata(&file)
        .map_err(|e| format!("content file {sha} of backup {name}: {e}"))?
        .len();
    if s3.object_size(&key).await.map_err(|e| s3_err(s3, e))? == Some(size) {
        return Ok(false);
    }
    s3.put_object_file(&key, &file, sha).await.map_err(|e| s3_err(s3, e))?;
    Ok(true)
}

/// Every key under `backups/`, by backup name.
async fn backup_objects(s3: &S3Blobs) -> Result<std::collections::BTreeMap<String, Vec<String>>, String> {
    let mut by_name = std::collections::BTreeMap::<String, Vec<String>>::new();
    for key in s3.list_keys(BACKUPS).await.map_err(|e| s3_err(s3, e))? {
        let Some((name, file)) = key.strip_prefix(BACKUPS).and_then(|r| r.split_once('/')) else {
            continue;
        };
        by_name.entry(name.to_owned()).or_default().push(file.to_owned());
    }
    Ok(by_name)
}

/// Deletes the objects of backups without a manifest (interrupted uploads), and aborts
/// the multipart uploads a killed run left; the names of the backups.
async fn remove_leftovers(s3: &S3Blobs) -> Result<Vec<String>, String> {
    s3.abort_uploads("").await.map_err(|e| s3_err(s3, e))?;
    let mut removed = Vec::new();
    for (name, files) in backup_objects(s3).await? {
        if files.iter().any(|f| f == MANIFEST) {
            continue;
        }
        delete_backup(s3, &name, &files).await?;
        removed.push(name);
    }
    Ok(removed)
}

async fn delete_backup(s3: &S3Blobs, name: &str, files: &[String]) -> Result<(), String> {
    for f in files {
        s3.delete_object(&backup_key(name, f))
            .await
            .map_err(|e| s3_err(s3, e))?;
    }
    Ok(())
}

/// The names of the backups in the bucket (those with a manifest), oldest first.
async fn names(s3: &S3Blobs) -> Result<Vec<String>, String> {
    let objects = backup_objects(s3).await?;
    Ok(objects
        .into_iter()
        .filter(|(_, files)| files.iter().any(|f| f == MANIFEST))
        .map(|(name, _)| name)
        .collect())
}

/// The backups in the bucket, oldest first.
pub async fn list(s3: &S3Blobs) -> Result<Vec<Manifest>, String> {
    let mut out = Vec::new();
    for name in names(s3).await? {
        out.push(manifest(s3, &name).await?);
    }
    Ok(out)
}

async fn manifest(s3: &S3Blobs, name: &str) -> Result<Manifest, String> {
    let key = backup_key(name, MANIFEST);
    let bytes = s3.get_object_bytes(&key).await.map_err(|e| s3_err(s3, e))?;
    serde_json::from_slice(&bytes).map_err(|e| s3_err(s3, format!("{key}: {e}")))
}

/// The backup called `name` in the bucket, or the newest when `None`.
pub async fn find(s3: &S3Blobs, name: Option<&str>) -> Result<Option<Manifest>, String> {
    let all = names(s3).await?;
    let found = match name {
        Some(n) => all.into_iter().find(|m| m == n),
        None => all.into_iter().last(),
    };
    match found {
        Some(n) => Ok(Some(manifest(s3, &n).await?)),
        None => Ok(None),
    }
}

/// Backup `name` with its last verification.
async fn status(s3: &S3Blobs, name: &str) -> Result<Status, String> {
    let key = backup_key(name, verified::FILE);
    let verified = match s3.get_object_bytes(&key).await {
        Ok(bytes) => serde_json::from_slice(&bytes).ok(),
        Err(crate::blob::BlobError::NotFound(_)) => None,
        Err(e) => return Err(s3_err(s3, e)),
    };
    Ok(Status {
        target: "s3",
        manifest: manifest(s3, name).await?,
        verified,
    })
}

/// The bucket's backups with their last verifications, oldest first.
pub async fn statuses(s3: &S3Blobs) -> Result<Vec<Status>, String> {
    let mut out = Vec::new();
    for name in names(s3).await? {
        out.push(status(s3, &name).await?);
    }
    Ok(out)
}

/// The newest backups, down to the newest verified sound, oldest first: all that
/// `/metrics` needs (`verified::gauges`), usually in three requests per scrape.
pub async fn recent_statuses(s3: &S3Blobs) -> Result<Vec<Status>, String> {
    let mut out = Vec::new();
    for name in names(s3).await?.iter().rev() {
        let s = status(s3, name).await?;
        let sound = s.verified.as_ref().is_some_and(Verified::ok);
        out.push(s);
        if sound {
            break;
        }
    }
    out.reverse();
    Ok(out)
}

/// Records a verification of backup `name` in the bucket.
async fn record(s3: &S3Blobs, name: &str, v: &Verified) -> Result<(), String> {
    let text = serde_json::to_vec_pretty(v).map_err(|e| e.to_string())?;
    s3.put_object_bytes(&backup_key(name, verified::FILE), text)
        .await
        .map_err(|e| s3_err(s3, e))
}

/// The folder's retention rule in the bucket: drops the backups it drops (manifest last,
/// so a backup half deleted is no longer listed), then the content files no kept backup
/// needs. Returns the names removed.
async fn retain(s3: &S3Blobs, keep_days: u32, now: i64) -> Result<Vec<String>, String> {
    let (keep, drop) = backup::retained(list(s3).await?, keep_days, now);
    let objects = backup_objects(s3).await?;
    for m in &drop {
        let mut files = objects.get(&m.name).cloned().unwrap_or_default();
        // The manifest goes last: until then the backup is whole.
        files.sort_by_key(|f| f == MANIFEST);
        delete_backup(s3, &m.name, &files).await?;
    }
    let needed: BTreeSet<String> = keep
        .iter()
        .flat_map(|m| m.blobs.iter())
        .map(|sha| blob_object(sha))
        .collect::<Result<_, _>>()?;
    for key in s3.list_keys(BLOBS).await.map_err(|e| s3_err(s3, e))? {
        if !needed.contains(&key) {
            s3.delete_object(&key).await.map_err(|e| s3_err(s3, e))?;
        }
    }
    Ok(drop.into_iter().map(|m| m.name).collect())
}
