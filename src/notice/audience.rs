//! Who a notice is for, who may post it, who sees it and who is sent it by e-mail.
//!
//! Recipients (decided here, documented in docs/operations.md "Notices"): the tenant
//! admins of every addressed tenant (the contract holders); and, for a notice to all
//! tenants or to a reseller's tenants, that reseller's admins too, since they hold the
//! contracts they resell. A notice to one tenant goes to that tenant's admins only.
//! End-client admins are not contract holders: they get no e-mail (they see the notices
//! on the site, as the tenant's learners see a maintenance banner).
//! Terminated tenants are addressed by nothing.

use crate::account::{Account, Realm};
use crate::lrs::LrsError;
use crate::tenant::{Tenant, TenantId, TenantStatus};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Audience {
    /// Every tenant of the service.
    All,
    /// The tenants of one reseller (by name).
    Reseller(String),
    Tenant(TenantId),
}

impl Audience {
    /// Whether a tenant (with its reseller) is addressed.
    pub fn addresses(&self, tenant: TenantId, tenant_reseller: Option<&str>) -> bool {
        match self {
            Self::All => true,
            Self::Reseller(r) => tenant_reseller == Some(r.as_str()),
            Self::Tenant(t) => *t == tenant,
        }
    }

    /// Whether a reseller's admins are sent the notice.
    fn addresses_reseller(&self, reseller: &str) -> bool {
        match self {
            Self::All => true,
            Self::Reseller(r) => r == reseller,
            Self::Tenant(_) => false,
        }
    }
}

/// Whether `realm` may post to `audience`: the operator to anyone; a reseller admin to
/// its own reseller's tenants, or one of them (`tenant_reseller` is the addressed
/// tenant's reseller, read by the caller); nobody else. The refusal says why.
pub fn may_post(realm: &Realm, audience: &Audience, tenant_reseller: Option<&str>) -> Result<(), LrsError> {
    let own = match realm {
        Realm::Service => return Ok(()),
        Realm::Reseller(own) => own.as_str(),
        _ => {
            return Err(LrsError::Forbidden(
                "only the operator or a reseller admin posts notices".into(),
            ));
        }
    };
    let allowed = match audience {
        Audience::All => false,
        Audience::Reseller(r) => r == own,
        Audience::Tenant(t) => realm.reaches_tenant(*t, tenant_reseller),
    };
    if allowed { Ok(()) } else { Err(not_own(own)) }
}

/// A reseller admin's refusal, the same whether the tenant named is another reseller's
/// or none at all (so it tells nothing of other resellers' tenants).
pub fn not_own(own: &str) -> LrsError {
    LrsError::Forbidden(format!(
        "a reseller admin posts notices only to the tenants of its own reseller ({own})"
    ))
}

/// Whether an admin of `realm` sees a notice to `audience` (`tenant_reseller`: the
/// reseller of the addressed tenant, for a one-tenant notice): the operator every
/// notice, a reseller admin those that reach its reseller or its tenants, a tenant or
/// end-client admin those addressed to their tenant (whose reseller is `own_reseller`):
/// what is posted on the site is no secret from anyone of the tenant.
pub fn sees(realm: &Realm, audience: &Audience, tenant_reseller: Option<&str>, own_reseller: Option<&str>) -> bool {
    match realm {
        Realm::Service => true,
        Realm::Reseller(r) => audience.addresses_reseller(r) || tenant_reseller == Some(r.as_str()),
        Realm::Tenant(t) | Realm::EndClient(t, _) => audience.addresses(*t, own_reseller),
    }
}

/// One e-mail to send: an account and its address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    pub account: String,
    pub address: String,
}

/// The accounts a notice to `audience` is sent to (those with an e-mail address), in
/// login order, each once.
pub fn recipients(audience: &Audience, accounts: &[Account], tenants: &[Tenant]) -> Vec<Recipient> {
    let addressed = |t: TenantId| {
        tenants
            .iter()
            .find(|x| x.id == t)
            .is_some_and(|x| x.status != TenantStatus::Terminated && audience.addresses(x.id, x.reseller.as_deref()))
    };
    let mut out: Vec<Recipient> = accounts
        .iter()
        .filter(|a| match &a.realm {
            Realm::Tenant(t) => addressed(*t),
            Realm::Reseller(r) => audience.addresses_reseller(r),
            Realm::Service | Realm::EndClient(..) => false,
        })
        .filter_map(|a| {
            a.email.as_ref().map(|e| Recipient {
                account: a.id.clone(),
                address: e.clone(),
            })
        })
        .collect();
    out.dedup_by(|a, b| a.account == b.account);
    out
}
