//! Objectives through their maps (`objectives.rs`): what a read map gives, objectives
//! satisfied by measure, activities completed by measure, partial writes, and objective
//! IDs compared as ADL's test cases compare them. Each row names the ADL case that
//! settled the behaviour where the book's text leaves it open.

use crate::package::model::sequencing::{Objective, Objectives};
use crate::package::model::{CompletionThreshold, Sequencing};

use super::objectives::Writes;
use super::state::{ObjectiveState, TreeState};
use super::tests::{flow_on, id, item, mapped, objective, tree};
use super::tree::{ActivityTree, same_id};

/// `a` reads and writes global `g` (both maps), `b` only writes it.
fn course(a: Sequencing) -> ActivityTree {
    tree(
        flow_on(),
        vec![item("a", a, vec![]), item("b", mapped("g", false, true), vec![])],
    )
}

fn by_measure(min: f64, seq: Sequencing) -> Sequencing {
    let mut seq = seq;
    let objectives = seq.objectives.get_or_insert_with(Objectives::default);
    let primary = objectives.primary.get_or_insert(Objective {
        objective_id: None,
        satisfied_by_measure: true,
        min_normalized_measure: min,
        map_info: vec![],
    });
    primary.satisfied_by_measure = true;
    primary.min_normalized_measure = min;
    seq
}

/// `readSatisfiedStatus` / `readNormalizedMeasure` replace the local status with the
/// global one, unknown while nothing wrote it (CM-13); without read maps the local
/// status stands.
#[test]
fn read_maps_replace_the_local_status() {
    let rows: [(bool, Option<ObjectiveState>, ObjectiveState); 4] = [
        (true, None, objective(None, None)),
        (
            true,
            Some(objective(Some(false), Some(0.2))),
            objective(Some(false), Some(0.2)),
        ),
        (false, None, objective(Some(true), Some(0.9))),
        (
            false,
            Some(objective(Some(false), Some(0.2))),
            objective(Some(true), Some(0.9)),
        ),
    ];
    for (read, global, expect) in rows {
        let t = course(mapped("g", read, false));
        let mut s = TreeState::new(&t);
        s.activity_mut(id(&t, "a")).objectives[0] = objective(Some(true), Some(0.9));
        if let Some(g) = global {
            s.globals.insert("g".into(), g);
        }
        assert_eq!(s.objective(&t, id(&t, "a"), 0), expect, "read {read}");
    }
}

/// An objective satisfied by measure is satisfied by the measure it reads (SX-10b) and
/// unknown without one, whatever status it reads (OB-05b) [RB.1.2 a].
#[test]
fn satisfied_by_measure_judged_by_the_measure() {
    let rows = [
        (Some(0.8), Some(false), Some(true)),
        (Some(0.5), Some(true), Some(false)),
        (None, Some(true), None),
    ];
    for (measure, status, expect) in rows {
        let t = course(by_measure(0.7, mapped("g", true, false)));
        let mut s = TreeState::new(&t);
        s.globals.insert("g".into(), objective(status, measure));
        let o = s.objective(&t, id(&t, "a"), 0);
        assert_eq!(
            o.progress_status.then_some(o.satisfied_status),
            expect,
            "{measure:?} {status:?}"
        );
    }
}

/// Writes carry only the parts asked for: a report of a score alone leaves the global
/// satisfied status as another activity wrote it (OB-17a).
#[test]
fn writes_carry_only_what_is_asked() {
    let t = course(mapped("g", false, true));
    let a = id(&t, "a");
    let rows = [
        (Writes::ALL, objective(None, Some(0.4))),
        (
            Writes {
                status: false,
                measure: true,
                extended: false,
            },
            objective(Some(true), Some(0.4)),
        ),
        (
            Writes {
                status: true,
                measure: false,
                extended: false,
            },
            objective(None, Some(0.9)),
        ),
    ];
    for (writes, expect) in rows {
        let mut s = TreeState::new(&t);
        s.globals.insert("g".into(), objective(Some(true), Some(0.9)));
        s.set_objective_with(&t, a, 0, objective(None, Some(0.4)), writes);
        assert_eq!(s.globals.get("g"), Some(&expect), "{writes:?}");
    }
}

/// `adlcp:completionThreshold` completed by measure: the progress measure decides,
/// the one read through `readProgressMeasure` first (CO-02a).
#[test]
fn completion_by_measure_reads_the_progress_measure() {
    let mut leaf = item("a", mapped("g", true, false), vec![]);
    leaf.completion_threshold = Some(CompletionThreshold {
        completed_by_measure: true,
        min_progress_measure: 0.5,
        progress_weight: 1.0,
    });
    let t = tree(flow_on(), vec![leaf]);
    let a = id(&t, "a");
    let mut s = TreeState::new(&t);
    assert_eq!(s.completion(&t, a), None);
    s.activity_mut(a).attempt_completion_amount = Some(0.4);
    assert_eq!(s.completion(&t, a), Some(false));
    let global = ObjectiveState {
        completion: Some(false),
        progress_measure: Some(0.8),
        ..ObjectiveState::default()
    };
    s.globals.insert("g".into(), global);
    assert_eq!(
        s.completion(&t, a),
        Some(true),
        "the read measure wins over the read status"
    );
}

/// Objective IDs are compared percent-decoded with whitespace collapsed (OB-02a,
/// OB-12a).
#[test]
fn objective_ids_compare_decoded() {
    let rows = [
        ("obj%201", "  %20obj%20%201%20  ", true),
        (" ob%20j%201 ", "    ob%20%20%20j%20%201  ", true),
        ("obj1", "obj2", false),
        ("a%zz", "a%zz", true),
        ("日本%20語", "日本 語", true),
    ];
    for (a, b, same) in rows {
        assert_eq!(same_id(a) == same_id(b), same, "{a:?} {b:?}");
    }
}
