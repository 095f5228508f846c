//! Notices at the edge. The operator API (`/api/operator/v1/notices…`, the operator and
//! reseller admins, as `operator.rs` authorises them): post, list with each e-mail
//! delivery's status, show, and add an update to an incident (or resolve it). The tenant
//! admin API `GET /api/v1/notices`: the notices addressed to the caller's tenant. Each
//! handler decodes, calls one `notice::usecase` function and maps the result.

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Value, json};

use super::api::audit::append;
use super::client::ClientAddr;
use super::error::ApiError;
use super::operator::caller;
use crate::audit::{Action, SERVICE_LOG};
use crate::clock::format_ms;
use crate::http::extract::Path;
use crate::json::Put;
use crate::lrs::LrsError;
use crate::notice::delivery::Delivery;
use crate::notice::usecase::{self, AudienceName, NoticeRequest, Poster, UpdateRequest};
use crate::notice::{Audience, Notice, NoticeKind, Window};
use crate::server::AppState;
use crate::tenant::Tenant;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/operator/v1/notices", post(create).get(list))
        .route("/api/operator/v1/notices/{id}", get(show))
        .route("/api/operator/v1/notices/{id}/updates", post(add_update))
        .route("/api/v1/notices", get(tenant_list))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct NewNoticeBody {
    kind: String,
    title: String,
    body: String,
    /// `all`, `reseller` or `tenant`.
    audience: String,
    #[serde(default)]
    tenant: Option<String>,
    #[serde(default)]
    reseller: Option<String>,
    #[serde(default)]
    window_start: Option<String>,
    #[serde(default)]
    window_end: Option<String>,
}

fn audience_name(b: &NewNoticeBody) -> Result<AudienceName<'_>, ApiError> {
    match (b.audience.as_str(), b.tenant.as_deref(), b.reseller.as_deref()) {
        ("all", None, None) => Ok(AudienceName::All),
        ("reseller", None, r) => Ok(AudienceName::Reseller(r)),
        ("tenant", Some(t), None) => Ok(AudienceName::Tenant(t)),
        _ => Err(LrsError::bad(
            "audience is \"all\", \"reseller\" (with an optional reseller) or \"tenant\" (with its tenant)",
        )
        .into()),
    }
}

fn time(field: &str, value: &str) -> Result<i64, ApiError> {
    crate::lrs::formats::parse_timestamp(value, true)
        .map(|t| t.timestamp_millis())
        .ok_or_else(|| LrsError::bad(format!("{field} must be an RFC 3339 timestamp with its time zone")).into())
}

fn window(b: &NewNoticeBody) -> Result<Option<Window>, ApiError> {
    match (b.window_start.as_deref(), b.window_end.as_deref()) {
        (None, None) => Ok(None),
        (Some(s), Some(e)) => Ok(Some(Window {
            start_ms: time("windowStart", s)?,
            end_ms: time("windowEnd", e)?,
        })),
        _ => Err(LrsError::bad("a window needs both windowStart and windowEnd").into()),
    }
}

async fn create(
    State(state): State<AppState>,
    from: ClientAddr,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let m = caller(&state, &headers).await?;
    let b: NewNoticeBody = super::api::json_object(&body, "notice")?;
    let kind = NoticeKind::parse(&b.kind)
        .ok_or_else(|| LrsError::bad("kind is \"maintenance\", \"incident\" or \"general\""))?;
    let (window, audience) = (window(&b)?, audience_name(&b)?);
    let request = NoticeRequest {
        kind,
        title: b.title.clone(),
        body: b.body.clone(),
        window,
        audience,
    };
    let actor = format!("{}:{}", m.actor.kind, m.actor.id);
    let by = Poster {
        realm: &m.realm,
        actor: &actor,
    };
    let email = state.mailer.is_some();
    let (n, deliveries) = usecase::post(&*state.store, by, request, email, crate::clock::now_ms()).await?;
    state.notice_wake.notify_one();
    let detail = json!({ "kind": n.kind, "recipients": deliveries.len() });
    append(
        &state,
        log_of(&n),
        m.actor,
        &from,
        Action::NoticePosted,
        target(&n),
        detail,
    )
    .await;
    let tenants = state.store.list_tenants().await?;
    let v = notice_json(&n, &tenants, Some(&deliveries));
    Ok((StatusCode::CREATED, Json(v)).into_response())
}

/// The log a notice's entries go to: its tenant's, or the service log.
fn log_of(n: &Notice) -> crate::tenant::TenantId {
    match n.audience {
        Audience::Tenant(t) => t,
        _ => SERVICE_LOG,
    }
}

fn target(n: &Notice) -> String {
    format!("notice:{}", n.id)
}

