//! The cmi5 steps as use cases: each reads the registration's shared state through the
//! store, decides with the pure functions of this module, and writes the new state, the
//! statements and documents in one transaction over the state it read (a lost race is
//! decided again).

use serde_json::{Value, json};

use super::ids::Node;
use super::moveon::{self, Satisfied};
use super::rules::{self, Effect, Refusal, SessionView};
use super::state::{Cmi5State, LaunchMode, Session, duration};
use super::statements::{AuLaunch, Lms, names};
use super::{LAUNCH_DATA, LEARNER_PREFERENCES};
use crate::lrs::document::{DocKey, DocKind, DocScope, DocWrite, Unconditional, WriteMode};
use crate::lrs::statement::{PreparedStatement, Storer, prepare};
use crate::lrs::{LrsError, XapiVersion};
use crate::package::model::{Cmi5Au, Cmi5Structure, Course, Structure};
use crate::report::facts::{self, ReportWrite};
use crate::runtime::registration::RegistrationState;
use crate::runtime::usecase::{RUNTIME_KEY, RuntimeError, load_registration_state, registration_write};
use crate::store::{Attachment, RuntimeWrites, Store, StoreError};
use crate::tenant::TenantId;

/// Tries before a step that keeps losing races gives up (503 through `StoreError::Stale`).
const ATTEMPTS: usize = 3;

#[derive(Debug, thiserror::Error)]
pub enum Cmi5Error {
    /// A statement or document the session may not record (403).
    #[error(transparent)]
    Refused(#[from] Refusal),
    /// The session ended (terminated, abandoned) or never was: its credential is dead (401).
    #[error("the cmi5 session has ended")]
    Closed,
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error(transparent)]
    Lrs(#[from] LrsError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Internal(String),
}

impl From<RuntimeError> for Cmi5Error {
    fn from(e: RuntimeError) -> Self {
        match e {
            RuntimeError::Store(s) => Self::Store(s),
            other => Self::Internal(other.to_string()),
        }
    }
}

/// One registration of a cmi5 course, and the learner it belongs to.
#[derive(Clone, Copy)]
pub struct Registration<'a> {
    pub store: &'a dyn Store,
    pub tenant: TenantId,
    pub public_url: &'a str,
    pub package: &'a str,
    pub course: &'a Course,
    pub registration: &'a str,
    /// The learner's agent.
    pub actor: &'a Value,
    pub now_ms: i64,
    /// The tenant's idle limit of a session (`TenantSettings::cmi5_session_timeout_ms`).
    pub session_timeout_ms: Option<i64>,
}

