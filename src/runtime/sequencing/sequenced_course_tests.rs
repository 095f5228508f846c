//! The project's own sequenced course, `fixtures/packages/scorm2004-4th-sequenced-course`
//! (its manifest's comment says how it is built), replayed through the engine along the
//! learner paths it is designed for, asserting the SCO delivered at every step: the
//! forced order, remediation after a failed post-test, satisfaction from the post-test
//! only, two of four questions drawn on each attempt, suspend all and resume all. The
//! tree comes from the manifest through the package parser, as in `adl_replay_tests.rs`,
//! and the `Sequencer` goes through JSON between requests, as the server keeps it.

use std::collections::BTreeSet;
use std::path::Path;

use crate::package::PackageLimits;
use crate::package::manifest::{ManifestFile, parse};
use crate::package::model::Structure;

use super::nav_request::NavigationRequest as N;
use super::overall::{Outcome, Sequencer, overall_sequencing, request_valid};
use super::report::{ObjectiveReport, Report, apply_report};
use super::tree::{ActivityId, ActivityTree};

const QUESTIONS: [&str; 4] = ["QUESTION-1", "QUESTION-2", "QUESTION-3", "QUESTION-4"];

fn course() -> ActivityTree {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/packages/scorm2004-4th-sequenced-course/imsmanifest.xml");
    let bytes = std::fs::read(path).expect("the course's manifest");
    let course = parse(
        ManifestFile::Scorm,
        "imsmanifest.xml",
        &bytes,
        &PackageLimits::default(),
    )
    .expect("the manifest parses");
    let Structure::Scorm(scorm) = course.structure else {
        panic!("not SCORM")
    };
    ActivityTree::new(scorm.default_organization().expect("an organization"))
}

/// What a request led to: the identifier delivered, "end" when the session ended, "-"
/// when nothing was delivered, or the book's exception code.
type Got = Result<String, &'static str>;

fn delivered(id: &str) -> Got {
    Ok(id.to_owned())
}

/// One learner on the course: the sequencing state as the server would keep it.
struct Learner {
    tree: ActivityTree,
    /// The registration's stored state: JSON, read and written around every request.
    stored: String,
    seed: u64,
}

impl Learner {
    fn new(seed: u64) -> Self {
        let tree = course();
        let stored = serde_json::to_string(&Sequencer::new(&tree)).expect("serialize");
        Self { tree, stored, seed }
    }

    fn sequencer(&self) -> Sequencer {
        let s: Sequencer = serde_json::from_str(&self.stored).expect("deserialize");
        assert!(s.state.fits(&self.tree));
        s
    }

    fn id(&self, identifier: &str) -> ActivityId {
        self.tree.find(identifier).expect("an activity of the course")
    }

    fn name(&self, a: ActivityId) -> String {
        self.tree.get(a).identifier.clone()
    }

    /// A navigation request from the player.
    fn nav(&mut self, request: &N) -> Got {
        let step = overall_sequencing(&self.tree, self.sequencer(), request, self.seed);
        self.stored = serde_json::to_string(&step.sequencer).expect("serialize");
        match step.outcome {
            Ok(Outcome::Delivered(a)) => Ok(self.name(a)),
            Ok(Outcome::SessionEnded) => Ok("end".into()),
            Ok(Outcome::Nothing) => Ok("-".into()),
            Err(e) => Err(e.0),
        }
    }

    /// The delivered SCO reports `report` at Terminate, then asks for `request`.
    fn sco(&mut self, report: &Report, request: &N) -> Got {
        let mut s = self.sequencer();
        let current = s.session.current.expect("a SCO is delivered");
        apply_report(&self.tree, &mut s.state, current, report);
        self.stored = serde_json::to_string(&s).expect("serialize");
        self.nav(request)
    }

    fn valid(&self, request: &N) -> bool {
        request_valid(&self.tree, &self.sequencer(), request)
    }

