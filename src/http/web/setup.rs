//! First run in the browser: `GET /setup?token=…` shows the form that creates the first
//! operator account, `POST /setup` creates it (`AccountStore::redeem_setup_link`, which
//! applies `account::setup::decide` and uses the link up in the same transaction) and
//! sends the reader to sign in. Once an operator exists every link answers 409.

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::json;

use super::{PageCtx, cross_site, field, form_fields, html_ok, page, page_ctx, refusal};
use crate::account::setup::{SetupRefusal, setup_digest};
use crate::account::{MAX_PASSWORD_CHARS, MIN_PASSWORD_CHARS, NewAccount, Realm, check_login, check_password};
use crate::audit::Action;
use crate::http::accounts::audit_account;
use crate::http::client::ClientAddr;
use crate::http::error::{ApiError, WebRefusal};
use crate::i18n::{Arg, escape_html, format_date_time, format_duration, t, t_args};
use crate::server::AppState;

fn not_needed(ctx: &PageCtx) -> ApiError {
    let msg = format!(
        "{} <a href=\"/admin/\">{}</a>",
        escape_html(&t(ctx.lang, "setup-not-needed")),
        escape_html(&t(ctx.lang, "signin-title"))
    );
    refusal(ctx, WebRefusal::Conflict, "setup-title", &msg)
}

fn link_invalid(ctx: &PageCtx) -> ApiError {
    let msg = escape_html(&t(ctx.lang, "setup-link-invalid"));
    refusal(ctx, WebRefusal::LinkInvalid, "setup-title", &msg)
}

/// The form, with an error above it when a submission was refused.
fn form_page(ctx: &PageCtx, token: &str, expires_ms: i64, now_ms: i64, error: Option<&str>, login: &str) -> String {
    let l = ctx.lang;
    let e = |id: &str| escape_html(&t(l, id));
    let expires = t_args(
        l,
        "setup-expires",
        &[
            ("time", Arg::from(format_date_time(l, expires_ms))),
            ("duration", Arg::from(format_duration(l, expires_ms - now_ms))),
        ],
    );
    let n = i64::try_from(MIN_PASSWORD_CHARS).unwrap_or(12);
    let error = error.map_or_else(String::new, |m| {
        format!(
            "<p class=\"notice error\" role=\"alert\" id=\"setup-error\">{}</p>",
            escape_html(m)
        )
    });
    let main = format!(
        "<h1>{title}</h1>\n<p>{lead}</p>\n<p class=\"hint\" id=\"setup-expiry\">{expires}</p>\n{error}\n\
         <form method=\"post\" action=\"/setup\" id=\"setup-form\">\
         <input type=\"hidden\" name=\"token\" value=\"{token}\">\
         <label for=\"login\">{login_label}</label>\
         <input id=\"login\" name=\"login\" type=\"text\" autocomplete=\"username\" required maxlength=\"128\" \
         aria-describedby=\"login-hint\" value=\"{login}\">\
         <p class=\"hint\" id=\"login-hint\">{login_hint}</p>\
         <label for=\"password\">{password}</label>\
         <input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"new-password\" required minlength=\"{n}\" \
         aria-describedby=\"password-hint\">\
         <p class=\"hint\" id=\"password-hint\">{password_hint}</p>\
         <label for=\"password2\">{again}</label>\
         <input id=\"password2\" name=\"password2\" type=\"password\" autocomplete=\"new-password\" required minlength=\"{n}\">\
         <div><button type=\"submit\" id=\"setup-submit\">{submit}</button></div></form>",
        title = e("setup-title"),
        lead = e("setup-lead"),
        expires = escape_html(&expires),
        token = escape_html(token),
        login_label = e("setup-login"),
        login = escape_html(login),
        login_hint = e("setup-login-hint"),
        password = e("setup-password"),
        password_hint = escape_html(&t_args(l, "setup-password-hint", &[("n", Arg::Num(n))])),
        again = e("setup-password-again"),
        submit = e("setup-submit"),
    );
    let back = format!(
        "/setup?token={}",
        form_urlencoded::byte_serialize(token.as_bytes()).collect::<String>()
    );
    page(ctx, "setup-title", &back, &main)
}

