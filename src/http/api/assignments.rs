//! `/api/v1/assignments`: courses assigned to a learner or to every learner of an end
//! client, with an optional due date (the learner portal lists them). An end-client admin
//! assigns, lists and deletes only within their end client (404 outside it).

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{Admin, admin, audit, json_object};
use crate::audit::Action;
use crate::clock;
use crate::http::client::ClientAddr;
use crate::http::error::ApiError;
use crate::http::extract::Path;
use crate::lrs::LrsError;
use crate::portal::assignment::{Assignment, NewAssignment, Target, check_due};
use crate::server::AppState;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AssignmentRequest {
    pub package_id: String,
    #[serde(default)]
    pub learner: Option<String>,
    #[serde(default)]
    pub end_client: Option<String>,
    /// `YYYY-MM-DD`.
    #[serde(default)]
    pub due: Option<String>,
}

/// An assignment as the API shows it.
pub fn assignment_json(a: &Assignment) -> Value {
    let (learner, end_client) = a.target.columns();
    json!({
        "id": a.id,
        "packageId": a.package_id,
        "learner": learner,
        "endClient": end_client,
        "due": a.due,
        "createdAt": clock::format_ms(a.created_ms),
    })
}

/// Whether the caller sees an assignment: a tenant-wide admin all; an end-client admin
/// those of their end client and of its learners.
async fn visible(state: &AppState, p: &Admin, a: &Assignment) -> Result<bool, ApiError> {
    Ok(match (&p.end_client, &a.target) {
        (None, _) => true,
        (Some(mine), Target::EndClient(e)) => mine == e,
        (Some(_), Target::Learner(l)) => p.learner(state, l).await.is_ok(),
    })
}

/// Assigns a course (the API and the web app's forms): checked, within the caller's
/// realm, stored and recorded.
pub async fn create_for(
    state: &AppState,
    p: &Admin,
    from: &ClientAddr,
    req: AssignmentRequest,
) -> Result<Assignment, ApiError> {
    let target = Target::of(req.learner, req.end_client).map_err(LrsError::BadRequest)?;
    let due = check_due(req.due.as_deref()).map_err(LrsError::BadRequest)?;
    match (&p.end_client, &target) {
        (Some(mine), Target::EndClient(e)) if mine != e => {
            return Err(LrsError::NotFound(format!("no end client {e:?} in this tenant")).into());
        }
        (Some(_), Target::Learner(l)) => {
            p.learner(state, l).await?;
        }
        _ => {}
    }
    let new = NewAssignment {
        package_id: req.package_id,
        target,
        due,
    };
    let a = new.stored(clock::now_ms());
    state.store.create_assignment(p.tenant.id, &a).await?;
    let (learner, end_client) = a.target.columns();
    let detail = json!({ "packageId": a.package_id, "learner": learner, "endClient": end_client, "due": a.due });
    audit::record(
        state,
        p,
        from,
        Action::AssignmentCreated,
        format!("assignment:{}", a.id),
        detail,
    )
    .await;
    Ok(a)
}

/// The assignments the caller sees, oldest first.
pub async fn list_for(state: &AppState, p: &Admin) -> Result<Vec<Assignment>, ApiError> {
    Ok(state
        .store
        .list_assignments(p.tenant.id, p.end_client.as_deref())
        .await?)
}

/// Deletes an assignment the caller sees (404 otherwise).
pub async fn delete_for(state: &AppState, p: &Admin, from: &ClientAddr, id: &str) -> Result<(), ApiError> {
    let not_found = || ApiError::from(LrsError::NotFound(format!("no assignment {id}")));
    let a = state.store.assignment(p.tenant.id, id).await?.ok_or_else(not_found)?;
    if !visible(state, p, &a).await? || !state.store.delete_assignment(p.tenant.id, id).await? {
        return Err(not_found());
    }
    audit::record(
        state,
        p,
        from,
        Action::AssignmentDeleted,
        format!("assignment:{id}"),
        json!({}),
    )
    .await;
    Ok(())
}

/// `POST /api/v1/assignments`.
pub async fn create(
    State(state): State<AppState>,
    from: ClientAddr,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let p = admin(&state, &headers).await?;
    let req: AssignmentRequest = json_object(&body, "assignment")?;
    let a = create_for(&state, &p, &from, req).await?;
    Ok((StatusCode::CREATED, Json(assignment_json(&a))).into_response())
}

/// `GET /api/v1/assignments`.
pub async fn list(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    let p = admin(&state, &headers).await?;
    let all: Vec<Value> = list_for(&state, &p).await?.iter().map(assignment_json).collect();
    Ok(Json(json!({ "assignments": all })).into_response())
}

/// `DELETE /api/v1/assignments/{id}`.
pub async fn delete(
    State(state): State<AppState>,
    from: ClientAddr,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let p = admin(&state, &headers).await?;
    delete_for(&state, &p, &from, &id).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
