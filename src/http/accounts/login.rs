//! Signing in and out, the session, and changing one's password.

use crate::json::Put;
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use super::manage::{account_json, audit_account};
use super::{SESSION_COOKIE, session_cookie, signed_in};
use crate::account::login::{SESSION_IDLE_MS, csrf_token, digest, locked, new_session_token, secs_until};
use crate::account::{check_login, check_password, password};
use crate::audit::Action;
use crate::clock;
use crate::http::api::json_object;
use crate::http::client::ClientAddr;
use crate::http::error::ApiError;
use crate::lrs::LrsError;
use crate::server::AppState;
use crate::store::NewSession;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Credentials {
    login: String,
    password: String,
}

fn wrong() -> ApiError {
    ApiError::SignedOut("wrong login or password".into())
}

/// Hashing and verifying take tens of milliseconds of CPU: off the async threads.
pub(crate) async fn verify(password: String, hash: String) -> Result<bool, ApiError> {
    tokio::task::spawn_blocking(move || password::verify(&password, &hash))
        .await
        .map_err(|e| ApiError::Internal(format!("password check: {e}")))
}

pub(crate) async fn hash(password: String) -> Result<String, ApiError> {
    tokio::task::spawn_blocking(move || password::hash(&password))
        .await
        .map_err(|e| ApiError::Internal(format!("password hash: {e}")))?
        .map_err(ApiError::Internal)
}

fn throttled(reason: &'static str, secs: u64, message: &str) -> ApiError {
    ApiError::Throttled {
        reason,
        retry_after_secs: secs.max(1),
        message: message.into(),
    }
}

/// The session cookie: HttpOnly, SameSite=Strict, for the whole app origin (the web
/// app's pages read it too), Secure when the service is reached over https.
fn cookie(state: &AppState, value: &str, max_age_secs: i64) -> HeaderValue {
    let text = cookie_text(state.config.public_url.starts_with("https://"), value, max_age_secs);
    HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static(""))
}

fn cookie_text(secure: bool, value: &str, max_age_secs: i64) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{SESSION_COOKIE}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age_secs}{secure}")
}

/// `POST /api/auth/login` `{"login", "password"}`: opens a session (cookie) and answers
/// the account and the session's CSRF token. A locked account or a throttled address
/// answers 429 with Retry-After without checking the password.
pub async fn login(State(state): State<AppState>, from: ClientAddr, body: Bytes) -> Result<Response, ApiError> {
    let req: Credentials = json_object(&body, "sign-in")?;
    let now = clock::now_ms();
    if let Err(secs) = state.login_throttle.check(from.0, now) {
        return Err(throttled(
            "login_throttled",
            secs,
            "too many failed sign-ins from this address; try again later",
        ));
    }
    let found = match check_login(&req.login) {
        Ok(login) => state.store.account_by_login(&login).await?,
        Err(_) => None,
    };
    let Some((account, stored)) = found else {
        verify(req.password, password::decoy().to_owned()).await?;
        state.login_throttle.failed(from.0, now);
        return Err(wrong());
    };
    if let Some(until) = locked(&account, now) {
        let secs = secs_until(until, now);
        return Err(throttled(
            "account_locked",
            secs,
            "this account is locked after too many failed sign-ins; try again later",
        ));
    }
    if !verify(req.password, stored).await? {
        state.login_throttle.failed(from.0, now);
        let after = state.store.login_failed(&account.id, now).await?;
        audit_account(&state, &account, &account, &from, Action::SignInFailed, json!({})).await;
        if after.as_ref().and_then(|a| locked(a, now)).is_some() {
            audit_account(&state, &account, &account, &from, Action::AccountLocked, json!({})).await;
        }
        return Err(wrong());
    }
    let token = new_session_token();
    let session = NewSession {
        digest: digest(&token),
        created_ms: now,
        expires_ms: now + SESSION_IDLE_MS,
    };
    state.store.login_succeeded(&account.id, session).await?;
    audit_account(&state, &account, &account, &from, Action::SignedIn, json!({})).await;
    let body = json!({ "account": account_json(&state, &account).await?, "csrfToken": csrf_token(&token) });
    let mut resp = Json(body).into_response();
    let max_age = crate::account::login::SESSION_MAX_MS / 1000;
    resp.headers_mut()
        .insert(header::SET_COOKIE, cookie(&state, &token, max_age));
    Ok(resp)
}

/// `POST /api/auth/logout`: ends the session of the cookie and clears it.
pub async fn logout(State(state): State<AppState>, from: ClientAddr, headers: HeaderMap) -> Result<Response, ApiError> {
    if let Some(caller) = super::account_caller(&state, &headers).await?
        && let Some(d) = caller.session
    {
        state.store.end_session(d).await?;
        audit_account(
            &state,
            &caller.account,
            &caller.account,
            &from,
            Action::SignedOut,
            json!({}),
        )
        .await;
    }
    let mut resp = StatusCode::NO_CONTENT.into_response();
    resp.headers_mut().insert(header::SET_COOKIE, cookie(&state, "", 0));
    Ok(resp)
}

/// `GET /api/auth/session`: who is signed in, and for a cookie session its CSRF token.
pub async fn session(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    let caller = signed_in(&state, &headers).await?;
    let mut body = json!({ "account": account_json(&state, &caller.account).await? });
    if caller.session.is_some()
        && let Some(token) = session_cookie(&headers)
    {
        body.put("csrfToken", Value::String(csrf_token(token)));
    }
    Ok(Json(body).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PasswordChange {
    current_password: String,
    new_password: String,
}

/// `POST /api/auth/password` `{"currentPassword", "newPassword"}`: every other session of
/// the account ends; a wrong current password counts as a failed sign-in.
pub async fn change_password(
    State(state): State<AppState>,
    from: ClientAddr,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let caller = signed_in(&state, &headers).await?;
    let req: PasswordChange = json_object(&body, "password change")?;
    let a = &caller.account;
    check_password(&a.login, &req.new_password).map_err(LrsError::BadRequest)?;
    let now = clock::now_ms();
    if let Some(until) = locked(a, now) {
        let secs = secs_until(until, now);
        return Err(throttled(
            "account_locked",
            secs,
            "this account is locked after too many failed sign-ins; try again later",
        ));
    }
    let (_, stored) = state.store.account_by_login(&a.login).await?.ok_or_else(wrong)?;
    if !verify(req.current_password, stored).await? {
        state.store.login_failed(&a.id, now).await?;
        return Err(LrsError::Forbidden("the current password is wrong".into()).into());
    }
    let hashed = hash(req.new_password).await?;
    state.store.set_password(&a.id, hashed, caller.session).await?;
    audit_account(&state, a, a, &from, Action::PasswordChanged, json!({})).await;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[cfg(test)]
mod tests {
    use super::cookie_text;

    #[test]
    fn the_cookie_is_secure_behind_https() {
        let c = cookie_text(true, "tok", 60);
        assert_eq!(
            c,
            "kiroku_session=tok; Path=/; HttpOnly; SameSite=Strict; Max-Age=60; Secure"
        );
        assert!(!cookie_text(false, "tok", 60).contains("Secure"));
    }
}
