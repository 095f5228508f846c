//! Objectives as the processes read and write them: the local status with what the
//! objective's maps read from global objectives (`imsss:mapInfo`, and the 4th
//! edition's `adlseq:mapInfo` for scores, completion and progress measure), and writes
//! carried through the same maps.

// `activities[a]` and `objectives[k]` take positions of the tree the state was built
// for (see `TreeState::fits`).
#![allow(
    clippy::indexing_slicing,
    reason = "positions come from the tree the state was built for (see `TreeState::fits`)"
)]

use crate::package::model::sequencing::AdlMapInfo;

use super::state::{ObjectiveState, TreeState};
use super::tree::{ActivityId, ActivityTree};

impl TreeState {
    /// Objective `k` of activity `a` as the processes read it: the local status, with
    /// what the objective's maps read from global objectives (`readSatisfiedStatus`,
    /// `readNormalizedMeasure`) in its place. A global objective nothing has written
    /// reads as unknown: ADL's test cases (CM-13) have a read map hide the local status.
    pub fn objective(&self, tree: &ActivityTree, a: ActivityId, k: usize) -> ObjectiveState {
        self.objective_over(tree, a, k, self.activities[a].objectives[k].clone())
    }

    /// [`Self::objective`] over the given local status instead of the stored one.
    pub fn objective_over(
        &self,
        tree: &ActivityTree,
        a: ActivityId,
        k: usize,
        local: ObjectiveState,
    ) -> ObjectiveState {
        let mut view = local;
        let Some(def) = tree.definition(a).objectives.get(k) else {
            return view;
        };
        let unknown = ObjectiveState::default();
        for map in &def.maps {
            let global = self.globals.get(&map.target_objective_id).unwrap_or(&unknown);
            if map.read_satisfied_status {
                view.progress_status = global.progress_status;
                view.satisfied_status = global.satisfied_status;
            }
            if map.read_normalized_measure {
                view.measure_status = global.measure_status;
                view.normalized_measure = global.normalized_measure;
            }
        }
        for map in &def.adl_maps {
            if let Some(global) = self.globals.get(&map.target_objective_id) {
                read_extended(&mut view, global, map);
            }
        }
        // An objective satisfied by measure is satisfied by the measure it reads
        // (ADL's SX-10b: a read satisfied status nobody writes does not hide it), but
        // not while the activity is active unless `measureSatisfactionIfActive` [RB.1.2 a].
        let considered = !self.activities[a].active || tree.definition(a).considerations.measure_satisfaction_if_active;
        // Without a measure it is unknown, whatever satisfied status it reads (OB-05b).
        if def.satisfied_by_measure && considered {
            view.progress_status = view.measure_status;
            view.satisfied_status = view.measure_status && view.normalized_measure >= def.min_normalized_measure;
        }
        view
    }

    /// Sets objective `k` of activity `a` and writes it through the objective's maps
    /// (`writeSatisfiedStatus`, `writeNormalizedMeasure`) to the global objectives.
    pub fn set_objective(&mut self, tree: &ActivityTree, a: ActivityId, k: usize, value: ObjectiveState) {
        self.set_objective_with(tree, a, k, value, Writes::ALL);
    }

    /// [`Self::set_objective`] writing to global objectives only the parts in `writes`:
    /// what content did not report keeps the global's value (ADL's OB-17a: a new
    /// attempt's unknown local status must not clear what another activity wrote).
    pub fn set_objective_with(
        &mut self,
        tree: &ActivityTree,
        a: ActivityId,
        k: usize,
        value: ObjectiveState,
        writes: Writes,
    ) {
        let mut value = value;
        let mut writes = writes;
        let considered = !self.activities[a].active || tree.definition(a).considerations.measure_satisfaction_if_active;
        if let Some(def) = tree.definition(a).objectives.get(k) {
            // An objective satisfied by measure gets its status from a known measure
            // before it is kept or written (ADL's OB-13c writes one that is not primary).
            if def.satisfied_by_measure && value.measure_status && considered {
                value.progress_status = true;
                value.satisfied_status = value.normalized_measure >= def.min_normalized_measure;
                writes.status |= writes.measure;
            }
            for map in &def.maps {
                let global = self.globals.entry(map.target_objective_id.clone()).or_default();
                if map.write_satisfied_status && writes.status {
                    global.progress_status = value.progress_status;
                    global.satisfied_status = value.satisfied_status;
                }
                if map.write_normalized_measure && writes.measure {
                    global.measure_status = value.measure_status;
                    global.normalized_measure = value.normalized_measure;
                }
            }
            for map in def.adl_maps.iter().filter(|_| writes.extended) {
                let global = self.globals.entry(map.target_objective_id.clone()).or_default();
                write_extended(global, &value, map);
            }
        }
        self.activities[a].objectives[k] = value;
    }

