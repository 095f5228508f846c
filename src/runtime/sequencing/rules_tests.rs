//! Sequencing Rule Check Subprocess [UP.2.1], Sequencing Rules Check Process [UP.2] and
//! Limit Conditions Check Process [UP.1], case by case.

use crate::package::model::sequencing::{
    Condition, ConditionCombination, ConditionOperator, LimitConditions, Objective, Objectives, RuleAction,
    SequencingRules,
};
use crate::package::model::{Item, Sequencing};

use super::rules::{RuleKind, Truth, combine, evaluate, limit_conditions_violated, negate, rules_check};
use super::state::{ActivityState, TreeState};
use super::tests::{cond, id, item, leaf, objective, progress, rule, set, tree};
use super::tree::ActivityTree;

fn one_leaf(seq: Sequencing) -> (ActivityTree, TreeState) {
    let t = tree(Sequencing::default(), vec![item("a", seq, Vec::<Item>::new())]);
    let s = TreeState::new(&t);
    (t, s)
}

/// The table of UP.2.1 step 2.1: each condition against a state of activity `a`.
#[test]
fn each_condition_type() {
    type Setup = fn(&mut ActivityState);
    fn check(condition: Condition, threshold: f64, setup: Setup, expect: Truth) {
        let limits = LimitConditions {
            attempt_limit: Some(2),
            ..Default::default()
        };
        let (t, mut s) = one_leaf(Sequencing {
            limit_conditions: Some(limits),
            ..Default::default()
        });
        set(&mut s, &t, "a", setup);
        let a = id(&t, "a");
        assert_eq!(evaluate(&t, &s, a, 0, condition, threshold), expect, "{condition:?}");
    }
    let nothing: Setup = |_| {};
    let passed: Setup = |s| s.objectives[0] = objective(Some(true), Some(0.8));
    let failed: Setup = |s| s.objectives[0] = objective(Some(false), Some(-0.2));
    let done: Setup = |s| progress(s, 1, Some(true));
    let twice: Setup = |s| progress(s, 2, Some(false));
    check(Condition::Satisfied, 0.0, nothing, None);
    check(Condition::Satisfied, 0.0, passed, Some(true));
    check(Condition::Satisfied, 0.0, failed, Some(false));
    check(Condition::ObjectiveStatusKnown, 0.0, nothing, Some(false));
    check(Condition::ObjectiveStatusKnown, 0.0, failed, Some(true));
    check(Condition::ObjectiveMeasureKnown, 0.0, nothing, Some(false));
    check(Condition::ObjectiveMeasureKnown, 0.0, passed, Some(true));
    check(Condition::ObjectiveMeasureGreaterThan, 0.5, passed, Some(true));
    check(Condition::ObjectiveMeasureGreaterThan, 0.8, passed, Some(false));
    check(Condition::ObjectiveMeasureGreaterThan, 0.5, nothing, None);
    check(Condition::ObjectiveMeasureLessThan, 0.0, failed, Some(true));
    check(Condition::ObjectiveMeasureLessThan, -0.2, failed, Some(false));
    check(Condition::ObjectiveMeasureLessThan, 0.0, nothing, None);
    check(Condition::Completed, 0.0, nothing, None);
    check(Condition::Completed, 0.0, done, Some(true));
    check(Condition::Completed, 0.0, twice, Some(false));
    check(Condition::ActivityProgressKnown, 0.0, nothing, Some(false));
    check(Condition::ActivityProgressKnown, 0.0, done, Some(true));
    check(Condition::Attempted, 0.0, nothing, Some(false));
    check(Condition::Attempted, 0.0, done, Some(true));
    check(Condition::AttemptLimitExceeded, 0.0, done, Some(false));
    check(Condition::AttemptLimitExceeded, 0.0, twice, Some(true));
    // Without limits no time is exceeded, nor outside a range (with them: timing_tests).
    check(Condition::TimeLimitExceeded, 0.0, done, Some(false));
    check(Condition::OutsideAvailableTimeRange, 0.0, done, Some(false));
    check(Condition::Always, 0.0, nothing, Some(true));
}

