//! Load tool: drives a running kiroku over HTTP and prints throughput and latency.
//!
//! ```text
//! cargo run --release --example bench -- --endpoint http://127.0.0.1:8080/xapi \
//!     --key KEY --secret SECRET ingest --statements 200000 --batch 100 --clients 4
//! cargo run --release --example bench -- ... query --requests 2000 --clients 4
//! ```
//! Statements draw their actor, verb and activity from fixed pools (`--agents`, `--verbs`,
//! `--activities`), so `query` can ask for agent + verb pairs that exist.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use base64::Engine as _;
use clap::{Parser, Subcommand};
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde_json::json;

#[derive(Debug, Parser)]
struct Args {
    /// The xAPI endpoint, e.g. http://127.0.0.1:8080/xapi.
    #[arg(long)]
    endpoint: String,
    #[arg(long)]
    key: String,
    #[arg(long)]
    secret: String,
    /// Size of the agent pool statements are drawn from.
    #[arg(long, default_value_t = 1000)]
    agents: u64,
    /// Size of the verb pool.
    #[arg(long, default_value_t = 20)]
    verbs: u64,
    /// Size of the activity pool.
    #[arg(long, default_value_t = 500)]
    activities: u64,
    /// Concurrent clients.
    #[arg(long, default_value_t = 4)]
    clients: usize,
    #[command(subcommand)]
    mode: Mode,
}

#[derive(Debug, Subcommand)]
enum Mode {
    /// POST batches of statements.
    Ingest {
        /// Total statements to post.
        #[arg(long, default_value_t = 100_000)]
        statements: u64,
        /// Statements per POST.
        #[arg(long, default_value_t = 100)]
        batch: u64,
    },
    /// GET statements filtered by agent and verb.
    Query {
        /// Total requests.
        #[arg(long, default_value_t = 2000)]
        requests: u64,
        /// The limit parameter.
        #[arg(long, default_value_t = 100)]
        limit: u32,
    },
}

type HttpClient = Client<HttpConnector, Full<Bytes>>;

struct Ctx {
    args: Args,
    client: HttpClient,
    auth: String,
    counter: AtomicU64,
}

/// A small xorshift generator: the pools need spread, not cryptographic randomness.
struct Rng(u64);

