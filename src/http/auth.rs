//! HTTP Basic authentication against tenant credentials.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use super::error::ApiError;
use crate::lrs::LrsError;
use crate::store::Store;
use crate::tenant::{Access, Credential, Tenant, TenantStatus};

/// The authenticated caller of an xAPI request.
#[derive(Debug, Clone)]
pub struct Principal {
    pub tenant: Tenant,
    pub credential: Credential,
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
pub async fn authenticate(store: &dyn Store, header: Option<&str>) -> Result<Principal, ApiError> {
    let encoded = header
        .and_then(|h| h.strip_prefix("Basic ").or_else(|| h.strip_prefix("basic ")))
        .ok_or_else(unauthorized)?;
    let decoded = STANDARD.decode(encoded.trim()).map_err(|_| unauthorized())?;
    let text = String::from_utf8(decoded).map_err(|_| unauthorized())?;
    let (key, secret) = text.split_once(':').ok_or_else(unauthorized)?;
    let Some((tenant, credential)) = store.credential_by_key(key).await? else {
        return Err(unauthorized());
    };
    if !credential.secret_matches(secret) {
        return Err(unauthorized());
    }
    if tenant.status != TenantStatus::Active {
        return Err(LrsError::Forbidden(format!("tenant {} is {}", tenant.name, tenant.status.as_str())).into());
    }
    Ok(Principal { tenant, credential })
}
