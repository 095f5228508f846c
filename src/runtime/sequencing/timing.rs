//! Durations and availability times: the attempt and activity durations the SN book's
//! tracking model keeps (absolute: clock time from the attempt's start to its end;
//! experienced: the same without the time the attempt lay suspended), measured by the
//! platform's clock at each request, never by the content; and what the limit
//! conditions and the time rule conditions read of them.
//!
//! The clock is the request's time ([`TreeState::now_ms`]); without one (a state read
//! for a report) no duration is known, so no duration limit is exceeded and the time
//! conditions are unknown.

use serde::{Deserialize, Serialize};

use super::rules::Truth;
use super::state::TreeState;
use super::tree::{ActivityId, ActivityTree};
use crate::package::model::sequencing::LimitConditions;
use crate::runtime::timespan;

/// When an activity's attempts began and ended (milliseconds since the epoch), and how
/// long the current one lay suspended.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Timing {
    /// When the first attempt began.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_began_ms: Option<i64>,
    /// When the current (or last) attempt began.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub began_ms: Option<i64>,
    /// When the last attempt ended; `None` while it runs (or lies suspended).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ended_ms: Option<i64>,
    /// Since when the current attempt lies suspended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suspended_since_ms: Option<i64>,
    /// How long the current attempt lay suspended before `suspended_since_ms`.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub suspended_ms: i64,
    /// The experienced time of the earlier attempts.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub earlier_experienced_ms: i64,
}

fn is_zero(n: &i64) -> bool {
    *n == 0
}

impl Timing {
    /// Whether nothing is recorded (an untracked or never attempted activity).
    pub fn is_unset(&self) -> bool {
        *self == Self::default()
    }

    /// A new attempt begins at `now` (DB.2 step 5.1.1.2).
    pub fn begin(&mut self, now: Option<i64>) {
        let Some(now) = now else { return };
        if let Some(previous) = self.attempt_experienced(now) {
            self.earlier_experienced_ms = self.earlier_experienced_ms.saturating_add(previous);
        }
        self.first_began_ms.get_or_insert(now);
        self.began_ms = Some(now);
        self.ended_ms = None;
        self.suspended_since_ms = None;
        self.suspended_ms = 0;
    }

    /// The attempt lies suspended from `now`.
    pub fn suspend(&mut self, now: Option<i64>) {
        if self.suspended_since_ms.is_none() && self.ended_ms.is_none() {
            self.suspended_since_ms = now;
        }
    }

    /// The suspended attempt goes on at `now` (DB.2 step 5.1.1.1).
    pub fn resume(&mut self, now: Option<i64>) {
        if let (Some(since), Some(now)) = (self.suspended_since_ms, now) {
            self.suspended_ms = self.suspended_ms.saturating_add(now.saturating_sub(since).max(0));
        }
        self.suspended_since_ms = None;
    }

    /// The attempt ends at `now`; an attempt left suspended ended when it was suspended.
    pub fn end(&mut self, now: Option<i64>) {
        if self.began_ms.is_some() && self.ended_ms.is_none() {
            self.ended_ms = self.suspended_since_ms.or(now);
            self.resume(self.ended_ms);
        }
    }

    fn until(&self, now: i64) -> i64 {
        self.ended_ms.unwrap_or(now)
    }

    /// Attempt Absolute Duration at `now`.
    pub fn attempt_absolute(&self, now: i64) -> Option<i64> {
        Some(self.until(now).saturating_sub(self.began_ms?).max(0))
    }

    /// Attempt Experienced Duration at `now`: the absolute duration without the time
    /// suspended (the running suspension included).
    pub fn attempt_experienced(&self, now: i64) -> Option<i64> {
        let running = self
            .suspended_since_ms
            .map_or(0, |since| self.until(now).saturating_sub(since).max(0));
        let suspended = self.suspended_ms.saturating_add(running);
        Some(self.attempt_absolute(now)?.saturating_sub(suspended).max(0))
    }

    /// Activity Absolute Duration at `now`: from the first attempt's start.
    pub fn activity_absolute(&self, now: i64) -> Option<i64> {
        Some(self.until(now).saturating_sub(self.first_began_ms?).max(0))
    }

