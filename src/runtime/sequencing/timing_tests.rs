//! Durations and time limits (`timing.rs`): the tracking model's attempt and activity
//! durations, steps 4–9 of the Limit Conditions Check Process [UP.1], the
//! `timeLimitExceeded` and `outsideAvailableTimeRange` rule conditions [UP.2.1], and
//! what they do to navigation through the Overall Sequencing Process [OP.1].

use crate::package::model::Sequencing;
use crate::package::model::sequencing::{
    Condition, ConditionCombination, LimitConditions, RuleAction, SequencingRules,
};

use super::nav_request::NavigationRequest as N;
use super::overall::{Outcome, Sequencer, overall_sequencing, request_valid};
use super::rules::{Truth, limit_conditions_violated};
use super::state::TreeState;
use super::tests::{cond, flow_on, id, item, leaf, progress, rule, set, tree};
use super::timing::{self, Timing};
use super::tree::ActivityTree;

const MIN: i64 = 60_000;
/// 2026-12-07T00:00:00Z.
const T0: i64 = 1_796_601_600_000;

fn limited(limits: LimitConditions) -> Sequencing {
    Sequencing {
        limit_conditions: Some(limits),
        ..Default::default()
    }
}

fn attempt_limit(d: &str) -> LimitConditions {
    LimitConditions {
        attempt_absolute_duration_limit: Some(d.into()),
        ..Default::default()
    }
}

#[test]
fn durations_count_clock_time_and_experienced_time_leaves_out_suspensions() {
    let mut t = Timing::default();
    t.begin(Some(T0));
    t.suspend(Some(T0 + 10 * MIN));
    assert_eq!(
        t.attempt_experienced(T0 + 30 * MIN),
        Some(10 * MIN),
        "a running suspension"
    );
    t.resume(Some(T0 + 70 * MIN));
    t.end(Some(T0 + 100 * MIN));
    assert_eq!(
        t.attempt_absolute(T0 + 500 * MIN),
        Some(100 * MIN),
        "ended: the clock stops"
    );
    assert_eq!(t.attempt_experienced(T0 + 500 * MIN), Some(40 * MIN));
    // A second attempt: the activity's durations span both.
    t.begin(Some(T0 + 200 * MIN));
    assert_eq!(t.attempt_absolute(T0 + 205 * MIN), Some(5 * MIN));
    assert_eq!(t.activity_absolute(T0 + 205 * MIN), Some(205 * MIN));
    assert_eq!(t.activity_experienced(T0 + 205 * MIN), Some(45 * MIN));
    // An attempt left suspended ends when it was suspended.
    t.suspend(Some(T0 + 210 * MIN));
    t.end(Some(T0 + 900 * MIN));
    assert_eq!(t.attempt_absolute(T0 + 999 * MIN), Some(10 * MIN));
    // Without a clock nothing is known, and nothing changes.
    let mut none = Timing::default();
    none.begin(None);
    assert!(none.is_unset());
    assert_eq!(none.attempt_absolute(T0), None);
}

/// A one-leaf course whose leaf has `limits`, with the leaf's last attempt begun at
/// `T0` and ended at `ended` (running when `None`).
fn leaf_state(limits: LimitConditions, ended: Option<i64>, known: bool) -> (ActivityTree, TreeState) {
    let t = tree(flow_on(), vec![item("a", limited(limits), vec![])]);
    let mut s = TreeState::new(&t);
    set(&mut s, &t, "a", |a| {
        progress(a, 1, known.then_some(true));
        a.timing.begin(Some(T0));
        a.active = ended.is_none();
        if let Some(e) = ended {
            a.timing.end(Some(e));
        }
    });
    (t, s)
}

