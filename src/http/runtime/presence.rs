//! One ID, one person on the run-time: the launch session a browser names (a random id
//! the bridge sends when it opens an attempt and with each commit) is put to the tenant's
//! policy through the store, which decides atomically for every server. A concurrent case
//! goes to the audit log; a refused or ended session gets its 409.

use serde_json::json;

use super::session::Session;
use crate::audit::{Action, Actor, NewAuditEntry};
use crate::clock;
use crate::http::client::ClientAddr;
use crate::http::error::ApiError;
use crate::launch::LaunchRefusal;
use crate::launch::session::{ConcurrentCase, SessionCall, SessionState};
use crate::lrs::LrsError;
use crate::server::AppState;

/// A session id: 8–64 characters of `[A-Za-z0-9_-]`.
fn check_id(id: &str) -> Result<(), LrsError> {
    let ok = (8..=64).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || b"_-".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(LrsError::bad(
            "session must be 8-64 characters of letters, digits, '_' or '-'",
        ))
    }
}

/// Applies the policy to one call of a session. Calls without a session id (clients older
/// than launch sessions) are not tracked.
pub(super) async fn track(state: &AppState, s: &Session, id: Option<&str>, from: &ClientAddr) -> Result<(), ApiError> {
    let Some(id) = id else { return Ok(()) };
    check_id(id)?;
    let now_ms = clock::now_ms();
    let call = SessionCall {
        id: id.to_owned(),
        learner: s.learner.clone(),
        registration: s.registration.clone(),
        now_ms,
        active_since_ms: now_ms - state.config.launch_session_window_ms,
        policy: s.concurrent_launches,
    };
    let verdict = state.store.launch_session(s.tenant, call).await?;
    if let Some(case) = verdict.case {
        let action = match case {
            ConcurrentCase::Allowed => Action::ConcurrentLaunchAllowed,
            ConcurrentCase::Refused => Action::ConcurrentLaunchRefused,
            ConcurrentCase::FirstEnded => Action::LaunchEndedByNewer,
        };
        let entry = NewAuditEntry {
            at_ms: now_ms,
            actor: Actor::learner(&s.learner),
            action,
            target: format!("learner:{}", s.learner),
            address: from.text(),
            detail: json!({
                "registration": s.registration,
                "policy": s.concurrent_launches.as_str(),
                "otherSessions": verdict.others.len(),
            }),
        };
        if let Err(e) = state.store.append_audit(s.tenant, entry).await {
            tracing::error!(tenant.id = %s.tenant, error = %e, "writing the audit log");
        }
    }
    match verdict.state {
        SessionState::Active => Ok(()),
        SessionState::Refused => Err(LaunchRefusal::ConcurrentLaunch.into()),
        SessionState::Ended => Err(LaunchRefusal::EndedByNewerLaunch.into()),
    }
}