impl Registration<'_> {
    fn structure(&self) -> Result<&Cmi5Structure, Cmi5Error> {
        match &self.course.structure {
            Structure::Cmi5(s) => Ok(s),
            _ => Err(Cmi5Error::NotFound("the package is not a cmi5 course".into())),
        }
    }

    fn au(&self, publisher: &str) -> Result<&Cmi5Au, Cmi5Error> {
        self.structure()?
            .aus()
            .into_iter()
            .find(|a| a.id == publisher)
            .ok_or_else(|| Cmi5Error::NotFound(format!("the course has no AU {publisher:?}")))
    }

    fn lms(&self) -> Lms<'_> {
        Lms {
            public_url: self.public_url,
            package: self.package,
            actor: self.actor,
            registration: self.registration,
        }
    }

    fn timestamp(&self) -> String {
        crate::clock::format_ms(self.now_ms)
    }

    /// The LMS's statements for blocks and the course just satisfied, in `session`.
    fn satisfied(&self, done: &[Satisfied], session: &str) -> Result<Vec<Value>, Cmi5Error> {
        let s = self.structure()?;
        let ts = self.timestamp();
        Ok(done
            .iter()
            .map(|x| {
                let (node, name) = if x.course {
                    (Node::Course, names(&s.titles, &self.course.title))
                } else {
                    (Node::Block, block_name(&s.children, &x.id))
                };
                self.lms()
                    .satisfied(node, &x.id, &name, session, &crate::id::new_uuid(), &ts)
            })
            .collect())
    }

    /// The `abandoned` statement of an open session, which it removes.
    fn abandon(&self, state: &mut Cmi5State, session: &str) -> Result<Option<Value>, Cmi5Error> {
        let Some(s) = state.sessions.remove(session) else {
            return Ok(None);
        };
        let au = self.au(&s.au)?;
        let p = state.au(&s.au);
        p.abandoned = p.abandoned.saturating_add(1);
        let took = duration(s.last_ms.saturating_sub(s.launched_ms));
        Ok(Some(self.lms().abandoned(
            au,
            session,
            &took,
            &crate::id::new_uuid(),
            &self.timestamp(),
        )))
    }

    async fn read(&self) -> Result<(RegistrationState, Option<String>), Cmi5Error> {
        let shared = load_registration_state(self.store, self.tenant, self.registration).await?;
        Ok((shared.state, shared.read))
    }

    async fn write(&self, w: Write) -> Result<bool, Cmi5Error> {
        let report = ReportWrite {
            registration: self.registration.to_owned(),
            launchables: u32::try_from(self.structure()?.aus().len()).unwrap_or(u32::MAX),
            items: facts::of_cmi5(&w.cmi5),
            at_ms: crate::clock::now_ms(),
            merge: false,
        };
        let mut rs = w.state;
        rs.cmi5 = Some(w.cmi5);
        let registration_state = registration_write(self.registration, Some(rs), w.read)?;
        let writes = RuntimeWrites {
            attempts: Vec::new(),
            registration_state,
            credential: w.credential,
            statements: w.statements,
            attachments: w.attachments,
            documents: w.documents,
            report: Some(report),
        };
        Ok(self.store.apply_runtime(self.tenant, writes).await?)
    }
}

fn block_name(nodes: &[crate::package::model::Cmi5Node], id: &str) -> Value {
    use crate::package::model::Cmi5Node;
    for n in nodes {
        if let Cmi5Node::Block(b) = n {
            if b.id == id {
                return names(&b.titles, &b.title);
            }
            let inner = block_name(&b.children, id);
            if !inner.is_null() {
                return inner;
            }
        }
    }
    Value::Null
}

/// What one step writes.
struct Write {
    state: RegistrationState,
    cmi5: Cmi5State,
    read: Option<String>,
    credential: String,
    statements: Vec<PreparedStatement>,
    attachments: Vec<Attachment>,
    documents: Vec<(DocKey, DocWrite)>,
}

/// The authority of the statements the LMS records itself.
pub fn lms_storer(public_url: &str) -> Storer {
    Storer {
        authority: json!({ "objectType": "Agent", "name": "kiroku LMS", "account": { "homePage": public_url, "name": RUNTIME_KEY } }),
        version: XapiVersion::V103,
    }
}

fn prepare_lms(statements: Vec<Value>, public_url: &str) -> Result<Vec<PreparedStatement>, Cmi5Error> {
    let storer = lms_storer(public_url);
    statements
        .into_iter()
        .map(|s| prepare(s, &storer, None).map_err(|e| Cmi5Error::Internal(format!("an LMS statement: {e}"))))
        .collect()
}

/// What a launch asks for besides the registration.
#[derive(Debug, Clone)]
pub struct LaunchRequest<'a> {
    /// The AU's publisher id.
    pub au: &'a str,
    pub mode: LaunchMode,
    /// The AU's URL with its own parameters (the `launchurl` extension).
    pub launch_url: &'a str,
    pub return_url: Option<&'a str>,
    /// The learner's preferences to write as `cmi5LearnerPreferences` (section 11).
    pub preferences: Option<Value>,
}

