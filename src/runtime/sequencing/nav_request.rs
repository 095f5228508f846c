//! Navigation Request Process [NB.2.1]: whether a navigation request is valid in the
//! current session, and the termination and sequencing requests it becomes. Read-only;
//! the refusals carry the book's `NB.2.1-x` codes.

use super::choice::common_ancestor;
use super::flow::Exception;
use super::request::{SequencingRequest, Session, TerminationRequest};
use super::state::TreeState;
use super::tree::ActivityTree;

/// A navigation request; choice and jump name their target by identifier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NavigationRequest {
    Start,
    ResumeAll,
    Continue,
    Previous,
    Forward,
    Backward,
    Choice(String),
    Jump(String),
    Exit,
    ExitAll,
    SuspendAll,
    Abandon,
    AbandonAll,
}

/// A valid request: the termination request to apply first (if any), then the
/// sequencing request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Valid {
    pub termination: Option<TerminationRequest>,
    pub sequencing: SequencingRequest,
}

fn valid(termination: Option<TerminationRequest>, sequencing: SequencingRequest) -> Result<Valid, Exception> {
    Ok(Valid {
        termination,
        sequencing,
    })
}

/// Navigation Request Process [NB.2.1].
pub fn navigation_request(
    tree: &ActivityTree,
    state: &TreeState,
    session: &Session,
    request: &NavigationRequest,
) -> Result<Valid, Exception> {
    use NavigationRequest as N;
    let current = session.current;
    let active = current.is_some_and(|c| state.activity(c).active);
    // An active current activity is exited before moving on.
    let exit_first = active.then_some(TerminationRequest::Exit);
    match request {
        // Step 1: start only before the session begins (NB.2.1-1).
        N::Start => match current {
            None => valid(None, SequencingRequest::Start),
            Some(_) => Err(Exception("NB.2.1-1")),
        },
        // Step 2: resume all, before the session begins, with a suspended activity.
        N::ResumeAll => match (current, session.suspended) {
            (Some(_), _) => Err(Exception("NB.2.1-1")),
            (None, Some(_)) => valid(None, SequencingRequest::ResumeAll),
            (None, None) => Err(Exception("NB.2.1-3")),
        },
        // Step 3: continue needs a parent that allows flow (NB.2.1-4).
        N::Continue => {
            let c = current.ok_or(Exception("NB.2.1-2"))?;
            match tree.parent(c) {
                Some(p) if tree.definition(p).control_mode.flow => valid(exit_first, SequencingRequest::Continue),
                _ => Err(Exception("NB.2.1-4")),
            }
        }
        // Step 4: previous needs a parent that allows flow and is not forward-only
        // (NB.2.1-5); nothing is before the root (NB.2.1-6).
        N::Previous => {
            let c = current.ok_or(Exception("NB.2.1-2"))?;
            let p = tree.parent(c).ok_or(Exception("NB.2.1-6"))?;
            let mode = &tree.definition(p).control_mode;
            if mode.flow && !mode.forward_only {
                valid(exit_first, SequencingRequest::Previous)
            } else {
                Err(Exception("NB.2.1-5"))
            }
        }
        // Step 5: forward and backward are not supported.
        N::Forward | N::Backward => Err(Exception("NB.2.1-7")),
        N::Choice(identifier) => choice(tree, state, session, identifier),
        // Step 8: a jump needs only an existing target.
        N::Jump(identifier) => {
            let target = tree.find(identifier).ok_or(Exception("NB.2.1-11"))?;
            valid(exit_first, SequencingRequest::Jump(target))
        }
        // Steps 9 and 11: exit and abandon need an active current activity (NB.2.1-12).
        N::Exit | N::Abandon => {
            current.ok_or(Exception("NB.2.1-2"))?;
            if !active {
                return Err(Exception("NB.2.1-12"));
            }
            let termination = match request {
                N::Exit => TerminationRequest::Exit,
                _ => TerminationRequest::Abandon,
            };
            valid(Some(termination), SequencingRequest::Exit)
        }
        // Steps 10, 12, 13: exitAll, abandonAll and suspendAll need a current activity.
        N::ExitAll | N::AbandonAll | N::SuspendAll => {
            current.ok_or(Exception("NB.2.1-2"))?;
            let termination = match request {
                N::ExitAll => TerminationRequest::ExitAll,
                N::AbandonAll => TerminationRequest::AbandonAll,
                _ => TerminationRequest::SuspendAll,
            };
            valid(Some(termination), SequencingRequest::Exit)
        }
    }
}

/// Step 7 of [NB.2.1]: the target must exist (NB.2.1-11) and its parent allow choice
/// (NB.2.1-10); leaving for a non-sibling, no active activity between the current
/// activity and the common ancestor may forbid choice exit (NB.2.1-8), and neither may
/// an active current activity (step 7.1.1.3).
fn choice(tree: &ActivityTree, state: &TreeState, session: &Session, identifier: &str) -> Result<Valid, Exception> {
    let target = tree.find(identifier).ok_or(Exception("NB.2.1-11"))?;
    if let Some(p) = tree.parent(target)
        && !tree.definition(p).control_mode.choice
    {
        return Err(Exception("NB.2.1-10"));
    }
    let request = SequencingRequest::Choice(target);
    let Some(current) = session.current else {
        return valid(None, request);
    };
    let siblings = tree.parent(current).is_some() && tree.parent(current) == tree.parent(target);
    if !siblings {
        let ancestor = common_ancestor(tree, current, target);
        let path: Vec<_> = tree
            .path_to_root(current)
            .into_iter()
            .take_while(|&n| n != ancestor)
            .collect();
        if path.is_empty() {
            return Err(Exception("NB.2.1-9"));
        }
        let blocked = path
            .iter()
            .any(|&a| state.activity(a).active && !tree.definition(a).control_mode.choice_exit);
        if blocked {
            return Err(Exception("NB.2.1-8"));
        }
    }
    let active = state.activity(current).active;
    if active && !tree.definition(current).control_mode.choice_exit {
        return Err(Exception("NB.2.1-8"));
    }
    valid(active.then_some(TerminationRequest::Exit), request)
}
