//! Notices by e-mail through a real SMTP server: the one `scripts/with-smtp.sh` starts
//! (`KIROKU_TEST_SMTP_HOST`/`PORT`/`DIR`; the tests that need it skip cleanly without
//! it), or one a test starts itself later (`KIROKU_TEST_SMTP_SINK`) to show that a
//! failed send is retried and then sent. Messages are read back as the server decoded
//! them (`scripts/smtp-sink.py` writes each as `.eml` and `.json`).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use kiroku::mail::MailConfig;
use kiroku::notice::delivery::RetryPolicy;
use kiroku::server::Redacted;
use serde_json::{Value, json};

use crate::accounts::{TOKEN, account, with_operator};
use crate::support::TestApp;

struct Smtp {
    host: String,
    port: u16,
    dir: PathBuf,
}

fn smtp() -> Option<Smtp> {
    let host = std::env::var("KIROKU_TEST_SMTP_HOST").ok()?;
    let port = std::env::var("KIROKU_TEST_SMTP_PORT").ok()?.parse().ok()?;
    let dir = std::env::var("KIROKU_TEST_SMTP_DIR").ok()?.into();
    Some(Smtp { host, port, dir })
}

fn mail(url: String, first_delay_ms: i64, max_attempts: u32) -> MailConfig {
    MailConfig {
        url: Redacted(url),
        from: "kiroku お知らせ <notices@kiroku.example>".into(),
        retry: RetryPolicy {
            first_delay_ms,
            max_attempts,
        },
    }
}

/// A fresh address, so tests sharing the one SMTP server find their own messages.
pub(crate) fn address(who: &str) -> String {
    format!("{who}-{}@example.jp", kiroku::id::new_uuid())
}

/// A tenant `acme` with a tenant admin at `email`.
async fn tenant_with_admin(app: &TestApp, email: &str) {
    app.tenant("acme").await;
    let mut realm = json!({"role": "tenant-admin", "tenant": "acme"});
    realm["email"] = json!(email);
    account(app, "admin@acme.example", realm).await;
}

async fn post_notice(app: &TestApp) -> String {
    let body = json!({
        "kind": "incident",
        "title": "障害のお知らせ：ログインできない状態です",
        "body": "現在、ログインできない状態が発生しています。\n復旧まで今しばらくお待ちください。🙏",
        "audience": "tenant",
        "tenant": "acme",
    });
    let r = app
        .post("/api/operator/v1/notices")
        .header("authorization", &format!("Bearer {TOKEN}"))
        .json(&body)
        .send()
        .await
        .expect(201)
        .json();
    assert_eq!(r["deliveries"].as_array().map(Vec::len), Some(1), "{r}");
    assert_eq!(
        r["deliveries"][0]["status"], "pending",
        "posting does not wait for SMTP: {r}"
    );
    r["id"].as_str().expect("id").to_owned()
}

/// The notice's one delivery as the operator API shows it.
async fn delivery(app: &TestApp, id: &str) -> Value {
    let n = app
        .get(&format!("/api/operator/v1/notices/{id}"))
        .header("authorization", &format!("Bearer {TOKEN}"))
        .send()
        .await
        .expect(200)
        .json();
    n["deliveries"][0].clone()
}

