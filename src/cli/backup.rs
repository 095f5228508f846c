//! `kiroku backup [list | verify [NAME]]` and `kiroku restore [NAME]`: the CLI side of
//! `ops::backup`, run beside a serving kiroku (the snapshot is consistent while it writes).

use std::path::Path;

use serde_json::json;

use super::database::DatabaseUrl;
use super::{BackupAction, BackupCommandArgs, RestoreArgs, S3Args};
use crate::clock;
use crate::ops::backup::{self, Source};

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
