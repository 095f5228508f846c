//! The run-time endpoints the bridge and the player call on the content origin, under the
//! launch grant (which must name a registration): attempts (`attempts`: open, commit), the
//! course and navigation (`nav`), each built on `session`. Also the bridge itself
//! (`/runtime/bridge.js`, the SCORM API in the browser) and the data-model rules it enforces (`/runtime/model/{1.2|2004}.json`, `table_json`). These
//! routes answer any origin (CORS without credentials): the grant is in the URL.
//! The learner's player page (`/player/{grant}/`, `PLAYER_HTML`) lives here too, with the
//! course structure it shows; it is served same-origin only.

mod attempts;
mod cmi5;
mod nav;
mod presence;
mod session;

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::Method;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use tower_http::cors::{Any, CorsLayer};

use super::error::ApiError;
use crate::http::extract::Path;
use crate::lrs::LrsError;
use crate::runtime::datamodel::{Version, table_json};
use crate::server::AppState;
use session::registered_grant;

/// The bridge script, served as is (no build step).
const BRIDGE_JS: &str = include_str!("../../runtime/bridge.js");

/// The learner-facing player page (plain HTML, CSS and JavaScript, no build step). It
/// reads its grant from its own path and everything else from `/runtime/{grant}/-/course`.
const PLAYER_HTML: &str = include_str!("../../runtime/player.html");

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/runtime/bridge.js", get(bridge))
        .route("/runtime/model/{version}", get(model))
        // `-` cannot begin a SCORM identifier (an XML NCName), so no item collides with it.
        .route("/runtime/{token}/-/course", get(nav::course))
        .route("/runtime/{token}/-/nav", post(nav::nav))
        .route("/runtime/{token}/-/cmi5", post(cmi5::launch))
        .route("/cmi5/launch/{token}", get(cmi5::link))
        .route("/runtime/{token}/{item}", get(attempts::open))
        .route("/runtime/{token}/{item}/commit", post(attempts::commit))
        .layer(cors())
        .route("/player/{token}/", get(player))
}

/// Content may load the bridge and call the run-time from another origin (a player on the
/// LMS's page, a test harness). No credentials travel: the grant is in the URL.
fn cors() -> CorsLayer {
    CorsLayer::new()
        .allow_origin(Any)
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([CONTENT_TYPE])
        .max_age(std::time::Duration::from_secs(3600))
}

/// `GET /runtime/bridge.js`: the SCORM API bridge (`KirokuBridge.install`).
async fn bridge() -> Response {
    (
        [
            (CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (CACHE_CONTROL, "no-cache"),
        ],
        BRIDGE_JS,
    )
        .into_response()
}

/// `GET /runtime/model/{1.2|2004}.json`: the data-model rules the server enforces.
async fn model(Path(file): Path<String>) -> Result<Response, ApiError> {
    let version = match file.as_str() {
        "1.2.json" => Version::Scorm12,
        "2004.json" => Version::Scorm2004,
        _ => return Err(LrsError::NotFound(format!("no data model {file}")).into()),
    };
    Ok(([(CACHE_CONTROL, "no-cache")], Json(table_json(version))).into_response())
}

/// `GET /player/{grant}/`: the player page. A grant that does not verify or names no
/// registration gets a 403 page (there would be nothing to record).
async fn player(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    match registered_grant(&state, &token).await {
        Ok(_) => ([(CACHE_CONTROL, "no-cache")], Html(PLAYER_HTML)).into_response(),
        Err(ApiError::Tenant(r)) => crate::http::gate::refusal_page(&r),
        Err(e) => {
            let status = e.status();
            let text = match e {
                ApiError::Lrs(l) => l.to_string(),
                ApiError::Launch(r) => r.to_string(),
                other => return other.into_response(),
            };
            let text = html_escape(&text);
            let page = format!(
                "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>Launch refused</title></head><body><h1>This launch link cannot be used</h1><p id=\"reason\">{text}</p><p>Ask for a new link where you started the course.</p></body></html>"
            );
            (status, Html(page)).into_response()
        }
    }
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
