//! Statements with attachments: multipart/mixed requests in, `attachments=true`
//! multipart responses out.

use serde_json::{Value, json};

use crate::data::{
    attachment_decl, attachment_headers, multipart, multipart_type, parse_multipart, q, sha256_hex, stmt, uuid,
};
use crate::support::{Cred, TestApp};

const TEXT: &[u8] = b"here is a simple attachment";

fn binary() -> Vec<u8> {
    (0..=255u8).chain(b"\r\n--not-a-boundary\r\n".iter().copied()).collect()
}

fn with_attachments(mut s: Value, decls: Vec<Value>) -> Value {
    s["attachments"] = Value::Array(decls);
    s
}

/// Posts two statements sharing the text attachment, the second also with a binary one.
async fn post_two(app: &TestApp, c: &Cred) -> Vec<String> {
    let bin = binary();
    let s1 = with_attachments(stmt("a", "v", "x"), vec![attachment_decl(TEXT, "text/plain")]);
    let s2 = with_attachments(
        stmt("b", "v", "x"),
        vec![
            attachment_decl(TEXT, "text/plain"),
            attachment_decl(&bin, "application/octet-stream"),
        ],
    );
    let body = multipart(
        &json!([s1, s2]),
        &[
            (attachment_headers(TEXT, "text/plain"), TEXT),
            (attachment_headers(&bin, "application/octet-stream"), &bin),
        ],
    );
    let r = app
        .post("/xapi/statements")
        .auth(c)
        .body(&multipart_type(), body)
        .send()
        .await;
    serde_json::from_value(r.expect(200).json()).expect("ids")
}

#[tokio::test]
async fn a_single_statement_comes_back_with_its_attachments() {
    let app = TestApp::start().await;
    let c = app.tenant_cred("t").await;
    let ids = post_two(&app, &c).await;
    let path = q("/xapi/statements", &[("statementId", &ids[1]), ("attachments", "true")]);
    let r = app.get(&path).auth(&c).send().await.expect(200);
    let parts = parse_multipart(&r);
    assert_eq!(parts.len(), 3);
    assert_eq!(parts[0].header("content-type"), Some("application/json"));
    let s: Value = serde_json::from_slice(&parts[0].body).expect("statement JSON");
    assert_eq!(s["id"], json!(ids[1]));
    let bin = binary();
    for (content, ct) in [(TEXT.to_vec(), "text/plain"), (bin, "application/octet-stream")] {
        let hash = sha256_hex(&content);
        let part = parts[1..]
            .iter()
            .find(|p| p.header("x-experience-api-hash") == Some(hash.as_str()))
            .unwrap_or_else(|| panic!("no part for {hash}"));
        assert_eq!(part.body, content);
        assert_eq!(part.header("content-type"), Some(ct));
        assert_eq!(part.header("content-transfer-encoding"), Some("binary"));
        assert_eq!(
            r.text().matches(&hash).count(),
            2,
            "{hash} once in the JSON, once as a header"
        );
    }
    let plain = app
        .get(&path.replace("attachments=true", "attachments=false"))
        .auth(&c)
        .send()
        .await;
    assert!(
        plain
            .expect(200)
            .header("content-type")
            .unwrap_or("")
            .starts_with("application/json")
    );
}

#[tokio::test]
async fn a_query_with_attachments_sends_each_distinct_attachment_once() {
    let app = TestApp::start().await;
    let c = app.tenant_cred("t").await;
    let ids = post_two(&app, &c).await;
    let r = app
        .get("/xapi/statements?attachments=true")
        .auth(&c)
        .send()
        .await
        .expect(200);
    let parts = parse_multipart(&r);
    let result: Value = serde_json::from_slice(&parts[0].body).expect("StatementResult");
    assert_eq!(crate::data::ids_of(&result), vec![ids[1].clone(), ids[0].clone()]);
    let mut hashes: Vec<&str> = parts[1..]
        .iter()
        .filter_map(|p| p.header("x-experience-api-hash"))
        .collect();
    hashes.sort_unstable();
    let mut want = vec![sha256_hex(TEXT), sha256_hex(&binary())];
    want.sort();
    assert_eq!(hashes, want);
}

#[tokio::test]
async fn put_accepts_multipart_too() {
    let app = TestApp::start().await;
    let c = app.tenant_cred("t").await;
    let id = uuid();
    let s = with_attachments(stmt("a", "v", "x"), vec![attachment_decl(TEXT, "text/plain")]);
    let body = multipart(&s, &[(attachment_headers(TEXT, "text/plain"), TEXT)]);
    let path = q("/xapi/statements", &[("statementId", &id)]);
    app.put(&path)
        .auth(&c)
        .body(&multipart_type(), body)
        .send()
        .await
        .expect(204);
    let got = app
        .get(&format!("{path}&attachments=true"))
        .auth(&c)
        .send()
        .await
        .expect(200);
    let parts = parse_multipart(&got);
    assert_eq!(parts.len(), 2);
    assert_eq!(parts[1].body, TEXT);
}

#[tokio::test]
async fn file_url_attachments_need_no_part() {
    let app = TestApp::start().await;
    let c = app.tenant_cred("t").await;
    let mut decl = attachment_decl(b"remote content", "text/plain");
    decl["fileUrl"] = json!("http://example.com/remote.txt");
    let s = with_attachments(stmt("a", "v", "x"), vec![decl]);
    let id = app.store(&c, &s).await;
    let only_json = multipart(&s, &[]);
    app.post("/xapi/statements")
        .auth(&c)
        .body(&multipart_type(), only_json)
        .send()
        .await
        .expect(200);
    let path = q("/xapi/statements", &[("statementId", &id), ("attachments", "true")]);
    let parts = parse_multipart(&app.get(&path).auth(&c).send().await.expect(200));
    assert_eq!(parts.len(), 1, "nothing stored to send for a fileUrl attachment");
}

#[tokio::test]
async fn a_body_above_the_default_axum_limit_but_below_ours_is_accepted() {
    let app = TestApp::builder().body_limit(8 * 1024 * 1024).start().await;
    let c = app.tenant_cred("t").await;
    let big: Vec<u8> = (0..3 * 1024 * 1024u32).map(|i| (i % 251) as u8).collect();
    let s = with_attachments(
        stmt("a", "v", "x"),
        vec![attachment_decl(&big, "application/octet-stream")],
    );
    let body = multipart(&s, &[(attachment_headers(&big, "application/octet-stream"), &big)]);
    let r = app
        .post("/xapi/statements")
        .auth(&c)
        .body(&multipart_type(), body)
        .send()
        .await;
    let id = r.expect(200).json()[0].as_str().expect("id").to_owned();
    let path = q("/xapi/statements", &[("statementId", &id), ("attachments", "true")]);
    let parts = parse_multipart(&app.get(&path).auth(&c).send().await.expect(200));
    assert!(parts[1].body == big, "the 3 MiB attachment round-trips");
}
