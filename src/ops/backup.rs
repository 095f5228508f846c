//! Backups of a data folder into a backup folder (another disk in production): each
//! backup is a consistent snapshot of the database (SQLite's online backup) and of the
//! content files its packages use. Content files are immutable and named by SHA-256, so
//! backups share them: `<backups>/blobs/ab/cdef…`, one copy whatever the number of backups.
//!
//! ```text
//! <backups>/2026-11-25T02-00-00Z/kiroku.db       the database as of one commit
//! <backups>/2026-11-25T02-00-00Z/manifest.json   hashes of the database and of every file
//! <backups>/blobs/ab/cdef…                       content files, shared by backups
//! <backups>/.partial-…/                          a backup being written (or interrupted)
//! ```
//!
//! A backup is written under `.partial-…` and renamed into place only when complete and
//! synced, so an interrupted run (`kill -9`, power loss) leaves every earlier backup as it
//! was; the next run removes the leftovers. Retention keeps the backups of the last
//! `keep_days` days (never fewer than the newest one) and then the files they need.

use std::collections::BTreeSet;
use std::fs::{self, File};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::verified::{self, Verified};
use crate::clock;
use crate::store::postgres::dump::{self, DUMP_FILE};
use crate::store::sqlite::snapshot::{self, CopiedTenant, DATABASE_FILE, SnapshotCheck};

const MANIFEST: &str = "manifest.json";
const PARTIAL: &str = ".partial-";
const BLOBS: &str = "blobs";

/// Where the content files live: a folder (the data folder's `blobs/`), or a blob store
/// (S3-compatible storage) reached from the backup's blocking thread through the runtime.
#[derive(Clone)]
pub enum Files {
    Folder(PathBuf),
    Store(std::sync::Arc<dyn crate::blob::BlobStore>, tokio::runtime::Handle),
}

impl std::fmt::Debug for Files {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Folder(p) => write!(f, "Files::Folder({})", p.display()),
            Self::Store(..) => f.write_str("Files::Store"),
        }
    }
}

impl Files {
    /// Copies content file `sha` to `to` (synced); returns the SHA-256 of what was copied.
    fn fetch(&self, sha: &str, to: &Path) -> Result<String, String> {
        match self {
            Self::Folder(root) => copy_synced(&blob_path(root, sha), to).map(|(h, _)| h),
            Self::Store(store, rt) => {
                let bytes = rt.block_on(store.read(sha, 0, None)).map_err(|e| e.to_string())?;
                if let Some(dir) = to.parent() {
                    fs::create_dir_all(dir).map_err(|e| io("creating", dir, e))?;
                }
                let tmp = to.with_extension("part");
                let mut f = File::create(&tmp).map_err(|e| io("creating", &tmp, e))?;
                f.write_all(&bytes)
                    .and_then(|()| f.sync_all())
                    .map_err(|e| io("writing", &tmp, e))?;
                fs::rename(&tmp, to).map_err(|e| io("renaming", &tmp, e))?;
                Ok(hex(Sha256::digest(&bytes).as_slice()))
            }
        }
    }

    /// Puts the backup's copy `from` of content file `sha` back.
    fn restore(&self, sha: &str, from: &Path) -> Result<(), String> {
        match self {
            Self::Folder(root) => copy_synced(from, &blob_path(root, sha)).map(|_| ()),
            Self::Store(store, rt) => {
                // put_file moves its file: hand it a copy.
                let tmp = std::env::temp_dir().join(format!("kiroku-restore-{sha}"));
                fs::copy(from, &tmp).map_err(|e| io("copying", from, e))?;
                rt.block_on(store.put_file(sha, &tmp)).map_err(|e| e.to_string())?;
                let _ = fs::remove_file(&tmp);
                Ok(())
            }
        }
    }
}

/// Which store a backup is of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// SQLite in the data folder: SQLite's online backup.
    Sqlite,
    /// PostgreSQL at this URL: `pg_dump`.
    Postgres(String),
}

impl Source {
    fn kind(&self) -> &'static str {
        match self {
            Self::Sqlite => "sqlite",
            Self::Postgres(_) => "postgres",
        }
    }
}

fn sqlite_kind() -> String {
    "sqlite".into()
}

