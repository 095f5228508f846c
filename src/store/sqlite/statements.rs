//! Statements, their filter index and attachments in SQLite.

use rusqlite::{Connection, OptionalExtension, params};

use super::pool::backend;
use crate::clock;
use crate::lrs::statement::PreparedStatement;
use crate::lrs::stored;
use crate::store::{Attachment, StoreResult, StoredStatement, term_key};
use crate::tenant::{ScopeSet, TenantId};

struct Existing {
    seq: i64,
    digest: Vec<u8>,
    voiding: bool,
}

fn existing(conn: &Connection, tenant: TenantId, id: &str) -> StoreResult<Option<Existing>> {
    let mut st = conn
        .prepare_cached("SELECT seq, digest, voiding FROM statements WHERE tenant = ?1 AND id = ?2")
        .map_err(backend)?;
    st.query_row(params![tenant.0, id], |r| {
        Ok(Existing {
            seq: r.get(0)?,
            digest: r.get(1)?,
            voiding: r.get(2)?,
        })
    })
    .optional()
    .map_err(backend)
}

/// Inserts a batch inside the caller's transaction; any error rolls the whole batch back.
pub fn insert_batch(
    conn: &Connection,
    tenant: TenantId,
    credential: &str,
    batch: &[PreparedStatement],
    attachments: &[Attachment],
) -> StoreResult<Vec<String>> {
    let last: Option<i64> = conn
        .query_row(
            "SELECT max(stored) FROM statements WHERE tenant = ?1",
            [tenant.0],
            |r| r.get(0),
        )
        .map_err(backend)?;
    let stored = clock::now_ms().max(last.unwrap_or(0));
    let stored_text = clock::format_ms(stored);
    let scopes: Option<String> = conn
        .prepare_cached("SELECT scopes FROM credentials WHERE key = ?1")
        .map_err(backend)?
        .query_row([credential], |r| r.get(0))
        .optional()
        .map_err(backend)?;
    let defines = ScopeSet::stored_may_define(scopes.as_deref());
    let at = Stamp {
        stored,
        text: &stored_text,
        defines,
    };
    for s in batch {
        insert_one(conn, tenant, credential, s, &at)?;
    }
    let mut st = conn
        .prepare_cached(
            "INSERT OR IGNORE INTO attachments (tenant, sha2, content_type, content) VALUES (?1, ?2, ?3, ?4)",
        )
        .map_err(backend)?;
    for a in attachments {
        st.execute(params![tenant.0, a.sha2, a.content_type, a.content])
            .map_err(backend)?;
    }
    Ok(batch.iter().map(|s| s.id.clone()).collect())
}

/// What every statement of one batch shares.
struct Stamp<'a> {
    stored: i64,
    text: &'a str,
    /// The credential may define activities.
    defines: bool,
}

fn insert_one(
    conn: &Connection,
    tenant: TenantId,
    credential: &str,
    s: &PreparedStatement,
    at: &Stamp,
) -> StoreResult<()> {
    let target = match &s.refers_to {
        Some(t) => existing(conn, tenant, t)?,
        None => None,
    };
    stored::check_target(s, target.as_ref().map(|t| t.voiding))?;
    let body = stored::stored_body(s, at.text);
    let mut st = conn
        .prepare_cached(
            "INSERT INTO statements (tenant, id, stored, voiding, credential, digest, body, defines) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (tenant, id) DO NOTHING",
        )
        .map_err(backend)?;
    let inserted = st
        .execute(params![
            tenant.0,
            s.id,
            at.stored,
            s.voids.is_some(),
            credential,
            s.digest.as_slice(),
            body,
            at.defines
        ])
        .map_err(backend)?;
    if inserted == 0 {
        // The id is taken: the same content is an idempotent resend, anything else a conflict.
        let old = existing(conn, tenant, &s.id)?.ok_or_else(|| backend("statement vanished during insert"))?;
        return Ok(stored::check_resend(s, &old.digest)?);
    }
    let seq = conn.last_insert_rowid();
    let mut ins = conn
        .prepare_cached("INSERT OR IGNORE INTO terms (key, seq) VALUES (?1, ?2)")
        .map_err(backend)?;
    for term in &s.terms {
        ins.execute(params![term_key(tenant, term), seq]).map_err(backend)?;
    }
    if let Some(t) = &target {
        // A statement pointing at another matches the filters its target matches.
        conn.prepare_cached("INSERT OR IGNORE INTO terms (key, seq) SELECT key, ?2 FROM terms WHERE seq = ?1")
            .map_err(backend)?
            .execute(params![t.seq, seq])
            .map_err(backend)?;
        if s.voids.is_some() {
            conn.prepare_cached("UPDATE statements SET voided = 1 WHERE seq = ?1")
                .map_err(backend)?
                .execute([t.seq])
                .map_err(backend)?;
        }
    }
    Ok(())
}

pub fn statement(
    conn: &Connection,
    tenant: TenantId,
    id: &str,
    voided: bool,
    mine: Option<&str>,
) -> StoreResult<Option<StoredStatement>> {
    let mut st = conn
        .prepare_cached("SELECT seq, body, voided, credential, stored FROM statements WHERE tenant = ?1 AND id = ?2")
        .map_err(backend)?;
    let row = st
        .query_row(params![tenant.0, id], |r| {
            Ok((
                StoredStatement {
                    seq: r.get(0)?,
                    body: r.get(1)?,
                    stored_ms: r.get(4)?,
                },
                r.get::<_, bool>(2)?,
                r.get::<_, String>(3)?,
            ))
        })
        .optional()
        .map_err(backend)?;
    Ok(row.and_then(|(s, is_voided, cred)| stored::served(is_voided, &cred, voided, mine).then_some(s)))
}

pub fn attachments(conn: &Connection, tenant: TenantId, hashes: &[String]) -> StoreResult<Vec<Attachment>> {
    let mut st = conn
        .prepare_cached("SELECT sha2, content_type, content FROM attachments WHERE tenant = ?1 AND sha2 = ?2")
        .map_err(backend)?;
    let mut out = Vec::new();
    for h in hashes {
        let a = st
            .query_row(params![tenant.0, h], |r| {
                Ok(Attachment {
                    sha2: r.get(0)?,
                    content_type: r.get(1)?,
                    content: r.get(2)?,
                })
            })
            .optional()
            .map_err(backend)?;
        out.extend(a);
    }
    Ok(out)
}
