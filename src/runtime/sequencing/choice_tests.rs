//! Choice Sequencing Request Process [SB.2.9] with [SB.2.4] and constrained choice, on
//! `org` over `m1` (`a`, `b`) and `m2` (`c`, `d`), with definitions varied per row.

use crate::package::model::Sequencing;
use crate::package::model::sequencing::{
    Condition, ConditionCombination, ConstrainedChoiceConsiderations, ControlMode, RuleAction, SequencingRules,
};

use super::choice::choice;
use super::flow::Exception;
use super::state::TreeState;
use super::tests::{cond, flow_on, id, item, leaf, rule, tree};
use super::tree::ActivityTree;

fn pre(action: RuleAction) -> Sequencing {
    Sequencing {
        sequencing_rules: Some(SequencingRules {
            pre_condition: vec![rule(
                ConditionCombination::All,
                vec![cond(Condition::Always, false)],
                action,
            )],
            ..Default::default()
        }),
        ..flow_on()
    }
}

fn mode(f: impl FnOnce(&mut ControlMode)) -> Sequencing {
    let mut m = ControlMode {
        flow: true,
        ..Default::default()
    };
    f(&mut m);
    Sequencing {
        control_mode: Some(m),
        ..Default::default()
    }
}

fn constrained(prevent_activation: bool, constrain_choice: bool) -> Sequencing {
    Sequencing {
        constrained_choice_considerations: Some(ConstrainedChoiceConsiderations {
            prevent_activation,
            constrain_choice,
        }),
        ..flow_on()
    }
}

fn course(m1: Sequencing, m2: Sequencing, b: Sequencing) -> ActivityTree {
    tree(
        flow_on(),
        vec![
            item("m1", m1, vec![leaf("a"), item("b", b, vec![])]),
            item("m2", m2, vec![leaf("c"), leaf("d")]),
            leaf("e"),
        ],
    )
}

/// Each row: the tree, the current activity (its path active), the target, and the
/// activity delivered or the book's exception.
#[test]
fn choice_requests() {
    fn check(t: ActivityTree, current: Option<&str>, target: &str, expect: Result<&str, &'static str>) {
        let mut s = TreeState::new(&t);
        let current = current.map(|c| id(&t, c));
        for a in current.map(|c| t.path_to_root(c)).unwrap_or_default() {
            s.activity_mut(a).active = true;
        }
        let got = choice(&t, &s, current, t.find(target)).map(|a| t.get(a).identifier.clone());
        assert_eq!(
            got,
            expect.map(str::to_owned).map_err(Exception),
            "{current:?} -> {target}"
        );
    }
    let d = Sequencing::default;
    let plain = || course(flow_on(), flow_on(), d());
    // SB.2.9 step 1: no such target.
    check(plain(), None, "zz", Err("SB.2.9-1"));
    // Step 8 (case #3) then step 11: from nothing to a leaf; step 12: into a cluster.
    check(plain(), None, "c", Ok("c"));
    check(plain(), None, "m2", Ok("c"));
    // Step 6 (case #1): the current activity itself.
    check(plain(), Some("a"), "a", Ok("a"));
    // Step 7 (case #2): a sibling, either way.
    check(plain(), Some("a"), "b", Ok("b"));
    check(plain(), Some("b"), "a", Ok("a"));
    // Step 10 (case #5): across clusters.
    check(plain(), Some("a"), "d", Ok("d"));
    // Step 3: hidden from choice, the target or an ancestor.
    check(
        course(flow_on(), pre(RuleAction::HiddenFromChoice), d()),
        None,
        "c",
        Err("SB.2.9-3"),
    );
    // Step 4: the parent does not allow choice.
    check(
        course(flow_on(), mode(|m| m.choice = false), d()),
        None,
        "c",
        Err("SB.2.9-4"),
    );
    // Step 9 (case #4): up to an ancestor; SB.2.9-5 when nothing is between.
    check(plain(), Some("a"), "m1", Ok("a"));
    // SB.2.4 step 1.1 via step 7.4: a stopForwardTraversal sibling on the way.
    check(
        course(flow_on(), flow_on(), pre(RuleAction::StopForwardTraversal)),
        Some("b"),
        "a",
        Ok("a"),
    );
    check(
        tree(
            flow_on(),
            vec![item("a", pre(RuleAction::StopForwardTraversal), vec![]), leaf("b")],
        ),
        Some("a"),
        "b",
        Err("SB.2.4-1"),
    );
    // SB.2.4 step 2.1.1 via step 7.4: backward in a forward-only cluster.
    check(
        course(mode(|m| m.forward_only = true), flow_on(), d()),
        Some("b"),
        "a",
        Err("SB.2.4-2"),
    );
    // SB.2.4 step 1.1 via step 10.8.1: a stopForwardTraversal cluster above the target.
    check(
        course(flow_on(), pre(RuleAction::StopForwardTraversal), d()),
        Some("a"),
        "d",
        Err("SB.2.4-1"),
    );
    // Step 10.8.1.3: an inactive cluster with preventActivation.
    check(
        course(flow_on(), constrained(true, false), d()),
        Some("a"),
        "c",
        Err("SB.2.9-6"),
    );
    // Step 8.3.3: also from nothing.
    check(
        course(flow_on(), constrained(true, false), d()),
        None,
        "c",
        Err("SB.2.9-6"),
    );
    // The cluster itself may be chosen: flow, not choice, enters it (ADL CM-17b).
    check(course(flow_on(), constrained(true, false), d()), None, "m2", Ok("c"));
    // Step 10.4.1: leaving a cluster that forbids choice exit.
    check(
        course(mode(|m| m.choice_exit = false), flow_on(), d()),
        Some("a"),
        "c",
        Err("SB.2.9-7"),
    );
    // Step 9.3.1.1: also on the way up to an ancestor.
    check(
        course(flow_on(), flow_on(), mode(|m| m.choice_exit = false)),
        Some("b"),
        "m1",
        Err("SB.2.9-7"),
    );
    // Step 10.5: constrainChoice on m1 allows only the next activity (m2 and below).
    check(
        course(constrained(false, true), flow_on(), d()),
        Some("a"),
        "c",
        Ok("c"),
    );
    check(
        course(constrained(false, true), flow_on(), d()),
        Some("a"),
        "e",
        Err("SB.2.9-8"),
    );
    // constrainChoice on the current leaf itself constrains nothing (ADL CM-07d).
    check(
        course(flow_on(), flow_on(), constrained(false, true)),
        Some("b"),
        "e",
        Ok("e"),
    );
    // Steps 12–13: a cluster with nothing deliverable.
    check(course(flow_on(), flow_on(), d()), None, "b", Ok("b"));
    check(
        tree(
            flow_on(),
            vec![item("m", flow_on(), vec![item("x", pre(RuleAction::Disabled), vec![])])],
        ),
        None,
        "m",
        Err("SB.2.9-9"),
    );
}

