//! The tenants page (`GET /tenants`; `POST /tenants` from its form, no script), for the
//! operator and reseller admins: the tenants they reach (status, plan, reseller) with
//! links to each tenant's pages (`?tenant=NAME`), and a form that creates one (the same
//! call as the operator API's).

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::tenant::tenant_query;
use super::{PageCtx, check_form, field, form_fields, html_ok, page, page_ctx};
use crate::http::accounts::Manager;
use crate::http::client::ClientAddr;
use crate::http::error::{ApiError, WebRefusal};
use crate::http::operator::{NewTenantRequest, caller, create_tenant_for};
use crate::i18n::{Arg, escape_html, format_date_time, t, t_args};
use crate::server::AppState;
use crate::tenant::Tenant;

#[derive(Debug, Default, Deserialize)]
pub struct PageQuery {
    /// Set after a tenant was created.
    created: Option<String>,
}

fn refused(ctx: &PageCtx, e: &ApiError) -> ApiError {
    let l = ctx.lang;
    let (why, id) = match e.status().as_u16() {
        401 => (WebRefusal::SignIn, "tenant-page-signin"),
        _ => (WebRefusal::Forbidden, "tenants-forbidden"),
    };
    let main = format!(
        "<h1>{}</h1><p class=\"notice error\" role=\"alert\">{}</p><p><a href=\"/admin/\">{}</a></p>",
        escape_html(&t(l, "tenants-title")),
        escape_html(&t(l, id)),
        escape_html(&t(l, "home-signin")),
    );
    ApiError::WebPage(why, page(ctx, "tenants-title", "/tenants", &main))
}

async fn reached(state: &AppState, m: &Manager) -> Result<Vec<Tenant>, ApiError> {
    let all = state.store.list_tenants().await?;
    Ok(all
        .into_iter()
        .filter(|t| m.realm.reaches_tenant(t.id, t.reseller.as_deref()))
        .collect())
}

/// `GET /tenants`.
pub async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
) -> Result<Response, ApiError> {
    let ctx = page_ctx(&state, &headers).await;
    let m = caller(&state, &headers).await.map_err(|e| refused(&ctx, &e))?;
    let tenants = reached(&state, &m).await?;
    let notice = q
        .created
        .as_deref()
        .map(|name| {
            let text = t_args(ctx.lang, "tenants-created", &[("name", Arg::from(name))]);
            format!(
                "<p class=\"notice info\" role=\"status\" id=\"tenant-created\">{}</p>",
                escape_html(&text)
            )
        })
        .unwrap_or_default();
    let plans = state.store.list_plans().await?;
    let plan_names: Vec<String> = plans.iter().map(|p| p.name.as_str().to_owned()).collect();
    Ok(html_ok(page(
        &ctx,
        "tenants-title",
        "/tenants",
        &render(&ctx, &tenants, &plan_names, &notice),
    )))
}

