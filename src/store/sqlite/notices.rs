//! Notices, their updates and e-mail deliveries in SQLite. Claiming due deliveries is
//! one write job (the writer thread serialises it), so a delivery is taken once.

use async_trait::async_trait;
use rusqlite::{Connection, OptionalExtension, Row, params};

use super::SqliteStore;
use super::pool::backend;
use crate::notice::delivery::{Delivery, TryOutcome, new_deliveries};
use crate::notice::{Notice, NoticeUpdate, Recipient};
use crate::store::notices::{
    DELIVERY_COLS, DeliveryRow, NOTICE_COLS, NoticeRow, NoticeStore, audience_columns, try_columns,
};
use crate::store::{StoreError, StoreResult};

fn notice_row(r: &Row) -> rusqlite::Result<NoticeRow> {
    Ok(NoticeRow {
        id: r.get(0)?,
        kind: r.get(1)?,
        title: r.get(2)?,
        body: r.get(3)?,
        audience: r.get(4)?,
        audience_reseller: r.get(5)?,
        audience_tenant: r.get(6)?,
        window_start: r.get(7)?,
        window_end: r.get(8)?,
        posted: r.get(9)?,
        posted_by: r.get(10)?,
        resolved: r.get(11)?,
    })
}

fn delivery_row(r: &Row) -> rusqlite::Result<DeliveryRow> {
    Ok(DeliveryRow {
        notice: r.get(0)?,
        update_seq: r.get(1)?,
        account: r.get(2)?,
        address: r.get(3)?,
        status: r.get(4)?,
        attempts: r.get(5)?,
        last_error: r.get(6)?,
        next_attempt: r.get(7)?,
        sent: r.get(8)?,
    })
}

fn unknown_row() -> StoreError {
    StoreError::Backend("a notice row no version of kiroku writes".into())
}

fn updates(c: &Connection, notice: &str) -> StoreResult<Vec<NoticeUpdate>> {
    let mut st = c
        .prepare_cached("SELECT at, body FROM notice_updates WHERE notice = ?1 ORDER BY seq")
        .map_err(backend)?;
    let rows = st
        .query_map([notice], |r| {
            Ok(NoticeUpdate {
                at_ms: r.get(0)?,
                body: r.get(1)?,
            })
        })
        .map_err(backend)?;
    rows.collect::<Result<_, _>>().map_err(backend)
}

fn with_updates(c: &Connection, row: NoticeRow) -> StoreResult<Notice> {
    let u = updates(c, &row.id)?;
    row.notice(u).ok_or_else(unknown_row)
}

fn insert(c: &Connection, n: &Notice, deliveries: &[Delivery]) -> StoreResult<()> {
    let (audience, reseller, tenant) = audience_columns(&n.audience);
    let (start, end) = (n.window.map(|w| w.start_ms), n.window.map(|w| w.end_ms));
    c.execute(
        &format!("INSERT INTO notices ({NOTICE_COLS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"),
        params![
            n.id,
            n.kind.as_str(),
            n.title,
            n.body,
            audience,
            reseller,
            tenant,
            start,
            end,
            n.posted_ms,
            n.posted_by,
            n.resolved_ms
        ],
    )
    .map_err(backend)?;
    insert_deliveries(c, deliveries)
}

fn insert_deliveries(c: &Connection, deliveries: &[Delivery]) -> StoreResult<()> {
    for d in deliveries {
        c.execute(
            &format!("INSERT INTO notice_deliveries ({DELIVERY_COLS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"),
            params![
                d.notice,
                d.update,
                d.recipient.account,
                d.recipient.address,
                d.status.as_str(),
                d.attempts,
                d.last_error,
                d.next_attempt_ms,
                d.sent_ms
            ],
        )
        .map_err(backend)?;
    }
    Ok(())
}

fn add_update(
    c: &Connection,
    id: &str,
    u: &NoticeUpdate,
    resolve: bool,
    to: Vec<Recipient>,
) -> StoreResult<Option<u32>> {
    let open: bool = c
        .query_row(
            "SELECT EXISTS (SELECT 1 FROM notices WHERE id = ?1 AND resolved IS NULL)",
            [id],
            |r| r.get(0),
        )
        .map_err(backend)?;
    if !open {
        return Ok(None);
    }
    let seq: u32 = c
        .query_row(
            "SELECT coalesce(max(seq), 0) + 1 FROM notice_updates WHERE notice = ?1",
            [id],
            |r| r.get(0),
        )
        .map_err(backend)?;
    c.execute(
        "INSERT INTO notice_updates (notice, seq, at, body) VALUES (?1, ?2, ?3, ?4)",
        params![id, seq, u.at_ms, u.body],
    )
    .map_err(backend)?;
    if resolve {
        c.execute("UPDATE notices SET resolved = ?2 WHERE id = ?1", params![id, u.at_ms])
            .map_err(backend)?;
    }
    insert_deliveries(c, &new_deliveries(id, seq, to, u.at_ms))?;
    Ok(Some(seq))
}

