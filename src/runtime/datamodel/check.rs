//! `SetValue` and `GetValue` against a snapshot of the learner's data: element lookup,
//! access, keywords, collection indices, set-before dependencies and values.

use std::collections::BTreeMap;

use super::errors::Refusal;
use super::responses::check_response;
use super::rules::RULES;
use super::scorm2004::INTERACTION_TYPES;
use super::types::{Access, DataType, Element, Initial};
use super::values::{self, Fault, delimiter, long_identifier};
use super::{Options, Version};

/// The values set so far (by the LMS at launch and by the SCO), keyed by full element name.
pub type Data = BTreeMap<String, String>;

/// Finds the table row for a concrete element name and the collection indices in it.
pub fn lookup(version: Version, name: &str) -> Option<(&'static Element, Vec<usize>)> {
    let (pattern, indices) = normalize(name)?;
    version.table().iter().find(|e| e.name == pattern).map(|e| (e, indices))
}

/// Replaces every numeric segment with `n`; `{target=…}` elements map to `{target=}`.
fn normalize(name: &str) -> Option<(String, Vec<usize>)> {
    let nav = RULES.nav;
    for kind in nav.targets {
        let prefix = format!("{}{kind}.", nav.valid_prefix);
        if let Some(rest) = name.strip_prefix(&prefix) {
            let (target, tail) = delimiter(rest, nav.target)?;
            let ok = tail.is_empty() && long_identifier(target, nav.target_spm).is_ok();
            return ok.then(|| (format!("{prefix}{{{}=}}", nav.target), Vec::new()));
        }
    }
    let mut indices = Vec::new();
    let mut segments = Vec::new();
    for segment in name.split('.') {
        if !segment.is_empty() && segment.bytes().all(|b| b.is_ascii_digit()) {
            if segment.len() > 1 && segment.starts_with('0') {
                return None;
            }
            indices.push(index_of(segment));
            segments.push(RULES.index);
        } else {
            segments.push(segment);
        }
    }
    Some((segments.join("."), indices))
}

/// A collection index; one too large for `usize` is past any `_count` all the same.
fn index_of(segment: &str) -> usize {
    segment.parse().unwrap_or(usize::MAX)
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

/// Each collection index in `name` (an instance of `element`) with the prefix it counts
/// under. Only the table's `n` segments are indices: digits inside a `{target=…}` are not.
fn collection_levels(element: &Element, name: &str) -> Vec<(String, usize)> {
    let segments: Vec<&str> = name.split('.').collect();
    element
        .name
        .split('.')
        .enumerate()
        .filter(|(_, s)| *s == RULES.index)
        .filter_map(|(k, _)| Some((format!("{}.", segments.get(..k)?.join(".")), index_of(segments.get(k)?))))
        .collect()
}

/// Fills the `n`s of `pattern` with `indices`, in order.
fn concrete(pattern: &str, indices: &[usize]) -> String {
    let mut next = indices.iter();
    let filled: Vec<String> = pattern
        .split('.')
        .map(|s| {
            if s == RULES.index {
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
    let k = RULES.keywords;
    let code = match (known, last) {
        _ if !ours => codes.other_model,
        (true, l) if setting && (l == k.children || l == k.count) => codes.keyword_set,
        (true, l) if l == k.children => codes.no_children,
        (true, l) if l == k.count => codes.no_count,
        (true, l) if !setting && l == k.version => codes.no_version,
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
    if element.ty == DataType::Keyword || RULES.keywords.contains(last) {
        return Err(Refusal::new(codes.keyword_set, format!("{name} is a keyword")));
    }
    if element.access == Access::ReadOnly {
        return Err(Refusal::new(codes.read_only, format!("{name} is read only")));
    }
    for (prefix, index) in collection_levels(element, name) {
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
    let shown: String = value.chars().take(RULES.diagnostic_chars).collect();
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
        return check_response(interaction_type(data, indices), value, pattern);
    }
    if version.not_settable().contains(&(element.name, value)) {
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

/// The type of the interaction at `indices` ("" if not set).
fn interaction_type<'a>(data: &'a Data, indices: &[usize]) -> &'a str {
    data.get(&concrete(RULES.responses.type_element, indices))
        .map_or("", String::as_str)
}

/// The most objectives a SCORM 2004 attempt keeps in `cmi.objectives`: ten times the
/// standard's smallest permitted maximum (100). An objective id must be unique in its
/// collection, so each new one is compared with the collection's; the bound keeps a
/// commit's cost linear in its length, however many ids it sets.
pub const MAX_OBJECTIVES: usize = 1000;

/// The most objectives of one interaction (`cmi.interactions.n.objectives`): ten times
/// the smallest permitted maximum (10).
pub const MAX_INTERACTION_OBJECTIVES: usize = 100;

/// Rules across elements: unique item ids that never change (bounded collections, so a
/// commit's cost stays linear), and the number of correct response patterns per
/// interaction type.
fn model_rules(
    version: Version,
    data: &Data,
    element: &Element,
    indices: &[usize],
    name: &str,
    value: &str,
) -> Result<(), Refusal> {
    let failure = |why: String| Err(Refusal::new(version.codes().set_failure, why));
    if version.unique_ids().contains(&element.name) {
        match data.get(name) {
            Some(old) if old != value => return failure(format!("{name} is already set and cannot change")),
            // Set again to the same id: it was found unique when it was first set.
            Some(_) => return Ok(()),
            None => {}
        }
        let collection = name.rsplitn(3, '.').nth(2).unwrap_or("");
        let most = if indices.len() > 1 {
            MAX_INTERACTION_OBJECTIVES
        } else {
            MAX_OBJECTIVES
        };
        if indices.last().is_some_and(|item| *item >= most) {
            return failure(format!("{collection} holds at most {most} items"));
        }
        // Only this collection's keys are compared (a range of the sorted data).
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
    }
    if element.ty == (DataType::Response { pattern: true }) {
        let kind = interaction_type(data, indices);
        let max = INTERACTION_TYPES
            .iter()
            .find(|t| t.name == kind)
            .map_or(0, |t| t.max_correct_responses);
        if indices.get(1).is_some_and(|m| *m >= max) {
            return failure(format!(
                "a {kind} interaction has at most {max} correct response patterns"
            ));
        }
    }
    Ok(())
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
    for (prefix, index) in collection_levels(element, name) {
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
        Initial::Computed => Ok(count(data, name.trim_end_matches(RULES.keywords.count)).to_string()),
        Initial::Unset | Initial::FromLms if codes.not_initialized != 0 => {
            Err(Refusal::new(codes.not_initialized, format!("{name} has no value yet")))
        }
        Initial::Unset | Initial::FromLms => Ok(String::new()),
    }
}
