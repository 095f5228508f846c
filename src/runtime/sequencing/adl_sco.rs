//! For the ADL replay (`adl_replay_tests.rs`): what a SCO's run-time data looks like to
//! sequencing. The values the LMS initialises at launch (read from the tracking state,
//! global objectives included), the values the SCO sets, and at Terminate the report
//! the engine applies, with `completion_threshold` and `scaled_passing_score`
//! evaluated as the run-time would (RTE book 4.2.4, 4.2.22).

use std::collections::BTreeMap;

use crate::package::model::{CompletionThreshold, Item};

use super::overall::Sequencer;
use super::report::{ObjectiveReport, Report};
use super::tree::{ActivityId, ActivityTree, same_id};

/// One launch of a SCO.
pub struct Sco {
    /// `cmi.objectives.n.id` by n.
    ids: Vec<String>,
    /// Initialised values, by element (objective elements as `cmi.objectives.<id>.<name>`).
    initial: BTreeMap<String, String>,
    /// What the SCO set, same keys.
    set: BTreeMap<String, String>,
    pub entry: &'static str,
    threshold: Option<CompletionThreshold>,
    passing_score: Option<f64>,
}

fn success(known: bool, passed: bool) -> String {
    match (known, passed) {
        (false, _) => "unknown",
        (true, true) => "passed",
        (true, false) => "failed",
    }
    .to_owned()
}

fn completion(c: Option<bool>) -> String {
    match c {
        None => "unknown",
        Some(true) => "completed",
        Some(false) => "incomplete",
    }
    .to_owned()
}

impl Sco {
    /// The run-time data at launch of `a` (`item` its manifest item).
    pub fn launch(tree: &ActivityTree, seq: &Sequencer, a: ActivityId, item: &Item, entry: &'static str) -> Self {
        let def = tree.definition(a);
        let mut sco = Self {
            ids: Vec::new(),
            initial: BTreeMap::new(),
            set: BTreeMap::new(),
            entry,
            threshold: item.completion_threshold.clone(),
            passing_score: def
                .objectives
                .first()
                .filter(|o| o.satisfied_by_measure)
                .map(|o| o.min_normalized_measure),
        };
        let primary = seq.state.objective(tree, a, 0);
        sco.init(
            "cmi.success_status",
            success(primary.progress_status, primary.satisfied_status),
        );
        sco.init("cmi.completion_status", completion(seq.state.completion(tree, a)));
        for (k, o) in def.objectives.iter().enumerate() {
            let Some(id) = o.id.as_deref().map(same_id) else {
                continue;
            };
            let view = seq.state.objective(tree, a, k);
            let key = |name: &str| format!("cmi.objectives.{id}.{name}");
            sco.init(
                &key("success_status"),
                success(view.progress_status, view.satisfied_status),
            );
            sco.init(&key("completion_status"), completion(view.completion));
            let numbers = [
                ("score.scaled", view.measure_status.then_some(view.normalized_measure)),
                ("score.raw", view.raw_score),
                ("score.min", view.min_score),
                ("score.max", view.max_score),
                ("progress_measure", view.progress_measure),
            ];
            for (name, value) in numbers {
                sco.init(&key(name), value.map(|v| v.to_string()).unwrap_or_default());
            }
            sco.ids.push(id);
        }
        sco
    }

    fn init(&mut self, key: &str, value: String) {
        self.initial.insert(key.to_owned(), value);
    }

    /// What the SCO set, to be offered at its next launch: an untracked activity keeps
    /// no tracking state, so its run-time data is all it has (ADL's OB-14b).
    pub fn kept(&self) -> BTreeMap<String, String> {
        self.set.clone()
    }

    /// Offers the data an earlier session of an untracked activity kept, where global
    /// objectives give nothing.
    pub fn restore(&mut self, kept: &BTreeMap<String, String>) {
        for (key, value) in kept {
            let known = self.initial.get(key).is_some_and(|v| !v.is_empty() && v != "unknown");
            if !known {
                self.initial.insert(key.clone(), value.clone());
            }
        }
    }

    /// `cmi.objectives.3.x` or `cmi.objectives.{id=o}.x` → `cmi.objectives.o.x`; other
    /// elements as they are. `None` for an index with no id yet.
    fn key(&self, element: &str) -> Option<String> {
        let Some(rest) = element.strip_prefix("cmi.objectives.") else {
            return Some(element.to_owned());
        };
        let (index, name) = rest.split_once('.')?;
        let id = match index.strip_prefix("{id=").and_then(|i| i.strip_suffix('}')) {
            Some(id) => id.to_owned(),
            None => self.ids.get(index.parse::<usize>().ok()?)?.clone(),
        };
        Some(format!("cmi.objectives.{id}.{name}"))
    }

    pub fn set(&mut self, element: &str, value: &str) {
        if let Some(n) = element
            .strip_prefix("cmi.objectives.")
            .and_then(|r| r.strip_suffix(".id"))
            .and_then(|n| n.parse::<usize>().ok())
        {
            if n >= self.ids.len() {
                self.ids.push(value.to_owned());
            }
            return;
        }
        if let Some(key) = self.key(element) {
            self.set.insert(key, value.to_owned());
        }
    }

    /// The value a GetValue of `element` answers from the launch data, or `None` when
    /// the SCO set it itself (reading back is the data model's business) or it is unknown.
    pub fn initial(&self, element: &str) -> Option<String> {
        let key = self.key(element)?;
        if self.set.contains_key(&key) {
            return None;
        }
        self.initial.get(&key).cloned()
    }

    pub fn value(&self, element: &str) -> Option<&str> {
        self.set.get(element).map(String::as_str)
    }

    fn number(&self, key: &str) -> Option<f64> {
        self.set.get(key).and_then(|v| v.parse().ok())
    }

    fn objective(&self, prefix: &str) -> ObjectiveReport {
        let status = |name: &str| self.set.get(&format!("{prefix}{name}")).map(String::as_str);
        ObjectiveReport {
            success: match status("success_status") {
                Some("passed") => Some(true),
                Some("failed") => Some(false),
                _ => None,
            },
            scaled: self.number(&format!("{prefix}score.scaled")),
            raw: self.number(&format!("{prefix}score.raw")),
            min: self.number(&format!("{prefix}score.min")),
            max: self.number(&format!("{prefix}score.max")),
            completion: match status("completion_status") {
                Some("completed") => Some(true),
                Some("incomplete" | "not attempted") => Some(false),
                _ => None,
            },
            progress_measure: self.number(&format!("{prefix}progress_measure")),
            success_reported: status("success_status").is_some(),
            completion_reported: status("completion_status").is_some(),
        }
    }

    /// The report at Terminate, the thresholds applied to the SCO's own status.
    pub fn report(&self) -> Report {
        let mut primary = self.objective("cmi.");
        if let Some(t) = self.threshold.as_ref().filter(|t| t.completed_by_measure) {
            primary.completion = primary.progress_measure.map(|pm| pm >= t.min_progress_measure);
        }
        if let Some(sps) = self.passing_score {
            primary.success = primary.scaled.map(|s| s >= sps);
        }
        let objectives = self
            .ids
            .iter()
            .map(|id| (id.clone(), self.objective(&format!("cmi.objectives.{id}."))))
            .collect();
        Report {
            primary,
            objectives,
            // Exiting everything ends the attempt however the SCO exits (ADL's OB-03b
            // sets cmi.exit suspend beside an exitAll request).
            suspend: self.value("cmi.exit") == Some("suspend") && self.value("adl.nav.request") != Some("exitAll"),
        }
    }
}
