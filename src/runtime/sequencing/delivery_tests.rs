//! Delivery Request Process [DB.1.1], Content Delivery Environment Process [DB.2] and
//! Clear Suspended Activity Subprocess [DB.2.1]; content reports and the 4th
//! edition's extended global objective maps, on `org` over `m1` (`a`, `b`) and `c`.

use crate::package::model::Sequencing;
use crate::package::model::sequencing::{Condition, ConditionCombination, RuleAction, SequencingRules};

use super::delivery::{deliver, delivery_request};
use super::flow::Exception;
use super::report::{ObjectiveReport, Report, apply_report};
use super::request::Session;
use super::state::TreeState;
use super::tests::{cond, flow_on, id, item, leaf, mapped, objective, rule, tree};
use super::tree::ActivityTree;

fn disabled() -> Sequencing {
    Sequencing {
        sequencing_rules: Some(SequencingRules {
            pre_condition: vec![rule(
                ConditionCombination::All,
                vec![cond(Condition::Always, false)],
                RuleAction::Disabled,
            )],
            ..Default::default()
        }),
        ..flow_on()
    }
}

fn course(m1: Sequencing) -> ActivityTree {
    tree(flow_on(), vec![item("m1", m1, vec![leaf("a"), leaf("b")]), leaf("c")])
}

/// DB.1.1 step 1: clusters are not delivered; step 3: nor anything under a disabled one.
#[test]
fn delivery_request_checks() {
    let t = course(flow_on());
    let s = TreeState::new(&t);
    assert_eq!(delivery_request(&t, &s, id(&t, "m1")), Err(Exception("DB.1.1-1")));
    assert_eq!(delivery_request(&t, &s, id(&t, "a")), Ok(()));
    let t = course(disabled());
    assert_eq!(delivery_request(&t, &s, id(&t, "a")), Err(Exception("DB.1.1-3")));
    assert_eq!(delivery_request(&t, &s, id(&t, "c")), Ok(()));
}

/// DB.2 step 1: the active current activity is not delivered again; step 5.1.1.2: a
/// new attempt starts from nothing known locally, global objectives keep theirs.
#[test]
fn new_attempt_resets_local_state_only() {
    let t = tree(flow_on(), vec![item("a", mapped("g", true, true), vec![]), leaf("b")]);
    let a = id(&t, "a");
    let mut s = TreeState::new(&t);
    let mut session = Session::default();
    deliver(&t, &mut s, &mut session, a).unwrap();
    assert_eq!(deliver(&t, &mut s, &mut session, a), Err(Exception("DB.2-1")));
    s.set_objective(&t, a, 0, objective(Some(true), Some(0.8)));
    s.set_completion(&t, a, Some(true));
    s.activity_mut(a).active = false;
    deliver(&t, &mut s, &mut session, a).unwrap();
    let after = s.activity(a);
    assert_eq!((after.attempt_count, after.attempt_progress_status), (2, false));
    assert!(!after.objectives[0].progress_status);
    assert!(s.objective(&t, a, 0).satisfied_status, "read back from the global");
}

/// DB.2 step 2 with DB.2.1: delivering elsewhere clears the suspension up to the
/// common ancestor; step 5.1.1.1: the suspended activity resumes without a new attempt.
#[test]
fn suspension_cleared_or_resumed() {
    let t = course(flow_on());
    let (m1, a, c) = (id(&t, "m1"), id(&t, "a"), id(&t, "c"));
    let suspended = |t: &ActivityTree| {
        let mut s = TreeState::new(t);
        for n in [ActivityTree::ROOT, m1, a] {
            s.activity_mut(n).suspended = true;
            s.activity_mut(n).attempt_count = 1;
        }
        s
    };
    let mut s = suspended(&t);
    let mut session = Session {
        current: None,
        suspended: Some(a),
    };
    deliver(&t, &mut s, &mut session, c).unwrap();
    assert!(!s.activity(a).suspended && !s.activity(m1).suspended);
    // DB.2.1 step 1.2: the common ancestor (the root) is on the path, so it is no
    // longer suspended and DB.2 begins a new attempt on it.
    assert_eq!(s.activity(ActivityTree::ROOT).attempt_count, 2);
    let mut s = suspended(&t);
    let mut session = Session {
        current: None,
        suspended: Some(a),
    };
    deliver(&t, &mut s, &mut session, a).unwrap();
    assert_eq!((s.activity(a).attempt_count, s.activity(a).suspended), (1, false));
    assert_eq!(session.suspended, None);
}

