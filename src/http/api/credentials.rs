//! `/api/v1/credentials`: the tenant's xAPI and admin-API credentials, for a tenant admin
//! (not an end-client admin). The secret is in the creation answer only.

use crate::http::extract::Path;
use crate::json::Put;
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

use super::{admin, audit, json_object};
use crate::audit::Action;
use crate::http::client::ClientAddr;
use crate::http::error::ApiError;
use crate::lrs::LrsError;
use crate::server::AppState;
use crate::tenant::{Scope, ScopeSet, issue};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewCredentialBody {
    /// Scope names; default `["all"]`.
    #[serde(default)]
    scopes: Vec<String>,
    #[serde(default)]
    label: String,
}

pub async fn create(
    State(state): State<AppState>,
    from: ClientAddr,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let p = admin(&state, &headers).await?;
    p.require_tenant_wide()?;
    let req: NewCredentialBody = json_object(&body, "credential")?;
    let scopes: Vec<Scope> = if req.scopes.is_empty() {
        vec![Scope::All]
    } else {
        req.scopes
            .iter()
            .map(|s| Scope::parse(s))
            .collect::<Result<_, _>>()
            .map_err(LrsError::BadRequest)?
    };
    crate::tenant::check_label(&req.label).map_err(LrsError::BadRequest)?;
    let issued = issue(ScopeSet::new(scopes), req.label);
    let cred = state.store.create_credential(p.tenant.id, issued.new).await?;
    let detail = json!({ "scopes": cred.scopes.to_text(), "label": cred.label });
    audit::record(
        &state,
        &p,
        &from,
        Action::CredentialCreated,
        format!("credential:{}", cred.key),
        detail,
    )
    .await;
    let mut body = serde_json::to_value(&cred).unwrap_or_default();
    body.put("secret", json!(issued.secret));
    body.put("endpoint", json!(state.config.xapi_endpoint()));
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

pub async fn list(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    let p = admin(&state, &headers).await?;
    p.require_tenant_wide()?;
    let list = state.store.list_credentials(p.tenant.id).await?;
    Ok(Json(json!({ "credentials": list })).into_response())
}

pub async fn revoke(
    State(state): State<AppState>,
    from: ClientAddr,
    headers: HeaderMap,
    Path(key): Path<String>,
) -> Result<Response, ApiError> {
    let p = admin(&state, &headers).await?;
    p.require_tenant_wide()?;
    if !state.store.revoke_credential(p.tenant.id, &key).await? {
        return Err(LrsError::NotFound(format!("no active credential {key:?}")).into());
    }
    audit::record(
        &state,
        &p,
        &from,
        Action::CredentialRevoked,
        format!("credential:{key}"),
        json!({}),
    )
    .await;
    Ok(StatusCode::NO_CONTENT.into_response())
}
