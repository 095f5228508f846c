//! `<imsss:sequencing>` (IMS Simple Sequencing plus ADL's `adlseq:` extensions) into
//! [`Sequencing`]. Attributes absent from a present element take the schema defaults.

use super::values::{boolean, count, decimal, flag, optional, required, required_token, token};
use super::xml::{Element, Ns, Xml};
use crate::package::PackageError;
use crate::package::model::sequencing::*;

type Result<T> = std::result::Result<T, PackageError>;

/// One `<imsss:sequencing>` element, with its `ID` (set in a sequencing collection).
pub(super) struct Parsed {
    pub id: Option<String>,
    pub sequencing: Sequencing,
}

/// Lowercased local name, when the element is in `ns`.
fn local(el: &Element, ns: Ns) -> Option<String> {
    (el.ns == ns).then(|| el.name.to_ascii_lowercase())
}

pub(super) fn parse(x: &mut Xml<'_>, el: &Element) -> Result<Parsed> {
    let mut seq = Sequencing {
        id_ref: optional(el.attr("IDRef")),
        ..Sequencing::default()
    };
    x.each_child(el, |x, child| {
        if let Some(name) = local(&child, Ns::Imsss) {
            match name.as_str() {
                "controlmode" => seq.control_mode = Some(control_mode(x, &child)?),
                "sequencingrules" => seq.sequencing_rules = Some(sequencing_rules(x, &child)?),
                "limitconditions" => seq.limit_conditions = Some(limit_conditions(x, &child)?),
                "rolluprules" => seq.rollup_rules = Some(rollup_rules(x, &child)?),
                "objectives" => seq.objectives = Some(objectives(x, &child)?),
                "randomizationcontrols" => seq.randomization_controls = Some(randomization(x, &child)?),
                "deliverycontrols" => seq.delivery_controls = Some(delivery_controls(x, &child)?),
                _ => {}
            }
        } else if let Some(name) = local(&child, Ns::Adlseq) {
            match name.as_str() {
                "constrainedchoiceconsiderations" => {
                    seq.constrained_choice_considerations = Some(constrained_choice(x, &child)?);
                }
                "rollupconsiderations" => seq.rollup_considerations = Some(rollup_considerations(x, &child)?),
                "objectives" => seq.adl_objectives = Some(adl_objectives(x, &child)?),
                _ => {}
            }
        }
        Ok(())
    })?;
    Ok(Parsed {
        id: optional(el.attr("ID")),
        sequencing: seq,
    })
}

/// `<imsss:sequencingCollection>`: the definitions items refer to with `IDRef`.
pub(super) fn collection(x: &mut Xml<'_>, el: &Element) -> Result<Vec<(String, Sequencing)>> {
    let mut out = Vec::new();
    x.each_child(el, |x, child| {
        if child.is(Ns::Imsss, "sequencing") {
            let parsed = parse(x, &child)?;
            let id = parsed
                .id
                .ok_or_else(|| x.invalid(&child, "a sequencingCollection entry needs an ID"))?;
            out.push((id, parsed.sequencing));
        }
        Ok(())
    })?;
    Ok(out)
}

fn control_mode(x: &Xml<'_>, el: &Element) -> Result<ControlMode> {
    let d = ControlMode::default();
    Ok(ControlMode {
        choice: flag(x, el, "choice", d.choice)?,
        choice_exit: flag(x, el, "choiceExit", d.choice_exit)?,
        flow: flag(x, el, "flow", d.flow)?,
        forward_only: flag(x, el, "forwardOnly", d.forward_only)?,
        use_current_attempt_objective_info: flag(
            x,
            el,
            "useCurrentAttemptObjectiveInfo",
            d.use_current_attempt_objective_info,
        )?,
        use_current_attempt_progress_info: flag(
            x,
            el,
            "useCurrentAttemptProgressInfo",
            d.use_current_attempt_progress_info,
        )?,
    })
}

fn sequencing_rules(x: &mut Xml<'_>, el: &Element) -> Result<SequencingRules> {
    let mut rules = SequencingRules::default();
    x.each_child(el, |x, child| {
        let list = match local(&child, Ns::Imsss).as_deref() {
            Some("preconditionrule") => &mut rules.pre_condition,
            Some("exitconditionrule") => &mut rules.exit_condition,
            Some("postconditionrule") => &mut rules.post_condition,
            _ => return Ok(()),
        };
        list.push(sequencing_rule(x, &child)?);
        Ok(())
    })?;
    Ok(rules)
}

fn sequencing_rule(x: &mut Xml<'_>, el: &Element) -> Result<SequencingRule> {
    let mut combination = ConditionCombination::All;
    let mut conditions = Vec::new();
    let mut action = None;
    x.each_child(el, |x, child| {
        match local(&child, Ns::Imsss).as_deref() {
            Some("ruleconditions") => {
                let attr = child.attr("conditionCombination");
                combination = token(x, &child, "conditionCombination", attr)?.unwrap_or(ConditionCombination::All);
                x.each_child(&child, |x, cond| {
                    if cond.is(Ns::Imsss, "ruleCondition") {
                        conditions.push(rule_condition(x, &cond)?);
                    }
                    Ok(())
                })?;
            }
            Some("ruleaction") => action = Some(required_token(x, &child, "action", child.attr("action"))?),
            _ => {}
        }
        Ok(())
    })?;
    let action = action.ok_or_else(|| x.invalid(el, format!("<{}> needs a ruleAction", el.name)))?;
    Ok(SequencingRule {
        condition_combination: combination,
        conditions,
        action,
    })
}

