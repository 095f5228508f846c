//! The reports, computed from the summary rows the store reads: pure functions, so
//! every report is the same on both stores and tested without one.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{AnswerCount, DAY_MS, DayActivity, Registered, RegistrationFacts};

/// A course's completion and pass funnel.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Funnel {
    pub course: String,
    pub registered: u64,
    pub started: u64,
    pub completed: u64,
    pub passed: u64,
    pub failed: u64,
    pub mean_score: Option<f64>,
    pub mean_time_ms: Option<i64>,
}

/// One funnel per course that has registrations, in course order.
pub fn funnels(registered: &[Registered], rows: &[RegistrationFacts]) -> Vec<Funnel> {
    let mut by: BTreeMap<&str, (Funnel, Vec<f64>, Vec<i64>)> = BTreeMap::new();
    for r in registered {
        let f = &mut by.entry(r.course.as_str()).or_default().0;
        f.registered = f.registered.saturating_add(r.registrations);
    }
    for r in rows {
        let (f, scores, times) = by.entry(r.course.as_str()).or_default();
        f.started += 1;
        f.completed += u64::from(r.completed());
        f.passed += u64::from(r.passed());
        f.failed += u64::from(r.failed());
        scores.extend(r.score);
        if r.time_ms > 0 {
            times.push(r.time_ms);
        }
    }
    by.into_iter()
        .map(|(course, (mut f, scores, times))| {
            f.course = course.to_owned();
            // A registration that started is registered, whatever the date filter says.
            f.registered = f.registered.max(f.started);
            f.mean_score = mean(&scores);
            f.mean_time_ms = mean_i(&times);
            f
        })
        .collect()
}

fn mean(v: &[f64]) -> Option<f64> {
    (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
}

fn mean_i(v: &[i64]) -> Option<i64> {
    let n = i64::try_from(v.len()).ok().filter(|n| *n > 0)?;
    Some(v.iter().fold(0i64, |a, b| a.saturating_add(*b)) / n)
}

/// A count per bucket, with the bucket's bounds.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Bucket {
    pub from: f64,
    pub to: f64,
    pub count: u64,
}

/// Scores (0 to 1) of the registrations with one, in ten buckets of a tenth (1.0 in the last).
pub fn score_distribution(rows: &[RegistrationFacts]) -> Vec<Bucket> {
    let mut counts = [0u64; 10];
    for s in rows.iter().filter_map(|r| r.score) {
        let i = ((s * 10.0).floor() as usize).min(9);
        if let Some(c) = counts.get_mut(i) {
            *c += 1;
        }
    }
    counts
        .iter()
        .enumerate()
        .map(|(i, c)| Bucket {
            from: i as f64 / 10.0,
            to: (i + 1) as f64 / 10.0,
            count: *c,
        })
        .collect()
}

/// Bucket bounds of time spent, in minutes (the last bucket is open-ended).
pub const TIME_BOUNDS_MIN: [f64; 7] = [0.0, 5.0, 15.0, 30.0, 60.0, 120.0, f64::INFINITY];

/// Time spent by the registrations that recorded any, in buckets of minutes.
pub fn time_distribution(rows: &[RegistrationFacts]) -> Vec<Bucket> {
    let mut buckets: Vec<Bucket> = TIME_BOUNDS_MIN
        .windows(2)
        .map(|w| Bucket {
            from: w.first().copied().unwrap_or(0.0),
            to: w.get(1).copied().unwrap_or(f64::INFINITY),
            count: 0,
        })
        .collect();
    for r in rows.iter().filter(|r| r.time_ms > 0) {
        let minutes = r.time_ms as f64 / 60_000.0;
        if let Some(b) = buckets.iter_mut().find(|b| minutes >= b.from && minutes < b.to) {
            b.count += 1;
        }
    }
    buckets
}

/// One question: how often answered, how often correctly, and each answer given.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Question {
    pub question: String,
    pub answered: u64,
    pub correct: u64,
    /// The share answered wrongly (0 easy, 1 nobody got it), of the answers judged.
    pub difficulty: Option<f64>,
    /// Each response with its count and result, most given first.
    pub responses: Vec<AnswerCount>,
}

/// Answers given at most per question in a report; the rest are summed up as one row.
pub const MAX_RESPONSES: usize = 20;

