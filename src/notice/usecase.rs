//! What callers do with notices, over the store traits: post (checked, authorised,
//! stored with its deliveries in one transaction), add an incident update, and read the
//! notices a caller or a tenant sees. Shared by the operator API, the tenant API, the
//! web pages and the player.

use super::delivery::{Delivery, new_deliveries};
use super::{Audience, Notice, NoticeError, NoticeInput, NoticeUpdate, audience, banner, check, check_update};
use crate::account::Realm;
use crate::lrs::LrsError;
use crate::store::{Store, StoreResult};
use crate::tenant::{Tenant, TenantId};

/// Most notices read at once (newest first): years of notices at a few a month.
pub const LIST_LIMIT: u32 = 500;

/// Who posts: the realm that decides what they may post to, and the audit actor.
#[derive(Debug, Clone, Copy)]
pub struct Poster<'a> {
    pub realm: &'a Realm,
    pub actor: &'a str,
}

/// A notice as a caller asks to post it: its audience by name.
#[derive(Debug, Clone)]
pub struct NoticeRequest<'a> {
    pub kind: super::NoticeKind,
    pub title: String,
    pub body: String,
    pub window: Option<super::Window>,
    pub audience: AudienceName<'a>,
}

/// Posts a notice at `now_ms`. With `email`, a delivery is stored for each recipient
/// (`audience::recipients`) for the sender to send in the background; without (no SMTP
/// server configured) the notice is on the site only.
pub async fn post(
    store: &dyn Store,
    by: Poster<'_>,
    request: NoticeRequest<'_>,
    email: bool,
    now_ms: i64,
) -> StoreResult<(Notice, Vec<Delivery>)> {
    let audience = resolve(store, by.realm, request.audience).await?;
    let input = NoticeInput {
        kind: request.kind,
        title: request.title,
        body: request.body,
        window: request.window,
        audience,
    };
    let input = check(input).map_err(LrsError::from)?;
    authorise(store, by.realm, &input.audience).await?;
    let notice = Notice {
        id: crate::id::new_uuid(),
        kind: input.kind,
        title: input.title,
        body: input.body,
        window: input.window,
        audience: input.audience,
        posted_ms: now_ms,
        posted_by: by.actor.to_owned(),
        resolved_ms: None,
        updates: Vec::new(),
    };
    let to = recipients(store, &notice.audience, email).await?;
    let deliveries = new_deliveries(&notice.id, 0, to, now_ms);
    store.post_notice(notice.clone(), deliveries.clone()).await?;
    Ok((notice, deliveries))
}

/// An audience as a request names it: tenants and resellers by name.
#[derive(Debug, Clone, Copy)]
pub enum AudienceName<'a> {
    All,
    /// A reseller's tenants; `None`: the caller's own reseller.
    Reseller(Option<&'a str>),
    Tenant(&'a str),
}

/// The audience a name stands for: a reseller admin's reseller by default; a tenant
/// name that names none is 404 for the operator, and for a reseller admin the same 403
/// as another reseller's tenant.
async fn resolve(store: &dyn Store, realm: &Realm, name: AudienceName<'_>) -> StoreResult<Audience> {
    match name {
        AudienceName::All => Ok(Audience::All),
        AudienceName::Reseller(Some(r)) => Ok(Audience::Reseller(r.to_owned())),
        AudienceName::Reseller(None) => realm
            .reseller()
            .map(|r| Audience::Reseller(r.to_owned()))
            .ok_or_else(|| LrsError::bad("name the reseller whose tenants the notice is for").into()),
        AudienceName::Tenant(t) => match (store.tenant_by_name(t).await?, realm.reseller()) {
            (Some(t), _) => Ok(Audience::Tenant(t.id)),
            (None, Some(own)) => Err(audience::not_own(own).into()),
            (None, None) => Err(LrsError::NotFound(format!("no tenant named {t:?}")).into()),
        },
    }
}

/// Who is e-mailed a notice to `to` now (nobody without `email`: no SMTP configured).
async fn recipients(store: &dyn Store, to: &Audience, email: bool) -> StoreResult<Vec<super::Recipient>> {
    if !email {
        return Ok(Vec::new());
    }
    let accounts = store.list_accounts(&Realm::Service).await?;
    let tenants = store.list_tenants().await?;
    Ok(audience::recipients(to, &accounts, &tenants))
}

/// 404 for an audience naming no reseller or tenant, 403 when `realm` may not post to it.
async fn authorise(store: &dyn Store, realm: &Realm, to: &Audience) -> StoreResult<()> {
    let tenant_reseller = match to {
        Audience::All => None,
        Audience::Reseller(r) => {
            store
                .reseller(r)
                .await?
                .ok_or_else(|| LrsError::NotFound(format!("no reseller named {r:?}")))?;
            None
        }
        Audience::Tenant(t) => {
            store
                .tenant_by_id(*t)
                .await?
                .ok_or_else(|| LrsError::NotFound("no such tenant".into()))?
                .reseller
        }
    };
    audience::may_post(realm, to, tenant_reseller.as_deref()).map_err(Into::into)
}

/// An incident's update as a caller asks for it.
#[derive(Debug, Clone, Copy)]
pub struct UpdateRequest<'a> {
    pub body: &'a str,
    /// Resolves the incident with this update.
    pub resolve: bool,
    /// E-mail the update to the notice's recipients (as they are now).
    pub email: bool,
}

