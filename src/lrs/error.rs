//! What the LRS domain can refuse. The HTTP edge maps each variant to a status in one table.

/// A rejection with a message for the client.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LrsError {
    /// Malformed or invalid input (400).
    #[error("{0}")]
    BadRequest(String),
    /// The credential may not do this (403).
    #[error("{0}")]
    Forbidden(String),
    /// Nothing at that address (404).
    #[error("{0}")]
    NotFound(String),
    /// Conflicts with what is stored (409).
    #[error("{0}")]
    Conflict(String),
    /// An If-Match / If-None-Match precondition failed (412).
    #[error("{0}")]
    PreconditionFailed(String),
    /// The body is larger than the configured limit (413).
    #[error("{0}")]
    TooLarge(String),
}

impl LrsError {
    pub fn bad(msg: impl Into<String>) -> Self {
        Self::BadRequest(msg.into())
    }
}
