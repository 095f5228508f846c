//! Launch grants: what lets a browser fetch one package version's content for one learner
//! until an expiry. The player, the API bridge and content delivery all check the same grant.

mod grant;

pub use grant::{GrantError, GrantKey, LaunchGrant};
