//! One learner's page (`GET /learners/{id}`): details, the edit form (`POST
//! /learners/{id}`), the learner's registrations, and deletion after a confirmation
//! (`POST /learners/{id}/delete`; with registrations it is the forced deletion: they and
//! their records go too and the learner's open sessions end). The learners page's form
//! creates one (`POST /learners`). Plain forms, no script; the same calls as the admin
//! API (`api::learners::{create_for, put_for, delete_for}`), so the same rules and audit
//! entries. An end-client admin sees and writes their own end client's learners only.

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::tenant::{AdminForm, caller, refused, tenant_query, with_query};
use super::{PageCtx, field, html_ok, page, page_ctx};
use crate::account::EndClient;
use crate::http::api::Admin;
use crate::http::api::end_clients::visible_to;
use crate::http::api::learners::{create_for, delete_for, put_for};
use crate::http::client::ClientAddr;
use crate::http::content::encode_path;
use crate::http::error::{ApiError, WebRefusal};
use crate::http::extract::Path;
use crate::i18n::{Arg, escape_html, format_date_time, t, t_args};
use crate::learner::{Learner, LearnerFields, Registration};
use crate::server::AppState;

#[derive(Debug, Default, Deserialize)]
pub struct PageQuery {
    /// The tenant an operator or reseller admin looks at.
    pub(super) tenant: Option<String>,
    /// Set after the learner was created or saved.
    saved: Option<String>,
}

/// The page's address for learner `id`, with the tenant query.
pub(super) fn address(id: &str, tenant: Option<&str>) -> String {
    format!("/learners/{}{}", encode_path(id), tenant_query(tenant))
}

fn with_saved(address: &str) -> String {
    with_query(address, "saved=1")
}

/// The page a caller who may not see the learner is refused as.
pub(super) const LEARNER: (&str, &str) = ("learner-title", "/learners");

pub(super) async fn who(
    state: &AppState,
    headers: &HeaderMap,
    ctx: &PageCtx,
    tenant: Option<&str>,
) -> Result<Admin, ApiError> {
    caller(state, headers, tenant)
        .await
        .map_err(|e| refused(ctx, &e, LEARNER.0, LEARNER.1))
}

/// `GET /learners/{id}`.
pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<PageQuery>,
) -> Result<Response, ApiError> {
    let ctx = page_ctx(&state, &headers).await;
    let who = who(&state, &headers, &ctx, q.tenant.as_deref()).await?;
    let notice = q
        .saved
        .is_some()
        .then(|| notice("info", "learner-saved-notice", &t(ctx.lang, "learner-saved")));
    let main = render(&state, &ctx, &who, &id, q.tenant.as_deref(), notice.as_deref()).await?;
    // The language switch comes back to this page.
    let back = address(&id, q.tenant.as_deref());
    Ok(html_ok(page(&ctx, "learner-title", &back, &main)))
}

pub(super) fn notice(class: &str, html_id: &str, text: &str) -> String {
    let role = if class == "error" { "alert" } else { "status" };
    format!(
        "<p class=\"notice {class}\" role=\"{role}\" id=\"{html_id}\">{}</p>",
        escape_html(text)
    )
}

