//! The xAPI statements resource: statements made by mutating a valid one (timestamps,
//! durations, IRIs, language maps, mbox, extensions, numbers, unicode), batches, PUT,
//! signed statements and multipart framing, queries with hostile parameters and `more`
//! tokens (replayed, damaged and forged), credentials and version headers, and the
//! alternate request syntax. Acknowledged statement ids are kept for [`verify`].

use axum::http::Method;
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde_json::{Value, json};

use super::text::{
    MULTI, NUMBERS, Rng, deep, deep_text, flipped, hostile_id, hostile_text, insert_at_any_offset, pct, truncated,
};
use super::{Answer, Shot, Sweep, World};
use crate::data::sha256_hex;
use crate::support::basic;

fn uuid() -> String {
    kiroku::lrs::statement::new_uuid()
}

/// A valid statement with something of everything.
fn base_statement(rng: &mut Rng) -> Value {
    let n = rng.below(50);
    json!({
        "actor": {"objectType": "Agent", "name": "Sweep ünïcödé", "mbox": format!("mailto:sweep{n}@example.com")},
        "verb": {"id": format!("http://example.com/verbs/v{}", rng.below(5)), "display": {"en-US": "did", "ja": "した"}},
        "object": {
            "objectType": "Activity",
            "id": format!("http://example.com/activities/a{}", rng.below(20)),
            "definition": {"name": {"en-US": "An activity"}, "type": "http://adlnet.gov/expapi/activities/lesson"}
        },
        "result": {
            "score": {"scaled": 0.5, "raw": 5, "min": 0, "max": 10},
            "success": true, "completion": true, "duration": "PT1H2M3.5S",
            "extensions": {"http://example.com/ext/a": {"k": [1, 2, 3]}}
        },
        "context": {
            "registration": uuid(),
            "language": "en-US",
            "contextActivities": {"parent": [{"id": "http://example.com/activities/parent"}]},
            "extensions": {"http://example.com/ext/c": "v"}
        },
        "timestamp": "2024-05-01T12:00:00.123Z"
    })
}

const TIMESTAMPS: &[&str] = &[
    "9999-12-31T23:59:59.999999999-23:59",
    "9999-12-31T23:59:59.999Z",
    "0000-01-01T00:00:00Z",
    "0000-01-01T00:00:00+23:59",
    "+10000-01-01T00:00:00Z",
    "-0001-01-01T00:00:00Z",
    "2024-02-30T00:00:00Z",
    "2024-01-01T24:00:00Z",
    "2024-01-01T23:59:60Z",
    "2024-01-01T00:00:00.12345678901234567890123Z",
    "2024-01-01T00:00:00-00:00",
    "2024-01-01T00:00:00+99:99",
    "2024-01-01t00:00:00z",
    "2024-01-01",
    "2024-01-01T00:00:00",
    "２０２４-01-01T00:00:00Z",
    "",
];

const DURATIONS: &[&str] = &[
    "PT1H",
    "P1Y2M3DT4H5M6.7S",
    "PT",
    "P",
    "PT99999999999999999999999H",
    "P99999999999999999999Y",
    "PT1.5H",
    "-PT1H",
    "P1W",
    "P1W1D",
    "PT1,5S",
    "PT0.00000000000000000001S",
    "PT1H2M3.1234567S",
    "pt1h",
];

const IRIS: &[&str] = &[
    "http://例え.jp/動詞",
    "not an iri",
    "http://",
    "http://x/%zz",
    "urn:x",
    "javascript:alert(1)",
    "http://a b",
    "http://example.com/\u{0}",
    "http://example.com/\u{202E}evil",
    "HTTP://EXAMPLE.COM/A",
    "http://[::1]:99999/",
    "",
];

const MBOXES: &[&str] = &[
    "mailto:",
    "mailto:a@b",
    "a@example.com",
    "mailto:é@例え.jp",
    "MAILTO:a@example.com",
    "mailto:a@example.com?subject=x",
    "mailto:\u{0}@example.com",
    "mailto:a@example.com\n",
];

const LANGUAGES: &[&str] = &[
    "en-US",
    "",
    "en_US",
    "x-klingon",
    "日本",
    "en-US-u-ca-japanese",
    "i-klingon",
    "EN-us",
    "a-b-c-d-e-f-g-h-i-j-k-l",
    "zh-Hant-TW",
];

