//! Previewing a course from its page (`POST /courses/{id}/preview`): the signed-in admin
//! opens a version (the one shown, or another chosen in the form) as their own test
//! learner, in a fresh registration marked as a preview, and lands in the player on the
//! content origin. A plain form without script, through the admin API's
//! `launch::preview_for` (the same rules and audit entries as a launch). Previews count
//! nowhere: the test learner is not listed nor counted in the learner quota, the
//! registration is left out of the reports.

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::course_delete::COURSES;
use super::tenant::{AdminForm, refused, tenant_query};
use super::{CSP, PageCtx};
use crate::http::api::launch::preview_for;
use crate::http::client::ClientAddr;
use crate::http::content::encode_path;
use crate::http::error::ApiError;
use crate::http::extract::Path;
use crate::i18n::{Arg, escape_html, t, t_args};
use crate::server::AppState;
use crate::store::PackageVersion;

#[derive(Debug, Default, Deserialize)]
pub struct PageQuery {
    tenant: Option<String>,
}

/// The course page's preview section: the version to open (newest first, the one the
/// page shows chosen) and the button.
pub fn form(ctx: &PageCtx, tenant: Option<&str>, versions: &[PackageVersion], shown: u32) -> String {
    let Some(first) = versions.first() else {
        return String::new();
    };
    let l = ctx.lang;
    let e = |k: &str| escape_html(&t(l, k));
    let options: String = versions
        .iter()
        .rev()
        .map(|v| {
            format!(
                "<option value=\"{n}\"{sel}>{label}</option>",
                n = v.version,
                sel = if v.version == shown { " selected" } else { "" },
                label = escape_html(&t_args(
                    l,
                    "preview-version-option",
                    &[("version", Arg::Num(i64::from(v.version)))]
                )),
            )
        })
        .collect();
    let action = format!(
        "/courses/{}/preview{}",
        encode_path(&first.package_id),
        tenant_query(tenant)
    );
    format!(
        "<section aria-labelledby=\"preview-h\"><h2 id=\"preview-h\">{title}</h2><p class=\"hint\">{hint}</p>\
         <form id=\"preview-form\" method=\"post\" action=\"{action}\">\
         <input type=\"hidden\" name=\"csrf\" value=\"{csrf}\">\
         <label for=\"preview-version\">{label}</label><select id=\"preview-version\" name=\"version\">{options}</select>\
         <div><button type=\"submit\" id=\"preview-button\">{button}</button></div></form></section>",
        title = e("preview-title"),
        hint = e("preview-hint"),
        action = escape_html(&action),
        csrf = escape_html(ctx.csrf.as_deref().unwrap_or_default()),
        label = e("preview-version"),
        button = e("preview-button"),
    )
}

/// The course page's policy also lets its preview form continue to the player on the
/// content origin (`form-action` covers the redirect a form's answer makes).
pub fn allow_player(resp: &mut Response, content_url: &str) {
    let csp = CSP.replace("form-action 'self'", &format!("form-action 'self' {content_url}"));
    if let Ok(v) = HeaderValue::from_str(&csp) {
        resp.headers_mut().insert(header::CONTENT_SECURITY_POLICY, v);
    }
}

/// `POST /courses/{id}/preview`: the form's version (the newest when absent) as the
/// caller's test learner, then the player (303 to the content origin).
pub async fn preview(
    State(state): State<AppState>,
    from: ClientAddr,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<PageQuery>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let form = AdminForm::read(&state, &headers, q.tenant.as_deref(), &body, COURSES).await?;
    let version = form.field("version").and_then(|v| v.trim().parse::<u32>().ok());
    match preview_for(&state, &form.who, &from, &id, version).await {
        Ok(player) => Ok(Redirect::to(&player).into_response()),
        Err(e) if e.status().is_client_error() => Err(refused(&form.ctx, &e, COURSES.0, COURSES.1)),
        Err(e) => Err(e),
    }
}
