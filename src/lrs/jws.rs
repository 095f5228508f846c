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
    let [header_part, payload_part, signature] = parts.as_slice() else {
        return Err(bad("is not a JWS in compact serialization (three dot-separated parts)"));
    };
    let header: Value = decode_json(header_part).ok_or_else(|| bad("has an unreadable header"))?;
    let alg = header.get("alg").and_then(Value::as_str).unwrap_or("");
    if !matches!(alg, "RS256" | "RS384" | "RS512") {
        return Err(bad(&format!(
            "uses algorithm {alg:?}; only RS256, RS384 and RS512 are allowed"
        )));
    }
    let sig = URL_SAFE_NO_PAD
        .decode(signature.trim_end_matches('='))
        .ok()
        .filter(|s| !s.is_empty())
        .ok_or_else(|| bad("has no signature"))?;
    if let Some(chain) = header.get("x5c") {
        verify_with_certificate(chain, alg, &format!("{header_part}.{payload_part}"), &sig)?;
    }
    let payload: Value = decode_json(payload_part).ok_or_else(|| bad("has a payload that is not a JSON statement"))?;
    if !same_statement(statement, &payload) {
        return Err(bad("has a payload that does not match the statement"));
    }
    Ok(())
}

/// When the JWS header carries a certificate chain, the signature must verify with the
/// first certificate's RSA key (RFC 7515 section 4.1.6).
fn verify_with_certificate(chain: &Value, alg: &str, signing_input: &str, sig: &[u8]) -> Result<(), LrsError> {
    use rsa::pkcs1v15::{Signature, VerifyingKey};
    use rsa::pkcs8::DecodePublicKey;
    use rsa::signature::Verifier;
    let first = chain
        .as_array()
        .and_then(|c| c.first())
        .and_then(Value::as_str)
        .ok_or_else(|| bad("has an x5c header that is not a list of certificates"))?;
    let der = base64::engine::general_purpose::STANDARD
        .decode(first)
        .map_err(|_| bad("has an x5c certificate that is not base64"))?;
    let spki = super::x509::subject_public_key_info(&der).ok_or_else(|| bad("has an unreadable x5c certificate"))?;
    let key =
        rsa::RsaPublicKey::from_public_key_der(spki).map_err(|_| bad("has an x5c certificate without an RSA key"))?;
    let signature = Signature::try_from(sig).map_err(|_| bad("has a malformed signature"))?;
    let input = signing_input.as_bytes();
    let ok = match alg {
        "RS256" => VerifyingKey::<sha2::Sha256>::new(key).verify(input, &signature).is_ok(),
        "RS384" => VerifyingKey::<sha2::Sha384>::new(key).verify(input, &signature).is_ok(),
        _ => VerifyingKey::<sha2::Sha512>::new(key).verify(input, &signature).is_ok(),
    };
    if ok {
        Ok(())
    } else {
        Err(bad("does not verify with the key of its x5c certificate"))
    }
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
    let Some((whole, after_dot)) = d.rsplit_once('.') else {
        return d.to_owned();
    };
    let digits = after_dot.find(|c: char| !c.is_ascii_digit()).unwrap_or(after_dot.len());
    // The fraction is ASCII digits, so these splits fall on character boundaries.
    let (fraction, tail) = after_dot.split_at_checked(digits).unwrap_or((after_dot, ""));
    let kept = fraction.get(..2).unwrap_or(fraction);
    format!("{whole}.{kept}{tail}")
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

#[cfg(test)]
mod signing_tests {
    use base64::Engine as _;
    use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
    use rsa::pkcs1v15::SigningKey;
    use rsa::pkcs8::DecodePrivateKey;
    use rsa::signature::{SignatureEncoding, Signer};
    use serde_json::json;

    use super::check_signature;

    const KEY: &[u8] = include_bytes!("../../fixtures/jws/key.pk8.der");
    const CERT: &[u8] = include_bytes!("../../fixtures/jws/cert.der");
    const OTHER_CERT: &[u8] = include_bytes!("../../fixtures/jws/other-cert.der");

    fn sign(payload: &serde_json::Value, cert: &[u8]) -> String {
        let header = json!({ "alg": "RS256", "x5c": [STANDARD.encode(cert)] });
        let input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(payload.to_string())
        );
        let key = rsa::RsaPrivateKey::from_pkcs8_der(KEY).unwrap();
        let sig = SigningKey::<sha2::Sha256>::new(key).sign(input.as_bytes());
        format!("{input}.{}", URL_SAFE_NO_PAD.encode(sig.to_bytes()))
    }

    #[test]
    fn x5c_signatures_are_verified() {
        let stmt = json!({"actor": {"mbox": "mailto:a@example.com"}, "verb": {"id": "http://example.com/v"}, "object": {"id": "http://example.com/o"}});
        assert_eq!(check_signature(&stmt, sign(&stmt, CERT).as_bytes()), Ok(()));
        let wrong_cert = sign(&stmt, OTHER_CERT);
        assert!(
            check_signature(&stmt, wrong_cert.as_bytes()).is_err(),
            "signed by a key other than the certificate's"
        );
        let good = sign(&stmt, CERT);
        let (head, last) = good.rsplit_once('.').unwrap();
        let mut sig = URL_SAFE_NO_PAD.decode(last).unwrap();
        sig[10] ^= 1;
        let tampered = format!("{head}.{}", URL_SAFE_NO_PAD.encode(sig));
        assert!(
            check_signature(&stmt, tampered.as_bytes()).is_err(),
            "tampered signature"
        );
    }
}
