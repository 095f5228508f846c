//! The tenant gate: every request made on behalf of a tenant passes here once its tenant
//! is known (from a credential or a launch grant). A suspended or terminated tenant is
//! refused with a machine-readable reason; authenticated API requests also count against
//! the plan's requests per minute.

use super::error::ApiError;
use crate::clock;
use crate::lrs::LrsError;
use crate::server::AppState;
use crate::tenant::plan::{check_quota, month_start_ms};
use crate::tenant::{QuotaKind, Tenant, TenantId, TenantRefusal};

/// An API request (xAPI, admin API): the tenant's status, then its request rate, counted
/// across every server in the store.
pub async fn admit_request(state: &AppState, tenant: &Tenant) -> Result<(), ApiError> {
    tenant.admit()?;
    if let Some(limit) = tenant.quotas.requests_per_minute {
        let now = state.clock.now_ms(&*state.store).await;
        state
            .rates
            .check(&*state.store, tenant.id, limit, now)
            .await?
            .map_err(|retry_after_secs| TenantRefusal::RateLimited {
                name: tenant.name.to_string(),
                limit,
                retry_after_secs,
            })?;
    }
    Ok(())
}

/// A request under a launch grant (content, run-time, player): the tenant is read from the
/// store on every request, so a suspension takes effect at once on every server.
pub async fn admit_grant(state: &AppState, tenant: TenantId) -> Result<Tenant, ApiError> {
    let t = state
        .store
        .tenant_by_id(tenant)
        .await?
        .ok_or_else(|| LrsError::Forbidden("the tenant of this launch no longer exists".into()))?;
    t.admit()?;
    Ok(t)
}

/// Before a batch of `count` statements sent to the xAPI endpoint: refused as a whole
/// when it would take the tenant over its monthly statements. (Statements the run-time
/// records for SCORM sessions are counted but never refused: a learner's progress is not
/// lost to a quota.) Concurrent batches may overshoot by at most their own size.
pub async fn check_statements(state: &AppState, tenant: &Tenant, count: usize) -> Result<(), ApiError> {
    let Some(limit) = tenant.quotas.statements_per_month else {
        return Ok(());
    };
    let usage = state
        .store
        .tenant_usage(tenant.id, month_start_ms(clock::now_ms()))
        .await?;
    let requested = usage.statements_this_month.saturating_add(count as u64);
    check_quota(QuotaKind::Statements, Some(limit), requested).map_err(|q| ApiError::Tenant(q.into()))
}

/// The page a learner's browser gets when the tenant is refused (content and player):
/// the status from the error table, a plain explanation, and the machine-readable reason
/// in `data-reason` and the `Kiroku-Reason` header.
pub fn refusal_page(refusal: &TenantRefusal, lang: crate::i18n::Lang) -> axum::response::Response {
    use crate::i18n::{escape_html, t};
    use axum::response::{Html, IntoResponse};
    let status = ApiError::Tenant(refusal.clone()).status();
    let reason = refusal.reason();
    let body = match refusal {
        TenantRefusal::Terminated { .. } => "player-unavailable-ended",
        _ => "player-unavailable-body",
    };
    let page = format!(
        "<!doctype html><html lang=\"{code}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{title}</title></head><body style=\"font:16px sans-serif;margin:2em\"><main><h1>{heading}</h1><p id=\"reason\" data-reason=\"{reason}\">{text}</p></main></body></html>",
        code = lang.code(),
        title = escape_html(&t(lang, "player-unavailable-title")),
        heading = escape_html(&t(lang, "player-unavailable-heading")),
        text = escape_html(&t(lang, body)),
    );
    let mut r = (status, Html(page)).into_response();
    r.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    r.headers_mut()
        .insert("kiroku-reason", axum::http::HeaderValue::from_static(reason));
    r
}
