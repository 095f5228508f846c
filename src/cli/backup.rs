//! `kiroku backup [list | verify [NAME] | restore-tenant TENANT]` and `kiroku restore [NAME]`: the CLI side of
//! `ops::backup`, run beside a serving kiroku (the snapshot is consistent while it writes),
//! and of `ops::offsite` (the S3 backup target: each backup copied there, and read from
//! there with `--target s3`).

use std::path::Path;

use serde_json::json;

use super::database::DatabaseUrl;
use super::{BackupAction, BackupArgs, BackupCommandArgs, BackupTarget, RestoreArgs, S3Args};
use crate::blob::s3::S3Blobs;
use crate::clock;
use crate::ops::backup::{self, Manifest, Source};
use crate::ops::offsite;
use crate::ops::restore::{self, TenantRestored};
use crate::ops::verified::Verified;
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
    let dir = args.backup.backup_dir.clone();
    let target = match args.target {
        BackupTarget::Folder => None,
        BackupTarget::S3 => Some(args.backup.s3.required()?),
    };
    match args.action {
        None => create(data_dir, url, s3, &args.backup, json_out).await,
        Some(BackupAction::List) => {
            let all = match &target {
                None => blocking(move || backup::list(&dir)).await?,
                Some(s3) => offsite::list(s3).await?,
            };
            print_list(&all, json_out);
            Ok(())
        }
        Some(BackupAction::RestoreTenant {
            tenant,
            backup,
            as_name,
            in_place: _,
            export,
        }) => {
            let into = match as_name {
                Some(name) => restore::Target::Copy(name),
                None => restore::Target::InPlace(export),
            };
            let r = restore_tenant(
                (data_dir, url, s3),
                &dir,
                target.as_ref(),
                (&tenant, backup.as_deref()),
                into,
            )
            .await?;
            print_restored(&r, json_out);
            Ok(())
        }
        Some(BackupAction::Verify { name }) => {
            let (m, checked) = verify(&dir, target.as_ref(), name).await?;
            print_verified(&m, &checked, json_out)
        }
    }
}

/// `backup restore-tenant`: from the folder (`target` `None`) or the S3 target, recorded
/// in the audit log of the tenant that received the data.
async fn restore_tenant(
    (data_dir, url, s3): (&Path, Option<&DatabaseUrl>, &S3Args),
    dir: &Path,
    target: Option<&S3Blobs>,
    (tenant, backup): (&str, Option<&str>),
    into: restore::Target,
) -> Result<TenantRestored, String> {
    let store = super::database::open(data_dir, url).await?;
    let blobs = super::import::blobs(data_dir, s3)?;
    let work = super::import::work_dir(data_dir);
    let (store, blobs, src) = (&*store, blobs.as_ref(), source(url));
    let from = restore::FromBackup {
        backups: dir,
        name: backup,
        tenant,
        database: &src,
        work: &work,
    };
    let r = match target {
        None => restore::run(store, blobs, &from, into).await,
        Some(s3) => offsite::restore_tenant(store, blobs, s3, &from, into).await,
    };
    let r = r.map_err(|e| e.to_string())?;
    record_restore(store, &r).await?;
    Ok(r)
}

/// `backup verify [NAME]`: reads the backup back from the folder or the S3 target and
/// records the outcome beside it.
async fn verify(dir: &Path, target: Option<&S3Blobs>, name: Option<String>) -> Result<(Manifest, Verified), String> {
    let Some(s3) = target else {
        let dir = dir.to_owned();
        return blocking(move || {
            let m = backup::find(&dir, name.as_deref())?;
            let v = backup::verify_and_record(&dir, &m)?;
            Ok((m, v))
        })
        .await;
    };
    let m = offsite::find(s3, name.as_deref()).await?.ok_or_else(|| match &name {
        Some(n) => format!("no backup named {n} in the S3 backup target {}", s3.describe()),
        None => format!("no backup in the S3 backup target {}", s3.describe()),
    })?;
    let v = offsite::verify(s3, &m).await?;
    Ok((m, v))
}

