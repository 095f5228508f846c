//! Statement request bodies (JSON, or multipart/mixed with attachments) and the
//! multipart responses of `attachments=true`.

use std::collections::HashSet;

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::Value;
use sha2::{Digest, Sha224, Sha256, Sha384, Sha512};

use super::multipart::{self, Part};
use super::{XapiRequest, with_body};
use crate::id::new_uuid;
use crate::lrs::LrsError;
use crate::lrs::jws::{SIGNATURE_USAGE, check_signature};
use crate::store::Attachment;

/// Statements and attachment contents from one request.
#[derive(Debug)]
pub struct Incoming {
    pub statements: Vec<Value>,
    /// The body was a JSON array.
    pub batch: bool,
    pub attachments: Vec<Attachment>,
}

pub fn decode_body(req: &XapiRequest) -> Result<Incoming, LrsError> {
    let media = req.media_type();
    let (json, parts) = match media.as_str() {
        "application/json" => (req.body.clone(), Vec::new()),
        "multipart/mixed" => {
            let ct = req.header("content-type").unwrap_or("");
            let b = multipart::check_boundary(multipart::boundary(ct))?;
            let mut parts = multipart::parse(&req.body, &b)?.into_iter();
            let first = parts
                .next()
                .ok_or_else(|| LrsError::bad("multipart/mixed body without parts"))?;
            let first_type = first.header("content-type").unwrap_or("");
            if !first_type.to_ascii_lowercase().starts_with("application/json") {
                return Err(LrsError::bad(
                    "the first part of a multipart/mixed body must be application/json statements",
                ));
            }
            (first.body, parts.collect())
        }
        "" => return Err(LrsError::bad("a Content-Type header is required")),
        other => {
            return Err(LrsError::bad(format!(
                "unsupported Content-Type {other:?}: use application/json or multipart/mixed"
            )));
        }
    };
    let value: Value =
        serde_json::from_slice(&json).map_err(|e| LrsError::bad(format!("the body is not valid JSON: {e}")))?;
    let (statements, batch) = match value {
        Value::Array(items) => (items, true),
        obj @ Value::Object(_) => (vec![obj], false),
        _ => {
            return Err(LrsError::bad(
                "the body must be a statement object or an array of statements",
            ));
        }
    };
    let attachments = match_attachments(&statements, parts)?;
    Ok(Incoming {
        statements,
        batch,
        attachments,
    })
}

/// Declared attachments of a statement (and of its SubStatement object).
fn declared(stmt: &Value) -> impl Iterator<Item = &Value> {
    let own = stmt.get("attachments").and_then(Value::as_array).into_iter().flatten();
    let sub = stmt
        .get("object")
        .and_then(|o| o.get("attachments"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten();
    own.chain(sub)
}

fn match_attachments(statements: &[Value], parts: Vec<Part>) -> Result<Vec<Attachment>, LrsError> {
    let mut needed = HashSet::new();
    for s in statements {
        for a in declared(s) {
            let Some(sha) = a.get("sha2").and_then(Value::as_str) else {
                continue;
            };
            if a.get("fileUrl").is_none() {
                needed.insert(sha.to_ascii_lowercase());
            }
        }
    }
    let mut out = Vec::with_capacity(parts.len());
    for p in parts {
        let claimed = p
            .header("x-experience-api-hash")
            .ok_or_else(|| LrsError::bad("an attachment part has no X-Experience-API-Hash header"))?
            .to_ascii_lowercase();
        if !p
            .header("content-transfer-encoding")
            .is_some_and(|e| e.eq_ignore_ascii_case("binary"))
        {
            return Err(LrsError::bad(format!(
                "attachment part {claimed} must have Content-Transfer-Encoding: binary"
            )));
        }
        let actual = sha2_hex(&p.body, claimed.len())
            .ok_or_else(|| LrsError::bad(format!("X-Experience-API-Hash {claimed:?} is not a SHA-2 hash")))?;
        if actual != claimed {
            return Err(LrsError::bad(format!(
                "attachment content does not match its X-Experience-API-Hash {claimed}"
            )));
        }
        let declared_here = statements.iter().flat_map(declared).any(|a| {
            a.get("sha2")
                .and_then(Value::as_str)
                .is_some_and(|s| s.eq_ignore_ascii_case(&claimed))
        });
        if !declared_here {
            return Err(LrsError::bad(format!(
                "attachment part {claimed} is not declared by any statement"
            )));
        }
        needed.remove(&claimed);
        let content_type = p
            .header("content-type")
            .unwrap_or("application/octet-stream")
            .to_owned();
        out.push(Attachment {
            sha2: claimed,
            content_type,
            content: p.body.to_vec(),
        });
    }
    if let Some(missing) = needed.iter().next() {
        return Err(LrsError::bad(format!(
            "attachment {missing} is declared without fileUrl but its content was not sent"
        )));
    }
    check_signatures(statements, &out)?;
    Ok(out)
}

fn check_signatures(statements: &[Value], parts: &[Attachment]) -> Result<(), LrsError> {
    for s in statements {
        for a in s.get("attachments").and_then(Value::as_array).into_iter().flatten() {
            if a.get("usageType").and_then(Value::as_str) != Some(SIGNATURE_USAGE) {
                continue;
            }
            if a.get("contentType").and_then(Value::as_str) != Some("application/octet-stream") {
                return Err(LrsError::bad(
                    "a signature attachment must have contentType application/octet-stream",
                ));
            }
            let sha = a.get("sha2").and_then(Value::as_str).unwrap_or("");
            let part = parts
                .iter()
                .find(|p| p.sha2.eq_ignore_ascii_case(sha))
                .ok_or_else(|| LrsError::bad("a signature attachment's content was not sent"))?;
            check_signature(s, &part.content)?;
        }
    }
    Ok(())
}

fn sha2_hex(data: &[u8], hex_len: usize) -> Option<String> {
    let digest: Vec<u8> = match hex_len {
        56 => Sha224::digest(data).to_vec(),
        64 => Sha256::digest(data).to_vec(),
        96 => Sha384::digest(data).to_vec(),
        128 => Sha512::digest(data).to_vec(),
        _ => return None,
    };
    Some(digest.iter().map(|b| format!("{b:02x}")).collect())
}

/// `attachments=true`: the statement result as the first part, then each attachment.
pub fn multipart_response(json: &str, attachments: &[Attachment]) -> Response {
    let boundary = new_uuid().replace('-', "");
    let mut parts: Vec<multipart::OutPart> = vec![(vec![("Content-Type", "application/json".into())], json.as_bytes())];
    for a in attachments {
        parts.push((
            vec![
                ("Content-Type", a.content_type.clone()),
                ("Content-Transfer-Encoding", "binary".into()),
                ("X-Experience-API-Hash", a.sha2.clone()),
            ],
            &a.content,
        ));
    }
    let body = multipart::write(&boundary, &parts);
    with_body(StatusCode::OK, &format!("multipart/mixed; boundary={boundary}"), body)
}
