//! The learner page's portal sign-in section (`/learners/{id}`): whether the learner has
//! a portal password or an unused invitation code, a form setting a password (`POST
//! /learners/{id}/password`) and one making an invitation code (`POST
//! /learners/{id}/invitation`), shown once on the page that answers, with its link.
//! The same calls as the API's (`api::learner_signin::{set_password_for, invite_for}`).

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;

use super::learner::{LEARNER, PageQuery, address, notice, render};
use super::tenant::AdminForm;
use super::{PageCtx, html_ok, page};
use crate::http::api::learner_signin::{invite_for, set_password_for};
use crate::http::client::ClientAddr;
use crate::http::content::encode_path;
use crate::http::error::{ApiError, WebRefusal};
use crate::http::extract::Path;
use crate::i18n::{Arg, escape_html, format_date_time, t, t_args};
use crate::portal::Login;

/// The section: the sign-in's state and the two forms.
pub fn section(
    ctx: &PageCtx,
    id: &str,
    tenant: Option<&str>,
    portal_url: &str,
    login: Option<&Login>,
    now_ms: i64,
) -> String {
    let l = ctx.lang;
    let e = |k: &str| escape_html(&t(l, k));
    let password = if login.is_some_and(|x| x.password.is_some()) {
        e("portal-password-set")
    } else {
        e("portal-password-none")
    };
    let invitation = match login.and_then(|x| x.invitation_expires_ms).filter(|x| *x > now_ms) {
        Some(until) => escape_html(&t_args(
            l,
            "portal-invitation-open",
            &[("until", Arg::from(format_date_time(l, until)))],
        )),
        None => e("portal-invitation-none"),
    };
    let base = format!("/learners/{}", encode_path(id));
    let tq = super::tenant::tenant_query(tenant);
    let csrf = escape_html(ctx.csrf.as_deref().unwrap_or_default());
    format!(
        "<section aria-labelledby=\"signin-h\"><h2 id=\"signin-h\">{title}</h2>\
         <p id=\"portal-address\">{address} <code>{portal_url}</code></p>\
         <ul id=\"portal-login-state\"><li>{password}</li><li>{invitation}</li></ul>\
         <form id=\"portal-password-form\" method=\"post\" action=\"{pw_action}\">\
         <input type=\"hidden\" name=\"csrf\" value=\"{csrf}\">\
         <label for=\"portal-admin-password\">{pw_l}</label>\
         <input id=\"portal-admin-password\" name=\"password\" type=\"password\" required minlength=\"8\" maxlength=\"256\" autocomplete=\"new-password\">\
         <p class=\"hint\">{pw_h}</p>\
         <div><button type=\"submit\" id=\"portal-password-save\">{pw_b}</button></div></form>\
         <form id=\"portal-invitation-form\" method=\"post\" action=\"{inv_action}\">\
         <input type=\"hidden\" name=\"csrf\" value=\"{csrf}\"><p class=\"hint\">{inv_h}</p>\
         <div><button type=\"submit\" id=\"portal-invitation-create\">{inv_b}</button></div></form></section>",
        title = e("portal-signin-section"),
        address = e("portal-address"),
        portal_url = escape_html(portal_url),
        pw_action = escape_html(&format!("{base}/password{tq}")),
        inv_action = escape_html(&format!("{base}/invitation{tq}")),
        pw_l = e("portal-new-password"),
        pw_h = e("portal-admin-password-hint"),
        pw_b = e("portal-password-button"),
        inv_h = e("portal-invitation-hint"),
        inv_b = e("portal-invitation-button"),
    )
}

/// The learner page with `notice` (or the refusal of `e`: 400 with its reason, in the
/// reader's words when `bad_field` names the message of a field the domain's own check
/// refuses).
async fn answer(
    state: &crate::server::AppState,
    form: &AdminForm,
    (id, tenant): (&str, Option<&str>),
    result: Result<String, ApiError>,
    bad_field: Option<&str>,
) -> Result<Response, ApiError> {
    let (ctx, who) = (&form.ctx, &form.who);
    let (status, notice) = match result {
        Ok(html) => (None, html),
        Err(e) if e.status().as_u16() == 404 => {
            return Err(super::tenant::refused(ctx, &e, LEARNER.0, LEARNER.1));
        }
        Err(e) if e.status().is_client_error() => {
            let text = match bad_field {
                Some(key) => t(ctx.lang, key),
                None => t_args(ctx.lang, "learner-invalid", &[("detail", Arg::from(e.to_string()))]),
            };
            (Some(WebRefusal::BadForm), notice("error", "learner-error", &text))
        }
        Err(e) => return Err(e),
    };
    let main = render(state, ctx, who, id, tenant, Some(&notice)).await?;
    let html = page(ctx, "learner-title", &address(id, tenant), &main);
    match status {
        None => Ok(html_ok(html)),
        Some(why) => Err(ApiError::WebPage(why, html)),
    }
}

/// `POST /learners/{id}/password` (`password`).
pub async fn password(
    State(state): State<crate::server::AppState>,
    from: ClientAddr,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<PageQuery>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let tenant = q.tenant.as_deref();
    let form = AdminForm::read(&state, &headers, tenant, &body, LEARNER).await?;
    let pw = form.field("password").unwrap_or_default().to_owned();
    let bad = crate::portal::check_password(&id, &pw)
        .err()
        .map(|_| "form-bad-password");
    let result = set_password_for(&state, &form.who, &from, &id, pw).await.map(|()| {
        notice(
            "info",
            "portal-password-saved",
            &t(form.ctx.lang, "portal-password-saved"),
        )
    });
    answer(&state, &form, (&id, tenant), result, bad).await
}

/// `POST /learners/{id}/invitation`: a new code, shown once with its link.
pub async fn invitation(
    State(state): State<crate::server::AppState>,
    from: ClientAddr,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<PageQuery>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let tenant = q.tenant.as_deref();
    let form = AdminForm::read(&state, &headers, tenant, &body, LEARNER).await?;
    let l = form.ctx.lang;
    let result = invite_for(&state, &form.who, &from, &id).await.map(|v| {
        let s = |k: &str| v.get(k).and_then(|x| x.as_str()).unwrap_or_default().to_owned();
        format!(
            "<div class=\"notice info\" role=\"status\" id=\"portal-invitation\"><p>{once}</p>\
             <p>{code_l} <code id=\"portal-invitation-code\">{code}</code></p>\
             <p>{link_l} <code id=\"portal-invitation-url\">{url}</code></p></div>",
            once = escape_html(&t(l, "portal-invitation-once")),
            code_l = escape_html(&t(l, "portal-code")),
            code = escape_html(&s("code")),
            link_l = escape_html(&t(l, "portal-invitation-link")),
            url = escape_html(&s("url")),
        )
    });
    answer(&state, &form, (&id, tenant), result, None).await
}
