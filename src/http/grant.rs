//! A launch grant checked against what is stored now. Grants are stateless HMAC tokens,
//! so a forced deletion could not revoke them by itself: the content origin, the run-time
//! and the player look up the learner (and the registration the grant names) on every
//! request, and refuse at once when either is gone.

use crate::http::error::ApiError;
use crate::launch::{LaunchGrant, LaunchRefusal};
use crate::server::AppState;

/// Refuses a grant whose learner (if it was stored when the grant was signed, or the grant
/// names a registration), or registration, has been deleted.
pub async fn still_stored(state: &AppState, g: &LaunchGrant) -> Result<(), ApiError> {
    let tenant = g.tenant_id();
    // One read per request: a registration exists only while its learner does (a learner
    // is deleted with their registrations or not at all), so the registration answers for
    // both; which one went tells the learner why.
    if let Some(r) = &g.registration {
        if state.store.registration(tenant, r).await?.is_some() {
            return Ok(());
        }
        let refusal = match state.store.learner(tenant, &g.learner).await? {
            None => LaunchRefusal::LearnerDeleted,
            Some(_) => LaunchRefusal::RegistrationDeleted,
        };
        return Err(refusal.into());
    }
    if g.learner_stored && state.store.learner(tenant, &g.learner).await?.is_none() {
        return Err(LaunchRefusal::LearnerDeleted.into());
    }
    Ok(())
}
