//! The admin page on the app origin: `GET /admin/` serves one self-contained page
//! (`page.html`) and its script (`/admin/admin.js`, `admin.js`), both embedded in the
//! binary, no build step and nothing from other origins. The page signs in through
//! `/api/auth/login` and uses the cookie session of the API (the CSRF token kept in the
//! page's memory only). Never served on the content origin.

use axum::Router;
use axum::http::HeaderValue;
use axum::http::header::{self, HeaderName};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;

use crate::server::AppState;

const PAGE_HTML: &str = include_str!("page.html");
const ADMIN_JS: &str = include_str!("admin.js");

/// Scripts from this origin only (no inline script), inline styles, no framing.
pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
                       img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'self'; \
                       frame-ancestors 'none'";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin", get(|| async { Redirect::permanent("/admin/") }))
        .route("/admin/", get(page))
        .route("/admin/admin.js", get(script))
}

/// The headers both files carry: never cached (the page holds a signed-in view), never
/// framed, never sniffed.
fn guarded(content_type: &'static str, body: &'static str) -> Response {
    let mut resp = body.into_response();
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    h.insert(
        HeaderName::from_static("cross-origin-opener-policy"),
        HeaderValue::from_static("same-origin"),
    );
    resp
}

/// `GET /admin/`: the admin page.
async fn page() -> Response {
    guarded("text/html; charset=utf-8", PAGE_HTML)
}

/// `GET /admin/admin.js`: the admin page's script.
async fn script() -> Response {
    guarded("text/javascript; charset=utf-8", ADMIN_JS)
}
