//! Statement validation: every property of an incoming statement checked against the
//! xAPI data model, with an error naming the offending property.

mod agent;
mod object;
mod path;
mod value;

use serde_json::{Map, Value};

use super::XapiVersion;
use crate::lrs::formats;
use path::Path;
use value::{Obj, check_iri, check_lang_map, check_string, check_uuid};

pub(crate) use agent::{AgentKind, check_agent_value};

/// Which specification's rules apply.
#[derive(Debug, Clone, Copy)]
pub struct Rules {
    pub version: XapiVersion,
}

/// Validates one statement as sent by a client.
pub fn validate_statement(v: &Value, rules: Rules) -> Result<(), String> {
    statement(v, rules, &Path::root(), false)
}

/// Validates an Agent or identified Group given as a query or document parameter.
pub fn validate_agent_param(v: &Value, rules: Rules) -> Result<(), String> {
    check_agent_value(v, rules, &Path::root().key("agent"), AgentKind::AgentOrGroup)
}

const STATEMENT_KEYS: &[&str] = &[
    "id",
    "actor",
    "verb",
    "object",
    "result",
    "context",
    "timestamp",
    "stored",
    "authority",
    "version",
    "attachments",
];
const SUBSTATEMENT_KEYS: &[&str] = &[
    "objectType",
    "actor",
    "verb",
    "object",
    "result",
    "context",
    "timestamp",
    "attachments",
];

pub(crate) fn statement(v: &Value, rules: Rules, p: &Path, sub: bool) -> Result<(), String> {
    let o = Obj::new(v, p, if sub { SUBSTATEMENT_KEYS } else { STATEMENT_KEYS })?;
    if let Some(id) = o.get("id") {
        check_uuid(id, &p.key("id"))?;
    }
    check_agent_value(o.require("actor")?, rules, &p.key("actor"), AgentKind::AgentOrGroup)?;
    let verb = o.require("verb")?;
    check_verb(verb, &p.key("verb"))?;
    let object = o.require("object")?;
    let obj_type = object::check_object(object, rules, &p.key("object"), sub)?;
    if verb.get("id").and_then(Value::as_str) == Some(super::VOIDED_VERB) && obj_type != "StatementRef" {
        return Err(p
            .key("object")
            .err("a voiding statement's object must be a StatementRef"));
    }
    if let Some(r) = o.get("result") {
        check_result(r, &p.key("result"))?;
    }
    if let Some(c) = o.get("context") {
        check_context(c, rules, &p.key("context"), obj_type)?;
    }
    if let Some(t) = o.get("timestamp") {
        check_timestamp(t, rules, &p.key("timestamp"))?;
    }
    if let Some(t) = o.get("stored") {
        check_timestamp(t, rules, &p.key("stored"))?;
    }
    if let Some(a) = o.get("authority") {
        check_agent_value(a, rules, &p.key("authority"), AgentKind::Authority)?;
    }
    if let Some(ver) = o.get("version") {
        check_version(ver, &p.key("version"))?;
    }
    if let Some(a) = o.get("attachments") {
        check_attachments(a, &p.key("attachments"))?;
    }
    Ok(())
}

fn check_verb(v: &Value, p: &Path) -> Result<(), String> {
    let o = Obj::new(v, p, &["id", "display"])?;
    check_iri(o.require("id")?, &p.key("id"))?;
    if let Some(d) = o.get("display") {
        check_lang_map(d, &p.key("display"))?;
    }
    Ok(())
}

fn check_timestamp(v: &Value, rules: Rules, p: &Path) -> Result<(), String> {
    let s = check_string(v, p)?;
    let require_zone = rules.version == XapiVersion::V200;
    formats::parse_timestamp(s, require_zone)
        .map(|_| ())
        .ok_or_else(|| p.err(format!("{s:?} is not an ISO 8601 timestamp")))
}

