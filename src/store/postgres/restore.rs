//! Restoring an imported tenant's rows in PostgreSQL, with their ids and times; each
//! call is one transaction of the caller.

use deadpool_postgres::Transaction;
use tokio_postgres::types::ToSql;

use super::{big, col, pg};
use crate::lrs::LrsError;
use crate::store::StoreResult;
use crate::store::archive::{Restore, RestoredStatement, unhex};
use crate::store::tables::{self, Backend};
use crate::store::term_key;
use crate::tenant::TenantId;

async fn restore_statements(tx: &Transaction<'_>, tenant: TenantId, batch: &[RestoredStatement]) -> StoreResult<()> {
    let st = tx
        .prepare_cached(
            "INSERT INTO statements (tenant, id, stored, voided, voiding, credential, digest, body, defines, keys) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, \
               (SELECT array(SELECT DISTINCT k FROM unnest($10::bigint[] || coalesce( \
                 (SELECT keys FROM statements WHERE tenant = $1 AND id = $11), '{}')) AS k ORDER BY k))) \
             RETURNING seq, keys",
        )
        .await
        .map_err(pg)?;
    let mut last = 0;
    for s in batch {
        let r = &s.row;
        let digest = unhex(&r.digest).ok_or_else(|| LrsError::bad(format!("statement {}: bad digest", r.id)))?;
        let own: Vec<i64> = s.terms.iter().map(|t| term_key(tenant, t)).collect();
        let row = tx
            .query_one(
                &st,
                &[
                    &tenant.0,
                    &r.id,
                    &r.stored_ms,
                    &r.voided,
                    &r.voiding,
                    &r.credential,
                    &digest,
                    &r.body,
                    &r.defines,
                    &own,
                    &s.refers_to,
                ],
            )
            .await
            .map_err(pg)?;
        let seq: i64 = col(&row, 0)?;
        let keys: Vec<i64> = col(&row, 1)?;
        let verb = super::statements::verb_key(tenant, &s.terms, s.refers_to.is_some());
        tx.execute(
            "INSERT INTO terms (key, seq, verb) SELECT k, $2, $3::bigint FROM unnest($1::bigint[]) AS k \
             ON CONFLICT DO NOTHING",
            &[&keys, &seq, &verb],
        )
        .await
        .map_err(pg)?;
        last = last.max(r.stored_ms);
    }
    // New statements after the import are stored no earlier than the last restored one.
    tx.execute(
        "INSERT INTO statement_clock (tenant, stored) VALUES ($1, $2) ON CONFLICT (tenant) \
         DO UPDATE SET stored = greatest(statement_clock.stored, excluded.stored)",
        &[&tenant.0, &last],
    )
    .await
    .map_err(pg)?;
    Ok(())
}

