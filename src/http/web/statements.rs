//! The statement browser (`GET /statements`): the tenant's LRS read as the xAPI query
//! reads it — learner or agent, verb, activity, registration, a date range, related
//! activities and agents — newest first, a page at a time (`more`, as the LRS pages),
//! each statement summarised in a row with its JSON readable below. The filters become
//! the xAPI query's parameters and go through the LRS's own parser and store query, so
//! the page finds exactly what a reporting tool would. A tenant-wide admin's page (an
//! end-client admin's learners are not a filter the LRS knows: 403). Statement content
//! is the tenant's data, shown as it is (`translate="no"`), never translated.

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;
use serde_json::{Value, json};

use super::tenant::{caller, refused, tenant_query};
use super::{PageCtx, html_ok, page, page_ctx};
use crate::http::content::encode_path;
use crate::http::error::ApiError;
use crate::i18n::{Lang, escape_html, format_date_time, t};
use crate::lrs::LrsError;
use crate::lrs::query::{StatementRequest, parse_request};
use crate::server::AppState;
use crate::store::StoredStatement;

/// Statements per page.
const PAGE: u32 = 25;

#[derive(Debug, Default, Deserialize)]
pub struct Filters {
    tenant: Option<String>,
    /// A learner's id, an e-mail address, or an agent as JSON.
    agent: Option<String>,
    verb: Option<String>,
    activity: Option<String>,
    registration: Option<String>,
    /// `YYYY-MM-DD`, from the start of that day (UTC).
    since: Option<String>,
    /// `YYYY-MM-DD`, to the end of that day (UTC).
    until: Option<String>,
    related_activities: Option<String>,
    related_agents: Option<String>,
    /// The LRS's token for the next page.
    more: Option<String>,
}

