//! The `nav` mode: the SCORM 2004 navigation call (`POST {runtime}/-/nav`) on a
//! 1,000-activity sequenced course, timed at the client over loopback (HTTP, the
//! registration's state and the learner's global objectives read from the store,
//! sequencing, the new state written in one transaction, the answer with what may be
//! asked next).
//!
//! Setup (not timed): the course of `common/sequenced_course.rs` is imported through
//! the admin API and each learner launched (`POST /api/v1/launch`). Then each learner,
//! one after another: a start, and `--steps` visits. A visit is what the player does:
//! open the delivered SCO's attempt (`GET {runtime}/{item}`), commit its data with
//! `Terminate` (completed; passed, or failed one time in seven), then the navigation
//! request, continue mostly, a previous every 10th, a choice of a SCO in another module
//! every 25th, a suspend all every 100th followed by a resume all. The open and the
//! commit are timed too, apart. A refused request (409, the book's exception) is counted
//! and followed by a continue; an ended session by a start.

use std::collections::BTreeMap;
use std::io::{Cursor, Write};
use std::time::Duration;

use serde_json::{Value, json};
use zip::ZipWriter;
use zip::write::SimpleFileOptions;

use crate::Args;
use crate::http::{Http, Opts, percentile};
use crate::sequenced_course::{CLUSTERS, LEAVES, leaf_id, manifest};

#[derive(Debug, Clone, clap::Args)]
pub struct NavArgs {
    /// Learners, each with a registration of its own.
    #[arg(long, default_value_t = 3)]
    learners: usize,
    /// Visits per learner after the start.
    #[arg(long, default_value_t = 300)]
    steps: u64,
    /// Modules of 111 activities under the root (9: 1,000 activities).
    #[arg(long, default_value_t = 9)]
    modules: usize,
}

fn course_zip(modules: usize) -> Result<Vec<u8>, String> {
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default();
    let files = [
        ("imsmanifest.xml", manifest(modules)),
        ("sco.html", "<!doctype html><title>SCO</title>".to_owned()),
    ];
    for (name, text) in files {
        zip.start_file(name, options).map_err(|e| e.to_string())?;
        zip.write_all(text.as_bytes()).map_err(|e| e.to_string())?;
    }
    Ok(zip.finish().map_err(|e| e.to_string())?.into_inner())
}

/// Timings by kind, and the refusals by exception code.
#[derive(Default)]
struct Seen {
    timings: BTreeMap<String, Vec<Duration>>,
    refused: BTreeMap<String, u32>,
}

impl Seen {
    fn add(&mut self, kind: &str, d: Duration) {
        self.timings.entry(kind.to_owned()).or_default().push(d);
    }

    fn print(&mut self) {
        println!(
            "{:<14} {:>7} {:>9} {:>9} {:>9} {:>9}",
            "request", "count", "p50 ms", "p90 ms", "p99 ms", "max ms"
        );
        for (kind, v) in &mut self.timings {
            v.sort_unstable();
            println!(
                "{kind:<14} {:>7} {:>9.2} {:>9.2} {:>9.2} {:>9.2}",
                v.len(),
                percentile(v, 0.5),
                percentile(v, 0.9),
                percentile(v, 0.99),
                percentile(v, 1.0)
            );
        }
        println!("refused: {:?}", self.refused);
    }
}

struct Learner<'a> {
    http: &'a Http,
    runtime: String,
    seen: &'a mut Seen,
}

