//! The notices page (`GET /notices`): the notices addressed to the reader's tenant
//! (an operator or reseller admin names it with `?tenant=`), newest first — maintenance
//! with its window, incidents with their timeline and status, general notices. A notice
//! takes effect when posted (the terms of service), so the page shows when each was.

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;

use super::tenant::{caller, refused};
use super::{html_ok, page, page_ctx};
use crate::http::error::ApiError;
use crate::i18n::{Arg, Lang, escape_html, format_date_time, t, t_args};
use crate::notice::{Notice, NoticeKind, usecase};
use crate::server::AppState;

#[derive(Debug, Default, Deserialize)]
pub struct NoticesQuery {
    tenant: Option<String>,
}

/// `GET /notices`.
pub async fn notices(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<NoticesQuery>,
) -> Result<Response, ApiError> {
    let ctx = page_ctx(&state, &headers).await;
    let refuse = |e: ApiError| refused(&ctx, &e, "notices-title", "/notices");
    let who = caller(&state, &headers, q.tenant.as_deref()).await.map_err(refuse)?;
    let list = usecase::for_tenant(&*state.store, &who.tenant).await?;
    let l = ctx.lang;
    let tenant = t_args(l, "courses-tenant", &[("tenant", Arg::from(who.tenant.name.as_str()))]);
    let items: String = list.iter().map(|n| item(l, n)).collect();
    let body = if list.is_empty() {
        format!(
            "<p id=\"notices-empty\" class=\"hint\">{}</p>",
            escape_html(&t(l, "notices-empty"))
        )
    } else {
        format!("<ol id=\"notices\" class=\"notices\">{items}</ol>")
    };
    let main = format!(
        "<h1>{}</h1><p class=\"hint\">{}</p><p class=\"hint\">{}</p>{body}",
        escape_html(&t(l, "notices-title")),
        escape_html(&tenant),
        escape_html(&t(l, "notices-intro")),
    );
    Ok(html_ok(page(&ctx, "notices-title", "/notices", &main)))
}

fn kind_id(kind: NoticeKind) -> &'static str {
    match kind {
        NoticeKind::Maintenance => "notices-kind-maintenance",
        NoticeKind::Incident => "notices-kind-incident",
        NoticeKind::General => "notices-kind-general",
    }
}

/// One notice; its text as written, line breaks kept (`white-space: pre-wrap`).
fn item(l: Lang, n: &Notice) -> String {
    let at = |ms: i64| Arg::from(format_date_time(l, ms));
    let line = |id: &str, args: &[(&str, Arg)]| escape_html(&t_args(l, id, args));
    let mut facts = vec![line("notices-posted", &[("at", at(n.posted_ms))])];
    if let Some(w) = n.window {
        facts.push(line(
            "notices-window",
            &[("start", at(w.start_ms)), ("end", at(w.end_ms))],
        ));
    }
    if n.kind == NoticeKind::Incident {
        facts.push(match n.resolved_ms {
            Some(r) => line("notices-resolved", &[("at", at(r))]),
            None => escape_html(&t(l, "notices-open")),
        });
    }
    let updates: String = n
        .updates
        .iter()
        .map(|u| {
            format!(
                "<li><time>{}</time><p class=\"text\">{}</p></li>",
                escape_html(&format_date_time(l, u.at_ms)),
                escape_html(&u.body)
            )
        })
        .collect();
    let timeline = if updates.is_empty() {
        String::new()
    } else {
        format!(
            "<h3>{}</h3><ol class=\"timeline\">{updates}</ol>",
            escape_html(&t(l, "notices-updates"))
        )
    };
    format!(
        "<li class=\"notice-item {kind}\" data-id=\"{id}\"><h2><span class=\"kind\">{label}</span> {title}</h2>\
         <p class=\"hint\">{facts}</p><p class=\"text\">{body}</p>{timeline}</li>",
        kind = n.kind.as_str(),
        id = escape_html(&n.id),
        label = escape_html(&t(l, kind_id(n.kind))),
        title = escape_html(&n.title),
        facts = facts.join(" · "),
        body = escape_html(&n.body),
    )
}
