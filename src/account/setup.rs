//! First run: the one-time setup link that creates the first operator account in the
//! browser. `kiroku serve` prints it when the service has no operator; the store keeps
//! only its SHA-256 digest and expiry, and one link at a time (a new one replaces it).

use super::login::digest;

/// How long a setup link works.
pub const SETUP_LINK_TTL_MS: i64 = 60 * 60 * 1000;

/// The path of the setup page; the token rides in the query (`?token=…`), which neither
/// the request log nor the audit log records, and `Referrer-Policy: no-referrer` keeps
/// it from other sites.
pub const SETUP_PATH: &str = "/setup";

/// A fresh setup token (about 256 random bits).
pub fn new_setup_token() -> String {
    crate::tenant::credential::random_token(43)
}

/// What the store keeps of a setup token.
pub fn setup_digest(token: &str) -> [u8; 32] {
    digest(token)
}

/// The link to print: the app origin's public URL, the setup page and the token.
pub fn setup_url(public_url: &str, token: &str) -> String {
    format!("{}{SETUP_PATH}?token={token}", public_url.trim_end_matches('/'))
}

/// Why a setup link does not create an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetupRefusal {
    /// An operator account exists: setup is over, every link is void.
    OperatorExists,
    /// The link is unknown, expired or used.
    LinkInvalid,
    /// The chosen login belongs to another account (the link stays usable).
    LoginTaken,
}

/// What the store read when a setup link is redeemed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SetupFacts {
    pub operator_exists: bool,
    /// The link's digest is stored and its expiry is after now.
    pub link_live: bool,
    pub login_taken: bool,
}

/// The rule both stores apply, in this order: no link works once an operator exists; a
/// dead link creates nothing; a taken login is refused without using the link up.
/// `Ok` means: delete the link and create the account, in one transaction.
pub fn decide(f: SetupFacts) -> Result<(), SetupRefusal> {
    if f.operator_exists {
        Err(SetupRefusal::OperatorExists)
    } else if !f.link_live {
        Err(SetupRefusal::LinkInvalid)
    } else if f.login_taken {
        Err(SetupRefusal::LoginTaken)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_operator_check_comes_first_then_the_link_then_the_login() {
        let f = |operator_exists, link_live, login_taken| SetupFacts {
            operator_exists,
            link_live,
            login_taken,
        };
        assert_eq!(decide(f(true, true, false)), Err(SetupRefusal::OperatorExists));
        assert_eq!(decide(f(false, false, true)), Err(SetupRefusal::LinkInvalid));
        assert_eq!(decide(f(false, true, true)), Err(SetupRefusal::LoginTaken));
        assert_eq!(decide(f(false, true, false)), Ok(()));
        assert_eq!(
            setup_url("https://lms.example/", "abc"),
            "https://lms.example/setup?token=abc"
        );
        assert_ne!(new_setup_token(), new_setup_token());
    }
}
