//! Admin accounts: who may manage what. Plain values only (no HTTP, no SQL).
//!
//! An account's power is its `Realm`: the whole service (operator), one reseller and the
//! tenants it sells to (reseller admin), one tenant (tenant admin), or one end client of
//! a tenant (end-client admin). The role is the realm's kind, so no account can hold a
//! role without the scope it applies to.

pub mod login;
pub mod password;
pub mod setup;
pub mod throttle;

use serde::Serialize;

use crate::lrs::LrsError;
use crate::tenant::{TenantId, TenantStatus};

/// Where an account has power.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Realm {
    /// The operator of the service: every reseller and tenant.
    Service,
    /// A reseller (by name) and the tenants it created.
    Reseller(String),
    Tenant(TenantId),
    /// One end client (by id) of a tenant.
    EndClient(TenantId, String),
}

/// The role an account holds, named as the API shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    Operator,
    ResellerAdmin,
    TenantAdmin,
    EndClientAdmin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Operator => "operator",
            Self::ResellerAdmin => "reseller-admin",
            Self::TenantAdmin => "tenant-admin",
            Self::EndClientAdmin => "end-client-admin",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            Self::Operator,
            Self::ResellerAdmin,
            Self::TenantAdmin,
            Self::EndClientAdmin,
        ]
        .into_iter()
        .find(|r| r.as_str() == s)
    }
}

impl Realm {
    pub fn role(&self) -> Role {
        match self {
            Self::Service => Role::Operator,
            Self::Reseller(_) => Role::ResellerAdmin,
            Self::Tenant(_) => Role::TenantAdmin,
            Self::EndClient(..) => Role::EndClientAdmin,
        }
    }

    /// The tenant this realm lies within, if it is one tenant's or narrower.
    pub fn tenant(&self) -> Option<TenantId> {
        match self {
            Self::Tenant(t) | Self::EndClient(t, _) => Some(*t),
            _ => None,
        }
    }

    pub fn end_client(&self) -> Option<&str> {
        match self {
            Self::EndClient(_, e) => Some(e),
            _ => None,
        }
    }

    pub fn reseller(&self) -> Option<&str> {
        match self {
            Self::Reseller(r) => Some(r),
            _ => None,
        }
    }

    /// Whether an admin of `self` governs `other`: `other` lies within `self`.
    /// `other_reseller` is the reseller of `other`'s tenant (the caller reads it from the
    /// store), which decides whether a reseller governs a tenant.
    pub fn governs(&self, other: &Realm, other_reseller: Option<&str>) -> bool {
        match (self, other) {
            (Self::Service, _) => true,
            (Self::Reseller(r), Self::Reseller(o)) => r == o,
            (Self::Reseller(r), Self::Tenant(_) | Self::EndClient(..)) => other_reseller == Some(r.as_str()),
            (Self::Tenant(t), Self::Tenant(o) | Self::EndClient(o, _)) => t == o,
            (Self::EndClient(t, e), Self::EndClient(o, f)) => t == o && e == f,
            _ => false,
        }
    }

    /// Whether an admin of this realm sees and manages this tenant (its learners,
    /// packages, settings): the operator every tenant, a reseller its own, a tenant or
    /// end-client admin theirs. End-client admins see only their end client within it.
    pub fn reaches_tenant(&self, tenant: TenantId, tenant_reseller: Option<&str>) -> bool {
        match self {
            Self::Service => true,
            Self::Reseller(r) => tenant_reseller == Some(r.as_str()),
            Self::Tenant(t) | Self::EndClient(t, _) => *t == tenant,
        }
    }
}

/// What the store found of the rows a realm names, read for `Realm::check_rows`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RealmRows {
    /// A reseller's realm: the reseller exists.
    pub reseller: bool,
    /// A tenant's or end client's realm: the tenant's status, `None` without a row.
    pub tenant_status: Option<TenantStatus>,
    /// An end client's realm: the end client exists in the tenant.
    pub end_client: bool,
}

