//! The rollup processes of the SN book: Overall Rollup Process [RB.1.5], Measure Rollup
//! Process [RB.1.1] and the 4th edition's completion measure rollup [RB.1.1 b],
//! Objective Rollup Process [RB.1.2] (using measure [RB.1.2.a], rules [RB.1.2.b]) and
//! Activity Progress Rollup Process [RB.1.3]. The rules they apply are in
//! `rollup_rules.rs`.

use crate::package::model::sequencing::RollupAction;

pub use super::rollup_rules::{
    check_child_for_rollup, child_activity_set_applies, default_rule, evaluate_rollup_conditions, rollup_rule_check,
};
use super::rollup_rules::{child_facts, stale};
use super::state::{ObjectiveState, TreeState};
use super::tree::{ActivityId, ActivityTree};

/// Overall Rollup Process [RB.1.5]: from `a` up to the root (step 1), every activity
/// with children gets its measure (step 2.1.1), objective (2.1.3) and activity progress
/// (2.1.4) rolled up from its children's state. Needs `state.fits(tree)`.
///
/// Then the same for the clusters above every activity that reads a global objective
/// (each once, deepest first), until the global objectives settle: what one activity
/// wrote changes the clusters above its readers too (ADL's OB-04 skips a cluster whose
/// children read what others wrote). The readers themselves are not rolled up again: a
/// cluster nobody attempted would overwrite what it reads with the nothing its children
/// know (ADL's T-01a).
pub fn overall_rollup(tree: &ActivityTree, state: &mut TreeState, a: ActivityId) {
    for n in tree.path_to_root(a) {
        rollup_one(tree, state, n);
    }
    // Each round can only spread a change further up; the depth bounds the rounds.
    for _ in 0..tree.len() {
        let before = state.globals.clone();
        for &n in tree.above_readers() {
            rollup_one(tree, state, n);
        }
        if state.globals == before {
            break;
        }
    }
}

/// Step 2 of [RB.1.5] for one activity.
fn rollup_one(tree: &ActivityTree, state: &mut TreeState, n: ActivityId) {
    if tree.is_leaf(n) {
        // A leaf has nothing to roll up from children, but its measure still decides
        // its rolled-up objective when it is satisfied by measure.
        if tree
            .definition(n)
            .objectives
            .first()
            .is_some_and(|o| o.satisfied_by_measure)
        {
            objective_rollup_using_measure(tree, state, n);
        }
        return;
    }
    measure_rollup(tree, state, n);
    completion_measure_rollup(tree, state, n);
    objective_rollup(tree, state, n);
    activity_progress_rollup(tree, state, n);
}

/// Measure Rollup Process [RB.1.1]: the rolled-up objective's measure is the average
/// of the tracked children's rolled-up measures weighted by `objectiveMeasureWeight`
/// (steps 3–4); unknown when no child has a known measure or the weights sum to 0
/// (step 5).
pub fn measure_rollup(tree: &ActivityTree, state: &mut TreeState, a: ActivityId) {
    let mut total = 0.0;
    let mut weights = 0.0;
    let mut valid = false;
    for &child in state.children(tree, a) {
        let def = tree.definition(child);
        if !def.delivery.tracked {
            continue;
        }
        let weight = def.rollup.objective_measure_weight;
        weights += weight;
        let o = child_facts(tree, state, child).objective;
        if o.measure_status {
            total += o.normalized_measure * weight;
            valid = true;
        }
    }
    let mut target = local(state, a);
    if valid && weights > 0.0 {
        target.measure_status = true;
        target.normalized_measure = total / weights;
    } else {
        target.measure_status = false;
    }
    state.set_objective(tree, a, 0, target);
}

/// Objective Rollup Process [RB.1.2]: by measure when the rolled-up objective is
/// satisfied by measure, else by rules (with the default rules where none is defined).
pub fn objective_rollup(tree: &ActivityTree, state: &mut TreeState, a: ActivityId) {
    let satisfied_by_measure = tree
        .definition(a)
        .objectives
        .first()
        .is_some_and(|o| o.satisfied_by_measure);
    if satisfied_by_measure {
        objective_rollup_using_measure(tree, state, a);
    } else {
        objective_rollup_using_rules(tree, state, a);
    }
}

