//! A tenant's learners page (`GET /learners`): the learners the caller sees (the first
//! `SHOWN` by id, each linking to their page, `learner.rs`), a form that adds one, the CSV import with its per-row report (`learners.js` sends the file
//! to `POST /api/v1/learners.csv`), and the export (`GET /learners.csv`, the same file
//! as the API's). Server-rendered in the reader's language.

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;

use super::learner;
use super::tenant::{self, caller, refused, tenant_query};
use super::{PageCtx, html_ok, page, page_ctx};
use crate::http::api::Admin;
use crate::http::api::end_clients::visible_to;
use crate::http::content::encode_path;
use crate::http::error::{ApiError, WebRefusal};
use crate::i18n::{Arg, escape_html, format_date_time, format_number, t, t_args};
use crate::server::AppState;

const LEARNERS_JS: &str = include_str!("learners.js");

/// Learners listed on the page at most (the export holds them all).
const SHOWN: usize = 500;

#[derive(Debug, Default, Deserialize)]
pub struct PageQuery {
    /// The tenant an operator or reseller admin looks at.
    tenant: Option<String>,
    /// Set after a learner was deleted: their id.
    deleted: Option<String>,
}

/// `GET /learners`.
pub async fn learners(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
) -> Result<Response, ApiError> {
    let ctx = page_ctx(&state, &headers).await;
    let who = caller(&state, &headers, q.tenant.as_deref())
        .await
        .map_err(|e| refused(&ctx, &e, "learners-title", "/learners"))?;
    let notice = q.deleted.as_deref().map(|id| {
        let text = t_args(ctx.lang, "learners-deleted", &[("id", Arg::from(id))]);
        learner::notice("info", "learner-deleted", &text)
    });
    let main = render(&state, &ctx, &who, q.tenant.as_deref(), notice.as_deref()).await?;
    Ok(html_ok(page(&ctx, "learners-title", "/learners", &main)))
}

/// The learners page again with why its create form was refused (400, or 409).
pub(super) async fn refused_form(
    state: &AppState,
    ctx: &PageCtx,
    who: &Admin,
    tenant: Option<&str>,
    text: &str,
) -> ApiError {
    let notice = learner::notice("error", "learner-error", text);
    match render(state, ctx, who, tenant, Some(&notice)).await {
        Ok(main) => ApiError::WebPage(WebRefusal::BadForm, page(ctx, "learners-title", "/learners", &main)),
        Err(e) => e,
    }
}

async fn render(
    state: &AppState,
    ctx: &PageCtx,
    who: &Admin,
    tenant: Option<&str>,
    notice: Option<&str>,
) -> Result<String, ApiError> {
    let list = state
        .store
        .list_real_learners(who.tenant.id, who.end_client.as_deref())
        .await?;
    let end_clients = visible_to(state, who).await?;
    let l = ctx.lang;
    let e = |id: &str| escape_html(&t(l, id));
    let tq = tenant_query(tenant);
    let rows: String = list
        .iter()
        .take(SHOWN)
        .map(|x| {
            format!(
                "<tr><th scope=\"row\"><a href=\"/learners/{link}{tq}\"><code>{}</code></a></th><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape_html(&x.id),
                escape_html(&x.name),
                escape_html(x.email.as_deref().unwrap_or_default()),
                escape_html(x.end_client.as_deref().unwrap_or_default()),
                escape_html(&format_date_time(l, x.updated_ms)),
                link = escape_html(&encode_path(&x.id)),
                tq = escape_html(&tq),
            )
        })
        .collect();
    let count = i64::try_from(list.len()).unwrap_or(i64::MAX);
    let shown = i64::try_from(list.len().min(SHOWN)).unwrap_or(i64::MAX);
    let summary = t_args(
        l,
        "learners-count",
        &[
            ("shown", Arg::from(format_number(l, shown))),
            ("count", Arg::from(format_number(l, count))),
        ],
    );
    let create = learner::fields_form(ctx, who, &end_clients, None, &format!("/learners{tq}"));
    Ok(format!(
        "<h1>{title}</h1>\n<p class=\"hint\">{tenant}</p>\n{notice}\n\
         <h2 id=\"list-h\">{list_h}</h2><p id=\"learners-count\">{summary}</p>\
         <p><a id=\"export-link\" href=\"/learners.csv{tq_html}\" download>{export}</a></p>\
         <div class=\"table-wrap\"><table id=\"learners\" aria-labelledby=\"list-h\"><thead><tr>\
         <th scope=\"col\">{c_id}</th><th scope=\"col\">{c_name}</th><th scope=\"col\">{c_email}</th>\
         <th scope=\"col\">{c_ec}</th><th scope=\"col\">{c_updated}</th></tr></thead><tbody>{rows}</tbody></table></div>\n\
         <section aria-labelledby=\"create-h\"><h2 id=\"create-h\">{create_h}</h2>{create}</section>\n{import}\n\
         <script type=\"application/json\" id=\"learners-i18n\">{messages}</script>\n<script src=\"/learners.js\"></script>",
        title = e("learners-title"),
        tenant = escape_html(&t_args(
            l,
            "courses-tenant",
            &[("tenant", Arg::from(who.tenant.name.as_str()))]
        )),
        notice = notice.unwrap_or_default(),
        create_h = e("learners-create"),
        import = import_form(ctx, who),
        list_h = e("learners-list"),
        tq_html = escape_html(&tq),
        export = e("learners-export"),
        c_id = e("col-id"),
        c_name = e("col-name"),
        c_email = e("col-email"),
        c_ec = e("col-end-client"),
        c_updated = e("col-updated"),
        // The import's row refusals say the forms' words for the same rules.
        messages = tenant::script_messages_of(l, &["js-csv-", "form-bad-", "form-unknown-"]),
    ))
}

fn import_form(ctx: &PageCtx, who: &Admin) -> String {
    let l = ctx.lang;
    let e = |id: &str| escape_html(&t(l, id));
    format!(
        "<section aria-labelledby=\"import-h\"><h2 id=\"import-h\">{title}</h2><p class=\"hint\">{hint}</p>\
         <form id=\"import-form\" data-csrf=\"{csrf}\" data-tenant=\"{tenant}\">\
         <label for=\"csv-file\">{field}</label>\
         <input id=\"csv-file\" name=\"file\" type=\"file\" accept=\".csv,text/csv\" required>\
         <div><button type=\"submit\" id=\"import-button\">{button}</button></div></form>\
         <noscript><p class=\"notice error\">{noscript}</p></noscript>\
         <div id=\"import-result\" role=\"status\" aria-live=\"polite\"></div></section>",
        title = e("learners-import"),
        hint = e("learners-import-hint"),
        csrf = escape_html(ctx.csrf.as_deref().unwrap_or_default()),
        tenant = escape_html(who.tenant.name.as_str()),
        field = e("learners-file"),
        button = e("learners-import-button"),
        noscript = e("learners-noscript"),
    )
}

/// `GET /learners.csv`: the export, as the API's.
pub async fn export(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
) -> Result<Response, ApiError> {
    let ctx = page_ctx(&state, &headers).await;
    let who = caller(&state, &headers, q.tenant.as_deref())
        .await
        .map_err(|e| refused(&ctx, &e, "learners-title", "/learners"))?;
    crate::http::api::learners_csv::csv_response(&state, &who).await
}

/// `GET /learners.js`: the page's script.
pub async fn script() -> Response {
    tenant::script(LEARNERS_JS)
}
