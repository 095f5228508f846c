//! What the tenant's admin pages share (`courses.rs`, `learners.rs`): the caller as the
//! admin API sees them, `?tenant=NAME` standing in for `X-Kiroku-Tenant` (an operator or
//! reseller admin names the tenant in the address), the refusal page when the caller may
//! not see the page, and the pages' scripts and the messages handed to them.

use axum::http::HeaderMap;
use axum::http::header::{self, HeaderValue};
use axum::response::{IntoResponse, Response};

use super::{PageCtx, check_form, form_fields, page, page_ctx, secure_headers};
use crate::http::api::{Admin, admin};
use crate::http::error::{ApiError, WebRefusal};
use crate::i18n::{self, escape_html, t};
use crate::server::AppState;
use crate::tenant::TenantRefusal;

/// The caller as the API sees them, `tenant` standing in for `X-Kiroku-Tenant` when the
/// request has none.
pub async fn caller(state: &AppState, headers: &HeaderMap, tenant: Option<&str>) -> Result<Admin, ApiError> {
    let mut headers = headers.clone();
    if let Some(name) = tenant.filter(|_| !headers.contains_key("x-kiroku-tenant"))
        && let Ok(v) = HeaderValue::from_str(name)
    {
        headers.insert("x-kiroku-tenant", v);
    }
    admin(state, &headers).await
}

/// A signed-in admin's form post, read: the page's context, the form's fields (its CSRF
/// token checked) and the caller, who gets the refusal page of `page` (its title's
/// message id and address) when they may not see it.
pub struct AdminForm {
    pub ctx: PageCtx,
    pub fields: Vec<(String, String)>,
    pub who: Admin,
}

impl AdminForm {
    pub async fn read(
        state: &AppState,
        headers: &HeaderMap,
        tenant: Option<&str>,
        body: &[u8],
        page: (&str, &str),
    ) -> Result<Self, ApiError> {
        let ctx = page_ctx(state, headers).await;
        let fields = form_fields(body);
        check_form(&ctx, headers, &fields)?;
        let who = caller(state, headers, tenant)
            .await
            .map_err(|e| refused(&ctx, &e, page.0, page.1))?;
        Ok(Self { ctx, fields, who })
    }

    /// The form's field `name`.
    pub fn field(&self, name: &str) -> Option<&str> {
        super::field(&self.fields, name)
    }
}

/// `address` with `pair` (`name=value`, already encoded) added to its query.
pub fn with_query(address: &str, pair: &str) -> String {
    let sep = if address.contains('?') { '&' } else { '?' };
    format!("{address}{sep}{pair}")
}

/// The page shown instead when the caller cannot see page `title_id` (at `back`):
/// signed out (a link to sign in), or refused (the API's status, the reason in the
/// reader's language).
pub fn refused(ctx: &PageCtx, e: &ApiError, title_id: &str, back: &str) -> ApiError {
    let l = ctx.lang;
    let (why, text) = match (e, e.status().as_u16()) {
        // A suspended tenant's admins are told why, in the operator's words.
        (ApiError::Tenant(TenantRefusal::Suspended { reason: Some(r), .. }), _) => (
            WebRefusal::Forbidden,
            i18n::t_args(l, "tenant-page-suspended", &[("reason", i18n::Arg::from(r.as_str()))]),
        ),
        (ApiError::Tenant(TenantRefusal::Suspended { reason: None, .. }), _) => {
            (WebRefusal::Forbidden, t(l, "tenant-page-suspended-no-reason"))
        }
        (_, 401) => (WebRefusal::SignIn, t(l, "tenant-page-signin")),
        (_, 403) => (WebRefusal::Forbidden, t(l, "tenant-page-forbidden")),
        _ => (WebRefusal::NotFound, t(l, "tenant-page-not-found")),
    };
    let main = format!(
        "<h1>{}</h1><p class=\"notice error\" role=\"alert\" id=\"refusal\">{}</p><p><a href=\"/admin/\">{}</a></p>",
        escape_html(&t(l, title_id)),
        escape_html(&text),
        escape_html(&t(l, "home-signin")),
    );
    ApiError::WebPage(why, page(ctx, title_id, back, &main))
}

/// `?tenant=NAME` for the links of a page an operator or reseller admin reads.
pub fn tenant_query(tenant: Option<&str>) -> String {
    tenant
        .map(|n| format!("?tenant={}", crate::http::content::encode_path(n)))
        .unwrap_or_default()
}

/// The messages whose id starts with `prefix`, as JSON safe inside a script block.
pub fn script_messages(l: i18n::Lang, prefix: &str) -> String {
    script_messages_of(l, &[prefix])
}

/// [`script_messages`] of several prefixes.
pub fn script_messages_of(l: i18n::Lang, prefixes: &[&str]) -> String {
    let messages: serde_json::Map<String, serde_json::Value> = i18n::messages(l)
        .into_iter()
        .filter(|(id, _)| prefixes.iter().any(|p| id.starts_with(p)))
        .map(|(id, text)| (id, serde_json::Value::String(text)))
        .collect();
    serde_json::Value::Object(messages).to_string().replace('<', "\\u003c")
}

/// A page's script, with the pages' headers.
pub fn script(source: &'static str) -> Response {
    let mut resp = source.into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/javascript; charset=utf-8"),
    );
    secure_headers(&mut resp);
    resp
}