fn given(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

impl Filters {
    /// The xAPI query's parameters for these filters (`home`: the tenant's learner
    /// accounts' home page, for a bare learner id).
    fn params(&self, home: &str) -> Result<Vec<(String, String)>, LrsError> {
        let mut p = vec![("limit".to_owned(), PAGE.to_string())];
        if let Some(token) = given(&self.more) {
            return Ok(vec![("more".to_owned(), token.to_owned())]);
        }
        if let Some(a) = given(&self.agent) {
            p.push(("agent".into(), agent_json(a, home)));
        }
        for (name, v) in [
            ("verb", &self.verb),
            ("activity", &self.activity),
            ("registration", &self.registration),
        ] {
            if let Some(v) = given(v) {
                p.push((name.into(), v.to_owned()));
            }
        }
        if let Some(d) = given(&self.since) {
            p.push(("since".into(), day_start(d, 0)?));
        }
        if let Some(d) = given(&self.until) {
            p.push(("until".into(), day_start(d, 1)?));
        }
        for (name, v) in [
            ("related_activities", &self.related_activities),
            ("related_agents", &self.related_agents),
        ] {
            if given(v) == Some("on") {
                p.push((name.into(), "true".into()));
            }
        }
        Ok(p)
    }
}

/// An agent filter as the xAPI query's JSON: JSON as given, an e-mail address as an
/// `mbox`, anything else as the id of one of the tenant's learners.
fn agent_json(text: &str, home: &str) -> String {
    if text.starts_with('{') {
        return text.to_owned();
    }
    if text.contains('@') && !text.contains(' ') {
        let mbox = if text.starts_with("mailto:") {
            text.to_owned()
        } else {
            format!("mailto:{text}")
        };
        return json!({ "mbox": mbox }).to_string();
    }
    json!({ "account": { "homePage": home, "name": text } }).to_string()
}

/// The start of day `d` (`YYYY-MM-DD`) plus `days`, as an xAPI timestamp.
fn day_start(d: &str, days: i64) -> Result<String, LrsError> {
    let day = chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
        .map_err(|_| LrsError::bad(format!("{d:?} is not a date (YYYY-MM-DD)")))?;
    let day = day + chrono::Duration::days(days);
    Ok(format!("{}T00:00:00Z", day.format("%Y-%m-%d")))
}

/// `GET /statements`.
pub async fn browse(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(f): Query<Filters>,
) -> Result<Response, ApiError> {
    let ctx = page_ctx(&state, &headers).await;
    let refuse = |e: ApiError| refused(&ctx, &e, "statements-title", "/statements");
    let who = caller(&state, &headers, f.tenant.as_deref()).await.map_err(refuse)?;
    who.require_tenant_wide().map_err(refuse)?;
    let home = crate::learner::home_page(&state.config.public_url, who.tenant.name.as_str());
    let found = match f.params(&home).and_then(|p| parse_request(&p, who.tenant.xapi_version)) {
        Ok(StatementRequest::Many(q)) => {
            let page = state.store.query_statements(who.tenant.id, &q).await?;
            let more = page.more_after.map(|last| q.more_token(last, page.upto_seq));
            Ok((page.statements, more))
        }
        Ok(StatementRequest::One { .. }) => Err(LrsError::bad("a single statement is not a filter")),
        Err(e) => Err(e),
    };
    let l = ctx.lang;
    let body = match &found {
        Ok((list, more)) => results(l, list, more.as_deref(), f.tenant.as_deref()),
        Err(e) => format!(
            "<p class=\"notice error\" role=\"alert\" id=\"statements-error\">{} <span translate=\"no\">{}</span></p>",
            escape_html(&t(l, "statements-bad-filter")),
            escape_html(&e.to_string())
        ),
    };
    let main = format!(
        "<h1>{}</h1><p class=\"hint\">{}</p>{}{body}",
        escape_html(&t(l, "statements-title")),
        escape_html(&t(l, "statements-hint")),
        form(&ctx, &f)
    );
    Ok(html_ok(page(&ctx, "statements-title", "/statements", &main)))
}

fn form(ctx: &PageCtx, f: &Filters) -> String {
    let l = ctx.lang;
    let e = |k: &str| escape_html(&t(l, k));
    let v = |x: &Option<String>| escape_html(x.as_deref().unwrap_or_default());
    let checked = |x: &Option<String>| if given(x) == Some("on") { " checked" } else { "" };
    let text = |id: &str, label: &str, value: &Option<String>| {
        format!(
            "<div><label for=\"f-{id}\">{}</label><input id=\"f-{id}\" name=\"{id}\" type=\"text\" value=\"{}\"></div>",
            e(label),
            v(value)
        )
    };
    format!(
        "<form id=\"statements-form\" class=\"filters\" method=\"get\" action=\"/statements\">{tenant}\
         {agent}{verb}{activity}{registration}\
         <div><label for=\"f-since\">{since_l}</label><input id=\"f-since\" name=\"since\" type=\"date\" value=\"{since}\"></div>\
         <div><label for=\"f-until\">{until_l}</label><input id=\"f-until\" name=\"until\" type=\"date\" value=\"{until}\"></div>\
         <p class=\"hint wide\">{agent_h}</p>\
         <p class=\"wide\"><input type=\"checkbox\" id=\"f-ra\" name=\"related_activities\" value=\"on\"{ra}> \
         <label for=\"f-ra\" class=\"inline\">{ra_l}</label><br><input type=\"checkbox\" id=\"f-rg\" name=\"related_agents\" value=\"on\"{rg}> \
         <label for=\"f-rg\" class=\"inline\">{rg_l}</label></p>\
         <div class=\"wide\"><button type=\"submit\" id=\"statements-filter\">{button}</button></div></form>",
        tenant = f.tenant.as_deref().map_or_else(String::new, |t| format!(
            "<input type=\"hidden\" name=\"tenant\" value=\"{}\">",
            escape_html(t)
        )),
        agent = text("agent", "statements-agent", &f.agent),
        agent_h = e("statements-agent-hint"),
        verb = text("verb", "statements-verb", &f.verb),
        activity = text("activity", "statements-activity", &f.activity),
        registration = text("registration", "statements-registration", &f.registration),
        since_l = e("statements-since"),
        since = v(&f.since),
        until_l = e("statements-until"),
        until = v(&f.until),
        ra = checked(&f.related_activities),
        ra_l = e("statements-related-activities"),
        rg = checked(&f.related_agents),
        rg_l = e("statements-related-agents"),
        button = e("statements-filter"),
    )
}

fn results(l: Lang, list: &[StoredStatement], more: Option<&str>, tenant: Option<&str>) -> String {
    let e = |k: &str| escape_html(&t(l, k));
    if list.is_empty() {
        return format!("<p id=\"statements-empty\">{}</p>", e("statements-empty"));
    }
    let rows: String = list.iter().map(|s| row(l, s)).collect();
    let next = more.map_or_else(String::new, |token| {
        let tq = tenant_query(tenant);
        let sep = if tq.is_empty() { '?' } else { '&' };
        format!(
            "<p><a id=\"statements-more\" href=\"/statements{}{sep}more={}\">{}</a></p>",
            escape_html(&tq),
            escape_html(&encode_path(token)),
            e("statements-more")
        )
    });
    format!(
        "<div class=\"table-wrap\"><table id=\"statements\"><thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th>\
         <th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead><tbody>{rows}</tbody></table></div>{next}",
        e("col-stored"),
        e("col-actor"),
        e("col-verb"),
        e("col-object"),
        e("col-result"),
    )
}

/// One statement: when, who, did what, to what, with what result; its JSON below.
fn row(l: Lang, s: &StoredStatement) -> String {
    let v: Value = serde_json::from_str(&s.body).unwrap_or(Value::Null);
    let pretty = serde_json::to_string_pretty(&v).unwrap_or_else(|_| s.body.clone());
    format!(
        "<tr><td>{at}</td><td translate=\"no\">{actor}</td><td translate=\"no\">{verb}</td><td translate=\"no\">{object}</td>\
         <td>{result}</td></tr><tr class=\"json\"><td colspan=\"5\"><details><summary>{json_l}</summary>\
         <pre translate=\"no\">{pretty}</pre></details></td></tr>",
        at = escape_html(&format_date_time(l, s.stored_ms)),
        actor = escape_html(&actor(at(&v, "/actor"))),
        verb = escape_html(&display(at(&v, "/verb/display"), l).unwrap_or_else(|| text(at(&v, "/verb/id")))),
        object = escape_html(&object(at(&v, "/object"), l)),
        result = result(at(&v, "/result"), l),
        json_l = escape_html(&t(l, "statements-json")),
        pretty = escape_html(&pretty),
    )
}

/// The value at JSON pointer `path`, or null.
fn at<'a>(v: &'a Value, path: &str) -> &'a Value {
    v.pointer(path).unwrap_or(&Value::Null)
}

