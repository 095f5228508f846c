//! Notices' e-mails with the real binary: an account's `--email` from the command line,
//! `serve --smtp-url …`, and a delivery still pending when the server stops (its SMTP
//! server down) sent by the next server started on the same data once SMTP is up.

use std::time::{Duration, Instant};

use axum::http::Method;
use serde_json::{Value, json};

use crate::notices_smtp::{address, check_message, free_port, received, start_sink};
use crate::process::{Kiroku, Server};
use crate::support::{HttpClient, Req, http_client};

const TOKEN: &str = "operator-token-for-restarts";

async fn delivery(client: &HttpClient, server: &Server, id: &str) -> Value {
    let url = server.url(&format!("/api/operator/v1/notices/{id}"));
    let n = Req::new(client, Method::GET, url)
        .header("authorization", &format!("Bearer {TOKEN}"))
        .send()
        .await
        .expect(200)
        .json();
    n["deliveries"][0].clone()
}

async fn wait_for(client: &HttpClient, server: &Server, id: &str, done: impl Fn(&Value) -> bool) -> Value {
    let until = Instant::now() + Duration::from_secs(30);
    loop {
        let d = delivery(client, server, id).await;
        if done(&d) {
            return d;
        }
        assert!(Instant::now() < until, "the delivery never got there: {d}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn notice_smtp_pending_delivery_survives_a_restart() {
    let Ok(sink) = std::env::var("KIROKU_TEST_SMTP_SINK") else {
        eprintln!("skipped: KIROKU_TEST_SMTP_SINK is not set (run under scripts/with-smtp.sh)");
        return;
    };
    let k = Kiroku::new();
    k.ok(&["tenant", "create", "acme"]);
    let to = address("dai");
    let bad = k.run(&[
        "account",
        "create",
        "bad",
        "--role",
        "tenant-admin",
        "--tenant",
        "acme",
        "--email",
        "not an address",
    ]);
    assert!(!bad.status.success() && String::from_utf8_lossy(&bad.stderr).contains("e-mail address"));
    k.ok(&[
        "account",
        "create",
        "dai",
        "--role",
        "tenant-admin",
        "--tenant",
        "acme",
        "--email",
        &to,
    ]);

    let port = free_port();
    let smtp = format!("smtp://127.0.0.1:{port}");
    let flags = [
        "--operator-token",
        TOKEN,
        "--smtp-url",
        &smtp,
        "--smtp-from",
        "notices@kiroku.example",
        "--smtp-retry-seconds",
        "1",
        "--smtp-max-attempts",
        "20",
    ];
    let client = http_client();
    let first = k.serve_with_args(&[], &flags, "info");
    let body = json!({
        "kind": "incident",
        "title": "障害のお知らせ：ログインできない状態です",
        "body": "現在、ログインできない状態が発生しています。\n復旧まで今しばらくお待ちください。🙏",
        "audience": "tenant",
        "tenant": "acme",
    });
    let posted = Req::new(&client, Method::POST, first.url("/api/operator/v1/notices"))
        .header("authorization", &format!("Bearer {TOKEN}"))
        .json(&body)
        .send()
        .await
        .expect(201)
        .json();
    let id = posted["id"].as_str().expect("id").to_owned();
    let d = wait_for(&client, &first, &id, |d| d["attempts"].as_u64() >= Some(1)).await;
    assert_eq!(d["status"], "pending", "{d}");
    first.kill();

    let dir = tempfile::tempdir().expect("mail folder");
    let _smtp = start_sink(&sink, port, dir.path());
    let second = k.serve_with_args(&[], &flags, "info");
    let d = wait_for(&client, &second, &id, |d| d["status"] == "sent").await;
    assert!(d["lastError"].is_null() && d["sentAt"].is_string(), "{d}");
    check_message(&received(dir.path(), &to).await, &to);
}
