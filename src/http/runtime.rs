//! The run-time endpoints the bridge calls on the content origin, under the launch grant
//! (which must name a registration): open an attempt (start, resume or next), and commit
//! SetValue calls. Commits carry a sequence number, so a commit sent twice (fetch retry,
//! then sendBeacon) changes nothing; they may come as `text/plain` JSON (sendBeacon).
//! What happens is recorded as xAPI statements in the tenant's LRS (`runtime::record`).
//! Also the bridge itself (`/runtime/bridge.js`, the SCORM API in the browser) and the
//! data-model rules it enforces (`/runtime/model/{1.2|2004}.json`, `table_json`). These
//! routes answer any origin (CORS without credentials): the grant is in the URL.
//! The learner's player page (`/player/{grant}/`, `PLAYER_HTML`) lives here too, with the
//! course structure it shows (`/runtime/{grant}/-/course`); it is served same-origin only.

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::http::{Method, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Value, json};
use tower_http::cors::{Any, CorsLayer};

use super::error::ApiError;
use crate::clock;
use crate::launch::LaunchGrant;
use crate::learner;
use crate::lrs::statement::{Storer, prepare};
use crate::lrs::{LrsError, XapiVersion};
use crate::package::model::{Course, Item, LaunchHref, PackageKind, Structure, Vocabulary};
use crate::runtime::attempt::{Ending, LaunchContext, apply_commit, end_session, start};
use crate::runtime::datamodel::{Data, Options, Version, table_json};
use crate::runtime::launch::sco_context;
use crate::runtime::record::{self, Subject};
use crate::server::AppState;
use crate::store::AttemptRecord;
use crate::tenant::TenantId;

/// The credential key the run-time's statements are stored under.
const RUNTIME_KEY: &str = "kiroku-runtime";

/// The bridge script, served as is (no build step).
const BRIDGE_JS: &str = include_str!("../runtime/bridge.js");

/// The learner-facing player page (plain HTML, CSS and JavaScript, no build step). It
/// reads its grant from its own path and everything else from `/runtime/{grant}/-/course`.
const PLAYER_HTML: &str = include_str!("../runtime/player.html");

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/runtime/bridge.js", get(bridge))
        .route("/runtime/model/{version}", get(model))
        // `-` cannot begin a SCORM identifier (an XML NCName), so no item collides with it.
        .route("/runtime/{token}/-/course", get(course))
        .route("/runtime/{token}/{item}", get(open))
        .route("/runtime/{token}/{item}/commit", post(commit))
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

/// Everything one request about one SCO of one registration needs.
struct Session {
    tenant: TenantId,
    registration: String,
    item: String,
    version: Version,
    ctx: LaunchContext,
    subject: Subject,
}

/// The grant, checked: valid, unexpired, and naming a registration (returned with it).
fn registered_grant(state: &AppState, token: &str) -> Result<(LaunchGrant, String), LrsError> {
    let g = state
        .grants
        .verify(token, clock::now_ms())
        .map_err(|e| LrsError::Forbidden(e.to_string()))?;
    let registration = g.registration.clone().ok_or_else(|| {
        LrsError::Forbidden("this launch link has no registration, so nothing can be recorded".into())
    })?;
    Ok((g, registration))
}

async fn course_of(state: &AppState, g: &LaunchGrant) -> Result<Course, ApiError> {
    let gone = || LrsError::NotFound("the package of this launch no longer exists".into());
    let course_json = state
        .store
        .package_course(g.tenant_id(), &g.package, g.version)
        .await?
        .ok_or_else(gone)?;
    serde_json::from_str(&course_json).map_err(|e| ApiError::Internal(format!("course model: {e}")))
}

