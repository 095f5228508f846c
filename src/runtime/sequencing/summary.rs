//! What the registrations report shows of a SCORM 2004 registration's sequencing state:
//! each activity's attempts, completion, satisfaction and measure (global objectives read
//! through its maps), the global objectives, and where the session is (current and
//! suspended activity), and each activity's durations at the time of the report.

use serde_json::{Value, json};

use super::overall::Sequencer;
use super::state::ObjectiveState;
use super::timing::Timing;
use super::tree::{ActivityId, ActivityTree};
use crate::runtime::timespan;

fn satisfied(o: &ObjectiveState) -> Value {
    if o.progress_status {
        json!(o.satisfied_status)
    } else {
        Value::Null
    }
}

fn measure(o: &ObjectiveState) -> Value {
    if o.measure_status {
        json!(o.normalized_measure)
    } else {
        Value::Null
    }
}

fn activity(tree: &ActivityTree, s: &Sequencer, a: ActivityId) -> Value {
    let state = s.state.activity(a);
    let primary = s.state.objective(tree, a, 0);
    let objectives: Vec<Value> = tree
        .definition(a)
        .objectives
        .iter()
        .enumerate()
        .skip(1)
        .map(|(k, def)| {
            let o = s.state.objective(tree, a, k);
            json!({ "id": def.id, "satisfied": satisfied(&o), "measure": measure(&o) })
        })
        .collect();
    json!({
        "id": tree.get(a).identifier,
        "attempts": state.attempt_count,
        "completed": s.state.completion(tree, a),
        "satisfied": satisfied(&primary),
        "measure": measure(&primary),
        "active": state.active,
        "suspended": state.suspended,
        "durations": durations(&state.timing, s.state.now_ms),
        "objectives": objectives,
    })
}

/// The activity's durations at `now` as ISO 8601 durations (`null` when unknown).
fn durations(t: &Timing, now: Option<i64>) -> Value {
    let iso = |f: fn(&Timing, i64) -> Option<i64>| {
        let ms = now.and_then(|now| f(t, now))?;
        Some(timespan::format_scorm2004(u64::try_from(ms / 10).ok()?))
    };
    json!({
        "attemptAbsolute": iso(Timing::attempt_absolute),
        "attemptExperienced": iso(Timing::attempt_experienced),
        "activityAbsolute": iso(Timing::activity_absolute),
        "activityExperienced": iso(Timing::activity_experienced),
    })
}

/// The report's `sequencing` object of a registration.
pub fn summary(tree: &ActivityTree, s: &Sequencer) -> Value {
    let activities: Vec<Value> = tree.iter().map(|(a, _)| activity(tree, s, a)).collect();
    let globals: Vec<Value> = s
        .state
        .globals
        .iter()
        .map(|(id, o)| json!({ "id": id, "satisfied": satisfied(o), "measure": measure(o) }))
        .collect();
    let name = |a: Option<ActivityId>| a.map(|a| tree.get(a).identifier.clone());
    json!({
        "current": name(s.session.current),
        "suspended": name(s.session.suspended),
        "activities": activities,
        "globalObjectives": globals,
    })
}
