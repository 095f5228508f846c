//! Deleting from a course's page (tenant-wide admins): one version no registration uses
//! (`POST /courses/{id}/versions/delete`, the version chosen in the form; never the only
//! one), or the whole course (`POST /courses/{id}/delete`; with registrations it is the
//! forced deletion, which removes them and their records). Both after a confirmation,
//! plain forms without script, through the admin API's calls
//! (`api::packages::{delete_for, delete_version_for}`): the same rules and audit entries.

use std::collections::BTreeMap;

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::tenant::{AdminForm, refused, tenant_query};
use super::{PageCtx, field, page};
use crate::http::api::packages::{delete_for, delete_version_for};
use crate::http::client::ClientAddr;
use crate::http::content::encode_path;
use crate::http::error::{ApiError, WebRefusal};
use crate::http::extract::Path;
use crate::i18n::{Arg, escape_html, t, t_args};
use crate::server::AppState;
use crate::store::PackageVersion;

/// The page a caller who may not see the course is refused as.
pub const COURSES: (&str, &str) = ("courses-title", "/courses");

#[derive(Debug, Default, Deserialize)]
pub struct PageQuery {
    tenant: Option<String>,
}

/// The page's deletion section: the versions that may go, and the course.
pub fn section(
    ctx: &PageCtx,
    tenant: Option<&str>,
    versions: &[PackageVersion],
    used: &BTreeMap<u32, usize>,
) -> String {
    let Some(first) = versions.first() else {
        return String::new();
    };
    let l = ctx.lang;
    let e = |k: &str| escape_html(&t(l, k));
    let base = format!("/courses/{}", encode_path(&first.package_id));
    let tq = tenant_query(tenant);
    let csrf = escape_html(ctx.csrf.as_deref().unwrap_or_default());
    let free: Vec<u32> = versions
        .iter()
        .map(|v| v.version)
        .filter(|n| used.get(n).copied().unwrap_or(0) == 0)
        .collect();
    let version_form = if versions.len() < 2 || free.is_empty() {
        format!(
            "<p class=\"hint\" id=\"no-version-to-delete\">{}</p>",
            e("course-delete-version-none")
        )
    } else {
        let options: String = free
            .iter()
            .rev()
            .map(|n| format!("<option value=\"{n}\">{n}</option>"))
            .collect();
        format!(
            "<form id=\"version-delete-form\" method=\"post\" action=\"{action}\">\
             <input type=\"hidden\" name=\"csrf\" value=\"{csrf}\">\
             <label for=\"version-to-delete\">{label}</label><select id=\"version-to-delete\" name=\"version\">{options}</select>\
             <p><input type=\"checkbox\" id=\"version-confirm\" name=\"confirm\" value=\"on\" required> \
             <label for=\"version-confirm\" class=\"inline\">{confirm}</label></p>\
             <div><button type=\"submit\" class=\"danger\" id=\"version-delete\">{button}</button></div></form>",
            action = escape_html(&format!("{base}/versions/delete{tq}")),
            label = e("course-delete-version-label"),
            confirm = e("course-delete-version-confirm"),
            button = e("course-delete-version-button"),
        )
    };
    let registrations: usize = used.values().sum();
    let (warning, force) = match registrations {
        0 => (e("course-delete-plain"), ""),
        n => (
            escape_html(&t_args(
                l,
                "course-delete-forced",
                &[("n", Arg::from(i64::try_from(n).unwrap_or(i64::MAX)))],
            )),
            "<input type=\"hidden\" name=\"force\" value=\"on\">",
        ),
    };
    format!(
        "<section aria-labelledby=\"delete-h\"><h2 id=\"delete-h\">{title}</h2>\
         <h3>{versions_h}</h3><p class=\"hint\">{versions_hint}</p>{version_form}\
         <h3>{course_h}</h3><p class=\"notice warning\" id=\"course-delete-warning\">{warning}</p>\
         <form id=\"course-delete-form\" method=\"post\" action=\"{action}\">\
         <input type=\"hidden\" name=\"csrf\" value=\"{csrf}\">{force}\
         <p><input type=\"checkbox\" id=\"course-confirm\" name=\"confirm\" value=\"on\" required> \
         <label for=\"course-confirm\" class=\"inline\">{confirm}</label></p>\
         <div><button type=\"submit\" class=\"danger\" id=\"course-delete\">{button}</button></div></form></section>",
        title = e("course-delete"),
        versions_h = e("course-delete-version"),
        versions_hint = e("course-delete-version-hint"),
        course_h = e("course-delete-course"),
        action = escape_html(&format!("{base}/delete{tq}")),
        confirm = escape_html(&t_args(
            l,
            "course-delete-confirm",
            &[("title", Arg::from(first.title.as_str()))]
        )),
        button = e("course-delete-button"),
    )
}

