//! Login throttling by client address, in memory on each server: a burst of failed
//! sign-ins from one address (guessing across many logins) is slowed down, while the
//! lockout in the store protects each account whatever the address.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;

/// Failed sign-ins one address may make per window…
pub const MAX_FAILURES_PER_WINDOW: u32 = 20;
/// …of this length.
pub const WINDOW_MS: i64 = 60_000;
/// Addresses remembered at most (the oldest windows are dropped beyond it).
const MAX_ADDRESSES: usize = 100_000;

#[derive(Default)]
pub struct LoginThrottle {
    failures: Mutex<HashMap<IpAddr, (i64, u32)>>,
}

impl LoginThrottle {
    /// `Err(seconds to wait)` while the address has used up its failures in this window.
    pub fn check(&self, addr: Option<IpAddr>, now_ms: i64) -> Result<(), u64> {
        let Some(addr) = addr else { return Ok(()) };
        let map = self.failures.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        match map.get(&addr) {
            Some((start, n)) if now_ms - start < WINDOW_MS && *n >= MAX_FAILURES_PER_WINDOW => {
                Err(super::login::secs_until(start + WINDOW_MS, now_ms))
            }
            _ => Ok(()),
        }
    }

    /// Counts a failed sign-in from the address.
    pub fn failed(&self, addr: Option<IpAddr>, now_ms: i64) {
        let Some(addr) = addr else { return };
        let mut map = self.failures.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if map.len() >= MAX_ADDRESSES {
            map.retain(|_, (start, _)| now_ms - *start < WINDOW_MS);
        }
        let entry = map.entry(addr).or_insert((now_ms, 0));
        if now_ms - entry.0 >= WINDOW_MS {
            *entry = (now_ms, 0);
        }
        entry.1 += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_is_slowed_after_its_failures() {
        let t = LoginThrottle::default();
        let a = Some(IpAddr::from([10, 0, 0, 1]));
        for _ in 0..MAX_FAILURES_PER_WINDOW {
            assert!(t.check(a, 1_000).is_ok());
            t.failed(a, 1_000);
        }
        assert_eq!(t.check(a, 1_000), Err(60));
        assert!(t.check(Some(IpAddr::from([10, 0, 0, 2])), 1_000).is_ok());
        assert!(t.check(a, 1_000 + WINDOW_MS).is_ok(), "a new window starts afresh");
    }
}