/// A started session: its id and the AU's LMS activity id.
#[derive(Debug, Clone)]
pub struct Launched {
    pub session: String,
    pub activity: String,
}

/// Launches an AU (8, 10): abandons the AU's sessions still open, evaluates `moveOn` when
/// the registration is new (9.6.1.1-3: `NotApplicable` AUs satisfy blocks and the course
/// at once), starts a session, writes `LMS.LaunchData` and records `launched`.
pub async fn launch(r: &Registration<'_>, req: &LaunchRequest<'_>) -> Result<Launched, Cmi5Error> {
    let au = r.au(req.au)?;
    let session = crate::id::new_uuid();
    let activity = r.lms().id(Node::Au, &au.id);
    let l = AuLaunch {
        au,
        session: &session,
        mode: req.mode,
        launch_url: req.launch_url,
        return_url: req.return_url,
    };
    r.store.record_cmi5_session(r.tenant, &session, r.registration).await?;
    for _ in 0..ATTEMPTS {
        let (state, read) = r.read().await?;
        let fresh = state.cmi5.is_none();
        let mut cmi5 = state.cmi5.clone().unwrap_or_default();
        let mut statements = Vec::new();
        if fresh {
            let done = moveon::evaluate(r.structure()?, &r.course.identifier, &mut cmi5);
            statements.extend(r.satisfied(&done, &session)?);
        }
        for open in ended_by_launch(&cmi5, &au.id, r.session_timeout_ms, r.now_ms) {
            statements.extend(r.abandon(&mut cmi5, &open)?);
        }
        let p = cmi5.au(&au.id);
        p.launched = p.launched.saturating_add(1);
        cmi5.sessions.insert(
            session.clone(),
            Session {
                au: au.id.clone(),
                mode: req.mode,
                mastery_score: au.mastery_score,
                actor: r.actor.clone(),
                launched_ms: r.now_ms,
                last_ms: r.now_ms,
                preferences_read: false,
                initialized: false,
                judged: Default::default(),
            },
        );
        statements.push(r.lms().launched(&l, &crate::id::new_uuid(), &r.timestamp()));
        let mut documents = vec![launch_data(r, &activity, &l)];
        documents.extend(req.preferences.as_ref().map(|p| preferences(r, p)));
        let w = Write {
            state,
            cmi5,
            read,
            credential: RUNTIME_KEY.to_owned(),
            statements: prepare_lms(statements, r.public_url)?,
            attachments: Vec::new(),
            documents,
        };
        if r.write(w).await? {
            return Ok(Launched { session, activity });
        }
    }
    Err(StoreError::Stale.into())
}

fn json_write(content: &Value) -> DocWrite {
    DocWrite {
        mode: WriteMode::Replace,
        content_type: "application/json".into(),
        content: content.to_string().into_bytes(),
        if_match: None,
        if_none_match: None,
        unconditional: Unconditional::Allowed,
    }
}

fn agent_key(actor: &Value) -> String {
    crate::lrs::agent::ifi_key(actor).unwrap_or_default()
}

fn launch_data(r: &Registration<'_>, activity: &str, l: &AuLaunch<'_>) -> (DocKey, DocWrite) {
    let key = DocKey {
        scope: DocScope {
            kind: DocKind::State,
            activity: activity.to_owned(),
            agent: agent_key(r.actor),
            registration: r.registration.to_owned(),
        },
        id: LAUNCH_DATA.to_owned(),
    };
    (key, json_write(&l.launch_data()))
}

fn preferences(r: &Registration<'_>, p: &Value) -> (DocKey, DocWrite) {
    let key = DocKey {
        scope: DocScope {
            kind: DocKind::AgentProfile,
            activity: String::new(),
            agent: agent_key(r.actor),
            registration: String::new(),
        },
        id: LEARNER_PREFERENCES.to_owned(),
    };
    (key, json_write(p))
}

