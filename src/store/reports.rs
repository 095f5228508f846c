//! The reports' summary tables: the trait the reports read through, and the SQL both
//! backends run, written once (`Sql`: the text with each backend's placeholders and its
//! parameters). The rows are kept by the run-time step's own transaction
//! (`AttemptStore::apply_runtime` with a `ReportWrite`), so they are never behind an
//! acknowledged commit.

use async_trait::async_trait;

use super::StoreResult;
use super::tables::Backend;
use crate::report::facts::{Answer, ItemFacts, ReportWrite};
use crate::report::{AnswerCount, DayActivity, Registered, RegistrationFacts, ReportFilter, VersionCount};
use crate::tenant::TenantId;

#[async_trait]
pub trait ReportStore: Send + Sync {
    /// The summary row of every registration in the filter with any progress. Without
    /// `detail` only what the funnels and distributions count is read (the course and
    /// the items counted, score and time): the registration, learner, version and times
    /// are left empty, a third of the row a big tenant's report would otherwise carry.
    async fn report_rows(
        &self,
        tenant: TenantId,
        filter: &ReportFilter,
        detail: bool,
    ) -> StoreResult<Vec<RegistrationFacts>>;
    /// Registrations per course in the filter (the date range on their creation).
    async fn report_registered(&self, tenant: TenantId, filter: &ReportFilter) -> StoreResult<Vec<Registered>>;
    /// How often each answer was given to each question, in the filter's registrations
    /// (at most `MAX_ANSWER_ROWS`, the most given first).
    async fn report_answers(&self, tenant: TenantId, filter: &ReportFilter) -> StoreResult<Vec<AnswerCount>>;
    /// A course's registrations per version and kind (of the learners of `end_client`
    /// only, when given), previews included: a count, never the rows.
    async fn report_versions(
        &self,
        tenant: TenantId,
        course: &str,
        end_client: Option<&str>,
    ) -> StoreResult<Vec<VersionCount>>;
    /// Activity per day from `days.0` to `days.1` (inclusive), in the filter's registrations.
    async fn report_activity(
        &self,
        tenant: TenantId,
        filter: &ReportFilter,
        days: (i64, i64),
    ) -> StoreResult<Vec<DayActivity>>;
}

/// Distinct answers a report reads at most.
pub const MAX_ANSWER_ROWS: i64 = 5000;

/// A parameter of a statement both backends run.
#[derive(Debug, Clone, PartialEq)]
pub enum Param {
    Int(i64),
    Real(Option<f64>),
    Text(String),
}

/// A statement and its parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct Sql {
    pub text: String,
    pub params: Vec<Param>,
}

impl Sql {
    fn new(backend: Backend, text: &str, params: Vec<Param>) -> Self {
        // `{1}`, `{2}`… become `?1` or `$1`.
        let mut out = text.to_owned();
        for n in (1..=params.len()).rev() {
            let mark = match backend {
                Backend::Sqlite => format!("?{n}"),
                Backend::Postgres => format!("${n}"),
            };
            out = out.replace(&format!("{{{n}}}"), &mark);
        }
        Self { text: out, params }
    }
}

fn int(n: impl TryInto<i64>) -> Param {
    Param::Int(n.try_into().unwrap_or(i64::MAX))
}

/// The statements a step's `ReportWrite` runs, in order.
pub fn write_statements(backend: Backend, tenant: TenantId, w: &ReportWrite) -> Vec<Sql> {
    let t = || Param::Int(tenant.0);
    let reg = || Param::Text(w.registration.clone());
    let mut out = Vec::new();
    for i in &w.items {
        out.push(item_upsert(backend, tenant, &w.registration, i, w.at_ms, w.merge));
        if let (Some(answers), true) = (&i.answers, w.merge) {
            for a in answers {
                out.extend(answer_merge(backend, tenant, &w.registration, &i.item, a));
            }
        } else if let Some(answers) = &i.answers {
            out.push(Sql::new(
                backend,
                "DELETE FROM report_answers WHERE tenant = {1} AND registration = {2} AND item = {3}",
                vec![t(), reg(), Param::Text(i.item.clone())],
            ));
            for (n, a) in answers.iter().enumerate() {
                // The course from the registration; a preview's answers are not kept.
                out.push(Sql::new(
                    backend,
                    "INSERT INTO report_answers (tenant, registration, item, n, question, response, result, course) \
                     SELECT r.tenant, r.id, CAST({3} AS TEXT), CAST({4} AS BIGINT), CAST({5} AS TEXT), \
                     CAST({6} AS TEXT), CAST({7} AS TEXT), r.package FROM registrations r \
                     WHERE r.tenant = {1} AND r.id = {2} AND NOT r.preview",
                    vec![
                        t(),
                        reg(),
                        Param::Text(i.item.clone()),
                        int(n),
                        Param::Text(a.question.clone()),
                        Param::Text(a.response.clone()),
                        Param::Text(a.result.clone()),
                    ],
                ));
            }
        }
    }
    out.push(recount(backend, tenant, w));
    // The course from the registration; a preview's days are not kept.
    out.push(Sql::new(
        backend,
        "INSERT INTO report_days (tenant, registration, day, steps, course) \
         SELECT r.tenant, r.id, CAST({3} AS BIGINT), 1, r.package FROM registrations r \
         WHERE r.tenant = {1} AND r.id = {2} AND NOT r.preview \
         ON CONFLICT (tenant, registration, day) DO UPDATE SET steps = report_days.steps + 1",
        vec![t(), reg(), Param::Int(crate::report::summary::day_of(w.at_ms))],
    ));
    out
}

