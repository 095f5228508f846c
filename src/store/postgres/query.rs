//! Statement queries in PostgreSQL: filters through the `terms` index, `since`/`until`
//! as sequence bounds, paging by sequence number (the same plan as SQLite's, except that
//! a verb filter is checked on the driving term rows, which carry their statement's verb).

use deadpool_postgres::ClientWrapper;
use tokio_postgres::Row;
use tokio_postgres::types::ToSql;

use super::{col, pg};
use crate::lrs::query::StatementQuery;
use crate::lrs::statement::TermKind;
use crate::lrs::stored;
use crate::store::{ActivityScan, QueryPage, StoreResult, StoredStatement, activity_key, term_key};
use crate::tenant::TenantId;

type Param = Box<dyn ToSql + Sync + Send>;

fn stored_row(r: &Row) -> StoreResult<StoredStatement> {
    Ok(StoredStatement {
        seq: col(r, 0)?,
        body: col(r, 1)?,
        stored_ms: col(r, 2)?,
    })
}

/// The last sequence number of the tenant's statements stored at or before `ms`: within
/// a tenant `stored` grows with `seq`, so it is the newest such row by `stored`.
async fn seq_at(c: &ClientWrapper, tenant: TenantId, ms: i64) -> StoreResult<i64> {
    let st = c
        .prepare_cached(
            "SELECT coalesce((SELECT seq FROM statements WHERE tenant = $1 AND stored <= $2 \
             ORDER BY stored DESC, seq DESC LIMIT 1), 0)",
        )
        .await
        .map_err(pg)?;
    let r = c.query_one(&st, &[&tenant.0, &ms]).await.map_err(pg)?;
    col(&r, 0)
}

pub async fn query(c: &ClientWrapper, tenant: TenantId, q: &StatementQuery) -> StoreResult<QueryPage> {
    let upto = match q.upto_seq {
        Some(u) => u,
        None => {
            let r = c
                .query_one(
                    "SELECT coalesce(max(seq), 0) FROM statements WHERE tenant = $1",
                    &[&tenant.0],
                )
                .await
                .map_err(pg)?;
            col(&r, 0)?
        }
    };
    let since = match q.since {
        Some(ms) => Some(seq_at(c, tenant, ms).await?),
        None => None,
    };
    let until = match q.until {
        Some(ms) => Some(seq_at(c, tenant, ms).await?),
        None => None,
    };
    let (lo, hi) = q.seq_range(upto, since, until);
    let limit = q.effective_limit();
    let rows = fetch(c, tenant, q, lo, hi, limit + 1).await?;
    Ok(QueryPage::from_rows(rows, limit, upto))
}