async fn session(state: &AppState, token: &str, item: &str) -> Result<Session, ApiError> {
    let (g, registration) = registered_grant(state, token)?;
    let tenant = g.tenant_id();
    let course = course_of(state, &g).await?;
    let tenant_row = state
        .store
        .tenant_by_id(tenant)
        .await?
        .ok_or_else(|| LrsError::Forbidden("unknown tenant".into()))?;
    let learner_row = state.store.learner(tenant, &g.learner).await?;
    let name = learner_row
        .as_ref()
        .map_or_else(|| g.learner.clone(), |l| l.name.clone());
    let (version, ctx) = sco_context(&course, item, &g.learner, &name).map_err(LrsError::NotFound)?;
    let home = learner::home_page(&state.config.public_url, tenant_row.name.as_str());
    let actor = json!({ "objectType": "Agent", "name": name, "account": { "homePage": home, "name": g.learner } });
    let course_iri = format!("{home}/packages/{}", g.package);
    let sco_title = course
        .all_launchables()
        .into_iter()
        .find(|l| l.id == item)
        .map_or_else(|| item.to_owned(), |l| l.title);
    let subject = Subject {
        actor,
        registration: registration.clone(),
        sco_iri: format!("{course_iri}/items/{}", crate::http::content::encode_path(item)),
        course_iri,
        course_title: course.title.clone(),
        sco_title,
        attempt: 0,
        version,
    };
    Ok(Session {
        tenant,
        registration,
        item: item.to_owned(),
        version,
        ctx,
        subject,
    })
}

fn decode_data(a: &AttemptRecord) -> Result<Data, ApiError> {
    serde_json::from_str(&a.data).map_err(|e| ApiError::Internal(format!("attempt data: {e}")))
}

fn record_of(s: &Session, number: u32, state: &str, data: &Data, seq: u64) -> AttemptRecord {
    AttemptRecord {
        registration: s.registration.clone(),
        item: s.item.clone(),
        number,
        state: state.to_owned(),
        data: serde_json::to_string(data).unwrap_or_else(|_| "{}".into()),
        commit_seq: seq,
        updated_ms: clock::now_ms(),
    }
}

/// Stores the run-time's statements in the tenant's LRS. A failure is logged, not fatal:
/// the attempt is already stored, and the statement ids make a later retry safe.
async fn store_statements(state: &AppState, s: &Session, statements: Vec<Value>) {
    let storer = Storer {
        authority: json!({ "objectType": "Agent", "name": "kiroku runtime", "account": { "homePage": state.config.public_url, "name": RUNTIME_KEY } }),
        version: XapiVersion::V103,
    };
    let prepared: Result<Vec<_>, _> = statements.into_iter().map(|st| prepare(st, &storer, None)).collect();
    let result = match prepared {
        Ok(batch) => state
            .store
            .insert_statements(s.tenant, RUNTIME_KEY, batch, Vec::new())
            .await
            .map_err(|e| e.to_string()),
        Err(e) => Err(e.to_string()),
    };
    if let Err(e) = result {
        tracing::error!(tenant.id = %s.tenant, registration = %s.registration, error = %e, "recording run-time statements");
    }
}

