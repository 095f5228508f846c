//! Builders the process tests share: small trees and tracking states written inline.

use crate::package::model::sequencing::{
    AdlMapInfo, AdlObjective, Condition, ConditionCombination, ConditionOperator, MapInfo, Objective, Objectives,
    RuleAction, RuleCondition, SequencingRule,
};
use crate::package::model::{Item, Organization, Sequencing};

use super::state::{ActivityState, ObjectiveState, TreeState};
use super::tree::{ActivityId, ActivityTree};

/// An item with a sequencing definition and children.
pub fn item(id: &str, seq: Sequencing, children: Vec<Item>) -> Item {
    let mut item = Item::new(id, id);
    item.sequencing = Some(Box::new(seq));
    item.items = children;
    item
}

/// A leaf without a sequencing definition.
pub fn leaf(id: &str) -> Item {
    Item::new(id, id)
}

/// A tree whose root (`org`) has `seq` and the given items.
pub fn tree(seq: Sequencing, items: Vec<Item>) -> ActivityTree {
    ActivityTree::new(&Organization {
        identifier: "org".into(),
        title: "org".into(),
        implicit: false,
        objectives_global_to_system: true,
        shared_data_global_to_system: true,
        sequencing: Some(Box::new(seq)),
        items,
    })
}

pub fn id(tree: &ActivityTree, identifier: &str) -> ActivityId {
    tree.find(identifier)
        .unwrap_or_else(|| panic!("no activity {identifier}"))
}

/// Changes the tracking state of one activity.
pub fn set(state: &mut TreeState, tree: &ActivityTree, identifier: &str, f: impl FnOnce(&mut ActivityState)) {
    f(state.activity_mut(id(tree, identifier)));
}

/// A known satisfied (or not) rolled-up objective, with a measure when given.
pub fn objective(satisfied: Option<bool>, measure: Option<f64>) -> ObjectiveState {
    ObjectiveState {
        progress_status: satisfied.is_some(),
        satisfied_status: satisfied.unwrap_or(false),
        measure_status: measure.is_some(),
        normalized_measure: measure.unwrap_or(0.0),
        ..ObjectiveState::default()
    }
}

/// Attempted `count` times, completion known (or not).
pub fn progress(s: &mut ActivityState, count: u32, completed: Option<bool>) {
    s.activity_progress_status = count > 0;
    s.attempt_count = count;
    s.attempt_progress_status = completed.is_some();
    s.attempt_completion_status = completed.unwrap_or(false);
}

pub fn cond(condition: Condition, not: bool) -> RuleCondition {
    RuleCondition {
        condition,
        operator: if not {
            ConditionOperator::Not
        } else {
            ConditionOperator::NoOp
        },
        referenced_objective: None,
        measure_threshold: None,
    }
}

pub fn rule(combination: ConditionCombination, conditions: Vec<RuleCondition>, action: RuleAction) -> SequencingRule {
    SequencingRule {
        condition_combination: combination,
        conditions,
        action,
    }
}

/// A definition with flow on (and choice at its default).
pub fn flow_on() -> Sequencing {
    Sequencing {
        control_mode: Some(crate::package::model::sequencing::ControlMode {
            flow: true,
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// A sequencing definition whose primary objective maps to global `g`, reading or
/// writing every status (`imsss:mapInfo`) and every extended value (`adlseq:mapInfo`).
pub fn mapped(g: &str, read: bool, write: bool) -> Sequencing {
    Sequencing {
        objectives: Some(Objectives {
            primary: Some(Objective {
                objective_id: Some("p".into()),
                satisfied_by_measure: false,
                min_normalized_measure: 1.0,
                map_info: vec![MapInfo {
                    target_objective_id: g.into(),
                    read_satisfied_status: read,
                    read_normalized_measure: read,
                    write_satisfied_status: write,
                    write_normalized_measure: write,
                }],
            }),
            others: vec![],
        }),
        adl_objectives: Some(vec![AdlObjective {
            objective_id: "p".into(),
            map_info: vec![AdlMapInfo {
                target_objective_id: g.into(),
                read_raw_score: read,
                read_min_score: read,
                read_max_score: read,
                read_completion_status: read,
                read_progress_measure: read,
                write_raw_score: write,
                write_min_score: write,
                write_max_score: write,
                write_completion_status: write,
                write_progress_measure: write,
                update_attempt_data: false,
            }],
        }]),
        ..Default::default()
    }
}
