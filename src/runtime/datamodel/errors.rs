//! Error codes and the `GetErrorString` texts of both standards, and which code each
//! kind of refusal maps to per version.

use serde::Serialize;

use super::Version;

/// SCORM 1.2 (CMI001 / RTE 3.4.4) error codes and their texts.
pub const SCORM12_ERRORS: &[(u16, &str)] = &[
    (0, "No error"),
    (101, "General exception"),
    (201, "Invalid argument error"),
    (202, "Element cannot have children"),
    (203, "Element not an array - cannot have count"),
    (301, "Not initialized"),
    (401, "Not implemented error"),
    (402, "Invalid set value, element is a keyword"),
    (403, "Element is read only"),
    (404, "Element is write only"),
    (405, "Incorrect data type"),
];

/// SCORM 2004 (IEEE 1484.11.2, RTE 3.1.7) error codes and their texts.
pub const SCORM2004_ERRORS: &[(u16, &str)] = &[
    (0, "No Error"),
    (101, "General Exception"),
    (102, "General Initialization Failure"),
    (103, "Already Initialized"),
    (104, "Content Instance Terminated"),
    (111, "General Termination Failure"),
    (112, "Termination Before Initialization"),
    (113, "Termination After Termination"),
    (122, "Retrieve Data Before Initialization"),
    (123, "Retrieve Data After Termination"),
    (132, "Store Data Before Initialization"),
    (133, "Store Data After Termination"),
    (142, "Commit Before Initialization"),
    (143, "Commit After Termination"),
    (201, "General Argument Error"),
    (301, "General Get Failure"),
    (351, "General Set Failure"),
    (391, "General Commit Failure"),
    (401, "Undefined Data Model Element"),
    (402, "Unimplemented Data Model Element"),
    (403, "Data Model Element Value Not Initialized"),
    (404, "Data Model Element Is Read Only"),
    (405, "Data Model Element Is Write Only"),
    (406, "Data Model Element Type Mismatch"),
    (407, "Data Model Element Value Out Of Range"),
    (408, "Data Model Dependency Not Established"),
];

/// The `GetErrorString` text for a code; the empty string for a code the standard does not list.
pub fn error_string(version: Version, code: u16) -> &'static str {
    let list = match version {
        Version::Scorm12 => SCORM12_ERRORS,
        Version::Scorm2004 => SCORM2004_ERRORS,
    };
    list.iter().find(|(c, _)| *c == code).map_or("", |(_, text)| text)
}

/// The code each version assigns to each kind of data-model refusal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Codes {
    /// The element name is not part of the data model.
    pub undefined: u16,
    /// `SetValue` on a read-only element.
    pub read_only: u16,
    /// `GetValue` on a write-only element.
    pub write_only: u16,
    /// `SetValue` on `_children`, `_count` or `_version`.
    pub keyword_set: u16,
    /// `_children` asked of an element that has none.
    pub no_children: u16,
    /// `_count` asked of an element that is not a collection.
    pub no_count: u16,
    /// `_version` asked of an element other than the data model itself (2004: RTE 3.1.7.6,
    /// "Data Model Element Does Not Have Version").
    pub no_version: u16,
    /// A name in another data model than this one (1.2: `xyz.score.result`, RTE 3.4.4).
    pub other_model: u16,
    /// The value does not have the element's data type (or exceeds its maximum size).
    pub type_mismatch: u16,
    /// A number outside the element's range, or a vocabulary token the call may not set.
    pub out_of_range: u16,
    /// `SetValue` at a collection index past `_count`, or another set the model refuses.
    pub set_failure: u16,
    /// `GetValue` at a collection index that does not exist.
    pub get_failure: u16,
    /// A set-before dependency is not met.
    pub dependency: u16,
    /// `GetValue` on an element nobody has set yet (0: answer the empty string).
    pub not_initialized: u16,
}

pub const SCORM12_CODES: Codes = Codes {
    undefined: 201,
    read_only: 403,
    write_only: 404,
    keyword_set: 402,
    no_children: 202,
    no_count: 203,
    no_version: 201,
    other_model: 401,
    type_mismatch: 405,
    out_of_range: 405,
    set_failure: 201,
    get_failure: 201,
    dependency: 201,
    not_initialized: 0,
};

pub const SCORM2004_CODES: Codes = Codes {
    undefined: 401,
    read_only: 404,
    write_only: 405,
    keyword_set: 404,
    no_children: 301,
    no_count: 301,
    no_version: 301,
    other_model: 401,
    type_mismatch: 406,
    out_of_range: 407,
    set_failure: 351,
    get_failure: 301,
    dependency: 408,
    not_initialized: 403,
};

/// The codes of the API's state machine (RTE 3.1.7 and 1.2 RTE 3.3): the bridge runs it, the
/// server never sees those calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct StateCodes {
    /// A call whose parameter must be the empty string and is not.
    pub argument: u16,
    /// `Initialize` on a running session.
    pub already_initialized: u16,
    /// `Initialize` after `Terminate`.
    pub initialize_after_terminate: u16,
    /// Each other call before `Initialize` and after `Terminate`.
    pub terminate: CallCodes,
    pub get: CallCodes,
    pub set: CallCodes,
    pub commit: CallCodes,
    /// `Commit` or `Terminate` when the server refused what an earlier commit sent.
    pub commit_failure: u16,
}

/// A call's codes before `Initialize` and after `Terminate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CallCodes {
    pub before: u16,
    pub after: u16,
}

const fn both(before: u16, after: u16) -> CallCodes {
    CallCodes { before, after }
}

/// 1.2 has no codes of its own for these: 301 "Not initialized", 101 "General exception".
pub const SCORM12_STATE: StateCodes = StateCodes {
    argument: 201,
    already_initialized: 101,
    initialize_after_terminate: 101,
    terminate: both(301, 301),
    get: both(301, 301),
    set: both(301, 301),
    commit: both(301, 301),
    commit_failure: 101,
};

pub const SCORM2004_STATE: StateCodes = StateCodes {
    argument: 201,
    already_initialized: 103,
    initialize_after_terminate: 104,
    terminate: both(112, 113),
    get: both(122, 123),
    set: both(132, 133),
    commit: both(142, 143),
    commit_failure: 391,
};

/// A refused `SetValue`/`GetValue`: the code to report and a diagnostic for `GetDiagnostic`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Refusal {
    pub code: u16,
    pub diagnostic: String,
}

impl Refusal {
    pub(crate) fn new(code: u16, diagnostic: impl Into<String>) -> Self {
        Refusal {
            code,
            diagnostic: diagnostic.into(),
        }
    }
}
