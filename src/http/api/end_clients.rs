//! `/api/v1/end-clients`: the tenant's end-client organisations. Tenant admins create,
//! list and delete them; an end-client admin sees only their own.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

use super::{Admin, admin, audit, json_object};
use crate::account::{EndClient, check_end_client_id};
use crate::audit::Action;
use crate::http::client::ClientAddr;
use crate::http::error::ApiError;
use crate::http::extract::Path;
use crate::lrs::LrsError;
use crate::server::AppState;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewEndClient {
    id: String,
    name: String,
}

pub async fn create(
    State(state): State<AppState>,
    from: ClientAddr,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let p = admin(&state, &headers).await?;
    let req: NewEndClient = json_object(&body, "end client")?;
    let e = create_for(&state, &p, &from, &req.id, &req.name).await?;
    Ok((StatusCode::CREATED, Json(e)).into_response())
}

/// Creates end client `id` for a tenant-wide admin (the API and the web app's page).
pub(crate) async fn create_for(
    state: &AppState,
    p: &Admin,
    from: &ClientAddr,
    id: &str,
    name: &str,
) -> Result<EndClient, ApiError> {
    p.require_tenant_wide()?;
    let id = check_end_client_id(id).map_err(LrsError::BadRequest)?;
    let name = crate::learner::check_name(name).map_err(LrsError::BadRequest)?;
    let e = state.store.create_end_client(p.tenant.id, &id, &name).await?;
    let target = format!("end-client:{id}");
    audit::record(state, p, from, Action::EndClientCreated, target, json!({})).await;
    Ok(e)
}

pub async fn list(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    let p = admin(&state, &headers).await?;
    let seen = visible_to(&state, &p).await?;
    Ok(Json(json!({ "endClients": seen })).into_response())
}

/// The end clients `p` sees (an end-client admin: their own).
pub(crate) async fn visible_to(state: &AppState, p: &Admin) -> Result<Vec<EndClient>, ApiError> {
    let all = state.store.list_end_clients(p.tenant.id).await?;
    Ok(all.into_iter().filter(|e| visible(p, &e.id)).collect())
}

fn visible(p: &Admin, id: &str) -> bool {
    p.end_client.as_deref().is_none_or(|mine| mine == id)
}

pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let p = admin(&state, &headers).await?;
    let e = state
        .store
        .end_client(p.tenant.id, &id)
        .await?
        .filter(|e| visible(&p, &e.id))
        .ok_or_else(|| LrsError::NotFound(format!("no end client {id:?}")))?;
    Ok(Json(e).into_response())
}

/// Refused (409) while learners or accounts belong to it.
pub async fn delete(
    State(state): State<AppState>,
    from: ClientAddr,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let p = admin(&state, &headers).await?;
    p.require_tenant_wide()?;
    state.store.delete_end_client(p.tenant.id, &id).await?;
    audit::record(
        &state,
        &p,
        &from,
        Action::EndClientDeleted,
        format!("end-client:{id}"),
        json!({}),
    )
    .await;
    Ok(StatusCode::NO_CONTENT.into_response())
}
