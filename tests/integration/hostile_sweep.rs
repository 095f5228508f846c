//! Issue 12's hostile-input sweep: one server with a tenant, an xAPI credential, an
//! admin credential, a SCORM 2004 and a SCORM 1.2 package and a registration on each;
//! then a seeded, deterministic run of generated hostile requests across the run-time
//! (open, commit, navigation, content), the xAPI statements and documents resources and
//! the admin API (learners, registrations, launches, packages with hostile zips, audit,
//! paging). Every answer must be a status below 500, on a connection that did not drop,
//! within a second. Everything acknowledged (statement ids, stored commits and their
//! values, documents written once) is read back at the end.
//!
//! `KIROKU_SWEEP_REQUESTS` sets how many requests (default [`DEFAULT_REQUESTS`]),
//! `KIROKU_SWEEP_SEED` the seed; a failure names the seed and the request so that a run
//! is reproduced exactly.

mod admin;
mod documents;
mod runtime;
mod text;
mod xapi;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, Method};
use http_body_util::{BodyExt, Full};
use kiroku::tenant::Scope;
use serde_json::{Value, json};

use crate::packages::Env;
use crate::packages::fixture;
use crate::support::{Cred, DEFAULT_LIMIT, HttpClient, TestApp, http_client};
use text::Rng;

/// Requests of a CI run.
const DEFAULT_REQUESTS: usize = 3000;
/// The longest any one request may take, plus [`SLOW_PER_MB`] for each megabyte it
/// carries (a batch of a megabyte and more is parsed, validated and stored whole; on a
/// loaded two-core machine that alone nears a second).
const SLOW: Duration = Duration::from_secs(1);
const SLOW_PER_MB: Duration = Duration::from_millis(500);
/// How long to wait before calling a request stalled (its answer is then a failure).
const STALL: Duration = Duration::from_secs(10);
/// How many failures are described in the test's message.
const SHOWN: usize = 25;

