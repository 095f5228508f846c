//! Navigation Request Process [NB.2.1], request by request, on `org` over `m1` (`a`,
//! `b`) and `c`.

use crate::package::model::Sequencing;
use crate::package::model::sequencing::ControlMode;

use super::flow::Exception;
use super::nav_request::{NavigationRequest as N, Valid, navigation_request};
use super::request::{SequencingRequest as S, Session, TerminationRequest as T};
use super::state::TreeState;
use super::tests::{flow_on, id, item, leaf, tree};
use super::tree::ActivityTree;

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

fn course(m1: Sequencing, a: Sequencing) -> ActivityTree {
    tree(
        flow_on(),
        vec![item("m1", m1, vec![item("a", a, vec![]), leaf("b")]), leaf("c")],
    )
}

/// Each row: the tree, the current activity (its path active), whether a suspended
/// activity exists, the request, and the termination and sequencing requests or the
/// book's exception.
#[test]
fn navigation_requests() {
    fn check(
        t: ActivityTree,
        current: Option<&str>,
        suspended: bool,
        request: N,
        expect: Result<(Option<T>, S), &'static str>,
    ) {
        let mut s = TreeState::new(&t);
        let current = current.map(|c| id(&t, c));
        for a in current.map(|c| t.path_to_root(c)).unwrap_or_default() {
            s.activity_mut(a).active = true;
        }
        let session = Session {
            current,
            suspended: suspended.then_some(1),
        };
        let got = navigation_request(&t, &s, &session, &request);
        let expect = expect
            .map(|(termination, sequencing)| Valid {
                termination,
                sequencing,
            })
            .map_err(Exception);
        assert_eq!(got, expect, "{request:?} from {current:?}");
    }
    let d = Sequencing::default;
    let plain = || course(flow_on(), d());
    let exit = Some(T::Exit);
    // Step 1.
    check(plain(), None, false, N::Start, Ok((None, S::Start)));
    check(plain(), Some("a"), false, N::Start, Err("NB.2.1-1"));
    // Step 2.
    check(plain(), None, true, N::ResumeAll, Ok((None, S::ResumeAll)));
    check(plain(), None, false, N::ResumeAll, Err("NB.2.1-3"));
    check(plain(), Some("a"), true, N::ResumeAll, Err("NB.2.1-1"));
    // Step 3.
    check(plain(), Some("a"), false, N::Continue, Ok((exit, S::Continue)));
    check(plain(), None, false, N::Continue, Err("NB.2.1-2"));
    check(
        course(mode(|m| m.flow = false), d()),
        Some("a"),
        false,
        N::Continue,
        Err("NB.2.1-4"),
    );
    // Step 4.
    check(plain(), Some("b"), false, N::Previous, Ok((exit, S::Previous)));
    check(
        course(mode(|m| m.forward_only = true), d()),
        Some("b"),
        false,
        N::Previous,
        Err("NB.2.1-5"),
    );
    check(plain(), Some("org"), false, N::Previous, Err("NB.2.1-6"));
    // Step 5.
    check(plain(), Some("a"), false, N::Forward, Err("NB.2.1-7"));
    // Step 7: choice.
    let c = |t: &ActivityTree| id(t, "c");
    check(
        plain(),
        None,
        false,
        N::Choice("c".into()),
        Ok((None, S::Choice(c(&plain())))),
    );
    check(
        plain(),
        Some("a"),
        false,
        N::Choice("c".into()),
        Ok((exit, S::Choice(c(&plain())))),
    );
    check(plain(), Some("a"), false, N::Choice("zz".into()), Err("NB.2.1-11"));
    check(
        course(mode(|m| m.choice = false), d()),
        None,
        false,
        N::Choice("a".into()),
        Err("NB.2.1-10"),
    );
    // Step 7.1.1.2.3: an active m1 forbids choice exit.
    check(
        course(mode(|m| m.choice_exit = false), d()),
        Some("a"),
        false,
        N::Choice("c".into()),
        Err("NB.2.1-8"),
    );
    // Step 7.1.1.3: so does the active current activity, even towards a sibling.
    check(
        course(flow_on(), mode(|m| m.choice_exit = false)),
        Some("a"),
        false,
        N::Choice("b".into()),
        Err("NB.2.1-8"),
    );
    // Step 7.1.1.2.4: from a cluster to its own descendent.
    check(plain(), Some("m1"), false, N::Choice("a".into()), Err("NB.2.1-9"));
    // Step 8: jump.
    check(
        plain(),
        Some("a"),
        false,
        N::Jump("c".into()),
        Ok((exit, S::Jump(c(&plain())))),
    );
    // Steps 9–13.
    check(plain(), Some("a"), false, N::Exit, Ok((exit, S::Exit)));
    check(plain(), None, false, N::Exit, Err("NB.2.1-2"));
    check(plain(), Some("a"), false, N::Abandon, Ok((Some(T::Abandon), S::Exit)));
    check(plain(), Some("a"), false, N::ExitAll, Ok((Some(T::ExitAll), S::Exit)));
    check(
        plain(),
        Some("a"),
        false,
        N::AbandonAll,
        Ok((Some(T::AbandonAll), S::Exit)),
    );
    check(
        plain(),
        Some("a"),
        false,
        N::SuspendAll,
        Ok((Some(T::SuspendAll), S::Exit)),
    );
    check(plain(), None, false, N::SuspendAll, Err("NB.2.1-2"));
}

/// Steps 9.1.2 and 11: exit and abandon of an activity no longer active.
#[test]
fn exit_after_the_attempt_ended() {
    let t = course(flow_on(), Sequencing::default());
    let s = TreeState::new(&t);
    let session = Session {
        current: Some(id(&t, "a")),
        suspended: None,
    };
    for request in [N::Exit, N::Abandon] {
        assert_eq!(
            navigation_request(&t, &s, &session, &request),
            Err(Exception("NB.2.1-12"))
        );
    }
}
