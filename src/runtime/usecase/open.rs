//! Opening a SCO's attempt when the player loads it. A suspended attempt resumes; a
//! session left without `Terminate` (tab closed) is ended by the platform first, with a
//! statement saying so; otherwise a new attempt starts. Nothing is recorded as
//! `initialized` here: that waits for the SCO's `Initialize` (its first commit).

use super::globals::LearnerGlobals;
use super::{ATTEMPTS, Current, RuntimeError, Sco, apply, current, registration_state, sequenced};
use crate::runtime::attempt::{Ending, end_session, start};
use crate::runtime::datamodel::Data;
use crate::runtime::documents;
use crate::runtime::plan::{AttemptState, AttemptWrite, Plan};
use crate::runtime::record;
use crate::runtime::registration::{self, RegistrationState};
use crate::store::{Store, StoreError};

/// The attempt the SCO runs, as the bridge receives it.
#[derive(Debug, Clone, PartialEq)]
pub struct Opened {
    pub number: u32,
    /// The sequence number of this open; the bridge's commits go above it.
    pub seq: u64,
    pub data: Data,
    /// Statements recorded (a session the platform ended for the SCO).
    pub statements: usize,
}

/// Opens (starts, resumes or re-opens) the SCO's attempt.
pub async fn open(store: &dyn Store, s: &Sco) -> Result<Opened, RuntimeError> {
    for _ in 0..ATTEMPTS {
        let latest = current(store, s).await?;
        let (rs, learner) = match s.shares() {
            Some(_) => (
                Some(registration_state(store, s).await?.state),
                learner_globals(store, s).await?,
            ),
            None => (None, None),
        };
        // An open only reads what the registration and the learner share (it seeds the
        // SCO's data).
        let (plan, opened) = decide(s, latest, rs.as_ref(), learner.as_ref());
        if apply(store, s, plan, None).await? {
            return Ok(opened);
        }
    }
    Err(StoreError::Stale.into())
}

/// The learner's global objectives when the SCO's course shares them across courses.
async fn learner_globals(store: &dyn Store, s: &Sco) -> Result<Option<LearnerGlobals>, RuntimeError> {
    let Some(tree) = s.course.tree() else {
        return Ok(None);
    };
    sequenced::learner_globals(store, s.tenant, &s.agent_key(), tree).await
}

/// The plan of an open, from the newest stored attempt (pure).
pub fn decide(
    s: &Sco,
    latest: Option<Current>,
    rs: Option<&RegistrationState>,
    learner: Option<&LearnerGlobals>,
) -> (Plan, Opened) {
    let mut plan = Plan::default();
    let (number, seq, mut data) = match latest {
        None => (1, 1, start(s.version, &s.ctx, None)),
        // Opened before but never initialized: the same attempt, as it was started.
        Some(a) if a.state == AttemptState::Launched => (a.number, next(a.seq), a.data),
        Some(a) if a.state == AttemptState::Suspended => {
            (a.number, next(a.seq), start(s.version, &s.ctx, Some(&a.data)))
        }
        Some(a) if a.state == AttemptState::Finished => (a.number.saturating_add(1), 1, start(s.version, &s.ctx, None)),
        Some(a) => end_abandoned(s, a, &mut plan),
    };
    if let (Some(item), Some(rs)) = (s.shares(), rs) {
        registration::seed(&mut data, item, rs);
        sequenced::seed(&mut data, &s.course, &s.item, rs, learner);
    }
    plan.documents = documents::at_launch(&s.subject_of(number), &data);
    plan.attempts.push(AttemptWrite {
        number,
        state: AttemptState::Launched,
        data: data.clone(),
        seq,
    });
    let statements = plan.statements.len();
    (
        plan,
        Opened {
            number,
            seq,
            data,
            statements,
        },
    )
}

/// The sequence number after `seq`.
fn next(seq: u64) -> u64 {
    seq.saturating_add(1)
}

/// A session the SCO left without `Terminate`: the platform ends it (total time,
/// thresholds) and records `suspended` or `terminated` saying so. Returns the attempt the
/// new session runs: the same one resumed after a suspend, else the next one.
fn end_abandoned(s: &Sco, a: Current, plan: &mut Plan) -> (u32, u64, Data) {
    let mut ended = a.data;
    let ending = end_session(s.version, &mut ended);
    let seq = next(a.seq);
    record::ended_by_platform(&s.subject_of(a.number), seq, &mut plan.statements, &ended, ending);
    if ending == Ending::Suspended {
        return (a.number, seq, start(s.version, &s.ctx, Some(&ended)));
    }
    plan.attempts.push(AttemptWrite {
        number: a.number,
        state: AttemptState::Finished,
        data: ended,
        seq,
    });
    (a.number.saturating_add(1), 1, start(s.version, &s.ctx, None))
}
