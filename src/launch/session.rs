//! One ID, one person: a launch *session* is one browser's use of a learner ID, named by a
//! random id the player or the bridge makes once per page and sends when it opens an
//! attempt and with every commit. A session is active while it was seen within the
//! tenant's window. `decide` is the whole policy; the store applies it atomically (several
//! servers share the sessions through the database).

use serde::{Deserialize, Serialize};

/// A tenant's policy for a learner ID used by two browsers at once.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ConcurrentLaunches {
    /// Both run (the case is still written to the audit log).
    #[default]
    Allow,
    /// The second launch is refused while the first is active.
    Refuse,
    /// The second launch ends the first.
    EndFirst,
}

impl ConcurrentLaunches {
    pub fn parse(s: &str) -> Result<Self, String> {
        match s {
            "allow" => Ok(Self::Allow),
            "refuse" => Ok(Self::Refuse),
            "end-first" => Ok(Self::EndFirst),
            _ => Err(format!(
                "invalid concurrent-launch policy {s:?}: use allow, refuse or end-first"
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Allow => "allow",
            Self::Refuse => "refuse",
            Self::EndFirst => "end-first",
        }
    }
}

/// A session's state as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionState {
    Active,
    /// Refused by the `refuse` policy; asked again on its next call.
    Refused,
    /// Ended by a newer launch (`end-first`); stays ended.
    Ended,
}

impl SessionState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Refused => "refused",
            Self::Ended => "ended",
        }
    }

    pub fn parse(s: &str) -> Self {
        match s {
            "active" => Self::Active,
            "refused" => Self::Refused,
            _ => Self::Ended,
        }
    }
}

/// How long a session's row is kept after it was last seen (so an ended session still
/// hears why on its next call); older rows of the learner are removed on each call.
pub const KEEP_MS: i64 = 24 * 3600 * 1000;

/// A call of one session: its open or a commit.
#[derive(Debug, Clone)]
pub struct SessionCall {
    pub id: String,
    pub learner: String,
    pub registration: String,
    pub now_ms: i64,
    /// Sessions seen at or after this time are active.
    pub active_since_ms: i64,
    pub policy: ConcurrentLaunches,
}

impl SessionCall {
    /// The learner's sessions last seen before this are forgotten on this call.
    pub fn forget_before_ms(&self) -> i64 {
        self.now_ms - KEEP_MS
    }
}

/// What happened to the learner's other sessions, for the audit log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConcurrentCase {
    Allowed,
    Refused,
    FirstEnded,
}

/// The outcome of a call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionVerdict {
    /// This session's state after the call.
    pub state: SessionState,
    /// Set when another session of the learner was active and the policy decided.
    pub case: Option<ConcurrentCase>,
    /// The other active sessions (ended ones, with `FirstEnded`).
    pub others: Vec<String>,
}

/// What the store writes: this session's new state, and whether the learner's other
/// sessions end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision {
    pub state: SessionState,
    /// `None`: this session is left as stored (already active and current, or ended).
    pub write: bool,
    pub end_others: bool,
    pub case: Option<ConcurrentCase>,
}

impl Decision {
    /// The answer to the call, given the learner's other active sessions: they are named
    /// only when the policy decided something about them.
    pub fn verdict(self, others: Vec<String>) -> SessionVerdict {
        SessionVerdict {
            state: self.state,
            case: self.case,
            others: if self.case.is_some() { others } else { Vec::new() },
        }
    }
}

/// The policy. `this` is the session as stored (state, last seen); `others_active` whether
/// another session of the learner is active now.
pub fn decide(call: &SessionCall, this: Option<(SessionState, i64)>, others_active: bool) -> Decision {
    let keep = |state| Decision {
        state,
        write: false,
        end_others: false,
        case: None,
    };
    match this {
        Some((SessionState::Ended, _)) => return keep(SessionState::Ended),
        Some((SessionState::Active, seen)) if seen >= call.active_since_ms => {
            return Decision {
                write: true,
                ..keep(SessionState::Active)
            };
        }
        _ => {}
    }
    // A new session, a refused one asking again, or one idle past the window.
    let end_first = call.policy == ConcurrentLaunches::EndFirst;
    let (state, case) = match (others_active, call.policy) {
        (false, _) => (SessionState::Active, None),
        (true, ConcurrentLaunches::Allow) => (SessionState::Active, Some(ConcurrentCase::Allowed)),
        (true, ConcurrentLaunches::Refuse) => (SessionState::Refused, Some(ConcurrentCase::Refused)),
        (true, ConcurrentLaunches::EndFirst) => (SessionState::Active, Some(ConcurrentCase::FirstEnded)),
    };
    Decision {
        state,
        write: true,
        end_others: end_first,
        case,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(policy: ConcurrentLaunches) -> SessionCall {
        SessionCall {
            id: "s".into(),
            learner: "ann".into(),
            registration: "r".into(),
            now_ms: 100,
            active_since_ms: 50,
            policy,
        }
    }

    #[test]
    fn each_policy_decides_a_second_launch() {
        use ConcurrentLaunches::*;
        let d = |p, this, others| {
            let d = decide(&call(p), this, others);
            (d.state, d.end_others, d.case)
        };
        assert_eq!(d(Allow, None, false), (SessionState::Active, false, None));
        assert_eq!(
            d(Allow, None, true),
            (SessionState::Active, false, Some(ConcurrentCase::Allowed))
        );
        assert_eq!(
            d(Refuse, None, true),
            (SessionState::Refused, false, Some(ConcurrentCase::Refused))
        );
        assert_eq!(
            d(EndFirst, None, true),
            (SessionState::Active, true, Some(ConcurrentCase::FirstEnded))
        );
        // A current session stays as it is; an ended one stays ended; a stale one asks again.
        assert_eq!(
            d(Refuse, Some((SessionState::Active, 60)), true),
            (SessionState::Active, false, None)
        );
        assert_eq!(
            d(Allow, Some((SessionState::Ended, 99)), false),
            (SessionState::Ended, false, None)
        );
        assert_eq!(
            d(Refuse, Some((SessionState::Active, 10)), true),
            (SessionState::Refused, false, Some(ConcurrentCase::Refused))
        );
        assert_eq!(
            d(Refuse, Some((SessionState::Refused, 99)), false),
            (SessionState::Active, false, None)
        );
    }
}
