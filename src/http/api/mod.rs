//! The tenant admin API (`/api/v1/…`, JSON): packages, learners and registrations,
//! launches, and the tenant's audit log (every change here is recorded in it). Authenticated with a tenant credential holding the `admin` scope.

mod audit;
mod launch;
mod learners;
mod packages;
mod upload;

use axum::Router;
use axum::http::HeaderMap;
use axum::routing::{get, post};

use super::auth::{Principal, authenticate};
use super::error::ApiError;
use crate::server::AppState;
use crate::tenant::Access;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/packages", post(packages::upload).get(packages::list))
        .route("/api/v1/packages/{id}", get(packages::show).delete(packages::delete))
        .route("/api/v1/packages/{id}/launch", post(launch::by_package))
        .route("/api/v1/launch", post(launch::lms))
        .route("/api/v1/storage", get(packages::storage))
        .route("/api/v1/learners", post(learners::create).get(learners::list))
        .route(
            "/api/v1/learners/{id}",
            get(learners::show).put(learners::put).delete(learners::delete),
        )
        .route("/api/v1/learners/{id}/erase", post(learners::erase))
        .route(
            "/api/v1/registrations",
            post(learners::register).get(learners::registrations),
        )
        .route("/api/v1/registrations/{id}", get(learners::registration))
        .route("/api/v1/registrations/{id}/launch", post(launch::by_registration))
        .route("/api/v1/audit", get(audit::list))
}

/// The caller, who must hold the `admin` scope.
async fn admin(state: &AppState, headers: &HeaderMap) -> Result<Principal, ApiError> {
    let header = headers.get("authorization").and_then(|v| v.to_str().ok());
    let p = authenticate(state, header).await?;
    p.require(Access::Admin)?;
    Ok(p)
}

/// Decodes a JSON object body into `T`. Serde would also build a struct from an array of
/// its fields, which is no way to send a request: only objects are accepted.
pub(super) fn json_object<T: serde::de::DeserializeOwned>(body: &[u8], what: &str) -> Result<T, ApiError> {
    let first = body.iter().find(|b| !b.is_ascii_whitespace());
    if first != Some(&b'{') {
        return Err(crate::lrs::LrsError::bad(format!("the {what} must be a JSON object")).into());
    }
    serde_json::from_slice(body).map_err(|e| crate::lrs::LrsError::bad(format!("invalid {what}: {e}")).into())
}
