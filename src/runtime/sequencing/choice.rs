//! Choice: the Choice Sequencing Request Process [SB.2.9], the Choice Activity
//! Traversal Subprocess [SB.2.4] and the Choice Flow Subprocess / Choice Flow Tree
//! Traversal Subprocess [SB.2.9.1], [SB.2.9.2] that constrained choice relies on.
//!
//! Read-only, like `flow.rs`: when the target is a cluster with nothing to deliver
//! (step 13 of SB.2.9) the sequencing request process sees `SB.2.9-9` and applies the
//! Terminate Descendent Attempts and End Attempt processes to [`common_ancestor`] and
//! makes the target current. A target left out by selection is `SB.2.9-2`.

use crate::package::model::sequencing::RuleAction;

use super::flow::{Direction, Exception, flow};
use super::rules::{RuleKind, rules_check};
use super::state::TreeState;
use super::tree::{ActivityId, ActivityTree};

/// The deepest activity that is `a` or an ancestor of `a` and `b` or an ancestor of `b`.
pub fn common_ancestor(tree: &ActivityTree, a: ActivityId, b: ActivityId) -> ActivityId {
    let of_b = tree.path_to_root(b);
    tree.path_to_root(a)
        .into_iter()
        .find(|n| of_b.contains(n))
        .unwrap_or(ActivityTree::ROOT)
}

/// Whether `b` comes after `a` in a preorder walk of the tree as selection and
/// randomization left it ("forward in the activity tree"). Without walking: among
/// activities the walk reaches (every ancestor available in its parent), an ancestor
/// comes first, else the order of the two branches under the common ancestor decides;
/// the one reached comes first when the other is not; `b > a` when neither is.
pub(super) fn is_forward(tree: &ActivityTree, state: &TreeState, a: ActivityId, b: ActivityId) -> bool {
    let (path_a, path_b) = (tree.path_to_root(a), tree.path_to_root(b));
    let reached = |path: &[ActivityId]| {
        path.iter()
            .all(|&n| tree.parent(n).is_none_or(|p| state.children(tree, p).contains(&n)))
    };
    match (reached(&path_a), reached(&path_b)) {
        (false, false) => return b > a,
        (true, false) => return true,
        (false, true) => return false,
        (true, true) => {}
    }
    if path_b.contains(&a) {
        return true;
    }
    if path_a.contains(&b) {
        return false;
    }
    // The children of the common ancestor the two paths go through.
    let ancestor = common_ancestor(tree, a, b);
    let branch = |path: &[ActivityId]| path.iter().copied().find(|&n| tree.parent(n) == Some(ancestor));
    let children = state.children(tree, ancestor);
    let position = |n: Option<ActivityId>| n.and_then(|n| children.iter().position(|&c| c == n));
    match (position(branch(&path_a)), position(branch(&path_b))) {
        (Some(i), Some(j)) => i < j,
        _ => b > a,
    }
}

/// Choice Activity Traversal Subprocess [SB.2.4]: forward, a `stopForwardTraversal`
/// rule that applies stops it (step 1.1, `SB.2.4-1`); backward, a forward-only parent
/// refuses (step 2.1.1, `SB.2.4-2`) and the root has nothing before it (step 2.2,
/// `SB.2.4-3`).
pub fn choice_activity_traversal(
    tree: &ActivityTree,
    state: &TreeState,
    a: ActivityId,
    direction: Direction,
) -> Result<(), Exception> {
    match direction {
        Direction::Forward => match rules_check(tree, state, a, RuleKind::Pre, &[RuleAction::StopForwardTraversal]) {
            Some(_) => Err(Exception("SB.2.4-1")),
            None => Ok(()),
        },
        Direction::Backward => match tree.parent(a) {
            Some(p) if tree.definition(p).control_mode.forward_only => Err(Exception("SB.2.4-2")),
            Some(_) => Ok(()),
            None => Err(Exception("SB.2.4-3")),
        },
    }
}

