//! Attribute and text values: booleans, numbers in range, vocabulary tokens. A value that
//! is present but wrong is an `InvalidManifest` naming the element and attribute; an
//! absent or empty one takes the schema default.

use std::ops::RangeInclusive;
use std::str::FromStr;

use super::xml::{Element, Xml};
use crate::package::PackageError;
use crate::package::model::Vocabulary;

type Result<T> = std::result::Result<T, PackageError>;

fn present(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|v| !v.is_empty())
}

fn wrong(x: &Xml<'_>, el: &Element, name: &str, value: &str, expected: &str) -> PackageError {
    x.invalid(el, format!("<{}> {name}: {value:?} is not {expected}", el.name))
}

/// An `xs:boolean` (`true`, `false`, `1`, `0`; case ignored).
pub(super) fn boolean(x: &Xml<'_>, el: &Element, name: &str, value: Option<&str>, default: bool) -> Result<bool> {
    match present(value) {
        None => Ok(default),
        Some(v) if v.eq_ignore_ascii_case("true") || v == "1" => Ok(true),
        Some(v) if v.eq_ignore_ascii_case("false") || v == "0" => Ok(false),
        Some(v) => Err(wrong(x, el, name, v, "a boolean")),
    }
}

/// An unprefixed boolean attribute.
pub(super) fn flag(x: &Xml<'_>, el: &Element, name: &str, default: bool) -> Result<bool> {
    boolean(x, el, name, el.attr(name), default)
}

/// A decimal within `range`.
pub(super) fn decimal(
    x: &Xml<'_>,
    el: &Element,
    name: &str,
    value: Option<&str>,
    range: RangeInclusive<f64>,
) -> Result<Option<f64>> {
    let Some(v) = present(value) else { return Ok(None) };
    match f64::from_str(v) {
        Ok(n) if n.is_finite() && range.contains(&n) => Ok(Some(n)),
        _ => Err(wrong(
            x,
            el,
            name,
            v,
            &format!("a number from {} to {}", range.start(), range.end()),
        )),
    }
}

/// A non-negative integer.
pub(super) fn count(x: &Xml<'_>, el: &Element, name: &str, value: Option<&str>) -> Result<Option<u32>> {
    let Some(v) = present(value) else { return Ok(None) };
    u32::from_str(v)
        .map(Some)
        .map_err(|_| wrong(x, el, name, v, "a non-negative integer"))
}

/// A token of a closed vocabulary.
pub(super) fn token<T: Vocabulary>(x: &Xml<'_>, el: &Element, name: &str, value: Option<&str>) -> Result<Option<T>> {
    let Some(v) = present(value) else { return Ok(None) };
    match T::from_token(v) {
        Some(token) => Ok(Some(token)),
        None => Err(wrong(x, el, name, v, &format!("one of {}", T::TOKENS.join(", ")))),
    }
}

/// A required token of a closed vocabulary.
pub(super) fn required_token<T: Vocabulary>(x: &Xml<'_>, el: &Element, name: &str, value: Option<&str>) -> Result<T> {
    token(x, el, name, value)?.ok_or_else(|| x.invalid(el, format!("<{}> needs {name}", el.name)))
}

/// A required, non-empty attribute (trimmed).
pub(super) fn required(x: &Xml<'_>, el: &Element, name: &str, value: Option<&str>) -> Result<String> {
    present(value)
        .map(str::to_owned)
        .ok_or_else(|| x.invalid(el, format!("<{}> needs {name}", el.name)))
}

/// An optional attribute, trimmed; `None` when empty.
pub(super) fn optional(value: Option<&str>) -> Option<String> {
    present(value).map(str::to_owned)
}

/// One translation: its language, its text, and the offset of its element.
pub(super) struct Translation {
    pub lang: Option<String>,
    pub text: String,
    pub offset: u64,
}

/// Picks the English string of a set of translations, or else the first one, with its
/// whitespace folded.
pub(super) fn pick_language(strings: &[Translation]) -> Option<String> {
    pick(strings).map(|t| collapse(&t.text))
}

/// The English translation, or else the first non-empty one.
pub(super) fn pick(strings: &[Translation]) -> Option<&Translation> {
    let english = |lang: &Option<String>| {
        lang.as_deref().is_some_and(|l| {
            let l = l.trim().to_ascii_lowercase();
            l == "en" || l.starts_with("en-")
        })
    };
    let candidates = || strings.iter().filter(|t| !t.text.trim().is_empty());
    candidates().find(|t| english(&t.lang)).or_else(|| candidates().next())
}

/// Trims and folds runs of whitespace (titles spread over several lines) into one space.
pub(super) fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The language of a `langstring`/`string`: `lang`, `language` or `xml:lang`.
pub(super) fn lang_of(el: &Element) -> Option<String> {
    optional(el.attr_any("lang").or_else(|| el.attr_any("language")))
}

/// The translations in an element: its own text (with its own language) and its
/// `langstring`/`string` children.
pub(super) fn langstrings(x: &mut Xml<'_>, el: &Element) -> Result<Vec<Translation>> {
    let mut strings = Vec::new();
    let own_text = x.children_and_text(el, |x, child| {
        if child.name.eq_ignore_ascii_case("langstring") || child.name.eq_ignore_ascii_case("string") {
            let lang = lang_of(&child).or_else(|| lang_of(el));
            strings.push(Translation {
                lang,
                text: x.text(&child)?,
                offset: child.offset,
            });
        }
        Ok(())
    })?;
    if !own_text.trim().is_empty() {
        strings.insert(
            0,
            Translation {
                lang: lang_of(el),
                text: own_text,
                offset: el.offset,
            },
        );
    }
    Ok(strings)
}
