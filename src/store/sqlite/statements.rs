//! Statements, their filter index and attachments in SQLite.

use rusqlite::{Connection, OptionalExtension, params, params_from_iter};
use sha2::{Digest, Sha256};

use super::pool::backend;
use crate::clock;
use crate::lrs::LrsError;
use crate::lrs::query::StatementQuery;
use crate::lrs::statement::{IndexTerm, PreparedStatement, TermKind};
use crate::store::{Attachment, QueryPage, StoreResult, StoredStatement};
use crate::tenant::{ScopeSet, TenantId};

/// The index key of a term: the first 8 bytes of SHA-256(tenant, kind, value).
pub fn term_key(tenant: TenantId, term: &IndexTerm) -> i64 {
    let mut h = Sha256::new();
    h.update(tenant.0.to_le_bytes());
    h.update([term.kind.code()]);
    h.update(term.value.as_bytes());
    let d = h.finalize();
    i64::from_le_bytes(d[..8].try_into().unwrap_or([0; 8]))
}

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
    // A key without a credential row (never the case through the HTTP API) is not restricted.
    let defines = scopes.is_none_or(|s| ScopeSet::from_text(&s).is_ok_and(|s| s.may_define()));
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
    if let (Some(_), Some(t)) = (&s.voids, &target)
        && t.voiding
    {
        return Err(LrsError::bad(format!(
            "statement {} is a voiding statement and cannot be voided",
            s.voids.as_deref().unwrap_or("")
        ))
        .into());
    }
    let mut body = String::with_capacity(s.body_open.len() + 80);
    body.push_str(&s.body_open);
    body.push_str(",\"stored\":\"");
    body.push_str(at.text);
    if s.needs_timestamp {
        body.push_str("\",\"timestamp\":\"");
        body.push_str(at.text);
    }
    body.push_str("\"}");
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
        if old.digest == s.digest {
            return Ok(());
        }
        return Err(LrsError::Conflict(format!("statement {} exists with different content", s.id)).into());
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
    Ok(row.and_then(|(s, is_voided, cred)| (is_voided == voided && mine.is_none_or(|m| m == cred)).then_some(s)))
}

/// The last sequence number of the tenant's statements stored at or before `ms`.
fn seq_at(conn: &Connection, tenant: TenantId, ms: i64) -> StoreResult<i64> {
    let v: Option<i64> = conn
        .prepare_cached("SELECT max(seq) FROM statements WHERE tenant = ?1 AND stored <= ?2")
        .map_err(backend)?
        .query_row(params![tenant.0, ms], |r| r.get(0))
        .map_err(backend)?;
    Ok(v.unwrap_or(0))
}

pub fn query(conn: &Connection, tenant: TenantId, q: &StatementQuery) -> StoreResult<QueryPage> {
    let upto = match q.upto_seq {
        Some(u) => u,
        None => conn
            .query_row(
                "SELECT coalesce(max(seq), 0) FROM statements WHERE tenant = ?1",
                [tenant.0],
                |r| r.get(0),
            )
            .map_err(backend)?,
    };
    let mut lo = match q.since {
        Some(ms) => seq_at(conn, tenant, ms)?,
        None => 0,
    };
    let mut hi = upto;
    if let Some(ms) = q.until {
        hi = hi.min(seq_at(conn, tenant, ms)?);
    }
    match (q.after_seq, q.ascending) {
        (Some(a), true) => lo = lo.max(a),
        (Some(a), false) => hi = hi.min(a.saturating_sub(1)),
        (None, _) => {}
    }
    let limit = q.effective_limit();
    let rows = fetch(conn, tenant, q, lo, hi, limit + 1)?;
    let mut statements = rows;
    let more_after = if statements.len() > limit as usize {
        statements.truncate(limit as usize);
        statements.last().map(|s| s.seq)
    } else {
        None
    };
    Ok(QueryPage {
        statements,
        more_after,
        upto_seq: upto,
    })
}

