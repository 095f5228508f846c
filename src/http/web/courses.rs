//! The course library of a tenant, for its authors and admins: `GET /courses` lists the
//! packages (newest version of each: title, kind and edition, size, upload time) with an
//! upload form, and `GET /courses/{id}` shows one package: its versions with the
//! registrations on each, and the course's structure. Server-rendered in the reader's
//! language; the upload's progress bar and its refusal (rule, file, line) come from a
//! small script (`courses.js`) that sends the file to `POST /api/v1/packages` with the
//! session's CSRF token. An operator or reseller admin names the tenant with
//! `?tenant=NAME` (as `X-Kiroku-Tenant` does for the API).

use std::collections::BTreeMap;

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::tenant::{self, caller, refused, tenant_query};
use super::{PageCtx, html_ok, page, page_ctx};
use crate::http::api::Admin;
use crate::http::error::{ApiError, WebRefusal};
use crate::http::extract::Path;
use crate::i18n::{self, Arg, escape_html, t, t_args};
use crate::i18n::{format_bytes, format_date_time, format_number};
use crate::package::model::{Cmi5Node, Course, Item, Structure, in_language};
use crate::report::VersionCount;
use crate::server::AppState;
use crate::store::PackageVersion;

const COURSES_JS: &str = include_str!("courses.js");

#[derive(Debug, Default, Deserialize)]
pub struct PageQuery {
    /// The tenant an operator or reseller admin looks at.
    tenant: Option<String>,
    /// The version shown (the newest when absent).
    version: Option<u32>,
    /// Set after the course was assigned from this page.
    done: Option<String>,
}

/// `SCORM 2004 (4th edition)`, `cmi5`… in the reader's language.
fn kind_label(l: i18n::Lang, v: &PackageVersion) -> String {
    let kind = t(l, &format!("kind-{}", v.kind));
    match v.edition.as_deref() {
        Some(e) => {
            let edition = t(l, &format!("edition-{e}"));
            t_args(
                l,
                "kind-with-edition",
                &[("kind", Arg::from(kind)), ("edition", Arg::from(edition))],
            )
        }
        None => kind,
    }
}

/// `GET /courses`: the library and the upload form.
pub async fn library(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
) -> Result<Response, ApiError> {
    let ctx = page_ctx(&state, &headers).await;
    let who = caller(&state, &headers, q.tenant.as_deref())
        .await
        .map_err(|e| refused(&ctx, &e, "courses-title", "/courses"))?;
    let list = state.store.list_packages(who.tenant.id).await?;
    let l = ctx.lang;
    let e = |id: &str| escape_html(&t(l, id));
    let rows: String = list
        .iter()
        .map(|v| {
            format!(
                "<tr><th scope=\"row\"><a href=\"/courses/{id}{tq}\">{title}</a></th><td>{kind}</td><td>{version}</td>\
                 <td>{size}</td><td>{files}</td><td>{at}</td></tr>",
                id = crate::http::content::encode_path(&v.package_id),
                tq = tenant_query(q.tenant.as_deref()),
                title = escape_html(&v.title),
                kind = escape_html(&kind_label(l, v)),
                version = v.version,
                size = escape_html(&format_bytes(l, v.total_bytes)),
                files = escape_html(&format_number(l, i64::try_from(v.file_count).unwrap_or(i64::MAX))),
                at = escape_html(&format_date_time(l, v.created_ms)),
            )
        })
        .collect();
    let table = if list.is_empty() {
        format!("<p id=\"courses-empty\" class=\"hint\">{}</p>", e("courses-empty"))
    } else {
        format!(
            "<div class=\"table-wrap\"><table id=\"courses\" aria-labelledby=\"library-h\"><thead><tr>\
             <th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th>\
             <th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead><tbody>{rows}</tbody></table></div>",
            e("col-course"),
            e("col-kind"),
            e("col-latest-version"),
            e("col-size"),
            e("col-files"),
            e("col-uploaded"),
        )
    };
    let main = format!(
        "<h1>{title}</h1>\n<p class=\"hint\">{tenant}</p>\n{upload}\n<h2 id=\"library-h\">{library}</h2>\n{table}\n\
         <script type=\"application/json\" id=\"courses-i18n\">{messages}</script>\n<script src=\"/courses.js\"></script>",
        title = e("courses-title"),
        tenant = escape_html(&t_args(
            l,
            "courses-tenant",
            &[("tenant", Arg::from(who.tenant.name.as_str()))]
        )),
        upload = upload_form(&ctx, &who, &tenant_query(q.tenant.as_deref())),
        library = e("courses-library"),
        messages = tenant::script_messages(l, "js-upload-"),
    );
    Ok(html_ok(page(&ctx, "courses-title", "/courses", &main)))
}

