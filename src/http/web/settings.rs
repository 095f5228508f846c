//! A tenant's settings page (`GET /settings`, and `POST /settings` from its form, no
//! script needed): SCORM 1.2 `suspend_data` strictness, the one-ID-one-person policy,
//! statement retention and the cmi5 idle limit, changed through the same rule as the CLI
//! (`tenant::settings::apply`), recorded in the audit log. A tenant admin's (an
//! end-client admin may not); the xAPI version is shown, set when the tenant is created.

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::json;

use super::tenant::{caller, refused, tenant_query};
use super::{PageCtx, check_form, field, form_fields, html_ok, page, page_ctx};
use crate::audit::Action;
use crate::http::api::Admin;
use crate::http::client::ClientAddr;
use crate::http::error::{ApiError, WebRefusal};
use crate::i18n::{Arg, escape_html, t, t_args};
use crate::launch::ConcurrentLaunches;
use crate::server::AppState;
use crate::tenant::settings::{SettingsChange, apply};

#[derive(Debug, Default, Deserialize)]
pub struct PageQuery {
    /// The tenant an operator or reseller admin looks at.
    tenant: Option<String>,
    /// Set after a change was saved.
    saved: Option<String>,
}

async fn tenant_admin(
    state: &AppState,
    headers: &HeaderMap,
    ctx: &PageCtx,
    tenant: Option<&str>,
) -> Result<Admin, ApiError> {
    let refuse = |e: ApiError| refused(ctx, &e, "settings-title", "/settings");
    let who = caller(state, headers, tenant).await.map_err(refuse)?;
    who.require_tenant_wide().map_err(refuse)?;
    Ok(who)
}

/// `GET /settings`.
pub async fn form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
) -> Result<Response, ApiError> {
    let ctx = page_ctx(&state, &headers).await;
    let who = tenant_admin(&state, &headers, &ctx, q.tenant.as_deref()).await?;
    let main = render(&ctx, &who, q.tenant.as_deref(), q.saved.is_some(), None);
    Ok(html_ok(page(&ctx, "settings-title", "/settings", &main)))
}

fn render(ctx: &PageCtx, who: &Admin, tenant: Option<&str>, saved: bool, error: Option<&str>) -> String {
    let l = ctx.lang;
    let e = |id: &str| escape_html(&t(l, id));
    let s = who.tenant.settings;
    let notice = match (saved, error) {
        (_, Some(err)) => format!(
            "<p class=\"notice error\" role=\"alert\" id=\"settings-error\">{}</p>",
            escape_html(err)
        ),
        (true, None) => format!(
            "<p class=\"notice info\" role=\"status\" id=\"settings-saved\">{}</p>",
            e("settings-saved")
        ),
        _ => String::new(),
    };
    let options: String = [
        ConcurrentLaunches::Allow,
        ConcurrentLaunches::Refuse,
        ConcurrentLaunches::EndFirst,
    ]
    .iter()
    .map(|p| {
        let selected = if *p == s.concurrent_launches { " selected" } else { "" };
        format!(
            "<option value=\"{v}\"{selected}>{label}</option>",
            v = p.as_str(),
            label = e(&format!("policy-{}", p.as_str()))
        )
    })
    .collect();
    let strict = if s.strict_scorm12_suspend_data { " checked" } else { "" };
    format!(
        "<h1>{title}</h1>\n<p class=\"hint\">{tenant_line}</p>\n{notice}\n\
         <form id=\"settings-form\" method=\"post\" action=\"/settings{tq}\">\
         <input type=\"hidden\" name=\"csrf\" value=\"{csrf}\">\
         <p><input type=\"checkbox\" id=\"strict\" name=\"strict\" value=\"on\"{strict}> \
         <label for=\"strict\" class=\"inline\">{strict_l}</label></p><p class=\"hint\">{strict_h}</p>\
         <label for=\"policy\">{policy_l}</label><select id=\"policy\" name=\"policy\">{options}</select>\
         <p class=\"hint\">{policy_h}</p>\
         <label for=\"retention\">{retention_l}</label>\
         <input id=\"retention\" name=\"retention\" type=\"number\" min=\"0\" max=\"36500\" value=\"{retention}\">\
         <p class=\"hint\">{retention_h}</p>\
         <label for=\"cmi5-timeout\">{cmi5_l}</label>\
         <input id=\"cmi5-timeout\" name=\"cmi5Timeout\" type=\"number\" min=\"0\" max=\"525600\" value=\"{cmi5}\">\
         <p class=\"hint\">{cmi5_h}</p>\
         <p>{xapi}</p>\
         <button type=\"submit\" id=\"settings-save\">{save}</button></form>",
        title = e("settings-title"),
        tenant_line = escape_html(&t_args(
            l,
            "courses-tenant",
            &[("tenant", Arg::from(who.tenant.name.as_str()))]
        )),
        tq = escape_html(&tenant_query(tenant)),
        csrf = escape_html(ctx.csrf.as_deref().unwrap_or_default()),
        strict_l = e("settings-strict"),
        strict_h = e("settings-strict-hint"),
        policy_l = e("settings-policy"),
        policy_h = e("settings-policy-hint"),
        retention_l = e("settings-retention"),
        retention = s.statement_retention_days.unwrap_or(0),
        retention_h = e("settings-retention-hint"),
        cmi5_l = e("settings-cmi5-timeout"),
        cmi5 = s.cmi5_session_timeout_minutes.unwrap_or(0),
        cmi5_h = e("settings-cmi5-timeout-hint"),
        xapi = escape_html(&t_args(
            l,
            "settings-xapi",
            &[("version", Arg::from(who.tenant.xapi_version.as_str()))]
        )),
        save = e("settings-save"),
    )
}

