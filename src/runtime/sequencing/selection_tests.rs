//! Select Children [SR.1], Randomize Children [SR.2] and what flow and choice make of
//! the available children, on `org` over `a`..`d`.

use crate::package::model::Sequencing;
use crate::package::model::sequencing::{RandomizationControls, Timing};

use super::choice::choice;
use super::flow::{Exception, start};
use super::selection::{Rng, prepare, randomize_children, select_children};
use super::state::TreeState;
use super::tests::{flow_on, id, leaf, tree};
use super::tree::ActivityTree;

fn course(select: Option<u32>, reorder: bool, timing: Timing) -> ActivityTree {
    let seq = Sequencing {
        randomization_controls: Some(RandomizationControls {
            randomization_timing: timing,
            select_count: select,
            reorder_children: reorder,
            selection_timing: timing,
        }),
        ..flow_on()
    };
    tree(seq, vec![leaf("a"), leaf("b"), leaf("c"), leaf("d")])
}

fn available(t: &ActivityTree, s: &TreeState) -> Vec<String> {
    s.children(t, ActivityTree::ROOT)
        .iter()
        .map(|&a| t.get(a).identifier.clone())
        .collect()
}

/// SR.1 step 3.2.1: `selectCount` children, in the manifest's order; the same seed
/// gives the same selection and other seeds others.
#[test]
fn select_count_keeps_document_order() {
    let t = course(Some(2), false, Timing::Once);
    let pick = |seed| {
        let mut s = TreeState::new(&t);
        select_children(&t, &mut s, ActivityTree::ROOT, &mut Rng::for_attempt(seed, 0, 0));
        available(&t, &s)
    };
    let order = |v: &Vec<String>| v.windows(2).all(|w| w.first() < w.last());
    let picks: Vec<Vec<String>> = (0..40).map(pick).collect();
    assert!(picks.iter().all(|p| p.len() == 2 && order(p)), "{picks:?}");
    assert_eq!(pick(3), pick(3));
    assert!(picks.iter().any(|p| p != &picks[0]), "seeds change the selection");
}

/// SR.2 step 3.2.1: a reordering is a permutation of the children.
#[test]
fn reorder_is_a_permutation() {
    let t = course(None, true, Timing::Once);
    let mut orders = Vec::new();
    for seed in 0..40 {
        let mut s = TreeState::new(&t);
        randomize_children(&t, &mut s, ActivityTree::ROOT, &mut Rng::for_attempt(seed, 0, 0));
        let mut got = available(&t, &s);
        orders.push(got.clone());
        got.sort();
        assert_eq!(got, ["a", "b", "c", "d"]);
    }
    assert!(orders.iter().any(|o| o != &orders[0]));
}

/// SR.1 / SR.2 step 3: `never` changes nothing; `once` only before the first attempt
/// (activity progress unknown); neither while the activity is active (step 2).
#[test]
fn timing() {
    let rows = [
        (Timing::Never, false, false, 4),
        (Timing::Once, false, false, 1),
        (Timing::Once, true, false, 4),
        (Timing::OnEachNewAttempt, true, false, 1),
        (Timing::OnEachNewAttempt, false, true, 4),
    ];
    for (timing, attempted, active, expect) in rows {
        let t = course(Some(1), false, timing);
        let mut s = TreeState::new(&t);
        s.activity_mut(ActivityTree::ROOT).activity_progress_status = attempted;
        s.activity_mut(ActivityTree::ROOT).active = active;
        prepare(&t, &mut s, 5);
        assert_eq!(
            available(&t, &s).len(),
            expect,
            "{timing:?} attempted {attempted} active {active}"
        );
    }
}

/// SB.2.5 flows into the first available child; SB.2.9 step 2 refuses one left out.
#[test]
fn flow_and_choice_read_available_children() {
    let t = course(Some(1), false, Timing::Once);
    let mut s = TreeState::new(&t);
    s.activity_mut(ActivityTree::ROOT).available_children = Some(vec![id(&t, "c")]);
    assert_eq!(start(&t, &s, None), Ok(id(&t, "c")));
    assert_eq!(choice(&t, &s, None, Some(id(&t, "a"))), Err(Exception("SB.2.9-2")));
    assert_eq!(choice(&t, &s, None, Some(id(&t, "c"))), Ok(id(&t, "c")));
}

/// `onEachNewAttempt`: the selection made when the session starts is drawn again when
/// the attempt on the cluster ends, so the next attempt flows through a fresh one; what
/// is delivered is always among the available children.
#[test]
fn each_new_attempt_draws_again() {
    use super::nav_request::NavigationRequest as N;
    use super::overall::{Outcome, Sequencer, overall_sequencing};
    let t = course(Some(1), false, Timing::OnEachNewAttempt);
    let mut changed = false;
    for seed in 0..20 {
        let mut s = Sequencer::new(&t);
        let mut picks = Vec::new();
        for request in [N::Start, N::ExitAll, N::Start] {
            let step = overall_sequencing(&t, s, &request, seed);
            s = step.sequencer;
            if let Ok(Outcome::Delivered(a)) = step.outcome {
                assert!(s.state.children(&t, ActivityTree::ROOT).contains(&a), "seed {seed}");
                picks.push(a);
            }
        }
        assert_eq!(picks.len(), 2, "seed {seed}");
        changed |= picks.first() != picks.last();
    }
    assert!(changed, "some seed draws another child for the second attempt");
}
