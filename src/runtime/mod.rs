//! The SCORM run-time, as a domain with no HTTP or SQL: the data model of SCORM 1.2 and
//! SCORM 2004 written down once as data, the pure rules `SetValue`/`GetValue` apply, and
//! an attempt's life on the server (start or resume, commits, end of session).

pub mod attempt;
pub mod course;
pub mod datamodel;
pub mod documents;
pub mod launch;
pub mod navigation;
pub mod plan;
pub mod record;
pub mod registration;
pub mod report;
pub mod score;
pub mod sequencing;
pub mod timespan;
pub mod usecase;
