//! A grant is `base64url(claims JSON) "." base64url(HMAC-SHA256(claims))`, signed with a
//! key every server shares (kept in the database). It travels in the content URL's path,
//! so relative links inside a package keep it, and no cookie is needed in an iframe.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use crate::tenant::TenantId;

/// What a grant allows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LaunchGrant {
    #[serde(rename = "t")]
    pub tenant: i64,
    #[serde(rename = "p")]
    pub package: String,
    #[serde(rename = "v")]
    pub version: u32,
    #[serde(rename = "l")]
    pub learner: String,
    #[serde(rename = "r", default, skip_serializing_if = "Option::is_none")]
    pub registration: Option<String>,
    /// Expiry, epoch milliseconds.
    #[serde(rename = "e")]
    pub expires_ms: i64,
    /// Set on the temporary xAPI credential of an xAPI (tincan) launch: the activity
    /// launched. Such a grant authenticates LRS calls for its learner and never opens
    /// content; a content grant never authenticates LRS calls.
    #[serde(rename = "x", default, skip_serializing_if = "Option::is_none")]
    pub xapi_activity: Option<String>,
    /// The learner was stored when the grant was signed (an admin may try content as any
    /// learner id): such a grant stops working once the learner is deleted.
    #[serde(rename = "k", default, skip_serializing_if = "std::ops::Not::not")]
    pub learner_stored: bool,
    /// Set on a cmi5 fetch URL's token (with `xapi_activity`, the AU): the session id.
    /// Such a token is good for one POST to the fetch URL only, never for LRS calls.
    #[serde(rename = "s", default, skip_serializing_if = "Option::is_none")]
    pub fetch_session: Option<String>,
    /// Set on the xAPI credential a cmi5 fetch URL returns: the session it is good for,
    /// while that session is open (cmi5 8.2.1.0-6).
    #[serde(rename = "c", default, skip_serializing_if = "Option::is_none")]
    pub cmi5_session: Option<String>,
    /// Set on a cmi5 AU's launch link: opening it starts the AU's session and redirects
    /// to the AU (so a link handed out but never opened starts nothing).
    #[serde(rename = "a", default, skip_serializing_if = "Option::is_none")]
    pub cmi5_launch: Option<Cmi5LaunchClaims>,
}

/// What a cmi5 launch link starts: the AU (publisher id), the launch mode, where the AU
/// returns, and the learner preferences to write.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cmi5LaunchClaims {
    #[serde(rename = "a")]
    pub au: String,
    #[serde(rename = "m", default)]
    pub mode: crate::cmi5::state::LaunchMode,
    #[serde(rename = "u", default, skip_serializing_if = "Option::is_none")]
    pub return_url: Option<String>,
    #[serde(rename = "p", default, skip_serializing_if = "Option::is_none")]
    pub preferences: Option<serde_json::Value>,
}

impl LaunchGrant {
    pub fn tenant_id(&self) -> TenantId {
        TenantId(self.tenant)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GrantError {
    #[error("the launch link is malformed")]
    Malformed,
    #[error("the launch link's signature is not valid")]
    BadSignature,
    #[error("the launch link has expired")]
    Expired,
    #[error("this launch token is not valid here")]
    WrongPurpose,
}

/// The signing key.
#[derive(Clone)]
pub struct GrantKey([u8; 32]);

impl std::fmt::Debug for GrantKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("GrantKey(<redacted>)")
    }
}

type HmacSha256 = Hmac<Sha256>;

impl GrantKey {
    pub fn new(key: [u8; 32]) -> Self {
        Self(key)
    }

    fn mac(&self) -> HmacSha256 {
        <HmacSha256 as Mac>::new_from_slice(&self.0).expect("HMAC accepts a 32-byte key")
    }

    pub fn sign(&self, grant: &LaunchGrant) -> String {
        let claims = URL_SAFE_NO_PAD.encode(serde_json::to_vec(grant).unwrap_or_default());
        let mut mac = self.mac();
        mac.update(claims.as_bytes());
        let sig = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
        format!("{claims}.{sig}")
    }

    /// Checks a content grant: signature (in constant time), expiry and purpose.
    pub fn verify(&self, token: &str, now_ms: i64) -> Result<LaunchGrant, GrantError> {
        let g = self.verify_any(token, now_ms)?;
        if g.xapi_activity.is_some() || g.cmi5_launch.is_some() {
            return Err(GrantError::WrongPurpose);
        }
        Ok(g)
    }

