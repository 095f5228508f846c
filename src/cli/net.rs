//! `serve`'s flags for how the origins listen: TLS certificates, the HTTP→HTTPS redirect,
//! HSTS, and the timeouts that bound slow clients (docs/operations.md, "TLS" and
//! "Timeouts").

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use clap::Args;

use crate::net::{BodyPace, NetConfig, ReloadPolicy, ServerCertificate, Timeouts, TlsFiles};

/// TLS on the origins, without a proxy.
#[derive(Debug, Clone, Args)]
pub struct TlsArgs {
    /// PEM certificate chain of the app origin (and of the content origin unless it has
    /// its own); with it the origin speaks HTTPS only.
    #[arg(long, env = "KIROKU_TLS_CERT", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// PEM private key of --tls-cert.
    #[arg(long, env = "KIROKU_TLS_KEY", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// PEM certificate chain of the content origin, when it is not --tls-cert.
    #[arg(long, env = "KIROKU_CONTENT_TLS_CERT", requires = "content_tls_key")]
    pub content_tls_cert: Option<PathBuf>,
    /// PEM private key of --content-tls-cert.
    #[arg(long, env = "KIROKU_CONTENT_TLS_KEY", requires = "content_tls_cert")]
    pub content_tls_key: Option<PathBuf>,
    /// Seconds between checks of the certificate files for a new certificate (0: only on
    /// SIGHUP).
    #[arg(long, env = "KIROKU_TLS_RELOAD_SECS", default_value_t = 10)]
    pub tls_reload_secs: u64,
    /// A plain-HTTP address that answers every request with a redirect to HTTPS.
    #[arg(long, env = "KIROKU_REDIRECT_LISTEN")]
    pub redirect_listen: Option<SocketAddr>,
    /// Send Strict-Transport-Security on every HTTPS response.
    #[arg(long, env = "KIROKU_HSTS")]
    pub hsts: bool,
    /// The HSTS max-age, seconds (default: one year).
    #[arg(long, env = "KIROKU_HSTS_MAX_AGE", default_value_t = 31_536_000, requires = "hsts")]
    pub hsts_max_age: u64,
}

/// How long a client may keep a connection waiting. Every bound is in seconds.
#[derive(Debug, Clone, Args)]
pub struct TimeoutArgs {
    /// A TLS handshake must be over within this.
    #[arg(long, env = "KIROKU_TLS_HANDSHAKE_TIMEOUT", default_value_t = secs(Timeouts::default().tls_handshake), value_parser = clap::value_parser!(u64).range(1..))]
    pub tls_handshake_timeout: u64,
    /// A request's head (request line and headers) must arrive whole within this.
    #[arg(long, env = "KIROKU_HEADER_TIMEOUT", default_value_t = secs(Timeouts::default().header), value_parser = clap::value_parser!(u64).range(1..))]
    pub header_timeout: u64,
    /// A kept-alive connection with no request is closed after this.
    #[arg(long, env = "KIROKU_IDLE_TIMEOUT", default_value_t = secs(Timeouts::default().idle), value_parser = clap::value_parser!(u64).range(1..))]
    pub idle_timeout: u64,
    /// Longest wait for the next piece of a request body; also the grace period before
    /// --body-min-rate applies.
    #[arg(long, env = "KIROKU_BODY_TIMEOUT", default_value_t = secs(Timeouts::default().body.body), value_parser = clap::value_parser!(u64).range(1..))]
    pub body_timeout: u64,
    /// Bytes a second a request body must average after --body-timeout (0: no minimum).
    #[arg(long, env = "KIROKU_BODY_MIN_RATE", default_value_t = Timeouts::default().body.min_rate)]
    pub body_min_rate: u64,
    /// A response the client takes no byte of for this long is abandoned.
    #[arg(long, env = "KIROKU_WRITE_TIMEOUT", default_value_t = secs(Timeouts::default().write), value_parser = clap::value_parser!(u64).range(1..))]
    pub write_timeout: u64,
}

fn secs(d: Duration) -> u64 {
    d.as_secs()
}

impl TimeoutArgs {
    pub fn timeouts(&self) -> Timeouts {
        Timeouts {
            tls_handshake: Duration::from_secs(self.tls_handshake_timeout),
            header: Duration::from_secs(self.header_timeout),
            idle: Duration::from_secs(self.idle_timeout),
            body: BodyPace {
                body: Duration::from_secs(self.body_timeout),
                min_rate: self.body_min_rate,
            },
            write: Duration::from_secs(self.write_timeout),
        }
    }
}

impl TlsArgs {
    /// Loads the certificates (an error names the file at fault) into a `NetConfig`.
    pub fn net_config(&self, timeouts: Timeouts) -> Result<NetConfig, String> {
        let load = |cert: &PathBuf, key: &PathBuf| {
            let files = TlsFiles {
                cert: cert.clone(),
                key: key.clone(),
            };
            ServerCertificate::load(files).map(Arc::new).map_err(|e| e.to_string())
        };
        let app_tls = match (&self.tls_cert, &self.tls_key) {
            (Some(cert), Some(key)) => Some(load(cert, key)?),
            _ => None,
        };
        let content_tls = match (&self.content_tls_cert, &self.content_tls_key) {
            (Some(cert), Some(key)) => Some(load(cert, key)?),
            _ => app_tls.clone(),
        };
        if app_tls.is_none() && content_tls.is_none() && (self.hsts || self.redirect_listen.is_some()) {
            return Err("--hsts and --redirect-listen need TLS: give --tls-cert and --tls-key".into());
        }
        Ok(NetConfig {
            timeouts,
            app_tls,
            content_tls,
            reload: ReloadPolicy {
                every: (self.tls_reload_secs > 0).then(|| Duration::from_secs(self.tls_reload_secs)),
                on_sighup: true,
            },
            hsts_max_age: self.hsts.then_some(self.hsts_max_age),
        })
    }
}
