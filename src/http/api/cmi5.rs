//! A cmi5 AU's launch (cmi5 specification, section 8 and 10): a new session, the
//! `LMS.LaunchData` state document and the LMS's `launched` statement written in one
//! transaction in the tenant's LRS, and the launch URL's query with a one-time fetch URL
//! in place of a credential.

use serde_json::json;

use crate::clock;
use crate::http::auth::learner_agent;
use crate::http::error::ApiError;
use crate::launch::LaunchGrant;
use crate::launch::cmi5::{Cmi5Launch, LAUNCH_DATA, launch_query};
use crate::lrs::LrsError;
use crate::lrs::XapiVersion;
use crate::lrs::document::{DocKey, DocKind, DocScope, DocWrite, Unconditional, WriteMode};
use crate::lrs::statement::{Storer, prepare};
use crate::package::model::{Course, Structure};
use crate::runtime::usecase::RUNTIME_KEY;
use crate::server::AppState;
use crate::store::RuntimeWrites;

/// What the launch of one AU needs besides its grant.
pub struct AuLaunch<'a> {
    pub course: &'a Course,
    pub au_id: &'a str,
    pub return_url: Option<&'a str>,
}

/// Starts a session of the AU and answers the launch URL's query (`endpoint`, `fetch`,
/// `actor`, `registration`, `activityId`).
pub async fn launch(state: &AppState, grant: &LaunchGrant, l: AuLaunch<'_>) -> Result<String, ApiError> {
    let Structure::Cmi5(structure) = &l.course.structure else {
        return Err(LrsError::NotFound("the package is not a cmi5 course".into()).into());
    };
    let au = structure
        .aus()
        .into_iter()
        .find(|a| a.id == l.au_id)
        .ok_or_else(|| LrsError::NotFound(format!("no AU {:?}", l.au_id)))?;
    let tenant = state
        .store
        .tenant_by_id(grant.tenant_id())
        .await?
        .ok_or_else(|| LrsError::NotFound("no such tenant".into()))?;
    let name = state
        .store
        .learner(tenant.id, &grant.learner)
        .await?
        .map_or_else(|| grant.learner.clone(), |x| x.name);
    let actor = learner_agent(&state.config.public_url, &tenant, &grant.learner, &name);
    // cmi5 always names a registration: an admin's try-out without one gets a fresh one.
    let registration = grant.registration.clone().unwrap_or_else(crate::id::new_uuid);
    let session = crate::id::new_uuid();
    let launch = Cmi5Launch {
        au,
        course_id: &l.course.identifier,
        actor: &actor,
        registration: &registration,
        session: &session,
        return_url: l.return_url,
    };
    crate::http::gate::check_statements(state, &tenant, 1).await?;
    let storer = Storer {
        authority: json!({ "objectType": "Agent", "name": "kiroku LMS", "account": { "homePage": state.config.public_url, "name": RUNTIME_KEY } }),
        version: XapiVersion::V103,
    };
    let now = clock::format_ms(state.config.wall.now_ms());
    let launched = prepare(launch.launched(&crate::id::new_uuid(), &now), &storer, None)?;
    let key = DocKey {
        scope: DocScope {
            kind: DocKind::State,
            activity: au.id.clone(),
            agent: crate::lrs::agent::ifi_key(&actor).unwrap_or_default(),
            registration: registration.clone(),
        },
        id: LAUNCH_DATA.to_owned(),
    };
    let write = DocWrite {
        mode: WriteMode::Replace,
        content_type: "application/json".into(),
        content: launch.launch_data().to_string().into_bytes(),
        if_match: None,
        if_none_match: None,
        unconditional: Unconditional::Allowed,
    };
    let writes = RuntimeWrites {
        attempts: vec![],
        registration_state: None,
        credential: RUNTIME_KEY.to_owned(),
        statements: vec![launched],
        documents: vec![(key, write)],
    };
    state.store.apply_runtime(tenant.id, writes).await?;
    let mut fetch = grant.clone();
    fetch.registration = Some(registration.clone());
    fetch.xapi_activity = Some(au.id.clone());
    fetch.fetch_session = Some(session);
    let fetch_url = format!("{}/cmi5/fetch/{}", state.config.public_url, state.grants.sign(&fetch));
    let endpoint = format!("{}/xapi/", state.config.public_url);
    Ok(launch_query(&endpoint, &fetch_url, &actor, &registration, &au.id))
}
