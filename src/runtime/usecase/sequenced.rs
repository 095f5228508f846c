//! Navigation of a SCORM 2004 course through the sequencing engine
//! (`sequencing::overall`): the registration's `Sequencer` is read, the current SCO's
//! data is reported to it, the request runs through the Overall Sequencing Process, and
//! the new state is written over the state read, as every run-time step. What the
//! player and `adl.nav.request_valid.*` may offer comes from the same state.

use crate::runtime::course::LoadedCourse;
use crate::runtime::datamodel::Data;
use crate::runtime::navigation::{Outcome, Refusal, Request, Validity};
use crate::runtime::registration::RegistrationState;
use crate::runtime::sequencing::content::report_of;
use crate::runtime::sequencing::nav_request::NavigationRequest;
use crate::runtime::sequencing::overall::{self, Sequencer};
use crate::runtime::sequencing::report::apply_report;
use crate::runtime::sequencing::state::ObjectiveState;
use crate::runtime::sequencing::tree::ActivityTree;
use crate::store::Store;
use crate::tenant::TenantId;

use super::RuntimeError;
use super::globals::{self, LearnerGlobals};
use crate::lrs::document::{DocKey, DocWrite};

fn engine_request(r: &Request) -> NavigationRequest {
    match r {
        Request::Start => NavigationRequest::Start,
        Request::ResumeAll => NavigationRequest::ResumeAll,
        Request::Continue => NavigationRequest::Continue,
        Request::Previous => NavigationRequest::Previous,
        Request::Choice(t) => NavigationRequest::Choice(t.clone()),
        Request::Jump(t) => NavigationRequest::Jump(t.clone()),
        Request::Exit => NavigationRequest::Exit,
        Request::ExitAll => NavigationRequest::ExitAll,
        Request::SuspendAll => NavigationRequest::SuspendAll,
        Request::Abandon => NavigationRequest::Abandon,
        Request::AbandonAll => NavigationRequest::AbandonAll,
    }
}

/// The registration's sequencing state for this tree (a fresh one before the first
/// session, or when the course's tree no longer fits what was stored), with the
/// learner's global objectives in place of the course's copies when the course shares
/// them across the learner's courses (`learner`, read by [`learner_globals`]).
pub fn sequencer_of(tree: &ActivityTree, rs: &RegistrationState, learner: Option<&LearnerGlobals>) -> Sequencer {
    let mut s = rs
        .sequencer
        .clone()
        .filter(|s| s.state.fits(tree))
        .unwrap_or_else(|| Sequencer::new(tree));
    if let Some(l) = learner.filter(|_| tree.objectives_global_to_system) {
        l.overlay(tree, &mut s.state.globals);
    }
    s
}

/// The learner's global objectives, when `tree` shares its global objectives across the
/// learner's courses (`adlseq:objectivesGlobalToSystem`, true unless the manifest says
/// otherwise) and names any.
pub async fn learner_globals(
    store: &dyn Store,
    tenant: TenantId,
    agent: &str,
    tree: &ActivityTree,
) -> Result<Option<LearnerGlobals>, RuntimeError> {
    if !tree.objectives_global_to_system || tree.global_ids().is_empty() {
        return Ok(None);
    }
    Ok(Some(globals::load(store, tenant, agent).await?))
}

