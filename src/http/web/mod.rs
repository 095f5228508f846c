//! The web app's pages on the app origin, server-rendered in the reader's language:
//! the home page (`home.rs`), first run's setup page (`setup.rs`), the course library
//! with its upload (`courses.rs`, `courses.js`), the page frame with its language
//! control (`frame.rs`), and `POST /language`, which that control submits.
//!
//! A page's language is the signed-in account's setting, else the `kiroku_lang` cookie,
//! else the browser's `Accept-Language` (`i18n::choose`). Switching sets the cookie and,
//! for a signed-in account, its setting (the form carries the session's CSRF token).
//! Every page carries the admin page's strict Content-Security-Policy (scripts only from
//! this origin, as files); none is ever served on the content origin.

mod assignments;
mod audit;
mod charts;
mod course_assign;
mod course_delete;
mod course_preview;
mod courses;
mod credentials;
mod end_clients;
mod frame;
mod health;
mod home;
mod learner;
mod learner_signin;
mod learners;
mod notices;
mod report_parts;
mod reports;
mod settings;
mod setup;
mod statements;
pub(crate) mod tenant;
mod tenants;
// The operator's and reseller admins' pages (issue 15 item 2).
mod account_form;
mod operator_actions;
mod operator_tenant;
mod operator_terminate;
mod plans;
mod resellers;

pub(crate) use frame::{header, learner_page, page};

/// The styles every page shares, for pages with a template of their own.
pub fn frame_css() -> &'static str {
    frame::CSS
}

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::header::{self, HeaderName};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};

use super::accounts::{AccountCaller, account_caller, cookie, session_cookie};
use super::error::{ApiError, WebRefusal};
use crate::account::login::csrf_token;
use crate::i18n::{self, Lang};
use crate::server::AppState;

/// The cookie that keeps the language of a reader who is not signed in.
pub const LANG_COOKIE: &str = "kiroku_lang";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home::home))
        .route("/language", post(switch_language))
        .route("/setup", get(setup::form).post(setup::create))
        .route("/courses", get(courses::library))
        .route("/courses/{id}", get(courses::course))
        .route("/courses/{id}/delete", post(course_delete::course))
        .route("/courses/{id}/preview", post(course_preview::preview))
        .route("/courses/{id}/versions/delete", post(course_delete::version))
        .route("/courses.js", get(courses::script))
        .route("/learners", get(learners::learners).post(learner::create))
        .route("/learners/{id}", get(learner::show).post(learner::save))
        .route("/learners/{id}/delete", post(learner::delete))
        .route("/learners/{id}/password", post(learner_signin::password))
        .route("/learners/{id}/invitation", post(learner_signin::invitation))
        .route("/assignments", get(assignments::list).post(assignments::create))
        .route("/assignments/{id}/delete", post(assignments::delete))
        .route("/learners.csv", get(learners::export))
        .route("/learners.js", get(learners::script))
        .route("/credentials", get(credentials::credentials))
        .route("/credentials.js", get(credentials::script))
        .route("/settings", get(settings::form).post(settings::save))
        .route("/audit", get(audit::audit))
        .route("/statements", get(statements::browse))
        .route("/reports", get(reports::reports))
        .route("/reports/export", get(reports::export))
        .route("/reports/learners/{id}", get(report_parts::transcript))
        .route("/health", get(health::health))
        .route("/notices", get(notices::notices))
        .route("/end-clients", get(end_clients::list).post(end_clients::create))
        .route("/tenants", get(tenants::list).post(tenants::create))
        // The operator's and reseller admins' pages: a tenant's page, plans, resellers.
        .route("/tenants/{name}", get(operator_tenant::show))
        .route("/tenants/{name}/suspend", post(operator_actions::suspend))
        .route("/tenants/{name}/resume", post(operator_actions::resume))
        .route("/tenants/{name}/plan", post(operator_actions::plan))
        .route("/tenants/{name}/accounts", post(operator_actions::account))
        .route("/tenants/{name}/terminate", post(operator_terminate::terminate))
        .route("/plans", get(plans::list).post(plans::create))
        .route("/resellers", get(resellers::list).post(resellers::create))
        .route("/resellers/accounts", post(resellers::create_admin))
}

