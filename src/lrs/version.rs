//! xAPI versions kiroku speaks.

use serde::Serialize;
use std::fmt;

/// The two xAPI specifications kiroku implements.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum XapiVersion {
    #[serde(rename = "1.0.3")]
    V103,
    #[serde(rename = "2.0.0")]
    V200,
}

/// Every version string listed by the About resource.
pub const SUPPORTED: [&str; 5] = ["1.0.0", "1.0.1", "1.0.2", "1.0.3", "2.0.0"];

impl XapiVersion {
    /// Parses an `X-Experience-API-Version` header value (`1.0`, `1.0.x`, `2.0`, `2.0.x`).
    pub fn from_header(s: &str) -> Option<Self> {
        let s = s.trim();
        let patch_ok = |rest: &str| {
            rest.is_empty()
                || rest
                    .strip_prefix('.')
                    .is_some_and(|patch| !patch.is_empty() && patch.bytes().all(|b| b.is_ascii_digit()))
        };
        if let Some(rest) = s.strip_prefix("1.0") {
            return patch_ok(rest).then_some(Self::V103);
        }
        if let Some(rest) = s.strip_prefix("2.0") {
            return patch_ok(rest).then_some(Self::V200);
        }
        None
    }

    /// For the CLI: exactly `1.0.3` or `2.0.0`.
    pub fn parse_setting(s: &str) -> Result<Self, String> {
        match s {
            "1.0.3" => Ok(Self::V103),
            "2.0.0" => Ok(Self::V200),
            _ => Err(format!("unsupported xAPI version {s:?}: use 1.0.3 or 2.0.0")),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::V103 => "1.0.3",
            Self::V200 => "2.0.0",
        }
    }
}

impl fmt::Display for XapiVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
