//! The operator API (`/api/operator/v1/…`, JSON, app origin): tenants (create, list, show
//! with usage, change plan, suspend, resume) and plans (create, list). The caller is an
//! operator account, the holder of the `--operator-token`, or a reseller admin, who sees
//! and manages only the reseller's own tenants (others answer 404) and creates tenants
//! under it. Every change is written to the tenant's audit log (plans: the service log).

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use serde::Deserialize;
use serde_json::{Value, json};

use super::accounts::{Manager, manager};
use super::api::audit::append;
use super::client::ClientAddr;
use super::error::ApiError;
use crate::audit::{Action, SERVICE_LOG};
use crate::http::extract::Path;
use crate::lrs::LrsError;
use crate::operator::{self as op, TenantView};
use crate::server::AppState;
use crate::tenant::{Plan, Quotas, Tenant};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/operator/v1/tenants", post(create_tenant).get(list_tenants))
        .route("/api/operator/v1/tenants/{name}", get(show_tenant))
        .route("/api/operator/v1/tenants/{name}/plan", put(set_plan))
        .route("/api/operator/v1/tenants/{name}/suspend", post(suspend))
        .route("/api/operator/v1/tenants/{name}/resume", post(resume))
        .route("/api/operator/v1/plans", post(create_plan).get(list_plans))
}

/// The operator or a reseller admin.
pub(crate) async fn caller(state: &AppState, headers: &HeaderMap) -> Result<Manager, ApiError> {
    let m = manager(state, headers).await?;
    m.require_operator_or_reseller()?;
    Ok(m)
}

/// The tenant, when the caller reaches it (404 otherwise, as if it did not exist).
async fn reached(state: &AppState, m: &Manager, name: &str) -> Result<Tenant, ApiError> {
    let t = state.store.tenant_by_name(name).await?;
    t.filter(|t| m.realm.reaches_tenant(t.id, t.reseller.as_deref()))
        .ok_or_else(|| LrsError::NotFound(format!("no tenant named {name:?}")).into())
}

async fn record(state: &AppState, m: &Manager, from: &ClientAddr, t: &Tenant, action: Action, detail: Value) {
    let target = format!("tenant:{}", t.name);
    append(state, t.id, m.actor.clone(), from, action, target, detail).await;
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct NewTenantBody {
    name: String,
    #[serde(default)]
    plan: Option<String>,
    #[serde(default = "default_version")]
    xapi_version: String,
    /// The operator may name the reseller; a reseller admin's tenants are its own.
    #[serde(default)]
    reseller: Option<String>,
}

fn default_version() -> String {
    "2.0.0".into()
}

async fn create_tenant(
    State(state): State<AppState>,
    from: ClientAddr,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let m = caller(&state, &headers).await?;
    let b: NewTenantBody = super::api::json_object(&body, "tenant")?;
    let new = NewTenantRequest {
        name: &b.name,
        xapi_version: &b.xapi_version,
        plan: b.plan.as_deref(),
        reseller: b.reseller.as_deref(),
    };
    let t = create_tenant_for(&state, &m, &from, new).await?;
    Ok((StatusCode::CREATED, Json(t)).into_response())
}

/// A new tenant as a form or the API asks for it.
pub(crate) struct NewTenantRequest<'a> {
    pub name: &'a str,
    pub xapi_version: &'a str,
    pub plan: Option<&'a str>,
    /// The operator may name the reseller; a reseller admin's tenants are its own.
    pub reseller: Option<&'a str>,
}

/// Creates a tenant for the operator or a reseller admin (the API and the web app's page).
pub(crate) async fn create_tenant_for(
    state: &AppState,
    m: &Manager,
    from: &ClientAddr,
    b: NewTenantRequest<'_>,
) -> Result<Tenant, ApiError> {
    let reseller = match (m.realm.reseller(), b.reseller) {
        (Some(own), Some(asked)) if own != asked => {
            return Err(LrsError::Forbidden("a reseller admin creates tenants of its own reseller only".into()).into());
        }
        (Some(own), _) => Some(own),
        (None, asked) => asked,
    };
    let t = op::create_tenant(&*state.store, b.name, b.xapi_version, b.plan, reseller).await?;
    let detail = json!({ "plan": t.plan, "reseller": t.reseller });
    record(state, m, from, &t, Action::TenantCreated, detail).await;
    Ok(t)
}

async fn list_tenants(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    let m = caller(&state, &headers).await?;
    let all = state.store.list_tenants().await?;
    let seen: Vec<Tenant> = all
        .into_iter()
        .filter(|t| m.realm.reaches_tenant(t.id, t.reseller.as_deref()))
        .collect();
    Ok(Json(seen).into_response())
}