/// A content report on `a` reaches `b` through global `g`: satisfied status and
/// measure (imsss maps), scores, completion and progress measure (adlseq maps).
#[test]
fn report_through_extended_global_maps() {
    let t = tree(
        flow_on(),
        vec![
            item("a", mapped("g", false, true), vec![]),
            item("b", mapped("g", true, false), vec![]),
        ],
    );
    let (a, b) = (id(&t, "a"), id(&t, "b"));
    let mut s = TreeState::new(&t);
    let report = Report {
        primary: ObjectiveReport {
            success: Some(true),
            scaled: Some(0.5),
            raw: Some(5.0),
            min: Some(0.0),
            max: Some(10.0),
            completion: Some(true),
            progress_measure: Some(0.9),
            success_reported: true,
            completion_reported: true,
        },
        objectives: vec![],
        suspend: false,
    };
    apply_report(&t, &mut s, a, &report);
    let seen = s.objective(&t, b, 0);
    assert_eq!(
        (seen.progress_status, seen.satisfied_status, seen.normalized_measure),
        (true, true, 0.5)
    );
    assert_eq!(
        (seen.raw_score, seen.min_score, seen.max_score),
        (Some(5.0), Some(0.0), Some(10.0))
    );
    assert_eq!((seen.completion, seen.progress_measure), (Some(true), Some(0.9)));
    assert_eq!(
        s.completion(&t, b),
        Some(true),
        "readCompletionStatus gives b's completion"
    );
    assert_eq!(s.completion(&t, a), Some(true));
}

/// `cmi.objectives` entries set the objective with that id; `cmi.exit` suspend marks
/// the activity suspended.
#[test]
fn report_objectives_by_id_and_suspend() {
    let t = tree(flow_on(), vec![item("a", mapped("g", false, true), vec![])]);
    let a = id(&t, "a");
    let mut s = TreeState::new(&t);
    let report = Report {
        primary: ObjectiveReport::default(),
        objectives: vec![
            (
                "p".into(),
                ObjectiveReport {
                    success: Some(false),
                    ..Default::default()
                },
            ),
            (
                "unknown".into(),
                ObjectiveReport {
                    success: Some(true),
                    ..Default::default()
                },
            ),
        ],
        suspend: true,
    };
    apply_report(&t, &mut s, a, &report);
    assert_eq!(s.activity(a).objectives[0], objective(Some(false), None));
    assert_eq!(s.globals.get("g").map(|g| g.satisfied_status), Some(false));
    assert!(s.activity(a).suspended);
}

/// RB.1.5 over global objectives: what `a` writes reaches the cluster `m` above `b`,
/// which reads it, though `m` is not on `a`'s path to the root (ADL's OB-04).
#[test]
fn rollup_reaches_the_readers_parents() {
    let t = tree(
        flow_on(),
        vec![
            item("a", mapped("g", false, true), vec![]),
            item("m", flow_on(), vec![item("b", mapped("g", true, false), vec![])]),
        ],
    );
    let (a, m) = (id(&t, "a"), id(&t, "m"));
    let mut s = TreeState::new(&t);
    s.set_objective(&t, a, 0, objective(Some(true), None));
    super::rollup::overall_rollup(&t, &mut s, a);
    assert_eq!(s.objective(&t, m, 0), objective(Some(true), None));
}
