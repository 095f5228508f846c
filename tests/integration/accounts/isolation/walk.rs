//! The walking engine: one caller (a view: a principal and the other realm's values)
//! sends every route, by API token and then by session cookie, and each answer is held
//! to the row's status, to naming nothing of another realm, and — for a refusal — to
//! being the very answer a made-up id of the same kind gets ("as if it did not exist").
//! The store must hold afterwards what it held before.

use std::collections::BTreeMap;

use serde_json::Value;

use super::routes::{Body, Route, routes};
use super::world::{Principal, snapshot};
use crate::packages::fixture;
use crate::support::{Resp, TestApp};
use kiroku::tenant::TenantId;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Reseller = 0,
    Tenant = 1,
    EndClient = 2,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pass {
    Bearer,
    Cookie,
}

/// A caller and what of another realm it names.
pub struct View<'w> {
    pub label: &'static str,
    pub who: &'w Principal,
    pub role: Role,
    /// Placeholder name → the values the walk tries.
    pub values: BTreeMap<&'static str, Vec<String>>,
    /// What of other realms no answer may contain.
    pub secrets: Vec<String>,
    /// The caller's own tenant: left out of the "nothing changed" check.
    pub own: Option<TenantId>,
}

type Values = BTreeMap<&'static str, String>;

fn fill(template: &str, v: &Values) -> String {
    v.iter()
        .fold(template.to_owned(), |s, (k, val)| s.replace(&format!("{{{k}}}"), val))
}

/// Every combination of the values of the placeholders the row uses (and `tenant`,
/// which every request names in X-Kiroku-Tenant).
fn expansions(route: &Route, view: &View) -> Vec<Values> {
    let text = match &route.body {
        Body::Json(t) => format!("{} {t}", route.path),
        _ => route.path.to_owned(),
    };
    let mut out = vec![Values::new()];
    for (name, values) in &view.values {
        if *name != "tenant" && !text.contains(&format!("{{{name}}}")) {
            continue;
        }
        out = out
            .into_iter()
            .flat_map(|base| {
                values.iter().map(move |val| {
                    let mut m = base.clone();
                    m.insert(*name, val.clone());
                    m
                })
            })
            .collect();
    }
    // Logging out ends the session: once is enough.
    if route.path == "/api/auth/logout" {
        out.truncate(1);
    }
    out
}

/// A made-up value of the same kind (a UUID for a UUID).
fn ghost(name: &str, value: &str, i: usize) -> String {
    let uuid_like = value.len() == 36 && value.matches('-').count() == 4;
    if uuid_like {
        format!("00000000-0000-7000-8000-{i:012}")
    } else {
        format!("ghost-{}-{i}", name.replace('_', "-"))
    }
}

async fn send(app: &TestApp, view: &View<'_>, pass: Pass, route: &Route, v: &Values) -> (String, Resp) {
    let path = fill(route.path, v);
    let tenant = v.get("tenant").cloned().unwrap_or_default();
    let mut req = app.req(route.method.clone(), &path).header("x-kiroku-tenant", &tenant);
    req = match pass {
        Pass::Bearer => req.header("authorization", &super::super::bearer(&view.who.token)),
        Pass::Cookie => view.who.session.on(req),
    };
    let mut what = format!("{} by {:?}: {} {path}", view.label, pass, route.method);
    req = match &route.body {
        Body::None => req,
        Body::Json(t) => {
            let body = fill(t, v);
            what.push_str(&format!(" {body}"));
            req.body("application/json", body.into_bytes())
        }
        Body::Zip => req.body("application/zip", fixture::package("scorm12-single-sco")),
    };
    (what, req.send().await)
}

/// The answer with the named values (real or made up) replaced by their names.
fn normalised(r: &Resp, named: &[(&str, &str)]) -> (u16, String) {
    let mut text = r.text();
    let mut named = named.to_vec();
    named.sort_by_key(|(_, v)| std::cmp::Reverse(v.len()));
    for (name, value) in named {
        text = text.replace(value, &format!("<{name}>"));
    }
    (r.status.as_u16(), text)
}

async fn check(app: &TestApp, view: &View<'_>, pass: Pass, route: &Route, v: &Values, failures: &mut Vec<String>) {
    let (what, resp) = send(app, view, pass, route, v).await;
    let expected = route.expect[view.role as usize];
    let text = resp.text();
    if resp.status.as_u16() != expected {
        failures.push(format!("{what}\n  → {} (expected {expected}): {text}", resp.status));
    }
    // What the request itself names may come back (as a 404's message does): the twin
    // below shows that answer is the one a made-up value gets.
    let sent: Vec<&String> = v.values().collect();
    let leaked = |s: &&String| text.contains(s.as_str()) && !sent.iter().any(|x| x.contains(s.as_str()));
    for s in view.secrets.iter().filter(leaked) {
        failures.push(format!("{what}\n  → the answer names {s:?} of another realm: {text}"));
    }
    let foreign: Vec<(&str, &str)> = v
        .iter()
        .filter(|(_, val)| view.secrets.contains(val))
        .map(|(k, val)| (*k, val.as_str()))
        .collect();
    let twin_applies = !(route.creates && view.role == Role::EndClient);
    if expected < 400 || foreign.is_empty() || !twin_applies {
        return;
    }
    let mut twin = v.clone();
    let mut ghosts = Vec::new();
    for (i, (name, val)) in foreign.iter().enumerate() {
        let g = ghost(name, val, i + 1);
        twin.insert(name, g.clone());
        ghosts.push((*name, g));
    }
    let (_, made_up) = send(app, view, pass, route, &twin).await;
    let ghosts: Vec<(&str, &str)> = ghosts.iter().map(|(k, g)| (*k, g.as_str())).collect();
    let (real, fake) = (normalised(&resp, &foreign), normalised(&made_up, &ghosts));
    if real != fake {
        failures.push(format!(
            "{what}\n  → tells the other realm's thing from a made-up one: {real:?} vs {fake:?}"
        ));
    }
}

/// Walks every route as `view`, by API token and then by cookie (signing in is tried by
/// cookie only, to keep the victims below the lockout); returns what went wrong.
pub async fn walk(app: &TestApp, view: &View<'_>) -> Vec<String> {
    let mut failures = Vec::new();
    let before = snapshot(app, view.own).await;
    let mut n = 0;
    for pass in [Pass::Bearer, Pass::Cookie] {
        for route in routes() {
            if pass == Pass::Bearer && route.path == "/api/auth/login" {
                continue;
            }
            for mut v in expansions(&route, view) {
                n += 1;
                v.insert("n", format!("{}-{n}", view.label));
                check(app, view, pass, &route, &v, &mut failures).await;
            }
        }
    }
    let after = snapshot(app, view.own).await;
    let mut changed = Vec::new();
    diff(&before, &after, "", &mut changed);
    for c in changed.into_iter().take(20) {
        failures.push(format!("{}: the store changed at {c}", view.label));
    }
    failures
}

/// The paths at which two JSON values differ.
fn diff(a: &Value, b: &Value, at: &str, out: &mut Vec<String>) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for k in x.keys().chain(y.keys().filter(|k| !x.contains_key(*k))) {
                let (p, q) = (x.get(k).unwrap_or(&Value::Null), y.get(k).unwrap_or(&Value::Null));
                diff(p, q, &format!("{at}/{k}"), out);
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (p, q)) in x.iter().zip(y).enumerate() {
                diff(p, q, &format!("{at}/{i}"), out);
            }
        }
        _ if a != b => out.push(format!("{at}: {a} → {b}")),
        _ => {}
    }
}
