//! Session and total times: SCORM 1.2 `CMITimespan` (`HHHH:MM:SS.SS`) and SCORM 2004
//! `timeinterval (second,10,2)` (ISO 8601 durations), both counted in hundredths.

/// Hundredths of a second in a SCORM 1.2 timespan, `HHHH:MM:SS[.SS]`.
pub fn parse_scorm12(s: &str) -> Option<u64> {
    let mut parts = s.split(':');
    let (h, m, sec) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || h.is_empty() || h.len() > 4 || m.len() != 2 {
        return None;
    }
    let hours: u64 = h.parse().ok()?;
    let minutes: u64 = m.parse().ok().filter(|m| *m < 60)?;
    let (whole, frac) = sec.split_once('.').unwrap_or((sec, ""));
    if whole.len() != 2 || frac.len() > 2 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let seconds: u64 = whole.parse().ok().filter(|s| *s < 60)?;
    let hundredths = if frac.is_empty() {
        0
    } else {
        format!("{frac:0<2}").parse::<u64>().ok()?
    };
    Some(((hours * 60 + minutes) * 60 + seconds) * 100 + hundredths)
}

/// `HHHH:MM:SS.SS` (hours capped at 9999, as the type allows).
pub fn format_scorm12(hundredths: u64) -> String {
    let capped = hundredths.min(((9999 * 60 + 59) * 60 + 59) * 100 + 99);
    let (cs, s) = (capped % 100, capped / 100);
    format!("{:04}:{:02}:{:02}.{cs:02}", s / 3600, (s / 60) % 60, s % 60)
}

/// Hundredths in an ISO 8601 duration (`P[nY][nM][nD][T[nH][nM][n[.n]S]]`); years count
/// 365 days and months 30, as the SCORM 2004 run-time environment book does.
pub fn parse_scorm2004(s: &str) -> Option<u64> {
    let body = s.strip_prefix('P')?;
    let (date, time) = body.split_once('T').unwrap_or((body, ""));
    if body.is_empty() || (body.contains('T') && time.is_empty()) {
        return None;
    }
    let mut total = 0f64;
    for (part, units) in [
        (date, &[('Y', 31_536_000f64), ('M', 2_592_000.0), ('D', 86_400.0)][..]),
        (time, &[('H', 3600.0), ('M', 60.0), ('S', 1.0)][..]),
    ] {
        let mut rest = part;
        for (unit, secs) in units {
            if let Some((number, after)) = rest.split_once(*unit) {
                let n: f64 = number.parse().ok().filter(|n: &f64| *n >= 0.0)?;
                total += n * secs;
                rest = after;
            }
        }
        if !rest.is_empty() {
            return None;
        }
    }
    Some((total * 100.0).round() as u64)
}

/// `PT{h}H{m}M{s}S` with hundredths, the form LMSs report.
pub fn format_scorm2004(hundredths: u64) -> String {
    let (cs, s) = (hundredths % 100, hundredths / 100);
    format!("PT{}H{}M{}.{cs:02}S", s / 3600, (s / 60) % 60, s % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scorm12() {
        assert_eq!(parse_scorm12("0000:01:02.5"), Some(6250));
        assert_eq!(parse_scorm12("12:00:00"), Some(4_320_000));
        assert_eq!(parse_scorm12("1:60:00"), None);
        assert_eq!(parse_scorm12("00:00:00.123"), None);
        assert_eq!(format_scorm12(6250), "0000:01:02.50");
    }

    #[test]
    fn scorm2004() {
        assert_eq!(parse_scorm2004("PT1M2.5S"), Some(6250));
        assert_eq!(parse_scorm2004("P1DT1H"), Some(9_000_000));
        assert_eq!(parse_scorm2004("PT"), None);
        assert_eq!(parse_scorm2004("1H"), None);
        assert_eq!(format_scorm2004(9_000_000), "PT25H0M0.00S");
        assert_eq!(parse_scorm2004(&format_scorm2004(123_456)), Some(123_456));
    }
}
