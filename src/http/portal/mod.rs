//! The learner portal on the app origin (`/learn/{tenant}/…`): a tenant's learners sign
//! in with their id and a password, or an invitation code (`signin.rs`), see the courses
//! assigned to them with their progress and history, launch or resume one in the player
//! and sign out (`home.rs`). Pages in the reader's language through the web app's frame
//! (`web::learner_page`), plain forms, no script.
//!
//! A portal session is the `kiroku_learn` cookie (HttpOnly, SameSite=Lax, for the
//! tenant's `/learn/{tenant}/` path only) holding a random token whose digest the store
//! keeps; it is looked up on every request, so a forced deletion of the learner (which
//! deletes their sessions) or a newer sign-in under `end-first` ends it at once. The
//! signed-in forms carry the session's CSRF token; the sign-in forms are refused from
//! another site. A suspended tenant's portal answers the web app's refusal page.

mod home;
mod signin;

use axum::Router;
use axum::http::HeaderMap;
use axum::http::header::{self, HeaderValue};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};

use super::accounts::cookie;
use super::error::{ApiError, WebRefusal};
use super::web::{PageCtx, learner_page, page_ctx, tenant::refused};
use crate::clock;
use crate::i18n::{escape_html, t};
use crate::portal::{self, SessionUse};
use crate::server::AppState;
use crate::tenant::{Tenant, TenantName};

/// The portal session's cookie.
pub const PORTAL_COOKIE: &str = "kiroku_learn";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/learn/{tenant}/", get(home::home))
        .route("/learn/{tenant}/signin", post(signin::password))
        .route("/learn/{tenant}/code", post(signin::code))
        .route(
            "/learn/{tenant}/invite/{code}",
            get(signin::invitation).post(signin::redeem),
        )
        .route("/learn/{tenant}/launch/{assignment}", post(home::launch))
        .route("/learn/{tenant}/signout", post(signin::sign_out))
}

/// A portal request: the reader's language, and the tenant its path names (admitted).
pub struct Portal {
    pub ctx: PageCtx,
    pub tenant: Tenant,
}

/// A signed-in learner.
pub struct Learner {
    pub id: String,
    pub name: String,
    pub token: String,
    pub csrf: String,
}

/// Whether the request's portal session is a learner's, or why not.
pub enum Session {
    SignedIn(Learner),
    /// A newer sign-in of the same id ended it (`end-first`).
    Ended,
    SignedOut,
}

impl Portal {
    /// The tenant of the path: unknown → the not-found page; suspended or terminated →
    /// the web app's refusal page (the operator's reason).
    pub async fn of(state: &AppState, headers: &HeaderMap, tenant: &str) -> Result<Self, ApiError> {
        let ctx = page_ctx(state, headers).await;
        let Ok(name) = TenantName::parse(tenant) else {
            let msg = escape_html(&t(ctx.lang, "portal-no-tenant"));
            return Err(refusal(&ctx, "/", WebRefusal::NotFound, &msg));
        };
        // A name no tenant has is answered as a tenant without learners would be (its
        // sign-in page; every sign-in refused), so the portal never tells which tenants exist.
        let t = match state.store.tenant_by_name(tenant).await? {
            Some(t) => t,
            None => stand_in(name),
        };
        if let Err(r) = t.admit() {
            return Err(refused(&ctx, &ApiError::Tenant(r), "portal-title", &home_path(&t)));
        }
        Ok(Self { ctx, tenant: t })
    }

    /// The portal's home address for this tenant.
    pub fn home(&self) -> String {
        home_path(&self.tenant)
    }

    /// The learner of the request's session, looked up in the store now.
    pub async fn session(&self, state: &AppState, headers: &HeaderMap) -> Result<Session, ApiError> {
        let Some(token) = cookie(headers, PORTAL_COOKIE) else {
            return Ok(Session::SignedOut);
        };
        let tenant = self.tenant.id;
        let digest = portal::digest(token);
        let now = clock::now_ms();
        let stored = state.store.portal_session(tenant, digest).await?;
        let (learner, slide_to) = match portal::session_use(stored.as_ref(), now) {
            SessionUse::Active { learner, slide_to } => (learner, slide_to),
            SessionUse::Ended => return Ok(Session::Ended),
            SessionUse::Gone => return Ok(Session::SignedOut),
        };
        let Some(l) = state.store.learner(tenant, &learner).await? else {
            return Ok(Session::SignedOut);
        };
        state.store.touch_portal_session(tenant, digest, now, slide_to).await?;
        Ok(Session::SignedIn(Learner {
            id: l.id,
            name: l.name,
            csrf: crate::account::login::csrf_token(token),
            token: token.to_owned(),
        }))
    }

    /// The signed-in learner, or the refusal page (401) for a form sent without one.
    pub async fn learner(&self, state: &AppState, headers: &HeaderMap) -> Result<Learner, ApiError> {
        match self.session(state, headers).await? {
            Session::SignedIn(l) => Ok(l),
            Session::Ended => Err(self.refusal(WebRefusal::SignIn, "portal-session-ended")),
            Session::SignedOut => Err(self.refusal(WebRefusal::SignIn, "portal-signed-out")),
        }
    }

    /// A refusal page saying message `id`, with a link back to the portal's home.
    pub fn refusal(&self, why: WebRefusal, id: &str) -> ApiError {
        refusal(&self.ctx, &self.home(), why, &escape_html(&t(self.ctx.lang, id)))
    }

    /// The session cookie set (`Some(token)`) or cleared, on `resp`.
    pub fn set_cookie(&self, state: &AppState, resp: &mut Response, token: Option<&str>) {
        let secure = if state.config.public_url.starts_with("https://") {
            "; Secure"
        } else {
            ""
        };
        let (value, max_age) = match token {
            Some(t) => (t, crate::account::login::SESSION_MAX_MS / 1000),
            None => ("", 0),
        };
        let text = format!(
            "{PORTAL_COOKIE}={value}; Path={}; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}",
            self.home()
        );
        if let Ok(v) = HeaderValue::from_str(&text) {
            resp.headers_mut().append(header::SET_COOKIE, v);
        }
    }

    /// 303 to the portal's home.
    pub fn to_home(&self) -> Response {
        Redirect::to(&self.home()).into_response()
    }
}

/// What a tenant name nobody has is answered as: an active tenant whose id no row has.
fn stand_in(name: TenantName) -> Tenant {
    Tenant {
        id: crate::tenant::TenantId(-1),
        name,
        status: crate::tenant::TenantStatus::Active,
        xapi_version: crate::lrs::XapiVersion::V200,
        created_ms: 0,
        settings: crate::tenant::TenantSettings::default(),
        plan: None,
        quotas: crate::tenant::Quotas::default(),
        status_reason: None,
        reseller: None,
    }
}

fn home_path(t: &Tenant) -> String {
    format!("/learn/{}/", super::content::encode_path(t.name.as_str()))
}

fn refusal(ctx: &PageCtx, home: &str, why: WebRefusal, message_html: &str) -> ApiError {
    let l = ctx.lang;
    let main = format!(
        "<h1>{}</h1><p class=\"notice error\" role=\"alert\" id=\"refusal\">{message_html}</p><p><a href=\"{}\">{}</a></p>",
        escape_html(&t(l, "portal-title")),
        escape_html(home),
        escape_html(&t(l, "portal-back")),
    );
    ApiError::WebPage(why, learner_page(ctx, "portal-title", home, &main))
}
