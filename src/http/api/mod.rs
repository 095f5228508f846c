//! The tenant admin API (`/api/v1/…`, JSON): packages, learners and registrations,
//! launches, end clients, credentials, and the tenant's audit log (every change here is
//! recorded in it). The caller is a tenant credential holding the `admin` scope, or an
//! admin account (API token or session cookie): a tenant admin, an end-client admin
//! (limited to their end client's learners and registrations), or an operator or
//! reseller admin naming a tenant they reach in `X-Kiroku-Tenant`.

pub(crate) mod assignments;
pub(crate) mod audit;
pub(crate) mod cmi5;
mod credentials;
pub(crate) mod end_clients;
pub(crate) mod launch;
pub(crate) mod learner_signin;
pub(crate) mod learners;
pub(crate) mod learners_csv;
pub(crate) mod packages;
pub(crate) mod reporting;
mod reports;
mod upload;

use axum::Router;
use axum::http::HeaderMap;
use axum::routing::{get, post};

use super::accounts::account_caller;
use super::auth::authenticate;
use super::error::ApiError;
use crate::account::{Account, Realm};
use crate::audit::Actor;
use crate::learner::Learner;
use crate::lrs::LrsError;
use crate::server::AppState;
use crate::tenant::{Access, Tenant};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/packages", post(packages::upload).get(packages::list))
        .route("/api/v1/packages/{id}", get(packages::show).delete(packages::delete))
        .route(
            "/api/v1/packages/{id}/versions/{version}",
            axum::routing::delete(packages::delete_version),
        )
        .route("/api/v1/packages/{id}/launch", post(launch::by_package))
        .route("/api/v1/launch", post(launch::lms))
        .route("/api/v1/storage", get(packages::storage))
        .route("/api/v1/learners", post(learners::create).get(learners::list))
        .route(
            "/api/v1/learners.csv",
            post(learners_csv::import).get(learners_csv::export),
        )
        .route(
            "/api/v1/learners/{id}",
            get(learners::show).put(learners::put).delete(learners::delete),
        )
        .route("/api/v1/learners/{id}/erase", post(learners::erase))
        .route(
            "/api/v1/learners/{id}/password",
            axum::routing::put(learner_signin::set_password),
        )
        .route("/api/v1/learners/{id}/invitation", post(learner_signin::invite))
        .route("/api/v1/assignments", post(assignments::create).get(assignments::list))
        .route("/api/v1/assignments/{id}", axum::routing::delete(assignments::delete))
        .route(
            "/api/v1/registrations",
            post(learners::register).get(learners::registrations),
        )
        .route("/api/v1/registrations/{id}", get(learners::registration))
        .route("/api/v1/registrations/{id}/launch", post(launch::by_registration))
        .route("/api/v1/registrations/{id}/waive", post(cmi5::waive))
        .route("/api/v1/cmi5/sessions/{id}/abandon", post(cmi5::abandon))
        .route("/api/v1/audit", get(audit::list))
        .route("/api/v1/reports/registrations", get(reports::registrations))
        .route("/api/v1/reports/courses", get(reporting::courses))
        .route("/api/v1/reports/distributions", get(reporting::distributions))
        .route("/api/v1/reports/questions", get(reporting::questions))
        .route("/api/v1/reports/activity", get(reporting::activity))
        .route("/api/v1/reports/learners/{id}", get(reporting::transcript))
        .route("/api/v1/end-clients", post(end_clients::create).get(end_clients::list))
        .route(
            "/api/v1/end-clients/{id}",
            get(end_clients::show).delete(end_clients::delete),
        )
        .route("/api/v1/credentials", post(credentials::create).get(credentials::list))
        .route("/api/v1/credentials/{key}", axum::routing::delete(credentials::revoke))
}

/// Who is acting in a tenant through the admin API.
#[derive(Debug, Clone)]
pub struct Admin {
    pub tenant: Tenant,
    /// For the audit log.
    pub actor: Actor,
    /// Set for an end-client admin: the only end client they see.
    pub end_client: Option<String>,
}

impl Admin {
    /// 403 for an end-client admin: this request concerns the whole tenant.
    pub fn require_tenant_wide(&self) -> Result<(), ApiError> {
        match &self.end_client {
            None => Ok(()),
            Some(_) => Err(LrsError::Forbidden(
                "an end-client admin may not do this: it concerns the whole tenant".into(),
            )
            .into()),
        }
    }

