//! IMS Simple Sequencing with ADL's extensions, as SCORM 2004 manifests define it, kept
//! whole for the sequencing engine. Each child element of `<imsss:sequencing>` is an
//! `Option` (or list): absent means "not defined here", so a collection entry referenced
//! through `IDRef` can fill it in, and the engine applies the defaults. Attributes inside
//! a present element carry their schema defaults already.

use serde::{Deserialize, Serialize};

/// One `<imsss:sequencing>` definition.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Sequencing {
    /// The `sequencingCollection` entry this definition was combined with.
    #[serde(default, rename = "idRef", skip_serializing_if = "Option::is_none")]
    pub id_ref: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub control_mode: Option<ControlMode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sequencing_rules: Option<SequencingRules>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit_conditions: Option<LimitConditions>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rollup_rules: Option<RollupRules>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub objectives: Option<Objectives>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub randomization_controls: Option<RandomizationControls>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery_controls: Option<DeliveryControls>,
    /// `adlseq:constrainedChoiceConsiderations`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub constrained_choice_considerations: Option<ConstrainedChoiceConsiderations>,
    /// `adlseq:rollupConsiderations`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rollup_considerations: Option<RollupConsiderations>,
    /// `adlseq:objectives`: extended maps (scores, completion, progress) per objective.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adl_objectives: Option<Vec<AdlObjective>>,
}

