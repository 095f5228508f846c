//! The portal's home (`GET /learn/{tenant}/`): signed out, the sign-in page; signed in,
//! the learner's assigned courses (their own and their end client's) with due date,
//! status and score, a Launch or Resume button, and the history of courses they finished.
//! `POST /learn/{tenant}/launch/{assignment}` reuses or makes the learner's registration
//! (`api::launch::portal_launch`, the LMS launch's rule) and sends the browser to the
//! player on the content origin.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::json;

use super::{Learner, Portal, Session, signin};
use crate::audit::{Action, Actor};
use crate::http::api::audit::append;
use crate::http::client::ClientAddr;
use crate::http::error::{ApiError, WebRefusal};
use crate::http::extract::Path;
use crate::http::web::{cross_site, field, form_fields, html_ok, learner_page};
use crate::i18n::{Arg, escape_html, format_date_time, format_day, t, t_args};
use crate::learner::Registration;
use crate::lrs::query::StatementQuery;
use crate::package::model::{Course, Structure};
use crate::portal::assignment::{AssignmentStatus, overdue, status};
use crate::runtime::report::{of_statements, progress};
use crate::server::AppState;
use crate::tenant::TenantId;

/// `GET /learn/{tenant}/`.
pub async fn home(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(tenant): Path<String>,
) -> Result<Response, ApiError> {
    let p = Portal::of(&state, &headers, &tenant).await?;
    let learner = match p.session(&state, &headers).await? {
        Session::SignedIn(l) => l,
        other => {
            let notice = matches!(other, Session::Ended).then_some(("warning", "portal-session-ended"));
            let main = signin::page_main(&p, notice);
            let mut resp = html_ok(learner_page(&p.ctx, "portal-signin-title", &p.home(), &main));
            if matches!(other, Session::Ended) {
                p.set_cookie(&state, &mut resp, None);
            }
            return Ok(resp);
        }
    };
    let main = courses(&state, &p, &learner).await?;
    let mut resp = html_ok(learner_page(&p.ctx, "portal-title", &p.home(), &main));
    // The launch forms' answer redirects to the player on the content origin, which the
    // pages' `form-action 'self'` would stop: this page names that origin too.
    let csp = crate::http::web::CSP.replace(
        "form-action 'self'",
        &format!("form-action 'self' {}", content_origin(&state.config.content_url)),
    );
    if let Ok(v) = axum::http::HeaderValue::from_str(&csp) {
        resp.headers_mut()
            .insert(axum::http::header::CONTENT_SECURITY_POLICY, v);
    }
    Ok(resp)
}

/// The scheme, host and port of a URL (`https://content.example/base` → `https://content.example`).
fn content_origin(url: &str) -> &str {
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    let end = url
        .get(after_scheme..)
        .and_then(|rest| rest.find('/'))
        .map_or(url.len(), |i| after_scheme + i);
    url.get(..end).unwrap_or(url)
}

/// A registration's status and score, and when it last changed.
struct Standing {
    status: AssignmentStatus,
    score: Option<f64>,
    changed_ms: i64,
}

/// Reads a registration's standing as the registrations report does: each launchable
/// item's newest attempt (`runtime::report`), or a cmi5 course's satisfaction.
async fn standing(state: &AppState, tenant: TenantId, r: &Registration) -> Result<Standing, ApiError> {
    let course = state
        .store
        .package_course(tenant, &r.package_id, r.version)
        .await?
        .and_then(|c| serde_json::from_str::<Course>(&c).ok());
    let mut out = Standing {
        status: AssignmentStatus::NotStarted,
        score: None,
        changed_ms: r.created_ms,
    };
    let Some(course) = course else { return Ok(out) };
    if let Structure::Cmi5(s) = &course.structure {
        let shared = crate::runtime::usecase::shared_state(state.store.as_ref(), tenant, &r.id).await?;
        let report = crate::cmi5::report::report(s, &course.identifier, shared.cmi5.as_ref());
        out.status = if report.get("satisfied") == Some(&json!(true)) {
            AssignmentStatus::Completed
        } else if shared.cmi5.is_some() {
            AssignmentStatus::InProgress
        } else {
            AssignmentStatus::NotStarted
        };
        return Ok(out);
    }
    if let Structure::Xapi(_) = &course.structure {
        // xAPI content records in the LRS alone: the launched activity's statements in
        // this registration, read as every other kind's items are.
        let launched = course.launchables().first().map(|l| l.id.clone()).unwrap_or_default();
        let (statements, newest_ms) = registration_statements(state, tenant, &r.id).await?;
        out.changed_ms = out.changed_ms.max(newest_ms);
        (out.status, out.score) = status(&[of_statements(&launched, &statements)]);
        return Ok(out);
    }
    let mut items = Vec::new();
    for item in course.launchables() {
        let a = state.store.latest_attempt(tenant, &r.id, &item.id).await?;
        if let Some(a) = &a {
            out.changed_ms = out.changed_ms.max(a.updated_ms);
        }
        items.push(a.map(|a| progress(&a.data)));
    }
    (out.status, out.score) = status(&items);
    Ok(out)
}

