//! PostgreSQL stopped (as a crash: `pg_ctl stop -m immediate`) and started again under
//! sustained ingest, with the real binary: while it is down every request answers 503
//! with `Retry-After` (never a 500, never a hang), `/readyz` says not ready, the server
//! reconnects by itself once PostgreSQL is back, and every acknowledged statement is
//! stored. The figures it prints are the drill's (docs/operations.md, "Faults").

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::http::Method;
use serde_json::Value;

use crate::data::{stmt, uuid, with_id};
use crate::durability::send;
use crate::private_pg::PrivatePg;
use crate::process::{Kiroku, Server};
use crate::scratch_db::servers_on_postgres;
use crate::support::{Cred, HttpClient, Req, http_client};

/// Clients posting statements one by one, without pause.
const WRITERS: usize = 4;
/// How long ingest runs before PostgreSQL stops, while it is down, and after it is back.
const BEFORE: Duration = Duration::from_secs(3);
const DOWN: Duration = Duration::from_secs(4);
const AFTER: Duration = Duration::from_secs(4);
/// Longest the server may take to store statements again once PostgreSQL accepts
/// connections.
const RECONNECT_BOUND: Duration = Duration::from_secs(10);

/// One request's answer, and when it came.
struct Answer {
    at: Instant,
    status: u16,
    retry_after: bool,
    statement: Value,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_stopped_and_started_under_ingest_loses_nothing() {
    // Runs once, in the SQLite pass: it brings its own PostgreSQL server either way.
    if servers_on_postgres() {
        return;
    }
    let pg = PrivatePg::start();
    let k = Kiroku::on_database(pg.url());
    k.ok(&["tenant", "create", "t"]);
    let cred = k.credential("t");
    let server = k.serve();
    let statements = server.url("/xapi/statements");
    let client = http_client();
    let answers = Arc::new(Mutex::new(Vec::new()));
    let end = Instant::now() + BEFORE + DOWN + AFTER + RECONNECT_BOUND;
    let writers: Vec<_> = (0..WRITERS)
        .map(|w| {
            tokio::spawn(write_until(
                client.clone(),
                statements.clone(),
                cred.clone(),
                w,
                end,
                Arc::clone(&answers),
            ))
        })
        .collect();

    tokio::time::sleep(BEFORE).await;
    let stopping = Instant::now();
    // pg_ctl waits for the server: off the runtime's worker, the writers go on.
    tokio::task::block_in_place(|| pg.stop());
    let stopped = Instant::now();
    tokio::time::sleep(DOWN / 2).await;
    let ready = Req::new(&client, Method::GET, server.url("/readyz")).send().await;
    assert_eq!(
        ready.status.as_u16(),
        503,
        "/readyz while PostgreSQL is down: {}",
        ready.text()
    );
    tokio::time::sleep(DOWN / 2).await;
    let restarting = Instant::now();
    tokio::task::block_in_place(|| pg.start_again());
    let back = Instant::now();
    for w in writers {
        w.await.expect("writer");
    }

    let answers = std::mem::take(&mut *answers.lock().expect("answers"));
    let acked: Vec<&Value> = answers
        .iter()
        .filter(|a| a.status == 200)
        .map(|a| &a.statement)
        .collect();
    let unexpected: Vec<u16> = answers
        .iter()
        .map(|a| a.status)
        .filter(|s| !matches!(s, 200 | 503))
        .collect();
    assert!(unexpected.is_empty(), "answers other than 200 and 503: {unexpected:?}");
    let refused = answers.iter().filter(|a| a.status == 503).collect::<Vec<_>>();
    assert!(!refused.is_empty(), "no request was refused while PostgreSQL was down");
    assert!(refused.iter().all(|a| a.retry_after), "a 503 without Retry-After");
    let stored_while_down = answers
        .iter()
        .filter(|a| a.status == 200 && a.at > stopped && a.at < restarting)
        .count();
    assert_eq!(
        stored_while_down, 0,
        "statements acknowledged while PostgreSQL was down"
    );
    let first_after = answers
        .iter()
        .filter(|a| a.status == 200 && a.at > back)
        .map(|a| a.at)
        .min()
        .expect("no statement stored after PostgreSQL came back");
    let reconnect = first_after.saturating_duration_since(back);
    assert!(
        reconnect < RECONNECT_BOUND,
        "took {reconnect:?} to store again after PostgreSQL was back"
    );

    assert_all_stored(&client, &server, &cred, &acked).await;
    eprintln!(
        "drill: {} requests, {} acknowledged (all stored), {} answered 503 with Retry-After; \
         PostgreSQL stop took {:?}, start {:?}; first statement stored {:?} after it was back",
        answers.len(),
        acked.len(),
        refused.len(),
        stopped - stopping,
        back - restarting,
        reconnect
    );
}

/// Posts statements one by one until `end`, recording every answer.
async fn write_until(
    client: HttpClient,
    url: String,
    cred: Cred,
    writer: usize,
    end: Instant,
    answers: Arc<Mutex<Vec<Answer>>>,
) {
    let mut n = 0;
    while Instant::now() < end {
        let statement = with_id(stmt(&format!("writer{writer}-{n}"), "ingested", "outage"), &uuid());
        let r = Req::new(&client, Method::POST, url.clone())
            .auth(&cred)
            .json(&statement)
            .send()
            .await;
        let answer = Answer {
            at: Instant::now(),
            status: r.status.as_u16(),
            retry_after: r.header("retry-after").is_some(),
            statement,
        };
        answers.lock().expect("answers").push(answer);
        n += 1;
        if r.status.as_u16() == 503 {
            // A real client honours Retry-After; a short pause keeps the drill's count bounded.
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

async fn assert_all_stored(client: &HttpClient, server: &Server, cred: &Cred, acked: &[&Value]) {
    for s in acked {
        let id = s["id"].as_str().expect("id");
        let path = crate::data::q("/xapi/statements", &[("statementId", id)]);
        let got = send(client, server, Method::GET, &path, cred, None)
            .await
            .expect(200)
            .json();
        assert_eq!(got["actor"], s["actor"], "statement {id} lost or changed");
    }
}
