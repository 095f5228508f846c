//! `/api/v1/packages`: upload, list, show, delete, and launch links.

use super::audit;
use crate::audit::Action;
use crate::http::client::ClientAddr;
use crate::http::extract::{Path, Query};
use crate::json::Put;
use std::sync::Arc;

use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{Admin, admin, upload};
use crate::http::error::ApiError;
use crate::lrs::LrsError;
use crate::ops::metrics::Event;
use crate::package::import::{self, delete_package, import_zip};
use crate::package::model::{Course, launch_summary};
use crate::server::AppState;
use crate::store::PackageVersion;

fn version_json(v: &PackageVersion, course: &Course) -> Value {
    let mut out = serde_json::to_value(v).unwrap_or_default();
    out.put("launchables", launch_summary(course));
    out
}

pub async fn upload(
    State(state): State<AppState>,
    from: ClientAddr,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let p = admin(&state, &headers).await?;
    p.require_tenant_wide()?;
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
    .await;
    let event = if imported.is_ok() {
        Event::ImportsAccepted
    } else {
        Event::ImportsRefused
    };
    state.metrics.count(event, 1);
    let imported = imported?;
    let v = &imported.version;
    tracing::info!(tenant.id = %p.tenant.id, package.id = %v.package_id, package.version = v.version,
        size_bytes = v.total_bytes, "package imported");
    let detail = json!({ "version": v.version, "kind": v.kind, "identifier": v.identifier });
    let target = format!("package:{}", v.package_id);
    audit::record(&state, &p, &from, Action::PackageImported, target, detail).await;
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
pub(super) async fn find_version(
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
    out.put("versions", json!(numbers));
    out.put("course", serde_json::to_value(&course).unwrap_or_default());
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
    from: ClientAddr,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<ForceQuery>,
) -> Result<Response, ApiError> {
    let p = admin(&state, &headers).await?;
    delete_for(&state, &p, &from, &id, q.force).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Deletes package `id` for a tenant-wide admin, with the audit entry: the API's and the
/// course page's call.
pub async fn delete_for(state: &AppState, p: &Admin, from: &ClientAddr, id: &str, force: bool) -> Result<(), ApiError> {
    p.require_tenant_wide()?;
    delete_package(state.store.as_ref(), state.blobs.as_ref(), p.tenant.id, id, force).await?;
    forget(state, id);
    tracing::info!(tenant.id = %p.tenant.id, package.id = %id, "package deleted");
    let detail = json!({ "force": force });
    audit::record(state, p, from, Action::PackageDeleted, format!("package:{id}"), detail).await;
    Ok(())
}

/// `DELETE /api/v1/packages/{id}/versions/{version}`: refused (409) while registrations
/// use the version, and for the package's only version.
pub async fn delete_version(
    State(state): State<AppState>,
    from: ClientAddr,
    headers: HeaderMap,
    Path((id, version)): Path<(String, u32)>,
) -> Result<Response, ApiError> {
    let p = admin(&state, &headers).await?;
    delete_version_for(&state, &p, &from, &id, version).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Deletes one version of package `id`, with the audit entry (the API's and the course
/// page's call).
pub async fn delete_version_for(
    state: &AppState,
    p: &Admin,
    from: &ClientAddr,
    id: &str,
    version: u32,
) -> Result<(), ApiError> {
    p.require_tenant_wide()?;
    import::delete_version(state.store.as_ref(), state.blobs.as_ref(), p.tenant.id, id, version).await?;
    forget(state, id);
    tracing::info!(tenant.id = %p.tenant.id, package.id = %id, version, "package version deleted");
    let detail = json!({ "version": version });
    audit::record(state, p, from, Action::PackageDeleted, format!("package:{id}"), detail).await;
    Ok(())
}

/// This server stops serving the package's deleted content at once; other servers within
/// `LOOKUP_TTL`.
fn forget(state: &AppState, id: &str) {
    state.caches.lookups.forget_package(id);
    state.caches.courses.forget_package(id);
}

pub async fn storage(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    let p = admin(&state, &headers).await?;
    p.require_tenant_wide()?;
    let bytes = state.store.storage_bytes(p.tenant.id).await?;
    Ok(Json(json!({ "bytes": bytes })).into_response())
}