/// The new answer of one question replacing its earlier one (a merging write), numbered
/// after the item's others; a preview's answers are not kept.
fn answer_merge(backend: Backend, tenant: TenantId, registration: &str, item: &str, a: &Answer) -> [Sql; 2] {
    let p = || {
        vec![
            Param::Int(tenant.0),
            Param::Text(registration.to_owned()),
            Param::Text(item.to_owned()),
            Param::Text(a.question.clone()),
            Param::Text(a.response.clone()),
            Param::Text(a.result.clone()),
        ]
    };
    let mut delete = p();
    delete.truncate(4);
    [
        Sql::new(
            backend,
            "DELETE FROM report_answers WHERE tenant = {1} AND registration = {2} AND item = {3} AND question = {4}",
            delete,
        ),
        Sql::new(
            backend,
            "INSERT INTO report_answers (tenant, registration, item, n, question, response, result, course) \
             SELECT r.tenant, r.id, CAST({3} AS TEXT), \
             (SELECT COALESCE(MAX(x.n) + 1, 0) FROM report_answers x \
              WHERE x.tenant = {1} AND x.registration = {2} AND x.item = {3}), \
             CAST({4} AS TEXT), CAST({5} AS TEXT), CAST({6} AS TEXT), r.package FROM registrations r \
             WHERE r.tenant = {1} AND r.id = {2} AND NOT r.preview",
            p(),
        ),
    ]
}

/// An item's row: replaced, or merged into the one counted before (`ReportWrite::merge`).
fn item_upsert(backend: Backend, tenant: TenantId, registration: &str, i: &ItemFacts, at_ms: i64, merge: bool) -> Sql {
    let set = if merge {
        "completion = CASE WHEN report_items.completion = 'completed' THEN 'completed' ELSE excluded.completion END, \
         success = CASE WHEN excluded.success = 'unknown' THEN report_items.success ELSE excluded.success END, \
         score = COALESCE(excluded.score, report_items.score), time_ms = report_items.time_ms + excluded.time_ms"
    } else {
        "completion = excluded.completion, success = excluded.success, score = excluded.score, \
         time_ms = excluded.time_ms"
    };
    Sql::new(
        backend,
        &format!(
            "INSERT INTO report_items (tenant, registration, item, completion, success, score, time_ms, attempt, updated) \
             VALUES ({{1}}, {{2}}, {{3}}, {{4}}, {{5}}, {{6}}, {{7}}, {{8}}, {{9}}) \
             ON CONFLICT (tenant, registration, item) DO UPDATE SET {set}, \
             attempt = excluded.attempt, updated = excluded.updated"
        ),
        vec![
            Param::Int(tenant.0),
            Param::Text(registration.to_owned()),
            Param::Text(i.item.clone()),
            Param::Text(i.completion.clone()),
            Param::Text(i.success.clone()),
            Param::Real(i.score),
            Param::Int(i.time_ms),
            int(i.attempt),
            Param::Int(at_ms),
        ],
    )
}

