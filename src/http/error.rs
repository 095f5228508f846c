//! The one place where domain and store errors become HTTP statuses.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::launch::LaunchRefusal;
use crate::lrs::LrsError;
use crate::package::import::ImportError;
use crate::package::{ErrorClass, PackageError};
use crate::store::StoreError;

#[derive(Debug)]
pub enum ApiError {
    Lrs(LrsError),
    /// A refused package upload: the body names the rule, the file and the position.
    Package(PackageError),
    /// A verified launch refused: what it names is gone, or the one-ID-one-person policy.
    /// The body carries the refusal's `reason`.
    Launch(LaunchRefusal),
    /// Missing or wrong credentials (401, with a Basic challenge).
    Unauthorized(String),
    /// Logged once here; the client sees a generic message.
    Internal(String),
}

impl From<LrsError> for ApiError {
    fn from(e: LrsError) -> Self {
        Self::Lrs(e)
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Rejected(l) => Self::Lrs(l),
            StoreError::Backend(m) => Self::Internal(m),
        }
    }
}

impl ApiError {
    /// The status table: every error kind maps to exactly one status here.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::Lrs(LrsError::BadRequest(_)) => StatusCode::BAD_REQUEST,
            Self::Lrs(LrsError::Forbidden(_)) => StatusCode::FORBIDDEN,
            Self::Lrs(LrsError::NotFound(_)) => StatusCode::NOT_FOUND,
            Self::Lrs(LrsError::Conflict(_)) => StatusCode::CONFLICT,
            Self::Lrs(LrsError::PreconditionFailed(_)) => StatusCode::PRECONDITION_FAILED,
            Self::Lrs(LrsError::TooLarge(_)) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::Package(p) => match p.class() {
                ErrorClass::BadRequest => StatusCode::BAD_REQUEST,
                ErrorClass::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
                ErrorClass::Unprocessable => StatusCode::UNPROCESSABLE_ENTITY,
            },
            Self::Launch(LaunchRefusal::LearnerDeleted | LaunchRefusal::RegistrationDeleted) => StatusCode::FORBIDDEN,
            Self::Launch(LaunchRefusal::ConcurrentLaunch | LaunchRefusal::EndedByNewerLaunch) => StatusCode::CONFLICT,
            Self::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        if let Self::Package(p) = &self {
            return (status, Json(package_error_body(status, p))).into_response();
        }
        if let Self::Launch(r) = &self {
            let body = json!({ "error": { "code": status.as_u16(), "reason": r.reason(), "message": r.to_string() } });
            return (status, Json(body)).into_response();
        }
        let message = match &self {
            Self::Lrs(e) => e.to_string(),
            Self::Package(e) => e.to_string(),
            Self::Launch(e) => e.to_string(),
            Self::Unauthorized(m) => m.clone(),
            Self::Internal(detail) => {
                tracing::error!(error = %detail, "internal error");
                "internal error; the server log has the details".to_owned()
            }
        };
        let mut resp = (
            status,
            Json(json!({ "error": { "code": status.as_u16(), "message": message } })),
        )
            .into_response();
        if status == StatusCode::UNAUTHORIZED {
            resp.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"kiroku\""),
            );
        }
        resp
    }
}

impl From<LaunchRefusal> for ApiError {
    fn from(e: LaunchRefusal) -> Self {
        Self::Launch(e)
    }
}

impl From<PackageError> for ApiError {
    fn from(e: PackageError) -> Self {
        Self::Package(e)
    }
}

impl From<ImportError> for ApiError {
    fn from(e: ImportError) -> Self {
        match e {
            ImportError::Package(p) => Self::Package(p),
            ImportError::Store(s) => s.into(),
            other => Self::Internal(other.to_string()),
        }
    }
}

fn package_error_body(status: StatusCode, p: &PackageError) -> serde_json::Value {
    let mut e = json!({ "code": status.as_u16(), "rule": p.rule(), "message": p.to_string() });
    if let Some(f) = p.file() {
        e["file"] = json!(f);
    }
    if let Some(pos) = p.position() {
        e["line"] = json!(pos.line);
        e["column"] = json!(pos.column);
    }
    json!({ "error": e })
}
