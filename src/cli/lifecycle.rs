//! `tenant export | import | terminate | apply-retention` and `learner erase`.

use std::path::Path;

use super::commands::find_tenant;
use super::import::{blobs, work_dir};
use super::{S3Args, TenantCommand};
use crate::ops::{archive, erase};
use crate::store::Store;

type CmdResult = Result<(), String>;

pub async fn tenant(store: &dyn Store, data_dir: &Path, s3: &S3Args, cmd: TenantCommand, json: bool) -> CmdResult {
    let blobs = blobs(data_dir, s3)?;
    let blobs = blobs.as_ref();
    match cmd {
        TenantCommand::Export { name, out } => {
            let t = find_tenant(store, &name).await?;
            let report = archive::export(store, blobs, &t, &out)
                .await
                .map_err(|e| e.to_string())?;
            print(json, &report, || {
                format!(
                    "exported {} to {} ({} bytes): {:?}",
                    report.tenant,
                    out.display(),
                    report.bytes,
                    report.counts
                )
            });
            Ok(())
        }
        TenantCommand::Import { file, as_name } => {
            let report = archive::import(store, blobs, &file, as_name.as_deref(), &work_dir(data_dir))
                .await
                .map_err(|e| e.to_string())?;
            print(json, &report, || {
                format!("imported tenant {}: {:?}", report.tenant, report.counts)
            });
            Ok(())
        }
        TenantCommand::Terminate {
            name,
            export,
            yes_erase_everything,
        } => {
            if !yes_erase_everything {
                return Err("terminate erases the tenant's data: confirm with --yes-erase-everything".into());
            }
            let t = find_tenant(store, &name).await?;
            let report = erase::terminate(store, blobs, &t, &export)
                .await
                .map_err(|e| e.to_string())?;
            print(json, &report, || {
                let mut text = format!(
                    "terminated {}; archive {} ({} bytes)\nremoved:",
                    report.tenant, report.archive, report.archive_bytes
                );
                for (table, n) in &report.removed {
                    text.push_str(&format!("\n  {table}\t{n}"));
                }
                text.push_str(&format!(
                    "\n  content files\t{}\nremaining rows: 0 in every table",
                    report.files_removed
                ));
                text
            });
            Ok(())
        }
        TenantCommand::ApplyRetention { name } => {
            let t = find_tenant(store, &name).await?;
            let n = apply_retention(store, &t).await?;
            print(
                json,
                &serde_json::json!({ "tenant": name, "statementsDeleted": n }),
                || format!("{name}: {n} statements deleted"),
            );
            Ok(())
        }
        _ => Err("handled by cli::tenants".into()),
    }
}

/// Deletes the tenant's statements older than its retention period; how many went.
pub async fn apply_retention(store: &dyn Store, t: &crate::tenant::Tenant) -> Result<u64, String> {
    let Some(cutoff) = t.settings.retention_cutoff_ms(crate::clock::now_ms()) else {
        return Ok(0);
    };
    store
        .delete_statements_before(t.id, cutoff)
        .await
        .map_err(|e| e.to_string())
}

pub async fn erase_learner(store: &dyn Store, public_url: &str, tenant: &str, id: &str, json: bool) -> CmdResult {
    let t = find_tenant(store, tenant).await?;
    let counts = erase::erase_learner(store, public_url, &t, id)
        .await
        .map_err(|e| e.to_string())?;
    print(json, &counts, || {
        counts
            .iter()
            .map(|(table, n)| format!("{table}\t{n}"))
            .collect::<Vec<_>>()
            .join("\n")
    });
    Ok(())
}

fn print<T: serde::Serialize>(json: bool, value: &T, text: impl FnOnce() -> String) {
    if json {
        println!("{}", serde_json::to_string(value).unwrap_or_default());
    } else {
        println!("{}", text());
    }
}
