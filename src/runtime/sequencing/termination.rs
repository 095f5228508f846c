//! Ending attempts: the Termination Request Process [TB.2.3] with the Sequencing Exit
//! Action Rules Subprocess [TB.2.1] and the Sequencing Post Condition Rules Subprocess
//! [TB.2.2], the End Attempt Process [UP.4] and the Terminate Descendent Attempts
//! Process [UP.3]. These change the tracking state and the session.

use crate::package::model::sequencing::RuleAction;

use super::choice::common_ancestor;
use super::flow::Exception;
use super::request::{SequencingRequest, Session, TerminationRequest};
use super::rollup::overall_rollup;
use super::rules::{RuleKind, rules_check};
use super::state::TreeState;
use super::tree::{ActivityId, ActivityTree};

/// End Attempt Process [UP.4]. A tracked, unsuspended leaf whose content did not set
/// them is completed (step 1.1.1.1) and its rolled-up objective satisfied (step
/// 1.1.1.2); a cluster is suspended exactly when a child is (step 2). The activity is
/// no longer active (step 3) and rollup runs from it (step 4).
pub fn end_attempt(tree: &ActivityTree, state: &mut TreeState, a: ActivityId) {
    let def = tree.definition(a);
    if tree.is_leaf(a) {
        if def.delivery.tracked && !state.activity(a).suspended {
            let s = state.activity(a);
            if !def.delivery.completion_set_by_content && !s.completion_reported && !s.attempt_progress_status {
                state.set_completion(tree, a, Some(true));
            }
            if !def.delivery.objective_set_by_content && !state.activity(a).success_reported {
                let mut primary = state.objective(tree, a, 0);
                if !primary.progress_status {
                    primary.progress_status = true;
                    primary.satisfied_status = true;
                    state.set_objective(tree, a, 0, primary);
                }
            }
        }
    } else {
        let suspended = state.children(tree, a).iter().any(|&c| state.activity(c).suspended);
        state.activity_mut(a).suspended = suspended;
    }
    let now = state.now_ms;
    let s = state.activity_mut(a);
    if s.suspended {
        s.timing.suspend(now);
    } else {
        s.timing.end(now);
    }
    state.activity_mut(a).active = false;
    overall_rollup(tree, state, a);
}

/// Terminate Descendent Attempts Process [UP.3]: ends the attempts between the
/// current activity and its common ancestor with `a`, both excluded (steps 1–3),
/// deepest first. When the current activity is that ancestor (a retried cluster
/// delivering its first leaf) nothing ends: the path is empty.
pub fn terminate_descendent_attempts(tree: &ActivityTree, state: &mut TreeState, current: ActivityId, a: ActivityId) {
    let ancestor = common_ancestor(tree, current, a);
    let path: Vec<ActivityId> = tree
        .path_to_root(current)
        .into_iter()
        .take_while(|&n| n != ancestor)
        .skip(1)
        .collect();
    for n in path {
        end_attempt(tree, state, n);
    }
}

/// Sequencing Exit Action Rules Subprocess [TB.2.1]: the first activity from the root
/// down to the current activity's parent with an `exit` rule that applies (steps 1–3)
/// has its descendents' attempts and its own ended and becomes current (step 4).
pub fn exit_action_rules(tree: &ActivityTree, state: &mut TreeState, session: &mut Session) {
    let Some(current) = session.current else { return };
    let mut path = tree.path_to_root(current);
    path.reverse();
    path.pop();
    let target = path
        .into_iter()
        .find(|&a| rules_check(tree, state, a, RuleKind::Exit, &[RuleAction::Exit]).is_some());
    if let Some(target) = target {
        terminate_descendent_attempts(tree, state, current, target);
        end_attempt(tree, state, target);
        session.current = Some(target);
    }
}

/// What a post-condition rule asks for [TB.2.2].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PostCondition {
    pub exit_parent: bool,
    pub exit_all: bool,
    pub sequencing: Option<SequencingRequest>,
}

/// Sequencing Post Condition Rules Subprocess [TB.2.2]: nothing for a suspended
/// activity (step 1); else the first post-condition rule that applies (step 2):
/// retry, continue, previous as a sequencing request (step 3.1), exitParent and exitAll
/// as a termination request (step 3.2), retryAll as both exitAll and retry (step 3.3).
pub fn post_condition_rules(tree: &ActivityTree, state: &TreeState, current: ActivityId) -> PostCondition {
    if state.activity(current).suspended {
        return PostCondition::default();
    }
    let actions = [
        RuleAction::ExitParent,
        RuleAction::ExitAll,
        RuleAction::Retry,
        RuleAction::RetryAll,
        RuleAction::Continue,
        RuleAction::Previous,
    ];
    let mut out = PostCondition::default();
    match rules_check(tree, state, current, RuleKind::Post, &actions) {
        Some(RuleAction::Retry) => out.sequencing = Some(SequencingRequest::Retry),
        Some(RuleAction::Continue) => out.sequencing = Some(SequencingRequest::Continue),
        Some(RuleAction::Previous) => out.sequencing = Some(SequencingRequest::Previous),
        Some(RuleAction::ExitParent) => out.exit_parent = true,
        Some(RuleAction::ExitAll) => out.exit_all = true,
        Some(RuleAction::RetryAll) => {
            out.exit_all = true;
            out.sequencing = Some(SequencingRequest::Retry);
        }
        _ => {}
    }
    out
}

