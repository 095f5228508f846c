//! The audit log and launch sessions in SQLite. Launch sessions are decided inside one
//! writer job, so the read of the learner's sessions and the write are one transaction.

use async_trait::async_trait;
use rusqlite::{Connection, OptionalExtension, params};

use super::SqliteStore;
use super::pool::backend;
use crate::audit::{Actor, AuditEntry, AuditQuery, NewAuditEntry};
use crate::launch::session::{SessionCall, SessionState, SessionVerdict, decide};
use crate::store::{AuditStore, LaunchSessionStore, StoreResult};
use crate::tenant::TenantId;

#[async_trait]
impl AuditStore for SqliteStore {
    async fn append_audit(&self, tenant: TenantId, e: NewAuditEntry) -> StoreResult<()> {
        self.writer
            .run(move |c| {
                c.prepare_cached(
                    "INSERT INTO audit_log (tenant, at, actor_kind, actor, action, target, address, detail) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                )
                .map_err(backend)?
                .execute(params![
                    tenant.0,
                    e.at_ms,
                    e.actor.kind,
                    e.actor.id,
                    e.action.as_str(),
                    e.target,
                    e.address,
                    e.detail.to_string()
                ])
                .map_err(backend)?;
                Ok(())
            })
            .await
    }

    async fn audit_entries(&self, tenant: TenantId, q: AuditQuery) -> StoreResult<Vec<AuditEntry>> {
        self.readers.run(move |c| entries(c, tenant, q)).await
    }

    async fn audit_newest(
        &self,
        tenant: TenantId,
        since_ms: Option<i64>,
        before_seq: Option<i64>,
        limit: u32,
    ) -> StoreResult<Vec<AuditEntry>> {
        let q = AuditQuery {
            since_ms,
            after_seq: before_seq,
            limit,
        };
        self.readers.run(move |c| newest(c, tenant, q)).await
    }
}

/// As `entries`, newest first before `q.after_seq`.
fn newest(c: &Connection, tenant: TenantId, q: AuditQuery) -> StoreResult<Vec<AuditEntry>> {
    let sql = "SELECT seq, at, actor_kind, actor, action, target, address, detail FROM audit_log \
               WHERE tenant = ?1 AND at >= ?2 AND seq < ?3 ORDER BY seq DESC LIMIT ?4";
    let before = q.after_seq.unwrap_or(i64::MAX);
    read(c, sql, (tenant, q.since_ms.unwrap_or(i64::MIN), before, q.limit))
}

fn entries(c: &Connection, tenant: TenantId, q: AuditQuery) -> StoreResult<Vec<AuditEntry>> {
    let sql = "SELECT seq, at, actor_kind, actor, action, target, address, detail FROM audit_log \
               WHERE tenant = ?1 AND at >= ?2 AND seq > ?3 ORDER BY seq LIMIT ?4";
    read(
        c,
        sql,
        (
            tenant,
            q.since_ms.unwrap_or(i64::MIN),
            q.after_seq.unwrap_or(0),
            q.limit,
        ),
    )
}

/// The entries `sql` selects with (tenant, time, sequence number, limit).
fn read(
    c: &Connection,
    sql: &str,
    (tenant, at, seq, limit): (TenantId, i64, i64, u32),
) -> StoreResult<Vec<AuditEntry>> {
    let mut st = c.prepare_cached(sql).map_err(backend)?;
    let rows = st
        .query_map(params![tenant.0, at, seq, limit], |r| {
            let detail: String = r.get(7)?;
            Ok(AuditEntry {
                seq: r.get(0)?,
                at_ms: r.get(1)?,
                actor: Actor {
                    kind: r.get(2)?,
                    id: r.get(3)?,
                },
                action: r.get(4)?,
                target: r.get(5)?,
                address: r.get(6)?,
                detail: serde_json::from_str(&detail).unwrap_or_default(),
            })
        })
        .map_err(backend)?;
    rows.collect::<Result<_, _>>().map_err(backend)
}

#[async_trait]
impl LaunchSessionStore for SqliteStore {
    async fn launch_session(&self, tenant: TenantId, call: SessionCall) -> StoreResult<SessionVerdict> {
        self.writer.run(move |c| launch_session(c, tenant, &call)).await
    }

