//! Overall Sequencing Process [OP.1] with the sequencing requests of [SB.2.12] (resume
//! all [SB.2.6], retry [SB.2.10], exit [SB.2.11], jump [SB.2.13]) and delivery [DB.2],
//! on `org` over `m1` (`a`, `b`) and `c`, flow on everywhere.

use crate::package::model::Sequencing;
use crate::package::model::sequencing::{Condition, ConditionCombination, RuleAction, SequencingRules};

use super::flow::Exception;
use super::nav_request::NavigationRequest as N;
use super::overall::{Outcome, Sequencer, overall_sequencing, request_valid};
use super::tests::{cond, flow_on, id, item, leaf, rule, tree};
use super::tree::ActivityTree;

fn course(a: Sequencing) -> ActivityTree {
    tree(
        flow_on(),
        vec![item("m1", flow_on(), vec![item("a", a, vec![]), leaf("b")]), leaf("c")],
    )
}

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
        ..Default::default()
    }
}

/// An outcome by identifier ("-" nothing delivered, "end" session ended) or exception.
type Got = Result<String, &'static str>;

/// Runs `requests` from a fresh registration; the outcome of each.
fn run(t: &ActivityTree, requests: &[N]) -> (Vec<Got>, Sequencer) {
    let mut s = Sequencer::new(t);
    let mut out = Vec::new();
    for r in requests {
        let step = overall_sequencing(t, s, r, 7);
        s = step.sequencer;
        out.push(match step.outcome {
            Ok(Outcome::Delivered(a)) => Ok(t.get(a).identifier.clone()),
            Ok(Outcome::Nothing) => Ok("-".into()),
            Ok(Outcome::SessionEnded) => Ok("end".into()),
            Err(Exception(code)) => Err(code),
        });
    }
    (out, s)
}

fn ok(ids: &[&str]) -> Vec<Got> {
    ids.iter().map(|s| Ok((*s).to_owned())).collect()
}

#[test]
fn navigation_through_delivery() {
    let t = course(Sequencing::default());
    let c = |n: &str| N::Choice(n.into());
    let rows: Vec<(&str, Vec<N>, Vec<Got>)> = vec![
        // OP.1 steps 1, 3, 4: start flows to the first leaf and delivers it.
        ("start", vec![N::Start], ok(&["a"])),
        // Exit of `a` (TB.2.3 step 3) then continue [SB.2.7].
        (
            "continue",
            vec![N::Start, N::Continue, N::Continue],
            ok(&["a", "b", "c"]),
        ),
        // SB.2.1 step 3.1: past the last leaf the session ends.
        (
            "past the end",
            vec![N::Start, c("c"), N::Continue],
            ok(&["a", "c", "end"]),
        ),
        // SB.2.8 through SB.2.1 step 4.1: nothing before the first leaf; `a` was exited.
        (
            "previous at the start",
            vec![N::Start, N::Previous],
            vec![Ok("a".into()), Err("SB.2.1-3")],
        ),
        // TB.2.3 step 5 then SB.2.6: the suspended activity comes back.
        (
            "suspend and resume",
            vec![N::Start, N::Continue, N::SuspendAll, N::ResumeAll],
            ok(&["a", "b", "end", "b"]),
        ),
        // NB.2.1 step 2: no resume all without a suspended activity.
        ("resume nothing", vec![N::ResumeAll], vec![Err("NB.2.1-3")]),
        // TB.2.3 step 4, SB.2.11 step 3: exit all ends the session; start begins another.
        ("exit all", vec![N::Start, N::ExitAll, N::Start], ok(&["a", "end", "a"])),
        // SB.2.11 step 4: exiting a leaf leaves the learner to choose.
        ("exit", vec![N::Start, N::Exit, c("c")], ok(&["a", "-", "c"])),
        // SB.2.13: jump ignores the control modes.
        (
            "jump",
            vec![N::Start, N::Jump("c".into()), N::Jump("a".into())],
            ok(&["a", "c", "a"]),
        ),
        // SB.2.13 step 1: no jump before the session.
        ("jump first", vec![N::Jump("a".into())], vec![Err("SB.2.13-1")]),
    ];
    for (name, requests, expect) in rows {
        assert_eq!(run(&t, &requests).0, expect, "{name}");
    }
}

/// DB.2 step 5.1.1.2: each delivery after an ended attempt is a new attempt; step
/// 5.1.1.1: a resumed one is not.
#[test]
fn attempt_counts() {
    let t = course(Sequencing::default());
    let count = |s: &Sequencer, n: &str| s.state.activity(id(&t, n)).attempt_count;
    let (_, s) = run(&t, &[N::Start, N::Continue, N::Previous]);
    assert_eq!(
        (count(&s, "org"), count(&s, "m1"), count(&s, "a"), count(&s, "b")),
        (1, 1, 2, 1)
    );
    let (_, s) = run(&t, &[N::Start, N::SuspendAll, N::ResumeAll]);
    assert_eq!((count(&s, "org"), count(&s, "a")), (1, 1));
    assert!(s.state.activity(id(&t, "a")).active);
    assert!(
        !s.state.activity(id(&t, "m1")).suspended,
        "DB.2.1 clears the suspension"
    );
    let (_, s) = run(&t, &[N::Start, N::ExitAll, N::Start]);
    assert_eq!((count(&s, "org"), count(&s, "a")), (2, 2));
}

