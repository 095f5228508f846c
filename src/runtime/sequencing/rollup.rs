//! The rollup processes of the SN book: Overall Rollup Process [RB.1.5], Measure Rollup
//! Process [RB.1.1], Objective Rollup Process [RB.1.2] (using measure [RB.1.2.a], rules
//! [RB.1.2.b] and the default rules [RB.1.2.c]), Activity Progress Rollup Process
//! [RB.1.3], Rollup Rule Check Subprocess [RB.1.4], Evaluate Rollup Conditions
//! Subprocess [RB.1.4.1] and Check Child for Rollup Subprocess [RB.1.4.2].

use crate::package::model::sequencing::{
    ChildActivitySet, Condition, ConditionCombination, ConditionOperator, RollupAction, RollupCondition,
    RollupRequirement, RollupRule, RuleAction,
};

use super::rules::{Facts, RuleKind, Truth, combine, evaluate_facts, negate, rules_check};
use super::state::{ObjectiveState, TreeState};
use super::tree::{ActivityId, ActivityTree};

/// Overall Rollup Process [RB.1.5]: from `a` up to the root (step 1), every activity
/// with children gets its measure (step 2.1.1), objective (2.1.3) and activity progress
/// (2.1.4) rolled up from its children's state. Needs `state.fits(tree)`.
///
/// Then the same from the parent of every activity that reads a global objective,
/// until the global objectives settle: what one activity wrote changes the clusters
/// above its readers too (ADL's OB-04 skips a cluster whose children read what others
/// wrote). The readers themselves are not rolled up again: a cluster nobody attempted
/// would overwrite what it reads with the nothing its children know (ADL's T-01a).
pub fn overall_rollup(tree: &ActivityTree, state: &mut TreeState, a: ActivityId) {
    rollup_path(tree, state, a);
    let readers: Vec<ActivityId> = tree
        .iter()
        .filter(|(_, x)| x.definition.objectives.iter().any(reads_global))
        .filter_map(|(_, x)| x.parent)
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    // Each round can only spread a change further up; the depth bounds the rounds.
    for _ in 0..tree.len() {
        let before = state.globals.clone();
        for &r in &readers {
            rollup_path(tree, state, r);
        }
        if state.globals == before {
            break;
        }
    }
}

fn reads_global(o: &super::tree::ObjectiveDef) -> bool {
    o.maps
        .iter()
        .any(|m| m.read_satisfied_status || m.read_normalized_measure)
        || o.adl_maps
            .iter()
            .any(|m| m.read_completion_status || m.read_progress_measure)
}