/// Who reads a page and in which language.
pub struct PageCtx {
    pub lang: Lang,
    /// The signed-in account (a dead session counts as none: the page shows signed out).
    pub caller: Option<AccountCaller>,
    /// The session's CSRF token, for the forms of a cookie session.
    pub csrf: Option<String>,
}

/// Reads the caller and chooses the language of the page.
pub async fn page_ctx(state: &AppState, headers: &HeaderMap) -> PageCtx {
    let caller = account_caller(state, headers).await.ok().flatten();
    let csrf = caller
        .as_ref()
        .and_then(|c| c.session)
        .and(session_cookie(headers))
        .map(csrf_token);
    let accept = headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok());
    let lang = i18n::choose(
        caller.as_ref().and_then(|c| c.account.language),
        cookie(headers, LANG_COOKIE),
        accept,
    );
    PageCtx { lang, caller, csrf }
}

/// The Content-Security-Policy of every page: scripts from this origin only (no inline
/// script), inline styles, no framing.
pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
                       img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'self'; \
                       frame-ancestors 'none'";

/// The headers every page and script carries: never cached (a page may hold a
/// signed-in view), never framed, never sniffed, no referrer (setup links carry a token).
pub fn secure_headers(resp: &mut Response) {
    let h = resp.headers_mut();
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    h.insert(
        HeaderName::from_static("cross-origin-opener-policy"),
        HeaderValue::from_static("same-origin"),
    );
}

/// An HTML page with the page headers, any status (`http::error` answers refusals with it).
pub fn html_response(status: StatusCode, html: String) -> Response {
    let mut resp = (status, html).into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    secure_headers(&mut resp);
    resp
}

/// A page answered 200.
pub fn html_ok(html: String) -> Response {
    html_response(StatusCode::OK, html)
}

/// The operator (an operator account or the operator token), or the refusal page of
/// page `title_id`: signed out 401 (sign in), anyone else 403 with message `forbidden_id`.
pub async fn operator_only(
    state: &AppState,
    headers: &HeaderMap,
    ctx: &PageCtx,
    title_id: &str,
    forbidden_id: &str,
) -> Result<crate::http::accounts::Manager, ApiError> {
    let refuse = |e: ApiError| {
        let (why, id) = match e.status().as_u16() {
            401 => (WebRefusal::SignIn, "tenant-page-signin"),
            _ => (WebRefusal::Forbidden, forbidden_id),
        };
        refusal(ctx, why, title_id, &i18n::escape_html(&i18n::t(ctx.lang, id)))
    };
    let m = crate::http::operator::caller(state, headers).await.map_err(refuse)?;
    m.require_operator().map_err(refuse)?;
    Ok(m)
}

/// A refusal shown as a page of the frame: the message `id`, and a way back home.
pub fn refusal(ctx: &PageCtx, why: WebRefusal, title_id: &str, message_html: &str) -> ApiError {
    let l = ctx.lang;
    let main = format!(
        "<h1>{}</h1><p class=\"notice error\" role=\"alert\">{message_html}</p><p><a href=\"/\">{}</a></p>",
        i18n::escape_html(&i18n::t(l, title_id)),
        i18n::escape_html(&i18n::t(l, "error-back")),
    );
    ApiError::WebPage(why, page(ctx, title_id, "/", &main))
}

/// The decoded fields of a form body (`application/x-www-form-urlencoded`); the first
/// of repeated names wins.
pub fn form_fields(body: &[u8]) -> Vec<(String, String)> {
    form_urlencoded::parse(body).into_owned().take(32).collect()
}

pub fn field<'f>(fields: &'f [(String, String)], name: &str) -> Option<&'f str> {
    fields.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
}