/// UP.2.1 step 2.2 (`not`) and steps 3–4 (empty bag, `all` / `any`), three-valued.
#[test]
fn negation_and_combination() {
    use ConditionCombination::{All, Any};
    assert_eq!(negate(Some(true), ConditionOperator::Not), Some(false));
    assert_eq!(negate(None, ConditionOperator::Not), None);
    assert_eq!(negate(Some(false), ConditionOperator::NoOp), Some(false));
    let cases: &[(&[Truth], ConditionCombination, Truth)] = &[
        (&[], All, None),
        (&[], Any, None),
        (&[Some(true), Some(true)], All, Some(true)),
        (&[Some(true), None], All, None),
        (&[None, Some(false)], All, Some(false)),
        (&[Some(false), Some(false)], Any, Some(false)),
        (&[Some(false), None], Any, None),
        (&[None, Some(true)], Any, Some(true)),
    ];
    for (bag, combination, expect) in cases {
        assert_eq!(combine(bag, *combination), *expect, "{bag:?} {combination:?}");
    }
}

/// UP.2 step 1.2: the first rule, in document order, with a matching action whose
/// conditions are true; rules of other actions are not looked at.
#[test]
fn rules_check_first_applicable_rule() {
    use ConditionCombination::{All, Any};
    let rules = SequencingRules {
        pre_condition: vec![
            rule(All, vec![cond(Condition::Satisfied, false)], RuleAction::Skip),
            rule(
                Any,
                vec![cond(Condition::Completed, false), cond(Condition::Attempted, true)],
                RuleAction::Disabled,
            ),
            rule(All, vec![cond(Condition::Always, false)], RuleAction::HiddenFromChoice),
        ],
        exit_condition: vec![rule(All, vec![cond(Condition::Completed, false)], RuleAction::Exit)],
        post_condition: vec![],
    };
    let check = |setup: fn(&mut ActivityState), kind, actions: &[RuleAction], expect| {
        let (t, mut s) = one_leaf(Sequencing {
            sequencing_rules: Some(rules.clone()),
            ..Default::default()
        });
        set(&mut s, &t, "a", setup);
        assert_eq!(rules_check(&t, &s, id(&t, "a"), kind, actions), expect);
    };
    let all_pre = [RuleAction::Skip, RuleAction::Disabled, RuleAction::HiddenFromChoice];
    // Not attempted: the skip rule is unknown, `not attempted` makes the disabled rule true.
    check(|_| {}, RuleKind::Pre, &all_pre, Some(RuleAction::Disabled));
    check(
        |s| s.objectives[0] = objective(Some(true), None),
        RuleKind::Pre,
        &all_pre,
        Some(RuleAction::Skip),
    );
    check(
        |s| progress(s, 1, Some(false)),
        RuleKind::Pre,
        &all_pre,
        Some(RuleAction::HiddenFromChoice),
    );
    check(|_| {}, RuleKind::Pre, &[RuleAction::Skip], None);
    check(
        |s| progress(s, 1, Some(true)),
        RuleKind::Exit,
        &[RuleAction::Exit],
        Some(RuleAction::Exit),
    );
    check(
        |s| progress(s, 1, Some(false)),
        RuleKind::Exit,
        &[RuleAction::Exit],
        None,
    );
    check(
        |s| progress(s, 1, Some(true)),
        RuleKind::Post,
        &[RuleAction::Retry],
        None,
    );
}

/// UP.2.1 step 2.1: a condition's `referencedObjective` reads that objective, and an
/// objective reads its global objective through `readSatisfiedStatus`.
#[test]
fn referenced_objective_and_global_read() {
    use crate::package::model::sequencing::MapInfo;
    let objectives = Objectives {
        primary: None,
        others: vec![Objective {
            objective_id: Some("pretest".into()),
            satisfied_by_measure: false,
            min_normalized_measure: 1.0,
            map_info: vec![MapInfo {
                target_objective_id: "g1".into(),
                read_satisfied_status: true,
                read_normalized_measure: false,
                write_satisfied_status: false,
                write_normalized_measure: false,
            }],
        }],
    };
    let mut skip_if_passed = rule(
        ConditionCombination::All,
        vec![cond(Condition::Satisfied, false)],
        RuleAction::Skip,
    );
    if let Some(c) = skip_if_passed.conditions.first_mut() {
        c.referenced_objective = Some("pretest".into());
    }
    let t = tree(
        Sequencing::default(),
        vec![
            item(
                "a",
                Sequencing {
                    objectives: Some(objectives),
                    sequencing_rules: Some(SequencingRules {
                        pre_condition: vec![skip_if_passed],
                        ..Default::default()
                    }),
                    ..Default::default()
                },
                vec![],
            ),
            leaf("b"),
        ],
    );
    let mut s = TreeState::new(&t);
    let a = id(&t, "a");
    assert_eq!(rules_check(&t, &s, a, RuleKind::Pre, &[RuleAction::Skip]), None);
    s.globals.insert("g1".into(), objective(Some(true), None));
    assert_eq!(
        rules_check(&t, &s, a, RuleKind::Pre, &[RuleAction::Skip]),
        Some(RuleAction::Skip)
    );
}

