//! The `pages` mode: how fast the web app's report and list pages answer in a big tenant
//! (docs/benchmarks.md, issue 15: 1,000,000 statements and 100,000 learners).
//!
//! Setup (not timed, skipped with `--learners 0`): import a one-SCO SCORM 1.2 package,
//! then for each learner an LMS launch, the attempt's opening and one terminating commit
//! (status, score, three answered questions, session time), `--clients` at a time, so
//! every learner has a registration, an attempt and its summary rows. The statements
//! come from a separate `ingest` run. Timed part: each page and reporting call below,
//! `--requests` times one after the other with the admin credential (the pages take it
//! as the API does), the latency of each to its last byte.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use serde_json::json;

use crate::Args;
use crate::http::{Http, Opts, summary};
use crate::package::scorm_zip;

#[derive(Debug, Clone, clap::Args)]
pub struct PageArgs {
    /// Learners to add before timing (each launched and committed once).
    #[arg(long, default_value_t = 100_000)]
    learners: usize,
    /// Requests per page.
    #[arg(long, default_value_t = 20)]
    requests: usize,
}

/// Percent-encodes everything but unreserved ASCII.
fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn id_of(i: usize) -> String {
    // Multi-byte ids, as a Japanese tenant's.
    format!("学習者-{i:06}")
}

/// One learner: launch, open, one terminating commit.
async fn take(http: &Http, api: &str, package: &str, item: &str, i: usize) -> Result<(), String> {
    let id = id_of(i);
    let body = json!({ "learner": { "id": id, "name": format!("受講者 {i}") }, "packageId": package });
    let l = http
        .json(
            "POST",
            &format!("{api}/api/v1/launch"),
            body.to_string().into_bytes(),
            "application/json",
        )
        .await?;
    let base = l["contentBase"]
        .as_str()
        .ok_or("no contentBase")?
        .replacen("/content/", "/runtime/", 1);
    let runtime = format!("{}/{item}", base.trim_end_matches('/'));
    let (_, a) = http.request("GET", &runtime, Opts::default(), Vec::new()).await?;
    let a: serde_json::Value = serde_json::from_slice(&a).map_err(|e| e.to_string())?;
    let (attempt, seq) = (a["attempt"].as_u64().unwrap_or(1), a["seq"].as_u64().unwrap_or(0));
    let mut sets = vec![
        (
            "cmi.core.lesson_status".to_owned(),
            if i.is_multiple_of(3) { "failed" } else { "passed" }.to_owned(),
        ),
        ("cmi.core.score.raw".to_owned(), (i * 7 % 101).to_string()),
        ("cmi.core.session_time".to_owned(), format!("00:{:02}:00", i % 60)),
    ];
    for q in 0..3 {
        let p = |name: &str| format!("cmi.interactions.{q}.{name}");
        let right = !(i + q).is_multiple_of(4);
        sets.push((p("id"), format!("問{q}")));
        sets.push((p("type"), "choice".into()));
        sets.push((p("student_response"), if right { "a" } else { "b" }.into()));
        sets.push((p("result"), if right { "correct" } else { "wrong" }.into()));
    }
    let body = json!({ "attempt": attempt, "seq": seq + 1, "sets": sets, "terminate": true }).to_string();
    let how = Opts {
        content_type: Some("text/plain;charset=UTF-8"),
        ..Opts::default()
    };
    http.request("POST", &format!("{runtime}/commit"), how, body.into_bytes())
        .await?;
    Ok(())
}

async fn seed(http: &Arc<Http>, api: &str, package: &str, item: &str, n: usize, clients: usize) -> Result<(), String> {
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..clients.max(1) {
        let (http, next) = (http.clone(), next.clone());
        let (api, package, item) = (api.to_owned(), package.to_owned(), item.to_owned());
        tasks.push(tokio::spawn(async move {
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= n {
                    return Ok::<_, String>(());
                }
                take(&http, &api, &package, &item, i).await?;
                if i % 10_000 == 0 && i > 0 {
                    eprintln!("  {i} learners, {:.0} s", started.elapsed().as_secs_f64());
                }
            }
        }));
    }
    for t in tasks {
        t.await.map_err(|e| e.to_string())??;
    }
    println!(
        "setup: {n} learners launched and committed in {:.0} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// A fresh one-SCO package to report on (imported on every run: the same course becomes
/// its next version, its registrations stay).
async fn package(http: &Http, api: &str) -> Result<(String, String), String> {
    let zip = scorm_zip("1.2")?;
    let p = http
        .json("POST", &format!("{api}/api/v1/packages"), zip, "application/zip")
        .await?;
    let id = p["packageId"].as_str().ok_or("no packageId")?.to_owned();
    let item = p["launchables"][0]["id"].as_str().ok_or("no launchable")?.to_owned();
    Ok((id, item))
}

pub async fn run(args: &Args, p: PageArgs, http: Http) -> Result<(), String> {
    let api = args.endpoint.trim_end_matches('/');
    let api = api.strip_suffix("/xapi").unwrap_or(api).to_owned();
    let http = Arc::new(http);
    let (pkg, item) = package(&http, &api).await?;
    if p.learners > 0 {
        seed(&http, &api, &pkg, &item, p.learners, args.clients).await?;
    }
    let someone = encode(&id_of(p.learners / 2));
    let pages = [
        "/reports".to_owned(),
        format!("/reports?course={pkg}"),
        format!("/reports?learner={someone}"),
        format!("/reports/learners/{someone}"),
        "/reports/export?report=courses".to_owned(),
        format!("/api/v1/reports/courses?course={pkg}"),
        format!("/api/v1/reports/questions?course={pkg}"),
        "/api/v1/reports/distributions".to_owned(),
        "/api/v1/reports/activity".to_owned(),
        "/learners".to_owned(),
        format!("/learners/{someone}"),
        "/courses".to_owned(),
        format!("/courses/{pkg}"),
        "/statements".to_owned(),
        "/audit".to_owned(),
        "/end-clients".to_owned(),
        "/credentials".to_owned(),
    ];
    let how = Opts {
        auth: true,
        ..Opts::default()
    };
    for page in pages {
        let url = format!("{api}{page}");
        let mut took = Vec::with_capacity(p.requests);
        for _ in 0..p.requests {
            let (t, status, body) = http.exchange("GET", &url, how, Vec::new()).await?;
            if !status.is_success() {
                return Err(format!("GET {page}: {status}: {}", String::from_utf8_lossy(&body)));
            }
            took.push(t);
        }
        took.sort();
        println!("{page:<48} {}", summary(&took));
    }
    Ok(())
}
