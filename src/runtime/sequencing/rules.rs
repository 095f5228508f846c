//! Sequencing rules and limit conditions: the Sequencing Rules Check Process [UP.2],
//! the Sequencing Rule Check Subprocess [UP.2.1] and the Limit Conditions Check Process
//! [UP.1]. Conditions evaluate to true, false or unknown (`None`), as the 4th edition
//! has them; `not` leaves unknown unknown, and `and`/`or` follow three-valued logic.

use crate::package::model::sequencing::{
    Condition, ConditionCombination, ConditionOperator, RuleAction, RuleCondition, SequencingRule,
};

use super::state::{ObjectiveState, TreeState};
use super::timing;
use super::tree::{ActivityId, ActivityTree};

/// Three-valued truth: `None` is unknown.
pub type Truth = Option<bool>;

/// Which rule list of an activity a check reads, by the actions it looks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleKind {
    Pre,
    Exit,
    Post,
}

/// Evaluates one condition against activity `a`'s tracking state, objective `k` for
/// the objective conditions (the table of UP.2.1 step 2.1 and RB.1.4.1 step 1.1).
///
/// `timeLimitExceeded` and `outsideAvailableTimeRange` read the durations and times of
/// `timing.rs`, measured at the request's time.
pub fn evaluate(
    tree: &ActivityTree,
    state: &TreeState,
    a: ActivityId,
    k: usize,
    condition: Condition,
    threshold: f64,
) -> Truth {
    evaluate_facts(&Facts::of(tree, state, a, k), condition, threshold)
}

/// What the conditions read of an activity: one objective as the processes see it,
/// its completion, and its activity progress.
#[derive(Debug, Clone)]
pub struct Facts {
    pub objective: ObjectiveState,
    pub completion: Option<bool>,
    pub activity_progress: bool,
    pub attempt_count: u32,
    pub limit_reached: bool,
    /// `timeLimitExceeded` and `outsideAvailableTimeRange` (`timing.rs`).
    pub time_limit_exceeded: Truth,
    pub outside_time_range: Truth,
}

impl Facts {
    pub fn of(tree: &ActivityTree, state: &TreeState, a: ActivityId, k: usize) -> Self {
        let s = state.activity(a);
        // An untracked activity knows nothing of its objectives or completion, even what
        // its maps would read (ADL's OB-06 does not skip an untracked cluster).
        let tracked = tree.definition(a).delivery.tracked;
        Self {
            objective: if tracked {
                state.objective(tree, a, k)
            } else {
                ObjectiveState::default()
            },
            completion: state.completion(tree, a).filter(|_| tracked),
            activity_progress: s.activity_progress_status,
            attempt_count: s.attempt_count,
            limit_reached: attempt_limit_reached(tree, state, a),
            time_limit_exceeded: timing::time_limit_exceeded(tree, state, a),
            outside_time_range: timing::outside_available_time_range(tree, state, a),
        }
    }
}

/// [`evaluate`] over facts gathered beforehand (rollup gathers them its own way).
pub fn evaluate_facts(f: &Facts, condition: Condition, threshold: f64) -> Truth {
    let o = &f.objective;
    let measure = |cmp: fn(f64, f64) -> bool| o.measure_status.then(|| cmp(o.normalized_measure, threshold));
    match condition {
        Condition::Satisfied => o.progress_status.then_some(o.satisfied_status),
        Condition::ObjectiveStatusKnown => Some(o.progress_status),
        Condition::ObjectiveMeasureKnown => Some(o.measure_status),
        Condition::ObjectiveMeasureGreaterThan => measure(|m, t| m > t),
        Condition::ObjectiveMeasureLessThan => measure(|m, t| m < t),
        Condition::Completed => f.completion,
        Condition::ActivityProgressKnown => Some(f.activity_progress && f.completion.is_some()),
        Condition::Attempted => Some(f.activity_progress && f.attempt_count > 0),
        Condition::AttemptLimitExceeded => Some(f.limit_reached),
        Condition::TimeLimitExceeded => f.time_limit_exceeded,
        Condition::OutsideAvailableTimeRange => f.outside_time_range,
        Condition::Always => Some(true),
    }
}