/// Choice Flow Tree Traversal Subprocess [SB.2.9.2]: the next (previous) sibling of
/// `a`, or of its nearest ancestor that has one, without descending; `None` past the
/// ends or at the root (steps 1.1 and 2.1).
fn choice_flow_tree_traversal(
    tree: &ActivityTree,
    state: &TreeState,
    a: ActivityId,
    direction: Direction,
) -> Option<ActivityId> {
    let parent = tree.parent(a)?;
    let siblings = state.children(tree, parent);
    let pos = siblings.iter().position(|&s| s == a)?;
    let next = match direction {
        Direction::Forward => siblings.get(pos + 1),
        Direction::Backward => pos.checked_sub(1).and_then(|p| siblings.get(p)),
    };
    match next {
        Some(&n) => Some(n),
        None => choice_flow_tree_traversal(tree, state, parent, direction),
    }
}

/// Choice Flow Subprocess [SB.2.9.1]: what [SB.2.9.2] identifies, else `a` itself.
pub fn choice_flow(tree: &ActivityTree, state: &TreeState, a: ActivityId, direction: Direction) -> ActivityId {
    choice_flow_tree_traversal(tree, state, a, direction).unwrap_or(a)
}

/// `from` and its ancestors up to `to`: `from` first, `to` excluded (all of
/// `path_to_root(from)` when `to` is not an ancestor).
fn up_to(tree: &ActivityTree, from: ActivityId, to: ActivityId) -> Vec<ActivityId> {
    tree.path_to_root(from).into_iter().take_while(|&n| n != to).collect()
}

/// Choice Sequencing Request Process [SB.2.9]: the activity a choice of `target`
/// delivers, from the current activity (if any).
pub fn choice(
    tree: &ActivityTree,
    state: &TreeState,
    current: Option<ActivityId>,
    target: Option<ActivityId>,
) -> Result<ActivityId, Exception> {
    // Step 1: the target must exist.
    let target = target.filter(|&t| t < tree.len()).ok_or(Exception("SB.2.9-1"))?;
    // Step 2: the target and its ancestors must be available (not left out by
    // selection).
    for n in tree.path_to_root(target) {
        if let Some(p) = tree.parent(n)
            && !state.children(tree, p).contains(&n)
        {
            return Err(Exception("SB.2.9-2"));
        }
    }
    // Step 3: neither the target nor an ancestor hidden from choice.
    for n in tree.path_to_root(target) {
        if rules_check(tree, state, n, RuleKind::Pre, &[RuleAction::HiddenFromChoice]).is_some() {
            return Err(Exception("SB.2.9-3"));
        }
    }
    // Step 4: the parent must allow choice.
    if let Some(p) = tree.parent(target)
        && !tree.definition(p).control_mode.choice
    {
        return Err(Exception("SB.2.9-4"));
    }
    // Step 5: the common ancestor (the root without a current activity).
    let ancestor = current.map_or(ActivityTree::ROOT, |c| common_ancestor(tree, c, target));
    match current {
        // Step 6 (case #1): the current activity itself; nothing to check.
        Some(c) if c == target => {}
        // Step 7 (case #2): a sibling of the current activity.
        Some(c) if tree.parent(c).is_some() && tree.parent(c) == tree.parent(target) => {
            siblings_between(tree, state, c, target)?;
        }
        // Step 8 (case #3): down from the current activity (or the root).
        None => down_to(tree, state, ancestor, target, true)?,
        Some(c) if c == ancestor => down_to(tree, state, ancestor, target, true)?,
        // Step 9 (case #4): up to an ancestor of the current activity.
        Some(c) if target == ancestor => {
            let path = up_to(tree, c, ancestor);
            if path.is_empty() {
                return Err(Exception("SB.2.9-5"));
            }
            exits_allowed(tree, &path)?;
        }
        // Step 10 (case #5): up to the common ancestor, then down to the target.
        Some(c) => up_then_down(tree, state, c, ancestor, target)?,
    }
    // Step 11: a leaf is delivered itself.
    if tree.is_leaf(target) {
        return Ok(target);
    }
    // Steps 12–14: flow into the cluster; nothing deliverable is SB.2.9-9.
    flow(tree, state, target, Direction::Forward, true).map_err(|_| Exception("SB.2.9-9"))
}

