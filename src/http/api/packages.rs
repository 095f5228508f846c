//! `/api/v1/packages`: upload, list, show, delete, and launch links.

use std::sync::Arc;

use axum::Json;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{admin, json_object, upload};
use crate::clock;
use crate::http::error::ApiError;
use crate::launch::LaunchGrant;
use crate::lrs::LrsError;
use crate::package::import::{delete_package, import_zip};
use crate::package::model::{Course, LaunchHref, launch_summary};
use crate::server::AppState;
use crate::store::PackageVersion;

fn version_json(v: &PackageVersion, course: &Course) -> Value {
    let mut out = serde_json::to_value(v).unwrap_or_default();
    out["launchables"] = launch_summary(course);
    out
}

pub async fn upload(State(state): State<AppState>, headers: HeaderMap, body: Body) -> Result<Response, ApiError> {
    let p = admin(&state, &headers).await?;
    let cfg = &state.config;
    let spool = upload::spool(&headers, body, &cfg.work_dir, cfg.package_limits.max_upload_bytes).await?;
    let imported = import_zip(
        state.store.as_ref(),
        state.blobs.as_ref(),
        p.tenant.id,
        spool.path(),
        &cfg.work_dir,
        &cfg.package_limits,
        Arc::new(|_, _| {}),
    )
    .await?;
    let v = &imported.version;
    tracing::info!(tenant.id = %p.tenant.id, package.id = %v.package_id, package.version = v.version,
        size_bytes = v.total_bytes, "package imported");
    Ok((StatusCode::CREATED, Json(version_json(v, &imported.course))).into_response())
}

pub async fn list(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    let p = admin(&state, &headers).await?;
    let list = state.store.list_packages(p.tenant.id).await?;
    Ok(Json(json!({ "packages": list })).into_response())
}

#[derive(Debug, Deserialize)]
pub struct VersionQuery {
    version: Option<u32>,
}

/// The requested (or newest) version of a package and its course model.
async fn find_version(
    state: &AppState,
    tenant: crate::tenant::TenantId,
    id: &str,
    version: Option<u32>,
) -> Result<(PackageVersion, Vec<u32>, Course), ApiError> {
    let versions = state.store.package_versions(tenant, id).await?;
    let numbers: Vec<u32> = versions.iter().map(|v| v.version).collect();
    let chosen = match version {
        Some(n) => versions.into_iter().find(|v| v.version == n),
        None => versions.into_iter().last(),
    }
    .ok_or_else(|| {
        LrsError::NotFound(format!(
            "no package {id}{}",
            version.map(|n| format!(" version {n}")).unwrap_or_default()
        ))
    })?;
    let course_json = state
        .store
        .package_course(tenant, id, chosen.version)
        .await?
        .ok_or_else(|| LrsError::NotFound(format!("no package {id}")))?;
    let course: Course = serde_json::from_str(&course_json)
        .map_err(|e| ApiError::Internal(format!("stored course model of {id}: {e}")))?;
    Ok((chosen, numbers, course))
}

pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<VersionQuery>,
) -> Result<Response, ApiError> {
    let p = admin(&state, &headers).await?;
    let (v, numbers, course) = find_version(&state, p.tenant.id, &id, q.version).await?;
    let mut out = version_json(&v, &course);
    out["versions"] = json!(numbers);
    out["course"] = serde_json::to_value(&course).unwrap_or_default();
    Ok(Json(out).into_response())
}

#[derive(Debug, Deserialize)]
pub struct ForceQuery {
    #[serde(default)]
    force: bool,
}

/// Refused (409) while registrations use the package, unless `?force=true`.
pub async fn delete(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<ForceQuery>,
) -> Result<Response, ApiError> {
    let p = admin(&state, &headers).await?;
    delete_package(state.store.as_ref(), state.blobs.as_ref(), p.tenant.id, &id, q.force).await?;
    // This server stops serving it at once; other servers within LOOKUP_TTL.
    state.caches.lookups.forget_package(&id);
    tracing::info!(tenant.id = %p.tenant.id, package.id = %id, "package deleted");
    Ok(StatusCode::NO_CONTENT.into_response())
}

pub async fn storage(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    let p = admin(&state, &headers).await?;
    let bytes = state.store.storage_bytes(p.tenant.id).await?;
    Ok(Json(json!({ "bytes": bytes })).into_response())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LaunchRequest {
    learner: String,
    version: Option<u32>,
    item: Option<String>,
}

/// A launch link for one learner: signed, expiring, on the content origin.
pub async fn launch(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let p = admin(&state, &headers).await?;
    let req: LaunchRequest = json_object(&body, "launch request")?;
    if req.learner.is_empty() || req.learner.len() > 255 {
        return Err(LrsError::bad("learner must be 1 to 255 characters").into());
    }
    let (v, _, course) = find_version(&state, p.tenant.id, &id, req.version).await?;
    let items = course.launchables();
    let item = match &req.item {
        Some(want) => items
            .iter()
            .find(|l| &l.id == want)
            .ok_or_else(|| LrsError::NotFound(format!("no launchable item {want:?}")))?,
        None => items
            .first()
            .ok_or_else(|| LrsError::NotFound("the package has nothing to launch".into()))?,
    };
    let expires_ms = clock::now_ms() + i64::try_from(state.config.launch_ttl_secs).unwrap_or(0) * 1000;
    let grant = LaunchGrant {
        tenant: p.tenant.id.0,
        package: v.package_id.clone(),
        version: v.version,
        learner: req.learner,
        registration: None,
        expires_ms,
    };
    let token = state.grants.sign(&grant);
    let url = match &item.href {
        LaunchHref::Package { path, query, fragment } => {
            let q = query.as_ref().map(|q| format!("?{q}")).unwrap_or_default();
            let h = fragment.as_ref().map(|h| format!("#{h}")).unwrap_or_default();
            format!(
                "{}/content/{token}/{}{q}{h}",
                state.config.content_url,
                crate::http::content::encode_path(path)
            )
        }
        LaunchHref::Absolute(u) => u.clone(),
    };
    Ok(Json(json!({
        "url": url,
        "contentBase": format!("{}/content/{token}/", state.config.content_url),
        "expiresAt": clock::format_ms(expires_ms),
        "packageId": v.package_id,
        "version": v.version,
        "item": item.id,
    }))
    .into_response())
}
