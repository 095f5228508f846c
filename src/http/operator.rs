//! The operator API (`/api/operator/v1/…`, JSON, app origin): tenants (create, list, show
//! with usage, change plan, suspend, resume) and plans (create, list). Authenticated by
//! `operator` alone, a bearer token from `--operator-token`; accounts with roles replace
//! that one function later.

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use serde::Deserialize;

use super::error::ApiError;
use crate::operator::{self as op, TenantView};
use crate::server::AppState;
use crate::tenant::{Quotas, constant_time_eq};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/operator/v1/tenants", post(create_tenant).get(list_tenants))
        .route("/api/operator/v1/tenants/{name}", get(show_tenant))
        .route("/api/operator/v1/tenants/{name}/plan", put(set_plan))
        .route("/api/operator/v1/tenants/{name}/suspend", post(suspend))
        .route("/api/operator/v1/tenants/{name}/resume", post(resume))
        .route("/api/operator/v1/plans", post(create_plan).get(list_plans))
}

/// The one check of the operator's identity: `Authorization: Bearer <token>` compared in
/// constant time with the configured token. Without a configured token the operator API
/// is refused as disabled.
fn operator(state: &AppState, headers: &HeaderMap) -> Result<(), ApiError> {
    let Some(token) = &state.config.operator_token else {
        return Err(ApiError::Operator {
            configured: false,
            message: "the operator API is disabled: start kiroku with --operator-token (KIROKU_OPERATOR_TOKEN)".into(),
        });
    };
    let presented = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|h| h.strip_prefix("Bearer "))
        .unwrap_or("");
    if presented.is_empty() || !constant_time_eq(presented.as_bytes(), token.0.as_bytes()) {
        return Err(ApiError::Operator {
            configured: true,
            message: "the operator API needs Authorization: Bearer <operator token>".into(),
        });
    }
    Ok(())
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct NewTenantBody {
    name: String,
    #[serde(default)]
    plan: Option<String>,
    #[serde(default = "default_version")]
    xapi_version: String,
}

fn default_version() -> String {
    "2.0.0".into()
}

async fn create_tenant(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Result<Response, ApiError> {
    operator(&state, &headers)?;
    let b: NewTenantBody = super::api::json_object(&body, "tenant")?;
    let t = op::create_tenant(&*state.store, &b.name, &b.xapi_version, b.plan.as_deref()).await?;
    Ok((StatusCode::CREATED, Json(t)).into_response())
}

async fn list_tenants(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    operator(&state, &headers)?;
    Ok(Json(state.store.list_tenants().await?).into_response())
}

async fn show_tenant(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(name): Path<String>,
) -> Result<Json<TenantView>, ApiError> {
    operator(&state, &headers)?;
    Ok(Json(op::show_tenant(&*state.store, &name).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PlanBody {
    plan: String,
}

async fn set_plan(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(name): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    operator(&state, &headers)?;
    let b: PlanBody = super::api::json_object(&body, "plan change")?;
    Ok(Json(op::set_plan(&*state.store, &name, &b.plan).await?).into_response())
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct SuspendBody {
    #[serde(default)]
    reason: Option<String>,
}

async fn suspend(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(name): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    operator(&state, &headers)?;
    let b: SuspendBody = if body.iter().all(u8::is_ascii_whitespace) {
        SuspendBody::default()
    } else {
        super::api::json_object(&body, "suspension")?
    };
    Ok(Json(op::suspend(&*state.store, &name, b.reason).await?).into_response())
}

async fn resume(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(name): Path<String>,
) -> Result<Response, ApiError> {
    operator(&state, &headers)?;
    Ok(Json(op::resume(&*state.store, &name).await?).into_response())
}

/// (`deny_unknown_fields` does not work with `flatten`: unknown fields are ignored here.)
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct NewPlanBody {
    name: String,
    #[serde(flatten)]
    quotas: Quotas,
}

async fn create_plan(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Result<Response, ApiError> {
    operator(&state, &headers)?;
    let b: NewPlanBody = super::api::json_object(&body, "plan")?;
    let p = op::create_plan(&*state.store, &b.name, b.quotas).await?;
    Ok((StatusCode::CREATED, Json(p)).into_response())
}

async fn list_plans(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    operator(&state, &headers)?;
    Ok(Json(state.store.list_plans().await?).into_response())
}
