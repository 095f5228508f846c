//! An attempt's life over HTTP: open it and commit SetValue calls. Each handler decodes,
//! calls one `runtime::usecase` function and maps its answer; commits may come as
//! `text/plain` JSON (sendBeacon).

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

use super::nav::validity_json;
use super::session::tracked;
use crate::http::client::ClientAddr;
use crate::http::error::ApiError;
use crate::http::extract::{Path, Query, json_body};
use crate::ops::metrics::Event;
use crate::runtime::usecase::commit::{Commit, Committed};
use crate::runtime::usecase::navigate::{Navigated, validity};
use crate::runtime::usecase::{commit as commit_case, open as open_case};
use crate::server::AppState;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct OpenParams {
    /// The launch session (one ID, one person) the page opening the attempt belongs to.
    session: Option<String>,
}

/// `GET /runtime/{grant}/{item}`: the attempt this launch runs, with the tenant's
/// data-model options and which navigation requests are valid from this item.
pub(super) async fn open(
    State(state): State<AppState>,
    from: ClientAddr,
    Path((token, item)): Path<(String, String)>,
    Query(q): Query<OpenParams>,
) -> Result<Response, ApiError> {
    let s = tracked(&state, &token, &item, q.session.as_deref(), &from).await?;
    let opened = open_case::open(state.store.as_ref(), &s).await?;
    let agent = s.agent_key();
    let at = Navigated {
        tenant: s.tenant,
        registration: &s.registration,
        course: &s.course,
        agent: &agent,
    };
    let valid = validity(state.store.as_ref(), at, &item).await?;
    state.metrics.count(Event::StatementsStored, opened.statements as u64);
    Ok(Json(json!({
        "version": s.version,
        "attempt": opened.number,
        "seq": opened.seq,
        "data": opened.data,
        "options": { "strictSuspendData": s.options.strict_scorm12_suspend_data },
        "nav": validity_json(&valid),
    }))
    .into_response())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct CommitBody {
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
    let c: CommitBody = json_body(&body, "commit")?;
    let s = tracked(&state, &token, &item, c.session.as_deref(), &from).await?;
    let request = Commit {
        attempt: c.attempt,
        seq: c.seq,
        sets: c.sets,
        terminate: c.terminate,
    };
    let answer = match commit_case::commit(state.store.as_ref(), &s, &request).await? {
        Committed::Stored {
            seq,
            state: st,
            statements,
        } => {
            state.metrics.count(Event::RuntimeCommits, 1);
            state.metrics.count(Event::StatementsStored, statements as u64);
            json!({ "status": "stored", "seq": seq, "state": st })
        }
        Committed::Duplicate { seq } => json!({ "status": "duplicate", "seq": seq }),
    };
    Ok(Json(answer).into_response())
}
