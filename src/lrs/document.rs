//! The document resources (State, Activity Profile, Agent Profile): keys, ETags,
//! the If-Match / If-None-Match rules and the JSON merge of POST.

use serde_json::Value;
use sha1::{Digest, Sha1};

use super::LrsError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DocKind {
    State,
    ActivityProfile,
    AgentProfile,
}

impl DocKind {
    pub fn code(self) -> &'static str {
        match self {
            Self::State => "state",
            Self::ActivityProfile => "activity_profile",
            Self::AgentProfile => "agent_profile",
        }
    }
}

/// Which documents: all of one kind under an activity / agent / registration. Unused
/// parts are empty strings, so a key is always four strings.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DocScope {
    pub kind: DocKind,
    pub activity: String,
    pub agent: String,
    pub registration: String,
}

/// One document's address.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DocKey {
    pub scope: DocScope,
    pub id: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    pub content_type: String,
    pub content: Vec<u8>,
    /// SHA-1 of the content as lowercase hex, without quotes.
    pub etag: String,
    pub updated_ms: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteMode {
    /// PUT: replace.
    Replace,
    /// POST: merge JSON objects.
    Merge,
}

/// A write request with its concurrency headers.
#[derive(Debug, Clone)]
pub struct DocWrite {
    pub mode: WriteMode,
    pub content_type: String,
    pub content: Vec<u8>,
    pub if_match: Option<String>,
    pub if_none_match: Option<String>,
    /// What a PUT without If-Match / If-None-Match may do.
    pub unconditional: Unconditional,
}

/// The rule for a PUT that sends neither If-Match nor If-None-Match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unconditional {
    /// Allowed (State in xAPI 1.0.3, and every POST).
    Allowed,
    /// 409 Conflict when the document exists (State in 2.0.0).
    ConflictIfExists,
    /// 409 when the document exists, 400 when it does not (profiles).
    Refused,
}

pub fn etag_of(content: &[u8]) -> String {
    Sha1::digest(content).iter().map(|b| format!("{b:02x}")).collect()
}

fn unquote(tag: &str) -> &str {
    let t = tag.trim();
    let t = t.strip_prefix("W/").unwrap_or(t);
    t.trim_matches('"')
}

/// Whether an If-Match / If-None-Match header value names this ETag (`*` names any).
pub fn etag_listed(header: &str, etag: &str) -> bool {
    header.split(',').any(|t| {
        let t = unquote(t);
        t == "*" || t.eq_ignore_ascii_case(etag)
    })
}

/// Checks the preconditions against what is stored; `Ok` means the write may proceed.
pub fn check_preconditions(existing: Option<&Document>, w: &DocWrite) -> Result<(), LrsError> {
    if let Some(m) = &w.if_match
        && !existing.is_some_and(|d| etag_listed(m, &d.etag))
    {
        return Err(LrsError::PreconditionFailed(
            "If-Match does not match the document's ETag".into(),
        ));
    }
    if let Some(n) = &w.if_none_match
        && existing.is_some_and(|d| etag_listed(n, &d.etag))
    {
        return Err(LrsError::PreconditionFailed(
            "If-None-Match matches the existing document".into(),
        ));
    }
    let unconditional = w.if_match.is_none() && w.if_none_match.is_none();
    if w.mode != WriteMode::Replace || !unconditional {
        return Ok(());
    }
    match (w.unconditional, existing.is_some()) {
        (Unconditional::ConflictIfExists | Unconditional::Refused, true) => Err(LrsError::Conflict(
            "the document exists: send If-Match with its ETag to replace it".into(),
        )),
        (Unconditional::Refused, false) => Err(LrsError::bad(
            "a PUT of a profile document needs If-Match or If-None-Match (use If-None-Match: * to create it)",
        )),
        _ => Ok(()),
    }
}

