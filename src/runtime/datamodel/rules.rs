//! The lexical rules the data types share and that no element row carries: limits,
//! delimiters and token lists. `values.rs`, `responses.rs` and `check.rs` read them from
//! `RULES`, and `table_json` sends the same struct to the browser bridge as `rules`, so the
//! bridge keeps no copy of its own.

use std::sync::LazyLock;

use serde::Serialize;

/// A count of digits or characters: at least `.0`, at most `.1`.
pub type Span = (usize, usize);

/// Every rule, as sent to the bridge.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Rules {
    /// Last name segments that are keywords: never set (RTE 3.1.7, 1.2 RTE 3.4.4).
    pub keywords: Keywords,
    /// The name segment that stands for a collection index in table names.
    pub index: &'static str,
    pub identifier: Identifiers,
    pub language_tag: LanguageTag,
    /// 1.2 `CMITime`.
    pub cmi_time: Clock,
    /// 1.2 `CMITimespan`.
    pub cmi_timespan: Clock,
    /// 2004 `time(second,10,2)`.
    pub time: Time,
    /// 2004 `timeinterval(second,10,2)`.
    pub time_interval: TimeInterval,
    /// 2004 `adl.nav.request` and `adl.nav.request_valid.*`.
    pub nav: Nav,
    /// 2004 interaction responses (RTE 4.2.9); each type's formats are in `interaction_types`.
    pub responses: Responses,
    /// How many characters of a refused value a diagnostic shows.
    pub diagnostic_chars: usize,
}

/// The keywords: `_children` lists an element's children, `_count` counts a collection,
/// `_version` names the data model's version.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Keywords {
    pub children: &'static str,
    pub count: &'static str,
    pub version: &'static str,
}

impl Keywords {
    pub fn contains(&self, segment: &str) -> bool {
        [self.children, self.count, self.version].contains(&segment)
    }
}

/// Identifiers (1.2 `CMIIdentifier`, 2004 `long_identifier_type` and `short_identifier_type`).
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Identifiers {
    /// A long identifier starting with this (ASCII case ignored) is a URN: `urn:NID:NSS`.
    pub urn_prefix: &'static str,
    /// The longest namespace identifier (RFC 2141: 1–32 letters, digits or hyphens, not
    /// starting with a hyphen).
    pub urn_nid_max: usize,
    /// The maximum of a short identifier (interaction responses).
    pub short_spm: usize,
    /// Characters a short identifier may not contain, so that a response delimiter is never
    /// part of one.
    pub short_refused: &'static [&'static str],
}

/// An RFC 3066-style language tag: a primary tag of letters, then subtags of letters and digits.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct LanguageTag {
    pub primary: Span,
    pub subtag: Span,
    pub separator: &'static str,
    /// The delimiter name of a localized string (`{lang=en}text`).
    pub delimiter: &'static str,
}

/// 1.2 `CMITime` / `CMITimespan`: `H…:MM:SS[.S[S]]`.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Clock {
    /// How many digits the hours have.
    pub hours: Span,
    pub max_hours: u64,
    /// Digits of the fraction of a second.
    pub fraction: Span,
}

/// 2004 `time(second,10,2)`: `YYYY[-MM[-DD[Thh[:mm[:ss[.s[TZD]]]]]]]`.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Time {
    /// The first and last year (inclusive).
    pub years: (u64, u64),
    /// The fields after the year, in order: separator, least and greatest value (two digits each).
    pub fields: &'static [(&'static str, u64, u64)],
    /// Digits of the fraction of a second (after all fields); a time zone may follow it only.
    pub fraction: Span,
    /// `Z`, or an offset `+hh[:mm]` / `-hh[:mm]` with hours up to this.
    pub zone_max_hours: u64,
}

/// 2004 `timeinterval(second,10,2)`: `P[nY][nM][nD][T[nH][nM][n[.n[n]]S]]`.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct TimeInterval {
    /// Digits of each number.
    pub digits: Span,
    /// Digits of the fraction of seconds (the last clock designator).
    pub fraction: Span,
    pub date: &'static [&'static str],
    pub clock: &'static [&'static str],
}

