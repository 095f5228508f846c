//! Launch links: by package (for an admin trying content), by registration, and the LMS
//! launch that creates the learner and the registration on first use. Every link is a
//! signed, expiring grant on the content origin for one learner and package version; a
//! cmi5 AU's launch also starts its session (`cmi5.rs`).

use crate::http::extract::Path;
use crate::json::Put;
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use super::Admin;
use super::cmi5::{launch_mode, learner_preferences};
use super::packages::find_version;
use super::{admin, audit, json_object};
use crate::audit::Action;
use crate::clock;
use crate::cmi5::state::LaunchMode;
use crate::http::auth::{LAUNCH_USER, learner_agent};
use crate::http::client::ClientAddr;
use crate::http::error::ApiError;
use crate::i18n::Lang;
use crate::launch::{Cmi5LaunchClaims, LaunchGrant};
use crate::learner::{self, LearnerFields, Registration};
use crate::lrs::LrsError;
use crate::ops::metrics::Event;
use crate::package::model::{ActorFormat, PackageKind, Structure};
use crate::server::AppState;
use crate::tenant::TenantId;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

/// Who and what a link is for.
struct Target<'a> {
    tenant: TenantId,
    package_id: &'a str,
    version: Option<u32>,
    learner: String,
    registration: Option<String>,
    item: Option<&'a str>,
    /// Where an OwnWindow cmi5 AU returns (`returnURL` of `LMS.LaunchData`).
    return_url: Option<&'a str>,
    /// A cmi5 AU's launch mode, and the learner's preferences to write for it.
    mode: LaunchMode,
    preferences: Option<Value>,
    /// The player's language, when the caller chose one (`playerUrl` carries it).
    lang: Option<Lang>,
}

async fn link(state: &AppState, t: Target<'_>) -> Result<Value, ApiError> {
    let (v, _, course) = find_version(state, t.tenant, t.package_id, t.version).await?;
    let items = course.launchables();
    let item = match t.item {
        Some(want) => items
            .iter()
            .find(|l| l.id == want)
            .ok_or_else(|| LrsError::NotFound(format!("no launchable item {want:?}")))?,
        None => items
            .first()
            .ok_or_else(|| LrsError::NotFound("the package has nothing to launch".into()))?,
    };
    let expires_ms = state.config.wall.now_ms() + i64::try_from(state.config.launch_ttl_secs).unwrap_or(0) * 1000;
    // A grant with a registration always checks its learner; one without (an admin trying
    // content as any id) only when the learner exists now.
    let learner_stored = t.registration.is_none() && state.store.learner(t.tenant, &t.learner).await?.is_some();
    let grant = LaunchGrant {
        tenant: t.tenant.0,
        package: v.package_id.clone(),
        version: v.version,
        learner: t.learner,
        registration: t.registration.clone(),
        expires_ms,
        xapi_activity: None,
        learner_stored,
        fetch_session: None,
        cmi5_session: None,
        cmi5_launch: None,
    };
    let token = state.grants.sign(&grant);
    state.metrics.count(Event::Launches, 1);
    let base = format!("{}/content/{token}/", state.config.content_url);
    // xAPI (tincan) content talks to the LRS itself, with a temporary credential.
    let lrs_params = match course.kind {
        PackageKind::Xapi => {
            let format = match &course.structure {
                Structure::Xapi(x) => x.actor_format,
                _ => ActorFormat::default(),
            };
            Some(xapi_launch_params(state, t.tenant, &grant, &item.id, format).await?)
        }
        _ => None,
    };
    let url = match course.kind {
        // Opening a cmi5 AU's link starts its session (`http::runtime::cmi5`).
        PackageKind::Cmi5 => {
            let mut l = grant.clone();
            l.cmi5_launch = Some(Cmi5LaunchClaims {
                au: item.id.clone(),
                mode: t.mode,
                return_url: t.return_url.map(str::to_owned),
                preferences: t.preferences,
            });
            format!("{}/cmi5/launch/{}", state.config.content_url, state.grants.sign(&l))
        }
        _ => crate::http::content::launch_url(&item.href, &base, lrs_params.as_deref()),
    };
    // The player records what happens, so it needs a registration.
    let player_url = t
        .registration
        .as_ref()
        .map(|_| format!("{}/player/{token}/", state.config.content_url))
        .map(|p| match t.lang {
            Some(l) => format!("{p}?lang={}", l.code()),
            None => p,
        });
    let mut out = json!({
        "url": url,
        "contentBase": base,
        "expiresAt": clock::format_ms(expires_ms),
        "packageId": v.package_id,
        "version": v.version,
        "item": item.id,
        "learner": grant.learner,
        "registration": t.registration,
    });
    if let Some(p) = player_url {
        out.put("playerUrl", json!(p));
    }
    Ok(out)
}

