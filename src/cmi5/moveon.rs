//! `moveOn` (cmi5 specification, 9.6.1 and 9.3.9): whether each AU is satisfied by what
//! it recorded, and which blocks and the course became satisfied — each block when all
//! its children are, the course when all of its are — innermost first, each once per
//! registration.

use super::state::{AuProgress, Cmi5State};
use crate::package::model::{Cmi5Node, Cmi5Structure, MoveOn};

/// Whether an AU's progress meets its `moveOn` criterion (a waived AU always does).
pub fn au_satisfied(move_on: MoveOn, p: &AuProgress) -> bool {
    p.waived.is_some()
        || match move_on {
            MoveOn::Passed => p.passed,
            MoveOn::Completed => p.completed,
            MoveOn::CompletedAndPassed => p.completed && p.passed,
            MoveOn::CompletedOrPassed => p.completed || p.passed,
            MoveOn::NotApplicable => true,
        }
}

/// A block or the course that has just become satisfied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Satisfied {
    /// Its publisher id.
    pub id: String,
    pub course: bool,
}

/// Marks the AUs that meet their criterion satisfied, and answers the blocks and the
/// course newly satisfied (innermost first, the course last), marking them too.
pub fn evaluate(structure: &Cmi5Structure, course_id: &str, state: &mut Cmi5State) -> Vec<Satisfied> {
    let mut out = Vec::new();
    let all = nodes_satisfied(&structure.children, state, &mut out);
    if all && state.satisfied.insert(course_id.to_owned()) {
        out.push(Satisfied {
            id: course_id.to_owned(),
            course: true,
        });
    }
    out
}

fn nodes_satisfied(nodes: &[Cmi5Node], state: &mut Cmi5State, out: &mut Vec<Satisfied>) -> bool {
    let mut all = true;
    for node in nodes {
        let done = match node {
            Cmi5Node::Au(au) => {
                let p = state.au(&au.id);
                p.satisfied = p.satisfied || au_satisfied(au.move_on, p);
                p.satisfied
            }
            Cmi5Node::Block(b) => {
                let inner = nodes_satisfied(&b.children, state, out);
                if inner && state.satisfied.insert(b.id.clone()) {
                    out.push(Satisfied {
                        id: b.id.clone(),
                        course: false,
                    });
                }
                inner || state.satisfied.contains(&b.id)
            }
        };
        all &= done;
    }
    all
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::package::model::{Cmi5Au, Cmi5Block, LaunchHref, LaunchMethod};

    fn au(id: &str, move_on: MoveOn) -> Cmi5Node {
        Cmi5Node::Au(Cmi5Au {
            id: id.into(),
            title: id.into(),
            description: None,
            titles: Default::default(),
            descriptions: Default::default(),
            url: LaunchHref::Absolute("https://x/".into()),
            launch_method: LaunchMethod::AnyWindow,
            move_on,
            mastery_score: None,
            launch_parameters: None,
            entitlement_key: None,
            activity_type: None,
            objectives: vec![],
        })
    }

    fn block(id: &str, children: Vec<Cmi5Node>) -> Cmi5Node {
        Cmi5Node::Block(Cmi5Block {
            id: id.into(),
            title: id.into(),
            description: None,
            titles: Default::default(),
            descriptions: Default::default(),
            objectives: vec![],
            children,
        })
    }

    fn structure(children: Vec<Cmi5Node>) -> Cmi5Structure {
        Cmi5Structure {
            titles: Default::default(),
            descriptions: Default::default(),
            objectives: vec![],
            children,
        }
    }

    #[test]
    fn each_criterion() {
        let p = |c, pa| AuProgress {
            completed: c,
            passed: pa,
            ..Default::default()
        };
        let table = [
            (MoveOn::Passed, p(true, false), false),
            (MoveOn::Passed, p(false, true), true),
            (MoveOn::Completed, p(true, false), true),
            (MoveOn::Completed, p(false, true), false),
            (MoveOn::CompletedAndPassed, p(true, false), false),
            (MoveOn::CompletedAndPassed, p(true, true), true),
            (MoveOn::CompletedOrPassed, p(false, true), true),
            (MoveOn::CompletedOrPassed, p(false, false), false),
            (MoveOn::NotApplicable, p(false, false), true),
        ];
        for (m, progress, want) in table {
            assert_eq!(au_satisfied(m, &progress), want, "{m:?} {progress:?}");
        }
        let waived = AuProgress {
            waived: Some("Tested".into()),
            ..Default::default()
        };
        assert!(au_satisfied(MoveOn::Passed, &waived));
    }

    #[test]
    fn nested_blocks_satisfy_innermost_first_then_the_course_once() {
        let s = structure(vec![
            block(
                "b1",
                vec![
                    block("b2", vec![au("a1", MoveOn::Completed)]),
                    au("a2", MoveOn::NotApplicable),
                ],
            ),
            au("a3", MoveOn::Passed),
        ]);
        let mut st = Cmi5State::default();
        assert!(evaluate(&s, "c", &mut st).is_empty(), "nothing done yet");
        st.au("a1").completed = true;
        let got: Vec<String> = evaluate(&s, "c", &mut st).into_iter().map(|x| x.id).collect();
        assert_eq!(got, ["b2", "b1"]);
        st.au("a3").passed = true;
        let got = evaluate(&s, "c", &mut st);
        assert_eq!(
            got,
            [Satisfied {
                id: "c".into(),
                course: true
            }]
        );
        assert!(evaluate(&s, "c", &mut st).is_empty(), "each once");
    }

    #[test]
    fn not_applicable_everywhere_is_satisfied_at_once() {
        let s = structure(vec![block("b", vec![au("a", MoveOn::NotApplicable)])]);
        let mut st = Cmi5State::default();
        let got: Vec<String> = evaluate(&s, "c", &mut st).into_iter().map(|x| x.id).collect();
        assert_eq!(got, ["b", "c"]);
    }
}