/// Checks a DELETE's If-Match / If-None-Match against what is stored; `Ok` means the
/// document (if any) may be deleted.
pub fn check_delete(
    existing: Option<&Document>,
    if_match: Option<String>,
    if_none_match: Option<String>,
) -> Result<(), LrsError> {
    let pre = DocWrite {
        mode: WriteMode::Replace,
        content_type: String::new(),
        content: Vec::new(),
        if_match,
        if_none_match,
        unconditional: Unconditional::Allowed,
    };
    check_preconditions(existing, &pre)
}

/// Computes the document to store from what exists and the write request. Its updated
/// time is `now_ms`, or the stored one if later (clocks of servers differ): one document's
/// updated times never go backwards, so `since` queries stay exact.
pub fn apply_write(existing: Option<&Document>, w: &DocWrite, now_ms: i64) -> Result<Document, LrsError> {
    check_preconditions(existing, w)?;
    let (content_type, content) = match (w.mode, existing) {
        (WriteMode::Replace, _) => (w.content_type.clone(), w.content.clone()),
        (WriteMode::Merge, None) => {
            json_object(&w.content_type, &w.content, "the posted document")?;
            (w.content_type.clone(), w.content.clone())
        }
        (WriteMode::Merge, Some(old)) => {
            let mut base = json_object(&old.content_type, &old.content, "the stored document")?;
            let new = json_object(&w.content_type, &w.content, "the posted document")?;
            base.extend(new);
            let merged = serde_json::to_vec(&Value::Object(base)).map_err(|e| LrsError::bad(e.to_string()))?;
            ("application/json".to_owned(), merged)
        }
    };
    Ok(Document {
        etag: etag_of(&content),
        content_type,
        content,
        updated_ms: now_ms.max(existing.map_or(0, |d| d.updated_ms)),
    })
}

pub fn is_json_type(content_type: &str) -> bool {
    content_type
        .split(';')
        .next()
        .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"))
}

fn json_object(content_type: &str, content: &[u8], what: &str) -> Result<serde_json::Map<String, Value>, LrsError> {
    if !is_json_type(content_type) {
        return Err(LrsError::bad(format!(
            "{what} is not application/json, so it cannot be merged"
        )));
    }
    match serde_json::from_slice(content) {
        Ok(Value::Object(m)) => Ok(m),
        _ => Err(LrsError::bad(format!(
            "{what} is not a JSON object, so it cannot be merged"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(mode: WriteMode, body: &str) -> DocWrite {
        DocWrite {
            mode,
            content_type: "application/json".into(),
            content: body.as_bytes().to_vec(),
            if_match: None,
            if_none_match: None,
            unconditional: Unconditional::Allowed,
        }
    }

    #[test]
    fn merge_overwrites_top_level_keys() {
        let old = apply_write(None, &write(WriteMode::Replace, r#"{"a":1,"b":2}"#), 1).unwrap();
        let new = apply_write(Some(&old), &write(WriteMode::Merge, r#"{"b":3,"c":4}"#), 2).unwrap();
        let v: Value = serde_json::from_slice(&new.content).unwrap();
        assert_eq!(v, serde_json::json!({"a":1,"b":3,"c":4}));
    }

    #[test]
    fn preconditions() {
        let old = apply_write(None, &write(WriteMode::Replace, "{}"), 1).unwrap();
        let mut w = write(WriteMode::Replace, "{}");
        w.if_match = Some("\"nope\"".into());
        assert!(matches!(
            apply_write(Some(&old), &w, 2),
            Err(LrsError::PreconditionFailed(_))
        ));
        w.if_match = Some(format!("\"{}\"", old.etag));
        assert!(apply_write(Some(&old), &w, 2).is_ok());
        w.if_match = None;
        w.if_none_match = Some("*".into());
        assert!(matches!(
            apply_write(Some(&old), &w, 2),
            Err(LrsError::PreconditionFailed(_))
        ));
        w.if_none_match = None;
        w.unconditional = Unconditional::ConflictIfExists;
        assert!(matches!(apply_write(Some(&old), &w, 2), Err(LrsError::Conflict(_))));
        assert!(apply_write(None, &w, 2).is_ok());
        w.unconditional = Unconditional::Refused;
        assert!(matches!(apply_write(None, &w, 2), Err(LrsError::BadRequest(_))));
    }
}
