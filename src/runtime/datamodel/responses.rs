//! SCORM 2004 interaction response formats (RTE 4.2.9): how `learner_response` and
//! `correct_responses.n.pattern` are written, per interaction type. The formats are data
//! (`scorm2004::INTERACTION_TYPES` names each type's two), sent to the bridge in the table.

use serde::Serialize;

use super::rules::RULES;
use super::scorm2004::INTERACTION_TYPES;
use super::values::{Checked, Fault, delimiter, localized, max_len, ok_if, real, short_identifier};

/// How a response is written. The bridge checks the formats that are not listed in
/// `RULES.responses.server_only`; it leaves those to the server's check at commit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "format", rename_all = "snake_case")]
pub enum Format {
    /// One of `values` (true-false).
    Vocabulary { values: &'static [&'static str] },
    /// Short identifiers joined by the list delimiter; `unique` refuses repeats (choice),
    /// `empty` lets the empty string stand for the empty set.
    Identifiers { unique: bool, empty: bool },
    /// One short identifier (likert).
    Identifier,
    /// After the leading `{flag=true|false}` delimiters named in `flags` (any order), at most
    /// `items` localized strings of at most `spm` characters joined by the list delimiter
    /// (fill-in).
    LocalizedList {
        flags: &'static [&'static str],
        items: usize,
        spm: usize,
    },
    /// After the `flags`, one localized string of at most `spm` characters (long-fill-in).
    Localized { flags: &'static [&'static str], spm: usize },
    /// `source[.]target` pairs of short identifiers joined by the list delimiter (matching).
    Pairs,
    /// After the `flags`, `step[.]answer` pairs joined by the list delimiter: the step a short
    /// identifier or empty, the answer at most `spm` characters, not both empty; with
    /// `ranges`, an answer holding the range delimiter is a numeric range (performance).
    Steps {
        flags: &'static [&'static str],
        spm: usize,
        ranges: bool,
    },
    /// A decimal number (numeric learner response).
    Real,
    /// `min[:]max`, either bound optional, `min <= max` (numeric pattern).
    Range,
    /// At most `spm` characters (other).
    Chars { spm: usize },
}

/// Checks a response (`pattern: true` for a correct response pattern) of interaction type `kind`.
pub fn check_response(kind: &str, value: &str, pattern: bool) -> Checked {
    let row = INTERACTION_TYPES.iter().find(|t| t.name == kind).ok_or(Fault::Type)?;
    check_format(if pattern { row.pattern } else { row.response }, value)
}

/// Checks `value` against `format`.
pub fn check_format(format: Format, value: &str) -> Checked {
    match format {
        Format::Vocabulary { values } => ok_if(values.contains(&value)),
        Format::Identifiers { unique, empty } => id_set(value, unique, empty),
        Format::Identifier => short_identifier(value),
        Format::LocalizedList {
            flags: names,
            items: most,
            spm,
        } => {
            let mut count = 0;
            for item in items(flags(value, names)?) {
                localized(item, spm)?;
                count += 1;
            }
            ok_if(count <= most)
        }
        Format::Localized { flags: names, spm } => localized(flags(value, names)?, spm),
        Format::Pairs => pairs(value, |source, target| {
            short_identifier(source).and(short_identifier(target))
        }),
        Format::Steps {
            flags: names,
            spm,
            ranges,
        } => pairs(flags(value, names)?, |step, answer| {
            if ranges && answer.contains(RULES.responses.range) {
                return optional_identifier(step).and(numeric_range(answer));
            }
            ok_if(!(step.is_empty() && answer.is_empty()))?;
            optional_identifier(step).and(max_len(answer, spm))
        }),
        Format::Real => real(value, None, None),
        Format::Range => numeric_range(value),
        Format::Chars { spm } => max_len(value, spm),
    }
}

fn items(value: &str) -> std::str::Split<'_, &'static str> {
    value.split(RULES.responses.list)
}

fn optional_identifier(value: &str) -> Checked {
    if value.is_empty() {
        Ok(())
    } else {
        short_identifier(value)
    }
}

/// `id[,]id…`; `unique` refuses repeats; `empty` lets the empty string be the empty set.
fn id_set(value: &str, unique: bool, empty: bool) -> Checked {
    if value.is_empty() {
        return ok_if(empty);
    }
    let mut seen = std::collections::HashSet::new();
    for id in items(value) {
        short_identifier(id)?;
        if unique && !seen.insert(id) {
            return Err(Fault::Type);
        }
    }
    Ok(())
}

/// Strips leading `{name=true|false}` delimiters (any order) listed in `names`.
fn flags<'a>(mut value: &'a str, names: &[&str]) -> Result<&'a str, Fault> {
    'outer: loop {
        for name in names {
            if let Some((flag, rest)) = delimiter(value, name) {
                ok_if(RULES.responses.flag_values.contains(&flag))?;
                value = rest;
                continue 'outer;
            }
        }
        return Ok(value);
    }
}

/// Pairs joined by the list delimiter, each checked by `pair`; a pair has one pair delimiter.
fn pairs(value: &str, pair: impl Fn(&str, &str) -> Checked) -> Checked {
    let separator = RULES.responses.pair;
    for item in items(value) {
        let (left, right) = item.split_once(separator).ok_or(Fault::Type)?;
        ok_if(!right.contains(separator))?;
        pair(left, right)?;
    }
    Ok(())
}

/// `min[:]max`, either side optional, `min <= max` (RTE 4.2.9: the separator is required).
fn numeric_range(value: &str) -> Checked {
    let (min, max) = value.split_once(RULES.responses.range).ok_or(Fault::Type)?;
    let bound = |s: &str| -> Result<Option<f64>, Fault> {
        if s.is_empty() {
            return Ok(None);
        }
        real(s, None, None)?;
        s.parse().map(Some).map_err(|_| Fault::Type)
    };
    match (bound(min)?, bound(max)?) {
        (Some(lo), Some(hi)) if lo > hi => Err(Fault::Type),
        _ => Ok(()),
    }
}