/// Objective Rollup Using Measure Process [RB.1.2.a]: unknown without a measure (step
/// 1.1.1); while the activity is active, known only if `measureSatisfactionIfActive`
/// (step 1.1.2); satisfied when the measure reaches `minNormalizedMeasure`.
pub fn objective_rollup_using_measure(tree: &ActivityTree, state: &mut TreeState, a: ActivityId) {
    let def = tree.definition(a);
    let min = def.objectives.first().map_or(1.0, |o| o.min_normalized_measure);
    let mut target = local(state, a);
    let active = state.activity(a).active;
    if !target.measure_status || (active && !def.considerations.measure_satisfaction_if_active) {
        target.progress_status = false;
    } else {
        target.progress_status = true;
        target.satisfied_status = target.normalized_measure >= min;
    }
    state.set_objective(tree, a, 0, target);
}

/// Objective Rollup Using Rules Process [RB.1.2.b]: not satisfied when a `notSatisfied`
/// rule applies (step 3), satisfied when a `satisfied` rule applies (step 4, so it wins);
/// unchanged when neither does.
pub fn objective_rollup_using_rules(tree: &ActivityTree, state: &mut TreeState, a: ActivityId) {
    let not_satisfied = rollup_rule_check(tree, state, a, RollupAction::NotSatisfied);
    let satisfied = rollup_rule_check(tree, state, a, RollupAction::Satisfied);
    if !(not_satisfied || satisfied) {
        return;
    }
    let mut target = local(state, a);
    target.progress_status = true;
    target.satisfied_status = satisfied;
    state.set_objective(tree, a, 0, target);
}

/// Completion Measure Rollup Process [RB.1.1 b] (4th edition): the attempt completion
/// amount is the average of the tracked children's amounts weighted by their
/// `progressWeight`, unknown when no child's amount is known or the weights sum to 0.
pub fn completion_measure_rollup(tree: &ActivityTree, state: &mut TreeState, a: ActivityId) {
    let mut total = 0.0;
    let mut weights = 0.0;
    let mut valid = false;
    for &child in state.children(tree, a) {
        let def = tree.definition(child);
        if !def.delivery.tracked {
            continue;
        }
        let weight = def.completion_threshold.progress_weight;
        weights += weight;
        let amount = state
            .activity(child)
            .attempt_completion_amount
            .filter(|_| !stale(tree, state, child).1);
        if let Some(amount) = amount {
            total += amount * weight;
            valid = true;
        }
    }
    state.activity_mut(a).attempt_completion_amount = (valid && weights > 0.0).then(|| total / weights);
}

/// Activity Progress Rollup Process [RB.1.3]: by measure when the activity is
/// completed by measure [RB.1.3 a], else by rules [RB.1.3 b]: incomplete when an
/// `incomplete` rule applies (step 2), completed when a `completed` rule applies (step
/// 3, so it wins).
pub fn activity_progress_rollup(tree: &ActivityTree, state: &mut TreeState, a: ActivityId) {
    let threshold = &tree.definition(a).completion_threshold;
    if threshold.completed_by_measure {
        let amount = state.activity(a).attempt_completion_amount;
        let completed = amount.map(|m| m >= threshold.min_progress_measure);
        state.set_completion(tree, a, completed);
        return;
    }
    let incomplete = rollup_rule_check(tree, state, a, RollupAction::Incomplete);
    let completed = rollup_rule_check(tree, state, a, RollupAction::Completed);
    if incomplete || completed {
        state.set_completion(tree, a, Some(completed));
    }
}

/// The local rolled-up objective of `a`, which the rollup processes write.
fn local(state: &TreeState, a: ActivityId) -> ObjectiveState {
    state.activity(a).objectives.first().cloned().unwrap_or_default()
}