/// Whether a session passed the tenant's idle limit.
fn idle(s: &Session, timeout_ms: Option<i64>, now_ms: i64) -> bool {
    timeout_ms.is_some_and(|t| now_ms.saturating_sub(s.last_ms) > t)
}

/// The open sessions a launch of `au` abandons: the AU's own, and any idle too long.
fn ended_by_launch(state: &Cmi5State, au: &str, timeout_ms: Option<i64>, now_ms: i64) -> Vec<String> {
    let mut ended = state.open_sessions_of(au);
    let idle_elsewhere: Vec<String> = state
        .sessions
        .iter()
        .filter(|(_, s)| s.au != au && idle(s, timeout_ms, now_ms))
        .map(|(id, _)| id.clone())
        .collect();
    ended.extend(idle_elsewhere);
    ended
}

/// The session a credential names, while it is open and not idle beyond the tenant's
/// limit (an idle session's `abandoned` is recorded at the registration's next launch).
pub async fn open_session(
    store: &dyn Store,
    tenant: TenantId,
    registration: &str,
    session: &str,
    timeout_ms: Option<i64>,
    now_ms: i64,
) -> Result<Session, Cmi5Error> {
    let state = load_registration_state(store, tenant, registration).await?.state;
    state
        .cmi5
        .and_then(|mut c| c.sessions.remove(session))
        .filter(|s| !idle(s, timeout_ms, now_ms))
        .ok_or(Cmi5Error::Closed)
}

/// What an AU's session records: its statements, checked by the rules one after another
/// (a batch is all or nothing), with the LMS's `satisfied` statements each one calls for
/// right after it.
pub struct Recording<'a> {
    pub session: &'a str,
    pub statements: Vec<Value>,
    pub put_id: Option<&'a str>,
    pub storer: &'a Storer,
    /// The credential key the AU's statements are stored under.
    pub credential: &'a str,
    pub attachments: Vec<Attachment>,
}

/// Records an AU session's statements (section 9); answers their ids.
pub async fn record(r: &Registration<'_>, rec: Recording<'_>) -> Result<Vec<String>, Cmi5Error> {
    for _ in 0..ATTEMPTS {
        let (state, read) = r.read().await?;
        let mut cmi5 = state.cmi5.clone().ok_or(Cmi5Error::Closed)?;
        let (prepared, ids) = decide_recording(r, &mut cmi5, &rec)?;
        let w = Write {
            state,
            cmi5,
            read,
            credential: rec.credential.to_owned(),
            statements: prepared,
            attachments: rec.attachments.clone(),
            documents: Vec::new(),
        };
        if r.write(w).await? {
            return Ok(ids);
        }
    }
    Err(StoreError::Stale.into())
}

fn decide_recording(
    r: &Registration<'_>,
    cmi5: &mut Cmi5State,
    rec: &Recording<'_>,
) -> Result<(Vec<PreparedStatement>, Vec<String>), Cmi5Error> {
    let mut session = cmi5
        .sessions
        .remove(rec.session)
        .filter(|s| !idle(s, r.session_timeout_ms, r.now_ms))
        .ok_or(Cmi5Error::Closed)?;
    let activity = r.lms().id(Node::Au, &session.au);
    let mut progress = cmi5.aus.get(&session.au).cloned().unwrap_or_default();
    let (mut prepared, mut ids, mut ended) = (Vec::new(), Vec::new(), false);
    for st in &rec.statements {
        if ended {
            return Err(Refusal {
                rule: "9.3.0.0-5",
                message: "terminated must be the last statement of a session".into(),
            }
            .into());
        }
        let view = SessionView {
            id: rec.session,
            registration: r.registration,
            activity: &activity,
            session: &session,
            progress: &progress,
        };
        let effect = rules::admit(st, &view, rec.put_id)?;
        let p = prepare(st.clone(), rec.storer, rec.put_id)?;
        ids.push(p.id.clone());
        prepared.push(p);
        rules::apply(effect, &mut session, &mut progress);
        ended = effect == Effect::Terminated;
        cmi5.aus.insert(session.au.clone(), progress.clone());
        let done = moveon::evaluate(r.structure()?, &r.course.identifier, cmi5);
        progress = cmi5.aus.get(&session.au).cloned().unwrap_or_default();
        prepared.extend(prepare_lms(r.satisfied(&done, rec.session)?, r.public_url)?);
    }
    session.last_ms = r.now_ms;
    if !ended {
        cmi5.sessions.insert(rec.session.to_owned(), session);
    }
    Ok((prepared, ids))
}

