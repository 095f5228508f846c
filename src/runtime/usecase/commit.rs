//! A commit of the SCO's SetValue calls (Commit, Terminate, or a page going away). The
//! first commit of a session is the SCO's `Initialize`: the bridge sends one as soon as
//! the SCO calls it (a SCO can only commit after it), so that is when `initialized` (or
//! `resumed`) is recorded. Commits carry a sequence number: a resend changes nothing.

use super::{ATTEMPTS, Current, RuntimeError, Sco, apply, current, registration_state};
use crate::runtime::attempt::{apply_commit, end_session};
use crate::runtime::datamodel::Version;
use crate::runtime::documents;
use crate::runtime::plan::{AttemptState, AttemptWrite, Plan};
use crate::runtime::record::{self, Change};
use crate::runtime::registration::{self, RegistrationState};
use crate::store::{Store, StoreError};

/// The largest sequence number: the bridge counts in JavaScript numbers, exact up to 2^53 − 1.
pub const MAX_SEQ: u64 = (1 << 53) - 1;

/// How far above the last acknowledged sequence number a commit may jump. The bridge
/// counts up by one per send, so only a client that is not the bridge goes further; the
/// bound keeps every attempt far from [`MAX_SEQ`], so no commit can lock it.
pub const MAX_SEQ_STEP: u64 = 1 << 20;

/// A commit as the bridge sends it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Commit {
    pub attempt: u32,
    pub seq: u64,
    pub sets: Vec<(String, String)>,
    pub terminate: bool,
}

/// What happened to a commit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Committed {
    /// Stored, with the attempt's new state and the number of statements recorded.
    Stored {
        seq: u64,
        state: AttemptState,
        statements: usize,
    },
    /// Already stored before (a resend): nothing changed.
    Duplicate { seq: u64 },
}

/// Applies a commit to the SCO's current attempt.
pub async fn commit(store: &dyn Store, s: &Sco, c: &Commit) -> Result<Committed, RuntimeError> {
    check_seq(c.seq)?;
    for _ in 0..ATTEMPTS {
        let a = current(store, s)
            .await?
            .filter(|a| a.number == c.attempt)
            .ok_or_else(|| RuntimeError::Conflict(format!("attempt {} is not the current attempt", c.attempt)))?;
        if c.seq <= a.seq {
            return Ok(Committed::Duplicate { seq: a.seq });
        }
        let shared = match s.shares() {
            Some(_) => Some(registration_state(store, s).await?),
            None => None,
        };
        let (rs, read) = shared.map_or((None, None), |sh| (Some(sh.state), sh.read));
        let (plan, state) = decide(s, &a, rs, c)?;
        let statements = plan.statements.len();
        if apply(store, s, plan, read).await? {
            return Ok(Committed::Stored {
                seq: c.seq,
                state,
                statements,
            });
        }
    }
    Err(StoreError::Stale.into())
}

/// `seq` is a number the bridge can count to.
pub fn check_seq(seq: u64) -> Result<(), RuntimeError> {
    if (1..=MAX_SEQ).contains(&seq) {
        Ok(())
    } else {
        Err(RuntimeError::BadRequest(format!(
            "seq must be between 1 and {MAX_SEQ}, not {seq}"
        )))
    }
}

/// The plan of a commit above the attempt's last sequence number (pure).
pub fn decide(
    s: &Sco,
    a: &Current,
    mut rs: Option<RegistrationState>,
    c: &Commit,
) -> Result<(Plan, AttemptState), RuntimeError> {
    if c.seq - a.seq > MAX_SEQ_STEP {
        return Err(RuntimeError::BadRequest(format!(
            "seq {} jumps more than {MAX_SEQ_STEP} above the last acknowledged commit ({})",
            c.seq, a.seq
        )));
    }
    // A session that has ended (Terminate, or a suspend) takes no more commits: a late
    // second send must not end it again (time added twice, a second `terminated`).
    if !a.state.is_open() {
        return Err(RuntimeError::Conflict(format!(
            "attempt {} has ended ({})",
            a.number, a.state
        )));
    }
    let before = &a.data;
    let mut data = apply_commit(s.version, s.options, before, &c.sets).map_err(RuntimeError::Refused)?;
    let session_name = match s.version {
        Version::Scorm12 => "cmi.core.session_time",
        Version::Scorm2004 => "cmi.session_time",
    };
    let session_time = data.get(session_name).cloned();
    let ending = c.terminate.then(|| end_session(s.version, &mut data));
    let state = match ending {
        Some(crate::runtime::attempt::Ending::Suspended) => AttemptState::Suspended,
        Some(crate::runtime::attempt::Ending::Finished) => AttemptState::Finished,
        None => AttemptState::Active,
    };
    let subject = s.subject_of(a.number);
    let mut plan = Plan::default();
    if a.state == AttemptState::Launched {
        record::opened(&subject, c.seq, &mut plan.statements, resumed(s.version, before));
    }
    let change = Change {
        before,
        after: &data,
        session_time: session_time.as_deref(),
        ending,
    };
    record::committed(&subject, c.seq, &mut plan.statements, &change);
    if let (Some(item), Some(rs)) = (s.shares(), rs.as_mut())
        && registration::collect(&data, item, rs)
    {
        plan.registration = rs.clone().into();
    }
    let (old_doc, new_doc) = (
        documents::attempt_state(&subject, before),
        documents::attempt_state(&subject, &data),
    );
    if old_doc != new_doc {
        plan.documents.push(new_doc);
    }
    plan.attempts.push(AttemptWrite {
        number: a.number,
        state,
        data,
        seq: c.seq,
    });
    Ok((plan, state))
}

/// The session resumes a suspended attempt (`entry` = `resume`, set at open).
fn resumed(v: Version, data: &crate::runtime::datamodel::Data) -> bool {
    let entry = match v {
        Version::Scorm12 => "cmi.core.entry",
        Version::Scorm2004 => "cmi.entry",
    };
    data.get(entry).is_some_and(|e| e == "resume")
}