    /// The attempt's completion of `a` as the processes read it: completed (`true`),
    /// incomplete (`false`) or unknown. The rolled-up objective's extended maps may read
    /// it (`readCompletionStatus`) and the progress measure (`readProgressMeasure`) from
    /// global objectives; an activity completed by measure is judged by the measure it
    /// reads (ADL's CO-02a), like an objective satisfied by measure.
    pub fn completion(&self, tree: &ActivityTree, a: ActivityId) -> Option<bool> {
        let s = &self.activities[a];
        let local = s.attempt_progress_status.then_some(s.attempt_completion_status);
        self.completion_over(tree, a, local, s.attempt_completion_amount)
    }

    /// [`Self::completion`] over the given local completion and progress measure.
    pub fn completion_over(
        &self,
        tree: &ActivityTree,
        a: ActivityId,
        local: Option<bool>,
        local_amount: Option<f64>,
    ) -> Option<bool> {
        let def = tree.definition(a);
        let maps = || def.objectives.first().into_iter().flat_map(|o| &o.adl_maps);
        let global = |m: &AdlMapInfo| self.globals.get(&m.target_objective_id);
        let amount = maps()
            .filter(|m| m.read_progress_measure)
            .find_map(|m| global(m).and_then(|g| g.progress_measure))
            .or(local_amount);
        let threshold = &def.completion_threshold;
        if let Some(amount) = amount.filter(|_| threshold.completed_by_measure) {
            return Some(amount >= threshold.min_progress_measure);
        }
        maps()
            .filter(|m| m.read_completion_status)
            .find_map(|m| global(m).and_then(|g| g.completion))
            .or(local)
    }

    /// Sets the attempt's completion of `a`, kept on its rolled-up objective too so the
    /// extended maps (`writeCompletionStatus`) carry it to global objectives.
    pub fn set_completion(&mut self, tree: &ActivityTree, a: ActivityId, completion: Option<bool>) {
        let s = &mut self.activities[a];
        s.attempt_progress_status = completion.is_some();
        s.attempt_completion_status = completion.unwrap_or(false);
        let mut primary = self.activities[a].objectives[0].clone();
        primary.completion = completion;
        let writes = Writes {
            status: false,
            measure: false,
            extended: true,
        };
        self.set_objective_with(tree, a, 0, primary, writes);
    }
}

/// Which parts of an objective a write carries to global objectives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Writes {
    /// Satisfied status (`writeSatisfiedStatus`).
    pub status: bool,
    /// Normalized measure (`writeNormalizedMeasure`).
    pub measure: bool,
    /// Scores, completion, progress measure (`adlseq:mapInfo`).
    pub extended: bool,
}

impl Writes {
    pub const ALL: Self = Self {
        status: true,
        measure: true,
        extended: true,
    };
}

/// `adlseq:mapInfo` reads (4th edition): each known global value the map reads
/// replaces the local one.
fn read_extended(view: &mut ObjectiveState, global: &ObjectiveState, map: &AdlMapInfo) {
    let pick = |read: bool, local: &mut Option<f64>, global: Option<f64>| {
        if read && global.is_some() {
            *local = global;
        }
    };
    pick(map.read_raw_score, &mut view.raw_score, global.raw_score);
    pick(map.read_min_score, &mut view.min_score, global.min_score);
    pick(map.read_max_score, &mut view.max_score, global.max_score);
    pick(
        map.read_progress_measure,
        &mut view.progress_measure,
        global.progress_measure,
    );
    if map.read_completion_status && global.completion.is_some() {
        view.completion = global.completion;
    }
}

/// `adlseq:mapInfo` writes (4th edition).
fn write_extended(global: &mut ObjectiveState, value: &ObjectiveState, map: &AdlMapInfo) {
    if map.write_raw_score {
        global.raw_score = value.raw_score;
    }
    if map.write_min_score {
        global.min_score = value.min_score;
    }
    if map.write_max_score {
        global.max_score = value.max_score;
    }
    if map.write_completion_status {
        global.completion = value.completion;
    }
    if map.write_progress_measure {
        global.progress_measure = value.progress_measure;
    }
}
