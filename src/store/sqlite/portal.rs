//! The learner portal in SQLite: sign-ins, portal sessions (one ID, one person through
//! `launch::session::decide` on the writer, which serialises sign-ins), assignments.

use async_trait::async_trait;
use rusqlite::{Connection, OptionalExtension, Row, params};

use super::SqliteStore;
use super::pool::backend;
use crate::launch::session::{SessionVerdict, decide};
use crate::lrs::LrsError;
use crate::portal::assignment::{Target, check_refs};
use crate::portal::{Assignment, Login, NewPortalSession, PortalSession};
use crate::store::StoreResult;
use crate::store::portal::PortalStore;
use crate::tenant::TenantId;

fn learner_exists(c: &Connection, tenant: TenantId, learner: &str) -> StoreResult<bool> {
    c.prepare_cached("SELECT 1 FROM learners WHERE tenant = ?1 AND id = ?2")
        .map_err(backend)?
        .query_row(params![tenant.0, learner], |_| Ok(()))
        .optional()
        .map(|r| r.is_some())
        .map_err(backend)
}

fn no_learner(learner: &str) -> crate::store::StoreError {
    LrsError::NotFound(format!("no learner {learner:?}")).into()
}

const ASSIGNMENT_COLS: &str = "id, package, learner, end_client, due, created";

fn assignment_row(r: &Row) -> rusqlite::Result<Assignment> {
    Ok(Assignment {
        id: r.get(0)?,
        package_id: r.get(1)?,
        target: Target::from_columns(r.get(2)?, r.get(3)?),
        due: r.get(4)?,
        created_ms: r.get(5)?,
    })
}

fn assignments(c: &Connection, sql: &str, p: impl rusqlite::Params) -> StoreResult<Vec<Assignment>> {
    let mut st = c.prepare_cached(sql).map_err(backend)?;
    st.query_map(p, assignment_row)
        .map_err(backend)?
        .collect::<Result<_, _>>()
        .map_err(backend)
}

fn open_session(c: &Connection, tenant: TenantId, new: &NewPortalSession) -> StoreResult<SessionVerdict> {
    let call = &new.call;
    c.prepare_cached("DELETE FROM portal_sessions WHERE tenant = ?1 AND learner = ?2 AND expires <= ?3")
        .map_err(backend)?
        .execute(params![tenant.0, call.learner, call.now_ms])
        .map_err(backend)?;
    let mut st = c
        .prepare_cached(
            "SELECT hex(digest) FROM portal_sessions WHERE tenant = ?1 AND learner = ?2 AND ended = 0 AND seen >= ?3 \
             ORDER BY digest",
        )
        .map_err(backend)?;
    let others: Vec<String> = st
        .query_map(params![tenant.0, call.learner, call.active_since_ms], |r| r.get(0))
        .map_err(backend)?
        .collect::<Result<_, _>>()
        .map_err(backend)?;
    let d = decide(call, None, !others.is_empty());
    if d.end_others {
        c.prepare_cached("UPDATE portal_sessions SET ended = 1 WHERE tenant = ?1 AND learner = ?2")
            .map_err(backend)?
            .execute(params![tenant.0, call.learner])
            .map_err(backend)?;
    }
    if d.state == crate::launch::session::SessionState::Active {
        c.prepare_cached(
            "INSERT INTO portal_sessions (tenant, digest, learner, created, seen, expires, ended) \
             VALUES (?1, ?2, ?3, ?4, ?4, ?5, 0)",
        )
        .map_err(backend)?
        .execute(params![
            tenant.0,
            new.digest.as_slice(),
            call.learner,
            call.now_ms,
            new.expires_ms
        ])
        .map_err(backend)?;
    }
    Ok(d.verdict(others))
}

#[async_trait]
impl PortalStore for SqliteStore {
    async fn set_learner_password(&self, tenant: TenantId, learner: &str, phc: &str) -> StoreResult<()> {
        let (learner, phc) = (learner.to_owned(), phc.to_owned());
        self.writer
            .run(move |c| {
                if !learner_exists(c, tenant, &learner)? {
                    return Err(no_learner(&learner));
                }
                c.prepare_cached(
                    "INSERT INTO learner_logins (tenant, learner, password, updated) VALUES (?1, ?2, ?3, ?4) \
                     ON CONFLICT (tenant, learner) DO UPDATE SET password = excluded.password, updated = excluded.updated",
                )
                .map_err(backend)?
                .execute(params![tenant.0, learner, phc, crate::clock::now_ms()])
                .map(|_| ())
                .map_err(backend)
            })
            .await
    }

