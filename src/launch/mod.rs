//! Launch grants: what lets a browser fetch one package version's content for one learner
//! until an expiry. The player, the API bridge and content delivery all check the same grant.
//! `refusal` names why a verified grant is still refused; `session` is the
//! one-ID-one-person policy over launch sessions; `cmi5` what the LMS writes when it
//! launches a cmi5 AU.

pub mod actor;
pub mod cmi5;
mod grant;
mod refusal;
pub mod session;

pub use grant::{GrantError, GrantKey, LaunchGrant};
pub use refusal::LaunchRefusal;
pub use session::ConcurrentLaunches;