/// Polls the delivery until `done` holds (or fails after `secs`).
async fn wait_for(app: &TestApp, id: &str, secs: u64, done: impl Fn(&Value) -> bool) -> Value {
    let until = Instant::now() + Duration::from_secs(secs);
    loop {
        let d = delivery(app, id).await;
        if done(&d) {
            return d;
        }
        assert!(Instant::now() < until, "the delivery never got there: {d}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The decoded message sent to `to`, once it has arrived in `dir`.
pub(crate) async fn received(dir: &Path, to: &str) -> Value {
    received_with(dir, to, "[Incident / 障害]").await
}

/// The decoded message sent to `to` whose subject starts with `subject`.
async fn received_with(dir: &Path, to: &str, subject: &str) -> Value {
    let until = Instant::now() + Duration::from_secs(20);
    loop {
        for entry in std::fs::read_dir(dir).expect("read the mail folder").flatten() {
            let path = entry.path();
            if path.extension().is_some_and(|e| e == "json") {
                let m: Value = serde_json::from_slice(&std::fs::read(&path).expect("message")).expect("JSON");
                let mine = m["rcpt_tos"].as_array().is_some_and(|r| r.iter().any(|x| x == to));
                if mine && m["subject"].as_str().is_some_and(|s| s.starts_with(subject)) {
                    return m;
                }
            }
        }
        assert!(
            Instant::now() < until,
            "no message to {to} arrived in {}",
            dir.display()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

pub(crate) fn check_message(m: &Value, to: &str) {
    assert_eq!(m["to"], to, "{m}");
    assert_eq!(m["mail_from"], "notices@kiroku.example", "{m}");
    assert_eq!(
        m["subject"], "[Incident / 障害] 障害のお知らせ：ログインできない状態です",
        "{m}"
    );
    let body = m["body"].as_str().expect("body");
    assert!(body.contains("現在、ログインできない状態が発生しています。"), "{body}");
    assert!(body.contains("お待ちください。🙏"), "{body}");
    assert_eq!(m["charset"], "utf-8", "{m}");
    // The headers travel as ASCII, the subject's Japanese in RFC 2047 encoded words of UTF-8
    // (the sink decodes the raw headers as ASCII, so any other byte would show as U+FFFD).
    let headers = m["raw_headers"].as_str().expect("headers");
    assert!(!headers.contains('\u{FFFD}'), "{headers}");
    let subject = headers
        .to_ascii_lowercase()
        .split("\r\n")
        .skip_while(|l| !l.starts_with("subject:"))
        .take_while(|l| l.starts_with("subject:") || l.starts_with(' '))
        .collect::<String>();
    assert!(subject.contains("=?utf-8?"), "{headers}");
}

#[tokio::test]
async fn notice_smtp_email_reaches_the_tenant_admin() {
    let Some(s) = smtp() else {
        eprintln!("skipped: KIROKU_TEST_SMTP_HOST is not set (run under scripts/with-smtp.sh)");
        return;
    };
    let url = format!("smtp://{}:{}", s.host, s.port);
    let app = with_operator().mail(mail(url, 1000, 3)).start().await;
    let to = address("ann");
    tenant_with_admin(&app, &to).await;
    let id = post_notice(&app).await;
    check_message(&received(&s.dir, &to).await, &to);
    let d = wait_for(&app, &id, 20, |d| d["status"] == "sent").await;
    assert_eq!(d["attempts"], 1, "{d}");
    assert_eq!(d["address"], to.as_str());
    assert!(d["sentAt"].is_string() && d["lastError"].is_null(), "{d}");

    // The incident's resolution is e-mailed too, as a delivery of update 1.
    app.post(&format!("/api/operator/v1/notices/{id}/updates"))
        .header("authorization", &format!("Bearer {TOKEN}"))
        .json(&json!({"body": "ログインできるようになりました。", "resolve": true}))
        .send()
        .await
        .expect(200);
    let m = received_with(&s.dir, &to, "[Resolved / 復旧]").await;
    assert_eq!(
        m["subject"], "[Resolved / 復旧] 障害のお知らせ：ログインできない状態です",
        "{m}"
    );
    assert!(
        m["body"]
            .as_str()
            .is_some_and(|b| b.contains("ログインできるようになりました。")),
        "{m}"
    );
    let until = Instant::now() + Duration::from_secs(20);
    loop {
        let n = app
            .get(&format!("/api/operator/v1/notices/{id}"))
            .header("authorization", &format!("Bearer {TOKEN}"))
            .send()
            .await
            .expect(200)
            .json();
        let last = &n["deliveries"][1];
        if last["status"] == "sent" {
            assert_eq!(last["update"], 1, "{n}");
            break;
        }
        assert!(
            Instant::now() < until,
            "the update's e-mail was never recorded as sent: {n}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A loopback port nothing listens on (yet).
pub(crate) fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    l.local_addr().expect("address").port()
}

#[tokio::test]
async fn notice_smtp_down_is_retried_then_sent_once_the_server_is_up() {
    let Ok(sink) = std::env::var("KIROKU_TEST_SMTP_SINK") else {
        eprintln!("skipped: KIROKU_TEST_SMTP_SINK is not set (run under scripts/with-smtp.sh)");
        return;
    };
    let port = free_port();
    let app = with_operator()
        .mail(mail(format!("smtp://127.0.0.1:{port}"), 300, 20))
        .start()
        .await;
    let to = address("bob");
    tenant_with_admin(&app, &to).await;
    let id = post_notice(&app).await;
    let d = wait_for(&app, &id, 20, |d| d["attempts"].as_u64() >= Some(2)).await;
    assert_eq!(d["status"], "pending", "{d}");
    assert!(d["lastError"].as_str().is_some_and(|e| !e.is_empty()), "{d}");
    assert!(d["nextAttemptAt"].is_string(), "{d}");

    let dir = tempfile::tempdir().expect("mail folder");
    let _server = start_sink(&sink, port, dir.path());
    let d = wait_for(&app, &id, 30, |d| d["status"] == "sent").await;
    assert!(d["attempts"].as_u64() >= Some(3), "{d}");
    assert!(d["lastError"].is_null(), "{d}");
    check_message(&received(dir.path(), &to).await, &to);
}

/// Starts the test SMTP server (`KIROKU_TEST_SMTP_SINK`) on `port`, writing to `dir`.
pub(crate) fn start_sink(sink: &str, port: u16, dir: &Path) -> Stop {
    let mut parts = sink.split_whitespace();
    let program = parts.next().expect("a command");
    let child = std::process::Command::new(program)
        .args(parts)
        .arg(port.to_string())
        .arg(dir)
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("start the SMTP server");
    Stop(child)
}

/// Stops the SMTP server a test started, whatever the test's outcome.
pub(crate) struct Stop(pub std::process::Child);

impl Drop for Stop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn notice_smtp_failure_is_visible_after_bounded_attempts() {
    let port = free_port();
    let app = with_operator()
        .mail(mail(format!("smtp://127.0.0.1:{port}"), 100, 2))
        .start()
        .await;
    tenant_with_admin(&app, &address("cy")).await;
    let id = post_notice(&app).await;
    let d = wait_for(&app, &id, 20, |d| d["status"] == "failed").await;
    assert_eq!(d["attempts"], 2, "{d}");
    assert!(d["lastError"].as_str().is_some_and(|e| e.starts_with("SMTP")), "{d}");
    assert!(d["sentAt"].is_null() && d["nextAttemptAt"].is_null(), "{d}");
    // The page shows no e-mail detail; the API is where delivery status lives.
    assert_eq!(delivery(&app, &id).await["status"], "failed");
}