/// The launch parameters of the xAPI "Launching Activities" convention (`endpoint`,
/// `auth`, `actor`, `registration`, `activity_id`): the credential is a signed token for
/// this learner, registration and activity, expiring with the launch link.
async fn xapi_launch_params(
    state: &AppState,
    tenant: TenantId,
    grant: &LaunchGrant,
    activity: &str,
    format: ActorFormat,
) -> Result<String, ApiError> {
    let t = state
        .store
        .tenant_by_id(tenant)
        .await?
        .ok_or_else(|| LrsError::NotFound("no such tenant".into()))?;
    let name = state
        .store
        .learner(tenant, &grant.learner)
        .await?
        .map_or_else(|| grant.learner.clone(), |l| l.name);
    let actor = learner_agent(&state.config.public_url, &t, &grant.learner, &name);
    let mut credential = grant.clone();
    credential.xapi_activity = Some(activity.to_owned());
    let secret = state.grants.sign(&credential);
    let auth = format!("Basic {}", STANDARD.encode(format!("{LAUNCH_USER}:{secret}")));
    let mut q = form_urlencoded::Serializer::new(String::new());
    q.append_pair("endpoint", &format!("{}/xapi/", state.config.public_url));
    q.append_pair("auth", &auth);
    q.append_pair("actor", &crate::launch::actor::launch_actor(&actor, format));
    if let Some(r) = &grant.registration {
        q.append_pair("registration", r);
    }
    q.append_pair("activity_id", activity);
    // Content decodes with decodeURIComponent, which leaves `+` alone.
    Ok(q.finish().replace('+', "%20"))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename_all = "camelCase")]
pub struct PackageLaunch {
    learner: String,
    version: Option<u32>,
    item: Option<String>,
    return_url: Option<String>,
    launch_mode: Option<String>,
    learner_preferences: Option<Value>,
}

/// `POST /api/v1/packages/{id}/launch`: a link for a learner id, without a registration.
pub async fn by_package(
    State(state): State<AppState>,
    from: ClientAddr,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let p = admin(&state, &headers).await?;
    let req: PackageLaunch = json_object(&body, "launch request")?;
    learner::check_id(&req.learner).map_err(LrsError::BadRequest)?;
    if p.end_client.is_some() {
        p.learner(&state, &req.learner).await?;
    }
    let target = Target {
        tenant: p.tenant.id,
        package_id: &id,
        version: req.version,
        learner: req.learner,
        registration: None,
        item: req.item.as_deref(),
        return_url: req.return_url.as_deref(),
        mode: launch_mode(req.launch_mode.as_deref())?,
        preferences: learner_preferences(req.learner_preferences)?,
        lang: None,
    };
    let out = link(&state, target).await?;
    launch_audit(&state, &p, &from, &out).await;
    Ok(Json(out).into_response())
}

/// The audit entry of an issued launch link (never the link: it is a credential).
async fn launch_audit(state: &AppState, p: &Admin, from: &ClientAddr, out: &Value) {
    let detail = json!({
        "packageId": out["packageId"],
        "version": out["version"],
        "item": out["item"],
        "registration": out["registration"],
        "expiresAt": out["expiresAt"],
    });
    let target = format!("learner:{}", out["learner"].as_str().unwrap_or_default());
    audit::record(state, p, from, Action::LaunchIssued, target, detail).await;
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RegistrationLaunch {
    item: Option<String>,
    return_url: Option<String>,
    launch_mode: Option<String>,
    learner_preferences: Option<Value>,
    /// The player's language (`en`, `ja`); the learner's browser chooses otherwise.
    lang: Option<String>,
}

/// What a launch request asks of a cmi5 AU, besides the item, and the player's language.
#[derive(Default)]
struct AuOptions<'a> {
    return_url: Option<&'a str>,
    mode: Option<&'a str>,
    preferences: Option<Value>,
    lang: Option<&'a str>,
}

