//! The rollup processes [RB.1.1]–[RB.1.5], case by case, on a cluster `c` of three
//! leaves `x`, `y`, `z` under the root.

use crate::package::model::Sequencing;
use crate::package::model::sequencing::{
    ChildActivitySet, Condition, ConditionCombination, ConditionOperator, Objective, Objectives, RollupAction,
    RollupCondition, RollupConsiderations, RollupRequirement, RollupRule, RollupRules,
};

use super::rollup::{
    activity_progress_rollup, check_child_for_rollup, child_activity_set_applies, completion_measure_rollup,
    measure_rollup, objective_rollup, overall_rollup, rollup_rule_check,
};
use super::rules::Truth;
use super::state::{ActivityState, ObjectiveState, TreeState};
use super::tests::{id, item, leaf, objective, progress, set, tree};
use super::tree::ActivityTree;

type Setup = fn(&mut ActivityState);

/// `c` with `seq` over `x`, `y`, `z` (with `leaves`' definitions), each leaf set up.
fn cluster(seq: Sequencing, leaves: [(Sequencing, Setup); 3]) -> (ActivityTree, TreeState) {
    let names = ["x", "y", "z"];
    let items = names
        .iter()
        .zip(leaves.iter())
        .map(|(n, (s, _))| item(n, s.clone(), vec![]))
        .collect();
    let t = tree(Sequencing::default(), vec![item("c", seq, items)]);
    let mut s = TreeState::new(&t);
    for (n, (_, setup)) in names.iter().zip(leaves) {
        set(&mut s, &t, n, setup);
    }
    (t, s)
}

fn plain(setups: [Setup; 3]) -> [(Sequencing, Setup); 3] {
    setups.map(|f| (Sequencing::default(), f))
}