/// The registration's row counted again from its items (the registration's learner and
/// course read from the registration itself). A preview registration gets no row: an
/// author's test run counts in no report, and every report read goes through this row.
fn recount(backend: Backend, tenant: TenantId, w: &ReportWrite) -> Sql {
    Sql::new(
        backend,
        "INSERT INTO report_registrations (tenant, registration, learner, course, version, launchables, \
         items, done, passed, failed, score, time_ms, first_ms, last_ms) \
         SELECT r.tenant, r.id, r.learner, r.package, r.version, CAST({3} AS BIGINT), COUNT(*), \
         SUM(CASE WHEN i.completion = 'completed' THEN 1 ELSE 0 END), \
         SUM(CASE WHEN i.success = 'passed' THEN 1 ELSE 0 END), \
         SUM(CASE WHEN i.success = 'failed' THEN 1 ELSE 0 END), \
         AVG(i.score), CAST(SUM(i.time_ms) AS BIGINT), CAST({4} AS BIGINT), CAST({4} AS BIGINT) \
         FROM registrations r JOIN report_items i ON i.tenant = r.tenant AND i.registration = r.id \
         WHERE r.tenant = {1} AND r.id = {2} AND NOT r.preview \
         GROUP BY r.tenant, r.id, r.learner, r.package, r.version \
         ON CONFLICT (tenant, registration) DO UPDATE SET launchables = excluded.launchables, \
         items = excluded.items, done = excluded.done, passed = excluded.passed, failed = excluded.failed, \
         score = excluded.score, time_ms = excluded.time_ms, last_ms = excluded.last_ms",
        vec![
            Param::Int(tenant.0),
            Param::Text(w.registration.clone()),
            int(w.launchables),
            Param::Int(w.at_ms),
        ],
    )
}

/// The filter's conditions on `rr` (report_registrations), or on `r` (registrations)
/// when `on_registrations`, with `l` the learner; parameters numbered after `params`.
fn conditions(f: &ReportFilter, on_registrations: bool, params: &mut Vec<Param>) -> String {
    let (alias, course, time) = if on_registrations {
        ("r", "package", "created")
    } else {
        ("rr", "course", "last_ms")
    };
    let mut out = String::new();
    let mut push = |column: String, op: &str, p: Param| {
        params.push(p);
        out.push_str(&format!(" AND {column} {op} {{{}}}", params.len()));
    };
    if let Some(c) = &f.course {
        push(format!("{alias}.{course}"), "=", Param::Text(c.clone()));
    }
    if let Some(l) = &f.learner {
        push(format!("{alias}.learner"), "=", Param::Text(l.clone()));
    }
    if let Some(e) = &f.end_client {
        push("l.end_client".into(), "=", Param::Text(e.clone()));
    }
    if let Some(ms) = f.from_ms {
        push(format!("{alias}.{time}"), ">=", Param::Int(ms));
    }
    if let Some(ms) = f.to_ms {
        push(format!("{alias}.{time}"), "<", Param::Int(ms));
    }
    out
}

/// The columns of a summary row read with `detail`, in `RegistrationFacts` order.
pub const DETAIL_COLUMNS: &str = "rr.registration, rr.learner, rr.course, rr.version, rr.launchables, rr.items, \
     rr.done, rr.passed, rr.failed, rr.score, rr.time_ms, rr.first_ms, rr.last_ms";
/// The columns read without: the course, then `launchables` to `time_ms` as above.
pub const COUNT_COLUMNS: &str =
    "rr.course, rr.launchables, rr.items, rr.done, rr.passed, rr.failed, rr.score, rr.time_ms";

/// The summary rows in the filter (`ReportStore::report_rows`).
pub fn rows_query(backend: Backend, tenant: TenantId, f: &ReportFilter, detail: bool) -> Sql {
    let mut params = vec![Param::Int(tenant.0)];
    let cond = conditions(f, false, &mut params);
    // The learners are joined only to filter by end client; no order (the reports add up).
    let join = if f.end_client.is_some() {
        " JOIN learners l ON l.tenant = rr.tenant AND l.id = rr.learner"
    } else {
        ""
    };
    let columns = if detail { DETAIL_COLUMNS } else { COUNT_COLUMNS };
    let text = format!("SELECT {columns} FROM report_registrations rr{join} WHERE rr.tenant = {{1}}{cond}");
    Sql::new(backend, &text, params)
}

/// The learners joined to registrations `r` to filter by end client.
fn learner_join(f: &ReportFilter) -> &'static str {
    if f.end_client.is_some() {
        " JOIN learners l ON l.tenant = r.tenant AND l.id = r.learner"
    } else {
        ""
    }
}

/// Registrations per course in the filter.
pub fn registered_query(backend: Backend, tenant: TenantId, f: &ReportFilter) -> Sql {
    let mut params = vec![Param::Int(tenant.0)];
    let cond = conditions(f, true, &mut params);
    let text = format!(
        "SELECT r.package, COUNT(*) FROM registrations r{} \
         WHERE r.tenant = {{1}} AND NOT r.preview{cond} GROUP BY r.package",
        learner_join(f)
    );
    Sql::new(backend, &text, params)
}