async fn list(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    let m = caller(&state, &headers).await?;
    let notices = usecase::list(&*state.store, &m.realm).await?;
    let tenants = state.store.list_tenants().await?;
    let mut out = Vec::with_capacity(notices.len());
    for n in &notices {
        let deliveries = state.store.notice_deliveries(&n.id).await?;
        out.push(notice_json(n, &tenants, Some(&deliveries)));
    }
    Ok(Json(json!({ "notices": out })).into_response())
}

async fn show(State(state): State<AppState>, headers: HeaderMap, Path(id): Path<String>) -> Result<Response, ApiError> {
    let m = caller(&state, &headers).await?;
    let n = usecase::seen(&*state.store, &m.realm, &id).await?;
    let deliveries = state.store.notice_deliveries(&n.id).await?;
    let tenants = state.store.list_tenants().await?;
    Ok(Json(notice_json(&n, &tenants, Some(&deliveries))).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UpdateBody {
    body: String,
    /// Resolves the incident with this update.
    #[serde(default)]
    resolve: bool,
}

async fn add_update(
    State(state): State<AppState>,
    from: ClientAddr,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let m = caller(&state, &headers).await?;
    let b: UpdateBody = super::api::json_object(&body, "update")?;
    let now = crate::clock::now_ms();
    let request = UpdateRequest {
        body: &b.body,
        resolve: b.resolve,
        email: state.mailer.is_some(),
    };
    let n = usecase::update(&*state.store, &m.realm, &id, request, now).await?;
    state.notice_wake.notify_one();
    let detail = json!({ "resolved": b.resolve });
    append(
        &state,
        log_of(&n),
        m.actor,
        &from,
        Action::NoticeUpdated,
        target(&n),
        detail,
    )
    .await;
    let deliveries = state.store.notice_deliveries(&n.id).await?;
    let tenants = state.store.list_tenants().await?;
    Ok(Json(notice_json(&n, &tenants, Some(&deliveries))).into_response())
}

/// `GET /api/v1/notices`: the notices addressed to the caller's tenant, newest first
/// (without who posted them or their e-mails).
async fn tenant_list(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    let admin = super::api::admin(&state, &headers).await?;
    let notices = usecase::for_tenant(&*state.store, &admin.tenant).await?;
    let tenants = [admin.tenant];
    let out: Vec<Value> = notices.iter().map(|n| notice_json(n, &tenants, None)).collect();
    Ok(Json(json!({ "notices": out })).into_response())
}

/// A notice as the APIs show it: tenants by name, times in RFC 3339; with `deliveries`
/// (the operator API) who posted it and each e-mail's status too.
pub fn notice_json(n: &Notice, tenants: &[Tenant], deliveries: Option<&[Delivery]>) -> Value {
    let mut v = json!({
        "id": n.id,
        "kind": n.kind,
        "title": n.title,
        "body": n.body,
        "postedAt": format_ms(n.posted_ms),
        "updates": n.updates.iter().map(|u| json!({ "at": format_ms(u.at_ms), "body": u.body })).collect::<Vec<_>>(),
    });
    match &n.audience {
        Audience::All => v.put("audience", json!("all")),
        Audience::Reseller(r) => {
            v.put("audience", json!("reseller"));
            v.put("reseller", json!(r));
        }
        Audience::Tenant(t) => {
            v.put("audience", json!("tenant"));
            let name = tenants.iter().find(|x| x.id == *t).map(|x| x.name.to_string());
            v.put("tenant", json!(name));
        }
    }
    if let Some(w) = n.window {
        v.put("windowStart", json!(format_ms(w.start_ms)));
        v.put("windowEnd", json!(format_ms(w.end_ms)));
    }
    if n.kind == NoticeKind::Incident {
        v.put(
            "status",
            json!(if n.resolved_ms.is_some() { "resolved" } else { "open" }),
        );
        v.put("resolvedAt", json!(n.resolved_ms.map(format_ms)));
    }
    if let Some(ds) = deliveries {
        v.put("postedBy", json!(n.posted_by));
        v.put("deliveries", json!(ds.iter().map(delivery_json).collect::<Vec<_>>()));
    }
    v
}

fn delivery_json(d: &Delivery) -> Value {
    json!({
        "update": d.update,
        "account": d.recipient.account,
        "address": d.recipient.address,
        "status": d.status,
        "attempts": d.attempts,
        "lastError": d.last_error,
        "sentAt": d.sent_ms.map(format_ms),
        "nextAttemptAt": (d.status == crate::notice::delivery::DeliveryStatus::Pending).then(|| format_ms(d.next_attempt_ms)),
    })
}
