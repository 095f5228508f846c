//! The document resources: State, Activity Profile and Agent Profile.

use axum::http::{HeaderValue, Method, StatusCode};
use axum::response::Response;
use serde_json::Value;

use super::{Ctx, Resource, check_params, no_content, with_body};
use crate::clock;
use crate::http::error::ApiError;
use crate::lrs::document::{DocKey, DocKind, DocScope, DocWrite, Unconditional, WriteMode};
use crate::lrs::query::{parse_agent, time_param};
use crate::lrs::{LrsError, XapiVersion, formats};
use crate::tenant::Access;

/// The parameters each resource takes, and which names its document id.
struct Shape {
    kind: DocKind,
    id_param: &'static str,
    params: &'static [&'static str],
}

fn shape(resource: Resource) -> Shape {
    match resource {
        Resource::State => Shape {
            kind: DocKind::State,
            id_param: "stateId",
            params: &["activityId", "agent", "registration", "stateId", "since"],
        },
        Resource::ActivityProfile => Shape {
            kind: DocKind::ActivityProfile,
            id_param: "profileId",
            params: &["activityId", "profileId", "since"],
        },
        _ => Shape {
            kind: DocKind::AgentProfile,
            id_param: "profileId",
            params: &["agent", "profileId", "since"],
        },
    }
}

fn required<'a>(ctx: &'a Ctx, name: &str) -> Result<&'a str, ApiError> {
    ctx.req
        .param(name)
        .ok_or_else(|| LrsError::bad(format!("the {name} parameter is required")).into())
}

fn scope(ctx: &Ctx, shape: &Shape) -> Result<DocScope, ApiError> {
    let mut s = DocScope {
        kind: shape.kind,
        activity: String::new(),
        agent: String::new(),
        registration: String::new(),
    };
    if shape.params.contains(&"activityId") {
        let a = required(ctx, "activityId")?;
        if !formats::is_iri(a) {
            return Err(LrsError::bad(format!("activityId {a:?} is not an IRI")).into());
        }
        s.activity = a.to_owned();
    }
    if shape.params.contains(&"agent") {
        s.agent = parse_agent(required(ctx, "agent")?, ctx.version)?;
    }
    if let Some(r) = ctx.req.param("registration") {
        if !formats::is_uuid(r) {
            return Err(LrsError::bad(format!("registration {r:?} is not a UUID")).into());
        }
        s.registration = r.to_ascii_lowercase();
    }
    Ok(s)
}

/// The longest activity id, agent key and document id a document is kept under, in bytes:
/// together they are one PostgreSQL index entry, which must stay under about 2,700 bytes.
const MAX_ACTIVITY_BYTES: usize = 1000;
const MAX_AGENT_BYTES: usize = 500;
const MAX_ID_BYTES: usize = 1000;

/// A document's key must fit every store: bounded lengths, and no U+0000 (PostgreSQL text
/// cannot hold it).
fn check_key(scope: &DocScope, id: Option<&str>, id_param: &str) -> Result<(), ApiError> {
    let too_long = [
        ("activityId", scope.activity.as_str(), MAX_ACTIVITY_BYTES),
        ("agent", scope.agent.as_str(), MAX_AGENT_BYTES),
        (id_param, id.unwrap_or(""), MAX_ID_BYTES),
    ]
    .into_iter()
    .find(|(_, v, max)| v.len() > *max);
    if let Some((name, _, max)) = too_long {
        return Err(LrsError::bad(format!("{name} is longer than {max} bytes")).into());
    }
    if id.is_some_and(|i| i.contains('\0')) {
        return Err(LrsError::bad(format!("{id_param} must not contain U+0000")).into());
    }
    Ok(())
}

