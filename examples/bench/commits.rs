//! The `commits` mode: SCORM learners committing run-time data on a schedule, as the
//! bridge does (`POST {runtime}/{item}/commit`, `text/plain` JSON, one sequence number
//! per send).
//!
//! Setup (not timed): import a one-SCO package built in memory through the admin API,
//! then for each learner an LMS launch (`POST /api/v1/launch`, which creates learner and
//! registration) and the attempt's opening (`GET {runtime}/{item}`), `--clients` at a
//! time. Timed part: learner `i` of `n` commits at `t0 + i/n·interval + k·interval`
//! for `k = 0, 1, …` while that is within `--duration`, so the load is an even
//! `n / interval` commits per second. Each learner waits for its commit's answer before
//! the next, like the bridge (one send in flight). All learners share one pool of
//! keep-alive connections: a commit takes a few milliseconds, so a handful of connections
//! carry 100 commits/s, and the client spends its time waiting, not working (the tool
//! prints the connections it opened and its CPU time).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};

use crate::Args;
use crate::http::{Http, Opts, cpu_seconds, percentile, summary};
use crate::package::scorm_zip;

#[derive(Debug, Clone, clap::Args)]
pub struct CommitArgs {
    /// Simulated learners, each with its own registration and attempt.
    #[arg(long, default_value_t = 500)]
    learners: usize,
    /// Seconds between two commits of a learner.
    #[arg(long, default_value_t = 5.0)]
    interval: f64,
    /// Seconds of committing (the launches before are not timed).
    #[arg(long, default_value_t = 60.0)]
    duration: f64,
    /// SCORM version of the package: 1.2 or 2004.
    #[arg(long, default_value = "1.2", value_parser = ["1.2", "2004"])]
    scorm: String,
    /// Characters of cmi.suspend_data in each commit.
    #[arg(long, default_value_t = 1024)]
    suspend_bytes: usize,
}

/// A learner's open attempt.
struct Learner {
    runtime: String,
    attempt: u64,
    seq: u64,
}

/// What one learner saw: latencies of stored commits, how late each send left, errors.
#[derive(Default)]
struct Seen {
    latency: Vec<Duration>,
    lag: Vec<Duration>,
    errors: Vec<String>,
    bytes: usize,
}

fn field<'a>(v: &'a Value, name: &str) -> Result<&'a Value, String> {
    v.get(name).ok_or_else(|| format!("no {name} in {v}"))
}

fn text(v: &Value, name: &str) -> Result<String, String> {
    field(v, name)?
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| format!("{name} is not a string in {v}"))
}

fn number(v: &Value, name: &str) -> Result<u64, String> {
    field(v, name)?
        .as_u64()
        .ok_or_else(|| format!("{name} is not a number in {v}"))
}

/// Imports the package; its id and the SCO's item id.
async fn import(http: &Http, api: &str, scorm: &str) -> Result<(String, String), String> {
    let zip = scorm_zip(scorm)?;
    let pkg = http
        .json("POST", &format!("{api}/api/v1/packages"), zip, "application/zip")
        .await?;
    let item = field(&pkg, "launchables")?
        .get(0)
        .map(|l| text(l, "id"))
        .ok_or_else(|| format!("no launchable in {pkg}"))??;
    Ok((text(&pkg, "packageId")?, item))
}

/// An LMS launch for learner `id`, then the attempt's opening.
async fn launch(http: &Http, api: &str, package: &str, item: &str, id: &str) -> Result<Learner, String> {
    let body = json!({ "learner": { "id": id, "name": format!("Learner {id}") }, "packageId": package });
    let body = serde_json::to_vec(&body).map_err(|e| e.to_string())?;
    let l = http
        .json("POST", &format!("{api}/api/v1/launch"), body, "application/json")
        .await?;
    let runtime = text(&l, "contentBase")?.replacen("/content/", "/runtime/", 1);
    let runtime = format!("{}/{item}", runtime.trim_end_matches('/'));
    let (_, answer) = http.request("GET", &runtime, Opts::default(), Vec::new()).await?;
    let a: Value = serde_json::from_slice(&answer).map_err(|e| e.to_string())?;
    Ok(Learner {
        runtime,
        attempt: number(&a, "attempt")?,
        seq: number(&a, "seq")?,
    })
}

