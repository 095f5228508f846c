//! What a registration has done in cmi5 terms, kept in its shared state: each AU's
//! progress (completed, passed, failed, waived, satisfied), the blocks and course whose
//! `satisfied` statement was issued, and the sessions still open.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The launch modes of section 10.2.2.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum LaunchMode {
    #[default]
    Normal,
    Browse,
    Review,
}

impl LaunchMode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Normal => "Normal",
            Self::Browse => "Browse",
            Self::Review => "Review",
        }
    }

    /// Parses the launch mode's name (case-sensitive, as the specification spells it).
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Normal, Self::Browse, Self::Review]
            .into_iter()
            .find(|m| m.as_str() == s)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Cmi5State {
    /// Each AU's progress, by publisher id.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub aus: BTreeMap<String, AuProgress>,
    /// Publisher ids of the blocks (and the course) already satisfied.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub satisfied: BTreeSet<String>,
    /// The sessions still open, by session id; an ended session is removed, and its
    /// credential stops working with it.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub sessions: BTreeMap<String, Session>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuProgress {
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub completed: bool,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub passed: bool,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub failed: bool,
    /// The reason it was waived.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waived: Option<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub satisfied: bool,
    /// Sessions launched, ended by `terminated`, and abandoned.
    #[serde(default)]
    pub launched: u32,
    #[serde(default)]
    pub terminated: u32,
    #[serde(default)]
    pub abandoned: u32,
}

/// An open AU session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Session {
    /// The AU's publisher id.
    pub au: String,
    pub mode: LaunchMode,
    /// The mastery score given in this session's launch data (9.3.4.0-2 (d1)).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mastery_score: Option<f64>,
    /// The learner's agent the session was launched for.
    pub actor: Value,
    pub launched_ms: i64,
    /// When the AU last recorded a statement (the end of an abandoned session, 9.5.4.2-2).
    pub last_ms: i64,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub preferences_read: bool,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub initialized: bool,
    /// The defined verbs `completed`, `passed`, `failed` recorded in this session.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub judged: BTreeSet<String>,
}

impl Cmi5State {
    pub fn au(&mut self, id: &str) -> &mut AuProgress {
        self.aus.entry(id.to_owned()).or_default()
    }

    /// The open sessions of AU `au`, oldest first.
    pub fn open_sessions_of(&self, au: &str) -> Vec<String> {
        let mut open: Vec<(&String, &Session)> = self.sessions.iter().filter(|(_, s)| s.au == au).collect();
        open.sort_by_key(|(_, s)| s.launched_ms);
        open.into_iter().map(|(id, _)| id.clone()).collect()
    }
}

/// The ISO 8601 duration of `ms` milliseconds (at least `PT0S`), as xAPI results carry it.
pub fn duration(ms: i64) -> String {
    let ms = ms.max(0);
    let (secs, frac) = (ms / 1000, ms % 1000);
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    let mut out = String::from("PT");
    if h > 0 {
        out.push_str(&format!("{h}H"));
    }
    if m > 0 {
        out.push_str(&format!("{m}M"));
    }
    if frac > 0 {
        out.push_str(&format!("{s}.{frac:03}S"));
    } else if s > 0 || out == "PT" {
        out.push_str(&format!("{s}S"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_and_modes() {
        assert_eq!(duration(0), "PT0S");
        assert_eq!(duration(-5), "PT0S");
        assert_eq!(duration(1_500), "PT1.500S");
        assert_eq!(duration(3_723_000), "PT1H2M3S");
        assert_eq!(duration(1_740_000), "PT29M");
        assert_eq!(LaunchMode::parse("Browse"), Some(LaunchMode::Browse));
        assert_eq!(LaunchMode::parse("browse"), None);
        let s: Cmi5State = serde_json::from_str("{}").unwrap();
        assert_eq!(serde_json::to_string(&s).unwrap(), "{}");
    }
}
