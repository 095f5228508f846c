//! Dates, numbers and durations as each language writes them, through the catalogs'
//! `date-time`, `month-*` and `duration-*` messages (so a translator changes the order
//! and the words, not code). Times are shown in UTC and say so.

use super::{Arg, Lang, t, t_args};

/// An integer with its thousands grouped (`1,234,567`; Japanese groups the same way).
pub fn format_number(_lang: Lang, n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    let len = digits.len();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (len - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A point in time (epoch milliseconds) to the minute: `7 Dec 2026, 10:13 UTC`,
/// `2026年12月7日 10:13 UTC`. Out of chrono's range it is written as the number.
pub fn format_date_time(lang: Lang, epoch_ms: i64) -> String {
    use chrono::{Datelike, Timelike};
    let Some(at) = chrono::DateTime::from_timestamp_millis(epoch_ms) else {
        return format_number(lang, epoch_ms);
    };
    let month = t(lang, &format!("month-{}", at.month()));
    t_args(
        lang,
        "date-time",
        &[
            ("year", Arg::from(at.year().to_string())),
            ("month", Arg::from(month)),
            ("day", Arg::from(at.day().to_string())),
            ("hour", Arg::from(format!("{:02}", at.hour()))),
            ("minute", Arg::from(format!("{:02}", at.minute()))),
        ],
    )
}

/// A calendar day written `YYYY-MM-DD` (a due date) as the language writes a date:
/// `31 Jan 2030`, `2030年1月31日`. Text that is not such a day is shown as it is.
pub fn format_day(lang: Lang, day: &str) -> String {
    use chrono::Datelike;
    let Ok(d) = chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d") else {
        return day.to_owned();
    };
    let month = t(lang, &format!("month-{}", d.month()));
    t_args(
        lang,
        "date",
        &[
            ("year", Arg::from(d.year().to_string())),
            ("month", Arg::from(month)),
            ("day", Arg::from(d.day().to_string())),
        ],
    )
}

/// A length of time in its two largest units (`1 hour 5 minutes`, `1時間5分`); under a
/// second is `0 seconds`. Negative lengths count as zero.
pub fn format_duration(lang: Lang, ms: i64) -> String {
    let secs = ms.max(0) / 1000;
    let units = [
        ("duration-days", secs / 86_400),
        ("duration-hours", secs / 3600 % 24),
        ("duration-minutes", secs / 60 % 60),
        ("duration-seconds", secs % 60),
    ];
    let mut parts = units
        .iter()
        .skip_while(|(_, n)| *n == 0)
        .take(2)
        .filter(|(_, n)| *n > 0)
        .map(|(id, n)| t_args(lang, id, &[("n", Arg::Num(*n))]));
    match (parts.next(), parts.next()) {
        (Some(a), Some(b)) => t_args(lang, "duration-join", &[("a", a.into()), ("b", b.into())]),
        (Some(a), None) => a,
        _ => t_args(lang, "duration-seconds", &[("n", Arg::Num(0))]),
    }
}

/// A size in bytes in the largest unit that keeps a number of at least 1 (`980 B`,
/// `1.2 MB`), units as both languages write them.
pub fn format_bytes(lang: Lang, n: u64) -> String {
    const UNITS: [&str; 4] = ["KB", "MB", "GB", "TB"];
    if n < 1000 {
        return format!("{} B", format_number(lang, i64::try_from(n).unwrap_or(i64::MAX)));
    }
    #[allow(clippy::cast_precision_loss, reason = "a size shown to one decimal")]
    let mut v = n as f64 / 1000.0;
    let mut unit = 0;
    while v >= 1000.0 && unit + 1 < UNITS.len() {
        v /= 1000.0;
        unit += 1;
    }
    format!("{v:.1} {}", UNITS.get(unit).copied().unwrap_or("TB"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_group_thousands() {
        for (n, want) in [(0, "0"), (999, "999"), (1000, "1,000"), (-1_234_567, "-1,234,567")] {
            assert_eq!(format_number(Lang::Ja, n), want);
            assert_eq!(format_number(Lang::En, n), want);
        }
        assert_eq!(format_number(Lang::En, i64::MIN), "-9,223,372,036,854,775,808");
    }

    #[test]
    fn dates_per_language() {
        let ms = 1_796_638_380_000; // 2026-12-07T10:13:00Z
        assert_eq!(format_date_time(Lang::En, ms), "7 Dec 2026, 10:13 UTC");
        assert_eq!(format_date_time(Lang::Ja, ms), "2026年12月7日 10:13 UTC");
        assert_eq!(format_date_time(Lang::En, i64::MAX), "9,223,372,036,854,775,807");
        assert_eq!(format_day(Lang::En, "2030-01-31"), "31 Jan 2030");
        assert_eq!(format_day(Lang::Ja, "2030-01-31"), "2030年1月31日");
        assert_eq!(format_day(Lang::Ja, "2030-02-30"), "2030-02-30");
        assert_eq!(format_day(Lang::Ja, "来週"), "来週");
    }

    #[test]
    fn durations_per_language() {
        let cases = [
            (0, "0 seconds", "0秒"),
            (1000, "1 second", "1秒"),
            (3_900_000, "1 hour 5 minutes", "1時間5分"),
            (3_600_000, "1 hour", "1時間"),
            (90_061_000, "1 day 1 hour", "1日1時間"),
            (-5, "0 seconds", "0秒"),
        ];
        for (ms, en, ja) in cases {
            assert_eq!(format_duration(Lang::En, ms), en);
            assert_eq!(format_duration(Lang::Ja, ms), ja);
        }
    }

    #[test]
    fn sizes_take_the_largest_unit() {
        use super::format_bytes;
        assert_eq!(format_bytes(Lang::Ja, 0), "0 B");
        assert_eq!(format_bytes(Lang::En, 999), "999 B");
        assert_eq!(format_bytes(Lang::En, 1_234), "1.2 KB");
        assert_eq!(format_bytes(Lang::Ja, 48_500_000), "48.5 MB");
        assert_eq!(format_bytes(Lang::En, u64::MAX), "18446744.1 TB");
    }
}