    /// The course's (root's) satisfaction and completion: `None` unknown.
    fn course(&self) -> (Option<bool>, Option<bool>) {
        let s = self.sequencer();
        let o = s.state.objective(&self.tree, ActivityTree::ROOT, 0);
        let completion = s.state.completion(&self.tree, ActivityTree::ROOT);
        (o.progress_status.then_some(o.satisfied_status), completion)
    }

    fn attempts(&self, identifier: &str) -> u32 {
        self.sequencer().state.activity(self.id(identifier)).attempt_count
    }

    /// The questions the post-test's current selection holds, in their order.
    fn selection(&self) -> Vec<String> {
        let s = self.sequencer();
        let children = s.state.children(&self.tree, self.id("POSTTEST")).to_vec();
        children.into_iter().map(|a| self.name(a)).collect()
    }

    /// Start, the pretest (`pretest` passed or failed) and both lessons completed: the
    /// first question of the post-test is delivered.
    fn start_to_post_test(&mut self, pretest: &Report) -> String {
        assert_eq!(self.nav(&N::Start), delivered("PRETEST"));
        assert_eq!(self.sco(pretest, &N::Continue), delivered("LESSON-1"));
        self.through_module()
    }

    /// Both lessons completed from the first: the first question is delivered.
    fn through_module(&mut self) -> String {
        assert_eq!(self.sco(&completed(), &N::Continue), delivered("LESSON-2"));
        let first = self.sco(&completed(), &N::Continue).expect("a question");
        assert_eq!(self.selection().first(), Some(&first));
        first
    }
}

fn report(primary: ObjectiveReport) -> Report {
    Report {
        primary,
        objectives: Vec::new(),
        suspend: false,
    }
}

/// The "Pass" or "Fail" button: success, scaled score 1 or 0, completed.
fn answered(pass: bool) -> Report {
    report(ObjectiveReport {
        success: Some(pass),
        scaled: Some(if pass { 1.0 } else { 0.0 }),
        completion: Some(true),
        success_reported: true,
        completion_reported: true,
        ..ObjectiveReport::default()
    })
}

/// The "Complete" button.
fn completed() -> Report {
    report(ObjectiveReport {
        completion: Some(true),
        completion_reported: true,
        ..ObjectiveReport::default()
    })
}

/// Terminate without setting anything.
fn silent() -> Report {
    report(ObjectiveReport::default())
}

/// The "Suspend" button: `cmi.exit` suspend, then a suspend all request.
fn suspended() -> Report {
    Report {
        suspend: true,
        ..silent()
    }
}

#[test]
fn the_order_is_forced_from_the_pretest_through_the_module_to_the_post_test() {
    let mut l = Learner::new(1);
    assert_eq!(l.nav(&N::Start), delivered("PRETEST"));
    // Nothing before the pretest; nothing after it can be chosen: the root and TRAINING
    // allow no choice and MODULE prevents activation from outside.
    assert!(!l.valid(&N::Previous));
    for target in ["TRAINING", "POSTTEST", "QUESTION-1", "LESSON-1", "LESSON-2"] {
        assert!(!l.valid(&N::Choice(target.into())), "{target} chosen from the pretest");
    }
    assert_eq!(l.nav(&N::Choice("LESSON-2".into())), Err("SB.2.9-6"));
    assert_eq!(l.nav(&N::Choice("QUESTION-1".into())), Err("NB.2.1-10"));
    assert_eq!(l.nav(&N::Previous), Err("NB.2.1-5"));
    assert_eq!(l.sco(&answered(true), &N::Continue), delivered("LESSON-1"));
    // Within the module: no way back to the pretest, choice and previous between lessons.
    assert!(!l.valid(&N::Previous), "TRAINING is forward only");
    assert!(l.valid(&N::Choice("LESSON-2".into())));
    assert_eq!(l.sco(&completed(), &N::Continue), delivered("LESSON-2"));
    assert!(l.valid(&N::Previous) && l.valid(&N::Choice("LESSON-1".into())));
    assert_eq!(l.sco(&completed(), &N::Previous), delivered("LESSON-1"));
    assert_eq!(l.sco(&completed(), &N::Previous), Err("SB.2.1-4"));
    assert_eq!(l.nav(&N::Choice("LESSON-2".into())), delivered("LESSON-2"));
    let first = l.sco(&completed(), &N::Continue).expect("a question");
    // In the post-test: no previous, no other question, no lesson to look answers up in.
    assert!(QUESTIONS.contains(&first.as_str()));
    assert!(!l.valid(&N::Previous));
    assert_eq!(l.nav(&N::Previous), Err("NB.2.1-5"));
    assert_eq!(l.nav(&N::Choice("LESSON-1".into())), Err("NB.2.1-8"));
    let other = QUESTIONS.iter().find(|q| **q != first).expect("another question");
    assert_eq!(l.nav(&N::Choice((*other).into())), Err("NB.2.1-10"));
    let second = l.sco(&answered(true), &N::Continue).expect("a question");
    assert_eq!(l.selection(), [first, second]);
    assert_eq!(l.sco(&answered(true), &N::Continue), delivered("end"));
    assert_eq!(l.course(), (Some(true), Some(true)));
}

