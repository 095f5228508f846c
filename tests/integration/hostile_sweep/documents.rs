//! The document resources (State, Activity Profile, Agent Profile): every method with
//! hostile scoping parameters, ids, bodies and preconditions. A few documents are written
//! once under keys the sweep never touches again and must read back byte for byte.

use axum::http::Method;
use serde_json::json;

use super::text::{MULTI, NUMBERS, Rng, deep_text, flipped, hostile_id, hostile_text, mixed_text};
use super::{Shot, Sweep, World};

/// A resource's path, its id parameter, and whether it takes an activity and an agent.
const RESOURCES: &[(&str, &str, bool, bool)] = &[
    ("/xapi/activities/state", "stateId", true, true),
    ("/xapi/activities/profile", "profileId", true, false),
    ("/xapi/agents/profile", "profileId", false, true),
];

const ACTIVITIES: &[&str] = &[
    "http://example.com/activities/a1",
    "http://example.com/activities/a2",
    "http://例え.jp/活動",
    "not an iri",
    "",
];

fn agent(rng: &mut Rng) -> String {
    match rng.below(6) {
        0 => json!({"account": {"homePage": "http://example.com", "name": hostile_id(rng, "ann")}}).to_string(),
        1 => hostile_text(rng, r#"{"mbox":"mailto:doc@example.com"}"#),
        2 => json!({"mbox": "mailto:doc@example.com", "objectType": "Group"}).to_string(),
        3 => json!({"mbox": "mailto:doc@example.com", "mbox_sha1sum": "ab"}).to_string(),
        _ => json!({"mbox": format!("mailto:doc{}@example.com", rng.below(3))}).to_string(),
    }
}

fn body(rng: &mut Rng) -> (String, Vec<u8>) {
    let json = "application/json".to_owned();
    match rng.below(9) {
        0 => (
            json,
            json!({"k": hostile_text(rng, "v"), "n": 1}).to_string().into_bytes(),
        ),
        1 => (json, rng.pick(NUMBERS).as_bytes().to_vec()),
        2 => (json, deep_text(rng.pick(&[100, 129, 10_000])).into_bytes()),
        3 => (json, flipped(rng, br#"{"a":{"b":[1,2,3]},"c":"d"}"#)),
        4 => (
            "application/octet-stream".into(),
            vec![0xff; rng.pick(&[0, 1, 1_000_000])],
        ),
        5 => (
            "text/plain; charset=utf-8".into(),
            rng.pick(MULTI).repeat(1000).into_bytes(),
        ),
        6 => (
            (rng.pick(&["", "application/json; charset=\u{0}", "日本/語", "application/json;;;"])).to_owned(),
            b"{}".to_vec(),
        ),
        _ => (
            json,
            json!({ hostile_text(rng, "key"): [1, 2] }).to_string().into_bytes(),
        ),
    }
}

fn precondition(rng: &mut Rng, w: &World, mut shot: Shot) -> Shot {
    let etag = match w.etags.len() {
        0 => "\"none\"".to_owned(),
        n => w.etags[rng.below(n)].clone(),
    };
    match rng.below(6) {
        0 => shot = shot.header("if-match", &etag),
        1 => shot = shot.header("if-none-match", "*"),
        2 => shot = shot.header("if-match", rng.pick(&["*", "\"", "W/\"x\"", "x", "\"a\", \"b\"", ""])),
        3 => shot = shot.header("if-none-match", &etag),
        _ => {}
    }
    shot
}

/// One document request.
pub async fn step(w: &mut World, s: &mut Sweep, rng: &mut Rng) {
    if rng.chance(8) {
        return write_once(w, s, rng).await;
    }
    let (path, id_param, activity, with_agent) = rng.pick(RESOURCES);
    let mut q = form_urlencoded::Serializer::new(String::new());
    if activity && rng.chance(95) {
        let a = (rng.pick(ACTIVITIES)).to_owned();
        let a = if rng.chance(20) { hostile_text(rng, &a) } else { a };
        q.append_pair("activityId", &a);
    }
    if with_agent && rng.chance(95) {
        q.append_pair("agent", &agent(rng));
    }
    if activity && with_agent && rng.chance(30) {
        let r = if rng.chance(50) {
            kiroku::lrs::statement::new_uuid()
        } else {
            hostile_text(rng, "x")
        };
        q.append_pair("registration", &r);
    }
    if rng.chance(75) {
        q.append_pair(id_param, &hostile_id(rng, "doc"));
    }
    if rng.chance(15) {
        q.append_pair(
            "since",
            rng.pick(&[
                "2024-01-01T00:00:00Z",
                "9999-12-31T23:59:59Z",
                "x",
                "+10000-01-01T00:00:00Z",
            ]),
        );
    }
    let method = rng
        .pick(&[Method::GET, Method::PUT, Method::POST, Method::DELETE, Method::HEAD])
        .clone();
    let url = w.url(&format!("{path}?{}", q.finish()));
    let mut shot = Shot::new("documents", method.clone(), url)
        .auth(&w.xapi)
        .header("x-experience-api-version", "2.0.0");
    if method == Method::PUT || method == Method::POST {
        let (ct, b) = body(rng);
        shot = shot.body(&ct, b);
    }
    shot = precondition(rng, w, shot);
    if let Some(a) = s.send(shot).await
        && let Some(etag) = a.header("etag")
        && w.etags.len() < 50
    {
        w.etags.push(etag.to_owned());
    }
}

/// A PUT under a key nothing else uses; acknowledged ones must read back as written.
async fn write_once(w: &mut World, s: &mut Sweep, rng: &mut Rng) {
    let n = w.documents.len();
    let mut q = form_urlencoded::Serializer::new(String::new());
    q.append_pair("activityId", &format!("http://example.com/tracked/{n}"));
    q.append_pair("agent", r#"{"mbox":"mailto:tracked@example.com"}"#);
    q.append_pair("stateId", &format!("{}-{n}", mixed_text(rng, 8)));
    let url = w.url(&format!("/xapi/activities/state?{}", q.finish()));
    let (ct, bytes) = if rng.chance(50) {
        (
            "application/json",
            json!({"v": mixed_text(rng, 300)}).to_string().into_bytes(),
        )
    } else {
        ("application/octet-stream", flipped(rng, &[0u8; 64]))
    };
    let shot = Shot::new("documents", Method::PUT, url.clone())
        .auth(&w.xapi)
        .header("x-experience-api-version", "2.0.0")
        .body(ct, bytes.clone());
    if let Some(a) = s.send(shot).await
        && a.status == 204
    {
        w.documents.push((url, bytes));
    }
}

/// Reads back every document written once; returns how many.
pub async fn verify(w: &mut World, s: &mut Sweep) -> usize {
    for (url, bytes) in &w.documents {
        let shot = Shot::new("read back", Method::GET, url.clone())
            .auth(&w.xapi)
            .header("x-experience-api-version", "2.0.0");
        match s.send(shot).await {
            Some(a) if a.status == 200 && a.body.as_ref() == bytes.as_slice() => {}
            Some(a) => s.fail(format!(
                "document {url} acknowledged, read back {} {:?}",
                a.status, a.body
            )),
            None => {}
        }
    }
    w.documents.len()
}
