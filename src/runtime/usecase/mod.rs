//! The run-time's use cases over one SCO of one registration: open an attempt
//! (`open`), commit the SCO's SetValue calls (`commit`). Each reads what it needs
//! through the store traits, decides a [`Plan`] with pure functions, and has the store
//! apply the plan in one transaction: an acknowledged step is recorded whole (attempt,
//! registration state, statements, documents) or not at all, and a resent step changes
//! nothing. No HTTP here: the edge decodes, calls one of these and maps the result.

pub mod commit;
pub mod globals;
pub mod navigate;
pub mod open;
pub mod sequenced;

use serde_json::json;

use super::attempt::{CommitRefusal, LaunchContext};
use super::course::LoadedCourse;
use super::datamodel::{Data, Options, Version};
use super::documents::ProfileDocument;
use super::plan::{AttemptState, Plan};
use super::record::Subject;
use super::registration::RegistrationState;
use crate::clock;
use crate::launch::ConcurrentLaunches;
use crate::lrs::document::{DocKey, DocScope, DocWrite, Unconditional, WriteMode};
use crate::lrs::statement::{Storer, prepare};
use crate::lrs::{self, XapiVersion};
use crate::package::model::Item;
use crate::report::facts::{self, ReportWrite};
use crate::store::{AttemptRecord, RegistrationWrite, RuntimeWrites, Store, StoreError};
use crate::tenant::TenantId;

/// The credential key the run-time's statements are stored under.
pub const RUNTIME_KEY: &str = "kiroku-runtime";

/// One SCO of one registration, as a checked launch grant names it.
#[derive(Debug, Clone)]
pub struct Sco {
    pub tenant: TenantId,
    pub registration: String,
    pub item: String,
    pub version: Version,
    pub ctx: LaunchContext,
    pub subject: Subject,
    pub course: std::sync::Arc<LoadedCourse>,
    /// The data-model options of the tenant.
    pub options: Options,
    pub learner: String,
    /// The tenant's one-ID-one-person policy.
    pub concurrent_launches: ConcurrentLaunches,
    /// The service's public URL: the home page of the run-time's statement authority.
    pub public_url: String,
}

impl Sco {
    /// The SCO's item in the course model.
    pub fn item_model(&self) -> Option<&Item> {
        super::launch::find_item(&self.course, &self.item)
    }

    /// The subject of attempt `number`.
    fn subject_of(&self, number: u32) -> Subject {
        Subject {
            attempt: number,
            ..self.subject.clone()
        }
    }

    /// The learner's agent key (where their documents are kept).
    pub fn agent_key(&self) -> String {
        crate::lrs::agent::ifi_key(&self.subject.actor).unwrap_or_default()
    }

    /// Whether the registration's shared state takes part (SCORM 2004 items).
    fn shares(&self) -> Option<&Item> {
        (self.version == Version::Scorm2004)
            .then(|| self.item_model())
            .flatten()
    }
}

