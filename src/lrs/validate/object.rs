//! Statement objects: Activities (with interaction definitions), Agents, Groups,
//! StatementRefs and SubStatements.

use serde_json::Value;

use super::Rules;
use super::agent::{AgentKind, check_agent_value};
use super::path::Path;
use super::value::{Obj, check_extensions, check_iri, check_lang_map, check_string, check_uuid};

/// Validates a statement's object and returns its objectType.
pub(crate) fn check_object(v: &Value, rules: Rules, p: &Path, in_sub: bool) -> Result<&'static str, String> {
    let t = match v.get("objectType") {
        None => "Activity",
        Some(Value::String(s)) => match s.as_str() {
            "Activity" => "Activity",
            "Agent" => "Agent",
            "Group" => "Group",
            "StatementRef" => "StatementRef",
            "SubStatement" => "SubStatement",
            other => return Err(p.key("objectType").err(format!("unknown objectType {other:?}"))),
        },
        Some(_) => return Err(p.key("objectType").err("must be a string")),
    };
    match t {
        "Activity" => check_activity(v, rules, p)?,
        "Agent" | "Group" => check_agent_value(v, rules, p, AgentKind::AgentOrGroup)?,
        "StatementRef" => check_statement_ref(v, p, false)?,
        _ if in_sub => return Err(p.err("a SubStatement cannot contain another SubStatement")),
        _ => super::statement(v, rules, p, true)?,
    }
    Ok(t)
}

pub(crate) fn check_statement_ref(v: &Value, p: &Path, require_type: bool) -> Result<(), String> {
    let o = Obj::new(v, p, &["objectType", "id"])?;
    match o.get("objectType") {
        Some(Value::String(s)) if s == "StatementRef" => {}
        None if !require_type => {}
        _ => return Err(p.key("objectType").err("must be \"StatementRef\"")),
    }
    check_uuid(o.require("id")?, &p.key("id"))
}

pub(crate) fn check_activity(v: &Value, _rules: Rules, p: &Path) -> Result<(), String> {
    let o = Obj::new(v, p, &["objectType", "id", "definition"])?;
    if let Some(t) = o.get("objectType")
        && t.as_str() != Some("Activity")
    {
        return Err(p.key("objectType").err("must be \"Activity\""));
    }
    check_iri(o.require("id")?, &p.key("id"))?;
    if let Some(d) = o.get("definition") {
        check_definition(d, &p.key("definition"))?;
    }
    Ok(())
}

const INTERACTION_TYPES: [&str; 10] = [
    "true-false",
    "choice",
    "fill-in",
    "long-fill-in",
    "matching",
    "performance",
    "sequencing",
    "likert",
    "numeric",
    "other",
];
const COMPONENT_LISTS: [&str; 5] = ["choices", "scale", "source", "target", "steps"];

fn check_definition(v: &Value, p: &Path) -> Result<(), String> {
    let o = Obj::new(
        v,
        p,
        &[
            "name",
            "description",
            "type",
            "moreInfo",
            "extensions",
            "interactionType",
            "correctResponsesPattern",
            "choices",
            "scale",
            "source",
            "target",
            "steps",
        ],
    )?;
    for k in ["name", "description"] {
        if let Some(m) = o.get(k) {
            check_lang_map(m, &p.key(k))?;
        }
    }
    for k in ["type", "moreInfo"] {
        if let Some(i) = o.get(k) {
            check_iri(i, &p.key(k))?;
        }
    }
    if let Some(e) = o.get("extensions") {
        check_extensions(e, &p.key("extensions"))?;
    }
    let itype = match o.get("interactionType") {
        Some(t) => {
            let s = check_string(t, &p.key("interactionType"))?;
            if !INTERACTION_TYPES.contains(&s) {
                return Err(p.key("interactionType").err(format!("unknown interaction type {s:?}")));
            }
            Some(s)
        }
        None => None,
    };
    if let Some(c) = o.get("correctResponsesPattern") {
        let pc = p.key("correctResponsesPattern");
        if itype.is_none() {
            return Err(pc.err("requires interactionType"));
        }
        let items = c.as_array().ok_or_else(|| pc.err("must be an array of strings"))?;
        for (i, s) in items.iter().enumerate() {
            check_string(s, &pc.index(i))?;
        }
    }
    for list in COMPONENT_LISTS {
        let Some(items) = o.get(list) else { continue };
        let pl = p.key(list);
        let allowed = match itype {
            Some("choice" | "sequencing") => list == "choices",
            Some("likert") => list == "scale",
            Some("matching") => list == "source" || list == "target",
            Some("performance") => list == "steps",
            _ => false,
        };
        if !allowed {
            return Err(pl.err(format!(
                "is not allowed for interactionType {:?}",
                itype.unwrap_or("(none)")
            )));
        }
        check_components(items, &pl)?;
    }
    Ok(())
}

fn check_components(v: &Value, p: &Path) -> Result<(), String> {
    let items = v
        .as_array()
        .ok_or_else(|| p.err("must be an array of interaction components"))?;
    let mut seen = std::collections::HashSet::new();
    for (i, c) in items.iter().enumerate() {
        let pi = p.index(i);
        let o = Obj::new(c, &pi, &["id", "description"])?;
        let id = check_string(o.require("id")?, &pi.key("id"))?;
        if id.is_empty() || !seen.insert(id) {
            return Err(pi
                .key("id")
                .err(format!("{id:?} must be a non-empty id, unique in the list")));
        }
        if let Some(d) = o.get("description") {
            check_lang_map(d, &pi.key("description"))?;
        }
    }
    Ok(())
}