/// Runs one INSERT per row.
async fn insert_each<'a, R: 'a>(
    tx: &Transaction<'_>,
    sql: &str,
    rows: &'a [R],
    params: impl Fn(&'a R) -> Vec<Box<dyn ToSql + Sync + Send + 'a>>,
) -> StoreResult<()> {
    let st = tx.prepare_cached(sql).await.map_err(pg)?;
    for r in rows {
        let p = params(r);
        let refs: Vec<&(dyn ToSql + Sync)> = p.iter().map(|b| b.as_ref() as &(dyn ToSql + Sync)).collect();
        tx.execute(&st, &refs).await.map_err(pg)?;
    }
    Ok(())
}

pub(super) async fn restore(tx: &Transaction<'_>, t: TenantId, rows: &Restore) -> StoreResult<()> {
    match rows {
        Restore::Statements(r) => restore_statements(tx, t, r).await,
        Restore::Attachments(r) => {
            insert_each(
                tx,
                "INSERT INTO attachments (tenant, sha2, content_type, content) VALUES ($1, $2, $3, $4)",
                r,
                |a| {
                    vec![
                        Box::new(t.0),
                        Box::new(&a.sha2),
                        Box::new(&a.content_type),
                        Box::new(&a.content),
                    ]
                },
            )
            .await
        }
        Restore::Documents(r) => {
            insert_each(
                tx,
                "INSERT INTO documents (tenant, kind, activity, agent, registration, doc_id, content_type, content, \
                 etag, updated) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                r,
                |d| {
                    vec![
                        Box::new(t.0),
                        Box::new(&d.kind),
                        Box::new(&d.activity),
                        Box::new(&d.agent),
                        Box::new(&d.registration),
                        Box::new(&d.doc_id),
                        Box::new(&d.content_type),
                        Box::new(&d.content),
                        Box::new(&d.etag),
                        Box::new(d.updated_ms),
                    ]
                },
            )
            .await
        }
        Restore::EndClients(r) => {
            insert_each(
                tx,
                "INSERT INTO end_clients (tenant, id, name, created) VALUES ($1, $2, $3, $4)",
                r,
                |e| {
                    vec![
                        Box::new(t.0),
                        Box::new(&e.id),
                        Box::new(&e.name),
                        Box::new(e.created_ms),
                    ]
                },
            )
            .await
        }
        Restore::Learners(r) => {
            insert_each(
                tx,
                "INSERT INTO learners (tenant, id, name, email, created, updated, end_client) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
                r,
                |l| {
                    vec![
                        Box::new(t.0),
                        Box::new(&l.id),
                        Box::new(&l.name),
                        Box::new(&l.email),
                        Box::new(l.created_ms),
                        Box::new(l.updated_ms),
                        Box::new(&l.end_client),
                    ]
                },
            )
            .await
        }
        Restore::Registrations(r) => {
            insert_each(
                tx,
                "INSERT INTO registrations (id, tenant, learner, package, version, created, preview) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
                r,
                |g| {
                    vec![
                        Box::new(&g.id),
                        Box::new(t.0),
                        Box::new(&g.learner),
                        Box::new(&g.package_id),
                        Box::new(i64::from(g.version)),
                        Box::new(g.created_ms),
                        Box::new(g.preview),
                    ]
                },
            )
            .await
        }
        Restore::VersionTimes(r) => {
            let [version, package] = tables::restore_version_time(Backend::Postgres);
            for v in r {
                let n = i64::from(v.version);
                tx.execute(&version, &[&t.0, &v.package_id, &n, &v.created_ms])
                    .await
                    .map_err(pg)?;
                tx.execute(&package, &[&t.0, &v.package_id]).await.map_err(pg)?;
            }
            Ok(())
        }
        Restore::Attempts(r) => {
            insert_each(
                tx,
                "INSERT INTO attempts (tenant, registration, item, number, state, data, commit_seq, updated) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                r,
                |a| {
                    vec![
                        Box::new(t.0),
                        Box::new(&a.registration),
                        Box::new(&a.item),
                        Box::new(i64::from(a.number)),
                        Box::new(a.state.as_str()),
                        Box::new(&a.data),
                        Box::new(big(a.commit_seq)),
                        Box::new(a.updated_ms),
                    ]
                },
            )
            .await
        }
        Restore::RegistrationStates(r) => {
            insert_each(
                tx,
                "INSERT INTO registration_state (tenant, registration, data, updated) VALUES ($1, $2, $3, $4)",
                r,
                |s| {
                    vec![
                        Box::new(t.0),
                        Box::new(&s.registration),
                        Box::new(&s.data),
                        Box::new(s.updated_ms),
                    ]
                },
            )
            .await
        }
        Restore::Assignments(r) => {
            insert_each(
                tx,
                "INSERT INTO assignments (tenant, id, package, learner, end_client, due, created) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
                r,
                |a| {
                    let (learner, end_client) = a.target.columns();
                    vec![
                        Box::new(t.0),
                        Box::new(&a.id),
                        Box::new(&a.package_id),
                        Box::new(learner),
                        Box::new(end_client),
                        Box::new(&a.due),
                        Box::new(a.created_ms),
                    ]
                },
            )
            .await
        }
        Restore::Audit(r) => {
            insert_each(
                tx,
                "INSERT INTO audit_log (tenant, at, actor_kind, actor, action, target, address, detail) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                r,
                |e| {
                    vec![
                        Box::new(t.0),
                        Box::new(e.at_ms),
                        Box::new(&e.actor.kind),
                        Box::new(&e.actor.id),
                        Box::new(&e.action),
                        Box::new(&e.target),
                        Box::new(&e.address),
                        Box::new(e.detail.to_string()),
                    ]
                },
            )
            .await
        }
    }
}
