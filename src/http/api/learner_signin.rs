//! A learner's portal sign-in, set by an admin: `PUT /api/v1/learners/{id}/password`
//! (`{"password"}`, hashed with argon2id off the async threads) and `POST
//! /api/v1/learners/{id}/invitation` (a one-time code, answered once with the portal link
//! that redeems it; the store keeps its digest). Both within the caller's realm (an
//! end-client admin: their own learners), both in the audit log without the secret.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{Admin, admin, audit, json_object};
use crate::audit::Action;
use crate::clock;
use crate::http::client::ClientAddr;
use crate::http::content::encode_path;
use crate::http::error::ApiError;
use crate::http::extract::Path;
use crate::lrs::LrsError;
use crate::portal;
use crate::server::AppState;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PasswordRequest {
    password: String,
}

/// Sets learner `id`'s portal password.
pub async fn set_password_for(
    state: &AppState,
    p: &Admin,
    from: &ClientAddr,
    id: &str,
    password: String,
) -> Result<(), ApiError> {
    p.learner(state, id).await?;
    portal::check_password(id, &password).map_err(LrsError::BadRequest)?;
    let phc = crate::http::accounts::login::hash(password).await?;
    state.store.set_learner_password(p.tenant.id, id, &phc).await?;
    audit::record(
        state,
        p,
        from,
        Action::LearnerPasswordSet,
        format!("learner:{id}"),
        json!({}),
    )
    .await;
    Ok(())
}

/// A new invitation code for learner `id` (replacing an unused one): the code, the link
/// that redeems it, and its expiry.
pub async fn invite_for(state: &AppState, p: &Admin, from: &ClientAddr, id: &str) -> Result<Value, ApiError> {
    p.learner(state, id).await?;
    let code = portal::new_invitation_code();
    let expires_ms = clock::now_ms() + portal::INVITATION_TTL_MS;
    state
        .store
        .set_invitation(p.tenant.id, id, portal::code_digest(&code), expires_ms)
        .await?;
    let detail = json!({ "expiresAt": clock::format_ms(expires_ms) });
    audit::record(state, p, from, Action::LearnerInvited, format!("learner:{id}"), detail).await;
    let url = format!(
        "{}/learn/{}/invite/{}",
        state.config.public_url,
        encode_path(p.tenant.name.as_str()),
        code
    );
    Ok(json!({ "learner": id, "code": code, "url": url, "expiresAt": clock::format_ms(expires_ms) }))
}

/// `PUT /api/v1/learners/{id}/password`.
pub async fn set_password(
    State(state): State<AppState>,
    from: ClientAddr,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let p = admin(&state, &headers).await?;
    let req: PasswordRequest = json_object(&body, "password")?;
    set_password_for(&state, &p, &from, &id, req.password).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `POST /api/v1/learners/{id}/invitation`.
pub async fn invite(
    State(state): State<AppState>,
    from: ClientAddr,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let p = admin(&state, &headers).await?;
    let out = invite_for(&state, &p, &from, &id).await?;
    Ok((StatusCode::CREATED, Json(out)).into_response())
}
