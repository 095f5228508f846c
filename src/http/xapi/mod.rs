//! The xAPI REST endpoint: one handler decodes every request under `/xapi/` (including
//! the alternate request syntax), authenticates it, checks the version header and
//! dispatches to the resource.

mod attachments;
mod cmi5;
mod documents;
mod meta;
mod multipart;
mod request;
mod statements;

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};

use super::auth::{Principal, authenticate};
use super::error::ApiError;
use crate::clock;
use crate::lrs::{LrsError, XapiVersion};
use crate::server::AppState;
pub use request::{Resource, XapiRequest};

pub const VERSION_HEADER: &str = "x-experience-api-version";

/// Everything a resource handler needs.
pub struct Ctx {
    pub state: AppState,
    pub principal: Principal,
    pub version: XapiVersion,
    pub req: XapiRequest,
}

pub async fn handle(
    State(state): State<AppState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let path = uri
        .path()
        .strip_prefix(super::XAPI_PREFIX)
        .unwrap_or("")
        .trim_start_matches('/')
        .to_owned();
    let asked = headers
        .get(VERSION_HEADER)
        .and_then(|v| v.to_str().ok())
        .and_then(XapiVersion::from_header);
    let (store_clock, store) = (std::sync::Arc::clone(&state.clock), std::sync::Arc::clone(&state.store));
    let (version, result) = dispatch(state, method, &path, uri.query(), headers, body).await;
    let mut resp = result.unwrap_or_else(IntoResponse::into_response);
    // Every response names its version and how far reads are consistent (clients poll
    // on the latter even after errors).
    let version = version.or(asked).unwrap_or(XapiVersion::V103);
    let h = resp.headers_mut();
    h.insert(VERSION_HEADER, HeaderValue::from_static(version.as_str()));
    // The store's clock, read after the request's own writes: never earlier than the
    // `stored` time of anything acknowledged, by this server or another (`ops::dbclock`).
    let through = store_clock.now_ms(&*store).await;
    if let Ok(v) = HeaderValue::from_str(&clock::format_ms(through)) {
        h.insert("x-experience-api-consistent-through", v);
    }
    resp
}

/// The version that answered (when known) and the response.
type Outcome = (Option<XapiVersion>, Result<Response, ApiError>);

async fn dispatch(
    state: AppState,
    method: Method,
    path: &str,
    query: Option<&str>,
    headers: HeaderMap,
    body: Body,
) -> Outcome {
    let Some(resource) = Resource::from_path(path) else {
        return (
            None,
            Err(LrsError::NotFound(format!("no xAPI resource at {path:?}")).into()),
        );
    };
    let req = match read_body(body, state.config.body_limit).await {
        Ok(body) => request::decode(method, resource, query, headers, body).map_err(ApiError::from),
        Err(e) => Err(e),
    };
    let req = match req {
        Ok(r) => r,
        Err(e) => return (None, Err(e)),
    };
    if resource == Resource::About {
        return (None, meta::about(&req));
    }
    let principal = match authenticate(&state, req.header("authorization")).await {
        Ok(p) => p,
        Err(e) => return (None, Err(e)),
    };
    let version = match request_version(&req) {
        Ok(v) => v,
        // Without a usable version header, the tenant's configured version answers.
        Err(e) => return (Some(principal.tenant.xapi_version), Err(e)),
    };
    let ctx = Ctx {
        state,
        principal,
        version,
        req,
    };
    let result = match resource {
        Resource::Statements => statements::handle(ctx).await,
        Resource::State | Resource::ActivityProfile | Resource::AgentProfile => documents::handle(ctx).await,
        Resource::Activities => meta::activities(ctx).await,
        Resource::Agents => meta::agents(ctx).await,
        // Answered above, before authentication; kept here so the match stays exhaustive.
        Resource::About => meta::about(&ctx.req),
    };
    (Some(version), result)
}

/// The version named by the request's `X-Experience-API-Version` header (required).
fn request_version(req: &XapiRequest) -> Result<XapiVersion, ApiError> {
    let Some(h) = req.header(VERSION_HEADER) else {
        return Err(LrsError::bad("the X-Experience-API-Version header is required").into());
    };
    let v = XapiVersion::from_header(h).ok_or_else(|| LrsError::bad(format!("unsupported xAPI version {h:?}")))?;
    if req.alternate && v == XapiVersion::V200 {
        return Err(LrsError::bad("xAPI 2.0.0 has no alternate request syntax").into());
    }
    Ok(v)
}

async fn read_body(body: Body, limit: usize) -> Result<Bytes, ApiError> {
    axum::body::to_bytes(body, limit).await.map_err(|e| {
        let too_large = std::error::Error::source(&e).is_some_and(|s| s.is::<http_body_util::LengthLimitError>());
        if too_large {
            LrsError::TooLarge(format!("the request body exceeds the limit of {limit} bytes")).into()
        } else {
            LrsError::bad(format!("cannot read the request body: {e}")).into()
        }
    })
}

/// A response with a body and content type.
pub fn with_body(status: StatusCode, content_type: &str, body: impl Into<Body>) -> Response {
    let mut r = Response::new(body.into());
    *r.status_mut() = status;
    if let Ok(v) = HeaderValue::from_str(content_type) {
        r.headers_mut().insert("content-type", v);
    }
    r
}

pub fn no_content() -> Response {
    StatusCode::NO_CONTENT.into_response()
}

/// Rejects parameters a resource does not know.
pub fn check_params(req: &XapiRequest, known: &[&str]) -> Result<(), ApiError> {
    let mut seen = std::collections::HashSet::new();
    for (k, _) in &req.params {
        if !known.contains(&k.as_str()) {
            return Err(LrsError::bad(format!("unknown parameter {k:?}")).into());
        }
        if !seen.insert(k.as_str()) {
            return Err(LrsError::bad(format!("parameter {k:?} given more than once")).into());
        }
    }
    Ok(())
}
