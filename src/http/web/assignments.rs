//! The assignments page (`GET /assignments`): the courses assigned to learners and end
//! clients that the caller sees, a form assigning one (a course, a learner id or an end
//! client, an optional due date: `POST /assignments`) and a delete button on each
//! (`POST /assignments/{id}/delete`). Plain forms through the API's
//! `assignments::{create_for, delete_for}`, so the same rules and audit entries; an
//! end-client admin assigns within their end client only.

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::tenant::{AdminForm, caller, refused, tenant_query, with_query};
use super::{PageCtx, field, html_ok, page, page_ctx};
use crate::http::api::Admin;
use crate::http::api::assignments::{AssignmentRequest, create_for, delete_for, list_for};
use crate::http::api::end_clients::visible_to;
use crate::http::client::ClientAddr;
use crate::http::error::{ApiError, WebRefusal};
use crate::http::extract::Path;
use crate::i18n::{Arg, escape_html, format_date_time, format_day, t, t_args};
use crate::portal::assignment::{Target, check_due};
use crate::server::AppState;
use crate::store::PackageVersion;

#[derive(Debug, Default, Deserialize)]
pub struct PageQuery {
    tenant: Option<String>,
    /// Set after an assignment was made or deleted.
    done: Option<String>,
}

/// The page a caller who may not see the assignments is refused as.
const ASSIGNMENTS: (&str, &str) = ("portal-assignments-title", "/assignments");

async fn who(state: &AppState, headers: &HeaderMap, ctx: &PageCtx, tenant: Option<&str>) -> Result<Admin, ApiError> {
    caller(state, headers, tenant)
        .await
        .map_err(|e| refused(ctx, &e, ASSIGNMENTS.0, ASSIGNMENTS.1))
}

/// `GET /assignments`.
pub async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
) -> Result<Response, ApiError> {
    let ctx = page_ctx(&state, &headers).await;
    let who = who(&state, &headers, &ctx, q.tenant.as_deref()).await?;
    let notice = match q.done.as_deref() {
        Some("created") => notice("info", &t(ctx.lang, "portal-assignment-created")),
        Some("deleted") => notice("info", &t(ctx.lang, "portal-assignment-deleted")),
        _ => String::new(),
    };
    let main = render(&state, &ctx, &who, q.tenant.as_deref(), &notice).await?;
    Ok(html_ok(page(&ctx, "portal-assignments-title", "/assignments", &main)))
}

fn notice(class: &str, text: &str) -> String {
    let role = if class == "error" { "alert" } else { "status" };
    format!(
        "<p class=\"notice {class}\" role=\"{role}\" id=\"assignment-notice\">{}</p>",
        escape_html(text)
    )
}

/// The newest version of each package, by title.
fn courses(all: Vec<PackageVersion>) -> Vec<PackageVersion> {
    let mut newest: Vec<PackageVersion> = Vec::new();
    for v in all {
        match newest.iter_mut().find(|n| n.package_id == v.package_id) {
            Some(n) if n.version < v.version => *n = v,
            Some(_) => {}
            None => newest.push(v),
        }
    }
    newest.sort_by(|a, b| a.title.cmp(&b.title));
    newest
}