/// The upload form: the script sends it with progress; without script it says so.
fn upload_form(ctx: &PageCtx, who: &Admin, tq: &str) -> String {
    let l = ctx.lang;
    let e = |id: &str| escape_html(&t(l, id));
    if who.end_client.is_some() {
        return String::new();
    }
    format!(
        "<section aria-labelledby=\"upload-h\"><h2 id=\"upload-h\">{title}</h2>\
         <form id=\"upload-form\" method=\"post\" action=\"/api/v1/packages\" enctype=\"multipart/form-data\" \
         data-csrf=\"{csrf}\" data-tenant=\"{tenant}\" data-query=\"{tq}\">\
         <label for=\"package-file\">{field}</label>\
         <input id=\"package-file\" name=\"package\" type=\"file\" accept=\".zip,application/zip\" required>\
         <p class=\"hint\">{hint}</p><button type=\"submit\" id=\"upload-button\">{button}</button></form>\
         <noscript><p class=\"notice error\">{noscript}</p></noscript>\
         <progress id=\"upload-progress\" max=\"100\" value=\"0\" hidden aria-labelledby=\"upload-status\"></progress>\
         <div id=\"upload-status\" role=\"status\" aria-live=\"polite\"></div></section>",
        title = e("upload-title"),
        csrf = escape_html(ctx.csrf.as_deref().unwrap_or_default()),
        tenant = escape_html(who.tenant.name.as_str()),
        tq = escape_html(tq),
        field = e("upload-field"),
        hint = e("upload-hint"),
        button = e("upload-button"),
        noscript = e("upload-noscript"),
    )
}

/// `GET /courses/{id}`: one package, its versions and its structure.
pub async fn course(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<PageQuery>,
) -> Result<Response, ApiError> {
    let ctx = page_ctx(&state, &headers).await;
    let who = caller(&state, &headers, q.tenant.as_deref())
        .await
        .map_err(|e| refused(&ctx, &e, "courses-title", "/courses"))?;
    let notice = if q.done.as_deref() == Some("assigned") {
        super::course_assign::Notice::Assigned
    } else {
        super::course_assign::Notice::None
    };
    let html = course_page(&state, &ctx, &who, (&id, &q), notice).await?;
    Ok(with_player(html_ok(html), &state))
}

/// The course page after its Assign form was refused: the page again (400), the
/// refusal above the form, so the admin corrects it where they typed it.
pub(super) async fn assign_refused(
    state: &AppState,
    ctx: &PageCtx,
    who: &Admin,
    (id, tenant): (&str, Option<&str>),
    why: String,
) -> Result<Response, ApiError> {
    let q = PageQuery {
        tenant: tenant.map(str::to_owned),
        ..PageQuery::default()
    };
    let html = course_page(state, ctx, who, (id, &q), super::course_assign::Notice::Refused(why)).await?;
    let resp = ApiError::WebPage(WebRefusal::BadForm, html).into_response();
    Ok(with_player(resp, state))
}

/// The page may open the player (preview, launch link) on the content origin.
fn with_player(mut resp: Response, state: &AppState) -> Response {
    super::course_preview::allow_player(&mut resp, &state.config.content_url);
    resp
}

/// The whole course page: the version `q` names (the newest when absent), its structure,
/// preview, launch link, assignments (with `notice` above their form) and deletion.
async fn course_page(
    state: &AppState,
    ctx: &PageCtx,
    who: &Admin,
    (id, q): (&str, &PageQuery),
    notice: super::course_assign::Notice,
) -> Result<String, ApiError> {
    let tenant = who.tenant.id;
    let versions = state.store.package_versions(tenant, id).await?;
    let shown = match q.version {
        Some(n) => versions.iter().find(|v| v.version == n),
        None => versions.last(),
    };
    let Some(shown) = shown else {
        return Err(refused(
            ctx,
            &ApiError::from(crate::lrs::LrsError::NotFound(id.to_owned())),
            "courses-title",
            "/courses",
        ));
    };
    let course: Option<Course> = state
        .store
        .package_course(tenant, id, shown.version)
        .await?
        .and_then(|json| serde_json::from_str(&json).ok());
    let end_client = who.end_client.as_deref();
    let counts = state.store.report_versions(tenant, id, end_client).await?;
    let (used, real) = registrations_per_version(&counts);
    let mut main = detail_html(ctx, q, (&versions, shown), course.as_ref(), &real);
    main.push_str(&super::course_preview::form(
        ctx,
        q.tenant.as_deref(),
        &versions,
        shown.version,
    ));
    main.push_str(&launch_form(ctx, who.tenant.name.as_str(), &shown.package_id));
    let tq = tenant_query(q.tenant.as_deref());
    main.push_str(&super::course_assign::section(state, ctx, who, (&shown.package_id, &tq), &notice).await?);
    // Deleting concerns the whole tenant: not an end-client admin's (whose counts above
    // hold their own end client's registrations only).
    if who.end_client.is_none() {
        main.push_str(&super::course_delete::section(
            ctx,
            q.tenant.as_deref(),
            &versions,
            &used,
        ));
    }
    Ok(page(
        ctx,
        "courses-title",
        &format!("/courses/{}", crate::http::content::encode_path(id)),
        &main,
    ))
}

