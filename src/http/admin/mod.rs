//! The admin page on the app origin: `GET /admin/` serves one page (`page.html`, a
//! template filled from the message catalogs in the reader's language, with the
//! language control and the messages its script needs as a JSON data block) and its
//! script (`/admin/admin.js`, `admin.js`), both embedded in the binary, no build step
//! and nothing from other origins. The page signs in through `/api/auth/login` and uses
//! the cookie session of the API (the CSRF token kept in the page's memory only). Never
//! served on the content origin.

use axum::Router;
use axum::extract::State;
use axum::http::header::{self, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;

use super::web::{PageCtx, header as page_header, html_ok, page_ctx, secure_headers};
use crate::account::MIN_PASSWORD_CHARS;
use crate::i18n::{self, Arg, escape_html};
use crate::server::AppState;

const PAGE_HTML: &str = include_str!("page.html");
const ADMIN_JS: &str = include_str!("admin.js");

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin", get(|| async { Redirect::permanent("/admin/") }))
        .route("/admin/", get(page))
        .route("/admin/admin.js", get(script))
}

/// The messages the script shows (`js-*`), their placeables written `{$name}`, as JSON
/// safe inside a `<script type="application/json">` block (no `<` survives).
fn script_messages(lang: i18n::Lang) -> String {
    let messages: serde_json::Map<String, serde_json::Value> = i18n::messages(lang)
        .into_iter()
        .filter(|(id, _)| id.starts_with("js-"))
        .map(|(id, text)| (id, serde_json::Value::String(text)))
        .collect();
    let data = serde_json::json!({
        "lang": lang.code(),
        "minPassword": MIN_PASSWORD_CHARS,
        "messages": messages,
    });
    data.to_string().replace('<', "\\u003c")
}

fn render(ctx: &PageCtx) -> String {
    let l = ctx.lang;
    let n = i64::try_from(MIN_PASSWORD_CHARS).unwrap_or(12);
    let new_password = escape_html(&i18n::t_args(l, "new-password", &[("n", Arg::Num(n))]));
    let header = page_header(ctx, "/admin/");
    let data = script_messages(l);
    i18n::render(
        PAGE_HTML,
        l,
        &[
            ("lang", l.code()),
            ("css", super::web::frame_css()),
            ("header", &header),
            ("new-password", &new_password),
            ("i18n", &data),
            ("min-password", &n.to_string()),
        ],
    )
}

/// `GET /admin/`: the admin page in the reader's language.
async fn page(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let ctx = page_ctx(&state, &headers).await;
    html_ok(render(&ctx))
}

/// `GET /admin/admin.js`: the admin page's script.
async fn script() -> Response {
    let mut resp = ADMIN_JS.into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/javascript; charset=utf-8"),
    );
    secure_headers(&mut resp);
    resp
}