impl Sequencing {
    /// Combines a definition with the collection entry it references: elements defined
    /// locally win, the referenced entry fills in the rest.
    pub fn fill_from(&mut self, referenced: &Sequencing) {
        fn fill<T: Clone>(local: &mut Option<T>, referenced: &Option<T>) {
            if local.is_none() {
                local.clone_from(referenced);
            }
        }
        fill(&mut self.control_mode, &referenced.control_mode);
        fill(&mut self.sequencing_rules, &referenced.sequencing_rules);
        fill(&mut self.limit_conditions, &referenced.limit_conditions);
        fill(&mut self.rollup_rules, &referenced.rollup_rules);
        fill(&mut self.objectives, &referenced.objectives);
        fill(&mut self.randomization_controls, &referenced.randomization_controls);
        fill(&mut self.delivery_controls, &referenced.delivery_controls);
        fill(
            &mut self.constrained_choice_considerations,
            &referenced.constrained_choice_considerations,
        );
        fill(&mut self.rollup_considerations, &referenced.rollup_considerations);
        fill(&mut self.adl_objectives, &referenced.adl_objectives);
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ControlMode {
    pub choice: bool,
    pub choice_exit: bool,
    pub flow: bool,
    pub forward_only: bool,
    pub use_current_attempt_objective_info: bool,
    pub use_current_attempt_progress_info: bool,
}

impl Default for ControlMode {
    fn default() -> Self {
        Self {
            choice: true,
            choice_exit: true,
            flow: false,
            forward_only: false,
            use_current_attempt_objective_info: true,
            use_current_attempt_progress_info: true,
        }
    }
}

/// Pre-, exit- and post-condition rules, each list in document order.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SequencingRules {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pre_condition: Vec<SequencingRule>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exit_condition: Vec<SequencingRule>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub post_condition: Vec<SequencingRule>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SequencingRule {
    /// How the conditions combine (default `all`).
    pub condition_combination: ConditionCombination,
    pub conditions: Vec<RuleCondition>,
    pub action: RuleAction,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RuleCondition {
    pub condition: Condition,
    /// `noOp` (default) or `not`.
    pub operator: ConditionOperator,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referenced_objective: Option<String>,
    /// For the measure comparisons, -1.0 to 1.0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measure_threshold: Option<f64>,
}

vocabulary! {
    ConditionCombination { All = "all", Any = "any" }
}

vocabulary! {
    ConditionOperator { NoOp = "noOp", Not = "not" }
}

vocabulary! {
    /// A rule or rollup condition (rollup rules use the subset without measure comparisons).
    Condition {
        Satisfied = "satisfied",
        ObjectiveStatusKnown = "objectiveStatusKnown",
        ObjectiveMeasureKnown = "objectiveMeasureKnown",
        ObjectiveMeasureGreaterThan = "objectiveMeasureGreaterThan",
        ObjectiveMeasureLessThan = "objectiveMeasureLessThan",
        Completed = "completed",
        ActivityProgressKnown = "activityProgressKnown",
        Attempted = "attempted",
        AttemptLimitExceeded = "attemptLimitExceeded",
        TimeLimitExceeded = "timeLimitExceeded",
        OutsideAvailableTimeRange = "outsideAvailableTimeRange",
        Always = "always",
    }
}

vocabulary! {
    /// The action of a pre- (skip … stopForwardTraversal), exit- (exit) or post-condition
    /// rule (exitParent … previous).
    RuleAction {
        Skip = "skip",
        Disabled = "disabled",
        HiddenFromChoice = "hiddenFromChoice",
        StopForwardTraversal = "stopForwardTraversal",
        Exit = "exit",
        ExitParent = "exitParent",
        ExitAll = "exitAll",
        Retry = "retry",
        RetryAll = "retryAll",
        Continue = "continue",
        Previous = "previous",
    }
}

/// `<imsss:limitConditions>`; durations as written (ISO 8601), times as written.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LimitConditions {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attempt_limit: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attempt_absolute_duration_limit: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attempt_experienced_duration_limit: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub activity_absolute_duration_limit: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub activity_experienced_duration_limit: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub begin_time_limit: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_time_limit: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RollupRules {
    pub rollup_objective_satisfied: bool,
    pub rollup_progress_completion: bool,
    pub objective_measure_weight: f64,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<RollupRule>,
}

impl Default for RollupRules {
    fn default() -> Self {
        Self {
            rollup_objective_satisfied: true,
            rollup_progress_completion: true,
            objective_measure_weight: 1.0,
            rules: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RollupRule {
    pub child_activity_set: ChildActivitySet,
    pub minimum_count: u32,
    pub minimum_percent: f64,
    /// How the conditions combine (default `any` for rollup rules).
    pub condition_combination: ConditionCombination,
    pub conditions: Vec<RollupCondition>,
    pub action: RollupAction,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RollupCondition {
    pub condition: Condition,
    pub operator: ConditionOperator,
}

vocabulary! {
    ChildActivitySet {
        All = "all",
        Any = "any",
        None = "none",
        AtLeastCount = "atLeastCount",
        AtLeastPercent = "atLeastPercent",
    }
}

vocabulary! {
    RollupAction {
        Satisfied = "satisfied",
        NotSatisfied = "notSatisfied",
        Completed = "completed",
        Incomplete = "incomplete",
    }
}

/// `<imsss:objectives>`: the primary objective and the others.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Objectives {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary: Option<Objective>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub others: Vec<Objective>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Objective {
    /// Optional on the primary objective only.
    #[serde(default, rename = "objectiveID", skip_serializing_if = "Option::is_none")]
    pub objective_id: Option<String>,
    pub satisfied_by_measure: bool,
    pub min_normalized_measure: f64,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub map_info: Vec<MapInfo>,
}

/// `<imsss:mapInfo>`: how a local objective reads and writes a global one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MapInfo {
    #[serde(rename = "targetObjectiveID")]
    pub target_objective_id: String,
    pub read_satisfied_status: bool,
    pub read_normalized_measure: bool,
    pub write_satisfied_status: bool,
    pub write_normalized_measure: bool,
}

/// `<adlseq:objective>`: ADL's extended maps for one objective.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AdlObjective {
    #[serde(rename = "objectiveID")]
    pub objective_id: String,
    pub map_info: Vec<AdlMapInfo>,
}

/// `<adlseq:mapInfo>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AdlMapInfo {
    #[serde(rename = "targetObjectiveID")]
    pub target_objective_id: String,
    pub read_raw_score: bool,
    pub read_min_score: bool,
    pub read_max_score: bool,
    pub read_completion_status: bool,
    pub read_progress_measure: bool,
    pub write_raw_score: bool,
    pub write_min_score: bool,
    pub write_max_score: bool,
    pub write_completion_status: bool,
    pub write_progress_measure: bool,
    pub update_attempt_data: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RandomizationControls {
    pub randomization_timing: Timing,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub select_count: Option<u32>,
    pub reorder_children: bool,
    pub selection_timing: Timing,
}

vocabulary! {
    /// When selection or randomization happens.
    Timing { Never = "never", Once = "once", OnEachNewAttempt = "onEachNewAttempt" }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryControls {
    pub tracked: bool,
    pub completion_set_by_content: bool,
    pub objective_set_by_content: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConstrainedChoiceConsiderations {
    pub prevent_activation: bool,
    pub constrain_choice: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RollupConsiderations {
    pub required_for_satisfied: RollupRequirement,
    pub required_for_not_satisfied: RollupRequirement,
    pub required_for_completed: RollupRequirement,
    pub required_for_incomplete: RollupRequirement,
    pub measure_satisfaction_if_active: bool,
}

vocabulary! {
    /// When a child counts in rollup.
    RollupRequirement {
        Always = "always",
        IfAttempted = "ifAttempted",
        IfNotSkipped = "ifNotSkipped",
        IfNotSuspended = "ifNotSuspended",
    }
}