/// The learner's page, or the not-found page when the caller does not see them.
pub(super) async fn render(
    state: &AppState,
    ctx: &PageCtx,
    who: &Admin,
    id: &str,
    tenant: Option<&str>,
    notice: Option<&str>,
) -> Result<String, ApiError> {
    let learner = who
        .learner(state, id)
        .await
        .map_err(|e| refused(ctx, &e, LEARNER.0, LEARNER.1))?;
    let regs = state
        .store
        .list_registrations(who.tenant.id, Some(id), None, who.end_client.as_deref())
        .await?;
    let titles = state.store.list_packages(who.tenant.id).await?;
    let title_of = |pkg: &str| {
        titles
            .iter()
            .find(|p| p.package_id == pkg)
            .map_or_else(|| pkg.to_owned(), |p| p.title.clone())
    };
    let end_clients = visible_to(state, who).await?;
    let login = state.store.learner_login(who.tenant.id, id).await?;
    let portal_url = format!(
        "{}/learn/{}/",
        state.config.public_url,
        encode_path(who.tenant.name.as_str())
    );
    let signin = super::learner_signin::section(ctx, id, tenant, &portal_url, login.as_ref(), crate::clock::now_ms());
    let l = ctx.lang;
    let e = |k: &str| escape_html(&t(l, k));
    let rows: String = regs
        .iter()
        .map(|r| registration_row(ctx, r, &title_of(&r.package_id)))
        .collect();
    let regs_html = if regs.is_empty() {
        format!("<p id=\"no-registrations\">{}</p>", e("learner-no-registrations"))
    } else {
        format!(
            "<div class=\"table-wrap\"><table id=\"registrations\" aria-labelledby=\"regs-h\"><thead><tr>\
             <th scope=\"col\">{c_course}</th><th scope=\"col\">{c_version}</th><th scope=\"col\">{c_created}</th>\
             <th scope=\"col\">{c_id}</th></tr></thead><tbody>{rows}</tbody></table></div>",
            c_course = e("col-course"),
            c_version = e("col-version"),
            c_created = e("col-created"),
            c_id = e("col-registration"),
        )
    };
    Ok(format!(
        "<h1>{title}</h1>\n<p class=\"hint\">{tenant_line}</p>\n{notice}\n\
         <p><a href=\"/learners{tq}\">{back}</a></p>\
         <dl class=\"facts\"><dt>{c_id}</dt><dd><code id=\"learner-id\">{id}</code></dd>\
         <dt>{c_created}</dt><dd>{created}</dd><dt>{c_updated}</dt><dd>{updated}</dd></dl>\
         <section aria-labelledby=\"edit-h\"><h2 id=\"edit-h\">{edit_h}</h2>{edit}</section>\
         <section aria-labelledby=\"regs-h\"><h2 id=\"regs-h\">{regs_h}</h2>{regs_html}</section>{signin}\
         <section aria-labelledby=\"delete-h\"><h2 id=\"delete-h\">{delete_h}</h2>{delete}</section>",
        title = escape_html(&t_args(
            l,
            "learner-heading",
            &[("name", Arg::from(learner.name.as_str()))]
        )),
        tenant_line = escape_html(&t_args(
            l,
            "courses-tenant",
            &[("tenant", Arg::from(who.tenant.name.as_str()))]
        )),
        notice = notice.unwrap_or_default(),
        tq = escape_html(&tenant_query(tenant)),
        back = e("learner-back"),
        c_id = e("col-id"),
        id = escape_html(&learner.id),
        c_created = e("col-created"),
        created = escape_html(&format_date_time(l, learner.created_ms)),
        c_updated = e("col-updated"),
        updated = escape_html(&format_date_time(l, learner.updated_ms)),
        edit_h = e("learner-edit"),
        edit = fields_form(ctx, who, &end_clients, Some(&learner), &address(id, tenant)),
        regs_h = e("learner-registrations"),
        delete_h = e("learner-delete"),
        delete = delete_form(ctx, &learner, regs.len(), tenant),
    ))
}

fn registration_row(ctx: &PageCtx, r: &Registration, title: &str) -> String {
    format!(
        "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td><td><code>{}</code></td></tr>",
        escape_html(title),
        r.version,
        escape_html(&format_date_time(ctx.lang, r.created_ms)),
        escape_html(&r.id),
    )
}

