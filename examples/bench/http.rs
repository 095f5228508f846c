//! The load tool's HTTP side: one hyper client with a pool of keep-alive connections
//! (TCP_NODELAY), counting the connections it opens, and latency percentiles.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Full};
use hyper::Uri;
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioIo};
use tokio::net::TcpStream;
use tower::Service;

type Connecting =
    Pin<Box<dyn Future<Output = Result<TokioIo<TcpStream>, Box<dyn std::error::Error + Send + Sync>>> + Send>>;

/// `HttpConnector` that counts the connections it opens, to show they are reused.
#[derive(Clone)]
pub struct Counting {
    inner: HttpConnector,
    opened: Arc<AtomicU64>,
}

impl Service<Uri> for Counting {
    type Response = TokioIo<TcpStream>;
    type Error = Box<dyn std::error::Error + Send + Sync>;
    type Future = Connecting;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, uri: Uri) -> Self::Future {
        self.opened.fetch_add(1, Ordering::Relaxed);
        let connecting = self.inner.call(uri);
        Box::pin(async move { connecting.await.map_err(Into::into) })
    }
}

/// What a request sends besides method and URL.
#[derive(Debug, Default, Clone, Copy)]
pub struct Opts<'a> {
    /// Send the Basic credential (xAPI and admin API; the run-time carries its grant in the URL).
    pub auth: bool,
    /// Send `X-Experience-API-Version: 1.0.3`.
    pub xapi: bool,
    pub content_type: Option<&'a str>,
}

pub struct Http {
    client: Client<Counting, Full<Bytes>>,
    auth: String,
    opened: Arc<AtomicU64>,
}

impl Http {
    pub fn new(auth: String) -> Self {
        let mut inner = HttpConnector::new();
        inner.set_nodelay(true);
        let opened = Arc::new(AtomicU64::new(0));
        let connector = Counting {
            inner,
            opened: opened.clone(),
        };
        let client = Client::builder(TokioExecutor::new())
            .pool_idle_timeout(Duration::from_secs(60))
            .build(connector);
        Http { client, auth, opened }
    }

    /// Connections opened so far.
    pub fn connections(&self) -> u64 {
        self.opened.load(Ordering::Relaxed)
    }

    /// One request; the time from sending it to the last byte of a 2xx answer, and the answer.
    pub async fn request(
        &self,
        method: &str,
        url: &str,
        how: Opts<'_>,
        body: Vec<u8>,
    ) -> Result<(Duration, Bytes), String> {
        let (took, status, bytes) = self.exchange(method, url, how, body).await?;
        if !status.is_success() {
            return Err(format!("{method} {url}: {status}: {}", String::from_utf8_lossy(&bytes)));
        }
        Ok((took, bytes))
    }

    /// One request whatever its answer: the time to its last byte, the status, the body.
    pub async fn exchange(
        &self,
        method: &str,
        url: &str,
        how: Opts<'_>,
        body: Vec<u8>,
    ) -> Result<(Duration, hyper::StatusCode, Bytes), String> {
        let mut req = hyper::Request::builder().method(method).uri(url);
        if how.auth {
            req = req.header("authorization", &self.auth);
        }
        if how.xapi {
            req = req.header("x-experience-api-version", "1.0.3");
        }
        if let Some(ct) = how.content_type {
            req = req.header("content-type", ct);
        }
        let req = req.body(Full::new(Bytes::from(body))).map_err(|e| e.to_string())?;
        let start = Instant::now();
        let resp = self
            .client
            .request(req)
            .await
            .map_err(|e| format!("{method} {url}: {e}"))?;
        let status = resp.status();
        let bytes = resp.into_body().collect().await.map_err(|e| e.to_string())?.to_bytes();
        Ok((start.elapsed(), status, bytes))
    }

    /// A JSON request with the Basic credential, answering JSON.
    pub async fn json(
        &self,
        method: &str,
        url: &str,
        body: Vec<u8>,
        content_type: &str,
    ) -> Result<serde_json::Value, String> {
        let how = Opts {
            auth: true,
            xapi: false,
            content_type: Some(content_type),
        };
        let (_, bytes) = self.request(method, url, how, body).await?;
        serde_json::from_slice(&bytes).map_err(|e| format!("{method} {url}: not JSON: {e}"))
    }
}

/// The `p` quantile (0..=1) of sorted durations, in milliseconds.
pub fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

/// `p50 … p90 … p99 … max …` of sorted durations, in milliseconds.
pub fn summary(sorted: &[Duration]) -> String {
    format!(
        "p50 {:.2} p90 {:.2} p99 {:.2} max {:.2}",
        percentile(sorted, 0.5),
        percentile(sorted, 0.9),
        percentile(sorted, 0.99),
        percentile(sorted, 1.0)
    )
}

/// CPU time (user + system) this process has used, in seconds (Linux; 0 elsewhere).
pub fn cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    // Fields after the command name (which may hold spaces) start at the last ')'.
    let Some((_, rest)) = stat.rsplit_once(')') else {
        return 0.0;
    };
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // utime and stime (fields 14 and 15 of the line) in clock ticks, 100 per second on Linux.
    let ticks = |i: usize| fields.get(i).and_then(|f| f.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0
}
