//! The test harness: an in-process kiroku on two ephemeral ports backed by SQLite in a
//! temporary folder (or by a scratch PostgreSQL database: `KIROKU_TEST_STORE=postgres`,
//! see `scratch_db`), tenants and credentials created through the store traits, and a
//! small HTTP client.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode};
use base64::Engine as _;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use kiroku::blob::LocalBlobs;
use kiroku::lrs::XapiVersion;
use kiroku::package::PackageLimits;
use kiroku::server::{AppState, ServerConfig};
use kiroku::store::Store;
use kiroku::store::sqlite::SqliteStore;
use kiroku::tenant::{NewTenant, Scope, ScopeSet, TenantId, TenantName, issue};
use serde_json::Value;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

use crate::scratch_db::{ScratchDb, servers_on_postgres};

/// Body limit of a default test server.
pub const DEFAULT_LIMIT: usize = 4 * 1024 * 1024;
/// Longest any single request may take before the test fails.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(20);
/// The xAPI version header sent unless a test says otherwise.
pub const VERSION: &str = "2.0.0";

pub type HttpClient = Client<HttpConnector, Full<Bytes>>;

pub fn http_client() -> HttpClient {
    Client::builder(TokioExecutor::new()).build(HttpConnector::new())
}

/// Configures a [`TestApp`] before it starts.
pub struct Builder {
    body_limit: usize,
    package_limits: Option<PackageLimits>,
    launch_ttl_secs: Option<u64>,
    content_cache: Option<(usize, u64)>,
    metrics_token: Option<String>,
    blob_store: Option<Arc<dyn kiroku::blob::BlobStore>>,
    operator_token: Option<String>,
    trusted_proxies: Vec<std::net::IpAddr>,
    net: Option<kiroku::net::NetConfig>,
    redirect: bool,
    mail: Option<kiroku::mail::MailConfig>,
    backup_dir: Option<std::path::PathBuf>,
}

impl Builder {
    /// How the origins listen (TLS, timeouts) instead of the defaults.
    pub fn net(mut self, net: kiroku::net::NetConfig) -> Self {
        self.net = Some(net);
        self
    }

    /// Also serve the HTTP→HTTPS redirect, on `TestApp::redirect_addr`.
    pub fn redirect(mut self) -> Self {
        self.redirect = true;
        self
    }

    pub fn package_limits(mut self, limits: PackageLimits) -> Self {
        self.package_limits = Some(limits);
        self
    }

    /// How long launch links stay valid (the server's default otherwise).
    pub fn launch_ttl_secs(mut self, secs: u64) -> Self {
        self.launch_ttl_secs = Some(secs);
        self
    }

    /// Memory for the content origin's file cache and its largest item, bytes (0, 0: off).
    pub fn content_cache(mut self, bytes: usize, item_bytes: u64) -> Self {
        self.content_cache = Some((bytes, item_bytes));
        self
    }

    /// Content files in this store instead of the data folder.
    pub fn blob_store(mut self, blobs: Arc<dyn kiroku::blob::BlobStore>) -> Self {
        self.blob_store = Some(blobs);
        self
    }

    /// Require this bearer token on `/metrics`.
    /// Enables the operator API with this bearer token.
    pub fn operator_token(mut self, token: &str) -> Self {
        self.operator_token = Some(token.to_owned());
        self
    }

    pub fn metrics_token(mut self, token: &str) -> Self {
        self.metrics_token = Some(token.to_owned());
        self
    }

    /// Honour X-Forwarded-For from this proxy address.
    pub fn trusted_proxy(mut self, ip: &str) -> Self {
        self.trusted_proxies.push(ip.parse().expect("an IP address"));
        self
    }

    /// Backs up into (and lists backups from) this folder.
    pub fn backup_dir(mut self, dir: &std::path::Path) -> Self {
        self.backup_dir = Some(dir.to_owned());
        self
    }

    /// E-mails notices through this SMTP server.
    pub fn mail(mut self, mail: kiroku::mail::MailConfig) -> Self {
        self.mail = Some(mail);
        self
    }

    pub fn body_limit(mut self, limit: usize) -> Self {
        self.body_limit = limit;
        self
    }

