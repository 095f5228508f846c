//! A backup's last verification, recorded beside its manifest in either target
//! (`verified.json`: the folder's `<backups>/NAME/`, the bucket's `backups/NAME/`), and
//! what listings and `/metrics` say of the backups of a target: each one's age and last
//! verification. A verification that found problems is recorded too, with them, so a
//! damaged backup is reported rather than trusted.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::backup::Manifest;
use crate::clock;

/// The file (folder) or object (bucket) holding a backup's last verification.
pub const FILE: &str = "verified.json";

/// When a backup was last read back, and what was wrong with it (nothing: sound).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Verified {
    pub verified_ms: i64,
    pub problems: Vec<String>,
}

impl Verified {
    /// A verification done now that found `problems`.
    pub fn now(problems: Vec<String>) -> Self {
        Self {
            verified_ms: clock::now_ms(),
            problems,
        }
    }

    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Records `v` in the backup folder `dir` (written whole through a rename).
pub fn record(dir: &Path, v: &Verified) -> Result<(), String> {
    let text = serde_json::to_vec_pretty(v).map_err(|e| e.to_string())?;
    let (tmp, to) = (dir.join(format!("{FILE}.part")), dir.join(FILE));
    std::fs::write(&tmp, text)
        .and_then(|()| std::fs::rename(&tmp, &to))
        .map_err(|e| format!("recording the verification in {}: {e}", to.display()))
}

/// The last verification recorded in the backup folder `dir`, if any.
pub fn read(dir: &Path) -> Option<Verified> {
    serde_json::from_slice(&std::fs::read(dir.join(FILE)).ok()?).ok()
}

/// A backup as the operator API lists it: where it is, its manifest, its age, and its
/// last verification.
#[derive(Debug, Clone)]
pub struct Status {
    /// `folder` or `s3`.
    pub target: &'static str,
    pub manifest: Manifest,
    pub verified: Option<Verified>,
}

/// The folder's backups with their verifications, oldest first.
pub fn folder_statuses(backups: &Path) -> Result<Vec<Status>, String> {
    Ok(super::backup::list(backups)?
        .into_iter()
        .map(|manifest| Status {
            target: "folder",
            verified: read(&backups.join(&manifest.name)),
            manifest,
        })
        .collect())
}

const SUCCESS_HELP: &str = "Time of the newest backup in a target (folder or s3), seconds since the epoch.";
const VERIFIED_HELP: &str = "Time of the newest backup verification that found it sound, per target.";

/// The gauges of one target's backups (oldest first): when the newest was taken and when
/// a backup was last verified sound. A target without either has no such line, which an
/// alert on `absent(…)` catches.
pub fn gauges(target: &str, all: &[Status]) -> Vec<(String, &'static str, f64)> {
    let h = TargetHealth::of(target, all);
    let mut out = Vec::new();
    if let Some((_, created_ms)) = &h.newest {
        let name = format!("kiroku_backup_last_success_timestamp_seconds{{target=\"{target}\"}}");
        out.push((name, SUCCESS_HELP, *created_ms as f64 / 1000.0));
    }
    if let Some(ms) = h.last_sound_ms {
        let name = format!("kiroku_backup_last_verified_timestamp_seconds{{target=\"{target}\"}}");
        out.push((name, VERIFIED_HELP, ms as f64 / 1000.0));
    }
    out
}

/// What the operator watches of one backup target: its newest backup, the last time a
/// verification found a backup sound, and what the newest backup's verification found
/// wrong (for `/metrics` and the service health page alike).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetHealth {
    pub target: String,
    /// Backups listed (for S3, the recent ones `/metrics` reads).
    pub listed: usize,
    /// The newest backup's name and when it was taken.
    pub newest: Option<(String, i64)>,
    pub last_sound_ms: Option<i64>,
    /// The newest backup's verification: `None` never verified, else its problems.
    pub newest_problems: Option<Vec<String>>,
}

impl TargetHealth {
    pub fn of(target: &str, all: &[Status]) -> Self {
        let newest = all.last();
        Self {
            target: target.to_owned(),
            listed: all.len(),
            newest: newest.map(|s| (s.manifest.name.clone(), s.manifest.created_ms)),
            last_sound_ms: all
                .iter()
                .filter_map(|s| s.verified.as_ref().filter(|v| v.ok()))
                .map(|v| v.verified_ms)
                .max(),
            newest_problems: newest.and_then(|s| s.verified.as_ref()).map(|v| v.problems.clone()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(created_ms: i64, verified: Option<(i64, &[&str])>) -> Status {
        let manifest = Manifest {
            name: format!("b{created_ms}"),
            created_ms,
            kiroku_version: String::new(),
            store: "sqlite".into(),
            schema_version: 1,
            database_sha256: String::new(),
            database_bytes: 0,
            blobs: Vec::new(),
            tenants: None,
        };
        let verified = verified.map(|(ms, problems)| Verified {
            verified_ms: ms,
            problems: problems.iter().map(|p| (*p).to_owned()).collect(),
        });
        Status {
            target: "s3",
            manifest,
            verified,
        }
    }

    #[test]
    fn the_gauges_give_the_newest_backup_and_the_newest_sound_verification() {
        let all = [
            status(1_000, Some((2_000, &[]))),
            status(5_000, Some((9_000, &["content file x: SHA-256 is y"]))),
        ];
        let g = gauges("s3", &all);
        let value = |name: &str| g.iter().find(|(n, ..)| n == name).map(|(.., v)| *v);
        let success = r#"kiroku_backup_last_success_timestamp_seconds{target="s3"}"#;
        let verified = r#"kiroku_backup_last_verified_timestamp_seconds{target="s3"}"#;
        assert_eq!(value(success), Some(5.0));
        // The later verification found a problem: the sound one before it counts.
        assert_eq!(value(verified), Some(2.0));
        assert_eq!(gauges("s3", &all[1..]).len(), 1, "no sound verification: no line");
        assert!(gauges("folder", &[]).is_empty());
    }
}
