//! Notices, their updates and e-mail deliveries in PostgreSQL. Several servers may send:
//! claiming due deliveries takes their rows with `FOR UPDATE SKIP LOCKED` and moves their
//! next try past a lease in the same statement, so each is taken by one server.

use async_trait::async_trait;
use deadpool_postgres::GenericClient;
use tokio_postgres::Row;

use super::{PgStore, col, pg};
use crate::notice::delivery::{Delivery, TryOutcome, new_deliveries};
use crate::notice::{Notice, NoticeUpdate, Recipient};
use crate::store::notices::{
    DELIVERY_COLS, DeliveryRow, NOTICE_COLS, NoticeRow, NoticeStore, audience_columns, try_columns,
};
use crate::store::{StoreError, StoreResult};

fn notice_row(r: &Row) -> StoreResult<NoticeRow> {
    Ok(NoticeRow {
        id: col(r, 0)?,
        kind: col(r, 1)?,
        title: col(r, 2)?,
        body: col(r, 3)?,
        audience: col(r, 4)?,
        audience_reseller: col(r, 5)?,
        audience_tenant: col(r, 6)?,
        window_start: col(r, 7)?,
        window_end: col(r, 8)?,
        posted: col(r, 9)?,
        posted_by: col(r, 10)?,
        resolved: col(r, 11)?,
    })
}

fn delivery(r: &Row) -> StoreResult<Delivery> {
    let row = DeliveryRow {
        notice: col(r, 0)?,
        update_seq: col(r, 1)?,
        account: col(r, 2)?,
        address: col(r, 3)?,
        status: col(r, 4)?,
        attempts: col(r, 5)?,
        last_error: col(r, 6)?,
        next_attempt: col(r, 7)?,
        sent: col(r, 8)?,
    };
    row.delivery().ok_or_else(unknown_row)
}

fn unknown_row() -> StoreError {
    StoreError::Backend("a notice row no version of kiroku writes".into())
}

async fn with_updates(c: &impl GenericClient, row: &Row) -> StoreResult<Notice> {
    let row = notice_row(row)?;
    let updates = c
        .query(
            "SELECT at, body FROM notice_updates WHERE notice = $1 ORDER BY seq",
            &[&row.id],
        )
        .await
        .map_err(pg)?
        .iter()
        .map(|r| {
            Ok(NoticeUpdate {
                at_ms: col(r, 0)?,
                body: col(r, 1)?,
            })
        })
        .collect::<StoreResult<_>>()?;
    row.notice(updates).ok_or_else(unknown_row)
}

async fn insert(c: &impl GenericClient, n: &Notice, deliveries: &[Delivery]) -> StoreResult<()> {
    let (audience, reseller, tenant) = audience_columns(&n.audience);
    let (start, end) = (n.window.map(|w| w.start_ms), n.window.map(|w| w.end_ms));
    let kind = n.kind.as_str();
    c.execute(
        &format!("INSERT INTO notices ({NOTICE_COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"),
        &[
            &n.id,
            &kind,
            &n.title,
            &n.body,
            &audience,
            &reseller,
            &tenant,
            &start,
            &end,
            &n.posted_ms,
            &n.posted_by,
            &n.resolved_ms,
        ],
    )
    .await
    .map_err(pg)?;
    insert_deliveries(c, deliveries).await
}

async fn insert_deliveries(c: &impl GenericClient, deliveries: &[Delivery]) -> StoreResult<()> {
    let sql = format!("INSERT INTO notice_deliveries ({DELIVERY_COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)");
    for d in deliveries {
        let (status, attempts, update) = (d.status.as_str(), i64::from(d.attempts), i64::from(d.update));
        c.execute(
            &sql,
            &[
                &d.notice,
                &update,
                &d.recipient.account,
                &d.recipient.address,
                &status,
                &attempts,
                &d.last_error,
                &d.next_attempt_ms,
                &d.sent_ms,
            ],
        )
        .await
        .map_err(pg)?;
    }
    Ok(())
}

