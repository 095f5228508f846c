//! The run-time endpoints the bridge calls on the content origin, under the launch grant
//! (which must name a registration): open an attempt (start, resume or next), and commit
//! SetValue calls. Commits carry a sequence number, so a commit sent twice (fetch retry,
//! then sendBeacon) changes nothing; they may come as `text/plain` JSON (sendBeacon).

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::json;

use super::error::ApiError;
use crate::clock;
use crate::launch::LaunchGrant;
use crate::lrs::LrsError;
use crate::package::model::Course;
use crate::runtime::attempt::{Ending, apply_commit, end_session, start};
use crate::runtime::datamodel::{Data, Options, Version};
use crate::runtime::launch::sco_context;
use crate::server::AppState;
use crate::store::AttemptRecord;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/runtime/{token}/{item}", get(open))
        .route("/runtime/{token}/{item}/commit", post(commit))
}

fn grant(state: &AppState, token: &str) -> Result<(LaunchGrant, String), ApiError> {
    let g = state
        .grants
        .verify(token, clock::now_ms())
        .map_err(|e| LrsError::Forbidden(e.to_string()))?;
    let registration = g.registration.clone().ok_or_else(|| {
        LrsError::Forbidden("this launch link has no registration, so nothing can be recorded".into())
    })?;
    Ok((g, registration))
}

/// The SCO's data model version and launch context, from the registration's package.
async fn context(
    state: &AppState,
    g: &LaunchGrant,
    item: &str,
) -> Result<(Version, crate::runtime::attempt::LaunchContext), ApiError> {
    let tenant = g.tenant_id();
    let course_json = state
        .store
        .package_course(tenant, &g.package, g.version)
        .await?
        .ok_or_else(|| LrsError::NotFound("the package of this launch no longer exists".into()))?;
    let course: Course =
        serde_json::from_str(&course_json).map_err(|e| ApiError::Internal(format!("course model: {e}")))?;
    let name = state
        .store
        .learner(tenant, &g.learner)
        .await?
        .map_or_else(|| g.learner.clone(), |l| l.name);
    sco_context(&course, item, &g.learner, &name).map_err(|m| LrsError::NotFound(m).into())
}

fn decode_data(a: &AttemptRecord) -> Result<Data, ApiError> {
    serde_json::from_str(&a.data).map_err(|e| ApiError::Internal(format!("attempt data: {e}")))
}

fn record(registration: &str, item: &str, number: u32, state: &str, data: &Data, seq: u64) -> AttemptRecord {
    AttemptRecord {
        registration: registration.to_owned(),
        item: item.to_owned(),
        number,
        state: state.to_owned(),
        data: serde_json::to_string(data).unwrap_or_else(|_| "{}".into()),
        commit_seq: seq,
        updated_ms: clock::now_ms(),
    }
}

/// `GET /runtime/{grant}/{item}`: the attempt this launch runs. A suspended attempt (or one
/// left without Terminate whose exit was `suspend`) resumes; otherwise a new one starts.
async fn open(
    State(state): State<AppState>,
    Path((token, item)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let (g, registration) = grant(&state, &token)?;
    let (version, ctx) = context(&state, &g, &item).await?;
    let tenant = g.tenant_id();
    let latest = state.store.latest_attempt(tenant, &registration, &item).await?;
    let (number, previous, seq) = match latest {
        None => (1, None, 0),
        Some(a) => {
            let mut data = decode_data(&a)?;
            let resumes =
                a.state == "suspended" || (a.state == "active" && end_session(version, &mut data) == Ending::Suspended);
            if resumes {
                (a.number, Some(data), a.commit_seq)
            } else {
                (a.number + 1, None, 0)
            }
        }
    };
    let data = start(version, &ctx, previous.as_ref());
    let seq = seq + 1;
    state
        .store
        .save_attempt(tenant, record(&registration, &item, number, "active", &data, seq))
        .await?;
    Ok(Json(json!({ "version": version, "attempt": number, "seq": seq, "data": data })).into_response())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Commit {
    attempt: u32,
    /// Above the last acknowledged sequence number; a resend carries the same one.
    seq: u64,
    sets: Vec<(String, String)>,
    #[serde(default)]
    terminate: bool,
}

/// `POST /runtime/{grant}/{item}/commit`.
async fn commit(
    State(state): State<AppState>,
    Path((token, item)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let (g, registration) = grant(&state, &token)?;
    let c: Commit = serde_json::from_slice(&body).map_err(|e| LrsError::bad(format!("invalid commit: {e}")))?;
    let (version, _) = context(&state, &g, &item).await?;
    let tenant = g.tenant_id();
    let a = state
        .store
        .latest_attempt(tenant, &registration, &item)
        .await?
        .filter(|a| a.number == c.attempt)
        .ok_or_else(|| LrsError::Conflict(format!("attempt {} is not the current attempt", c.attempt)))?;
    if c.seq <= a.commit_seq {
        return Ok(Json(json!({ "status": "duplicate", "seq": a.commit_seq })).into_response());
    }
    let mut data = match apply_commit(version, Options::default(), &decode_data(&a)?, &c.sets) {
        Ok(d) => d,
        Err(r) => {
            let body = json!({ "error": { "index": r.index, "element": r.element, "code": r.refusal.code, "diagnostic": r.refusal.diagnostic } });
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response());
        }
    };
    let state_name = match (c.terminate, c.terminate.then(|| end_session(version, &mut data))) {
        (true, Some(Ending::Suspended)) => "suspended",
        (true, _) => "finished",
        (false, _) => "active",
    };
    state
        .store
        .save_attempt(tenant, record(&registration, &item, a.number, state_name, &data, c.seq))
        .await?;
    Ok(Json(json!({ "status": "stored", "seq": c.seq, "state": state_name })).into_response())
}