/// Launches `n` learners, `clients` at a time.
async fn launch_all(
    http: &Arc<Http>,
    api: &str,
    package: &str,
    item: &str,
    n: usize,
    clients: usize,
) -> Result<Vec<Learner>, String> {
    let tag = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_err(|e| e.to_string())?
        .as_millis();
    let next = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for _ in 0..clients.max(1) {
        let (http, next) = (http.clone(), next.clone());
        let (api, package, item) = (api.to_owned(), package.to_owned(), item.to_owned());
        tasks.push(tokio::spawn(async move {
            let mut out = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= n {
                    return Ok::<_, String>(out);
                }
                out.push((
                    i,
                    launch(&http, &api, &package, &item, &format!("bench-{tag}-{i}")).await?,
                ));
            }
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.map_err(|e| e.to_string())??);
    }
    all.sort_by_key(|(i, _)| *i);
    Ok(all.into_iter().map(|(_, l)| l).collect())
}

/// `HH:MM:SS` (SCORM 1.2) or `PT…S` (2004) for `secs`.
fn timespan(scorm: &str, secs: u64) -> String {
    if scorm == "1.2" {
        format!("{:02}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60)
    } else {
        format!("PT{secs}S")
    }
}

/// The sets of a learner's `k`-th commit: where it is, its suspend data, status, score,
/// one more answered question and the session time so far.
fn sets(c: &CommitArgs, k: u64) -> Vec<(String, String)> {
    let mut suspend = format!("v1|k={k}|");
    while suspend.len() < c.suspend_bytes {
        suspend.push_str(&format!("s{}=1;", suspend.len()));
    }
    suspend.truncate(c.suspend_bytes);
    // At most 100 interactions: past that, a question is answered again (same id).
    let q = k % 100;
    let session = timespan(&c.scorm, ((k + 1) as f64 * c.interval) as u64);
    let v12 = c.scorm == "1.2";
    let i = |name: &str| format!("cmi.interactions.{q}.{name}");
    let wrong = if v12 { "wrong" } else { "incorrect" };
    let result = if k.is_multiple_of(3) { wrong } else { "correct" };
    if v12 {
        vec![
            ("cmi.core.lesson_location".into(), format!("p{k}")),
            ("cmi.suspend_data".into(), suspend),
            ("cmi.core.lesson_status".into(), "incomplete".into()),
            ("cmi.core.score.raw".into(), (k * 7 % 101).to_string()),
            (i("id"), format!("q{q}")),
            (i("type"), "choice".into()),
            (i("student_response"), "a".into()),
            (i("result"), result.into()),
            (i("time"), "10:00:05".into()),
            ("cmi.core.session_time".into(), session),
        ]
    } else {
        vec![
            ("cmi.location".into(), format!("p{k}")),
            ("cmi.suspend_data".into(), suspend),
            ("cmi.completion_status".into(), "incomplete".into()),
            ("cmi.score.scaled".into(), format!("{:.2}", (k % 101) as f64 / 100.0)),
            (i("id"), format!("urn:x-bench:q{q}")),
            (i("type"), "choice".into()),
            (i("learner_response"), "a".into()),
            (i("result"), result.into()),
            (i("timestamp"), "2026-11-25T10:00:05".into()),
            ("cmi.session_time".into(), session),
        ]
    }
}

/// Whether a commit's answer says `"status": "stored"` (not a duplicate).
fn stored(answer: &[u8]) -> bool {
    serde_json::from_slice::<Value>(answer).is_ok_and(|a| a["status"] == "stored")
}

/// One learner's commits from `first` on, every `interval`, until `end`.
async fn learner(http: Arc<Http>, c: Arc<CommitArgs>, mut l: Learner, first: Instant, end: Instant) -> Seen {
    let mut seen = Seen::default();
    let url = format!("{}/commit", l.runtime);
    let how = Opts {
        content_type: Some("text/plain;charset=UTF-8"),
        ..Opts::default()
    };
    let mut k = 0u64;
    loop {
        let at = first + Duration::from_secs_f64(c.interval * k as f64);
        if at >= end {
            return seen;
        }
        tokio::time::sleep_until(at.into()).await;
        l.seq += 1;
        let body = json!({ "attempt": l.attempt, "seq": l.seq, "sets": sets(&c, k), "terminate": false }).to_string();
        seen.bytes = body.len();
        seen.lag.push(Instant::now().saturating_duration_since(at));
        match http.request("POST", &url, how, body.into_bytes()).await {
            Ok((took, answer)) if stored(&answer) => seen.latency.push(took),
            Ok((_, answer)) => seen
                .errors
                .push(format!("not stored: {}", String::from_utf8_lossy(&answer))),
            Err(e) => seen.errors.push(e),
        }
        k += 1;
    }
}

pub async fn run(args: &Args, c: CommitArgs, http: Http) -> Result<(), String> {
    let api = args.endpoint.trim_end_matches('/');
    let api = api
        .strip_suffix("/xapi")
        .ok_or("--endpoint must end with /xapi")?
        .to_owned();
    let http = Arc::new(http);
    let setup = Instant::now();
    let (package, item) = import(&http, &api, &c.scorm).await?;
    let learners = launch_all(&http, &api, &package, &item, c.learners, args.clients).await?;
    println!(
        "setup: package {package} (SCORM {}) imported, {} learners launched and attempts opened in {:.1} s",
        c.scorm,
        learners.len(),
        setup.elapsed().as_secs_f64()
    );
    let (conns, cpu) = (http.connections(), cpu_seconds());
    let c = Arc::new(c);
    let t0 = Instant::now() + Duration::from_millis(200);
    let end = t0 + Duration::from_secs_f64(c.duration);
    let n = learners.len().max(1);
    let mut tasks = Vec::new();
    for (i, l) in learners.into_iter().enumerate() {
        let first = t0 + Duration::from_secs_f64(c.interval * i as f64 / n as f64);
        tasks.push(tokio::spawn(learner(http.clone(), c.clone(), l, first, end)));
    }
    let mut all = Seen::default();
    for t in tasks {
        let s = t.await.map_err(|e| e.to_string())?;
        all.latency.extend(s.latency);
        all.lag.extend(s.lag);
        all.errors.extend(s.errors);
        all.bytes = all.bytes.max(s.bytes);
    }
    let secs = t0.elapsed().as_secs_f64();
    all.latency.sort();
    all.lag.sort();
    let sent = all.lag.len();
    println!(
        "commits: {} learners every {} s for {} s: {sent} requests, {} errors, {:.1} commits/s stored (scheduled {:.1}/s); \
         latency ms {}; sent behind schedule ms p99 {:.2} max {:.2}; body up to {} bytes; \
         {} connections opened; client CPU {:.2} s in {secs:.1} s",
        n,
        c.interval,
        c.duration,
        all.errors.len(),
        all.latency.len() as f64 / secs,
        n as f64 / c.interval,
        summary(&all.latency),
        percentile(&all.lag, 0.99),
        percentile(&all.lag, 1.0),
        all.bytes,
        http.connections() - conns,
        cpu_seconds() - cpu,
    );
    for e in all.errors.iter().take(5) {
        println!("error: {e}");
    }
    if all.errors.is_empty() {
        Ok(())
    } else {
        Err(format!("{} commits failed", all.errors.len()))
    }
}