/// `GET /runtime/{grant}/{item}`: the attempt this launch runs. A suspended attempt (or one
/// left without Terminate whose exit was `suspend`) resumes; otherwise a new one starts.
async fn open(
    State(state): State<AppState>,
    Path((token, item)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let mut s = session(&state, &token, &item).await?;
    let latest = state.store.latest_attempt(s.tenant, &s.registration, &item).await?;
    let (number, previous, seq) = match latest {
        None => (1, None, 0),
        Some(a) => {
            let mut data = decode_data(&a)?;
            let resumes = a.state == "suspended"
                || (a.state == "active" && end_session(s.version, &mut data) == Ending::Suspended);
            if resumes {
                (a.number, Some(data), a.commit_seq)
            } else {
                (a.number + 1, None, 0)
            }
        }
    };
    let data = start(s.version, &s.ctx, previous.as_ref());
    let seq = seq + 1;
    state
        .store
        .save_attempt(s.tenant, record_of(&s, number, "active", &data, seq))
        .await?;
    s.subject.attempt = number;
    store_statements(&state, &s, record::opened(&s.subject, seq, previous.is_some())).await;
    Ok(Json(json!({ "version": s.version, "attempt": number, "seq": seq, "data": data })).into_response())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Commit {
    attempt: u32,
    /// Above the last acknowledged sequence number; a resend carries the same one.
    seq: u64,
    sets: Vec<(String, String)>,
    #[serde(default)]
    terminate: bool,
}

/// `POST /runtime/{grant}/{item}/commit`.
async fn commit(
    State(state): State<AppState>,
    Path((token, item)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let c: Commit = serde_json::from_slice(&body).map_err(|e| LrsError::bad(format!("invalid commit: {e}")))?;
    let mut s = session(&state, &token, &item).await?;
    let a = state
        .store
        .latest_attempt(s.tenant, &s.registration, &item)
        .await?
        .filter(|a| a.number == c.attempt)
        .ok_or_else(|| LrsError::Conflict(format!("attempt {} is not the current attempt", c.attempt)))?;
    if c.seq <= a.commit_seq {
        return Ok(Json(json!({ "status": "duplicate", "seq": a.commit_seq })).into_response());
    }
    let before = decode_data(&a)?;
    let mut data = match apply_commit(s.version, Options::default(), &before, &c.sets) {
        Ok(d) => d,
        Err(r) => {
            let body = json!({ "error": { "index": r.index, "element": r.element, "code": r.refusal.code, "diagnostic": r.refusal.diagnostic } });
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response());
        }
    };
    let session_name = if s.version == Version::Scorm12 {
        "cmi.core.session_time"
    } else {
        "cmi.session_time"
    };
    let session_time = data.get(session_name).cloned();
    let ending = c.terminate.then(|| end_session(s.version, &mut data));
    let state_name = match ending {
        Some(Ending::Suspended) => "suspended",
        Some(Ending::Finished) => "finished",
        None => "active",
    };
    state
        .store
        .save_attempt(s.tenant, record_of(&s, a.number, state_name, &data, c.seq))
        .await?;
    s.subject.attempt = a.number;
    let statements = record::committed(&s.subject, c.seq, &before, &data, session_time.as_deref(), ending);
    store_statements(&state, &s, statements).await;
    Ok(Json(json!({ "status": "stored", "seq": c.seq, "state": state_name })).into_response())
}

/// `GET /player/{grant}/`: the player page. A grant that does not verify or names no
/// registration gets a 403 page (there would be nothing to record).
async fn player(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    match registered_grant(&state, &token) {
        Ok(_) => ([(CACHE_CONTROL, "no-cache")], Html(PLAYER_HTML)).into_response(),
        Err(e) => {
            let text = html_escape(&e.to_string());
            let page = format!(
                "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>Launch refused</title></head><body><h1>This launch link cannot be used</h1><p id=\"reason\">{text}</p><p>Ask for a new link where you started the course.</p></body></html>"
            );
            (StatusCode::FORBIDDEN, Html(page)).into_response()
        }
    }
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// `GET /runtime/{grant}/-/course`: what the player shows. The default organization's tree
/// (`visible` from `isvisible`, `launchable` for items with a resource, `hideLMSUI`,
/// `url` the item's content URL on this origin) and each launchable item's status from
/// its latest attempt.
async fn course(State(state): State<AppState>, Path(token): Path<String>) -> Result<Response, ApiError> {
    let (g, registration) = registered_grant(&state, &token)?;
    let course = course_of(&state, &g).await?;
    let version = match course.kind {
        PackageKind::Scorm12 => "1.2",
        PackageKind::Scorm2004 { .. } => "2004",
        _ => return Err(LrsError::NotFound("the player runs SCORM packages only".into()).into()),
    };
    let Structure::Scorm(scorm) = &course.structure else {
        return Err(LrsError::NotFound("the player runs SCORM packages only".into()).into());
    };
    let base = format!("/content/{token}/");
    let mut statuses = serde_json::Map::new();
    if let Some(org) = scorm.default_organization() {
        for l in org.launchables() {
            let latest = state.store.latest_attempt(g.tenant_id(), &registration, &l.id).await?;
            if let Some(a) = latest {
                let data = decode_data(&a)?;
                let status = if version == "1.2" {
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
    }
    let items: Vec<Value> = scorm
        .default_organization()
        .map(|org| org.items.iter().map(|i| item_json(i, &base, &statuses)).collect())
        .unwrap_or_default();
    let organization = scorm.default_organization().map(|o| o.title.clone());
    let body = json!({
        "title": course.title,
        "organization": organization,
        "version": version,
        "registration": registration,
        "items": items,
    });
    Ok(([(CACHE_CONTROL, "no-store")], Json(body)).into_response())
}

fn item_json(item: &Item, base: &str, statuses: &serde_json::Map<String, Value>) -> Value {
    let url = item.launch.as_ref().map(|l| match &l.href {
        LaunchHref::Package { path, query, fragment } => {
            let q = query.as_ref().map(|q| format!("?{q}")).unwrap_or_default();
            let h = fragment.as_ref().map(|h| format!("#{h}")).unwrap_or_default();
            format!("{base}{}{q}{h}", crate::http::content::encode_path(path))
        }
        LaunchHref::Absolute(u) => u.clone(),
    });
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