#[test]
fn a_failed_post_test_sends_the_learner_back_through_the_module_to_a_new_test() {
    for (first, second) in [(false, true), (true, false), (false, false)] {
        let mut l = Learner::new(7);
        l.start_to_post_test(&answered(true));
        let drawn = l.selection();
        assert_eq!(l.sco(&answered(first), &N::Continue), delivered(&drawn[1]));
        // The test ends failed: POSTTEST exits to TRAINING, which is retried from its start.
        assert_eq!(l.sco(&answered(second), &N::Continue), delivered("LESSON-1"));
        assert_eq!(
            (l.attempts("TRAINING"), l.attempts("MODULE"), l.attempts("LESSON-1")),
            (2, 2, 2)
        );
        assert_eq!(
            l.course().0,
            Some(false),
            "a failed test leaves the course not satisfied"
        );
        assert!(!l.valid(&N::Previous), "the pretest stays behind");
        let again = l.through_module();
        assert_eq!(l.attempts("POSTTEST"), 2);
        assert_eq!(l.selection().len(), 2);
        assert_eq!(l.sco(&answered(true), &N::Continue), delivered(&l.selection()[1]));
        assert_eq!(l.selection()[0], again);
        assert_eq!(l.sco(&answered(true), &N::Continue), delivered("end"));
        assert_eq!(l.course(), (Some(true), Some(true)));
        assert_eq!(l.attempts("PRETEST"), 1, "remediation does not repeat the pretest");
    }
}

#[test]
fn an_unanswered_question_is_remediated_like_a_failed_one() {
    let mut l = Learner::new(3);
    l.start_to_post_test(&answered(true));
    l.sco(&answered(true), &N::Continue).expect("the second question");
    assert_eq!(l.sco(&silent(), &N::Continue), delivered("LESSON-1"));
    assert_eq!(l.attempts("TRAINING"), 2);
}

#[test]
fn the_course_is_satisfied_by_the_post_test_only_and_completed_by_the_module() {
    // A passed pretest satisfies nothing; the module completes the course.
    let mut l = Learner::new(11);
    assert_eq!(l.nav(&N::Start), delivered("PRETEST"));
    assert_eq!(l.sco(&answered(true), &N::Continue), delivered("LESSON-1"));
    assert_eq!(l.course(), (None, None));
    l.through_module();
    assert_eq!(l.course(), (None, Some(true)), "completed before the post-test");
    l.sco(&answered(false), &N::Continue).expect("the second question");
    l.sco(&answered(false), &N::Continue).expect("remediation");
    assert_eq!(l.course().0, Some(false), "the passed pretest does not satisfy it");

    // A failed pretest does not keep a passed post-test from satisfying the course, and
    // the course's score is the post-test's.
    let mut l = Learner::new(12);
    l.start_to_post_test(&answered(false));
    l.sco(&answered(true), &N::Continue).expect("the second question");
    assert_eq!(l.sco(&answered(false), &N::Continue), delivered("LESSON-1"));
    l.through_module();
    l.sco(&answered(true), &N::Continue).expect("the second question");
    assert_eq!(l.sco(&answered(true), &N::Continue), delivered("end"));
    assert_eq!(l.course(), (Some(true), Some(true)));
    let s = l.sequencer();
    let root = s.state.objective(&l.tree, ActivityTree::ROOT, 0);
    assert!(root.measure_status && (root.normalized_measure - 1.0).abs() < 1e-9);

    // Lessons the learner never marks complete leave the course incomplete, passed or not.
    let mut l = Learner::new(13);
    assert_eq!(l.nav(&N::Start), delivered("PRETEST"));
    assert_eq!(l.sco(&answered(true), &N::Continue), delivered("LESSON-1"));
    assert_eq!(l.sco(&silent(), &N::Continue), delivered("LESSON-2"));
    l.sco(&completed(), &N::Continue).expect("a question");
    l.sco(&answered(true), &N::Continue).expect("the second question");
    assert_eq!(l.sco(&answered(true), &N::Continue), delivered("end"));
    assert_eq!(l.course(), (Some(true), None));
}

