//! The SCORM 2004 4th edition sequencing engine (IMS Simple Sequencing as ADL's
//! Sequencing and Navigation book, "the SN book", defines it), as pure functions over an
//! activity tree and its tracking state: no I/O, no HTTP, no SQL.
//!
//! Not wired yet: `navigation.rs` still decides navigation requests from the control
//! modes alone. The entry point is [`overall_sequencing`] (`overall.rs`, [OP.1]): a
//! navigation request (`nav_request.rs`) becomes a termination request
//! (`termination.rs`), a sequencing request (`sequencing_request.rs` over `flow.rs` and
//! `choice.rs`) and a delivery (`delivery.rs`), applied to a [`Sequencer`]: the
//! tracking state (`state.rs`, objectives through their maps in `objectives.rs`) of the
//! tree (`tree.rs`) and the session. Rules and limits are in `rules.rs`, rollup in
//! `rollup.rs` and `rollup_rules.rs`, selection and randomization in
//! `selection.rs`, what content reports in `report.rs`. Each function names the
//! process of the book it implements and the steps it follows.
//!
//! Where the book's text (read through secondary sources) left a choice open, ADL's
//! 4th edition LMS test cases decided it (`adl_replay_tests.rs`; the functions cite the
//! case): the default rollup rules (not satisfied when any child is known not
//! satisfied); rollup considerations belong to the child; `all` holds over no
//! contributing child; a read map replaces the local status, unknown until written; an
//! objective satisfied by measure, or an activity completed by measure, is judged by the
//! measure it reads; a condition on a referenced objective reads its completion; an
//! untracked activity knows no status; rollup also runs above the readers of a global
//! objective; a status the content reported, `unknown` included, is not overwritten by
//! End Attempt; objective IDs compare percent-decoded; `preventActivation` lets the
//! cluster itself be chosen and `constrainChoice` on the current leaf constrains
//! nothing; `adl.nav.request_valid.continue` is the navigation request's validity;
//! objectives not global to the system start over as the next attempt on the course
//! is sequenced.

pub mod choice;
pub mod content;
pub mod delivery;
pub mod flow;
pub mod nav_request;
pub mod objectives;
pub mod overall;
pub mod report;
pub mod request;
pub mod rollup;
pub mod rollup_rules;
pub mod rules;
pub mod selection;
pub mod sequencing_request;
pub mod state;
pub mod summary;
pub mod termination;
pub mod timing;
pub mod tree;

#[cfg(test)]
mod adl_fixture;
#[cfg(test)]
mod adl_replay_tests;
#[cfg(test)]
mod adl_sco;
#[cfg(test)]
mod choice_tests;
#[cfg(test)]
mod delivery_tests;
#[cfg(test)]
mod flow_tests;
#[cfg(test)]
mod nav_request_tests;
#[cfg(test)]
mod objectives_tests;
#[cfg(test)]
mod overall_tests;
#[cfg(test)]
mod rollup_tests;
#[cfg(test)]
mod rules_tests;
#[cfg(test)]
mod selection_tests;
#[cfg(test)]
mod sequenced_course_tests;
#[cfg(test)]
mod termination_tests;
#[cfg(test)]
pub(crate) mod tests;
#[cfg(test)]
mod timing_tests;

pub use objectives::Writes;
pub use overall::{Outcome, Sequencer, Step, overall_sequencing, request_valid};
pub use state::{ActivityState, ObjectiveState, TreeState};
pub use tree::{Activity, ActivityId, ActivityTree, Definition, ObjectiveDef};