fn rule_condition(x: &Xml<'_>, el: &Element) -> Result<RuleCondition> {
    Ok(RuleCondition {
        condition: required_token(x, el, "condition", el.attr("condition"))?,
        operator: token(x, el, "operator", el.attr("operator"))?.unwrap_or(ConditionOperator::NoOp),
        referenced_objective: optional(el.attr("referencedObjective")),
        measure_threshold: decimal(x, el, "measureThreshold", el.attr("measureThreshold"), -1.0..=1.0)?,
    })
}

fn limit_conditions(x: &Xml<'_>, el: &Element) -> Result<LimitConditions> {
    Ok(LimitConditions {
        attempt_limit: count(x, el, "attemptLimit", el.attr("attemptLimit"))?,
        attempt_absolute_duration_limit: optional(el.attr("attemptAbsoluteDurationLimit")),
        attempt_experienced_duration_limit: optional(el.attr("attemptExperiencedDurationLimit")),
        activity_absolute_duration_limit: optional(el.attr("activityAbsoluteDurationLimit")),
        activity_experienced_duration_limit: optional(el.attr("activityExperiencedDurationLimit")),
        begin_time_limit: optional(el.attr("beginTimeLimit")),
        end_time_limit: optional(el.attr("endTimeLimit")),
    })
}

fn rollup_rules(x: &mut Xml<'_>, el: &Element) -> Result<RollupRules> {
    let d = RollupRules::default();
    let weight = decimal(
        x,
        el,
        "objectiveMeasureWeight",
        el.attr("objectiveMeasureWeight"),
        0.0..=1.0,
    )?;
    let mut rules = RollupRules {
        rollup_objective_satisfied: flag(x, el, "rollupObjectiveSatisfied", d.rollup_objective_satisfied)?,
        rollup_progress_completion: flag(x, el, "rollupProgressCompletion", d.rollup_progress_completion)?,
        objective_measure_weight: weight.unwrap_or(d.objective_measure_weight),
        rules: Vec::new(),
    };
    x.each_child(el, |x, child| {
        if child.is(Ns::Imsss, "rollupRule") {
            rules.rules.push(rollup_rule(x, &child)?);
        }
        Ok(())
    })?;
    Ok(rules)
}

fn rollup_rule(x: &mut Xml<'_>, el: &Element) -> Result<RollupRule> {
    let set = token(x, el, "childActivitySet", el.attr("childActivitySet"))?;
    let mut rule = RollupRule {
        child_activity_set: set.unwrap_or(ChildActivitySet::All),
        minimum_count: count(x, el, "minimumCount", el.attr("minimumCount"))?.unwrap_or(0),
        minimum_percent: decimal(x, el, "minimumPercent", el.attr("minimumPercent"), 0.0..=1.0)?.unwrap_or(0.0),
        condition_combination: ConditionCombination::Any,
        conditions: Vec::new(),
        action: RollupAction::Satisfied,
    };
    let mut action = None;
    x.each_child(el, |x, child| {
        match local(&child, Ns::Imsss).as_deref() {
            Some("rollupconditions") => {
                let attr = child.attr("conditionCombination");
                rule.condition_combination =
                    token(x, &child, "conditionCombination", attr)?.unwrap_or(ConditionCombination::Any);
                x.each_child(&child, |x, cond| {
                    if cond.is(Ns::Imsss, "rollupCondition") {
                        let condition = required_token(x, &cond, "condition", cond.attr("condition"))?;
                        let operator = token(x, &cond, "operator", cond.attr("operator"))?;
                        rule.conditions.push(RollupCondition {
                            condition,
                            operator: operator.unwrap_or(ConditionOperator::NoOp),
                        });
                    }
                    Ok(())
                })?;
            }
            Some("rollupaction") => action = Some(required_token(x, &child, "action", child.attr("action"))?),
            _ => {}
        }
        Ok(())
    })?;
    rule.action = action.ok_or_else(|| x.invalid(el, "<rollupRule> needs a rollupAction"))?;
    Ok(rule)
}

fn objectives(x: &mut Xml<'_>, el: &Element) -> Result<Objectives> {
    let mut out = Objectives::default();
    x.each_child(el, |x, child| {
        match local(&child, Ns::Imsss).as_deref() {
            Some("primaryobjective") => out.primary = Some(objective(x, &child, false)?),
            Some("objective") => out.others.push(objective(x, &child, true)?),
            _ => {}
        }
        Ok(())
    })?;
    Ok(out)
}

