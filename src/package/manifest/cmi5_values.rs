//! The value rules of a `cmi5.xml`, each refusal a [`Cmi5Rule`] at the element it is
//! about: fully qualified IRIs, `masteryScore` as an `xs:decimal` from 0 to 1, the
//! vocabularies exactly as the XSD spells them, the launch parameter names an AU's url
//! may not use, and titles and descriptions in every language, one string per language.
//!
//! Whitespace: the specification has the LMS trim every value on import (13.1), and the
//! XSD's `xs:anyURI`, `xs:decimal` and `xs:language` collapse it, so ids, urls,
//! `masteryScore` and `lang` are trimmed. `moveOn` and `launchMethod` are enumerations of
//! `xs:string`, which keeps whitespace: `" Passed"` is not one of their values.

use super::values::{Translation, collapse, pick_language};
use super::xml::{Element, Ns, Xml};
use crate::lrs::formats::is_language_tag;
use crate::package::model::{LangMap, LaunchHref, Vocabulary};
use crate::package::{Cmi5Rule, PackageError};

type Result<T> = std::result::Result<T, PackageError>;

/// A refusal of `rule` at `offset`.
pub(super) fn refuse(x: &Xml<'_>, offset: u64, rule: Cmi5Rule, message: impl Into<String>) -> PackageError {
    PackageError::Cmi5 {
        file: x.file().to_owned(),
        pos: x.pos(offset),
        rule,
        message: message.into(),
    }
}

/// A fully qualified IRI (RFC 3987): a scheme, ':', then no spaces or characters IRIs
/// never hold. Relative references (`//host/x`, `a/b`) are not.
pub(super) fn is_iri(value: &str) -> bool {
    let Some((scheme, rest)) = value.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    let scheme_ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    scheme_ok && !rest.is_empty() && !has_unsafe(rest)
}

/// Whether `value` holds a character no URL (RFC 1738, "unsafe") or IRI (RFC 3987) has
/// unescaped: whitespace, controls, `<>"{}|\^` and the backquote.
pub(super) fn has_unsafe(value: &str) -> bool {
    value.chars().any(|c| {
        c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | '"' | '{' | '}' | '|' | '\\' | '^' | '`')
    })
}

/// `value` without the XML whitespace around it, which the XSD's `xs:decimal` and
/// `xs:language` collapse (an ideographic space is not XML whitespace).
fn xml_trim(value: &str) -> &str {
    value.trim_matches([' ', '\t', '\r', '\n'])
}

/// A required id attribute that is an IRI.
pub(super) fn iri_id(x: &Xml<'_>, el: &Element, name: &str) -> Result<String> {
    let Some(id) = el.attr(name).map(str::trim).filter(|v| !v.is_empty()) else {
        return Err(refuse(
            x,
            el.offset,
            Cmi5Rule::MissingId,
            format!("<{}> needs {name}", el.name),
        ));
    };
    if !is_iri(id) {
        return Err(refuse(
            x,
            el.offset,
            Cmi5Rule::IdNotIri,
            format!("<{}> {name} {id:?} is not a fully qualified IRI", el.name),
        ));
    }
    Ok(id.to_owned())
}

/// `masteryScore`: an `xs:decimal` (no exponent, no "NaN") from 0 to 1 with at most 4
/// decimal places ("a scaled, decimal value between 0 and 1 (inclusive) with up to 4
/// decimal places of precision", 13.1.4; trailing zeros add none). Compared as written,
/// not as a float: `1.00000000000000000001` is above 1.
pub(super) fn mastery_score(x: &Xml<'_>, el: &Element) -> Result<Option<f64>> {
    let Some(raw) = el.attr("masteryScore") else {
        return Ok(None);
    };
    let v = xml_trim(raw);
    let (negative, digits) = match v.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, v.strip_prefix('+').unwrap_or(v)),
    };
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let decimal = !(int.is_empty() && frac.is_empty())
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.bytes().all(|b| b.is_ascii_digit());
    let (int, places) = (int.trim_start_matches('0'), frac.trim_end_matches('0'));
    let zero = int.is_empty() && places.is_empty();
    let in_range = if negative {
        zero
    } else {
        int.is_empty() || (int == "1" && places.is_empty())
    };
    let refused = |why: &str| {
        refuse(
            x,
            el.offset,
            Cmi5Rule::MasteryScore,
            format!("<au> masteryScore: {raw:?} is not {why}"),
        )
    };
    if !decimal || !in_range {
        return Err(refused("a decimal from 0 to 1"));
    }
    if places.len() > 4 {
        return Err(refused("given to at most 4 decimal places"));
    }
    let score: f64 = format!("0.{places}").parse().map_err(|_| refused("a decimal"))?;
    Ok(Some(if int.is_empty() { score } else { 1.0 }))
}