fn fetch(
    conn: &Connection,
    tenant: TenantId,
    q: &StatementQuery,
    lo: i64,
    hi: i64,
    n: u32,
) -> StoreResult<Vec<StoredStatement>> {
    let mut groups: Vec<Vec<i64>> = q
        .terms()
        .iter()
        .map(|g| g.iter().map(|t| term_key(tenant, t)).collect())
        .collect();
    // Drive the join from a single-key group when there is one: its rows come out of the
    // primary key already in seq order, so LIMIT stops early without sorting. CROSS JOIN
    // fixes the order: probe the other terms first, and read a statement row (large,
    // rarely cached) only for a match.
    groups.sort_by_key(|g| g.len() > 1);
    let mut args: Vec<rusqlite::types::Value> = vec![tenant.0.into(), lo.into(), hi.into(), i64::from(n).into()];
    let mut placeholder = |v: rusqlite::types::Value| {
        args.push(v);
        format!("?{}", args.len())
    };
    let mut key_match = |alias: &str, keys: &[i64]| {
        let list: Vec<String> = keys.iter().map(|k| placeholder((*k).into())).collect();
        format!("{alias}.key IN ({})", list.join(", "))
    };
    let order = if q.ascending { "ASC" } else { "DESC" };
    let sql = if let Some((first, rest)) = groups.split_first() {
        let drive = key_match("t0", first);
        // A statement may carry several keys of one group (a direct and a related term,
        // say): single-key groups join on the primary key, which cannot repeat a row;
        // wider groups are tested with EXISTS, and a wide driving group is grouped by seq.
        let mut joins = String::new();
        let mut exists = String::new();
        for (i, g) in rest.iter().enumerate() {
            let alias = format!("t{}", i + 1);
            let cond = key_match(&alias, g);
            if g.len() == 1 {
                joins.push_str(&format!(" CROSS JOIN terms {alias} ON {cond} AND {alias}.seq = t0.seq"));
            } else {
                exists.push_str(&format!(
                    " AND EXISTS (SELECT 1 FROM terms {alias} WHERE {cond} AND {alias}.seq = t0.seq)"
                ));
            }
        }
        let group = if first.len() > 1 { " GROUP BY t0.seq" } else { "" };
        format!(
            "SELECT s.seq, s.body, s.stored FROM terms t0{joins} CROSS JOIN statements s ON s.seq = t0.seq \
             WHERE {drive} AND t0.seq > ?2 AND t0.seq <= ?3 AND s.tenant = ?1 AND s.voided = 0{exists}{{mine}}{group} \
             ORDER BY t0.seq {order} LIMIT ?4"
        )
    } else {
        format!(
            "SELECT s.seq, s.body, s.stored FROM statements s WHERE s.tenant = ?1 AND s.seq > ?2 AND s.seq <= ?3 \
             AND s.voided = 0{{mine}} ORDER BY s.seq {order} LIMIT ?4"
        )
    };
    let mine = match &q.mine {
        Some(m) => format!(" AND s.credential = {}", placeholder(m.clone().into())),
        None => String::new(),
    };
    let sql = sql.replace("{mine}", &mine);
    let mut st = conn.prepare_cached(&sql).map_err(backend)?;
    let rows = st
        .query_map(params_from_iter(args), |r| {
            Ok(StoredStatement {
                seq: r.get(0)?,
                body: r.get(1)?,
                stored_ms: r.get(2)?,
            })
        })
        .map_err(backend)?;
    rows.collect::<Result<_, _>>().map_err(backend)
}

/// The newest statements whose own object is the activity (not those that only point at
/// such a statement through a StatementRef, which share its index terms), stored by
/// credentials that may define activities.
pub fn activity_statements(
    conn: &Connection,
    tenant: TenantId,
    activity: &str,
    limit: u32,
) -> StoreResult<Vec<StoredStatement>> {
    let key = term_key(
        tenant,
        &IndexTerm {
            kind: TermKind::Activity,
            value: activity.to_owned(),
        },
    );
    let mut st = conn
        .prepare_cached(
            "SELECT s.seq, s.body, s.stored FROM terms t CROSS JOIN statements s ON s.seq = t.seq \
             WHERE t.key = ?1 AND s.tenant = ?2 AND s.voided = 0 AND s.defines = 1 AND json_extract(s.body, '$.object.id') = ?3 \
             ORDER BY t.seq DESC LIMIT ?4",
        )
        .map_err(backend)?;
    let rows = st
        .query_map(params![key, tenant.0, activity, limit], |r| {
            Ok(StoredStatement {
                seq: r.get(0)?,
                body: r.get(1)?,
                stored_ms: r.get(2)?,
            })
        })
        .map_err(backend)?;
    rows.collect::<Result<_, _>>().map_err(backend)
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