#[async_trait]
impl NoticeStore for PgStore {
    async fn post_notice(&self, notice: Notice, deliveries: Vec<Delivery>) -> StoreResult<()> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(pg)?;
        insert(&tx, &notice, &deliveries).await?;
        tx.commit().await.map_err(pg)
    }

    async fn list_notices(&self, limit: u32) -> StoreResult<Vec<Notice>> {
        let c = self.client().await?;
        let sql = format!("SELECT {NOTICE_COLS} FROM notices ORDER BY posted DESC, id DESC LIMIT $1");
        let rows = c.query(&sql, &[&i64::from(limit)]).await.map_err(pg)?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            out.push(with_updates(&c, r).await?);
        }
        Ok(out)
    }

    async fn notice(&self, id: &str) -> StoreResult<Option<Notice>> {
        let c = self.client().await?;
        let sql = format!("SELECT {NOTICE_COLS} FROM notices WHERE id = $1");
        match c.query_opt(&sql, &[&id]).await.map_err(pg)? {
            Some(r) => Ok(Some(with_updates(&c, &r).await?)),
            None => Ok(None),
        }
    }

    async fn add_notice_update(
        &self,
        id: &str,
        update: NoticeUpdate,
        resolve: bool,
        recipients: Vec<Recipient>,
    ) -> StoreResult<Option<u32>> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(pg)?;
        // The notice's row locked: updates to one incident get their numbers in turn.
        let open = tx
            .query_opt(
                "SELECT 1 FROM notices WHERE id = $1 AND resolved IS NULL FOR UPDATE",
                &[&id],
            )
            .await
            .map_err(pg)?;
        if open.is_none() {
            return Ok(None);
        }
        let row = tx
            .query_one(
                "INSERT INTO notice_updates (notice, seq, at, body) \
                 SELECT $1, coalesce(max(seq), 0) + 1, $2, $3 FROM notice_updates WHERE notice = $1 RETURNING seq",
                &[&id, &update.at_ms, &update.body],
            )
            .await
            .map_err(pg)?;
        let seq = u32::try_from(col::<i64>(&row, 0)?).map_err(|e| StoreError::Backend(e.to_string()))?;
        if resolve {
            tx.execute("UPDATE notices SET resolved = $2 WHERE id = $1", &[&id, &update.at_ms])
                .await
                .map_err(pg)?;
        }
        insert_deliveries(&tx, &new_deliveries(id, seq, recipients, update.at_ms)).await?;
        tx.commit().await.map_err(pg)?;
        Ok(Some(seq))
    }

    async fn notice_deliveries(&self, notice: &str) -> StoreResult<Vec<Delivery>> {
        let c = self.client().await?;
        let sql = format!(
            "SELECT {DELIVERY_COLS} FROM notice_deliveries WHERE notice = $1 ORDER BY update_seq, address, account"
        );
        let rows = c.query(&sql, &[&notice]).await.map_err(pg)?;
        rows.iter().map(delivery).collect()
    }

    async fn claim_deliveries(&self, now_ms: i64, lease_until_ms: i64, limit: u32) -> StoreResult<Vec<Delivery>> {
        let c = self.client().await?;
        // (RETURNING shows the rows as updated: next_attempt comes back as the lease.)
        let sql = format!(
            "UPDATE notice_deliveries SET next_attempt = $2 WHERE (notice, update_seq, account) IN \
             (SELECT notice, update_seq, account FROM notice_deliveries WHERE status = 'pending' AND next_attempt <= $1 \
              ORDER BY next_attempt LIMIT $3 FOR UPDATE SKIP LOCKED) RETURNING {DELIVERY_COLS}"
        );
        let rows = c
            .query(&sql, &[&now_ms, &lease_until_ms, &i64::from(limit)])
            .await
            .map_err(pg)?;
        rows.iter().map(delivery).collect()
    }

    async fn record_delivery_try(
        &self,
        notice: &str,
        update: u32,
        account: &str,
        outcome: TryOutcome,
    ) -> StoreResult<()> {
        let c = self.client().await?;
        let (status, error, next, sent) = try_columns(&outcome);
        c.execute(
            "UPDATE notice_deliveries SET status = $4, attempts = attempts + 1, last_error = $5, \
             next_attempt = coalesce($6, next_attempt), sent = coalesce($7, sent) \
             WHERE notice = $1 AND update_seq = $2 AND account = $3",
            &[&notice, &i64::from(update), &account, &status, &error, &next, &sent],
        )
        .await
        .map_err(pg)?;
        Ok(())
    }
}
