//! The SCORM run-time, as a domain with no HTTP or SQL: the data model of SCORM 1.2 and
//! SCORM 2004 written down once as data, and the pure rules `SetValue`/`GetValue` apply.

pub mod datamodel;
