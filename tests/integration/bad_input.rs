//! Bad input is refused with a 4xx (never a 5xx) and a message naming what is wrong.

use axum::http::Method;
use base64::Engine as _;
use serde_json::{Value, json};

use crate::data::{
    BOUNDARY, activity, agent_param, attachment_decl, attachment_headers, multipart, multipart_type, q, stmt, uuid,
};
use crate::documents::STATE;
use crate::support::{Cred, TestApp};

/// One request expected to be refused.
struct Case {
    name: &'static str,
    method: Method,
    path: String,
    content_type: Option<String>,
    body: Vec<u8>,
    version: Option<&'static str>,
    want: u16,
}

fn get(name: &'static str, path: &str, want: u16) -> Case {
    Case {
        name,
        method: Method::GET,
        path: path.to_owned(),
        content_type: None,
        body: Vec::new(),
        version: Some("2.0.0"),
        want,
    }
}

fn post(name: &'static str, content_type: Option<&str>, body: impl Into<Vec<u8>>) -> Case {
    Case {
        method: Method::POST,
        path: "/xapi/statements".into(),
        content_type: content_type.map(str::to_owned),
        body: body.into(),
        ..get(name, "", 400)
    }
}

impl Case {
    fn version(mut self, v: Option<&'static str>) -> Self {
        self.version = v;
        self
    }

    fn method(mut self, m: Method) -> Self {
        self.method = m;
        self
    }
}

async fn check(app: &TestApp, c: &Cred, cases: Vec<Case>) {
    for case in cases {
        let mut req = app
            .req(case.method.clone(), &case.path)
            .auth(c)
            .without("x-experience-api-version");
        if let Some(v) = case.version {
            req = req.version(v);
        }
        req = match &case.content_type {
            Some(ct) => req.body(ct, case.body.clone()),
            None => req.raw_body(case.body.clone()),
        };
        let r = req.send().await;
        assert!(
            r.status.as_u16() < 500,
            "{}: server error {}: {}",
            case.name,
            r.status,
            r.text()
        );
        assert_eq!(r.status.as_u16(), case.want, "{}: {}", case.name, r.text());
        if r.status.as_u16() == 400 {
            assert!(!r.message().is_empty(), "{}: a 400 says why", case.name);
        }
    }
}

#[tokio::test]
async fn malformed_bodies_and_headers_are_400() {
    let app = TestApp::start().await;
    let c = app.tenant_cred("t").await;
    let good = stmt("a", "v", "x").to_string();
    let json = Some("application/json");
    let cases = vec![
        post("truncated JSON", json, "{\"actor\":"),
        post("not JSON", json, "hello"),
        post("a number", json, "42"),
        post("an empty body", json, ""),
        post("text/plain", Some("text/plain"), good.clone()),
        post("no content type", None, good.clone()),
        post("form-data", Some("multipart/form-data; boundary=x"), good.clone()),
        post("unknown version", json, good.clone()).version(Some("BAD")),
        post("version 0.8", json, good.clone()).version(Some("0.8")),
        post("version 3.0.0", json, good.clone()).version(Some("3.0.0")),
        post("version 1.0.x", json, good.clone()).version(Some("1.0.x")),
        post("missing version", json, good.clone()).version(None),
        post(
            "null result",
            json,
            set(stmt("a", "v", "x"), "result", Value::Null).to_string(),
        ),
        post(
            "null name",
            json,
            set(stmt("a", "v", "x"), "actor/name", Value::Null).to_string(),
        ),
        post("DELETE statements", json, good.clone()).method(Method::DELETE),
        get(
            "PUT activities",
            &q("/xapi/activities", &[("activityId", &activity("x"))]),
            400,
        )
        .method(Method::PUT),
    ];
    check(&app, &c, cases).await;
    assert!(app.query_ids(&c, &[]).await.is_empty(), "nothing was stored");
}

