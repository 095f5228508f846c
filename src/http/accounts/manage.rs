//! Managing accounts, API tokens and resellers. Who may do what is
//! `account::Realm::governs`: an operator everything, a reseller admin its own reseller
//! and tenants, a tenant admin their tenant, an end-client admin their end client.
//! Anything outside the caller's realm answers 404, as if it did not exist.

use crate::http::extract::Path;
use crate::json::Put;
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use super::login::hash;
use super::{account_caller, signed_in};
use crate::account::login::{digest, new_api_token};
use crate::account::{
    Account, NewAccount, Realm, Reseller, Role, check_email, check_end_client_id, check_login, check_password,
};
use crate::audit::{Action, Actor, SERVICE_LOG};
use crate::http::api::audit::append;
use crate::http::api::json_object;
use crate::http::client::ClientAddr;
use crate::http::error::ApiError;
use crate::lrs::LrsError;
use crate::server::AppState;
use crate::tenant::{TenantId, constant_time_eq};

/// Who manages: an account, or the holder of the operator token (the whole service).
#[derive(Debug, Clone)]
pub struct Manager {
    pub realm: Realm,
    pub actor: Actor,
    pub account: Option<Account>,
}

/// The caller of the operator API and of `/api/accounts`: the operator token
/// (`Authorization: Bearer <--operator-token>`), or a signed-in account.
pub async fn manager(state: &AppState, headers: &HeaderMap) -> Result<Manager, ApiError> {
    if let Some(caller) = account_caller(state, headers).await? {
        return Ok(Manager {
            realm: caller.account.realm.clone(),
            actor: Actor::account(&caller.account.id),
            account: Some(caller.account),
        });
    }
    let presented = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|h| h.strip_prefix("Bearer "));
    let configured = state.config.operator_token.as_ref();
    match (presented, configured) {
        (Some(p), Some(token)) if !p.is_empty() && constant_time_eq(p.as_bytes(), token.0.as_bytes()) => Ok(Manager {
            realm: Realm::Service,
            actor: Actor::operator_token(),
            account: None,
        }),
        (Some(_), None) => Err(ApiError::Operator {
            configured: false,
            message: "no operator token is configured (--operator-token); sign in with an operator account".into(),
        }),
        _ => Err(ApiError::Operator {
            configured: true,
            message: "sign in with an operator or reseller account, or send Authorization: Bearer <operator token>"
                .into(),
        }),
    }
}

impl Manager {
    /// 403 unless the caller is the operator.
    pub fn require_operator(&self) -> Result<(), ApiError> {
        match self.realm {
            Realm::Service => Ok(()),
            _ => Err(LrsError::Forbidden("only the operator may do this".into()).into()),
        }
    }

    /// Records what the manager did to the account `a`, in the log of `a`'s realm.
    async fn record(&self, state: &AppState, from: &ClientAddr, action: Action, a: &Account) {
        let detail = json!({ "role": a.realm.role() });
        let target = format!("account:{}", a.id);
        append(
            state,
            log_of(&a.realm),
            self.actor.clone(),
            from,
            action,
            target,
            detail,
        )
        .await;
    }

    /// 403 unless the caller is the operator or a reseller admin.
    pub fn require_operator_or_reseller(&self) -> Result<(), ApiError> {
        match self.realm {
            Realm::Service | Realm::Reseller(_) => Ok(()),
            _ => Err(LrsError::Forbidden("only the operator or a reseller admin may do this".into()).into()),
        }
    }
}

/// The tenant's reseller, to decide whether a reseller governs it.
async fn tenant_reseller(state: &AppState, realm: &Realm) -> Result<Option<String>, ApiError> {
    match realm.tenant() {
        Some(t) => Ok(state.store.tenant_by_id(t).await?.and_then(|t| t.reseller)),
        None => Ok(None),
    }
}

async fn governs(state: &AppState, m: &Realm, target: &Realm) -> Result<bool, ApiError> {
    Ok(m.governs(target, tenant_reseller(state, target).await?.as_deref()))
}

/// An account as the API shows it (tenant by name; never the password hash).
pub async fn account_json(state: &AppState, a: &Account) -> Result<Value, ApiError> {
    let mut v = json!({
        "id": a.id,
        "login": a.login,
        "role": a.realm.role(),
        "createdAt": crate::clock::format_ms(a.created_ms),
    });
    if let Some(r) = a.realm.reseller() {
        v.put("reseller", json!(r));
    }
    if let Some(t) = a.realm.tenant() {
        let name = state.store.tenant_by_id(t).await?.map(|t| t.name.to_string());
        v.put("tenant", json!(name));
    }
    if let Some(e) = a.realm.end_client() {
        v.put("endClient", json!(e));
    }
    if let Some(email) = &a.email {
        v.put("email", json!(email));
    }
    if let Some(lang) = a.language {
        v.put("language", json!(lang.code()));
    }
    if let Some(until) = a.locked_until_ms.filter(|u| *u > crate::clock::now_ms()) {
        v.put("lockedUntil", json!(crate::clock::format_ms(until)));
    }
    Ok(v)
}

