//! The activity tree of one organization (SN book, "Activity Tree"), with every
//! sequencing definition element at the value the IMS SS / SCORM 2004 4th edition
//! defaults give it when the manifest leaves it out.

// `activities[n]` takes positions the tree handed out itself (`ActivityTree::new`
// numbers every item, and parents and children hold only those numbers).
#![allow(
    clippy::indexing_slicing,
    reason = "indices are positions in `activities` given out by the tree itself"
)]

use std::collections::HashMap;

use crate::package::model::sequencing::{
    AdlMapInfo, AdlObjective, ConstrainedChoiceConsiderations, ControlMode, DeliveryControls, LimitConditions, MapInfo,
    Objective, RandomizationControls, RollupConsiderations, RollupRequirement, RollupRules, SequencingRules, Timing,
};
use crate::package::model::{CompletionThreshold, Item, Organization, Sequencing};

/// The position of an activity in its tree; the root (the organization) is 0.
pub type ActivityId = usize;

/// One objective of an activity, defaults applied. The rolled-up (primary) objective
/// is always the first of [`Definition::objectives`].
#[derive(Debug, Clone, PartialEq)]
pub struct ObjectiveDef {
    /// `objectiveID`; the primary objective may have none.
    pub id: Option<String>,
    pub satisfied_by_measure: bool,
    pub min_normalized_measure: f64,
    pub maps: Vec<MapInfo>,
    /// The 4th edition's extended maps (`adlseq:objectives`) of this objective.
    pub adl_maps: Vec<AdlMapInfo>,
}

impl ObjectiveDef {
    /// The rolled-up objective an activity has when its manifest defines no primary
    /// objective (SN book, "Objective Description": satisfied by measure false,
    /// minimum normalized measure 1.0, no maps).
    fn implicit() -> Self {
        Self {
            id: None,
            satisfied_by_measure: false,
            min_normalized_measure: 1.0,
            maps: Vec::new(),
            adl_maps: Vec::new(),
        }
    }

    /// Whether any of its maps reads a global objective.
    pub fn reads_global(&self) -> bool {
        self.maps
            .iter()
            .any(|m| m.read_satisfied_status || m.read_normalized_measure)
            || self
                .adl_maps
                .iter()
                .any(|m| m.read_completion_status || m.read_progress_measure)
    }

    /// `extended`: the definition's `adlseq:objectives`, matched by objective ID.
    fn from_model(objective: &Objective, extended: &[AdlObjective]) -> Self {
        let adl_maps = extended
            .iter()
            .filter(|e| objective.objective_id.as_deref().map(same_id) == Some(same_id(&e.objective_id)))
            .flat_map(|e| e.map_info.iter().cloned())
            .map(|mut m| {
                m.target_objective_id = same_id(&m.target_objective_id);
                m
            })
            .collect();
        let maps = objective
            .map_info
            .iter()
            .cloned()
            .map(|mut m| {
                m.target_objective_id = same_id(&m.target_objective_id);
                m
            })
            .collect();
        Self {
            id: objective.objective_id.clone(),
            satisfied_by_measure: objective.satisfied_by_measure,
            min_normalized_measure: objective.min_normalized_measure,
            maps,
            adl_maps,
        }
    }
}

/// An activity's sequencing definition with every default applied.
#[derive(Debug, Clone, PartialEq)]
pub struct Definition {
    pub control_mode: ControlMode,
    pub rules: SequencingRules,
    pub limits: LimitConditions,
    pub rollup: RollupRules,
    pub considerations: RollupConsiderations,
    pub delivery: DeliveryControls,
    pub constrained_choice: ConstrainedChoiceConsiderations,
    pub randomization: RandomizationControls,
    /// The rolled-up objective first, then the others in document order.
    pub objectives: Vec<ObjectiveDef>,
    /// `adlcp:completionThreshold` (4th edition): a cluster that is completed by
    /// measure rolls its progress up from its children's progress measures.
    pub completion_threshold: CompletionThreshold,
}