/// The SQL of a filtered page and its parameters: `$1` tenant, `$2`/`$3` the sequence
/// bounds, `$4` the row limit, then one parameter per term group and the credential.
fn page_sql(tenant: TenantId, q: &StatementQuery, lo: i64, hi: i64, n: u32) -> (String, Vec<Param>) {
    // Each group with whether it is the verb, which the driving rows carry.
    let mut groups: Vec<(Vec<i64>, bool)> = q
        .terms()
        .iter()
        .map(|g| {
            let verb = matches!(g.as_slice(), [t] if t.kind == TermKind::Verb);
            (g.iter().map(|t| term_key(tenant, t)).collect(), verb)
        })
        .collect();
    // Drive from a single-key group when there is one: its index rows come in seq order.
    // Not from the verb when another is single-key: few verbs means many rows each, and
    // the verb is checked on the driving rows for free.
    groups.sort_by_key(|(g, verb)| (g.len() > 1, *verb));
    let mut params: Vec<Param> = vec![Box::new(tenant.0), Box::new(lo), Box::new(hi), Box::new(i64::from(n))];
    // The condition on `alias.key`, and the number of the parameter holding the key(s).
    let mut key_match = |alias: &str, keys: Vec<i64>| {
        if let [key] = keys.as_slice() {
            params.push(Box::new(*key));
            (format!("{alias}.key = ${}", params.len()), params.len())
        } else {
            params.push(Box::new(keys));
            (format!("{alias}.key = ANY(${})", params.len()), params.len())
        }
    };
    let mut groups = groups.into_iter();
    let (from, mut filter) = match groups.next() {
        // A statement may carry several keys of a wide group (a direct and a related
        // term): the other groups are tested with EXISTS, so no row repeats, and a wide
        // driving group is made distinct by seq.
        Some((first, _)) => {
            let distinct = if first.len() > 1 { "DISTINCT " } else { "" };
            let (drive, _) = key_match("t0", first);
            let mut filter = format!("{drive} AND t0.seq > $2 AND t0.seq <= $3");
            for (i, (g, verb)) in groups.enumerate() {
                let alias = format!("t{}", i + 1);
                let (cond, n) = key_match(&alias, g);
                let probe = format!("EXISTS (SELECT 1 FROM terms {alias} WHERE {cond} AND {alias}.seq = t0.seq)");
                if verb {
                    // The driving row's verb; a row that does not know it (a statement
                    // pointing at another) looks in the index.
                    filter.push_str(&format!(" AND (t0.verb = ${n} OR (t0.verb IS NULL AND {probe}))"));
                } else {
                    filter.push_str(&format!(" AND {probe}"));
                }
            }
            (
                format!("SELECT {distinct}s.seq, s.body, s.stored FROM terms t0 JOIN statements s ON s.seq = t0.seq"),
                filter,
            )
        }
        None => (
            "SELECT s.seq, s.body, s.stored FROM statements s".to_owned(),
            "s.seq > $2 AND s.seq <= $3".to_owned(),
        ),
    };
    if let Some(m) = &q.mine {
        params.push(Box::new(m.clone()));
        filter.push_str(&format!(" AND s.credential = ${}", params.len()));
    }
    let order = if q.ascending { "ASC" } else { "DESC" };
    let sql = format!("{from} WHERE s.tenant = $1 AND NOT s.voided AND {filter} ORDER BY s.seq {order} LIMIT $4");
    (sql, params)
}

async fn fetch(
    c: &ClientWrapper,
    tenant: TenantId,
    q: &StatementQuery,
    lo: i64,
    hi: i64,
    n: u32,
) -> StoreResult<Vec<StoredStatement>> {
    let (sql, params) = page_sql(tenant, q, lo, hi, n);
    let st = c.prepare_cached(&sql).await.map_err(pg)?;
    let refs: Vec<&(dyn ToSql + Sync)> = params.iter().map(|p| p.as_ref() as &(dyn ToSql + Sync)).collect();
    let rows = c.query(&st, &refs).await.map_err(pg)?;
    rows.iter().map(stored_row).collect()
}

/// The newest statements whose own object is the activity (not those that only point at
/// such a statement through a StatementRef, which share its index terms), stored by
/// credentials that may define activities.
pub async fn activity_statements(
    c: &ClientWrapper,
    tenant: TenantId,
    activity: &str,
    limit: u32,
) -> StoreResult<Vec<StoredStatement>> {
    let key = activity_key(tenant, activity);
    let st = c
        .prepare_cached(
            "SELECT s.seq, s.body, s.stored FROM terms t JOIN statements s ON s.seq = t.seq \
             WHERE t.key = $1 AND s.tenant = $2 AND NOT s.voided AND s.defines AND t.seq < $3 \
             ORDER BY t.seq DESC LIMIT $4",
        )
        .await
        .map_err(pg)?;
    let mut scan = ActivityScan::new(activity, limit);
    while let Some(before) = scan.next_page() {
        let rows = c
            .query(&st, &[&key, &tenant.0, &before, &i64::from(stored::CANDIDATE_PAGE)])
            .await
            .map_err(pg)?;
        scan.take(rows.iter().map(stored_row).collect::<StoreResult<_>>()?);
    }
    Ok(scan.found())
}
