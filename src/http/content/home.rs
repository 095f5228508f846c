//! `GET /` on the content origin: a plain page saying what this address is, in the
//! browser's language. No cookie is read or set here, and nothing links back.

use axum::Router;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::i18n::{Lang, escape_html, parse_accept_language, t};
use crate::server::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/", get(root))
}

async fn root(headers: HeaderMap) -> Response {
    let lang = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(parse_accept_language)
        .unwrap_or(Lang::DEFAULT);
    let title = escape_html(&t(lang, "content-title"));
    let body = escape_html(&t(lang, "content-body"));
    let page = format!(
        "<!doctype html>\n<html lang=\"{code}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{title}</title>\n</head>\n\
         <body style=\"font:16px/1.55 system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem\">\n\
         <h1 style=\"font-size:1.3rem\">{title}</h1>\n<p>{body}</p>\n</body>\n</html>\n",
        code = lang.code(),
    );
    let mut resp = page.into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"),
    );
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::VARY, HeaderValue::from_static("accept-language"));
    resp
}
