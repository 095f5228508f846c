//! The reports' summary tables in PostgreSQL: the statements of `store::reports` run here.
//! A step's rows are written under a transaction lock on its registration, so two SCOs
//! of one registration committing at once recount the registration one after the other,
//! each seeing the other's item (READ COMMITTED: the recount's snapshot is taken after
//! the lock is granted).

use async_trait::async_trait;
use deadpool_postgres::GenericClient;
use tokio_postgres::Row;
use tokio_postgres::types::ToSql;

use super::{PgStore, col, lock_key, pg, unsigned};
use crate::report::facts::ReportWrite;
use crate::report::{AnswerCount, DayActivity, Registered, RegistrationFacts, ReportFilter, VersionCount};
use crate::store::StoreResult;
use crate::store::reports::{self, Param, ReportStore, Sql};
use crate::store::tables::Backend;
use crate::tenant::TenantId;

fn values(params: &[Param]) -> Vec<Box<dyn ToSql + Sync + Send>> {
    params
        .iter()
        .map(|p| -> Box<dyn ToSql + Sync + Send> {
            match p {
                Param::Int(n) => Box::new(*n),
                Param::Real(x) => Box::new(*x),
                Param::Text(s) => Box::new(s.clone()),
            }
        })
        .collect()
}

fn refs(v: &[Box<dyn ToSql + Sync + Send>]) -> Vec<&(dyn ToSql + Sync)> {
    v.iter().map(|b| b.as_ref() as &(dyn ToSql + Sync)).collect()
}

/// A step's summary rows, inside its transaction.
pub(super) async fn apply(c: &impl GenericClient, tenant: TenantId, w: &ReportWrite) -> StoreResult<()> {
    let key = lock_key(&[b"report", &tenant.0.to_le_bytes(), w.registration.as_bytes()]);
    c.execute("SELECT pg_advisory_xact_lock($1)", &[&key])
        .await
        .map_err(pg)?;
    for sql in reports::write_statements(Backend::Postgres, tenant, w) {
        let st = c.prepare_cached(&sql.text).await.map_err(pg)?;
        let v = values(&sql.params);
        c.execute(&st, &refs(&v)).await.map_err(pg)?;
    }
    Ok(())
}

fn count(row: &Row, i: usize) -> StoreResult<u32> {
    Ok(u32::try_from(col::<i64>(row, i)?).unwrap_or(0))
}

fn facts(r: &Row) -> StoreResult<RegistrationFacts> {
    Ok(RegistrationFacts {
        registration: col(r, 0)?,
        learner: col(r, 1)?,
        course: col(r, 2)?,
        version: count(r, 3)?,
        launchables: count(r, 4)?,
        items: count(r, 5)?,
        done: count(r, 6)?,
        passed: count(r, 7)?,
        failed: count(r, 8)?,
        score: col(r, 9)?,
        time_ms: col(r, 10)?,
        first_ms: col(r, 11)?,
        last_ms: col(r, 12)?,
    })
}

/// A row read without detail (`reports::COUNT_COLUMNS`).
fn counts(r: &Row) -> StoreResult<RegistrationFacts> {
    Ok(RegistrationFacts {
        course: col(r, 0)?,
        launchables: count(r, 1)?,
        items: count(r, 2)?,
        done: count(r, 3)?,
        passed: count(r, 4)?,
        failed: count(r, 5)?,
        score: col(r, 6)?,
        time_ms: col(r, 7)?,
        ..RegistrationFacts::default()
    })
}

impl PgStore {
    async fn report_query<T>(&self, sql: Sql, map: impl Fn(&Row) -> StoreResult<T>) -> StoreResult<Vec<T>> {
        let c = self.client().await?;
        let st = c.prepare_cached(&sql.text).await.map_err(pg)?;
        let v = values(&sql.params);
        let rows = c.query(&st, &refs(&v)).await.map_err(pg)?;
        rows.iter().map(map).collect()
    }
}

#[async_trait]
impl ReportStore for PgStore {
    async fn report_rows(
        &self,
        tenant: TenantId,
        filter: &ReportFilter,
        detail: bool,
    ) -> StoreResult<Vec<RegistrationFacts>> {
        let sql = reports::rows_query(Backend::Postgres, tenant, filter, detail);
        if detail {
            self.report_query(sql, facts).await
        } else {
            self.report_query(sql, counts).await
        }
    }

    async fn report_registered(&self, tenant: TenantId, filter: &ReportFilter) -> StoreResult<Vec<Registered>> {
        self.report_query(reports::registered_query(Backend::Postgres, tenant, filter), |r| {
            Ok(Registered {
                course: col(r, 0)?,
                registrations: unsigned(col(r, 1)?),
            })
        })
        .await
    }

    async fn report_answers(&self, tenant: TenantId, filter: &ReportFilter) -> StoreResult<Vec<AnswerCount>> {
        self.report_query(reports::answers_query(Backend::Postgres, tenant, filter), |r| {
            Ok(AnswerCount {
                question: col(r, 0)?,
                response: col(r, 1)?,
                result: col(r, 2)?,
                count: unsigned(col(r, 3)?),
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
        let sql = reports::versions_query(Backend::Postgres, tenant, course, end_client);
        self.report_query(sql, |r| {
            Ok(VersionCount {
                version: count(r, 0)?,
                preview: col(r, 1)?,
                registrations: unsigned(col(r, 2)?),
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
        self.report_query(reports::activity_query(Backend::Postgres, tenant, filter, days), |r| {
            Ok(DayActivity {
                day: col(r, 0)?,
                registrations: unsigned(col(r, 1)?),
                steps: unsigned(col(r, 2)?),
            })
        })
        .await
    }
}
