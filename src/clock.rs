//! Wall-clock helpers: xAPI timestamps are milliseconds since the Unix epoch inside
//! kiroku and RFC 3339 strings (UTC, millisecond precision) on the wire.

use chrono::{DateTime, SecondsFormat, Utc};

/// Milliseconds since the Unix epoch, now.
pub fn now_ms() -> i64 {
    Utc::now().timestamp_millis()
}

/// The wall clock a server decides expiries by (launch links and their credentials):
/// the system's, or one a test sets and moves, so no test waits for time to pass.
#[derive(Debug, Clone, Default)]
pub enum Clock {
    #[default]
    System,
    /// Epoch milliseconds, moved by hand (`advance`).
    Manual(std::sync::Arc<std::sync::atomic::AtomicI64>),
}

impl Clock {
    /// A hand-moved clock starting at the system's time.
    pub fn manual() -> Self {
        Self::Manual(std::sync::Arc::new(std::sync::atomic::AtomicI64::new(now_ms())))
    }

    pub fn now_ms(&self) -> i64 {
        match self {
            Self::System => now_ms(),
            Self::Manual(ms) => ms.load(std::sync::atomic::Ordering::SeqCst),
        }
    }

    /// Moves a manual clock on by `ms`; the system clock moves by itself.
    pub fn advance(&self, ms: i64) {
        if let Self::Manual(at) = self {
            at.fetch_add(ms, std::sync::atomic::Ordering::SeqCst);
        }
    }
}

/// Formats epoch milliseconds as `2026-01-02T03:04:05.678Z`.
pub fn format_ms(ms: i64) -> String {
    DateTime::<Utc>::from_timestamp_millis(ms)
        .unwrap_or_default()
        .to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// `YYYY-MM-DD` as the start of that day (UTC), in milliseconds.
pub fn day_ms(day: &str) -> Option<i64> {
    let d = chrono::NaiveDate::parse_from_str(day.trim(), "%Y-%m-%d").ok()?;
    Some(d.and_hms_opt(0, 0, 0)?.and_utc().timestamp_millis())
}

/// Formats epoch milliseconds as an HTTP date (`Last-Modified`).
pub fn http_date(ms: i64) -> String {
    DateTime::<Utc>::from_timestamp_millis(ms)
        .unwrap_or_default()
        .format("%a, %d %b %Y %H:%M:%S GMT")
        .to_string()
}
