//! Requests per minute per tenant, in fixed one-minute windows counted in the store, so
//! the limit holds across every server sharing it.
//!
//! Asking the store on every request would cost a write each, so a server reserves small
//! blocks of the minute's budget (`block`: a fiftieth of the limit, 1 to 100 requests) and
//! spends them locally. The store counts reservations, never fewer than the requests
//! admitted, so the servers together never admit more than the limit in a minute. The
//! slack is the other way: each server may end a minute holding up to `block - 1`
//! reserved requests unused, so with S servers a tenant may be refused once it has made
//! `limit - S × (block - 1)` requests (2% of the limit per server at most). Minutes come
//! from the store's clock (`DbClock`), so servers agree where a minute starts.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::store::{RateStore, StoreResult};
use crate::tenant::TenantId;

/// Requests a server reserves from the store at a time for a tenant limited to `limit`.
pub fn block(limit: u32) -> u32 {
    (limit / 50).clamp(1, 100)
}

/// This server's share of its tenants' current minutes.
#[derive(Debug, Default)]
pub struct RateLimiter {
    // A std mutex: held for one map update, never across an await.
    windows: Mutex<HashMap<TenantId, Window>>,
}

#[derive(Debug, Clone, Copy)]
struct Window {
    minute: i64,
    /// Reserved requests not yet spent.
    left: u32,
    /// The store refused more at this limit: refuse locally until the minute ends (or the
    /// plan's limit grows).
    full_at: Option<u32>,
}

enum Local {
    Admitted,
    Full,
    Reserve,
}

impl RateLimiter {
    /// Counts one request of `tenant` at `now_ms` (the store's clock); `Ok(Err(seconds to
    /// wait))` when the tenant has made `limit` requests in this minute, on any server.
    pub async fn check<S: RateStore + ?Sized>(
        &self,
        store: &S,
        tenant: TenantId,
        limit: u32,
        now_ms: i64,
    ) -> StoreResult<Result<(), u64>> {
        let minute = now_ms.div_euclid(60_000);
        let left_ms = (minute + 1) * 60_000 - now_ms;
        let retry_after = u64::try_from((left_ms + 999) / 1000).unwrap_or(1).max(1);
        match self.take(tenant, minute, limit) {
            Local::Admitted => return Ok(Ok(())),
            Local::Full => return Ok(Err(retry_after)),
            Local::Reserve => {}
        }
        let want = block(limit);
        let total = store.add_requests(tenant, minute, want).await?;
        let before = total.saturating_sub(u64::from(want));
        let granted = u64::from(limit).saturating_sub(before).min(u64::from(want));
        let granted = u32::try_from(granted).unwrap_or(0);
        Ok(if self.grant(tenant, minute, limit, granted) {
            Ok(())
        } else {
            Err(retry_after)
        })
    }

    fn windows(&self) -> std::sync::MutexGuard<'_, HashMap<TenantId, Window>> {
        self.windows.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Spends a reserved request, if this server holds one for the minute.
    fn take(&self, tenant: TenantId, minute: i64, limit: u32) -> Local {
        let mut map = self.windows();
        if map.len() > 100_000 {
            map.retain(|_, w| w.minute >= minute);
        }
        let w = map.entry(tenant).or_insert(Window {
            minute,
            left: 0,
            full_at: None,
        });
        if w.minute < minute {
            *w = Window {
                minute,
                left: 0,
                full_at: None,
            };
        }
        if w.minute == minute && w.left > 0 {
            w.left -= 1;
            return Local::Admitted;
        }
        if w.minute == minute && w.full_at.is_some_and(|at| at >= limit) {
            return Local::Full;
        }
        Local::Reserve
    }

    /// Adds what the store granted for the minute and spends one of it; false when
    /// nothing is left.
    fn grant(&self, tenant: TenantId, minute: i64, limit: u32, granted: u32) -> bool {
        let mut map = self.windows();
        let w = map.entry(tenant).or_insert(Window {
            minute,
            left: 0,
            full_at: None,
        });
        if w.minute != minute {
            // The minute ended while the store was asked (or a later one is already
            // counted here): this request counts in the minute it was reserved for.
            return granted > 0;
        }
        w.left += granted;
        if w.left > 0 {
            w.left -= 1;
            return true;
        }
        w.full_at = Some(limit);
        false
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use async_trait::async_trait;

    use super::*;

    /// A store's counter, in memory.
    #[derive(Default)]
    struct Counts(Mutex<HashMap<(TenantId, i64), u64>>);

    #[async_trait]
    impl RateStore for Counts {
        async fn add_requests(&self, tenant: TenantId, minute: i64, n: u32) -> StoreResult<u64> {
            let mut m = self.0.lock().expect("lock");
            let e = m.entry((tenant, minute)).or_insert(0);
            *e += u64::from(n);
            Ok(*e)
        }
    }

    #[tokio::test]
    async fn fixed_window() {
        let (r, s) = (RateLimiter::default(), Counts::default());
        let t = TenantId(1);
        assert_eq!(r.check(&s, t, 2, 60_000).await.expect("store"), Ok(()));
        assert_eq!(r.check(&s, t, 2, 60_500).await.expect("store"), Ok(()));
        assert_eq!(r.check(&s, t, 2, 61_000).await.expect("store"), Err(59));
        assert_eq!(r.check(&s, TenantId(2), 2, 61_000).await.expect("store"), Ok(()));
        assert_eq!(r.check(&s, t, 2, 120_000).await.expect("store"), Ok(()));
    }

    #[tokio::test]
    async fn servers_sharing_a_store_share_the_limit() {
        let s = Counts::default();
        let servers: Vec<RateLimiter> = (0..3).map(|_| RateLimiter::default()).collect();
        let (t, limit) = (TenantId(7), 500);
        let mut admitted = 0;
        for i in 0..2000 {
            if servers[i % 3].check(&s, t, limit, 60_000).await.expect("store").is_ok() {
                admitted += 1;
            }
        }
        let slack = 3 * (block(limit) - 1);
        assert!(admitted <= limit && admitted >= limit - slack, "{admitted}");
    }
}