fn weight(w: f64) -> Sequencing {
    Sequencing {
        rollup_rules: Some(RollupRules {
            objective_measure_weight: w,
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn rolled(t: &ActivityTree, s: &TreeState) -> ObjectiveState {
    s.objective(t, id(t, "c"), 0)
}

/// Measure Rollup Process [RB.1.1] steps 3–5: weighted average of known measures; the
/// weights of children without a measure still count; none known: unknown.
#[test]
fn measure_rollup_weighted() {
    let check = |leaves: [(Sequencing, Setup); 3], expect: Option<f64>| {
        let (t, mut s) = cluster(Sequencing::default(), leaves);
        measure_rollup(&t, &mut s, id(&t, "c"));
        let o = rolled(&t, &s);
        assert_eq!(
            o.measure_status.then_some((o.normalized_measure * 1e6).round() / 1e6),
            expect
        );
    };
    check(
        plain([
            |s| s.objectives[0] = objective(None, Some(0.6)),
            |s| s.objectives[0] = objective(None, Some(0.3)),
            |_| {},
        ]),
        Some(0.3),
    );
    check(
        [
            (weight(1.0), |s| s.objectives[0] = objective(None, Some(0.9))),
            (weight(0.5), |s| s.objectives[0] = objective(None, Some(0.3))),
            (weight(0.0), |s| s.objectives[0] = objective(None, Some(-1.0))),
        ],
        Some(0.7),
    );
    check(plain([|_| {}, |_| {}, |_| {}]), None);
    check(
        [
            (weight(0.0), |s| s.objectives[0] = objective(None, Some(0.5))),
            (weight(0.0), |_| {}),
            (weight(0.0), |_| {}),
        ],
        None,
    );
}

/// Objective Rollup Using Measure [RB.1.2.a]: satisfied when the rolled-up measure
/// reaches `minNormalizedMeasure`; unknown without a measure.
#[test]
fn objective_rollup_by_measure() {
    let by_measure = Sequencing {
        objectives: Some(Objectives {
            primary: Some(Objective {
                objective_id: Some("p".into()),
                satisfied_by_measure: true,
                min_normalized_measure: 0.6,
                map_info: vec![],
            }),
            others: vec![],
        }),
        ..Default::default()
    };
    let check = |setups: [Setup; 3], expect: Option<bool>| {
        let (t, mut s) = cluster(by_measure.clone(), plain(setups));
        let c = id(&t, "c");
        measure_rollup(&t, &mut s, c);
        objective_rollup(&t, &mut s, c);
        let o = rolled(&t, &s);
        assert_eq!(o.progress_status.then_some(o.satisfied_status), expect);
    };
    check(
        [
            |s| s.objectives[0] = objective(None, Some(0.9)),
            |s| s.objectives[0] = objective(None, Some(0.6)),
            |s| s.objectives[0] = objective(None, Some(0.3)),
        ],
        Some(true),
    );
    check(
        [
            |s| s.objectives[0] = objective(None, Some(0.9)),
            |s| s.objectives[0] = objective(None, Some(0.3)),
            |s| s.objectives[0] = objective(None, Some(0.3)),
        ],
        Some(false),
    );
    check([|_| {}, |_| {}, |_| {}], None);
}

/// Objective Rollup Using Rules [RB.1.2.b] with the default rules [RB.1.2.c]: all
/// satisfied → satisfied; all attempted or not satisfied → not satisfied; else unchanged.
#[test]
fn objective_rollup_default_rules() {
    let check = |setups: [Setup; 3], expect: Option<bool>| {
        let (t, mut s) = cluster(Sequencing::default(), plain(setups));
        objective_rollup(&t, &mut s, id(&t, "c"));
        let o = rolled(&t, &s);
        assert_eq!(o.progress_status.then_some(o.satisfied_status), expect);
    };
    let pass: Setup = |s| {
        progress(s, 1, None);
        s.objectives[0] = objective(Some(true), None);
    };
    let fail: Setup = |s| s.objectives[0] = objective(Some(false), None);
    let attempted: Setup = |s| progress(s, 1, None);
    check([pass, pass, pass], Some(true));
    check([pass, fail, attempted], Some(false));
    check([pass, pass, |_| {}], None);
    // ADL RU-19a: attempted with an unknown status is not "not satisfied".
    check([pass, pass, attempted], None);
    // ADL RU-18b: one child known not satisfied is enough.
    check([pass, fail, pass], Some(false));
    check(
        [pass, pass, |s| s.objectives[0] = objective(Some(true), None)],
        Some(true),
    );
    check([|_| {}, |_| {}, |_| {}], None);
}

/// Activity Progress Rollup [RB.1.3] with the default rules: all completed → completed;
/// any child known not completed → incomplete.
#[test]
fn activity_progress_rollup_default_rules() {
    let check = |setups: [Setup; 3], expect: Option<bool>| {
        let (t, mut s) = cluster(Sequencing::default(), plain(setups));
        let c = id(&t, "c");
        activity_progress_rollup(&t, &mut s, c);
        let a = s.activity(c);
        assert_eq!(a.attempt_progress_status.then_some(a.attempt_completion_status), expect);
    };
    check(
        [
            |s| progress(s, 1, Some(true)),
            |s| progress(s, 2, Some(true)),
            |s| progress(s, 1, Some(true)),
        ],
        Some(true),
    );
    check(
        [
            |s| progress(s, 1, Some(true)),
            |s| progress(s, 1, Some(false)),
            |s| progress(s, 1, None),
        ],
        Some(false),
    );
    check([|s| progress(s, 1, Some(true)), |_| {}, |_| {}], None);
    // Attempted with completion unknown is not incomplete (ADL RU-19b).
    check(
        [
            |s| progress(s, 1, Some(true)),
            |s| progress(s, 1, None),
            |s| progress(s, 1, Some(true)),
        ],
        None,
    );
}

fn rollup_rule(set: ChildActivitySet, count: u32, percent: f64, action: RollupAction) -> RollupRule {
    RollupRule {
        child_activity_set: set,
        minimum_count: count,
        minimum_percent: percent,
        condition_combination: ConditionCombination::Any,
        conditions: vec![RollupCondition {
            condition: Condition::Satisfied,
            operator: ConditionOperator::NoOp,
        }],
        action,
    }
}

/// Rollup Rule Check Subprocess [RB.1.4] step 1.2.3: each child activity set against a
/// bag of condition results.
#[test]
fn child_activity_sets() {
    use ChildActivitySet::{All, Any, AtLeastCount, AtLeastPercent, None as NoneSet};
    let (t, f, u) = (Some(true), Some(false), None);
    let cases: &[(ChildActivitySet, u32, f64, &[Truth], bool)] = &[
        (All, 0, 0.0, &[t, t, t], true),
        (All, 0, 0.0, &[t, u, t], false),
        // ADL RU-11: with no contributing child, `all` holds.
        (All, 0, 0.0, &[], true),
        (Any, 0, 0.0, &[f, u, t], true),
        (Any, 0, 0.0, &[f, u], false),
        (NoneSet, 0, 0.0, &[f, f], true),
        (NoneSet, 0, 0.0, &[f, u], false),
        (NoneSet, 0, 0.0, &[], false),
        (AtLeastCount, 2, 0.0, &[t, f, t], true),
        (AtLeastCount, 2, 0.0, &[t, u, f], false),
        (AtLeastPercent, 0, 0.5, &[t, f, u, t], true),
        (AtLeastPercent, 0, 0.75, &[t, f, u, t], false),
        (AtLeastPercent, 0, 0.0, &[], false),
    ];
    for (set, count, percent, bag, expect) in cases {
        let rule = rollup_rule(*set, *count, *percent, RollupAction::Satisfied);
        assert_eq!(child_activity_set_applies(&rule, bag), *expect, "{set:?} {bag:?}");
    }
}

/// [RB.1.4] with a defined rule (the defaults do not apply then), and
/// Check Child for Rollup [RB.1.4.2]: `rollupObjectiveSatisfied` false and the
/// child's own `requiredForSatisfied` leave children out of the bag (ADL RU-15b).
#[test]
fn rollup_rule_check_with_considerations() {
    let parent = |_: RollupRequirement| Sequencing {
        rollup_rules: Some(RollupRules {
            rules: vec![rollup_rule(ChildActivitySet::All, 0, 0.0, RollupAction::Satisfied)],
            ..Default::default()
        }),
        ..Default::default()
    };
    let considered = |requirement: RollupRequirement| Sequencing {
        rollup_considerations: Some(RollupConsiderations {
            required_for_satisfied: requirement,
            required_for_not_satisfied: RollupRequirement::Always,
            required_for_completed: RollupRequirement::Always,
            required_for_incomplete: RollupRequirement::Always,
            measure_satisfaction_if_active: true,
        }),
        ..Default::default()
    };
    let not_rolled = Sequencing {
        rollup_rules: Some(RollupRules {
            rollup_objective_satisfied: false,
            ..Default::default()
        }),
        ..Default::default()
    };
    let pass: Setup = |s| {
        progress(s, 1, None);
        s.objectives[0] = objective(Some(true), None);
    };
    let suspended: Setup = |s| {
        progress(s, 1, None);
        s.suspended = true;
    };
    let check = |requirement, leaves: [(Sequencing, Setup); 3], expect: bool| {
        let leaves = leaves.map(|(seq, f)| {
            let own = considered(requirement);
            (
                Sequencing {
                    rollup_considerations: own.rollup_considerations,
                    ..seq
                },
                f,
            )
        });
        let (t, s) = cluster(parent(requirement), leaves);
        assert_eq!(rollup_rule_check(&t, &s, id(&t, "c"), RollupAction::Satisfied), expect);
    };
    check(RollupRequirement::Always, plain([pass, pass, |_| {}]), false);
    check(
        RollupRequirement::Always,
        [
            (Sequencing::default(), pass),
            (Sequencing::default(), pass),
            (not_rolled.clone(), |_| {}),
        ],
        true,
    );
    check(RollupRequirement::IfAttempted, plain([pass, pass, |_| {}]), true);
    check(RollupRequirement::IfNotSuspended, plain([pass, pass, suspended]), true);
    check(
        RollupRequirement::IfNotSuspended,
        plain([pass, pass, |s| progress(s, 1, None)]),
        false,
    );
    // The satisfied rule is defined, so no default not-satisfied rule applies.
    let (t, s) = cluster(parent(RollupRequirement::Always), plain([|_| {}, |_| {}, |_| {}]));
    assert!(!rollup_rule_check(&t, &s, id(&t, "c"), RollupAction::NotSatisfied));
    assert!(check_child_for_rollup(&t, &s, id(&t, "x"), RollupAction::Satisfied));
}

/// Overall Rollup Process [RB.1.5]: from a leaf up to the root, each cluster rolled up
/// from the one below.
#[test]
fn overall_rollup_reaches_the_root() {
    let done: Setup = |s| {
        progress(s, 1, Some(true));
        s.objectives[0] = objective(Some(true), Some(1.0));
    };
    let (t, mut s) = cluster(Sequencing::default(), plain([done, done, done]));
    overall_rollup(&t, &mut s, id(&t, "z"));
    for n in ["c", "org"] {
        let a = id(&t, n);
        let o = s.objective(&t, a, 0);
        assert!(o.progress_status && o.satisfied_status, "{n} satisfied");
        assert!(
            o.measure_status && (o.normalized_measure - 1.0).abs() < 1e-9,
            "{n} measure"
        );
        assert!(
            s.activity(a).attempt_progress_status && s.activity(a).attempt_completion_status,
            "{n} completed"
        );
    }
}

/// RB.1.4 with `useCurrentAttemptObjectiveInfo` / `useCurrentAttemptProgressInfo`
/// (default true): a child attempted only in an earlier attempt of its parent reads as
/// unknown, so it neither satisfies nor fails the parent (ADL RU-09).
#[test]
fn earlier_attempts_of_children_do_not_count() {
    let done: Setup = |s| {
        progress(s, 1, Some(true));
        s.objectives[0] = objective(Some(true), None);
    };
    let (t, mut s) = cluster(Sequencing::default(), plain([done, done, done]));
    let c = id(&t, "c");
    s.activity_mut(c).attempt_count = 2;
    s.activity_mut(id(&t, "x")).attempt_of_parent = 2;
    s.activity_mut(id(&t, "y")).attempt_of_parent = 2;
    s.activity_mut(id(&t, "z")).attempt_of_parent = 1;
    objective_rollup(&t, &mut s, c);
    activity_progress_rollup(&t, &mut s, c);
    assert!(!rolled(&t, &s).progress_status);
    assert!(!s.activity(c).attempt_progress_status);
    s.activity_mut(id(&t, "z")).attempt_of_parent = 2;
    objective_rollup(&t, &mut s, c);
    assert_eq!(rolled(&t, &s), objective(Some(true), None));
}

/// Completion Measure Rollup [RB.1.1 b] and Activity Progress Rollup by measure
/// [RB.1.3 a] (4th edition): a cluster completed by measure averages its children's
/// progress measures by `progressWeight` and compares with `minProgressMeasure` (ADL
/// CT-01..07).
#[test]
fn completion_measure_rollup_by_weight() {
    use crate::package::model::CompletionThreshold;
    let threshold = |by_measure: bool, min: f64, weight: f64| CompletionThreshold {
        completed_by_measure: by_measure,
        min_progress_measure: min,
        progress_weight: weight,
    };
    let rows = [
        // (1 + 0) / 3: every tracked child's weight counts, known or not.
        ([Some(1.0), Some(0.0), None], [1.0, 1.0, 1.0], 0.3, Some(true)),
        // (1 + 0) / 5.
        ([Some(1.0), Some(0.0), None], [1.0, 3.0, 1.0], 0.3, Some(false)),
        ([None, None, None], [1.0, 1.0, 1.0], 0.3, None),
    ];
    for (amounts, weights, min, expect) in rows {
        let mut c = item("c", Sequencing::default(), vec![leaf("x"), leaf("y"), leaf("z")]);
        c.completion_threshold = Some(threshold(true, min, 1.0));
        for (child, w) in c.items.iter_mut().zip(weights) {
            child.completion_threshold = Some(threshold(false, 1.0, w));
        }
        let t = tree(Sequencing::default(), vec![c]);
        let mut s = TreeState::new(&t);
        for (n, amount) in ["x", "y", "z"].iter().zip(amounts) {
            s.activity_mut(id(&t, n)).attempt_completion_amount = amount;
        }
        let c = id(&t, "c");
        completion_measure_rollup(&t, &mut s, c);
        activity_progress_rollup(&t, &mut s, c);
        assert_eq!(s.completion(&t, c), expect, "{amounts:?} {weights:?}");
    }
}