/// An attribute of a closed vocabulary, exactly as the XSD's enumeration writes it (no
/// other case, no surrounding whitespace); `None` when absent.
pub(super) fn vocabulary<T: Vocabulary>(x: &Xml<'_>, el: &Element, name: &str, rule: Cmi5Rule) -> Result<Option<T>> {
    let Some(v) = el.attr(name) else { return Ok(None) };
    match T::TOKENS.contains(&v).then(|| T::from_token(v)).flatten() {
        Some(token) => Ok(Some(token)),
        None => Err(refuse(
            x,
            el.offset,
            rule,
            format!(
                "<{}> {name}: {v:?} is not one of {} (case and whitespace count)",
                el.name,
                T::TOKENS.join(", ")
            ),
        )),
    }
}

/// `activityType`: when present, an IRI (13.1.4; the XSD has `xs:string`).
pub(super) fn activity_type(x: &Xml<'_>, el: &Element) -> Result<Option<String>> {
    let Some(raw) = el.attr("activityType") else {
        return Ok(None);
    };
    let v = raw.trim();
    if !is_iri(v) {
        return Err(refuse(
            x,
            el.offset,
            Cmi5Rule::ActivityType,
            format!("<au> activityType {raw:?} is not an IRI"),
        ));
    }
    Ok(Some(v.to_owned()))
}

/// A langstring's language: `lang` (`xs:language`), or else `xml:lang`; either must be a
/// language tag (RFC 5646, as xAPI's language maps need) when present.
pub(super) fn language(x: &Xml<'_>, el: &Element) -> Result<Option<String>> {
    let xml_lang = || el.attr_ns(Ns::Xml, "lang").filter(|v| !v.trim().is_empty());
    let Some(raw) = el.attr("lang").or_else(xml_lang) else {
        return Ok(None);
    };
    let tag = xml_trim(raw);
    if !is_language_tag(tag) {
        return Err(refuse(
            x,
            el.offset,
            Cmi5Rule::Language,
            format!("<langstring> lang {raw:?} is not a language tag (RFC 5646)"),
        ));
    }
    Ok(Some(tag.to_owned()))
}

/// The names the LMS adds to every launch URL (8.1), which an AU's own query may not use.
const LAUNCH_PARAMETERS: [&str; 5] = ["endpoint", "fetch", "actor", "registration", "activityId"];

/// The launch parameter an AU url's query uses, if any.
pub(super) fn reserved_parameter(url: &LaunchHref) -> Option<&'static str> {
    let query = match url {
        LaunchHref::Package { query, .. } => query.as_deref()?,
        LaunchHref::Absolute(u) => u.split('#').next()?.split_once('?')?.1,
    };
    query.split('&').find_map(|pair| {
        let name = pair.split('=').next().unwrap_or(pair);
        LAUNCH_PARAMETERS.into_iter().find(|p| *p == name)
    })
}

/// A title or description in every language, and the one shown (English or the first).
pub(super) struct Texts {
    pub shown: Option<String>,
    pub all: LangMap,
}

/// A `<title>` or `<description>` from its langstrings; refused with `rule` when it has
/// none (`<description><langstring lang="en"/></description>` is valid: the XSD asks for
/// the langstring, not for text in it), and with [`Cmi5Rule::DuplicateLanguage`] when
/// two are in one language (tags compared without case; no `lang` counts as `und`).
pub(super) fn texts(x: &Xml<'_>, el: &Element, strings: &[Translation], rule: Cmi5Rule) -> Result<Texts> {
    if strings.is_empty() {
        return Err(refuse(x, el.offset, rule, format!("<{}> has no <langstring>", el.name)));
    }
    let mut all = LangMap::new();
    let mut seen: Vec<String> = Vec::new();
    for t in strings {
        let lang = t.lang.clone().unwrap_or_else(|| "und".to_owned());
        let key = lang.to_ascii_lowercase();
        if seen.contains(&key) {
            return Err(refuse(
                x,
                t.offset,
                Cmi5Rule::DuplicateLanguage,
                format!("<{}> has a second langstring in {lang:?}", el.name),
            ));
        }
        seen.push(key);
        all.insert(lang, collapse(&t.text));
    }
    Ok(Texts {
        shown: pick_language(strings),
        all,
    })
}