fn claim(c: &Connection, now: i64, lease: i64, limit: u32) -> StoreResult<Vec<Delivery>> {
    let mut st = c
        .prepare_cached(&format!(
            "SELECT {DELIVERY_COLS} FROM notice_deliveries WHERE status = 'pending' AND next_attempt <= ?1 \
             ORDER BY next_attempt LIMIT ?2"
        ))
        .map_err(backend)?;
    let rows: Vec<DeliveryRow> = st
        .query_map(params![now, limit], delivery_row)
        .map_err(backend)?
        .collect::<Result<_, _>>()
        .map_err(backend)?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        c.execute(
            "UPDATE notice_deliveries SET next_attempt = ?4 WHERE notice = ?1 AND update_seq = ?2 AND account = ?3",
            params![row.notice, row.update_seq, row.account, lease],
        )
        .map_err(backend)?;
        out.push(row.delivery().ok_or_else(unknown_row)?);
    }
    Ok(out)
}

fn record_try(c: &Connection, key: (&str, u32, &str), outcome: &TryOutcome) -> StoreResult<()> {
    let (status, error, next, sent) = try_columns(outcome);
    let (notice, update, account) = key;
    c.execute(
        "UPDATE notice_deliveries SET status = ?4, attempts = attempts + 1, last_error = ?5, \
         next_attempt = coalesce(?6, next_attempt), sent = coalesce(?7, sent) \
         WHERE notice = ?1 AND update_seq = ?2 AND account = ?3",
        params![notice, update, account, status, error, next, sent],
    )
    .map_err(backend)?;
    Ok(())
}

#[async_trait]
impl NoticeStore for SqliteStore {
    async fn post_notice(&self, notice: Notice, deliveries: Vec<Delivery>) -> StoreResult<()> {
        self.writer.run(move |c| insert(c, &notice, &deliveries)).await
    }

    async fn list_notices(&self, limit: u32) -> StoreResult<Vec<Notice>> {
        self.readers
            .run(move |c| {
                let mut st = c
                    .prepare_cached(&format!(
                        "SELECT {NOTICE_COLS} FROM notices ORDER BY posted DESC, id DESC LIMIT ?1"
                    ))
                    .map_err(backend)?;
                let rows: Vec<NoticeRow> = st
                    .query_map([limit], notice_row)
                    .map_err(backend)?
                    .collect::<Result<_, _>>()
                    .map_err(backend)?;
                rows.into_iter().map(|r| with_updates(c, r)).collect()
            })
            .await
    }

    async fn notice(&self, id: &str) -> StoreResult<Option<Notice>> {
        let id = id.to_owned();
        self.readers
            .run(move |c| {
                let sql = format!("SELECT {NOTICE_COLS} FROM notices WHERE id = ?1");
                let row = c.query_row(&sql, [&id], notice_row).optional().map_err(backend)?;
                row.map(|r| with_updates(c, r)).transpose()
            })
            .await
    }

    async fn add_notice_update(
        &self,
        id: &str,
        update: NoticeUpdate,
        resolve: bool,
        recipients: Vec<Recipient>,
    ) -> StoreResult<Option<u32>> {
        let id = id.to_owned();
        self.writer
            .run(move |c| add_update(c, &id, &update, resolve, recipients))
            .await
    }

    async fn notice_deliveries(&self, notice: &str) -> StoreResult<Vec<Delivery>> {
        let notice = notice.to_owned();
        self.readers
            .run(move |c| {
                let mut st = c
                    .prepare_cached(&format!(
                        "SELECT {DELIVERY_COLS} FROM notice_deliveries WHERE notice = ?1 ORDER BY update_seq, address, account"
                    ))
                    .map_err(backend)?;
                let rows: Vec<DeliveryRow> = st
                    .query_map([&notice], delivery_row)
                    .map_err(backend)?
                    .collect::<Result<_, _>>()
                    .map_err(backend)?;
                rows.into_iter().map(|r| r.delivery().ok_or_else(unknown_row)).collect()
            })
            .await
    }

    async fn claim_deliveries(&self, now_ms: i64, lease_until_ms: i64, limit: u32) -> StoreResult<Vec<Delivery>> {
        self.writer.run(move |c| claim(c, now_ms, lease_until_ms, limit)).await
    }

    async fn record_delivery_try(
        &self,
        notice: &str,
        update: u32,
        account: &str,
        outcome: TryOutcome,
    ) -> StoreResult<()> {
        let (notice, account) = (notice.to_owned(), account.to_owned());
        self.writer
            .run(move |c| record_try(c, (&notice, update, &account), &outcome))
            .await
    }
}
