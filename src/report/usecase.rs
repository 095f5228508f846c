//! Each report as one call over the store traits, shared by the reporting API and the
//! reports pages: read the summary rows in the filter, compute the report (`summary`),
//! name the courses.

use std::collections::HashMap;

use serde::Serialize;

use super::summary::{self, Bucket, Funnel, Question};
use super::{DAY_MS, DayActivity, RegistrationFacts, ReportFilter, Status};
use crate::store::{Store, StoreResult};
use crate::tenant::TenantId;

/// The tenant's courses' titles by package id (the newest version's).
pub async fn titles(store: &dyn Store, tenant: TenantId) -> StoreResult<HashMap<String, String>> {
    let mut out = HashMap::new();
    let mut packages = store.list_packages(tenant).await?;
    packages.sort_by_key(|p| p.version);
    for p in packages {
        out.insert(p.package_id, p.title);
    }
    Ok(out)
}

/// A funnel with its course's title.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CourseFunnel {
    pub title: String,
    #[serde(flatten)]
    pub funnel: Funnel,
}

/// The completion and pass funnel of each course in the filter.
pub async fn courses(store: &dyn Store, tenant: TenantId, f: &ReportFilter) -> StoreResult<Vec<CourseFunnel>> {
    Ok(overview(store, tenant, f).await?.0)
}

/// Score and time-spent distributions of the registrations in the filter.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Distributions {
    pub registrations: usize,
    pub scores: Vec<Bucket>,
    pub time: Vec<Bucket>,
}

pub async fn distributions(store: &dyn Store, tenant: TenantId, f: &ReportFilter) -> StoreResult<Distributions> {
    Ok(overview(store, tenant, f).await?.1)
}

/// The funnels and the distributions from one read of the summary rows (the reports page
/// shows both).
pub async fn overview(
    store: &dyn Store,
    tenant: TenantId,
    f: &ReportFilter,
) -> StoreResult<(Vec<CourseFunnel>, Distributions)> {
    let registered = store.report_registered(tenant, f).await?;
    let rows = store.report_rows(tenant, f, false).await?;
    let titles = titles(store, tenant).await?;
    let funnels = summary::funnels(&registered, &rows)
        .into_iter()
        .map(|funnel| CourseFunnel {
            title: titles.get(&funnel.course).cloned().unwrap_or_default(),
            funnel,
        })
        .collect();
    let d = Distributions {
        registrations: rows.len(),
        scores: summary::score_distribution(&rows),
        time: summary::time_distribution(&rows),
    };
    Ok((funnels, d))
}

/// Each question's difficulty and answers in the filter.
pub async fn questions(store: &dyn Store, tenant: TenantId, f: &ReportFilter) -> StoreResult<Vec<Question>> {
    Ok(summary::questions(store.report_answers(tenant, f).await?))
}

/// Days a report of activity covers when the filter names none.
pub const DEFAULT_DAYS: i64 = 30;

/// Activity per day over the filter's dates (the last `DEFAULT_DAYS` up to `now_ms`
/// unless it names them).
pub async fn activity(
    store: &dyn Store,
    tenant: TenantId,
    f: &ReportFilter,
    now_ms: i64,
) -> StoreResult<Vec<DayActivity>> {
    let to_day = f
        .to_ms
        .map_or_else(|| summary::day_of(now_ms), |ms| summary::day_of(ms - 1));
    let from_day = f
        .from_ms
        .map_or(to_day - (DEFAULT_DAYS - 1), summary::day_of)
        .max(to_day.saturating_sub(summary::MAX_DAYS - 1));
    let days = store.report_activity(tenant, f, (from_day, to_day)).await?;
    Ok(summary::activity(&days, from_day, to_day))
}

/// One registration of a learner's transcript.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TranscriptRow {
    pub registration: String,
    pub course: String,
    pub title: String,
    pub version: u32,
    pub registered_ms: i64,
    pub status: Status,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    pub time_ms: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_activity_ms: Option<i64>,
}

/// A learner's registrations across courses, newest first, each with where they stand;
/// `end_client` keeps an end-client admin to their own learners (none found otherwise).
pub async fn transcript(
    store: &dyn Store,
    tenant: TenantId,
    learner: &str,
    end_client: Option<&str>,
) -> StoreResult<Vec<TranscriptRow>> {
    let regs = store
        .list_registrations(tenant, Some(learner), None, end_client)
        .await?;
    let filter = ReportFilter {
        learner: Some(learner.to_owned()),
        ..ReportFilter::default()
    };
    let facts: HashMap<String, RegistrationFacts> = store
        .report_rows(tenant, &filter, true)
        .await?
        .into_iter()
        .map(|r| (r.registration.clone(), r))
        .collect();
    let titles = titles(store, tenant).await?;
    let mut out: Vec<TranscriptRow> = regs
        .into_iter()
        .map(|r| {
            let f = facts.get(&r.id);
            TranscriptRow {
                title: titles.get(&r.package_id).cloned().unwrap_or_default(),
                course: r.package_id,
                registration: r.id,
                version: r.version,
                registered_ms: r.created_ms,
                status: f.map_or(Status::NotStarted, RegistrationFacts::status),
                score: f.and_then(|f| f.score),
                time_ms: f.map_or(0, |f| f.time_ms),
                last_activity_ms: f.map(|f| f.last_ms),
            }
        })
        .collect();
    out.sort_by_key(|r| std::cmp::Reverse(r.registered_ms));
    Ok(out)
}

/// The first instant after the day `YYYY-MM-DD` names, for an inclusive "to" date.
pub fn end_of_day(day_start_ms: i64) -> i64 {
    day_start_ms.saturating_add(DAY_MS)
}