/// Why a run-time step was refused. `http::error` maps each to its status.
#[derive(Debug, thiserror::Error)]
pub enum RuntimeError {
    /// A request value out of its range (the message names it).
    #[error("{0}")]
    BadRequest(String),
    /// The attempt is not the current one, or its session has ended.
    #[error("{0}")]
    Conflict(String),
    /// A SetValue the server's re-validation refused; nothing of the commit was stored.
    #[error("the server refused {}: {}", .0.element, .0.refusal.diagnostic)]
    Refused(CommitRefusal),
    /// A navigation request the course's sequencing does not allow now.
    #[error("{}", .0.message)]
    NavRefused(crate::runtime::navigation::Refusal),
    /// What the request names does not exist (or cannot run here).
    #[error("{0}")]
    NotFound(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Stored data that cannot be read, or a statement the run-time built that the LRS
    /// refuses (a defect): the step fails whole.
    #[error("{0}")]
    Internal(String),
}

/// An attempt as stored, decoded.
#[derive(Debug, Clone, PartialEq)]
pub struct Current {
    pub number: u32,
    pub state: AttemptState,
    pub data: Data,
    pub seq: u64,
}

/// How many times a step is decided again when its plan lost a race (another request
/// wrote the attempt between read and write).
const ATTEMPTS: usize = 3;

async fn current(store: &dyn Store, s: &Sco) -> Result<Option<Current>, RuntimeError> {
    let Some(a) = store.latest_attempt(s.tenant, &s.registration, &s.item).await? else {
        return Ok(None);
    };
    let data = serde_json::from_str(&a.data).map_err(|e| RuntimeError::Internal(format!("attempt data: {e}")))?;
    Ok(Some(Current {
        number: a.number,
        state: a.state,
        data,
        seq: a.commit_seq,
    }))
}

/// What a registration shares across its SCOs, as read: the state and the stored text a
/// write must find unchanged.
#[derive(Debug, Clone, Default)]
pub(crate) struct Shared {
    pub(crate) state: RegistrationState,
    pub(crate) read: Option<String>,
}

async fn registration_state(store: &dyn Store, s: &Sco) -> Result<Shared, RuntimeError> {
    load_registration_state(store, s.tenant, &s.registration).await
}

/// What a registration shares across its SCOs (the player's course view reads it).
pub async fn shared_state(
    store: &dyn Store,
    tenant: TenantId,
    registration: &str,
) -> Result<RegistrationState, RuntimeError> {
    Ok(load_registration_state(store, tenant, registration).await?.state)
}

pub(crate) async fn load_registration_state(
    store: &dyn Store,
    tenant: TenantId,
    registration: &str,
) -> Result<Shared, RuntimeError> {
    let read = store.registration_state(tenant, registration).await?;
    let state = match &read {
        None => RegistrationState::default(),
        Some(json) => {
            serde_json::from_str(json).map_err(|e| RuntimeError::Internal(format!("registration state: {e}")))?
        }
    };
    Ok(Shared { state, read })
}

/// The store's write of a plan's registration state over the state read as `read`.
pub(crate) fn registration_write(
    registration: &str,
    state: Option<RegistrationState>,
    read: Option<String>,
) -> Result<Option<RegistrationWrite>, RuntimeError> {
    let Some(state) = state else { return Ok(None) };
    let data = serde_json::to_string(&state).map_err(|e| RuntimeError::Internal(format!("registration state: {e}")))?;
    Ok(Some(RegistrationWrite {
        registration: registration.to_owned(),
        data,
        read,
    }))
}

/// Turns a plan into the store's writes and applies them; false when an attempt row or
/// the registration's state had moved on meanwhile (nothing written).
async fn apply(store: &dyn Store, s: &Sco, plan: Plan, read: Option<String>) -> Result<bool, RuntimeError> {
    let writes = writes(s, plan, read)?;
    Ok(store.apply_runtime(s.tenant, writes).await?)
}

/// Applies a plan about the registration as a whole (no SCO: no attempt, statement or
/// SCO's document, which a plan of a SCO's step carries) and the learner's `documents`
/// it changed; false when the registration's state, or a document, changed since read.
async fn apply_writes(
    store: &dyn Store,
    tenant: TenantId,
    registration: &str,
    plan: Plan,
    read: Option<String>,
    documents: Vec<(DocKey, DocWrite)>,
) -> Result<bool, RuntimeError> {
    if !(plan.attempts.is_empty() && plan.statements.is_empty() && plan.documents.is_empty()) {
        return Err(RuntimeError::Internal(
            "a registration's plan names a SCO's writes".into(),
        ));
    }
    let conditional = !documents.is_empty();
    let writes = RuntimeWrites {
        attempts: Vec::new(),
        registration_state: registration_write(registration, plan.registration, read)?,
        credential: RUNTIME_KEY.to_owned(),
        statements: Vec::new(),
        attachments: Vec::new(),
        documents,
        report: None,
    };
    match store.apply_runtime(tenant, writes).await {
        // A learner's document written meanwhile (another course's step): decide again.
        Err(StoreError::Rejected(lrs::LrsError::PreconditionFailed(_))) if conditional => Ok(false),
        other => Ok(other?),
    }
}

fn writes(s: &Sco, plan: Plan, read: Option<String>) -> Result<RuntimeWrites, RuntimeError> {
    let internal = |what: &str, e: &dyn std::fmt::Display| RuntimeError::Internal(format!("{what}: {e}"));
    let now = clock::now_ms();
    let report = report_write(s, &plan, now);
    let attempts = plan
        .attempts
        .into_iter()
        .map(|a| {
            Ok(AttemptRecord {
                registration: s.registration.clone(),
                item: s.item.clone(),
                number: a.number,
                state: a.state,
                data: serde_json::to_string(&a.data).map_err(|e| internal("attempt data", &e))?,
                commit_seq: a.seq,
                updated_ms: now,
            })
        })
        .collect::<Result<Vec<_>, RuntimeError>>()?;
    let registration_state = registration_write(&s.registration, plan.registration, read)?;
    let storer = Storer {
        authority: json!({ "objectType": "Agent", "name": "kiroku runtime", "account": { "homePage": s.public_url, "name": RUNTIME_KEY } }),
        version: XapiVersion::V103,
    };
    let statements = plan
        .statements
        .into_iter()
        .map(|st| prepare(st, &storer, None).map_err(|e| internal("a run-time statement", &e)))
        .collect::<Result<Vec<_>, _>>()?;
    let documents = plan.documents.into_iter().map(|d| document_write(s, d)).collect();
    Ok(RuntimeWrites {
        attempts,
        registration_state,
        credential: RUNTIME_KEY.to_owned(),
        statements,
        attachments: Vec::new(),
        documents,
        report,
    })
}

/// What a SCO's step adds to the reports: its newest attempt's progress and answers.
fn report_write(s: &Sco, plan: &Plan, now: i64) -> Option<ReportWrite> {
    let a = plan.attempts.iter().max_by_key(|a| a.number)?;
    Some(ReportWrite {
        registration: s.registration.clone(),
        launchables: u32::try_from(s.course.launchables().len()).unwrap_or(u32::MAX),
        items: vec![facts::of_attempt(&s.item, a.number, &a.data, a.state.is_open())],
        at_ms: now,
        merge: false,
    })
}

/// A profile document as a replacing write in the tenant's LRS.
fn document_write(s: &Sco, d: ProfileDocument) -> (DocKey, DocWrite) {
    let agent = crate::lrs::agent::ifi_key(&s.subject.actor).unwrap_or_default();
    let key = DocKey {
        scope: DocScope {
            kind: d.kind,
            activity: d.activity,
            agent: if d.for_actor { agent } else { String::new() },
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
    (key, write)
}
