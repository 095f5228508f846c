//! The time `X-Experience-API-Consistent-Through` and the rate-limit minutes are read
//! from: the store's clock, which `stored` times come from.
//!
//! With PostgreSQL every server stamps `stored` from the database's clock, so every server
//! must answer consistent-through from that clock too, not from its own (which may be
//! skewed). Asking the database on every response would cost a round trip each, so a
//! sample is kept: the database's time `D`, and the monotonic instant `t0` just *before*
//! asking. The database read its clock after `t0`, so `D + (now − t0)` is never earlier
//! than the database's time now: a consistent-through value is never earlier than the
//! `stored` time of a statement already acknowledged, by any server. It may be later by
//! the round trip of the sample (well under a millisecond on a LAN) plus `SLEW_MS`.
//! Samples are renewed every `REFRESH`, so the database's clock being slewed against
//! this machine's monotonic clock (NTP: at most 500 ppm) moves it by less than
//! `SLEW_MS`. With SQLite, the store's clock is this process's own.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::clock;
use crate::store::ClockStore;

/// How old a sample may get before it is renewed.
const REFRESH: Duration = Duration::from_secs(1);
/// Added to cover the database clock's slewing between samples (500 ppm of `REFRESH`).
const SLEW_MS: i64 = 1;

/// The store's clock, read through a cached sample.
#[derive(Debug, Default)]
pub struct DbClock {
    // A std mutex: held to copy or replace a sample, never across an await.
    sample: Mutex<Option<Sample>>,
    /// One caller renews an old sample; the others go on with the old one meanwhile.
    renewing: AtomicBool,
    /// The store said its clock is this process's (`ClockStore::clock_us` → `None`).
    local: AtomicBool,
}

#[derive(Debug, Clone, Copy)]
struct Sample {
    db_us: i64,
    asked: Instant,
}

impl Sample {
    fn now_ms(self) -> i64 {
        let elapsed = i64::try_from(self.asked.elapsed().as_micros()).unwrap_or(i64::MAX / 2);
        (self.db_us + elapsed).div_euclid(1000) + SLEW_MS
    }
}

impl DbClock {
    /// The store's time now, epoch milliseconds. When the database cannot be asked, the
    /// last sample (or, without one, this machine's clock) answers and the failure is
    /// logged.
    pub async fn now_ms<S: ClockStore + ?Sized>(&self, store: &S) -> i64 {
        if self.local.load(Ordering::Relaxed) {
            return clock::now_ms();
        }
        let current = *self.sample.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(s) = current
            && s.asked.elapsed() < REFRESH
        {
            return s.now_ms();
        }
        if current.is_some() && self.renewing.swap(true, Ordering::AcqRel) {
            return current.map_or_else(clock::now_ms, Sample::now_ms);
        }
        let renewed = self.renew(store).await;
        self.renewing.store(false, Ordering::Release);
        renewed.or(current).map_or_else(clock::now_ms, Sample::now_ms)
    }

    async fn renew<S: ClockStore + ?Sized>(&self, store: &S) -> Option<Sample> {
        let asked = Instant::now();
        match store.clock_us().await {
            Ok(Some(db_us)) => {
                let s = Sample { db_us, asked };
                *self.sample.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(s);
                Some(s)
            }
            Ok(None) => {
                self.local.store(true, Ordering::Relaxed);
                None
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot read the database clock; using the last sample");
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use async_trait::async_trait;

    use super::*;
    use crate::store::StoreResult;

    /// A database whose clock runs an hour ahead of this machine's.
    struct Ahead;

    #[async_trait]
    impl ClockStore for Ahead {
        async fn clock_us(&self) -> StoreResult<Option<i64>> {
            Ok(Some((clock::now_ms() + 3_600_000) * 1000))
        }
    }

    struct Local;

    #[async_trait]
    impl ClockStore for Local {
        async fn clock_us(&self) -> StoreResult<Option<i64>> {
            Ok(None)
        }
    }

    #[tokio::test]
    async fn follows_the_database_clock_not_the_local_one() {
        let c = DbClock::default();
        let before = clock::now_ms() + 3_600_000;
        let t = c.now_ms(&Ahead).await;
        assert!(t >= before && t < before + 1000, "{t} vs {before}");
        let again = c.now_ms(&Ahead).await;
        assert!(again >= t, "never goes back within a sample");
    }

    #[tokio::test]
    async fn a_local_store_uses_the_local_clock() {
        let c = DbClock::default();
        let before = clock::now_ms();
        let t = c.now_ms(&Local).await;
        assert!(t >= before && t < before + 1000);
    }
}
