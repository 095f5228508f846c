//! `GET /api/openapi.json`: the OpenAPI 3.1 description of the app origin's `/api/` routes
//! (admin, reporting, accounts, operator), the file `openapi.json` beside this one, embedded
//! in the binary. Public and cacheable: it describes the service, not anyone's data. A test
//! (`tests/integration/openapi.rs`) holds its paths to the routers' declared routes.

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Value, json};

use super::error::ApiError;
use crate::json::Put;
use crate::server::AppState;

/// The description as written in the source tree.
const DOCUMENT: &str = include_str!("openapi.json");

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/openapi.json", get(document))
}

/// The document with `servers` naming this server's public URL, so a client generated from
/// it (or a viewer) calls the service it came from. Parsed on each request rather than
/// kept: it is fetched rarely, and the public URL differs between servers in one process.
async fn document(State(state): State<AppState>) -> Result<Response, ApiError> {
    let mut doc: Value =
        serde_json::from_str(DOCUMENT).map_err(|e| ApiError::Internal(format!("the embedded openapi.json: {e}")))?;
    doc.put("servers", json!([{ "url": state.config.public_url }]));
    let mut resp = Json(doc).into_response();
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=3600"));
    Ok(resp)
}