/// `kiroku backup`: a backup into the folder, then its copy to the S3 target if any.
async fn create(
    data_dir: &Path,
    url: Option<&DatabaseUrl>,
    s3: &S3Args,
    args: &BackupArgs,
    json_out: bool,
) -> Result<(), String> {
    let src = source(url);
    if src == Source::Sqlite && !data_dir.join(crate::store::sqlite::snapshot::DATABASE_FILE).exists() {
        return Err(format!("{} holds no kiroku database", data_dir.display()));
    }
    // A bad S3 target is named before the backup runs.
    let target = args.s3.client()?;
    let files = super::import::content_files(data_dir, s3)?;
    let (data, dir, keep) = (data_dir.to_owned(), args.backup_dir.clone(), args.keep_days);
    let c = blocking(move || backup::create(&src, &data, &files, &dir, keep)).await?;
    let uploaded = match &target {
        Some(s3) => Some(
            offsite::upload(s3, &args.backup_dir, &c.manifest, keep)
                .await
                .map_err(|e| format!("backup {} was written to the folder, not to S3: {e}", c.manifest.name))?,
        ),
        None => None,
    };
    if json_out {
        let mut v = serde_json::to_value(&c).unwrap_or_default();
        if let (Some(u), Some(obj)) = (&uploaded, v.as_object_mut()) {
            obj.insert("s3".into(), serde_json::to_value(u).unwrap_or_default());
        }
        println!("{v}");
        return Ok(());
    }
    println!(
        "backup {} written: database {} bytes, {} content files ({} copied now); {} old backups removed",
        c.manifest.name,
        c.manifest.database_bytes,
        c.manifest.blobs.len(),
        c.blobs_copied,
        c.removed.len()
    );
    if let Some(u) = uploaded {
        println!(
            "copied to S3 and verified there: {} content files uploaded now; {} old backups and {} interrupted uploads removed",
            u.files_uploaded,
            u.removed.len(),
            u.leftovers_removed.len()
        );
    }
    Ok(())
}

fn print_list(all: &[Manifest], json_out: bool) {
    if json_out {
        println!("{}", serde_json::to_string(all).unwrap_or_default());
        return;
    }
    for m in all {
        println!(
            "{}\t{}\t{} files",
            m.name,
            clock::format_ms(m.created_ms),
            m.blobs.len()
        );
        print_tenants(m.tenants.as_deref());
    }
}

fn print_restored(r: &TenantRestored, json_out: bool) {
    if json_out {
        println!("{}", serde_json::to_string(r).unwrap_or_default());
        return;
    }
    println!(
        "tenant {} restored from backup {} as {} ({}): {:?}",
        r.tenant, r.backup, r.restored_as, r.mode, r.counts
    );
    if let Some(kept) = &r.kept_export {
        println!("its data from before the restore: {}", kept.display());
    }
}

/// A verification's outcome: an error when the backup is damaged.
fn print_verified(m: &Manifest, v: &Verified, json_out: bool) -> Result<(), String> {
    if json_out {
        println!(
            "{}",
            json!({ "name": m.name, "ok": v.ok(), "problems": v.problems, "verifiedMs": v.verified_ms })
        );
    } else if v.ok() {
        println!(
            "backup {} is sound: database and {} content files check",
            m.name,
            m.blobs.len()
        );
    }
    if v.ok() {
        Ok(())
    } else {
        Err(format!("backup {} is damaged: {}", m.name, v.problems.join("; ")))
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
    let (target, database) = (data_dir.to_owned(), source(url));
    let (m, files) = match args.target {
        BackupTarget::Folder => {
            let dir = args.backup_dir;
            blocking(move || {
                let m = backup::find(&dir, args.name.as_deref())?;
                let restored = backup::restore(&dir, &m, &target, &database, &files)?;
                Ok((m, restored))
            })
            .await?
        }
        BackupTarget::S3 => {
            let s3 = args.s3.required()?;
            // Downloaded beside the folder's backups (the data folder must stay empty); a
            // dot keeps it out of the folder's listing.
            let scratch = restore::scratch_in(&args.backup_dir, ".s3-download-")?;
            let got = offsite::download(&s3, args.name.as_deref(), scratch)
                .await
                .map_err(|e| e.to_string())?;
            blocking(move || {
                let restored = backup::restore(got.backups(), &got.manifest, &target, &database, &files)?;
                Ok((got.manifest.clone(), restored))
            })
            .await?
        }
    };
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
