//! Signing in to the portal: the sign-in page (id and password, or an invitation code),
//! the invitation link's page (`/learn/{tenant}/invite/{code}`: the learner may choose a
//! password, then is signed in; the code works once, until it expires), and sign-out.
//! A sign-in is put to the tenant's one-ID-one-person policy by the store
//! (`launch::session::decide`): refused while another browser of the id is active under
//! `refuse`, ending the other under `end-first`, each case in the audit log.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::json;

use super::{Portal, Session};
use crate::audit::{Action, Actor};
use crate::clock;
use crate::http::accounts::login::{hash, verify};
use crate::http::api::audit::append;
use crate::http::client::ClientAddr;
use crate::http::error::{ApiError, WebRefusal};
use crate::http::extract::Path;
use crate::http::web::{cross_site, field, form_fields, html_ok, learner_page};
use crate::i18n::{escape_html, t};
use crate::launch::session::{ConcurrentCase, SessionState};
use crate::portal::{self, NewPortalSession};
use crate::server::AppState;

/// The sign-in page's content, with a notice (`class`, message id) above the forms.
pub fn page_main(p: &Portal, notice: Option<(&str, &str)>) -> String {
    let l = p.ctx.lang;
    let e = |k: &str| escape_html(&t(l, k));
    let notice = notice
        .map(|(class, id)| {
            let role = if class == "error" { "alert" } else { "status" };
            format!(
                "<p class=\"notice {class}\" role=\"{role}\" id=\"portal-notice\">{}</p>",
                e(id)
            )
        })
        .unwrap_or_default();
    let home = escape_html(&p.home());
    format!(
        "<h1>{title}</h1>\n<p class=\"hint\">{tenant}</p>\n{notice}\
         <section aria-labelledby=\"signin-h\"><h2 id=\"signin-h\">{signin_h}</h2>\
         <form id=\"portal-signin\" method=\"post\" action=\"{home}signin\">\
         <label for=\"portal-id\">{id_l}</label>\
         <input id=\"portal-id\" name=\"id\" type=\"text\" required maxlength=\"255\" autocomplete=\"username\">\
         <label for=\"portal-password\">{pw_l}</label>\
         <input id=\"portal-password\" name=\"password\" type=\"password\" required autocomplete=\"current-password\">\
         <div><button type=\"submit\" id=\"portal-signin-button\">{signin_b}</button></div></form></section>\
         <section aria-labelledby=\"code-h\"><h2 id=\"code-h\">{code_h}</h2><p class=\"hint\">{code_hint}</p>\
         <form id=\"portal-code\" method=\"post\" action=\"{home}code\">\
         <label for=\"portal-code-input\">{code_l}</label>\
         <input id=\"portal-code-input\" name=\"code\" type=\"text\" required maxlength=\"64\" autocomplete=\"off\">\
         <div><button type=\"submit\" id=\"portal-code-button\">{code_b}</button></div></form></section>",
        title = e("portal-signin-title"),
        tenant = escape_html(&crate::i18n::t_args(
            l,
            "portal-tenant",
            &[("tenant", crate::i18n::Arg::from(p.tenant.name.as_str()))]
        )),
        signin_h = e("portal-signin-heading"),
        id_l = e("portal-id"),
        pw_l = e("portal-password"),
        signin_b = e("portal-signin-button"),
        code_h = e("portal-code-heading"),
        code_hint = e("portal-code-hint"),
        code_l = e("portal-code"),
        code_b = e("portal-code-button"),
    )
}

/// The sign-in page again with why (`why`'s status).
fn again(p: &Portal, why: WebRefusal, id: &str) -> ApiError {
    let main = page_main(p, Some(("error", id)));
    ApiError::WebPage(why, learner_page(&p.ctx, "portal-signin-title", &p.home(), &main))
}

async fn audit(
    state: &AppState,
    p: &Portal,
    from: &ClientAddr,
    learner: &str,
    action: Action,
    detail: serde_json::Value,
) {
    let target = format!("learner:{learner}");
    append(
        state,
        p.tenant.id,
        Actor::learner(learner),
        from,
        action,
        target,
        detail,
    )
    .await;
}

