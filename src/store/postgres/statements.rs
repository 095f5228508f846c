//! Statements, their filter index and attachments in PostgreSQL.
//!
//! A batch is one transaction, stored all or nothing. It starts by moving the tenant's
//! statement clock forward (`stored = max(database now, last stored)`: every server takes
//! the time from the one database clock), which locks the clock row
//! until commit: a tenant's inserts, from any server, are serialised, so the sequence
//! numbers they draw and their `stored` times grow in commit order. Readers that page by
//! sequence number (`more` links, `since`/`until`) therefore never miss a statement
//! committed behind the page they were given.

use async_trait::async_trait;
use deadpool_postgres::Transaction;

use super::rates::NOW_US;
use super::{PgStore, col, pg};
use crate::clock;
use crate::lrs::query::StatementQuery;
use crate::lrs::statement::{IndexTerm, PreparedStatement, TermKind};
use crate::lrs::stored;
use crate::store::{Attachment, QueryPage, StatementStore, StoreResult, StoredStatement, term_key};
use crate::tenant::{ScopeSet, TenantId};

/// The statement row (with its keys) and the target's update, in one round trip. `$9`
/// is the sequence number of a voided target, if any; `$11` the verb key every term row
/// carries (`verb_key`).
const INSERT: &str = "WITH ins AS ( \
       INSERT INTO statements (tenant, id, stored, voiding, credential, digest, body, defines, keys) \
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $10) ON CONFLICT (tenant, id) DO NOTHING RETURNING seq), \
     t AS (INSERT INTO terms (key, seq, verb) SELECT k, ins.seq, $11::bigint FROM ins \
       CROSS JOIN unnest($10::bigint[]) AS k ON CONFLICT DO NOTHING), \
     v AS (UPDATE statements SET voided = true WHERE seq = $9 AND EXISTS (SELECT 1 FROM ins)) \
     SELECT seq FROM ins";

/// Moves the tenant's statement clock to the database's time (never back) and returns it.
/// The time is read in the `DO UPDATE`, after the row lock is granted, so a batch that
/// waited for another batch of the tenant gets the time it went on with, not the time it
/// asked.
static STAMP: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    let now_ms = format!("floor({NOW_US} / 1000.0)::bigint");
    format!(
        "INSERT INTO statement_clock (tenant, stored) VALUES ($1, {now_ms}) ON CONFLICT (tenant) \
         DO UPDATE SET stored = greatest(statement_clock.stored, {now_ms}) RETURNING stored"
    )
});

/// What every statement of one batch shares.
struct Stamp {
    tenant: TenantId,
    stored: i64,
    text: String,
    credential: String,
    /// The credential may define activities.
    defines: bool,
}

struct Existing {
    seq: i64,
    digest: Vec<u8>,
    voiding: bool,
    keys: Vec<i64>,
}

async fn existing(tx: &Transaction<'_>, tenant: TenantId, id: &str) -> StoreResult<Option<Existing>> {
    let st = tx
        .prepare_cached("SELECT seq, digest, voiding, keys FROM statements WHERE tenant = $1 AND id = $2")
        .await
        .map_err(pg)?;
    let Some(r) = tx.query_opt(&st, &[&tenant.0, &id]).await.map_err(pg)? else {
        return Ok(None);
    };
    Ok(Some(Existing {
        seq: col(&r, 0)?,
        digest: col(&r, 1)?,
        voiding: col(&r, 2)?,
        keys: col(&r, 3)?,
    }))
}

async fn stamp(tx: &Transaction<'_>, tenant: TenantId, credential: &str) -> StoreResult<Stamp> {
    let st = tx.prepare_cached(&STAMP).await.map_err(pg)?;
    let row = tx.query_one(&st, &[&tenant.0]).await.map_err(pg)?;
    let stored: i64 = col(&row, 0)?;
    let scopes = tx
        .query_opt("SELECT scopes FROM credentials WHERE key = $1", &[&credential])
        .await
        .map_err(pg)?
        .map(|r| col::<String>(&r, 0))
        .transpose()?;
    let defines = ScopeSet::stored_may_define(scopes.as_deref());
    Ok(Stamp {
        tenant,
        stored,
        text: clock::format_ms(stored),
        credential: credential.to_owned(),
        defines,
    })
}

async fn insert_one(tx: &Transaction<'_>, s: &PreparedStatement, at: &Stamp) -> StoreResult<()> {
    let target = match &s.refers_to {
        Some(t) => existing(tx, at.tenant, t).await?,
        None => None,
    };
    stored::check_target(s, target.as_ref().map(|t| t.voiding))?;
    // A statement pointing at another matches the filters its target matches.
    let mut keys: Vec<i64> = s.terms.iter().map(|t| term_key(at.tenant, t)).collect();
    keys.extend(target.iter().flat_map(|t| t.keys.iter().copied()));
    keys.sort_unstable();
    keys.dedup();
    let voided_seq = target.as_ref().filter(|_| s.voids.is_some()).map(|t| t.seq);
    let st = tx.prepare_cached(INSERT).await.map_err(pg)?;
    let inserted = tx
        .query_opt(
            &st,
            &[
                &at.tenant.0,
                &s.id,
                &at.stored,
                &s.voids.is_some(),
                &at.credential,
                &s.digest.as_slice(),
                &stored::stored_body(s, &at.text),
                &at.defines,
                &voided_seq,
                &keys,
                &verb_key(at.tenant, &s.terms, s.refers_to.is_some()),
            ],
        )
        .await
        .map_err(pg)?;
    if inserted.is_some() {
        return Ok(());
    }
    // The id is taken: the same content is an idempotent resend, anything else a conflict.
    let old = existing(tx, at.tenant, &s.id)
        .await?
        .ok_or_else(|| super::backend("statement vanished during insert"))?;
    Ok(stored::check_resend(s, &old.digest)?)
}

