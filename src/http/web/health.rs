//! The service health page (`GET /health`, the operator's): whether the store answers
//! (and how fast), each backup target's newest backup with its age and its last sound
//! verification (the same reading as `/metrics`, `ops::verified::TargetHealth`), and
//! what this server counted since it started. Server-rendered, no script.

use std::time::{Duration, Instant};

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;

use super::{html_ok, page, page_ctx};
use crate::http::error::ApiError;
use crate::i18n::{Arg, Lang, escape_html, format_date_time, format_duration, format_number, t, t_args};
use crate::ops::metrics::Event;
use crate::ops::verified::{self, TargetHealth};
use crate::server::AppState;
use crate::tenant::TenantId;

/// A newest backup older than this is flagged: the daily backup did not run.
const STALE_MS: i64 = 26 * 3600 * 1000;
/// How long the S3 backup target may take to answer for the page.
const S3_WAIT: Duration = Duration::from_secs(5);

/// One target's reading, or why it could not be read.
type Reading = Result<TargetHealth, String>;

/// `GET /health`.
pub async fn health(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    let ctx = page_ctx(&state, &headers).await;
    super::operator_only(&state, &headers, &ctx, "health-title", "health-forbidden").await?;
    let started = Instant::now();
    let store = state.store.tenant_by_id(TenantId(0)).await.map(|_| started.elapsed());
    let folder = folder(&state).await;
    let s3 = s3(&state).await;
    let l = ctx.lang;
    let now = crate::clock::now_ms();
    let kind = if state.config.database_url.is_some() {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    let store_html = match store {
        Ok(took) => format!(
            "<p id=\"store-ok\">{}</p>",
            escape_html(&t_args(
                l,
                "health-store-ok",
                &[
                    ("kind", Arg::from(kind)),
                    ("ms", Arg::from(took.as_millis().to_string()))
                ]
            ))
        ),
        Err(e) => format!(
            "<p class=\"notice error\" role=\"alert\" id=\"store-down\">{} <span translate=\"no\">{}</span></p>",
            escape_html(&t_args(l, "health-store-down", &[("kind", Arg::from(kind))])),
            escape_html(&e.to_string())
        ),
    };
    let main = format!(
        "<h1>{title}</h1><p class=\"hint\">{hint}</p>\
         <h2>{store_h}</h2>{store_html}\
         <h2 id=\"backups-h\">{backups_h}</h2>{backups}\
         <h2 id=\"counts-h\">{counts_h}</h2>{counts}",
        title = escape_html(&t(l, "health-title")),
        hint = escape_html(&t_args(
            l,
            "health-hint",
            &[("version", Arg::from(env!("CARGO_PKG_VERSION")))]
        )),
        store_h = escape_html(&t(l, "health-store")),
        backups_h = escape_html(&t(l, "health-backups")),
        backups = backups_table(l, now, &[("folder", folder), ("s3", s3)]),
        counts_h = escape_html(&t(l, "health-counts")),
        counts = counts(l, &state),
    );
    Ok(html_ok(page(&ctx, "health-title", "/health", &main)))
}

async fn folder(state: &AppState) -> Option<Reading> {
    let dir = state.config.backup_dir.clone()?;
    let read = tokio::task::spawn_blocking(move || verified::folder_statuses(&dir))
        .await
        .map_err(|e| e.to_string())
        .and_then(|r| r);
    Some(read.map(|all| TargetHealth::of("folder", &all)))
}

async fn s3(state: &AppState) -> Option<Reading> {
    let s3 = state.config.backup_s3.as_ref()?;
    let read = match tokio::time::timeout(S3_WAIT, crate::ops::offsite::recent_statuses(s3)).await {
        Ok(r) => r,
        Err(_) => Err(format!("no answer within {} s", S3_WAIT.as_secs())),
    };
    Some(read.map(|all| TargetHealth::of("s3", &all)))
}

fn backups_table(l: Lang, now: i64, targets: &[(&str, Option<Reading>)]) -> String {
    let e = |k: &str| escape_html(&t(l, k));
    let rows: String = targets
        .iter()
        .map(|(name, r)| target_row(l, now, name, r.as_ref()))
        .collect();
    format!(
        "<div class=\"table-wrap\"><table id=\"backups\" aria-labelledby=\"backups-h\"><thead><tr>\
         <th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th>\
         <th scope=\"col\">{}</th></tr></thead><tbody>{rows}</tbody></table></div>",
        e("health-target"),
        e("health-newest"),
        e("health-age"),
        e("health-verified"),
        e("health-problems"),
    )
}

fn target_row(l: Lang, now: i64, name: &str, r: Option<&Reading>) -> String {
    let e = |k: &str| escape_html(&t(l, k));
    let label = e(&format!("health-target-{name}"));
    let cells = match r {
        None => format!("<td colspan=\"4\">{}</td>", e(&format!("health-off-{name}"))),
        Some(Err(why)) => format!(
            "<td colspan=\"4\" class=\"bad\">{} <span translate=\"no\">{}</span></td>",
            e("health-unreadable"),
            escape_html(why)
        ),
        Some(Ok(h)) => health_cells(l, now, h),
    };
    format!("<tr id=\"backup-{name}\"><th scope=\"row\">{label}</th>{cells}</tr>")
}

fn health_cells(l: Lang, now: i64, h: &TargetHealth) -> String {
    let e = |k: &str| escape_html(&t(l, k));
    let Some((backup, created)) = &h.newest else {
        return format!("<td colspan=\"4\" class=\"bad\">{}</td>", e("health-none"));
    };
    let age = now - created;
    let stale = if age > STALE_MS { " class=\"bad\"" } else { "" };
    let verified = h.last_sound_ms.map_or_else(
        || e("health-never"),
        |ms| {
            escape_html(&format!(
                "{} ({})",
                format_date_time(l, ms),
                format_duration(l, now - ms)
            ))
        },
    );
    let problems = match &h.newest_problems {
        None => e("health-unverified"),
        Some(p) if p.is_empty() => e("health-sound"),
        Some(p) => format!(
            "<span class=\"bad\" translate=\"no\">{}</span>",
            escape_html(&p.join("; "))
        ),
    };
    format!(
        "<td><code>{}</code><br>{}</td><td{stale}>{}</td><td>{verified}</td><td>{problems}</td>",
        escape_html(backup),
        escape_html(&format_date_time(l, *created)),
        escape_html(&format_duration(l, age)),
    )
}

/// What this server counted since it started.
fn counts(l: Lang, state: &AppState) -> String {
    let (classes, events) = state.metrics.totals();
    let n = |v: u64| escape_html(&format_number(l, i64::try_from(v).unwrap_or(i64::MAX)));
    let requests: u64 = classes.values().sum();
    let event = |ev: Event| events.get(&ev).copied().unwrap_or(0);
    let rows = [
        ("health-requests", requests),
        ("health-server-errors", classes.get("5xx").copied().unwrap_or(0)),
        ("health-statements", event(Event::StatementsStored)),
        ("health-launches", event(Event::Launches)),
        ("health-commits", event(Event::RuntimeCommits)),
        ("health-imports", event(Event::ImportsAccepted)),
        ("health-imports-refused", event(Event::ImportsRefused)),
    ];
    let trs: String = rows
        .iter()
        .map(|(id, v)| {
            format!(
                "<tr><th scope=\"row\">{}</th><td class=\"num\">{}</td></tr>",
                escape_html(&t(l, id)),
                n(*v)
            )
        })
        .collect();
    format!("<table id=\"counts\" class=\"narrow\" aria-labelledby=\"counts-h\"><tbody>{trs}</tbody></table>")
}
