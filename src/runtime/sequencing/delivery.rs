//! Delivery: the Delivery Request Process [DB.1.1], the Content Delivery Environment
//! Process [DB.2] and the Clear Suspended Activity Subprocess [DB.2.1]. DB.2 is where
//! attempts begin: attempt counts grow, a new attempt's progress and local objectives
//! are reset, and the path to the delivered activity becomes active.

use super::choice::common_ancestor;
use super::flow::{Exception, check_activity};
use super::request::Session;
use super::state::{ObjectiveState, TreeState};
use super::termination::terminate_descendent_attempts;
use super::tree::{ActivityId, ActivityTree};

/// The root first, `a` last.
fn path_from_root(tree: &ActivityTree, a: ActivityId) -> Vec<ActivityId> {
    let mut path = tree.path_to_root(a);
    path.reverse();
    path
}

/// Delivery Request Process [DB.1.1]: only a leaf is delivered (step 1, `DB.1.1-1`),
/// and nothing on its path from the root may be disabled or past its limits (step 3,
/// [UP.5], `DB.1.1-3`).
pub fn delivery_request(tree: &ActivityTree, state: &TreeState, a: ActivityId) -> Result<(), Exception> {
    if !tree.is_leaf(a) {
        return Err(Exception("DB.1.1-1"));
    }
    if path_from_root(tree, a)
        .into_iter()
        .any(|n| check_activity(tree, state, n))
    {
        return Err(Exception("DB.1.1-3"));
    }
    Ok(())
}

/// Content Delivery Environment Process [DB.2]: delivers `a` (valid per [DB.1.1]).
pub fn deliver(
    tree: &ActivityTree,
    state: &mut TreeState,
    session: &mut Session,
    a: ActivityId,
) -> Result<(), Exception> {
    // Step 1: the current activity is still being attempted.
    if session.current == Some(a) && state.activity(a).active {
        return Err(Exception("DB.2-1"));
    }
    // Step 2: delivering anything but the suspended activity discards the suspension.
    if session.suspended != Some(a) {
        clear_suspended_activity(tree, state, session, a);
    }
    // Step 3: attempts below the common ancestor end first.
    if let Some(current) = session.current {
        terminate_descendent_attempts(tree, state, current, a);
    }
    // Step 5: every activity on the path is resumed, or begins a new attempt.
    for n in path_from_root(tree, a) {
        begin_or_resume(tree, state, n);
    }
    // Step 6.
    session.current = Some(a);
    session.suspended = None;
    Ok(())
}

/// Step 5.1 of [DB.2] for one activity on the path (its parent already done).
fn begin_or_resume(tree: &ActivityTree, state: &mut TreeState, n: ActivityId) {
    if state.activity(n).active {
        return;
    }
    let parent_attempt = tree.parent(n).map_or(0, |p| state.activity(p).attempt_count);
    let now = state.now_ms;
    if tree.definition(n).delivery.tracked {
        let objectives = tree.definition(n).objectives.len();
        let s = state.activity_mut(n);
        if s.suspended {
            // Step 5.1.1.1: the suspended attempt goes on.
            s.suspended = false;
            s.timing.resume(now);
        } else {
            // Step 5.1.1.2: a new attempt, with nothing known of it yet. Global
            // objectives keep what they hold; only the local copies start over.
            s.attempt_count = s.attempt_count.saturating_add(1);
            s.timing.begin(now);
            s.attempt_of_parent = parent_attempt;
            s.activity_progress_status = true;
            s.attempt_progress_status = false;
            s.attempt_completion_status = false;
            s.attempt_completion_amount = None;
            s.completion_reported = false;
            s.success_reported = false;
            s.objectives = vec![ObjectiveState::default(); objectives];
        }
    }
    state.activity_mut(n).active = true;
}

/// Clear Suspended Activity Subprocess [DB.2.1]: from the suspended activity up to its
/// common ancestor with `a`, leaves stop being suspended and so do clusters none of
/// whose children still is (step 1.3); the session forgets it (step 1.4).
pub fn clear_suspended_activity(tree: &ActivityTree, state: &mut TreeState, session: &mut Session, a: ActivityId) {
    let Some(suspended) = session.suspended else { return };
    let ancestor = common_ancestor(tree, a, suspended);
    let path: Vec<ActivityId> = tree
        .path_to_root(suspended)
        .into_iter()
        .take_while(|&n| n != ancestor)
        .chain(std::iter::once(ancestor))
        .collect();
    for n in path {
        let still = !tree.is_leaf(n) && state.children(tree, n).iter().any(|&c| state.activity(c).suspended);
        if !still {
            // Its suspended attempt is over: it ended when it was suspended.
            let now = state.now_ms;
            let s = state.activity_mut(n);
            s.suspended = false;
            s.timing.end(now);
        }
    }
    session.suspended = None;
}
