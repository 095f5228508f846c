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
    /// The content set the success status, `unknown` included (which then clears it).
    pub success_reported: bool,
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
    /// The SCO set `cmi.completion_status` / `cmi.success_status` at all, `unknown`
    /// included: the end of the attempt then applies no default.
    pub completion_reported: bool,
    pub success_reported: bool,
}

/// Applies `report` to activity `a`'s tracking state (untracked activities keep none).
/// A `cmi.objectives` entry whose id is the primary objective's sets the primary.
pub fn apply_report(tree: &ActivityTree, state: &mut TreeState, a: ActivityId, report: &Report) {
    let def = tree.definition(a);
    if !def.delivery.tracked {
        return;
    }
    let mut completion_reported = report.completion_reported;
    let mut success_reported = report.success_reported;
    for (id, values) in &report.objectives {
        let id = same_id(id);
        let Some(k) = def
            .objectives
            .iter()
            .position(|o| o.id.as_deref().map(same_id) == Some(id.clone()))
        else {
            continue;
        };
        set(tree, state, a, k, values);
        // The rolled-up objective's entry speaks for the activity (ADL's CO-02b).
        if k == 0 {
            if values.completion.is_some() {
                state.set_completion(tree, a, values.completion);
                completion_reported = true;
            }
            if values.progress_measure.is_some() {
                state.activity_mut(a).attempt_completion_amount = values.progress_measure;
            }
            success_reported |= values.success_reported || values.success.is_some();
        }
    }
    // The SCO's own status comes last and wins, an explicit unknown included (ADL's
    // CO-13a sets cmi.completion_status unknown beside a completed primary objective).
    set(tree, state, a, 0, &report.primary);
    if report.completion_reported || report.primary.completion.is_some() {
        state.set_completion(tree, a, report.primary.completion);
    }
    if report.success_reported && report.primary.success.is_none() {
        let mut primary = state.activity(a).objectives.first().cloned().unwrap_or_default();
        primary.progress_status = false;
        state.set_objective(tree, a, 0, primary);
    }
    if report.primary.progress_measure.is_some() {
        state.activity_mut(a).attempt_completion_amount = report.primary.progress_measure;
    }
    // Completed by measure: the progress measure decides, whichever entry reported it
    // (ADL's CO-10 reports it on the primary objective's cmi.objectives entry).
    let threshold = &def.completion_threshold;
    if let Some(amount) = state
        .activity(a)
        .attempt_completion_amount
        .filter(|_| threshold.completed_by_measure)
    {
        state.set_completion(tree, a, Some(amount >= threshold.min_progress_measure));
        completion_reported = true;
    }
    let s = state.activity_mut(a);
    s.suspended = report.suspend;
    s.completion_reported |= completion_reported;
    s.success_reported |= success_reported;
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
