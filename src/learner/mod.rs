//! Learners and registrations: the domain types and their rules. A learner's xAPI
//! identity is an account on the tenant's home page, never an e-mail address.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::lrs::LrsError;

pub mod csv;

/// Longest learner id and name accepted.
pub const MAX_LEN: usize = 255;

/// The reserved beginning of a test learner's id: an admin account's own learner for
/// previewing courses (`preview_learner_id`). No learner id given to kiroku may start
/// with it (`check_id`); test learners are left out of the learners list, its CSV export
/// and the learner quota, and every registration of one is a preview (`register`).
pub const PREVIEW_PREFIX: &str = "~preview~";

/// The test learner of the one who previews (an audit actor: kind and id, e.g. an
/// account), e.g. `~preview~account:0190…`.
pub fn preview_learner_id(actor: &crate::audit::Actor) -> String {
    format!("{PREVIEW_PREFIX}{}:{}", actor.kind, actor.id)
}

/// Whether `id` is a test learner's (`preview_learner_id`).
pub fn is_preview_learner(id: &str) -> bool {
    id.starts_with(PREVIEW_PREFIX)
}

/// A learner as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Learner {
    pub id: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// The end-client organisation the learner (and their registrations) belong to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_client: Option<String>,
    pub created_ms: i64,
    pub updated_ms: i64,
}

/// What a create or update sends.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LearnerFields {
    pub name: String,
    #[serde(default)]
    pub email: Option<String>,
    /// The end client to put the learner in; an update without one keeps the learner's.
    #[serde(default, rename = "endClient")]
    pub end_client: Option<String>,
}

/// Checks a learner id: 1–255 characters, no control characters, no slash (it is a path
/// segment of the admin API).
pub fn check_id(id: &str) -> Result<(), String> {
    if id.is_empty() || id.chars().count() > MAX_LEN {
        return Err(format!("learner id must be 1 to {MAX_LEN} characters"));
    }
    if id.chars().any(|c| c.is_control() || c == '/') || id == "." || id == ".." {
        return Err("learner id must not contain control characters or '/', nor be '.' or '..'".into());
    }
    if is_preview_learner(id) {
        return Err(format!(
            "learner ids beginning with {PREVIEW_PREFIX} are reserved for test learners"
        ));
    }
    Ok(())
}

/// Checks a display name (of a learner, an end client): trimmed, 1 to 255 printable
/// characters.
pub fn check_name(name: &str) -> Result<String, String> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > MAX_LEN || name.chars().any(char::is_control) {
        return Err(format!("name must be 1 to {MAX_LEN} printable characters"));
    }
    Ok(name.to_owned())
}

/// Checks an e-mail address: trimmed; blank is none.
pub fn check_email(email: &str) -> Result<Option<String>, String> {
    let e = email.trim();
    if e.is_empty() {
        return Ok(None);
    }
    let ok = e.len() <= MAX_LEN
        && e.matches('@').count() == 1
        && e.split_once('@')
            .is_some_and(|(l, d)| !l.is_empty() && d.contains('.') && !d.starts_with('.'))
        && !e.chars().any(|c| c.is_whitespace() || c.is_control());
    if ok {
        Ok(Some(e.to_owned()))
    } else {
        Err("email is not an e-mail address".into())
    }
}

/// Checks name and e-mail; returns them trimmed.
pub fn check_fields(f: LearnerFields) -> Result<LearnerFields, String> {
    let name = check_name(&f.name)?;
    let email = f.email.as_deref().map(check_email).transpose()?.flatten();
    let end_client = f
        .end_client
        .map(|e| crate::account::check_end_client_id(&e))
        .transpose()?;
    Ok(LearnerFields {
        name,
        email,
        end_client,
    })
}

/// A tenant's IRI, the home page of its learners' xAPI accounts.
pub fn home_page(public_url: &str, tenant_name: &str) -> String {
    format!("{public_url}/tenants/{tenant_name}")
}

