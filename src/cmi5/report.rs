//! What the registrations report shows of a cmi5 registration: each AU's progress
//! (satisfied, completed, passed, failed, waived, and its sessions: launched, ended by
//! `terminated`, abandoned, open) and each block's and the course's satisfaction.

use serde_json::{Value, json};

use super::state::{AuProgress, Cmi5State};
use crate::package::model::{Cmi5Node, Cmi5Structure, Vocabulary as _};
use crate::runtime::report::Progress;

/// The report's common progress of an AU (completion and success as the report words
/// them for every kind of item).
pub fn progress(p: &AuProgress) -> Progress {
    let completion = if p.completed || p.waived.is_some() {
        "completed"
    } else if p.launched > 0 {
        "incomplete"
    } else {
        "not attempted"
    };
    let success = if p.passed || p.waived.is_some() {
        "passed"
    } else if p.failed {
        "failed"
    } else {
        "unknown"
    };
    Progress {
        completion: completion.into(),
        success: success.into(),
        score_scaled: None,
        score_raw: None,
    }
}

/// The cmi5 part of a registration's report row.
pub fn report(structure: &Cmi5Structure, course_id: &str, state: Option<&Cmi5State>) -> Value {
    let empty = Cmi5State::default();
    let state = state.unwrap_or(&empty);
    let mut aus = Vec::new();
    let mut blocks = Vec::new();
    walk(&structure.children, state, &mut aus, &mut blocks);
    json!({
        "satisfied": state.satisfied.contains(course_id),
        "aus": aus,
        "blocks": blocks,
    })
}

fn walk(nodes: &[Cmi5Node], state: &Cmi5State, aus: &mut Vec<Value>, blocks: &mut Vec<Value>) {
    for node in nodes {
        match node {
            Cmi5Node::Au(au) => {
                let p = state.aus.get(&au.id).cloned().unwrap_or_default();
                let open = state.sessions.values().filter(|s| s.au == au.id).count();
                aus.push(json!({
                    "id": au.id,
                    "title": au.title,
                    "moveOn": au.move_on.as_str(),
                    "satisfied": p.satisfied,
                    "completed": p.completed,
                    "passed": p.passed,
                    "failed": p.failed,
                    "waived": p.waived,
                    "sessions": {
                        "launched": p.launched,
                        "terminated": p.terminated,
                        "abandoned": p.abandoned,
                        "open": open,
                    },
                }));
            }
            Cmi5Node::Block(b) => {
                blocks.push(json!({
                    "id": b.id,
                    "title": b.title,
                    "satisfied": state.satisfied.contains(&b.id),
                }));
                walk(&b.children, state, aus, blocks);
            }
        }
    }
}
