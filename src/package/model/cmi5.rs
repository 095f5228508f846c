//! cmi5 course structures: blocks nest blocks and AUs; AUs are what a learner launches.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{LaunchHref, Launchable};

/// The content of a `cmi5.xml` below the course element.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Cmi5Structure {
    /// The course title in every language of the `cmi5.xml` (`Course::title` holds one).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub titles: LangMap,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub descriptions: LangMap,
    /// Objectives declared at course level; blocks and AUs refer to them by id.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub objectives: Vec<Cmi5Objective>,
    /// Blocks and AUs in document order.
    pub children: Vec<Cmi5Node>,
}

impl Cmi5Structure {
    /// Every AU in tree order.
    pub fn launchables(&self) -> Vec<Launchable> {
        let mut out = Vec::new();
        collect(&self.children, &mut out);
        out
    }

    /// Every AU in tree order.
    pub fn aus(&self) -> Vec<&Cmi5Au> {
        let mut out = Vec::new();
        collect_aus(&self.children, &mut out);
        out
    }
}

fn collect(nodes: &[Cmi5Node], out: &mut Vec<Launchable>) {
    for node in nodes {
        match node {
            Cmi5Node::Au(au) => out.push(Launchable {
                id: au.id.clone(),
                title: au.title.clone(),
                href: au.url.clone(),
            }),
            Cmi5Node::Block(block) => collect(&block.children, out),
        }
    }
}

fn collect_aus<'a>(nodes: &'a [Cmi5Node], out: &mut Vec<&'a Cmi5Au>) {
    for node in nodes {
        match node {
            Cmi5Node::Au(au) => out.push(au),
            Cmi5Node::Block(block) => collect_aus(&block.children, out),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Cmi5Objective {
    pub id: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `title` and `description` in every language; `title` is the English one (or the first).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub titles: LangMap,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub descriptions: LangMap,
}

/// Language tag → text, every `<langstring>` of a title or description ("und" when one
/// names no language; the first of two in one language wins).
pub type LangMap = BTreeMap<String, String>;

/// The text of `map` in language `lang` (a primary tag such as `ja`): the tag itself, or a
/// regional one of it (`ja-JP`); else `fallback` (the title picked at import). What a
/// learner reading in Japanese sees of a course whose author gave Japanese titles.
pub fn in_language<'a>(map: &'a LangMap, lang: &str, fallback: &'a str) -> &'a str {
    map.iter()
        .find(|(tag, text)| {
            let primary = tag.split(['-', '_']).next().unwrap_or_default();
            primary.eq_ignore_ascii_case(lang) && !text.trim().is_empty()
        })
        .map_or(fallback, |(_, text)| text.as_str())
}

/// A block or an AU. Serializes as `{"block": {…}}` or `{"au": {…}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Cmi5Node {
    Block(Cmi5Block),
    Au(Cmi5Au),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Cmi5Block {
    pub id: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `title` and `description` in every language; `title` is the English one (or the first).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub titles: LangMap,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub descriptions: LangMap,
    /// Ids of course-level objectives.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub objectives: Vec<String>,
    pub children: Vec<Cmi5Node>,
}

/// An assignable unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Cmi5Au {
    pub id: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `title` and `description` in every language; `title` is the English one (or the first).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub titles: LangMap,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub descriptions: LangMap,
    /// The launch URL: a package file, or anywhere.
    pub url: LaunchHref,
    pub launch_method: LaunchMethod,
    pub move_on: MoveOn,
    /// 0.0 to 1.0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mastery_score: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub launch_parameters: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entitlement_key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub activity_type: Option<String>,
    /// Ids of course-level objectives.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub objectives: Vec<String>,
}

vocabulary! {
    /// Where an AU opens (default `AnyWindow`).
    LaunchMethod { AnyWindow = "AnyWindow", OwnWindow = "OwnWindow" }
}

vocabulary! {
    /// What satisfies an AU (default `NotApplicable`).
    MoveOn {
        Passed = "Passed",
        Completed = "Completed",
        CompletedAndPassed = "CompletedAndPassed",
        CompletedOrPassed = "CompletedOrPassed",
        NotApplicable = "NotApplicable",
    }
}

#[cfg(test)]
mod tests {
    use super::{LangMap, in_language};

    fn map(pairs: &[(&str, &str)]) -> LangMap {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn a_title_is_picked_by_primary_language_else_the_fallback() {
        let m = map(&[("en-US", "Volcanoes"), ("ja-JP", "火山"), ("und", "???")]);
        assert_eq!(in_language(&m, "ja", "Volcanoes"), "火山");
        assert_eq!(in_language(&m, "JA", "Volcanoes"), "火山");
        assert_eq!(in_language(&m, "en", "x"), "Volcanoes");
        assert_eq!(in_language(&m, "fr", "Volcanoes"), "Volcanoes");
        // A tag sharing only a prefix is another language; an empty text is no title.
        let m = map(&[("jam", "Jamaican"), ("ja_JP", " ")]);
        assert_eq!(in_language(&m, "ja", "fallback"), "fallback");
        // The bare tag comes before a regional one.
        let m = map(&[("ja", "火山"), ("ja-JP", "火山（日本）")]);
        assert_eq!(in_language(&m, "ja", "-"), "火山");
    }

    proptest::proptest! {
        /// Any tags and texts (a cmi5.xml's, so anyone's): the answer is the fallback or a
        /// non-blank text of the map under a tag of that language.
        #[test]
        fn any_titles_answer_the_fallback_or_one_of_theirs(
            pairs in proptest::collection::vec(("[a-zA-Z_-]{0,8}|ja|ja-JP|en|\\PC{0,3}", "\\PC{0,12}|火山|😀\u{301}"), 0..6),
            lang in "ja|en|fr|\\PC{0,3}",
        ) {
            let m: LangMap = pairs.into_iter().collect();
            let got = in_language(&m, &lang, "fallback");
            let theirs = m.iter().any(|(tag, text)| {
                text == got && !text.trim().is_empty()
                    && tag.split(['-', '_']).next().is_some_and(|p| p.eq_ignore_ascii_case(&lang))
            });
            proptest::prop_assert!(got == "fallback" || theirs, "{got:?} from {m:?} for {lang:?}");
        }
    }
}