fn render(ctx: &PageCtx, tenants: &[Tenant], plans: &[String], notice: &str) -> String {
    let l = ctx.lang;
    let e = |id: &str| escape_html(&t(l, id));
    let rows: String = tenants
        .iter()
        .map(|x| {
            let tq = escape_html(&tenant_query(Some(x.name.as_str())));
            format!(
                "<tr data-tenant=\"{name}\"><th scope=\"row\"><a href=\"/tenants/{path}\">{name}</a></th><td>{status}</td><td>{plan}</td><td>{reseller}</td><td>{at}</td>\
                 <td><a href=\"/courses{tq}\">{courses}</a> · <a href=\"/learners{tq}\">{learners}</a> · \
                 <a href=\"/settings{tq}\">{settings}</a> · <a href=\"/audit{tq}\">{audit}</a> · <a href=\"/notices{tq}\">{notices}</a></td></tr>",
                name = escape_html(x.name.as_str()),
                path = escape_html(&crate::http::content::encode_path(x.name.as_str())),
                status = e(&format!("js-status-{}", x.status.as_str())),
                plan = escape_html(x.plan.as_deref().unwrap_or("—")),
                reseller = escape_html(x.reseller.as_deref().unwrap_or("—")),
                at = escape_html(&format_date_time(l, x.created_ms)),
                courses = e("nav-courses"),
                learners = e("nav-learners"),
                settings = e("nav-settings"),
                audit = e("nav-audit"),
                notices = e("nav-notices"),
            )
        })
        .collect();
    let plan_options: String = std::iter::once(format!("<option value=\"\">{}</option>", e("tenants-no-plan")))
        .chain(
            plans
                .iter()
                .map(|p| format!("<option value=\"{0}\">{0}</option>", escape_html(p))),
        )
        .collect();
    format!(
        "<h1>{title}</h1>{notice}\
         <section aria-labelledby=\"create-h\"><h2 id=\"create-h\">{create}</h2>\
         <form id=\"tenant-form\" method=\"post\" action=\"/tenants\">\
         <input type=\"hidden\" name=\"csrf\" value=\"{csrf}\">\
         <label for=\"tenant-name\">{name_l}</label><input id=\"tenant-name\" name=\"name\" type=\"text\" required maxlength=\"64\">\
         <p class=\"hint\">{name_h}</p>\
         <label for=\"tenant-version\">{version_l}</label><select id=\"tenant-version\" name=\"xapiVersion\">\
         <option value=\"2.0.0\">2.0.0</option><option value=\"1.0.3\">1.0.3</option></select>\
         <label for=\"tenant-plan\">{plan_l}</label><select id=\"tenant-plan\" name=\"plan\">{plan_options}</select>\
         <div><button type=\"submit\" id=\"tenant-create\">{button}</button></div></form></section>\
         <h2 id=\"list-h\">{list}</h2><div class=\"table-wrap\"><table id=\"tenant-list\" aria-labelledby=\"list-h\"><thead><tr>\
         <th scope=\"col\">{c_tenant}</th><th scope=\"col\">{c_status}</th><th scope=\"col\">{c_plan}</th>\
         <th scope=\"col\">{c_reseller}</th><th scope=\"col\">{c_created}</th><th scope=\"col\">{c_pages}</th></tr></thead>\
         <tbody>{rows}</tbody></table></div>",
        title = e("tenants-title"),
        create = e("tenants-create"),
        csrf = escape_html(ctx.csrf.as_deref().unwrap_or_default()),
        name_l = e("tenants-name"),
        name_h = e("tenants-name-hint"),
        version_l = e("tenants-xapi-version"),
        plan_l = e("col-plan"),
        button = e("tenants-create-button"),
        list = e("tenants-list"),
        c_tenant = e("col-tenant"),
        c_status = e("col-status"),
        c_plan = e("col-plan"),
        c_reseller = e("col-reseller"),
        c_created = e("col-created"),
        c_pages = e("tenants-pages"),
    )
}

/// Why the form was refused, in the reader's language: a name the tenant rules refuse, a
/// name taken, a plan not there; the API's own words (English) follow for anything else.
fn why(l: crate::i18n::Lang, e: &ApiError, (name, plan): (&str, Option<&str>)) -> String {
    if crate::tenant::TenantName::parse(name).is_err() {
        return t(l, "form-bad-tenant-name");
    }
    match (e.status().as_u16(), plan) {
        (409, _) => t_args(l, "tenants-exists", &[("name", Arg::from(name))]),
        (404, Some(plan)) => t_args(l, "form-unknown-plan", &[("plan", Arg::from(plan))]),
        _ => t_args(l, "tenants-invalid", &[("detail", Arg::from(e.to_string()))]),
    }
}

/// `POST /tenants`: creates the tenant, then back to the list (303).
pub async fn create(
    State(state): State<AppState>,
    from: ClientAddr,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let ctx = page_ctx(&state, &headers).await;
    let fields = form_fields(&body);
    check_form(&ctx, &headers, &fields)?;
    let m = caller(&state, &headers).await.map_err(|e| refused(&ctx, &e))?;
    let new = NewTenantRequest {
        name: field(&fields, "name").unwrap_or_default(),
        xapi_version: field(&fields, "xapiVersion").unwrap_or("2.0.0"),
        plan: field(&fields, "plan").filter(|p| !p.is_empty()),
        reseller: None,
    };
    let sent = (new.name, new.plan);
    match create_tenant_for(&state, &m, &from, new).await {
        Ok(t) => {
            let name = crate::http::content::encode_path(t.name.as_str());
            Ok(Redirect::to(&format!("/tenants?created={name}")).into_response())
        }
        Err(e) if e.status().is_client_error() && e.status().as_u16() != 403 => {
            let tenants = reached(&state, &m).await?;
            let plans: Vec<String> = state
                .store
                .list_plans()
                .await?
                .iter()
                .map(|p| p.name.as_str().to_owned())
                .collect();
            let notice = format!(
                "<p class=\"notice error\" role=\"alert\" id=\"tenant-error\">{}</p>",
                escape_html(&why(ctx.lang, &e, sent))
            );
            let main = render(&ctx, &tenants, &plans, &notice);
            Err(ApiError::WebPage(
                WebRefusal::BadForm,
                page(&ctx, "tenants-title", "/tenants", &main),
            ))
        }
        Err(e) => Err(refused(&ctx, &e)),
    }
}
