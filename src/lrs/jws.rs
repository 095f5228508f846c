//! Signed statements: the JWS carried in an attachment with usageType
//! `http://adlnet.gov/expapi/attachments/signature` must be a well-formed JWS using
//! RS256/384/512 whose payload is the statement.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value};

use super::LrsError;

pub const SIGNATURE_USAGE: &str = "http://adlnet.gov/expapi/attachments/signature";

/// Checks a JWS (compact serialization) against the statement it signs.
pub fn check_signature(statement: &Value, jws: &[u8]) -> Result<(), LrsError> {
    let text = std::str::from_utf8(jws).map_err(|_| bad("is not UTF-8 text"))?.trim();
    let parts: Vec<&str> = text.split('.').collect();
    let [header, payload, signature] = parts.as_slice() else {
        return Err(bad("is not a JWS in compact serialization (three dot-separated parts)"));
    };
    let header: Value = decode_json(header).ok_or_else(|| bad("has an unreadable header"))?;
    let alg = header.get("alg").and_then(Value::as_str).unwrap_or("");
    if !matches!(alg, "RS256" | "RS384" | "RS512") {
        return Err(bad(&format!(
            "uses algorithm {alg:?}; only RS256, RS384 and RS512 are allowed"
        )));
    }
    if URL_SAFE_NO_PAD
        .decode(signature.trim_end_matches('='))
        .map_or(true, |s| s.is_empty())
    {
        return Err(bad("has no signature"));
    }
    let payload: Value = decode_json(payload).ok_or_else(|| bad("has a payload that is not a JSON statement"))?;
    if !same_statement(statement, &payload) {
        return Err(bad("has a payload that does not match the statement"));
    }
    Ok(())
}

fn bad(what: &str) -> LrsError {
    LrsError::bad(format!("statement signature {what}"))
}

fn decode_json(part: &str) -> Option<Value> {
    let bytes = URL_SAFE_NO_PAD.decode(part.trim_end_matches('=')).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// Compares the signed payload with the statement, ignoring what the LRS or the signing
/// process adds (authority, stored, version, attachments) and id/timestamp when the
/// payload does not carry them.
fn same_statement(stmt: &Value, payload: &Value) -> bool {
    let (Some(s), Some(p)) = (stmt.as_object(), payload.as_object()) else {
        return false;
    };
    let strip = |m: &Map<String, Value>, other: &Map<String, Value>| {
        let mut m = m.clone();
        for k in ["authority", "stored", "version", "attachments"] {
            m.remove(k);
        }
        for k in ["id", "timestamp"] {
            if !other.contains_key(k) {
                m.remove(k);
            }
        }
        if let Some(Value::String(d)) = m.get_mut("result").and_then(|r| r.get_mut("duration")) {
            *d = hundredths(d);
        }
        m
    };
    strip(s, p) == strip(p, s)
}

/// A duration with seconds cut to hundredths: LRSs may store durations at that precision.
fn hundredths(d: &str) -> String {
    let Some(dot) = d.rfind('.') else { return d.to_owned() };
    let frac_end = d[dot + 1..]
        .find(|c: char| !c.is_ascii_digit())
        .map_or(d.len(), |i| dot + 1 + i);
    let keep = (dot + 3).min(frac_end);
    format!("{}{}", &d[..keep], &d[frac_end..])
}

#[cfg(test)]
mod tests {
    #[test]
    fn durations_cut_to_hundredths() {
        assert_eq!(super::hundredths("P1DT12H36M0.1237S"), "P1DT12H36M0.12S");
        assert_eq!(super::hundredths("PT1.5S"), "PT1.5S");
        assert_eq!(super::hundredths("PT1H"), "PT1H");
    }
}
