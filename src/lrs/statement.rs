//! Turning a validated statement into what the store keeps: LRS-assigned properties,
//! a content digest for conflict checks, and the index terms queries filter on.

use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use super::agent::{ifi_key, keys_with_members};
use super::validate::{Rules, validate_statement};
use super::{LrsError, VOIDED_VERB, XapiVersion, formats};
pub use crate::id::new_uuid;

/// What a query can filter on. Each statement is indexed under a list of these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TermKind {
    /// Agent as actor or object.
    Agent,
    /// Agent elsewhere: group members, authority, instructor, team, context agents,
    /// substatements. Not repeated for an agent indexed as `Agent`.
    RelatedAgent,
    Verb,
    /// Activity as object.
    Activity,
    /// Activity elsewhere: context activities, substatement. Not repeated for the object.
    RelatedActivity,
    Registration,
}

impl TermKind {
    pub fn code(self) -> u8 {
        match self {
            Self::Agent => b'a',
            Self::RelatedAgent => b'A',
            Self::Verb => b'v',
            Self::Activity => b'c',
            Self::RelatedActivity => b'C',
            Self::Registration => b'r',
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IndexTerm {
    pub kind: TermKind,
    pub value: String,
}

/// A statement ready to store. `body_open` is its JSON text without the closing brace, so
/// the store can append `stored` (and `timestamp` when absent) at commit time.
#[derive(Debug, Clone)]
pub struct PreparedStatement {
    pub id: String,
    pub body_open: String,
    pub needs_timestamp: bool,
    pub digest: [u8; 32],
    pub terms: Vec<IndexTerm>,
    /// The StatementRef target of a voiding statement.
    pub voids: Option<String>,
    /// Any StatementRef target: the statement inherits the target's index terms.
    pub refers_to: Option<String>,
    /// SHA-2 hashes of the attachments it declares.
    pub attachment_hashes: Vec<String>,
}

/// Who is storing: sets `authority`.
#[derive(Debug, Clone)]
pub struct Storer {
    pub authority: Value,
    pub version: XapiVersion,
}

/// Validates and prepares one statement. `id` is a PUT's `statementId`, which must match
/// any `id` in the body.
pub fn prepare(stmt: Value, storer: &Storer, put_id: Option<&str>) -> Result<PreparedStatement, LrsError> {
    validate_statement(
        &stmt,
        Rules {
            version: storer.version,
        },
    )
    .map_err(LrsError::BadRequest)?;
    let Value::Object(mut map) = stmt else {
        return Err(LrsError::bad("statement must be a JSON object"));
    };
    let id = match (map.get("id").and_then(Value::as_str), put_id) {
        (Some(body), Some(param)) if !body.eq_ignore_ascii_case(param) => {
            return Err(LrsError::bad(format!(
                "statement.id {body:?} differs from the statementId parameter {param:?}"
            )));
        }
        (Some(body), _) => body.to_ascii_lowercase(),
        (None, Some(param)) => param.to_ascii_lowercase(),
        (None, None) => new_uuid(),
    };
    map.insert("id".into(), Value::String(id.clone()));
    // What the LRS sets is left out of the content digest, so a resent statement matches.
    map.remove("stored");
    map.remove("authority");
    let version = map.remove("version").unwrap_or_else(|| {
        Value::from(match storer.version {
            XapiVersion::V103 => "1.0.0",
            XapiVersion::V200 => "2.0.0",
        })
    });
    normalize(&mut map);
    let refers_to = statement_ref_target(&map);
    let is_voiding = map.get("verb").and_then(|v| v.get("id")).and_then(Value::as_str) == Some(VOIDED_VERB);
    let terms = index_terms(&map, &storer.authority);
    let attachment_hashes = map
        .get("attachments")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|x| x.get("sha2")?.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    let needs_timestamp = !map.contains_key("timestamp");
    // One serialization serves both the digest (keys sorted by serde_json's map) and the
    // stored body, which appends authority and version: key order is free in JSON.
    let mut body_open = Value::Object(map).to_string();
    let digest: [u8; 32] = Sha256::digest(body_open.as_bytes()).into();
    body_open.pop();
    body_open.push_str(",\"authority\":");
    body_open.push_str(&storer.authority.to_string());
    body_open.push_str(",\"version\":");
    body_open.push_str(&version.to_string());
    Ok(PreparedStatement {
        id,
        body_open,
        needs_timestamp,
        digest,
        terms,
        voids: if is_voiding { refers_to.clone() } else { None },
        refers_to,
        attachment_hashes,
    })
}

/// Canonical shapes the LRS stores: context activities as arrays, timestamps in UTC
/// with at least millisecond precision. Applied to SubStatements too.
fn normalize(map: &mut Map<String, Value>) {
    if let Some(Value::String(ts)) = map.get_mut("timestamp")
        && let Some(t) = formats::parse_timestamp(ts, false)
    {
        *ts = formats::utc_timestamp(&t);
    }
    if let Some(Value::Object(ca)) = map.get_mut("context").and_then(|c| c.get_mut("contextActivities")) {
        for v in ca.values_mut() {
            if v.is_object() {
                *v = Value::Array(vec![v.take()]);
            }
        }
    }
    if let Some(Value::Object(sub)) = map.get_mut("object")
        && sub.get("objectType").and_then(Value::as_str) == Some("SubStatement")
    {
        normalize(sub);
    }
}

fn statement_ref_target(map: &Map<String, Value>) -> Option<String> {
    let obj = map.get("object")?;
    (obj.get("objectType")?.as_str()? == "StatementRef")
        .then(|| obj.get("id")?.as_str().map(str::to_ascii_lowercase))
        .flatten()
}

fn index_terms(map: &Map<String, Value>, authority: &Value) -> Vec<IndexTerm> {
    let mut t = Terms::default();
    if let Some(a) = map.get("actor") {
        t.agent(a, true);
    }
    if let Some(v) = map.get("verb").and_then(|v| v.get("id")).and_then(Value::as_str) {
        t.push(TermKind::Verb, v);
    }
    if let Some(o) = map.get("object") {
        t.object(o, true);
    }
    t.agent(authority, false);
    if let Some(c) = map.get("context") {
        t.context(c);
    }
    t.0
}

#[derive(Default)]
struct Terms(Vec<IndexTerm>);

impl Terms {
    fn has(&self, kind: TermKind, value: &str) -> bool {
        self.0.iter().any(|t| t.kind == kind && t.value == value)
    }

    fn push(&mut self, kind: TermKind, value: &str) {
        if !self.has(kind, value) {
            self.0.push(IndexTerm {
                kind,
                value: value.to_owned(),
            });
        }
    }

    /// Related terms are stored only where the direct term is absent: a related query
    /// asks for either (see `StatementQuery::terms`), so ingest writes fewer index rows.
    fn push_related(&mut self, direct: TermKind, related: TermKind, value: &str) {
        if !self.has(direct, value) {
            self.push(related, value);
        }
    }

    /// The `agent` filter matches the actor or object itself; `related_agents` also
    /// matches a Group's members and agents elsewhere in the statement.
    fn agent(&mut self, a: &Value, direct: bool) {
        if let (true, Some(k)) = (direct, ifi_key(a)) {
            self.push(TermKind::Agent, &k);
        }
        for k in keys_with_members(a) {
            self.push_related(TermKind::Agent, TermKind::RelatedAgent, &k);
        }
    }

    fn activity(&mut self, a: &Value, direct: bool) {
        if let Some(id) = a.get("id").and_then(Value::as_str) {
            if direct {
                self.push(TermKind::Activity, id);
            }
            self.push_related(TermKind::Activity, TermKind::RelatedActivity, id);
        }
    }

    fn object(&mut self, o: &Value, direct: bool) {
        match o.get("objectType").and_then(Value::as_str).unwrap_or("Activity") {
            "Activity" => self.activity(o, direct),
            "Agent" | "Group" => self.agent(o, direct),
            "SubStatement" => {
                if let Some(a) = o.get("actor") {
                    self.agent(a, false);
                }
                if let Some(inner) = o.get("object") {
                    self.object(inner, false);
                }
                if let Some(c) = o.get("context") {
                    self.context(c);
                }
            }
            _ => {}
        }
    }

    fn context(&mut self, c: &Value) {
        if let Some(r) = c.get("registration").and_then(Value::as_str) {
            self.push(TermKind::Registration, &r.to_ascii_lowercase());
        }
        for k in ["instructor", "team"] {
            if let Some(a) = c.get(k) {
                self.agent(a, false);
            }
        }
        for (list, member) in [("contextAgents", "agent"), ("contextGroups", "group")] {
            for item in c.get(list).and_then(Value::as_array).into_iter().flatten() {
                if let Some(a) = item.get(member) {
                    self.agent(a, false);
                }
            }
        }
        let Some(ca) = c.get("contextActivities").and_then(Value::as_object) else {
            return;
        };
        for v in ca.values() {
            match v {
                Value::Array(items) => items.iter().for_each(|a| self.activity(a, false)),
                other => self.activity(other, false),
            }
        }
    }
}

/// A stored statement's index terms and StatementRef target, recomputed from its stored
/// JSON (for an import, where the index keys depend on the new tenant).
pub fn reindex(body: &str) -> Result<(Vec<IndexTerm>, Option<String>), LrsError> {
    let Value::Object(mut map) =
        serde_json::from_str(body).map_err(|e| LrsError::bad(format!("stored statement is not JSON: {e}")))?
    else {
        return Err(LrsError::bad("stored statement must be a JSON object"));
    };
    let authority = map.remove("authority").unwrap_or(Value::Null);
    Ok((index_terms(&map, &authority), statement_ref_target(&map)))
}
