//! Admin accounts at the HTTP edge: who is calling (an API token, or a session cookie),
//! the CSRF check of cookie sessions, and the routes of `/api/auth` (sign in and out,
//! password, API tokens), `/api/accounts` (accounts a caller governs) and the operator's
//! resellers.
//!
//! A session lives in the cookie `kiroku_session` (HttpOnly, SameSite=Strict, Path=/ so
//! that the web app's pages know who reads them, Secure when the public URL is https).
//! Every changing API request authenticated by that cookie must carry the session's CSRF
//! token in `X-CSRF-Token`; the pages' forms carry it in a `csrf` field.

pub(crate) mod login;
mod manage;

pub(crate) use manage::audit_account;
pub use manage::{Manager, manager};
pub(crate) use manage::{NewAccountBody, create_account_for, create_reseller_for};

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request};
use axum::middleware::Next;
use axum::response::Response;
use axum::routing::{delete, get, post};

use super::error::ApiError;
use crate::account::Account;
use crate::account::login::{API_TOKEN_PREFIX, csrf_token, digest};
use crate::clock;
use crate::lrs::LrsError;
use crate::server::AppState;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "kiroku_session";
/// The header a cookie session's changing requests carry its CSRF token in.
pub const CSRF_HEADER: &str = "x-csrf-token";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/auth/login", post(login::login))
        .route("/api/auth/logout", post(login::logout))
        .route("/api/auth/session", get(login::session))
        .route("/api/auth/password", post(login::change_password))
        .route("/api/auth/tokens", post(manage::create_token).get(manage::list_tokens))
        .route("/api/auth/tokens/{id}", delete(manage::revoke_token))
        .route("/api/accounts", post(manage::create_account).get(manage::list_accounts))
        .route(
            "/api/accounts/{id}",
            get(manage::show_account).delete(manage::delete_account),
        )
        .route(
            "/api/operator/v1/resellers",
            post(manage::create_reseller).get(manage::list_resellers),
        )
}

/// The signed-in account of a request, and how it came.
#[derive(Debug, Clone)]
pub struct AccountCaller {
    pub account: Account,
    /// The session's token digest, for a cookie session (none for an API token).
    pub session: Option<[u8; 32]>,
}

/// The value of the cookie `name` in the request's cookies (the first, when several).
pub(crate) fn cookie<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all("cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, value)| value.trim())
        .filter(|v| !v.is_empty())
}

/// The session token in the request's cookies.
pub(crate) fn session_cookie(headers: &HeaderMap) -> Option<&str> {
    cookie(headers, SESSION_COOKIE)
}

/// An API token presented as `Authorization: Bearer kiroku_at_…`.
fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|h| h.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| t.starts_with(API_TOKEN_PREFIX))
}

fn signed_out() -> ApiError {
    ApiError::SignedOut("sign in (POST /api/auth/login) or send an API token".into())
}

/// The account calling, by API token or session cookie; `None` when the request carries
/// neither. A token or session that is unknown, expired or revoked is a 401: a deleted
/// account's sessions and tokens stop working on the next request.
pub async fn account_caller(state: &AppState, headers: &HeaderMap) -> Result<Option<AccountCaller>, ApiError> {
    let now = clock::now_ms();
    if let Some(token) = bearer_token(headers) {
        let account = state
            .store
            .token_account(digest(token), now)
            .await?
            .ok_or_else(signed_out)?;
        return Ok(Some(AccountCaller { account, session: None }));
    }
    let Some(token) = session_cookie(headers) else {
        return Ok(None);
    };
    let d = digest(token);
    let account = state.store.session_account(d, now).await?.ok_or_else(signed_out)?;
    Ok(Some(AccountCaller {
        account,
        session: Some(d),
    }))
}

/// Like `account_caller`, but the caller must be signed in.
pub async fn signed_in(state: &AppState, headers: &HeaderMap) -> Result<AccountCaller, ApiError> {
    account_caller(state, headers).await?.ok_or_else(signed_out)
}

/// The CSRF guard of the app origin: a changing request (not GET, HEAD or OPTIONS) that
/// carries a session cookie and no Authorization header must carry the session's CSRF
/// token; otherwise 403 before any handler runs. Signing in is exempt (there is no
/// session yet; SameSite=Strict and the JSON body keep other sites out).
pub async fn csrf_guard(req: Request<Body>, next: Next) -> Result<Response, ApiError> {
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let path = req.uri().path();
    let exempt = safe || path == "/api/auth/login" || !path.starts_with("/api/");
    if !exempt
        && !req.headers().contains_key("authorization")
        && let Some(token) = session_cookie(req.headers())
    {
        let sent = req
            .headers()
            .get(CSRF_HEADER)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let expected = csrf_token(token);
        if !crate::tenant::constant_time_eq(sent.as_bytes(), expected.as_bytes()) {
            return Err(LrsError::Forbidden(format!(
                "a request signed in by cookie must send its CSRF token in {CSRF_HEADER}"
            ))
            .into());
        }
    }
    Ok(next.run(req).await)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_session_cookie_among_others() {
        let mut h = HeaderMap::new();
        h.append("cookie", "a=1; kiroku_session=abc ; b=2".parse().unwrap());
        assert_eq!(session_cookie(&h), Some("abc"));
        let mut h = HeaderMap::new();
        h.append("cookie", "kiroku_session=".parse().unwrap());
        assert_eq!(session_cookie(&h), None);
    }
}
