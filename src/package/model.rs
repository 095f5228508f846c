//! The course model: one shape for every kind of package (SCORM 1.2, SCORM 2004, cmi5,
//! xAPI/tincan). The manifest parsers build it; the store keeps it as JSON and
//! `GET /api/v1/packages/{id}` serves it, so it serializes to clean camelCase JSON
//! (absent options and empty lists are left out).
//!
//! The kind-specific structure sits in [`Structure`]: SCORM organizations, items,
//! resources and the full sequencing definitions ([`sequencing`]), cmi5 blocks and AUs,
//! tincan activities. [`Course::launchables`] flattens any of them into what can be
//! launched.

use serde::{Deserialize, Serialize};

/// Declares a closed vocabulary of XML tokens: an enum that serializes as the token and
/// parses from it (ASCII case-insensitively: real manifests are not always careful).
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $token:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $token)] $variant),+
        }

        impl $crate::package::model::Vocabulary for $name {
            const TOKENS: &'static [&'static str] = &[$($token),+];

            fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $token),+ }
            }

            fn from_token(token: &str) -> Option<Self> {
                let token = token.trim();
                $(if token.eq_ignore_ascii_case($token) { return Some(Self::$variant); })+
                None
            }
        }
    };
}

/// A closed vocabulary of XML tokens (declared with `vocabulary!`).
pub trait Vocabulary: Sized + Copy + 'static {
    /// Every token, as written in manifests.
    const TOKENS: &'static [&'static str];
    /// The token as written in manifests.
    fn as_str(self) -> &'static str;
    /// Parses a token (surrounding whitespace ignored, ASCII case-insensitive).
    fn from_token(token: &str) -> Option<Self>;
}

mod cmi5;
mod scorm;
pub mod sequencing;
mod xapi;

pub use cmi5::{Cmi5Au, Cmi5Block, Cmi5Node, Cmi5Objective, Cmi5Structure, LangMap, LaunchMethod, MoveOn, in_language};
pub use scorm::{
    CompletionThreshold, DataMap, HideLmsUi, Item, ItemLaunch, Organization, Resource, ScormStructure, ScormType,
    TimeLimitAction,
};
pub use sequencing::Sequencing;
pub use xapi::{ActorFormat, XapiActivity, XapiStructure};

/// What kind of package a course came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum PackageKind {
    Scorm12,
    Scorm2004 { edition: Scorm2004Edition },
    Xapi,
    Cmi5,
}

/// The edition of a SCORM 2004 package, from its `schemaversion`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Scorm2004Edition {
    /// `CAM 1.3`.
    #[serde(rename = "2nd")]
    Second,
    /// `2004 3rd Edition`.
    #[serde(rename = "3rd")]
    Third,
    /// `2004 4th Edition`.
    #[serde(rename = "4th")]
    Fourth,
}

impl Scorm2004Edition {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Second => "2nd",
            Self::Third => "3rd",
            Self::Fourth => "4th",
        }
    }
}

impl PackageKind {
    /// `scorm12`, `scorm2004`, `xapi` or `cmi5`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Scorm12 => "scorm12",
            Self::Scorm2004 { .. } => "scorm2004",
            Self::Xapi => "xapi",
            Self::Cmi5 => "cmi5",
        }
    }

    /// `2nd`, `3rd` or `4th` for SCORM 2004; `None` otherwise.
    pub fn edition(&self) -> Option<&'static str> {
        match self {
            Self::Scorm2004 { edition } => Some(edition.as_str()),
            _ => None,
        }
    }
}

/// A parsed package: what it is, what it is called, and its structure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Course {
    pub kind: PackageKind,
    /// The manifest identifier (SCORM), the course id (cmi5) or the course activity id (tincan).
    pub identifier: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub structure: Structure,
}

/// The kind-specific structure of a course.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Structure {
    Scorm(ScormStructure),
    Cmi5(Cmi5Structure),
    Xapi(XapiStructure),
}

/// Something a learner can launch: a SCORM item with a resource, a cmi5 AU, a tincan
/// activity with a launch element.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Launchable {
    /// The item identifier (SCORM), AU id (cmi5) or activity id (tincan).
    pub id: String,
    pub title: String,
    pub href: LaunchHref,
}

/// Where a launchable starts. Serializes as `{"path": …, "query": …}` or as the URL string.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum LaunchHref {
    /// A file inside the package: `path` relative to the zip root (manifest folder and every xml:base applied,
    /// percent-decoded, "./" and ".." resolved, never escaping the root), `query` without '?', `fragment`
    /// without '#' (content that routes by fragment needs it in the launch URL).
    Package {
        path: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        query: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        fragment: Option<String>,
    },
    /// cmi5 AUs may point anywhere.
    Absolute(String),
}

/// What the API and the CLI list for each launchable: id, title and `path?query` (or URL).
pub fn launch_summary(course: &Course) -> serde_json::Value {
    course
        .launchables()
        .into_iter()
        .map(|l| serde_json::json!({ "id": l.id, "title": l.title, "href": l.href.to_string() }))
        .collect()
}

impl std::fmt::Display for LaunchHref {
    /// `path?query#fragment` for package files, the URL for absolute ones.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Package { path, query, fragment } => {
                f.write_str(path)?;
                if let Some(q) = query {
                    write!(f, "?{q}")?;
                }
                if let Some(h) = fragment {
                    write!(f, "#{h}")?;
                }
                Ok(())
            }
            Self::Absolute(url) => f.write_str(url),
        }
    }
}

impl Course {
    /// The course's title in language `lang` (a primary tag) where the package gives one —
    /// a cmi5 course's title in every language of its `cmi5.xml` — else [`Course::title`].
    pub fn title_in(&self, lang: &str) -> &str {
        match &self.structure {
            Structure::Cmi5(s) => in_language(&s.titles, lang, &self.title),
            Structure::Scorm(_) | Structure::Xapi(_) => &self.title,
        }
    }

    /// Every launchable item in tree order. For SCORM this is the default organization
    /// (what a learner is shown); [`Course::all_launchables`] adds the other organizations.
    pub fn launchables(&self) -> Vec<Launchable> {
        match &self.structure {
            Structure::Scorm(scorm) => scorm
                .default_organization()
                .map(Organization::launchables)
                .unwrap_or_default(),
            Structure::Cmi5(cmi5) => cmi5.launchables(),
            Structure::Xapi(xapi) => xapi.launchables(),
        }
    }

    /// Every launchable in every organization (default first), e.g. to check that each
    /// launch file is in the package.
    pub fn all_launchables(&self) -> Vec<Launchable> {
        match &self.structure {
            Structure::Scorm(scorm) => scorm
                .organizations_default_first()
                .flat_map(Organization::launchables)
                .collect(),
            _ => self.launchables(),
        }
    }
}

/// `skip_serializing_if` helper for flags that default to true.
fn is_true(value: &bool) -> bool {
    *value
}

/// `serde(default)` helper for flags that default to true.
fn yes() -> bool {
    true
}
