//! Statement output formats: `exact` as stored, `ids` with only identifiers, `canonical`
//! with each language map cut to the language the client prefers.

use serde_json::{Map, Value};

use super::query::Format;

/// Rewrites a stored statement for the requested format. `langs` is the client's
/// Accept-Language list, most preferred first.
pub fn apply_format(stmt: &mut Value, format: Format, langs: &[String]) {
    match format {
        Format::Exact => {}
        Format::Ids => ids_statement(stmt),
        Format::Canonical => canonical(stmt, langs),
    }
}

fn ids_statement(s: &mut Value) {
    let Some(m) = s.as_object_mut() else { return };
    for k in ["actor", "authority"] {
        if let Some(a) = m.get_mut(k) {
            ids_agent(a);
        }
    }
    if let Some(v) = m.get_mut("verb").and_then(Value::as_object_mut) {
        v.retain(|k, _| k == "id");
    }
    if let Some(o) = m.get_mut("object") {
        ids_object(o);
    }
    if let Some(c) = m.get_mut("context").and_then(Value::as_object_mut) {
        ids_context(c);
    }
}

fn ids_object(o: &mut Value) {
    match o.get("objectType").and_then(Value::as_str).unwrap_or("Activity") {
        "Activity" => ids_activity(o),
        "Agent" | "Group" => ids_agent(o),
        "SubStatement" => ids_statement(o),
        _ => {}
    }
}

fn ids_activity(a: &mut Value) {
    if let Some(m) = a.as_object_mut() {
        m.retain(|k, _| k == "id");
    }
}

fn ids_agent(a: &mut Value) {
    let Some(m) = a.as_object_mut() else { return };
    m.remove("name");
    if let Some(members) = m.get_mut("member").and_then(Value::as_array_mut) {
        members.iter_mut().for_each(ids_agent);
    }
}

fn ids_context(c: &mut Map<String, Value>) {
    for k in ["instructor", "team"] {
        if let Some(a) = c.get_mut(k) {
            ids_agent(a);
        }
    }
    for (list, member) in [("contextAgents", "agent"), ("contextGroups", "group")] {
        for item in c.get_mut(list).and_then(Value::as_array_mut).into_iter().flatten() {
            if let Some(a) = item.get_mut(member) {
                ids_agent(a);
            }
        }
    }
    if let Some(ca) = c.get_mut("contextActivities").and_then(Value::as_object_mut) {
        for v in ca.values_mut() {
            match v {
                Value::Array(items) => items.iter_mut().for_each(ids_activity),
                other => ids_activity(other),
            }
        }
    }
}

/// Cuts every language map (name, description, display) to one entry.
fn canonical(v: &mut Value, langs: &[String]) {
    match v {
        Value::Object(m) => {
            for (k, child) in m.iter_mut() {
                let is_lang_map = matches!(k.as_str(), "name" | "description" | "display") && child.is_object();
                if is_lang_map {
                    pick_language(child, langs);
                } else if k != "extensions" {
                    canonical(child, langs);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|i| canonical(i, langs)),
        _ => {}
    }
}

fn pick_language(map: &mut Value, langs: &[String]) {
    let Some(m) = map.as_object_mut() else { return };
    let chosen = langs
        .iter()
        .find_map(|want| {
            m.keys()
                .find(|k| {
                    k.eq_ignore_ascii_case(want) || k.split('-').next().is_some_and(|p| p.eq_ignore_ascii_case(want))
                })
                .cloned()
        })
        .or_else(|| m.keys().next().cloned());
    if let Some(key) = chosen {
        m.retain(|k, _| *k == key);
    }
}

/// Parses an Accept-Language header into tags ordered by preference.
pub fn accept_languages(header: Option<&str>) -> Vec<String> {
    let mut tags: Vec<(f32, String)> = header
        .unwrap_or("")
        .split(',')
        .filter_map(|part| {
            let mut it = part.trim().split(';');
            let tag = it.next()?.trim();
            let q = it
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.parse().ok())
                .unwrap_or(1.0);
            (!tag.is_empty() && tag != "*").then(|| (q, tag.to_owned()))
        })
        .collect();
    tags.sort_by(|a, b| b.0.total_cmp(&a.0));
    tags.into_iter().map(|(_, t)| t).collect()
}
