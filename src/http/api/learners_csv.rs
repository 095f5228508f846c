//! `POST /api/v1/learners.csv` (a CSV file: each good row creates or updates a learner,
//! each bad one is reported with its row number and why, nothing of it written) and
//! `GET /api/v1/learners.csv` (the learners the caller sees, as CSV; a path of its own,
//! so no learner id is taken by it). The CSV
//! rules are the domain's (`learner::csv`).

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::{Admin, admin, audit};
use crate::audit::Action;
use crate::http::client::ClientAddr;
use crate::http::error::ApiError;
use crate::learner::csv::{ImportRow, RowError, export as to_csv, parse_import};
use crate::lrs::LrsError;
use crate::server::AppState;

/// What one good row did.
enum Written {
    Created,
    Updated,
}

async fn write_row(state: &AppState, p: &Admin, from: &ClientAddr, r: ImportRow) -> Result<Written, RowError> {
    let refuse = |rule: &'static str, message: String| RowError::new(r.row, Some(r.id.clone()), rule, message);
    let internal = |e: ApiError| match e.status().as_u16() {
        // The store's refusal of an end client the tenant does not have.
        404 if r.fields.end_client.is_some() => RowError {
            end_client: r.fields.end_client.clone(),
            ..refuse("unknownEndClient", e.to_string())
        },
        _ => refuse("other", e.to_string()),
    };
    if let Some(existing) = state
        .store
        .learner(p.tenant.id, &r.id)
        .await
        .map_err(|e| internal(e.into()))?
    {
        // An end-client admin may not overwrite another end client's learner (nor learn
        // that the id is taken there: the same words as for any id they cannot see).
        p.sees(Some(existing), &r.id)
            .map_err(|_| refuse("taken", "the id is taken by a learner this account does not see".into()))?;
    }
    let mut fields = r.fields.clone();
    fields.end_client = p
        .end_client_for(fields.end_client)
        .map_err(|e| refuse("otherEndClient", e.to_string()))?;
    let (l, created) = state
        .store
        .put_learner(p.tenant.id, &r.id, fields)
        .await
        .map_err(|e| internal(e.into()))?;
    let action = if created {
        Action::LearnerCreated
    } else {
        Action::LearnerUpdated
    };
    let detail = json!({ "fields": ["name"], "import": true });
    audit::record(state, p, from, action, format!("learner:{}", l.id), detail).await;
    Ok(if created { Written::Created } else { Written::Updated })
}

/// `POST /api/v1/learners.csv`: answers `{created, updated, errors: [{row, id, message}]}`.
pub async fn import(
    State(state): State<AppState>,
    from: ClientAddr,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let p = admin(&state, &headers).await?;
    let text = std::str::from_utf8(&body).map_err(|_| LrsError::bad("the CSV file is not UTF-8 text"))?;
    let (rows, mut errors) = parse_import(text).map_err(LrsError::BadRequest)?;
    let (mut created, mut updated) = (0usize, 0usize);
    for r in rows {
        match write_row(&state, &p, &from, r).await {
            Ok(Written::Created) => created += 1,
            Ok(Written::Updated) => updated += 1,
            Err(e) => errors.push(e),
        }
    }
    errors.sort_by_key(|e| e.row);
    Ok(Json(json!({ "created": created, "updated": updated, "errors": errors })).into_response())
}

/// `GET /api/v1/learners.csv`: `learners.csv`, UTF-8 with a byte order mark.
pub async fn export(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    let p = admin(&state, &headers).await?;
    csv_response(&state, &p).await
}

/// The learners `p` sees as a CSV download (the web app's library page links it too).
pub(crate) async fn csv_response(state: &AppState, p: &Admin) -> Result<Response, ApiError> {
    let list = state
        .store
        .list_real_learners(p.tenant.id, p.end_client.as_deref())
        .await?;
    let headers = [
        (CONTENT_TYPE, "text/csv; charset=utf-8"),
        (CONTENT_DISPOSITION, "attachment; filename=\"learners.csv\""),
    ];
    Ok((headers, to_csv(&list)).into_response())
}
