//! Parts of the reports pages: the filters form, the questions table, and a learner's
//! transcript page (`GET /reports/learners/{id}`).

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;

use super::reports::ReportForm;
use super::tenant::{caller, refused};
use super::{PageCtx, html_ok, page, page_ctx};
use crate::http::api::Admin;
use crate::http::api::end_clients::visible_to;
use crate::http::content::encode_path;
use crate::http::error::ApiError;
use crate::http::extract::Path;
use crate::i18n::{Arg, Lang, escape_html, format_date_time, format_duration, format_number, t, t_args};
use crate::report::summary::Question;
use crate::report::usecase;
use crate::server::AppState;

/// A fraction as a whole percentage.
pub fn percent(f: f64) -> String {
    format!("{}%", (f * 100.0).round())
}

fn option(value: &str, label: &str, chosen: Option<&str>) -> String {
    let sel = if chosen == Some(value) { " selected" } else { "" };
    format!(
        "<option value=\"{}\"{sel}>{}</option>",
        escape_html(value),
        escape_html(label)
    )
}

/// The filters as a GET form: course and end client as lists of what the caller sees.
pub async fn filters_form(state: &AppState, ctx: &PageCtx, who: &Admin, f: &ReportForm) -> Result<String, ApiError> {
    let l = ctx.lang;
    let e = |k: &str| escape_html(&t(l, k));
    let v = |x: &Option<String>| escape_html(x.as_deref().unwrap_or_default());
    let mut titles: Vec<(String, String)> = usecase::titles(state.store.as_ref(), who.tenant.id)
        .await?
        .into_iter()
        .collect();
    titles.sort_by(|a, b| a.1.cmp(&b.1).then_with(|| a.0.cmp(&b.0)));
    let courses: String = titles
        .iter()
        .map(|(id, title)| option(id, title, f.q.course.as_deref()))
        .collect();
    let end_clients = if who.end_client.is_some() {
        String::new()
    } else {
        let list: String = visible_to(state, who)
            .await?
            .iter()
            .map(|c| option(&c.id, &c.name, f.q.end_client.as_deref()))
            .collect();
        format!(
            "<div><label for=\"f-end-client\">{}</label><select id=\"f-end-client\" name=\"endClient\">{}{list}</select></div>",
            e("reports-end-client"),
            option("", &t(l, "reports-all"), f.q.end_client.as_deref().or(Some(""))),
        )
    };
    Ok(format!(
        "<form id=\"reports-form\" class=\"filters\" method=\"get\" action=\"/reports\">{tenant}\
         <div><label for=\"f-course\">{course_l}</label><select id=\"f-course\" name=\"course\">{all}{courses}</select></div>\
         {end_clients}\
         <div><label for=\"f-learner\">{learner_l}</label><input id=\"f-learner\" name=\"learner\" type=\"text\" value=\"{learner}\"></div>\
         <div><label for=\"f-from\">{from_l}</label><input id=\"f-from\" name=\"from\" type=\"date\" value=\"{from}\"></div>\
         <div><label for=\"f-to\">{to_l}</label><input id=\"f-to\" name=\"to\" type=\"date\" value=\"{to}\"></div>\
         <p class=\"hint wide\">{dates_h}</p>\
         <div class=\"wide\"><button type=\"submit\" id=\"reports-filter\">{button}</button></div></form>",
        tenant = f.tenant.as_deref().map_or_else(String::new, |t| format!(
            "<input type=\"hidden\" name=\"tenant\" value=\"{}\">",
            escape_html(t)
        )),
        course_l = e("reports-course"),
        all = option("", &t(l, "reports-all"), f.q.course.as_deref().or(Some(""))),
        learner_l = e("reports-learner"),
        learner = v(&f.q.learner),
        from_l = e("reports-from"),
        from = v(&f.q.from),
        to_l = e("reports-to"),
        to = v(&f.q.to),
        dates_h = e("reports-dates-hint"),
        button = e("reports-filter"),
    ))
}