/// Sets `path` in `v` to `new`, turning whatever is not an object on the way into one.
fn set(v: &mut Value, path: &[&str], new: Value) {
    let mut at = v;
    for key in path {
        if !at.is_object() {
            *at = json!({});
        }
        at = &mut at[*key];
    }
    *at = new;
}

/// One change to a valid statement.
fn mutate(rng: &mut Rng, s: &mut Value) {
    match rng.below(22) {
        0 => set(s, &["timestamp"], json!(rng.pick(TIMESTAMPS))),
        1 => set(
            s,
            &["timestamp"],
            json!(insert_at_any_offset(rng, "2024-05-01T12:00:00.123Z")),
        ),
        2 => set(s, &["result", "duration"], json!(rng.pick(DURATIONS))),
        3 => set(
            s,
            &["result", "duration"],
            json!(insert_at_any_offset(rng, "PT1H2M3.5S")),
        ),
        4 => set(s, &["verb", "id"], json!(rng.pick(IRIS))),
        5 => set(
            s,
            &["object", "id"],
            json!(insert_at_any_offset(rng, "http://example.com/activities/a")),
        ),
        6 => {
            let lang = rng.pick(LANGUAGES);
            set(s, &["verb", "display"], json!({ lang: hostile_text(rng, "did") }));
        }
        7 => set(
            s,
            &["object", "definition", "name"],
            json!({ "en-US": rng.pick(NUMBERS).to_string() }),
        ),
        8 => set(s, &["actor", "mbox"], json!(rng.pick(MBOXES))),
        9 => set(
            s,
            &["actor", "mbox"],
            json!(insert_at_any_offset(rng, "mailto:sweep@example.com")),
        ),
        10 => {
            set(
                s,
                &["actor"],
                json!({"mbox_sha1sum": hostile_text(rng, "ebd31e95054c018b10727ccffd2ef2ec3a016ee9")}),
            );
        }
        11 => {
            let home = rng.pick(IRIS);
            set(
                s,
                &["actor"],
                json!({"account": {"homePage": home, "name": hostile_id(rng, "ann")}}),
            );
        }
        12 => {
            let depth = rng.pick(&[10, 60, 120, 126]);
            set(
                s,
                &["result", "extensions"],
                json!({ "http://example.com/ext/deep": deep(depth) }),
            );
        }
        13 => {
            let n = rng.pick(&[1000, 20_000, 50_000]);
            set(
                s,
                &["context", "extensions"],
                json!({ "http://example.com/ext/big": vec![1.5; n] }),
            );
        }
        14 => {
            let key = hostile_text(rng, "http://example.com/ext/k");
            set(
                s,
                &["context", "extensions"],
                json!({ key: rng.pick(MULTI).repeat(1000) }),
            );
        }
        15 => {
            let field = rng.pick(&["scaled", "raw", "min", "max"]);
            let v: Value = serde_json::from_str(rng.pick(NUMBERS)).unwrap_or(json!("x"));
            set(s, &["result", "score", field], v);
        }
        16 => set(s, &["actor", "name"], json!(hostile_text(rng, "Sweep"))),
        17 => set(s, &["context", "language"], json!(rng.pick(LANGUAGES))),
        18 => set(s, &["id"], json!(hostile_text(rng, &uuid()))),
        19 => set(
            s,
            &["version"],
            json!(rng.pick(&["1.0.0", "1.0.3", "2.0.0", "1.0.99", "3.0", "", "1.0"])),
        ),
        20 => {
            let sub = s.clone();
            set(
                s,
                &["object"],
                json!({"objectType": "SubStatement", "actor": sub["actor"], "verb": sub["verb"], "object": sub}),
            );
        }
        _ => {
            let what = rng.pick(&[
                "actor",
                "verb",
                "object",
                "result",
                "context",
                "timestamp",
                "authority",
                "stored",
            ]);
            let v: Value = serde_json::from_str(rng.pick(NUMBERS)).unwrap_or(Value::Null);
            set(s, &[what], v);
        }
    }
}

/// A statement with zero to three mutations.
fn statement(rng: &mut Rng) -> Value {
    let mut s = base_statement(rng);
    for _ in 0..rng.below(4) {
        mutate(rng, &mut s);
    }
    s
}

