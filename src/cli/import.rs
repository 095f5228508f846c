//! `kiroku import TENANT FILE`: the same import as the admin API, from a terminal, with a
//! progress bar when stderr is one.

use crate::json::Put;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::{ImportArgs, S3Args};
use crate::blob::s3::S3Blobs;
use crate::blob::{BlobStore, LocalBlobs};
use crate::package::import::{ImportError, import_zip};
use crate::package::model::launch_summary;
use crate::store::Store;

/// Where uploads are spooled and packages staged: inside the data folder, so staged files
/// move into blob storage by rename.
pub fn work_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("tmp")
}

/// The content files as backups reach them: the data folder's, or the configured store's.
pub fn content_files(data_dir: &Path, s3: &S3Args) -> Result<crate::ops::backup::Files, String> {
    use crate::ops::backup::Files;
    if s3.s3_endpoint.is_none() {
        return Ok(Files::Folder(data_dir.join("blobs")));
    }
    Ok(Files::Store(blobs(data_dir, s3)?, tokio::runtime::Handle::current()))
}

/// The content-file store: S3-compatible storage when configured, else the data folder.
pub fn blobs(data_dir: &Path, s3: &S3Args) -> Result<Arc<dyn BlobStore>, String> {
    match super::s3::content_config(s3)? {
        Some(cfg) => Ok(Arc::new(S3Blobs::new(cfg).map_err(|e| e.to_string())?)),
        None => Ok(Arc::new(
            LocalBlobs::open(&data_dir.join("blobs")).map_err(|e| e.to_string())?,
        )),
    }
}

fn progress_bar() -> ProgressBar {
    let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
    let style = ProgressStyle::with_template("{spinner} unpacking [{bar:40}] {bytes}/{total_bytes} ({eta})")
        .map(|s| s.progress_chars("=> "))
        .unwrap_or_else(|_| ProgressStyle::default_bar());
    bar.set_style(style);
    bar
}

pub async fn run(
    store: &dyn Store,
    data_dir: &Path,
    s3: &S3Args,
    args: ImportArgs,
    json_out: bool,
) -> Result<(), String> {
    let tenant = store
        .tenant_by_name(&args.tenant)
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("no tenant named {:?}", args.tenant))?;
    if !args.file.is_file() {
        return Err(format!("{} is not a file", args.file.display()));
    }
    let blobs = blobs(data_dir, s3)?;
    let bar = progress_bar();
    let b = bar.clone();
    let progress = Arc::new(move |done: u64, total: u64| {
        b.set_length(total);
        b.set_position(done);
    });
    let result = import_zip(
        store,
        blobs.as_ref(),
        tenant.id,
        &args.file,
        &work_dir(data_dir),
        &args.limits.limits(),
        progress,
    )
    .await;
    bar.finish_and_clear();
    let imported = result.map_err(|e| refusal(&e, json_out))?;
    let v = &imported.version;
    let detail = serde_json::json!({ "version": v.version, "kind": v.kind, "identifier": v.identifier });
    let target = format!("package:{}", v.package_id);
    super::audit::record(store, tenant.id, crate::audit::Action::PackageImported, target, detail).await?;
    let launchables = launch_summary(&imported.course);
    let count = launchables.as_array().map_or(0, Vec::len);
    if json_out {
        let mut out = serde_json::to_value(v).unwrap_or_default();
        out.put("launchables", launchables);
        println!("{out}");
    } else {
        let edition = v
            .edition
            .as_deref()
            .map(|e| format!(" ({e} edition)"))
            .unwrap_or_default();
        println!(
            "imported {:?}: package {} version {}, {}{edition}",
            v.title, v.package_id, v.version, v.kind
        );
        println!(
            "{} files, {} bytes, {} launchable item(s)",
            v.file_count, v.total_bytes, count
        );
    }
    Ok(())
}

/// The message for a failed import: with the rule's name, and as JSON on stdout too when
/// `--json` is set, so scripts can tell refusals apart.
fn refusal(e: &ImportError, json_out: bool) -> String {
    let ImportError::Package(p) = e else {
        return e.to_string();
    };
    if json_out {
        let mut err = serde_json::json!({ "rule": p.rule(), "message": p.to_string() });
        if let Some(f) = p.file() {
            err.put("file", f);
        }
        if let Some(pos) = p.position() {
            err.put("line", pos.line);
            err.put("column", pos.column);
        }
        println!("{}", serde_json::json!({ "error": err }));
    }
    format!("{p} (rule: {})", p.rule())
}
