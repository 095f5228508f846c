//! The path and query extractors the handlers use: axum's, with their refusals turned
//! into `ApiError`s, so a malformed path segment or query parameter gets its status and
//! JSON body from `http::error` like every other refusal (400 naming the parameter).

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use super::error::ApiError;
use crate::lrs::LrsError;

/// `axum::extract::Path`, refusing through `ApiError`.
#[derive(Debug)]
pub struct Path<T>(pub T);

/// `axum::extract::Query`, refusing through `ApiError`.
#[derive(Debug)]
pub struct Query<T>(pub T);

impl<T, S> FromRequestParts<S> for Path<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(v)| Self(v))
            .map_err(|e| LrsError::bad(format!("invalid path: {}", e.body_text())).into())
    }
}

impl<T, S> FromRequestParts<S> for Query<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Query(v)| Self(v))
            .map_err(|e| LrsError::bad(format!("invalid query: {}", e.body_text())).into())
    }
}

/// Decodes a JSON request body, naming the field at fault (`invalid commit: seq: invalid
/// value: integer `-1`, expected u64`), so a client number out of range is a 400 that says
/// which one.
pub fn json_body<T: DeserializeOwned>(body: &[u8], what: &str) -> Result<T, ApiError> {
    let mut de = serde_json::Deserializer::from_slice(body);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let at = if path == "." {
            String::new()
        } else {
            format!("{path}: ")
        };
        LrsError::bad(format!("invalid {what}: {at}{}", e.inner()))
    })?;
    de.end().map_err(|e| LrsError::bad(format!("invalid {what}: {e}")))?;
    Ok(value)
}