impl Learner<'_> {
    /// A navigation request, timed as `kind`; the item delivered, if any.
    async fn nav(&mut self, kind: &str, body: Value) -> Result<Option<String>, String> {
        let url = format!("{}/-/nav", self.runtime);
        let how = Opts {
            content_type: Some("application/json"),
            ..Opts::default()
        };
        let (took, status, answer) = self
            .http
            .exchange("POST", &url, how, body.to_string().into_bytes())
            .await?;
        self.seen.add(kind, took);
        let a: Value = serde_json::from_slice(&answer).map_err(|e| format!("{url}: {e}"))?;
        if status.as_u16() == 409 {
            let rule = a["error"]["rule"].as_str().unwrap_or("?");
            *self.seen.refused.entry(format!("{kind} {rule}")).or_default() += 1;
            return Ok(None);
        }
        if !status.is_success() {
            return Err(format!("{url}: {status}: {a}"));
        }
        Ok(a["deliver"]["id"].as_str().map(str::to_owned))
    }

    /// The player's visit of `item`: open its attempt, commit with Terminate.
    async fn visit(&mut self, item: &str, step: u64) -> Result<(), String> {
        let url = format!("{}/{item}", self.runtime);
        let (took, opened) = self.http.request("GET", &url, Opts::default(), Vec::new()).await?;
        self.seen.add("(open)", took);
        let a: Value = serde_json::from_slice(&opened).map_err(|e| e.to_string())?;
        let pass = step % 7 != 3;
        let sets = json!([
            ["cmi.completion_status", "completed"],
            ["cmi.success_status", if pass { "passed" } else { "failed" }],
            ["cmi.score.scaled", if pass { "0.9" } else { "0.2" }],
            ["cmi.session_time", "PT30S"],
        ]);
        let seq = a["seq"].as_u64().ok_or("no seq")? + 1;
        let body = json!({ "attempt": a["attempt"], "seq": seq, "sets": sets, "terminate": true });
        let how = Opts {
            content_type: Some("text/plain;charset=UTF-8"),
            ..Opts::default()
        };
        let (took, _) = self
            .http
            .request("POST", &format!("{url}/commit"), how, body.to_string().into_bytes())
            .await?;
        self.seen.add("(commit)", took);
        Ok(())
    }

    async fn run(&mut self, steps: u64, modules: usize) -> Result<(), String> {
        let mut current = self.nav("start", json!({"request": "start"})).await?;
        for step in 1..=steps {
            let Some(item) = current.clone() else {
                current = self.nav("start", json!({"request": "start"})).await?;
                continue;
            };
            self.visit(&item, step).await?;
            let (kind, body) = if step.is_multiple_of(100) {
                ("suspendAll", json!({"request": "suspendAll", "current": item}))
            } else if step.is_multiple_of(25) {
                let m = (step as usize / 25) % modules;
                let target = leaf_id(m, step as usize % CLUSTERS, step as usize % LEAVES);
                (
                    "choice",
                    json!({"request": "choice", "target": target, "current": item}),
                )
            } else if step.is_multiple_of(10) {
                ("previous", json!({"request": "previous", "current": item}))
            } else {
                ("continue", json!({"request": "continue", "current": item}))
            };
            current = self.nav(kind, body).await?;
            if kind == "suspendAll" {
                current = self.nav("resumeAll", json!({"request": "resumeAll"})).await?;
            } else if current.is_none() {
                current = self.nav("continue", json!({"request": "continue"})).await?;
            }
        }
        Ok(())
    }
}

pub async fn run(args: &Args, n: NavArgs, http: Http) -> Result<(), String> {
    let api = args.endpoint.trim_end_matches('/');
    let api = api.strip_suffix("/xapi").ok_or("--endpoint must end with /xapi")?;
    let pkg = http
        .json(
            "POST",
            &format!("{api}/api/v1/packages"),
            course_zip(n.modules)?,
            "application/zip",
        )
        .await?;
    let package = pkg["packageId"]
        .as_str()
        .ok_or_else(|| format!("no packageId in {pkg}"))?;
    let activities = 1 + n.modules * (1 + CLUSTERS * (1 + LEAVES));
    println!("course: {activities} activities, package {package}");
    let mut seen = Seen::default();
    let tag = std::process::id();
    for i in 0..n.learners {
        let body = json!({ "learner": { "id": format!("nav-{tag}-{i}"), "name": "学習者" }, "packageId": package });
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
            .ok_or_else(|| format!("no contentBase in {l}"))?;
        let runtime = base
            .replacen("/content/", "/runtime/", 1)
            .trim_end_matches('/')
            .to_owned();
        let mut learner = Learner {
            http: &http,
            runtime,
            seen: &mut seen,
        };
        learner.run(n.steps, n.modules).await?;
    }
    seen.print();
    Ok(())
}
