//! What every run-time request starts from: the launch grant, checked, with the course,
//! the learner and the SCO it is about; and the recording of statements into the tenant's
//! LRS under the run-time's own authority.

use serde_json::{Value, json};

use crate::clock;
use crate::http::error::ApiError;
use crate::launch::{ConcurrentLaunches, LaunchGrant};
use crate::learner;
use crate::lrs::document::{DocKey, DocScope, DocWrite, Unconditional, WriteMode};
use crate::lrs::statement::{Storer, prepare};
use crate::lrs::{LrsError, XapiVersion};
use crate::ops::metrics::Event;
use crate::package::model::{Course, Item};
use crate::runtime::attempt::LaunchContext;
use crate::runtime::datamodel::{Data, Options, Version};
use crate::runtime::documents::ProfileDocument;
use crate::runtime::launch::{find_item, sco_context};
use crate::runtime::record::Subject;
use crate::runtime::registration::RegistrationState;
use crate::server::AppState;
use crate::store::AttemptRecord;
use crate::tenant::{Tenant, TenantId};

/// The credential key the run-time's statements are stored under.
pub(super) const RUNTIME_KEY: &str = "kiroku-runtime";

/// Everything one request about one SCO of one registration needs.
pub(super) struct Session {
    pub tenant: TenantId,
    pub registration: String,
    pub item: String,
    pub version: Version,
    pub ctx: LaunchContext,
    pub subject: Subject,
    pub course: Course,
    /// The data-model options of the tenant.
    pub options: Options,
    pub learner: String,
    /// The tenant's one-ID-one-person policy.
    pub concurrent_launches: ConcurrentLaunches,
}

impl Session {
    /// The SCO's item in the course model.
    pub fn item_model(&self) -> Option<&Item> {
        find_item(&self.course, &self.item)
    }

    /// The registration's state (shared data, objectives, suspended item).
    pub async fn registration_state(&self, state: &AppState) -> Result<RegistrationState, ApiError> {
        load_registration_state(state, self.tenant, &self.registration).await
    }
}

pub(super) async fn load_registration_state(
    state: &AppState,
    tenant: TenantId,
    registration: &str,
) -> Result<RegistrationState, ApiError> {
    match state.store.registration_state(tenant, registration).await? {
        None => Ok(RegistrationState::default()),
        Some(json) => serde_json::from_str(&json).map_err(|e| ApiError::Internal(format!("registration state: {e}"))),
    }
}

pub(super) async fn save_registration_state(
    state: &AppState,
    tenant: TenantId,
    registration: &str,
    rs: &RegistrationState,
) -> Result<(), ApiError> {
    let json = serde_json::to_string(rs).map_err(|e| ApiError::Internal(format!("registration state: {e}")))?;
    state.store.save_registration_state(tenant, registration, json).await?;
    Ok(())
}

/// The grant, checked: valid, unexpired, and naming a registration (returned with it).
/// The tenant must be active (checked in the store on every request), and the grant's
/// learner and registration still stored (a forced deletion takes effect at once).
pub(super) async fn registered_grant(state: &AppState, token: &str) -> Result<(LaunchGrant, String, Tenant), ApiError> {
    let g = state
        .grants
        .verify(token, clock::now_ms())
        .map_err(|e| LrsError::Forbidden(e.to_string()))?;
    let registration = g.registration.clone().ok_or_else(|| {
        LrsError::Forbidden("this launch link has no registration, so nothing can be recorded".into())
    })?;
    let tenant = crate::http::gate::admit_grant(state, g.tenant_id()).await?;
    crate::http::grant::still_stored(state, &g).await?;
    Ok((g, registration, tenant))
}

pub(super) async fn course_of(state: &AppState, g: &LaunchGrant) -> Result<Course, ApiError> {
    let gone = || LrsError::NotFound("the package of this launch no longer exists".into());
    let course_json = state
        .store
        .package_course(g.tenant_id(), &g.package, g.version)
        .await?
        .ok_or_else(gone)?;
    serde_json::from_str(&course_json).map_err(|e| ApiError::Internal(format!("course model: {e}")))
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
        course,
        options: Options {
            strict_scorm12_suspend_data: tenant_row.settings.strict_scorm12_suspend_data,
        },
        learner: g.learner,
        concurrent_launches: tenant_row.settings.concurrent_launches,
    })
}

pub(super) fn decode_data(a: &AttemptRecord) -> Result<Data, ApiError> {
    serde_json::from_str(&a.data).map_err(|e| ApiError::Internal(format!("attempt data: {e}")))
}

pub(super) fn record_of(s: &Session, number: u32, state: &str, data: &Data, seq: u64) -> AttemptRecord {
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
pub(super) async fn store_statements(state: &AppState, s: &Session, statements: Vec<Value>) {
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
    if let Ok(ids) = &result {
        state.metrics.count(Event::StatementsStored, ids.len() as u64);
    }
    if let Err(e) = result {
        tracing::error!(tenant.id = %s.tenant, registration = %s.registration, error = %e, "recording run-time statements");
    }
}

/// Writes the profile's documents (replacing what is there). Like statements, a failure
/// is logged, not fatal: the attempt is stored, and the next write replaces the document.
pub(super) async fn store_documents(state: &AppState, s: &Session, docs: Vec<ProfileDocument>) {
    let agent = crate::lrs::agent::ifi_key(&s.subject.actor).unwrap_or_default();
    for d in docs {
        let key = DocKey {
            scope: DocScope {
                kind: d.kind,
                activity: d.activity,
                agent: if d.for_actor { agent.clone() } else { String::new() },
                registration: d.registration.unwrap_or_default(),
            },
            id: d.id.to_owned(),
        };
        let write = DocWrite {
            mode: WriteMode::Replace,
            content_type: "application/json".into(),
            content: d.body.to_string().into_bytes(),
            if_match: None,
            if_none_match: None,
            unconditional: Unconditional::Allowed,
        };
        if let Err(e) = state.store.write_document(s.tenant, key, write).await {
            tracing::error!(tenant.id = %s.tenant, registration = %s.registration, error = %e, "writing a SCORM profile document");
        }
    }
}
