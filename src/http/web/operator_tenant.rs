//! A tenant's operator page (`GET /tenants/{name}`), for the operator and the tenant's
//! reseller admins (a tenant out of their reach is 404, as in the operator API): status
//! with the suspension's reason, plan, quotas beside what the tenant uses now, reseller,
//! its admin accounts, and the forms of `operator_actions.rs` (suspend / resume, change
//! plan, create an account) and `operator_terminate.rs` (the operator's: the steps, the
//! archive's path, the tenant's name typed as confirmation).

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;

use super::account_form::{self, AccountForm};
use super::operator_terminate::archive_path;
use super::tenant::tenant_query;
use super::{PageCtx, html_ok, page, page_ctx};
use crate::account::{Account, EndClient, Realm, Role};
use crate::http::accounts::Manager;
use crate::http::error::{ApiError, WebRefusal};
use crate::http::extract::Path;
use crate::http::operator::{caller, show_tenant_for};
use crate::i18n::{Arg, escape_html, format_bytes, format_date_time, format_number, t, t_args};
use crate::operator::TenantView;
use crate::server::AppState;
use crate::tenant::{Plan, TenantStatus};

#[derive(Debug, Default, Deserialize)]
pub struct PageQuery {
    /// What was just done: `suspended`, `resumed`, `plan` or `account`.
    done: Option<String>,
}

/// What the page shows of one tenant.
pub struct TenantPage {
    pub view: TenantView,
    pub plans: Vec<Plan>,
    pub accounts: Vec<Account>,
    pub end_clients: Vec<EndClient>,
    /// Whether the reader is the operator (who alone terminates).
    pub operator: bool,
    /// Where a termination from this page writes the archive.
    pub archive: String,
}

/// The page's title and the place a refusal is shown at.
const TITLE: &str = "optenant-title";

/// The page shown instead when the caller may not see the tenant: signed out, not the
/// operator or a reseller admin (403), or a tenant out of reach (404).
pub fn refused(ctx: &PageCtx, e: &ApiError) -> ApiError {
    let l = ctx.lang;
    let (why, id) = match e.status().as_u16() {
        401 => (WebRefusal::SignIn, "tenant-page-signin"),
        403 => (WebRefusal::Forbidden, "tenants-forbidden"),
        _ => (WebRefusal::NotFound, "optenant-not-found"),
    };
    let main = format!(
        "<h1>{}</h1><p class=\"notice error\" role=\"alert\">{}</p><p><a href=\"/tenants\">{}</a></p>",
        escape_html(&t(l, TITLE)),
        escape_html(&t(l, id)),
        escape_html(&t(l, "optenant-back")),
    );
    ApiError::WebPage(why, page(ctx, TITLE, "/tenants", &main))
}

/// The caller (operator or reseller admin), refused as a page.
pub async fn manager(state: &AppState, headers: &HeaderMap, ctx: &PageCtx) -> Result<Manager, ApiError> {
    caller(state, headers).await.map_err(|e| refused(ctx, &e))
}

/// Reads what the page shows, through the operator API's `show_tenant_for` (404 out of reach).
pub async fn load(state: &AppState, m: &Manager, ctx: &PageCtx, name: &str) -> Result<TenantPage, ApiError> {
    let view = show_tenant_for(state, m, name).await.map_err(|e| refused(ctx, &e))?;
    let id = view.tenant.id;
    Ok(TenantPage {
        plans: state.store.list_plans().await?,
        accounts: state.store.list_accounts(&Realm::Tenant(id)).await?,
        end_clients: state.store.list_end_clients(id).await?,
        operator: m.require_operator().is_ok(),
        archive: archive_path(state, view.tenant.name.as_str()).display().to_string(),
        view,
    })
}

/// `GET /tenants/{name}`.
pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(name): Path<String>,
    Query(q): Query<PageQuery>,
) -> Result<Response, ApiError> {
    let ctx = page_ctx(&state, &headers).await;
    let m = manager(&state, &headers, &ctx).await?;
    let data = load(&state, &m, &ctx, &name).await?;
    let notice = q.done.as_deref().map(|d| done_notice(&ctx, d)).unwrap_or_default();
    Ok(html_ok(page_of(&ctx, &data, &notice)))
}

