//! Signing in: the lockout policy, session and API tokens, and the CSRF token a cookie
//! session's changing requests must carry.

use sha2::{Digest, Sha256};

use super::Account;

/// Failed sign-ins in a row that lock an account.
pub const MAX_FAILURES: u32 = 5;
/// How long a locked account refuses sign-ins, even with the right password.
pub const LOCK_MS: i64 = 15 * 60 * 1000;
/// A session ends after this long without a request…
pub const SESSION_IDLE_MS: i64 = 2 * 60 * 60 * 1000;
/// …and this long after sign-in, whatever its use.
pub const SESSION_MAX_MS: i64 = 12 * 60 * 60 * 1000;
/// The prefix of API tokens, so that secret scanners and people recognise them.
pub const API_TOKEN_PREFIX: &str = "kiroku_at_";

/// What a session's use at `now_ms` does to it: `None` when it has expired; otherwise
/// the new expiry to store, or `Some(None)` when the sliding expiry would move by less than
/// a minute (not worth a write on every request).
pub fn session_use(created_ms: i64, expires_ms: i64, now_ms: i64) -> Option<Option<i64>> {
    if expires_ms <= now_ms {
        return None;
    }
    let next = (now_ms + SESSION_IDLE_MS).min(created_ms + SESSION_MAX_MS);
    Some((next > expires_ms + 60_000).then_some(next))
}

/// Whether the account refuses sign-ins at `now_ms`; the lock's end when it does.
pub fn locked(account: &Account, now_ms: i64) -> Option<i64> {
    account.locked_until_ms.filter(|until| *until > now_ms)
}

/// Whole seconds (at least 1) from `now_ms` until `until_ms`, for Retry-After.
pub fn secs_until(until_ms: i64, now_ms: i64) -> u64 {
    u64::try_from(until_ms - now_ms).unwrap_or(0).div_ceil(1000).max(1)
}

/// The failure count and lock after one more failed sign-in: the `MAX_FAILURES`th in a
/// row locks the account for `LOCK_MS` and starts the count again.
pub fn after_failure(failed_logins: u32, now_ms: i64) -> (u32, Option<i64>) {
    let n = failed_logins.saturating_add(1);
    if n >= MAX_FAILURES {
        (0, Some(now_ms + LOCK_MS))
    } else {
        (n, None)
    }
}

/// A fresh session token (about 256 random bits); the store keeps its digest only.
pub fn new_session_token() -> String {
    crate::tenant::credential::random_token(43)
}

/// A fresh API token; the store keeps its digest only.
pub fn new_api_token() -> String {
    format!("{API_TOKEN_PREFIX}{}", crate::tenant::credential::random_token(43))
}

/// What the store keeps of a session or API token.
pub fn digest(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

/// The CSRF token of a session: derived from the session token, so it needs no storage,
/// and useless without the cookie it belongs to.
pub fn csrf_token(session_token: &str) -> String {
    let d = Sha256::new()
        .chain_update(b"kiroku csrf\0")
        .chain_update(session_token.as_bytes())
        .finalize();
    d.iter().take(16).map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fifth_failure_locks() {
        let mut n = 0;
        for _ in 1..MAX_FAILURES {
            let (m, lock) = after_failure(n, 1000);
            assert!(lock.is_none());
            n = m;
        }
        assert_eq!(after_failure(n, 1000), (0, Some(1000 + LOCK_MS)));
    }

    #[test]
    fn a_session_slides_by_the_minute_and_never_past_its_maximum() {
        assert_eq!(session_use(0, 1000, 1000), None, "expired");
        assert_eq!(
            session_use(0, SESSION_IDLE_MS, 30_000),
            Some(None),
            "moved by less than a minute"
        );
        assert_eq!(
            session_use(0, SESSION_IDLE_MS, 3_600_000),
            Some(Some(3_600_000 + SESSION_IDLE_MS))
        );
        let late = SESSION_MAX_MS - 200_000;
        assert_eq!(
            session_use(0, SESSION_MAX_MS - 190_000, late),
            Some(Some(SESSION_MAX_MS)),
            "capped"
        );
        assert_eq!(
            session_use(0, SESSION_MAX_MS, late),
            Some(None),
            "at its maximum already"
        );
    }

    #[test]
    fn tokens() {
        let t = new_session_token();
        assert_eq!(t.len(), 43);
        assert_ne!(t, new_session_token());
        assert!(new_api_token().starts_with(API_TOKEN_PREFIX));
        assert_eq!(csrf_token(&t), csrf_token(&t));
        assert_ne!(csrf_token(&t), csrf_token(&new_session_token()));
        assert_eq!(csrf_token(&t).len(), 32);
    }
}
