//! `SetValue` and `GetValue` against a snapshot of the learner's data: element lookup,
//! access, keywords, collection indices, set-before dependencies and values.

use std::collections::BTreeMap;

use super::errors::Refusal;
use super::responses::check_response;
use super::scorm2004::INTERACTION_TYPES;
use super::types::{Access, DataType, Element, Initial};
use super::values::{self, Fault, delimiter, long_identifier};
use super::{Options, Version, scorm12};

/// The values set so far (by the LMS at launch and by the SCO), keyed by full element name.
pub type Data = BTreeMap<String, String>;

const KEYWORDS: &[&str] = &["_children", "_count", "_version"];

/// Finds the table row for a concrete element name and the collection indices in it.
pub fn lookup(version: Version, name: &str) -> Option<(&'static Element, Vec<usize>)> {
    let (pattern, indices) = normalize(name)?;
    version.table().iter().find(|e| e.name == pattern).map(|e| (e, indices))
}

/// Replaces every numeric segment with `n`; `{target=…}` elements map to `{target=}`.
fn normalize(name: &str) -> Option<(String, Vec<usize>)> {
    for kind in ["choice", "jump"] {
        let prefix = format!("adl.nav.request_valid.{kind}.");
        if let Some(rest) = name.strip_prefix(&prefix) {
            let (target, tail) = delimiter(rest, "target")?;
            let ok = tail.is_empty() && long_identifier(target, 4000).is_ok();
            return ok.then(|| (format!("{prefix}{{target=}}"), Vec::new()));
        }
    }
    let mut indices = Vec::new();
    let mut segments = Vec::new();
    for segment in name.split('.') {
        if !segment.is_empty() && segment.bytes().all(|b| b.is_ascii_digit()) {
            if segment.len() > 1 && segment.starts_with('0') {
                return None;
            }
            indices.push(segment.parse().ok()?);
            segments.push("n");
        } else {
            segments.push(segment);
        }
    }
    Some((segments.join("."), indices))
}

/// The number of items stored under `prefix` (`cmi.interactions.`).
fn count(data: &Data, prefix: &str) -> usize {
    data.range(prefix.to_string()..)
        .take_while(|(key, _)| key.starts_with(prefix))
        .filter_map(|(key, _)| key.strip_prefix(prefix)?.split('.').next()?.parse::<usize>().ok())
        .map(|i| i + 1)
        .max()
        .unwrap_or(0)
}

/// Whether item `index` of the collection under `prefix` holds a value. Items are added
/// in order (an index past `_count` is refused), so `_count` is past `index` exactly when
/// item `index` exists: one lookup, where counting walks the whole collection on every
/// SetValue and makes a commit of many items quadratic.
fn has_item(data: &Data, prefix: &str, index: usize) -> bool {
    let item = format!("{prefix}{index}.");
    data.range(item.clone()..)
        .next()
        .is_some_and(|(key, _)| key.starts_with(&item))
}

/// Each collection index in `name` with the prefix it counts under.
fn collection_levels(name: &str) -> Vec<(String, usize)> {
    let segments: Vec<&str> = name.split('.').collect();
    segments
        .iter()
        .enumerate()
        .filter_map(|(k, s)| Some((format!("{}.", segments[..k].join(".")), s.parse().ok()?)))
        .collect()
}

/// Fills the `n`s of `pattern` with `indices`, in order.
fn concrete(pattern: &str, indices: &[usize]) -> String {
    let mut next = indices.iter();
    let filled: Vec<String> = pattern
        .split('.')
        .map(|s| {
            if s == "n" {
                next.next().map_or_else(|| s.to_string(), usize::to_string)
            } else {
                s.to_string()
            }
        })
        .collect();
    filled.join(".")
}