fn done_notice(ctx: &PageCtx, done: &str) -> String {
    let id = match done {
        "suspended" => "optenant-done-suspended",
        "resumed" => "optenant-done-resumed",
        "plan" => "optenant-done-plan",
        "account" => "optenant-done-account",
        "terminated" => "optenant-done-terminated",
        _ => return String::new(),
    };
    format!(
        "<p class=\"notice info\" role=\"status\" id=\"done\">{}</p>",
        escape_html(&t(ctx.lang, id))
    )
}

/// The whole page, `notice` (HTML) under its title.
pub fn page_of(ctx: &PageCtx, d: &TenantPage, notice: &str) -> String {
    let back = format!(
        "/tenants/{}",
        crate::http::content::encode_path(d.view.tenant.name.as_str())
    );
    let main = [
        facts(ctx, &d.view),
        notice.to_owned(),
        quotas(ctx, &d.view),
        status_form(ctx, &d.view, &back),
        plan_form(ctx, d, &back),
        accounts(ctx, d, &back),
        terminate(ctx, d, &back),
    ]
    .concat();
    page(ctx, TITLE, &back, &main)
}

fn facts(ctx: &PageCtx, v: &TenantView) -> String {
    let l = ctx.lang;
    let e = |id: &str| escape_html(&t(l, id));
    let x = &v.tenant;
    let reason = match (&x.status, &x.status_reason) {
        (TenantStatus::Suspended, Some(r)) => {
            format!(
                " <span id=\"status-reason\">({}: {})</span>",
                e("optenant-reason"),
                escape_html(r)
            )
        }
        _ => String::new(),
    };
    let tq = escape_html(&tenant_query(Some(x.name.as_str())));
    format!(
        "<p><a href=\"/tenants\">{back}</a></p><h1>{title}</h1>\
         <dl class=\"facts\"><dt>{c_status}</dt><dd id=\"status\" data-status=\"{code}\">{status}{reason}</dd>\
         <dt>{c_plan}</dt><dd id=\"plan\">{plan}</dd><dt>{c_reseller}</dt><dd>{reseller}</dd>\
         <dt>{c_version}</dt><dd>{version}</dd><dt>{c_created}</dt><dd>{created}</dd></dl>\
         <p><a href=\"/courses{tq}\">{courses}</a> · <a href=\"/learners{tq}\">{learners}</a> · \
         <a href=\"/settings{tq}\">{settings}</a> · <a href=\"/audit{tq}\">{audit}</a></p>",
        back = e("optenant-back"),
        title = escape_html(&t_args(l, "optenant-heading", &[("name", Arg::from(x.name.as_str()))])),
        c_status = e("col-status"),
        code = x.status.as_str(),
        status = e(&format!("js-status-{}", x.status.as_str())),
        c_plan = e("col-plan"),
        plan = escape_html(x.plan.as_deref().unwrap_or("—")),
        c_reseller = e("col-reseller"),
        reseller = escape_html(x.reseller.as_deref().unwrap_or("—")),
        c_version = e("optenant-xapi-version"),
        version = escape_html(x.xapi_version.as_str()),
        c_created = e("col-created"),
        created = escape_html(&format_date_time(l, x.created_ms)),
        courses = e("nav-courses"),
        learners = e("nav-learners"),
        settings = e("nav-settings"),
        audit = e("nav-audit"),
    )
}

/// A quota's limit as text: a number, or unlimited.
pub fn limit_text(ctx: &PageCtx, limit: Option<u64>, show: impl Fn(u64) -> String) -> String {
    limit.map_or_else(|| t(ctx.lang, "plans-unlimited"), show)
}

