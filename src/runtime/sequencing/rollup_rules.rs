//! The rollup rules: the Rollup Rule Check Subprocess [RB.1.4], the Evaluate Rollup
//! Conditions Subprocess [RB.1.4.1], the Check Child for Rollup Subprocess [RB.1.4.2]
//! and the default rules [RB.1.2.c, RB.1.3], with what rollup reads of a child.

use crate::package::model::sequencing::{
    ChildActivitySet, Condition, ConditionCombination, ConditionOperator, RollupAction, RollupCondition,
    RollupRequirement, RollupRule, RuleAction,
};

use super::rules::{Facts, RuleKind, Truth, combine, evaluate_facts, negate, rules_check};
use super::state::{ObjectiveState, TreeState};
use super::tree::{ActivityId, ActivityTree};

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
pub fn stale(tree: &ActivityTree, state: &TreeState, child: ActivityId) -> (bool, bool) {
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
pub fn child_facts(tree: &ActivityTree, state: &TreeState, child: ActivityId) -> Facts {
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
