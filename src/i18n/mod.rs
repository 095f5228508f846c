//! Every string a person reads, in English and Japanese: the message catalogs
//! (`en.ftl`, `ja.ftl`, Project Fluent's syntax, embedded in the binary), the language a
//! request is answered in (`negotiate.rs`), and dates, numbers and durations written the
//! way each language writes them (`format.rs`). No HTTP, no SQL.
//!
//! A lookup never fails and never panics: an id missing from one catalog falls back to
//! English, and an id missing from both answers the id itself (a test keeps the two
//! catalogs' ids equal, so neither happens in a release).

mod format;
mod negotiate;

pub use format::{format_bytes, format_date_time, format_day, format_duration, format_number};
pub use negotiate::{choose, parse_accept_language};

use std::borrow::Cow;
use std::sync::LazyLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

/// A language kiroku speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Lang {
    En,
    Ja,
}

impl Lang {
    /// Every language, the default first.
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Ja];
    /// The language when nothing says otherwise.
    pub const DEFAULT: Lang = Lang::En;

    /// The BCP 47 tag (also what accounts and the cookie store).
    pub fn code(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::Ja => "ja",
        }
    }

    /// A stored or submitted language code (`en`, `ja`, any case); `None` otherwise.
    pub fn parse(code: &str) -> Option<Lang> {
        Self::ALL
            .into_iter()
            .find(|l| l.code().eq_ignore_ascii_case(code.trim()))
    }

    /// The language of a BCP 47 tag by its primary subtag (`ja-JP` → Japanese).
    pub fn from_tag(tag: &str) -> Option<Lang> {
        Self::parse(tag.split(['-', '_']).next().unwrap_or_default())
    }

    fn source(self) -> &'static str {
        match self {
            Self::En => include_str!("en.ftl"),
            Self::Ja => include_str!("ja.ftl"),
        }
    }
}

struct Catalog {
    bundle: FluentBundle<FluentResource>,
    ids: Vec<String>,
}

/// Builds one language's bundle. A syntax error drops only the entry it is in (Fluent
/// keeps the rest); the test `catalogs_parse_cleanly` keeps them out of the tree.
fn catalog(lang: Lang) -> Catalog {
    let resource = FluentResource::try_new(lang.source().to_owned()).unwrap_or_else(|(partial, errors)| {
        tracing::error!(lang = lang.code(), errors = ?errors, "message catalog has syntax errors");
        partial
    });
    let ids = message_ids(&resource);
    let tag: unic_langid::LanguageIdentifier = lang.code().parse().unwrap_or_default();
    let mut bundle = FluentBundle::new_concurrent(vec![tag]);
    // No Unicode isolation marks around placeables: pages set `lang` and `dir` already,
    // and the marks would show up in copied text and in tests.
    bundle.set_use_isolating(false);
    if let Err(errors) = bundle.add_resource(resource) {
        tracing::error!(lang = lang.code(), errors = ?errors, "message catalog has duplicate ids");
    }
    Catalog { bundle, ids }
}

fn message_ids(resource: &FluentResource) -> Vec<String> {
    resource
        .entries()
        .filter_map(|e| match e {
            fluent_syntax::ast::Entry::Message(m) => Some(m.id.name.to_owned()),
            _ => None,
        })
        .collect()
}

static CATALOGS: LazyLock<[Catalog; 2]> = LazyLock::new(|| [catalog(Lang::En), catalog(Lang::Ja)]);

fn catalog_of(lang: Lang) -> &'static Catalog {
    let [en, ja] = &*CATALOGS;
    match lang {
        Lang::En => en,
        Lang::Ja => ja,
    }
}

/// Arguments of a message: `("n", Arg::Num(3))`, `("url", Arg::Str(..))`.
#[derive(Debug, Clone)]
pub enum Arg<'a> {
    Str(Cow<'a, str>),
    Num(i64),
}

impl<'a> From<&'a str> for Arg<'a> {
    fn from(s: &'a str) -> Self {
        Arg::Str(Cow::Borrowed(s))
    }
}

impl From<String> for Arg<'_> {
    fn from(s: String) -> Self {
        Arg::Str(Cow::Owned(s))
    }
}

impl From<i64> for Arg<'_> {
    fn from(n: i64) -> Self {
        Arg::Num(n)
    }
}

fn lookup(lang: Lang, id: &str, args: &[(&str, Arg)]) -> Option<String> {
    let bundle = &catalog_of(lang).bundle;
    let pattern = bundle.get_message(id)?.value()?;
    let mut fargs = FluentArgs::new();
    for (name, value) in args {
        let v = match value {
            Arg::Str(s) => FluentValue::from(s.to_string()),
            Arg::Num(n) => FluentValue::from(*n),
        };
        fargs.set(name.to_string(), v);
    }
    let mut errors = Vec::new();
    let text = bundle.format_pattern(pattern, Some(&fargs), &mut errors);
    if !errors.is_empty() {
        tracing::warn!(lang = lang.code(), message.id = id, errors = ?errors, "message formatted with errors");
    }
    Some(text.into_owned())
}

/// The message `id` in `lang` (English when `lang` lacks it, the id when both do).
pub fn t(lang: Lang, id: &str) -> String {
    t_args(lang, id, &[])
}

/// The message `id` in `lang` with its placeables filled from `args`.
pub fn t_args(lang: Lang, id: &str, args: &[(&str, Arg)]) -> String {
    lookup(lang, id, args)
        .or_else(|| lookup(Lang::DEFAULT, id, args))
        .unwrap_or_else(|| id.to_owned())
}