fn version(rng: &mut Rng) -> &'static str {
    rng.pick(&["1.0.3", "2.0.0", "2.0.0", "1.0.0"])
}

/// Keeps the ids a write acknowledged.
fn acknowledged(w: &mut World, s: &mut Sweep, a: &Answer, put: Option<&str>) {
    match (a.status, put) {
        (200, None) => match serde_json::from_slice::<Vec<String>>(&a.body) {
            Ok(ids) => w.statements.extend(ids),
            Err(_) => s.fail(format!(
                "a 200 on POST without a list of ids: {}",
                String::from_utf8_lossy(&a.body)
            )),
        },
        (204, Some(id)) => w.statements.push(id.to_owned()),
        _ => {}
    }
}

/// `POST` and `PUT /xapi/statements`: single statements, batches, raw bodies, multipart.
pub async fn write(w: &mut World, s: &mut Sweep, rng: &mut Rng) {
    let url = w.url("/xapi/statements");
    let shot = Shot::new("xapi write", Method::POST, url.clone())
        .auth(&w.xapi)
        .header("x-experience-api-version", version(rng));
    match rng.below(10) {
        0..=2 => {
            let st = statement(rng);
            if let Some(a) = s.send(shot.json(&st)).await {
                acknowledged(w, s, &a, None);
            }
        }
        3 | 4 => {
            let n = rng.pick(&[0, 1, 2, 5, 20, 50, 200]);
            let mut batch: Vec<Value> = (0..n).map(|_| statement(rng)).collect();
            if n > 1 && rng.chance(20) {
                let id = uuid();
                batch[0]["id"] = json!(id);
                batch[n - 1]["id"] = json!(id);
            }
            if let Some(a) = s.send(shot.json(&json!(batch))).await {
                acknowledged(w, s, &a, None);
            }
        }
        5 | 6 => {
            let id = if rng.chance(80) {
                uuid()
            } else {
                hostile_id(rng, &uuid())
            };
            let mut st = statement(rng);
            if rng.chance(20) {
                st["id"] = json!(uuid());
            }
            let put = Shot {
                method: Method::PUT,
                url: format!("{url}?statementId={}", pct(&id)),
                ..shot
            }
            .json(&st);
            if let Some(a) = s.send(put).await {
                acknowledged(w, s, &a, Some(&id));
            }
        }
        7 => {
            let body = statement(rng).to_string().into_bytes();
            let (ct, body) = match rng.below(5) {
                0 => ("application/json", truncated(rng, &body)),
                1 => ("application/json", flipped(rng, &body)),
                2 => (
                    "application/json",
                    deep_text(rng.pick(&[127, 128, 129, 5000])).into_bytes(),
                ),
                3 => ("text/plain", body),
                _ => ("application/json; charset=latin1", body),
            };
            if let Some(a) = s.send(shot.body(ct, body)).await {
                acknowledged(w, s, &a, None);
            }
        }
        _ => {
            let (ct, body) = w.signed.multipart(rng);
            if let Some(a) = s
                .send(shot.header("x-experience-api-version", "1.0.3").body(&ct, body))
                .await
            {
                acknowledged(w, s, &a, None);
            }
        }
    }
}

/// A signed statement, signed once at the start.
pub struct Signed {
    statement: Value,
    jws: String,
}