/// One generated request.
#[derive(Debug, Clone)]
pub struct Shot {
    pub class: &'static str,
    pub method: Method,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Shot {
    pub fn new(class: &'static str, method: Method, url: String) -> Self {
        Shot {
            class,
            method,
            url,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    /// Sets a header, replacing an earlier one of the same name.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.retain(|(k, _)| !k.eq_ignore_ascii_case(name));
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    pub fn auth(self, c: &Cred) -> Self {
        self.header("authorization", &c.basic())
    }

    pub fn body(self, content_type: &str, body: impl Into<Vec<u8>>) -> Self {
        let mut s = self.header("content-type", content_type);
        s.body = body.into();
        s
    }

    pub fn json(self, v: &Value) -> Self {
        self.body("application/json", v.to_string())
    }

    /// A body without a Content-Type header.
    pub fn raw(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = body.into();
        self
    }

    fn describe(&self) -> String {
        let url: String = self.url.chars().take(300).collect();
        let body: String = String::from_utf8_lossy(&self.body).chars().take(300).collect();
        let headers: Vec<String> = self
            .headers
            .iter()
            // Credentials are shown only where they are what the request is about.
            .filter(|(k, _)| self.class == "auth/version" || !k.eq_ignore_ascii_case("authorization"))
            .map(|(k, v)| format!("{k}: {}", v.chars().take(120).collect::<String>()))
            .collect();
        format!(
            "[{}] {} {url} {headers:?} ({} body bytes) {body:?}",
            self.class,
            self.method,
            self.body.len()
        )
    }
}

/// A complete answer.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// Counts of one request class.
#[derive(Debug, Default)]
struct Tally {
    sent: u32,
    statuses: BTreeMap<u16, u32>,
    slowest: Duration,
    slowest_shot: String,
}

/// Sends the shots, measures them and keeps what went wrong.
pub struct Sweep {
    client: HttpClient,
    seed: u64,
    classes: BTreeMap<&'static str, Tally>,
    failures: Vec<String>,
    slowest: Vec<(Duration, String)>,
    /// The last shot sent to each origin (`host:port`), to explain a dropped connection.
    last: BTreeMap<String, String>,
    /// Shots the HTTP client itself cannot send (a header value it refuses).
    unsendable: u32,
}

impl Sweep {
    fn new(seed: u64) -> Self {
        Sweep {
            client: http_client(),
            seed,
            classes: BTreeMap::new(),
            failures: Vec::new(),
            slowest: Vec::new(),
            unsendable: 0,
            last: BTreeMap::new(),
        }
    }

    /// Records something wrong that is not a single answer (a lost acknowledgement).
    pub fn fail(&mut self, what: String) {
        self.failures.push(what);
    }

    /// Sends one shot; `None` when it failed (the failure is recorded) or could not be sent.
    pub async fn send(&mut self, shot: Shot) -> Option<Answer> {
        let mut b = hyper::Request::builder().method(shot.method.clone()).uri(&shot.url);
        for (k, v) in &shot.headers {
            // From bytes: a value with multi-byte text is sent as its UTF-8 bytes.
            let Ok(value) = HeaderValue::from_bytes(v.as_bytes()) else {
                self.unsendable += 1;
                return None;
            };
            b = b.header(k.as_str(), value);
        }
        let Ok(req) = b.body(Full::new(Bytes::from(shot.body.clone()))) else {
            self.unsendable += 1;
            return None;
        };
        let origin: String = shot.url.split('/').nth(2).unwrap_or_default().to_owned();
        let before = self.last.insert(origin, shot.describe()).unwrap_or_default();
        let started = Instant::now();
        let client = self.client.clone();
        let answer = tokio::time::timeout(STALL, async move {
            let resp = client.request(req).await.map_err(|e| format!("connection: {e:?}"))?;
            let status = resp.status().as_u16();
            let headers = resp.headers().clone();
            let body = resp
                .into_body()
                .collect()
                .await
                .map_err(|e| format!("body: {e:?}"))?
                .to_bytes();
            Ok::<_, String>(Answer { status, headers, body })
        })
        .await;
        let took = started.elapsed();
        let tally = self.classes.entry(shot.class).or_default();
        tally.sent += 1;
        if took >= tally.slowest {
            tally.slowest = took;
            tally.slowest_shot = shot.describe().chars().take(200).collect();
        }
        self.slowest.push((took, shot.describe()));
        self.slowest.sort_by_key(|s| std::cmp::Reverse(s.0));
        self.slowest.truncate(5);
        let answer = match answer {
            Err(_) => {
                self.failures
                    .push(format!("stalled (no answer in {STALL:?}): {}", shot.describe()));
                return None;
            }
            // A body over the server's limit is answered 413 and the connection closed at
            // once; the client may see the close while still writing. Counted as status 0.
            Ok(Err(e)) if shot.body.len() > DEFAULT_LIMIT && e.contains("BodyWrite") => {
                *tally.statuses.entry(0).or_default() += 1;
                return None;
            }
            Ok(Err(e)) => {
                self.failures.push(format!("{e}: {} (after {before})", shot.describe()));
                return None;
            }
            Ok(Ok(a)) => a,
        };
        *tally.statuses.entry(answer.status).or_default() += 1;
        if answer.status >= 500 {
            let body: String = String::from_utf8_lossy(&answer.body).chars().take(300).collect();
            self.failures
                .push(format!("{} {body:?}: {}", answer.status, shot.describe()));
        } else if took >= SLOW + SLOW_PER_MB.mul_f64(shot.body.len() as f64 / 1e6) {
            self.failures.push(format!("took {took:?}: {}", shot.describe()));
        }
        Some(answer)
    }

    fn report(&self, requests: usize, took: Duration) -> String {
        let mut out = format!("hostile sweep, seed {}: {requests} steps in {took:?}\n", self.seed);
        for (class, t) in &self.classes {
            out.push_str(&format!(
                "  {class:<18} {:>6} sent, slowest {:>9.3?}, statuses {:?}\n",
                t.sent, t.slowest, t.statuses
            ));
            out.push_str(&format!("      slowest: {}\n", t.slowest_shot));
        }
        out.push_str(&format!(
            "  unsendable by the client: {}; status 0: over the body limit, closed while sending\n",
            self.unsendable
        ));
        for (d, what) in &self.slowest {
            out.push_str(&format!("  slow: {d:?} {what}\n"));
        }
        out
    }
}

/// One SCO of a registration, and what the sweep has seen acknowledged on it.
#[derive(Debug)]
pub struct Sco {
    /// `…/runtime/{grant}` (no trailing slash).
    pub base: String,
    pub item: String,
    pub registration: String,
    pub scorm12: bool,
    /// The attempt the last open answered with (0: not opened yet).
    pub attempt: u32,
    /// The attempt's last acknowledged sequence number (from an open or a stored commit).
    pub seq: u64,
    /// The attempt's session ended (terminate stored): the next commit needs an open.
    pub ended: bool,
    /// Values acknowledged in the attempt that must read back as sent.
    pub expected: BTreeMap<String, String>,
    /// The sequence number of the last stored commit of this attempt.
    pub stored_seq: u64,
    /// Commits stored on this SCO, all attempts.
    pub stored: u32,
}

/// The server and what the sweep created and learned.
pub struct World {
    pub env: Env,
    pub xapi: Cred,
    pub scos: Vec<Sco>,
    /// Content bases (`…/content/{grant}/`) of the registrations.
    pub content: Vec<String>,
    pub packages: Vec<String>,
    pub registrations: Vec<String>,
    /// Learner ids known to exist (never deleted by the sweep: `ann` runs the SCOs).
    pub learners: Vec<String>,
    /// Statement ids acknowledged (200 on POST, 204 on PUT).
    pub statements: Vec<String>,
    /// `more` links seen.
    pub more: Vec<String>,
    /// ETags seen on documents.
    pub etags: Vec<String>,
    /// Documents written once under a key the sweep never touches again: URL and bytes.
    pub documents: Vec<(String, Vec<u8>)>,
    /// Every `fixtures/hostile` zip, made once.
    pub zips: Vec<Vec<u8>>,
    /// Signed-statement bodies built at the start (signing is slow in a debug build).
    pub signed: xapi::Signed,
}

impl World {
    async fn start() -> Self {
        let env = Env::with(TestApp::builder().package_limits(admin::limits())).await;
        let xapi = env.app.credential(&env.tenant, &[Scope::All]).await;
        let mut w = World {
            xapi,
            scos: Vec::new(),
            content: Vec::new(),
            packages: Vec::new(),
            registrations: Vec::new(),
            learners: vec!["ann".into()],
            statements: Vec::new(),
            more: Vec::new(),
            etags: Vec::new(),
            documents: Vec::new(),
            signed: xapi::Signed::build(),
            zips: crate::packages::hostile::all().into_iter().map(|c| c.bytes).collect(),
            env,
        };
        for (fixture, scorm12) in [("scorm2004-2nd-edition", false), ("scorm12-single-sco", true)] {
            w.register(fixture, scorm12).await;
        }
        w
    }

    /// Imports `fixture` and launches it for ann through the LMS launch.
    async fn register(&mut self, name: &str, scorm12: bool) {
        let pkg = self.env.import(&fixture::package(name)).await;
        let package_id = pkg["packageId"].as_str().expect("package id").to_owned();
        let l = self
            .env
            .app
            .post("/api/v1/launch")
            .auth(&self.env.admin)
            .json(&json!({"learner": {"id": "ann", "name": "Ann Lee"}, "packageId": package_id}))
            .send()
            .await
            .expect(200)
            .json();
        let content = l["contentBase"].as_str().expect("content base").to_owned();
        let base = content
            .replace("/content/", "/runtime/")
            .trim_end_matches('/')
            .to_owned();
        let registration = l["registration"].as_str().expect("registration").to_owned();
        for launchable in pkg["launchables"].as_array().expect("launchables") {
            self.scos.push(Sco {
                base: base.clone(),
                item: launchable["id"].as_str().expect("item").to_owned(),
                registration: registration.clone(),
                scorm12,
                attempt: 0,
                seq: 0,
                ended: true,
                expected: BTreeMap::new(),
                stored_seq: 0,
                stored: 0,
            });
        }
        self.content.push(content);
        self.packages.push(package_id);
        self.registrations.push(registration);
    }

    pub fn url(&self, path: &str) -> String {
        self.env.app.url(path)
    }
}

/// The request classes and their weights.
const CLASSES: &[(&str, u32)] = &[
    ("runtime commit", 26),
    ("runtime open", 5),
    ("runtime nav", 5),
    ("content", 3),
    ("xapi write", 18),
    ("xapi query", 9),
    ("documents", 12),
    ("admin", 12),
    ("upload", 3),
    ("auth/version", 3),
    ("alternate syntax", 2),
    ("accounts", 2),
];

async fn step(class: &str, w: &mut World, s: &mut Sweep, rng: &mut Rng) {
    match class {
        "runtime commit" => runtime::commit(w, s, rng).await,
        "runtime open" => runtime::open(w, s, rng).await,
        "runtime nav" => runtime::nav(w, s, rng).await,
        "content" => runtime::content(w, s, rng).await,
        "xapi write" => xapi::write(w, s, rng).await,
        "xapi query" => xapi::query(w, s, rng).await,
        "documents" => documents::step(w, s, rng).await,
        "admin" => admin::step(w, s, rng).await,
        "upload" => admin::upload(w, s, rng).await,
        "auth/version" => xapi::auth_and_version(w, s, rng).await,
        "alternate syntax" => xapi::alternate(w, s, rng).await,
        _ => admin::accounts(w, s, rng).await,
    }
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_requests_get_no_5xx_no_stall_and_lose_nothing_acknowledged() {
    let _ = tracing_subscriber::fmt()
        .with_env_filter("error")
        .with_test_writer()
        .try_init();
    let requests = env_number("KIROKU_SWEEP_REQUESTS", DEFAULT_REQUESTS as u64) as usize;
    let seed = env_number("KIROKU_SWEEP_SEED", 12);
    let mut w = World::start().await;
    let mut s = Sweep::new(seed);
    let mut rng = Rng::new(seed);
    let weights: Vec<u32> = CLASSES.iter().map(|(_, w)| *w).collect();
    let started = Instant::now();
    for _ in 0..requests {
        let class = CLASSES[rng.weighted(&weights)].0;
        step(class, &mut w, &mut s, &mut rng).await;
    }
    let took = started.elapsed();
    let checked = verify(&mut w, &mut s).await;
    let report = s.report(requests, took);
    println!("{report}  read back: {checked}");
    if !s.failures.is_empty() {
        let shown: Vec<&String> = s.failures.iter().take(SHOWN).collect();
        panic!(
            "{} failures (seed {seed}); the first {}:\n{}\n{report}",
            s.failures.len(),
            shown.len(),
            shown.iter().map(|f| format!("- {f}")).collect::<Vec<_>>().join("\n")
        );
    }
}

/// Reads back everything acknowledged; returns what was checked.
async fn verify(w: &mut World, s: &mut Sweep) -> String {
    let statements = xapi::verify(w, s).await;
    let documents = documents::verify(w, s).await;
    let mut commits = 0;
    for i in 0..w.scos.len() {
        runtime::check_sco(w, s, i).await;
        commits += w.scos[i].stored;
    }
    format!(
        "{statements} statements, {documents} documents, {commits} stored commits on {} SCOs",
        w.scos.len()
    )
}
