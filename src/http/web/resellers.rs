//! The resellers page (`GET /resellers`), the operator's only: every reseller with its
//! tenants and admin accounts, a form creating a reseller (`POST /resellers`, through
//! `create_reseller_for`) and one creating a reseller admin account (`POST
//! /resellers/accounts`, through the accounts API's `create_account_for`).

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::account_form::{self, AccountForm};
use super::{PageCtx, check_form, field, form_fields, html_ok, page, page_ctx};
use crate::account::{Account, Realm, Reseller, Role};
use crate::http::accounts::{Manager, create_account_for, create_reseller_for};
use crate::http::client::ClientAddr;
use crate::http::error::{ApiError, WebRefusal};
use crate::i18n::{escape_html, format_date_time, t};
use crate::server::AppState;
use crate::tenant::Tenant;

const TITLE: &str = "resellers-title";

#[derive(Debug, Default, Deserialize)]
pub struct PageQuery {
    /// What was just created: `reseller` or `account`.
    done: Option<String>,
}

/// The operator, or the refusal page (signed out 401, anyone else 403).
async fn operator(state: &AppState, headers: &HeaderMap, ctx: &PageCtx) -> Result<Manager, ApiError> {
    super::operator_only(state, headers, ctx, TITLE, "operator-only").await
}

/// `GET /resellers`.
pub async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
) -> Result<Response, ApiError> {
    let ctx = page_ctx(&state, &headers).await;
    operator(&state, &headers, &ctx).await?;
    let id = match q.done.as_deref() {
        Some("reseller") => Some("resellers-done-reseller"),
        Some("account") => Some("resellers-done-account"),
        _ => None,
    };
    let notice = id
        .map(|id| {
            format!(
                "<p class=\"notice info\" role=\"status\" id=\"done\">{}</p>",
                escape_html(&t(ctx.lang, id))
            )
        })
        .unwrap_or_default();
    Ok(html_ok(render_page(&state, &ctx, &notice).await?))
}

async fn render_page(state: &AppState, ctx: &PageCtx, notice: &str) -> Result<String, ApiError> {
    let resellers = state.store.list_resellers().await?;
    let tenants = state.store.list_tenants().await?;
    // The reseller admins only: the accounts of resellers' tenants are on those tenants' pages.
    let admins: Vec<Account> = state
        .store
        .list_accounts(&Realm::Service)
        .await?
        .into_iter()
        .filter(|a| matches!(a.realm, Realm::Reseller(_)))
        .collect();
    let l = ctx.lang;
    let names: Vec<String> = resellers.iter().map(|r| r.name.clone()).collect();
    let form = AccountForm {
        action: "/resellers/accounts",
        roles: &[Role::ResellerAdmin],
        resellers: &names,
        end_clients: &[],
    };
    let accounts = if names.is_empty() {
        String::new()
    } else {
        format!(
            "<h2>{}</h2>{}",
            escape_html(&t(l, "resellers-create-admin")),
            account_form::form(ctx, &form)
        )
    };
    let main = format!(
        "<h1>{title}</h1>{notice}{list}<h2>{admins_h}</h2>{admins}{create}{accounts}",
        title = escape_html(&t(l, TITLE)),
        list = table(ctx, &resellers, &tenants),
        admins_h = escape_html(&t(l, "resellers-admins")),
        admins = account_form::table(ctx, "reseller-admins", &admins, |a| {
            a.realm.reseller().unwrap_or_default().to_owned()
        }),
        create = create_form(ctx),
    );
    Ok(page(ctx, TITLE, "/resellers", &main))
}

