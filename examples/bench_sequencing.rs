//! Benchmark of the sequencing engine alone (no HTTP, no store): one navigation request
//! on a 1,000-activity tree, the way the server will run it, timed per request kind.
//!
//! ```text
//! cargo run --release --example bench_sequencing -- --sessions 3 --steps 300
//! ```
//!
//! The course is a generated SCORM 2004 4th edition manifest, parsed by the package
//! parser like an upload: a root over 9 modules of 10 clusters of 10 SCOs (1,000
//! activities). Choice and flow everywhere; every module's objective is written to a
//! global objective and rolled up by an `atLeastCount` rule; every cluster has an exit
//! rule (completed and satisfied → exit) and one in three reorders its children on each
//! new attempt; every SCO writes its objective to a global, one in five also reads the
//! previous SCO's (so rollup runs again above the clusters of 180 readers) and skips itself when
//! that one is satisfied, and one in ten has an attempt limit of 3.
//!
//! Each request does what the server's navigation call will do: read the registration's
//! `Sequencer` from JSON, apply what the SCO reported at Terminate (continue, previous,
//! choice, suspendAll), run `overall_sequencing`, write the `Sequencer` back to JSON; the
//! figure per request kind is that. Then the player's questions on the new state:
//! `request_valid` for continue, previous and a choice of every SCO (its table of
//! contents, 902 answers); `nav + toc` is the request and its questions, the whole
//! answer, and `toc` the questions asked alone (state read from JSON first) as a player
//! does when it opens. The lines in parentheses split `nav + toc` into its parts. The
//! mix: start, then continue with a previous every 10th step and a choice of an SCO in
//! another module every 25th, a suspend all and resume all every 100th; one SCO in
//! seven fails; a refused request is followed by a continue, an ended session by a start.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use clap::Parser;
use kiroku::package::PackageLimits;
use kiroku::package::manifest::{ManifestFile, parse};
use kiroku::package::model::Structure;
use kiroku::runtime::sequencing::nav_request::NavigationRequest as N;
use kiroku::runtime::sequencing::report::{ObjectiveReport, Report, apply_report};
use kiroku::runtime::sequencing::{ActivityTree, Outcome, Sequencer, overall_sequencing, request_valid};

#[derive(Debug, Parser)]
struct Args {
    /// Sessions (one learner each, with its own seed).
    #[arg(long, default_value_t = 3)]
    sessions: u64,
    /// Navigation requests per session after the start.
    #[arg(long, default_value_t = 300)]
    steps: u64,
    /// Modules under the root (each of 10 clusters of 10 SCOs: 111 activities).
    #[arg(long, default_value_t = 9)]
    modules: usize,
}

#[path = "common/sequenced_course.rs"]
mod sequenced_course;
use sequenced_course::{CLUSTERS, leaf_id, manifest};

/// Request timings by kind.
#[derive(Default)]
struct Timings(BTreeMap<&'static str, Vec<Duration>>);

impl Timings {
    fn add(&mut self, kind: &'static str, d: Duration) {
        self.0.entry(kind).or_default().push(d);
    }

    fn print(&mut self) {
        println!(
            "{:<12} {:>7} {:>10} {:>10} {:>10}",
            "request", "count", "p50 ms", "p99 ms", "max ms"
        );
        for (kind, v) in &mut self.0 {
            v.sort_unstable();
            let at = |q: f64| {
                #[allow(
                    clippy::cast_possible_truncation,
                    clippy::cast_sign_loss,
                    clippy::cast_precision_loss
                )]
                let i = ((v.len() as f64 * q).ceil() as usize).saturating_sub(1);
                v.get(i).map_or(0.0, |d| d.as_secs_f64() * 1e3)
            };
            println!(
                "{kind:<12} {:>7} {:>10.3} {:>10.3} {:>10.3}",
                v.len(),
                at(0.5),
                at(0.99),
                at(1.0)
            );
        }
    }
}

/// What the SCO reports at Terminate: completed, passed or (one in seven) failed.
fn report(step: u64, suspend: bool) -> Report {
    let pass = step % 7 != 3;
    Report {
        primary: ObjectiveReport {
            success: Some(pass),
            scaled: Some(if pass { 0.9 } else { 0.2 }),
            completion: Some(true),
            success_reported: true,
            completion_reported: true,
            ..ObjectiveReport::default()
        },
        objectives: Vec::new(),
        suspend,
    }
}

struct Bench {
    tree: ActivityTree,
    leaves: Vec<String>,
    timings: Timings,
    /// The largest state written, bytes.
    largest: usize,
    /// Requests the engine refused, by kind and exception code.
    refused: BTreeMap<String, u32>,
}

