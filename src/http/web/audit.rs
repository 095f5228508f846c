//! A tenant's audit log page (`GET /audit`), a tenant admin's: the entries from a date
//! (the last 7 days unless the form says otherwise), newest first, filtered by the kind
//! of action (`learner.`, `package.`…) and by text in the target; a plain GET form, no
//! script. At most `SHOWN` entries are listed; the API pages through all of them.

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;

use super::tenant::{caller, refused};
use super::{html_ok, page, page_ctx};
use crate::audit::{AuditEntry, AuditQuery};
use crate::clock::day_ms;
use crate::http::error::ApiError;
use crate::i18n::{Arg, Lang, escape_html, format_date_time, t, t_args};
use crate::server::AppState;

/// Entries read and listed at most.
const SHOWN: u32 = 500;
const WEEK_MS: i64 = 7 * 86_400_000;

#[derive(Debug, Default, Deserialize)]
pub struct AuditForm {
    tenant: Option<String>,
    /// `YYYY-MM-DD` (UTC): entries from that day on.
    since: Option<String>,
    /// The start of the action's name (`learner.`, `package.imported`).
    action: Option<String>,
    /// Text the target contains.
    target: Option<String>,
}

/// `GET /audit`.
pub async fn audit(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(f): Query<AuditForm>,
) -> Result<Response, ApiError> {
    let ctx = page_ctx(&state, &headers).await;
    let refuse = |e: ApiError| refused(&ctx, &e, "audit-title", "/audit");
    let who = caller(&state, &headers, f.tenant.as_deref()).await.map_err(refuse)?;
    who.require_tenant_wide().map_err(refuse)?;
    let now = crate::clock::now_ms();
    let since_text = f.since.clone().filter(|s| !s.trim().is_empty());
    let since_ms = match since_text.as_deref() {
        Some(s) => day_ms(s),
        None => Some(now - WEEK_MS),
    };
    let l = ctx.lang;
    let bad_date = since_text.is_some() && since_ms.is_none();
    let mut entries = Vec::new();
    let mut after = None;
    // Pages of the log from the date on, filtered here; the newest `SHOWN` kept.
    loop {
        let query = AuditQuery {
            since_ms,
            after_seq: after,
            limit: 1000,
        };
        let page_of = state.store.audit_entries(who.tenant.id, query).await?;
        let full = page_of.len() == 1000;
        after = page_of.last().map(|e| e.seq);
        entries.extend(page_of.into_iter().filter(|e| matches(e, &f)));
        if entries.len() > SHOWN as usize {
            let cut = entries.len() - SHOWN as usize;
            entries.drain(..cut);
        }
        if !full || bad_date {
            break;
        }
    }
    entries.reverse();
    let main = render(l, &f, since_text.as_deref(), now, &entries, bad_date);
    let title = t_args(l, "courses-tenant", &[("tenant", Arg::from(who.tenant.name.as_str()))]);
    let main = format!(
        "<h1>{}</h1><p class=\"hint\">{}</p>{main}",
        escape_html(&t(l, "audit-title")),
        escape_html(&title)
    );
    Ok(html_ok(page(&ctx, "audit-title", "/audit", &main)))
}

fn matches(e: &AuditEntry, f: &AuditForm) -> bool {
    let action = f.action.as_deref().map(str::trim).unwrap_or_default();
    let target = f.target.as_deref().map(str::trim).unwrap_or_default();
    e.action.starts_with(action) && e.target.contains(target)
}

fn render(l: Lang, f: &AuditForm, since: Option<&str>, now: i64, entries: &[AuditEntry], bad_date: bool) -> String {
    let e = |id: &str| escape_html(&t(l, id));
    let default_since = chrono::DateTime::from_timestamp_millis(now - WEEK_MS)
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default();
    let rows: String = entries
        .iter()
        .map(|x| {
            format!(
                "<tr><td>{at}</td><td translate=\"no\"><code>{action}</code></td><td translate=\"no\"><code>{target}</code></td>\
                 <td translate=\"no\">{actor}</td><td>{addr}</td><td translate=\"no\"><code>{detail}</code></td></tr>",
                at = escape_html(&format_date_time(l, x.at_ms)),
                action = escape_html(&x.action),
                target = escape_html(&x.target),
                actor = escape_html(&format!("{}:{}", x.actor.kind, x.actor.id)),
                addr = escape_html(x.address.as_deref().unwrap_or_default()),
                detail = escape_html(&x.detail.to_string()),
            )
        })
        .collect();
    let notice = if bad_date {
        format!(
            "<p class=\"notice error\" role=\"alert\" id=\"audit-bad-date\">{}</p>",
            e("audit-bad-date")
        )
    } else {
        String::new()
    };
    let list = if entries.is_empty() {
        format!("<p id=\"audit-empty\" class=\"hint\">{}</p>", e("audit-empty"))
    } else {
        format!(
            "<div class=\"table-wrap\"><table id=\"audit\"><thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th>\
             <th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead>\
             <tbody>{rows}</tbody></table></div>",
            e("col-when"),
            e("col-action"),
            e("col-target"),
            e("col-actor"),
            e("col-address"),
            e("col-detail"),
        )
    };
    format!(
        "{notice}<form id=\"audit-form\" method=\"get\" action=\"/audit\">\
         {tenant_field}\
         <label for=\"since\">{since_l}</label><input id=\"since\" name=\"since\" type=\"date\" value=\"{since_v}\">\
         <label for=\"action\">{action_l}</label><input id=\"action\" name=\"action\" type=\"text\" value=\"{action_v}\" placeholder=\"learner.\">\
         <label for=\"target\">{target_l}</label><input id=\"target\" name=\"target\" type=\"text\" value=\"{target_v}\">\
         <div><button type=\"submit\" id=\"audit-filter\">{filter}</button></div></form>\
         <p class=\"hint\">{limit}</p>{list}",
        tenant_field = f.tenant.as_deref().map_or_else(String::new, |t| format!(
            "<input type=\"hidden\" name=\"tenant\" value=\"{}\">",
            escape_html(t)
        )),
        since_l = e("audit-since"),
        since_v = escape_html(since.unwrap_or(&default_since)),
        action_l = e("audit-action"),
        action_v = escape_html(f.action.as_deref().unwrap_or_default()),
        target_l = e("audit-target"),
        target_v = escape_html(f.target.as_deref().unwrap_or_default()),
        filter = e("audit-filter"),
        limit = escape_html(&t_args(l, "audit-limit", &[("n", Arg::Num(i64::from(SHOWN)))])),
    )
}