fn table(ctx: &PageCtx, resellers: &[Reseller], tenants: &[Tenant]) -> String {
    let l = ctx.lang;
    let e = |id: &str| escape_html(&t(l, id));
    if resellers.is_empty() {
        return format!("<p id=\"reseller-list\">{}</p>", e("resellers-none"));
    }
    let rows: String = resellers
        .iter()
        .map(|r| {
            let links: Vec<String> = tenants
                .iter()
                .filter(|x| x.reseller.as_deref() == Some(r.name.as_str()))
                .map(|x| {
                    let name = x.name.as_str();
                    format!(
                        "<a href=\"/tenants/{}\">{}</a>",
                        escape_html(&crate::http::content::encode_path(name)),
                        escape_html(name)
                    )
                })
                .collect();
            format!(
                "<tr data-reseller=\"{name}\"><th scope=\"row\">{name}</th><td>{tenants}</td><td>{at}</td></tr>",
                name = escape_html(&r.name),
                tenants = if links.is_empty() {
                    "—".to_owned()
                } else {
                    links.join(" · ")
                },
                at = escape_html(&format_date_time(l, r.created_ms)),
            )
        })
        .collect();
    format!(
        "<div class=\"table-wrap\"><table id=\"reseller-list\"><thead><tr><th scope=\"col\">{}</th>\
         <th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead><tbody>{rows}</tbody></table></div>",
        e("col-reseller"),
        e("nav-tenants"),
        e("col-created"),
    )
}

fn create_form(ctx: &PageCtx) -> String {
    let l = ctx.lang;
    let e = |id: &str| escape_html(&t(l, id));
    format!(
        "<h2>{h}</h2><form id=\"reseller-form\" method=\"post\" action=\"/resellers\">\
         <input type=\"hidden\" name=\"csrf\" value=\"{csrf}\">\
         <label for=\"reseller-name\">{name_l}</label><input id=\"reseller-name\" name=\"name\" type=\"text\" required maxlength=\"64\">\
         <p class=\"hint\">{name_h}</p><div><button type=\"submit\" id=\"reseller-create\">{button}</button></div></form>",
        h = e("resellers-create"),
        csrf = escape_html(ctx.csrf.as_deref().unwrap_or_default()),
        name_l = e("tenants-name"),
        name_h = e("resellers-name-hint"),
        button = e("resellers-create-button"),
    )
}

/// The outcome of a form: back to the page (303), or the page again with why (400).
async fn answer<T>(state: &AppState, ctx: &PageCtx, what: &str, r: Result<T, ApiError>) -> Result<Response, ApiError> {
    match r {
        Ok(_) => Ok(Redirect::to(&format!("/resellers?done={what}")).into_response()),
        Err(e) if e.status().is_client_error() => {
            let notice = format!(
                "<p class=\"notice error\" role=\"alert\" id=\"form-error\">{}: {}</p>",
                escape_html(&t(ctx.lang, "optenant-refused")),
                escape_html(&e.to_string())
            );
            let html = render_page(state, ctx, &notice).await?;
            Err(ApiError::WebPage(WebRefusal::BadForm, html))
        }
        Err(e) => Err(e),
    }
}

/// `POST /resellers` (`name`).
pub async fn create(
    State(state): State<AppState>,
    from: ClientAddr,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let ctx = page_ctx(&state, &headers).await;
    let fields = form_fields(&body);
    check_form(&ctx, &headers, &fields)?;
    let m = operator(&state, &headers, &ctx).await?;
    let name = field(&fields, "name").unwrap_or_default();
    let r = create_reseller_for(&state, &m, &from, name).await;
    answer(&state, &ctx, "reseller", r).await
}

/// `POST /resellers/accounts` (`reseller`, `login`, `password`): a reseller admin account.
pub async fn create_admin(
    State(state): State<AppState>,
    from: ClientAddr,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let ctx = page_ctx(&state, &headers).await;
    let fields = form_fields(&body);
    check_form(&ctx, &headers, &fields)?;
    let m = operator(&state, &headers, &ctx).await?;
    let mut b = account_form::body(&fields, None);
    // This form makes reseller admins only, whatever role a crafted post names.
    b.role = Role::ResellerAdmin.as_str().to_owned();
    let r = create_account_for(&state, &m, &from, b).await;
    answer(&state, &ctx, "account", r).await
}
