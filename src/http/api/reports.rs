//! `GET /api/v1/reports/registrations`: each registration with its learner's end client
//! and every launchable item's newest attempt (state, completion, success, score). An
//! end-client admin's report holds their end client only.

use crate::http::extract::Query;
use crate::json::Put;
use std::collections::HashMap;

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::admin;
use super::learners::RegistrationFilter;
use crate::clock::format_ms;
use crate::http::error::ApiError;
use crate::package::model::Course;
use crate::runtime::report::{Progress, progress};
use crate::server::AppState;

/// Registrations per report, at most.
const MAX_ROWS: usize = 1000;

pub async fn registrations(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(f): Query<RegistrationFilter>,
) -> Result<Response, ApiError> {
    let p = admin(&state, &headers).await?;
    let t = p.tenant.id;
    let regs = f.list(&state, &p).await?;
    let truncated = regs.len() > MAX_ROWS;
    let mut items_of: HashMap<(String, u32), Vec<(String, String)>> = HashMap::new();
    let mut rows = Vec::new();
    for r in regs.into_iter().take(MAX_ROWS) {
        let key = (r.package_id.clone(), r.version);
        if !items_of.contains_key(&key) {
            let course = state.store.package_course(t, &r.package_id, r.version).await?;
            let items = course
                .and_then(|c| serde_json::from_str::<Course>(&c).ok())
                .map(|c| c.launchables().into_iter().map(|l| (l.id, l.title)).collect())
                .unwrap_or_default();
            items_of.insert(key.clone(), items);
        }
        let mut items = Vec::new();
        for (id, title) in items_of.get(&key).into_iter().flatten() {
            let attempt = state.store.latest_attempt(t, &r.id, id).await?;
            let mut v = json!({ "item": id, "title": title });
            match attempt {
                Some(a) => {
                    v.put("attempt", json!(a.number));
                    v.put("state", json!(a.state));
                    v.put("updatedAt", json!(format_ms(a.updated_ms)));
                    v.put("progress", json!(progress(&a.data)));
                }
                None => v.put("progress", json!(Progress::not_attempted())),
            }
            items.push(v);
        }
        let completed = !items.is_empty()
            && items
                .iter()
                .all(|i| i.get("progress").and_then(|p| p.get("completion")) == Some(&json!("completed")));
        rows.push(json!({
            "registration": r.id,
            "learner": r.learner,
            "endClient": r.end_client,
            "packageId": r.package_id,
            "version": r.version,
            "createdAt": format_ms(r.created_ms),
            "completed": completed,
            "items": items,
        }));
    }
    let mut body: Value = json!({ "registrations": rows });
    if truncated {
        body.put("truncated", json!(true));
    }
    Ok(Json(body).into_response())
}