/// The learner's xAPI agent: `account {homePage: tenant IRI, name: id}`.
pub fn agent(learner: &Learner, tenant_home: &str) -> Value {
    json!({
        "objectType": "Agent",
        "name": learner.name,
        "account": { "homePage": tenant_home, "name": learner.id },
    })
}

/// A learner enrolled in one package version; its id is the xAPI registration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Registration {
    pub id: String,
    pub learner: String,
    pub package_id: String,
    pub version: u32,
    pub created_ms: i64,
    /// The end client of its learner.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_client: Option<String>,
    /// A preview: an admin trying the course as their test learner
    /// (`preview_learner_id`). Left out of the reports; absent (false) in archives
    /// written before previews existed.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub preview: bool,
}

/// A new registration (a fresh id) of the learner asked for as `learner_id` on a package
/// version, sharing the learner's end client; 404 unless the learner (`learner`, as the
/// store found it) and the package version (`version_found`) exist.
pub fn register(
    learner_id: &str,
    learner: Option<&Learner>,
    package_id: &str,
    version: u32,
    version_found: bool,
    now_ms: i64,
) -> Result<Registration, LrsError> {
    let Some(learner) = learner else {
        return Err(LrsError::NotFound(format!("no learner {learner_id:?}")));
    };
    if !version_found {
        return Err(LrsError::NotFound(format!("no package {package_id} version {version}")));
    }
    Ok(Registration {
        id: crate::id::new_uuid(),
        learner: learner.id.clone(),
        package_id: package_id.to_owned(),
        version,
        created_ms: now_ms,
        end_client: learner.end_client.clone(),
        preview: is_preview_learner(&learner.id),
    })
}

/// Deleting `what` (a learner or a package) that `registrations` registrations use:
/// refused (409) unless `force`, which deletes the registrations too, with what the
/// run-time kept for them.
pub fn check_release(what: &str, registrations: u64, force: bool) -> Result<(), LrsError> {
    if registrations > 0 && !force {
        return Err(LrsError::Conflict(format!(
            "{what} has {registrations} registration(s); delete with force=true to remove them too"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_fields() {
        assert!(check_id("ann.lee@corp").is_ok());
        assert!(check_id("").is_err());
        assert!(check_id("a/b").is_err());
        assert!(check_id(&"x".repeat(256)).is_err());
        assert!(check_id("~preview~account:1").is_err());
        assert!(check_id("preview~x").is_ok());
        let actor = crate::audit::Actor::account("0190");
        assert!(is_preview_learner(&preview_learner_id(&actor)));
        assert!(check_id(&preview_learner_id(&actor)).is_err());
        // A registration of an archive from before previews reads as no preview, and a
        // preview's flag is written only when set.
        let old = r#"{"id":"r","learner":"ann","packageId":"p","version":1,"createdMs":1}"#;
        let r: Registration = serde_json::from_str(old).unwrap();
        assert!(!r.preview);
        assert_eq!(serde_json::to_string(&r).unwrap(), old);
        let preview = Registration { preview: true, ..r };
        assert!(serde_json::to_string(&preview).unwrap().contains(r#""preview":true"#));
        let ok = check_fields(LearnerFields {
            name: " Ann ".into(),
            email: Some("ann@example.com".into()),
            end_client: None,
        })
        .unwrap();
        assert_eq!(ok.name, "Ann");
        assert!(
            check_fields(LearnerFields {
                name: "".into(),
                email: None,
                end_client: None
            })
            .is_err()
        );
        assert!(
            check_fields(LearnerFields {
                name: "Ann".into(),
                email: Some("not-an-address".into()),
                end_client: None
            })
            .is_err()
        );
        assert_eq!(
            check_fields(LearnerFields {
                name: "Ann".into(),
                email: Some(" ".into()),
                end_client: None
            })
            .unwrap()
            .email,
            None
        );
    }
}
