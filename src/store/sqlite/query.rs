//! Statement queries in SQLite: filters through the `terms` index, `since`/`until` as
//! sequence bounds, paging by sequence number.

use rusqlite::{Connection, params, params_from_iter};

use super::pool::backend;
use crate::lrs::query::StatementQuery;
use crate::lrs::stored;
use crate::store::{ActivityScan, QueryPage, StoreResult, StoredStatement, activity_key, term_key};
use crate::tenant::TenantId;

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
    let since = q.since.map(|ms| seq_at(conn, tenant, ms)).transpose()?;
    let until = q.until.map(|ms| seq_at(conn, tenant, ms)).transpose()?;
    let (lo, hi) = q.seq_range(upto, since, until);
    let limit = q.effective_limit();
    let rows = fetch(conn, tenant, q, lo, hi, limit + 1)?;
    Ok(QueryPage::from_rows(rows, limit, upto))
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
    let key = activity_key(tenant, activity);
    let mut st = conn
        .prepare_cached(
            "SELECT s.seq, s.body, s.stored FROM terms t CROSS JOIN statements s ON s.seq = t.seq \
             WHERE t.key = ?1 AND s.tenant = ?2 AND s.voided = 0 AND s.defines = 1 AND t.seq < ?3 \
             ORDER BY t.seq DESC LIMIT ?4",
        )
        .map_err(backend)?;
    let mut scan = ActivityScan::new(activity, limit);
    while let Some(before) = scan.next_page() {
        let rows = st
            .query_map(params![key, tenant.0, before, stored::CANDIDATE_PAGE], |r| {
                Ok(StoredStatement {
                    seq: r.get(0)?,
                    body: r.get(1)?,
                    stored_ms: r.get(2)?,
                })
            })
            .map_err(backend)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(backend)?;
        scan.take(rows);
    }
    Ok(scan.found())
}