fn check_version(v: &Value, p: &Path) -> Result<(), String> {
    let s = check_string(v, p)?;
    let ok = ["1.0", "2.0"].iter().any(|m| {
        s.strip_prefix(m).is_some_and(|rest| {
            rest.is_empty()
                || rest
                    .strip_prefix('.')
                    .is_some_and(|patch| !patch.is_empty() && patch.bytes().all(|b| b.is_ascii_digit()))
        })
    });
    if ok {
        Ok(())
    } else {
        Err(p.err(format!("unsupported version {s:?}")))
    }
}

fn check_result(v: &Value, p: &Path) -> Result<(), String> {
    let o = Obj::new(
        v,
        p,
        &["score", "success", "completion", "response", "duration", "extensions"],
    )?;
    if let Some(s) = o.get("score") {
        check_score(s, &p.key("score"))?;
    }
    for k in ["success", "completion"] {
        if let Some(b) = o.get(k) {
            b.as_bool().ok_or_else(|| p.key(k).err("must be a boolean"))?;
        }
    }
    if let Some(r) = o.get("response") {
        check_string(r, &p.key("response"))?;
    }
    if let Some(d) = o.get("duration") {
        let s = check_string(d, &p.key("duration"))?;
        if !formats::is_duration(s) {
            return Err(p.key("duration").err(format!("{s:?} is not an ISO 8601 duration")));
        }
    }
    if let Some(e) = o.get("extensions") {
        value::check_extensions(e, &p.key("extensions"))?;
    }
    Ok(())
}

fn check_score(v: &Value, p: &Path) -> Result<(), String> {
    let o = Obj::new(v, p, &["scaled", "raw", "min", "max"])?;
    let num = |k: &str| -> Result<Option<f64>, String> {
        o.get(k)
            .map(|n| n.as_f64().ok_or_else(|| p.key(k).err("must be a number")))
            .transpose()
    };
    let (scaled, raw, min, max) = (num("scaled")?, num("raw")?, num("min")?, num("max")?);
    if scaled.is_some_and(|s| !(-1.0..=1.0).contains(&s)) {
        return Err(p.key("scaled").err("must be between -1 and 1"));
    }
    if let (Some(lo), Some(hi)) = (min, max)
        && lo > hi
    {
        return Err(p.key("min").err("must not be greater than max"));
    }
    if let Some(r) = raw
        && (min.is_some_and(|lo| r < lo) || max.is_some_and(|hi| r > hi))
    {
        return Err(p.key("raw").err("must be between min and max"));
    }
    Ok(())
}

fn check_context(v: &Value, rules: Rules, p: &Path, object_type: &str) -> Result<(), String> {
    let mut keys = vec![
        "registration",
        "instructor",
        "team",
        "contextActivities",
        "revision",
        "platform",
        "language",
        "statement",
        "extensions",
    ];
    if rules.version == XapiVersion::V200 {
        keys.extend(["contextAgents", "contextGroups"]);
    }
    let o = Obj::new(v, p, &keys)?;
    if let Some(r) = o.get("registration") {
        check_uuid(r, &p.key("registration"))?;
    }
    if let Some(i) = o.get("instructor") {
        check_agent_value(i, rules, &p.key("instructor"), AgentKind::AgentOrGroup)?;
    }
    if let Some(t) = o.get("team") {
        check_agent_value(t, rules, &p.key("team"), AgentKind::Group)?;
    }
    if let Some(ca) = o.get("contextActivities") {
        check_context_activities(ca, rules, &p.key("contextActivities"))?;
    }
    for k in ["revision", "platform"] {
        if let Some(s) = o.get(k) {
            check_string(s, &p.key(k))?;
            if object_type != "Activity" {
                return Err(p
                    .key(k)
                    .err("may only be used when the statement's object is an Activity"));
            }
        }
    }
    if let Some(l) = o.get("language") {
        let s = check_string(l, &p.key("language"))?;
        if !formats::is_language_tag(s) {
            return Err(p.key("language").err(format!("{s:?} is not an RFC 5646 language tag")));
        }
    }
    if let Some(s) = o.get("statement") {
        object::check_statement_ref(s, &p.key("statement"), true)?;
    }
    if let Some(e) = o.get("extensions") {
        value::check_extensions(e, &p.key("extensions"))?;
    }
    if let Some(a) = o.get("contextAgents") {
        check_context_members(a, rules, &p.key("contextAgents"), "contextAgent", "agent")?;
    }
    if let Some(g) = o.get("contextGroups") {
        check_context_members(g, rules, &p.key("contextGroups"), "contextGroup", "group")?;
    }
    Ok(())
}

