//! The rules of storing a prepared statement beside those already stored, and of reading
//! one back by id: the same for every store. The store reads the rows a rule needs, asks
//! here, and writes what the answer allows.

use super::LrsError;
use super::statement::PreparedStatement;

/// Refuses a statement that voids a voiding statement (xAPI: a voiding statement cannot
/// be voided). `target_voiding` is whether the statement it points at, when stored, is
/// itself a voiding statement; a target not stored (yet) is no reason to refuse.
pub fn check_target(s: &PreparedStatement, target_voiding: Option<bool>) -> Result<(), LrsError> {
    match (&s.voids, target_voiding) {
        (Some(voided), Some(true)) => Err(LrsError::bad(format!(
            "statement {voided} is a voiding statement and cannot be voided"
        ))),
        _ => Ok(()),
    }
}

/// The statement's id is taken by one stored with `stored_digest`: the same content is an
/// idempotent resend (stored as it was, nothing written), other content a conflict (409).
pub fn check_resend(s: &PreparedStatement, stored_digest: &[u8]) -> Result<(), LrsError> {
    if stored_digest == s.digest.as_slice() {
        return Ok(());
    }
    Err(LrsError::Conflict(format!(
        "statement {} exists with different content",
        s.id
    )))
}

/// The JSON text stored and served: the prepared body closed with `stored` (and
/// `timestamp`, the same time, when the statement had none).
pub fn stored_body(s: &PreparedStatement, stored: &str) -> String {
    let mut body = String::with_capacity(s.body_open.len() + 80);
    body.push_str(&s.body_open);
    body.push_str(",\"stored\":\"");
    body.push_str(stored);
    if s.needs_timestamp {
        body.push_str("\",\"timestamp\":\"");
        body.push_str(stored);
    }
    body.push_str("\"}");
    body
}

/// Whether a statement read by id is served: `statementId` finds only statements not
/// voided, `voidedStatementId` only voided ones, and a caller limited to its own
/// statements (`mine`, its credential key) only those stored under that key.
pub fn served(is_voided: bool, stored_by: &str, want_voided: bool, mine: Option<&str>) -> bool {
    is_voided == want_voided && mine.is_none_or(|m| m == stored_by)
}

/// Whether a stored statement's own object is `activity`. The Activities resource takes
/// definitions only from such statements; a candidate row may also be one that shares the
/// activity's index key through a StatementRef. Read from the stored JSON here, not in
/// SQL: PostgreSQL's JSON operators refuse bodies holding U+0000, which xAPI allows.
pub fn object_is(body: &str, activity: &str) -> bool {
    serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v.get("object")?.get("id")?.as_str().map(|id| id == activity))
        .unwrap_or(false)
}

/// How many candidate rows a store reads per page while looking for `limit` statements
/// whose object is an activity, and how many pages at most: the Activities resource
/// merges recent definitions, so a bounded look back is enough.
pub const CANDIDATE_PAGE: u32 = 200;
pub const CANDIDATE_PAGES: usize = 10;

#[cfg(test)]
mod tests {
    use super::*;

    fn prepared(voids: Option<&str>, digest: u8) -> PreparedStatement {
        PreparedStatement {
            id: "s1".into(),
            body_open: "{\"id\":\"s1\"".into(),
            needs_timestamp: true,
            digest: [digest; 32],
            terms: Vec::new(),
            voids: voids.map(str::to_owned),
            refers_to: voids.map(str::to_owned),
            attachment_hashes: Vec::new(),
        }
    }

    #[test]
    fn voiding_a_voiding_statement_is_refused() {
        let v = prepared(Some("t"), 1);
        assert!(matches!(check_target(&v, Some(true)), Err(LrsError::BadRequest(_))));
        assert!(check_target(&v, Some(false)).is_ok());
        assert!(check_target(&v, None).is_ok());
        assert!(check_target(&prepared(None, 1), Some(true)).is_ok());
    }

    #[test]
    fn a_taken_id_is_a_resend_or_a_conflict() {
        let s = prepared(None, 7);
        assert!(check_resend(&s, &[7; 32]).is_ok());
        assert!(matches!(check_resend(&s, &[8; 32]), Err(LrsError::Conflict(_))));
    }

    #[test]
    fn body_and_visibility() {
        let s = prepared(None, 1);
        assert_eq!(
            stored_body(&s, "T"),
            "{\"id\":\"s1\",\"stored\":\"T\",\"timestamp\":\"T\"}"
        );
        assert!(served(false, "k", false, None));
        assert!(!served(true, "k", false, None));
        assert!(served(true, "k", true, Some("k")));
        assert!(!served(false, "k", false, Some("other")));
    }
}
