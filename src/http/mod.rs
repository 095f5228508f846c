//! HTTP edge: routers for the app origin and the content origin, authentication,
//! error mapping. Handlers decode, call the domain or the store, and map the result.

pub mod accounts;
mod admin;
pub(crate) mod api;
pub mod auth;
pub mod client;
mod cmi5;
pub mod content;
pub mod error;
pub mod extract;
pub mod gate;
mod grant;
pub(crate) mod notices;
mod openapi;
pub(crate) mod operator;
mod operator_backups;
mod ops;
mod portal;
mod runtime;
pub mod web;
pub mod xapi;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderName, Method, Request};
use axum::middleware;
use axum::routing::{any, get};
use tower_http::classify::{ServerErrorsAsFailures, SharedClassifier};
use tower_http::cors::{AllowHeaders, AllowOrigin, CorsLayer};
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

use crate::server::AppState;

/// Where the xAPI endpoint is mounted on the app origin.
pub const XAPI_PREFIX: &str = "/xapi";

/// The app origin: xAPI endpoint, admin API, accounts, the web app's pages (`/`,
/// `/setup`, the admin page `/admin/`) and health checks.
pub fn app(state: AppState) -> Router {
    Router::new()
        .route("/xapi", any(xapi::handle))
        .route("/xapi/{*rest}", any(xapi::handle))
        .merge(ops::routes())
        .route("/metrics", get(ops::metrics))
        .merge(api::routes())
        .merge(openapi::routes())
        .merge(cmi5::routes())
        .merge(operator::routes())
        .merge(operator_backups::routes())
        .merge(notices::routes())
        .merge(accounts::routes())
        .merge(admin::routes())
        .merge(web::routes())
        .merge(portal::routes())
        .layer(middleware::from_fn(accounts::csrf_guard))
        .layer(cors())
        .layer(middleware::from_fn_with_state(state.clone(), ops::track_app))
        .layer(request_log())
        .with_state(state)
}

/// One span per request with the method and the route template only: query strings carry
/// agent JSON with e-mail addresses, headers carry credentials, and content paths carry
/// launch grants, so none of them is logged.
fn request_log()
-> TraceLayer<SharedClassifier<ServerErrorsAsFailures>, impl Fn(&Request<Body>) -> tracing::Span + Clone> {
    TraceLayer::new_for_http()
        .make_span_with(|req: &Request<Body>| {
            let route = ops::route_of(req);
            tracing::info_span!("request", http.method = %req.method(), http.route = %route)
        })
        .on_response(DefaultOnResponse::new().level(Level::DEBUG))
}

/// The content origin: package files (and later the player and the API bridge). Nothing
/// of the app origin (xAPI, admin API) is reachable from it.
pub fn content_app(state: AppState) -> Router {
    Router::new()
        .merge(ops::routes())
        .merge(content::routes())
        .merge(runtime::routes())
        .layer(middleware::from_fn_with_state(state.clone(), ops::track_content))
        .layer(request_log())
        .with_state(state)
}

/// Browser content on any origin may call the LRS with an Authorization header.
fn cors() -> CorsLayer {
    let expose = [
        "etag",
        "last-modified",
        "content-type",
        "x-experience-api-version",
        "x-experience-api-consistent-through",
    ]
    .map(HeaderName::from_static);
    CorsLayer::new()
        .allow_origin(AllowOrigin::mirror_request())
        .allow_methods([
            Method::GET,
            Method::HEAD,
            Method::PUT,
            Method::POST,
            Method::DELETE,
            Method::OPTIONS,
        ])
        .allow_headers(AllowHeaders::mirror_request())
        .expose_headers(expose)
        .max_age(std::time::Duration::from_secs(3600))
}