fn check_context_activities(v: &Value, rules: Rules, p: &Path) -> Result<(), String> {
    let o = Obj::new(v, p, &["parent", "grouping", "category", "other"])?;
    for k in ["parent", "grouping", "category", "other"] {
        let Some(val) = o.get(k) else { continue };
        let pk = p.key(k);
        match val {
            Value::Array(items) => {
                for (i, a) in items.iter().enumerate() {
                    object::check_activity(a, rules, &pk.index(i))?;
                }
            }
            Value::Object(_) => object::check_activity(val, rules, &pk)?,
            _ => return Err(pk.err("must be an Activity or an array of Activities")),
        }
    }
    Ok(())
}

fn check_context_members(v: &Value, rules: Rules, p: &Path, object_type: &str, member: &str) -> Result<(), String> {
    let items = v.as_array().ok_or_else(|| p.err("must be an array"))?;
    for (i, item) in items.iter().enumerate() {
        let pi = p.index(i);
        let o = Obj::new(item, &pi, &["objectType", member, "relevantTypes"])?;
        if o.require("objectType")?.as_str() != Some(object_type) {
            return Err(pi.key("objectType").err(format!("must be {object_type:?}")));
        }
        let kind = if member == "agent" {
            AgentKind::Agent
        } else {
            AgentKind::Group
        };
        check_agent_value(o.require(member)?, rules, &pi.key(member), kind)?;
        if let Some(rt) = o.get("relevantTypes") {
            let pr = pi.key("relevantTypes");
            let types = rt
                .as_array()
                .filter(|a| !a.is_empty())
                .ok_or_else(|| pr.err("must be a non-empty array of IRIs"))?;
            for (j, t) in types.iter().enumerate() {
                check_iri(t, &pr.index(j))?;
            }
        }
    }
    Ok(())
}

fn check_attachments(v: &Value, p: &Path) -> Result<(), String> {
    let items = v.as_array().ok_or_else(|| p.err("must be an array"))?;
    for (i, a) in items.iter().enumerate() {
        let pi = p.index(i);
        let o = Obj::new(
            a,
            &pi,
            &[
                "usageType",
                "display",
                "description",
                "contentType",
                "length",
                "sha2",
                "fileUrl",
            ],
        )?;
        check_iri(o.require("usageType")?, &pi.key("usageType"))?;
        check_lang_map(o.require("display")?, &pi.key("display"))?;
        if let Some(d) = o.get("description") {
            check_lang_map(d, &pi.key("description"))?;
        }
        let ct = check_string(o.require("contentType")?, &pi.key("contentType"))?;
        if !ct.contains('/') {
            return Err(pi
                .key("contentType")
                .err(format!("{ct:?} is not an Internet Media Type")));
        }
        o.require("length")?
            .as_u64()
            .ok_or_else(|| pi.key("length").err("must be a non-negative integer"))?;
        let sha = check_string(o.require("sha2")?, &pi.key("sha2"))?;
        if !formats::is_sha2_hex(sha) {
            return Err(pi.key("sha2").err("must be a hexadecimal SHA-2 hash"));
        }
        if let Some(u) = o.get("fileUrl") {
            check_iri(u, &pi.key("fileUrl"))?;
        }
    }
    Ok(())
}

/// Re-export for sibling modules.
pub(crate) type JsonMap = Map<String, Value>;

#[cfg(test)]
mod tests;