/// Notes that the session's AU read its learner preferences (11.0.0.0-3).
pub async fn preferences_read(r: &Registration<'_>, session: &str) -> Result<(), Cmi5Error> {
    for _ in 0..ATTEMPTS {
        let (state, read) = r.read().await?;
        let mut cmi5 = state.cmi5.clone().ok_or(Cmi5Error::Closed)?;
        let s = cmi5.sessions.get_mut(session).ok_or(Cmi5Error::Closed)?;
        if s.preferences_read {
            return Ok(());
        }
        s.preferences_read = true;
        let w = Write {
            state,
            cmi5,
            read,
            credential: RUNTIME_KEY.to_owned(),
            statements: Vec::new(),
            attachments: Vec::new(),
            documents: Vec::new(),
        };
        if r.write(w).await? {
            return Ok(());
        }
    }
    Err(StoreError::Stale.into())
}

/// Abandons an open session (9.3.6): `abandoned` with the session's duration; its
/// credential stops working.
pub async fn abandon(r: &Registration<'_>, session: &str) -> Result<(), Cmi5Error> {
    for _ in 0..ATTEMPTS {
        let (state, read) = r.read().await?;
        let mut cmi5 = state.cmi5.clone().unwrap_or_default();
        let statement = r
            .abandon(&mut cmi5, session)?
            .ok_or_else(|| Cmi5Error::NotFound(format!("no open session {session}")))?;
        let w = Write {
            state,
            cmi5,
            read,
            credential: RUNTIME_KEY.to_owned(),
            statements: prepare_lms(vec![statement], r.public_url)?,
            attachments: Vec::new(),
            documents: Vec::new(),
        };
        if r.write(w).await? {
            return Ok(());
        }
    }
    Err(StoreError::Stale.into())
}

/// Waives an AU (9.3.7): `waived` with the reason in a session of its own, and
/// `satisfied` for what that satisfies. Refused for an AU already satisfied or waived.
pub async fn waive(r: &Registration<'_>, au: &str, reason: &str) -> Result<(), Cmi5Error> {
    let au = r.au(au)?;
    let session = crate::id::new_uuid();
    for _ in 0..ATTEMPTS {
        let (state, read) = r.read().await?;
        let mut cmi5 = state.cmi5.clone().unwrap_or_default();
        let p = cmi5.au(&au.id);
        if p.waived.is_some() || p.satisfied {
            return Err(Cmi5Error::Conflict(format!(
                "AU {:?} is already {} in this registration",
                au.id,
                if p.waived.is_some() { "waived" } else { "satisfied" }
            )));
        }
        p.waived = Some(reason.to_owned());
        let mut statements = vec![
            r.lms()
                .waived(au, reason, &session, &crate::id::new_uuid(), &r.timestamp()),
        ];
        let done = moveon::evaluate(r.structure()?, &r.course.identifier, &mut cmi5);
        statements.extend(r.satisfied(&done, &session)?);
        let w = Write {
            state,
            cmi5,
            read,
            credential: RUNTIME_KEY.to_owned(),
            statements: prepare_lms(statements, r.public_url)?,
            attachments: Vec::new(),
            documents: Vec::new(),
        };
        if r.write(w).await? {
            return Ok(());
        }
    }
    Err(StoreError::Stale.into())
}
