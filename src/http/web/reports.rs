//! The reports page (`GET /reports`), a tenant or end-client admin's: the filters (course,
//! end client, learner, dates) as a plain GET form, then each report as a chart with its
//! numbers in a table — the completion and pass funnel per course, scores, time spent,
//! activity over time, and each question's difficulty and answers for one course — and
//! links to the same reports as CSV (`GET /reports/export`). The numbers come from
//! `report::usecase`, the calls the reporting API makes; an end-client admin's filter is
//! their end client whatever the form says.

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;

use super::charts::{Bar, columns, rows};
use super::report_parts::{filters_form, percent, questions_table};
use super::tenant::{caller, refused};
use super::{html_ok, page, page_ctx};
use crate::http::api::Admin;
use crate::http::api::reporting::{ReportQuery, csv_file};
use crate::http::content::encode_path;
use crate::http::error::ApiError;
use crate::i18n::{Arg, Lang, escape_html, format_duration, format_number, t, t_args};
use crate::report::summary::Bucket;
use crate::report::usecase::{self, CourseFunnel, Distributions};
use crate::report::{DayActivity, ReportFilter, csv};
use crate::server::AppState;

#[derive(Debug, Default, Clone, Deserialize)]
pub struct ReportForm {
    pub tenant: Option<String>,
    /// Which report a CSV export is of.
    pub report: Option<String>,
    #[serde(flatten)]
    pub q: ReportQuery,
}

impl ReportForm {
    /// The filters as a query string (empty fields left out).
    pub fn filters(&self) -> String {
        let fields = [
            ("tenant", &self.tenant),
            ("course", &self.q.course),
            ("endClient", &self.q.end_client),
            ("learner", &self.q.learner),
            ("from", &self.q.from),
            ("to", &self.q.to),
        ];
        fields
            .iter()
            .filter_map(|(name, v)| {
                let v = v.as_deref().filter(|v| !v.trim().is_empty())?;
                Some(format!("{name}={}", encode_path(v)))
            })
            .collect::<Vec<_>>()
            .join("&")
    }

    /// The export link's query: `report` set to `which`, and the filters.
    pub fn query(&self, which: &str) -> String {
        let filters = self.filters();
        if filters.is_empty() {
            format!("report={which}")
        } else {
            format!("report={which}&{filters}")
        }
    }
}

/// `GET /reports`.
pub async fn reports(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(f): Query<ReportForm>,
) -> Result<Response, ApiError> {
    let ctx = page_ctx(&state, &headers).await;
    let refuse = |e: ApiError| refused(&ctx, &e, "reports-title", "/reports");
    let who = caller(&state, &headers, f.tenant.as_deref()).await.map_err(refuse)?;
    let l = ctx.lang;
    let form = filters_form(&state, &ctx, &who, &f).await?;
    let body = match f.q.filter(&who) {
        Ok(filter) => sections(&state, l, &who, &f, &filter).await?,
        Err(e) => format!(
            "<p class=\"notice error\" role=\"alert\" id=\"reports-error\">{} <span translate=\"no\">{}</span></p>",
            escape_html(&t(l, "reports-bad-filter")),
            escape_html(&e.to_string())
        ),
    };
    let main = format!(
        "<h1>{}</h1><p class=\"hint\">{}</p>{form}{body}",
        escape_html(&t_args(
            l,
            "reports-heading",
            &[("tenant", Arg::from(who.tenant.name.as_str()))]
        )),
        escape_html(&t(l, "reports-hint")),
    );
    // The language control brings the reader back to the same filters.
    let back = match f.filters() {
        q if q.is_empty() => "/reports".to_owned(),
        q => format!("/reports?{q}"),
    };
    Ok(html_ok(page(&ctx, "reports-title", &back, &main)))
}

