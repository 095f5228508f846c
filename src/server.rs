//! Shared state and the server loop: the app origin and the content origin (plain HTTP
//! or TLS, `net`), the optional HTTP→HTTPS redirect, with graceful shutdown.

use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;

use tokio::net::TcpListener;

use crate::blob::BlobStore;
use crate::http::content::{BlobCache, LookupCache};
use crate::launch::GrantKey;
use crate::ops::dbclock::DbClock;
use crate::ops::metrics::Metrics;
use crate::ops::ratelimit::RateLimiter;
use crate::package::PackageLimits;
use crate::store::{Store, StoreResult};

/// Settings the HTTP layer needs.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Base URL clients use to reach the app origin, without a trailing slash.
    pub public_url: String,
    /// The path of the xAPI endpoint as clients see it (public URL path + `/xapi`).
    pub xapi_path: String,
    /// Largest request body accepted by the xAPI endpoint, in bytes.
    pub body_limit: usize,
    /// Base URL of the content origin, without a trailing slash.
    pub content_url: String,
    /// Where uploads are spooled and packages staged (same file system as local blobs).
    pub work_dir: PathBuf,
    /// Where a termination from the web app writes the tenant's archive first
    /// (`<data folder>/tenant-exports`; the CLI's `tenant terminate` takes `--export`).
    pub exports_dir: PathBuf,
    pub package_limits: PackageLimits,
    /// How long a launch link stays valid, seconds.
    pub launch_ttl_secs: u64,
    /// The clock launch links expire by (a test's manual clock, else the system's).
    pub wall: crate::clock::Clock,
    /// Memory for cached content files, bytes.
    pub content_cache_bytes: usize,
    /// Largest file kept in the content cache, bytes.
    pub content_cache_item_bytes: u64,
    /// When set, `/metrics` requires `Authorization: Bearer <token>`.
    pub metrics_token: Option<String>,
    /// Where backups are written, for the backup age in `/metrics` and the operator
    /// API's per-tenant restore.
    pub backup_dir: Option<PathBuf>,
    /// The S3 backup target (`--backup-s3-*`), for its backups' age and verification in
    /// `/metrics`, the operator API's listing and per-tenant restores from it.
    pub backup_s3: Option<crate::blob::s3::S3Blobs>,
    /// The PostgreSQL store's URL (a per-tenant restore from a dump makes a scratch
    /// database on its server); `None` on SQLite.
    pub database_url: Option<Redacted>,
    /// The operator API's bearer token; without one the operator API is refused.
    pub operator_token: Option<Redacted>,
    /// Proxies whose `X-Forwarded-For` names the client (for the audit log).
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// A launch session is active while it opened or committed within this long, ms.
    pub launch_session_window_ms: i64,
    /// How the origins listen: TLS, HSTS and the bounds on slow clients.
    pub net: crate::net::NetConfig,
    /// Where notices are e-mailed from; `None`: notices are shown on the site only.
    pub mail: Option<crate::mail::MailConfig>,
}

/// A secret held in memory: `Debug` never shows it.
#[derive(Clone)]
pub struct Redacted(pub String);

impl std::fmt::Debug for Redacted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

impl ServerConfig {
    pub fn new(public_url: &str, body_limit: usize) -> Self {
        let public_url = public_url.trim_end_matches('/').to_owned();
        let path = public_url
            .split_once("://")
            .and_then(|(_, rest)| rest.split_once('/').map(|(_, path)| format!("/{path}")))
            .unwrap_or_default();
        Self {
            xapi_path: format!("{path}{}", crate::http::XAPI_PREFIX),
            content_url: public_url.clone(),
            public_url,
            body_limit,
            work_dir: std::env::temp_dir().join("kiroku-work"),
            exports_dir: std::env::temp_dir().join("kiroku-exports"),
            package_limits: PackageLimits::default(),
            launch_ttl_secs: 8 * 3600,
            wall: crate::clock::Clock::System,
            content_cache_bytes: 256 << 20,
            content_cache_item_bytes: 8 << 20,
            metrics_token: None,
            backup_dir: None,
            backup_s3: None,
            database_url: None,
            operator_token: None,
            trusted_proxies: Vec::new(),
            launch_session_window_ms: 10 * 60 * 1000,
            net: crate::net::NetConfig::default(),
            mail: None,
        }
    }

    /// The xAPI endpoint URL printed for credentials.
    pub fn xapi_endpoint(&self) -> String {
        format!("{}{}", self.public_url, crate::http::XAPI_PREFIX)
    }
}

