//! The SCORM data model as data: one table per standard, the value rules `SetValue`
//! applies, and the error codes and strings of both standards. The same tables are sent
//! to the browser bridge as JSON (`table_json`), so browser and server enforce one set of
//! rules.

mod check;
pub mod errors;
mod responses;
pub mod rules;
pub mod scorm12;
pub mod scorm2004;
pub mod types;
mod values;

#[cfg(test)]
mod tests;

use serde::Serialize;

pub use check::{Data, check_get, check_set, lookup};
pub use errors::{Codes, Refusal, StateCodes, error_string};
pub use responses::{Format, check_format, check_response};
pub use rules::{RULES, Rules};
pub use scorm2004::{INTERACTION_TYPES, InteractionType};
pub use types::{Access, DataType, Element, Initial};

/// The run-time API version a SCO talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Version {
    #[serde(rename = "1.2")]
    Scorm12,
    #[serde(rename = "2004")]
    Scorm2004,
}

impl Version {
    /// The version's table of elements.
    pub fn table(self) -> &'static [Element] {
        match self {
            Version::Scorm12 => scorm12::TABLE,
            Version::Scorm2004 => scorm2004::TABLE,
        }
    }

    /// The version's error codes per kind of refusal.
    pub fn codes(self) -> Codes {
        match self {
            Version::Scorm12 => errors::SCORM12_CODES,
            Version::Scorm2004 => errors::SCORM2004_CODES,
        }
    }

    /// The codes of the version's API state machine.
    pub fn state_codes(self) -> StateCodes {
        match self {
            Version::Scorm12 => errors::SCORM12_STATE,
            Version::Scorm2004 => errors::SCORM2004_STATE,
        }
    }

    /// The interaction types whose responses the version checks (1.2 has none: its
    /// responses are `CMIFeedback`).
    pub fn interaction_types(self) -> &'static [InteractionType] {
        match self {
            Version::Scorm12 => &[],
            Version::Scorm2004 => INTERACTION_TYPES,
        }
    }

    /// The elements whose values are item ids, unique in their collection and never changed.
    pub fn unique_ids(self) -> &'static [&'static str] {
        match self {
            Version::Scorm12 => &[],
            Version::Scorm2004 => scorm2004::UNIQUE_IDS,
        }
    }

    /// (element, value) pairs of vocabulary values `SetValue` may not write.
    pub fn not_settable(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Version::Scorm12 => scorm12::NOT_SETTABLE,
            Version::Scorm2004 => &[],
        }
    }

    /// The version's `GetErrorString` list.
    pub fn error_strings(self) -> &'static [(u16, &'static str)] {
        match self {
            Version::Scorm12 => errors::SCORM12_ERRORS,
            Version::Scorm2004 => errors::SCORM2004_ERRORS,
        }
    }
}

/// Per-tenant choices the standards leave open.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Options {
    /// SCORM 1.2: hold `cmi.suspend_data` to the standard's 4,096 characters instead of 64,000.
    pub strict_scorm12_suspend_data: bool,
}

/// The whole data model of `version` as JSON, for the browser bridge: the element table,
/// the error codes and strings, the state machine's codes, the interaction types with their
/// response formats, and the lexical `rules` with the characters identifiers refuse. The
/// bridge keeps no rule of its own: everything it checks comes from here.
pub fn table_json(version: Version) -> serde_json::Value {
    let errors: serde_json::Map<String, serde_json::Value> = version
        .error_strings()
        .iter()
        .map(|(code, text)| (code.to_string(), (*text).into()))
        .collect();
    serde_json::json!({
        "version": version,
        "elements": version.table(),
        "codes": version.codes(),
        "state_codes": version.state_codes(),
        "errors": errors,
        "interaction_types": version.interaction_types(),
        "unique_ids": version.unique_ids(),
        "not_settable": version.not_settable(),
        "rules": RULES,
        "refused_in_identifiers": rules::refused_ranges(),
    })
}
