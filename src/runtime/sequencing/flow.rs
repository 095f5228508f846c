//! Flow navigation through the tree: the Flow Tree Traversal Subprocess [SB.2.1], the
//! Flow Activity Traversal Subprocess [SB.2.2], the Flow Subprocess [SB.2.3], the Check
//! Activity Process [UP.5] they rely on, and the start, continue and previous
//! sequencing requests built on them ([SB.2.5], [SB.2.7], [SB.2.8]).
//!
//! Read-only: these decide which activity a request identifies. The Terminate
//! Descendent Attempts Process that SB.2.1 step 3.1.1 applies at the end of the course
//! is applied by the sequencing request process (`sequencing_request.rs`) when it sees
//! the `SB.2.1-1` exception. Children are taken as selection and randomization left
//! them (`TreeState::children`).

use crate::package::model::sequencing::RuleAction;

use super::rules::{RuleKind, limit_conditions_violated, rules_check};
use super::state::TreeState;
use super::tree::{ActivityId, ActivityTree};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Forward,
    Backward,
}

/// A sequencing exception, by the book's code (e.g. `SB.2.1-1`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Exception(pub &'static str);

impl Exception {
    /// Flow went past the last activity of the course: the session ends (SB.2.1-1).
    pub fn ends_session(self) -> bool {
        self.0 == "SB.2.1-1"
    }
}

/// Check Activity Process [UP.5]: whether `a` may not be delivered: a `disabled`
/// pre-condition rule applies (step 1) or its limit conditions are violated (step 2).
pub fn check_activity(tree: &ActivityTree, state: &TreeState, a: ActivityId) -> bool {
    rules_check(tree, state, a, RuleKind::Pre, &[RuleAction::Disabled]).is_some()
        || limit_conditions_violated(tree, state, a)
}

fn last_in_preorder(tree: &ActivityTree, state: &TreeState) -> ActivityId {
    let mut at = ActivityTree::ROOT;
    while let Some(&last) = state.children(tree, at).last() {
        at = last;
    }
    at
}

/// `a` and its siblings, as selection and randomization left them.
pub fn siblings<'t>(tree: &'t ActivityTree, state: &'t TreeState, a: ActivityId) -> &'t [ActivityId] {
    tree.parent(a).map_or(&[], |p| state.children(tree, p))
}

fn sibling(tree: &ActivityTree, state: &TreeState, a: ActivityId, direction: Direction) -> Option<ActivityId> {
    let list = siblings(tree, state, a);
    let pos = list.iter().position(|&s| s == a)?;
    match direction {
        Direction::Forward => list.get(pos + 1).copied(),
        Direction::Backward => pos.checked_sub(1).and_then(|p| list.get(p)).copied(),
    }
}

/// Flow Tree Traversal Subprocess [SB.2.1]: the activity after (or before) `a` in flow
/// order, and the direction traversal goes on in.
pub fn flow_tree_traversal(
    tree: &ActivityTree,
    state: &TreeState,
    a: ActivityId,
    mut direction: Direction,
    consider_children: bool,
    previous: Option<Direction>,
) -> Result<(ActivityId, Direction), Exception> {
    let mut a = a;
    let mut reversed = false;
    // Step 2: coming back from a forward-only cluster's last child, turn around.
    if previous == Some(Direction::Backward)
        && sibling(tree, state, a, Direction::Forward).is_none()
        && let Some(&first) = siblings(tree, state, a).first()
    {
        direction = Direction::Backward;
        a = first;
        reversed = true;
    }
    let leafward = tree.is_leaf(a) || !consider_children;
    match direction {
        Direction::Forward => {
            // Step 3.1: past the end of the course.
            if a == last_in_preorder(tree, state) || (a == ActivityTree::ROOT && !consider_children) {
                return Err(Exception("SB.2.1-1"));
            }
            if leafward {
                // Step 3.2.1 / 3.2.2: the next sibling, or on from the parent.
                return match sibling(tree, state, a, Direction::Forward) {
                    Some(next) => Ok((next, direction)),
                    None => match tree.parent(a) {
                        Some(p) => flow_tree_traversal(tree, state, p, direction, false, None),
                        None => Err(Exception("SB.2.1-1")),
                    },
                };
            }
            // Step 3.3: into the first child.
            state
                .children(tree, a)
                .first()
                .map(|&c| (c, direction))
                .ok_or(Exception("SB.2.1-2"))
        }
        Direction::Backward => backward(tree, state, a, leafward, reversed),
    }
}

