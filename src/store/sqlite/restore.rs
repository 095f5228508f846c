//! Restoring an imported tenant's rows in SQLite, with their ids and times.

use rusqlite::{Connection, params};

use super::pool::backend;
use crate::account::EndClient;
use crate::audit::AuditEntry;
use crate::learner::{Learner, Registration};
use crate::lrs::LrsError;
use crate::store::archive::{ArchivedDocument, RegistrationStateRow, RestoredStatement, VersionTime, unhex};
use crate::store::tables::{self, Backend};
use crate::store::{Attachment, AttemptRecord, StoreResult, term_key};
use crate::tenant::TenantId;

pub fn restore_statements(conn: &Connection, tenant: TenantId, batch: &[RestoredStatement]) -> StoreResult<()> {
    for s in batch {
        let r = &s.row;
        let digest = unhex(&r.digest).ok_or_else(|| LrsError::bad(format!("statement {}: bad digest", r.id)))?;
        conn.prepare_cached(
            "INSERT INTO statements (tenant, id, stored, voided, voiding, credential, digest, body, defines) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )
        .map_err(backend)?
        .execute(params![
            tenant.0,
            r.id,
            r.stored_ms,
            r.voided,
            r.voiding,
            r.credential,
            digest,
            r.body,
            r.defines
        ])
        .map_err(backend)?;
        let seq = conn.last_insert_rowid();
        let mut ins = conn
            .prepare_cached("INSERT OR IGNORE INTO terms (key, seq) VALUES (?1, ?2)")
            .map_err(backend)?;
        for term in &s.terms {
            ins.execute(params![term_key(tenant, term), seq]).map_err(backend)?;
        }
        if let Some(target) = &s.refers_to {
            conn.prepare_cached(
                "INSERT OR IGNORE INTO terms (key, seq) SELECT t.key, ?3 FROM terms t \
                 JOIN statements s ON s.seq = t.seq WHERE s.tenant = ?1 AND s.id = ?2",
            )
            .map_err(backend)?
            .execute(params![tenant.0, target, seq])
            .map_err(backend)?;
        }
    }
    Ok(())
}

pub fn restore_attachments(conn: &Connection, tenant: TenantId, rows: &[Attachment]) -> StoreResult<()> {
    let mut st = conn
        .prepare_cached("INSERT INTO attachments (tenant, sha2, content_type, content) VALUES (?1, ?2, ?3, ?4)")
        .map_err(backend)?;
    for a in rows {
        st.execute(params![tenant.0, a.sha2, a.content_type, a.content])
            .map_err(backend)?;
    }
    Ok(())
}

pub fn restore_documents(conn: &Connection, tenant: TenantId, rows: &[ArchivedDocument]) -> StoreResult<()> {
    let mut st = conn
        .prepare_cached(
            "INSERT INTO documents (tenant, kind, activity, agent, registration, doc_id, content_type, content, etag, updated) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        )
        .map_err(backend)?;
    for d in rows {
        st.execute(params![
            tenant.0,
            d.kind,
            d.activity,
            d.agent,
            d.registration,
            d.doc_id,
            d.content_type,
            d.content,
            d.etag,
            d.updated_ms
        ])
        .map_err(backend)?;
    }
    Ok(())
}

pub fn restore_learners(conn: &Connection, tenant: TenantId, rows: &[Learner]) -> StoreResult<()> {
    let mut st = conn
        .prepare_cached(
            "INSERT INTO learners (tenant, id, name, email, created, updated, end_client) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )
        .map_err(backend)?;
    for l in rows {
        st.execute(params![
            tenant.0,
            l.id,
            l.name,
            l.email,
            l.created_ms,
            l.updated_ms,
            l.end_client
        ])
        .map_err(backend)?;
    }
    Ok(())
}

pub fn restore_end_clients(conn: &Connection, tenant: TenantId, rows: &[EndClient]) -> StoreResult<()> {
    let mut st = conn
        .prepare_cached("INSERT INTO end_clients (tenant, id, name, created) VALUES (?1, ?2, ?3, ?4)")
        .map_err(backend)?;
    for e in rows {
        st.execute(params![tenant.0, e.id, e.name, e.created_ms])
            .map_err(backend)?;
    }
    Ok(())
}

pub fn restore_assignments(conn: &Connection, tenant: TenantId, rows: &[crate::portal::Assignment]) -> StoreResult<()> {
    let mut st = conn
        .prepare_cached(
            "INSERT INTO assignments (tenant, id, package, learner, end_client, due, created) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )
        .map_err(backend)?;
    for a in rows {
        let (learner, end_client) = a.target.columns();
        st.execute(params![
            tenant.0,
            a.id,
            a.package_id,
            learner,
            end_client,
            a.due,
            a.created_ms
        ])
        .map_err(backend)?;
    }
    Ok(())
}

pub fn restore_registrations(conn: &Connection, tenant: TenantId, rows: &[Registration]) -> StoreResult<()> {
    let mut st = conn
        .prepare_cached(
            "INSERT INTO registrations (id, tenant, learner, package, version, created, preview) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )
        .map_err(backend)?;
    for r in rows {
        st.execute(params![
            r.id,
            tenant.0,
            r.learner,
            r.package_id,
            r.version,
            r.created_ms,
            r.preview
        ])
        .map_err(backend)?;
    }
    Ok(())
}

pub fn restore_version_times(conn: &Connection, tenant: TenantId, rows: &[VersionTime]) -> StoreResult<()> {
    let [version, package] = tables::restore_version_time(Backend::Sqlite);
    for v in rows {
        conn.execute(&version, params![tenant.0, v.package_id, v.version, v.created_ms])
            .map_err(backend)?;
        conn.execute(&package, params![tenant.0, v.package_id])
            .map_err(backend)?;
    }
    Ok(())
}

pub fn restore_attempts(conn: &Connection, tenant: TenantId, rows: &[AttemptRecord]) -> StoreResult<()> {
    // The tenant being restored is new: every row inserts.
    for a in rows {
        super::attempts::save(conn, tenant, a)?;
    }
    Ok(())
}

pub fn restore_states(conn: &Connection, tenant: TenantId, rows: &[RegistrationStateRow]) -> StoreResult<()> {
    let mut st = conn
        .prepare_cached("INSERT INTO registration_state (tenant, registration, data, updated) VALUES (?1, ?2, ?3, ?4)")
        .map_err(backend)?;
    for s in rows {
        st.execute(params![tenant.0, s.registration, s.data, s.updated_ms])
            .map_err(backend)?;
    }
    Ok(())
}

pub fn restore_audit(conn: &Connection, tenant: TenantId, rows: &[AuditEntry]) -> StoreResult<()> {
    let mut st = conn
        .prepare_cached(
            "INSERT INTO audit_log (tenant, at, actor_kind, actor, action, target, address, detail) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )
        .map_err(backend)?;
    for e in rows {
        st.execute(params![
            tenant.0,
            e.at_ms,
            e.actor.kind,
            e.actor.id,
            e.action,
            e.target,
            e.address,
            e.detail.to_string()
        ])
        .map_err(backend)?;
    }
    Ok(())
}
