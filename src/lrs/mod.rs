//! The Learning Record Store's domain: statement validation and preparation, queries,
//! documents, output formats. Knows nothing of HTTP or SQL.

pub mod agent;
pub mod document;
mod error;
pub mod formats;
pub mod jws;
pub mod output;
pub mod query;
pub mod statement;
pub mod stored;
pub mod validate;
mod version;
mod x509;

pub use error::LrsError;
pub use version::{SUPPORTED as SUPPORTED_VERSIONS, XapiVersion};

/// The verb that voids the statement its StatementRef object points to.
pub const VOIDED_VERB: &str = "http://adlnet.gov/expapi/verbs/voided";
