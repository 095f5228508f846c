//! A body's pace, on a body fed through a channel at chosen times.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use axum::body::Body;
use bytes::Bytes;
use http_body_util::BodyExt;
use tokio::sync::mpsc;
use tokio::time::{Instant, sleep};

use super::{BodyPace, Paced};

const PACE: BodyPace = BodyPace {
    body: Duration::from_millis(300),
    min_rate: 100,
};

/// A paced body fed by the returned sender; dropping the sender ends it.
fn channel_body(pace: BodyPace) -> (mpsc::Sender<Bytes>, Paced, Arc<AtomicBool>) {
    let (tx, rx) = mpsc::channel::<Bytes>(64);
    let stream = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|b| (Ok::<_, std::io::Error>(b), rx))
    });
    let tripped = Arc::new(AtomicBool::new(false));
    (
        tx,
        Paced::new(Body::from_stream(stream), pace, Arc::clone(&tripped)),
        tripped,
    )
}

/// Reads the body whole; `Err` with how long it took when it was cut off.
async fn read(body: Paced) -> Result<usize, Duration> {
    let start = Instant::now();
    match body.collect().await {
        Ok(b) => Ok(b.to_bytes().len()),
        Err(e) => {
            assert!(e.to_string().contains("too slowly"), "{e}");
            Err(start.elapsed())
        }
    }
}

#[tokio::test]
async fn a_body_that_never_comes_is_cut_off_after_the_body_timeout() {
    let (_tx, body, tripped) = channel_body(PACE);
    let took = read(body).await.expect_err("cut off");
    assert!(took >= PACE.body && took < Duration::from_secs(3), "{took:?}");
    assert!(tripped.load(Ordering::Relaxed));
}

#[tokio::test]
async fn a_body_trickled_below_the_rate_is_cut_off() {
    // 10 bytes a second against 100: pieces come well within 300 ms of each other, but
    // the average falls behind soon after the grace period.
    let (tx, body, tripped) = channel_body(PACE);
    tokio::spawn(async move {
        while tx.send(Bytes::from_static(b"x")).await.is_ok() {
            sleep(Duration::from_millis(100)).await;
        }
    });
    let took = read(body).await.expect_err("cut off");
    assert!(took >= PACE.body && took < Duration::from_secs(3), "{took:?}");
    assert!(tripped.load(Ordering::Relaxed));
}

#[tokio::test]
async fn a_body_that_stops_after_a_fast_start_is_cut_off_at_the_next_piece_bound() {
    let (tx, body, _) = channel_body(PACE);
    // 100 KB at once buys 1,000 s of average: only the wait for the next piece bounds it.
    tx.send(Bytes::from(vec![b'x'; 100_000])).await.expect("send");
    let took = read(body).await.expect_err("cut off");
    assert!(took >= PACE.body && took < Duration::from_secs(3), "{took:?}");
    drop(tx);
}

#[tokio::test]
async fn a_body_at_pace_with_pauses_under_the_bound_arrives_whole() {
    let (tx, body, tripped) = channel_body(PACE);
    tokio::spawn(async move {
        for _ in 0..5 {
            tx.send(Bytes::from(vec![b'x'; 100])).await.expect("send");
            sleep(Duration::from_millis(150)).await;
        }
    });
    assert_eq!(read(body).await, Ok(500));
    assert!(!tripped.load(Ordering::Relaxed));
}

#[tokio::test]
async fn without_a_minimum_rate_only_the_next_piece_bound_applies() {
    let pace = BodyPace { min_rate: 0, ..PACE };
    let (tx, body, _) = channel_body(pace);
    tokio::spawn(async move {
        for _ in 0..8 {
            tx.send(Bytes::from_static(b"x")).await.expect("send");
            sleep(Duration::from_millis(100)).await;
        }
    });
    assert_eq!(read(body).await, Ok(8));
}