    async fn claim_cmi5_fetch(
        &self,
        tenant: TenantId,
        session: &str,
        registration: &str,
        now_ms: i64,
    ) -> StoreResult<bool> {
        let (session, registration) = (session.to_owned(), registration.to_owned());
        self.writer
            .run(move |c| {
                c.prepare_cached(
                    "INSERT INTO cmi5_fetches (tenant, session, registration, used) VALUES (?1, ?2, ?3, ?4) \
                     ON CONFLICT (tenant, session) DO UPDATE SET used = excluded.used WHERE cmi5_fetches.used = 0",
                )
                .map_err(backend)?
                .execute(params![tenant.0, session, registration, now_ms.max(1)])
                .map(|n| n == 1)
                .map_err(backend)
            })
            .await
    }

    async fn record_cmi5_session(&self, tenant: TenantId, session: &str, registration: &str) -> StoreResult<()> {
        let (session, registration) = (session.to_owned(), registration.to_owned());
        self.writer
            .run(move |c| {
                c.prepare_cached(
                    "INSERT INTO cmi5_fetches (tenant, session, registration, used) VALUES (?1, ?2, ?3, 0) \
                     ON CONFLICT DO NOTHING",
                )
                .map_err(backend)?
                .execute(params![tenant.0, session, registration])
                .map(|_| ())
                .map_err(backend)
            })
            .await
    }

    async fn cmi5_session_registration(&self, tenant: TenantId, session: &str) -> StoreResult<Option<String>> {
        let session = session.to_owned();
        self.readers
            .run(move |c| {
                c.prepare_cached("SELECT registration FROM cmi5_fetches WHERE tenant = ?1 AND session = ?2")
                    .map_err(backend)?
                    .query_row(params![tenant.0, session], |r| r.get(0))
                    .optional()
                    .map_err(backend)
            })
            .await
    }
}

fn launch_session(c: &Connection, tenant: TenantId, call: &SessionCall) -> StoreResult<SessionVerdict> {
    c.prepare_cached("DELETE FROM launch_sessions WHERE tenant = ?1 AND learner = ?2 AND last_seen < ?3")
        .map_err(backend)?
        .execute(params![tenant.0, call.learner, call.forget_before_ms()])
        .map_err(backend)?;
    let this: Option<(String, i64)> = c
        .prepare_cached("SELECT state, last_seen FROM launch_sessions WHERE tenant = ?1 AND id = ?2")
        .map_err(backend)?
        .query_row(params![tenant.0, call.id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()
        .map_err(backend)?;
    let others: Vec<String> = c
        .prepare_cached(
            "SELECT id FROM launch_sessions WHERE tenant = ?1 AND learner = ?2 AND id <> ?3 \
             AND state = 'active' AND last_seen >= ?4 ORDER BY id",
        )
        .map_err(backend)?
        .query_map(params![tenant.0, call.learner, call.id, call.active_since_ms], |r| {
            r.get(0)
        })
        .map_err(backend)?
        .collect::<Result<_, _>>()
        .map_err(backend)?;
    let d = decide(
        call,
        this.map(|(s, t)| (SessionState::parse(&s), t)),
        !others.is_empty(),
    );
    if d.end_others {
        c.prepare_cached(
            "UPDATE launch_sessions SET state = 'ended' WHERE tenant = ?1 AND learner = ?2 AND id <> ?3 AND state <> 'ended'",
        )
        .map_err(backend)?
        .execute(params![tenant.0, call.learner, call.id])
        .map_err(backend)?;
    }
    if d.write {
        c.prepare_cached(
            "INSERT INTO launch_sessions (tenant, id, learner, registration, state, last_seen) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (tenant, id) DO UPDATE SET \
             state = excluded.state, last_seen = excluded.last_seen",
        )
        .map_err(backend)?
        .execute(params![
            tenant.0,
            call.id,
            call.learner,
            call.registration,
            d.state.as_str(),
            call.now_ms
        ])
        .map_err(backend)?;
    }
    Ok(d.verdict(others))
}