/// Step 4 of [SB.2.1].
fn backward(
    tree: &ActivityTree,
    state: &TreeState,
    a: ActivityId,
    leafward: bool,
    reversed: bool,
) -> Result<(ActivityId, Direction), Exception> {
    // Step 4.1: nothing before the root.
    let Some(parent) = tree.parent(a) else {
        return Err(Exception("SB.2.1-3"));
    };
    if leafward {
        // Step 4.2.1: a forward-only parent refuses, unless traversal just turned.
        if !reversed && tree.definition(parent).control_mode.forward_only {
            return Err(Exception("SB.2.1-4"));
        }
        // Steps 4.2.2 / 4.2.3.
        return match sibling(tree, state, a, Direction::Backward) {
            Some(prev) => Ok((prev, Direction::Backward)),
            None => flow_tree_traversal(tree, state, parent, Direction::Backward, false, None),
        };
    }
    // Step 4.3: into a cluster from its end, or its start when it is forward-only.
    let children = state.children(tree, a);
    let entry = if tree.definition(a).control_mode.forward_only {
        children.first().map(|&c| (c, Direction::Forward))
    } else {
        children.last().map(|&c| (c, Direction::Backward))
    };
    entry.ok_or(Exception("SB.2.1-2"))
}

/// Flow Activity Traversal Subprocess [SB.2.2]: from `a`, the first activity in
/// `direction` that can be delivered, skipping activities a `skip` rule applies to
/// (step 3) and descending into clusters (step 5).
pub fn flow_activity_traversal(
    tree: &ActivityTree,
    state: &TreeState,
    a: ActivityId,
    direction: Direction,
    previous: Option<Direction>,
) -> Result<ActivityId, Exception> {
    // Step 1: the parent must allow flow.
    if let Some(parent) = tree.parent(a)
        && !tree.definition(parent).control_mode.flow
    {
        return Err(Exception("SB.2.2-1"));
    }
    // Step 3: skipped; traverse on, without considering its children.
    if rules_check(tree, state, a, RuleKind::Pre, &[RuleAction::Skip]).is_some() {
        let (next, went) = flow_tree_traversal(tree, state, a, direction, false, previous)?;
        let previous = if previous == Some(Direction::Backward) && went == Direction::Backward {
            None
        } else {
            previous
        };
        return flow_activity_traversal(tree, state, next, went, previous);
    }
    // Step 4: disabled or past its limits.
    if check_activity(tree, state, a) {
        return Err(Exception("SB.2.2-2"));
    }
    // Step 5: a cluster; enter it.
    if !tree.is_leaf(a) {
        let (next, went) = flow_tree_traversal(tree, state, a, direction, true, None)?;
        return if direction == Direction::Backward && went == Direction::Forward {
            flow_activity_traversal(tree, state, next, Direction::Forward, Some(Direction::Backward))
        } else {
            flow_activity_traversal(tree, state, next, direction, None)
        };
    }
    // Step 6.
    Ok(a)
}

/// Flow Subprocess [SB.2.3]: the deliverable activity flow reaches from `a`.
pub fn flow(
    tree: &ActivityTree,
    state: &TreeState,
    a: ActivityId,
    direction: Direction,
    consider_children: bool,
) -> Result<ActivityId, Exception> {
    let (candidate, went) = flow_tree_traversal(tree, state, a, direction, consider_children, None)?;
    flow_activity_traversal(tree, state, candidate, went, None)
}

/// Start Sequencing Request Process [SB.2.5]: refused during a session (step 1); a
/// root without children is delivered itself (step 2); else flow from the root into
/// the tree (step 3).
pub fn start(tree: &ActivityTree, state: &TreeState, current: Option<ActivityId>) -> Result<ActivityId, Exception> {
    if current.is_some() {
        return Err(Exception("SB.2.5-1"));
    }
    if tree.is_leaf(ActivityTree::ROOT) {
        return Ok(ActivityTree::ROOT);
    }
    flow(tree, state, ActivityTree::ROOT, Direction::Forward, true)
}

/// Continue Sequencing Request Process [SB.2.7] (`forward: true`) and Previous
/// Sequencing Request Process [SB.2.8]: refused without a current activity (step 1)
/// or when its parent does not allow flow (step 2); else flow from it (step 3).
pub fn continue_or_previous(
    tree: &ActivityTree,
    state: &TreeState,
    current: Option<ActivityId>,
    forward: bool,
) -> Result<ActivityId, Exception> {
    let (no_current, no_flow, direction) = if forward {
        ("SB.2.7-1", "SB.2.7-2", Direction::Forward)
    } else {
        ("SB.2.8-1", "SB.2.8-2", Direction::Backward)
    };
    let current = current.ok_or(Exception(no_current))?;
    if let Some(parent) = tree.parent(current)
        && !tree.definition(parent).control_mode.flow
    {
        return Err(Exception(no_flow));
    }
    flow(tree, state, current, direction, false)
}