/// Appends an update to an incident the caller may post to, resolving it when asked, and
/// e-mails it (its deliveries stored with it) like the notice itself.
pub async fn update(
    store: &dyn Store,
    realm: &Realm,
    id: &str,
    request: UpdateRequest<'_>,
    now_ms: i64,
) -> StoreResult<Notice> {
    let notice = seen(store, realm, id).await?;
    authorise(store, realm, &notice.audience).await?;
    let body = check_update(&notice, request.body).map_err(LrsError::from)?;
    let update = NoticeUpdate { at_ms: now_ms, body };
    let to = recipients(store, &notice.audience, request.email).await?;
    if store
        .add_notice_update(id, update, request.resolve, to)
        .await?
        .is_none()
    {
        // Resolved by someone else since it was read.
        return Err(LrsError::from(NoticeError::Resolved).into());
    }
    store.notice(id).await?.ok_or_else(|| not_found(id))
}

fn not_found(id: &str) -> crate::store::StoreError {
    LrsError::NotFound(format!("no notice {id:?}")).into()
}

/// A notice the caller sees (404 otherwise, as if it did not exist).
pub async fn seen(store: &dyn Store, realm: &Realm, id: &str) -> StoreResult<Notice> {
    let notice = store.notice(id).await?.ok_or_else(|| not_found(id))?;
    let tenants = store.list_tenants().await?;
    if sees(realm, &notice, &tenants) {
        Ok(notice)
    } else {
        Err(not_found(id))
    }
}

/// The notices the caller sees, newest first.
pub async fn list(store: &dyn Store, realm: &Realm) -> StoreResult<Vec<Notice>> {
    let tenants = store.list_tenants().await?;
    let all = store.list_notices(LIST_LIMIT).await?;
    Ok(all.into_iter().filter(|n| sees(realm, n, &tenants)).collect())
}

fn sees(realm: &Realm, n: &Notice, tenants: &[Tenant]) -> bool {
    let reseller_of = |id: TenantId| tenants.iter().find(|t| t.id == id).and_then(|t| t.reseller.as_deref());
    let addressed = match n.audience {
        Audience::Tenant(t) => reseller_of(t),
        _ => None,
    };
    let own = realm.tenant().and_then(reseller_of);
    audience::sees(realm, &n.audience, addressed, own)
}

/// The notices addressed to a tenant, newest first.
pub async fn for_tenant(store: &dyn Store, tenant: &Tenant) -> StoreResult<Vec<Notice>> {
    let all = store.list_notices(LIST_LIMIT).await?;
    Ok(all
        .into_iter()
        .filter(|n| n.audience.addresses(tenant.id, tenant.reseller.as_deref()))
        .collect())
}

/// The maintenance notice the tenant's learners see in the player at `now_ms`, if any.
pub async fn player_banner(store: &dyn Store, tenant: TenantId, now_ms: i64) -> StoreResult<Option<Notice>> {
    let Some(t) = store.tenant_by_id(tenant).await? else {
        return Ok(None);
    };
    let notices = for_tenant(store, &t).await?;
    Ok(banner(&notices, now_ms).cloned())
}
