//! Flow traversal [SB.2.1]–[SB.2.3] and the start, continue and previous sequencing
//! requests [SB.2.5], [SB.2.7], [SB.2.8], on `org` (flow) over `m1` (flow: `a`, `b`)
//! and `m2` (flow: `c`, `d`), `d` optionally with a skip rule.

use crate::package::model::Sequencing;
use crate::package::model::sequencing::{Condition, ConditionCombination, ControlMode, RuleAction, SequencingRules};

use super::flow::{Exception, continue_or_previous, start};
use super::state::TreeState;
use super::tests::{cond, flow_on, id, item, leaf, rule, tree};
use super::tree::ActivityTree;

fn course(m2: Sequencing, b: Sequencing) -> ActivityTree {
    tree(
        flow_on(),
        vec![
            item("m1", flow_on(), vec![leaf("a"), item("b", b, vec![])]),
            item("m2", m2, vec![leaf("c"), leaf("d")]),
        ],
    )
}

fn with_rule(action: RuleAction) -> Sequencing {
    Sequencing {
        sequencing_rules: Some(SequencingRules {
            pre_condition: vec![rule(
                ConditionCombination::All,
                vec![cond(Condition::Always, false)],
                action,
            )],
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn forward_only() -> Sequencing {
    Sequencing {
        control_mode: Some(ControlMode {
            flow: true,
            forward_only: true,
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// Each row: the tree, the current activity, continue (true) or previous, and the
/// activity delivered or the book's exception.
#[test]
fn continue_and_previous() {
    fn check(t: ActivityTree, current: Option<&str>, forward: bool, expect: Result<&str, &'static str>) {
        let s = TreeState::new(&t);
        let got =
            continue_or_previous(&t, &s, current.map(|c| id(&t, c)), forward).map(|a| t.get(a).identifier.clone());
        let expect = expect.map(str::to_owned).map_err(Exception);
        assert_eq!(got, expect, "{current:?} forward={forward}");
    }
    let plain = || course(flow_on(), Sequencing::default());
    // SB.2.1 step 3.2.2: the next sibling.
    check(plain(), Some("a"), true, Ok("b"));
    // SB.2.1 step 3.2.1 then 3.3 (via SB.2.2 step 5): out of m1 and into m2.
    check(plain(), Some("b"), true, Ok("c"));
    // SB.2.1 step 3.1: past the last activity.
    check(plain(), Some("d"), true, Err("SB.2.1-1"));
    // SB.2.1 steps 4.2.2 and 4.3: back out of m2 into m1's last child.
    check(plain(), Some("c"), false, Ok("b"));
    // SB.2.1 step 4.1: nothing before the first activity.
    check(plain(), Some("a"), false, Err("SB.2.1-3"));
    // SB.2.7 / SB.2.8 step 1: no current activity.
    check(plain(), None, true, Err("SB.2.7-1"));
    check(plain(), None, false, Err("SB.2.8-1"));
    // SB.2.7 step 2: the parent does not allow flow.
    check(
        course(Sequencing::default(), Sequencing::default()),
        Some("c"),
        true,
        Err("SB.2.7-2"),
    );
    // SB.2.2 step 1: flow into a cluster that does not allow it.
    check(
        course(Sequencing::default(), Sequencing::default()),
        Some("b"),
        true,
        Err("SB.2.2-1"),
    );
    // SB.2.2 step 3: a skipped activity is passed over, either way.
    check(course(flow_on(), with_rule(RuleAction::Skip)), Some("a"), true, Ok("c"));
    check(
        course(flow_on(), with_rule(RuleAction::Skip)),
        Some("c"),
        false,
        Ok("a"),
    );
    // SB.2.2 step 4 (UP.5): a disabled activity stops flow.
    check(
        course(flow_on(), with_rule(RuleAction::Disabled)),
        Some("a"),
        true,
        Err("SB.2.2-2"),
    );
    // SB.2.1 step 4.2.1: backward inside a forward-only cluster.
    check(
        course(forward_only(), Sequencing::default()),
        Some("d"),
        false,
        Err("SB.2.1-4"),
    );
}

/// Start Sequencing Request Process [SB.2.5]: flow from the root to the first leaf
/// (step 3); refused while an activity is current (step 1).
#[test]
fn start_request() {
    let t = course(flow_on(), Sequencing::default());
    let s = TreeState::new(&t);
    assert_eq!(start(&t, &s, None), Ok(id(&t, "a")));
    assert_eq!(start(&t, &s, Some(id(&t, "a"))), Err(Exception("SB.2.5-1")));
    let skipped_first = tree(
        flow_on(),
        vec![item("a", with_rule(RuleAction::Skip), vec![]), leaf("b")],
    );
    let s = TreeState::new(&skipped_first);
    assert_eq!(start(&skipped_first, &s, None), Ok(id(&skipped_first, "b")));
}