    /// Checks a cmi5 AU's launch link.
    pub fn verify_cmi5_launch(&self, token: &str, now_ms: i64) -> Result<LaunchGrant, GrantError> {
        let g = self.verify_any(token, now_ms)?;
        if g.xapi_activity.is_some() || g.cmi5_launch.is_none() {
            return Err(GrantError::WrongPurpose);
        }
        Ok(g)
    }

    /// Checks the temporary xAPI credential of an xAPI launch.
    pub fn verify_xapi(&self, token: &str, now_ms: i64) -> Result<LaunchGrant, GrantError> {
        let g = self.verify_any(token, now_ms)?;
        if g.xapi_activity.is_none() || g.fetch_session.is_some() || g.cmi5_launch.is_some() {
            return Err(GrantError::WrongPurpose);
        }
        Ok(g)
    }

    /// Checks a cmi5 fetch URL's token.
    pub fn verify_fetch(&self, token: &str, now_ms: i64) -> Result<LaunchGrant, GrantError> {
        let g = self.verify_any(token, now_ms)?;
        if g.xapi_activity.is_none() || g.fetch_session.is_none() || g.cmi5_launch.is_some() {
            return Err(GrantError::WrongPurpose);
        }
        Ok(g)
    }

    fn verify_any(&self, token: &str, now_ms: i64) -> Result<LaunchGrant, GrantError> {
        let (claims, sig) = token.split_once('.').ok_or(GrantError::Malformed)?;
        let sig = URL_SAFE_NO_PAD.decode(sig).map_err(|_| GrantError::Malformed)?;
        let mut mac = self.mac();
        mac.update(claims.as_bytes());
        mac.verify_slice(&sig).map_err(|_| GrantError::BadSignature)?;
        let bytes = URL_SAFE_NO_PAD.decode(claims).map_err(|_| GrantError::Malformed)?;
        let grant: LaunchGrant = serde_json::from_slice(&bytes).map_err(|_| GrantError::Malformed)?;
        if grant.expires_ms <= now_ms {
            return Err(GrantError::Expired);
        }
        Ok(grant)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grant() -> LaunchGrant {
        LaunchGrant {
            tenant: 1,
            package: "p".into(),
            version: 2,
            learner: "ann".into(),
            registration: None,
            expires_ms: 1000,
            xapi_activity: None,
            learner_stored: false,
            fetch_session: None,
            cmi5_session: None,
            cmi5_launch: None,
        }
    }

    #[test]
    fn content_grants_and_xapi_credentials_are_not_interchangeable() {
        let key = GrantKey::new([7; 32]);
        let content = key.sign(&grant());
        let mut x = grant();
        x.xapi_activity = Some("https://example.com/a".into());
        let xapi = key.sign(&x);
        assert_eq!(key.verify_xapi(&xapi, 0), Ok(x.clone()));
        assert_eq!(key.verify(&xapi, 0), Err(GrantError::WrongPurpose));
        assert_eq!(key.verify_xapi(&content, 0), Err(GrantError::WrongPurpose));
        let mut f = x.clone();
        f.fetch_session = Some("s".into());
        let fetch = key.sign(&f);
        assert_eq!(key.verify_fetch(&fetch, 0), Ok(f));
        assert_eq!(key.verify_xapi(&fetch, 0), Err(GrantError::WrongPurpose));
        assert_eq!(key.verify(&fetch, 0), Err(GrantError::WrongPurpose));
        assert_eq!(key.verify_fetch(&xapi, 0), Err(GrantError::WrongPurpose));
    }

    #[test]
    fn round_trip_and_rejections() {
        let key = GrantKey::new([7; 32]);
        let token = key.sign(&grant());
        assert_eq!(key.verify(&token, 999), Ok(grant()));
        assert_eq!(key.verify(&token, 1000), Err(GrantError::Expired));
        assert_eq!(GrantKey::new([8; 32]).verify(&token, 0), Err(GrantError::BadSignature));
        let mut other = grant();
        other.learner = "bob".into();
        let forged = format!(
            "{}.{}",
            key.sign(&other).split('.').next().unwrap(),
            token.split('.').nth(1).unwrap()
        );
        assert_eq!(key.verify(&forged, 0), Err(GrantError::BadSignature));
        assert_eq!(key.verify("nonsense", 0), Err(GrantError::Malformed));
    }
}