impl Signed {
    pub fn build() -> Self {
        use rsa::pkcs1v15::SigningKey;
        use rsa::pkcs8::DecodePrivateKey;
        use rsa::signature::{SignatureEncoding, Signer};
        let cert = std::fs::read("fixtures/jws/cert.der").expect("the test certificate");
        let key = std::fs::read("fixtures/jws/key.pk8.der").expect("the test key");
        let statement = json!({
            "actor": {"mbox": "mailto:signer@example.com"},
            "verb": {"id": "http://example.com/verbs/signed"},
            "object": {"id": "http://example.com/activities/signed"}
        });
        let header = json!({ "alg": "RS256", "x5c": [STANDARD.encode(cert)] });
        let input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(statement.to_string())
        );
        let key = rsa::RsaPrivateKey::from_pkcs8_der(&key).expect("the test key parses");
        let sig = SigningKey::<sha2::Sha256>::new(key).sign(input.as_bytes());
        let jws = format!("{input}.{}", URL_SAFE_NO_PAD.encode(sig.to_bytes()));
        Signed { statement, jws }
    }

    /// A signed statement as multipart/mixed: well formed, or damaged in one way.
    fn multipart(&self, rng: &mut Rng) -> (String, Vec<u8>) {
        let mut statement = self.statement.clone();
        let mut jws = self.jws.clone();
        let mut boundary = "sweep-boundary-3141592653".to_owned();
        let mut crlf = "\r\n";
        let mut close = true;
        let mut part_headers: Vec<String> = Vec::new();
        match rng.below(14) {
            0 => jws = String::from_utf8_lossy(&flipped(rng, jws.as_bytes())).into_owned(),
            1 => statement["verb"]["id"] = json!("http://example.com/verbs/other"),
            2 => {
                let head =
                    URL_SAFE_NO_PAD.encode(json!({"alg": rng.pick(&["none", "HS256", "RS512", ""])}).to_string());
                let rest = jws.split_once('.').map(|(_, r)| r.to_owned()).unwrap_or_default();
                jws = format!("{head}.{rest}");
            }
            3 => jws = (rng.pick(&["", ".", "..", "a.b", "a.b.c.d", "\u{0}"])).to_owned(),
            4 => boundary = "b".repeat(rng.pick(&[70, 71, 200, 60_000])),
            5 => boundary = insert_at_any_offset(rng, &boundary),
            6 => crlf = "\n",
            7 => close = false,
            8 => part_headers.push(format!("X-Big: {}", "h".repeat(100_000))),
            9 => part_headers.push("no colon here".into()),
            10 => boundary = (rng.pick(&["", " ", "\"\"", "a\"b", "--", "a;b=c"])).to_owned(),
            _ => {}
        }
        let hash = if rng.chance(10) {
            sha256_hex(b"other")
        } else {
            sha256_hex(jws.as_bytes())
        };
        statement["attachments"] = json!([{
            "usageType": "http://adlnet.gov/expapi/attachments/signature",
            "display": {"en-US": "signature"},
            "contentType": "application/octet-stream",
            "length": jws.len(),
            "sha2": hash,
        }]);
        let mut parts = vec![
            (vec!["Content-Type: application/json".to_owned()], statement.to_string()),
            (
                vec![
                    "Content-Type: application/octet-stream".to_owned(),
                    "Content-Transfer-Encoding: binary".to_owned(),
                    format!("X-Experience-API-Hash: {hash}"),
                ],
                jws,
            ),
        ];
        if rng.chance(10) && part_headers.is_empty() {
            for _ in 0..rng.pick(&[10, 1000]) {
                parts.push((vec!["Content-Type: text/plain".to_owned()], "x".into()));
            }
        }
        let mut body = String::new();
        for (mut headers, content) in parts {
            headers.extend(part_headers.iter().cloned());
            body.push_str(&format!("--{boundary}{crlf}"));
            for h in headers {
                body.push_str(&format!("{h}{crlf}"));
            }
            body.push_str(crlf);
            body.push_str(&content);
            body.push_str(crlf);
        }
        if close {
            body.push_str(&format!("--{boundary}--{crlf}"));
        }
        let quoted = if rng.chance(20) {
            format!("\"{boundary}\"")
        } else {
            boundary
        };
        (format!("multipart/mixed; boundary={quoted}"), body.into_bytes())
    }
}

/// A `more` token for a query the client should never be able to write.
fn forged_more(rng: &mut Rng) -> String {
    let big = rng.pick(&[i64::MIN, -1, 0, i64::MAX]);
    let q = json!({
        "agent": if rng.chance(50) { json!(hostile_text(rng, "mbox:mailto:a@example.com")) } else { Value::Null },
        "related_agents": rng.chance(50),
        "verb": Value::Null,
        "activity": if rng.chance(30) { json!("x".repeat(10_000)) } else { Value::Null },
        "related_activities": rng.chance(50),
        "registration": if rng.chance(30) { json!("not-a-uuid") } else { Value::Null },
        "since": if rng.chance(50) { json!(big) } else { Value::Null },
        "until": if rng.chance(50) { json!(big) } else { Value::Null },
        "limit": rng.pick(&[0u64, 1, 500, 501, u64::from(u32::MAX)]),
        "ascending": rng.chance(50),
        "format": rng.pick(&["Ids", "Exact", "Canonical"]),
        "attachments": rng.chance(30),
        "after_seq": if rng.chance(70) { json!(big) } else { Value::Null },
        "upto_seq": if rng.chance(70) { json!(big) } else { Value::Null },
        "mine": if rng.chance(30) { json!("someone-else") } else { Value::Null },
    });
    URL_SAFE_NO_PAD.encode(q.to_string())
}