/// The verb key a statement's term rows carry, so queries check a verb filter on the row
/// they drive from (`query::page_sql`). `None` for a statement pointing at another: it
/// also matches its target's verb, which a query then looks up in `terms`.
pub(super) fn verb_key(tenant: TenantId, terms: &[IndexTerm], refers: bool) -> Option<i64> {
    if refers {
        return None;
    }
    terms
        .iter()
        .find(|t| t.kind == TermKind::Verb)
        .map(|t| term_key(tenant, t))
}

/// Stores a batch inside the caller's transaction (all or nothing with whatever else the
/// transaction writes, e.g. a run-time plan).
pub(super) async fn insert_batch(
    tx: &Transaction<'_>,
    tenant: TenantId,
    credential: &str,
    batch: &[PreparedStatement],
    attachments: &[Attachment],
) -> StoreResult<()> {
    if batch.is_empty() && attachments.is_empty() {
        return Ok(());
    }
    let at = stamp(tx, tenant, credential).await?;
    // Statements that point at no other are sent pipelined (one round trip for a run
    // of them; the connection executes them in order, so sequence numbers follow the
    // batch); one that points at another waits for everything before it.
    let mut run: Vec<&PreparedStatement> = Vec::new();
    for s in batch {
        if s.refers_to.is_none() {
            run.push(s);
            continue;
        }
        insert_run(tx, &run, &at).await?;
        run.clear();
        insert_one(tx, s, &at).await?;
    }
    insert_run(tx, &run, &at).await?;
    insert_attachments(tx, tenant, attachments).await
}

/// Inserts statements that refer to no other, pipelined.
async fn insert_run(tx: &Transaction<'_>, run: &[&PreparedStatement], at: &Stamp) -> StoreResult<()> {
    futures_util::future::try_join_all(run.iter().map(|s| insert_one(tx, s, at))).await?;
    Ok(())
}

async fn insert_attachments(tx: &Transaction<'_>, tenant: TenantId, attachments: &[Attachment]) -> StoreResult<()> {
    let st = tx
        .prepare_cached(
            "INSERT INTO attachments (tenant, sha2, content_type, content) VALUES ($1, $2, $3, $4) \
             ON CONFLICT DO NOTHING",
        )
        .await
        .map_err(pg)?;
    for a in attachments {
        tx.execute(&st, &[&tenant.0, &a.sha2, &a.content_type, &a.content])
            .await
            .map_err(pg)?;
    }
    Ok(())
}

#[async_trait]
impl StatementStore for PgStore {
    async fn insert_statements(
        &self,
        tenant: TenantId,
        credential: &str,
        batch: Vec<PreparedStatement>,
        attachments: Vec<Attachment>,
    ) -> StoreResult<Vec<String>> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(pg)?;
        insert_batch(&tx, tenant, credential, &batch, &attachments).await?;
        tx.commit().await.map_err(pg)?;
        Ok(batch.into_iter().map(|s| s.id).collect())
    }

    async fn statement(
        &self,
        tenant: TenantId,
        id: &str,
        voided: bool,
        mine: Option<&str>,
    ) -> StoreResult<Option<StoredStatement>> {
        let c = self.client().await?;
        let st = c
            .prepare_cached(
                "SELECT seq, body, voided, credential, stored FROM statements WHERE tenant = $1 AND id = $2",
            )
            .await
            .map_err(pg)?;
        let Some(r) = c.query_opt(&st, &[&tenant.0, &id]).await.map_err(pg)? else {
            return Ok(None);
        };
        let (is_voided, cred): (bool, String) = (col(&r, 2)?, col(&r, 3)?);
        if !stored::served(is_voided, &cred, voided, mine) {
            return Ok(None);
        }
        Ok(Some(StoredStatement {
            seq: col(&r, 0)?,
            body: col(&r, 1)?,
            stored_ms: col(&r, 4)?,
        }))
    }

    async fn query_statements(&self, tenant: TenantId, query: &StatementQuery) -> StoreResult<QueryPage> {
        let c = self.client().await?;
        super::query::query(&c, tenant, query).await
    }

    async fn attachments(&self, tenant: TenantId, hashes: Vec<String>) -> StoreResult<Vec<Attachment>> {
        let c = self.client().await?;
        let st = c
            .prepare_cached("SELECT sha2, content_type, content FROM attachments WHERE tenant = $1 AND sha2 = $2")
            .await
            .map_err(pg)?;
        let mut out = Vec::with_capacity(hashes.len());
        for h in &hashes {
            if let Some(r) = c.query_opt(&st, &[&tenant.0, h]).await.map_err(pg)? {
                out.push(Attachment {
                    sha2: col(&r, 0)?,
                    content_type: col(&r, 1)?,
                    content: col(&r, 2)?,
                });
            }
        }
        Ok(out)
    }

    async fn activity_statements(
        &self,
        tenant: TenantId,
        activity_id: &str,
        limit: u32,
    ) -> StoreResult<Vec<StoredStatement>> {
        let c = self.client().await?;
        super::query::activity_statements(&c, tenant, activity_id, limit).await
    }
}
