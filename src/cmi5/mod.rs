//! cmi5 sessions as the LMS side of the cmi5 specification (AICC/CMI-5_Spec_Current)
//! defines them: the launch of an AU (`LMS.LaunchData`, `launched`), the rules the LMS
//! enforces on what an AU records through its session's credential (section 9), the
//! `satisfied` statements its `moveOn` criteria call for (9.3.9, 9.6.1), `abandoned`
//! (9.3.6) and `waived` (9.3.7) sessions, and the learner preferences document (11).
//!
//! What a registration has done in cmi5 terms (AU progress, satisfied blocks, the open
//! sessions) lives in the registration's shared state (`runtime::registration`), so each
//! step reads it, decides with the pure functions here and writes it back in the same
//! transaction as the statements it records, over the state it read.

pub mod ids;
pub mod moveon;
pub mod preferences;
pub mod report;
pub mod rules;
pub mod state;
pub mod statements;
pub mod usecase;

#[cfg(test)]
mod rules_tests;

/// The state id of the launch data (section 10.2).
pub const LAUNCH_DATA: &str = "LMS.LaunchData";
/// The agent profile id of the learner preferences (section 11).
pub const LEARNER_PREFERENCES: &str = "cmi5LearnerPreferences";
/// The context extension naming the session (section 9.6.3.1).
pub const SESSION_ID: &str = "https://w3id.org/xapi/cmi5/context/extensions/sessionid";
/// The context extension carrying the mastery score (9.6.3.2).
pub const MASTERY_SCORE: &str = "https://w3id.org/xapi/cmi5/context/extensions/masteryscore";
/// The category every cmi5 defined statement carries (section 9.6.2.1).
pub const CMI5_CATEGORY: &str = "https://w3id.org/xapi/cmi5/context/categories/cmi5";
/// The category of statements that count toward `moveOn` (9.6.2.2).
pub const MOVEON_CATEGORY: &str = "https://w3id.org/xapi/cmi5/context/categories/moveon";
/// The result extension of a waived AU's reason (9.5.5.2).
pub const REASON: &str = "https://w3id.org/xapi/cmi5/result/extensions/reason";

/// The verbs cmi5 defines (section 9.3).
pub mod verb {
    pub const LAUNCHED: &str = "http://adlnet.gov/expapi/verbs/launched";
    pub const INITIALIZED: &str = "http://adlnet.gov/expapi/verbs/initialized";
    pub const COMPLETED: &str = "http://adlnet.gov/expapi/verbs/completed";
    pub const PASSED: &str = "http://adlnet.gov/expapi/verbs/passed";
    pub const FAILED: &str = "http://adlnet.gov/expapi/verbs/failed";
    pub const ABANDONED: &str = "https://w3id.org/xapi/adl/verbs/abandoned";
    pub const WAIVED: &str = "https://w3id.org/xapi/adl/verbs/waived";
    pub const TERMINATED: &str = "http://adlnet.gov/expapi/verbs/terminated";
    pub const SATISFIED: &str = "https://w3id.org/xapi/adl/verbs/satisfied";
    pub const VOIDED: &str = "http://adlnet.gov/expapi/verbs/voided";
}
