//! Termination Request Process [TB.2.3], End Attempt Process [UP.4] and Terminate
//! Descendent Attempts Process [UP.3], on `org` over `m1` (`a`, `b`) and `c`.

use crate::package::model::Sequencing;
use crate::package::model::sequencing::{Condition, ConditionCombination, RuleAction, SequencingRules};

use super::flow::Exception;
use super::request::{SequencingRequest as S, Session, TerminationRequest as T};
use super::state::TreeState;
use super::termination::terminate;
use super::tests::{cond, flow_on, id, item, leaf, rule, tree};
use super::tree::ActivityTree;

fn post(action: RuleAction) -> Sequencing {
    Sequencing {
        sequencing_rules: Some(SequencingRules {
            post_condition: vec![rule(
                ConditionCombination::All,
                vec![cond(Condition::Always, false)],
                action,
            )],
            ..Default::default()
        }),
        ..flow_on()
    }
}

fn course(m1: Sequencing, a: Sequencing) -> ActivityTree {
    tree(
        flow_on(),
        vec![item("m1", m1, vec![item("a", a, vec![]), leaf("b")]), leaf("c")],
    )
}

/// What a row expects: the sequencing request (or exception), the current activity
/// after, and which activities are still active and which suspended.
struct After {
    result: Result<Option<S>, &'static str>,
    current: Option<&'static str>,
    active: &'static [&'static str],
    suspended: &'static [&'static str],
}

/// Each row: the tree, the current activity (`a`, its path active unless `inactive`),
/// the request and what follows.
#[test]
fn termination_requests() {
    fn check(t: ActivityTree, current: Option<&str>, inactive: bool, request: T, expect: After) {
        let mut s = TreeState::new(&t);
        let current = current.map(|c| id(&t, c));
        for a in current.map(|c| t.path_to_root(c)).unwrap_or_default() {
            s.activity_mut(a).active = true;
            s.activity_mut(a).attempt_count = 1;
        }
        if let (Some(c), true) = (current, inactive) {
            s.activity_mut(c).active = false;
        }
        let mut session = Session {
            current,
            suspended: None,
        };
        let got = terminate(&t, &mut s, &mut session, request);
        assert_eq!(got, expect.result.map_err(Exception), "{request:?}");
        let name = |a: usize| t.get(a).identifier.clone();
        assert_eq!(
            session.current.map(name),
            expect.current.map(str::to_owned),
            "{request:?}"
        );
        let which = |f: fn(&super::state::ActivityState) -> bool| -> Vec<String> {
            t.iter()
                .filter(|(a, _)| f(s.activity(*a)))
                .map(|(a, _)| name(a))
                .collect()
        };
        assert_eq!(which(|x| x.active), expect.active, "{request:?} active");
        assert_eq!(which(|x| x.suspended), expect.suspended, "{request:?} suspended");
    }
    let d = Sequencing::default;
    // TB.2.3 step 1: no current activity.
    let none = After {
        result: Err("TB.2.3-1"),
        current: None,
        active: &[],
        suspended: &[],
    };
    check(course(flow_on(), d()), None, false, T::Exit, none);
    // Step 2: exit of an activity no longer active.
    let ended = After {
        result: Err("TB.2.3-2"),
        current: Some("a"),
        active: &["org", "m1"],
        suspended: &[],
    };
    check(course(flow_on(), d()), Some("a"), true, T::Exit, ended);
    // Step 3.1 (UP.4 step 3): exit ends the leaf's attempt only.
    let exit = After {
        result: Ok(None),
        current: Some("a"),
        active: &["org", "m1"],
        suspended: &[],
    };
    check(course(flow_on(), d()), Some("a"), false, T::Exit, exit);
    // Step 3.3.2 (TB.2.2 step 3.1): a continue post-condition rule.
    let cont = After {
        result: Ok(Some(S::Continue)),
        current: Some("a"),
        active: &["org", "m1"],
        suspended: &[],
    };
    check(
        course(flow_on(), post(RuleAction::Continue)),
        Some("a"),
        false,
        T::Exit,
        cont,
    );
    // Step 3.3.4: exitParent ends m1's attempt and moves up.
    let up = After {
        result: Ok(None),
        current: Some("m1"),
        active: &["org"],
        suspended: &[],
    };
    check(
        course(flow_on(), post(RuleAction::ExitParent)),
        Some("a"),
        false,
        T::Exit,
        up,
    );
    // Step 3.3.3 then 4: exitAll from a post-condition rule ends the session.
    let all = After {
        result: Ok(Some(S::Exit)),
        current: Some("org"),
        active: &[],
        suspended: &[],
    };
    check(
        course(flow_on(), post(RuleAction::ExitAll)),
        Some("a"),
        false,
        T::Exit,
        all,
    );
    // TB.2.2 step 3.3: retryAll is exitAll with a retry.
    let retry = After {
        result: Ok(Some(S::Retry)),
        current: Some("org"),
        active: &[],
        suspended: &[],
    };
    check(
        course(flow_on(), post(RuleAction::RetryAll)),
        Some("a"),
        false,
        T::Exit,
        retry,
    );
    // Step 4 (UP.3 for the attempts between): exitAll.
    let all = After {
        result: Ok(Some(S::Exit)),
        current: Some("org"),
        active: &[],
        suspended: &[],
    };
    check(course(flow_on(), d()), Some("a"), false, T::ExitAll, all);
    // Step 5: suspendAll suspends the path and keeps nothing active.
    let susp = After {
        result: Ok(Some(S::Exit)),
        current: Some("org"),
        active: &[],
        suspended: &["org", "m1", "a"],
    };
    check(course(flow_on(), d()), Some("a"), false, T::SuspendAll, susp);
    // Step 5.2.1: an ended current activity suspends from its parent.
    let parent = After {
        result: Ok(Some(S::Exit)),
        current: Some("org"),
        active: &[],
        suspended: &["org", "m1"],
    };
    check(course(flow_on(), d()), Some("a"), true, T::SuspendAll, parent);
    // Step 6: abandon leaves the ancestors active.
    let abandon = After {
        result: Ok(None),
        current: Some("a"),
        active: &["org", "m1"],
        suspended: &[],
    };
    check(course(flow_on(), d()), Some("a"), false, T::Abandon, abandon);
    // Step 7: abandonAll.
    let abandon_all = After {
        result: Ok(Some(S::Exit)),
        current: Some("org"),
        active: &[],
        suspended: &[],
    };
    check(course(flow_on(), d()), Some("a"), false, T::AbandonAll, abandon_all);
}

/// End Attempt Process [UP.4] step 1.1.1: content that set nothing leaves the leaf
/// completed and satisfied, and step 4 rolls that up to `m1`.
#[test]
fn end_attempt_completes_and_rolls_up() {
    let t = tree(flow_on(), vec![item("m1", flow_on(), vec![leaf("a")])]);
    let mut s = TreeState::new(&t);
    for n in t.path_to_root(id(&t, "a")) {
        s.activity_mut(n).active = true;
        s.activity_mut(n).attempt_count = 1;
        s.activity_mut(n).attempt_of_parent = 1;
        s.activity_mut(n).activity_progress_status = true;
    }
    super::termination::end_attempt(&t, &mut s, id(&t, "a"));
    let a = s.activity(id(&t, "a"));
    assert!(a.attempt_progress_status && a.attempt_completion_status && !a.active);
    let primary = s.objective(&t, id(&t, "m1"), 0);
    assert!(primary.progress_status && primary.satisfied_status, "{primary:?}");
}