pub async fn handle(ctx: Ctx) -> Result<Response, ApiError> {
    let shape = shape(ctx.req.resource);
    check_params(&ctx.req, shape.params)?;
    let (read, write) = if shape.kind == DocKind::State {
        (Access::ReadState, Access::WriteState)
    } else {
        (Access::ReadProfile, Access::WriteProfile)
    };
    let scope = scope(&ctx, &shape)?;
    let id = ctx.req.param(shape.id_param).map(str::to_owned);
    check_key(&scope, id.as_deref(), shape.id_param)?;
    if ctx.req.param("since").is_some() && (id.is_some() || !matches!(ctx.req.method, Method::GET | Method::HEAD)) {
        return Err(LrsError::bad(format!(
            "since is only allowed when getting several documents (without {})",
            shape.id_param
        ))
        .into());
    }
    if let Some(bound) = &ctx.principal.learner {
        let writes = !matches!(ctx.req.method, Method::GET | Method::HEAD);
        bound.check_document(&scope.agent, &scope.registration, &scope.activity, writes)?;
        if let Some(session) = &bound.cmi5 {
            super::cmi5::document(&ctx, session, shape.kind, id.as_deref()).await?;
        }
    }
    match (ctx.req.method.clone(), id) {
        (Method::GET | Method::HEAD, Some(id)) => {
            ctx.principal.require(read)?;
            get_one(&ctx, DocKey { scope, id }).await
        }
        (Method::GET | Method::HEAD, None) => {
            ctx.principal.require(read)?;
            get_ids(&ctx, &scope).await
        }
        (m @ (Method::PUT | Method::POST), Some(id)) => {
            ctx.principal.require(write)?;
            let mode = if m == Method::PUT {
                WriteMode::Replace
            } else {
                WriteMode::Merge
            };
            put(&ctx, DocKey { scope, id }, mode).await
        }
        (Method::DELETE, Some(id)) => {
            ctx.principal.require(write)?;
            let (im, inm) = (header(&ctx, "if-match"), header(&ctx, "if-none-match"));
            ctx.state
                .store
                .delete_document(ctx.principal.tenant.id, DocKey { scope, id }, im, inm)
                .await?;
            Ok(no_content())
        }
        (Method::DELETE, None) if shape.kind == DocKind::State => {
            ctx.principal.require(write)?;
            ctx.state.store.delete_documents(ctx.principal.tenant.id, scope).await?;
            Ok(no_content())
        }
        (Method::PUT | Method::POST | Method::DELETE, None) => {
            Err(LrsError::bad(format!("the {} parameter is required", shape.id_param)).into())
        }
        (m, _) => Err(LrsError::bad(format!("{m} is not supported on this resource")).into()),
    }
}

fn header(ctx: &Ctx, name: &str) -> Option<String> {
    ctx.req.header(name).map(str::to_owned)
}

async fn get_one(ctx: &Ctx, key: DocKey) -> Result<Response, ApiError> {
    let doc = ctx
        .state
        .store
        .document(ctx.principal.tenant.id, &key)
        .await?
        .ok_or_else(|| LrsError::NotFound(format!("no document {:?}", key.id)))?;
    let mut resp = with_body(StatusCode::OK, &doc.content_type, doc.content);
    let h = resp.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&format!("\"{}\"", doc.etag)) {
        h.insert("etag", v);
    }
    if let Ok(v) = HeaderValue::from_str(&clock::http_date(doc.updated_ms)) {
        h.insert("last-modified", v);
    }
    Ok(resp)
}

async fn get_ids(ctx: &Ctx, scope: &DocScope) -> Result<Response, ApiError> {
    let since = ctx.req.param("since").map(|s| time_param(s, "since")).transpose()?;
    let ids = ctx
        .state
        .store
        .document_ids(ctx.principal.tenant.id, scope, since)
        .await?;
    Ok(with_body(
        StatusCode::OK,
        "application/json",
        Value::from(ids).to_string(),
    ))
}

async fn put(ctx: &Ctx, key: DocKey, mode: WriteMode) -> Result<Response, ApiError> {
    let content_type = ctx
        .req
        .header("content-type")
        .unwrap_or("application/octet-stream")
        .to_owned();
    let unconditional = match (key.scope.kind, ctx.version) {
        (DocKind::State, XapiVersion::V103) => Unconditional::Allowed,
        (DocKind::State, XapiVersion::V200) => Unconditional::ConflictIfExists,
        _ => Unconditional::Refused,
    };
    let write = DocWrite {
        mode,
        content_type,
        content: ctx.req.body.to_vec(),
        if_match: header(ctx, "if-match"),
        if_none_match: header(ctx, "if-none-match"),
        unconditional,
    };
    let doc = ctx
        .state
        .store
        .write_document(ctx.principal.tenant.id, key, write)
        .await?;
    let mut resp = no_content();
    if let Ok(v) = HeaderValue::from_str(&format!("\"{}\"", doc.etag)) {
        resp.headers_mut().insert("etag", v);
    }
    Ok(resp)
}