/// "Forward in the activity tree" (SB.2.9 steps 10.5 and 10.6) is the order of a preorder
/// walk over the children selection and randomization left: `is_forward` answers it
/// without walking, as the walk does, for every pair of activities of a tree whose
/// clusters keep random subsets of their children in random orders.
#[test]
fn forward_in_the_tree_is_the_order_of_the_walk() {
    fn walk(tree: &ActivityTree, state: &TreeState, a: usize, b: usize) -> bool {
        let mut stack = vec![ActivityTree::ROOT];
        while let Some(n) = stack.pop() {
            if n == a {
                return true;
            }
            if n == b {
                return false;
            }
            stack.extend(state.children(tree, n).iter().rev());
        }
        b > a
    }
    let cluster = |name: String, children| item(&name, flow_on(), children);
    let leaves = |p: &str| (0..3).map(|l| leaf(&format!("{p}{l}"))).collect();
    let t = tree(
        flow_on(),
        (0..3)
            .map(|m| {
                cluster(
                    format!("m{m}"),
                    (0..3)
                        .map(|c| cluster(format!("c{m}{c}"), leaves(&format!("l{m}{c}"))))
                        .collect(),
                )
            })
            .collect(),
    );
    for seed in 0..40 {
        let mut s = TreeState::new(&t);
        for (a, _) in t.iter().filter(|(a, _)| !t.is_leaf(*a)) {
            let mut rng = super::selection::Rng::for_attempt(seed, a, 0);
            let mut children = t.children(a).to_vec();
            for i in (1..children.len()).rev() {
                children.swap(i, rng.below(i + 1));
            }
            children.truncate(1 + rng.below(children.len()));
            s.activity_mut(a).available_children = Some(children);
        }
        for (a, _) in t.iter() {
            for (b, _) in t.iter() {
                assert_eq!(
                    super::choice::is_forward(&t, &s, a, b),
                    walk(&t, &s, a, b),
                    "seed {seed}: {a} → {b}"
                );
            }
        }
    }
}