/// The registrations on each version: all of them (what deleting a version takes with
/// it) and those of real learners (what the page shows: an author's previews count
/// nowhere, as in the reports).
fn registrations_per_version(counts: &[VersionCount]) -> (BTreeMap<u32, usize>, BTreeMap<u32, usize>) {
    let (mut all, mut real) = (BTreeMap::new(), BTreeMap::new());
    for c in counts {
        let n = usize::try_from(c.registrations).unwrap_or(usize::MAX);
        *all.entry(c.version).or_default() += n;
        if !c.preview {
            *real.entry(c.version).or_default() += n;
        }
    }
    (all, real)
}

fn detail_html(
    ctx: &PageCtx,
    q: &PageQuery,
    (versions, shown): (&[PackageVersion], &PackageVersion),
    course: Option<&Course>,
    used: &BTreeMap<u32, usize>,
) -> String {
    let l = ctx.lang;
    let e = |id: &str| escape_html(&t(l, id));
    let id = crate::http::content::encode_path(&shown.package_id);
    let tq = tenant_query(q.tenant.as_deref());
    let amp = if tq.is_empty() { "?" } else { "&" };
    let rows: String = versions
        .iter()
        .rev()
        .map(|v| {
            let current = if v.version == shown.version { " aria-current=\"true\"" } else { "" };
            format!(
                "<tr{current}><th scope=\"row\"><a href=\"/courses/{id}{tq}{amp}version={n}\">{n}</a></th><td>{kind}</td>\
                 <td>{size}</td><td>{files}</td><td>{at}</td><td>{uses}</td></tr>",
                n = v.version,
                kind = escape_html(&kind_label(l, v)),
                size = escape_html(&format_bytes(l, v.total_bytes)),
                files = escape_html(&format_number(l, i64::try_from(v.file_count).unwrap_or(i64::MAX))),
                at = escape_html(&format_date_time(l, v.created_ms)),
                uses = used.get(&v.version).copied().unwrap_or(0),
            )
        })
        .collect();
    let tree = course.map_or_else(String::new, |c| structure_html(l, c));
    format!(
        "<p><a href=\"/courses{tq}\">{back}</a></p><h1>{title}</h1>\
         <dl class=\"facts\"><dt>{kind_h}</dt><dd>{kind}</dd><dt>{ident_h}</dt><dd><code>{ident}</code></dd>\
         <dt>{pkg_h}</dt><dd><code>{pkg}</code></dd></dl>\
         <h2 id=\"versions-h\">{versions_h}</h2><div class=\"table-wrap\"><table id=\"versions\" aria-labelledby=\"versions-h\">\
         <thead><tr><th scope=\"col\">{c_version}</th><th scope=\"col\">{c_kind}</th><th scope=\"col\">{c_size}</th>\
         <th scope=\"col\">{c_files}</th><th scope=\"col\">{c_uploaded}</th><th scope=\"col\">{c_regs}</th></tr></thead>\
         <tbody>{rows}</tbody></table></div>\
         <h2 id=\"structure-h\">{structure_h}</h2><p class=\"hint\">{structure_of}</p>{tree}",
        back = e("courses-back"),
        title = escape_html(course.map_or(shown.title.as_str(), |c| c.title_in(l.code()))),
        kind_h = e("col-kind"),
        kind = escape_html(&kind_label(l, shown)),
        ident_h = e("course-identifier"),
        ident = escape_html(&shown.identifier),
        pkg_h = e("course-package-id"),
        pkg = escape_html(&shown.package_id),
        versions_h = e("course-versions"),
        c_version = e("col-version"),
        c_kind = e("col-kind"),
        c_size = e("col-size"),
        c_files = e("col-files"),
        c_uploaded = e("col-uploaded"),
        c_regs = e("col-registrations"),
        structure_h = e("course-structure"),
        structure_of = escape_html(&t_args(
            l,
            "course-structure-of",
            &[("version", Arg::Num(i64::from(shown.version)))]
        )),
    )
}