async fn show_tenant(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(name): Path<String>,
) -> Result<Json<TenantView>, ApiError> {
    let m = caller(&state, &headers).await?;
    Ok(Json(show_tenant_for(&state, &m, &name).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PlanBody {
    plan: String,
}

async fn set_plan(
    State(state): State<AppState>,
    from: ClientAddr,
    headers: HeaderMap,
    Path(name): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let m = caller(&state, &headers).await?;
    let b: PlanBody = super::api::json_object(&body, "plan change")?;
    let t = set_plan_for(&state, &m, &from, &name, &b.plan).await?;
    Ok(Json(t).into_response())
}

/// The tenant `name`, when the caller reaches it, with what it uses now (the API's
/// `GET …/tenants/{name}` and the web app's tenant page).
pub(crate) async fn show_tenant_for(state: &AppState, m: &Manager, name: &str) -> Result<TenantView, ApiError> {
    reached(state, m, name).await?;
    Ok(op::show_tenant(&*state.store, name).await?)
}

/// Moves a tenant the caller reaches to `plan`, in its audit log (the API and the page).
pub(crate) async fn set_plan_for(
    state: &AppState,
    m: &Manager,
    from: &ClientAddr,
    name: &str,
    plan: &str,
) -> Result<Tenant, ApiError> {
    reached(state, m, name).await?;
    let t = op::set_plan(&*state.store, name, plan).await?;
    let detail = json!({ "plan": t.plan });
    record(state, m, from, &t, Action::TenantPlanChanged, detail).await;
    Ok(t)
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct SuspendBody {
    #[serde(default)]
    reason: Option<String>,
}

async fn suspend(
    State(state): State<AppState>,
    from: ClientAddr,
    headers: HeaderMap,
    Path(name): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let m = caller(&state, &headers).await?;
    // Out of reach is 404 before the body is looked at (`suspend_for` checks it again).
    reached(&state, &m, &name).await?;
    let b: SuspendBody = if body.iter().all(u8::is_ascii_whitespace) {
        SuspendBody::default()
    } else {
        super::api::json_object(&body, "suspension")?
    };
    let t = suspend_for(&state, &m, &from, &name, b.reason).await?;
    Ok(Json(t).into_response())
}

/// Suspends a tenant the caller reaches, with an optional reason its refusals name.
pub(crate) async fn suspend_for(
    state: &AppState,
    m: &Manager,
    from: &ClientAddr,
    name: &str,
    reason: Option<String>,
) -> Result<Tenant, ApiError> {
    reached(state, m, name).await?;
    let t = op::suspend(&*state.store, name, reason).await?;
    record(state, m, from, &t, Action::TenantSuspended, json!({})).await;
    Ok(t)
}

async fn resume(
    State(state): State<AppState>,
    from: ClientAddr,
    headers: HeaderMap,
    Path(name): Path<String>,
) -> Result<Response, ApiError> {
    let m = caller(&state, &headers).await?;
    let t = resume_for(&state, &m, &from, &name).await?;
    Ok(Json(t).into_response())
}

/// Resumes a tenant the caller reaches.
pub(crate) async fn resume_for(
    state: &AppState,
    m: &Manager,
    from: &ClientAddr,
    name: &str,
) -> Result<Tenant, ApiError> {
    reached(state, m, name).await?;
    let t = op::resume(&*state.store, name).await?;
    record(state, m, from, &t, Action::TenantResumed, json!({})).await;
    Ok(t)
}

/// (`deny_unknown_fields` does not work with `flatten`: unknown fields are ignored here.)
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct NewPlanBody {
    name: String,
    #[serde(flatten)]
    quotas: Quotas,
}

async fn create_plan(
    State(state): State<AppState>,
    from: ClientAddr,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let m = manager(&state, &headers).await?;
    m.require_operator()?;
    let b: NewPlanBody = super::api::json_object(&body, "plan")?;
    let p = create_plan_for(&state, &m, &from, &b.name, b.quotas).await?;
    Ok((StatusCode::CREATED, Json(p)).into_response())
}

/// Creates a plan (the operator only), in the service log (the API and the plans page).
pub(crate) async fn create_plan_for(
    state: &AppState,
    m: &Manager,
    from: &ClientAddr,
    name: &str,
    quotas: Quotas,
) -> Result<Plan, ApiError> {
    m.require_operator()?;
    let p = op::create_plan(&*state.store, name, quotas).await?;
    let target = format!("plan:{}", p.name);
    append(
        state,
        SERVICE_LOG,
        m.actor.clone(),
        from,
        Action::PlanCreated,
        target,
        json!({}),
    )
    .await;
    Ok(p)
}

async fn list_plans(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    caller(&state, &headers).await?;
    Ok(Json(state.store.list_plans().await?).into_response())
}
