//! What content reports about its attempt, applied to the tracking state: the SN
//! book's mapping of the run-time data model to tracking information (completion and
//! success status, scaled score, progress measure, the extended scores, `cmi.objectives`
//! by identifier, `cmi.exit` suspend). The run-time has already evaluated
//! `completion_threshold` and `scaled_passing_score`; values here are final.

use super::objectives::Writes;
use super::state::{ObjectiveState, TreeState};
use super::tree::{ActivityId, ActivityTree, same_id};

/// One objective's run-time values (`cmi.*` for the primary objective, or
/// `cmi.objectives.n.*`); `None` is unknown.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ObjectiveReport {
    /// Passed (`true`) or failed (`false`).
    pub success: Option<bool>,
    pub scaled: Option<f64>,
    pub raw: Option<f64>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    /// Completed (`true`) or incomplete / not attempted (`false`).
    pub completion: Option<bool>,
    pub progress_measure: Option<f64>,
    /// The content set the success status, `unknown` included (which then clears it,
    /// and keeps End Attempt's default away).
    pub success_reported: bool,
    /// The same for the completion status.
    pub completion_reported: bool,
}

/// A SCO's run-time data at the end of its session.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Report {
    /// The SCO's own status (`cmi.completion_status`, `cmi.success_status`, …).
    pub primary: ObjectiveReport,
    /// `cmi.objectives.n` by `id`, in the order the SCO set them.
    pub objectives: Vec<(String, ObjectiveReport)>,
    /// `cmi.exit` was `suspend`.
    pub suspend: bool,
}

/// Applies `report` to activity `a`'s tracking state (untracked activities keep none).
/// A `cmi.objectives` entry whose id is the rolled-up objective's speaks for the
/// activity (ADL's CO-02b); the SCO's own status comes last and wins, an explicit
/// unknown included (CO-13a sets `cmi.completion_status` unknown beside a completed
/// rolled-up objective).
pub fn apply_report(tree: &ActivityTree, state: &mut TreeState, a: ActivityId, report: &Report) {
    let def = tree.definition(a);
    if !def.delivery.tracked {
        return;
    }
    let mut reported = (false, false);
    for (id, values) in &report.objectives {
        let id = same_id(id);
        let position = def
            .objectives
            .iter()
            .position(|o| o.id.as_deref().map(same_id) == Some(id.clone()));
        match position {
            Some(0) => reported = or(reported, rolled_up(tree, state, a, values)),
            Some(k) => set(tree, state, a, k, values),
            None => {}
        }
    }
    reported = or(reported, rolled_up(tree, state, a, &report.primary));
    reported.0 |= completed_by_measure(tree, state, a);
    let s = state.activity_mut(a);
    s.suspended = report.suspend;
    s.completion_reported |= reported.0;
    s.success_reported |= reported.1;
}

fn or(a: (bool, bool), b: (bool, bool)) -> (bool, bool) {
    (a.0 || b.0, a.1 || b.1)
}

/// The rolled-up objective's values, which are the activity's: its completion and
/// progress measure too. Whether completion and success were reported.
fn rolled_up(tree: &ActivityTree, state: &mut TreeState, a: ActivityId, values: &ObjectiveReport) -> (bool, bool) {
    set(tree, state, a, 0, values);
    let completion = values.completion_reported || values.completion.is_some();
    if completion {
        state.set_completion(tree, a, values.completion);
    }
    if values.progress_measure.is_some() {
        state.activity_mut(a).attempt_completion_amount = values.progress_measure;
    }
    (completion, values.success_reported || values.success.is_some())
}

/// An activity completed by measure takes its completion from the progress measure,
/// whichever entry reported it (ADL's CO-10 reports it on the rolled-up objective's
/// `cmi.objectives` entry). Whether it did.
fn completed_by_measure(tree: &ActivityTree, state: &mut TreeState, a: ActivityId) -> bool {
    let threshold = &tree.definition(a).completion_threshold;
    let amount = state.activity(a).attempt_completion_amount;
    match amount.filter(|_| threshold.completed_by_measure) {
        Some(amount) => {
            state.set_completion(tree, a, Some(amount >= threshold.min_progress_measure));
            true
        }
        None => false,
    }
}

/// Sets what `values` knows of objective `k`, keeping what it does not.
fn set(tree: &ActivityTree, state: &mut TreeState, a: ActivityId, k: usize, values: &ObjectiveReport) {
    let mut o: ObjectiveState = state.activity(a).objectives.get(k).cloned().unwrap_or_default();
    if values.success_reported || values.success.is_some() {
        o.progress_status = values.success.is_some();
        o.satisfied_status = values.success.unwrap_or(false);
    }
    if let Some(scaled) = values.scaled {
        o.measure_status = true;
        o.normalized_measure = scaled;
    }
    let keep = |new: Option<f64>, old: Option<f64>| new.or(old);
    o.raw_score = keep(values.raw, o.raw_score);
    o.min_score = keep(values.min, o.min_score);
    o.max_score = keep(values.max, o.max_score);
    o.progress_measure = keep(values.progress_measure, o.progress_measure);
    o.completion = values.completion.or(o.completion);
    let writes = Writes {
        status: values.success_reported || values.success.is_some(),
        measure: values.scaled.is_some(),
        extended: [values.raw, values.min, values.max, values.progress_measure]
            .iter()
            .any(Option::is_some)
            || values.completion.is_some(),
    };
    state.set_objective_with(tree, a, k, o, writes);
}
