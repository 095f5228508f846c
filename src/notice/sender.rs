//! The background sender: takes due deliveries from the store, sends each through the
//! `Mailer`, and records the try (sent, retried later, failed for good). Posting never
//! waits for it: a post only wakes it. Pending deliveries live in the store, so a
//! restarted server (or another one) picks them up; a delivery taken by a server that
//! died mid-send is taken again once its lease runs out.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{Notify, watch};

use super::Notice;
use super::delivery::{Delivery, RetryPolicy, TryOutcome, message_for};
use crate::mail::Mailer;
use crate::store::{Store, StoreResult};

/// How long a taken delivery is this server's before another may take it: longer than
/// an SMTP conversation may last.
const LEASE_MS: i64 = 120_000;
/// Deliveries taken at once.
const BATCH: u32 = 20;
/// The longest pause between looks at the store (a retry falls due without a post).
const MAX_POLL: Duration = Duration::from_secs(5);

pub struct Sender {
    pub store: Arc<dyn Store>,
    pub mailer: Arc<dyn Mailer>,
    pub retry: RetryPolicy,
    /// The app origin's URL, for the link in each e-mail.
    pub site_url: String,
    /// Notified when a notice is posted.
    pub wake: Arc<Notify>,
}

impl std::fmt::Debug for Sender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sender").field("retry", &self.retry).finish()
    }
}

impl Sender {
    /// Sends until `stop` turns true.
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        let poll = Duration::from_millis(u64::try_from(self.retry.first_delay_ms).unwrap_or(0))
            .clamp(Duration::from_millis(100), MAX_POLL);
        loop {
            if let Err(e) = self.round().await {
                tracing::warn!(error = %e, "notice e-mails: the store failed; trying again shortly");
            }
            tokio::select! {
                () = self.wake.notified() => {}
                () = tokio::time::sleep(poll) => {}
                _ = stop.changed() => {}
            }
            if *stop.borrow() {
                return;
            }
        }
    }

    /// Sends every delivery due now.
    async fn round(&self) -> StoreResult<()> {
        let mut notices: HashMap<String, Option<Notice>> = HashMap::new();
        loop {
            let now = crate::clock::now_ms();
            let due = self.store.claim_deliveries(now, now + LEASE_MS, BATCH).await?;
            if due.is_empty() {
                return Ok(());
            }
            for d in due {
                if !notices.contains_key(&d.notice) {
                    let n = self.store.notice(&d.notice).await?;
                    notices.insert(d.notice.clone(), n);
                }
                let notice = notices.get(&d.notice).and_then(Option::as_ref);
                let outcome = self.try_one(&d, notice).await;
                self.store
                    .record_delivery_try(&d.notice, d.update, &d.recipient.account, outcome)
                    .await?;
            }
        }
    }

    async fn try_one(&self, d: &Delivery, notice: Option<&Notice>) -> TryOutcome {
        let attempt = d.attempts + 1;
        let sent = match notice.and_then(|n| message_for(n, d.update, &self.site_url)) {
            Some(m) => self.mailer.send(&d.recipient.address, &m).await,
            None => Err("the notice or its update is gone".to_owned()),
        };
        let now = crate::clock::now_ms();
        // The account, never the address: e-mail addresses stay out of the logs.
        match sent {
            Ok(()) => {
                tracing::info!(notice.id = %d.notice, notice.update = d.update, account.id = %d.recipient.account, attempt, "notice e-mail sent");
                TryOutcome::Sent { at_ms: now }
            }
            Err(e) => {
                let outcome = self.retry.after_failure(attempt, &e, now);
                let gave_up = matches!(outcome, TryOutcome::Failed { .. });
                tracing::warn!(notice.id = %d.notice, notice.update = d.update, account.id = %d.recipient.account, attempt, gave_up, error = %e, "notice e-mail failed");
                outcome
            }
        }
    }
}
