//! ADL's SCORM 2004 4th edition LMS test cases, decoded into `fixtures/sequencing/` (by
//! `fixtures/sequencing/decode.py`), replayed against the engine: every delivery must be
//! the activity the script visits next, and every value the script expects from
//! sequencing must match: `adl.nav.request_valid.*` (scripted, and from the tester's
//! answers about the player's buttons and table of contents) and the status and scores
//! a SCO's `cmi.objectives` start with, read from the tracking state and global
//! objectives. ADL's own evaluator accepts any of true / false / unknown for
//! `request_valid`; this replay holds the engine to the value scripted.

use std::collections::BTreeMap;
use std::path::Path;

use crate::package::PackageLimits;
use crate::package::manifest::{ManifestFile, parse};
use crate::package::model::{Item, Structure};

use super::adl_fixture::{Action, Fixture, Step, Visit, nav_request, sco_request};
use super::adl_sco::Sco;
use super::nav_request::NavigationRequest as N;
use super::overall::{Outcome, Sequencer, overall_sequencing, request_valid};
use super::report::apply_report;
use super::tree::{ActivityId, ActivityTree};

/// A case being replayed.
struct Replay {
    tree: ActivityTree,
    items: BTreeMap<String, Item>,
    seq: Sequencer,
    ended: bool,
    delivered: Option<ActivityId>,
    /// The run-time data of untracked activities, by activity.
    untracked: BTreeMap<ActivityId, BTreeMap<String, String>>,
    /// `cmi.entry` of the delivered activity: `resume` after a suspension,
    /// `ab-initio` on a new attempt, else empty.
    entry: &'static str,
}

fn collect_items(items: &[Item], out: &mut BTreeMap<String, Item>) {
    for item in items {
        out.insert(item.identifier.clone(), item.clone());
        collect_items(&item.items, out);
    }
}

impl Replay {
    fn new(manifest: &[u8]) -> Result<Self, String> {
        let course = parse(
            ManifestFile::Scorm,
            "imsmanifest.xml",
            manifest,
            &PackageLimits::default(),
        )
        .map_err(|e| format!("manifest: {e:?}"))?;
        let Structure::Scorm(scorm) = course.structure else {
            return Err("not SCORM".into());
        };
        let org = scorm.default_organization().ok_or("no organization")?;
        let tree = ActivityTree::new(org);
        let mut items = BTreeMap::new();
        collect_items(&org.items, &mut items);
        Ok(Self {
            seq: Sequencer::new(&tree),
            tree,
            items,
            ended: false,
            delivered: None,
            entry: "",
            untracked: BTreeMap::new(),
        })
    }

    fn name(&self, a: Option<ActivityId>) -> String {
        a.map_or("nothing".into(), |a| self.tree.get(a).identifier.clone())
    }

    /// Processes a navigation request: OP.1, remembering what it delivered.
    fn navigate(&mut self, request: &N) -> Result<(), String> {
        let before: Vec<(bool, u32)> = self
            .seq
            .state
            .activities
            .iter()
            .map(|s| (s.suspended, s.attempt_count))
            .collect();
        // A learner's minute per request: durations run, the courses' limits (years)
        // are never reached.
        let mut seq = std::mem::take(&mut self.seq);
        let now = seq.state.now_ms.map_or(1_796_601_600_000, |t| t + 60_000);
        seq.state.now_ms = Some(now);
        let step = overall_sequencing(&self.tree, seq, request, 2004);
        if std::env::var_os("KIROKU_ADL_TRACE").is_some() {
            println!(
                "    {request:?} → {:?}",
                step.outcome.map(|o| match o {
                    Outcome::Delivered(a) => self.tree.get(a).identifier.clone(),
                    other => format!("{other:?}"),
                })
            );
        }
        self.seq = step.sequencer;
        if std::env::var_os("KIROKU_ADL_TRACE").is_some_and(|v| v == "2") {
            println!("      globals {:?}", self.seq.state.globals);
            for (a, x) in self.tree.iter() {
                let o = self.seq.state.objective(&self.tree, a, 0);
                let s = self.seq.state.activity(a);
                println!(
                    "      {} count {} active {} suspended {} completion {:?} satisfied {:?}",
                    x.identifier,
                    s.attempt_count,
                    s.active,
                    s.suspended,
                    self.seq.state.completion(&self.tree, a),
                    o.progress_status.then_some(o.satisfied_status)
                );
            }
        }
        self.delivered = None;
        match step.outcome {
            Ok(Outcome::Delivered(a)) => {
                self.delivered = Some(a);
                let now = self.seq.state.activity(a).attempt_count;
                self.entry = match before.get(a) {
                    Some((true, _)) => "resume",
                    Some((_, count)) if *count < now => "ab-initio",
                    _ => "",
                };
            }
            Ok(Outcome::SessionEnded) => self.ended = true,
            Ok(Outcome::Nothing) | Err(_) => {}
        }
        Ok(())
    }