#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub blobs: Arc<dyn BlobStore>,
    /// Signs and checks launch grants; the key lives in the store, shared by all servers.
    pub grants: GrantKey,
    pub config: Arc<ServerConfig>,
    /// Content-origin caches (file bytes by hash, path lookups).
    pub caches: Arc<ContentCaches>,
    pub metrics: Arc<Metrics>,
    /// This server's share of tenants' requests per minute (counted in the store).
    pub rates: Arc<RateLimiter>,
    /// Failed sign-ins per client address on this server.
    pub login_throttle: Arc<crate::account::throttle::LoginThrottle>,
    /// The store's clock (consistent-through, rate-limit minutes).
    pub clock: Arc<DbClock>,
    /// Sends notices' e-mails, when `config.mail` names an SMTP server.
    pub mailer: Option<Arc<dyn crate::mail::Mailer>>,
    /// Wakes the notice sender when a notice is posted.
    pub notice_wake: Arc<tokio::sync::Notify>,
}

/// What the content origin keeps in memory.
pub struct ContentCaches {
    pub blobs: BlobCache,
    pub lookups: LookupCache,
    /// Parsed course models of package versions (the run-time reads one per request).
    pub courses: crate::http::content::courses::CourseCache,
}

impl AppState {
    pub async fn new(store: Arc<dyn Store>, blobs: Arc<dyn BlobStore>, config: ServerConfig) -> StoreResult<Self> {
        let grants = GrantKey::new(store.server_secret("launch-grant").await?);
        let caches = ContentCaches {
            blobs: BlobCache::new(config.content_cache_bytes, config.content_cache_item_bytes),
            lookups: LookupCache::default(),
            courses: Default::default(),
        };
        let mailer = match &config.mail {
            Some(m) => {
                let smtp = crate::mail::SmtpMailer::new(m).map_err(crate::store::StoreError::Backend)?;
                Some(Arc::new(smtp) as Arc<dyn crate::mail::Mailer>)
            }
            None => None,
        };
        Ok(Self {
            mailer,
            notice_wake: Arc::default(),
            store,
            blobs,
            grants,
            config: Arc::new(config),
            caches: Arc::new(caches),
            metrics: Arc::new(Metrics::default()),
            rates: Arc::new(RateLimiter::default()),
            login_throttle: Arc::default(),
            clock: Arc::new(DbClock::default()),
        })
    }
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState").field("config", &self.config).finish()
    }
}

/// Serves the app origin on `app` and the content origin on `content` until `shutdown`
/// resolves, then finishes in-flight requests.
pub async fn serve(
    app: TcpListener,
    content: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let listeners = Listeners {
        app,
        content,
        redirect: None,
    };
    serve_all(listeners, state, shutdown).await
}

/// What `serve_all` listens on.
#[derive(Debug)]
pub struct Listeners {
    pub app: TcpListener,
    pub content: TcpListener,
    /// Plain HTTP that redirects every request to the HTTPS origins.
    pub redirect: Option<TcpListener>,
}

/// Serves both origins (over TLS where `state.config.net` has certificates, which it
/// keeps fresh) and the redirect listener until `shutdown` resolves, then finishes
/// in-flight requests.
pub async fn serve_all(
    listeners: Listeners,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let net = state.config.net.clone();
    let invalid = |e: crate::net::TlsError| std::io::Error::new(std::io::ErrorKind::InvalidInput, e.to_string());
    let metrics = Arc::clone(&state.metrics);
    let app = net
        .origin(crate::http::app(state.clone()), net.app_tls.as_ref(), &metrics)
        .map_err(invalid)?;
    let content = net
        .origin(
            crate::http::content_app(state.clone()),
            net.content_tls.as_ref(),
            &metrics,
        )
        .map_err(invalid)?;
    let redirect = crate::net::redirect::RedirectTargets::new(&state.config.public_url, &state.config.content_url);
    let redirect = net
        .origin(crate::net::redirect::router(redirect), None, &metrics)
        .map_err(invalid)?;
    let (tx, rx) = tokio::sync::watch::channel(false);
    let certificates = net.certificates();
    tokio::spawn(crate::net::tls::keep_fresh(
        certificates,
        net.reload,
        metrics,
        rx.clone(),
    ));
    if let (Some(mailer), Some(mail)) = (&state.mailer, &state.config.mail) {
        let sender = crate::notice::sender::Sender {
            store: Arc::clone(&state.store),
            mailer: Arc::clone(mailer),
            retry: mail.retry,
            site_url: state.config.public_url.clone(),
            wake: Arc::clone(&state.notice_wake),
        };
        tokio::spawn(sender.run(rx.clone()));
    }
    tokio::spawn(async move {
        shutdown.await;
        let _ = tx.send(true);
    });
    let redirecting = async {
        match listeners.redirect {
            Some(l) => crate::net::serve_origin(l, redirect, rx.clone()).await,
            None => Ok(()),
        }
    };
    let (a, c, r) = tokio::join!(
        crate::net::serve_origin(listeners.app, app, rx.clone()),
        crate::net::serve_origin(listeners.content, content, rx.clone()),
        redirecting,
    );
    a.and(c).and(r)
}
