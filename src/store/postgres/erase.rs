//! Learner erasure in PostgreSQL (the tables of tenant data are `store::tables`).

use deadpool_postgres::Transaction;

use super::{col, pg};
use crate::lrs::LrsError;
use crate::store::archive::{LearnerErasure, TableCounts};
use crate::store::tables::{Backend, LEARNER_DATA};
use crate::store::{StoreResult, term_key};
use crate::tenant::TenantId;

pub(super) async fn erase_learner(
    tx: &Transaction<'_>,
    tenant: TenantId,
    e: &LearnerErasure,
) -> StoreResult<TableCounts> {
    let found = tx
        .query_opt(
            "SELECT 1 FROM learners WHERE tenant = $1 AND id = $2 FOR UPDATE",
            &[&tenant.0, &e.learner],
        )
        .await
        .map_err(pg)?;
    if found.is_none() {
        return Err(LrsError::NotFound(format!("no learner {:?}", e.learner)).into());
    }
    let mut out = TableCounts::new();
    let direct = term_key(tenant, &e.direct);
    let seqs: Vec<i64> = tx
        .query(
            "SELECT s.seq FROM terms t JOIN statements s ON s.seq = t.seq WHERE t.key = $2 AND s.tenant = $1",
            &[&tenant.0, &direct],
        )
        .await
        .map_err(pg)?
        .iter()
        .map(|r| col(r, 0))
        .collect::<StoreResult<_>>()?;
    tx.execute("DELETE FROM terms WHERE seq = ANY($1)", &[&seqs])
        .await
        .map_err(pg)?;
    let n = tx
        .execute(
            "DELETE FROM statements WHERE tenant = $1 AND seq = ANY($2)",
            &[&tenant.0, &seqs],
        )
        .await
        .map_err(pg)?;
    out.insert("statements".into(), n);
    let related = term_key(tenant, &e.related);
    let rows = tx
        .query(
            "SELECT s.seq, s.body FROM terms t JOIN statements s ON s.seq = t.seq WHERE t.key = $2 AND s.tenant = $1",
            &[&tenant.0, &related],
        )
        .await
        .map_err(pg)?;
    let mut anonymised = 0;
    for r in &rows {
        let seq: i64 = col(r, 0)?;
        let body: String = col(r, 1)?;
        if let Some(new) = (e.anonymise)(&body) {
            tx.execute("UPDATE statements SET body = $2 WHERE seq = $1", &[&seq, &new])
                .await
                .map_err(pg)?;
            anonymised += 1;
        }
    }
    tx.execute(
        "DELETE FROM terms WHERE key = $2 AND seq IN (SELECT seq FROM statements WHERE tenant = $1)",
        &[&tenant.0, &related],
    )
    .await
    .map_err(pg)?;
    tx.execute(
        "UPDATE statements SET keys = array_remove(keys, $2) WHERE tenant = $1 AND $2 = ANY(keys)",
        &[&tenant.0, &related],
    )
    .await
    .map_err(pg)?;
    out.insert("statements_anonymised".into(), anonymised);
    for table in LEARNER_DATA {
        let arg = if table.by_agent { &e.agent_key } else { &e.learner };
        let n = tx
            .execute(&table.delete(Backend::Postgres), &[&tenant.0, arg])
            .await
            .map_err(pg)?;
        out.insert(table.name.to_owned(), n);
    }
    Ok(out)
}