/// The form that opens the course in the player for a learner (created on first use,
/// registered on the newest version), as an LMS launch does; `courses.js` sends it.
fn launch_form(ctx: &PageCtx, tenant: &str, package: &str) -> String {
    let l = ctx.lang;
    let e = |id: &str| escape_html(&t(l, id));
    format!(
        "<section aria-labelledby=\"launch-h\"><h2 id=\"launch-h\">{title}</h2><p class=\"hint\">{hint}</p>\
         <form id=\"launch-form\" data-csrf=\"{csrf}\" data-tenant=\"{tenant}\" data-package=\"{package}\">\
         <label for=\"launch-learner\">{id_l}</label><input id=\"launch-learner\" type=\"text\" required maxlength=\"255\">\
         <label for=\"launch-name\">{name_l}</label><input id=\"launch-name\" type=\"text\" required maxlength=\"255\">\
         <div><button type=\"submit\" id=\"launch-button\">{button}</button></div></form>\
         <div id=\"launch-status\" role=\"status\" aria-live=\"polite\"></div></section>\
         <script type=\"application/json\" id=\"courses-i18n\">{messages}</script><script src=\"/courses.js\"></script>",
        title = e("launch-title"),
        hint = e("launch-hint"),
        csrf = escape_html(ctx.csrf.as_deref().unwrap_or_default()),
        tenant = escape_html(tenant),
        package = escape_html(package),
        id_l = e("launch-learner"),
        name_l = e("launch-name"),
        button = e("launch-button"),
        messages = tenant::script_messages(l, "js-upload-"),
    )
}

/// The course's structure as nested lists: a SCORM course's default organization, a cmi5
/// course's blocks and AUs (titled in the reader's language where the course has it), an
/// xAPI course's launchable units.
fn structure_html(l: i18n::Lang, c: &Course) -> String {
    match &c.structure {
        Structure::Cmi5(s) => format!(
            "<ul class=\"tree\" id=\"structure\"><li>{}{}</li></ul>",
            escape_html(c.title_in(l.code())),
            cmi5_html(l, &s.children)
        ),
        Structure::Scorm(s) => s.default_organization().map_or_else(String::new, |org| {
            format!(
                "<ul class=\"tree\" id=\"structure\"><li>{}{}</li></ul>",
                escape_html(&org.title),
                items_html(l, &org.items)
            )
        }),
        _ => {
            let items: String = c
                .launchables()
                .iter()
                .map(|u| {
                    format!(
                        "<li>{} <span class=\"hint\">({})</span></li>",
                        escape_html(&u.title),
                        escape_html(&t(l, "course-unit"))
                    )
                })
                .collect();
            format!("<ul class=\"tree\" id=\"structure\">{items}</ul>")
        }
    }
}

fn cmi5_html(l: i18n::Lang, nodes: &[Cmi5Node]) -> String {
    let hint = |key: &str| format!(" <span class=\"hint\">({})</span>", escape_html(&t(l, key)));
    let inner: String = nodes
        .iter()
        .map(|n| match n {
            Cmi5Node::Au(au) => format!(
                "<li>{}{}</li>",
                escape_html(in_language(&au.titles, l.code(), &au.title)),
                hint("course-unit")
            ),
            Cmi5Node::Block(b) => format!(
                "<li>{}{}{}</li>",
                escape_html(in_language(&b.titles, l.code(), &b.title)),
                hint("course-block"),
                cmi5_html(l, &b.children)
            ),
        })
        .collect();
    format!("<ul>{inner}</ul>")
}

fn items_html(l: i18n::Lang, items: &[Item]) -> String {
    if items.is_empty() {
        return String::new();
    }
    let inner: String = items
        .iter()
        .map(|i| {
            let sco = if i.launch.is_some() {
                format!(
                    " <span class=\"hint\">({})</span>",
                    escape_html(&t(l, "course-launchable"))
                )
            } else {
                String::new()
            };
            format!("<li>{}{sco}{}</li>", escape_html(&i.title), items_html(l, &i.items))
        })
        .collect();
    format!("<ul>{inner}</ul>")
}

/// `GET /courses.js`: the library page's script.
pub async fn script() -> Response {
    tenant::script(COURSES_JS)
}
