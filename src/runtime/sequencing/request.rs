//! The request vocabularies the processes pass each other: termination requests
//! [TB.2.3] and sequencing requests [SB.2.12], with their targets resolved to
//! activities.

use serde::{Deserialize, Serialize};

use super::tree::ActivityId;

/// A termination request (SN book, Termination Request Process [TB.2.3]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TerminationRequest {
    Exit,
    ExitAll,
    SuspendAll,
    Abandon,
    AbandonAll,
}

/// A sequencing request (SN book, Sequencing Request Process [SB.2.12]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SequencingRequest {
    Start,
    ResumeAll,
    Exit,
    Retry,
    Continue,
    Previous,
    Choice(ActivityId),
    Jump(ActivityId),
}

/// The book's Current Activity and Suspended Activity: the sequencing session's
/// position, beside the tracking state of the tree.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Session {
    pub current: Option<ActivityId>,
    pub suspended: Option<ActivityId>,
}
