//! Crash durability with the real binary: every acknowledged write survives `kill -9`,
//! and the CLI can manage tenants and credentials while `serve` runs on the same data.

use axum::http::Method;
use serde_json::{Value, json};

use crate::data::{q, stmt, uuid, with_id};
use crate::documents::STATE;
use crate::process::{Kiroku, Server};
use crate::support::{Cred, HttpClient, Req, Resp, http_client};

pub(crate) async fn send(
    client: &HttpClient,
    server: &Server,
    method: Method,
    path: &str,
    c: &Cred,
    body: Option<&Value>,
) -> Resp {
    let mut req = Req::new(client, method, server.url(path)).auth(c);
    if let Some(b) = body {
        req = req.json(b);
    }
    req.send().await
}

/// Checks that every acknowledged statement is stored exactly as sent.
async fn assert_all_present(client: &HttpClient, server: &Server, c: &Cred, acked: &[Value]) {
    for s in acked {
        let id = s["id"].as_str().expect("id");
        let r = send(
            client,
            server,
            Method::GET,
            &q("/xapi/statements", &[("statementId", id)]),
            c,
            None,
        )
        .await;
        let got = r.expect(200).json();
        assert_eq!(got["actor"], s["actor"], "statement {id} changed");
    }
}

fn numbered(i: usize) -> Value {
    with_id(stmt(&format!("learner{i}"), "crashed", "x"), &uuid())
}

#[tokio::test]
async fn acknowledged_writes_survive_kill_9() {
    let k = Kiroku::new();
    k.ok(&["tenant", "create", "t"]);
    let c = k.credential("t");
    let client = http_client();
    let mut acked: Vec<Value> = Vec::new();

    let server = k.serve();
    let batch: Vec<Value> = (0..25).map(numbered).collect();
    send(
        &client,
        &server,
        Method::POST,
        "/xapi/statements",
        &c,
        Some(&json!(batch)),
    )
    .await
    .expect(200);
    server.kill();
    acked.extend(batch);

    for round in 0..4 {
        let server = k.serve();
        assert_all_present(&client, &server, &c, &acked).await;
        let s = numbered(100 + round);
        if round % 2 == 0 {
            let path = q("/xapi/statements", &[("statementId", s["id"].as_str().expect("id"))]);
            send(&client, &server, Method::PUT, &path, &c, Some(&s))
                .await
                .expect(204);
        } else {
            send(&client, &server, Method::POST, "/xapi/statements", &c, Some(&s))
                .await
                .expect(200);
        }
        server.kill();
        acked.push(s);
    }

    let server = k.serve();
    assert_all_present(&client, &server, &c, &acked).await;
    let all = send(&client, &server, Method::GET, "/xapi/statements", &c, None)
        .await
        .expect(200)
        .json();
    assert_eq!(
        all["statements"].as_array().map(Vec::len),
        Some(acked.len()),
        "nothing more, nothing less"
    );
}

#[tokio::test]
async fn an_acknowledged_document_survives_kill_9() {
    let k = Kiroku::new();
    k.ok(&["tenant", "create", "t"]);
    let c = k.credential("t");
    let client = http_client();
    let doc = json!({ "progress": 42 });
    let server = k.serve();
    let put = Req::new(&client, Method::PUT, server.url(&STATE.url(Some("s"), &[])))
        .auth(&c)
        .json(&doc);
    put.send().await.expect(204);
    server.kill();
    let server = k.serve();
    let r = send(&client, &server, Method::GET, &STATE.url(Some("s"), &[]), &c, None).await;
    assert_eq!(r.expect(200).json(), doc);
}

#[tokio::test]
async fn the_cli_manages_credentials_while_serve_runs() {
    let k = Kiroku::new();
    k.ok(&["tenant", "create", "first"]);
    let server = k.serve();
    let client = http_client();
    k.ok(&["tenant", "create", "second"]);
    let names: Vec<Value> = k
        .json(&["tenant", "list"])
        .as_array()
        .expect("list")
        .iter()
        .map(|t| t["name"].clone())
        .collect();
    assert_eq!(names, vec![json!("first"), json!("second")]);
    let (c, spare) = (k.credential("second"), k.credential("second"));
    let post = |c: &Cred| {
        Req::new(&client, Method::POST, server.url("/xapi/statements"))
            .auth(c)
            .json(&stmt("a", "v", "x"))
            .send()
    };
    post(&c).await.expect(200);
    k.ok(&["credential", "revoke", "second", &c.key]);
    post(&c).await.expect(401);
    let r = Req::new(&client, Method::GET, server.url("/xapi/statements"))
        .auth(&c)
        .send()
        .await
        .expect(401);
    assert!(r.header("www-authenticate").is_some());
    post(&spare).await.expect(200);
}
