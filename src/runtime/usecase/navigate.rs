//! A navigation request of the player or a SCO (`POST /runtime/{grant}/-/nav`): the
//! decision over the course's activity tree, and what the registration keeps of it (the
//! item a suspended session left off at), applied as a plan like every run-time step.
//! SCORM 2004 goes through the sequencing engine (`sequenced.rs`), whose state joins
//! this plan; SCORM 1.2 navigates freely.

use super::{ATTEMPTS, RuntimeError, apply_writes, load_registration_state, sequenced};
use crate::package::model::{Course, Organization, PackageKind, Structure};
use crate::runtime::course::LoadedCourse;
use crate::runtime::navigation::{Outcome, Request, Tree, Validity};
use crate::runtime::plan::Plan;
use crate::store::{Store, StoreError};
use crate::tenant::TenantId;

/// The registration a navigation request is about.
#[derive(Debug, Clone, Copy)]
pub struct Navigated<'a> {
    pub tenant: TenantId,
    pub registration: &'a str,
    pub course: &'a LoadedCourse,
    /// The learner's agent key: where the global objectives it carries across courses
    /// are kept.
    pub agent: &'a str,
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

/// Where a request led, and what may be asked next from there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Navigation {
    pub outcome: Outcome,
    pub valid: Validity,
}

/// Decides `request` from the item delivered now (`current`; the sequencing engine keeps
/// its own for SCORM 2004) and stores what the registration keeps of the outcome.
pub async fn navigate(
    store: &dyn Store,
    at: Navigated<'_>,
    current: Option<&str>,
    request: &Request,
) -> Result<Navigation, RuntimeError> {
    let (org, free) = organization(at.course)?;
    if !free {
        return sequenced_navigate(store, at, request).await;
    }
    let tree = Tree::new(org);
    for _ in 0..ATTEMPTS {
        let shared = load_registration_state(store, at.tenant, at.registration).await?;
        let mut rs = shared.state;
        let outcome = tree
            .navigate(current, rs.suspended_item.as_deref(), request)
            .map_err(RuntimeError::NavRefused)?;
        let valid = match &outcome {
            Outcome::Deliver(id) => tree.validity(Some(id)),
            _ => Validity::default(),
        };
        let suspended = match &outcome {
            Outcome::End { suspended: true } => current.map(str::to_owned),
            _ => None,
        };
        if rs.suspended_item == suspended {
            return Ok(Navigation { outcome, valid });
        }
        rs.suspended_item = suspended;
        let plan = Plan {
            registration: Some(rs),
            ..Plan::default()
        };
        if apply_writes(store, at.tenant, at.registration, plan, shared.read, Vec::new()).await? {
            return Ok(Navigation { outcome, valid });
        }
    }
    Err(StoreError::Stale.into())
}

/// SCORM 2004: the request through the sequencing engine; its state is kept even when
/// the request is refused after the current attempt ended (as the book has it).
async fn sequenced_navigate(
    store: &dyn Store,
    at: Navigated<'_>,
    request: &Request,
) -> Result<Navigation, RuntimeError> {
    let tree = sequenced::tree(at.course)?;
    for _ in 0..ATTEMPTS {
        let shared = load_registration_state(store, at.tenant, at.registration).await?;
        let mut rs = shared.state;
        let learner = sequenced::learner_globals(store, at.tenant, at.agent, tree).await?;
        let done = sequenced::sequence(store, at.tenant, at.registration, tree, &rs, learner.as_ref(), request).await?;
        let valid = sequenced::validity(tree, &done.sequencer);
        rs.suspended_item = done.sequencer.session.suspended.map(|a| tree.get(a).identifier.clone());
        let mut kept = done.sequencer;
        if learner.is_some() {
            // The learner's document keeps them: one copy, not one per registration.
            kept.state.globals.clear();
        }
        rs.sequencer = Some(kept);
        let plan = Plan {
            registration: Some(rs),
            ..Plan::default()
        };
        let documents = done.learner_write.into_iter().collect();
        if apply_writes(store, at.tenant, at.registration, plan, shared.read, documents).await? {
            return done
                .outcome
                .map(|outcome| Navigation { outcome, valid })
                .map_err(RuntimeError::NavRefused);
        }
    }
    Err(StoreError::Stale.into())
}

/// What may be asked from `item` now (the player's buttons and table of contents, a
/// SCO's `adl.nav.request_valid.*`).
pub async fn validity(store: &dyn Store, at: Navigated<'_>, item: &str) -> Result<Validity, RuntimeError> {
    let (org, free) = organization(at.course)?;
    if free {
        return Ok(Tree::new(org).validity(Some(item)));
    }
    let rs = load_registration_state(store, at.tenant, at.registration).await?.state;
    let tree = sequenced::tree(at.course)?;
    let learner = sequenced::learner_globals(store, at.tenant, at.agent, tree).await?;
    let mut s = sequenced::sequencer_of(tree, &rs, learner.as_ref());
    s.state.now_ms = Some(crate::clock::now_ms());
    Ok(sequenced::validity(tree, &s))
}