fn quotas(ctx: &PageCtx, v: &TenantView) -> String {
    let l = ctx.lang;
    let e = |id: &str| escape_html(&t(l, id));
    let (q, u) = (&v.tenant.quotas, &v.usage);
    let n = |x: u64| format_number(l, i64::try_from(x).unwrap_or(i64::MAX));
    let b = |x: u64| format_bytes(l, x);
    let rows = [
        ("plans-storage", b(u.storage_bytes), limit_text(ctx, q.storage_bytes, b)),
        ("plans-learners", n(u.learners), limit_text(ctx, q.learners, n)),
        (
            "optenant-statements-month",
            n(u.statements_this_month),
            limit_text(ctx, q.statements_per_month, n),
        ),
        (
            "plans-requests",
            "—".to_owned(),
            limit_text(ctx, q.requests_per_minute.map(u64::from), n),
        ),
    ]
    .map(|(id, used, limit)| {
        format!(
            "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td></tr>",
            e(id),
            escape_html(&used),
            escape_html(&limit)
        )
    })
    .concat();
    format!(
        "<h2 id=\"usage-h\">{h}</h2><div class=\"table-wrap\"><table id=\"usage\" aria-labelledby=\"usage-h\"><thead><tr>\
         <th scope=\"col\">{c_quota}</th><th scope=\"col\">{c_used}</th><th scope=\"col\">{c_limit}</th></tr></thead>\
         <tbody>{rows}</tbody></table></div>",
        h = e("optenant-usage"),
        c_quota = e("optenant-quota"),
        c_used = e("optenant-used"),
        c_limit = e("optenant-limit"),
    )
}

/// Suspend (with a reason) or resume, each after a ticked confirmation; none for a
/// terminated tenant, which stays so.
fn status_form(ctx: &PageCtx, v: &TenantView, back: &str) -> String {
    let l = ctx.lang;
    let e = |id: &str| escape_html(&t(l, id));
    let csrf = escape_html(ctx.csrf.as_deref().unwrap_or_default());
    let fields = match v.tenant.status {
        TenantStatus::Terminated => return String::new(),
        TenantStatus::Active => format!(
            "<form id=\"suspend-form\" method=\"post\" action=\"{back}/suspend\"><input type=\"hidden\" name=\"csrf\" value=\"{csrf}\">\
             <label for=\"suspend-reason\">{reason_l}</label><input id=\"suspend-reason\" name=\"reason\" type=\"text\" required maxlength=\"500\">\
             <p class=\"hint\">{reason_h}</p>\
             <p><input id=\"suspend-confirm\" name=\"confirm\" type=\"checkbox\" value=\"yes\" required> \
             <label class=\"inline\" for=\"suspend-confirm\">{confirm}</label></p>\
             <div><button type=\"submit\" class=\"danger\" id=\"suspend-button\">{button}</button></div></form>",
            reason_l = e("optenant-suspend-reason"),
            reason_h = e("optenant-suspend-hint"),
            confirm = e("optenant-suspend-confirm"),
            button = e("js-suspend"),
        ),
        TenantStatus::Suspended => format!(
            "<form id=\"resume-form\" method=\"post\" action=\"{back}/resume\"><input type=\"hidden\" name=\"csrf\" value=\"{csrf}\">\
             <p><input id=\"resume-confirm\" name=\"confirm\" type=\"checkbox\" value=\"yes\" required> \
             <label class=\"inline\" for=\"resume-confirm\">{confirm}</label></p>\
             <div><button type=\"submit\" id=\"resume-button\">{button}</button></div></form>",
            confirm = e("optenant-resume-confirm"),
            button = e("optenant-resume"),
        ),
    };
    format!("<h2>{}</h2>{fields}", e("optenant-status-h"))
}

