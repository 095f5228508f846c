//! xAPI fixtures and small encoders: statements, agents, query strings, multipart bodies,
//! and the statement-level calls most tests make.

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::support::{Cred, Resp, TestApp};

pub fn uuid() -> String {
    kiroku::lrs::statement::new_uuid()
}

pub fn mbox(name: &str) -> String {
    format!("mailto:{name}@example.com")
}

pub fn agent(name: &str) -> Value {
    json!({ "objectType": "Agent", "name": name, "mbox": mbox(name) })
}

/// The query-parameter form of an agent: its IFI only.
pub fn agent_param(name: &str) -> String {
    json!({ "mbox": mbox(name) }).to_string()
}

pub fn verb(name: &str) -> String {
    format!("http://example.com/verbs/{name}")
}

pub fn activity(name: &str) -> String {
    format!("http://example.com/activities/{name}")
}

/// `actor` did `verb` on `activity` (all short names).
pub fn stmt(actor: &str, verb_name: &str, activity_name: &str) -> Value {
    json!({
        "actor": agent(actor),
        "verb": { "id": verb(verb_name), "display": { "en-US": verb_name } },
        "object": { "objectType": "Activity", "id": activity(activity_name) },
    })
}

pub fn with_id(mut s: Value, id: &str) -> Value {
    s["id"] = json!(id);
    s
}

/// A statement voiding `target`.
pub fn voiding(actor: &str, target: &str) -> Value {
    json!({
        "actor": agent(actor),
        "verb": { "id": kiroku::lrs::VOIDED_VERB, "display": { "en-US": "voided" } },
        "object": { "objectType": "StatementRef", "id": target },
    })
}

/// `path?k=v&…` with the values form-encoded.
pub fn q(path: &str, params: &[(&str, &str)]) -> String {
    if params.is_empty() {
        return path.to_owned();
    }
    let mut s = form_urlencoded::Serializer::new(String::new());
    for (k, v) in params {
        s.append_pair(k, v);
    }
    format!("{path}?{}", s.finish())
}

pub fn sha256_hex(data: &[u8]) -> String {
    Sha256::digest(data).iter().map(|b| format!("{b:02x}")).collect()
}

/// The `attachments` entry declaring `content`.
pub fn attachment_decl(content: &[u8], content_type: &str) -> Value {
    json!({
        "usageType": "http://example.com/attachment-usage/test",
        "display": { "en-US": "test attachment" },
        "contentType": content_type,
        "length": content.len(),
        "sha2": sha256_hex(content),
    })
}

/// One multipart part: its header lines and its bytes.
pub type Part<'a> = (Vec<String>, &'a [u8]);

/// The headers of a well-formed attachment part.
pub fn attachment_headers(content: &[u8], content_type: &str) -> Vec<String> {
    vec![
        format!("Content-Type: {content_type}"),
        "Content-Transfer-Encoding: binary".into(),
        format!("X-Experience-API-Hash: {}", sha256_hex(content)),
    ]
}

pub const BOUNDARY: &str = "-------314159265358979323846";

/// A multipart/mixed body: the statements part, then `parts`.
pub fn multipart(statements: &Value, parts: &[Part]) -> Vec<u8> {
    let json = statements.to_string();
    let mut all: Vec<Part> = vec![(vec!["Content-Type: application/json".into()], json.as_bytes())];
    all.extend(parts.iter().cloned());
    let mut out = Vec::new();
    for (headers, body) in all {
        out.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        for h in headers {
            out.extend_from_slice(format!("{h}\r\n").as_bytes());
        }
        out.extend_from_slice(b"\r\n");
        out.extend_from_slice(body);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    out
}

pub fn multipart_type() -> String {
    format!("multipart/mixed; boundary={BOUNDARY}")
}

/// A part of a multipart response: lowercased header names with values, and the bytes.
#[derive(Debug)]
pub struct OutPart {
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl OutPart {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|i| i + from)
}

/// Splits a `multipart/mixed` response, checking its framing on the way.
pub fn parse_multipart(resp: &Resp) -> Vec<OutPart> {
    let ct = resp.header("content-type").expect("content type");
    let boundary = ct
        .strip_prefix("multipart/mixed; boundary=")
        .unwrap_or_else(|| panic!("not multipart/mixed with an unquoted boundary: {ct}"));
    assert!(!boundary.contains('"'), "quoted boundary: {ct}");
    let body = &resp.body[..];
    let delim = format!("--{boundary}");
    let end = format!("\r\n--{boundary}");
    assert!(
        body.starts_with(delim.as_bytes()),
        "body does not start with the boundary"
    );
    let mut pos = delim.len();
    let mut parts = Vec::new();
    while !body[pos..].starts_with(b"--") {
        let head_start = pos + 2;
        let head_end = find(body, b"\r\n\r\n", head_start).expect("part headers end");
        let headers = std::str::from_utf8(&body[head_start..head_end])
            .expect("UTF-8 headers")
            .split("\r\n")
            .map(|l| {
                let (k, v) = l.split_once(':').expect("header colon");
                (k.trim().to_ascii_lowercase(), v.trim().to_owned())
            })
            .collect();
        let stop = find(body, end.as_bytes(), head_end + 4).expect("part end");
        parts.push(OutPart {
            headers,
            body: body[head_end + 4..stop].to_vec(),
        });
        pos = stop + end.len();
    }
    parts
}

impl TestApp {
    /// POSTs statements (one or an array) and returns the ids, asserting 200.
    pub async fn store_statements(&self, c: &Cred, body: &Value) -> Vec<String> {
        let r = self
            .post("/xapi/statements")
            .auth(c)
            .json(body)
            .send()
            .await
            .expect(200);
        serde_json::from_value(r.json()).expect("an array of ids")
    }

    /// POSTs one statement and returns its id.
    pub async fn store(&self, c: &Cred, s: &Value) -> String {
        self.store_statements(c, s).await.remove(0)
    }

    pub async fn statement(&self, c: &Cred, id: &str) -> Resp {
        self.get(&q("/xapi/statements", &[("statementId", id)]))
            .auth(c)
            .send()
            .await
    }

    pub async fn voided_statement(&self, c: &Cred, id: &str) -> Resp {
        self.get(&q("/xapi/statements", &[("voidedStatementId", id)]))
            .auth(c)
            .send()
            .await
    }

    /// A statement query's result, asserting 200.
    pub async fn query(&self, c: &Cred, params: &[(&str, &str)]) -> Value {
        self.get(&q("/xapi/statements", params))
            .auth(c)
            .send()
            .await
            .expect(200)
            .json()
    }

    /// The ids a statement query returns, in order.
    pub async fn query_ids(&self, c: &Cred, params: &[(&str, &str)]) -> Vec<String> {
        ids_of(&self.query(c, params).await)
    }
}

/// The ids of a StatementResult's statements, in order.
pub fn ids_of(result: &Value) -> Vec<String> {
    result["statements"]
        .as_array()
        .unwrap_or_else(|| panic!("not a StatementResult: {result}"))
        .iter()
        .map(|s| s["id"].as_str().expect("statement id").to_owned())
        .collect()
}