    /// A new session: resume all when an activity is suspended, else the learner's
    /// choice or start. When that delivers nothing (a root without flow), the learner
    /// picks the activity the script visits next from the table of contents, as a
    /// tester would.
    fn launch(&mut self, choose: Option<&str>, next: Option<&str>) -> Result<(), String> {
        self.ended = false;
        let request = match (self.seq.session.suspended, choose) {
            (Some(_), _) => N::ResumeAll,
            (None, Some(c)) => N::Choice(c.to_owned()),
            (None, None) => N::Start,
        };
        self.navigate(&request)?;
        if let (None, Some(next)) = (self.delivered, next) {
            self.navigate(&N::Choice(next.to_owned()))?;
        }
        Ok(())
    }

    fn visit(&mut self, v: &Visit) -> Result<(), String> {
        let expected = self.tree.find(&v.activity);
        if self.delivered != expected || expected.is_none() {
            return Err(format!(
                "{}: expected {} delivered, got {}",
                v.visit,
                v.activity,
                self.name(self.delivered)
            ));
        }
        let a = expected.ok_or("unreachable")?;
        let item = self.items.get(&v.activity).ok_or("no item")?;
        let mut sco = Sco::launch(&self.tree, &self.seq, a, item, self.entry);
        let tracked = self.tree.definition(a).delivery.tracked;
        if let Some(kept) = self.untracked.get(&a).filter(|_| !tracked) {
            sco.restore(kept);
        }
        for step in &v.steps {
            match step {
                Step::Set { set, value } => sco.set(set, value),
                Step::Get { get, expect } => self.check(&sco, get, expect).map_err(|e| format!("{}: {e}", v.visit))?,
            }
        }
        // Terminate: the SCO's data reaches tracking (unless it abandons its attempt),
        // then its navigation request runs.
        if !matches!(sco.value("adl.nav.request"), Some("abandon" | "abandonAll")) {
            apply_report(&self.tree, &mut self.seq.state, a, &sco.report());
            if !tracked {
                self.untracked.insert(a, sco.kept());
            }
        }
        let timed_out = matches!(sco.value("cmi.exit"), Some("time-out" | "logout"));
        let waits = v.sco.as_deref().is_some_and(|k| k.starts_with("waits"));
        let request = match sco.value("adl.nav.request") {
            _ if waits => None,
            _ if timed_out => Some(N::ExitAll),
            Some(value) => sco_request(&self.tree, value)?,
            None => None,
        };
        self.delivered = None;
        if let Some(request) = request {
            self.navigate(&request)?;
        }
        Ok(())
    }

    fn check(&self, sco: &Sco, element: &str, expect: &str) -> Result<(), String> {
        let got = if let Some(which) = element.strip_prefix("adl.nav.request_valid.") {
            let (nav, target) = match which.split_once(".{target=") {
                Some((nav, t)) => (nav, t.strip_suffix('}')),
                None => (which, None),
            };
            let request = nav_request(&self.tree, nav, target)?;
            request_valid(&self.tree, &self.seq, &request).to_string()
        } else if element == "cmi.entry" {
            sco.entry.to_owned()
        } else {
            match sco.initial(element) {
                Some(v) => v,
                None => return Ok(()),
            }
        };
        let same = got == expect
            || matches!((got.parse::<f64>(), expect.parse::<f64>()), (Ok(g), Ok(e)) if (g - e).abs() < 1e-9);
        if same {
            Ok(())
        } else {
            Err(format!("GetValue({element}) expected {expect:?}, got {got:?}"))
        }
    }