#[test]
fn limit_conditions_check_the_duration_and_time_limits() {
    let both = |b: &str, e: &str| LimitConditions {
        begin_time_limit: Some(b.into()),
        end_time_limit: Some(e.into()),
        ..Default::default()
    };
    let activity = LimitConditions {
        activity_absolute_duration_limit: Some("PT1H".into()),
        ..Default::default()
    };
    let experienced = LimitConditions {
        attempt_experienced_duration_limit: Some("PT30M".into()),
        ..Default::default()
    };
    // (case, limits, attempt ended at, attempt progress known, now, violated)
    type Row = (&'static str, LimitConditions, Option<i64>, bool, i64, bool);
    let rows: Vec<Row> = vec![
        // UP.1 step 4: the attempt took 2 minutes of a 1-minute limit.
        (
            "attempt absolute over",
            attempt_limit("PT1M"),
            Some(T0 + 2 * MIN),
            true,
            T0 + 9 * MIN,
            true,
        ),
        (
            "attempt absolute under",
            attempt_limit("PT5M"),
            Some(T0 + 2 * MIN),
            true,
            T0 + 9 * MIN,
            false,
        ),
        (
            "at the limit",
            attempt_limit("PT2M"),
            Some(T0 + 2 * MIN),
            true,
            T0 + 9 * MIN,
            true,
        ),
        // Step 4.1: only once the attempt's progress is known.
        (
            "attempt progress unknown",
            attempt_limit("PT1M"),
            Some(T0 + 2 * MIN),
            false,
            T0 + 9 * MIN,
            false,
        ),
        // Step 2: never while the attempt is active.
        ("active", attempt_limit("PT1M"), None, true, T0 + 9 * MIN, false),
        // Step 5.
        (
            "attempt experienced over",
            experienced,
            Some(T0 + 31 * MIN),
            true,
            T0 + 40 * MIN,
            true,
        ),
        // Step 6: the activity's duration, progress of the attempt not needed.
        (
            "activity absolute over",
            activity.clone(),
            Some(T0 + 61 * MIN),
            false,
            T0 + 70 * MIN,
            true,
        ),
        (
            "activity absolute under",
            activity,
            Some(T0 + 59 * MIN),
            false,
            T0 + 70 * MIN,
            false,
        ),
        // Steps 8–9: the request's time against the begin and end time limits.
        (
            "before begin",
            both("2026-12-08T00:00:00Z", "2026-12-31T00:00:00Z"),
            Some(T0),
            true,
            T0,
            true,
        ),
        (
            "within",
            both("2026-12-06T00:00:00", "2026-12-31T00:00:00Z"),
            Some(T0),
            true,
            T0,
            false,
        ),
        (
            "after end",
            both("2026-01-01T00:00:00+09:00", "2026-12-06T23:59:59Z"),
            Some(T0),
            true,
            T0,
            true,
        ),
        // A zero duration is no limit, as a zero attempt limit.
        (
            "zero limit",
            attempt_limit("PT0S"),
            Some(T0 + 2 * MIN),
            true,
            T0 + 9 * MIN,
            false,
        ),
    ];
    for (case, limits, ended, known, now, violated) in rows {
        let (t, mut s) = leaf_state(limits, ended, known);
        s.now_ms = Some(now);
        assert_eq!(limit_conditions_violated(&t, &s, id(&t, "a")), violated, "{case}");
        // Without the request's time no duration or time limit is violated.
        s.now_ms = None;
        assert!(
            !limit_conditions_violated(&t, &s, id(&t, "a")),
            "{case} without a clock"
        );
    }
}

#[test]
fn time_rule_conditions_read_the_running_attempt() {
    let window = LimitConditions {
        begin_time_limit: Some("2026-12-08T00:00:00Z".into()),
        ..Default::default()
    };
    // (case, limits, now, timeLimitExceeded, outsideAvailableTimeRange)
    let rows: Vec<(&str, LimitConditions, Option<i64>, Truth, Truth)> = vec![
        (
            "over, attempt running",
            attempt_limit("PT1M"),
            Some(T0 + 2 * MIN),
            Some(true),
            Some(false),
        ),
        (
            "under",
            attempt_limit("PT1M"),
            Some(T0 + MIN / 2),
            Some(false),
            Some(false),
        ),
        ("no clock", attempt_limit("PT1M"), None, None, Some(false)),
        ("no limits", LimitConditions::default(), None, Some(false), Some(false)),
        ("before the window", window.clone(), Some(T0), Some(false), Some(true)),
        ("window, no clock", window, None, Some(false), None),
    ];
    for (case, limits, now, exceeded, outside) in rows {
        let (t, mut s) = leaf_state(limits, None, true);
        s.now_ms = now;
        let a = id(&t, "a");
        assert_eq!(timing::time_limit_exceeded(&t, &s, a), exceeded, "{case}");
        assert_eq!(timing::outside_available_time_range(&t, &s, a), outside, "{case}");
    }
}

/// Runs `requests`, one every `step` ms from `T0`; each outcome by identifier.
fn run(t: &ActivityTree, requests: &[N], step: i64) -> (Vec<Result<String, &'static str>>, Sequencer) {
    let mut s = Sequencer::new(t);
    let mut out = Vec::new();
    for (i, r) in requests.iter().enumerate() {
        s.state.now_ms = Some(T0 + step * i as i64);
        let done = overall_sequencing(t, s, r, 7);
        s = done.sequencer;
        out.push(match done.outcome {
            Ok(Outcome::Delivered(a)) => Ok(t.get(a).identifier.clone()),
            Ok(other) => Ok(format!("{other:?}")),
            Err(e) => Err(e.0),
        });
    }
    (out, s)
}

#[test]
fn an_attempt_past_its_duration_limit_cannot_be_taken_again() {
    // `a` allows one minute per attempt; the learner spends two on it, then goes back.
    let t = tree(
        flow_on(),
        vec![item("a", limited(attempt_limit("PT1M")), vec![]), leaf("b")],
    );
    let (slow, s) = run(&t, &[N::Start, N::Continue, N::Previous], 2 * MIN);
    assert_eq!(slow[..2], [Ok("a".to_owned()), Ok("b".to_owned())]);
    // SB.2.2 through UP.5: flow will not enter an activity whose limits are violated.
    assert!(slow[2].is_err(), "{slow:?}");
    assert!(!request_valid(&t, &s, &N::Previous));
    // Within the minute it may be taken again.
    let (quick, _) = run(&t, &[N::Start, N::Continue, N::Previous], 20_000);
    assert_eq!(quick, vec![Ok("a".to_owned()), Ok("b".to_owned()), Ok("a".to_owned())]);
}

#[test]
fn an_exit_rule_on_time_limit_exceeded_ends_the_cluster_once_time_is_up() {
    // `m` exits when its time is up: the learner who spent too long on `x` skips `y`.
    let exit_on_time = Sequencing {
        limit_conditions: Some(attempt_limit("PT5M")),
        sequencing_rules: Some(SequencingRules {
            exit_condition: vec![rule(
                ConditionCombination::All,
                vec![cond(Condition::TimeLimitExceeded, false)],
                RuleAction::Exit,
            )],
            ..Default::default()
        }),
        ..flow_on()
    };
    let t = tree(
        flow_on(),
        vec![item("m", exit_on_time, vec![leaf("x"), leaf("y")]), leaf("z")],
    );
    let (slow, _) = run(&t, &[N::Start, N::Continue], 6 * MIN);
    assert_eq!(slow, vec![Ok("x".to_owned()), Ok("z".to_owned())], "TB.2.1 exits `m`");
    let (quick, _) = run(&t, &[N::Start, N::Continue], MIN);
    assert_eq!(quick, vec![Ok("x".to_owned()), Ok("y".to_owned())]);
}