impl Realm {
    /// 404 unless the rows the realm names exist: its reseller, its tenant (not
    /// terminated: a terminated tenant is only a reserved name) and its end client.
    pub fn check_rows(&self, rows: &RealmRows) -> Result<(), LrsError> {
        let missing = match self {
            Self::Service => None,
            Self::Reseller(r) => (!rows.reseller).then(|| format!("no reseller named {r:?}")),
            Self::Tenant(_) | Self::EndClient(..) => match (rows.tenant_status, self.end_client()) {
                (None | Some(TenantStatus::Terminated), _) => Some("no such tenant".to_owned()),
                (_, Some(e)) if !rows.end_client => Some(format!("no end client {e:?} in this tenant")),
                _ => None,
            },
        };
        missing.map_or(Ok(()), |m| Err(LrsError::NotFound(m)))
    }
}

/// A stored admin account (the password hash stays in the store).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// A version 7 UUID.
    pub id: String,
    /// What the person signs in with: lower case, unique across the service.
    pub login: String,
    pub realm: Realm,
    pub created_ms: i64,
    /// Failed sign-ins since the last success or lock.
    pub failed_logins: u32,
    /// Sign-in refused until then (epoch ms), after too many failures.
    pub locked_until_ms: Option<i64>,
    /// The language the account's pages are shown in; `None`: the browser's.
    pub language: Option<crate::i18n::Lang>,
    /// Where notices are sent (`check_email`); `None`: notices only on the site.
    pub email: Option<String>,
}

/// What creating an account stores.
#[derive(Debug, Clone)]
pub struct NewAccount {
    pub login: String,
    pub realm: Realm,
    /// The argon2id PHC string.
    pub password_hash: String,
    /// Checked by `check_email`.
    pub email: Option<String>,
}

/// A reseller: an organisation that sells usage rights to tenants of its own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Reseller {
    pub name: String,
    pub created_ms: i64,
}

/// An end-client organisation within a tenant: its learners and registrations belong to
/// it, and end-client admins see only it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EndClient {
    pub id: String,
    pub name: String,
    pub created_ms: i64,
}

/// Checks and normalises a login: 3–128 characters of lower-case letters, digits and
/// `.`, `_`, `-`, `@`, `+` (upper case is folded, so `Ann` and `ann` are one login).
pub fn check_login(login: &str) -> Result<String, String> {
    let l = login.trim().to_ascii_lowercase();
    let ok = (3..=128).contains(&l.len()) && l.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-@+".contains(&b));
    if ok {
        Ok(l)
    } else {
        Err("a login must be 3 to 128 characters of letters, digits, '.', '_', '-', '@' or '+'".into())
    }
}

/// Shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 12;
/// Longest password accepted (hashing cost does not depend on it, but bodies are bounded).
pub const MAX_PASSWORD_CHARS: usize = 1024;

/// Checks a new password: 12 to 1024 characters, not the login.
pub fn check_password(login: &str, password: &str) -> Result<(), String> {
    let n = password.chars().count();
    if n < MIN_PASSWORD_CHARS {
        return Err(format!("a password needs at least {MIN_PASSWORD_CHARS} characters"));
    }
    if n > MAX_PASSWORD_CHARS {
        return Err(format!("a password may have at most {MAX_PASSWORD_CHARS} characters"));
    }
    if password.eq_ignore_ascii_case(login) {
        return Err("the password must not be the login".into());
    }
    Ok(())
}

/// Longest e-mail address (RFC 5321's limit on a path).
pub const MAX_EMAIL_CHARS: usize = 254;