fn registration_target<'a>(
    tenant: TenantId,
    r: &'a Registration,
    item: Option<&'a str>,
    o: AuOptions<'a>,
) -> Result<Target<'a>, ApiError> {
    Ok(Target {
        tenant,
        package_id: &r.package_id,
        version: Some(r.version),
        learner: r.learner.clone(),
        registration: Some(r.id.clone()),
        item,
        return_url: o.return_url,
        mode: launch_mode(o.mode)?,
        preferences: learner_preferences(o.preferences)?,
        lang: crate::http::content::chosen_lang(o.lang)?,
    })
}

/// `POST /api/v1/registrations/{id}/launch`: the registration's learner, on the package
/// version it was made for (a newer upload never changes what a registration runs).
pub async fn by_registration(
    State(state): State<AppState>,
    from: ClientAddr,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let p = admin(&state, &headers).await?;
    let req: RegistrationLaunch = if body.iter().all(u8::is_ascii_whitespace) {
        RegistrationLaunch::default()
    } else {
        json_object(&body, "launch request")?
    };
    let r = p.registration(&state, &id).await?;
    let o = AuOptions {
        return_url: req.return_url.as_deref(),
        mode: req.launch_mode.as_deref(),
        preferences: req.learner_preferences,
        lang: req.lang.as_deref(),
    };
    let out = link(&state, registration_target(p.tenant.id, &r, req.item.as_deref(), o)?).await?;
    launch_audit(&state, &p, &from, &out).await;
    Ok(Json(out).into_response())
}

/// A preview: the caller (an admin account) opens the course on `version` (the newest
/// when `None`) as their own test learner (`learner::preview_learner_id`, made on first
/// use, in the caller's end client), in a fresh registration, which `learner::register`
/// marks as a preview. Test learners are not listed and not counted in the learner
/// quota; preview registrations are left out of the reports. Answers the player URL.
pub async fn preview_for(
    state: &AppState,
    p: &Admin,
    from: &ClientAddr,
    package_id: &str,
    version: Option<u32>,
) -> Result<String, ApiError> {
    let tenant = p.tenant.id;
    let (v, _, _) = find_version(state, tenant, package_id, version).await?;
    let id = learner::preview_learner_id(&p.actor);
    if state.store.learner(tenant, &id).await?.is_none() {
        let name = match p.actor.kind.as_str() {
            "account" => state.store.account(&p.actor.id).await?.map(|a| a.login),
            _ => None,
        };
        let fields = LearnerFields {
            name: name.unwrap_or_else(|| p.actor.id.clone()),
            email: None,
            end_client: p.end_client.clone(),
        };
        let fields = learner::check_fields(fields).map_err(LrsError::BadRequest)?;
        state.store.put_learner(tenant, &id, fields).await?;
    }
    let r = state
        .store
        .create_registration(tenant, &id, &v.package_id, v.version)
        .await?;
    super::learners::registration_audit(state, p, from, &r).await;
    let out = link(state, registration_target(tenant, &r, None, AuOptions::default())?).await?;
    launch_audit(state, p, from, &out).await;
    out.get("playerUrl")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| ApiError::Internal("a registration's launch has no player URL".into()))
}

/// The learner's newest registration for a package, or a new one on `version` (the
/// package's newest) when there is none; whether it was made now. The LMS launch and the
/// learner portal's launch both go through here.
pub(crate) async fn learner_registration(
    state: &AppState,
    tenant: TenantId,
    learner: &str,
    package_id: &str,
    version: u32,
) -> Result<(Registration, bool), ApiError> {
    let existing = state
        .store
        .list_registrations(tenant, Some(learner), Some(package_id), None)
        .await?;
    Ok(match existing.into_iter().last() {
        Some(r) => (r, false),
        None => (
            state
                .store
                .create_registration(tenant, learner, package_id, version)
                .await?,
            true,
        ),
    })
}

