//! The learner portal's storage: learners' sign-ins (a password hash, an invitation
//! code's digest), portal sessions, and assignments. Deleting a learner (forced or not)
//! deletes their sign-in, sessions and own assignments in the same transaction
//! (`tables::LEARNER_PORTAL`), so their next portal request is refused.

use async_trait::async_trait;

use super::StoreResult;
use crate::launch::session::SessionVerdict;
use crate::portal::{Assignment, Login, NewPortalSession, PortalSession};
use crate::tenant::TenantId;

#[async_trait]
pub trait PortalStore: Send + Sync {
    /// Sets a learner's portal password (a PHC string); 404 when there is no such learner.
    async fn set_learner_password(&self, tenant: TenantId, learner: &str, phc: &str) -> StoreResult<()>;
    /// Stores a new invitation code's digest for a learner, replacing an unused one; 404
    /// when there is no such learner.
    async fn set_invitation(
        &self,
        tenant: TenantId,
        learner: &str,
        digest: [u8; 32],
        expires_ms: i64,
    ) -> StoreResult<()>;
    /// Every learner of the tenant with a portal password, and its PHC string, by id
    /// (`migrate-store` copies them).
    async fn learner_passwords(&self, tenant: TenantId) -> StoreResult<Vec<(String, String)>>;
    /// A learner's sign-in, when one was ever set.
    async fn learner_login(&self, tenant: TenantId, learner: &str) -> StoreResult<Option<Login>>;
    /// Uses an invitation code once: the learner it names when it exists and has not
    /// expired at `now_ms`; the code is gone afterwards either way.
    async fn redeem_invitation(&self, tenant: TenantId, digest: [u8; 32], now_ms: i64) -> StoreResult<Option<String>>;
    /// Applies `launch::session::decide` to a sign-in in one transaction (the learner's
    /// other sessions active since the call's window; under `end-first` they end), and
    /// stores the session unless refused. Sessions expired at the call are forgotten.
    async fn open_portal_session(&self, tenant: TenantId, new: NewPortalSession) -> StoreResult<SessionVerdict>;
    /// The session of a token digest.
    async fn portal_session(&self, tenant: TenantId, digest: [u8; 32]) -> StoreResult<Option<PortalSession>>;
    /// Marks a session seen at `now_ms`, its expiry moved to `slide_to` when given.
    async fn touch_portal_session(
        &self,
        tenant: TenantId,
        digest: [u8; 32],
        now_ms: i64,
        slide_to: Option<i64>,
    ) -> StoreResult<()>;
    /// Signs a session out.
    async fn end_portal_session(&self, tenant: TenantId, digest: [u8; 32]) -> StoreResult<()>;
    /// Stores an assignment; 404 when its package, learner or end client does not exist.
    async fn create_assignment(&self, tenant: TenantId, a: &Assignment) -> StoreResult<()>;
    /// Assignments, oldest first: all, or those reaching one end client (assigned to it
    /// or to one of its learners).
    async fn list_assignments(&self, tenant: TenantId, end_client: Option<&str>) -> StoreResult<Vec<Assignment>>;
    async fn assignment(&self, tenant: TenantId, id: &str) -> StoreResult<Option<Assignment>>;
    /// Deletes an assignment; whether it existed.
    async fn delete_assignment(&self, tenant: TenantId, id: &str) -> StoreResult<bool>;
    /// A learner's assignments: their own and their end client's, oldest first.
    async fn learner_assignments(&self, tenant: TenantId, learner: &str) -> StoreResult<Vec<Assignment>>;
}
