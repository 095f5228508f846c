//! Terminating a tenant from its operator page (`POST /tenants/{name}/terminate`), the
//! operator's only (neither the operator API nor a reseller admin terminates): after the
//! tenant's name is typed as confirmation, `ops::erase::terminate` — the CLI's own — exports
//! the tenant to `<data folder>/tenant-exports/<name>.zip`, verifies the archive, then
//! erases. The path is fixed per tenant so that a termination cut short is finished by the
//! same action (or `kiroku tenant terminate NAME --export` that path), as the CLI's is.
//! The tenant's own audit log goes with its data: the entry is in the service log.

use std::path::PathBuf;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::json;

use super::operator_tenant::{TenantPage, load, manager, page_of, refused};
use super::{PageCtx, check_form, field, form_fields, page_ctx};
use crate::audit::{Action, SERVICE_LOG};
use crate::http::api::audit::append;
use crate::http::client::ClientAddr;
use crate::http::error::{ApiError, WebRefusal};
use crate::http::extract::Path;
use crate::i18n::{escape_html, t};
use crate::ops::erase;
use crate::server::AppState;
use crate::tenant::TenantStatus;

/// Where the web app writes tenant `name`'s archive before erasing it.
pub fn archive_path(state: &AppState, name: &str) -> PathBuf {
    state.config.exports_dir.join(format!("{name}.zip"))
}

/// The page again with why the termination was not done (400).
fn again(ctx: &PageCtx, data: &TenantPage, why: &str) -> ApiError {
    let notice = format!(
        "<p class=\"notice error\" role=\"alert\" id=\"form-error\">{}: {}</p>",
        escape_html(&t(ctx.lang, "optenant-refused")),
        escape_html(why)
    );
    ApiError::WebPage(WebRefusal::BadForm, page_of(ctx, data, &notice))
}

/// `POST /tenants/{name}/terminate` (`confirm` = the tenant's name).
pub async fn terminate(
    State(state): State<AppState>,
    from: ClientAddr,
    headers: HeaderMap,
    Path(name): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let ctx = page_ctx(&state, &headers).await;
    let fields = form_fields(&body);
    check_form(&ctx, &headers, &fields)?;
    let m = manager(&state, &headers, &ctx).await?;
    let data = load(&state, &m, &ctx, &name).await?;
    m.require_operator().map_err(|e| refused(&ctx, &e))?;
    let tenant = &data.view.tenant;
    if tenant.status == TenantStatus::Terminated {
        return Err(again(&ctx, &data, &t(ctx.lang, "optenant-terminate-done-already")));
    }
    if field(&fields, "confirm").map(str::trim) != Some(tenant.name.as_str()) {
        return Err(again(&ctx, &data, &t(ctx.lang, "optenant-terminate-confirm-needed")));
    }
    let out = archive_path(&state, tenant.name.as_str());
    std::fs::create_dir_all(&state.config.exports_dir)
        .map_err(|e| ApiError::Internal(format!("tenant exports folder: {e}")))?;
    let report = erase::terminate(&*state.store, &*state.blobs, tenant, &out).await?;
    let detail = json!({ "archive": report.archive, "archiveBytes": report.archive_bytes });
    let target = format!("tenant:{}", report.tenant);
    append(
        &state,
        SERVICE_LOG,
        m.actor.clone(),
        &from,
        Action::TenantTerminated,
        target,
        detail,
    )
    .await;
    let path = crate::http::content::encode_path(tenant.name.as_str());
    Ok(Redirect::to(&format!("/tenants/{path}?done=terminated")).into_response())
}
