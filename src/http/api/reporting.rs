//! The reporting API (`/api/v1/reports/…`): each report as JSON, or as CSV with
//! `format=csv`, filtered by course, end client, learner and dates (`from`, `to`:
//! `YYYY-MM-DD`, both days included). An end-client admin's reports hold their end
//! client only, whatever the filter says. Each handler is one `report::usecase` call.

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use super::{Admin, admin};
use crate::http::error::ApiError;
use crate::http::extract::{Path, Query};
use crate::lrs::LrsError;
use crate::report::usecase;
use crate::report::{ReportFilter, csv};
use crate::server::AppState;

/// The query every report takes.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReportQuery {
    pub course: Option<String>,
    pub end_client: Option<String>,
    pub learner: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub format: Option<String>,
}

impl ReportQuery {
    /// The filter for `p`: an end-client admin's own end client always. A value with a
    /// control character names no course, learner or end client (and no database takes
    /// a NUL): refused, naming the parameter.
    pub fn filter(&self, p: &Admin) -> Result<ReportFilter, LrsError> {
        let text = |name: &str, v: &Option<String>| -> Result<Option<String>, LrsError> {
            match v.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
                Some(s) if s.chars().any(char::is_control) => {
                    Err(LrsError::bad(format!("{name}: no control characters")))
                }
                other => Ok(other.map(str::to_owned)),
            }
        };
        let day = |name: &str, v: &Option<String>| -> Result<Option<i64>, LrsError> {
            match text(name, v)? {
                None => Ok(None),
                Some(s) => crate::clock::day_ms(&s)
                    .map(Some)
                    .ok_or_else(|| LrsError::bad(format!("{name}: a date as YYYY-MM-DD, not {s:?}"))),
            }
        };
        let end_client = text("endClient", &self.end_client)?;
        Ok(ReportFilter {
            course: text("course", &self.course)?,
            end_client: p.end_client.clone().or(end_client),
            learner: text("learner", &self.learner)?,
            from_ms: day("from", &self.from)?,
            to_ms: day("to", &self.to)?.map(usecase::end_of_day),
        })
    }

    fn csv(&self) -> Result<bool, LrsError> {
        match self.format.as_deref() {
            None | Some("json") => Ok(false),
            Some("csv") => Ok(true),
            Some(other) => Err(LrsError::bad(format!("format: json or csv, not {other:?}"))),
        }
    }
}

/// JSON, or the CSV `to_csv` makes of it, named `name`.csv.
fn answer<T: Serialize>(
    q: &ReportQuery,
    name: &str,
    body: T,
    to_csv: impl Fn(&T) -> String,
) -> Result<Response, ApiError> {
    if !q.csv()? {
        return Ok(Json(serde_json::json!({ "report": name, "rows": body })).into_response());
    }
    Ok(csv_file(name, to_csv(&body)))
}

/// A CSV document as a download named `name`.csv.
pub(crate) fn csv_file(name: &str, body: String) -> Response {
    let disposition = format!("attachment; filename=\"{name}.csv\"");
    (
        [
            (CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response()
}

/// `GET /api/v1/reports/courses`: the completion and pass funnel of each course.
pub async fn courses(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<ReportQuery>,
) -> Result<Response, ApiError> {
    let p = admin(&state, &headers).await?;
    let rows = usecase::courses(state.store.as_ref(), p.tenant.id, &q.filter(&p)?).await?;
    answer(&q, "courses", rows, |r| csv::courses(r))
}

/// `GET /api/v1/reports/distributions`: scores and time spent, in buckets.
pub async fn distributions(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<ReportQuery>,
) -> Result<Response, ApiError> {
    let p = admin(&state, &headers).await?;
    let d = usecase::distributions(state.store.as_ref(), p.tenant.id, &q.filter(&p)?).await?;
    answer(&q, "distributions", d, csv::distributions)
}

/// `GET /api/v1/reports/questions`: each question's difficulty and answers.
pub async fn questions(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<ReportQuery>,
) -> Result<Response, ApiError> {
    let p = admin(&state, &headers).await?;
    let rows = usecase::questions(state.store.as_ref(), p.tenant.id, &q.filter(&p)?).await?;
    answer(&q, "questions", rows, |r| csv::questions(r))
}

/// `GET /api/v1/reports/activity`: registrations active and run-time steps per day.
pub async fn activity(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<ReportQuery>,
) -> Result<Response, ApiError> {
    let p = admin(&state, &headers).await?;
    let now = crate::clock::now_ms();
    let rows = usecase::activity(state.store.as_ref(), p.tenant.id, &q.filter(&p)?, now).await?;
    answer(&q, "activity", rows, |r| csv::activity(r))
}

/// `GET /api/v1/reports/learners/{id}`: a learner's transcript across courses (404 for a
/// learner the caller does not see).
pub async fn transcript(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<ReportQuery>,
) -> Result<Response, ApiError> {
    let p = admin(&state, &headers).await?;
    p.learner(&state, &id).await?;
    let rows = usecase::transcript(state.store.as_ref(), p.tenant.id, &id, p.end_client.as_deref()).await?;
    answer(&q, "transcript", rows, |r| csv::transcript(r))
}