/// A refused deletion, as a page saying why in the reader's language (409: in use).
fn refusal(ctx: &PageCtx, e: &ApiError, back: &str) -> ApiError {
    let l = ctx.lang;
    let text = match e.status().as_u16() {
        409 => t(l, "course-delete-conflict"),
        _ => t(l, "course-delete-confirm-needed"),
    };
    let main = format!(
        "<h1>{}</h1><p class=\"notice error\" role=\"alert\" id=\"course-delete-error\">{}</p><p><a href=\"{}\">{}</a></p>",
        escape_html(&t(l, "course-delete")),
        escape_html(&text),
        escape_html(back),
        escape_html(&t(l, "course-delete-back")),
    );
    ApiError::WebPage(WebRefusal::BadForm, page(ctx, "course-delete", back, &main))
}

/// `POST /courses/{id}/versions/delete`: the form's version, then the course's page.
pub async fn version(
    State(state): State<AppState>,
    from: ClientAddr,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<PageQuery>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let AdminForm { ctx, fields, who } = AdminForm::read(&state, &headers, q.tenant.as_deref(), &body, COURSES).await?;
    let tq = tenant_query(q.tenant.as_deref());
    let back = format!("/courses/{}{tq}", encode_path(&id));
    let version = field(&fields, "version").and_then(|v| v.trim().parse::<u32>().ok());
    let (Some(version), Some("on")) = (version, field(&fields, "confirm")) else {
        return Err(refusal(
            &ctx,
            &ApiError::from(crate::lrs::LrsError::bad("unconfirmed")),
            &back,
        ));
    };
    match delete_version_for(&state, &who, &from, &id, version).await {
        Ok(()) => Ok(Redirect::to(&back).into_response()),
        Err(e) if matches!(e.status().as_u16(), 403 | 404) => Err(refused(&ctx, &e, COURSES.0, COURSES.1)),
        Err(e) if e.status().is_client_error() => Err(refusal(&ctx, &e, &back)),
        Err(e) => Err(e),
    }
}

/// `POST /courses/{id}/delete`: the whole course (forced when the form says so), then
/// the library.
pub async fn course(
    State(state): State<AppState>,
    from: ClientAddr,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<PageQuery>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let AdminForm { ctx, fields, who } = AdminForm::read(&state, &headers, q.tenant.as_deref(), &body, COURSES).await?;
    let tq = tenant_query(q.tenant.as_deref());
    let back = format!("/courses/{}{tq}", encode_path(&id));
    if field(&fields, "confirm") != Some("on") {
        return Err(refusal(
            &ctx,
            &ApiError::from(crate::lrs::LrsError::bad("unconfirmed")),
            &back,
        ));
    }
    let force = field(&fields, "force") == Some("on");
    match delete_for(&state, &who, &from, &id, force).await {
        Ok(()) => Ok(Redirect::to(&format!("/courses{tq}")).into_response()),
        Err(e) if matches!(e.status().as_u16(), 403 | 404) => Err(refused(&ctx, &e, COURSES.0, COURSES.1)),
        Err(e) if e.status().is_client_error() => Err(refusal(&ctx, &e, &back)),
        Err(e) => Err(e),
    }
}