/// One query parameter with a value that is usually right and sometimes hostile.
fn param(rng: &mut Rng, w: &World) -> (&'static str, String) {
    let name = rng.pick(&[
        "agent",
        "verb",
        "activity",
        "registration",
        "related_activities",
        "related_agents",
        "since",
        "until",
        "limit",
        "format",
        "attachments",
        "ascending",
        "statementId",
        "voidedStatementId",
        "unknown",
    ]);
    let value = match name {
        "agent" => match rng.below(4) {
            0 => json!({"mbox": format!("mailto:sweep{}@example.com", rng.below(50))}).to_string(),
            1 => json!({"account": {"homePage": rng.pick(IRIS), "name": hostile_id(rng, "ann")}}).to_string(),
            2 => deep(rng.pick(&[10, 127, 200])).to_string(),
            _ => hostile_text(rng, r#"{"mbox":"mailto:a@example.com"}"#),
        },
        "verb" | "activity" => (rng.pick(IRIS)).to_owned(),
        "registration" => w
            .registrations
            .first()
            .map(|r| hostile_text(rng, r))
            .unwrap_or_default(),
        "since" | "until" => (rng.pick(TIMESTAMPS)).to_owned(),
        "limit" => (rng.pick(NUMBERS)).to_owned(),
        "format" => (rng.pick(&["ids", "exact", "canonical", "IDS", ""])).to_owned(),
        "statementId" | "voidedStatementId" => match w.statements.last() {
            Some(id) if rng.chance(50) => id.clone(),
            _ => hostile_text(rng, &uuid()),
        },
        _ => (rng.pick(&["true", "false", "1", "", "TRUE"])).to_owned(),
    };
    (name, value)
}

/// `GET /xapi/statements` with hostile parameters and `more` tokens.
pub async fn query(w: &mut World, s: &mut Sweep, rng: &mut Rng) {
    let query = match rng.below(8) {
        0 if !w.more.is_empty() => {
            let token = w.more[rng.below(w.more.len())].clone();
            let token = match rng.below(3) {
                0 => token,
                1 => String::from_utf8_lossy(&flipped(rng, token.as_bytes())).into_owned(),
                _ => insert_at_any_offset(rng, &token),
            };
            format!("more={}", pct(&token))
        }
        1 => format!("more={}", forged_more(rng)),
        2 => "limit=1&limit=2".into(),
        _ => {
            let mut q = form_urlencoded::Serializer::new(String::new());
            for _ in 0..rng.below(4) {
                let (k, v) = param(rng, w);
                q.append_pair(k, &v);
            }
            q.finish()
        }
    };
    let mut shot = Shot::new("xapi query", Method::GET, w.url(&format!("/xapi/statements?{query}")))
        .auth(&w.xapi)
        .header("x-experience-api-version", version(rng));
    if rng.chance(20) {
        shot = shot.header(
            "accept-language",
            rng.pick(&["ja, en;q=0.5", "*", "", "en-US;q=2", "日本"]),
        );
    }
    if let Some(a) = s.send(shot).await
        && a.status == 200
        && let Some(more) = a.json()["more"].as_str()
        && let Some((_, token)) = more.split_once("more=")
        && w.more.len() < 50
    {
        w.more.push(token.to_owned());
    }
}

/// Requests with broken credentials or version headers on every xAPI resource.
pub async fn auth_and_version(w: &mut World, s: &mut Sweep, rng: &mut Rng) {
    let path = rng.pick(&[
        "/xapi/about",
        "/xapi/statements",
        "/xapi/activities?activityId=http%3A%2F%2Fexample.com%2Factivities%2Fa1",
        "/xapi/agents?agent=%7B%22mbox%22%3A%22mailto%3Asweep1%40example.com%22%7D",
        "/xapi/unknown",
        "/xapi//statements",
        "/xapi/statements/../about",
        "/xapi/%2e%2e/api/v1/learners",
        "/xapi/activities/state",
    ]);
    let mut shot = Shot::new("auth/version", Method::GET, w.url(path));
    let key = w.xapi.key.clone();
    shot = match rng.below(9) {
        0 => shot,
        1 => shot.header("authorization", "Basic"),
        2 => shot.header("authorization", "Basic !!!not base64!!!"),
        3 => shot.header("authorization", &format!("Basic {}", STANDARD.encode(&key))),
        4 => shot.header("authorization", &basic(&key, "wrong")),
        5 => shot.header("authorization", &basic(&insert_at_any_offset(rng, &key), "日本")),
        6 => shot.header(
            "authorization",
            &format!("Bearer {}", "x".repeat(rng.pick(&[10, 60_000]))),
        ),
        7 => shot.header("authorization", &basic(&hostile_id(rng, &key), &w.xapi.secret)),
        _ => shot.auth(&w.xapi),
    };
    let v = rng.pick(&[
        "",
        "1.0",
        "1.0.3",
        "2.0",
        "2.0.0 ",
        "1.0.99",
        "٢.0.0",
        "1.0.3, 2.0.0",
        "0.95",
        "2.0.0\u{0}",
    ]);
    if rng.chance(80) {
        shot = shot.header("x-experience-api-version", v);
    }
    s.send(shot).await;
}

/// `POST ?method=…` with a form body carrying headers, parameters and content.
pub async fn alternate(w: &mut World, s: &mut Sweep, rng: &mut Rng) {
    let method = rng.pick(&["PUT", "GET", "POST", "DELETE", "HEAD", "FOO", "put", ""]);
    let mut form = form_urlencoded::Serializer::new(String::new());
    if rng.chance(80) {
        form.append_pair("Authorization", &w.xapi.basic());
    }
    form.append_pair("X-Experience-API-Version", version(rng));
    let mut put_id = None;
    match rng.below(4) {
        0 => {
            let id = uuid();
            form.append_pair("statementId", &id);
            put_id = Some(id);
            form.append_pair("content", &statement(rng).to_string());
        }
        1 => {
            form.append_pair(
                "Content-Type",
                rng.pick(&["application/json", "text/plain", "日本", "\u{0}"]),
            );
            form.append_pair("content", &hostile_text(rng, "{}"));
        }
        2 => {
            form.append_pair("limit", rng.pick(NUMBERS));
            form.append_pair(&hostile_text(rng, "unknown"), "x");
        }
        _ => {}
    }
    let mut body = form.finish().into_bytes();
    if rng.chance(20) {
        body.extend_from_slice(b"&%zz=%ff%fe&content=%");
    }
    let url = w.url(&format!("/xapi/statements?method={}", pct(method)));
    let ct = rng.pick(&[
        "application/x-www-form-urlencoded",
        "application/x-www-form-urlencoded; charset=UTF-8",
        "text/plain",
    ]);
    let shot = Shot::new("alternate syntax", Method::POST, url).body(ct, body);
    let Some(a) = s.send(shot).await else { return };
    if method.eq_ignore_ascii_case("put") {
        acknowledged(w, s, &a, put_id.as_deref());
    } else if method.eq_ignore_ascii_case("post") {
        acknowledged(w, s, &a, None);
    }
}

/// Reads every acknowledged statement back by id (or as voided); returns how many.
pub async fn verify(w: &mut World, s: &mut Sweep) -> usize {
    let ids = std::mem::take(&mut w.statements);
    for id in &ids {
        let mut found = false;
        for param in ["statementId", "voidedStatementId"] {
            let url = w.url(&format!("/xapi/statements?{param}={id}"));
            let shot = Shot::new("read back", Method::GET, url)
                .auth(&w.xapi)
                .header("x-experience-api-version", "2.0.0");
            if let Some(a) = s.send(shot).await
                && a.status == 200
            {
                if a.json()["id"].as_str() != Some(id.as_str()) {
                    s.fail(format!(
                        "statement {id} read back as {}",
                        String::from_utf8_lossy(&a.body)
                    ));
                }
                found = true;
                break;
            }
        }
        if !found {
            s.fail(format!("statement {id} was acknowledged and cannot be read back"));
        }
    }
    ids.len()
}