/// The learner portal's launch of an assigned course: the learner's registration for the
/// package (made on its newest version on first launch), its link, whether the
/// registration was made now, and where the browser goes: the player, or for xAPI content
/// (which talks to the LRS itself, with the launch parameters) the content's launch URL.
pub(crate) async fn portal_launch(
    state: &AppState,
    tenant: TenantId,
    learner: &str,
    package_id: &str,
    lang: Lang,
) -> Result<(Value, Registration, bool, String), ApiError> {
    let (newest, _, course) = find_version(state, tenant, package_id, None).await?;
    let (r, created) = learner_registration(state, tenant, learner, package_id, newest.version).await?;
    // The player speaks the portal's language.
    let o = AuOptions {
        lang: Some(lang.code()),
        ..AuOptions::default()
    };
    let out = link(state, registration_target(tenant, &r, None, o)?).await?;
    let to = match course.kind {
        PackageKind::Xapi => out.get("url"),
        _ => out.get("playerUrl").or_else(|| out.get("url")),
    };
    let to = to.and_then(Value::as_str).unwrap_or_default().to_owned();
    Ok((out, r, created, to))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LmsLearner {
    id: String,
    name: String,
    #[serde(default)]
    email: Option<String>,
    /// The end client a learner created by this launch goes in.
    #[serde(default, rename = "endClient")]
    end_client: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct LmsLaunch {
    learner: LmsLearner,
    package_id: String,
    item: Option<String>,
    return_url: Option<String>,
    launch_mode: Option<String>,
    learner_preferences: Option<Value>,
    /// The player's language (`en`, `ja`); the learner's browser chooses otherwise.
    lang: Option<String>,
}

/// `POST /api/v1/launch`: an LMS launches with its own learner id and name. The learner
/// is created on first use (an existing one is left as it is), and the learner's newest
/// registration for the package is reused, or one is made on the newest version.
pub async fn lms(
    State(state): State<AppState>,
    from: ClientAddr,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let p = admin(&state, &headers).await?;
    let raw: Value = json_object(&body, "launch request")?;
    if !raw.get("learner").is_some_and(Value::is_object) {
        return Err(LrsError::bad("learner must be a JSON object with id and name").into());
    }
    let req: LmsLaunch =
        serde_json::from_value(raw).map_err(|e| LrsError::bad(format!("invalid launch request: {e}")))?;
    learner::check_id(&req.learner.id).map_err(LrsError::BadRequest)?;
    let fields = learner::check_fields(LearnerFields {
        name: req.learner.name,
        email: req.learner.email,
        end_client: p.end_client_for(req.learner.end_client)?,
    })
    .map_err(LrsError::BadRequest)?;
    let tenant = p.tenant.id;
    let store = &state.store;
    // The package first: a refused launch creates nothing.
    let (newest, _, _) = find_version(&state, tenant, &req.package_id, None).await?;
    let existing = store.learner(tenant, &req.learner.id).await?;
    if existing.is_some() {
        p.sees(existing, &req.learner.id)?;
    } else {
        // A concurrent first launch may have created it: a conflict here is fine.
        let detail = json!({ "fields": if fields.email.is_some() { vec!["name", "email"] } else { vec!["name"] } });
        match store.create_learner(tenant, &req.learner.id, fields).await {
            Ok(l) => {
                let target = format!("learner:{}", l.id);
                audit::record(&state, &p, &from, Action::LearnerCreated, target, detail).await;
            }
            // …and it must then be one the caller sees (an end-client admin's launch
            // never runs as another end client's learner).
            Err(crate::store::StoreError::Rejected(LrsError::Conflict(_))) => {
                p.sees(store.learner(tenant, &req.learner.id).await?, &req.learner.id)?;
            }
            Err(e) => return Err(e.into()),
        }
    }
    let (registration, created) =
        learner_registration(&state, tenant, &req.learner.id, &req.package_id, newest.version).await?;
    if created {
        super::learners::registration_audit(&state, &p, &from, &registration).await;
    }
    let o = AuOptions {
        return_url: req.return_url.as_deref(),
        mode: req.launch_mode.as_deref(),
        preferences: req.learner_preferences,
        lang: req.lang.as_deref(),
    };
    let out = link(
        &state,
        registration_target(tenant, &registration, req.item.as_deref(), o)?,
    )
    .await?;
    launch_audit(&state, &p, &from, &out).await;
    Ok(Json(out).into_response())
}
