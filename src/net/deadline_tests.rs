//! A connection's deadlines, on an in-memory pipe.

use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::time::Instant;

use super::{ConnWatch, Expired, Watched};
use crate::net::Timeouts;

fn timeouts(header: u64, idle: u64, write: u64) -> Timeouts {
    Timeouts {
        header: Duration::from_millis(header),
        idle: Duration::from_millis(idle),
        write: Duration::from_millis(write),
        ..Timeouts::default()
    }
}

/// What expired, and after how long; bounded so a deadline that never fires fails.
async fn expiry(watch: &ConnWatch, t: &Timeouts) -> (Expired, Duration) {
    let start = Instant::now();
    let why = tokio::time::timeout(Duration::from_secs(5), watch.expired(t))
        .await
        .expect("the deadline fired");
    (why, start.elapsed())
}

#[tokio::test]
async fn a_new_connection_waits_for_its_head_only_so_long() {
    let watch = ConnWatch::new();
    let (why, took) = expiry(&watch, &timeouts(200, 5_000, 5_000)).await;
    assert_eq!(why, Expired::Header);
    assert!(
        took >= Duration::from_millis(190) && took < Duration::from_secs(2),
        "{took:?}"
    );
}

#[tokio::test]
async fn a_request_under_way_has_no_deadline_and_its_end_starts_the_idle_one() {
    let watch = Arc::new(ConnWatch::new());
    let t = timeouts(100, 400, 5_000);
    let guard = watch.request_started();
    let busy = tokio::time::timeout(Duration::from_millis(300), watch.expired(&t)).await;
    assert!(busy.is_err(), "no deadline while the request is handled");
    drop(guard);
    let (why, took) = expiry(&watch, &t).await;
    assert_eq!(why, Expired::Idle);
    assert!(
        took >= Duration::from_millis(390),
        "idle, not the header bound: {took:?}"
    );
}

#[tokio::test]
async fn the_first_byte_on_an_idle_connection_starts_the_head_bound() {
    let watch = Arc::new(ConnWatch::new());
    let t = timeouts(200, 5_000, 5_000);
    drop(watch.request_started());
    let (client, server) = tokio::io::duplex(1024);
    let mut server = Watched::new(server, Arc::clone(&watch));
    let mut client = client;
    client.write_all(b"GET / HT").await.expect("write");
    let mut buf = [0u8; 16];
    let n = server.read(&mut buf).await.expect("read");
    assert!(n > 0);
    let (why, took) = expiry(&watch, &t).await;
    assert_eq!(why, Expired::Header);
    assert!(took < Duration::from_secs(2), "{took:?}");
}

#[tokio::test]
async fn a_response_nobody_reads_is_abandoned_after_the_write_bound() {
    let watch = Arc::new(ConnWatch::new());
    let t = timeouts(5_000, 5_000, 300);
    let _busy = watch.request_started();
    // The client end is kept but never read: the pipe fills and the writer waits.
    let (_client, server) = tokio::io::duplex(1024);
    let mut server = Watched::new(server, Arc::clone(&watch));
    tokio::spawn(async move {
        let _ = server.write_all(&[b'x'; 64 * 1024]).await;
    });
    let (why, took) = expiry(&watch, &t).await;
    assert_eq!(why, Expired::Write);
    assert!(
        took >= Duration::from_millis(290) && took < Duration::from_secs(2),
        "{took:?}"
    );
}

#[tokio::test]
async fn a_slow_but_steady_reader_of_a_long_last_write_is_cut_by_neither_bound() {
    // The response's body is done (the connection counts as idle) but 64 KiB are still to
    // go through a 1 KiB pipe, read a KiB every 20 ms: about 1.3 s, well past both bounds.
    let watch = Arc::new(ConnWatch::new());
    let t = timeouts(5_000, 300, 300);
    drop(watch.request_started());
    let (mut client, server) = tokio::io::duplex(1024);
    let mut server = Watched::new(server, Arc::clone(&watch));
    let writer = tokio::spawn(async move { server.write_all(&[b'x'; 64 * 1024]).await });
    let reader = async {
        let mut buf = [0u8; 1024];
        let mut total = 0;
        while total < 64 * 1024 {
            total += client.read(&mut buf).await.expect("read");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        total
    };
    tokio::select! {
        total = reader => assert_eq!(total, 64 * 1024),
        why = watch.expired(&t) => panic!("cut off while the client was reading: {why}"),
    }
    writer.await.expect("writer").expect("all written");
    let (why, _) = expiry(&watch, &t).await;
    assert_eq!(why, Expired::Idle, "and once all is taken, the idle bound applies");
}