/// Opens a session for `learner` under the tenant's policy and goes home with its cookie.
async fn open(state: &AppState, p: &Portal, from: &ClientAddr, learner: &str, how: &str) -> Result<Response, ApiError> {
    let token = portal::new_session_token();
    let policy = p.tenant.settings.concurrent_launches;
    let now = clock::now_ms();
    let new = NewPortalSession::new(&token, learner, now, state.config.launch_session_window_ms, policy);
    let verdict = state.store.open_portal_session(p.tenant.id, new).await?;
    if let Some(case) = verdict.case {
        let action = match case {
            ConcurrentCase::Allowed => Action::ConcurrentLaunchAllowed,
            ConcurrentCase::Refused => Action::ConcurrentLaunchRefused,
            ConcurrentCase::FirstEnded => Action::LaunchEndedByNewer,
        };
        let detail = json!({ "portal": true, "policy": policy.as_str(), "otherSessions": verdict.others.len() });
        audit(state, p, from, learner, action, detail).await;
    }
    if verdict.state != SessionState::Active {
        return Err(again(p, WebRefusal::Conflict, "portal-in-use"));
    }
    audit(state, p, from, learner, Action::PortalSignedIn, json!({ "by": how })).await;
    let mut resp = p.to_home();
    p.set_cookie(state, &mut resp, Some(&token));
    Ok(resp)
}

/// The form's fields, refused when another site sent it.
fn fields_of(p: &Portal, headers: &HeaderMap, body: &[u8]) -> Result<Vec<(String, String)>, ApiError> {
    if cross_site(headers) {
        return Err(p.refusal(WebRefusal::Stale, "error-csrf"));
    }
    Ok(form_fields(body))
}

/// `POST /learn/{tenant}/signin` (`id`, `password`).
pub async fn password(
    State(state): State<AppState>,
    from: ClientAddr,
    headers: HeaderMap,
    Path(tenant): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let p = Portal::of(&state, &headers, &tenant).await?;
    let fields = fields_of(&p, &headers, &body)?;
    let id = field(&fields, "id").map(str::trim).unwrap_or_default().to_owned();
    let password = field(&fields, "password").unwrap_or_default().to_owned();
    if id.is_empty() || password.is_empty() {
        return Err(again(&p, WebRefusal::BadForm, "portal-fill-in"));
    }
    let now = clock::now_ms();
    if state.login_throttle.check(from.0, now).is_err() {
        return Err(again(&p, WebRefusal::SignIn, "portal-throttled"));
    }
    let stored = match state.store.learner(p.tenant.id, &id).await? {
        Some(_) => state
            .store
            .learner_login(p.tenant.id, &id)
            .await?
            .and_then(|l| l.password),
        None => None,
    };
    let known = stored.is_some();
    let hash = stored.unwrap_or_else(|| crate::account::password::decoy().to_owned());
    if !verify(password, hash).await? || !known {
        state.login_throttle.failed(from.0, now);
        if known {
            audit(&state, &p, &from, &id, Action::PortalSignInFailed, json!({})).await;
        }
        return Err(again(&p, WebRefusal::SignIn, "portal-wrong"));
    }
    open(&state, &p, &from, &id, "password").await
}

/// Redeems an invitation code (once), setting the password the learner chose, if any.
async fn redeem_code(
    state: &AppState,
    p: &Portal,
    from: &ClientAddr,
    code: &str,
    password: Option<String>,
) -> Result<Response, ApiError> {
    // Not throttled: a code holds about 79 random bits, beyond any guessing, and a
    // learner's failed codes must not slow their admins' sign-ins from the same address.
    let now = clock::now_ms();
    let digest = portal::code_digest(code);
    let Some(learner) = state.store.redeem_invitation(p.tenant.id, digest, now).await? else {
        return Err(again(p, WebRefusal::LinkInvalid, "portal-code-invalid"));
    };
    if let Some(pw) = password {
        let phc = hash(pw).await?;
        state.store.set_learner_password(p.tenant.id, &learner, &phc).await?;
    }
    open(state, p, from, &learner, "invitation").await
}