async fn render(
    state: &AppState,
    ctx: &PageCtx,
    who: &Admin,
    tenant: Option<&str>,
    notice: &str,
) -> Result<String, ApiError> {
    let l = ctx.lang;
    let e = |id: &str| escape_html(&t(l, id));
    let courses = courses(state.store.list_packages(who.tenant.id).await?);
    let end_clients = visible_to(state, who).await?;
    let all = list_for(state, who).await?;
    let tq = escape_html(&tenant_query(tenant));
    let csrf = escape_html(ctx.csrf.as_deref().unwrap_or_default());
    let title_of = |pkg: &str| {
        courses
            .iter()
            .find(|c| c.package_id == pkg)
            .map_or_else(|| pkg.to_owned(), |c| c.title.clone())
    };
    let rows: String = all
        .iter()
        .map(|a| {
            let target = target_text(l, &a.target);
            format!(
                "<tr><th scope=\"row\">{course}</th><td>{target}</td><td>{due}</td><td>{created}</td><td>\
                 <form method=\"post\" action=\"/assignments/{id}/delete{tq}\"><input type=\"hidden\" name=\"csrf\" value=\"{csrf}\">\
                 <button type=\"submit\" class=\"danger\">{delete}</button></form></td></tr>",
                course = escape_html(&title_of(&a.package_id)),
                target = escape_html(&target),
                due = escape_html(&a.due.as_deref().map(|d| format_day(l, d)).unwrap_or_default()),
                created = escape_html(&format_date_time(l, a.created_ms)),
                id = escape_html(&a.id),
                delete = e("portal-assignment-delete"),
            )
        })
        .collect();
    let table = if all.is_empty() {
        format!(
            "<p class=\"hint\" id=\"assignments-empty\">{}</p>",
            e("portal-assignments-empty")
        )
    } else {
        format!(
            "<div class=\"table-wrap\"><table id=\"assignments\"><thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th>\
             <th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead><tbody>{rows}</tbody></table></div>",
            e("portal-col-course"),
            e("portal-col-assigned-to"),
            e("portal-col-due"),
            e("col-created"),
            e("portal-col-action"),
        )
    };
    let course_options: String = courses
        .iter()
        .map(|c| {
            format!(
                "<option value=\"{}\">{}</option>",
                escape_html(&c.package_id),
                escape_html(&c.title)
            )
        })
        .collect();
    let ec_options = end_client_options(&end_clients);
    let form = format!(
        "<section aria-labelledby=\"assign-h\"><h2 id=\"assign-h\">{assign_h}</h2>\
         <form id=\"assignment-form\" method=\"post\" action=\"/assignments{tq}\">\
         <input type=\"hidden\" name=\"csrf\" value=\"{csrf}\">\
         <label for=\"assign-course\">{course_l}</label><select id=\"assign-course\" name=\"packageId\" required>{course_options}</select>\
         <label for=\"assign-learner\">{learner_l}</label>\
         <input id=\"assign-learner\" name=\"learner\" type=\"text\" maxlength=\"255\" autocomplete=\"off\">\
         <label for=\"assign-end-client\">{ec_l}</label><select id=\"assign-end-client\" name=\"endClient\">\
         <option value=\"\">{none}</option>{ec_options}</select>\
         <p class=\"hint\">{target_h}</p>\
         <label for=\"assign-due\">{due_l}</label><input id=\"assign-due\" name=\"due\" type=\"date\">\
         <div><button type=\"submit\" id=\"assignment-create\">{button}</button></div></form></section>",
        assign_h = e("portal-assign"),
        course_l = e("portal-col-course"),
        learner_l = e("portal-assign-learner"),
        ec_l = e("col-end-client"),
        none = e("portal-assign-no-end-client"),
        target_h = e("portal-assign-target-hint"),
        due_l = e("portal-col-due"),
        button = e("portal-assign-button"),
    );
    Ok(format!(
        "<h1>{title}</h1><p class=\"hint\">{tenant_line}</p>{notice}{form}<h2>{list_h}</h2>{table}",
        title = e("portal-assignments-title"),
        tenant_line = escape_html(&t_args(
            l,
            "courses-tenant",
            &[("tenant", Arg::from(who.tenant.name.as_str()))]
        )),
        list_h = e("portal-assignments-list"),
    ))
}

/// Who an assignment is for, in the reader's language.
pub(super) fn target_text(l: crate::i18n::Lang, target: &Target) -> String {
    match target {
        Target::Learner(id) => t_args(l, "portal-assigned-learner", &[("id", Arg::from(id.as_str()))]),
        Target::EndClient(id) => t_args(l, "portal-assigned-end-client", &[("id", Arg::from(id.as_str()))]),
    }
}

/// The end clients a form offers, each as its name and id.
pub(super) fn end_client_options(end_clients: &[crate::account::EndClient]) -> String {
    end_clients
        .iter()
        .map(|c| {
            format!(
                "<option value=\"{v}\">{name} ({v})</option>",
                v = escape_html(&c.id),
                name = escape_html(&c.name)
            )
        })
        .collect()
}

