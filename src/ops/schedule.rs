//! The daily backup of a running server: at a configured time of day (UTC), a backup of
//! the store and the content files into the backup folder, with retention, then its copy
//! to the S3 backup target when one is configured (`ops::offsite`: the folder backup is
//! the source of the copy, so both targets hold the same backups). Servers sharing
//! a database claim each day's run in it, so the backup runs once, not once per server.
//! Failures are logged and the next day tries again; `kiroku backup` can always be run by
//! hand.

use std::path::PathBuf;
use std::time::Duration;

use crate::clock;

/// When and where the daily backup runs.
#[derive(Clone)]
pub struct BackupSchedule {
    /// Where servers claim each day's run, so one server runs it.
    pub store: std::sync::Arc<dyn crate::store::Store>,
    pub source: super::backup::Source,
    pub files: super::backup::Files,
    pub data_dir: PathBuf,
    pub backup_dir: PathBuf,
    /// The S3 backup target, if any.
    pub s3: Option<crate::blob::s3::S3Blobs>,
    pub keep_days: u32,
    /// Minutes after midnight UTC.
    pub at_minute: u32,
}

/// `HH:MM` (24-hour, UTC) as minutes after midnight; `off` gives `None`.
pub fn parse_time_of_day(s: &str) -> Result<Option<u32>, String> {
    if s.eq_ignore_ascii_case("off") {
        return Ok(None);
    }
    let bad = || format!("backup time {s:?} is not HH:MM (UTC) or off");
    let (h, m) = s.split_once(':').ok_or_else(bad)?;
    let (h, m): (u32, u32) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    if h > 23 || m > 59 || s.len() != 5 {
        return Err(bad());
    }
    Ok(Some(h * 60 + m))
}

/// Milliseconds from `now_ms` to the next `at_minute` of a UTC day.
pub fn until_next(now_ms: i64, at_minute: u32) -> u64 {
    const DAY: i64 = 86_400_000;
    let today = now_ms - now_ms.rem_euclid(DAY);
    let mut at = today + i64::from(at_minute) * 60_000;
    if at <= now_ms {
        at += DAY;
    }
    u64::try_from(at - now_ms).unwrap_or(0)
}

/// Runs forever (until the task is dropped): sleeps until the next backup time, backs up.
pub async fn run(s: BackupSchedule) {
    loop {
        tokio::time::sleep(Duration::from_millis(until_next(clock::now_ms(), s.at_minute))).await;
        let day: String = clock::format_ms(clock::now_ms()).chars().take(10).collect();
        match s.store.claim_job("backup", &day).await {
            Ok(true) => {}
            Ok(false) => {
                tracing::info!(day = %day, "another server runs today's backup");
                continue;
            }
            Err(e) => {
                tracing::error!(error = %e, "claiming today's backup");
                continue;
            }
        }
        back_up(&s).await;
    }
}

/// One scheduled backup: the folder's, then its copy off the machine. Failures are logged.
async fn back_up(s: &BackupSchedule) {
    let job = s.clone();
    let outcome = tokio::task::spawn_blocking(move || {
        super::backup::create(&job.source, &job.data_dir, &job.files, &job.backup_dir, job.keep_days)
    })
    .await;
    let c = match outcome {
        Ok(Ok(c)) => c,
        Ok(Err(e)) => return tracing::error!(error = %e, "scheduled backup failed"),
        Err(e) => return tracing::error!(error = %e, "scheduled backup task failed"),
    };
    tracing::info!(backup = %c.manifest.name, files_copied = c.blobs_copied,
        removed = c.removed.len(), "scheduled backup written");
    let Some(s3) = &s.s3 else {
        return;
    };
    match super::offsite::upload(s3, &s.backup_dir, &c.manifest, s.keep_days).await {
        Ok(u) => tracing::info!(backup = %u.name, files_uploaded = u.files_uploaded,
            removed = u.removed.len(), leftovers_removed = u.leftovers_removed.len(),
            "scheduled backup copied to S3 and verified there"),
        Err(e) => tracing::error!(backup = %c.manifest.name, error = %e, "scheduled backup not copied to S3"),
    }
}

/// Runs forever: once at start and then every day, deletes each tenant's statements older
/// than its retention period (`statementRetentionDays`). Each day's run is claimed in the
/// store, so with several servers one of them does it.
pub async fn run_retention(store: std::sync::Arc<dyn crate::store::Store>) {
    loop {
        let day: String = clock::format_ms(clock::now_ms()).chars().take(10).collect();
        let claimed = store.claim_job("retention", &day).await;
        if !matches!(claimed, Ok(true)) {
            if let Err(e) = claimed {
                tracing::error!(error = %e, "claiming today's statement retention");
            }
            tokio::time::sleep(Duration::from_secs(3_600)).await;
            continue;
        }
        match store.list_tenants().await {
            Ok(tenants) => {
                for t in tenants {
                    let Some(cutoff) = t.settings.retention_cutoff_ms(clock::now_ms()) else {
                        continue;
                    };
                    match store.delete_statements_before(t.id, cutoff).await {
                        Ok(n) => tracing::info!(tenant.id = %t.id, deleted = n, "statement retention applied"),
                        Err(e) => tracing::error!(tenant.id = %t.id, error = %e, "statement retention failed"),
                    }
                }
            }
            Err(e) => tracing::error!(error = %e, "statement retention could not list tenants"),
        }
        tokio::time::sleep(Duration::from_secs(86_400)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_of_day_parse_and_the_next_one_is_found() {
        assert_eq!(parse_time_of_day("02:00"), Ok(Some(120)));
        assert_eq!(parse_time_of_day("off"), Ok(None));
        assert!(parse_time_of_day("2:00").is_err());
        assert!(parse_time_of_day("24:00").is_err());
        // 2026-11-25T01:00:00Z → 02:00 is one hour away; at 03:00 it is 23 hours away.
        let one_am = 1_795_568_400_000;
        assert_eq!(until_next(one_am, 120), 3_600_000);
        assert_eq!(until_next(one_am + 2 * 3_600_000, 120), 23 * 3_600_000);
    }
}