/// `GET /setup?token=…`
pub async fn form(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let ctx = page_ctx(&state, &headers).await;
    if state.store.has_operator().await? {
        return Err(not_needed(&ctx));
    }
    let query = query.unwrap_or_default();
    let fields = form_fields(query.as_bytes());
    let token = field(&fields, "token").unwrap_or_default();
    let now = state.config.wall.now_ms();
    let Some(expires) = state.store.setup_link_expiry(setup_digest(token), now).await? else {
        return Err(link_invalid(&ctx));
    };
    Ok(html_ok(form_page(&ctx, token, expires, now, None, "")))
}

/// What is wrong with the chosen login and passwords, in the reader's language.
fn problem(ctx: &PageCtx, login: &str, password: &str, again: &str) -> Option<String> {
    let l = ctx.lang;
    let Ok(login) = check_login(login) else {
        return Some(t(l, "setup-login-invalid"));
    };
    if check_password(&login, password).is_err() {
        let chars = password.chars().count();
        let num = |n: usize| Arg::Num(i64::try_from(n).unwrap_or(i64::MAX));
        return Some(if chars < MIN_PASSWORD_CHARS {
            t_args(l, "setup-password-short", &[("n", num(MIN_PASSWORD_CHARS))])
        } else if chars > MAX_PASSWORD_CHARS {
            t_args(l, "setup-password-long", &[("n", num(MAX_PASSWORD_CHARS))])
        } else {
            t(l, "setup-password-is-login")
        });
    }
    (password != again).then(|| t(l, "setup-mismatch"))
}

/// `POST /setup` (form: `token`, `login`, `password`, `password2`): creates the first
/// operator account and sends the reader to sign in (303 to `/admin/?setup=done`).
pub async fn create(
    State(state): State<AppState>,
    from: ClientAddr,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let ctx = page_ctx(&state, &headers).await;
    if state.store.has_operator().await? {
        return Err(not_needed(&ctx));
    }
    if cross_site(&headers) {
        let msg = escape_html(&t(ctx.lang, "error-csrf"));
        return Err(refusal(&ctx, WebRefusal::Stale, "setup-title", &msg));
    }
    let fields = form_fields(&body);
    let (Some(token), Some(login), Some(password), Some(again)) = (
        field(&fields, "token"),
        field(&fields, "login"),
        field(&fields, "password"),
        field(&fields, "password2"),
    ) else {
        let msg = escape_html(&t(ctx.lang, "error-form"));
        return Err(refusal(&ctx, WebRefusal::BadForm, "setup-title", &msg));
    };
    let now = state.config.wall.now_ms();
    let digest = setup_digest(token);
    let Some(expires) = state.store.setup_link_expiry(digest, now).await? else {
        return Err(link_invalid(&ctx));
    };
    if let Some(msg) = problem(&ctx, login, password, again) {
        let html = form_page(&ctx, token, expires, now, Some(&msg), login);
        return Err(ApiError::WebPage(WebRefusal::BadForm, html));
    }
    let login = check_login(login).unwrap_or_default();
    let password = password.to_owned();
    let password_hash = tokio::task::spawn_blocking(move || crate::account::password::hash(&password))
        .await
        .map_err(|e| ApiError::Internal(format!("password hash: {e}")))?
        .map_err(ApiError::Internal)?;
    let new = NewAccount {
        login: login.clone(),
        realm: Realm::Service,
        password_hash,
        email: None,
    };
    match state.store.redeem_setup_link(digest, now, new).await? {
        Ok(account) => {
            audit_account(
                &state,
                &account,
                &account,
                &from,
                Action::AccountCreated,
                json!({"role": "operator", "via": "setup-link"}),
            )
            .await;
            Ok(Redirect::to("/admin/?setup=done").into_response())
        }
        Err(SetupRefusal::OperatorExists) => Err(not_needed(&ctx)),
        Err(SetupRefusal::LinkInvalid) => Err(link_invalid(&ctx)),
        Err(SetupRefusal::LoginTaken) => {
            let msg = t(ctx.lang, "setup-login-taken");
            let html = form_page(&ctx, token, expires, now, Some(&msg), &login);
            Err(ApiError::WebPage(WebRefusal::Conflict, html))
        }
    }
}
