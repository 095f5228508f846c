//! A tenant's LRS and admin-API credentials (`GET /credentials`), for a tenant admin:
//! the credentials with their scopes, a form that creates one (`credentials.js` sends it
//! to `POST /api/v1/credentials` and shows the secret, once), and revoking
//! (`DELETE /api/v1/credentials/{key}`, after a confirmation). Server-rendered in the
//! reader's language.

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;

use super::tenant::{self, caller, refused};
use super::{PageCtx, html_ok, page, page_ctx};
use crate::http::error::ApiError;
use crate::i18n::{Arg, escape_html, format_date_time, t, t_args};
use crate::server::AppState;
use crate::tenant::Scope;

const CREDENTIALS_JS: &str = include_str!("credentials.js");

#[derive(Debug, Default, Deserialize)]
pub struct PageQuery {
    /// The tenant an operator or reseller admin looks at.
    tenant: Option<String>,
}

/// `GET /credentials`.
pub async fn credentials(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
) -> Result<Response, ApiError> {
    let ctx = page_ctx(&state, &headers).await;
    let refuse = |e: ApiError| refused(&ctx, &e, "credentials-title", "/credentials");
    let who = caller(&state, &headers, q.tenant.as_deref()).await.map_err(refuse)?;
    who.require_tenant_wide().map_err(refuse)?;
    let list = state.store.list_credentials(who.tenant.id).await?;
    let l = ctx.lang;
    let e = |id: &str| escape_html(&t(l, id));
    let rows: String = list
        .iter()
        .filter(|c| c.key != crate::runtime::usecase::RUNTIME_KEY)
        .map(|c| {
            let scopes: Vec<&str> = c.scopes.iter().map(Scope::as_str).collect();
            format!(
                "<tr data-key=\"{key}\"><td>{label}</td><th scope=\"row\"><code>{key}</code></th><td><code>{scopes}</code></td>\
                 <td>{at}</td><td><button type=\"button\" class=\"revoke\" data-key=\"{key}\">{revoke}</button></td></tr>",
                key = escape_html(&c.key),
                label = escape_html(&c.label),
                scopes = escape_html(&scopes.join(" ")),
                at = escape_html(&format_date_time(l, c.created_ms)),
                revoke = e("credentials-revoke"),
            )
        })
        .collect();
    let main = format!(
        "<h1>{title}</h1>\n<p class=\"hint\">{tenant}</p>\n<p>{lead}</p>\n{form}\n\
         <h2 id=\"list-h\">{list_h}</h2><div class=\"table-wrap\"><table id=\"credentials\" aria-labelledby=\"list-h\">\
         <thead><tr><th scope=\"col\">{c_label}</th><th scope=\"col\">{c_key}</th><th scope=\"col\">{c_scopes}</th>\
         <th scope=\"col\">{c_created}</th><th scope=\"col\">{c_actions}</th></tr></thead><tbody>{rows}</tbody></table></div>\n\
         <script type=\"application/json\" id=\"credentials-i18n\">{messages}</script>\n<script src=\"/credentials.js\"></script>",
        title = e("credentials-title"),
        tenant = escape_html(&t_args(
            l,
            "courses-tenant",
            &[("tenant", Arg::from(who.tenant.name.as_str()))]
        )),
        lead = escape_html(&t_args(
            l,
            "credentials-lead",
            &[("endpoint", Arg::from(state.config.xapi_endpoint()))]
        )),
        form = create_form(&ctx, who.tenant.name.as_str()),
        list_h = e("credentials-list"),
        c_label = e("col-label"),
        c_key = e("col-key"),
        c_scopes = e("col-scopes"),
        c_created = e("col-created"),
        c_actions = e("col-actions"),
        messages = tenant::script_messages(l, "js-cred-"),
    );
    Ok(html_ok(page(&ctx, "credentials-title", "/credentials", &main)))
}

fn create_form(ctx: &PageCtx, tenant: &str) -> String {
    let l = ctx.lang;
    let e = |id: &str| escape_html(&t(l, id));
    let boxes: String = Scope::all()
        .map(|s| {
            let name = s.as_str();
            let id = format!("scope-{}", name.replace('/', "-"));
            let checked = if s == Scope::All { " checked" } else { "" };
            format!(
                "<li><input type=\"checkbox\" name=\"scope\" id=\"{id}\" value=\"{name}\"{checked}> \
                 <label for=\"{id}\"><code>{name}</code> — {what}</label></li>",
                what = e(&format!("scope-{}", name.replace('/', "-"))),
            )
        })
        .collect();
    format!(
        "<section aria-labelledby=\"create-h\"><h2 id=\"create-h\">{title}</h2>\
         <form id=\"create-form\" data-csrf=\"{csrf}\" data-tenant=\"{tenant}\">\
         <label for=\"cred-label\">{label}</label><input id=\"cred-label\" name=\"label\" type=\"text\" maxlength=\"255\">\
         <fieldset><legend>{scopes}</legend><ul class=\"scopes\">{boxes}</ul></fieldset>\
         <button type=\"submit\" id=\"create-button\">{button}</button></form>\
         <noscript><p class=\"notice error\">{noscript}</p></noscript>\
         <div id=\"create-result\" role=\"status\" aria-live=\"polite\"></div></section>",
        title = e("credentials-create"),
        csrf = escape_html(ctx.csrf.as_deref().unwrap_or_default()),
        tenant = escape_html(tenant),
        label = e("credentials-label"),
        scopes = e("col-scopes"),
        button = e("credentials-create-button"),
        noscript = e("credentials-noscript"),
    )
}

/// `GET /credentials.js`: the page's script.
pub async fn script() -> axum::response::Response {
    tenant::script(CREDENTIALS_JS)
}
