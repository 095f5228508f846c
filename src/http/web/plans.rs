//! The plans page (`GET /plans`; `POST /plans` from its form), the operator's only: every
//! plan with its quotas and how many tenants use it, and a form creating one through the
//! operator API's `create_plan_for`. Plans are created, never edited (neither the API nor
//! the CLI changes one): a tenant moves to another plan on its own page.

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::operator_tenant::limit_text;
use super::{PageCtx, check_form, field, form_fields, html_ok, page, page_ctx};
use crate::http::accounts::Manager;
use crate::http::client::ClientAddr;
use crate::http::error::{ApiError, WebRefusal};
use crate::http::operator::create_plan_for;
use crate::i18n::{Arg, escape_html, format_bytes, format_number, t, t_args};
use crate::server::AppState;
use crate::tenant::{Plan, Quotas, Tenant};

const TITLE: &str = "plans-title";

#[derive(Debug, Default, Deserialize)]
pub struct PageQuery {
    /// Set after a plan was created.
    created: Option<String>,
}

/// The operator, or the refusal page (signed out 401, anyone else 403).
async fn operator(state: &AppState, headers: &HeaderMap, ctx: &PageCtx) -> Result<Manager, ApiError> {
    super::operator_only(state, headers, ctx, TITLE, "operator-only").await
}

/// `GET /plans`.
pub async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
) -> Result<Response, ApiError> {
    let ctx = page_ctx(&state, &headers).await;
    operator(&state, &headers, &ctx).await?;
    let notice = q
        .created
        .map(|name| {
            let text = t_args(ctx.lang, "plans-created", &[("name", Arg::from(name.as_str()))]);
            format!(
                "<p class=\"notice info\" role=\"status\" id=\"plan-created\">{}</p>",
                escape_html(&text)
            )
        })
        .unwrap_or_default();
    Ok(html_ok(render_page(&state, &ctx, &notice).await?))
}

async fn render_page(state: &AppState, ctx: &PageCtx, notice: &str) -> Result<String, ApiError> {
    let plans = state.store.list_plans().await?;
    let tenants = state.store.list_tenants().await?;
    let main = format!(
        "<h1>{}</h1>{notice}{}{}",
        escape_html(&t(ctx.lang, TITLE)),
        table(ctx, &plans, &tenants),
        form(ctx)
    );
    Ok(page(ctx, TITLE, "/plans", &main))
}

fn table(ctx: &PageCtx, plans: &[Plan], tenants: &[Tenant]) -> String {
    let l = ctx.lang;
    let e = |id: &str| escape_html(&t(l, id));
    let n = |x: u64| format_number(l, i64::try_from(x).unwrap_or(i64::MAX));
    let rows: String = plans
        .iter()
        .map(|p| {
            let q = &p.quotas;
            let used = tenants
                .iter()
                .filter(|x| x.plan.as_deref() == Some(p.name.as_str()))
                .count();
            format!(
                "<tr data-plan=\"{name}\"><th scope=\"row\">{name}</th><td>{storage}</td><td>{learners}</td>\
                 <td>{statements}</td><td>{requests}</td><td class=\"tenants\">{used}</td></tr>",
                name = escape_html(p.name.as_str()),
                storage = escape_html(&limit_text(ctx, q.storage_bytes, |b| format_bytes(l, b))),
                learners = escape_html(&limit_text(ctx, q.learners, n)),
                statements = escape_html(&limit_text(ctx, q.statements_per_month, n)),
                requests = escape_html(&limit_text(ctx, q.requests_per_minute.map(u64::from), n)),
                used = n(used as u64),
            )
        })
        .collect();
    let body = if plans.is_empty() {
        format!("<p>{}</p>", e("plans-none"))
    } else {
        format!(
            "<div class=\"table-wrap\"><table id=\"plan-list\"><thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th>\
             <th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead>\
             <tbody>{rows}</tbody></table></div>",
            e("col-plan"),
            e("plans-storage"),
            e("plans-learners"),
            e("plans-statements"),
            e("plans-requests"),
            e("plans-tenants"),
        )
    };
    format!(
        "<h2>{}</h2>{body}<p class=\"hint\">{}</p>",
        e("plans-list"),
        e("plans-no-edit")
    )
}

