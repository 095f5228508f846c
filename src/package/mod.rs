//! Content packages: the limits and errors of intake, the course model every kind is
//! parsed into (SCORM 1.2, SCORM 2004, cmi5, xAPI/tincan), and the manifest parsers.
//! Knows nothing of HTTP or SQL.

pub mod authoring;
mod error;
pub mod import;
pub mod intake;
mod limits;
pub mod manifest;
pub mod model;
pub mod path;
mod zipdir;

pub use error::{Cmi5Rule, ErrorClass, PackageError, XmlPos};
pub use limits::PackageLimits;
