//! The Statements resource: PUT, POST, GET and HEAD.

use axum::http::{HeaderValue, Method, StatusCode};
use axum::response::Response;
use serde_json::{Value, json};

use super::attachments::{Incoming, decode_body, multipart_response};
use super::{Ctx, check_params, no_content, with_body};
use crate::clock;
use crate::http::error::ApiError;
use crate::lrs::output::{accept_languages, apply_format};
use crate::lrs::query::{Format, StatementRequest, parse_request};
use crate::lrs::statement::{Storer, prepare};
use crate::lrs::{LrsError, formats};
use crate::ops::metrics::Event;
use crate::store::{RuntimeWrites, StoredStatement};
use crate::tenant::Access;

pub async fn handle(ctx: Ctx) -> Result<Response, ApiError> {
    match ctx.req.method {
        Method::GET | Method::HEAD => get(ctx).await,
        Method::PUT => put(ctx).await,
        Method::POST => post(ctx).await,
        ref m => Err(LrsError::bad(format!("{m} is not supported on the Statements resource")).into()),
    }
}

fn storer(ctx: &Ctx) -> Storer {
    let c = &ctx.principal.credential;
    let authority = json!({
        "objectType": "Agent",
        "name": if c.label.is_empty() { c.key.clone() } else { c.label.clone() },
        "account": { "homePage": ctx.state.config.public_url, "name": c.key },
    });
    Storer {
        authority,
        version: ctx.version,
    }
}

async fn store_all(ctx: &Ctx, incoming: Incoming, put_id: Option<&str>) -> Result<Vec<String>, ApiError> {
    if let Some(bound) = &ctx.principal.learner {
        if let Some(session) = &bound.cmi5 {
            let p = &ctx.principal;
            crate::http::gate::check_statements(&ctx.state, &p.tenant, incoming.statements.len()).await?;
            let ids = super::cmi5::record(ctx, session, incoming, put_id, &storer(ctx)).await?;
            ctx.state.metrics.count(Event::StatementsStored, ids.len() as u64);
            return Ok(ids);
        }
        incoming.statements.iter().try_for_each(|s| bound.check_statement(s))?;
    }
    // An xAPI course's statements keep its registration's report rows, in their own
    // transaction (`report::xapi`); a resend adds nothing.
    let mut report = None;
    if let Some(b) = &ctx.principal.learner
        && let Some(registration) = b.registration.as_deref()
    {
        let tenant = ctx.principal.tenant.id;
        let new = crate::report::xapi::not_stored(ctx.state.store.as_ref(), tenant, &incoming.statements).await?;
        report = crate::report::xapi::of_batch(&b.activity, registration, &new, clock::now_ms());
    }
    let storer = storer(ctx);
    let prepared = incoming
        .statements
        .into_iter()
        .map(|s| prepare(s, &storer, put_id))
        .collect::<Result<Vec<_>, _>>()?;
    let mut seen = std::collections::HashSet::new();
    if let Some(dup) = prepared.iter().find(|p| !seen.insert(p.id.as_str())) {
        return Err(LrsError::bad(format!("statement id {} occurs more than once in the batch", dup.id)).into());
    }
    let p = &ctx.principal;
    crate::http::gate::check_statements(&ctx.state, &p.tenant, prepared.len()).await?;
    let store = &ctx.state.store;
    let ids = match report {
        None => {
            store
                .insert_statements(p.tenant.id, &p.credential.key, prepared, incoming.attachments)
                .await?
        }
        Some(report) => {
            let ids = prepared.iter().map(|s| s.id.clone()).collect();
            let writes = RuntimeWrites {
                attempts: Vec::new(),
                registration_state: None,
                credential: p.credential.key.clone(),
                statements: prepared,
                attachments: incoming.attachments,
                documents: Vec::new(),
                report: Some(report),
            };
            store.apply_runtime(p.tenant.id, writes).await?;
            ids
        }
    };
    ctx.state.metrics.count(Event::StatementsStored, ids.len() as u64);
    Ok(ids)
}