/// The seed of selection and randomization: stable for a registration, so a resumed
/// course shows the questions it drew.
fn random_seed(registration: &str) -> u64 {
    registration.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The content's report of the current activity, applied before the request (the SCO
/// has ended its session by now: the player unloads it first).
async fn report_current(
    store: &dyn Store,
    tenant: TenantId,
    registration: &str,
    tree: &ActivityTree,
    s: &mut Sequencer,
) -> Result<(), RuntimeError> {
    let Some(a) = s.session.current.filter(|a| s.state.activity(*a).active) else {
        return Ok(());
    };
    let Some(att) = store
        .latest_attempt(tenant, registration, &tree.get(a).identifier)
        .await?
    else {
        return Ok(());
    };
    let data = serde_json::from_str(&att.data).map_err(|e| RuntimeError::Internal(format!("attempt data: {e}")))?;
    apply_report(tree, &mut s.state, a, &report_of(&data));
    Ok(())
}

/// What one request did: the outcome (or the refusal naming the book's exception code)
/// and the state to keep either way, with the learner's global objectives it changed.
pub struct Sequenced {
    pub outcome: Result<Outcome, Refusal>,
    pub sequencer: Sequencer,
    pub learner_write: Option<(DocKey, DocWrite)>,
}

/// Runs `request` for the registration whose state is `rs`.
pub async fn sequence(
    store: &dyn Store,
    tenant: TenantId,
    registration: &str,
    tree: &ActivityTree,
    rs: &RegistrationState,
    learner: Option<&LearnerGlobals>,
    request: &Request,
) -> Result<Sequenced, RuntimeError> {
    let mut s = sequencer_of(tree, rs, learner);
    s.state.now_ms = Some(crate::clock::now_ms());
    let before = s.state.globals.clone();
    report_current(store, tenant, registration, tree, &mut s).await?;
    let seed = random_seed(registration);
    // Only a start may be decided again from the same state (below): the state is
    // cloned for it alone (a 1,000-activity state takes a tenth of a millisecond).
    let start = matches!(request, Request::Start);
    let again = start.then(|| s.clone());
    let mut step = overall::overall_sequencing(tree, s, &engine_request(request), seed);
    // A course whose root does not flow (most single-SCO packages define no sequencing)
    // starts at the first activity choice allows, as if the learner had chosen it.
    if let Some(s) = again.filter(|_| step.outcome.is_err()) {
        let first = tree
            .iter()
            .filter(|(_, a)| a.launchable)
            .map(|(_, a)| NavigationRequest::Choice(a.identifier.clone()))
            .find(|c| overall::request_valid(tree, &s, c));
        if let Some(choice) = first {
            step = overall::overall_sequencing(tree, s, &choice, seed);
        }
    }
    let outcome = match step.outcome {
        Ok(overall::Outcome::Delivered(a)) => Ok(Outcome::Deliver(tree.get(a).identifier.clone())),
        Ok(overall::Outcome::Nothing) => Ok(Outcome::Choose),
        Ok(overall::Outcome::SessionEnded) => Ok(Outcome::End {
            suspended: step.sequencer.session.suspended.is_some(),
        }),
        Err(e) => Err(Refusal {
            rule: e.0,
            message: format!("The course's sequencing does not allow this now ({}).", e.0),
        }),
    };
    let learner_write = match learner {
        Some(l) => l.write(&before, &step.sequencer.state.globals)?,
        None => None,
    };
    Ok(Sequenced {
        outcome,
        sequencer: step.sequencer,
        learner_write,
    })
}

/// What the player and `adl.nav.request_valid.*` may offer from the current state.
pub fn validity(tree: &ActivityTree, s: &Sequencer) -> Validity {
    let valid = |r: &NavigationRequest| overall::request_valid(tree, s, r);
    let leaves: Vec<String> = tree
        .iter()
        .filter(|(_, a)| a.launchable)
        .map(|(_, a)| a.identifier.clone())
        .collect();
    Validity {
        continue_: valid(&NavigationRequest::Continue),
        previous: valid(&NavigationRequest::Previous),
        choice: leaves
            .iter()
            .filter(|id| valid(&NavigationRequest::Choice((*id).clone())))
            .cloned()
            .collect(),
        jump: leaves,
    }
}

/// The activity tree of a course that navigates through the sequencing engine.
pub fn tree(course: &LoadedCourse) -> Result<&ActivityTree, RuntimeError> {
    course
        .tree()
        .ok_or_else(|| RuntimeError::NotFound("the course has no sequenced organization".into()))
}

fn count(data: &Data) -> usize {
    (0..)
        .take_while(|n| data.contains_key(&format!("cmi.objectives.{n}.id")))
        .count()
}

/// The `cmi.objectives.n` of objective `id`, added at the end when the data has none.
fn entry(data: &mut Data, id: &str) -> usize {
    let n = count(data);
    (0..n)
        .find(|k| data.get(&format!("cmi.objectives.{k}.id")).is_some_and(|v| v == id))
        .unwrap_or_else(|| {
            data.insert(format!("cmi.objectives.{n}.id"), id.to_owned());
            n
        })
}

fn known_values(o: &ObjectiveState) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    if o.progress_status {
        out.push((
            "success_status",
            if o.satisfied_status { "passed" } else { "failed" }.to_owned(),
        ));
    }
    if o.measure_status {
        out.push(("score.scaled", o.normalized_measure.to_string()));
    }
    let numbers = [
        ("score.raw", o.raw_score),
        ("score.min", o.min_score),
        ("score.max", o.max_score),
        ("progress_measure", o.progress_measure),
    ];
    out.extend(numbers.into_iter().filter_map(|(k, v)| Some((k, v?.to_string()))));
    if let Some(c) = o.completion {
        out.push((
            "completion_status",
            if c { "completed" } else { "incomplete" }.to_owned(),
        ));
    }
    out
}

/// Puts into a SCORM 2004 attempt's data the objectives its activity declares, with
/// what the engine knows of them (local status, global objectives read through the
/// maps), replacing what a resumed attempt held; and the SCO's own success and
/// completion status from its primary objective where the data has none.
pub fn seed(
    data: &mut Data,
    course: &LoadedCourse,
    item: &str,
    rs: &RegistrationState,
    learner: Option<&LearnerGlobals>,
) {
    let Some(tree) = course.tree() else { return };
    let Some(a) = tree.find(item) else { return };
    let s = sequencer_of(tree, rs, learner);
    for (k, def) in tree.definition(a).objectives.iter().enumerate() {
        let view = s.state.objective(tree, a, k);
        if k == 0 {
            let own = known_values(&view)
                .into_iter()
                .filter(|(f, _)| matches!(*f, "success_status" | "completion_status"));
            for (field, value) in own {
                let key = format!("cmi.{field}");
                if data.get(&key).is_none_or(|v| v == "unknown") {
                    data.insert(key, value);
                }
            }
        }
        let Some(id) = def.id.as_deref() else { continue };
        let n = entry(data, id);
        for (field, value) in known_values(&view) {
            data.insert(format!("cmi.objectives.{n}.{field}"), value);
        }
    }
}
