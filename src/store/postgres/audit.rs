//! The audit log and launch sessions in PostgreSQL. A launch-session call takes an
//! advisory transaction lock on (tenant, learner), so two servers deciding two browsers of
//! one learner at once decide one after the other.

use async_trait::async_trait;

use super::{PgStore, col, lock_key, pg};
use crate::audit::{Actor, AuditEntry, AuditQuery, NewAuditEntry};
use crate::launch::session::{SessionCall, SessionState, SessionVerdict, decide};
use crate::store::{AuditStore, LaunchSessionStore, StoreResult};
use crate::tenant::TenantId;

#[async_trait]
impl AuditStore for PgStore {
    async fn append_audit(&self, tenant: TenantId, e: NewAuditEntry) -> StoreResult<()> {
        let c = self.client().await?;
        let st = c
            .prepare_cached(
                "INSERT INTO audit_log (tenant, at, actor_kind, actor, action, target, address, detail) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .await
            .map_err(pg)?;
        let detail = e.detail.to_string();
        c.execute(
            &st,
            &[
                &tenant.0,
                &e.at_ms,
                &e.actor.kind,
                &e.actor.id,
                &e.action.as_str(),
                &e.target,
                &e.address,
                &detail,
            ],
        )
        .await
        .map_err(pg)?;
        Ok(())
    }

    async fn audit_entries(&self, tenant: TenantId, q: AuditQuery) -> StoreResult<Vec<AuditEntry>> {
        let sql = "SELECT seq, at, actor_kind, actor, action, target, address, detail FROM audit_log \
                   WHERE tenant = $1 AND at >= $2 AND seq > $3 ORDER BY seq LIMIT $4";
        let at = q.since_ms.unwrap_or(i64::MIN);
        self.audit_rows(sql, (tenant, at, q.after_seq.unwrap_or(0), q.limit))
            .await
    }

    async fn audit_newest(
        &self,
        tenant: TenantId,
        since_ms: Option<i64>,
        before_seq: Option<i64>,
        limit: u32,
    ) -> StoreResult<Vec<AuditEntry>> {
        let sql = "SELECT seq, at, actor_kind, actor, action, target, address, detail FROM audit_log \
                   WHERE tenant = $1 AND at >= $2 AND seq < $3 ORDER BY seq DESC LIMIT $4";
        let at = since_ms.unwrap_or(i64::MIN);
        self.audit_rows(sql, (tenant, at, before_seq.unwrap_or(i64::MAX), limit))
            .await
    }
}

impl PgStore {
    /// The entries `sql` selects with (tenant, time, sequence number, limit).
    async fn audit_rows(
        &self,
        sql: &str,
        (tenant, at, seq, limit): (TenantId, i64, i64, u32),
    ) -> StoreResult<Vec<AuditEntry>> {
        let c = self.client().await?;
        let st = c.prepare_cached(sql).await.map_err(pg)?;
        let rows = c
            .query(&st, &[&tenant.0, &at, &seq, &i64::from(limit)])
            .await
            .map_err(pg)?;
        rows.iter()
            .map(|r| {
                let detail: String = col(r, 7)?;
                Ok(AuditEntry {
                    seq: col(r, 0)?,
                    at_ms: col(r, 1)?,
                    actor: Actor {
                        kind: col(r, 2)?,
                        id: col(r, 3)?,
                    },
                    action: col(r, 4)?,
                    target: col(r, 5)?,
                    address: col(r, 6)?,
                    detail: serde_json::from_str(&detail).unwrap_or_default(),
                })
            })
            .collect()
    }
}

#[async_trait]
impl LaunchSessionStore for PgStore {
    async fn claim_cmi5_fetch(
        &self,
        tenant: TenantId,
        session: &str,
        registration: &str,
        now_ms: i64,
    ) -> StoreResult<bool> {
        let c = self.client().await?;
        let n = c
            .execute(
                "INSERT INTO cmi5_fetches (tenant, session, registration, used) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (tenant, session) DO UPDATE SET used = excluded.used WHERE cmi5_fetches.used = 0",
                &[&tenant.0, &session, &registration, &now_ms.max(1)],
            )
            .await
            .map_err(pg)?;
        Ok(n == 1)
    }

    async fn record_cmi5_session(&self, tenant: TenantId, session: &str, registration: &str) -> StoreResult<()> {
        let c = self.client().await?;
        c.execute(
            "INSERT INTO cmi5_fetches (tenant, session, registration, used) VALUES ($1, $2, $3, 0) \
             ON CONFLICT DO NOTHING",
            &[&tenant.0, &session, &registration],
        )
        .await
        .map_err(pg)?;
        Ok(())
    }

    async fn cmi5_session_registration(&self, tenant: TenantId, session: &str) -> StoreResult<Option<String>> {
        let c = self.client().await?;
        let row = c
            .query_opt(
                "SELECT registration FROM cmi5_fetches WHERE tenant = $1 AND session = $2",
                &[&tenant.0, &session],
            )
            .await
            .map_err(pg)?;
        Ok(row.map(|r| r.get(0)))
    }

    async fn launch_session(&self, tenant: TenantId, call: SessionCall) -> StoreResult<SessionVerdict> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(pg)?;
        let key = lock_key(&[b"launch-session", &tenant.0.to_le_bytes(), call.learner.as_bytes()]);
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&key])
            .await
            .map_err(pg)?;
        tx.execute(
            "DELETE FROM launch_sessions WHERE tenant = $1 AND learner = $2 AND last_seen < $3",
            &[&tenant.0, &call.learner, &call.forget_before_ms()],
        )
        .await
        .map_err(pg)?;
        let this = tx
            .query_opt(
                "SELECT state, last_seen FROM launch_sessions WHERE tenant = $1 AND id = $2",
                &[&tenant.0, &call.id],
            )
            .await
            .map_err(pg)?
            .map(|r| Ok::<_, crate::store::StoreError>((SessionState::parse(&col::<String>(&r, 0)?), col(&r, 1)?)))
            .transpose()?;
        let others: Vec<String> = tx
            .query(
                "SELECT id FROM launch_sessions WHERE tenant = $1 AND learner = $2 AND id <> $3 \
                 AND state = 'active' AND last_seen >= $4 ORDER BY id COLLATE \"C\"",
                &[&tenant.0, &call.learner, &call.id, &call.active_since_ms],
            )
            .await
            .map_err(pg)?
            .iter()
            .map(|r| col(r, 0))
            .collect::<StoreResult<_>>()?;
        let d = decide(&call, this, !others.is_empty());
        if d.end_others {
            tx.execute(
                "UPDATE launch_sessions SET state = 'ended' WHERE tenant = $1 AND learner = $2 AND id <> $3 AND state <> 'ended'",
                &[&tenant.0, &call.learner, &call.id],
            )
            .await
            .map_err(pg)?;
        }
        if d.write {
            tx.execute(
                "INSERT INTO launch_sessions (tenant, id, learner, registration, state, last_seen) \
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (tenant, id) DO UPDATE SET \
                 state = excluded.state, last_seen = excluded.last_seen",
                &[
                    &tenant.0,
                    &call.id,
                    &call.learner,
                    &call.registration,
                    &d.state.as_str(),
                    &call.now_ms,
                ],
            )
            .await
            .map_err(pg)?;
        }
        tx.commit().await.map_err(pg)?;
        Ok(d.verdict(others))
    }
}