async fn sections(
    state: &AppState,
    l: Lang,
    who: &Admin,
    f: &ReportForm,
    filter: &ReportFilter,
) -> Result<String, ApiError> {
    let store = state.store.as_ref();
    let t_id = who.tenant.id;
    let (funnels, dist) = usecase::overview(store, t_id, filter).await?;
    let days = usecase::activity(store, t_id, filter, crate::clock::now_ms()).await?;
    let questions = match &filter.course {
        Some(_) => Some(usecase::questions(store, t_id, filter).await?),
        None => None,
    };
    let exports = ["courses", "distributions", "activity", "questions"]
        .iter()
        .filter(|r| **r != "questions" || questions.is_some())
        .map(|r| {
            format!(
                "<li><a id=\"export-{r}\" href=\"/reports/export?{}\" download>{}</a></li>",
                escape_html(&f.query(r)),
                escape_html(&t(l, &format!("reports-export-{r}")))
            )
        })
        .collect::<String>();
    Ok(format!(
        "{}{}{}{}<section aria-labelledby=\"export-h\"><h2 id=\"export-h\">{}</h2><ul>{exports}</ul></section>",
        funnel_section(l, &funnels),
        distribution_sections(l, &dist),
        activity_section(l, &days),
        questions_table(l, questions.as_deref()),
        escape_html(&t(l, "reports-export")),
    ))
}

fn funnel_section(l: Lang, funnels: &[CourseFunnel]) -> String {
    let e = |k: &str| escape_html(&t(l, k));
    if funnels.is_empty() {
        return format!(
            "<section aria-labelledby=\"funnel-h\"><h2 id=\"funnel-h\">{}</h2><p id=\"funnel-empty\">{}</p></section>",
            e("reports-funnel"),
            e("reports-none")
        );
    }
    let mut charts = String::new();
    let mut table = String::new();
    for (i, c) in funnels.iter().enumerate() {
        let f = &c.funnel;
        let name = if c.title.is_empty() { &f.course } else { &c.title };
        let stages = [
            ("reports-registered", f.registered),
            ("reports-started", f.started),
            ("reports-completed", f.completed),
            ("reports-passed", f.passed),
            ("reports-failed", f.failed),
        ];
        let bars: Vec<Bar> = stages
            .iter()
            .map(|(k, n)| Bar {
                label: t(l, k),
                value: *n,
                shown: format_number(l, i64::try_from(*n).unwrap_or(i64::MAX)),
            })
            .collect();
        let title = t_args(l, "reports-funnel-of", &[("course", Arg::from(name.as_str()))]);
        charts.push_str(&format!(
            "<h3>{}</h3>{}",
            escape_html(name),
            rows(&format!("funnel-{i}"), &title, &bars)
        ));
        let cells: String = stages
            .iter()
            .map(|(_, n)| {
                format!(
                    "<td class=\"num\">{}</td>",
                    format_number(l, i64::try_from(*n).unwrap_or(0))
                )
            })
            .collect();
        table.push_str(&format!(
            "<tr><th scope=\"row\">{}</th>{cells}<td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            escape_html(name),
            f.mean_score.map(percent).unwrap_or_default(),
            f.mean_time_ms
                .map(|ms| escape_html(&format_duration(l, ms)))
                .unwrap_or_default(),
        ));
    }
    format!(
        "<section aria-labelledby=\"funnel-h\"><h2 id=\"funnel-h\">{}</h2>{charts}\
         <div class=\"table-wrap\"><table id=\"funnel-table\"><thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th>\
         <th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th>\
         <th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead><tbody>{table}</tbody></table></div></section>",
        e("reports-funnel"),
        e("reports-course"),
        e("reports-registered"),
        e("reports-started"),
        e("reports-completed"),
        e("reports-passed"),
        e("reports-failed"),
        e("reports-mean-score"),
        e("reports-mean-time"),
    )
}

