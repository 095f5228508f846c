//! What one run-time step (open, commit) decides: the attempt rows to write with their
//! new state, what the registration keeps across SCOs, the xAPI statements and the
//! profile's documents. A plan is pure data; the store applies it in one transaction
//! (`AttemptStore::apply_runtime`), so an acknowledged step is recorded whole or not at
//! all. The sequencing engine and cmi5 add their decisions as further parts of a plan.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::datamodel::Data;
use super::documents::ProfileDocument;
use super::registration::RegistrationState;

/// Where an attempt's current session stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AttemptState {
    /// Opened by the player; the SCO has not called `Initialize` yet.
    Launched,
    /// The SCO called `Initialize` (its first commit says so) and has not terminated.
    Active,
    /// Ended with `exit = suspend`: the next launch resumes it.
    Suspended,
    /// Ended otherwise: the next launch starts a new attempt.
    Finished,
}

impl AttemptState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Launched => "launched",
            Self::Active => "active",
            Self::Suspended => "suspended",
            Self::Finished => "finished",
        }
    }

    /// The state stored as `text`, if it is one.
    pub fn parse(text: &str) -> Option<Self> {
        [Self::Launched, Self::Active, Self::Suspended, Self::Finished]
            .into_iter()
            .find(|s| s.as_str() == text)
    }

    /// The session is open: it takes commits.
    pub fn is_open(self) -> bool {
        matches!(self, Self::Launched | Self::Active)
    }
}

impl std::fmt::Display for AttemptState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One attempt row as a plan writes it: applied only if `seq` is above the stored
/// sequence number of that attempt (else nothing of the plan is written).
#[derive(Debug, Clone, PartialEq)]
pub struct AttemptWrite {
    pub number: u32,
    pub state: AttemptState,
    pub data: Data,
    pub seq: u64,
}

/// Everything one step writes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Plan {
    pub attempts: Vec<AttemptWrite>,
    /// The registration's new shared state, when the step changed it.
    pub registration: Option<RegistrationState>,
    /// xAPI statements, recorded under the run-time's authority.
    pub statements: Vec<Value>,
    /// The profile's documents, each replacing what is stored.
    pub documents: Vec<ProfileDocument>,
}
