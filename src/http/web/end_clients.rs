//! A tenant's end clients page (`GET /end-clients`; `POST /end-clients` from its form,
//! no script): the end-client organisations the caller sees, and for a tenant-wide
//! admin a form that creates one (the same call as the API's).

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::tenant::{caller, refused, tenant_query};
use super::{PageCtx, check_form, field, form_fields, html_ok, page, page_ctx};
use crate::account::EndClient;
use crate::http::api::Admin;
use crate::http::api::end_clients::{create_for, visible_to};
use crate::http::client::ClientAddr;
use crate::http::error::{ApiError, WebRefusal};
use crate::i18n::{Arg, escape_html, format_date_time, t, t_args};
use crate::server::AppState;

#[derive(Debug, Default, Deserialize)]
pub struct PageQuery {
    tenant: Option<String>,
    /// Set after an end client was created.
    created: Option<String>,
}

/// `GET /end-clients`.
pub async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
) -> Result<Response, ApiError> {
    let ctx = page_ctx(&state, &headers).await;
    let who = caller(&state, &headers, q.tenant.as_deref())
        .await
        .map_err(|e| refused(&ctx, &e, "end-clients-title", "/end-clients"))?;
    let all = visible_to(&state, &who).await?;
    let notice = q
        .created
        .as_deref()
        .map(|id| {
            let text = t_args(ctx.lang, "end-clients-created", &[("id", Arg::from(id))]);
            format!(
                "<p class=\"notice info\" role=\"status\" id=\"end-client-created\">{}</p>",
                escape_html(&text)
            )
        })
        .unwrap_or_default();
    let main = render(&ctx, &who, q.tenant.as_deref(), &all, &notice);
    Ok(html_ok(page(&ctx, "end-clients-title", "/end-clients", &main)))
}

fn render(ctx: &PageCtx, who: &Admin, tenant: Option<&str>, all: &[EndClient], notice: &str) -> String {
    let l = ctx.lang;
    let e = |id: &str| escape_html(&t(l, id));
    let rows: String = all
        .iter()
        .map(|c| {
            format!(
                "<tr><th scope=\"row\"><code>{}</code></th><td>{}</td><td>{}</td></tr>",
                escape_html(&c.id),
                escape_html(&c.name),
                escape_html(&format_date_time(l, c.created_ms))
            )
        })
        .collect();
    let form = if who.end_client.is_some() {
        String::new()
    } else {
        format!(
            "<section aria-labelledby=\"create-h\"><h2 id=\"create-h\">{title}</h2>\
             <form id=\"end-client-form\" method=\"post\" action=\"/end-clients{tq}\">\
             <input type=\"hidden\" name=\"csrf\" value=\"{csrf}\">\
             <label for=\"ec-id\">{id_l}</label><input id=\"ec-id\" name=\"id\" type=\"text\" required maxlength=\"64\">\
             <p class=\"hint\">{id_h}</p>\
             <label for=\"ec-name\">{name_l}</label><input id=\"ec-name\" name=\"name\" type=\"text\" required maxlength=\"255\">\
             <div><button type=\"submit\" id=\"end-client-create\">{button}</button></div></form></section>",
            title = e("end-clients-create"),
            tq = escape_html(&tenant_query(tenant)),
            csrf = escape_html(ctx.csrf.as_deref().unwrap_or_default()),
            id_l = e("end-clients-id"),
            id_h = e("end-clients-id-hint"),
            name_l = e("end-clients-name"),
            button = e("end-clients-create-button"),
        )
    };
    let table = if all.is_empty() {
        format!(
            "<p class=\"hint\" id=\"end-clients-empty\">{}</p>",
            e("end-clients-empty")
        )
    } else {
        format!(
            "<div class=\"table-wrap\"><table id=\"end-clients\"><thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th>\
             <th scope=\"col\">{}</th></tr></thead><tbody>{rows}</tbody></table></div>",
            e("col-id"),
            e("col-name"),
            e("col-created"),
        )
    };
    format!(
        "<h1>{title}</h1><p class=\"hint\">{tenant_line}</p>{notice}{form}<h2>{list}</h2>{table}",
        title = e("end-clients-title"),
        tenant_line = escape_html(&t_args(
            l,
            "courses-tenant",
            &[("tenant", Arg::from(who.tenant.name.as_str()))]
        )),
        list = e("end-clients-list"),
    )
}

/// Why the form was refused, in the reader's language: the field the domain's own checks
/// refuse, an id already taken; the API's own words (English) follow for anything else.
fn why(l: crate::i18n::Lang, e: &ApiError, (id, name): (&str, &str)) -> String {
    if crate::account::check_end_client_id(id).is_err() {
        return t(l, "form-bad-end-client-id");
    }
    if crate::learner::check_name(name).is_err() {
        return t(l, "form-bad-name");
    }
    if e.status().as_u16() == 409 {
        return t_args(l, "end-clients-exists", &[("id", Arg::from(id))]);
    }
    t_args(l, "end-clients-invalid", &[("detail", Arg::from(e.to_string()))])
}

/// `POST /end-clients`: creates the end client, then back to the list (303).
pub async fn create(
    State(state): State<AppState>,
    from: ClientAddr,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let ctx = page_ctx(&state, &headers).await;
    let fields = form_fields(&body);
    check_form(&ctx, &headers, &fields)?;
    let refuse = |e: ApiError| refused(&ctx, &e, "end-clients-title", "/end-clients");
    let who = caller(&state, &headers, q.tenant.as_deref()).await.map_err(refuse)?;
    let (id, name) = (
        field(&fields, "id").unwrap_or_default(),
        field(&fields, "name").unwrap_or_default(),
    );
    match create_for(&state, &who, &from, id, name).await {
        Ok(c) => {
            let tq = tenant_query(q.tenant.as_deref());
            let sep = if tq.is_empty() { "?" } else { "&" };
            let id = crate::http::content::encode_path(&c.id);
            Ok(Redirect::to(&format!("/end-clients{tq}{sep}created={id}")).into_response())
        }
        Err(e) if e.status().is_client_error() && e.status().as_u16() != 403 => {
            let all = visible_to(&state, &who).await?;
            let notice = format!(
                "<p class=\"notice error\" role=\"alert\" id=\"end-client-error\">{}</p>",
                escape_html(&why(ctx.lang, &e, (id, name)))
            );
            let main = render(&ctx, &who, q.tenant.as_deref(), &all, &notice);
            Err(ApiError::WebPage(
                WebRefusal::BadForm,
                page(&ctx, "end-clients-title", "/end-clients", &main),
            ))
        }
        Err(e) => Err(refuse(e)),
    }
}