/// `adlseq:rollupConsiderations` when absent: every child always counts, and a measure
/// satisfies while the activity is active.
pub fn default_considerations() -> RollupConsiderations {
    RollupConsiderations {
        required_for_satisfied: RollupRequirement::Always,
        required_for_not_satisfied: RollupRequirement::Always,
        required_for_completed: RollupRequirement::Always,
        required_for_incomplete: RollupRequirement::Always,
        measure_satisfaction_if_active: true,
    }
}

impl Definition {
    /// Applies the defaults to a manifest's (possibly absent) definition.
    pub fn from_model(seq: Option<&Sequencing>) -> Self {
        let seq = seq.cloned().unwrap_or_default();
        let objectives = seq.objectives.unwrap_or_default();
        let extended = seq.adl_objectives.unwrap_or_default();
        let primary = objectives
            .primary
            .as_ref()
            .map_or_else(ObjectiveDef::implicit, |o| ObjectiveDef::from_model(o, &extended));
        let mut all = vec![primary];
        all.extend(objectives.others.iter().map(|o| ObjectiveDef::from_model(o, &extended)));
        Self {
            control_mode: seq.control_mode.unwrap_or_default(),
            rules: seq.sequencing_rules.unwrap_or_default(),
            limits: seq.limit_conditions.unwrap_or_default(),
            rollup: seq.rollup_rules.unwrap_or_default(),
            considerations: seq.rollup_considerations.unwrap_or_else(default_considerations),
            delivery: seq.delivery_controls.unwrap_or(DeliveryControls {
                tracked: true,
                completion_set_by_content: false,
                objective_set_by_content: false,
            }),
            constrained_choice: seq
                .constrained_choice_considerations
                .unwrap_or(ConstrainedChoiceConsiderations {
                    prevent_activation: false,
                    constrain_choice: false,
                }),
            randomization: seq.randomization_controls.unwrap_or(RandomizationControls {
                randomization_timing: Timing::Never,
                select_count: None,
                reorder_children: false,
                selection_timing: Timing::Never,
            }),
            objectives: all,
            completion_threshold: CompletionThreshold::default(),
        }
    }

    /// The position of the objective a rule condition references: the one whose
    /// `objectiveID` matches, else the rolled-up objective (0).
    pub fn objective_index(&self, referenced: Option<&str>) -> usize {
        let wanted = referenced.map(same_id);
        wanted
            .and_then(|id| {
                self.objectives
                    .iter()
                    .position(|o| o.id.as_deref().map(same_id) == Some(id.clone()))
            })
            .unwrap_or(0)
    }
}