/// TB.2.2 retry → SB.2.10 step 4 (a leaf is delivered again); continue → SB.2.7.
#[test]
fn post_condition_requests() {
    let t = course(post(RuleAction::Retry));
    let (out, s) = run(&t, &[N::Start, N::Continue]);
    assert_eq!(out, ok(&["a", "a"]));
    assert_eq!(s.state.activity(id(&t, "a")).attempt_count, 2);
    let t = course(post(RuleAction::Continue));
    assert_eq!(run(&t, &[N::Start, N::Exit]).0, ok(&["a", "b"]));
}

/// A cluster retried by its own post-condition rule [TB.2.2, SB.2.10 step 3] is both the
/// current activity and the common ancestor of the leaf it delivers, so Terminate
/// Descendent Attempts [UP.3, from DB.2 step 3] ends nothing above it: the course's
/// attempt goes on (ending it would begin a new one and forget the course's rollup).
#[test]
fn a_retried_cluster_keeps_the_course_attempt() {
    let always = |action| rule(ConditionCombination::All, vec![cond(Condition::Always, false)], action);
    let m1 = Sequencing {
        sequencing_rules: Some(SequencingRules {
            exit_condition: vec![always(RuleAction::Exit)],
            post_condition: vec![always(RuleAction::Retry)],
            ..Default::default()
        }),
        ..flow_on()
    };
    let t = tree(flow_on(), vec![item("m1", m1, vec![leaf("a"), leaf("b")]), leaf("c")]);
    let count = |s: &Sequencer, n: &str| s.state.activity(id(&t, n)).attempt_count;
    let (out, s) = run(&t, &[N::Start, N::Continue]);
    assert_eq!(out, ok(&["a", "a"]));
    assert_eq!((count(&s, "org"), count(&s, "m1"), count(&s, "a")), (1, 2, 2));
    assert!(s.state.activity(ActivityTree::ROOT).active);
}

/// `adl.nav.request_valid.*` from [NB.2.1] and the identified activity.
#[test]
fn request_validity() {
    let t = course(Sequencing::default());
    let choice_off = tree(
        flow_on(),
        vec![item(
            "m1",
            Sequencing {
                control_mode: Some(crate::package::model::sequencing::ControlMode {
                    choice: false,
                    flow: true,
                    ..Default::default()
                }),
                ..Default::default()
            },
            vec![leaf("a"), leaf("b")],
        )],
    );
    let rows: Vec<(&ActivityTree, Vec<N>, N, bool)> = vec![
        (&t, vec![N::Start], N::Continue, true),
        (&t, vec![N::Start], N::Previous, false),
        (&t, vec![N::Start, N::Continue], N::Previous, true),
        // A continue that ends the session is offered.
        (&t, vec![N::Start, N::Choice("c".into())], N::Continue, true),
        (&t, vec![N::Start], N::Choice("c".into()), true),
        (&choice_off, vec![N::Start], N::Choice("b".into()), false),
        (&t, vec![], N::Start, true),
        (&t, vec![N::Start], N::Start, false),
    ];
    for (t, before, request, expect) in rows {
        let (_, s) = run(t, &before);
        assert_eq!(request_valid(t, &s, &request), expect, "{before:?} then {request:?}");
    }
}

/// `adlseq:objectivesGlobalToSystem` false: global objectives last one attempt on the
/// course, so a request that begins the next attempt starts from none (ADL OB-03b,
/// RU-13d); with the default (true) they stay.
#[test]
fn course_attempt_scopes_global_objectives() {
    for shared in [true, false] {
        let org = crate::package::model::Organization {
            identifier: "org".into(),
            title: "org".into(),
            implicit: false,
            objectives_global_to_system: shared,
            shared_data_global_to_system: true,
            sequencing: Some(Box::new(flow_on())),
            items: vec![leaf("a")],
        };
        let t = ActivityTree::new(&org);
        let mut s = Sequencer::new(&t);
        s.state
            .globals
            .insert("g".into(), super::tests::objective(Some(true), None));
        let step = overall_sequencing(&t, s, &N::Start, 7);
        assert_eq!(step.outcome, Ok(Outcome::Delivered(id(&t, "a"))));
        assert_eq!(
            step.sequencer.state.globals.contains_key("g"),
            shared,
            "objectivesGlobalToSystem {shared}"
        );
    }
}