fn objective(x: &mut Xml<'_>, el: &Element, id_required: bool) -> Result<Objective> {
    let id = el.attr("objectiveID");
    let mut objective = Objective {
        objective_id: if id_required {
            Some(required(x, el, "objectiveID", id)?)
        } else {
            optional(id)
        },
        satisfied_by_measure: flag(x, el, "satisfiedByMeasure", false)?,
        min_normalized_measure: 1.0,
        map_info: Vec::new(),
    };
    x.each_child(el, |x, child| {
        match local(&child, Ns::Imsss).as_deref() {
            Some("minnormalizedmeasure") => {
                let text = x.text(&child)?;
                let measure = decimal(x, &child, "minNormalizedMeasure", Some(&text), -1.0..=1.0)?;
                objective.min_normalized_measure = measure.unwrap_or(1.0);
            }
            Some("mapinfo") => objective.map_info.push(map_info(x, &child)?),
            _ => {}
        }
        Ok(())
    })?;
    Ok(objective)
}

fn map_info(x: &Xml<'_>, el: &Element) -> Result<MapInfo> {
    Ok(MapInfo {
        target_objective_id: required(x, el, "targetObjectiveID", el.attr("targetObjectiveID"))?,
        read_satisfied_status: flag(x, el, "readSatisfiedStatus", true)?,
        read_normalized_measure: flag(x, el, "readNormalizedMeasure", true)?,
        write_satisfied_status: flag(x, el, "writeSatisfiedStatus", false)?,
        write_normalized_measure: flag(x, el, "writeNormalizedMeasure", false)?,
    })
}

fn randomization(x: &Xml<'_>, el: &Element) -> Result<RandomizationControls> {
    let timing = |name: &str| -> Result<Timing> { Ok(token(x, el, name, el.attr(name))?.unwrap_or(Timing::Never)) };
    Ok(RandomizationControls {
        randomization_timing: timing("randomizationTiming")?,
        select_count: count(x, el, "selectCount", el.attr("selectCount"))?,
        reorder_children: flag(x, el, "reorderChildren", false)?,
        selection_timing: timing("selectionTiming")?,
    })
}

fn delivery_controls(x: &Xml<'_>, el: &Element) -> Result<DeliveryControls> {
    Ok(DeliveryControls {
        tracked: flag(x, el, "tracked", true)?,
        completion_set_by_content: flag(x, el, "completionSetByContent", false)?,
        objective_set_by_content: flag(x, el, "objectiveSetByContent", false)?,
    })
}

fn constrained_choice(x: &Xml<'_>, el: &Element) -> Result<ConstrainedChoiceConsiderations> {
    Ok(ConstrainedChoiceConsiderations {
        prevent_activation: flag(x, el, "preventActivation", false)?,
        constrain_choice: flag(x, el, "constrainChoice", false)?,
    })
}

fn rollup_considerations(x: &Xml<'_>, el: &Element) -> Result<RollupConsiderations> {
    let required_for = |name: &str| -> Result<RollupRequirement> {
        Ok(token(x, el, name, el.attr(name))?.unwrap_or(RollupRequirement::Always))
    };
    let if_active = el.attr("measureSatisfactionIfActive");
    Ok(RollupConsiderations {
        required_for_satisfied: required_for("requiredForSatisfied")?,
        required_for_not_satisfied: required_for("requiredForNotSatisfied")?,
        required_for_completed: required_for("requiredForCompleted")?,
        required_for_incomplete: required_for("requiredForIncomplete")?,
        measure_satisfaction_if_active: boolean(x, el, "measureSatisfactionIfActive", if_active, true)?,
    })
}

fn adl_objectives(x: &mut Xml<'_>, el: &Element) -> Result<Vec<AdlObjective>> {
    let mut out = Vec::new();
    x.each_child(el, |x, child| {
        if child.is(Ns::Adlseq, "objective") {
            let objective_id = required(x, &child, "objectiveID", child.attr("objectiveID"))?;
            let mut map_info = Vec::new();
            x.each_child(&child, |x, map| {
                if map.is(Ns::Adlseq, "mapInfo") {
                    map_info.push(adl_map_info(x, &map)?);
                }
                Ok(())
            })?;
            out.push(AdlObjective { objective_id, map_info });
        }
        Ok(())
    })?;
    Ok(out)
}

fn adl_map_info(x: &Xml<'_>, el: &Element) -> Result<AdlMapInfo> {
    let f = |name: &str, default: bool| flag(x, el, name, default);
    Ok(AdlMapInfo {
        target_objective_id: required(x, el, "targetObjectiveID", el.attr("targetObjectiveID"))?,
        read_raw_score: f("readRawScore", true)?,
        read_min_score: f("readMinScore", true)?,
        read_max_score: f("readMaxScore", true)?,
        read_completion_status: f("readCompletionStatus", true)?,
        read_progress_measure: f("readProgressMeasure", true)?,
        write_raw_score: f("writeRawScore", false)?,
        write_min_score: f("writeMinScore", false)?,
        write_max_score: f("writeMaxScore", false)?,
        write_completion_status: f("writeCompletionStatus", false)?,
        write_progress_measure: f("writeProgressMeasure", false)?,
        update_attempt_data: f("updateAttemptData", false)?,
    })
}