/// The create (no `learner`) or edit form, posting to `action`.
pub fn fields_form(
    ctx: &PageCtx,
    who: &Admin,
    end_clients: &[EndClient],
    learner: Option<&Learner>,
    action: &str,
) -> String {
    let l = ctx.lang;
    let e = |k: &str| escape_html(&t(l, k));
    let value = |v: Option<&str>| escape_html(v.unwrap_or_default());
    let id_field = match learner {
        Some(_) => String::new(),
        None => format!(
            "<label for=\"learner-new-id\">{id_l}</label>\
             <input id=\"learner-new-id\" name=\"id\" type=\"text\" required maxlength=\"255\" autocomplete=\"off\">\
             <p class=\"hint\">{id_h}</p>",
            id_l = e("col-id"),
            id_h = e("learner-id-hint"),
        ),
    };
    // An end-client admin's learners are in their end client: nothing to choose.
    let end_client = match &who.end_client {
        Some(_) => String::new(),
        None => {
            let current = learner.and_then(|x| x.end_client.as_deref());
            let options: String = end_clients
                .iter()
                .map(|c| {
                    let selected = if Some(c.id.as_str()) == current {
                        " selected"
                    } else {
                        ""
                    };
                    format!(
                        "<option value=\"{v}\"{selected}>{name} ({v})</option>",
                        v = escape_html(&c.id),
                        name = escape_html(&c.name)
                    )
                })
                .collect();
            format!(
                "<label for=\"learner-end-client\">{label}</label><select id=\"learner-end-client\" name=\"endClient\">\
                 <option value=\"\">{none}</option>{options}</select>",
                label = e("col-end-client"),
                none = e("learner-no-end-client"),
            )
        }
    };
    let (form_id, button_id, button) = match learner {
        Some(_) => ("learner-form", "learner-save", e("learner-save")),
        None => ("learner-create-form", "learner-create", e("learner-create")),
    };
    format!(
        "<form id=\"{form_id}\" method=\"post\" action=\"{action}\">\
         <input type=\"hidden\" name=\"csrf\" value=\"{csrf}\">{id_field}\
         <label for=\"{form_id}-name\">{name_l}</label>\
         <input id=\"{form_id}-name\" name=\"name\" type=\"text\" required maxlength=\"255\" value=\"{name}\">\
         <label for=\"{form_id}-email\">{email_l}</label>\
         <input id=\"{form_id}-email\" name=\"email\" type=\"email\" maxlength=\"320\" value=\"{email}\">{end_client}\
         <div><button type=\"submit\" id=\"{button_id}\">{button}</button></div></form>",
        action = escape_html(action),
        csrf = escape_html(ctx.csrf.as_deref().unwrap_or_default()),
        name_l = e("col-name"),
        name = value(learner.map(|x| x.name.as_str())),
        email_l = e("col-email"),
        email = value(learner.and_then(|x| x.email.as_deref())),
    )
}

fn delete_form(ctx: &PageCtx, learner: &Learner, registrations: usize, tenant: Option<&str>) -> String {
    let l = ctx.lang;
    let e = |k: &str| escape_html(&t(l, k));
    let n = i64::try_from(registrations).unwrap_or(i64::MAX);
    let (warning, force) = if registrations == 0 {
        (e("learner-delete-plain"), "")
    } else {
        let text = t_args(l, "learner-delete-forced", &[("n", Arg::from(n))]);
        (
            escape_html(&text),
            "<input type=\"hidden\" name=\"force\" value=\"on\">",
        )
    };
    format!(
        "<p class=\"notice warning\" id=\"delete-warning\">{warning}</p>\
         <form id=\"learner-delete-form\" method=\"post\" action=\"{action}\">\
         <input type=\"hidden\" name=\"csrf\" value=\"{csrf}\">{force}\
         <p><input type=\"checkbox\" id=\"learner-confirm\" name=\"confirm\" value=\"on\" required> \
         <label for=\"learner-confirm\" class=\"inline\">{confirm}</label></p>\
         <div><button type=\"submit\" class=\"danger\" id=\"learner-delete\">{button}</button></div></form>",
        action = escape_html(&format!(
            "/learners/{}/delete{}",
            encode_path(&learner.id),
            tenant_query(tenant)
        )),
        csrf = escape_html(ctx.csrf.as_deref().unwrap_or_default()),
        confirm = escape_html(&t_args(
            l,
            "learner-delete-confirm",
            &[("id", Arg::from(learner.id.as_str()))]
        )),
        button = e("learner-delete-button"),
    )
}