/// Steps 1–2 of [RB.1.5] from `a`.
fn rollup_path(tree: &ActivityTree, state: &mut TreeState, a: ActivityId) {
    for n in tree.path_to_root(a) {
        if tree.is_leaf(n) {
            // A leaf has nothing to roll up from children, but its measure still
            // decides its rolled-up objective when it is satisfied by measure.
            if tree
                .definition(n)
                .objectives
                .first()
                .is_some_and(|o| o.satisfied_by_measure)
            {
                objective_rollup_using_measure(tree, state, n);
            }
            continue;
        }
        measure_rollup(tree, state, n);
        completion_measure_rollup(tree, state, n);
        objective_rollup(tree, state, n);
        activity_progress_rollup(tree, state, n);
    }
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

fn condition(c: Condition, operator: ConditionOperator) -> RollupCondition {
    RollupCondition { condition: c, operator }
}

/// The rules that apply when an activity defines none with `action` (RB.1.2.c, and
/// RB.1.3 step 1, as ADL's test cases have them): satisfied (completed) when all
/// children are; not satisfied (incomplete) when any child is known not satisfied (not
/// completed). ADL's RU-18b, RU-19a and RU-19b tell these apart from "all children
/// attempted or not satisfied", which the secondary sources gave.
pub fn default_rule(action: RollupAction) -> RollupRule {
    use ConditionOperator::{NoOp, Not};
    let conditions = match action {
        RollupAction::Satisfied => vec![condition(Condition::Satisfied, NoOp)],
        RollupAction::NotSatisfied => vec![condition(Condition::Satisfied, Not)],
        RollupAction::Completed => vec![condition(Condition::Completed, NoOp)],
        RollupAction::Incomplete => vec![condition(Condition::Completed, Not)],
    };
    RollupRule {
        child_activity_set: match action {
            RollupAction::NotSatisfied | RollupAction::Incomplete => ChildActivitySet::Any,
            _ => ChildActivitySet::All,
        },
        minimum_count: 0,
        minimum_percent: 0.0,
        condition_combination: ConditionCombination::Any,
        conditions,
        action,
    }
}

/// The rules of `a` with `action`, or the default rule when it has none: the default
/// pair of an outcome applies when neither of its two actions has a rule.
fn rules_for(tree: &ActivityTree, a: ActivityId, action: RollupAction) -> Vec<RollupRule> {
    let defined = &tree.definition(a).rollup.rules;
    let partner = match action {
        RollupAction::Satisfied => RollupAction::NotSatisfied,
        RollupAction::NotSatisfied => RollupAction::Satisfied,
        RollupAction::Completed => RollupAction::Incomplete,
        RollupAction::Incomplete => RollupAction::Completed,
    };
    if defined.iter().any(|r| r.action == action || r.action == partner) {
        defined.iter().filter(|r| r.action == action).cloned().collect()
    } else {
        vec![default_rule(action)]
    }
}

/// Rollup Rule Check Subprocess [RB.1.4]: whether any rule of `a` with `action` applies.
/// For each rule (step 1.2), the tracked children that count for `action` (steps
/// 1.2.2.1–1.2.2.2, [RB.1.4.2]) each evaluate the rule's conditions (1.2.2.2.1,
/// [RB.1.4.1]); the child activity set decides from that bag (step 1.2.3).
pub fn rollup_rule_check(tree: &ActivityTree, state: &TreeState, a: ActivityId, action: RollupAction) -> bool {
    rules_for(tree, a, action).iter().any(|rule| {
        let bag: Vec<Truth> = state
            .children(tree, a)
            .iter()
            .filter(|&&c| tree.definition(c).delivery.tracked && check_child_for_rollup(tree, state, c, action))
            .map(|&c| evaluate_rollup_conditions(tree, state, c, rule))
            .collect();
        child_activity_set_applies(rule, &bag)
    })
}

/// Step 1.2.3 of [RB.1.4]: `all` needs trues only (an empty bag holds, as ADL's RU-11 has it); `any` one true;
/// `none` no true and no unknown (a non-empty bag of falses); `atLeastCount` and
/// `atLeastPercent` count the trues against `minimumCount` / `minimumPercent` of the bag.
pub fn child_activity_set_applies(rule: &RollupRule, bag: &[Truth]) -> bool {
    let trues = bag.iter().filter(|v| **v == Some(true)).count();
    match rule.child_activity_set {
        ChildActivitySet::All => trues == bag.len(),
        ChildActivitySet::Any => trues > 0,
        ChildActivitySet::None => !bag.is_empty() && bag.iter().all(|v| *v == Some(false)),
        ChildActivitySet::AtLeastCount => u32::try_from(trues).unwrap_or(u32::MAX) >= rule.minimum_count,
        ChildActivitySet::AtLeastPercent => {
            #[allow(clippy::cast_precision_loss, reason = "child counts are small")]
            let share = if bag.is_empty() {
                0.0
            } else {
                trues as f64 / bag.len() as f64
            };
            !bag.is_empty() && share >= rule.minimum_percent
        }
    }
}

/// Evaluate Rollup Conditions Subprocess [RB.1.4.1]: the rule's conditions against the
/// child's rolled-up objective and progress (step 1.1), `not` applied (1.2), combined
/// (`any` by default for rollup rules, step 3).
pub fn evaluate_rollup_conditions(
    tree: &ActivityTree,
    state: &TreeState,
    child: ActivityId,
    rule: &RollupRule,
) -> Truth {
    let facts = child_facts(tree, state, child);
    let bag: Vec<Truth> = rule
        .conditions
        .iter()
        .map(|c| negate(evaluate_facts(&facts, c.condition, 0.0), c.operator))
        .collect();
    combine(&bag, rule.condition_combination)
}

/// Whether `child`'s attempt began in its parent's current attempt: when not, and the
/// parent uses only current attempt information (`useCurrentAttemptObjectiveInfo`,
/// `useCurrentAttemptProgressInfo`, both true by default), rollup reads it as unknown.
/// ADL's RU-09: after retryAll, last attempt's incomplete child no longer counts.
fn stale(tree: &ActivityTree, state: &TreeState, child: ActivityId) -> (bool, bool) {
    let Some(p) = tree.parent(child) else {
        return (false, false);
    };
    let old = state.activity(child).attempt_of_parent != state.activity(p).attempt_count;
    let mode = &tree.definition(p).control_mode;
    (
        old && mode.use_current_attempt_objective_info,
        old && mode.use_current_attempt_progress_info,
    )
}

/// What the rollup of `child`'s parent reads of it (its rolled-up objective).
fn child_facts(tree: &ActivityTree, state: &TreeState, child: ActivityId) -> Facts {
    let mut facts = Facts::of(tree, state, child, 0);
    let (objective, progress) = stale(tree, state, child);
    if objective {
        facts.objective = state.objective_over(tree, child, 0, ObjectiveState::default());
    }
    if progress {
        facts.completion = state.completion_over(tree, child, None, None);
    }
    facts
}

/// Check Child for Rollup Subprocess [RB.1.4.2]: whether `child` counts when its parent
/// rolls up `action`. It must take part in that rollup (`rollupObjectiveSatisfied`,
/// step 2.1; `rollupProgressCompletion`, step 3.1), then meet its own requirement
/// (`adlseq:rollupConsiderations`, steps 2.1.1–2.1.3 and 3.1.1–3.1.3).
pub fn check_child_for_rollup(tree: &ActivityTree, state: &TreeState, child: ActivityId, action: RollupAction) -> bool {
    let def = tree.definition(child);
    // The child's own `adlseq:rollupConsiderations` say when it counts in its
    // parent's rollup (ADL's RU-15b sets them on the child).
    let considerations = &def.considerations;
    let (takes_part, requirement) = match action {
        RollupAction::Satisfied => (
            def.rollup.rollup_objective_satisfied,
            considerations.required_for_satisfied,
        ),
        RollupAction::NotSatisfied => (
            def.rollup.rollup_objective_satisfied,
            considerations.required_for_not_satisfied,
        ),
        RollupAction::Completed => (
            def.rollup.rollup_progress_completion,
            considerations.required_for_completed,
        ),
        RollupAction::Incomplete => (
            def.rollup.rollup_progress_completion,
            considerations.required_for_incomplete,
        ),
    };
    takes_part && meets(tree, state, child, requirement)
}

fn meets(tree: &ActivityTree, state: &TreeState, child: ActivityId, requirement: RollupRequirement) -> bool {
    let s = state.activity(child);
    match requirement {
        RollupRequirement::Always => true,
        RollupRequirement::IfNotSuspended => s.activity_progress_status && !(s.attempt_count > 0 && s.suspended),
        RollupRequirement::IfAttempted => s.activity_progress_status && s.attempt_count > 0,
        RollupRequirement::IfNotSkipped => {
            rules_check(tree, state, child, RuleKind::Pre, &[RuleAction::Skip]).is_none()
        }
    }
}

/// The local rolled-up objective of `a`, which the rollup processes write.
fn local(state: &TreeState, a: ActivityId) -> ObjectiveState {
    state.activity(a).objectives.first().cloned().unwrap_or_default()
}