#[tokio::test]
async fn bad_query_parameters_are_400() {
    let app = TestApp::start().await;
    let c = app.tenant_cred("t").await;
    let id = uuid();
    let no_ifi = json!({ "name": "x" }).to_string();
    let garbage_token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b"{\"not\":\"a query\"}");
    let s = "/xapi/statements";
    let cases = vec![
        get("unknown", &q(s, &[("foo", "bar")]), 400),
        get("wrong case", &q(s, &[("LIMIT", "1")]), 400),
        get("twice", "/xapi/statements?limit=1&limit=2", 400),
        get(
            "id plus filter",
            &q(s, &[("statementId", &id), ("agent", &agent_param("a"))]),
            400,
        ),
        get(
            "both ids",
            &q(s, &[("statementId", &id), ("voidedStatementId", &id)]),
            400,
        ),
        get("bad id", &q(s, &[("statementId", "wrong")]), 400),
        get("agent not JSON", &q(s, &[("agent", "wrong")]), 400),
        get("agent without IFI", &q(s, &[("agent", &no_ifi)]), 400),
        get("verb not IRI", &q(s, &[("verb", "not.a.valid.iri.com/verb")]), 400),
        get("bad registration", &q(s, &[("registration", "wrong")]), 400),
        get("bad since", &q(s, &[("since", "yesterday")]), 400),
        get("negative limit", &q(s, &[("limit", "-1")]), 400),
        get("bad ascending", &q(s, &[("ascending", "yes")]), 400),
        get("bad format", &q(s, &[("format", "full")]), 400),
        get("bad attachments", &q(s, &[("attachments", "maybe")]), 400),
        get("bad more", &q(s, &[("more", "!!!")]), 400),
        get("garbage more", &q(s, &[("more", &garbage_token)]), 400),
        get("state unknown", &STATE.url(Some("s"), &[("foo", "1")]), 400),
        get(
            "state no activity",
            &q(STATE.path, &[("agent", &agent_param("a"))]),
            400,
        ),
        get(
            "state agent=true",
            &q(STATE.path, &[("activityId", &activity("x")), ("agent", "true")]),
            400,
        ),
        get(
            "state bad registration",
            &STATE.url(Some("s"), &[("registration", "true")]),
            400,
        ),
        get("state PUT without id", &STATE.url(None, &[]), 400).method(Method::PUT),
        get("activities unknown", "/xapi/activities?activityId=urn:x&x=1", 400),
        get(
            "agents unknown",
            &q("/xapi/agents", &[("agent", &agent_param("a")), ("x", "1")]),
            400,
        ),
    ];
    check(&app, &c, cases).await;
}

fn bad_multipart(parts_headers: Vec<String>, declare: bool) -> Vec<u8> {
    let content = b"attachment".as_slice();
    let mut s = stmt("a", "v", "x");
    if declare {
        s["attachments"] = json!([attachment_decl(content, "text/plain")]);
    }
    multipart(&s, &[(parts_headers, content)])
}

#[tokio::test]
async fn bad_multipart_bodies_are_400() {
    let app = TestApp::start().await;
    let c = app.tenant_cred("t").await;
    let content = b"attachment".as_slice();
    let good = attachment_headers(content, "text/plain");
    let mp = multipart_type();
    let mut declared = stmt("a", "v", "x");
    declared["attachments"] = json!([attachment_decl(content, "text/plain")]);
    let wrong_hash = vec![
        good[0].clone(),
        good[1].clone(),
        format!("X-Experience-API-Hash: {}", "ab".repeat(32)),
    ];
    let cases = vec![
        post(
            "no boundary",
            Some("multipart/mixed;"),
            bad_multipart(good.clone(), true),
        ),
        post("missing hash", Some(&mp), bad_multipart(good[..2].to_vec(), true)),
        post("hash mismatch", Some(&mp), bad_multipart(wrong_hash, true)),
        post(
            "base64 part",
            Some(&mp),
            bad_multipart(
                vec![
                    good[0].clone(),
                    "Content-Transfer-Encoding: base64".into(),
                    good[2].clone(),
                ],
                true,
            ),
        ),
        post("undeclared part", Some(&mp), bad_multipart(good.clone(), false)),
        post("missing part", Some(&mp), multipart(&declared, &[])),
        post(
            "declared but plain JSON",
            Some("application/json"),
            declared.to_string(),
        ),
        post(
            "wrong boundary",
            Some("multipart/mixed; boundary=nope"),
            bad_multipart(good.clone(), true),
        ),
        post(
            "not closed",
            Some(&mp),
            format!("--{BOUNDARY}\r\nContent-Type: application/json\r\n\r\n{{}}"),
        ),
        post("text first", Some(&mp), multipart_text_first()),
        post("garbage", Some(&mp), b"\x00\xff--\r\n\r\n--".to_vec()),
    ];
    check(&app, &c, cases).await;
    assert!(app.query_ids(&c, &[]).await.is_empty(), "nothing was stored");
}

fn multipart_text_first() -> Vec<u8> {
    let s = stmt("a", "v", "x").to_string();
    format!("--{BOUNDARY}\r\nContent-Type: text/plain\r\n\r\n{s}\r\n--{BOUNDARY}--\r\n").into_bytes()
}