/// An objective ID as ADL's test cases compare them (OB-02a): percent-decoded, with
/// whitespace collapsed as for `xs:anyURI`, so `obj%201` is ` %20obj%20%201 `.
pub fn same_id(id: &str) -> String {
    let bytes = id.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
        match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
            Some(v) if b == b'%' => {
                decoded.push(v);
                i += 3;
            }
            _ => {
                decoded.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&decoded)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// One activity: an item, or the organization at the root.
#[derive(Debug, Clone, PartialEq)]
pub struct Activity {
    pub identifier: String,
    pub parent: Option<ActivityId>,
    /// In document order (selection and randomization are not applied here).
    pub children: Vec<ActivityId>,
    /// A leaf with something to launch.
    pub launchable: bool,
    pub definition: Definition,
}

/// The activity tree of one organization, flattened in document (preorder) order, so
/// that a higher position is later in flow order among leaves.
#[derive(Debug, Clone, PartialEq)]
pub struct ActivityTree {
    activities: Vec<Activity>,
    /// `adlseq:objectivesGlobalToSystem`: when false, global objectives last one
    /// attempt on the course (cleared as the next attempt is sequenced).
    pub objectives_global_to_system: bool,
    /// The clusters above an activity that reads a global objective, deepest first:
    /// what rollup runs again when global objectives change (`rollup.rs`).
    above_readers: Vec<ActivityId>,
    /// Positions by identifier (the first, should a manifest repeat one): a choice
    /// names its target, and the player asks about every activity on each request.
    by_identifier: HashMap<String, ActivityId>,
    /// The global objectives the tree's maps name (normalized ids).
    global_ids: std::collections::BTreeSet<String>,
}

impl ActivityTree {
    pub const ROOT: ActivityId = 0;

    pub fn new(org: &Organization) -> Self {
        let root = Activity {
            identifier: org.identifier.clone(),
            parent: None,
            children: Vec::new(),
            launchable: false,
            definition: Definition::from_model(org.sequencing.as_deref()),
        };
        let mut tree = Self {
            activities: vec![root],
            objectives_global_to_system: org.objectives_global_to_system,
            above_readers: Vec::new(),
            by_identifier: HashMap::new(),
            global_ids: std::collections::BTreeSet::new(),
        };
        for item in &org.items {
            tree.add(item, Self::ROOT);
        }
        for (a, activity) in tree.activities.iter().enumerate() {
            tree.by_identifier.entry(activity.identifier.clone()).or_insert(a);
        }
        let above: std::collections::BTreeSet<ActivityId> = tree
            .activities
            .iter()
            .filter(|a| a.definition.objectives.iter().any(ObjectiveDef::reads_global))
            .filter_map(|a| a.parent)
            .flat_map(|p| tree.path_to_root(p))
            .collect();
        // Positions are preorder, so a higher one is never an ancestor of a lower one.
        tree.above_readers = above.into_iter().rev().collect();
        let defs = tree.activities.iter().flat_map(|a| &a.definition.objectives);
        tree.global_ids = defs
            .flat_map(|o| {
                let maps = o.maps.iter().map(|m| m.target_objective_id.clone());
                maps.chain(o.adl_maps.iter().map(|m| m.target_objective_id.clone()))
            })
            .collect();
        tree
    }

    /// The global objectives the tree's maps name (normalized ids).
    pub fn global_ids(&self) -> &std::collections::BTreeSet<String> {
        &self.global_ids
    }

    /// The clusters above an activity that reads a global objective, deepest first.
    pub fn above_readers(&self) -> &[ActivityId] {
        &self.above_readers
    }

    fn add(&mut self, item: &Item, parent: ActivityId) {
        let index = self.activities.len();
        self.activities.push(Activity {
            identifier: item.identifier.clone(),
            parent: Some(parent),
            children: Vec::new(),
            launchable: item.launch.is_some(),
            definition: Definition {
                completion_threshold: item.completion_threshold.clone().unwrap_or_default(),
                ..Definition::from_model(item.sequencing.as_deref())
            },
        });
        self.activities[parent].children.push(index);
        for child in &item.items {
            self.add(child, index);
        }
    }

    pub fn len(&self) -> usize {
        self.activities.len()
    }

    pub fn is_empty(&self) -> bool {
        self.activities.is_empty()
    }

    /// Every activity with its position, in preorder.
    pub fn iter(&self) -> impl Iterator<Item = (ActivityId, &Activity)> {
        self.activities.iter().enumerate()
    }

    /// The activity at a position the tree gave out.
    pub fn get(&self, a: ActivityId) -> &Activity {
        &self.activities[a]
    }

    pub fn find(&self, identifier: &str) -> Option<ActivityId> {
        self.by_identifier.get(identifier).copied()
    }

    pub fn is_leaf(&self, a: ActivityId) -> bool {
        self.activities[a].children.is_empty()
    }

    pub fn parent(&self, a: ActivityId) -> Option<ActivityId> {
        self.activities[a].parent
    }

    pub fn children(&self, a: ActivityId) -> &[ActivityId] {
        &self.activities[a].children
    }

    pub fn definition(&self, a: ActivityId) -> &Definition {
        &self.activities[a].definition
    }

    /// `a` and its ancestors up to the root, `a` first.
    pub fn path_to_root(&self, a: ActivityId) -> Vec<ActivityId> {
        std::iter::successors(Some(a), |&n| self.parent(n)).collect()
    }
}
