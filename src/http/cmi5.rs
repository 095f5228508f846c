//! The fetch URL of a cmi5 session (cmi5 specification, section 8.2), on the app origin:
//! the first POST answers `{"auth-token": …}`, a Basic credential for the xAPI endpoint
//! limited to the session's learner, registration and AU while the session is open (the
//! launch credential of `auth.rs`); every later call, and a token that is not valid, answers the error JSON
//! the specification prescribes, with status 200 as it requires.

use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Router, http::HeaderValue, http::header};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::json;

use super::auth::LAUNCH_USER;
use super::error::ApiError;
use super::extract::Path;
use crate::cmi5::statements::fetch_error;
use crate::cmi5::usecase::{Cmi5Error, open_session};
use crate::launch::GrantError;
use crate::server::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/cmi5/fetch/{token}", post(fetch))
}

async fn fetch(State(state): State<AppState>, Path(token): Path<String>) -> Result<Response, ApiError> {
    let now = state.config.wall.now_ms();
    let g = match state.grants.verify_fetch(&token, now) {
        Ok(g) => g,
        Err(GrantError::Expired) => return Ok(answer(fetch_error(1, "the AU session has expired"))),
        Err(_) => return Ok(answer(fetch_error(2, "the fetch URL is not valid"))),
    };
    let session = g.fetch_session.clone().unwrap_or_default();
    let registration = g.registration.clone().unwrap_or_default();
    let timeout = match state.store.tenant_by_id(g.tenant_id()).await? {
        Some(t) => t.settings.cmi5_session_timeout_ms(),
        None => return Ok(answer(fetch_error(2, "the fetch URL is not valid"))),
    };
    match open_session(
        state.store.as_ref(),
        g.tenant_id(),
        &registration,
        &session,
        timeout,
        now,
    )
    .await
    {
        Ok(_) => {}
        Err(Cmi5Error::Closed) => return Ok(answer(fetch_error(1, "the AU session has ended"))),
        Err(e) => return Err(e.into()),
    }
    if !state
        .store
        .claim_cmi5_fetch(g.tenant_id(), &session, &registration, now)
        .await?
    {
        return Ok(answer(fetch_error(
            1,
            "The authorization token has already been returned.",
        )));
    }
    let mut credential = g;
    credential.fetch_session = None;
    credential.cmi5_session = Some(session);
    let secret = state.grants.sign(&credential);
    let token = STANDARD.encode(format!("{LAUNCH_USER}:{secret}"));
    Ok(answer(json!({ "auth-token": token })))
}

/// A fetch answer: never cached (it is a credential, or says one was given).
fn answer(body: serde_json::Value) -> Response {
    let mut r = Json(body).into_response();
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}