    /// The learner, when the caller sees it (404 otherwise, as if it did not exist).
    pub fn sees(&self, learner: Option<Learner>, id: &str) -> Result<Learner, ApiError> {
        learner
            .filter(|l| self.end_client.is_none() || l.end_client == self.end_client)
            .ok_or_else(|| LrsError::NotFound(format!("no learner {id:?}")).into())
    }

    /// The registration, when the caller sees it (404 otherwise).
    pub async fn registration(&self, state: &AppState, id: &str) -> Result<crate::learner::Registration, ApiError> {
        state
            .store
            .registration(self.tenant.id, id)
            .await?
            .filter(|r| self.end_client.is_none() || r.end_client == self.end_client)
            .ok_or_else(|| LrsError::NotFound(format!("no registration {id}")).into())
    }

    /// The end client a learner written by this caller goes in: an end-client admin's
    /// own (naming another is refused), or what the request names.
    pub fn end_client_for(&self, requested: Option<String>) -> Result<Option<String>, ApiError> {
        match (&self.end_client, requested) {
            (None, r) => Ok(r),
            (Some(mine), None) => Ok(Some(mine.clone())),
            (Some(mine), Some(r)) if *mine == r => Ok(Some(r)),
            (Some(_), Some(_)) => Err(LrsError::Forbidden(
                "an end-client admin may only put learners in their own end client".into(),
            )
            .into()),
        }
    }

    /// Checks that the caller sees this learner of the tenant.
    pub async fn learner(&self, state: &AppState, id: &str) -> Result<Learner, ApiError> {
        self.sees(state.store.learner(self.tenant.id, id).await?, id)
    }
}

/// The caller: a credential with the `admin` scope (HTTP Basic), or an admin account.
pub(crate) async fn admin(state: &AppState, headers: &HeaderMap) -> Result<Admin, ApiError> {
    let header = headers.get("authorization").and_then(|v| v.to_str().ok());
    if header.is_some_and(|h| h.get(..6).is_some_and(|p| p.eq_ignore_ascii_case("basic "))) {
        let p = authenticate(state, header).await?;
        p.require(Access::Admin)?;
        return Ok(Admin {
            tenant: p.tenant,
            actor: Actor::credential(&p.credential.key),
            end_client: None,
        });
    }
    let Some(caller) = account_caller(state, headers).await? else {
        return Err(authenticate(state, header).await.err().unwrap_or_else(|| {
            ApiError::Unauthorized("valid HTTP Basic credentials or an admin account are required".into())
        }));
    };
    account_admin(state, headers, caller.account).await
}

/// The tenant an account acts in: its own, or for an operator or reseller admin the one
/// named in `X-Kiroku-Tenant` (404 unless they reach it).
async fn account_admin(state: &AppState, headers: &HeaderMap, account: Account) -> Result<Admin, ApiError> {
    let tenant = match account.realm.tenant() {
        Some(id) => state.store.tenant_by_id(id).await?,
        None => {
            let name = headers
                .get("x-kiroku-tenant")
                .and_then(|v| v.to_str().ok())
                .ok_or_else(|| LrsError::bad("name the tenant to act in with the X-Kiroku-Tenant header"))?;
            state
                .store
                .tenant_by_name(name)
                .await?
                .filter(|t| account.realm.reaches_tenant(t.id, t.reseller.as_deref()))
        }
    };
    let tenant = tenant.ok_or_else(|| LrsError::NotFound("no such tenant".into()))?;
    super::gate::admit_request(state, &tenant).await?;
    let end_client = match &account.realm {
        Realm::EndClient(_, e) => Some(e.clone()),
        _ => None,
    };
    Ok(Admin {
        tenant,
        actor: Actor::account(&account.id),
        end_client,
    })
}

/// Decodes a JSON object body into `T`. Serde would also build a struct from an array of
/// its fields, which is no way to send a request: only objects are accepted.
pub(super) fn json_object<T: serde::de::DeserializeOwned>(body: &[u8], what: &str) -> Result<T, ApiError> {
    let first = body.iter().find(|b| !b.is_ascii_whitespace());
    if first != Some(&b'{') {
        return Err(crate::lrs::LrsError::bad(format!("the {what} must be a JSON object")).into());
    }
    crate::http::extract::json_body(body, what)
}