    async fn set_invitation(
        &self,
        tenant: TenantId,
        learner: &str,
        digest: [u8; 32],
        expires_ms: i64,
    ) -> StoreResult<()> {
        let learner = learner.to_owned();
        self.writer
            .run(move |c| {
                if !learner_exists(c, tenant, &learner)? {
                    return Err(no_learner(&learner));
                }
                c.prepare_cached(
                    "INSERT INTO learner_logins (tenant, learner, invitation, invitation_expires, updated) \
                     VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (tenant, learner) DO UPDATE SET \
                     invitation = excluded.invitation, invitation_expires = excluded.invitation_expires, \
                     updated = excluded.updated",
                )
                .map_err(backend)?
                .execute(params![
                    tenant.0,
                    learner,
                    digest.as_slice(),
                    expires_ms,
                    crate::clock::now_ms()
                ])
                .map(|_| ())
                .map_err(backend)
            })
            .await
    }

    async fn learner_passwords(&self, tenant: TenantId) -> StoreResult<Vec<(String, String)>> {
        self.readers
            .run(move |c| {
                let mut st = c
                    .prepare_cached(
                        "SELECT learner, password FROM learner_logins WHERE tenant = ?1 AND password IS NOT NULL \
                         ORDER BY learner",
                    )
                    .map_err(backend)?;
                st.query_map(params![tenant.0], |r| Ok((r.get(0)?, r.get(1)?)))
                    .map_err(backend)?
                    .collect::<Result<_, _>>()
                    .map_err(backend)
            })
            .await
    }

    async fn learner_login(&self, tenant: TenantId, learner: &str) -> StoreResult<Option<Login>> {
        let learner = learner.to_owned();
        self.readers
            .run(move |c| {
                c.prepare_cached(
                    "SELECT password, invitation_expires FROM learner_logins WHERE tenant = ?1 AND learner = ?2",
                )
                .map_err(backend)?
                .query_row(params![tenant.0, learner], |r| {
                    Ok(Login {
                        password: r.get(0)?,
                        invitation_expires_ms: r.get(1)?,
                    })
                })
                .optional()
                .map_err(backend)
            })
            .await
    }

    async fn redeem_invitation(&self, tenant: TenantId, digest: [u8; 32], now_ms: i64) -> StoreResult<Option<String>> {
        self.writer
            .run(move |c| {
                let found: Option<(String, i64)> = c
                    .prepare_cached(
                        "SELECT learner, invitation_expires FROM learner_logins WHERE tenant = ?1 AND invitation = ?2",
                    )
                    .map_err(backend)?
                    .query_row(params![tenant.0, digest.as_slice()], |r| Ok((r.get(0)?, r.get(1)?)))
                    .optional()
                    .map_err(backend)?;
                let Some((learner, expires)) = found else {
                    return Ok(None);
                };
                c.prepare_cached(
                    "UPDATE learner_logins SET invitation = NULL, invitation_expires = NULL \
                     WHERE tenant = ?1 AND learner = ?2",
                )
                .map_err(backend)?
                .execute(params![tenant.0, learner])
                .map_err(backend)?;
                Ok((expires > now_ms).then_some(learner))
            })
            .await
    }

    async fn open_portal_session(&self, tenant: TenantId, new: NewPortalSession) -> StoreResult<SessionVerdict> {
        self.writer.run(move |c| open_session(c, tenant, &new)).await
    }

    async fn portal_session(&self, tenant: TenantId, digest: [u8; 32]) -> StoreResult<Option<PortalSession>> {
        self.readers
            .run(move |c| {
                c.prepare_cached(
                    "SELECT learner, created, seen, expires, ended FROM portal_sessions WHERE tenant = ?1 AND digest = ?2",
                )
                .map_err(backend)?
                .query_row(params![tenant.0, digest.as_slice()], |r| {
                    Ok(PortalSession {
                        learner: r.get(0)?,
                        created_ms: r.get(1)?,
                        seen_ms: r.get(2)?,
                        expires_ms: r.get(3)?,
                        ended: r.get::<_, i64>(4)? != 0,
                    })
                })
                .optional()
                .map_err(backend)
            })
            .await
    }

