//! SCORM 2004 interaction response formats (RTE 4.2.9): `learner_response` and
//! `correct_responses.n.pattern` per interaction type.

use super::values::{Checked, Fault, delimiter, localized, max_len, ok_if, real, short_identifier};

/// Checks a response (`pattern: true` for a correct response pattern) of interaction type `kind`.
pub fn check_response(kind: &str, value: &str, pattern: bool) -> Checked {
    match kind {
        "true-false" => ok_if(value == "true" || value == "false"),
        "choice" => id_set(value, true),
        "sequencing" => id_set(value, false),
        "likert" => short_identifier(value),
        "fill-in" => fill_in(value, pattern),
        "long-fill-in" => long_fill_in(value, pattern),
        "matching" => pairs(value, matching_pair),
        "performance" => performance(value, pattern),
        "numeric" if pattern => numeric_range(value),
        "numeric" => real(value, None, None),
        "other" => max_len(value, 4000),
        _ => Err(Fault::Type),
    }
}

fn items(value: &str) -> std::str::Split<'_, &'static str> {
    value.split("[,]")
}

/// `id[,]id…`; `unique` refuses repeats (choice); the empty string is the empty set.
fn id_set(value: &str, unique: bool) -> Checked {
    if value.is_empty() {
        return ok_if(unique);
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
                ok_if(flag == "true" || flag == "false")?;
                value = rest;
                continue 'outer;
            }
        }
        return Ok(value);
    }
}

fn fill_in(value: &str, pattern: bool) -> Checked {
    let value = if pattern {
        flags(value, &["case_matters", "order_matters"])?
    } else {
        value
    };
    let mut count = 0;
    for item in items(value) {
        localized(item, 250)?;
        count += 1;
    }
    ok_if(count <= 10)
}

fn long_fill_in(value: &str, pattern: bool) -> Checked {
    let value = if pattern {
        flags(value, &["case_matters"])?
    } else {
        value
    };
    localized(value, 4000)
}

fn pairs(value: &str, pair: fn(&str, &str) -> Checked) -> Checked {
    for item in items(value) {
        let (left, right) = item.split_once("[.]").ok_or(Fault::Type)?;
        ok_if(!right.contains("[.]"))?;
        pair(left, right)?;
    }
    Ok(())
}

fn matching_pair(source: &str, target: &str) -> Checked {
    short_identifier(source).and(short_identifier(target))
}

fn performance(value: &str, pattern: bool) -> Checked {
    let value = if pattern {
        flags(value, &["order_matters"])?
    } else {
        value
    };
    pairs(
        value,
        if pattern {
            performance_pattern_step
        } else {
            performance_step
        },
    )
}

fn performance_step(name: &str, answer: &str) -> Checked {
    ok_if(!(name.is_empty() && answer.is_empty()))?;
    if !name.is_empty() {
        short_identifier(name)?;
    }
    max_len(answer, 250)
}

fn performance_pattern_step(name: &str, answer: &str) -> Checked {
    if answer.contains("[:]") {
        if !name.is_empty() {
            short_identifier(name)?;
        }
        return numeric_range(answer);
    }
    performance_step(name, answer)
}

/// `min[:]max`, either side optional, `min <= max` (RTE 4.2.9: the separator is required).
fn numeric_range(value: &str) -> Checked {
    let (min, max) = value.split_once("[:]").ok_or(Fault::Type)?;
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
