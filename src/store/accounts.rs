//! The store traits of admin accounts, resellers and end clients.

use async_trait::async_trait;

use super::StoreResult;
use crate::account::setup::SetupRefusal;
use crate::account::{Account, EndClient, NewAccount, Realm, Reseller};
use crate::i18n::Lang;
use crate::tenant::TenantId;

/// A session or API token as the store keeps it: the digest, never the token.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub digest: [u8; 32],
    pub created_ms: i64,
    pub expires_ms: i64,
}

/// An API token's record (its secret exists in clear only in the creation answer).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiToken {
    pub id: String,
    pub label: String,
    pub created_ms: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_used_ms: Option<i64>,
}

/// An account with what signing in needs, as `migrate-store` copies it.
#[derive(Debug, Clone)]
pub struct AccountRecord {
    pub account: Account,
    pub password_hash: String,
    /// API tokens with their digests.
    pub tokens: Vec<(ApiToken, [u8; 32])>,
}

#[async_trait]
pub trait AccountStore: Send + Sync {
    /// Every account with its password hash and API tokens (sessions are not kept).
    async fn account_records(&self) -> StoreResult<Vec<AccountRecord>>;
    /// Puts an account back with its id, times, hash and tokens (409 when its login or id
    /// exists); its realm must exist.
    async fn restore_account(&self, record: AccountRecord) -> StoreResult<()>;
    /// Sets the reseller a tenant belongs to (404 when the reseller does not exist).
    async fn set_tenant_reseller(&self, tenant: TenantId, reseller: Option<&str>) -> StoreResult<()>;
    /// Creates a reseller; 409 when the name is taken.
    async fn create_reseller(&self, name: &str) -> StoreResult<Reseller>;
    async fn list_resellers(&self) -> StoreResult<Vec<Reseller>>;
    async fn reseller(&self, name: &str) -> StoreResult<Option<Reseller>>;
    /// Creates an account; 409 when the login is taken, 404 when its realm's reseller,
    /// tenant or end client does not exist.
    async fn create_account(&self, new: NewAccount) -> StoreResult<Account>;
    async fn account(&self, id: &str) -> StoreResult<Option<Account>>;
    /// The account of a login with its password hash, for signing in.
    async fn account_by_login(&self, login: &str) -> StoreResult<Option<(Account, String)>>;
    /// Accounts whose realm lies within `within` (a reseller's includes the accounts of
    /// its tenants), by login.
    async fn list_accounts(&self, within: &Realm) -> StoreResult<Vec<Account>>;
    /// Deletes an account with its sessions and API tokens, in one transaction; false
    /// when there is no such account.
    async fn delete_account(&self, id: &str) -> StoreResult<bool>;
    /// Replaces the password hash and ends every session of the account but `keep`.
    async fn set_password(&self, id: &str, hash: String, keep: Option<[u8; 32]>) -> StoreResult<()>;
    /// Counts a failed sign-in and applies the lockout policy in one transaction;
    /// returns the account as it is now.
    async fn login_failed(&self, id: &str, now_ms: i64) -> StoreResult<Option<Account>>;
    /// Clears the failure count, removes expired sessions and opens a session.
    async fn login_succeeded(&self, id: &str, session: NewSession) -> StoreResult<()>;
    /// The account of a live session, moving its idle expiry forward (never past its
    /// `SESSION_MAX_MS`; written only when it moves by a minute or more, see
    /// `account::login::session_use`); an expired session asked about is removed, and
    /// every sign-in removes the other expired ones.
    async fn session_account(&self, digest: [u8; 32], now_ms: i64) -> StoreResult<Option<Account>>;
    async fn end_session(&self, digest: [u8; 32]) -> StoreResult<()>;
    async fn create_api_token(&self, account: &str, label: &str, digest: [u8; 32]) -> StoreResult<ApiToken>;
    async fn list_api_tokens(&self, account: &str) -> StoreResult<Vec<ApiToken>>;
    /// Revokes (deletes) one of the account's tokens; false when it has no such token.
    async fn revoke_api_token(&self, account: &str, id: &str) -> StoreResult<bool>;
    /// The account of an API token, recording its use.
    async fn token_account(&self, digest: [u8; 32], now_ms: i64) -> StoreResult<Option<Account>>;
    /// Sets (or clears) the language the account's pages are shown in.
    async fn set_account_language(&self, id: &str, language: Option<Lang>) -> StoreResult<()>;
    /// Whether an operator account exists.
    async fn has_operator(&self) -> StoreResult<bool>;
    /// Stores a setup link (its digest) until `expires_ms`, replacing any other.
    async fn put_setup_link(&self, digest: [u8; 32], expires_ms: i64) -> StoreResult<()>;
    /// The expiry of the setup link when it is stored and unexpired at `now_ms` and no
    /// operator exists; `None` otherwise.
    async fn setup_link_expiry(&self, digest: [u8; 32], now_ms: i64) -> StoreResult<Option<i64>>;
    /// Redeems a setup link: reads the facts `account::setup::decide` needs and, when it
    /// allows, deletes the link and creates the operator account `new`, in one
    /// transaction. Once an operator exists every stored link is deleted.
    async fn redeem_setup_link(
        &self,
        digest: [u8; 32],
        now_ms: i64,
        new: NewAccount,
    ) -> StoreResult<Result<Account, SetupRefusal>>;
}

#[async_trait]
pub trait EndClientStore: Send + Sync {
    /// Creates an end client; 409 when the tenant has one with this id.
    async fn create_end_client(&self, tenant: TenantId, id: &str, name: &str) -> StoreResult<EndClient>;
    async fn list_end_clients(&self, tenant: TenantId) -> StoreResult<Vec<EndClient>>;
    async fn end_client(&self, tenant: TenantId, id: &str) -> StoreResult<Option<EndClient>>;
    /// Deletes an end client: 404 when there is none, 409 while learners or accounts
    /// belong to it.
    async fn delete_end_client(&self, tenant: TenantId, id: &str) -> StoreResult<()>;
}

/// A realm as the columns `role, reseller, tenant, end_client` (the same in every backend).
pub(crate) fn realm_columns(realm: &Realm) -> (&'static str, Option<&str>, Option<i64>, Option<&str>) {
    (
        realm.role().as_str(),
        realm.reseller(),
        realm.tenant().map(|t| t.0),
        realm.end_client(),
    )
}

/// An account's language as stored (a code), and back; an unknown code reads as none.
pub(crate) fn language_column(language: Option<Lang>) -> Option<&'static str> {
    language.map(Lang::code)
}

pub(crate) fn language_from(code: Option<String>) -> Option<Lang> {
    code.as_deref().and_then(Lang::parse)
}

/// The realm of stored columns; `None` for a row no version of kiroku writes.
pub(crate) fn realm_from(
    role: &str,
    reseller: Option<String>,
    tenant: Option<i64>,
    end_client: Option<String>,
) -> Option<Realm> {
    use crate::account::Role;
    match (Role::parse(role)?, reseller, tenant, end_client) {
        (Role::Operator, None, None, None) => Some(Realm::Service),
        (Role::ResellerAdmin, Some(r), None, None) => Some(Realm::Reseller(r)),
        (Role::TenantAdmin, None, Some(t), None) => Some(Realm::Tenant(TenantId(t))),
        (Role::EndClientAdmin, None, Some(t), Some(e)) => Some(Realm::EndClient(TenantId(t), e)),
        _ => None,
    }
}
