//! The tenant's audit log: `GET /api/v1/audit?since=…&after=…&limit=…` (oldest first,
//! paged by sequence number), and `record`, which the admin handlers call after a change.

use crate::http::extract::Query;
use crate::json::Put;
use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use super::Admin;
use super::admin;
use crate::audit::{Action, Actor, AuditEntry, AuditQuery, NewAuditEntry};
use crate::clock;
use crate::http::client::ClientAddr;
use crate::http::error::ApiError;
use crate::lrs::LrsError;
use crate::server::AppState;
use crate::tenant::TenantId;

/// Largest page.
const MAX_LIMIT: u32 = 1000;

/// Appends an entry for what the tenant admin `p` just did.
pub async fn record(state: &AppState, p: &Admin, from: &ClientAddr, action: Action, target: String, detail: Value) {
    append(state, p.tenant.id, p.actor.clone(), from, action, target, detail).await;
}

/// Appends an entry to a tenant's log (or the service log, `audit::SERVICE_LOG`). The
/// change is made already, so a failure to record it is logged loudly rather than
/// undoing it.
pub(crate) async fn append(
    state: &AppState,
    tenant: TenantId,
    actor: Actor,
    from: &ClientAddr,
    action: Action,
    target: String,
    detail: Value,
) {
    let entry = NewAuditEntry {
        at_ms: clock::now_ms(),
        actor,
        action,
        target,
        address: from.text(),
        detail,
    };
    if let Err(e) = state.store.append_audit(tenant, entry).await {
        tracing::error!(tenant.id = %tenant, action = action.as_str(), error = %e, "writing the audit log");
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditParams {
    /// RFC 3339: entries at or after this time.
    since: Option<String>,
    /// Continue after this sequence number (from `more`).
    after: Option<i64>,
    limit: Option<u32>,
}

pub async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<AuditParams>,
) -> Result<Response, ApiError> {
    let p = admin(&state, &headers).await?;
    p.require_tenant_wide()?;
    let since_ms = match &q.since {
        None => None,
        Some(s) => Some(
            crate::lrs::formats::parse_timestamp(s, true)
                .ok_or_else(|| LrsError::bad(format!("since must be an RFC 3339 timestamp: {s:?}")))?
                .timestamp_millis(),
        ),
    };
    let limit = q.limit.unwrap_or(100).clamp(1, MAX_LIMIT);
    let query = AuditQuery {
        since_ms,
        after_seq: q.after,
        limit,
    };
    let entries = state.store.audit_entries(p.tenant.id, query).await?;
    let mut body = json!({ "entries": entries.iter().map(AuditEntry::to_json).collect::<Vec<_>>() });
    if let Some(last) = entries.last().filter(|_| entries.len() == limit as usize) {
        let mut more = form_urlencoded::Serializer::new(String::new());
        if let Some(s) = &q.since {
            more.append_pair("since", s);
        }
        more.append_pair("after", &last.seq.to_string());
        more.append_pair("limit", &limit.to_string());
        body.put("more", json!(format!("/api/v1/audit?{}", more.finish())));
    }
    Ok(Json(body).into_response())
}