impl Rng {
    fn next(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

fn agent(i: u64) -> serde_json::Value {
    json!({ "objectType": "Agent", "name": format!("Learner {i}"), "mbox": format!("mailto:learner{i}@example.com") })
}

fn verb(i: u64) -> String {
    format!("http://example.com/verbs/v{i}")
}

fn statement(ctx: &Ctx, rng: &mut Rng) -> serde_json::Value {
    let a = &ctx.args;
    let act = rng.next(a.activities);
    json!({
        "actor": agent(rng.next(a.agents)),
        "verb": { "id": verb(rng.next(a.verbs)), "display": { "en-US": "did" } },
        "object": {
            "id": format!("http://example.com/activities/a{act}"),
            "definition": { "name": { "en-US": format!("Activity {act}") }, "type": "http://adlnet.gov/expapi/activities/lesson" }
        },
        "result": { "completion": true, "success": true, "score": { "scaled": 0.8 }, "duration": "PT1M30S" },
        "context": { "registration": "6a5b0f3e-0e1c-4d9b-9a5e-3a6d1c2b7f10", "platform": "kiroku-bench" },
        "timestamp": "2026-11-25T10:00:00.000Z"
    })
}

async fn send(ctx: &Ctx, method: &str, url: &str, body: Option<Vec<u8>>) -> Result<Duration, String> {
    let mut req = hyper::Request::builder()
        .method(method)
        .uri(url)
        .header("authorization", &ctx.auth)
        .header("x-experience-api-version", "1.0.3");
    if body.is_some() {
        req = req.header("content-type", "application/json");
    }
    let req = req
        .body(Full::new(Bytes::from(body.unwrap_or_default())))
        .map_err(|e| e.to_string())?;
    let start = Instant::now();
    let resp = ctx.client.request(req).await.map_err(|e| e.to_string())?;
    let status = resp.status();
    let bytes = resp.into_body().collect().await.map_err(|e| e.to_string())?.to_bytes();
    let took = start.elapsed();
    if !status.is_success() {
        return Err(format!("{method} {url}: {status}: {}", String::from_utf8_lossy(&bytes)));
    }
    Ok(took)
}

async fn ingest_worker(ctx: Arc<Ctx>, total: u64, batch: u64, seed: u64) -> Result<Vec<Duration>, String> {
    let mut rng = Rng(seed);
    let url = format!("{}/statements", ctx.args.endpoint);
    let mut lat = Vec::new();
    while ctx.counter.fetch_add(batch, Ordering::Relaxed) < total {
        let stmts: Vec<_> = (0..batch).map(|_| statement(&ctx, &mut rng)).collect();
        let body = serde_json::to_vec(&stmts).map_err(|e| e.to_string())?;
        lat.push(send(&ctx, "POST", &url, Some(body)).await?);
    }
    Ok(lat)
}

async fn query_worker(ctx: Arc<Ctx>, total: u64, limit: u32, seed: u64) -> Result<Vec<Duration>, String> {
    let mut rng = Rng(seed);
    let mut lat = Vec::new();
    while ctx.counter.fetch_add(1, Ordering::Relaxed) < total {
        let a = ctx.args.agents;
        let agent = serde_json::to_string(&json!({ "mbox": format!("mailto:learner{}@example.com", rng.next(a)) }))
            .map_err(|e| e.to_string())?;
        let q: String = form_urlencoded::Serializer::new(String::new())
            .append_pair("agent", &agent)
            .append_pair("verb", &verb(rng.next(ctx.args.verbs)))
            .append_pair("limit", &limit.to_string())
            .finish();
        lat.push(send(&ctx, "GET", &format!("{}/statements?{q}", ctx.args.endpoint), None).await?);
    }
    Ok(lat)
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

#[tokio::main]
async fn main() -> Result<(), String> {
    let args = Args::parse();
    let auth = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{}:{}", args.key, args.secret))
    );
    let mut connector = HttpConnector::new();
    connector.set_nodelay(true);
    let client = Client::builder(TokioExecutor::new()).build(connector);
    let clients = args.clients;
    let ctx = Arc::new(Ctx {
        args,
        client,
        auth,
        counter: AtomicU64::new(0),
    });
    let start = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..clients {
        let ctx = ctx.clone();
        let seed = 0x9E37_79B9_7F4A_7C15 ^ (c as u64 + 1);
        tasks.push(tokio::spawn(async move {
            match ctx.args.mode {
                Mode::Ingest { statements, batch } => ingest_worker(ctx.clone(), statements, batch, seed).await,
                Mode::Query { requests, limit } => query_worker(ctx.clone(), requests, limit, seed).await,
            }
        }));
    }
    let mut lat = Vec::new();
    for t in tasks {
        lat.extend(t.await.map_err(|e| e.to_string())??);
    }
    let secs = start.elapsed().as_secs_f64();
    lat.sort();
    let requests = lat.len() as f64;
    let per_request = match ctx.args.mode {
        Mode::Ingest { batch, .. } => batch as f64,
        Mode::Query { .. } => 1.0,
    };
    println!(
        "{} requests in {secs:.2}s: {:.0} requests/s, {:.0} statements/s; latency ms p50 {:.2} p90 {:.2} p99 {:.2} max {:.2}",
        lat.len(),
        requests / secs,
        requests * per_request / secs,
        percentile(&lat, 0.5),
        percentile(&lat, 0.9),
        percentile(&lat, 0.99),
        percentile(&lat, 1.0),
    );
    Ok(())
}
