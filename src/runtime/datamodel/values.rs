//! Pure lexical checks of `SetValue` values, one per data type.

use super::rules::{Clock, RULES, Span, refused_in_identifiers};
use super::types::DataType;

/// Why a value was refused; the version decides the code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Wrong data type, bad format, or longer than the element's maximum.
    Type,
    /// A number outside the element's range.
    Range,
}

pub type Checked = Result<(), Fault>;

/// Checks `value` against a data type that does not depend on other elements.
/// `spm` is the maximum length in force (the type's, or a lenient one).
pub fn check(ty: DataType, value: &str, spm: usize) -> Checked {
    match ty {
        DataType::Keyword => Err(Fault::Type),
        DataType::CharString { .. } | DataType::CmiFeedback { .. } => max_len(value, spm),
        DataType::LocalizedString { .. } => localized(value, spm),
        DataType::LongIdentifier { .. } => long_identifier(value, spm),
        DataType::Identifier { .. } => identifier(value, spm),
        DataType::Language { .. } => ok_if(value.is_empty() || language_tag(value)).and(max_len(value, spm)),
        DataType::Real { min, max, blank } => ok_if(blank && value.is_empty()).or_else(|_| real(value, min, max)),
        DataType::Integer { min, max } => integer(value, min, max),
        DataType::Vocabulary { values } => ok_if(values.contains(&value)),
        DataType::VocabularyOrReal { values } => ok_if(values.contains(&value)).or_else(|_| real(value, None, None)),
        DataType::CmiTime => clock(value, RULES.cmi_time),
        DataType::CmiTimespan => clock(value, RULES.cmi_timespan),
        DataType::Time => time(value),
        DataType::TimeInterval => time_interval(value),
        DataType::Response { .. } => Err(Fault::Type),
        DataType::NavRequest => nav_request(value),
    }
}

pub(crate) fn ok_if(good: bool) -> Checked {
    if good { Ok(()) } else { Err(Fault::Type) }
}

pub(crate) fn max_len(value: &str, spm: usize) -> Checked {
    ok_if(value.chars().count() <= spm)
}

/// A decimal number: optional minus, digits, optional fraction (`real(10,7)`, `CMIDecimal`).
pub(crate) fn real(value: &str, min: Option<f64>, max: Option<f64>) -> Checked {
    let body = value.strip_prefix('-').unwrap_or(value);
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let has_frac = body.contains('.');
    ok_if(digits(int) && digits(frac) && !(int.is_empty() && frac.is_empty()) && !(has_frac && frac.is_empty()))?;
    let number: f64 = value.parse().map_err(|_| Fault::Type)?;
    if min.is_some_and(|m| number < m) || max.is_some_and(|m| number > m) {
        return Err(Fault::Range);
    }
    Ok(())
}

fn integer(value: &str, min: i64, max: i64) -> Checked {
    let body = value.strip_prefix('-').unwrap_or(value);
    ok_if(!body.is_empty() && body.bytes().all(|b| b.is_ascii_digit()))?;
    let number: i64 = value.parse().map_err(|_| Fault::Range)?;
    if number < min || number > max {
        Err(Fault::Range)
    } else {
        Ok(())
    }
}

fn no_space(value: &str) -> bool {
    !value.is_empty() && !value.chars().any(refused_in_identifiers)
}

/// 1.2 `CMIIdentifier`.
fn identifier(value: &str, spm: usize) -> Checked {
    ok_if(no_space(value)).and(max_len(value, spm))
}

/// 2004 `short_identifier_type` (interaction responses), at most `short_spm` characters.
/// Brackets are refused so that a response delimiter (`[,]`, `[.]`, `[:]`) is never an identifier.
pub(crate) fn short_identifier(value: &str) -> Checked {
    let rules = RULES.identifier;
    ok_if(!rules.short_refused.iter().any(|s| value.contains(s)))?;
    long_identifier(value, rules.short_spm)
}