/// Termination Request Process [TB.2.3]: applies `request` to the session's current
/// activity and returns the sequencing request it leads to, if any.
pub fn terminate(
    tree: &ActivityTree,
    state: &mut TreeState,
    session: &mut Session,
    request: TerminationRequest,
) -> Result<Option<SequencingRequest>, Exception> {
    // Step 1: nothing to terminate.
    let current = session.current.ok_or(Exception("TB.2.3-1"))?;
    // Step 2: exit and abandon need an active current activity.
    if matches!(request, TerminationRequest::Exit | TerminationRequest::Abandon) && !state.activity(current).active {
        return Err(Exception("TB.2.3-2"));
    }
    match request {
        TerminationRequest::Exit => exit(tree, state, session, current),
        TerminationRequest::ExitAll => Ok(exit_all(tree, state, session)),
        TerminationRequest::SuspendAll => suspend_all(tree, state, session, current),
        // Step 6: the attempt is abandoned without ending it (no rollup).
        TerminationRequest::Abandon => {
            state.activity_mut(current).active = false;
            Ok(None)
        }
        // Step 7: every attempt from the current activity up is abandoned.
        TerminationRequest::AbandonAll => {
            for a in tree.path_to_root(current) {
                state.activity_mut(a).active = false;
            }
            session.current = Some(ActivityTree::ROOT);
            Ok(Some(SequencingRequest::Exit))
        }
    }
}

/// Step 3 of [TB.2.3]: end the attempt (3.1), apply exit rules (3.2), then
/// post-condition rules, going up while they ask for exitParent (3.3).
fn exit(
    tree: &ActivityTree,
    state: &mut TreeState,
    session: &mut Session,
    current: ActivityId,
) -> Result<Option<SequencingRequest>, Exception> {
    end_attempt(tree, state, current);
    exit_action_rules(tree, state, session);
    loop {
        let at = session.current.unwrap_or(ActivityTree::ROOT);
        let post = post_condition_rules(tree, state, at);
        if post.exit_all {
            // Step 3.3.3: on as an exitAll, keeping a retry (retryAll).
            let next = exit_all(tree, state, session);
            return Ok(post.sequencing.or(next));
        }
        if post.exit_parent {
            // Step 3.3.4: the parent's attempt ends too, and its rules apply.
            let parent = tree.parent(at).ok_or(Exception("TB.2.3-4"))?;
            session.current = Some(parent);
            end_attempt(tree, state, parent);
            continue;
        }
        // Step 3.3.5: exiting the root ends the session unless a retry is asked for.
        if at == ActivityTree::ROOT && post.sequencing != Some(SequencingRequest::Retry) {
            return Ok(Some(SequencingRequest::Exit));
        }
        return Ok(post.sequencing);
    }
}

/// Step 4 of [TB.2.3]: every attempt ends, the root becomes current.
fn exit_all(tree: &ActivityTree, state: &mut TreeState, session: &mut Session) -> Option<SequencingRequest> {
    if let Some(current) = session.current {
        if state.activity(current).active {
            end_attempt(tree, state, current);
        }
        terminate_descendent_attempts(tree, state, current, ActivityTree::ROOT);
    }
    end_attempt(tree, state, ActivityTree::ROOT);
    session.current = Some(ActivityTree::ROOT);
    Some(SequencingRequest::Exit)
}

/// Step 5 of [TB.2.3]: the current activity (or, when it is neither active nor
/// suspended, its parent) and its ancestors are suspended (steps 5.1–5.5); the root
/// becomes current.
fn suspend_all(
    tree: &ActivityTree,
    state: &mut TreeState,
    session: &mut Session,
    current: ActivityId,
) -> Result<Option<SequencingRequest>, Exception> {
    let s = state.activity(current);
    let suspended = if s.active || s.suspended {
        overall_rollup(tree, state, current);
        current
    } else {
        tree.parent(current).ok_or(Exception("TB.2.3-3"))?
    };
    session.suspended = Some(suspended);
    let now = state.now_ms;
    for a in tree.path_to_root(suspended) {
        let s = state.activity_mut(a);
        s.active = false;
        s.suspended = true;
        s.timing.suspend(now);
    }
    session.current = Some(ActivityTree::ROOT);
    Ok(Some(SequencingRequest::Exit))
}