/// `adl.nav.request`: a token of `requests`, or `{target=ID}` then a token of `targets`.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Nav {
    pub requests: &'static [&'static str],
    pub targets: &'static [&'static str],
    /// The delimiter name before a target.
    pub target: &'static str,
    /// The maximum of a target identifier.
    pub target_spm: usize,
    /// The elements that say which requests are valid: `…continue`, `…choice.{target=ID}`.
    pub valid_prefix: &'static str,
}

/// The parts of interaction responses.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Responses {
    /// Between the items of a list.
    pub list: &'static str,
    /// Between the two halves of a pair (matching, performance).
    pub pair: &'static str,
    /// Between the bounds of a numeric range.
    pub range: &'static str,
    /// The element whose value (the interaction's type) decides the format.
    pub type_element: &'static str,
    /// The response formats the bridge accepts as they come, leaving them to the server's
    /// check at commit (a refused set is dropped then and reported to the SCO).
    pub server_only: &'static [&'static str],
    /// The values a `{name=…}` flag of a pattern may take.
    pub flag_values: &'static [&'static str],
}

pub const RULES: Rules = Rules {
    keywords: Keywords {
        children: "_children",
        count: "_count",
        version: "_version",
    },
    index: "n",
    identifier: Identifiers {
        urn_prefix: "urn:",
        urn_nid_max: 32,
        short_spm: 250,
        short_refused: &["[", "]"],
    },
    language_tag: LanguageTag {
        primary: (1, 3),
        subtag: (1, 8),
        separator: "-",
        delimiter: "lang",
    },
    cmi_time: Clock {
        hours: (2, 2),
        max_hours: 23,
        fraction: (1, 2),
    },
    cmi_timespan: Clock {
        hours: (2, 4),
        max_hours: 9999,
        fraction: (1, 2),
    },
    time: Time {
        years: (1970, 2038),
        fields: &[("-", 1, 12), ("-", 1, 31), ("T", 0, 23), (":", 0, 59), (":", 0, 59)],
        fraction: (1, 2),
        zone_max_hours: 23,
    },
    time_interval: TimeInterval {
        digits: (1, 10),
        fraction: (1, 2),
        date: &["Y", "M", "D"],
        clock: &["H", "M", "S"],
    },
    nav: Nav {
        requests: &[
            "continue",
            "previous",
            "exit",
            "exitAll",
            "abandon",
            "abandonAll",
            "suspendAll",
            "_none_",
        ],
        targets: &["choice", "jump"],
        target: "target",
        target_spm: 4000,
        valid_prefix: "adl.nav.request_valid.",
    },
    responses: Responses {
        list: "[,]",
        pair: "[.]",
        range: "[:]",
        type_element: "cmi.interactions.n.type",
        server_only: &["localized_list", "localized", "pairs", "steps", "range"],
        flag_values: &["true", "false"],
    },
    diagnostic_chars: 40,
};

/// Whether identifiers may not contain `c`: white space and control characters, as Rust
/// defines them (Unicode `White_Space`, general category `Cc`).
pub fn refused_in_identifiers(c: char) -> bool {
    c.is_whitespace() || c.is_control()
}

/// The characters `refused_in_identifiers` refuses, as inclusive code point ranges: the
/// bridge builds its character class from these rather than from JavaScript's `\s`, which
/// is another set (it has U+FEFF, not U+0085).
pub fn refused_ranges() -> &'static [(u32, u32)] {
    static RANGES: LazyLock<Vec<(u32, u32)>> = LazyLock::new(|| {
        let mut ranges: Vec<(u32, u32)> = Vec::new();
        for c in (0..=0x10_FFFF)
            .filter_map(char::from_u32)
            .filter(|c| refused_in_identifiers(*c))
        {
            let code = u32::from(c);
            match ranges.last_mut() {
                Some((_, end)) if *end + 1 == code => *end = code,
                _ => ranges.push((code, code)),
            }
        }
        ranges
    });
    &RANGES
}
