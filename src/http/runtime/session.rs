//! What every run-time request starts from: the launch grant, checked, with the course,
//! the learner and the SCO it is about.

use std::sync::Arc;

use crate::http::error::ApiError;
use crate::launch::LaunchGrant;
use crate::learner;
use crate::lrs::LrsError;
use crate::runtime::course::LoadedCourse;
use crate::runtime::datamodel::{Data, Options};
use crate::runtime::launch::sco_context;
use crate::runtime::record::Subject;
use crate::server::AppState;
use crate::store::AttemptRecord;
use crate::tenant::Tenant;

/// One SCO of one registration: the run-time's use cases take it.
pub(super) use crate::runtime::usecase::Sco as Session;

/// The grant, checked: valid, unexpired, and naming a registration (returned with it).
/// The tenant must be active (checked in the store on every request), and the grant's
/// learner and registration still stored (a forced deletion takes effect at once).
pub(super) async fn registered_grant(state: &AppState, token: &str) -> Result<(LaunchGrant, String, Tenant), ApiError> {
    let g = state
        .grants
        .verify(token, state.config.wall.now_ms())
        .map_err(|e| LrsError::Forbidden(e.to_string()))?;
    let registration = g.registration.clone().ok_or_else(|| {
        LrsError::Forbidden("this launch link has no registration, so nothing can be recorded".into())
    })?;
    let tenant = crate::http::gate::admit_grant(state, g.tenant_id()).await?;
    crate::http::grant::still_stored(state, &g).await?;
    Ok((g, registration, tenant))
}

/// The agent key of a launch's learner (where the LRS keeps their documents).
pub(super) fn learner_agent_key(state: &AppState, tenant: &Tenant, learner: &str) -> String {
    let actor = crate::http::auth::learner_agent(&state.config.public_url, tenant, learner, "");
    crate::lrs::agent::ifi_key(&actor).unwrap_or_default()
}

pub(super) async fn course_of(state: &AppState, g: &LaunchGrant) -> Result<Arc<LoadedCourse>, ApiError> {
    crate::http::content::courses::course_model(state, g.tenant_id(), &g.package, g.version)
        .await?
        .ok_or_else(|| LrsError::NotFound("the package of this launch no longer exists".into()).into())
}

pub(super) async fn session(state: &AppState, token: &str, item: &str) -> Result<Session, ApiError> {
    let (g, registration, tenant_row) = registered_grant(state, token).await?;
    let tenant = g.tenant_id();
    let course = course_of(state, &g).await?;
    let learner_row = state.store.learner(tenant, &g.learner).await?;
    let name = learner_row
        .as_ref()
        .map_or_else(|| g.learner.clone(), |l| l.name.clone());
    let (version, ctx) = sco_context(&course, item, &g.learner, &name).map_err(LrsError::NotFound)?;
    let home = learner::home_page(&state.config.public_url, tenant_row.name.as_str());
    let actor = crate::http::auth::learner_agent(&state.config.public_url, &tenant_row, &g.learner, &name);
    let course_iri = format!("{home}/packages/{}", g.package);
    let sco_title =
        crate::runtime::launch::find_item(&course, item).map_or_else(|| item.to_owned(), |i| i.title.clone());
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
        course,
        options: Options {
            strict_scorm12_suspend_data: tenant_row.settings.strict_scorm12_suspend_data,
        },
        learner: g.learner,
        concurrent_launches: tenant_row.settings.concurrent_launches,
        public_url: state.config.public_url.clone(),
    })
}

pub(super) fn decode_data(a: &AttemptRecord) -> Result<Data, ApiError> {
    serde_json::from_str(&a.data).map_err(|e| ApiError::Internal(format!("attempt data: {e}")))
}

/// The session of a run-time request, with the launch session the page names put to the
/// tenant's one-ID-one-person policy (`presence::track`).
pub(super) async fn tracked(
    state: &AppState,
    token: &str,
    item: &str,
    launch_session: Option<&str>,
    from: &crate::http::client::ClientAddr,
) -> Result<Session, ApiError> {
    let s = session(state, token, item).await?;
    super::presence::track(state, &s, launch_session, from).await?;
    Ok(s)
}