    pub async fn start(self) -> TestApp {
        let dir = tempfile::tempdir().expect("temporary folder");
        let (store, db): (Arc<dyn Store>, _) = if servers_on_postgres() {
            let db = ScratchDb::create().await;
            (Arc::new(db.store().await), Some(db))
        } else {
            let store = SqliteStore::open(dir.path()).expect("open the SQLite store");
            (Arc::new(store), None)
        };
        let app = TcpListener::bind("127.0.0.1:0").await.expect("bind the app port");
        let content = TcpListener::bind("127.0.0.1:0").await.expect("bind the content port");
        let addr = app.local_addr().expect("app address");
        let content_addr = content.local_addr().expect("content address");
        let net = self.net.unwrap_or_default();
        let scheme = |tls: bool| if tls { "https" } else { "http" };
        let mut config = ServerConfig::new(&format!("{}://{addr}", scheme(net.app_tls.is_some())), self.body_limit);
        config.content_url = format!("{}://{content_addr}", scheme(net.content_tls.is_some()));
        config.net = net;
        config.work_dir = dir.path().join("work");
        config.exports_dir = dir.path().join("tenant-exports");
        if let Some(limits) = self.package_limits {
            config.package_limits = limits;
        }
        if let Some(ttl) = self.launch_ttl_secs {
            config.launch_ttl_secs = ttl;
        }
        if let Some((bytes, item_bytes)) = self.content_cache {
            config.content_cache_bytes = bytes;
            config.content_cache_item_bytes = item_bytes;
        }
        // Launch links expire by a clock the test moves (`TestApp::clock`), never by waiting.
        let clock = kiroku::clock::Clock::manual();
        config.wall = clock.clone();
        config.metrics_token = self.metrics_token;
        config.operator_token = self.operator_token.map(kiroku::server::Redacted);
        config.trusted_proxies = self.trusted_proxies;
        config.mail = self.mail;
        config.backup_dir = self.backup_dir;
        let blobs = LocalBlobs::open(&dir.path().join("blobs")).expect("open blob storage");
        let served: Arc<dyn kiroku::blob::BlobStore> = self.blob_store.unwrap_or_else(|| Arc::new(blobs.clone()));
        let state = AppState::new(Arc::clone(&store), served, config)
            .await
            .expect("application state");
        let redirect = match self.redirect {
            true => Some(TcpListener::bind("127.0.0.1:0").await.expect("bind the redirect port")),
            false => None,
        };
        let redirect_addr = redirect.as_ref().map(|r| r.local_addr().expect("redirect address"));
        let (stop, stopped) = oneshot::channel::<()>();
        let listeners = kiroku::server::Listeners { app, content, redirect };
        tokio::spawn(kiroku::server::serve_all(listeners, state, async move {
            let _ = stopped.await;
        }));
        TestApp {
            clock,
            addr,
            content_addr,
            redirect_addr,
            store,
            blobs,
            client: http_client(),
            _stop: stop,
            _dir: dir,
            _db: db,
        }
    }
}

/// A running server; it stops when dropped.
pub struct TestApp {
    pub addr: SocketAddr,
    pub content_addr: SocketAddr,
    /// The HTTP→HTTPS redirect's address, when the builder asked for one.
    pub redirect_addr: Option<SocketAddr>,
    /// The same store the server uses, for setup and out-of-band changes.
    pub store: Arc<dyn Store>,
    /// The server's blob storage, to check what an import left behind.
    pub blobs: LocalBlobs,
    /// The clock launch links expire by: `advance` it instead of sleeping.
    pub clock: kiroku::clock::Clock,
    client: HttpClient,
    _stop: oneshot::Sender<()>,
    _dir: tempfile::TempDir,
    /// Dropped after the server has been told to stop.
    _db: Option<ScratchDb>,
}

#[derive(Debug, Clone)]
pub struct Tenant {
    pub id: TenantId,
    pub name: String,
}

/// A credential's key and secret.
#[derive(Debug, Clone)]
pub struct Cred {
    pub key: String,
    pub secret: String,
}

impl Cred {
    pub fn basic(&self) -> String {
        basic(&self.key, &self.secret)
    }
}

pub fn basic(user: &str, password: &str) -> String {
    let raw = format!("{user}:{password}");
    format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(raw))
}

impl TestApp {
    pub fn builder() -> Builder {
        Builder {
            body_limit: DEFAULT_LIMIT,
            package_limits: None,
            launch_ttl_secs: None,
            content_cache: None,
            metrics_token: None,
            blob_store: None,
            operator_token: None,
            trusted_proxies: Vec::new(),
            net: None,
            redirect: false,
            mail: None,
            backup_dir: None,
        }
    }

    pub async fn start() -> Self {
        Self::builder().start().await
    }

    pub async fn tenant(&self, name: &str) -> Tenant {
        self.tenant_with_version(name, XapiVersion::V200).await
    }

    pub async fn tenant_with_version(&self, name: &str, xapi_version: XapiVersion) -> Tenant {
        let new = NewTenant {
            name: TenantName::parse(name).expect("tenant name"),
            xapi_version,
            reseller: None,
        };
        let t = self.store.create_tenant(new).await.expect("create tenant");
        Tenant {
            id: t.id,
            name: name.to_owned(),
        }
    }

