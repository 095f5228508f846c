//! The xAPI modes: `ingest` (POST batches of statements) and `query` (GET by agent + verb).
//! Statements draw their actor, verb and activity from fixed pools (`--agents`, `--verbs`,
//! `--activities`), so `query` can ask for agent + verb pairs that exist.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde_json::json;

use crate::http::{Http, Opts, summary};
use crate::{Args, Mode};

struct Ctx {
    args: Args,
    http: Http,
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
    let how = Opts {
        auth: true,
        xapi: true,
        content_type: body.is_some().then_some("application/json"),
    };
    Ok(ctx.http.request(method, url, how, body.unwrap_or_default()).await?.0)
}

/// The endpoint client `c` talks to (`--endpoint` may list several, comma-separated).
fn endpoint(ctx: &Ctx, c: usize) -> String {
    let all: Vec<&str> = ctx.args.endpoint.split(',').collect();
    all[c % all.len()].trim_end_matches('/').to_owned()
}

async fn ingest_worker(ctx: Arc<Ctx>, c: usize, total: u64, batch: u64, seed: u64) -> Result<Vec<Duration>, String> {
    let mut rng = Rng(seed);
    let url = format!("{}/statements", endpoint(&ctx, c));
    let mut lat = Vec::new();
    while ctx.counter.fetch_add(batch, Ordering::Relaxed) < total {
        let stmts: Vec<_> = (0..batch).map(|_| statement(&ctx, &mut rng)).collect();
        let body = serde_json::to_vec(&stmts).map_err(|e| e.to_string())?;
        lat.push(send(&ctx, "POST", &url, Some(body)).await?);
    }
    Ok(lat)
}

async fn query_worker(ctx: Arc<Ctx>, c: usize, total: u64, limit: u32, seed: u64) -> Result<Vec<Duration>, String> {
    let mut rng = Rng(seed);
    let base = endpoint(&ctx, c);
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
        lat.push(send(&ctx, "GET", &format!("{base}/statements?{q}"), None).await?);
    }
    Ok(lat)
}

/// Runs `ingest` or `query` with `--clients` concurrent clients and prints the figures.
pub async fn run(args: Args, http: Http) -> Result<(), String> {
    let clients = args.clients;
    let ctx = Arc::new(Ctx {
        args,
        http,
        counter: AtomicU64::new(0),
    });
    let start = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..clients {
        let ctx = ctx.clone();
        let seed = 0x9E37_79B9_7F4A_7C15 ^ (c as u64 + 1);
        tasks.push(tokio::spawn(async move {
            match ctx.args.mode {
                Mode::Ingest { statements, batch } => ingest_worker(ctx.clone(), c, statements, batch, seed).await,
                Mode::Query { requests, limit } => query_worker(ctx.clone(), c, requests, limit, seed).await,
                Mode::Commits(_) | Mode::Nav(_) | Mode::Pages(_) => Err("not an xAPI mode".to_owned()),
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
        _ => 1.0,
    };
    println!(
        "{} requests in {secs:.2}s: {:.0} requests/s, {:.0} statements/s; latency ms {}",
        lat.len(),
        requests / secs,
        requests * per_request / secs,
        summary(&lat),
    );
    Ok(())
}
