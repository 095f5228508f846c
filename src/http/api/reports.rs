//! `GET /api/v1/reports/registrations`: each registration with its learner's end client
//! and every launchable item's newest attempt (state, completion, success, score), or for
//! a cmi5 course each AU's and block's progress (`cmi5::report`). An end-client admin's
//! report holds their end client only.

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
use crate::cmi5::report as cmi5_report;
use crate::http::error::ApiError;
use crate::learner::Registration;
use crate::package::model::{Course, Structure};
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
    // Previews (an admin trying the course as their test learner) are no one's progress.
    let mut regs = f.list(&state, &p).await?;
    regs.retain(|r| !r.preview);
    let truncated = regs.len() > MAX_ROWS;
    let mut courses: HashMap<(String, u32), Option<Course>> = HashMap::new();
    let mut rows = Vec::new();
    for r in regs.into_iter().take(MAX_ROWS) {
        let key = (r.package_id.clone(), r.version);
        if !courses.contains_key(&key) {
            let course = state.store.package_course(t, &r.package_id, r.version).await?;
            courses.insert(
                key.clone(),
                course.and_then(|c| serde_json::from_str::<Course>(&c).ok()),
            );
        }
        let course = courses.get(&key).and_then(Option::as_ref);
        if let Some((c, Structure::Cmi5(s))) = course.map(|c| (c, &c.structure)) {
            let shared = crate::runtime::usecase::shared_state(state.store.as_ref(), t, &r.id).await?;
            let cmi5 = shared.cmi5.as_ref();
            let items: Vec<Value> = s
                .aus()
                .into_iter()
                .map(|au| {
                    let p = cmi5.and_then(|x| x.aus.get(&au.id)).cloned().unwrap_or_default();
                    json!({ "item": au.id, "title": au.title, "progress": cmi5_report::progress(&p) })
                })
                .collect();
            let report = cmi5_report::report(s, &c.identifier, cmi5);
            let satisfied = report.get("satisfied") == Some(&json!(true));
            let mut row = row_of(&r, satisfied, items);
            row.put("cmi5", report);
            rows.push(row);
            continue;
        }
        let items_list: Vec<(String, String)> = course
            .map(|c| c.launchables().into_iter().map(|l| (l.id, l.title)).collect())
            .unwrap_or_default();
        let mut items = Vec::new();
        for (id, title) in &items_list {
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
        let mut row = row_of(&r, completed, items);
        let agent = crate::http::auth::learner_agent(&state.config.public_url, &p.tenant, &r.learner, "");
        let agent = crate::lrs::agent::ifi_key(&agent).unwrap_or_default();
        if let Some(summary) = sequencing_summary(&state, t, (&r.id, &agent), course).await? {
            row.put("sequencing", summary);
        }
        rows.push(row);
    }
    let mut body: Value = json!({ "registrations": rows });
    if truncated {
        body.put("truncated", json!(true));
    }
    Ok(Json(body).into_response())
}

/// A registration's report row; a cmi5 registration is completed when its course is
/// satisfied.
fn row_of(r: &Registration, completed: bool, items: Vec<Value>) -> Value {
    json!({
        "registration": r.id,
        "learner": r.learner,
        "endClient": r.end_client,
        "packageId": r.package_id,
        "version": r.version,
        "createdAt": format_ms(r.created_ms),
        "completed": completed,
        "items": items,
    })
}

/// A SCORM 2004 registration's sequencing state, once the engine has run for it.
async fn sequencing_summary(
    state: &AppState,
    tenant: crate::tenant::TenantId,
    (registration, agent): (&str, &str),
    course: Option<&Course>,
) -> Result<Option<Value>, ApiError> {
    let Some(course) = course else { return Ok(None) };
    let Ok((org, false)) = crate::runtime::usecase::navigate::organization(course) else {
        return Ok(None);
    };
    let shared = crate::runtime::usecase::shared_state(state.store.as_ref(), tenant, registration).await?;
    let Some(_) = shared.sequencer else { return Ok(None) };
    let tree = crate::runtime::sequencing::ActivityTree::new(org);
    let learner =
        crate::runtime::usecase::sequenced::learner_globals(state.store.as_ref(), tenant, agent, &tree).await?;
    let mut s = crate::runtime::usecase::sequenced::sequencer_of(&tree, &shared, learner.as_ref());
    s.state.now_ms = Some(crate::clock::now_ms());
    Ok(Some(crate::runtime::sequencing::summary::summary(&tree, &s)))
}
