//! A cmi5 AU's launch (cmi5 specification, sections 8 and 10) through `cmi5::usecase`:
//! a new session, `LMS.LaunchData` and the LMS's `launched` statement in one transaction,
//! and the launch URL's query with a one-time fetch URL in place of a credential; the
//! admin API's waive (`POST /api/v1/registrations/{id}/waive`) and abandon
//! (`POST /api/v1/cmi5/sessions/{id}/abandon`).

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use super::packages::find_version;
use super::{admin, json_object};
use crate::cmi5::state::LaunchMode;
use crate::cmi5::statements::launch_query;
use crate::cmi5::usecase::{self, LaunchRequest, Registration};
use crate::http::auth::learner_agent;
use crate::http::error::ApiError;
use crate::http::extract::Path;
use crate::launch::LaunchGrant;
use crate::learner::Registration as LearnerRegistration;
use crate::lrs::LrsError;
use crate::package::model::{Course, Structure};
use crate::server::AppState;
use crate::tenant::Tenant;

/// What the launch of one AU needs besides its grant.
pub struct AuLaunch<'a> {
    pub course: &'a Course,
    pub au_id: &'a str,
    pub return_url: Option<&'a str>,
    pub mode: LaunchMode,
    /// The AU's URL with its own parameters.
    pub launch_url: &'a str,
    pub preferences: Option<Value>,
}

/// Parses a launch request's `launchMode` (Normal when absent).
pub fn launch_mode(mode: Option<&str>) -> Result<LaunchMode, ApiError> {
    match mode {
        None => Ok(LaunchMode::Normal),
        Some(m) => LaunchMode::parse(m)
            .ok_or_else(|| LrsError::bad(format!("launchMode {m:?} is not one of Normal, Browse, Review")).into()),
    }
}

/// Checks a launch request's `learnerPreferences` (section 11).
pub fn learner_preferences(p: Option<Value>) -> Result<Option<Value>, ApiError> {
    let Some(p) = p else { return Ok(None) };
    crate::cmi5::preferences::check(Some("application/json"), p.to_string().as_bytes())
        .map_err(|r| LrsError::bad(format!("learnerPreferences: {}", r.message)))?;
    Ok(Some(p))
}

async fn learner_actor(state: &AppState, tenant: &Tenant, learner: &str) -> Result<Value, ApiError> {
    let name = state
        .store
        .learner(tenant.id, learner)
        .await?
        .map_or_else(|| learner.to_owned(), |x| x.name);
    Ok(learner_agent(&state.config.public_url, tenant, learner, &name))
}

async fn tenant(state: &AppState, id: crate::tenant::TenantId) -> Result<Tenant, ApiError> {
    Ok(state
        .store
        .tenant_by_id(id)
        .await?
        .ok_or_else(|| LrsError::NotFound("no such tenant".into()))?)
}

/// A registration as the cmi5 use cases take it, now.
fn registration_of<'a>(
    state: &'a AppState,
    tenant: &Tenant,
    package: &'a str,
    course: &'a Course,
    registration: &'a str,
    actor: &'a Value,
) -> Registration<'a> {
    Registration {
        store: state.store.as_ref(),
        tenant: tenant.id,
        public_url: &state.config.public_url,
        package,
        course,
        registration,
        actor,
        now_ms: state.config.wall.now_ms(),
        session_timeout_ms: tenant.settings.cmi5_session_timeout_ms(),
    }
}

/// A registration the caller sees, with its course version and its learner's agent.
async fn registered(
    state: &AppState,
    p: &super::Admin,
    id: &str,
) -> Result<(LearnerRegistration, Course, Value), ApiError> {
    let reg = p.registration(state, id).await?;
    let (_, _, course) = find_version(state, p.tenant.id, &reg.package_id, Some(reg.version)).await?;
    let actor = learner_actor(state, &p.tenant, &reg.learner).await?;
    Ok((reg, course, actor))
}

/// Starts a session of the AU and answers the launch URL's query (`endpoint`, `fetch`,
/// `actor`, `registration`, `activityId`).
pub async fn launch(state: &AppState, grant: &LaunchGrant, l: AuLaunch<'_>) -> Result<String, ApiError> {
    if !matches!(l.course.structure, Structure::Cmi5(_)) {
        return Err(LrsError::NotFound("the package is not a cmi5 course".into()).into());
    }
    let tenant = tenant(state, grant.tenant_id()).await?;
    let actor = learner_actor(state, &tenant, &grant.learner).await?;
    // cmi5 always names a registration: an admin's try-out without one gets a fresh one.
    let registration = grant.registration.clone().unwrap_or_else(crate::id::new_uuid);
    crate::http::gate::check_statements(state, &tenant, 2).await?;
    let r = registration_of(state, &tenant, &grant.package, l.course, &registration, &actor);
    let req = LaunchRequest {
        au: l.au_id,
        mode: l.mode,
        launch_url: l.launch_url,
        return_url: l.return_url,
        preferences: l.preferences,
    };
    let launched = usecase::launch(&r, &req).await?;
    let mut fetch = grant.clone();
    fetch.registration = Some(registration.clone());
    fetch.xapi_activity = Some(launched.activity.clone());
    fetch.fetch_session = Some(launched.session);
    let fetch_url = format!("{}/cmi5/fetch/{}", state.config.public_url, state.grants.sign(&fetch));
    let endpoint = format!("{}/xapi/", state.config.public_url);
    Ok(launch_query(
        &endpoint,
        &fetch_url,
        &actor,
        &registration,
        &launched.activity,
    ))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Waive {
    /// The AU's id in the course structure.
    au: String,
    reason: String,
}

/// `POST /api/v1/registrations/{id}/waive`: the AU is waived with the reason (cmi5 9.3.7).
pub async fn waive(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let p = admin(&state, &headers).await?;
    let req: Waive = json_object(&body, "waive request")?;
    let reason = req.reason.trim();
    if reason.is_empty() || reason.chars().count() > 1000 {
        return Err(LrsError::bad("reason must be 1 to 1000 characters").into());
    }
    let (reg, course, actor) = registered(&state, &p, &id).await?;
    crate::http::gate::check_statements(&state, &p.tenant, 2).await?;
    let r = registration_of(&state, &p.tenant, &reg.package_id, &course, &reg.id, &actor);
    usecase::waive(&r, &req.au, reason).await?;
    Ok(Json(json!({ "registration": reg.id, "au": req.au, "waived": true })).into_response())
}

/// `POST /api/v1/cmi5/sessions/{id}/abandon`: the open session is abandoned (cmi5 9.3.6):
/// `abandoned` is recorded and its credential stops working.
pub async fn abandon(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(session): Path<String>,
) -> Result<Response, ApiError> {
    let p = admin(&state, &headers).await?;
    let id = state
        .store
        .cmi5_session_registration(p.tenant.id, &session)
        .await?
        .ok_or_else(|| LrsError::NotFound(format!("no cmi5 session {session}")))?;
    let (reg, course, actor) = registered(&state, &p, &id).await?;
    let r = registration_of(&state, &p.tenant, &reg.package_id, &course, &reg.id, &actor);
    usecase::abandon(&r, &session).await?;
    Ok(Json(json!({ "session": session, "abandoned": true })).into_response())
}
