//! How the origins take connections, with or without a proxy in front: plain TCP or TLS
//! (rustls, certificates reloaded while serving, `tls.rs`), HTTP/1.1 through hyper, and
//! the bounds that keep a slow or silent client from holding a connection for ever
//! (`deadline.rs` for heads, idle connections and responses nobody reads, `pace.rs` for
//! request bodies, a bound on the TLS handshake). Every origin — the app origin, the
//! content origin and the optional HTTP→HTTPS redirect (`redirect.rs`) — goes through
//! the one accept loop here and the one connection path of `conn.rs`.

mod conn;
mod deadline;
mod pace;
pub mod redirect;
pub mod tls;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::http::HeaderValue;
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::ops::metrics::Metrics;

pub use deadline::Expired;
pub use pace::BodyPace;
pub use tls::{ReloadPolicy, ServerCertificate, TlsError, TlsFiles};

/// How long a client may keep the server waiting (docs/operations.md, "Timeouts").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// A TLS handshake must be over within this.
    pub tls_handshake: Duration,
    /// A request head (request line and headers) must arrive whole within this, counted
    /// from the connection's opening (after TLS) or, on a kept-alive connection, from the
    /// request's first byte.
    pub header: Duration,
    /// A kept-alive connection with no request under way is closed after this.
    pub idle: Duration,
    /// How request bodies must arrive.
    pub body: BodyPace,
    /// A response the client takes no byte of for this long is abandoned.
    pub write: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            tls_handshake: Duration::from_secs(10),
            header: Duration::from_secs(20),
            idle: Duration::from_secs(60),
            body: BodyPace {
                body: Duration::from_secs(30),
                min_rate: 1024,
            },
            write: Duration::from_secs(60),
        }
    }
}

/// How the server listens: timeouts, and TLS for either origin.
#[derive(Debug, Clone, Default)]
pub struct NetConfig {
    pub timeouts: Timeouts,
    /// The app origin's certificate; without one it speaks plain HTTP.
    pub app_tls: Option<Arc<ServerCertificate>>,
    /// The content origin's certificate; without one it speaks plain HTTP.
    pub content_tls: Option<Arc<ServerCertificate>>,
    pub reload: ReloadPolicy,
    /// `Strict-Transport-Security: max-age=…` on every HTTPS response, when set.
    pub hsts_max_age: Option<u64>,
}

impl NetConfig {
    /// The certificates to keep fresh, each once (both origins may share one).
    pub fn certificates(&self) -> Vec<Arc<ServerCertificate>> {
        let mut out: Vec<Arc<ServerCertificate>> = Vec::new();
        for cert in [&self.app_tls, &self.content_tls].into_iter().flatten() {
            if !out.iter().any(|c| Arc::ptr_eq(c, cert)) {
                out.push(Arc::clone(cert));
            }
        }
        out
    }

    /// An origin serving `router`, over TLS with `cert` when given, counting its timeouts
    /// in `metrics`.
    pub fn origin(
        &self,
        router: Router,
        cert: Option<&Arc<ServerCertificate>>,
        metrics: &Arc<Metrics>,
    ) -> Result<Origin, TlsError> {
        let tls = cert
            .map(|c| c.server_config().map(tokio_rustls::TlsAcceptor::from))
            .transpose()?;
        let hsts = match (&tls, self.hsts_max_age) {
            (Some(_), Some(age)) => HeaderValue::from_str(&format!("max-age={age}")).ok(),
            _ => None,
        };
        Ok(Origin {
            router,
            tls,
            timeouts: self.timeouts,
            hsts,
            metrics: Arc::clone(metrics),
        })
    }
}

/// One origin as its connections see it.
#[derive(Clone)]
pub struct Origin {
    router: Router,
    tls: Option<tokio_rustls::TlsAcceptor>,
    timeouts: Timeouts,
    hsts: Option<HeaderValue>,
    metrics: Arc<Metrics>,
}

/// Accepts connections on `listener` until `stop` turns true, then stops accepting and
/// waits for the open connections to finish their requests (each still under its
/// deadlines, so a hanging client cannot hold up the shutdown either).
pub async fn serve_origin(
    listener: TcpListener,
    origin: Origin,
    mut stop: watch::Receiver<bool>,
) -> std::io::Result<()> {
    let origin = Arc::new(origin);
    // Each connection's task holds a receiver; the sender sees them all gone.
    let (open_tx, open_rx) = watch::channel(());
    loop {
        let accepted = tokio::select! {
            a = listener.accept() => a,
            _ = stop.wait_for(|s| *s) => break,
        };
        match accepted {
            Ok((tcp, peer)) => {
                let (origin, stop, open) = (Arc::clone(&origin), stop.clone(), open_rx.clone());
                tokio::spawn(async move {
                    conn::serve(tcp, peer, origin, stop).await;
                    drop(open);
                });
            }
            Err(e) if conn::is_connection_error(&e) => {}
            Err(e) => {
                // Out of file descriptors, most likely: wait for connections to close
                // rather than spin on accept.
                tracing::error!(error = %e, "accepting a connection failed; retrying in a second");
                tokio::select! {
                    () = tokio::time::sleep(Duration::from_secs(1)) => {}
                    _ = stop.wait_for(|s| *s) => break,
                }
            }
        }
    }
    drop(listener);
    drop(open_rx);
    open_tx.closed().await;
    Ok(())
}
