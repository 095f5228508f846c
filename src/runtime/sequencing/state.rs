//! The tracking model of the SN book: activity state and objective state (local, and
//! global objectives by target ID), serializable so a registration can keep it. How
//! objectives are read and written through their maps is in `objectives.rs`.

// `activities[a]` and `objectives[k]` take positions of the tree the state was built
// for: `TreeState::new` makes one entry per activity and objective, and `fits` checks a
// restored state before any process reads it.
#![allow(
    clippy::indexing_slicing,
    reason = "positions come from the tree the state was built for (see `fits`)"
)]

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::timing::Timing;
use super::tree::{ActivityId, ActivityTree};

/// Whether a number is zero (its default: the stored state leaves defaults out, which
/// keeps a 1,000-activity course's state small to read and write on every request).
fn is_zero<T: Default + PartialEq>(n: &T) -> bool {
    *n == T::default()
}

/// Objective progress information (SN book, "Objective Progress Information").
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectiveState {
    /// Objective Progress Status: whether the satisfied status is known.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub progress_status: bool,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub satisfied_status: bool,
    /// Objective Measure Status: whether the normalized measure is known.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub measure_status: bool,
    /// -1.0 to 1.0.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub normalized_measure: f64,
    /// The 4th edition's extended objective information (`adlseq:objectives` maps and
    /// `cmi.objectives.n`): unknown when `None`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raw_score: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_score: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_score: Option<f64>,
    /// Completed (`true`) or incomplete (`false`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completion: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub progress_measure: Option<f64>,
}

/// Activity and attempt progress information of one activity.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ActivityState {
    /// The activity's identifier, so a stored state names what it tracks.
    pub identifier: String,
    /// Activity Progress Status: whether the activity has progress information.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub activity_progress_status: bool,
    /// Activity Attempt Count (attempts begun, including the current one).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub attempt_count: u32,
    /// Attempt Progress Status: whether the completion status is known.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub attempt_progress_status: bool,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub attempt_completion_status: bool,
    /// Activity is Active.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub active: bool,
    /// Activity is Suspended.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub suspended: bool,
    /// The parent's attempt count when this activity's current attempt began: rollup
    /// tells this attempt's children from those of an earlier attempt by it.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub attempt_of_parent: u32,
    /// Attempt Completion Amount (`cmi.progress_measure`), unknown when `None`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attempt_completion_amount: Option<f64>,
    /// The content reported a completion status this attempt (`unknown` included), so
    /// the end of the attempt leaves it as reported (UP.4 step 1.1.1.1.1, as ADL's
    /// test cases have it).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub completion_reported: bool,
    /// The same for the success status (UP.4 step 1.1.1.1.2).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub success_reported: bool,
    /// One per objective of the definition, the rolled-up objective first.
    pub objectives: Vec<ObjectiveState>,
    /// When its attempts began, ended and lay suspended (`timing.rs`).
    #[serde(default, skip_serializing_if = "Timing::is_unset")]
    pub timing: Timing,
    /// The children selection and randomization left, in their order [SR.1, SR.2];
    /// `None` while they have not run: every child, in document order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub available_children: Option<Vec<ActivityId>>,
}

/// The tracking state of one tree for one registration.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TreeState {
    /// One per activity, in the tree's order.
    pub activities: Vec<ActivityState>,
    /// Global (shared) objectives by target objective ID.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub globals: BTreeMap<String, ObjectiveState>,
    /// The time of the request being sequenced (ms since the epoch), which durations
    /// and time limits are measured at; not kept: each request sets its own.
    #[serde(skip)]
    pub now_ms: Option<i64>,
}

impl TreeState {
    /// The state before any attempt: nothing known.
    pub fn new(tree: &ActivityTree) -> Self {
        let activities = tree
            .iter()
            .map(|(_, a)| ActivityState {
                identifier: a.identifier.clone(),
                objectives: vec![ObjectiveState::default(); a.definition.objectives.len()],
                ..ActivityState::default()
            })
            .collect();
        Self {
            activities,
            globals: BTreeMap::new(),
            now_ms: None,
        }
    }

    /// Whether a (restored) state has the shape of `tree`: one entry per activity with
    /// the same identifier and one per objective. Processes only run on states that fit.
    pub fn fits(&self, tree: &ActivityTree) -> bool {
        self.activities.len() == tree.len()
            && self
                .activities
                .iter()
                .zip(tree.iter())
                .all(|(s, (_, a))| s.identifier == a.identifier && s.objectives.len() == a.definition.objectives.len())
    }

    pub fn activity(&self, a: ActivityId) -> &ActivityState {
        &self.activities[a]
    }

    pub fn activity_mut(&mut self, a: ActivityId) -> &mut ActivityState {
        &mut self.activities[a]
    }

    /// The children of `a` that selection and randomization left, in their order.
    pub fn children<'t>(&'t self, tree: &'t ActivityTree, a: ActivityId) -> &'t [ActivityId] {
        self.activities[a]
            .available_children
            .as_deref()
            .unwrap_or_else(|| tree.children(a))
    }
}
