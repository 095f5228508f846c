//! The player's view of the course and the one navigation call: `GET
//! /runtime/{grant}/-/course` (the default organization's tree with status per item) and
//! `POST /runtime/{grant}/-/nav` (start, resumeAll, continue, previous, choice, jump,
//! exit, exitAll, suspendAll, abandon, abandonAll), decided by `runtime::navigation`.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::http::header::CACHE_CONTROL;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use super::session::{course_of, decode_data, learner_agent_key, registered_grant};
use crate::http::error::ApiError;
use crate::http::extract::Path;
use crate::json::Put;
use crate::lrs::LrsError;
use crate::package::model::{Item, Structure, Vocabulary};
use crate::runtime::navigation::{Outcome, Request, Validity};
use crate::runtime::usecase::navigate::{Navigated, navigate, organization};
use crate::runtime::usecase::shared_state;
use crate::server::AppState;

/// Which navigation requests are valid, as the bridge and the player use them.
pub(super) fn validity_json(v: &Validity) -> Value {
    json!({ "continue": v.continue_, "previous": v.previous, "choice": v.choice, "jump": v.jump })
}

fn item_url(item: &Item, base: &str) -> Option<String> {
    item.launch
        .as_ref()
        .map(|l| crate::http::content::launch_url(&l.href, base, None))
}

/// `GET /runtime/{grant}/-/course`: what the player shows. The default organization's tree
/// (`visible` from `isvisible`, `launchable` for items with a resource, `hideLMSUI`,
/// `url` the item's content URL on this origin), each launchable item's status from its
/// latest attempt, and the item a suspended session left off at.
pub(super) async fn course(
    State(state): State<AppState>,
    Path(token): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let (g, registration, _) = registered_grant(&state, &token).await?;
    let course = course_of(&state, &g).await?;
    let lang = crate::http::content::learner_lang(&headers);
    let maintenance = maintenance(&state, g.tenant_id(), lang).await?;
    // A preview (an admin's test learner) is said so in the player: it counts nowhere.
    let preview = state
        .store
        .registration(g.tenant_id(), &registration)
        .await?
        .is_some_and(|r| r.preview);
    if let Structure::Cmi5(s) = &course.structure {
        let mut body = super::cmi5::course_view(&state, (&g, &registration), &course, s, lang.code()).await?;
        body.put("maintenance", maintenance);
        body.put("preview", json!(preview));
        return Ok(([(CACHE_CONTROL, "no-store")], Json(body)).into_response());
    }
    let (org, free) = organization(&course)?;
    let version = if free { "1.2" } else { "2004" };
    let base = format!("/content/{token}/");
    let mut statuses = serde_json::Map::new();
    for l in org.launchables() {
        let latest = state.store.latest_attempt(g.tenant_id(), &registration, &l.id).await?;
        if let Some(a) = latest {
            let data = decode_data(&a)?;
            let status = if free {
                data.get("cmi.core.lesson_status").cloned()
            } else {
                data.get("cmi.success_status")
                    .filter(|s| s.as_str() != "unknown")
                    .or_else(|| data.get("cmi.completion_status"))
                    .cloned()
            };
            statuses.insert(l.id, json!(status.unwrap_or_else(|| "not attempted".into())));
        }
    }
    let rs = shared_state(state.store.as_ref(), g.tenant_id(), &registration).await?;
    let items: Vec<Value> = org.items.iter().map(|i| item_json(i, &base, &statuses)).collect();
    let body = json!({
        "title": course.title,
        "organization": org.title,
        "version": version,
        "registration": registration,
        "suspendedItem": rs.suspended_item,
        "items": items,
        "maintenance": maintenance,
        "preview": preview,
    });
    Ok(([(CACHE_CONTROL, "no-store")], Json(body)).into_response())
}

/// The maintenance notice the player shows as a banner (`notice::Notice::shows_banner`),
/// or null; `window` is its window as the learner's language writes it (`i18n::format`).
async fn maintenance(
    state: &AppState,
    tenant: crate::tenant::TenantId,
    lang: crate::i18n::Lang,
) -> Result<Value, ApiError> {
    let now = state.config.wall.now_ms();
    let n = crate::notice::usecase::player_banner(&*state.store, tenant, now).await?;
    Ok(match n.and_then(|n| n.window.map(|w| (n, w))) {
        Some((n, w)) => json!({
            "title": n.title,
            "body": n.body,
            "windowStart": crate::clock::format_ms(w.start_ms),
            "windowEnd": crate::clock::format_ms(w.end_ms),
            "window": crate::i18n::t_args(
                lang,
                "player-maintenance-window",
                &[
                    ("start", crate::i18n::format_date_time(lang, w.start_ms).into()),
                    ("end", crate::i18n::format_date_time(lang, w.end_ms).into()),
                ],
            ),
        }),
        None => Value::Null,
    })
}

fn item_json(item: &Item, base: &str, statuses: &serde_json::Map<String, Value>) -> Value {
    let url = item_url(item, base);
    let hide: Vec<&str> = item.hide_lms_ui.iter().map(|h| h.as_str()).collect();
    json!({
        "id": item.identifier,
        "title": item.title,
        "visible": item.is_visible,
        "launchable": url.is_some(),
        "hideLMSUI": hide,
        "url": url,
        "status": statuses.get(&item.identifier),
        "items": item.items.iter().map(|c| item_json(c, base, statuses)).collect::<Vec<_>>(),
    })
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct NavCall {
    request: String,
    #[serde(default)]
    target: Option<String>,
    /// The item delivered now, if any.
    #[serde(default)]
    current: Option<String>,
}

/// `POST /runtime/{grant}/-/nav`: where a navigation request leads. Answers
/// `{"deliver": {id, title, url}, "valid": {…}}` or `{"end": "suspended" | "exited"}`; a
/// request the course does not allow gets 409 with `{"error": {"rule", "message"}}`.
pub(super) async fn nav(
    State(state): State<AppState>,
    Path(token): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let call: NavCall = crate::http::extract::json_body(&body, "navigation request")?;
    let request = Request::parse(&call.request, call.target.as_deref()).map_err(LrsError::BadRequest)?;
    let (g, registration, tenant) = registered_grant(&state, &token).await?;
    let course = course_of(&state, &g).await?;
    let agent = learner_agent_key(&state, &tenant, &g.learner);
    let at = Navigated {
        tenant: g.tenant_id(),
        registration: &registration,
        course: &course,
        agent: &agent,
    };
    let done = navigate(state.store.as_ref(), at, call.current.as_deref(), &request).await?;
    let (org, _) = organization(&course)?;
    let valid = validity_json(&done.valid);
    let body = match done.outcome {
        Outcome::Deliver(id) => {
            let item = org.items_in_order().into_iter().find(|i| i.identifier == id);
            let base = format!("/content/{token}/");
            json!({
                "deliver": {
                    "id": id,
                    "title": item.map(|i| i.title.clone()),
                    "url": item.and_then(|i| item_url(i, &base)),
                },
                "valid": valid,
            })
        }
        Outcome::Choose => json!({ "choose": true, "valid": valid }),
        Outcome::End { suspended } => json!({ "end": if suspended { "suspended" } else { "exited" } }),
    };
    Ok(([(CACHE_CONTROL, "no-store")], Json(body)).into_response())
}
