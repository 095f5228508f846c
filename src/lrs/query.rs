//! Statement queries: the GET parameters of the Statements resource, parsed into a
//! request for one statement or a filtered, paged list.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::agent::ifi_key;
use super::statement::{IndexTerm, TermKind};
use super::validate::{Rules, validate_agent_param};
use super::{LrsError, XapiVersion, formats};

/// Largest page the LRS returns; `limit=0` means this.
pub const MAX_LIMIT: u32 = 500;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Format {
    Ids,
    #[default]
    Exact,
    Canonical,
}

/// A filtered, paged statement query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct StatementQuery {
    pub agent: Option<String>,
    pub related_agents: bool,
    pub verb: Option<String>,
    pub activity: Option<String>,
    pub related_activities: bool,
    pub registration: Option<String>,
    /// Exclusive lower bound on `stored`, epoch ms.
    pub since: Option<i64>,
    /// Inclusive upper bound on `stored`, epoch ms.
    pub until: Option<i64>,
    pub limit: u32,
    pub ascending: bool,
    pub format: Format,
    pub attachments: bool,
    /// Paging: continue after this sequence number.
    pub after_seq: Option<i64>,
    /// Paging: the newest sequence number when the first page was served, so later pages
    /// of a descending query never shift as statements arrive.
    pub upto_seq: Option<i64>,
    /// `statements/read/mine`: only statements stored by this credential key.
    pub mine: Option<String>,
}

impl StatementQuery {
    /// What a matching statement must carry: every group, and in each group any one
    /// of its terms.
    pub fn terms(&self) -> Vec<Vec<IndexTerm>> {
        let mut groups = Vec::new();
        let mut add = |kinds: &[TermKind], v: &Option<String>| {
            if let Some(value) = v {
                let group = kinds.iter().map(|&kind| IndexTerm {
                    kind,
                    value: value.clone(),
                });
                groups.push(group.collect());
            }
        };
        let agent_kinds: &[TermKind] = if self.related_agents {
            &[TermKind::Agent, TermKind::RelatedAgent]
        } else {
            &[TermKind::Agent]
        };
        let activity_kinds: &[TermKind] = if self.related_activities {
            &[TermKind::Activity, TermKind::RelatedActivity]
        } else {
            &[TermKind::Activity]
        };
        add(agent_kinds, &self.agent);
        add(&[TermKind::Verb], &self.verb);
        add(activity_kinds, &self.activity);
        add(&[TermKind::Registration], &self.registration);
        groups
    }

    /// The sequence numbers a page reads: above `lo`, up to `hi`. `upto` is the newest
    /// sequence number when the first page was served (later pages never shift);
    /// `since_seq` and `until_seq` are the last sequence numbers stored at or before
    /// `since` and `until` (within a tenant `stored` grows with the sequence number); a
    /// later page continues after (ascending) or before (descending) `after_seq`.
    pub fn seq_range(&self, upto: i64, since_seq: Option<i64>, until_seq: Option<i64>) -> (i64, i64) {
        let mut lo = since_seq.unwrap_or(0);
        let mut hi = until_seq.map_or(upto, |u| upto.min(u));
        match (self.after_seq, self.ascending) {
            (Some(a), true) => lo = lo.max(a),
            (Some(a), false) => hi = hi.min(a.saturating_sub(1)),
            (None, _) => {}
        }
        (lo, hi)
    }

    pub fn effective_limit(&self) -> u32 {
        if self.limit == 0 || self.limit > MAX_LIMIT {
            MAX_LIMIT
        } else {
            self.limit
        }
    }

    /// The opaque token of a `more` link continuing after `last_seq`.
    pub fn more_token(&self, last_seq: i64, upto_seq: i64) -> String {
        let mut next = self.clone();
        next.after_seq = Some(last_seq);
        next.upto_seq = Some(upto_seq);
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(&next).unwrap_or_default())
    }

    pub fn from_more_token(token: &str) -> Result<Self, LrsError> {
        let bytes = URL_SAFE_NO_PAD
            .decode(token)
            .map_err(|_| LrsError::bad("invalid more token"))?;
        serde_json::from_slice(&bytes).map_err(|_| LrsError::bad("invalid more token"))
    }
}

/// What a statements GET asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StatementRequest {
    One {
        id: String,
        voided: bool,
        format: Format,
        attachments: bool,
    },
    Many(StatementQuery),
}

const SINGLE_OK: [&str; 4] = ["statementId", "voidedStatementId", "format", "attachments"];
const KNOWN: [&str; 15] = [
    "statementId",
    "voidedStatementId",
    "agent",
    "verb",
    "activity",
    "registration",
    "related_activities",
    "related_agents",
    "since",
    "until",
    "limit",
    "format",
    "attachments",
    "ascending",
    "more",
];