impl Bench {
    /// One navigation request as the server runs it: state from JSON, the SCO's report
    /// on the current activity, OP.1, state to JSON; then the player's questions on the
    /// new state (`nav + toc` is both: the whole answer). The outcome and the new JSON.
    fn navigate(
        &mut self,
        stored: &str,
        request: &N,
        reported: Option<&Report>,
        seed: u64,
    ) -> (Option<Outcome>, String) {
        let kind = match request {
            N::Start => "start",
            N::ResumeAll => "resumeAll",
            N::Continue => "continue",
            N::Previous => "previous",
            N::Choice(_) => "choice",
            N::SuspendAll => "suspendAll",
            _ => "other",
        };
        let t0 = Instant::now();
        let mut s: Sequencer = serde_json::from_str(stored).expect("stored state");
        let read = t0.elapsed();
        if let (Some(r), Some(current)) = (reported, s.session.current) {
            apply_report(&self.tree, &mut s.state, current, r);
        }
        let step = overall_sequencing(&self.tree, s, request, seed);
        let engine = t0.elapsed();
        let json = serde_json::to_string(&step.sequencer).expect("state to JSON");
        let nav = t0.elapsed();
        let valid = self.valid_all(&step.sequencer);
        self.timings.add(kind, nav);
        self.timings.add("nav + toc", nav + valid);
        self.timings.add(" (from JSON)", read);
        self.timings.add(" (engine)", engine.saturating_sub(read));
        self.timings.add(" (to JSON)", nav.saturating_sub(engine));
        self.timings.add(" (902 valid)", valid);
        self.largest = self.largest.max(json.len());
        if let Err(e) = step.outcome {
            *self.refused.entry(format!("{kind} {}", e.0)).or_default() += 1;
        }
        (step.outcome.ok(), json)
    }

    /// The player's questions: continue, previous and a choice of every SCO. How long.
    fn valid_all(&self, s: &Sequencer) -> Duration {
        let t0 = Instant::now();
        let mut valid = usize::from(request_valid(&self.tree, s, &N::Continue));
        valid += usize::from(request_valid(&self.tree, s, &N::Previous));
        for id in &self.leaves {
            valid += usize::from(request_valid(&self.tree, s, &N::Choice(id.clone())));
        }
        std::hint::black_box(valid);
        t0.elapsed()
    }

    /// The player asking on its own (a page load): state from JSON and the questions.
    fn toc(&mut self, stored: &str) {
        let t0 = Instant::now();
        let s: Sequencer = serde_json::from_str(stored).expect("stored state");
        let read = t0.elapsed();
        let d = read + self.valid_all(&s);
        self.timings.add("toc", d);
    }

    fn session(&mut self, seed: u64, steps: u64, modules: usize) {
        let mut stored = serde_json::to_string(&Sequencer::new(&self.tree)).expect("JSON");
        let (mut outcome, json) = self.navigate(&stored, &N::Start, None, seed);
        stored = json;
        for step in 1..=steps {
            // A refused request leaves the learner where they were; an ended session
            // starts again (resume all when suspended).
            let ended = matches!(outcome, Some(Outcome::SessionEnded));
            let delivered = matches!(outcome, Some(Outcome::Delivered(_)));
            let reported = |suspend| delivered.then(|| report(step, suspend));
            let (request, reported) = if ended {
                self.toc(&stored);
                let s: Sequencer = serde_json::from_str(&stored).expect("state");
                let resume = s.session.suspended.is_some();
                (if resume { N::ResumeAll } else { N::Start }, None)
            } else if step.is_multiple_of(100) {
                (N::SuspendAll, reported(true))
            } else if step.is_multiple_of(25) {
                // A far SCO: in the module "opposite" this step's.
                let m = usize::try_from(step).unwrap_or(0) * 5 % modules;
                let c = usize::try_from(step / 25).unwrap_or(0) % CLUSTERS;
                (N::Choice(leaf_id(m, c, 2)), reported(false))
            } else if step.is_multiple_of(10) {
                (N::Previous, reported(false))
            } else {
                (N::Continue, reported(false))
            };
            let (o, json) = self.navigate(&stored, &request, reported.as_ref(), seed);
            outcome = o;
            stored = json;
        }
    }
}

fn main() {
    let args = Args::parse();
    let xml = manifest(args.modules);
    let t0 = Instant::now();
    let course = parse(
        ManifestFile::Scorm,
        "imsmanifest.xml",
        xml.as_bytes(),
        &PackageLimits::default(),
    )
    .expect("the generated manifest parses");
    let parsed = t0.elapsed();
    let Structure::Scorm(scorm) = &course.structure else {
        panic!("not SCORM")
    };
    let org = scorm.default_organization().expect("organization");
    let t0 = Instant::now();
    let tree = ActivityTree::new(org);
    let built = t0.elapsed();
    let course_json = serde_json::to_string(&course).expect("course JSON");
    let t0 = Instant::now();
    let again: kiroku::package::model::Course = serde_json::from_str(&course_json).expect("course from JSON");
    let course_read = t0.elapsed();
    std::hint::black_box(again);
    let leaves: Vec<String> = tree
        .iter()
        .filter(|(a, _)| tree.is_leaf(*a))
        .map(|(_, x)| x.identifier.clone())
        .collect();
    println!(
        "tree: {} activities, {} SCOs; manifest {} KB parsed in {:.1} ms; tree built in {:.2} ms; course model JSON {} KB read in {:.2} ms",
        tree.len(),
        leaves.len(),
        xml.len() / 1024,
        parsed.as_secs_f64() * 1e3,
        built.as_secs_f64() * 1e3,
        course_json.len() / 1024,
        course_read.as_secs_f64() * 1e3
    );
    let mut bench = Bench {
        tree,
        leaves,
        timings: Timings::default(),
        largest: 0,
        refused: BTreeMap::new(),
    };
    let t0 = Instant::now();
    for seed in 0..args.sessions {
        bench.session(seed, args.steps, args.modules);
    }
    println!(
        "{} sessions of {} requests in {:.1} s; largest state JSON {} KB",
        args.sessions,
        args.steps + 1,
        t0.elapsed().as_secs_f64(),
        bench.largest / 1024
    );
    bench.timings.print();
    println!("refused: {:?}", bench.refused);
}