/// Checks an account's e-mail address, where notices go: one `@` between a non-empty
/// local part and a domain with a dot, at most 254 characters, no spaces, control
/// characters or the characters that make an address a list or a display name. Leading
/// and trailing spaces are dropped; the case is kept (local parts may be case-sensitive).
pub fn check_email(email: &str) -> Result<String, String> {
    let e = email.trim();
    let refused = |c: char| c.is_whitespace() || c.is_control() || "<>()[]\\,;:\"".contains(c);
    let ok = match e.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains("..")
        }
        None => false,
    };
    if ok && e.chars().count() <= MAX_EMAIL_CHARS && !e.chars().any(refused) {
        Ok(e.to_owned())
    } else {
        Err(format!(
            "an e-mail address must look like name@example.jp (at most {MAX_EMAIL_CHARS} characters, no spaces)"
        ))
    }
}

/// Checks an end-client id: the rules of tenant names (1–64 of `[A-Za-z0-9._-]`).
pub fn check_end_client_id(id: &str) -> Result<String, String> {
    crate::tenant::check_name("end client", id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_realm_needs_its_rows() {
        let live = |end_client| RealmRows {
            tenant_status: Some(TenantStatus::Suspended),
            end_client,
            ..RealmRows::default()
        };
        let ec = Realm::EndClient(TenantId(1), "north".into());
        assert!(Realm::Service.check_rows(&RealmRows::default()).is_ok());
        assert!(
            Realm::Reseller("acme".into())
                .check_rows(&RealmRows::default())
                .is_err()
        );
        assert!(Realm::Tenant(TenantId(1)).check_rows(&live(false)).is_ok());
        assert!(ec.check_rows(&live(true)).is_ok());
        assert!(matches!(ec.check_rows(&live(false)), Err(LrsError::NotFound(m)) if m.contains("north")));
        let gone = RealmRows {
            tenant_status: Some(TenantStatus::Terminated),
            end_client: true,
            ..RealmRows::default()
        };
        assert!(matches!(ec.check_rows(&gone), Err(LrsError::NotFound(m)) if m == "no such tenant"));
    }

    #[test]
    fn realms_govern_what_lies_within() {
        let t1 = TenantId(1);
        let r = Realm::Reseller("acme".into());
        assert!(Realm::Service.governs(&r, None));
        assert!(r.governs(&Realm::Tenant(t1), Some("acme")));
        assert!(!r.governs(&Realm::Tenant(t1), Some("other")));
        assert!(!r.governs(&Realm::Tenant(t1), None));
        assert!(!r.governs(&Realm::Service, None));
        assert!(!r.governs(&Realm::Reseller("other".into()), None));
        assert!(Realm::Tenant(t1).governs(&Realm::EndClient(t1, "e".into()), None));
        assert!(!Realm::Tenant(t1).governs(&Realm::Tenant(TenantId(2)), None));
        assert!(!Realm::Tenant(t1).governs(&Realm::Reseller("acme".into()), Some("acme")));
        let e = Realm::EndClient(t1, "e".into());
        assert!(e.governs(&e.clone(), None));
        assert!(!e.governs(&Realm::EndClient(t1, "f".into()), None));
        assert!(!e.governs(&Realm::Tenant(t1), None));
    }

    #[test]
    fn logins_and_passwords() {
        assert_eq!(check_login(" Ann.Lee@Corp ").as_deref(), Ok("ann.lee@corp"));
        assert!(check_login("ab").is_err());
        assert!(check_login("a b c").is_err());
        assert!(check_password("ann", "short").is_err());
        assert!(check_password("annannannann", "ANNANNANNANN").is_err());
        assert!(check_password("ann", "correct horse battery").is_ok());
    }

    #[test]
    fn email_addresses() {
        assert_eq!(check_email(" ann@example.jp ").as_deref(), Ok("ann@example.jp"));
        assert_eq!(check_email("山田@例え.jp").as_deref(), Ok("山田@例え.jp"));
        for bad in [
            "",
            "ann",
            "ann@",
            "@example.jp",
            "ann@example",
            "a b@example.jp",
            "a@b@c.jp",
            "Ann <a@b.jp>",
            "a@x..jp",
            "a@b.jp\r\nBcc: x@y.jp",
        ] {
            assert!(check_email(bad).is_err(), "{bad:?}");
        }
    }
}