    async fn touch_portal_session(
        &self,
        tenant: TenantId,
        digest: [u8; 32],
        now_ms: i64,
        slide_to: Option<i64>,
    ) -> StoreResult<()> {
        self.writer
            .run(move |c| {
                c.prepare_cached(
                    "UPDATE portal_sessions SET seen = ?3, expires = coalesce(?4, expires) \
                     WHERE tenant = ?1 AND digest = ?2",
                )
                .map_err(backend)?
                .execute(params![tenant.0, digest.as_slice(), now_ms, slide_to])
                .map(|_| ())
                .map_err(backend)
            })
            .await
    }

    async fn end_portal_session(&self, tenant: TenantId, digest: [u8; 32]) -> StoreResult<()> {
        self.writer
            .run(move |c| {
                c.prepare_cached("DELETE FROM portal_sessions WHERE tenant = ?1 AND digest = ?2")
                    .map_err(backend)?
                    .execute(params![tenant.0, digest.as_slice()])
                    .map(|_| ())
                    .map_err(backend)
            })
            .await
    }

    async fn create_assignment(&self, tenant: TenantId, a: &Assignment) -> StoreResult<()> {
        let a = a.clone();
        self.writer
            .run(move |c| {
                let package = c
                    .prepare_cached("SELECT 1 FROM packages WHERE tenant = ?1 AND id = ?2")
                    .map_err(backend)?
                    .query_row(params![tenant.0, a.package_id], |_| Ok(()))
                    .optional()
                    .map_err(backend)?
                    .is_some();
                let target = match &a.target {
                    Target::Learner(l) => learner_exists(c, tenant, l)?,
                    Target::EndClient(e) => super::accounts::end_client(c, tenant, e)?.is_some(),
                };
                check_refs(&a, package, target)?;
                let (learner, end_client) = a.target.columns();
                c.prepare_cached(
                    "INSERT INTO assignments (tenant, id, package, learner, end_client, due, created) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                )
                .map_err(backend)?
                .execute(params![
                    tenant.0,
                    a.id,
                    a.package_id,
                    learner,
                    end_client,
                    a.due,
                    a.created_ms
                ])
                .map(|_| ())
                .map_err(backend)
            })
            .await
    }

    async fn list_assignments(&self, tenant: TenantId, end_client: Option<&str>) -> StoreResult<Vec<Assignment>> {
        let end_client = end_client.map(str::to_owned);
        self.readers
            .run(move |c| {
                let sql = format!(
                    "SELECT {ASSIGNMENT_COLS} FROM assignments WHERE tenant = ?1 AND (?2 IS NULL OR end_client = ?2 \
                     OR learner IN (SELECT id FROM learners WHERE tenant = ?1 AND end_client = ?2)) ORDER BY created, id"
                );
                assignments(c, &sql, params![tenant.0, end_client])
            })
            .await
    }

    async fn assignment(&self, tenant: TenantId, id: &str) -> StoreResult<Option<Assignment>> {
        let id = id.to_owned();
        self.readers
            .run(move |c| {
                let sql = format!("SELECT {ASSIGNMENT_COLS} FROM assignments WHERE tenant = ?1 AND id = ?2");
                Ok(assignments(c, &sql, params![tenant.0, id])?.into_iter().next())
            })
            .await
    }

    async fn delete_assignment(&self, tenant: TenantId, id: &str) -> StoreResult<bool> {
        let id = id.to_owned();
        self.writer
            .run(move |c| {
                c.prepare_cached("DELETE FROM assignments WHERE tenant = ?1 AND id = ?2")
                    .map_err(backend)?
                    .execute(params![tenant.0, id])
                    .map(|n| n > 0)
                    .map_err(backend)
            })
            .await
    }

    async fn learner_assignments(&self, tenant: TenantId, learner: &str) -> StoreResult<Vec<Assignment>> {
        let learner = learner.to_owned();
        self.readers
            .run(move |c| {
                let sql = format!(
                    "SELECT {ASSIGNMENT_COLS} FROM assignments WHERE tenant = ?1 AND (learner = ?2 OR end_client = \
                     (SELECT end_client FROM learners WHERE tenant = ?1 AND id = ?2)) ORDER BY created, id"
                );
                assignments(c, &sql, params![tenant.0, learner])
            })
            .await
    }
}