/// The log an entry about `subject` goes to: its tenant's, or the service log.
fn log_of(subject: &Realm) -> TenantId {
    subject.tenant().unwrap_or(SERVICE_LOG)
}

/// Records what `actor` did to the account `subject`.
pub async fn audit_account(
    state: &AppState,
    actor: &Account,
    subject: &Account,
    from: &ClientAddr,
    action: Action,
    detail: Value,
) {
    let target = format!("account:{}", subject.id);
    append(
        state,
        log_of(&subject.realm),
        Actor::account(&actor.id),
        from,
        action,
        target,
        detail,
    )
    .await;
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct NewAccountBody {
    pub login: String,
    pub password: String,
    pub role: String,
    #[serde(default)]
    pub reseller: Option<String>,
    /// Tenant name (default: the caller's own tenant).
    #[serde(default)]
    pub tenant: Option<String>,
    #[serde(default)]
    pub end_client: Option<String>,
    /// Where notices are sent (optional).
    #[serde(default)]
    pub email: Option<String>,
}

/// The refusal of a realm outside the caller's reach, or not there at all: the same.
fn out_of_reach() -> ApiError {
    LrsError::NotFound("no such reseller, tenant or end client within your reach".into()).into()
}

/// The realm a new account asks for, from its role and names.
async fn requested_realm(state: &AppState, m: &Manager, b: &NewAccountBody) -> Result<Realm, ApiError> {
    let role = Role::parse(&b.role)
        .ok_or_else(|| LrsError::bad("role must be operator, reseller-admin, tenant-admin or end-client-admin"))?;
    let tenant = || async {
        match (&b.tenant, m.realm.tenant()) {
            // The answer for a tenant that does not exist is the one for a tenant out of
            // reach, so the caller cannot probe other realms' tenant names.
            (Some(name), _) => state
                .store
                .tenant_by_name(name)
                .await?
                .map(|t| t.id)
                .ok_or_else(out_of_reach),
            (None, Some(own)) => Ok(own),
            (None, None) => Err(LrsError::bad("name the account's tenant").into()),
        }
    };
    Ok(match role {
        Role::Operator => Realm::Service,
        Role::ResellerAdmin => match (&b.reseller, m.realm.reseller()) {
            (Some(r), _) => Realm::Reseller(r.clone()),
            (None, Some(own)) => Realm::Reseller(own.to_owned()),
            (None, None) => return Err(LrsError::bad("name the account's reseller").into()),
        },
        Role::TenantAdmin => Realm::Tenant(tenant().await?),
        Role::EndClientAdmin => {
            let e = match (&b.end_client, m.realm.end_client()) {
                (Some(e), _) => check_end_client_id(e).map_err(LrsError::BadRequest)?,
                (None, Some(own)) => own.to_owned(),
                (None, None) => return Err(LrsError::bad("name the account's end client").into()),
            };
            Realm::EndClient(tenant().await?, e)
        }
    })
}

/// `POST /api/accounts`: creates an account within the caller's realm (404 outside it).
pub async fn create_account(
    State(state): State<AppState>,
    from: ClientAddr,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let m = manager(&state, &headers).await?;
    let b: NewAccountBody = json_object(&body, "account")?;
    let a = create_account_for(&state, &m, &from, b).await?;
    Ok((StatusCode::CREATED, Json(account_json(&state, &a).await?)).into_response())
}

/// Creates an account within the manager's realm (404 outside it): the login and
/// password rules, the realm, the hash off the async threads, the audit entry. The API
/// and the web app's account forms both come here.
pub(crate) async fn create_account_for(
    state: &AppState,
    m: &Manager,
    from: &ClientAddr,
    b: NewAccountBody,
) -> Result<Account, ApiError> {
    let login = check_login(&b.login).map_err(LrsError::BadRequest)?;
    check_password(&login, &b.password).map_err(LrsError::BadRequest)?;
    let email = b
        .email
        .as_deref()
        .map(check_email)
        .transpose()
        .map_err(LrsError::BadRequest)?;
    let realm = requested_realm(state, m, &b).await?;
    if !governs(state, &m.realm, &realm).await? {
        return Err(out_of_reach());
    }
    let password_hash = hash(b.password).await?;
    let a = state
        .store
        .create_account(NewAccount {
            login,
            realm,
            password_hash,
            email,
        })
        .await?;
    m.record(state, from, Action::AccountCreated, &a).await;
    Ok(a)
}

pub async fn list_accounts(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    let m = manager(&state, &headers).await?;
    let mut out = Vec::new();
    for a in state.store.list_accounts(&m.realm).await? {
        out.push(account_json(&state, &a).await?);
    }
    Ok(Json(json!({ "accounts": out })).into_response())
}

/// The account, when the caller governs it (404 otherwise).
async fn governed(state: &AppState, m: &Manager, id: &str) -> Result<Account, ApiError> {
    let a = state.store.account(id).await?;
    match a {
        Some(a) if governs(state, &m.realm, &a.realm).await? => Ok(a),
        _ => Err(LrsError::NotFound(format!("no account {id:?}")).into()),
    }
}

pub async fn show_account(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let m = manager(&state, &headers).await?;
    let a = governed(&state, &m, &id).await?;
    Ok(Json(account_json(&state, &a).await?).into_response())
}

/// `DELETE /api/accounts/{id}`: the forced deletion of an admin ID. Its sessions and API
/// tokens go in the same transaction, so its next request is refused on every server.
pub async fn delete_account(
    State(state): State<AppState>,
    from: ClientAddr,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let m = manager(&state, &headers).await?;
    let a = governed(&state, &m, &id).await?;
    if m.account.as_ref().is_some_and(|me| me.id == a.id) {
        return Err(LrsError::Conflict("an account cannot delete itself".into()).into());
    }
    state.store.delete_account(&a.id).await?;
    m.record(&state, &from, Action::AccountDeleted, &a).await;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct NewToken {
    #[serde(default)]
    label: String,
}

/// `POST /api/auth/tokens` `{"label"}`: an API token for the signed-in account, shown once.
pub async fn create_token(
    State(state): State<AppState>,
    from: ClientAddr,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let caller = signed_in(&state, &headers).await?;
    let b: NewToken = if body.iter().all(u8::is_ascii_whitespace) {
        NewToken::default()
    } else {
        json_object(&body, "token")?
    };
    crate::tenant::check_label(&b.label).map_err(LrsError::BadRequest)?;
    let token = new_api_token();
    let t = state
        .store
        .create_api_token(&caller.account.id, &b.label, digest(&token))
        .await?;
    let a = &caller.account;
    super::manage::audit_account(&state, a, a, &from, Action::ApiTokenCreated, json!({ "token": t.id })).await;
    let mut v = serde_json::to_value(&t).unwrap_or_default();
    v.put("token", json!(token));
    Ok((StatusCode::CREATED, Json(v)).into_response())
}

pub async fn list_tokens(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    let caller = signed_in(&state, &headers).await?;
    let list = state.store.list_api_tokens(&caller.account.id).await?;
    Ok(Json(json!({ "tokens": list })).into_response())
}

pub async fn revoke_token(
    State(state): State<AppState>,
    from: ClientAddr,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let caller = signed_in(&state, &headers).await?;
    if !state.store.revoke_api_token(&caller.account.id, &id).await? {
        return Err(LrsError::NotFound(format!("no API token {id:?}")).into());
    }
    let a = &caller.account;
    audit_account(&state, a, a, &from, Action::ApiTokenRevoked, json!({ "token": id })).await;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewReseller {
    name: String,
}

/// `POST /api/operator/v1/resellers` (the operator only).
pub async fn create_reseller(
    State(state): State<AppState>,
    from: ClientAddr,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let m = manager(&state, &headers).await?;
    m.require_operator()?;
    let b: NewReseller = json_object(&body, "reseller")?;
    let r = create_reseller_for(&state, &m, &from, &b.name).await?;
    Ok((StatusCode::CREATED, Json(r)).into_response())
}

/// Creates a reseller (the operator only), in the service log (the API and the page).
pub(crate) async fn create_reseller_for(
    state: &AppState,
    m: &Manager,
    from: &ClientAddr,
    name: &str,
) -> Result<Reseller, ApiError> {
    m.require_operator()?;
    let name = crate::tenant::check_name("reseller", name).map_err(LrsError::BadRequest)?;
    let r = state.store.create_reseller(&name).await?;
    let target = format!("reseller:{name}");
    append(
        state,
        SERVICE_LOG,
        m.actor.clone(),
        from,
        Action::ResellerCreated,
        target,
        json!({}),
    )
    .await;
    Ok(r)
}

/// `GET /api/operator/v1/resellers`: every reseller for the operator, its own for a
/// reseller admin.
pub async fn list_resellers(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    let m = manager(&state, &headers).await?;
    m.require_operator_or_reseller()?;
    let all = state.store.list_resellers().await?;
    let seen: Vec<_> = all
        .into_iter()
        .filter(|r| m.realm.reseller().is_none_or(|own| own == r.name))
        .collect();
    Ok(Json(json!({ "resellers": seen })).into_response())
}