fn back(tenant: Option<&str>, done: &str) -> Response {
    let address = format!("/assignments{}", tenant_query(tenant));
    Redirect::to(&with_query(&address, &format!("done={done}"))).into_response()
}

/// The page again with why the form was refused (400).
async fn form_refused(state: &AppState, ctx: &PageCtx, who: &Admin, tenant: Option<&str>, why: &str) -> ApiError {
    match render(state, ctx, who, tenant, &notice("error", why)).await {
        Ok(main) => ApiError::WebPage(
            WebRefusal::BadForm,
            page(ctx, "portal-assignments-title", "/assignments", &main),
        ),
        Err(e) => e,
    }
}

/// `POST /assignments`.
pub async fn create(
    State(state): State<AppState>,
    from: ClientAddr,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let AdminForm { ctx, fields, who } =
        AdminForm::read(&state, &headers, q.tenant.as_deref(), &body, ASSIGNMENTS).await?;
    let text = |name: &str| field(&fields, name).map(str::to_owned);
    // Assigned from a course's page: back to that page, with the outcome.
    let from_course = field(&fields, "return") == Some("course");
    let req = AssignmentRequest {
        package_id: text("packageId").unwrap_or_default(),
        learner: text("learner"),
        end_client: text("endClient"),
        due: text("due"),
    };
    let tenant = q.tenant.as_deref();
    match create_for(&state, &who, &from, req.clone()).await {
        Ok(_) if from_course => {
            Ok(Redirect::to(&super::course_assign::back_path(&req.package_id, &tenant_query(tenant))).into_response())
        }
        Ok(_) => Ok(back(tenant, "created")),
        Err(e) if e.status().is_client_error() => {
            let why = refusal_text(&state, (&ctx, &who), &req, &e).await;
            if from_course {
                super::courses::assign_refused(&state, &ctx, &who, (&req.package_id, tenant), why).await
            } else {
                Err(form_refused(&state, &ctx, &who, tenant, &why).await)
            }
        }
        Err(e) => Err(e),
    }
}

/// Why an assignment form was refused, in the reader's language: what the form itself
/// could have caught (the target, the due date, by the domain's own checks) and a course,
/// learner or end client that is not there (or not the caller's); the API's own words
/// (English) follow for anything else.
async fn refusal_text(
    state: &AppState,
    (ctx, who): (&PageCtx, &Admin),
    req: &AssignmentRequest,
    e: &ApiError,
) -> String {
    let l = ctx.lang;
    let Ok(target) = Target::of(req.learner.clone(), req.end_client.clone()) else {
        return t(l, "portal-assign-target-hint");
    };
    if check_due(req.due.as_deref()).is_err() {
        return t(l, "portal-assign-bad-due");
    }
    if e.status().as_u16() == 404 {
        let versions = state.store.package_versions(who.tenant.id, &req.package_id).await;
        let (key, id) = match &target {
            Target::Learner(id) => ("portal-assign-no-learner", id),
            Target::EndClient(id) => ("portal-assign-unknown-end-client", id),
        };
        return if versions.map(|v| v.is_empty()).unwrap_or(true) {
            t(l, "portal-assign-no-course")
        } else {
            t_args(l, key, &[("id", Arg::from(id.as_str()))])
        };
    }
    t_args(l, "portal-assign-invalid", &[("detail", Arg::from(e.to_string()))])
}

/// `POST /assignments/{id}/delete`.
pub async fn delete(
    State(state): State<AppState>,
    from: ClientAddr,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<PageQuery>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let AdminForm { ctx, who, .. } = AdminForm::read(&state, &headers, q.tenant.as_deref(), &body, ASSIGNMENTS).await?;
    delete_for(&state, &who, &from, &id)
        .await
        .map_err(|e| refused(&ctx, &e, ASSIGNMENTS.0, ASSIGNMENTS.1))?;
    Ok(back(q.tenant.as_deref(), "deleted"))
}
