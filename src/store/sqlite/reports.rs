//! The reports' summary tables in SQLite: the statements of `store::reports` run here.

use rusqlite::types::Value;
use rusqlite::{Connection, Row, params_from_iter};

use super::SqliteStore;
use super::pool::backend;
use crate::report::facts::ReportWrite;
use crate::report::{AnswerCount, DayActivity, Registered, RegistrationFacts, ReportFilter, VersionCount};
use crate::store::StoreResult;
use crate::store::reports::{self, Param, ReportStore, Sql};
use crate::store::tables::Backend;
use crate::tenant::TenantId;

fn values(params: &[Param]) -> Vec<Value> {
    params
        .iter()
        .map(|p| match p {
            Param::Int(n) => Value::Integer(*n),
            Param::Real(Some(x)) => Value::Real(*x),
            Param::Real(None) => Value::Null,
            Param::Text(s) => Value::Text(s.clone()),
        })
        .collect()
}

fn execute(conn: &Connection, sql: &Sql) -> StoreResult<()> {
    conn.prepare_cached(&sql.text)
        .map_err(backend)?
        .execute(params_from_iter(values(&sql.params)))
        .map_err(backend)?;
    Ok(())
}

fn query<T>(conn: &Connection, sql: &Sql, map: impl Fn(&Row) -> rusqlite::Result<T>) -> StoreResult<Vec<T>> {
    let mut stmt = conn.prepare_cached(&sql.text).map_err(backend)?;
    let rows = stmt
        .query_map(params_from_iter(values(&sql.params)), |r| map(r))
        .map_err(backend)?;
    rows.collect::<Result<Vec<_>, _>>().map_err(backend)
}

/// A step's summary rows, inside its transaction.
pub fn apply(conn: &Connection, tenant: TenantId, w: &ReportWrite) -> StoreResult<()> {
    for sql in reports::write_statements(Backend::Sqlite, tenant, w) {
        execute(conn, &sql)?;
    }
    Ok(())
}

fn count(n: i64) -> u32 {
    u32::try_from(n).unwrap_or(0)
}

fn facts(r: &Row) -> rusqlite::Result<RegistrationFacts> {
    Ok(RegistrationFacts {
        registration: r.get(0)?,
        learner: r.get(1)?,
        course: r.get(2)?,
        version: count(r.get(3)?),
        launchables: count(r.get(4)?),
        items: count(r.get(5)?),
        done: count(r.get(6)?),
        passed: count(r.get(7)?),
        failed: count(r.get(8)?),
        score: r.get(9)?,
        time_ms: r.get(10)?,
        first_ms: r.get(11)?,
        last_ms: r.get(12)?,
    })
}

/// A row read without detail (`reports::COUNT_COLUMNS`).
fn counts(r: &Row) -> rusqlite::Result<RegistrationFacts> {
    Ok(RegistrationFacts {
        course: r.get(0)?,
        launchables: count(r.get(1)?),
        items: count(r.get(2)?),
        done: count(r.get(3)?),
        passed: count(r.get(4)?),
        failed: count(r.get(5)?),
        score: r.get(6)?,
        time_ms: r.get(7)?,
        ..RegistrationFacts::default()
    })
}

fn total(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

#[async_trait::async_trait]
impl ReportStore for SqliteStore {
    async fn report_rows(
        &self,
        tenant: TenantId,
        filter: &ReportFilter,
        detail: bool,
    ) -> StoreResult<Vec<RegistrationFacts>> {
        let sql = reports::rows_query(Backend::Sqlite, tenant, filter, detail);
        if detail {
            self.readers.run(move |c| query(c, &sql, facts)).await
        } else {
            self.readers.run(move |c| query(c, &sql, counts)).await
        }
    }

    async fn report_registered(&self, tenant: TenantId, filter: &ReportFilter) -> StoreResult<Vec<Registered>> {
        let sql = reports::registered_query(Backend::Sqlite, tenant, filter);
        self.readers
            .run(move |c| {
                query(c, &sql, |r| {
                    Ok(Registered {
                        course: r.get(0)?,
                        registrations: total(r.get(1)?),
                    })
                })
            })
            .await
    }

    async fn report_answers(&self, tenant: TenantId, filter: &ReportFilter) -> StoreResult<Vec<AnswerCount>> {
        let sql = reports::answers_query(Backend::Sqlite, tenant, filter);
        self.readers
            .run(move |c| {
                query(c, &sql, |r| {
                    Ok(AnswerCount {
                        question: r.get(0)?,
                        response: r.get(1)?,
                        result: r.get(2)?,
                        count: total(r.get(3)?),
                    })
                })
            })
            .await
    }

    async fn report_versions(
        &self,
        tenant: TenantId,
        course: &str,
        end_client: Option<&str>,
    ) -> StoreResult<Vec<VersionCount>> {
        let sql = reports::versions_query(Backend::Sqlite, tenant, course, end_client);
        self.readers
            .run(move |c| {
                query(c, &sql, |r| {
                    Ok(VersionCount {
                        version: count(r.get(0)?),
                        preview: r.get(1)?,
                        registrations: total(r.get(2)?),
                    })
                })
            })
            .await
    }

    async fn report_activity(
        &self,
        tenant: TenantId,
        filter: &ReportFilter,
        days: (i64, i64),
    ) -> StoreResult<Vec<DayActivity>> {
        let sql = reports::activity_query(Backend::Sqlite, tenant, filter, days);
        self.readers
            .run(move |c| {
                query(c, &sql, |r| {
                    Ok(DayActivity {
                        day: r.get(0)?,
                        registrations: total(r.get(1)?),
                        steps: total(r.get(2)?),
                    })
                })
            })
            .await
    }
}