fn form(ctx: &PageCtx) -> String {
    let l = ctx.lang;
    let e = |id: &str| escape_html(&t(l, id));
    let number = |name: &str, label: &str| {
        format!(
            "<label for=\"plan-{name}\">{}</label><input id=\"plan-{name}\" name=\"{name}\" type=\"number\" min=\"0\" step=\"1\">",
            e(label)
        )
    };
    format!(
        "<h2 id=\"plan-create-h\">{h}</h2><form id=\"plan-form\" method=\"post\" action=\"/plans\">\
         <input type=\"hidden\" name=\"csrf\" value=\"{csrf}\">\
         <label for=\"plan-name\">{name_l}</label><input id=\"plan-name\" name=\"name\" type=\"text\" required maxlength=\"64\">\
         <p class=\"hint\">{name_h}</p>{storage}{learners}{statements}{requests}<p class=\"hint\">{blank}</p>\
         <div><button type=\"submit\" id=\"plan-create\">{button}</button></div></form>",
        h = e("plans-create"),
        csrf = escape_html(ctx.csrf.as_deref().unwrap_or_default()),
        name_l = e("tenants-name"),
        name_h = e("plans-name-hint"),
        storage = number("storageBytes", "plans-storage-bytes"),
        learners = number("learners", "plans-learners"),
        statements = number("statementsPerMonth", "plans-statements"),
        requests = number("requestsPerMinute", "plans-requests"),
        blank = e("plans-blank-unlimited"),
        button = e("plans-create-button"),
    )
}

/// A quota field: blank is unlimited; anything but a whole number is refused, answering
/// the message id of the field's label.
fn quota<T: std::str::FromStr>(
    fields: &[(String, String)],
    (name, label): (&str, &'static str),
) -> Result<Option<T>, &'static str> {
    match field(fields, name).map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => v.parse().map(Some).map_err(|_| label),
    }
}

fn quotas(fields: &[(String, String)]) -> Result<Quotas, &'static str> {
    Ok(Quotas {
        storage_bytes: quota(fields, ("storageBytes", "plans-storage-bytes"))?,
        learners: quota(fields, ("learners", "plans-learners"))?,
        statements_per_month: quota(fields, ("statementsPerMonth", "plans-statements"))?,
        requests_per_minute: quota(fields, ("requestsPerMinute", "plans-requests"))?,
    })
}

/// Why the plan was not created, in the reader's language: a name the plan rules refuse,
/// a name taken; the API's own words (English) follow for anything else.
fn why(l: crate::i18n::Lang, e: &ApiError, name: &str) -> String {
    if crate::tenant::PlanName::parse(name).is_err() {
        return t(l, "form-bad-plan-name");
    }
    if e.status().as_u16() == 409 {
        return t_args(l, "plans-exists", &[("name", Arg::from(name))]);
    }
    format!("{}: {e}", t(l, "optenant-refused"))
}

/// `POST /plans`: creates the plan, then back to the list (303).
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
    let l = ctx.lang;
    let refusal = match quotas(&fields) {
        Err(label) => t_args(l, "form-bad-quota", &[("field", Arg::from(t(l, label)))]),
        Ok(q) => match create_plan_for(&state, &m, &from, name, q).await {
            Ok(p) => {
                let name = crate::http::content::encode_path(p.name.as_str());
                return Ok(Redirect::to(&format!("/plans?created={name}")).into_response());
            }
            Err(e) if e.status().is_client_error() => why(l, &e, name),
            Err(e) => return Err(e),
        },
    };
    let notice = format!(
        "<p class=\"notice error\" role=\"alert\" id=\"form-error\">{}</p>",
        escape_html(&refusal)
    );
    let html = render_page(&state, &ctx, &notice).await?;
    Err(ApiError::WebPage(WebRefusal::BadForm, html))
}