/// The refusal for a name that is not in the table: a name of another data model, a
/// keyword of a known parent, or undefined.
fn unknown(version: Version, name: &str, setting: bool) -> Refusal {
    let codes = version.codes();
    let (parent, last) = name.rsplit_once('.').unwrap_or(("", name));
    let known = normalize(parent).is_some_and(|(p, _)| {
        let dotted = format!("{p}.");
        version
            .table()
            .iter()
            .any(|e| e.name == p || e.name.starts_with(&dotted))
    });
    let model = name.split('.').next();
    let ours = version.table().iter().any(|e| e.name.split('.').next() == model);
    let code = match (known, last) {
        _ if !ours => codes.other_model,
        (true, "_children" | "_count") if setting => codes.keyword_set,
        (true, "_children") => codes.no_children,
        (true, "_count") => codes.no_count,
        (true, "_version") if !setting => codes.no_version,
        _ => codes.undefined,
    };
    Refusal::new(code, format!("{name}: not a data model element"))
}

/// Decides a `SetValue(name, value)`; `Ok` means the value may be stored under `name`.
pub fn check_set(version: Version, options: Options, data: &Data, name: &str, value: &str) -> Result<(), Refusal> {
    let codes = version.codes();
    if name.is_empty() {
        return Err(Refusal::new(codes.set_failure, "empty element name"));
    }
    let Some((element, indices)) = lookup(version, name) else {
        return Err(unknown(version, name, true));
    };
    let last = name.rsplit('.').next().unwrap_or(name);
    if element.ty == DataType::Keyword || KEYWORDS.contains(&last) {
        return Err(Refusal::new(codes.keyword_set, format!("{name} is a keyword")));
    }
    if element.access == Access::ReadOnly {
        return Err(Refusal::new(codes.read_only, format!("{name} is read only")));
    }
    for (prefix, index) in collection_levels(name) {
        if index > 0 && !has_item(data, &prefix, index - 1) {
            return Err(Refusal::new(
                codes.set_failure,
                format!("{name}: index {index} is past {prefix}_count"),
            ));
        }
    }
    for required in element.requires {
        let key = concrete(required, &indices);
        if key != name && !data.contains_key(&key) {
            return Err(Refusal::new(
                codes.dependency,
                format!("{key} must be set before {name}"),
            ));
        }
    }
    check_value(version, options, data, element, &indices, value)
        .map_err(|fault| refusal_for(version, fault, name, value))?;
    model_rules(version, data, element, &indices, name, value)
}

fn refusal_for(version: Version, fault: Fault, name: &str, value: &str) -> Refusal {
    let codes = version.codes();
    let shown: String = value.chars().take(40).collect();
    match fault {
        Fault::Type => Refusal::new(
            codes.type_mismatch,
            format!("{name}: '{shown}' is not of the element's type"),
        ),
        Fault::Range => Refusal::new(codes.out_of_range, format!("{name}: '{shown}' is out of range")),
    }
}

fn check_value(
    version: Version,
    options: Options,
    data: &Data,
    element: &Element,
    indices: &[usize],
    value: &str,
) -> Result<(), Fault> {
    if let DataType::Response { pattern } = element.ty {
        let kind = data
            .get(&concrete("cmi.interactions.n.type", indices))
            .map_or("", String::as_str);
        return check_response(kind, value, pattern);
    }
    if version == Version::Scorm12 && scorm12::NOT_SETTABLE.contains(&(element.name, value)) {
        return Err(Fault::Range);
    }
    values::check(element.ty, value, spm(element, options))
}

/// The maximum length in force for an element.
fn spm(element: &Element, options: Options) -> usize {
    let base = match element.ty {
        DataType::CharString { spm }
        | DataType::LocalizedString { spm }
        | DataType::LongIdentifier { spm }
        | DataType::Identifier { spm }
        | DataType::Language { spm }
        | DataType::CmiFeedback { spm } => spm,
        _ => usize::MAX,
    };
    match element.lenient_spm {
        Some(lenient) if !options.strict_scorm12_suspend_data => lenient,
        _ => base,
    }
}