#[test]
fn the_post_test_draws_two_of_four_questions_in_random_order_on_each_attempt() {
    let mut firsts = BTreeSet::new();
    let mut redrawn = 0;
    let mut shuffled = 0;
    for seed in 0..24 {
        let mut l = Learner::new(seed);
        let first = l.start_to_post_test(&answered(true));
        let drawn = l.selection();
        let distinct: BTreeSet<&String> = drawn.iter().collect();
        assert_eq!(distinct.len(), 2, "seed {seed}: {drawn:?}");
        assert!(drawn.iter().all(|q| QUESTIONS.contains(&q.as_str())));
        assert_eq!(first, drawn[0]);
        shuffled += usize::from(drawn[0] > drawn[1]);
        // Questions left out can be neither chosen nor flowed to.
        assert_eq!(l.sco(&answered(false), &N::Continue), delivered(&drawn[1]));
        assert_eq!(l.sco(&answered(false), &N::Continue), delivered("LESSON-1"));
        l.through_module();
        redrawn += usize::from(l.selection() != drawn);
        firsts.insert(drawn);
    }
    assert!(firsts.len() >= 4, "seeds draw different questions: {firsts:?}");
    assert!(shuffled > 0, "the order is shuffled too");
    assert!(redrawn > 0, "a new attempt draws again");
}

#[test]
fn suspend_all_and_resume_all_across_launches() {
    let mut l = Learner::new(5);
    assert_eq!(l.nav(&N::Start), delivered("PRETEST"));
    assert_eq!(l.sco(&answered(true), &N::Continue), delivered("LESSON-1"));
    assert_eq!(l.sco(&completed(), &N::Continue), delivered("LESSON-2"));
    // The learner suspends in the second lesson; the next launch resumes it.
    assert_eq!(l.sco(&suspended(), &N::SuspendAll), delivered("end"));
    assert!(l.valid(&N::ResumeAll));
    assert_eq!(l.nav(&N::ResumeAll), delivered("LESSON-2"));
    assert_eq!(l.attempts("LESSON-2"), 1, "the suspended attempt goes on");
    let first = l.sco(&completed(), &N::Continue).expect("a question");
    let drawn = l.selection();
    assert_eq!(l.sco(&answered(true), &N::Continue), delivered(&drawn[1]));
    // Suspended in the post-test: the same question of the same draw comes back.
    assert_eq!(l.sco(&suspended(), &N::SuspendAll), delivered("end"));
    assert_eq!(l.nav(&N::ResumeAll), delivered(&drawn[1]));
    assert_eq!(l.selection(), drawn);
    assert_eq!((l.attempts("POSTTEST"), l.attempts(&drawn[1])), (1, 1));
    assert_eq!(first, drawn[0]);
    assert_eq!(l.sco(&answered(true), &N::Continue), delivered("end"));
    assert_eq!(l.course(), (Some(true), Some(true)));
    // A new session after the course ended skips the pretest, taken once.
    assert!(!l.valid(&N::ResumeAll));
    assert_eq!(l.nav(&N::Start), delivered("LESSON-1"));
}