/// Questions by difficulty, hardest first.
pub fn questions(answers: Vec<AnswerCount>) -> Vec<Question> {
    let mut by: BTreeMap<String, Vec<AnswerCount>> = BTreeMap::new();
    for a in answers {
        by.entry(a.question.clone()).or_default().push(a);
    }
    let mut out: Vec<Question> = by
        .into_iter()
        .map(|(question, mut responses)| {
            let answered = responses.iter().map(|r| r.count).sum();
            let judged: u64 = responses.iter().filter(|r| judged(&r.result)).map(|r| r.count).sum();
            let correct = responses
                .iter()
                .filter(|r| r.result == "correct")
                .map(|r| r.count)
                .sum();
            responses.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.response.cmp(&b.response)));
            responses.truncate(MAX_RESPONSES);
            Question {
                question,
                answered,
                correct,
                difficulty: (judged > 0).then(|| 1.0 - correct as f64 / judged as f64),
                responses,
            }
        })
        .collect();
    out.sort_by(|a, b| {
        b.difficulty
            .unwrap_or(-1.0)
            .total_cmp(&a.difficulty.unwrap_or(-1.0))
            .then_with(|| a.question.cmp(&b.question))
    });
    out
}

/// Results that say right or wrong (SCORM's `correct`, `incorrect` and 1.2's `wrong`).
fn judged(result: &str) -> bool {
    matches!(result, "correct" | "incorrect" | "wrong")
}

/// Days at most in an activity report.
pub const MAX_DAYS: i64 = 400;

/// Every day from `from_day` to `to_day` (inclusive, at most `MAX_DAYS` ending at
/// `to_day`), days without activity as zeros.
pub fn activity(days: &[DayActivity], from_day: i64, to_day: i64) -> Vec<DayActivity> {
    let from_day = from_day.max(to_day.saturating_sub(MAX_DAYS - 1));
    let by: BTreeMap<i64, &DayActivity> = days.iter().map(|d| (d.day, d)).collect();
    (from_day..=to_day)
        .map(|day| DayActivity {
            day,
            registrations: by.get(&day).map_or(0, |d| d.registrations),
            steps: by.get(&day).map_or(0, |d| d.steps),
        })
        .collect()
}

/// The day of an instant (UTC).
pub fn day_of(ms: i64) -> i64 {
    ms.div_euclid(DAY_MS)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(
        course: &str,
        launchables: u32,
        done: u32,
        passed: u32,
        failed: u32,
        score: Option<f64>,
    ) -> RegistrationFacts {
        RegistrationFacts {
            course: course.into(),
            launchables,
            items: launchables,
            done,
            passed,
            failed,
            score,
            time_ms: 600_000,
            ..RegistrationFacts::default()
        }
    }

    #[test]
    fn a_funnel_counts_each_stage() {
        let registered = [Registered {
            course: "c".into(),
            registrations: 5,
        }];
        let rows = [
            row("c", 2, 2, 1, 0, Some(0.9)),
            row("c", 2, 1, 0, 0, None),
            row("c", 1, 1, 0, 1, Some(0.1)),
        ];
        let f = funnels(&registered, &rows);
        assert_eq!(f.len(), 1);
        let f = f.first().cloned().unwrap_or_default();
        assert_eq!(
            (f.registered, f.started, f.completed, f.passed, f.failed),
            (5, 3, 2, 1, 1)
        );
        assert_eq!(f.mean_score.map(|s| (s * 100.0).round()), Some(50.0));
        assert_eq!(f.mean_time_ms, Some(600_000));
    }

    #[test]
    fn scores_fall_in_tenths_and_one_in_the_last() {
        let rows = [
            row("c", 1, 1, 1, 0, Some(1.0)),
            row("c", 1, 1, 1, 0, Some(0.05)),
            row("c", 1, 0, 0, 0, Some(0.95)),
        ];
        let counts: Vec<u64> = score_distribution(&rows).iter().map(|b| b.count).collect();
        assert_eq!(counts, [1, 0, 0, 0, 0, 0, 0, 0, 0, 2]);
    }

    #[test]
    fn questions_hardest_first() {
        let a = |q: &str, r: &str, res: &str, n: u64| AnswerCount {
            question: q.into(),
            response: r.into(),
            result: res.into(),
            count: n,
        };
        let q = questions(vec![
            a("易", "a", "correct", 9),
            a("易", "b", "incorrect", 1),
            a("難", "x", "wrong", 3),
            a("難", "y", "correct", 1),
        ]);
        let names: Vec<&str> = q.iter().map(|q| q.question.as_str()).collect();
        assert_eq!(names, ["難", "易"]);
        assert_eq!(q.first().and_then(|q| q.difficulty), Some(0.75));
    }

    #[test]
    fn activity_fills_missing_days_and_is_bounded() {
        let days = [DayActivity {
            day: 3,
            registrations: 2,
            steps: 7,
        }];
        let a = activity(&days, 1, 4);
        assert_eq!(a.iter().map(|d| d.steps).collect::<Vec<_>>(), [0, 0, 7, 0]);
        assert_eq!(activity(&[], 0, 10_000).len() as i64, MAX_DAYS);
    }
}