    /// What follows a visit: the learner's navigation, the end of the session, a relaunch.
    fn then(&mut self, action: &Action, next: Option<&Visit>) -> Result<bool, String> {
        let last = next.is_none();
        if action.ended && !self.ended {
            return Err(format!(
                "the session should have ended; {} is delivered",
                self.name(self.delivered)
            ));
        }
        if let Some(nav) = &action.nav {
            let request = nav_request(&self.tree, nav, action.target.as_deref())?;
            self.navigate(&request)?;
        }
        if action.then_ended && !self.ended {
            return Err(format!(
                "the session should have ended; {} is delivered",
                self.name(self.delivered)
            ));
        }
        if action.relaunch {
            if !self.ended {
                // The learner leaves the course: the player ends the session.
                self.navigate(&N::ExitAll)?;
            }
            self.launch(action.choose.as_deref(), next.map(|v| v.activity.as_str()))?;
        }
        if action.exit && !last {
            return Err("the script exits before its last visit".into());
        }
        Ok(action.exit)
    }
}

/// Global objectives a learner carries from one case to the next: ADL runs a family
/// of cases (OB-09a, then OB-09b) for the same learner, and objectives global to the
/// system outlive a course (OB-09b starts from what OB-09a wrote).
type Globals = BTreeMap<String, super::state::ObjectiveState>;

fn replay(manifest: &[u8], fixture: &Fixture, globals: &mut Globals) -> Result<(), String> {
    let mut r = Replay::new(manifest)?;
    let shared = r.tree.objectives_global_to_system;
    if shared {
        r.seq.state.globals = globals.clone();
    }
    let result = run_visits(&mut r, fixture);
    if shared {
        *globals = r.seq.state.globals.clone();
    }
    result
}

fn run_visits(r: &mut Replay, fixture: &Fixture) -> Result<(), String> {
    let first = fixture.visits.first().map(|v| v.activity.as_str());
    match fixture.start.nav.as_deref() {
        Some("choice") => r.launch(fixture.start.target.as_deref(), first)?,
        _ => r.launch(None, first)?,
    }
    for (i, v) in fixture.visits.iter().enumerate() {
        r.visit(v)?;
        if let Some(action) = &v.then
            && r.then(action, fixture.visits.get(i + 1))?
        {
            return Ok(());
        }
    }
    Ok(())
}

#[test]
fn adl_test_suite_replays() {
    // KIROKU_ADL_DIR replays another folder (one case, while tracing it).
    let dir = std::env::var_os("KIROKU_ADL_DIR").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/sequencing"),
        std::path::PathBuf::from,
    );
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("fixtures/sequencing")
        .filter_map(|e| e.ok()?.file_name().to_str()?.strip_suffix(".json").map(str::to_owned))
        .collect();
    names.sort();
    // Cases the engine does not replay yet, with why: the list must shrink, never hide.
    let known_failing = std::fs::read_to_string(dir.join("known_failing.txt")).expect("known_failing.txt");
    let known_failing: Vec<&str> = known_failing
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split('\t').next())
        .collect();
    let mut failures = Vec::new();
    let mut surprises = Vec::new();
    let mut families: BTreeMap<String, Globals> = BTreeMap::new();
    for name in &names {
        let manifest = std::fs::read(dir.join(format!("{name}.xml"))).expect("manifest");
        let script = std::fs::read(dir.join(format!("{name}.json"))).expect("script");
        let fixture: Fixture = serde_json::from_slice(&script).unwrap_or_else(|e| panic!("{name}: {e}"));
        // The family: "OB-09" for OB-09a and OB-09b.
        let family: String = name
            .char_indices()
            .take_while(|&(i, c)| c.is_ascii_uppercase() || c == '-' || (i > 2 && c.is_ascii_digit()))
            .map(|(_, c)| c)
            .collect();
        if std::env::var_os("KIROKU_ADL_TRACE").is_some() {
            println!("  case {name}");
        }
        let result = replay(&manifest, &fixture, families.entry(family).or_default());
        let known = known_failing.contains(&name.as_str());
        match (&result, known) {
            (Err(why), false) => surprises.push(format!("{name}: {why}")),
            (Ok(()), true) => surprises.push(format!("{name}: passes, remove it from known_failing.txt")),
            _ => {}
        }
        if let Err(why) = result {
            failures.push(format!("{name}: {why}"));
        }
    }
    println!(
        "ADL replay: {} of {} cases replay correctly",
        names.len() - failures.len(),
        names.len()
    );
    for f in &failures {
        println!("  {f}");
    }
    assert!(surprises.is_empty(), "{surprises:#?}");
}
