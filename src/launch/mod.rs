//! Launch grants: what lets a browser fetch one package version's content for one learner
//! until an expiry. The player, the API bridge and content delivery all check the same grant.
//! `refusal` names why a verified grant is still refused; `session` is the
//! one-ID-one-person policy over launch sessions. What the LMS writes at a cmi5 AU's
//! launch is in the `cmi5` module.

pub mod actor;
mod grant;
mod refusal;
pub mod session;

pub use grant::{Cmi5LaunchClaims, GrantError, GrantKey, LaunchGrant};
pub use refusal::LaunchRefusal;
pub use session::ConcurrentLaunches;
