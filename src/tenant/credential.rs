//! LRS credentials: a public key and a random secret shown once, kept as a SHA-256 digest.

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::{ScopeSet, TenantId};

/// A credential as stored: never holds the secret itself.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Credential {
    pub key: String,
    #[serde(skip)]
    pub tenant: TenantId,
    #[serde(serialize_with = "scopes_as_list")]
    pub scopes: ScopeSet,
    pub label: String,
    pub created_ms: i64,
    #[serde(skip)]
    pub secret_digest: [u8; 32],
}

fn scopes_as_list<S: serde::Serializer>(s: &ScopeSet, ser: S) -> Result<S::Ok, S::Error> {
    ser.collect_seq(s.iter().map(|s| s.as_str()))
}

/// What the store needs to save a new credential.
#[derive(Debug, Clone)]
pub struct NewCredential {
    pub key: String,
    pub secret_digest: [u8; 32],
    pub scopes: ScopeSet,
    pub label: String,
}

/// A freshly generated credential: the secret exists only here, once.
pub struct IssuedCredential {
    pub new: NewCredential,
    pub secret: String,
}

impl std::fmt::Debug for IssuedCredential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IssuedCredential")
            .field("key", &self.new.key)
            .field("secret", &"<redacted>")
            .finish()
    }
}

/// Longest label of a credential or API token.
const MAX_LABEL_CHARS: usize = 200;

/// Checks a credential's or API token's label: at most 200 printable characters.
pub fn check_label(label: &str) -> Result<(), String> {
    if label.chars().count() > MAX_LABEL_CHARS || label.chars().any(char::is_control) {
        return Err(format!("label must be at most {MAX_LABEL_CHARS} printable characters"));
    }
    Ok(())
}

/// Generates a key (about 95 random bits) and a secret (about 256 random bits).
pub fn issue(scopes: ScopeSet, label: String) -> IssuedCredential {
    let key = random_token(16);
    let secret = random_token(43);
    let new = NewCredential {
        key,
        secret_digest: digest_secret(&secret),
        scopes,
        label,
    };
    IssuedCredential { new, secret }
}

pub fn digest_secret(secret: &str) -> [u8; 32] {
    Sha256::digest(secret.as_bytes()).into()
}

/// Letters and digits only: tokens never start with `-` (which command-line tools read as
/// an option) and need no escaping in URLs, shells or Basic auth.
pub(crate) fn random_token(chars: usize) -> String {
    const ALPHABET: &[u8; 62] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut out = String::with_capacity(chars);
    let mut buf = [0u8; 64];
    while out.len() < chars {
        getrandom::fill(&mut buf).expect("the operating system's random source failed");
        // Rejection sampling keeps every character equally likely.
        for b in buf.iter().filter(|b| **b < 248) {
            if let (true, Some(c)) = (out.len() < chars, ALPHABET.get(usize::from(*b % 62))) {
                out.push(char::from(*c));
            }
        }
    }
    out
}

impl Credential {
    /// Constant-time comparison of a presented secret with the stored digest.
    pub fn secret_matches(&self, secret: &str) -> bool {
        constant_time_eq(&digest_secret(secret), &self.secret_digest)
    }
}

/// Compares two byte strings in time that depends on their lengths only.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