/// A course's registrations per version and kind (`ReportStore::report_versions`).
pub fn versions_query(backend: Backend, tenant: TenantId, course: &str, end_client: Option<&str>) -> Sql {
    let f = ReportFilter {
        course: Some(course.to_owned()),
        end_client: end_client.map(str::to_owned),
        ..ReportFilter::default()
    };
    let mut params = vec![Param::Int(tenant.0)];
    let cond = conditions(&f, true, &mut params);
    let text = format!(
        "SELECT r.version, r.preview, COUNT(*) FROM registrations r{} \
         WHERE r.tenant = {{1}}{cond} GROUP BY r.version, r.preview",
        learner_join(&f)
    );
    Sql::new(backend, &text, params)
}

/// The join from a table keyed by registration (`x`) to its summary row and learner.
fn summary_join(f: &ReportFilter) -> &'static str {
    if f.end_client.is_some() {
        " JOIN report_registrations rr ON rr.tenant = x.tenant AND rr.registration = x.registration \
         JOIN learners l ON l.tenant = rr.tenant AND l.id = rr.learner"
    } else {
        " JOIN report_registrations rr ON rr.tenant = x.tenant AND rr.registration = x.registration"
    }
}

/// The filter on a table keyed by registration (`x`) that keeps its registration's
/// course: the course on `x` itself, the summary rows joined only for the other filters
/// (so a tenant's or a course's report reads one index). Parameters after `params`.
fn own_course(f: &ReportFilter, params: &mut Vec<Param>) -> (String, &'static str) {
    let mut course = String::new();
    if let Some(c) = &f.course {
        params.push(Param::Text(c.clone()));
        course = format!(" AND x.course = {{{}}}", params.len());
    }
    let rest = ReportFilter {
        course: None,
        ..f.clone()
    };
    let cond = conditions(&rest, false, params);
    let join = if rest == ReportFilter::default() {
        ""
    } else {
        summary_join(f)
    };
    (format!("{course}{cond}"), join)
}

/// Answers per question and response in the filter, the most given first.
pub fn answers_query(backend: Backend, tenant: TenantId, f: &ReportFilter) -> Sql {
    let mut params = vec![Param::Int(tenant.0)];
    let (cond, join) = own_course(f, &mut params);
    let text = format!(
        "SELECT x.question, x.response, x.result, COUNT(*) FROM report_answers x{join} \
         WHERE x.tenant = {{1}}{cond} GROUP BY x.question, x.response, x.result \
         ORDER BY COUNT(*) DESC, x.question, x.response LIMIT {MAX_ANSWER_ROWS}"
    );
    Sql::new(backend, &text, params)
}

/// Registrations active and steps per day in the filter (its date range is the days').
pub fn activity_query(backend: Backend, tenant: TenantId, f: &ReportFilter, days: (i64, i64)) -> Sql {
    let mut params = vec![Param::Int(tenant.0), Param::Int(days.0), Param::Int(days.1)];
    let undated = ReportFilter {
        from_ms: None,
        to_ms: None,
        ..f.clone()
    };
    let (cond, join) = own_course(&undated, &mut params);
    let text = format!(
        "SELECT x.day, COUNT(*), CAST(SUM(x.steps) AS BIGINT) FROM report_days x{join} \
         WHERE x.tenant = {{1}} AND x.day >= {{2}} AND x.day <= {{3}}{cond} GROUP BY x.day ORDER BY x.day"
    );
    Sql::new(backend, &text, params)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_per_backend_and_filters_in_order() {
        let f = ReportFilter {
            course: Some("c".into()),
            end_client: Some("e".into()),
            from_ms: Some(5),
            ..ReportFilter::default()
        };
        let q = rows_query(Backend::Postgres, TenantId(7), &f, true);
        assert!(
            q.text
                .contains("rr.course = $2 AND l.end_client = $3 AND rr.last_ms >= $4"),
            "{}",
            q.text
        );
        assert_eq!(q.params.len(), 4);
        let q = activity_query(Backend::Sqlite, TenantId(7), &f, (1, 2));
        assert!(
            q.text
                .contains("x.day <= ?3 AND x.course = ?4 AND l.end_client = ?5 GROUP"),
            "{}",
            q.text
        );
        assert!(!q.text.contains('{'));
        // A tenant's or a course's activity and answers read their own table alone.
        let course = ReportFilter {
            course: Some("c".into()),
            ..ReportFilter::default()
        };
        for q in [
            activity_query(Backend::Postgres, TenantId(7), &ReportFilter::default(), (1, 2)),
            activity_query(Backend::Postgres, TenantId(7), &course, (1, 2)),
            answers_query(Backend::Sqlite, TenantId(7), &course),
        ] {
            assert!(!q.text.contains("JOIN"), "{}", q.text);
        }
    }
}
