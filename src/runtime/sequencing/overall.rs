//! The Overall Sequencing Process [OP.1]: the engine's one entry point. A navigation
//! request [NB.2.1] becomes a termination request [TB.2.3], a sequencing request
//! [SB.2.12] and a delivery request [DB.1.1, DB.2], applied to a registration's
//! sequencing state; the result is the activity delivered (or why not, by the book's
//! exception code) and the new state. Also what `adl.nav.request_valid.*` answers.

use serde::{Deserialize, Serialize};

use super::choice::choice;
use super::delivery::{deliver, delivery_request};
use super::flow::{Exception, continue_or_previous};
use super::nav_request::{NavigationRequest, navigation_request};
use super::request::{SequencingRequest, Session, TerminationRequest};
use super::selection::{prepare, renew_ended};
use super::sequencing_request::{Sequenced, sequencing_request};
use super::state::TreeState;
use super::termination::{end_attempt, terminate};
use super::tree::{ActivityId, ActivityTree};

/// Everything the engine keeps for one registration: the tracking state and the
/// sequencing session (current and suspended activity).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Sequencer {
    pub state: TreeState,
    pub session: Session,
}

impl Sequencer {
    /// Before the first session: nothing tracked, nothing current.
    pub fn new(tree: &ActivityTree) -> Self {
        Self {
            state: TreeState::new(tree),
            session: Session::default(),
        }
    }
}

/// What a processed navigation request led to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Delivered(ActivityId),
    /// Valid, and nothing to deliver: the learner chooses what comes next.
    Nothing,
    /// The sequencing session ended; the next one starts with start or resume all.
    SessionEnded,
}

/// The result of [`overall_sequencing`]: the new state, kept even when the request
/// failed after the termination request changed it (as the book has it), and the outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub sequencer: Sequencer,
    pub outcome: Result<Outcome, Exception>,
}

/// Overall Sequencing Process [OP.1]. `seed` drives selection and randomization.
/// Needs `sequencer.state.fits(tree)`.
pub fn overall_sequencing(tree: &ActivityTree, sequencer: Sequencer, request: &NavigationRequest, seed: u64) -> Step {
    let mut s = sequencer;
    let outcome = run(tree, &mut s, request, seed);
    Step { sequencer: s, outcome }
}

fn run(tree: &ActivityTree, s: &mut Sequencer, request: &NavigationRequest, seed: u64) -> Result<Outcome, Exception> {
    // Step 1: the navigation request.
    let valid = navigation_request(tree, &s.state, &s.session, request)?;
    if s.session.current.is_none() {
        prepare(tree, &mut s.state, seed);
    }
    let was_active: Vec<bool> = s.state.activities.iter().map(|a| a.active).collect();
    let outcome = sequence(tree, s, valid.termination, valid.sequencing);
    renew_ended(tree, &mut s.state, &was_active, seed);
    outcome
}

/// Steps 2–4 of [OP.1].
fn sequence(
    tree: &ActivityTree,
    s: &mut Sequencer,
    termination: Option<TerminationRequest>,
    mut sequencing: SequencingRequest,
) -> Result<Outcome, Exception> {
    // Step 2: the termination request; what it asks for replaces the pending request.
    if let Some(t) = termination
        && let Some(next) = terminate(tree, &mut s.state, &mut s.session, t)?
    {
        sequencing = next;
    }
    // Step 3: the sequencing request.
    match sequencing_request(tree, &mut s.state, &mut s.session, sequencing)? {
        Sequenced::Nothing => Ok(Outcome::Nothing),
        Sequenced::EndSession => {
            end_session(tree, s);
            Ok(Outcome::SessionEnded)
        }
        // Step 4: the delivery request.
        Sequenced::Deliver(a) => {
            delivery_request(tree, &s.state, a)?;
            deliver(tree, &mut s.state, &mut s.session, a)?;
            Ok(Outcome::Delivered(a))
        }
    }
}

/// The session ends: the root's attempt ends unless suspended, and nothing is current,
/// so the next session begins with start or resume all.
fn end_session(tree: &ActivityTree, s: &mut Sequencer) {
    let root = s.state.activity(ActivityTree::ROOT);
    if root.active && !root.suspended {
        end_attempt(tree, &mut s.state, ActivityTree::ROOT);
    }
    s.session.current = None;
}

/// Whether a navigation request would succeed now (`adl.nav.request_valid.*`): valid
/// for [NB.2.1], and for previous and choice an activity identified that the delivery
/// request accepts. Read-only: the current activity is not exited first, so exit and
/// post-condition rules of its attempt do not enter the answer.
pub fn request_valid(tree: &ActivityTree, sequencer: &Sequencer, request: &NavigationRequest) -> bool {
    let (state, session) = (&sequencer.state, &sequencer.session);
    let Ok(valid) = navigation_request(tree, state, session, request) else {
        return false;
    };
    let identified = match valid.sequencing {
        // Continue is offered whenever the parent allows flow (ADL's CM-07d: valid
        // though flow would stop in a cluster without flow); previous looks ahead, so
        // it is not offered on the first activity (SX-02).
        SequencingRequest::Continue => return true,
        SequencingRequest::Previous => continue_or_previous(tree, state, session.current, false),
        SequencingRequest::Choice(target) => choice(tree, state, session.current, Some(target)),
        _ => return true,
    };
    identified.is_ok_and(|a| delivery_request(tree, state, a).is_ok())
}
