//! Health, readiness and metrics: `/healthz` (the process answers), `/readyz` (the store
//! answers too) on both origins, `/metrics` (Prometheus text) on the app origin, guarded by
//! a bearer token when one is configured; and the middleware that counts every request.

use std::time::Instant;

use axum::Router;
use axum::body::Body;
use axum::extract::{MatchedPath, Request, State};
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE};
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::http::error::ApiError;
use crate::server::AppState;
use crate::tenant::TenantId;
use crate::tenant::constant_time_eq;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(ready))
}

/// The xAPI resources, the only `/xapi/…` paths that become route labels.
const XAPI_ROUTES: [&str; 8] = [
    "/xapi/statements",
    "/xapi/activities/state",
    "/xapi/activities/profile",
    "/xapi/agents/profile",
    "/xapi/activities",
    "/xapi/agents",
    "/xapi/about",
    "/xapi",
];

/// The route template of a request (never its raw path: that may hold a grant).
pub fn route_of(req: &Request<Body>) -> String {
    let Some(matched) = req.extensions().get::<MatchedPath>() else {
        return "unmatched".into();
    };
    if matched.as_str().starts_with("/xapi") {
        let path = req.uri().path().trim_end_matches('/');
        return XAPI_ROUTES
            .iter()
            .find(|r| **r == path)
            .map_or("/xapi/other", |r| r)
            .to_owned();
    }
    matched.as_str().to_owned()
}

async fn track(state: &AppState, origin: &'static str, req: Request, next: Next) -> Response {
    let (method, route) = (req.method().to_string(), route_of(&req));
    let started = Instant::now();
    let resp = next.run(req).await;
    state
        .metrics
        .request(origin, &method, &route, resp.status().as_u16(), started.elapsed());
    resp
}

pub async fn track_app(State(state): State<AppState>, req: Request, next: Next) -> Response {
    track(&state, "app", req, next).await
}

pub async fn track_content(State(state): State<AppState>, req: Request, next: Next) -> Response {
    track(&state, "content", req, next).await
}

/// Ready when the store answers a read.
async fn ready(State(state): State<AppState>) -> Response {
    match state.store.tenant_by_id(TenantId(0)).await {
        Ok(_) => (StatusCode::OK, "ready").into_response(),
        Err(e) => ApiError::NotReady(e.to_string()).into_response(),
    }
}

/// `GET /metrics`: the Prometheus text exposition.
pub async fn metrics(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(token) = &state.config.metrics_token {
        let given = headers.get(AUTHORIZATION).and_then(|v| v.to_str().ok());
        let expected = format!("Bearer {token}");
        let ok = given.is_some_and(|g| constant_time_eq(g.as_bytes(), expected.as_bytes()));
        if !ok {
            return ApiError::SignedOut("a bearer token is required".into()).into_response();
        }
    }
    let mut gauges = backup_gauges(&state).await;
    gauges.extend(quota_use(&state).await);
    let text = state.metrics.render(&gauges);
    ([(CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], text).into_response()
}

/// How long the S3 target may take to list its backups for a scrape; beyond it, its
/// gauges are left out (an alert on their absence catches a target that stays away).
const S3_SCRAPE_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

/// The newest backup's age (the folder's), and per target when its newest backup was
/// taken and when one was last verified sound.
async fn backup_gauges(state: &AppState) -> Vec<(String, &'static str, f64)> {
    let mut gauges = Vec::new();
    if let Some(dir) = state.config.backup_dir.clone() {
        let folder = tokio::task::spawn_blocking(move || crate::ops::verified::folder_statuses(&dir))
            .await
            .ok()
            .and_then(Result::ok)
            .unwrap_or_default();
        if let Some(newest) = folder.last() {
            let age = (crate::clock::now_ms() - newest.manifest.created_ms) as f64 / 1000.0;
            gauges.push((
                "kiroku_backup_age_seconds".into(),
                "Seconds since the newest backup.",
                age,
            ));
        }
        gauges.extend(crate::ops::verified::gauges("folder", &folder));
    }
    if let Some(s3) = &state.config.backup_s3 {
        match tokio::time::timeout(S3_SCRAPE_WAIT, crate::ops::offsite::recent_statuses(s3)).await {
            Ok(Ok(all)) => gauges.extend(crate::ops::verified::gauges("s3", &all)),
            Ok(Err(e)) => tracing::warn!(error = %e, "the S3 backup target could not be listed for /metrics"),
            Err(_) => tracing::warn!("the S3 backup target did not answer in time for /metrics"),
        }
    }
    gauges
}

/// Each active tenant's use of its plan's quotas, as a share (1.0: the quota is reached).
async fn quota_use(state: &AppState) -> Vec<(String, &'static str, f64)> {
    const HELP: &str = "Share of a tenant's plan quota in use (1 = reached).";
    let Ok(tenants) = state.store.list_tenants().await else {
        return Vec::new();
    };
    let month = crate::tenant::plan::month_start_ms(crate::clock::now_ms());
    let mut out = Vec::new();
    for t in tenants {
        let q = t.quotas;
        let limited = q.storage_bytes.is_some() || q.learners.is_some() || q.statements_per_month.is_some();
        if t.status != crate::tenant::TenantStatus::Active || !limited {
            continue;
        }
        let Ok(u) = state.store.tenant_usage(t.id, month).await else {
            continue;
        };
        let pairs = [
            ("storage", u.storage_bytes, q.storage_bytes),
            ("learners", u.learners, q.learners),
            ("statements_per_month", u.statements_this_month, q.statements_per_month),
        ];
        for (quota, used, limit) in pairs {
            if let Some(limit) = limit.filter(|l| *l > 0) {
                let name = format!("kiroku_quota_use_ratio{{tenant=\"{}\",quota=\"{quota}\"}}", t.name);
                out.push((name, HELP, used as f64 / limit as f64));
            }
        }
    }
    out
}
