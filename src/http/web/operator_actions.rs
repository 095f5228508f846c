//! The forms of a tenant's operator page (`operator_tenant.rs`), plain posts with the
//! session's CSRF token: suspend with a reason, resume, change plan, create an admin
//! account. Each calls the function the operator or accounts API calls (same rules, same
//! audit entry), then goes back to the page (303); a refused form shows the page again
//! with why (400); a tenant out of reach is 404.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};

use super::operator_tenant::{load, manager, page_of, refused};
use super::{PageCtx, check_form, field, form_fields, page_ctx};
use crate::http::accounts::{Manager, create_account_for};
use crate::http::client::ClientAddr;
use crate::http::error::{ApiError, WebRefusal};
use crate::http::extract::Path;
use crate::http::operator::{resume_for, set_plan_for, suspend_for};
use crate::i18n::{escape_html, t};
use crate::server::AppState;

/// A form's request: who asks, in which language, and the decoded fields.
struct Form {
    ctx: PageCtx,
    m: Manager,
    fields: Vec<(String, String)>,
}

/// Checks the form's CSRF token (403 when stale), then the caller (403 unless operator or
/// reseller admin).
async fn form(state: &AppState, headers: &HeaderMap, body: &[u8]) -> Result<Form, ApiError> {
    let ctx = page_ctx(state, headers).await;
    let fields = form_fields(body);
    check_form(&ctx, headers, &fields)?;
    let m = manager(state, headers, &ctx).await?;
    Ok(Form { ctx, m, fields })
}

/// Back to the tenant's page, saying what was done.
fn done(name: &str, what: &str) -> Response {
    let path = crate::http::content::encode_path(name);
    Redirect::to(&format!("/tenants/{path}?done={what}")).into_response()
}

/// The outcome of an action: back to the page, or the page again with why it was refused
/// (400), or the refusal page when the tenant is out of reach or the caller may not.
async fn answer<T>(
    state: &AppState,
    f: &Form,
    name: &str,
    what: &str,
    result: Result<T, ApiError>,
) -> Result<Response, ApiError> {
    let Err(e) = result else {
        return Ok(done(name, what));
    };
    match e.status().as_u16() {
        401 | 403 => Err(refused(&f.ctx, &e)),
        // The tenant was reached (checked first): any other refusal, a 404 included (no
        // such plan or end client), is the form's.
        400..=499 => Err(again(state, f, name, &e.to_string()).await?),
        _ => Err(e),
    }
}

/// The page again, with the refusal's message (the API's words) in a notice.
async fn again(state: &AppState, f: &Form, name: &str, why: &str) -> Result<ApiError, ApiError> {
    let data = load(state, &f.m, &f.ctx, name).await?;
    let notice = format!(
        "<p class=\"notice error\" role=\"alert\" id=\"form-error\">{}: {}</p>",
        escape_html(&t(f.ctx.lang, "optenant-refused")),
        escape_html(why)
    );
    Ok(ApiError::WebPage(WebRefusal::BadForm, page_of(&f.ctx, &data, &notice)))
}

/// Refuses a form whose confirmation box is not ticked (the browser asks for it too).
async fn confirmed(state: &AppState, f: &Form, name: &str) -> Result<(), ApiError> {
    if field(&f.fields, "confirm") == Some("yes") {
        return Ok(());
    }
    Err(again(state, f, name, &t(f.ctx.lang, "optenant-confirm-needed")).await?)
}

/// `POST /tenants/{name}/suspend` (`reason`, `confirm=yes`).
pub async fn suspend(
    State(state): State<AppState>,
    from: ClientAddr,
    headers: HeaderMap,
    Path(name): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let f = form(&state, &headers, &body).await?;
    load(&state, &f.m, &f.ctx, &name).await?;
    confirmed(&state, &f, &name).await?;
    let reason = field(&f.fields, "reason").map(str::to_owned);
    let r = suspend_for(&state, &f.m, &from, &name, reason).await;
    answer(&state, &f, &name, "suspended", r).await
}

/// `POST /tenants/{name}/resume` (`confirm=yes`).
pub async fn resume(
    State(state): State<AppState>,
    from: ClientAddr,
    headers: HeaderMap,
    Path(name): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let f = form(&state, &headers, &body).await?;
    load(&state, &f.m, &f.ctx, &name).await?;
    confirmed(&state, &f, &name).await?;
    let r = resume_for(&state, &f.m, &from, &name).await;
    answer(&state, &f, &name, "resumed", r).await
}

/// `POST /tenants/{name}/plan` (`plan`).
pub async fn plan(
    State(state): State<AppState>,
    from: ClientAddr,
    headers: HeaderMap,
    Path(name): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let f = form(&state, &headers, &body).await?;
    load(&state, &f.m, &f.ctx, &name).await?;
    let plan = field(&f.fields, "plan").unwrap_or_default().to_owned();
    let r = set_plan_for(&state, &f.m, &from, &name, &plan).await;
    answer(&state, &f, &name, "plan", r).await
}

/// `POST /tenants/{name}/accounts` (`role`, `login`, `password`, `endClient`): a tenant
/// admin or end-client admin account of this tenant.
pub async fn account(
    State(state): State<AppState>,
    from: ClientAddr,
    headers: HeaderMap,
    Path(name): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let f = form(&state, &headers, &body).await?;
    load(&state, &f.m, &f.ctx, &name).await?;
    let mut b = super::account_form::body(&f.fields, Some(&name));
    // Only the tenant's own roles from this form: never an operator or reseller admin.
    if !["tenant-admin", "end-client-admin"].contains(&b.role.as_str()) {
        b.role = String::new();
    }
    let r = create_account_for(&state, &f.m, &from, b).await;
    answer(&state, &f, &name, "account", r).await
}