fn text(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_owned()
}

/// A language map's entry for the reader's language, else its first.
fn display(map: &Value, l: Lang) -> Option<String> {
    let m = map.as_object()?;
    let code = l.code();
    m.iter()
        .find(|(k, _)| k.split('-').next() == Some(code))
        .or_else(|| m.iter().next())
        .and_then(|(_, v)| v.as_str().map(str::to_owned))
}

fn actor(a: &Value) -> String {
    let id = at(a, "/mbox")
        .as_str()
        .map(|m| m.trim_start_matches("mailto:").to_owned())
        .or_else(|| at(a, "/account/name").as_str().map(str::to_owned))
        .or_else(|| at(a, "/openid").as_str().map(str::to_owned))
        .or_else(|| a["mbox_sha1sum"].as_str().map(str::to_owned))
        .unwrap_or_default();
    match at(a, "/name").as_str() {
        Some(name) if !id.is_empty() => format!("{name} ({id})"),
        Some(name) => name.to_owned(),
        None => id,
    }
}

fn object(o: &Value, l: Lang) -> String {
    display(at(o, "/definition/name"), l)
        .or_else(|| at(o, "/id").as_str().map(str::to_owned))
        .or_else(|| at(o, "/name").as_str().map(str::to_owned))
        .unwrap_or_else(|| text(at(o, "/objectType")))
}

/// The result as HTML: success, completion and score in the reader's language, the
/// learner's response as it is.
fn result(r: &Value, l: Lang) -> String {
    let mut parts = Vec::new();
    if let Some(s) = at(r, "/success").as_bool() {
        parts.push(escape_html(&t(
            l,
            if s { "statements-success" } else { "statements-failure" },
        )));
    }
    if at(r, "/completion").as_bool() == Some(true) {
        parts.push(escape_html(&t(l, "statements-completion")));
    }
    if let Some(x) = at(r, "/score/scaled").as_f64() {
        parts.push(format!("{:.0}%", x * 100.0));
    } else if let Some(x) = at(r, "/score/raw").as_f64() {
        parts.push(format!("{x}"));
    }
    if let Some(resp) = at(r, "/response").as_str() {
        parts.push(format!("<span translate=\"no\">“{}”</span>", escape_html(resp)));
    }
    parts.join(" · ")
}
