//! The SCORM data model as data: one table per standard, the value rules `SetValue`
//! applies, and the error codes and strings of both standards. The same tables are sent
//! to the browser bridge as JSON (`table_json`), so browser and server enforce one set of
//! rules.

mod check;
pub mod errors;
mod responses;
pub mod scorm12;
pub mod scorm2004;
pub mod types;
mod values;

#[cfg(test)]
mod tests;

use serde::Serialize;

pub use check::{Data, check_get, check_set, lookup};
pub use errors::{Codes, Refusal, error_string};
pub use responses::check_response;
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

/// The whole data model of `version` as JSON, for the browser bridge.
pub fn table_json(version: Version) -> serde_json::Value {
    let errors: serde_json::Map<String, serde_json::Value> = version
        .error_strings()
        .iter()
        .map(|(code, text)| (code.to_string(), (*text).into()))
        .collect();
    let interaction_types: Vec<serde_json::Value> = scorm2004::INTERACTION_TYPES
        .iter()
        .map(|(kind, max)| serde_json::json!({ "type": kind, "max_correct_responses": max }))
        .collect();
    serde_json::json!({
        "version": version,
        "elements": version.table(),
        "codes": version.codes(),
        "errors": errors,
        "interaction_types": if version == Version::Scorm2004 { interaction_types } else { Vec::new() },
        "not_settable": if version == Version::Scorm12 { scorm12::NOT_SETTABLE } else { &[] },
    })
}