/// `not` on a three-valued truth: unknown stays unknown (UP.2.1 step 2.2).
pub fn negate(value: Truth, operator: ConditionOperator) -> Truth {
    match operator {
        ConditionOperator::NoOp => value,
        ConditionOperator::Not => value.map(|v| !v),
    }
}

/// Combines a condition bag (UP.2.1 step 4, RB.1.4.1 step 3): `all` is a three-valued
/// AND, `any` a three-valued OR; an empty bag is unknown (UP.2.1 step 3).
pub fn combine(bag: &[Truth], combination: ConditionCombination) -> Truth {
    if bag.is_empty() {
        return None;
    }
    let (decisive, rest) = match combination {
        ConditionCombination::All => (false, true),
        ConditionCombination::Any => (true, false),
    };
    if bag.contains(&Some(decisive)) {
        Some(decisive)
    } else if bag.contains(&None) {
        None
    } else {
        Some(rest)
    }
}

fn rule_condition(tree: &ActivityTree, state: &TreeState, a: ActivityId, c: &RuleCondition) -> Truth {
    let k = tree.definition(a).objective_index(c.referenced_objective.as_deref());
    let mut facts = Facts::of(tree, state, a, k);
    // 4th edition: with a referenced objective, the progress conditions read that
    // objective's completion (its extended information, global reads included), so an
    // activity not attempted yet can know it (ADL's CO-06).
    if c.referenced_objective.is_some() && facts.objective.completion.is_some() {
        facts.completion = facts.objective.completion;
        facts.activity_progress = true;
    }
    let value = evaluate_facts(&facts, c.condition, c.measure_threshold.unwrap_or(0.0));
    negate(value, c.operator)
}

/// Sequencing Rule Check Subprocess [UP.2.1]: evaluates every condition of the rule
/// (step 2, `not` applied in step 2.2) and combines the bag (steps 3–4).
pub fn rule_check(tree: &ActivityTree, state: &TreeState, a: ActivityId, rule: &SequencingRule) -> Truth {
    let bag: Vec<Truth> = rule
        .conditions
        .iter()
        .map(|c| rule_condition(tree, state, a, c))
        .collect();
    combine(&bag, rule.condition_combination)
}

/// Sequencing Rules Check Process [UP.2]: the action of the first rule of `kind`
/// whose action is one of `actions` and whose conditions evaluate to true (step 1.2),
/// in document order; `None` when no rule applies (step 2).
pub fn rules_check(
    tree: &ActivityTree,
    state: &TreeState,
    a: ActivityId,
    kind: RuleKind,
    actions: &[RuleAction],
) -> Option<RuleAction> {
    let rules = &tree.definition(a).rules;
    let list = match kind {
        RuleKind::Pre => &rules.pre_condition,
        RuleKind::Exit => &rules.exit_condition,
        RuleKind::Post => &rules.post_condition,
    };
    list.iter()
        .filter(|r| actions.contains(&r.action))
        .find(|r| rule_check(tree, state, a, r) == Some(true))
        .map(|r| r.action)
}

/// Whether the attempt limit is reached: limit control on (an `attemptLimit` above 0;
/// 0 is the model's "no limit"), activity progress known and the attempt count at or
/// past the limit (UP.1 step 3).
fn attempt_limit_reached(tree: &ActivityTree, state: &TreeState, a: ActivityId) -> bool {
    let activity = state.activity(a);
    tree.definition(a)
        .limits
        .attempt_limit
        .filter(|&limit| limit > 0)
        .is_some_and(|limit| activity.activity_progress_status && activity.attempt_count >= limit)
}

/// Limit Conditions Check Process [UP.1]: whether activity `a` violates its limit
/// conditions. Untracked activities never do (step 1), nor an active or suspended one
/// (step 2); then the attempt limit (step 3), the duration limits (steps 4–7) and the
/// begin/end time limits (steps 8–9, `timing.rs`).
pub fn limit_conditions_violated(tree: &ActivityTree, state: &TreeState, a: ActivityId) -> bool {
    if !tree.definition(a).delivery.tracked {
        return false;
    }
    let activity = state.activity(a);
    if activity.active || activity.suspended {
        return false;
    }
    attempt_limit_reached(tree, state, a) || timing::limits_violated(tree, state, a)
}
