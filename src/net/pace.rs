//! The pace a request body must keep, so that a client trickling one (a byte now and
//! then) cannot hold a connection and its handler for hours: the next piece must come
//! within `body` of the last one, and on average the body must arrive at `min_rate`
//! bytes a second once the first `body` seconds have passed (the rule of Apache's
//! mod_reqtimeout: each `min_rate` bytes received buy one more second). A body that falls
//! behind ends in an error, and the service answers 408 and closes the connection.
//!
//! Time is measured from the handler's first read of the body, and only while it waits
//! for the client: a handler busy elsewhere is not the client's slowness.

use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::Body;
use bytes::Bytes;
use hyper::body::{Frame, SizeHint};
use tokio::time::{Instant, Sleep};

/// How fast a request body must arrive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BodyPace {
    /// Longest wait for the next piece of a body (and the average's grace period).
    pub body: Duration,
    /// Bytes a second a body must average after the grace period (0: no average).
    pub min_rate: u64,
}

/// The body was cut off for arriving too slowly.
#[derive(Debug, thiserror::Error)]
#[error("the request body arrived too slowly")]
pub struct TooSlow;

/// A request body held to a `BodyPace`; `tripped` is set when it was cut off.
pub struct Paced {
    inner: Body,
    pace: BodyPace,
    /// First read and last piece received; set on the first poll.
    started: Option<(Instant, Instant)>,
    received: u64,
    sleep: Option<Pin<Box<Sleep>>>,
    tripped: Arc<AtomicBool>,
}

impl Paced {
    pub fn new(inner: Body, pace: BodyPace, tripped: Arc<AtomicBool>) -> Self {
        Self {
            inner,
            pace,
            started: None,
            received: 0,
            sleep: None,
            tripped,
        }
    }

    /// When the body falls behind unless more of it arrives.
    fn deadline(&self, first: Instant, last: Instant) -> Instant {
        let next_piece = last + self.pace.body;
        if self.pace.min_rate == 0 {
            return next_piece;
        }
        let bought = Duration::from_secs_f64(self.received as f64 / self.pace.min_rate as f64);
        next_piece.min(first + self.pace.body + bought)
    }
}

impl hyper::body::Body for Paced {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let now = Instant::now();
        let (first, last) = *self.started.get_or_insert((now, now));
        match Pin::new(&mut self.inner).poll_frame(cx) {
            Poll::Ready(Some(Ok(frame))) => {
                if let Some(data) = frame.data_ref() {
                    self.received = self.received.saturating_add(data.len() as u64);
                    self.started = Some((first, now));
                }
                Poll::Ready(Some(Ok(frame)))
            }
            Poll::Pending => {
                let deadline = self.deadline(first, last);
                let sleep = self
                    .sleep
                    .get_or_insert_with(|| Box::pin(tokio::time::sleep_until(deadline)));
                if sleep.deadline() != deadline {
                    sleep.as_mut().reset(deadline);
                }
                if sleep.as_mut().poll(cx).is_ready() {
                    self.tripped.store(true, Ordering::Relaxed);
                    return Poll::Ready(Some(Err(axum::Error::new(TooSlow))));
                }
                Poll::Pending
            }
            other => other,
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
#[path = "pace_tests.rs"]
mod tests;