/// The most objectives a SCORM 2004 attempt keeps in `cmi.objectives`: ten times the
/// standard's smallest permitted maximum (100). An objective id must be unique in its
/// collection, so each new one is compared with the collection's; the bound keeps a
/// commit's cost linear in its length, however many ids it sets.
pub const MAX_OBJECTIVES: usize = 1000;

/// The most objectives of one interaction (`cmi.interactions.n.objectives`): ten times
/// the smallest permitted maximum (10).
pub const MAX_INTERACTION_OBJECTIVES: usize = 100;

/// SCORM 2004 rules across elements: unique objective ids, ids that never change,
/// and the number of correct response patterns per interaction type.
fn model_rules(
    version: Version,
    data: &Data,
    element: &Element,
    indices: &[usize],
    name: &str,
    value: &str,
) -> Result<(), Refusal> {
    if version != Version::Scorm2004 {
        return Ok(());
    }
    let failure = |why: String| Err(Refusal::new(351, why));
    match element.name {
        "cmi.objectives.n.id" | "cmi.interactions.n.objectives.n.id" => {
            match data.get(name) {
                Some(old) if old != value => {
                    return failure(format!("{name} is already set and cannot change"));
                }
                // Set again to the same id: it was found unique when it was first set.
                Some(_) => return Ok(()),
                None => {}
            }
            let collection = name.rsplitn(3, '.').nth(2).unwrap_or("");
            let item = indices.last().copied().unwrap_or(0);
            let most = if indices.len() > 1 {
                MAX_INTERACTION_OBJECTIVES
            } else {
                MAX_OBJECTIVES
            };
            if item >= most {
                return failure(format!("{collection} holds at most {most} objectives"));
            }
            let prefix = format!("{collection}.");
            let clash = data
                .range(prefix.clone()..)
                .take_while(|(key, _)| key.starts_with(&prefix))
                .any(|(key, v)| {
                    key != name
                        && v == value
                        && key
                            .strip_prefix(&prefix)
                            .and_then(|k| k.strip_suffix(".id"))
                            .is_some_and(|middle| !middle.is_empty() && middle.bytes().all(|b| b.is_ascii_digit()))
                });
            if clash {
                return failure(format!("{value} is already the id of another item in {collection}"));
            }
            Ok(())
        }
        "cmi.interactions.n.correct_responses.n.pattern" => {
            let kind = data
                .get(&concrete("cmi.interactions.n.type", indices))
                .map_or("", String::as_str);
            let max = INTERACTION_TYPES
                .iter()
                .find(|(k, _)| *k == kind)
                .map_or(0, |(_, m)| *m);
            if indices.get(1).is_some_and(|m| *m >= max) {
                return failure(format!(
                    "a {kind} interaction has at most {max} correct response patterns"
                ));
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// Decides a `GetValue(name)` and returns the value to answer.
pub fn check_get(version: Version, data: &Data, name: &str) -> Result<String, Refusal> {
    let codes = version.codes();
    if name.is_empty() {
        return Err(Refusal::new(codes.get_failure, "empty element name"));
    }
    let Some((element, _)) = lookup(version, name) else {
        return Err(unknown(version, name, false));
    };
    if element.access == Access::WriteOnly {
        return Err(Refusal::new(codes.write_only, format!("{name} is write only")));
    }
    for (prefix, index) in collection_levels(name) {
        if index >= count(data, &prefix) {
            return Err(Refusal::new(
                codes.get_failure,
                format!("{name}: no item {index} in {prefix}_count"),
            ));
        }
    }
    if let Some(value) = data.get(name) {
        return Ok(value.clone());
    }
    match element.initial {
        Initial::Fixed(value) => Ok(value.to_string()),
        Initial::Computed => Ok(count(data, name.trim_end_matches("_count")).to_string()),
        Initial::Unset | Initial::FromLms if codes.not_initialized != 0 => {
            Err(Refusal::new(codes.not_initialized, format!("{name} has no value yet")))
        }
        Initial::Unset | Initial::FromLms => Ok(String::new()),
    }
}