/// Every message id of `lang`'s catalog, in file order.
pub fn message_ids_of(lang: Lang) -> &'static [String] {
    &catalog_of(lang).ids
}

/// Every message of `lang` as (id, text), placeables written `{$name}`: what the
/// pages' scripts fill in, and what the browser tests compare a page against.
pub fn messages(lang: Lang) -> Vec<(String, String)> {
    message_ids_of(lang)
        .iter()
        .map(|id| (id.clone(), script_text(lang, id)))
        .collect()
}

/// A message with each placeable `$name` left as the marker `{$name}`.
pub fn script_text(lang: Lang, id: &str) -> String {
    let names = placeable_names(lang, id);
    let markers: Vec<String> = names.iter().map(|n| format!("{{${n}}}")).collect();
    let args: Vec<(&str, Arg)> = names
        .iter()
        .zip(&markers)
        .map(|(n, m)| (n.as_str(), Arg::from(m.as_str())))
        .collect();
    t_args(lang, id, &args)
}

/// The variables a message's value refers to (top-level placeables only).
fn placeable_names(lang: Lang, id: &str) -> Vec<String> {
    use fluent_syntax::ast::{Expression, InlineExpression, PatternElement};
    let Some(pattern) = catalog_of(lang).bundle.get_message(id).and_then(|m| m.value()) else {
        return Vec::new();
    };
    pattern
        .elements
        .iter()
        .filter_map(|e| match e {
            PatternElement::Placeable {
                expression: Expression::Inline(InlineExpression::VariableReference { id }),
            } => Some(id.name.to_owned()),
            _ => None,
        })
        .collect()
}

/// Text made safe to place in HTML element content and quoted attribute values.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Fills a page template: `{{id}}` becomes the message `id` in `lang`, escaped;
/// `{{=name}}` becomes the value `vars` gives `name`, as is (the caller escapes it).
/// An unclosed `{{` is kept as text.
pub fn render(template: &str, lang: Lang, vars: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + template.len() / 2);
    let mut rest = template;
    while let Some((before, after)) = rest.split_once("{{") {
        out.push_str(before);
        let Some((key, tail)) = after.split_once("}}") else {
            out.push_str("{{");
            rest = after;
            continue;
        };
        let key = key.trim();
        match key.strip_prefix('=') {
            Some(name) => out.push_str(vars.iter().find(|(n, _)| *n == name).map_or("", |(_, v)| v)),
            None => out.push_str(&escape_html(&t(lang, key))),
        }
        rest = tail;
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogs_parse_cleanly() {
        for lang in Lang::ALL {
            let parsed = FluentResource::try_new(lang.source().to_owned());
            assert!(parsed.is_ok(), "{}: {:?}", lang.code(), parsed.err().map(|(_, e)| e));
            let tag: unic_langid::LanguageIdentifier = lang.code().parse().unwrap_or_default();
            let mut bundle = FluentBundle::new_concurrent(vec![tag]);
            if let Ok(res) = parsed {
                assert!(bundle.add_resource(res).is_ok(), "{}: duplicate ids", lang.code());
            }
        }
    }

    /// A missing translation fails here: both catalogs hold the same ids.
    #[test]
    fn every_message_exists_in_both_languages() {
        let en: std::collections::BTreeSet<_> = message_ids_of(Lang::En).iter().collect();
        let ja: std::collections::BTreeSet<_> = message_ids_of(Lang::Ja).iter().collect();
        let only_en: Vec<_> = en.difference(&ja).collect();
        let only_ja: Vec<_> = ja.difference(&en).collect();
        assert!(only_en.is_empty(), "missing in ja.ftl: {only_en:?}");
        assert!(only_ja.is_empty(), "missing in en.ftl: {only_ja:?}");
        assert!(en.len() > 50, "the catalogs were read");
    }

    /// Both languages use the same variables in each message, so no argument a caller
    /// passes is dropped in one of them.
    #[test]
    fn both_languages_use_the_same_placeables() {
        for id in message_ids_of(Lang::En) {
            let mut en = placeable_names(Lang::En, id);
            let mut ja = placeable_names(Lang::Ja, id);
            en.sort();
            ja.sort();
            if id.starts_with("duration-") {
                continue; // English selects a plural form; the variable sits in a select.
            }
            assert_eq!(en, ja, "{id}");
        }
    }

    #[test]
    fn lookups_fill_arguments_and_fall_back() {
        assert_eq!(t(Lang::En, "signin-title"), "Sign in");
        assert_eq!(t(Lang::Ja, "signin-title"), "サインイン");
        assert_eq!(t(Lang::Ja, "no-such-message"), "no-such-message");
        assert_eq!(
            t_args(Lang::En, "new-password", &[("n", 12.into())]),
            "New password (12 characters or more)"
        );
        assert_eq!(t_args(Lang::En, "duration-hours", &[("n", 1.into())]), "1 hour");
        assert_eq!(t_args(Lang::En, "duration-hours", &[("n", 2.into())]), "2 hours");
        assert_eq!(t_args(Lang::Ja, "duration-hours", &[("n", 2.into())]), "2時間");
        assert_eq!(
            script_text(Lang::En, "js-retry-after"),
            "(try again in {$secs} seconds)"
        );
    }

    #[test]
    fn templates_fill_messages_escaped_and_values_as_given() {
        let page = render(
            "<h1>{{ signin-title }}</h1>{{=x}}{{ unclosed",
            Lang::Ja,
            &[("x", "<b>")],
        );
        assert_eq!(page, "<h1>サインイン</h1><b>{{ unclosed");
        assert_eq!(escape_html("a<b>&\"'"), "a&lt;b&gt;&amp;&quot;&#39;");
    }
}