fn plan_form(ctx: &PageCtx, d: &TenantPage, back: &str) -> String {
    let l = ctx.lang;
    let e = |id: &str| escape_html(&t(l, id));
    if d.view.tenant.status == TenantStatus::Terminated {
        return String::new();
    }
    if d.plans.is_empty() {
        return format!("<h2>{}</h2><p>{}</p>", e("optenant-plan-h"), e("optenant-no-plans"));
    }
    let current = d.view.tenant.plan.as_deref();
    // A tenant without a plan has none chosen: the form never suggests one it is not on.
    let none = match current {
        None => "<option value=\"\" selected disabled>—</option>",
        Some(_) => "",
    };
    let options: String = std::iter::once(none.to_owned())
        .chain(d.plans.iter().map(|p| {
            let selected = if current == Some(p.name.as_str()) {
                " selected"
            } else {
                ""
            };
            format!(
                "<option value=\"{0}\"{selected}>{0}</option>",
                escape_html(p.name.as_str())
            )
        }))
        .collect();
    format!(
        "<h2>{h}</h2><form id=\"plan-form\" method=\"post\" action=\"{back}/plan\">\
         <input type=\"hidden\" name=\"csrf\" value=\"{csrf}\">\
         <label for=\"plan-select\">{label}</label><select id=\"plan-select\" name=\"plan\" required>{options}</select>\
         <p class=\"hint\">{hint}</p><div><button type=\"submit\" id=\"plan-button\">{button}</button></div></form>",
        h = e("optenant-plan-h"),
        csrf = escape_html(ctx.csrf.as_deref().unwrap_or_default()),
        label = e("col-plan"),
        hint = e("optenant-plan-hint"),
        button = e("optenant-plan-button"),
    )
}

fn accounts(ctx: &PageCtx, d: &TenantPage, back: &str) -> String {
    let l = ctx.lang;
    let end_client_of = |a: &Account| a.realm.end_client().map(str::to_owned).unwrap_or_else(|| "—".into());
    let action = format!("{back}/accounts");
    let form = AccountForm {
        action: &action,
        roles: &[Role::TenantAdmin, Role::EndClientAdmin],
        resellers: &[],
        end_clients: &d.end_clients,
    };
    format!(
        "<h2>{}</h2>{}<h3>{}</h3>{}",
        escape_html(&t(l, "optenant-accounts-h")),
        account_form::table(ctx, "tenant-accounts", &d.accounts, end_client_of),
        escape_html(&t(l, "accounts-create")),
        account_form::form(ctx, &form),
    )
}

/// Termination: the steps it takes, where the archive goes, and for the operator the form
/// (the tenant's name typed as confirmation); once terminated, where the archive is.
fn terminate(ctx: &PageCtx, d: &TenantPage, back: &str) -> String {
    let l = ctx.lang;
    let e = |id: &str| escape_html(&t(l, id));
    let name = d.view.tenant.name.as_str();
    let archive = format!(
        "<code id=\"terminate-archive\" translate=\"no\">{}</code>",
        escape_html(&d.archive)
    );
    if d.view.tenant.status == TenantStatus::Terminated {
        let text = t_args(
            l,
            "optenant-terminated-archive",
            &[("path", Arg::from(d.archive.as_str()))],
        );
        return format!("<h2>{}</h2><p>{}</p>", e("optenant-terminate-h"), escape_html(&text));
    }
    let action = if d.operator {
        format!(
            "<form id=\"terminate-form\" method=\"post\" action=\"{back}/terminate\">\
             <input type=\"hidden\" name=\"csrf\" value=\"{csrf}\">\
             <label for=\"terminate-confirm\">{label}</label>\
             <input id=\"terminate-confirm\" name=\"confirm\" type=\"text\" required autocomplete=\"off\" translate=\"no\">\
             <div><button type=\"submit\" class=\"danger\" id=\"terminate-button\">{button}</button></div></form>",
            csrf = escape_html(ctx.csrf.as_deref().unwrap_or_default()),
            label = escape_html(&t_args(l, "optenant-terminate-type", &[("name", Arg::from(name))])),
            button = e("optenant-terminate-button"),
        )
    } else {
        format!("<p>{}</p>", e("optenant-terminate-operator-only"))
    };
    format!(
        "<h2>{h}</h2><p class=\"notice warning\">{warning}</p>\
         <ol id=\"terminate-steps\"><li>{s1}</li><li>{s2}</li><li>{s3}</li><li>{s4}</li></ol>\
         <p>{where_l} {archive}</p>{action}",
        h = e("optenant-terminate-h"),
        warning = e("optenant-terminate-warning"),
        s1 = e("optenant-terminate-export"),
        s2 = e("optenant-terminate-verify"),
        s3 = e("optenant-terminate-erase"),
        s4 = e("optenant-terminate-tombstone"),
        where_l = e("optenant-terminate-where"),
    )
}
