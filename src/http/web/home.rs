//! `GET /`: the app origin's home page. It greets, leads to sign-in, names the LRS
//! endpoint, and on a fresh install says where the setup link is.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;

use super::{html_ok, page, page_ctx};
use crate::http::error::ApiError;
use crate::i18n::{Arg, escape_html, t, t_args};
use crate::server::AppState;

pub async fn home(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    let ctx = page_ctx(&state, &headers).await;
    let l = ctx.lang;
    let e = |id: &str| escape_html(&t(l, id));
    let setup = if state.store.has_operator().await? {
        String::new()
    } else {
        format!(
            "<p class=\"notice info\" id=\"setup-pending\">{}</p>",
            e("home-setup-pending")
        )
    };
    let endpoint = state.config.xapi_endpoint();
    let xapi = t_args(l, "home-xapi", &[("url", Arg::from("\u{1}"))]);
    let xapi = escape_html(&xapi).replace('\u{1}', &format!("<code>{}</code>", escape_html(&endpoint)));
    let main = format!(
        "<h1>{title}</h1>\n<p>{lead}</p>\n{setup}\n<section aria-labelledby=\"signin-h\">\
         <h2 id=\"signin-h\">{signin}</h2><p>{signin_lead}</p>\
         <p><a class=\"button\" id=\"signin-link\" href=\"/admin/\">{signin}</a></p></section>\n<p class=\"hint\">{xapi}</p>",
        title = e("home-title"),
        lead = e("home-lead"),
        signin = e("home-signin"),
        signin_lead = e("home-signin-lead"),
    );
    Ok(html_ok(page(&ctx, "home-title", "/", &main)))
}
