//! The learner portal's domain, no HTTP or SQL: learners' own sign-ins (a password,
//! hashed with `account::password`'s argon2id, or a one-time invitation code kept as a
//! SHA-256 digest), their portal sessions (random tokens kept as digests, looked up on
//! every request, sliding like admin sessions through `account::login::session_use`), the
//! one-ID-one-person policy on a sign-in (`launch::session::decide`, the rule the
//! run-time's launch sessions follow), and assignments (`assignment.rs`).

pub mod assignment;

use sha2::{Digest, Sha256};

use crate::launch::session::{ConcurrentLaunches, SessionCall};

pub use assignment::{Assignment, AssignmentStatus, NewAssignment, Target};

/// How long an invitation code can be redeemed.
pub const INVITATION_TTL_MS: i64 = 7 * 24 * 3600 * 1000;
/// The characters of an invitation code: no 0/O or 1/I/L to misread when typed.
const CODE_ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
/// Characters of an invitation code (about 79 random bits).
const CODE_LEN: usize = 16;
/// The shortest portal password.
pub const MIN_PASSWORD_CHARS: usize = 8;
/// The longest portal password (argon2 takes any length; a bound keeps hashing cheap).
pub const MAX_PASSWORD_CHARS: usize = 256;

/// A fresh invitation code, shown once (grouped by four for reading aloud).
pub fn new_invitation_code() -> String {
    let mut chars: Vec<char> = Vec::with_capacity(CODE_LEN);
    let mut buf = [0u8; 32];
    while chars.len() < CODE_LEN {
        getrandom::fill(&mut buf).expect("the operating system's random source failed");
        // Rejection sampling (248 = 8 × 31) keeps every character equally likely.
        for b in buf.iter().filter(|b| **b < 248) {
            if let (true, Some(c)) = (
                chars.len() < CODE_LEN,
                CODE_ALPHABET.get(usize::from(*b) % CODE_ALPHABET.len()),
            ) {
                chars.push(char::from(*c));
            }
        }
    }
    chars
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

/// The code as stored and compared: upper case, without the spaces and dashes a person
/// may type between its groups.
pub fn normalise_code(code: &str) -> String {
    code.chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_uppercase)
        .collect()
}

/// What the store keeps of an invitation code or a portal session token.
pub fn digest(secret: &str) -> [u8; 32] {
    Sha256::new()
        .chain_update(b"kiroku portal\0")
        .chain_update(secret.as_bytes())
        .finalize()
        .into()
}

/// The digest of an invitation code as typed or linked.
pub fn code_digest(code: &str) -> [u8; 32] {
    digest(&normalise_code(code))
}

/// A fresh portal session token (about 256 random bits); the store keeps its digest only.
pub fn new_session_token() -> String {
    crate::tenant::credential::random_token(43)
}

/// Checks a portal password: 8 to 256 characters, not the learner's id.
pub fn check_password(learner: &str, password: &str) -> Result<(), String> {
    let n = password.chars().count();
    if !(MIN_PASSWORD_CHARS..=MAX_PASSWORD_CHARS).contains(&n) {
        return Err(format!(
            "a password must be {MIN_PASSWORD_CHARS} to {MAX_PASSWORD_CHARS} characters"
        ));
    }
    if password == learner {
        return Err("a password must not be the learner's id".into());
    }
    Ok(())
}

/// A learner's sign-in as the store keeps it.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Login {
    /// The argon2id PHC string, when a password is set.
    pub password: Option<String>,
    /// When an unused invitation code expires, when there is one.
    pub invitation_expires_ms: Option<i64>,
}

impl std::fmt::Debug for Login {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Login")
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .field("invitation_expires_ms", &self.invitation_expires_ms)
            .finish()
    }
}

/// A new portal session, put to the tenant's one-ID policy by the store: the call names
/// the session by its digest's hex and the learner; `registration` is empty.
#[derive(Debug, Clone)]
pub struct NewPortalSession {
    pub digest: [u8; 32],
    pub call: SessionCall,
    pub expires_ms: i64,
}

impl NewPortalSession {
    /// A sign-in of `learner` at `now_ms`: sessions seen within `window_ms` are active.
    pub fn new(token: &str, learner: &str, now_ms: i64, window_ms: i64, policy: ConcurrentLaunches) -> Self {
        let digest = digest(token);
        Self {
            digest,
            call: SessionCall {
                id: digest.iter().map(|b| format!("{b:02x}")).collect(),
                learner: learner.to_owned(),
                registration: String::new(),
                now_ms,
                active_since_ms: now_ms - window_ms,
                policy,
            },
            expires_ms: now_ms + crate::account::login::SESSION_IDLE_MS,
        }
    }
}

/// A portal session as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortalSession {
    pub learner: String,
    pub created_ms: i64,
    pub seen_ms: i64,
    pub expires_ms: i64,
    /// Ended by a newer sign-in of the same id (`end-first`).
    pub ended: bool,
}

/// What a request's use of a session finds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionUse {
    /// Signed in as this learner; the new expiry to store when it slides.
    Active { learner: String, slide_to: Option<i64> },
    /// Ended by a newer sign-in of the same id.
    Ended,
    /// Expired, or unknown.
    Gone,
}

/// The rule of a request made with a stored session (the admin sessions' sliding expiry).
pub fn session_use(s: Option<&PortalSession>, now_ms: i64) -> SessionUse {
    let Some(s) = s else { return SessionUse::Gone };
    if s.ended {
        return SessionUse::Ended;
    }
    match crate::account::login::session_use(s.created_ms, s.expires_ms, now_ms) {
        None => SessionUse::Gone,
        Some(slide_to) => SessionUse::Active {
            learner: s.learner.clone(),
            slide_to,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_typed_loosely() {
        let code = new_invitation_code();
        assert_eq!(code.chars().count(), CODE_LEN + 3);
        assert_eq!(code_digest(&code), code_digest(&code.to_lowercase().replace('-', " ")));
        assert_ne!(code_digest(&code), code_digest(&new_invitation_code()));
    }

    #[test]
    fn passwords() {
        assert!(check_password("ann", "short").is_err());
        assert!(check_password("annannannann", "annannannann").is_err());
        assert!(check_password("学習者", "パスワードは八文字").is_ok());
    }

    #[test]
    fn sessions_end_expire_and_slide() {
        let s = PortalSession {
            learner: "ann".into(),
            created_ms: 0,
            seen_ms: 0,
            expires_ms: 1000,
            ended: false,
        };
        assert_eq!(session_use(None, 0), SessionUse::Gone);
        assert_eq!(session_use(Some(&s), 1000), SessionUse::Gone);
        assert!(matches!(session_use(Some(&s), 10), SessionUse::Active { .. }));
        let ended = PortalSession { ended: true, ..s };
        assert_eq!(session_use(Some(&ended), 10), SessionUse::Ended);
    }
}