fn bucket_bars(l: Lang, buckets: &[Bucket], label: impl Fn(&Bucket) -> String) -> Vec<Bar> {
    buckets
        .iter()
        .map(|b| Bar {
            label: label(b),
            value: b.count,
            shown: format_number(l, i64::try_from(b.count).unwrap_or(i64::MAX)),
        })
        .collect()
}

fn distribution_sections(l: Lang, d: &Distributions) -> String {
    let e = |k: &str| escape_html(&t(l, k));
    let scores = bucket_bars(l, &d.scores, |b| {
        format!("{}–{}%", (b.from * 100.0).round(), (b.to * 100.0).round())
    });
    let minutes = |m: f64| format_duration(l, (m * 60_000.0) as i64);
    let time = bucket_bars(l, &d.time, |b| {
        if b.to.is_finite() {
            format!("{}–{}", minutes(b.from), minutes(b.to))
        } else {
            t_args(l, "reports-time-over", &[("time", Arg::from(minutes(b.from)))])
        }
    });
    format!(
        "<section aria-labelledby=\"scores-h\"><h2 id=\"scores-h\">{}</h2><p class=\"hint\">{}</p>{}</section>\
         <section aria-labelledby=\"time-h\"><h2 id=\"time-h\">{}</h2><p class=\"hint\">{}</p>{}</section>",
        e("reports-scores"),
        e("reports-scores-hint"),
        columns("scores-chart", &t(l, "reports-scores"), &scores, 1),
        e("reports-time"),
        e("reports-time-hint"),
        columns("time-chart", &t(l, "reports-time"), &time, 1),
    )
}

fn activity_section(l: Lang, days: &[DayActivity]) -> String {
    let bars: Vec<Bar> = days
        .iter()
        .map(|d| Bar {
            label: csv::date(d.day).chars().skip(5).collect(),
            value: d.registrations,
            shown: format_number(l, i64::try_from(d.registrations).unwrap_or(i64::MAX)),
        })
        .collect();
    let every = (days.len() / 10).max(1);
    format!(
        "<section aria-labelledby=\"activity-h\"><h2 id=\"activity-h\">{}</h2><p class=\"hint\">{}</p>{}</section>",
        escape_html(&t(l, "reports-activity")),
        escape_html(&t(l, "reports-activity-hint")),
        columns("activity-chart", &t(l, "reports-activity"), &bars, every),
    )
}

/// `GET /reports/export?report=…`: one report as CSV, with the page's filters.
pub async fn export(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(f): Query<ReportForm>,
) -> Result<Response, ApiError> {
    let ctx = page_ctx(&state, &headers).await;
    let refuse = |e: ApiError| refused(&ctx, &e, "reports-title", "/reports");
    let who = caller(&state, &headers, f.tenant.as_deref()).await.map_err(refuse)?;
    // A link the page wrote is never refused; a hand-made one gets the API's 400.
    let filter = f.q.filter(&who)?;
    let (store, id) = (state.store.as_ref(), who.tenant.id);
    let now = crate::clock::now_ms();
    let (name, body) = match f.report.as_deref().unwrap_or_default() {
        "courses" => ("courses", csv::courses(&usecase::courses(store, id, &filter).await?)),
        "distributions" => (
            "distributions",
            csv::distributions(&usecase::distributions(store, id, &filter).await?),
        ),
        "activity" => (
            "activity",
            csv::activity(&usecase::activity(store, id, &filter, now).await?),
        ),
        "questions" => (
            "questions",
            csv::questions(&usecase::questions(store, id, &filter).await?),
        ),
        "transcript" => {
            let learner = filter.learner.clone().unwrap_or_default();
            who.learner(&state, &learner).await.map_err(refuse)?;
            let rows = usecase::transcript(store, id, &learner, who.end_client.as_deref()).await?;
            ("transcript", csv::transcript(&rows))
        }
        _ => {
            let why = "report: courses, distributions, activity, questions or transcript";
            return Err(crate::lrs::LrsError::bad(why).into());
        }
    };
    Ok(csv_file(name, body))
}