    /// Activity Experienced Duration at `now`: every attempt's experienced time.
    pub fn activity_experienced(&self, now: i64) -> Option<i64> {
        Some(
            self.earlier_experienced_ms
                .saturating_add(self.attempt_experienced(now)?),
        )
    }
}

/// A duration limit in milliseconds (`xs:duration`); `None` when absent or unreadable
/// (the import refuses unreadable ones; a limit of zero is no limit, as for attempts).
fn limit_ms(limit: Option<&String>) -> Option<i64> {
    let hundredths = timespan::parse_scorm2004(limit?)?;
    i64::try_from(hundredths).ok()?.checked_mul(10).filter(|&ms| ms > 0)
}

/// A time limit (`xs:dateTime`; without a zone it is read as UTC).
fn time_ms(limit: Option<&String>) -> Option<i64> {
    let t = crate::lrs::formats::parse_timestamp(limit?, false)?;
    Some(t.timestamp_millis())
}

/// One of an activity's durations, measured at a time.
type Measure = fn(&Timing, i64) -> Option<i64>;

/// Each duration limit (ms), the duration it bounds, and whether that is the attempt's.
fn duration_limits(l: &LimitConditions) -> [(Option<i64>, Measure, bool); 4] {
    [
        (
            limit_ms(l.attempt_absolute_duration_limit.as_ref()),
            Timing::attempt_absolute,
            true,
        ),
        (
            limit_ms(l.attempt_experienced_duration_limit.as_ref()),
            Timing::attempt_experienced,
            true,
        ),
        (
            limit_ms(l.activity_absolute_duration_limit.as_ref()),
            Timing::activity_absolute,
            false,
        ),
        (
            limit_ms(l.activity_experienced_duration_limit.as_ref()),
            Timing::activity_experienced,
            false,
        ),
    ]
}

/// Steps 4–9 of the Limit Conditions Check Process [UP.1] (the caller has done steps
/// 1–3): an attempt duration at or past its limit once the attempt's progress is known
/// (steps 4–5), an activity duration at or past its limit once the activity has
/// progress (steps 6–7), or the request's time before the begin time limit or after the
/// end time limit (steps 8–9).
pub fn limits_violated(tree: &ActivityTree, state: &TreeState, a: ActivityId) -> bool {
    let Some(now) = state.now_ms else { return false };
    let s = state.activity(a);
    let limits = &tree.definition(a).limits;
    let over = duration_limits(limits)
        .into_iter()
        .any(|(limit, duration, of_attempt)| {
            let known = s.activity_progress_status && (!of_attempt || s.attempt_progress_status);
            let reached = limit.zip(duration(&s.timing, now)).is_some_and(|(l, d)| d >= l);
            known && reached
        });
    over || outside(limits, now)
}

fn outside(limits: &LimitConditions, now: i64) -> bool {
    let early = time_ms(limits.begin_time_limit.as_ref()).is_some_and(|begin| now < begin);
    let late = time_ms(limits.end_time_limit.as_ref()).is_some_and(|end| now > end);
    early || late
}

/// `timeLimitExceeded`: a duration of the activity (its current attempt's included) at
/// or past its limit; false without duration limits; unknown without a clock.
pub fn time_limit_exceeded(tree: &ActivityTree, state: &TreeState, a: ActivityId) -> Truth {
    let limits = duration_limits(&tree.definition(a).limits);
    if limits.iter().all(|(limit, _, _)| limit.is_none()) {
        return Some(false);
    }
    let now = state.now_ms?;
    let timing = &state.activity(a).timing;
    Some(
        limits
            .iter()
            .any(|(limit, duration, _)| limit.zip(duration(timing, now)).is_some_and(|(l, d)| d >= l)),
    )
}

/// `outsideAvailableTimeRange`: the request's time outside the begin and end time
/// limits; false without them; unknown without a clock.
pub fn outside_available_time_range(tree: &ActivityTree, state: &TreeState, a: ActivityId) -> Truth {
    let limits = &tree.definition(a).limits;
    if limits.begin_time_limit.is_none() && limits.end_time_limit.is_none() {
        return Some(false);
    }
    Some(outside(limits, state.now_ms?))
}
