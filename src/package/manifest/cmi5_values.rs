//! The value rules of a `cmi5.xml`, each refusal a [`Cmi5Rule`] at the element it is
//! about: fully qualified IRIs, `masteryScore` as an `xs:decimal` from 0 to 1, the
//! launch parameter names an AU's url may not use, and titles and descriptions in every
//! language.

use super::values::{Translation, collapse, langstrings, pick_language};
use super::xml::{Element, Xml};
use crate::package::model::{LangMap, LaunchHref};
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

/// Gives an `InvalidManifest` from the shared value readers the cmi5 rule it breaks.
pub(super) fn as_rule(rule: Cmi5Rule) -> impl Fn(PackageError) -> PackageError {
    move |err| match err {
        PackageError::InvalidManifest { file, pos, message } => PackageError::Cmi5 {
            file,
            pos,
            rule,
            message,
        },
        other => other,
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
    scheme_ok
        && !rest.is_empty()
        && !rest.chars().any(|c| {
            c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | '"' | '{' | '}' | '|' | '\\' | '^' | '`')
        })
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

/// `masteryScore`: an `xs:decimal` (no exponent, no "NaN") from 0 to 1.
pub(super) fn mastery_score(x: &Xml<'_>, el: &Element) -> Result<Option<f64>> {
    let Some(v) = el.attr("masteryScore").map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    let digits = v.strip_prefix(['+', '-']).unwrap_or(v);
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let decimal = !(int.is_empty() && frac.is_empty())
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.bytes().all(|b| b.is_ascii_digit());
    match v.parse::<f64>() {
        Ok(n) if decimal && (0.0..=1.0).contains(&n) => Ok(Some(n)),
        _ => Err(refuse(
            x,
            el.offset,
            Cmi5Rule::MasteryScore,
            format!("<au> masteryScore: {v:?} is not a decimal from 0 to 1"),
        )),
    }
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

/// Reads a `<title>` or `<description>`; refused with `rule` when it has no text at all
/// (`<description><langstring lang="en"/></description>` is valid: the XSD asks for the
/// langstring, not for text in it).
pub(super) fn texts(x: &mut Xml<'_>, el: &Element, rule: Cmi5Rule) -> Result<Texts> {
    let strings = langstrings(x, el)?;
    if strings.is_empty() {
        return Err(refuse(x, el.offset, rule, format!("<{}> has no <langstring>", el.name)));
    }
    Ok(Texts {
        shown: pick_language(&strings),
        all: lang_map(&strings),
    })
}

fn lang_map(strings: &[Translation]) -> LangMap {
    let mut out = LangMap::new();
    for t in strings {
        let lang = t.lang.clone().unwrap_or_else(|| "und".to_owned());
        out.entry(lang).or_insert_with(|| collapse(&t.text));
    }
    out
}