/// Limit Conditions Check Process [UP.1]: steps 1 (untracked), 2 (active or
/// suspended) and 3 (attempt limit; 0 is no limit).
#[test]
fn limit_conditions() {
    use crate::package::model::sequencing::DeliveryControls;
    fn check(limit: Option<u32>, tracked: bool, setup: fn(&mut ActivityState), expect: bool) {
        let (t, mut s) = one_leaf(Sequencing {
            limit_conditions: Some(LimitConditions {
                attempt_limit: limit,
                ..Default::default()
            }),
            delivery_controls: Some(DeliveryControls {
                tracked,
                completion_set_by_content: false,
                objective_set_by_content: false,
            }),
            ..Default::default()
        });
        set(&mut s, &t, "a", setup);
        assert_eq!(
            limit_conditions_violated(&t, &s, id(&t, "a")),
            expect,
            "{limit:?} {tracked}"
        );
    }
    check(Some(1), true, |s| progress(s, 1, Some(true)), true);
    check(Some(2), true, |s| progress(s, 1, Some(true)), false);
    check(Some(1), true, |_| {}, false);
    check(None, true, |s| progress(s, 5, Some(true)), false);
    check(Some(0), true, |s| progress(s, 5, Some(true)), false);
    check(Some(1), false, |s| progress(s, 1, Some(true)), false);
    check(
        Some(1),
        true,
        |s| {
            progress(s, 1, None);
            s.active = true;
        },
        false,
    );
    check(
        Some(1),
        true,
        |s| {
            progress(s, 1, None);
            s.suspended = true;
        },
        false,
    );
}

/// What conditions read, where ADL's cases settled it: an untracked activity knows no
/// objective status or completion, even one its maps read (OB-06); a condition with a
/// referenced objective reads that objective's completion, so an activity not
/// attempted yet knows the progress a global objective holds (CO-06).
#[test]
fn untracked_and_referenced_objective_facts() {
    use crate::package::model::sequencing::DeliveryControls;
    let untracked = Sequencing {
        delivery_controls: Some(DeliveryControls {
            tracked: false,
            completion_set_by_content: false,
            objective_set_by_content: false,
        }),
        ..super::tests::mapped("g", true, false)
    };
    let (t, mut s) = one_leaf(untracked);
    s.globals.insert("g".into(), objective(Some(true), Some(0.9)));
    let a = id(&t, "a");
    assert_eq!(
        evaluate(&t, &s, a, 0, Condition::ObjectiveStatusKnown, 0.0),
        Some(false)
    );
    assert_eq!(evaluate(&t, &s, a, 0, Condition::Satisfied, 0.0), None);

    let (t, mut s) = one_leaf(super::tests::mapped("g", true, false));
    let global = super::state::ObjectiveState {
        completion: Some(false),
        ..Default::default()
    };
    s.globals.insert("g".into(), global);
    let a = id(&t, "a");
    let known = |referenced: Option<&str>| {
        let mut c = cond(Condition::ActivityProgressKnown, false);
        c.referenced_objective = referenced.map(str::to_owned);
        let r = rule(ConditionCombination::All, vec![c], RuleAction::Skip);
        super::rules::rule_check(&t, &s, a, &r)
    };
    assert_eq!(known(None), Some(false), "the activity itself was never attempted");
    assert_eq!(known(Some("p")), Some(true), "its objective p reads a known completion");
}
