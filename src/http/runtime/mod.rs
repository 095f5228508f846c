//! The run-time endpoints the bridge and the player call on the content origin, under the
//! launch grant (which must name a registration): attempts (`attempts`: open, commit), the
//! course and navigation (`nav`), each built on `session`. Also the bridge itself
//! (`/runtime/bridge.js`, the SCORM API in the browser) and the data-model rules it enforces (`/runtime/model/{1.2|2004}.json`, `table_json`). These
//! routes answer any origin (CORS without credentials): the grant is in the URL.
//! The learner's player page (`/player/{grant}/`, `PLAYER_HTML`, in the learner's
//! language) and its script (`/runtime/player.js`) live here too, with the course
//! structure it shows; the page is served same-origin only.

mod attempts;
mod cmi5;
mod nav;
mod presence;
mod session;

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::header::{CACHE_CONTROL, CONTENT_LANGUAGE, CONTENT_SECURITY_POLICY, CONTENT_TYPE, SET_COOKIE, VARY};
use axum::http::{HeaderMap, HeaderValue, Method};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use tower_http::cors::{Any, CorsLayer};

use super::error::ApiError;
use crate::http::extract::{Path, Query};
use crate::i18n::{Lang, escape_html};
use crate::lrs::LrsError;
use crate::runtime::datamodel::{Version, table_json};
use crate::server::AppState;
use session::registered_grant;

/// The bridge script, served as is (no build step).
const BRIDGE_JS: &str = include_str!("../../runtime/bridge.js");

/// The learner-facing player page (plain HTML, CSS and JavaScript, no build step). It
/// reads its grant from its own path and everything else from `/runtime/{grant}/-/course`.
const PLAYER_HTML: &str = include_str!("../../runtime/player.html");

/// The player page's script; every text it shows comes from the page's JSON block.
const PLAYER_JS: &str = include_str!("../../runtime/player.js");

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/runtime/bridge.js", get(bridge))
        .route("/runtime/player.js", get(player_js))
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

/// `GET /player/{grant}/`: the player page in the learner's language
/// (`content::learner_lang`), the script's messages handed to it as a JSON data block,
/// under a strict Content-Security-Policy (`PLAYER_CSP`). A grant that does not verify
/// or names no registration gets a refusal page in that language (there would be nothing
/// to record). `?lang=en|ja`, an LMS's choice, becomes the language cookie
/// (`chosen_language`); another value is refused (400).
async fn player(
    State(state): State<AppState>,
    Path(token): Path<String>,
    Query(q): Query<PlayerQuery>,
    headers: HeaderMap,
) -> Response {
    let lang = crate::http::content::learner_lang(&headers);
    let chosen = match crate::http::content::chosen_lang(q.lang.as_deref()) {
        Ok(chosen) => chosen,
        Err(e) => return crate::http::error::learner_page(e, lang),
    };
    match (registered_grant(&state, &token).await, chosen) {
        (Ok(_), Some(chosen)) => chosen_language(&state, &token, chosen),
        (Ok(_), None) => {
            let mut r = ([(CACHE_CONTROL, "no-cache")], Html(player_page(lang))).into_response();
            let h = r.headers_mut();
            h.insert(CONTENT_SECURITY_POLICY, HeaderValue::from_static(PLAYER_CSP));
            h.insert(CONTENT_LANGUAGE, HeaderValue::from_static(lang.code()));
            h.insert(VARY, HeaderValue::from_static("accept-language, cookie"));
            r
        }
        (Err(e), chosen) => crate::http::error::learner_page(e, chosen.unwrap_or(lang)),
    }
}

/// The player link's query: `lang`, the language an LMS chose for the player.
#[derive(Debug, Default, Deserialize)]
struct PlayerQuery {
    lang: Option<String>,
}

/// `/player/{grant}/?lang=ja`: the choice kept in the cookie the player's own language
/// control sets on this origin (so its course view, its refusals and a reload speak it,
/// and the control can still change it), then the player without the parameter.
fn chosen_language(state: &AppState, token: &str, lang: Lang) -> Response {
    let mut r = Redirect::to(&format!("/player/{token}/")).into_response();
    let secure = if state.config.content_url.starts_with("https://") {
        "; Secure"
    } else {
        ""
    };
    let cookie = format!(
        "{}={}; Path=/; Max-Age=31536000; SameSite=Lax{secure}",
        crate::http::web::LANG_COOKIE,
        lang.code()
    );
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        r.headers_mut().insert(SET_COOKIE, v);
    }
    r.headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

/// The player's policy: its scripts are files of this origin (no inline script), it talks
/// to this origin only; the frame may show a cmi5 AU of any origin.
const PLAYER_CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
                          img-src 'self' data:; connect-src 'self'; frame-src *; object-src 'none'; \
                          base-uri 'none'; form-action 'self'";

/// The player page: the template filled from the catalogs, with the language control's
/// options and the script's messages (`player-js-*`) as JSON safe inside a
/// `<script type="application/json">` block (no `<` survives).
fn player_page(lang: Lang) -> String {
    let messages: serde_json::Map<String, serde_json::Value> = crate::i18n::messages(lang)
        .into_iter()
        .filter(|(id, _)| id.starts_with("player-js-"))
        .map(|(id, text)| (id, serde_json::Value::String(text)))
        .collect();
    let data = serde_json::json!({ "lang": lang.code(), "messages": messages })
        .to_string()
        .replace('<', "\\u003c");
    let options: String = Lang::ALL
        .iter()
        .map(|o| {
            format!(
                "<option value=\"{code}\" lang=\"{code}\"{sel}>{name}</option>",
                code = o.code(),
                sel = if *o == lang { " selected" } else { "" },
                name = escape_html(&crate::i18n::t(*o, &format!("lang-{}", o.code()))),
            )
        })
        .collect();
    crate::i18n::render(
        PLAYER_HTML,
        lang,
        &[("lang", lang.code()), ("lang-options", &options), ("i18n", &data)],
    )
}

/// `GET /runtime/player.js`: the player page's script.
async fn player_js() -> Response {
    (
        [
            (CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (CACHE_CONTROL, "no-cache"),
        ],
        PLAYER_JS,
    )
        .into_response()
}