#[tokio::test]
async fn a_body_over_the_limit_is_413() {
    let app = TestApp::builder().body_limit(2048).start().await;
    let c = app.tenant_cred("t").await;
    let mut big = stmt("a", "v", "x");
    big["result"] = json!({ "response": "x".repeat(8 * 1024) });
    let r = app
        .post("/xapi/statements")
        .auth(&c)
        .json(&big)
        .send()
        .await
        .expect(413);
    assert!(r.message().contains("2048"), "names the limit: {}", r.message());
    app.post("/xapi/statements")
        .auth(&c)
        .json(&stmt("a", "v", "x"))
        .send()
        .await
        .expect(200);
    let put = app
        .put(&STATE.url(Some("big"), &[]))
        .auth(&c)
        .body("application/octet-stream", vec![b'x'; 8192]);
    put.send().await.expect(413);
}

#[tokio::test]
async fn a_missing_version_is_answered_in_the_tenant_version() {
    let app = TestApp::start().await;
    for v in [kiroku::lrs::XapiVersion::V103, kiroku::lrs::XapiVersion::V200] {
        let t = app.tenant_with_version(&format!("t{v}"), v).await;
        let c = app.credential(&t, &[kiroku::tenant::Scope::All]).await;
        let r = app
            .get("/xapi/statements")
            .auth(&c)
            .without("x-experience-api-version")
            .send()
            .await;
        assert_eq!(r.expect(400).header("x-experience-api-version"), Some(v.as_str()));
    }
}

/// Sets `value` at a `/`-separated path, creating objects on the way.
fn set(mut v: Value, path: &str, value: Value) -> Value {
    let mut cur = &mut v;
    let keys: Vec<&str> = path.split('/').collect();
    for k in &keys[..keys.len() - 1] {
        cur = match k.parse::<usize>() {
            Ok(i) => &mut cur[i],
            Err(_) => cur.as_object_mut().expect("object").entry(*k).or_insert(json!({})),
        };
    }
    cur[keys[keys.len() - 1]] = value;
    v
}

#[tokio::test]
async fn invalid_statements_name_the_property() {
    let app = TestApp::start().await;
    let c = app.tenant_cred("t").await;
    let sub = json!({ "objectType": "SubStatement", "actor": { "mbox": "bob@example.com" }, "verb": { "id": "urn:v" }, "object": { "id": "urn:o" } });
    let cases = [
        ("actor/mbox", json!("http://should.fail.com"), "statement.actor.mbox"),
        (
            "actor/openid",
            json!("http://example.com/me"),
            "statement.actor: has more than one",
        ),
        ("verb/id", json!("not an iri"), "statement.verb.id"),
        ("verb/display", json!("done"), "statement.verb.display"),
        ("object/id", json!("example.com/no-scheme"), "statement.object.id"),
        ("object", sub, "statement.object.actor.mbox"),
        ("result/score/scaled", json!(1.5), "statement.result.score.scaled"),
        ("result/duration", json!("PT1X"), "statement.result.duration"),
        ("result/success", Value::Null, "\"success\" must not be null"),
        ("context/registration", json!("abc"), "statement.context.registration"),
        (
            "context/contextActivities/parent",
            json!([{ "id": "bad iri" }]),
            "statement.context.contextActivities.parent[0].id",
        ),
        ("context/language", json!("a12345"), "statement.context.language"),
        ("timestamp", json!("yesterday"), "statement.timestamp"),
        (
            "attachments",
            json!([{ "usageType": "urn:u", "display": {}, "contentType": "text/plain", "length": 1, "sha2": "xyz", "fileUrl": "http://example.com/f" }]),
            "statement.attachments[0].sha2",
        ),
        ("dummy", json!(1), "\"dummy\""),
    ];
    for (path, value, want) in cases {
        let s = set(stmt("a", "v", "x"), path, value);
        let r = app.post("/xapi/statements").auth(&c).json(&s).send().await.expect(400);
        assert!(
            r.message().contains(want),
            "{path}: {:?} does not mention {want:?}",
            r.message()
        );
    }
}

/// A forged paging token must be refused or answered, never crash the handler.
#[tokio::test]
async fn a_forged_more_token_is_not_a_server_error() {
    let app = TestApp::start().await;
    let c = app.tenant_cred("t").await;
    let token = kiroku::lrs::query::StatementQuery::default().more_token(i64::MIN, i64::MAX);
    let r = app
        .get(&q("/xapi/statements", &[("more", &token)]))
        .auth(&c)
        .send()
        .await;
    assert!(r.status.as_u16() < 500, "{}: {}", r.status, r.text());
}