/// What a backup holds, written last.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Manifest {
    pub name: String,
    pub created_ms: i64,
    pub kiroku_version: String,
    /// `sqlite` (a database file) or `postgres` (a `pg_dump` custom-format dump).
    #[serde(default = "sqlite_kind")]
    pub store: String,
    pub schema_version: i64,
    pub database_sha256: String,
    pub database_bytes: u64,
    /// Content files by SHA-256 (each file's name is its hash).
    pub blobs: Vec<String>,
    /// The tenants the database copy holds, with their rows per table, counted from the
    /// copy when it was taken; absent in backups from before it was recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenants: Option<Vec<CopiedTenant>>,
}

/// The outcome of `create`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Created {
    pub manifest: Manifest,
    /// Content files copied by this run (the others were in the backup folder already).
    pub blobs_copied: usize,
    /// Backups removed by retention.
    pub removed: Vec<String>,
    /// The backup read back once written.
    pub verified: Verified,
}

fn io(what: &str, path: &Path, e: impl std::fmt::Display) -> String {
    format!("{what} {}: {e}", path.display())
}

/// A backup's name from its time: sortable, and valid on every file system.
fn name_at(ms: i64) -> String {
    clock::format_ms(ms)
        .chars()
        .take(19)
        .map(|c| if c == ':' { '-' } else { c })
        .collect::<String>()
        + "Z"
}

/// The default file for the export an in-place tenant restore keeps of the tenant's data:
/// `tenant-exports/TENANT-TIME.zip` in the backup folder (on another disk, like the
/// backups; backup retention leaves the folder alone).
pub fn kept_export_path(backups: &Path, tenant: &str, ms: i64) -> PathBuf {
    backups
        .join("tenant-exports")
        .join(format!("{tenant}-{}.zip", name_at(ms)))
}

/// Where a content file lives in a backup's file store. Names that are not content
/// addresses (never written by kiroku) stay flat, so a damaged list cannot make it panic.
pub fn blob_path(root: &Path, sha: &str) -> PathBuf {
    match crate::blob::fan_out(sha) {
        Some((dir, rest)) => root.join(dir).join(rest),
        None => root.join(sha),
    }
}

