//! The operator API's backups (operator accounts and the `--operator-token` only; a
//! reseller admin gets 403): the retained backups of the folder and of the S3 target, with
//! each one's age, last verification and tenants, and one tenant restored from one of
//! them, as a copy or in place (`ops::restore`; from S3 through `ops::offsite`). The request
//! lasts as long as the restore; the answer says what was restored and, in place, where
//! the export of the data it replaced was kept.

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};

use super::accounts::manager;
use super::api::audit::append;
use super::client::ClientAddr;
use super::error::ApiError;
use crate::audit::Action;
use crate::http::extract::Path;
use crate::lrs::LrsError;
use crate::ops::backup::Source;
use crate::ops::offsite;
use crate::ops::restore::{self, FromBackup, Target};
use crate::ops::verified::{self, Status, Verified};
use crate::server::AppState;
use crate::store::sqlite::snapshot::CopiedTenant;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/operator/v1/backups", get(list))
        .route("/api/operator/v1/tenants/{name}/restore", post(restore_tenant))
}

/// A backup as listed: where it is, its manifest without the list of content files, its
/// age, and its last verification (`null`: never verified).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Listed {
    target: &'static str,
    name: String,
    created_ms: i64,
    age_seconds: i64,
    store: String,
    database_bytes: u64,
    files: usize,
    verified: Option<Verified>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tenants: Option<Vec<CopiedTenant>>,
}

impl Listed {
    fn of(s: Status, now_ms: i64) -> Self {
        let m = s.manifest;
        Self {
            target: s.target,
            files: m.blobs.len(),
            age_seconds: (now_ms - m.created_ms) / 1000,
            name: m.name,
            created_ms: m.created_ms,
            store: m.store,
            database_bytes: m.database_bytes,
            verified: s.verified,
            tenants: m.tenants,
        }
    }
}

fn backup_dir(state: &AppState) -> Result<std::path::PathBuf, ApiError> {
    state
        .config
        .backup_dir
        .clone()
        .ok_or_else(|| LrsError::NotFound("this server has no backup folder".into()).into())
}

/// The folder's backups, then the S3 target's (when configured), each oldest first.
async fn list(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    manager(&state, &headers).await?.require_operator()?;
    let dir = backup_dir(&state)?;
    let mut all = tokio::task::spawn_blocking(move || verified::folder_statuses(&dir))
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?
        .map_err(ApiError::Internal)?;
    if let Some(s3) = &state.config.backup_s3 {
        all.extend(offsite::statuses(s3).await.map_err(ApiError::Internal)?);
    }
    let now = crate::clock::now_ms();
    let listed: Vec<Listed> = all.into_iter().map(|s| Listed::of(s, now)).collect();
    Ok(Json(listed).into_response())
}

/// `{"backup"?, "as": NEW_NAME}` for a copy, `{"backup"?, "inPlace": true}` in place;
/// without `backup`, the newest.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RestoreBody {
    #[serde(default)]
    backup: Option<String>,
    #[serde(default, rename = "as")]
    as_name: Option<String>,
    #[serde(default)]
    in_place: bool,
    /// `folder` (the default) or `s3`.
    #[serde(default)]
    target: Option<String>,
}

async fn restore_tenant(
    State(state): State<AppState>,
    from: ClientAddr,
    headers: HeaderMap,
    Path(name): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let m = manager(&state, &headers).await?;
    m.require_operator()?;
    let b: RestoreBody = super::api::json_object(&body, "restore")?;
    let into = match (b.as_name, b.in_place) {
        (Some(new), false) => Target::Copy(new),
        (None, true) => Target::InPlace(None),
        _ => return Err(LrsError::bad("give either \"as\" (a new tenant's name) or \"inPlace\": true").into()),
    };
    let backups = backup_dir(&state)?;
    let s3 = match b.target.as_deref() {
        None | Some("folder") => None,
        Some("s3") => Some(
            state
                .config
                .backup_s3
                .clone()
                .ok_or_else(|| ApiError::from(LrsError::NotFound("this server has no S3 backup target".into())))?,
        ),
        Some(_) => return Err(LrsError::bad("\"target\" is \"folder\" or \"s3\"").into()),
    };
    let database = match &state.config.database_url {
        Some(url) => Source::Postgres(url.0.clone()),
        None => Source::Sqlite,
    };
    // A task of its own: a client that goes away must not cut a restore short (the tenant
    // would stay suspended, its staging copy half-filled).
    let (store, blobs, work) = (state.store.clone(), state.blobs.clone(), state.config.work_dir.clone());
    let task = tokio::spawn(async move {
        let source = FromBackup {
            backups: &backups,
            name: b.backup.as_deref(),
            tenant: &name,
            database: &database,
            work: &work,
        };
        match &s3 {
            None => restore::run(&*store, &*blobs, &source, into).await,
            Some(s3) => offsite::restore_tenant(&*store, &*blobs, s3, &source, into).await,
        }
    });
    let r = task.await.map_err(|e| ApiError::Internal(e.to_string()))??;
    if let Some(t) = state.store.tenant_by_name(&r.restored_as).await? {
        let (target, detail) = r.audit();
        append(&state, t.id, m.actor, &from, Action::TenantRestored, target, detail).await;
    }
    Ok(Json(r).into_response())
}
