//! The Sequencing Request Process [SB.2.12], dispatching to start [SB.2.5], resume all
//! [SB.2.6], continue [SB.2.7], previous [SB.2.8], choice [SB.2.9], retry [SB.2.10],
//! exit [SB.2.11] and jump [SB.2.13]. Besides identifying the activity to deliver, it
//! applies what the book has these processes change: the end of the session past the
//! last activity (SB.2.1 step 3.1.1) and a chosen cluster with nothing to deliver
//! (SB.2.9 step 13).

use super::choice::{choice, common_ancestor};
use super::flow::{Direction, Exception, continue_or_previous, flow, start};
use super::request::{SequencingRequest, Session};
use super::state::TreeState;
use super::termination::{end_attempt, terminate_descendent_attempts};
use super::tree::{ActivityId, ActivityTree};

/// What a valid sequencing request leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sequenced {
    /// A delivery request for this activity.
    Deliver(ActivityId),
    /// The sequencing session ends.
    EndSession,
    /// Valid, with nothing to deliver (e.g. exit from a leaf, a choice of an empty cluster).
    Nothing,
}

/// Sequencing Request Process [SB.2.12].
pub fn sequencing_request(
    tree: &ActivityTree,
    state: &mut TreeState,
    session: &mut Session,
    request: SequencingRequest,
) -> Result<Sequenced, Exception> {
    use SequencingRequest as S;
    new_course_attempt(tree, state, request);
    let identified = match request {
        S::Start => start(tree, state, session.current),
        S::ResumeAll => resume_all(session),
        S::Exit => return exit(state, session),
        S::Retry => retry(tree, state, session),
        S::Continue => continue_or_previous(tree, state, session.current, true),
        S::Previous => continue_or_previous(tree, state, session.current, false),
        S::Choice(target) => choice(tree, state, session.current, Some(target)),
        S::Jump(target) => jump(session, target),
    };
    match identified {
        Ok(a) => Ok(Sequenced::Deliver(a)),
        // SB.2.1 step 3.1.1: flow past the last activity ends the session, and every
        // attempt under the root with it.
        Err(e) if e.ends_session() && matches!(request, S::Continue) => {
            if let Some(current) = session.current {
                terminate_descendent_attempts(tree, state, current, ActivityTree::ROOT);
            }
            Ok(Sequenced::EndSession)
        }
        Err(e) if e.0 == "SB.2.9-9" => {
            if let S::Choice(target) = request {
                empty_cluster_chosen(tree, state, session, target);
            }
            Err(e)
        }
        Err(e) => Err(e),
    }
}

/// With `adlseq:objectivesGlobalToSystem` false, global objectives last one attempt on
/// the course: a request that may begin the next one, the root's attempt having ended,
/// starts from none, before it looks at any (ADL's RU-13d retries the course and then
/// skips what the cleared objectives no longer satisfy; OB-03b relaunches it). The
/// root's post-condition rules, applied as its attempt ended, still read them.
fn new_course_attempt(tree: &ActivityTree, state: &mut TreeState, request: SequencingRequest) {
    let root = state.activity(ActivityTree::ROOT);
    let ended = !root.active && !root.suspended;
    if ended && !tree.objectives_global_to_system && request != SequencingRequest::Exit {
        state.globals.clear();
    }
}

/// Step 13 of [SB.2.9]: attempts up to the common ancestor end, and the chosen cluster
/// becomes the current activity although nothing is delivered.
fn empty_cluster_chosen(tree: &ActivityTree, state: &mut TreeState, session: &mut Session, target: ActivityId) {
    if let Some(current) = session.current {
        let ancestor = common_ancestor(tree, current, target);
        terminate_descendent_attempts(tree, state, current, ancestor);
        if state.activity(ancestor).active {
            end_attempt(tree, state, ancestor);
        }
    }
    session.current = Some(target);
}

/// Resume All Sequencing Request Process [SB.2.6]: before any current activity (step
/// 1, `SB.2.6-1`), the suspended activity (step 2, `SB.2.6-2`) is delivered (step 3).
fn resume_all(session: &Session) -> Result<ActivityId, Exception> {
    if session.current.is_some() {
        return Err(Exception("SB.2.6-1"));
    }
    session.suspended.ok_or(Exception("SB.2.6-2"))
}

/// Exit Sequencing Request Process [SB.2.11]: needs a current activity (step 1) that is
/// no longer active (step 2); exiting the root ends the session (step 3), anything
/// else waits for the learner's next request (step 4).
fn exit(state: &TreeState, session: &Session) -> Result<Sequenced, Exception> {
    let current = session.current.ok_or(Exception("SB.2.11-1"))?;
    if state.activity(current).active {
        return Err(Exception("SB.2.11-2"));
    }
    if current == ActivityTree::ROOT {
        return Ok(Sequenced::EndSession);
    }
    Ok(Sequenced::Nothing)
}

/// Retry Sequencing Request Process [SB.2.10]: the current activity (step 1), neither
/// active nor suspended (step 2), again: a leaf itself (step 4), a cluster through flow
/// into it (step 3, `SB.2.10-3` when nothing in it can be delivered).
fn retry(tree: &ActivityTree, state: &TreeState, session: &Session) -> Result<ActivityId, Exception> {
    let current = session.current.ok_or(Exception("SB.2.10-1"))?;
    let s = state.activity(current);
    if s.active || s.suspended {
        return Err(Exception("SB.2.10-2"));
    }
    if tree.is_leaf(current) {
        return Ok(current);
    }
    flow(tree, state, current, Direction::Forward, true).map_err(|_| Exception("SB.2.10-3"))
}

/// Jump Sequencing Request Process [SB.2.13] (4th edition): during a session (step 1,
/// `SB.2.13-1`) the target is delivered whatever the control modes say (step 2).
fn jump(session: &Session, target: ActivityId) -> Result<ActivityId, Exception> {
    session.current.ok_or(Exception("SB.2.13-1"))?;
    Ok(target)
}