/// 2004 `long_identifier_type`: a URI; a URN needs a namespace id and a specific string.
pub(crate) fn long_identifier(value: &str, spm: usize) -> Checked {
    ok_if(no_space(value))?;
    max_len(value, spm)?;
    let urn = RULES.identifier.urn_prefix;
    // `get` and not a slice: the prefix may end inside a multi-byte character.
    if let Some(rest) = value
        .get(..urn.len())
        .filter(|p| p.eq_ignore_ascii_case(urn))
        .and(value.get(urn.len()..))
    {
        let (nid, nss) = rest.split_once(':').ok_or(Fault::Type)?;
        let nid_ok = !nid.is_empty()
            && nid.len() <= RULES.identifier.urn_nid_max
            && nid.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
        return ok_if(nid_ok && !nid.starts_with('-') && !nss.is_empty());
    }
    Ok(())
}

/// An RFC 3066-style language tag: a primary tag of 1–3 letters (or `i`/`x`), subtags of 1–8.
pub(crate) fn language_tag(tag: &str) -> bool {
    let rules = RULES.language_tag;
    let within = |s: &str, (min, max): Span| (min..=max).contains(&s.len());
    let mut parts = tag.split(rules.separator);
    let primary = parts.next().unwrap_or("");
    let primary_ok = within(primary, rules.primary) && primary.bytes().all(|b| b.is_ascii_alphabetic());
    primary_ok && parts.all(|p| within(p, rules.subtag) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// Splits a leading `{name=value}` delimiter off `value`, if it starts with one.
pub(crate) fn delimiter<'a>(value: &'a str, name: &str) -> Option<(&'a str, &'a str)> {
    let rest = value.strip_prefix('{')?.strip_prefix(name)?.strip_prefix('=')?;
    rest.split_once('}')
}

/// 2004 `localized_string_type`: `{lang=tag}` then at most `spm` characters.
pub(crate) fn localized(value: &str, spm: usize) -> Checked {
    let name = RULES.language_tag.delimiter;
    match delimiter(value, name) {
        Some((tag, text)) => ok_if(language_tag(tag)).and(max_len(text, spm)),
        None if opens(value, name) => Err(Fault::Type),
        None => max_len(value, spm),
    }
}

/// Whether `value` starts with `{name=`.
fn opens(value: &str, name: &str) -> bool {
    value
        .strip_prefix('{')
        .and_then(|v| v.strip_prefix(name))
        .is_some_and(|v| v.starts_with('='))
}

/// Takes a run of `min..=max` ASCII digits from the front of `s`.
/// The number is a `u64`: a run of up to ten digits (a time interval's) may pass `u32::MAX`.
fn digits(s: &str, min: usize, max: usize) -> Option<(u64, &str)> {
    let n = s.bytes().take_while(u8::is_ascii_digit).count();
    if n < min || n > max {
        return None;
    }
    // `n` ASCII digits end on a character boundary, so `split_at_checked` never fails here.
    let (number, rest) = s.split_at_checked(n)?;
    Some((number.parse().ok()?, rest))
}

/// 1.2 `CMITime`/`CMITimespan`: `H…:MM:SS[.S[S]]`.
fn clock(value: &str, rules: Clock) -> Checked {
    let parse = || -> Option<()> {
        let (h, rest) = digits(value, rules.hours.0, rules.hours.1)?;
        let (m, rest) = digits(rest.strip_prefix(':')?, 2, 2)?;
        let (s, rest) = digits(rest.strip_prefix(':')?, 2, 2)?;
        let fraction_ok = match rest.strip_prefix('.') {
            Some(f) => digits(f, rules.fraction.0, rules.fraction.1)?.1.is_empty(),
            None => rest.is_empty(),
        };
        (fraction_ok && h <= rules.max_hours && m <= 59 && s <= 59).then_some(())
    };
    parse().ok_or(Fault::Type)
}

/// 2004 `time(second,10,2)`: `YYYY[-MM[-DD[Thh[:mm[:ss[.s[TZD]]]]]]]`, years 1970–2038, a day
/// that exists in its month, and a time zone only after a fraction of seconds (the nesting of
/// RTE 4.1.1's format, as ADL's sample run-time enforces it).
fn time(value: &str) -> Checked {
    let rules = RULES.time;
    let (year, mut rest) = digits(value, 4, 4).ok_or(Fault::Type)?;
    ok_if((rules.years.0..=rules.years.1).contains(&year))?;
    let fields = rules.fields;
    let mut parts = Vec::with_capacity(fields.len());
    for &(sep, lo, hi) in fields {
        let Some(after) = rest.strip_prefix(sep) else { break };
        let (n, after) = digits(after, 2, 2).ok_or(Fault::Type)?;
        ok_if((lo..=hi).contains(&n))?;
        parts.push(n);
        rest = after;
    }
    if let [month, day, ..] = parts.as_slice() {
        ok_if(*day <= days_in_month(year, *month))?;
    }
    if parts.len() == fields.len()
        && let Some(f) = rest.strip_prefix('.')
    {
        return time_zone(digits(f, rules.fraction.0, rules.fraction.1).ok_or(Fault::Type)?.1);
    }
    ok_if(rest.is_empty())
}

fn days_in_month(year: u64, month: u64) -> u64 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn time_zone(rest: &str) -> Checked {
    if rest.is_empty() || rest == "Z" {
        return Ok(());
    }
    let offset = rest
        .strip_prefix('+')
        .or_else(|| rest.strip_prefix('-'))
        .ok_or(Fault::Type)?;
    let (h, after) = digits(offset, 2, 2).ok_or(Fault::Type)?;
    let tail_ok = match after.strip_prefix(':') {
        Some(m) => digits(m, 2, 2).is_some_and(|(m, r)| m <= 59 && r.is_empty()),
        None => after.is_empty(),
    };
    ok_if(h <= RULES.time.zone_max_hours && tail_ok)
}

/// 2004 `timeinterval(second,10,2)`: `P[nY][nM][nD][T[nH][nM][n[.n[n]]S]]`, at least one part.
fn time_interval(value: &str) -> Checked {
    let body = value.strip_prefix('P').ok_or(Fault::Type)?;
    let (date, clock) = match body.split_once('T') {
        Some((d, t)) => (d, Some(t)),
        None => (body, None),
    };
    let rules = RULES.time_interval;
    let date_parts = designators(date, rules.date, false)?;
    let clock_parts = match clock {
        Some(t) => match designators(t, rules.clock, true)? {
            0 => return Err(Fault::Type),
            n => n,
        },
        None => 0,
    };
    ok_if(date_parts + clock_parts > 0)
}

/// Counts `n<D>` groups in designator order; only the last designator of the clock part
/// (seconds) may have a fraction.
fn designators(mut s: &str, order: &[&str], clock: bool) -> Result<usize, Fault> {
    let rules = RULES.time_interval;
    let mut found = 0;
    for (i, designator) in order.iter().enumerate() {
        let Some((_, after)) = digits(s, rules.digits.0, rules.digits.1) else {
            continue;
        };
        let after = match after.strip_prefix('.') {
            Some(f) if clock && i + 1 == order.len() => {
                digits(f, rules.fraction.0, rules.fraction.1).ok_or(Fault::Type)?.1
            }
            Some(_) => continue,
            None => after,
        };
        match after.strip_prefix(*designator) {
            Some(rest) => {
                s = rest;
                found += 1;
            }
            None => continue,
        }
    }
    if s.is_empty() { Ok(found) } else { Err(Fault::Type) }
}

/// `adl.nav.request`: a token, or `{target=ID}choice` / `{target=ID}jump`.
fn nav_request(value: &str) -> Checked {
    let nav = RULES.nav;
    if nav.requests.contains(&value) {
        return Ok(());
    }
    match delimiter(value, nav.target) {
        Some((target, request)) if nav.targets.contains(&request) => long_identifier(target, nav.target_spm),
        _ => Err(Fault::Type),
    }
}