/// Step 7 of [SB.2.9]: the Choice Activity Traversal Subprocess for each sibling from
/// the current activity towards the target (the target excluded), in the target's
/// direction.
fn siblings_between(
    tree: &ActivityTree,
    state: &TreeState,
    current: ActivityId,
    target: ActivityId,
) -> Result<(), Exception> {
    let siblings = super::flow::siblings(tree, state, current);
    let pos = |a| siblings.iter().position(|&s| s == a);
    let (Some(from), Some(to)) = (pos(current), pos(target)) else {
        return Err(Exception("SB.2.9-5"));
    };
    let (direction, list): (Direction, Vec<ActivityId>) = if from < to {
        (
            Direction::Forward,
            siblings.iter().skip(from).take(to - from).copied().collect(),
        )
    } else {
        (
            Direction::Backward,
            siblings.iter().skip(to + 1).take(from - to).rev().copied().collect(),
        )
    };
    if list.is_empty() {
        return Err(Exception("SB.2.9-5"));
    }
    list.into_iter()
        .try_for_each(|a| choice_activity_traversal(tree, state, a, direction))
}

/// Steps 8.1–8.3 and 10.6–10.9 of [SB.2.9]: the activities below the common ancestor
/// down to the target, inclusive (empty is `SB.2.9-5`): traversal checked forward when
/// `forward` (stopForwardTraversal) through the target's ancestors, and no inactive
/// ancestor may have `preventActivation` (`SB.2.9-6`), since choosing below it would
/// begin an attempt on it. The target itself may be chosen (ADL's CM-17b starts on a
/// cluster that prevents activation).
fn down_to(
    tree: &ActivityTree,
    state: &TreeState,
    ancestor: ActivityId,
    target: ActivityId,
    forward: bool,
) -> Result<(), Exception> {
    let mut path = up_to(tree, target, ancestor);
    if path.is_empty() {
        return Err(Exception("SB.2.9-5"));
    }
    path.reverse();
    for a in path {
        if forward && a != target {
            choice_activity_traversal(tree, state, a, Direction::Forward)?;
        }
        if a != target && !state.activity(a).active && tree.definition(a).constrained_choice.prevent_activation {
            return Err(Exception("SB.2.9-6"));
        }
    }
    Ok(())
}

/// Steps 9.3 and 10.4.1 of [SB.2.9]: every activity left on the way up must allow
/// choice to exit it (`choiceExit`), else `SB.2.9-7`.
fn exits_allowed(tree: &ActivityTree, path: &[ActivityId]) -> Result<(), Exception> {
    match path.iter().any(|&a| !tree.definition(a).control_mode.choice_exit) {
        true => Err(Exception("SB.2.9-7")),
        false => Ok(()),
    }
}

/// Step 10 of [SB.2.9] (case #5): up from the current activity to the common ancestor
/// (choice exit, step 10.4; constrained choice, step 10.5), then down to the target
/// (steps 10.6–10.9).
fn up_then_down(
    tree: &ActivityTree,
    state: &TreeState,
    current: ActivityId,
    ancestor: ActivityId,
    target: ActivityId,
) -> Result<(), Exception> {
    let path = up_to(tree, current, ancestor);
    if path.is_empty() {
        return Err(Exception("SB.2.9-5"));
    }
    exits_allowed(tree, &path)?;
    // Step 10.4.2: the first (deepest) cluster on the way up with constrainChoice; the
    // current activity's own setting constrains nothing (ADL's CM-07d chooses past a
    // leaf that has it).
    let constrained = path
        .iter()
        .copied()
        .filter(|&a| a != current)
        .find(|&a| tree.definition(a).constrained_choice.constrain_choice);
    if let Some(constrained) = constrained {
        // Step 10.5: only the activity next to (or before) it in flow may be chosen.
        let direction = if is_forward(tree, state, constrained, target) {
            Direction::Forward
        } else {
            Direction::Backward
        };
        let consider = choice_flow(tree, state, constrained, direction);
        let within = tree.path_to_root(target).contains(&consider);
        if !within && target != constrained {
            return Err(Exception("SB.2.9-8"));
        }
    }
    down_to(tree, state, ancestor, target, is_forward(tree, state, current, target))
}
