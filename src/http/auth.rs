//! HTTP Basic authentication against tenant credentials, and against the temporary
//! credential of an xAPI (tincan) launch: user `launch`, password the signed launch token,
//! bound to one learner (and registration) of one tenant until it expires.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use super::error::ApiError;
use crate::cmi5::usecase::open_session;
use crate::launch::LaunchGrant;
use crate::lrs::LrsError;
use crate::lrs::agent::ifi_key;
use crate::server::AppState;
use crate::tenant::{Access, Credential, Scope, ScopeSet, Tenant};
use serde_json::{Value, json};

/// The Basic user name of launch credentials.
pub const LAUNCH_USER: &str = "launch";

/// The authenticated caller of an xAPI request.
#[derive(Debug, Clone)]
pub struct Principal {
    pub tenant: Tenant,
    pub credential: Credential,
    /// Set for a launch credential: what it may touch.
    pub learner: Option<LearnerBound>,
}

/// What a launch credential is limited to.
#[derive(Debug, Clone)]
pub struct LearnerBound {
    /// The learner's agent, and its canonical key.
    pub agent: Value,
    pub agent_key: String,
    pub registration: Option<String>,
    /// The activity launched: activity profiles may be written under it only.
    pub activity: String,
    /// Set for the credential of a cmi5 session (what its fetch URL returned): the session
    /// and the course version, whose rules its statements and documents follow.
    pub cmi5: Option<Cmi5Bound>,
}

#[derive(Debug, Clone)]
pub struct Cmi5Bound {
    pub session: String,
    pub package: String,
    pub version: u32,
}

impl LearnerBound {
    fn refuse(what: &str) -> ApiError {
        LrsError::Forbidden(format!("a launch credential {what}")).into()
    }

    /// A statement it may store: about its learner, in its registration (when it has one).
    pub fn check_statement(&self, statement: &Value) -> Result<(), ApiError> {
        if statement.get("actor").and_then(ifi_key).as_deref() != Some(self.agent_key.as_str()) {
            return Err(Self::refuse("may only record statements whose actor is its learner"));
        }
        let registration = statement.pointer("/context/registration").and_then(Value::as_str);
        if let (Some(mine), Some(theirs)) = (&self.registration, registration)
            && !mine.eq_ignore_ascii_case(theirs)
        {
            return Err(Self::refuse("may only record statements of its registration"));
        }
        Ok(())
    }

    /// A document scope it may use: its learner's State and Agent Profile, in its
    /// registration; Activity Profiles to read, and to write under its activity.
    pub fn check_document(&self, agent: &str, registration: &str, activity: &str, write: bool) -> Result<(), ApiError> {
        if !agent.is_empty() && agent != self.agent_key {
            return Err(Self::refuse("may only use its learner's documents"));
        }
        if let (Some(mine), false) = (&self.registration, registration.is_empty())
            && !mine.eq_ignore_ascii_case(registration)
        {
            return Err(Self::refuse("may only use documents of its registration"));
        }
        if write && agent.is_empty() && !activity.starts_with(&self.activity) {
            return Err(Self::refuse(
                "may only write activity profiles of the activity it launched",
            ));
        }
        Ok(())
    }
}

impl Principal {
    /// 403 unless the credential's scopes grant `access`.
    pub fn require(&self, access: Access) -> Result<(), ApiError> {
        if self.credential.scopes.allows(access) {
            Ok(())
        } else {
            Err(LrsError::Forbidden(format!(
                "this credential's scopes ({}) do not allow this request",
                self.credential.scopes.to_text()
            ))
            .into())
        }
    }
}

fn unauthorized() -> ApiError {
    ApiError::Unauthorized("valid HTTP Basic credentials are required".into())
}

/// Checks an `Authorization: Basic …` header value.
pub async fn authenticate(state: &AppState, header: Option<&str>) -> Result<Principal, ApiError> {
    let encoded = header
        .and_then(|h| h.strip_prefix("Basic ").or_else(|| h.strip_prefix("basic ")))
        .ok_or_else(unauthorized)?;
    let decoded = STANDARD.decode(encoded.trim()).map_err(|_| unauthorized())?;
    let text = String::from_utf8(decoded).map_err(|_| unauthorized())?;
    let (key, secret) = text.split_once(':').ok_or_else(unauthorized)?;
    if key == LAUNCH_USER {
        return launch_principal(state, secret).await;
    }
    // No issued key holds U+0000, and PostgreSQL text cannot take it in a lookup.
    if key.contains('\0') {
        return Err(unauthorized());
    }
    let Some((tenant, credential)) = state.store.credential_by_key(key).await? else {
        return Err(unauthorized());
    };
    if !credential.secret_matches(secret) {
        return Err(unauthorized());
    }
    super::gate::admit_request(state, &tenant).await?;
    Ok(Principal {
        tenant,
        credential,
        learner: None,
    })
}

/// A launch credential: valid while its grant is, and while its learner exists.
async fn launch_principal(state: &AppState, token: &str) -> Result<Principal, ApiError> {
    let g: LaunchGrant = state
        .grants
        .verify_xapi(token, state.config.wall.now_ms())
        .map_err(|e| ApiError::Unauthorized(e.to_string()))?;
    let tenant = state
        .store
        .tenant_by_id(g.tenant_id())
        .await?
        .ok_or_else(unauthorized)?;
    super::gate::admit_request(state, &tenant).await?;
    let learner = state
        .store
        .learner(tenant.id, &g.learner)
        .await?
        .ok_or_else(|| ApiError::Unauthorized("the learner of this launch no longer exists".into()))?;
    let agent = learner_agent(&state.config.public_url, &tenant, &learner.id, &learner.name);
    let cmi5 = match &g.cmi5_session {
        Some(session) => {
            let registration = g.registration.as_deref().unwrap_or_default();
            let timeout = tenant.settings.cmi5_session_timeout_ms();
            let now = state.config.wall.now_ms();
            open_session(state.store.as_ref(), tenant.id, registration, session, timeout, now).await?;
            Some(Cmi5Bound {
                session: session.clone(),
                package: g.package.clone(),
                version: g.version,
            })
        }
        None => None,
    };
    let credential = Credential {
        key: format!("launch:{}", g.registration.as_deref().unwrap_or(&g.learner)),
        tenant: tenant.id,
        secret_digest: [0; 32],
        scopes: ScopeSet::new(vec![
            Scope::StatementsWrite,
            Scope::StatementsReadMine,
            Scope::State,
            Scope::Profile,
        ]),
        label: format!("launch of {}", g.package),
        created_ms: g.expires_ms,
    };
    Ok(Principal {
        tenant,
        credential,
        learner: Some(LearnerBound {
            agent_key: ifi_key(&agent).unwrap_or_default(),
            agent,
            registration: g.registration,
            activity: g.xapi_activity.unwrap_or_default(),
            cmi5,
        }),
    })
}

/// A learner's xAPI agent: an account on the tenant's home page.
pub fn learner_agent(public_url: &str, tenant: &Tenant, id: &str, name: &str) -> Value {
    let home = crate::learner::home_page(public_url, tenant.name.as_str());
    json!({ "objectType": "Agent", "name": name, "account": { "homePage": home, "name": id } })
}