    pub async fn credential(&self, tenant: &Tenant, scopes: &[Scope]) -> Cred {
        let issued = issue(ScopeSet::new(scopes.to_vec()), format!("test {}", tenant.name));
        let c = self
            .store
            .create_credential(tenant.id, issued.new)
            .await
            .expect("create credential");
        Cred {
            key: c.key,
            secret: issued.secret,
        }
    }

    /// A new tenant with one credential holding the `all` scope.
    pub async fn tenant_cred(&self, name: &str) -> Cred {
        let t = self.tenant(name).await;
        self.credential(&t, &[Scope::All]).await
    }

    pub async fn revoke(&self, tenant: &Tenant, cred: &Cred) {
        let done = self
            .store
            .revoke_credential(tenant.id, &cred.key)
            .await
            .expect("revoke");
        assert!(done, "credential {} was not active", cred.key);
    }

    /// The server's data folder (database, `blobs/`, and `work/` for uploads and staging).
    pub fn data_dir(&self) -> &std::path::Path {
        self._dir.path()
    }

    /// A request to any URL (e.g. on the content origin), with the default version header.
    pub fn request(&self, method: Method, url: &str) -> Req<'_> {
        Req::new(&self.client, method, url.to_owned())
    }

    pub fn url(&self, path_and_query: &str) -> String {
        format!("http://{}{path_and_query}", self.addr)
    }

    /// A request with the default version header and no credentials.
    pub fn req(&self, method: Method, path_and_query: &str) -> Req<'_> {
        Req::new(&self.client, method, self.url(path_and_query))
    }

    pub fn get(&self, path: &str) -> Req<'_> {
        self.req(Method::GET, path)
    }

    pub fn put(&self, path: &str) -> Req<'_> {
        self.req(Method::PUT, path)
    }

    pub fn post(&self, path: &str) -> Req<'_> {
        self.req(Method::POST, path)
    }

    pub fn delete(&self, path: &str) -> Req<'_> {
        self.req(Method::DELETE, path)
    }
}

/// A request being built.
pub struct Req<'a> {
    client: &'a HttpClient,
    method: Method,
    url: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl<'a> Req<'a> {
    /// A request to any URL, with the default version header.
    pub fn new(client: &'a HttpClient, method: Method, url: String) -> Self {
        Req {
            client,
            method,
            url,
            headers: vec![("x-experience-api-version".into(), VERSION.into())],
            body: Vec::new(),
        }
    }

    /// Sets a header, replacing an earlier value of the same name.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self = self.without(name);
        self.headers.push((name.to_ascii_lowercase(), value.to_owned()));
        self
    }

    pub fn without(mut self, name: &str) -> Self {
        self.headers.retain(|(k, _)| !k.eq_ignore_ascii_case(name));
        self
    }

    pub fn auth(self, c: &Cred) -> Self {
        self.header("authorization", &c.basic())
    }

    pub fn version(self, v: &str) -> Self {
        self.header("x-experience-api-version", v)
    }

    pub fn json(self, v: &Value) -> Self {
        self.body("application/json", v.to_string().into_bytes())
    }

    pub fn body(mut self, content_type: &str, body: impl Into<Vec<u8>>) -> Self {
        self.body = body.into();
        self.header("content-type", content_type)
    }

    /// A body sent without any Content-Type header.
    pub fn raw_body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = body.into();
        self
    }

    pub async fn send(self) -> Resp {
        let what = format!("{} {}", self.method, self.url);
        tokio::time::timeout(REQUEST_TIMEOUT, self.send_inner())
            .await
            .unwrap_or_else(|_| panic!("{what}: no response within {REQUEST_TIMEOUT:?}"))
    }

    async fn send_inner(self) -> Resp {
        let mut b = hyper::Request::builder().method(self.method.clone()).uri(&self.url);
        for (k, v) in &self.headers {
            b = b.header(k, v);
        }
        let req = b.body(Full::new(Bytes::from(self.body))).expect("valid request");
        let resp = self
            .client
            .request(req)
            .await
            .unwrap_or_else(|e| panic!("{} {}: {e:?}", self.method, self.url));
        let status = resp.status();
        let headers = resp.headers().clone();
        let body = resp.into_body().collect().await.expect("response body").to_bytes();
        Resp { status, headers, body }
    }
}

/// A complete response.
#[derive(Debug)]
pub struct Resp {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Resp {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Asserts the status, showing the body when it differs.
    #[track_caller]
    pub fn expect(self, status: u16) -> Self {
        assert_eq!(self.status.as_u16(), status, "unexpected status; body: {}", self.text());
        self
    }

    /// The message of a kiroku error body.
    pub fn message(&self) -> String {
        self.json()["error"]["message"].as_str().unwrap_or_default().to_owned()
    }
}
