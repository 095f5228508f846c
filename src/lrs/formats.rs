//! Lexical checks for the xAPI special data types: IRIs, UUIDs, mailto IRIs,
//! ISO 8601 timestamps and durations, RFC 5646 language tags.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate};

/// An absolute IRI: a scheme, a colon, and no whitespace or control characters.
pub fn is_iri(s: &str) -> bool {
    let Some((scheme, rest)) = s.split_once(':') else {
        return false;
    };
    let mut sb = scheme.bytes();
    let scheme_ok = sb.next().is_some_and(|b| b.is_ascii_alphabetic())
        && sb.all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b));
    scheme_ok
        && !rest.is_empty()
        && !s
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "<>\"{}|\\^`".contains(c))
}

/// A UUID in its hyphenated 8-4-4-4-12 form, any case.
pub fn is_uuid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// `mailto:` followed by something shaped like an e-mail address.
pub fn is_mailto(s: &str) -> bool {
    let Some(addr) = s.strip_prefix("mailto:") else {
        return false;
    };
    let Some((local, domain)) = addr.rsplit_once('@') else {
        return false;
    };
    !local.is_empty() && !domain.is_empty() && !addr.chars().any(|c| c.is_whitespace() || c.is_control())
}

pub fn is_sha1_hex(s: &str) -> bool {
    s.len() == 40 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// SHA-2 (224, 256, 384 or 512 bits) as hex.
pub fn is_sha2_hex(s: &str) -> bool {
    matches!(s.len(), 56 | 64 | 96 | 128) && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// RFC 5646 language tag, checked structurally: subtags of 1–8 alphanumerics,
/// the first of 2–8 letters (or the private-use `x` / grandfathered `i`).
pub fn is_language_tag(s: &str) -> bool {
    let mut parts = s.split('-');
    let Some(first) = parts.next() else {
        return false;
    };
    let first_ok = (first.len() >= 2 && first.len() <= 8 && first.bytes().all(|b| b.is_ascii_alphabetic()))
        || first.eq_ignore_ascii_case("x")
        || first.eq_ignore_ascii_case("i");
    first_ok && parts.all(|p| !p.is_empty() && p.len() <= 8 && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// Parses an ISO 8601 date-time as xAPI uses it (`YYYY-MM-DDThh:mm:ss[.f][Z|±hh:mm|±hhmm|±hh]`).
/// `require_zone` rejects values without an offset. `-00:00` is refused, as RFC 3339 gives
/// it the meaning "offset unknown", which xAPI forbids. A time whose UTC form falls
/// outside years 0000–9999 is refused: statements store timestamps in UTC, and such a
/// time would be stored in a form (`+10000-…`) that no conformant LRS accepts back.
pub fn parse_timestamp(s: &str, require_zone: bool) -> Option<DateTime<FixedOffset>> {
    let (date, rest) = s.split_once('T')?;
    let d = date.as_bytes();
    if !matches!(d, [_, _, _, _, b'-', _, _, b'-', _, _]) {
        return None;
    }
    let day = NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()?;
    let (time, zone) = split_zone(rest)?;
    let offset_secs = parse_zone(zone, require_zone)?;
    let naive_time = parse_time(time)?;
    let offset = FixedOffset::east_opt(offset_secs)?;
    let t = day.and_time(naive_time).and_local_timezone(offset).single()?;
    (0..=9999).contains(&t.with_timezone(&chrono::Utc).year()).then_some(t)
}

fn split_zone(rest: &str) -> Option<(&str, &str)> {
    if let Some(t) = rest.strip_suffix('Z').or_else(|| rest.strip_suffix('z')) {
        return Some((t, "Z"));
    }
    match rest.find(['+', '-']) {
        Some(i) => rest.split_at_checked(i),
        None => Some((rest, "")),
    }
}

fn parse_zone(zone: &str, require_zone: bool) -> Option<i32> {
    match zone {
        "" if require_zone => None,
        "" | "Z" => Some(0),
        _ => {
            let sign = if zone.starts_with('-') { -1 } else { 1 };
            let digits: String = zone.chars().skip(1).filter(|c| *c != ':').collect();
            let well_formed = matches!(zone.len(), 3 | 5 | 6)
                && digits.bytes().all(|b| b.is_ascii_digit())
                && (zone.len() != 6 || zone.as_bytes().get(3) == Some(&b':'))
                && (zone.len() != 5 || !zone.contains(':'));
            if !well_formed || zone == "-00:00" || zone == "-0000" || zone == "-00" {
                return None;
            }
            let h: i32 = digits.get(0..2)?.parse().ok()?;
            let m: i32 = digits.get(2..4).map_or(Some(0), |m| m.parse().ok())?;
            (h < 24 && m < 60).then_some(sign * (h * 3600 + m * 60))
        }
    }
}

fn parse_time(t: &str) -> Option<chrono::NaiveTime> {
    let (hms, frac) = match t.split_once('.') {
        Some((a, f)) if !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()) => (a, Some(f)),
        Some(_) => return None,
        None => (t, None),
    };
    let b = hms.as_bytes();
    if !matches!(b, [_, _, b':', _, _, b':', _, _]) {
        return None;
    }
    let num = |r: std::ops::Range<usize>| hms.get(r)?.parse::<u32>().ok();
    let (h, m, s) = (num(0..2)?, num(3..5)?, num(6..8)?);
    let nanos = frac.map_or(0, |f| {
        let f9: String = f.chars().chain(std::iter::repeat('0')).take(9).collect();
        f9.parse::<u32>().unwrap_or(0)
    });
    chrono::NaiveTime::from_hms_nano_opt(h, m, s, nanos)
}

/// A timestamp in UTC with at least millisecond precision (`…T05:32:34.800Z`); finer
/// fractions are kept.
pub fn utc_timestamp(t: &DateTime<FixedOffset>) -> String {
    let utc = t.with_timezone(&chrono::Utc);
    let nanos = utc.timestamp_subsec_nanos();
    let fmt = if nanos.is_multiple_of(1_000_000) {
        chrono::SecondsFormat::Millis
    } else if nanos.is_multiple_of(1_000) {
        chrono::SecondsFormat::Micros
    } else {
        chrono::SecondsFormat::Nanos
    };
    utc.to_rfc3339_opts(fmt, true)
}

/// ISO 8601 duration: `P[nY][nM][nW][nD][T[nH][nM][n[.n]S]]`, at least one part.
pub fn is_duration(s: &str) -> bool {
    let Some(body) = s.strip_prefix('P') else {
        return false;
    };
    if let Some(weeks) = body.strip_suffix('W') {
        // Weeks stand alone: `P4W`, never `P4W1D`.
        return !weeks.is_empty() && weeks.bytes().all(|b| b.is_ascii_digit());
    }
    let (date, time) = match body.split_once('T') {
        Some((d, t)) => (d, Some(t)),
        None => (body, None),
    };
    let date_ok = designators(date, "YMD");
    let time_ok = time.is_none_or(|t| !t.is_empty() && designators(t, "HMS"));
    let any = date.len() + time.map_or(0, str::len) > 0;
    date_ok && time_ok && any
}

fn designators(s: &str, order: &str) -> bool {
    let mut allowed = order.chars();
    let mut num = String::new();
    let last = s.len().saturating_sub(1);
    for (i, c) in s.char_indices() {
        if c.is_ascii_digit() || c == '.' {
            num.push(c);
            continue;
        }
        // Only the smallest (last) component may carry a fraction.
        let bad_number = num.is_empty() || num.parse::<f64>().is_err() || (num.contains('.') && i != last);
        if bad_number || !allowed.by_ref().any(|d| d == c) {
            return false;
        }
        num.clear();
    }
    num.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps() {
        for ok in [
            "2013-05-18T05:32:34.804Z",
            "2013-05-18T05:32:34+00:00",
            "2013-05-18T05:32:34.1+0530",
            "2013-05-18T05:32:34-05",
        ] {
            assert!(parse_timestamp(ok, true).is_some(), "{ok}");
        }
        for bad in [
            "2013-05-18",
            "2013-05-18T05:32:34.804-00:00",
            "2013-13-18T05:32:34Z",
            "2013-05-18 05:32:34Z",
            "2013-05-18T25:00:00Z",
            "x",
        ] {
            assert!(parse_timestamp(bad, false).is_none(), "{bad}");
        }
        assert!(parse_timestamp("2013-05-18T05:32:34", false).is_some());
        assert!(parse_timestamp("2013-05-18T05:32:34", true).is_none());
    }

    /// Issue 12: a time whose UTC form leaves years 0000–9999 was stored as `+10000-…`,
    /// which the LRS then refused when the same statement was posted back.
    #[test]
    fn timestamps_outside_four_digit_utc_years_are_refused() {
        for bad in ["9999-12-31T23:59:59.999999999-23:59", "0000-01-01T00:00:00+00:01"] {
            assert!(parse_timestamp(bad, false).is_none(), "{bad}");
        }
        for ok in [
            "9999-12-31T23:59:59.999999999Z",
            "0000-01-01T00:00:00Z",
            "9999-12-31T23:00:00-00:59",
        ] {
            let t = parse_timestamp(ok, false).expect(ok);
            let utc = utc_timestamp(&t);
            assert!(parse_timestamp(&utc, true).is_some(), "{ok} -> {utc}");
        }
    }

    #[test]
    fn durations() {
        for ok in ["PT1H", "P1Y2M3DT4H5M6.7S", "P4W", "PT0.5S", "P1D"] {
            assert!(is_duration(ok), "{ok}");
        }
        for bad in ["P", "PT", "1H", "PT1H1H", "P1H", "PTS", "PT1.5H1S", "P4W1D"] {
            assert!(!is_duration(bad), "{bad}");
        }
    }

    #[test]
    fn iris_and_ids() {
        assert!(is_iri("http://adlnet.gov/expapi/verbs/attempted"));
        assert!(is_iri("urn:x:y"));
        assert!(!is_iri("not an iri"));
        assert!(!is_iri("adlnet.gov/verbs"));
        assert!(is_uuid("2d6a2b9e-5e4c-4d2e-8c43-0d0d7c5b36d2"));
        assert!(!is_uuid("2d6a2b9e5e4c4d2e8c430d0d7c5b36d2"));
        assert!(is_mailto("mailto:a@example.com"));
        assert!(!is_mailto("a@example.com"));
        assert!(is_language_tag("en-US"));
        assert!(is_language_tag("zh-Hant-TW"));
        assert!(!is_language_tag("not a tag"));
    }
}
