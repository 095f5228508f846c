//! Why a launch that verified (signature, expiry) is still refused: what it names is gone,
//! or the tenant's one-ID-one-person policy stops it. Each has a stable machine-readable
//! reason and a sentence a learner can act on.

/// A refusal of a launch on the run-time, the player or content delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum LaunchRefusal {
    #[error("your learner ID has been removed, so this course can no longer be opened")]
    LearnerDeleted,
    #[error("this enrolment has been removed, so this course can no longer be opened")]
    RegistrationDeleted,
    #[error(
        "this learner ID is already in use in another browser; close the course there (or wait a few minutes) and try again"
    )]
    ConcurrentLaunch,
    #[error("this course was opened with the same learner ID in another browser, which ended the session here")]
    EndedByNewerLaunch,
}

impl LaunchRefusal {
    /// The stable reason clients branch on.
    pub fn reason(self) -> &'static str {
        match self {
            Self::LearnerDeleted => "learner_deleted",
            Self::RegistrationDeleted => "registration_deleted",
            Self::ConcurrentLaunch => "concurrent_launch",
            Self::EndedByNewerLaunch => "ended_by_newer_launch",
        }
    }
}