/// Whether the browser says the request comes from another site (`Sec-Fetch-Site`):
/// the pages' forms are refused then, so no other site changes a reader's language or
/// submits the setup form in their name.
pub fn cross_site(headers: &HeaderMap) -> bool {
    headers
        .get("sec-fetch-site")
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"cross-site"))
}

/// Refuses a signed-in page's form (403, a page saying it is stale) unless it carries
/// the session's CSRF token and does not come from another site.
pub fn check_form(ctx: &PageCtx, headers: &HeaderMap, fields: &[(String, String)]) -> Result<(), ApiError> {
    let sent = field(fields, "csrf").unwrap_or_default();
    let expected = ctx.csrf.as_deref().unwrap_or_default();
    if cross_site(headers)
        || expected.is_empty()
        || !crate::tenant::constant_time_eq(sent.as_bytes(), expected.as_bytes())
    {
        let msg = i18n::escape_html(&i18n::t(ctx.lang, "error-csrf"));
        return Err(refusal(ctx, WebRefusal::Stale, "error-title", &msg));
    }
    Ok(())
}

/// Where to go back after switching: a path of this origin, else the home page (never
/// `//host` or `/\host`, which browsers read as another origin).
fn local_path(back: Option<&str>) -> &str {
    match back {
        Some(p)
            if p.starts_with('/')
                && !p.starts_with("//")
                && !p.starts_with("/\\")
                && p.len() <= 1024
                && !p.chars().any(char::is_control) =>
        {
            p
        }
        _ => "/",
    }
}

/// `POST /language` (form: `lang`, `back`, and `csrf` when signed in by cookie): sets
/// the language cookie and the signed-in account's setting, then goes back (303).
async fn switch_language(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Result<Response, ApiError> {
    let ctx = page_ctx(&state, &headers).await;
    if cross_site(&headers) {
        let msg = i18n::escape_html(&i18n::t(ctx.lang, "error-csrf"));
        return Err(refusal(&ctx, WebRefusal::Stale, "error-title", &msg));
    }
    let fields = form_fields(&body);
    let Some(lang) = field(&fields, "lang").and_then(Lang::parse) else {
        let msg = i18n::escape_html(&i18n::t(ctx.lang, "error-form"));
        return Err(refusal(&ctx, WebRefusal::BadForm, "error-title", &msg));
    };
    if let Some(caller) = &ctx.caller {
        if caller.session.is_some() {
            let sent = field(&fields, "csrf").unwrap_or_default();
            let expected = ctx.csrf.as_deref().unwrap_or_default();
            if expected.is_empty() || !crate::tenant::constant_time_eq(sent.as_bytes(), expected.as_bytes()) {
                let msg = i18n::escape_html(&i18n::t(ctx.lang, "error-csrf"));
                return Err(refusal(&ctx, WebRefusal::Stale, "error-title", &msg));
            }
        }
        state.store.set_account_language(&caller.account.id, Some(lang)).await?;
    }
    let mut resp = Redirect::to(local_path(field(&fields, "back"))).into_response();
    let secure = if state.config.public_url.starts_with("https://") {
        "; Secure"
    } else {
        ""
    };
    let value = format!(
        "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax{secure}",
        lang.code()
    );
    if let Ok(v) = HeaderValue::from_str(&value) {
        resp.headers_mut().insert(header::SET_COOKIE, v);
    }
    Ok(resp)
}

#[cfg(test)]
mod tests {
    use super::local_path;

    #[test]
    fn going_back_stays_on_this_origin() {
        assert_eq!(local_path(Some("/admin/")), "/admin/");
        for bad in [
            "//evil.example/",
            "/\\evil.example",
            "https://evil.example/",
            "",
            "/a\nb",
        ] {
            assert_eq!(local_path(Some(bad)), "/", "{bad:?}");
        }
        assert_eq!(local_path(None), "/");
    }
}