/// Copies `from` to `to` through a temporary file, synced, returning the SHA-256 and size
/// of what was copied.
fn copy_synced(from: &Path, to: &Path) -> Result<(String, u64), String> {
    if let Some(dir) = to.parent() {
        fs::create_dir_all(dir).map_err(|e| io("creating", dir, e))?;
    }
    let tmp = to.with_extension("part");
    let mut src = File::open(from).map_err(|e| io("opening", from, e))?;
    let mut dst = File::create(&tmp).map_err(|e| io("creating", &tmp, e))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut total = 0u64;
    loop {
        let n = src.read(&mut buf).map_err(|e| io("reading", from, e))?;
        if n == 0 {
            break;
        }
        hasher.update(buf.get(..n).unwrap_or_default());
        dst.write_all(buf.get(..n).unwrap_or_default())
            .map_err(|e| io("writing", &tmp, e))?;
        total += n as u64;
    }
    dst.sync_all().map_err(|e| io("syncing", &tmp, e))?;
    fs::rename(&tmp, to).map_err(|e| io("renaming", &tmp, e))?;
    Ok((hex(hasher.finalize().as_slice()), total))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn sha256_of(path: &Path) -> Result<(String, u64), String> {
    let mut f = File::open(path).map_err(|e| io("opening", path, e))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut total = 0u64;
    loop {
        let n = f.read(&mut buf).map_err(|e| io("reading", path, e))?;
        if n == 0 {
            break;
        }
        hasher.update(buf.get(..n).unwrap_or_default());
        total += n as u64;
    }
    Ok((hex(hasher.finalize().as_slice()), total))
}

fn sync_dir(dir: &Path) {
    // Makes the renames durable where the platform allows it.
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

/// The database copy's file name in a backup of `store` (`sqlite` or `postgres`).
pub fn database_file(store: &str) -> &'static str {
    if store == "postgres" { DUMP_FILE } else { DATABASE_FILE }
}

/// Snapshots the database into `dir` and checks the copy.
fn snapshot_into(source: &Source, data_dir: &Path, dir: &Path) -> Result<SnapshotCheck, String> {
    let file = dir.join(database_file(source.kind()));
    match source {
        Source::Sqlite => {
            snapshot::snapshot(data_dir, &file).map_err(|e| format!("snapshot of the database: {e}"))?;
        }
        Source::Postgres(url) => dump::dump(url, &file)?,
    }
    File::open(&file)
        .and_then(|f| f.sync_all())
        .map_err(|e| io("syncing", &file, e))?;
    check_copy(source.kind(), &file).map_err(|e| format!("the snapshot does not check: {e}"))
}

/// The tenants a database copy holds, with their rows per table.
fn tenants_in(store: &str, file: &Path) -> Result<Vec<CopiedTenant>, String> {
    if store == "postgres" {
        dump::tenants(file)
    } else {
        snapshot::tenants(file).map_err(|e| e.to_string())
    }
}

fn check_copy(store: &str, file: &Path) -> Result<SnapshotCheck, String> {
    if store == "postgres" {
        dump::check(file)
    } else {
        snapshot::check(file).map_err(|e| e.to_string())
    }
}

/// Takes a backup of the store (`source`; SQLite's database is in `data_dir`) and the
/// content files (`files`) into `backups`, then applies retention.
pub fn create(
    source: &Source,
    data_dir: &Path,
    files: &Files,
    backups: &Path,
    keep_days: u32,
) -> Result<Created, String> {
    fs::create_dir_all(backups).map_err(|e| io("creating", backups, e))?;
    remove_partials(backups)?;
    let now = clock::now_ms();
    let mut name = name_at(now);
    if backups.join(&name).exists() {
        name = format!("{name}-{}", now % 1000);
    }
    let partial = backups.join(format!("{PARTIAL}{name}"));
    fs::create_dir_all(&partial).map_err(|e| io("creating", &partial, e))?;
    let check = snapshot_into(source, data_dir, &partial)?;
    let copy = partial.join(database_file(source.kind()));
    let (database_sha256, database_bytes) = sha256_of(&copy)?;
    let tenants = tenants_in(source.kind(), &copy).map_err(|e| format!("counting the tenants' rows: {e}"))?;
    let store_root = backups.join(BLOBS);
    let mut copied = 0;
    for sha in &check.blobs {
        let target = blob_path(&store_root, sha);
        if target.exists() {
            continue;
        }
        let got = files
            .fetch(sha, &target)
            .map_err(|e| format!("content file {sha} (deleted since the snapshot? run the backup again): {e}"))?;
        if got != *sha {
            let _ = fs::remove_file(&target);
            return Err(format!(
                "content file {sha} is corrupt in the data folder (its SHA-256 is {got})"
            ));
        }
        copied += 1;
    }
    let manifest = Manifest {
        name: name.clone(),
        created_ms: now,
        kiroku_version: env!("CARGO_PKG_VERSION").to_owned(),
        store: source.kind().to_owned(),
        schema_version: check.schema_version,
        database_sha256,
        database_bytes,
        blobs: check.blobs,
        tenants: Some(tenants),
    };
    let text = serde_json::to_vec_pretty(&manifest).map_err(|e| e.to_string())?;
    let mpath = partial.join(MANIFEST);
    let mut f = File::create(&mpath).map_err(|e| io("creating", &mpath, e))?;
    f.write_all(&text)
        .and_then(|()| f.sync_all())
        .map_err(|e| io("writing", &mpath, e))?;
    sync_dir(&partial);
    fs::rename(&partial, backups.join(&name)).map_err(|e| io("completing", &partial, e))?;
    sync_dir(backups);
    // Read back before retention: older backups go only once this one is known sound.
    let checked = verify_and_record(backups, &manifest)?;
    if !checked.ok() {
        return Err(format!(
            "backup {name} was written but does not verify (older backups kept): {}",
            checked.problems.join("; ")
        ));
    }
    let removed = retain(backups, keep_days, now)?;
    Ok(Created {
        manifest,
        blobs_copied: copied,
        removed,
        verified: checked,
    })
}

/// Verifies backup `m` and records the outcome beside its manifest.
pub fn verify_and_record(backups: &Path, m: &Manifest) -> Result<Verified, String> {
    let checked = Verified::now(verify(backups, m));
    verified::record(&backups.join(&m.name), &checked)?;
    Ok(checked)
}

fn remove_partials(backups: &Path) -> Result<(), String> {
    for entry in fs::read_dir(backups).map_err(|e| io("reading", backups, e))? {
        let entry = entry.map_err(|e| io("reading", backups, e))?;
        if entry.file_name().to_string_lossy().starts_with(PARTIAL) {
            fs::remove_dir_all(entry.path()).map_err(|e| io("removing", &entry.path(), e))?;
        }
    }
    Ok(())
}

/// The complete backups, oldest first.
pub fn list(backups: &Path) -> Result<Vec<Manifest>, String> {
    let mut out = Vec::new();
    let Ok(entries) = fs::read_dir(backups) else {
        return Ok(out);
    };
    for entry in entries {
        let entry = entry.map_err(|e| io("reading", backups, e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') || name == BLOBS {
            continue;
        }
        let path = entry.path().join(MANIFEST);
        if let Ok(text) = fs::read(&path) {
            let m: Manifest = serde_json::from_slice(&text).map_err(|e| io("reading", &path, e))?;
            out.push(m);
        }
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

/// Keeps the backups of the last `keep_days` days (at least the newest), then removes
/// the content files no kept backup needs. Returns the names removed.
fn retain(backups: &Path, keep_days: u32, now: i64) -> Result<Vec<String>, String> {
    let (keep, drop) = retained(list(backups)?, keep_days, now);
    for m in &drop {
        let dir = backups.join(&m.name);
        fs::remove_dir_all(&dir).map_err(|e| io("removing", &dir, e))?;
    }
    let needed: BTreeSet<&str> = keep.iter().flat_map(|m| m.blobs.iter().map(String::as_str)).collect();
    let root = backups.join(BLOBS);
    for sha in stored_blobs(&root)? {
        if !needed.contains(sha.as_str()) {
            let p = blob_path(&root, &sha);
            fs::remove_file(&p).map_err(|e| io("removing", &p, e))?;
        }
    }
    Ok(drop.into_iter().map(|m| m.name).collect())
}

/// The retention rule, for the folder and the S3 target alike: of `all` (oldest first),
/// the backups of the last `keep_days` days and the newest are kept, the others dropped.
pub fn retained(all: Vec<Manifest>, keep_days: u32, now: i64) -> (Vec<Manifest>, Vec<Manifest>) {
    let cutoff = now - i64::from(keep_days) * 86_400_000;
    let newest = all.last().map(|m| m.name.clone());
    all.into_iter()
        .partition(|m| m.created_ms >= cutoff || Some(&m.name) == newest.as_ref())
}

fn stored_blobs(root: &Path) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let Ok(dirs) = fs::read_dir(root) else {
        return Ok(out);
    };
    for d in dirs.flatten() {
        let prefix = d.file_name().to_string_lossy().into_owned();
        for f in fs::read_dir(d.path())
            .map_err(|e| io("reading", &d.path(), e))?
            .flatten()
        {
            let rest = f.file_name().to_string_lossy().into_owned();
            if !rest.ends_with(".part") {
                out.push(format!("{prefix}{rest}"));
            }
        }
    }
    Ok(out)
}

/// The backup called `name`, or the newest when `None`.
pub fn find(backups: &Path, name: Option<&str>) -> Result<Manifest, String> {
    let all = list(backups)?;
    match name {
        Some(n) => all.into_iter().find(|m| m.name == n),
        None => all.into_iter().last(),
    }
    .ok_or_else(|| match name {
        Some(n) => format!("no backup named {n} in {}", backups.display()),
        None => format!("no backup in {}", backups.display()),
    })
}

/// The database copy (SQLite file or `pg_dump` dump) of backup `m`.
pub fn database_path(backups: &Path, m: &Manifest) -> PathBuf {
    backups.join(&m.name).join(database_file(&m.store))
}

/// The backups' file store (content files by hash, laid out as a data folder's `blobs/`).
pub fn files_root(backups: &Path) -> PathBuf {
    backups.join(BLOBS)
}

/// Checks a backup's database copy: its SHA-256 against the manifest, then SQLite's
/// integrity check or `pg_restore`'s reading of the dump.
pub fn check_database(backups: &Path, m: &Manifest) -> Result<(), String> {
    let db = database_path(backups, m);
    let (sha, _) = sha256_of(&db)?;
    if sha != m.database_sha256 {
        return Err(format!("database: SHA-256 {sha}, manifest says {}", m.database_sha256));
    }
    check_copy(&m.store, &db)
        .map(|_| ())
        .map_err(|e| format!("database: {e}"))
}

/// Checks a backup: the database file's hash and SQLite integrity, and every content file
/// present with the hash it is named by. Returns the problems found (empty: sound).
pub fn verify(backups: &Path, m: &Manifest) -> Vec<String> {
    let mut problems = Vec::new();
    if let Err(e) = check_database(backups, m) {
        problems.push(e);
    }
    let root = backups.join(BLOBS);
    for sha in &m.blobs {
        match sha256_of(&blob_path(&root, sha)) {
            Ok((got, _)) if got == *sha => {}
            Ok((got, _)) => problems.push(format!("content file {sha}: SHA-256 is {got}")),
            Err(e) => problems.push(format!("content file {sha}: {e}")),
        }
    }
    problems
}

/// Restores a verified backup: the content files into the data folder `target`, which must
/// not exist or be empty, and the database into it (SQLite) or into `database` (PostgreSQL,
/// a new, empty database). Returns the number of content files restored.
pub fn restore(backups: &Path, m: &Manifest, target: &Path, database: &Source, files: &Files) -> Result<usize, String> {
    if database.kind() != m.store {
        return Err(format!(
            "backup {} is of a {} store; restore it with{} --database-url",
            m.name,
            m.store,
            if m.store == "postgres" { "" } else { "out" }
        ));
    }
    if target.exists()
        && fs::read_dir(target)
            .map_err(|e| io("reading", target, e))?
            .next()
            .is_some()
    {
        return Err(format!(
            "{} is not empty; restore into a new data folder",
            target.display()
        ));
    }
    let problems = verify(backups, m);
    if !problems.is_empty() {
        return Err(format!("backup {} does not verify: {}", m.name, problems.join("; ")));
    }
    fs::create_dir_all(target).map_err(|e| io("creating", target, e))?;
    let copy = backups.join(&m.name).join(database_file(&m.store));
    match database {
        Source::Sqlite => {
            copy_synced(&copy, &target.join(DATABASE_FILE))?;
        }
        Source::Postgres(url) => dump::restore(&copy, url)?,
    }
    let from = backups.join(BLOBS);
    for sha in &m.blobs {
        files.restore(sha, &blob_path(&from, sha))?;
    }
    Ok(m.blobs.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn made_at(created_ms: i64) -> Manifest {
        Manifest {
            name: name_at(created_ms),
            created_ms,
            kiroku_version: String::new(),
            store: "sqlite".into(),
            schema_version: 1,
            database_sha256: String::new(),
            database_bytes: 0,
            blobs: Vec::new(),
            tenants: None,
        }
    }

    #[test]
    fn retention_keeps_the_last_days_and_never_fewer_than_the_newest() {
        const DAY: i64 = 86_400_000;
        let now = 1_795_600_000_000;
        let names = |v: &[Manifest]| v.iter().map(|m| m.created_ms).collect::<Vec<_>>();
        let all = vec![made_at(now - 9 * DAY), made_at(now - 7 * DAY), made_at(now - DAY)];
        let (keep, drop) = retained(all, 7, now);
        assert_eq!(names(&keep), [now - 7 * DAY, now - DAY]);
        assert_eq!(names(&drop), [now - 9 * DAY]);
        // Only old backups: the newest stays.
        let (keep, drop) = retained(vec![made_at(now - 20 * DAY), made_at(now - 10 * DAY)], 7, now);
        assert_eq!(
            (names(&keep), names(&drop)),
            (vec![now - 10 * DAY], vec![now - 20 * DAY])
        );
    }

    #[test]
    fn names_sort_by_time_and_avoid_colons() {
        let a = name_at(1_795_600_000_000);
        let b = name_at(1_795_600_060_000);
        assert!(a < b && !a.contains(':') && a.ends_with('Z'), "{a} {b}");
    }
}
