//! cmi5 AUs on the content origin: the launch link the launch APIs answer
//! (`GET /cmi5/launch/{token}`: starts the AU's session, redirects to the AU), and the
//! player's side of a cmi5 course — the course outline (blocks and AUs with each AU's
//! progress from the registration's cmi5 state) and `POST /runtime/{grant}/-/cmi5` {au},
//! which starts a session and answers the AU's URL and launch method: AnyWindow AUs open
//! in the player's frame, OwnWindow AUs in the whole window, each returning to the player.
//! Sessions start through `cmi5::usecase::launch` (by way of the admin API's launch).

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::header::CACHE_CONTROL;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use super::session::{course_of, registered_grant};
use crate::cmi5::state::{AuProgress, Cmi5State, LaunchMode};
use crate::http::api::cmi5::{AuLaunch, launch as launch_au};
use crate::http::error::ApiError;
use crate::http::extract::Path;
use crate::launch::{Cmi5LaunchClaims, LaunchGrant};
use crate::lrs::LrsError;
use crate::package::model::{Cmi5Node, Cmi5Structure, Course, LaunchMethod, Structure, Vocabulary as _, in_language};
use crate::runtime::usecase::shared_state;
use crate::server::AppState;

fn status(p: Option<&AuProgress>) -> &'static str {
    match p {
        Some(p) if p.waived.is_some() => "waived",
        Some(p) if p.satisfied => "satisfied",
        Some(p) if p.passed => "passed",
        Some(p) if p.failed => "failed",
        Some(p) if p.completed => "completed",
        Some(p) if p.launched > 0 => "incomplete",
        _ => "not attempted",
    }
}

/// The outline's nodes, titled in the learner's language `lang` where the course has it.
fn nodes(children: &[Cmi5Node], state: &Cmi5State, lang: &str) -> Vec<Value> {
    children
        .iter()
        .map(|n| match n {
            Cmi5Node::Au(au) => json!({
                "id": au.id,
                "title": in_language(&au.titles, lang, &au.title),
                "visible": true,
                "launchable": true,
                "launchMethod": au.launch_method.as_str(),
                "status": status(state.aus.get(&au.id)),
                "items": [],
            }),
            Cmi5Node::Block(b) => json!({
                "id": b.id,
                "title": in_language(&b.titles, lang, &b.title),
                "visible": true,
                "launchable": false,
                "status": if state.satisfied.contains(&b.id) { "satisfied" } else { "" },
                "items": nodes(&b.children, state, lang),
            }),
        })
        .collect()
}

/// The player's course view of a cmi5 course (`GET /runtime/{grant}/-/course`), titled in
/// the learner's language `lang`.
pub(super) async fn course_view(
    state: &AppState,
    (g, registration): (&LaunchGrant, &str),
    course: &Course,
    s: &Cmi5Structure,
    lang: &str,
) -> Result<Value, ApiError> {
    let shared = shared_state(state.store.as_ref(), g.tenant_id(), registration).await?;
    let cmi5 = shared.cmi5.unwrap_or_default();
    let title = course.title_in(lang);
    Ok(json!({
        "kind": "cmi5",
        "title": title,
        "organization": title,
        "registration": registration,
        "satisfied": cmi5.satisfied.contains(&course.identifier),
        "items": nodes(&s.children, &cmi5, lang),
    }))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Cmi5Call {
    au: String,
}

/// Starts a session of AU `au` for the content grant `g` (signed as `token`); answers the
/// AU's URL with the launch's parameters, and its launch method.
async fn start(
    state: &AppState,
    g: &LaunchGrant,
    token: &str,
    c: &Cmi5LaunchClaims,
) -> Result<(String, LaunchMethod), ApiError> {
    let course = course_of(state, g).await?;
    let Structure::Cmi5(s) = &course.structure else {
        return Err(LrsError::NotFound("the course is not a cmi5 course".into()).into());
    };
    let au = s
        .aus()
        .into_iter()
        .find(|a| a.id == c.au)
        .ok_or_else(|| LrsError::NotFound(format!("the course has no AU {:?}", c.au)))?;
    let base = format!("{}/content/{token}/", state.config.content_url);
    let plain = crate::http::content::launch_url(&au.url, &base, None);
    let l = AuLaunch {
        course: &course,
        au_id: &au.id,
        return_url: c.return_url.as_deref(),
        mode: c.mode,
        launch_url: &plain,
        preferences: c.preferences.clone(),
    };
    let query = launch_au(state, g, l).await?;
    Ok((
        crate::http::content::launch_url(&au.url, &base, Some(&query)),
        au.launch_method,
    ))
}

/// `POST /runtime/{grant}/-/cmi5`: a new session of the AU; answers `{url, launchMethod}`.
/// The AU returns to the player (in the player's frame, the player page hands back).
pub(super) async fn launch(
    State(state): State<AppState>,
    Path(token): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let call: Cmi5Call = crate::http::extract::json_body(&body, "cmi5 launch")?;
    let (g, _, _) = registered_grant(&state, &token).await?;
    let claims = Cmi5LaunchClaims {
        au: call.au,
        mode: LaunchMode::Normal,
        return_url: Some(format!("{}/player/{token}/", state.config.content_url)),
        preferences: None,
    };
    let (url, method) = start(&state, &g, &token, &claims).await?;
    let body = json!({ "url": url, "launchMethod": method.as_str() });
    Ok(([(CACHE_CONTROL, "no-store")], Json(body)).into_response())
}

/// `GET /cmi5/launch/{token}`: a cmi5 AU's launch link (what the launch APIs answer as
/// `url`). Opening it starts the AU's session and redirects to the AU; each opening is a
/// new session (the open one is abandoned).
pub(super) async fn link(State(state): State<AppState>, Path(token): Path<String>) -> Result<Response, ApiError> {
    let mut g = state
        .grants
        .verify_cmi5_launch(&token, state.config.wall.now_ms())
        .map_err(|e| LrsError::Forbidden(e.to_string()))?;
    crate::http::gate::admit_grant(&state, g.tenant_id()).await?;
    crate::http::grant::still_stored(&state, &g).await?;
    let claims = g
        .cmi5_launch
        .take()
        .ok_or_else(|| LrsError::Forbidden("not a cmi5 launch link".into()))?;
    let content = state.grants.sign(&g);
    let (url, _) = start(&state, &g, &content, &claims).await?;
    Ok(([(CACHE_CONTROL, "no-store")], Redirect::to(&url)).into_response())
}