/// A number field of the form (empty: unchanged).
fn number(fields: &[(String, String)], name: &str) -> Result<Option<u32>, ()> {
    match field(fields, name).map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => v.parse().map(Some).map_err(|_| ()),
    }
}

/// `POST /settings`: the form's change, then back to the page (303) saying it is saved.
pub async fn save(
    State(state): State<AppState>,
    from: ClientAddr,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let ctx = page_ctx(&state, &headers).await;
    let fields = form_fields(&body);
    check_form(&ctx, &headers, &fields)?;
    let who = tenant_admin(&state, &headers, &ctx, q.tenant.as_deref()).await?;
    let bad_number = || t(ctx.lang, "settings-bad-number");
    let change = match (number(&fields, "retention"), number(&fields, "cmi5Timeout")) {
        (Ok(retention), Ok(cmi5)) => SettingsChange {
            strict_scorm12_suspend_data: Some(field(&fields, "strict") == Some("on")),
            concurrent_launches: field(&fields, "policy").map(str::to_owned),
            statement_retention_days: retention,
            cmi5_session_timeout_minutes: cmi5,
        },
        _ => return Err(bad_form(&ctx, &who, q.tenant.as_deref(), &bad_number())),
    };
    let before = who.tenant.settings;
    let after = apply(before, &change).map_err(|e| bad_form(&ctx, &who, q.tenant.as_deref(), &e))?;
    if after != before {
        state.store.update_tenant_settings(who.tenant.id, after).await?;
        let detail = json!({ "before": before, "after": after });
        let target = format!("tenant:{}", who.tenant.name);
        crate::http::api::audit::record(&state, &who, &from, Action::TenantSettingsChanged, target, detail).await;
    }
    let tq = tenant_query(q.tenant.as_deref());
    let back = if tq.is_empty() {
        "/settings?saved=1".to_owned()
    } else {
        format!("/settings{tq}&saved=1")
    };
    Ok(Redirect::to(&back).into_response())
}

fn bad_form(ctx: &PageCtx, who: &Admin, tenant: Option<&str>, why: &str) -> ApiError {
    ApiError::WebPage(
        WebRefusal::BadForm,
        page(
            ctx,
            "settings-title",
            "/settings",
            &render(ctx, who, tenant, false, Some(why)),
        ),
    )
}