async fn put(ctx: Ctx) -> Result<Response, ApiError> {
    ctx.principal.require(Access::WriteStatements)?;
    check_params(&ctx.req, &["statementId"])?;
    let id = ctx
        .req
        .param("statementId")
        .ok_or_else(|| LrsError::bad("PUT needs the statementId parameter"))?
        .to_owned();
    if !formats::is_uuid(&id) {
        return Err(LrsError::bad(format!("statementId {id:?} is not a UUID")).into());
    }
    let incoming = decode_body(&ctx.req)?;
    if incoming.batch {
        return Err(LrsError::bad("PUT takes a single statement, not an array").into());
    }
    store_all(&ctx, incoming, Some(&id)).await?;
    Ok(no_content())
}

async fn post(ctx: Ctx) -> Result<Response, ApiError> {
    ctx.principal.require(Access::WriteStatements)?;
    check_params(&ctx.req, &[])?;
    let incoming = decode_body(&ctx.req)?;
    let ids = store_all(&ctx, incoming, None).await?;
    Ok(with_body(
        StatusCode::OK,
        "application/json",
        Value::from(ids).to_string(),
    ))
}

async fn get(ctx: Ctx) -> Result<Response, ApiError> {
    ctx.principal.require(Access::ReadStatements)?;
    let request = parse_request(&ctx.req.params, ctx.version)?;
    let mine = ctx
        .principal
        .credential
        .scopes
        .only_mine()
        .then(|| ctx.principal.credential.key.clone());
    let langs = accept_languages(ctx.req.header("accept-language"));
    let tenant = ctx.principal.tenant.id;
    let store = &ctx.state.store;
    let (body, rendered, attachments, last_modified) = match request {
        StatementRequest::One {
            id,
            voided,
            format,
            attachments,
        } => {
            let s = store
                .statement(tenant, &id, voided, mine.as_deref())
                .await?
                .ok_or_else(|| LrsError::NotFound(format!("no statement with id {id}")))?;
            let rendered = render(vec![s.clone()], format, &langs)?;
            (rendered.concat(), rendered, attachments, Some(s.stored_ms))
        }
        StatementRequest::Many(mut q) => {
            q.mine = mine;
            let page = store.query_statements(tenant, &q).await?;
            let more = page
                .more_after
                .map(|last| {
                    let token = q.more_token(last, page.upto_seq);
                    format!("{}/statements?more={token}", ctx.state.config.xapi_path)
                })
                .unwrap_or_default();
            let newest = page.statements.iter().map(|s| s.stored_ms).max();
            let rendered = render(page.statements, q.format, &langs)?;
            // Statements are JSON text already: the result is assembled, not re-serialized.
            let body = format!(
                "{{\"statements\":[{}],\"more\":{}}}",
                rendered.join(","),
                Value::from(more)
            );
            (body, rendered, q.attachments, newest)
        }
    };
    let mut resp = if attachments {
        let mut hashes: Vec<String> = rendered.iter().flat_map(|s| attachment_hashes(s)).collect();
        hashes.sort();
        hashes.dedup();
        let found = store.attachments(tenant, hashes).await?;
        multipart_response(&body, &found)
    } else {
        with_body(StatusCode::OK, "application/json", body)
    };
    let modified = last_modified.unwrap_or_else(clock::now_ms);
    if let Ok(v) = HeaderValue::from_str(&clock::http_date(modified)) {
        resp.headers_mut().insert("last-modified", v);
    }
    Ok(resp)
}

/// Each statement as JSON text in the requested format; `exact` is the stored text as is.
fn render(statements: Vec<StoredStatement>, format: Format, langs: &[String]) -> Result<Vec<String>, ApiError> {
    if format == Format::Exact {
        return Ok(statements.into_iter().map(|s| s.body).collect());
    }
    statements
        .into_iter()
        .map(|s| {
            let mut v: Value = serde_json::from_str(&s.body)
                .map_err(|e| ApiError::Internal(format!("stored statement {} is not JSON: {e}", s.seq)))?;
            apply_format(&mut v, format, langs);
            Ok(v.to_string())
        })
        .collect()
}

fn attachment_hashes(text: &str) -> Vec<String> {
    let Ok(stmt) = serde_json::from_str::<Value>(text) else {
        return Vec::new();
    };
    let own = stmt.get("attachments").and_then(Value::as_array).into_iter().flatten();
    let sub = stmt
        .get("object")
        .and_then(|o| o.get("attachments"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten();
    own.chain(sub)
        .filter_map(|a| a.get("sha2")?.as_str().map(str::to_owned))
        .collect()
}
