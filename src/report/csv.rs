//! Reports as CSV (UTF-8 with a byte order mark, so spreadsheet programs read Japanese;
//! cells guarded against formulas as the learners' export is).

use super::summary::Question;
use super::usecase::{CourseFunnel, Distributions, TranscriptRow};
use super::{DAY_MS, DayActivity};
use crate::clock::format_ms;
use crate::learner::csv::cell;

/// A CSV document from a header and rows of cells.
pub fn table<R, C>(header: &[&str], rows: R) -> String
where
    R: IntoIterator<Item = C>,
    C: IntoIterator<Item = String>,
{
    let mut out = String::from("\u{feff}");
    out.push_str(&header.iter().map(|h| cell(h)).collect::<Vec<_>>().join(","));
    out.push_str("\r\n");
    for row in rows {
        out.push_str(&row.into_iter().map(|c| cell(&c)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    out
}

fn num<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

pub fn courses(rows: &[CourseFunnel]) -> String {
    table(
        &[
            "course",
            "title",
            "registered",
            "started",
            "completed",
            "passed",
            "failed",
            "meanScore",
            "meanTimeMs",
        ],
        rows.iter().map(|r| {
            let f = &r.funnel;
            vec![
                f.course.clone(),
                r.title.clone(),
                f.registered.to_string(),
                f.started.to_string(),
                f.completed.to_string(),
                f.passed.to_string(),
                f.failed.to_string(),
                num(f.mean_score),
                num(f.mean_time_ms),
            ]
        }),
    )
}

pub fn distributions(d: &Distributions) -> String {
    let scores = d.scores.iter().map(|b| ("score", b));
    let time = d.time.iter().map(|b| ("timeMinutes", b));
    table(
        &["measure", "from", "to", "count"],
        scores.chain(time).map(|(m, b)| {
            let to = if b.to.is_finite() {
                b.to.to_string()
            } else {
                String::new()
            };
            vec![m.to_owned(), b.from.to_string(), to, b.count.to_string()]
        }),
    )
}

pub fn questions(rows: &[Question]) -> String {
    table(
        &[
            "question",
            "answered",
            "correct",
            "difficulty",
            "response",
            "result",
            "count",
        ],
        rows.iter().flat_map(|x| {
            x.responses.iter().map(|r| {
                vec![
                    x.question.clone(),
                    x.answered.to_string(),
                    x.correct.to_string(),
                    num(x.difficulty),
                    r.response.clone(),
                    r.result.clone(),
                    r.count.to_string(),
                ]
            })
        }),
    )
}

/// `YYYY-MM-DD` of a day number.
pub fn date(day: i64) -> String {
    format_ms(day.saturating_mul(DAY_MS)).chars().take(10).collect()
}

pub fn activity(rows: &[DayActivity]) -> String {
    table(
        &["date", "registrations", "steps"],
        rows.iter()
            .map(|d| vec![date(d.day), d.registrations.to_string(), d.steps.to_string()]),
    )
}

pub fn transcript(rows: &[TranscriptRow]) -> String {
    table(
        &[
            "registration",
            "course",
            "title",
            "version",
            "registered",
            "status",
            "score",
            "timeMs",
            "lastActivity",
        ],
        rows.iter().map(|r| {
            vec![
                r.registration.clone(),
                r.course.clone(),
                r.title.clone(),
                r.version.to_string(),
                format_ms(r.registered_ms),
                r.status.as_str().to_owned(),
                num(r.score),
                r.time_ms.to_string(),
                r.last_activity_ms.map(format_ms).unwrap_or_default(),
            ]
        }),
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn cells_are_quoted_and_guarded() {
        let csv = super::table(&["a", "b"], [vec!["=1+1".to_owned(), "x,y".to_owned()]]);
        assert_eq!(csv, "\u{feff}a,b\r\n'=1+1,\"x,y\"\r\n");
    }
}
