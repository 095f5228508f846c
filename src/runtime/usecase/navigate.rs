//! A navigation request of the player or a SCO (`POST /runtime/{grant}/-/nav`): the
//! decision over the course's activity tree, and what the registration keeps of it (the
//! item a suspended session left off at), applied as a plan like every run-time step.
//! The sequencing engine's decisions (rollup, objective state) join this plan.

use super::{ATTEMPTS, RuntimeError, apply_writes, load_registration_state};
use crate::package::model::{Course, Organization, PackageKind, Structure};
use crate::runtime::navigation::{Outcome, Request, Tree};
use crate::runtime::plan::Plan;
use crate::store::{Store, StoreError};
use crate::tenant::TenantId;

/// The registration a navigation request is about.
#[derive(Debug, Clone, Copy)]
pub struct Navigated<'a> {
    pub tenant: TenantId,
    pub registration: &'a str,
    pub course: &'a Course,
}

/// The organization the player shows, and whether it navigates freely (SCORM 1.2); a
/// course that is not SCORM, or has no organization, has nothing to navigate.
pub fn organization(course: &Course) -> Result<(&Organization, bool), RuntimeError> {
    let free = match course.kind {
        PackageKind::Scorm12 => true,
        PackageKind::Scorm2004 { .. } => false,
        _ => return Err(RuntimeError::NotFound("the player runs SCORM packages only".into())),
    };
    let Structure::Scorm(scorm) = &course.structure else {
        return Err(RuntimeError::NotFound("the player runs SCORM packages only".into()));
    };
    let org = scorm
        .default_organization()
        .ok_or_else(|| RuntimeError::NotFound("the course has no organization".into()))?;
    Ok((org, free))
}

/// Decides `request` from the item delivered now (`current`) and stores what the
/// registration keeps of the outcome.
pub async fn navigate(
    store: &dyn Store,
    at: Navigated<'_>,
    current: Option<&str>,
    request: &Request,
) -> Result<Outcome, RuntimeError> {
    let (org, free) = organization(at.course)?;
    let tree = Tree::new(org, free);
    for _ in 0..ATTEMPTS {
        let shared = load_registration_state(store, at.tenant, at.registration).await?;
        let mut rs = shared.state;
        let outcome = tree
            .navigate(current, rs.suspended_item.as_deref(), request)
            .map_err(RuntimeError::NavRefused)?;
        let suspended = match &outcome {
            Outcome::End { suspended: true } => current.map(str::to_owned),
            _ => None,
        };
        if rs.suspended_item == suspended {
            return Ok(outcome);
        }
        rs.suspended_item = suspended;
        let plan = Plan {
            registration: Some(rs),
            ..Plan::default()
        };
        if apply_writes(store, at.tenant, at.registration, plan, shared.read).await? {
            return Ok(outcome);
        }
    }
    Err(StoreError::Stale.into())
}
