//! An attempt's life over HTTP: open it (start, resume or next) and commit SetValue calls.
//! Commits carry a sequence number, so a commit sent twice (fetch retry, then sendBeacon)
//! changes nothing; they may come as `text/plain` JSON (sendBeacon). Each step is recorded
//! as xAPI statements and the profile's documents in the tenant's LRS.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

use super::nav::validity_json;
use super::presence;
use super::session::{
    Session, decode_data, record_of, save_registration_state, session, store_documents, store_statements,
};
use crate::http::client::ClientAddr;
use crate::http::error::ApiError;
use crate::lrs::LrsError;
use crate::ops::metrics::Event;
use crate::runtime::attempt::{Ending, apply_commit, end_session, start};
use crate::runtime::datamodel::{Data, Version};
use crate::runtime::{documents, record, registration};
use crate::server::AppState;

/// Puts into `data` what the registration shares with this SCO (SCORM 2004).
async fn seed_shared(state: &AppState, s: &Session, data: &mut Data) -> Result<(), ApiError> {
    if s.version != Version::Scorm2004 {
        return Ok(());
    }
    if let Some(item) = s.item_model() {
        let rs = s.registration_state(state).await?;
        registration::seed(data, item, &rs);
    }
    Ok(())
}

/// Takes back from `data` what this SCO shares with the registration (SCORM 2004).
async fn collect_shared(state: &AppState, s: &Session, data: &Data) -> Result<(), ApiError> {
    if s.version != Version::Scorm2004 {
        return Ok(());
    }
    if let Some(item) = s.item_model() {
        let mut rs = s.registration_state(state).await?;
        if registration::collect(data, item, &mut rs) {
            save_registration_state(state, s.tenant, &s.registration, &rs).await?;
        }
    }
    Ok(())
}

/// `GET /runtime/{grant}/{item}`: the attempt this launch runs. A suspended attempt (or one
/// left without Terminate whose exit was `suspend`) resumes; otherwise a new one starts.
/// The answer carries the data, the tenant's data-model options and which navigation
/// requests are valid from this item.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct OpenParams {
    /// The launch session (one ID, one person) the page opening the attempt belongs to.
    session: Option<String>,
}

pub(super) async fn open(
    State(state): State<AppState>,
    from: ClientAddr,
    Path((token, item)): Path<(String, String)>,
    Query(q): Query<OpenParams>,
) -> Result<Response, ApiError> {
    let mut s = session(&state, &token, &item).await?;
    presence::track(&state, &s, q.session.as_deref(), &from).await?;
    let latest = state.store.latest_attempt(s.tenant, &s.registration, &item).await?;
    let (number, previous, seq) = match latest {
        None => (1, None, 0),
        Some(a) => {
            let mut data = decode_data(&a)?;
            let resumes = a.state == "suspended"
                || (a.state == "active" && end_session(s.version, &mut data) == Ending::Suspended);
            if resumes {
                (a.number, Some(data), a.commit_seq)
            } else {
                (a.number + 1, None, 0)
            }
        }
    };
    let mut data = start(s.version, &s.ctx, previous.as_ref());
    seed_shared(&state, &s, &mut data).await?;
    let seq = seq + 1;
    state
        .store
        .save_attempt(s.tenant, record_of(&s, number, "active", &data, seq))
        .await?;
    s.subject.attempt = number;
    store_statements(&state, &s, record::opened(&s.subject, seq, previous.is_some())).await;
    store_documents(&state, &s, documents::at_launch(&s.subject, &data)).await;
    Ok(Json(json!({
        "version": s.version,
        "attempt": number,
        "seq": seq,
        "data": data,
        "options": { "strictSuspendData": s.options.strict_scorm12_suspend_data },
        "nav": validity_json(&s.course, &item),
    }))
    .into_response())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Commit {
    attempt: u32,
    /// Above the last acknowledged sequence number; a resend carries the same one.
    seq: u64,
    sets: Vec<(String, String)>,
    #[serde(default)]
    terminate: bool,
    /// The launch session; commits without one (older bridges) are not tracked.
    #[serde(default)]
    session: Option<String>,
}

/// `POST /runtime/{grant}/{item}/commit`.
pub(super) async fn commit(
    State(state): State<AppState>,
    from: ClientAddr,
    Path((token, item)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let c: Commit = serde_json::from_slice(&body).map_err(|e| LrsError::bad(format!("invalid commit: {e}")))?;
    let mut s = session(&state, &token, &item).await?;
    presence::track(&state, &s, c.session.as_deref(), &from).await?;
    let a = state
        .store
        .latest_attempt(s.tenant, &s.registration, &item)
        .await?
        .filter(|a| a.number == c.attempt)
        .ok_or_else(|| LrsError::Conflict(format!("attempt {} is not the current attempt", c.attempt)))?;
    if c.seq <= a.commit_seq {
        return Ok(Json(json!({ "status": "duplicate", "seq": a.commit_seq })).into_response());
    }
    // A session that has ended (Terminate, or a suspend) takes no more commits: a late
    // second send must not end it again (time added twice, a second `terminated`).
    if a.state != "active" {
        return Err(LrsError::Conflict(format!("attempt {} has ended ({})", a.number, a.state)).into());
    }
    let before = decode_data(&a)?;
    let mut data = match apply_commit(s.version, s.options, &before, &c.sets) {
        Ok(d) => d,
        Err(r) => {
            let body = json!({ "error": { "index": r.index, "element": r.element, "code": r.refusal.code, "diagnostic": r.refusal.diagnostic } });
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response());
        }
    };
    let session_name = if s.version == Version::Scorm12 {
        "cmi.core.session_time"
    } else {
        "cmi.session_time"
    };
    let session_time = data.get(session_name).cloned();
    let ending = c.terminate.then(|| end_session(s.version, &mut data));
    let state_name = match ending {
        Some(Ending::Suspended) => "suspended",
        Some(Ending::Finished) => "finished",
        None => "active",
    };
    state
        .store
        .save_attempt(s.tenant, record_of(&s, a.number, state_name, &data, c.seq))
        .await?;
    collect_shared(&state, &s, &data).await?;
    s.subject.attempt = a.number;
    let statements = record::committed(&s.subject, c.seq, &before, &data, session_time.as_deref(), ending);
    store_statements(&state, &s, statements).await;
    let (old_doc, new_doc) = (
        documents::attempt_state(&s.subject, &before),
        documents::attempt_state(&s.subject, &data),
    );
    if old_doc != new_doc {
        store_documents(&state, &s, vec![new_doc]).await;
    }
    state.metrics.count(Event::RuntimeCommits, 1);
    Ok(Json(json!({ "status": "stored", "seq": c.seq, "state": state_name })).into_response())
}
