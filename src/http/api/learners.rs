//! `/api/v1/learners` and `/api/v1/registrations`.

use crate::http::extract::{Path, Query};
use crate::json::Put;
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use super::Admin;
use super::{admin, audit, json_object};
use crate::audit::Action;
use crate::http::client::ClientAddr;
use crate::http::error::ApiError;
use crate::learner::{self, Learner, LearnerFields, Registration};
use crate::lrs::LrsError;
use crate::server::AppState;

/// The tenant's IRI, the home page of its learners' xAPI accounts.
pub fn tenant_home(state: &AppState, p: &Admin) -> String {
    learner::home_page(&state.config.public_url, p.tenant.name.as_str())
}

fn learner_json(state: &AppState, p: &Admin, l: &Learner) -> Value {
    let mut v = serde_json::to_value(l).unwrap_or_default();
    v.put("agent", learner::agent(l, &tenant_home(state, p)));
    v
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewLearner {
    id: String,
    name: String,
    #[serde(default)]
    email: Option<String>,
    #[serde(default, rename = "endClient")]
    end_client: Option<String>,
}

pub async fn create(
    State(state): State<AppState>,
    from: ClientAddr,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let p = admin(&state, &headers).await?;
    let req: NewLearner = json_object(&body, "learner")?;
    let fields = LearnerFields {
        name: req.name,
        email: req.email,
        end_client: req.end_client,
    };
    let l = create_for(&state, &p, &from, &req.id, fields).await?;
    Ok((StatusCode::CREATED, Json(learner_json(&state, &p, &l))).into_response())
}

/// Creates learner `id` for the caller (in their end client, for an end-client admin),
/// with the audit entry: the API's and the learners page's call.
pub async fn create_for(
    state: &AppState,
    p: &Admin,
    from: &ClientAddr,
    id: &str,
    fields: LearnerFields,
) -> Result<Learner, ApiError> {
    learner::check_id(id).map_err(LrsError::BadRequest)?;
    let fields = learner::check_fields(LearnerFields {
        end_client: p.end_client_for(fields.end_client)?,
        ..fields
    })
    .map_err(LrsError::BadRequest)?;
    let detail = json!({ "fields": field_names(&fields) });
    let l = state.store.create_learner(p.tenant.id, id, fields).await?;
    let target = format!("learner:{}", l.id);
    audit::record(state, p, from, Action::LearnerCreated, target, detail).await;
    Ok(l)
}

pub async fn put(
    State(state): State<AppState>,
    from: ClientAddr,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let p = admin(&state, &headers).await?;
    let fields: LearnerFields = json_object(&body, "learner")?;
    let (l, created) = put_for(&state, &p, &from, &id, fields).await?;
    let status = if created { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(learner_json(&state, &p, &l))).into_response())
}

/// Creates or updates learner `id` (one the caller sees), with the audit entry; answers
/// the learner and whether it was created.
pub async fn put_for(
    state: &AppState,
    p: &Admin,
    from: &ClientAddr,
    id: &str,
    mut fields: LearnerFields,
) -> Result<(Learner, bool), ApiError> {
    learner::check_id(id).map_err(LrsError::BadRequest)?;
    if let Some(existing) = state.store.learner(p.tenant.id, id).await? {
        p.sees(Some(existing), id)?;
    }
    fields.end_client = p.end_client_for(fields.end_client)?;
    let fields = learner::check_fields(fields).map_err(LrsError::BadRequest)?;
    let detail = json!({ "fields": field_names(&fields) });
    let (l, created) = state.store.put_learner(p.tenant.id, id, fields).await?;
    let action = if created {
        Action::LearnerCreated
    } else {
        Action::LearnerUpdated
    };
    audit::record(state, p, from, action, format!("learner:{}", l.id), detail).await;
    Ok((l, created))
}

pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let p = admin(&state, &headers).await?;
    let l = p.learner(&state, &id).await?;
    Ok(Json(learner_json(&state, &p, &l)).into_response())
}

pub async fn list(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    let p = admin(&state, &headers).await?;
    let list = state
        .store
        .list_real_learners(p.tenant.id, p.end_client.as_deref())
        .await?;
    let items: Vec<Value> = list.iter().map(|l| learner_json(&state, &p, l)).collect();
    Ok(Json(json!({ "learners": items })).into_response())
}

