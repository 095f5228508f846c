//! The SCORM 2004 4th edition sequencing engine (IMS Simple Sequencing as ADL's
//! Sequencing and Navigation book, "the SN book", defines it), as pure functions over an
//! activity tree and its tracking state: no I/O, no HTTP, no SQL.
//!
//! Not wired yet: `navigation.rs` still decides navigation requests from the control
//! modes alone. This module holds the foundation the engine grows from: the activity
//! tree with the book's defaults (`tree.rs`), the tracking state a registration will
//! keep (`state.rs`), the sequencing rule and limit condition checks (`rules.rs`), the
//! rollup processes (`rollup.rs`), flow traversal (`flow.rs`), choice (`choice.rs`),
//! termination (`termination.rs`) and the navigation request process
//! (`nav_request.rs`), over the requests of `request.rs`. Each function names the
//! process of the book it implements and the steps it follows.

pub mod choice;
pub mod flow;
pub mod nav_request;
pub mod request;
pub mod rollup;
pub mod rules;
pub mod state;
pub mod termination;
pub mod tree;

#[cfg(test)]
mod choice_tests;
#[cfg(test)]
mod flow_tests;
#[cfg(test)]
mod nav_request_tests;
#[cfg(test)]
mod rollup_tests;
#[cfg(test)]
mod rules_tests;
#[cfg(test)]
mod termination_tests;
#[cfg(test)]
mod tests;

pub use state::{ActivityState, ObjectiveState, TreeState};
pub use tree::{Activity, ActivityId, ActivityTree, Definition, ObjectiveDef};
