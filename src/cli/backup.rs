//! `kiroku backup [list | verify [NAME] | restore-tenant TENANT]` and `kiroku restore [NAME]`: the CLI side of
//! `ops::backup`, run beside a serving kiroku (the snapshot is consistent while it writes).

use std::path::Path;

use serde_json::json;

use super::database::DatabaseUrl;
use super::{BackupAction, BackupCommandArgs, RestoreArgs, S3Args};
use crate::clock;
use crate::ops::backup::{self, Source};
use crate::ops::restore::{self, TenantRestored};
use crate::store::sqlite::snapshot::CopiedTenant;

/// The store a backup is taken of (or restored into).
pub fn source(url: Option<&DatabaseUrl>) -> Source {
    url.map_or(Source::Sqlite, |u| Source::Postgres(u.as_str().to_owned()))
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T, String> + Send + 'static) -> Result<T, String> {
    tokio::task::spawn_blocking(f).await.map_err(|e| e.to_string())?
}

pub async fn run(
    data_dir: &Path,
    url: Option<&DatabaseUrl>,
    s3: &S3Args,
    args: BackupCommandArgs,
    json_out: bool,
) -> Result<(), String> {
    let src = source(url);
    let files = super::import::content_files(data_dir, s3)?;
    let dir = args.backup.backup_dir.clone();
    match args.action {
        None => {
            if src == Source::Sqlite && !data_dir.join(crate::store::sqlite::snapshot::DATABASE_FILE).exists() {
                return Err(format!("{} holds no kiroku database", data_dir.display()));
            }
            let (data, keep) = (data_dir.to_owned(), args.backup.keep_days);
            let c = blocking(move || backup::create(&src, &data, &files, &dir, keep)).await?;
            if json_out {
                println!("{}", serde_json::to_string(&c).unwrap_or_default());
            } else {
                println!(
                    "backup {} written: database {} bytes, {} content files ({} copied now); {} old backups removed",
                    c.manifest.name,
                    c.manifest.database_bytes,
                    c.manifest.blobs.len(),
                    c.blobs_copied,
                    c.removed.len()
                );
            }
            Ok(())
        }
        Some(BackupAction::List) => {
            let all = blocking(move || backup::list(&dir)).await?;
            if json_out {
                println!("{}", serde_json::to_string(&all).unwrap_or_default());
            } else {
                for m in &all {
                    println!(
                        "{}\t{}\t{} files",
                        m.name,
                        clock::format_ms(m.created_ms),
                        m.blobs.len()
                    );
                    print_tenants(m.tenants.as_deref());
                }
            }
            Ok(())
        }
        Some(BackupAction::RestoreTenant {
            tenant,
            backup,
            as_name,
            in_place: _,
            export,
        }) => {
            let store = super::database::open(data_dir, url).await?;
            let blobs = super::import::blobs(data_dir, s3)?;
            let work = super::import::work_dir(data_dir);
            let (store, blobs) = (&*store, blobs.as_ref());
            let from = restore::FromBackup {
                backups: &dir,
                name: backup.as_deref(),
                tenant: &tenant,
                database: &src,
                work: &work,
            };
            let into = match as_name {
                Some(name) => restore::Target::Copy(name),
                None => restore::Target::InPlace(export),
            };
            let r = restore::run(store, blobs, &from, into)
                .await
                .map_err(|e| e.to_string())?;
            record_restore(store, &r).await?;
            if json_out {
                println!("{}", serde_json::to_string(&r).unwrap_or_default());
            } else {
                println!(
                    "tenant {} restored from backup {} as {} ({}): {:?}",
                    r.tenant, r.backup, r.restored_as, r.mode, r.counts
                );
                if let Some(kept) = &r.kept_export {
                    println!("its data from before the restore: {}", kept.display());
                }
            }
            Ok(())
        }
        Some(BackupAction::Verify { name }) => {
            let (m, problems) = blocking(move || {
                let m = backup::find(&dir, name.as_deref())?;
                let p = backup::verify(&dir, &m);
                Ok((m, p))
            })
            .await?;
            if json_out {
                println!(
                    "{}",
                    json!({ "name": m.name, "ok": problems.is_empty(), "problems": problems })
                );
            } else if problems.is_empty() {
                println!(
                    "backup {} is sound: database and {} content files check",
                    m.name,
                    m.blobs.len()
                );
            }
            if problems.is_empty() {
                Ok(())
            } else {
                Err(format!("backup {} is damaged: {}", m.name, problems.join("; ")))
            }
        }
    }
}

/// The audit entry of a per-tenant restore, in the log of the tenant that received it.
async fn record_restore(store: &dyn crate::store::Store, r: &TenantRestored) -> Result<(), String> {
    let t = super::commands::find_tenant(store, &r.restored_as).await?;
    let (target, detail) = r.audit();
    super::audit::record(store, t.id, crate::audit::Action::TenantRestored, target, detail).await
}

/// A backup's tenants under its line: name, status and the rows it holds (tables with
/// none left out).
fn print_tenants(tenants: Option<&[CopiedTenant]>) {
    let Some(tenants) = tenants else {
        println!("  (tenants not recorded: a backup from an earlier kiroku)");
        return;
    };
    for t in tenants {
        let rows: Vec<String> = t
            .rows
            .iter()
            .filter(|(_, n)| **n > 0)
            .map(|(table, n)| format!("{table} {n}"))
            .collect();
        let total: u64 = t.rows.values().sum();
        println!("  {}\t{}\t{total} rows\t{}", t.name, t.status, rows.join(", "));
    }
}

pub async fn restore(
    data_dir: &Path,
    url: Option<&DatabaseUrl>,
    s3: &S3Args,
    args: RestoreArgs,
    json_out: bool,
) -> Result<(), String> {
    let files = super::import::content_files(data_dir, s3)?;
    let (dir, target, database) = (args.backup_dir, data_dir.to_owned(), source(url));
    let (m, files) = blocking(move || {
        let m = backup::find(&dir, args.name.as_deref())?;
        let restored = backup::restore(&dir, &m, &target, &database, &files)?;
        Ok((m, restored))
    })
    .await?;
    if json_out {
        println!(
            "{}",
            json!({ "restored": m.name, "contentFiles": files, "dataDir": data_dir })
        );
    } else {
        println!(
            "backup {} restored into {} ({files} content files)",
            m.name,
            data_dir.display()
        );
    }
    Ok(())
}
