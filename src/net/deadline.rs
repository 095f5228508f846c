//! What a connection waits for from its client, and until when: the whole request head
//! (from the connection's opening, or from a kept-alive connection's first new byte),
//! the next request on an idle kept-alive connection, and the client taking bytes of a
//! response. A request being handled has no deadline here: its body has its own pace
//! (`pace.rs`), and the server's own work is not the client's to bound.
//!
//! `Watched` wraps the socket and reports reads and stalled writes; the service reports
//! when a request starts and when its response is done; `expired` resolves once the
//! deadline of the current phase has passed, and the connection is then dropped.

use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::Notify;
use tokio::time::Instant;

use super::Timeouts;

/// Why a connection was closed by its deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expired {
    /// The request head did not arrive in time.
    Header,
    /// A kept-alive connection stayed idle too long.
    Idle,
    /// The client took no bytes of the response for too long.
    Write,
}

impl std::fmt::Display for Expired {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Header => "the request head did not arrive in time",
            Self::Idle => "the kept-alive connection was idle too long",
            Self::Write => "the client stopped taking the response",
        })
    }
}

#[derive(Debug, Clone, Copy)]
enum Phase {
    /// Waiting for (the rest of) a request head, since then.
    Head(Instant),
    /// Between requests on a kept-alive connection, since then.
    Idle(Instant),
    /// A request is being handled.
    Busy,
}

#[derive(Debug)]
struct State {
    phase: Phase,
    /// Since when a write has been waiting for the client to take bytes.
    write_blocked: Option<Instant>,
}

/// One connection's phase, shared by its socket, its service and its watchdog.
#[derive(Debug)]
pub struct ConnWatch {
    // A std mutex: held for a few instructions, never across an await, and taken from
    // `poll_read`/`poll_write`, which are not async.
    state: Mutex<State>,
    changed: Notify,
}

impl ConnWatch {
    /// A connection that has just opened waits for a request head.
    pub fn new() -> Self {
        Self {
            state: Mutex::new(State {
                phase: Phase::Head(Instant::now()),
                write_blocked: None,
            }),
            changed: Notify::new(),
        }
    }

    fn with<T>(&self, f: impl FnOnce(&mut State) -> T) -> T {
        f(&mut self.state.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// The head's time starts now (after a TLS handshake, which has its own bound).
    pub fn head_from_now(&self) {
        self.with(|s| s.phase = Phase::Head(Instant::now()));
        self.changed.notify_one();
    }

    /// A request head arrived whole: the request is the server's until its response is done.
    pub fn request_started(self: &Arc<Self>) -> RequestGuard {
        self.with(|s| s.phase = Phase::Busy);
        RequestGuard(Arc::clone(self))
    }

    fn request_finished(&self) {
        self.with(|s| s.phase = Phase::Idle(Instant::now()));
        self.changed.notify_one();
    }

    fn read_some(&self) {
        let started = self.with(|s| match s.phase {
            Phase::Idle(_) => {
                s.phase = Phase::Head(Instant::now());
                true
            }
            Phase::Head(_) | Phase::Busy => false,
        });
        if started {
            self.changed.notify_one();
        }
    }

    fn write_pending(&self) {
        let blocked = self.with(|s| {
            let first = s.write_blocked.is_none();
            if first {
                s.write_blocked = Some(Instant::now());
            }
            first
        });
        if blocked {
            self.changed.notify_one();
        }
    }

    /// A write or flush went through; `wrote` bytes of it. A response's last bytes are
    /// written after its body is done, while the connection already counts as idle: bytes
    /// the client takes restart that idle time, so a slow but steady download is never
    /// cut by the idle bound. (Only bytes do: hyper flushes whenever it is polled, and the
    /// watchdog's own wake-ups poll it.)
    fn write_done(&self, wrote: usize) {
        let unblocked = self.with(|s| {
            if let (Phase::Idle(_), 1..) = (s.phase, wrote) {
                s.phase = Phase::Idle(Instant::now());
            }
            s.write_blocked.take().is_some()
        });
        if unblocked {
            self.changed.notify_one();
        }
    }

    /// The deadline now, and what it is for. While the server waits for the client to take
    /// response bytes, only the write bound applies: the client is not idle, it is slow.
    fn deadline(&self, t: &Timeouts) -> Option<(Instant, Expired)> {
        self.with(|s| match (s.write_blocked, s.phase) {
            (Some(since), _) => Some((since + t.write, Expired::Write)),
            (None, Phase::Head(since)) => Some((since + t.header, Expired::Header)),
            (None, Phase::Idle(since)) => Some((since + t.idle, Expired::Idle)),
            (None, Phase::Busy) => None,
        })
    }

    /// Resolves when the connection has passed its deadline.
    pub async fn expired(&self, t: &Timeouts) -> Expired {
        loop {
            // `notify_one` keeps a permit when nobody waits, so a change made between
            // reading the deadline and waiting is not lost.
            match self.deadline(t) {
                Some((at, why)) if at <= Instant::now() => return why,
                Some((at, _)) => {
                    tokio::select! {
                        () = tokio::time::sleep_until(at) => {}
                        () = self.changed.notified() => {}
                    }
                }
                None => self.changed.notified().await,
            }
        }
    }
}

/// Held while a request is handled and its response written; dropped (the response
/// body done, or the request abandoned), the connection is idle.
#[derive(Debug)]
pub struct RequestGuard(Arc<ConnWatch>);

impl Drop for RequestGuard {
    fn drop(&mut self) {
        self.0.request_finished();
    }
}

/// A socket that tells its `ConnWatch` when bytes arrive and when writes stall.
#[derive(Debug)]
pub struct Watched<T> {
    inner: T,
    watch: Arc<ConnWatch>,
}

impl<T> Watched<T> {
    pub fn new(inner: T, watch: Arc<ConnWatch>) -> Self {
        Self { inner, watch }
    }

    fn wrote(&self, poll: &Poll<io::Result<usize>>) {
        match poll {
            Poll::Pending => self.watch.write_pending(),
            Poll::Ready(r) => self.watch.write_done(*r.as_ref().unwrap_or(&0)),
        }
    }

    fn flushed(&self, poll: &Poll<io::Result<()>>) {
        match poll {
            Poll::Pending => self.watch.write_pending(),
            Poll::Ready(_) => self.watch.write_done(0),
        }
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for Watched<T> {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let poll = Pin::new(&mut self.inner).poll_read(cx, buf);
        if matches!(poll, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.watch.read_some();
        }
        poll
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for Watched<T> {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        let poll = Pin::new(&mut self.inner).poll_write(cx, buf);
        self.wrote(&poll);
        poll
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let poll = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        self.wrote(&poll);
        poll
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let poll = Pin::new(&mut self.inner).poll_flush(cx);
        self.flushed(&poll);
        poll
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let poll = Pin::new(&mut self.inner).poll_shutdown(cx);
        self.flushed(&poll);
        poll
    }
}

#[cfg(test)]
#[path = "deadline_tests.rs"]
mod tests;
