//! `Range: bytes=…` for one range (what media players send). Several ranges are answered
//! with the whole file, which RFC 9110 allows.

/// What to send for a Range header against a file of `size` bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RangeAnswer {
    /// No usable range: send everything (200).
    Full,
    /// Bytes `start..=end` (206).
    Partial { start: u64, end: u64 },
    /// The range lies outside the file (416).
    Unsatisfiable,
}

pub fn parse(header: &str, size: u64) -> RangeAnswer {
    let Some(spec) = header.trim().strip_prefix("bytes=") else {
        return RangeAnswer::Full;
    };
    if spec.contains(',') {
        return RangeAnswer::Full;
    }
    let Some((a, b)) = spec.trim().split_once('-') else {
        return RangeAnswer::Full;
    };
    let (a, b) = (a.trim(), b.trim());
    let parsed = match (a.parse::<u64>().ok(), b.parse::<u64>().ok()) {
        (Some(start), Some(end)) if start <= end => Some((start, end.min(size.saturating_sub(1)))),
        (Some(_), Some(_)) => return RangeAnswer::Full,
        (Some(start), None) if b.is_empty() => Some((start, size.saturating_sub(1))),
        (None, Some(suffix)) if a.is_empty() => {
            if suffix == 0 {
                return RangeAnswer::Unsatisfiable;
            }
            Some((size.saturating_sub(suffix), size.saturating_sub(1)))
        }
        _ => return RangeAnswer::Full,
    };
    match parsed {
        Some((start, end)) if size > 0 && start < size => RangeAnswer::Partial { start, end },
        _ => RangeAnswer::Unsatisfiable,
    }
}

#[cfg(test)]
mod tests {
    use super::{RangeAnswer::*, parse};

    #[test]
    fn ranges() {
        assert_eq!(parse("bytes=0-99", 1000), Partial { start: 0, end: 99 });
        assert_eq!(parse("bytes=900-", 1000), Partial { start: 900, end: 999 });
        assert_eq!(parse("bytes=-100", 1000), Partial { start: 900, end: 999 });
        assert_eq!(parse("bytes=990-2000", 1000), Partial { start: 990, end: 999 });
        assert_eq!(parse("bytes=1000-", 1000), Unsatisfiable);
        assert_eq!(parse("bytes=-0", 1000), Unsatisfiable);
        assert_eq!(parse("bytes=0-1,5-6", 1000), Full);
        assert_eq!(parse("items=0-1", 1000), Full);
        assert_eq!(parse("bytes=5-1", 1000), Full);
        assert_eq!(parse("bytes=0-", 0), Unsatisfiable);
    }
}