/// Which fields a learner write sets: names only, never values (the e-mail address).
fn field_names(f: &LearnerFields) -> Vec<&'static str> {
    let mut names = vec!["name"];
    if f.email.is_some() {
        names.push("email");
    }
    names
}

/// The audit entry of a new registration.
pub(super) async fn registration_audit(state: &AppState, p: &Admin, from: &ClientAddr, r: &Registration) {
    let detail = json!({ "learner": r.learner, "packageId": r.package_id, "version": r.version, "preview": r.preview });
    audit::record(
        state,
        p,
        from,
        Action::RegistrationCreated,
        format!("registration:{}", r.id),
        detail,
    )
    .await;
}

#[derive(Debug, Deserialize)]
pub struct ForceQuery {
    #[serde(default)]
    force: bool,
}

/// Refused (409) while the learner has registrations, unless `?force=true`.
pub async fn delete(
    State(state): State<AppState>,
    from: ClientAddr,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<ForceQuery>,
) -> Result<Response, ApiError> {
    let p = admin(&state, &headers).await?;
    delete_for(&state, &p, &from, &id, q.force).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Deletes learner `id` (one the caller sees), with the audit entry. Without `force`,
/// refused (409) while the learner has registrations; with it, the registrations and
/// their records go too and the learner's open sessions end.
pub async fn delete_for(state: &AppState, p: &Admin, from: &ClientAddr, id: &str, force: bool) -> Result<(), ApiError> {
    p.learner(state, id).await?;
    state.store.delete_learner(p.tenant.id, id, force).await?;
    let detail = json!({ "force": force });
    audit::record(state, p, from, Action::LearnerDeleted, format!("learner:{id}"), detail).await;
    Ok(())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct NewRegistration {
    learner: String,
    package_id: String,
    /// Default: the newest version.
    #[serde(default)]
    version: Option<u32>,
}

pub async fn register(
    State(state): State<AppState>,
    from: ClientAddr,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let p = admin(&state, &headers).await?;
    let req: NewRegistration = json_object(&body, "registration")?;
    p.learner(&state, &req.learner).await?;
    let version = match req.version {
        Some(v) => v,
        None => state
            .store
            .package_versions(p.tenant.id, &req.package_id)
            .await?
            .last()
            .map(|v| v.version)
            .ok_or_else(|| LrsError::NotFound(format!("no package {}", req.package_id)))?,
    };
    let r = state
        .store
        .create_registration(p.tenant.id, &req.learner, &req.package_id, version)
        .await?;
    registration_audit(&state, &p, &from, &r).await;
    Ok((StatusCode::CREATED, Json(r)).into_response())
}

pub async fn registration(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let p = admin(&state, &headers).await?;
    Ok(Json(p.registration(&state, &id).await?).into_response())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RegistrationFilter {
    learner: Option<String>,
    package_id: Option<String>,
    end_client: Option<String>,
}

impl RegistrationFilter {
    /// The registrations that match and the caller sees: an end-client admin's own end
    /// client only (asking for another finds none).
    pub async fn list(self, state: &AppState, p: &Admin) -> Result<Vec<Registration>, ApiError> {
        let end_client = match (&p.end_client, self.end_client) {
            (Some(mine), Some(asked)) if *mine != asked => return Ok(Vec::new()),
            (Some(mine), _) => Some(mine.clone()),
            (None, asked) => asked,
        };
        let (learner, package) = (self.learner.as_deref(), self.package_id.as_deref());
        Ok(state
            .store
            .list_registrations(p.tenant.id, learner, package, end_client.as_deref())
            .await?)
    }
}

pub async fn registrations(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(f): Query<RegistrationFilter>,
) -> Result<Response, ApiError> {
    let p = admin(&state, &headers).await?;
    let list = f.list(&state, &p).await?;
    Ok(Json(json!({ "registrations": list })).into_response())
}

/// `POST /api/v1/learners/{id}/erase`: erases the learner's personal data (see
/// `ops::erase::erase_learner`) and answers the rows removed per table.
pub async fn erase(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let p = admin(&state, &headers).await?;
    p.learner(&state, &id).await?;
    let counts = crate::ops::erase::erase_learner(&*state.store, &state.config.public_url, &p.tenant, &id).await?;
    Ok(Json(json!({ "learner": id, "erased": counts })).into_response())
}