/// Parses the query parameters of a statements GET.
pub fn parse_request(params: &[(String, String)], version: XapiVersion) -> Result<StatementRequest, LrsError> {
    let mut seen = std::collections::HashSet::new();
    for (k, _) in params {
        if !KNOWN.contains(&k.as_str()) {
            return Err(LrsError::bad(format!("unknown query parameter {k:?}")));
        }
        if !seen.insert(k.as_str()) {
            return Err(LrsError::bad(format!("query parameter {k:?} given more than once")));
        }
    }
    let get = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    let format = parse_format(get("format"))?;
    let attachments = parse_bool(get("attachments"), "attachments")?;
    if let Some(token) = get("more") {
        let mut q = StatementQuery::from_more_token(token)?;
        q.mine = None;
        return Ok(StatementRequest::Many(q));
    }
    let single = get("statementId")
        .map(|id| (id, false))
        .or(get("voidedStatementId").map(|id| (id, true)));
    if let Some((id, voided)) = single {
        if let Some((k, _)) = params.iter().find(|(k, _)| !SINGLE_OK.contains(&k.as_str())) {
            return Err(LrsError::bad(format!(
                "{k:?} cannot be combined with statementId or voidedStatementId"
            )));
        }
        if get("statementId").is_some() && get("voidedStatementId").is_some() {
            return Err(LrsError::bad("give statementId or voidedStatementId, not both"));
        }
        if !formats::is_uuid(id) {
            return Err(LrsError::bad(format!("{id:?} is not a UUID")));
        }
        return Ok(StatementRequest::One {
            id: id.to_ascii_lowercase(),
            voided,
            format,
            attachments,
        });
    }
    let q = StatementQuery {
        agent: get("agent").map(|a| parse_agent(a, version)).transpose()?,
        related_agents: parse_bool(get("related_agents"), "related_agents")?,
        verb: get("verb").map(|v| iri_param(v, "verb")).transpose()?,
        activity: get("activity").map(|v| iri_param(v, "activity")).transpose()?,
        related_activities: parse_bool(get("related_activities"), "related_activities")?,
        registration: get("registration").map(|r| uuid_param(r, "registration")).transpose()?,
        since: get("since").map(|s| time_param(s, "since")).transpose()?,
        until: get("until").map(|s| time_param(s, "until")).transpose()?,
        limit: get("limit").map(parse_limit).transpose()?.unwrap_or(0),
        ascending: parse_bool(get("ascending"), "ascending")?,
        format,
        attachments,
        ..StatementQuery::default()
    };
    Ok(StatementRequest::Many(q))
}

/// Parses an `agent` parameter (JSON Agent or identified Group) into its IFI key.
pub fn parse_agent(json: &str, version: XapiVersion) -> Result<String, LrsError> {
    let v: Value =
        serde_json::from_str(json).map_err(|e| LrsError::bad(format!("agent parameter is not valid JSON: {e}")))?;
    validate_agent_param(&v, Rules { version }).map_err(LrsError::BadRequest)?;
    ifi_key(&v).ok_or_else(|| LrsError::bad("agent parameter must have an inverse functional identifier"))
}

fn parse_format(v: Option<&str>) -> Result<Format, LrsError> {
    match v {
        None | Some("exact") => Ok(Format::Exact),
        Some("ids") => Ok(Format::Ids),
        Some("canonical") => Ok(Format::Canonical),
        Some(o) => Err(LrsError::bad(format!(
            "format must be ids, exact or canonical, not {o:?}"
        ))),
    }
}

pub fn parse_bool(v: Option<&str>, name: &str) -> Result<bool, LrsError> {
    match v {
        None | Some("false") => Ok(false),
        Some("true") => Ok(true),
        Some(o) => Err(LrsError::bad(format!("{name} must be true or false, not {o:?}"))),
    }
}

fn parse_limit(v: &str) -> Result<u32, LrsError> {
    v.parse()
        .map_err(|_| LrsError::bad(format!("limit must be a non-negative integer, not {v:?}")))
}

fn iri_param(v: &str, name: &str) -> Result<String, LrsError> {
    if formats::is_iri(v) {
        Ok(v.to_owned())
    } else {
        Err(LrsError::bad(format!("{name} must be an IRI, not {v:?}")))
    }
}

fn uuid_param(v: &str, name: &str) -> Result<String, LrsError> {
    if formats::is_uuid(v) {
        Ok(v.to_ascii_lowercase())
    } else {
        Err(LrsError::bad(format!("{name} must be a UUID, not {v:?}")))
    }
}

/// A timestamp parameter as epoch milliseconds (floored: stored times are whole ms).
pub fn time_param(v: &str, name: &str) -> Result<i64, LrsError> {
    let t = formats::parse_timestamp(v, false)
        .ok_or_else(|| LrsError::bad(format!("{name} must be an ISO 8601 timestamp, not {v:?}")))?;
    Ok(t.timestamp_millis())
}
