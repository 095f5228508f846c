//! Requests per minute per tenant, counted in memory in fixed one-minute windows.
//!
//! Each server counts what it answers: with several servers behind a load balancer a
//! tenant can make up to (servers × limit) requests a minute. Moving the counters into the
//! store would make the limit exact at the price of one write per request.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::tenant::TenantId;

/// Tenants' request counts in the current minute.
#[derive(Debug, Default)]
pub struct RateLimiter {
    // A std mutex: held for one map update, never across an await.
    windows: Mutex<HashMap<TenantId, (i64, u32)>>,
}

impl RateLimiter {
    /// Counts one request of `tenant` at `now_ms`; `Err(seconds to wait)` when it is over
    /// `limit` in this minute (the request is not counted then).
    pub fn check(&self, tenant: TenantId, limit: u32, now_ms: i64) -> Result<(), u64> {
        let minute = now_ms.div_euclid(60_000);
        let mut map = self.windows.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if map.len() > 100_000 {
            map.retain(|_, (m, _)| *m == minute);
        }
        let entry = map.entry(tenant).or_insert((minute, 0));
        if entry.0 != minute {
            *entry = (minute, 0);
        }
        if entry.1 >= limit {
            let left_ms = (minute + 1) * 60_000 - now_ms;
            return Err(u64::try_from((left_ms + 999) / 1000).unwrap_or(1).max(1));
        }
        entry.1 += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_window() {
        let r = RateLimiter::default();
        let t = TenantId(1);
        assert!(r.check(t, 2, 60_000).is_ok());
        assert!(r.check(t, 2, 60_500).is_ok());
        assert_eq!(r.check(t, 2, 61_000), Err(59));
        assert!(r.check(TenantId(2), 2, 61_000).is_ok());
        assert!(r.check(t, 2, 120_000).is_ok());
    }
}