/// `POST /learn/{tenant}/code` (`code`): the code typed on the sign-in page.
pub async fn code(
    State(state): State<AppState>,
    from: ClientAddr,
    headers: HeaderMap,
    Path(tenant): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let p = Portal::of(&state, &headers, &tenant).await?;
    let fields = fields_of(&p, &headers, &body)?;
    let code = field(&fields, "code").map(str::trim).unwrap_or_default();
    if code.is_empty() {
        return Err(again(&p, WebRefusal::BadForm, "portal-fill-in"));
    }
    redeem_code(&state, &p, &from, code, None).await
}

/// `GET /learn/{tenant}/invite/{code}`: the invitation's page (nothing is used yet: a
/// link preview must not spend the code): an optional password, and the button.
pub async fn invitation(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((tenant, code)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let p = Portal::of(&state, &headers, &tenant).await?;
    Ok(html_ok(learner_page(
        &p.ctx,
        "portal-invite-title",
        &p.home(),
        &invitation_main(&p, &code, None),
    )))
}

fn invitation_main(p: &Portal, code: &str, error: Option<&str>) -> String {
    let l = p.ctx.lang;
    let e = |k: &str| escape_html(&t(l, k));
    let notice = error
        .map(|id| {
            format!(
                "<p class=\"notice error\" role=\"alert\" id=\"portal-notice\">{}</p>",
                e(id)
            )
        })
        .unwrap_or_default();
    format!(
        "<h1>{title}</h1>\n{notice}<p>{intro}</p>\
         <form id=\"portal-invite\" method=\"post\" action=\"{action}\">\
         <label for=\"portal-new-password\">{pw_l}</label>\
         <input id=\"portal-new-password\" name=\"password\" type=\"password\" autocomplete=\"new-password\" maxlength=\"256\">\
         <p class=\"hint\">{pw_h}</p>\
         <div><button type=\"submit\" id=\"portal-invite-button\">{button}</button></div></form>",
        title = e("portal-invite-title"),
        intro = e("portal-invite-intro"),
        action = escape_html(&format!(
            "{}invite/{}",
            p.home(),
            crate::http::content::encode_path(code)
        )),
        pw_l = e("portal-new-password"),
        pw_h = e("portal-new-password-hint"),
        button = e("portal-invite-button"),
    )
}

/// `POST /learn/{tenant}/invite/{code}` (`password`, optional).
pub async fn redeem(
    State(state): State<AppState>,
    from: ClientAddr,
    headers: HeaderMap,
    Path((tenant, code)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let p = Portal::of(&state, &headers, &tenant).await?;
    let fields = fields_of(&p, &headers, &body)?;
    let password = field(&fields, "password").filter(|v| !v.is_empty()).map(str::to_owned);
    if let Some(pw) = &password
        && portal::check_password("", pw).is_err()
    {
        let main = invitation_main(&p, &code, Some("portal-password-rule"));
        return Err(ApiError::WebPage(
            WebRefusal::BadForm,
            learner_page(&p.ctx, "portal-invite-title", &p.home(), &main),
        ));
    }
    redeem_code(&state, &p, &from, &code, password).await
}

/// `POST /learn/{tenant}/signout` (`csrf`): ends the session and clears its cookie.
pub async fn sign_out(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(tenant): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let p = Portal::of(&state, &headers, &tenant).await?;
    if let Session::SignedIn(l) = p.session(&state, &headers).await? {
        let fields = form_fields(&body);
        let sent = field(&fields, "csrf").unwrap_or_default();
        if cross_site(&headers) || !crate::tenant::constant_time_eq(sent.as_bytes(), l.csrf.as_bytes()) {
            return Err(p.refusal(WebRefusal::Stale, "error-csrf"));
        }
        state
            .store
            .end_portal_session(p.tenant.id, portal::digest(&l.token))
            .await?;
    }
    let mut resp = p.to_home();
    p.set_cookie(&state, &mut resp, None);
    Ok(resp)
}