/// The form's fields as the API's.
fn learner_fields(fields: &[(String, String)]) -> LearnerFields {
    let text = |name: &str| {
        field(fields, name)
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    LearnerFields {
        name: text("name").unwrap_or_default(),
        email: text("email"),
        end_client: text("endClient"),
    }
}

/// Why a form was refused, in the reader's language: the field the domain's own checks
/// refuse (`form`: the learner id and fields sent), a conflict, an end client that is not
/// there; the API's own words (English) follow for anything else.
fn why(ctx: &PageCtx, e: &ApiError, conflict_id: &str, form: Option<(&str, &LearnerFields)>) -> String {
    let l = ctx.lang;
    if let Some((id, f)) = form {
        if crate::learner::check_id(id).is_err() {
            return t(l, "form-bad-learner-id");
        }
        if crate::learner::check_name(&f.name).is_err() {
            return t(l, "form-bad-name");
        }
        if f.email
            .as_deref()
            .is_some_and(|e| crate::learner::check_email(e).is_err())
        {
            return t(l, "form-bad-email");
        }
        // An id no end client can have names none there.
        if let Some(ec) = f
            .end_client
            .as_deref()
            .filter(|ec| crate::account::check_end_client_id(ec).is_err())
        {
            return t_args(l, "form-unknown-end-client", &[("id", Arg::from(ec))]);
        }
    }
    match (e.status().as_u16(), form.and_then(|(_, f)| f.end_client.as_deref())) {
        (409, _) => t(l, conflict_id),
        (403, _) => t(l, "tenant-page-forbidden"),
        (404, Some(ec)) => t_args(l, "form-unknown-end-client", &[("id", Arg::from(ec))]),
        _ => t_args(l, "learner-invalid", &[("detail", Arg::from(e.to_string()))]),
    }
}

/// `POST /learners` (the learners page's form): creates the learner, then their page.
pub async fn create(
    State(state): State<AppState>,
    from: ClientAddr,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let AdminForm { ctx, fields, who } = AdminForm::read(&state, &headers, q.tenant.as_deref(), &body, LEARNER).await?;
    let id = field(&fields, "id").map(str::trim).unwrap_or_default().to_owned();
    let sent = learner_fields(&fields);
    match create_for(&state, &who, &from, &id, sent.clone()).await {
        Ok(l) => Ok(Redirect::to(&with_saved(&address(&l.id, q.tenant.as_deref()))).into_response()),
        Err(e) if e.status().is_client_error() => {
            let text = why(&ctx, &e, "learner-exists", Some((&id, &sent)));
            Err(super::learners::refused_form(&state, &ctx, &who, q.tenant.as_deref(), &text).await)
        }
        Err(e) => Err(e),
    }
}

/// `POST /learners/{id}`: saves the edit form, then the page again.
pub async fn save(
    State(state): State<AppState>,
    from: ClientAddr,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<PageQuery>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let AdminForm { ctx, fields, who } = AdminForm::read(&state, &headers, q.tenant.as_deref(), &body, LEARNER).await?;
    // Only an existing learner is edited here (the API's PUT also creates).
    who.learner(&state, &id)
        .await
        .map_err(|e| refused(&ctx, &e, LEARNER.0, LEARNER.1))?;
    let sent = learner_fields(&fields);
    match put_for(&state, &who, &from, &id, sent.clone()).await {
        Ok(_) => Ok(Redirect::to(&with_saved(&address(&id, q.tenant.as_deref()))).into_response()),
        Err(e) if e.status().is_client_error() => Err(form_refused(
            &state,
            &ctx,
            &who,
            &id,
            q.tenant.as_deref(),
            &why(&ctx, &e, "learner-exists", Some((&id, &sent))),
        )
        .await),
        Err(e) => Err(e),
    }
}

/// `POST /learners/{id}/delete`: deletes after the confirmation (forced when the form
/// says so), then the learners page.
pub async fn delete(
    State(state): State<AppState>,
    from: ClientAddr,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<PageQuery>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let AdminForm { ctx, fields, who } = AdminForm::read(&state, &headers, q.tenant.as_deref(), &body, LEARNER).await?;
    let tenant = q.tenant.as_deref();
    if field(&fields, "confirm") != Some("on") {
        return Err(form_refused(&state, &ctx, &who, &id, tenant, &t(ctx.lang, "learner-confirm-needed")).await);
    }
    let force = field(&fields, "force") == Some("on");
    match delete_for(&state, &who, &from, &id, force).await {
        Ok(()) => {
            let back = format!("/learners{}", tenant_query(tenant));
            Ok(Redirect::to(&with_query(&back, &format!("deleted={}", encode_path(&id)))).into_response())
        }
        Err(e) if e.status().as_u16() == 404 => Err(refused(&ctx, &e, LEARNER.0, LEARNER.1)),
        Err(e) if e.status().is_client_error() => Err(form_refused(
            &state,
            &ctx,
            &who,
            &id,
            tenant,
            &why(&ctx, &e, "learner-has-registrations", None),
        )
        .await),
        Err(e) => Err(e),
    }
}

/// The learner's page again with why the form was refused (400, or 409 for a conflict).
async fn form_refused(
    state: &AppState,
    ctx: &PageCtx,
    who: &Admin,
    id: &str,
    tenant: Option<&str>,
    text: &str,
) -> ApiError {
    let notice = notice("error", "learner-error", text);
    match render(state, ctx, who, id, tenant, Some(&notice)).await {
        Ok(main) => ApiError::WebPage(
            WebRefusal::BadForm,
            page(ctx, "learner-title", &address(id, tenant), &main),
        ),
        Err(e) => e,
    }
}