/// Statements read of one registration for its status, newest first.
const STATUS_STATEMENTS: u32 = 500;

/// A registration's newest statements in the LRS (up to `STATUS_STATEMENTS`) and when the
/// newest was stored.
async fn registration_statements(
    state: &AppState,
    tenant: TenantId,
    registration: &str,
) -> Result<(Vec<serde_json::Value>, i64), ApiError> {
    let q = StatementQuery {
        registration: Some(registration.to_owned()),
        limit: STATUS_STATEMENTS,
        ..StatementQuery::default()
    };
    let page = state.store.query_statements(tenant, &q).await?;
    let newest = page.statements.first().map_or(0, |s| s.stored_ms);
    let bodies = page
        .statements
        .iter()
        .filter_map(|s| serde_json::from_str(&s.body).ok())
        .collect();
    Ok((bodies, newest))
}

fn status_text(l: crate::i18n::Lang, s: AssignmentStatus) -> String {
    t(l, &format!("portal-status-{}", s.as_str()))
}

fn score_text(score: Option<f64>) -> String {
    score.map(|s| format!("{s}")).unwrap_or_default()
}

/// What the portal calls a course: its title in the learner's language `lang` where the
/// package has one (a cmi5 course's titles in every language, from the servers' cache of
/// course models), else the title picked at import.
async fn course_title(
    state: &AppState,
    tenant: crate::tenant::TenantId,
    v: &crate::store::PackageVersion,
    lang: &str,
) -> Result<String, ApiError> {
    if v.kind != "cmi5" {
        return Ok(v.title.clone());
    }
    let course = crate::http::content::courses::course_model(state, tenant, &v.package_id, v.version).await?;
    Ok(course.map_or_else(|| v.title.clone(), |c| c.title_in(lang).to_owned()))
}

async fn courses(state: &AppState, p: &Portal, learner: &Learner) -> Result<String, ApiError> {
    let l = p.ctx.lang;
    let e = |k: &str| escape_html(&t(l, k));
    let tenant = p.tenant.id;
    let assignments = state.store.learner_assignments(tenant, &learner.id).await?;
    let regs = state
        .store
        .list_registrations(tenant, Some(&learner.id), None, None)
        .await?;
    let packages = state.store.list_packages(tenant).await?;
    // Each listed course's title in the learner's language (its newest version's).
    let mut titles: HashMap<&str, String> = HashMap::new();
    let listed = assignments
        .iter()
        .map(|a| &a.package_id)
        .chain(regs.iter().map(|r| &r.package_id));
    for pkg in listed {
        if titles.contains_key(pkg.as_str()) {
            continue;
        }
        let newest = packages
            .iter()
            .filter(|v| &v.package_id == pkg)
            .max_by_key(|v| v.version);
        if let Some(v) = newest {
            titles.insert(pkg, course_title(state, tenant, v, l.code()).await?);
        }
    }
    let title_of = |pkg: &str| titles.get(pkg).cloned();
    let mut standings: HashMap<String, Standing> = HashMap::new();
    for r in &regs {
        standings.insert(r.id.clone(), standing(state, tenant, r).await?);
    }
    // The newest registration of each package is the one a launch resumes.
    let newest: HashMap<&str, &Registration> = regs.iter().map(|r| (r.package_id.as_str(), r)).collect();
    let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
    let mut rows = String::new();
    let mut seen = Vec::new();
    for a in &assignments {
        // A course assigned twice (to the learner and their end client) is listed once.
        if seen.contains(&a.package_id) {
            continue;
        }
        seen.push(a.package_id.clone());
        let Some(title) = title_of(&a.package_id) else { continue };
        let st = newest.get(a.package_id.as_str()).and_then(|r| standings.get(&r.id));
        let status = st.map_or(AssignmentStatus::NotStarted, |s| s.status);
        let due = a.due.as_deref().map(|d| format_day(l, d)).unwrap_or_default();
        let late = overdue(a.due.as_deref(), &today) && !status.finished();
        let due_html = if late {
            format!(
                "{} <span class=\"bad\">{}</span>",
                escape_html(&due),
                e("portal-overdue")
            )
        } else {
            escape_html(&due)
        };
        let button = if status == AssignmentStatus::NotStarted && st.is_none() {
            "portal-launch"
        } else {
            "portal-resume"
        };
        rows.push_str(&format!(
            "<tr data-package=\"{pkg}\"><th scope=\"row\">{title}</th><td>{due_html}</td>\
             <td class=\"status\" data-status=\"{code}\">{status}</td><td class=\"num\">{score}</td><td>\
             <form method=\"post\" action=\"{action}\"><input type=\"hidden\" name=\"csrf\" value=\"{csrf}\">\
             <button type=\"submit\" class=\"launch\">{button}</button></form></td></tr>",
            pkg = escape_html(&a.package_id),
            title = escape_html(&title),
            code = status.as_str(),
            status = escape_html(&status_text(l, status)),
            score = escape_html(&score_text(st.and_then(|s| s.score))),
            action = escape_html(&format!("{}launch/{}", p.home(), a.id)),
            csrf = escape_html(&learner.csrf),
            button = e(button),
        ));
    }
    let assigned = if rows.is_empty() {
        format!("<p id=\"no-assignments\">{}</p>", e("portal-no-assignments"))
    } else {
        format!(
            "<div class=\"table-wrap\"><table id=\"assignments\" aria-labelledby=\"assigned-h\"><thead><tr>\
             <th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th>\
             <th scope=\"col\">{}</th></tr></thead><tbody>{rows}</tbody></table></div>",
            e("portal-col-course"),
            e("portal-col-due"),
            e("portal-col-status"),
            e("portal-col-score"),
            e("portal-col-action"),
        )
    };
    let history: String = regs
        .iter()
        .rev()
        .filter_map(|r| standings.get(&r.id).map(|s| (r, s)))
        .filter(|(_, s)| s.status.finished())
        .map(|(r, s)| {
            format!(
                "<tr><th scope=\"row\">{}</th><td>{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
                escape_html(&title_of(&r.package_id).unwrap_or_else(|| r.package_id.clone())),
                escape_html(&status_text(l, s.status)),
                escape_html(&score_text(s.score)),
                escape_html(&format_date_time(l, s.changed_ms)),
            )
        })
        .collect();
    let history = if history.is_empty() {
        format!("<p id=\"no-history\">{}</p>", e("portal-no-history"))
    } else {
        format!(
            "<div class=\"table-wrap\"><table id=\"history\" aria-labelledby=\"history-h\"><thead><tr>\
             <th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th>\
             </tr></thead><tbody>{history}</tbody></table></div>",
            e("portal-col-course"),
            e("portal-col-status"),
            e("portal-col-score"),
            e("portal-col-finished"),
        )
    };
    Ok(format!(
        "<h1>{title}</h1>\n<p id=\"portal-learner\">{who}</p>\
         <section aria-labelledby=\"assigned-h\"><h2 id=\"assigned-h\">{assigned_h}</h2>{assigned}</section>\
         <section aria-labelledby=\"history-h\"><h2 id=\"history-h\">{history_h}</h2>{history}</section>\
         <form id=\"portal-signout\" method=\"post\" action=\"{home}signout\">\
         <input type=\"hidden\" name=\"csrf\" value=\"{csrf}\">\
         <div><button type=\"submit\" id=\"portal-signout-button\">{signout}</button></div></form>",
        title = e("portal-title"),
        who = escape_html(&t_args(
            l,
            "portal-signed-in-as",
            &[
                ("name", Arg::from(learner.name.as_str())),
                ("id", Arg::from(learner.id.as_str()))
            ]
        )),
        assigned_h = e("portal-assigned"),
        history_h = e("portal-history"),
        home = escape_html(&p.home()),
        csrf = escape_html(&learner.csrf),
        signout = e("portal-signout"),
    ))
}

