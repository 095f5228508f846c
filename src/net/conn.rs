//! One connection, from accept to close: TCP_NODELAY, the TLS handshake (bounded), then
//! HTTP/1.1 through hyper, watched by its deadlines, with the peer address on every
//! request (the audit log's client address) and graceful shutdown.

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::{Pin, pin};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{HeaderValue, Request, header};
use axum::response::{IntoResponse, Response};
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;
use tokio::sync::watch;
use tower::ServiceExt;

use super::Origin;
use super::deadline::{ConnWatch, Expired, RequestGuard, Watched};
use super::pace::Paced;
use crate::http::error::ApiError;
use crate::ops::metrics::Event;

/// Serves one accepted connection until it closes, its deadline passes, or shutdown.
pub(super) async fn serve(tcp: TcpStream, peer: SocketAddr, origin: Arc<Origin>, mut stop: watch::Receiver<bool>) {
    // Node's keep-alive clients stall on delayed ACKs without TCP_NODELAY.
    let _ = tcp.set_nodelay(true);
    let phase = Arc::new(ConnWatch::new());
    let io = Watched::new(tcp, Arc::clone(&phase));
    let service = OriginService {
        origin: Arc::clone(&origin),
        peer,
        watch: Arc::clone(&phase),
    };
    let Some(acceptor) = origin.tls.clone() else {
        return drive(TokioIo::new(io), service, &origin, &phase, stop).await;
    };
    let handshake = tokio::time::timeout(origin.timeouts.tls_handshake, acceptor.accept(io));
    let tls = tokio::select! {
        r = handshake => match r {
            Ok(Ok(tls)) => tls,
            Ok(Err(e)) => {
                tracing::debug!(client.address = %peer, error = %e, "TLS handshake failed");
                return;
            }
            Err(_) => {
                tracing::debug!(client.address = %peer, "TLS handshake not over in time; connection closed");
                origin.metrics.count(Event::HandshakeTimeouts, 1);
                return;
            }
        },
        _ = stop.wait_for(|s| *s) => return,
    };
    phase.head_from_now();
    drive(TokioIo::new(tls), service, &origin, &phase, stop).await;
}

/// HTTP/1.1 on `io` (plain or TLS: the one path both take).
async fn drive<I>(io: I, service: OriginService, origin: &Origin, phase: &ConnWatch, mut stop: watch::Receiver<bool>)
where
    I: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static,
{
    // hyper's own header timer would also close idle kept-alive connections at the
    // header's bound; `ConnWatch` keeps the two apart, so hyper gets no timer.
    let mut conn = pin!(hyper::server::conn::http1::Builder::new().serve_connection(io, service));
    let mut expired = pin!(phase.expired(&origin.timeouts));
    let mut stopping = false;
    loop {
        tokio::select! {
            r = conn.as_mut() => {
                if let Err(e) = r {
                    tracing::debug!(error = %e, "connection ended with an error");
                }
                return;
            }
            why = expired.as_mut() => {
                tracing::debug!(reason = %why, "connection closed by its deadline");
                let event = match why {
                    Expired::Header => Event::HeaderTimeouts,
                    Expired::Idle => Event::IdleTimeouts,
                    Expired::Write => Event::WriteTimeouts,
                };
                origin.metrics.count(event, 1);
                return;
            }
            _ = stop.wait_for(|s| *s), if !stopping => {
                stopping = true;
                conn.as_mut().graceful_shutdown();
            }
        }
    }
}

/// What hyper calls for each request of a connection: the origin's router, with the
/// peer address, the body's pace, HSTS, and the connection's phase kept up to date.
#[derive(Clone)]
struct OriginService {
    origin: Arc<Origin>,
    peer: SocketAddr,
    watch: Arc<ConnWatch>,
}

impl hyper::service::Service<Request<Incoming>> for OriginService {
    type Response = Response;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

    fn call(&self, req: Request<Incoming>) -> Self::Future {
        let guard = self.watch.request_started();
        let tripped = Arc::new(AtomicBool::new(false));
        let pace = self.origin.timeouts.body;
        let mut req = req.map(|b| Body::new(Paced::new(Body::new(b), pace, Arc::clone(&tripped))));
        req.extensions_mut().insert(ConnectInfo(self.peer));
        let router = self.origin.router.clone();
        let hsts = self.origin.hsts.clone();
        let metrics = Arc::clone(&self.origin.metrics);
        Box::pin(async move {
            let Ok(mut resp) = router.oneshot(req).await;
            if tripped.load(Ordering::Relaxed) {
                // Whatever the handler made of the broken body, the answer is that it
                // came too slowly, and the connection goes.
                metrics.count(Event::BodyTimeouts, 1);
                resp = ApiError::TooSlow.into_response();
                resp.headers_mut()
                    .insert(header::CONNECTION, HeaderValue::from_static("close"));
            }
            if let Some(v) = hsts {
                resp.headers_mut().insert(header::STRICT_TRANSPORT_SECURITY, v);
            }
            Ok(resp.map(|body| Body::new(Tracked { body, _guard: guard })))
        })
    }
}

/// A response body that holds its request's guard until hyper has written it all.
struct Tracked {
    body: Body,
    _guard: RequestGuard,
}

impl hyper::body::Body for Tracked {
    type Data = bytes::Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<hyper::body::Frame<Self::Data>, Self::Error>>> {
        Pin::new(&mut self.body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> hyper::body::SizeHint {
        self.body.size_hint()
    }
}

/// Errors of one connection that `accept` reports; the listener is fine.
pub(super) fn is_connection_error(e: &std::io::Error) -> bool {
    use std::io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    matches!(e.kind(), ConnectionRefused | ConnectionAborted | ConnectionReset)
}