/// Each question of the chosen course, hardest first: answered, correct, difficulty as
/// a bar, and the answers given most.
pub fn questions_table(l: Lang, questions: Option<&[Question]>) -> String {
    let e = |k: &str| escape_html(&t(l, k));
    let head = format!(
        "<section aria-labelledby=\"questions-h\"><h2 id=\"questions-h\">{}</h2>",
        e("reports-questions")
    );
    let Some(questions) = questions else {
        return format!(
            "{head}<p class=\"hint\" id=\"questions-choose\">{}</p></section>",
            e("reports-questions-choose")
        );
    };
    if questions.is_empty() {
        return format!("{head}<p id=\"questions-empty\">{}</p></section>", e("reports-none"));
    }
    let rows: String = questions
        .iter()
        .map(|q| {
            let answers: String = q
                .responses
                .iter()
                .take(5)
                .map(|r| {
                    let mark = match r.result.as_str() {
                        "correct" => "✓ ",
                        "incorrect" | "wrong" => "✗ ",
                        _ => "",
                    };
                    format!(
                        "<li>{mark}<span translate=\"no\">{}</span> ({})</li>",
                        escape_html(&r.response),
                        format_number(l, i64::try_from(r.count).unwrap_or(0))
                    )
                })
                .collect();
            let difficulty = q.difficulty.map_or_else(String::new, |d| {
                format!(
                    "<meter min=\"0\" max=\"1\" value=\"{d:.2}\" aria-label=\"{}\"></meter> {}",
                    escape_html(&t(l, "reports-difficulty")),
                    percent(d)
                )
            });
            format!(
                "<tr><th scope=\"row\" translate=\"no\">{}</th><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{difficulty}</td><td><ul>{answers}</ul></td></tr>",
                escape_html(&q.question),
                format_number(l, i64::try_from(q.answered).unwrap_or(0)),
                format_number(l, i64::try_from(q.correct).unwrap_or(0)),
            )
        })
        .collect();
    format!(
        "{head}<p class=\"hint\">{}</p><div class=\"table-wrap\"><table id=\"questions-table\"><thead><tr><th scope=\"col\">{}</th>\
         <th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead>\
         <tbody>{rows}</tbody></table></div></section>",
        e("reports-questions-hint"),
        e("reports-question"),
        e("reports-answered"),
        e("reports-correct"),
        e("reports-difficulty"),
        e("reports-answers"),
    )
}

/// `GET /reports/learners/{id}`: a learner's transcript across courses.
pub async fn transcript(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(f): Query<ReportForm>,
) -> Result<Response, ApiError> {
    let ctx = page_ctx(&state, &headers).await;
    let refuse = |e: ApiError| refused(&ctx, &e, "reports-transcript-title", "/reports");
    let who = caller(&state, &headers, f.tenant.as_deref()).await.map_err(refuse)?;
    let learner = who.learner(&state, &id).await.map_err(refuse)?;
    let rows = usecase::transcript(state.store.as_ref(), who.tenant.id, &id, who.end_client.as_deref()).await?;
    let l = ctx.lang;
    let e = |k: &str| escape_html(&t(l, k));
    let body: String = rows
        .iter()
        .map(|r| {
            format!(
                "<tr><th scope=\"row\">{}</th><td class=\"num\">{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td>{}</td><td>{}</td></tr>",
                escape_html(if r.title.is_empty() { &r.course } else { &r.title }),
                r.version,
                escape_html(&format_date_time(l, r.registered_ms)),
                e(&format!("reports-status-{}", r.status.as_str())),
                r.score.map(percent).unwrap_or_default(),
                escape_html(&format_duration(l, r.time_ms)),
                r.last_activity_ms.map(|ms| escape_html(&format_date_time(l, ms))).unwrap_or_default(),
            )
        })
        .collect();
    let table = if rows.is_empty() {
        format!("<p id=\"transcript-empty\">{}</p>", e("reports-transcript-empty"))
    } else {
        format!(
            "<div class=\"table-wrap\"><table id=\"transcript-table\"><thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th>\
             <th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th>\
             </tr></thead><tbody>{body}</tbody></table></div>",
            e("reports-course"),
            e("reports-version"),
            e("reports-registered-at"),
            e("reports-status"),
            e("reports-score"),
            e("reports-time-spent"),
            e("reports-last-activity"),
        )
    };
    let export = ReportForm {
        tenant: f.tenant.clone(),
        q: crate::http::api::reporting::ReportQuery {
            learner: Some(id.clone()),
            ..Default::default()
        },
        report: None,
    };
    let main = format!(
        "<h1>{}</h1><p><a id=\"export-transcript\" href=\"/reports/export?{}\" download>{}</a> · \
         <a href=\"/learners/{}{}\">{}</a></p>{table}",
        escape_html(&t_args(
            l,
            "reports-transcript-heading",
            &[
                ("name", Arg::from(learner.name.as_str())),
                ("id", Arg::from(learner.id.as_str()))
            ]
        )),
        escape_html(&export.query("transcript")),
        e("reports-export-transcript"),
        encode_path(&id),
        escape_html(&super::tenant::tenant_query(f.tenant.as_deref())),
        e("reports-learner-page"),
    );
    Ok(html_ok(page(&ctx, "reports-transcript-title", "/reports", &main)))
}