/// `POST /learn/{tenant}/launch/{assignment}` (`csrf`): the learner's registration for
/// the assigned course, made on the newest version on first launch and resumed after,
/// then the player (303).
pub async fn launch(
    State(state): State<AppState>,
    from: ClientAddr,
    headers: HeaderMap,
    Path((tenant, assignment)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let p = Portal::of(&state, &headers, &tenant).await?;
    let learner = p.learner(&state, &headers).await?;
    let fields = form_fields(&body);
    let sent = field(&fields, "csrf").unwrap_or_default();
    if cross_site(&headers) || !crate::tenant::constant_time_eq(sent.as_bytes(), learner.csrf.as_bytes()) {
        return Err(p.refusal(WebRefusal::Stale, "error-csrf"));
    }
    let t = p.tenant.id;
    let mine = state.store.learner_assignments(t, &learner.id).await?;
    let Some(a) = mine.into_iter().find(|a| a.id == assignment) else {
        return Err(p.refusal(WebRefusal::NotFound, "portal-no-such-assignment"));
    };
    let (out, r, created, url) =
        crate::http::api::launch::portal_launch(&state, t, &learner.id, &a.package_id, p.ctx.lang).await?;
    let actor = || Actor::learner(&learner.id);
    let target = format!("learner:{}", learner.id);
    if created {
        let detail =
            json!({ "registration": r.id, "packageId": r.package_id, "version": r.version, "assignment": a.id });
        append(
            &state,
            t,
            actor(),
            &from,
            Action::RegistrationCreated,
            target.clone(),
            detail,
        )
        .await;
    }
    let got = |k: &str| out.get(k).cloned().unwrap_or_default();
    let detail = json!({ "packageId": r.package_id, "version": r.version, "item": got("item"),
        "registration": r.id, "expiresAt": got("expiresAt"), "portal": true });
    append(&state, t, actor(), &from, Action::LaunchIssued, target, detail).await;
    Ok(Redirect::to(&url).into_response())
}
