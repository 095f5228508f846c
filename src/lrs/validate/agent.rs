//! Agents and Groups: inverse functional identifiers, members, objectType rules.

use serde_json::Value;

use super::Rules;
use super::path::Path;
use super::value::{Obj, check_iri, check_string};
use crate::lrs::formats;

/// Which actor shapes a property accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AgentKind {
    Agent,
    Group,
    AgentOrGroup,
    /// An Agent, or the two-member anonymous Group of an OAuth authority.
    Authority,
}

const IFIS: [&str; 4] = ["mbox", "mbox_sha1sum", "openid", "account"];

pub(crate) fn check_agent_value(v: &Value, rules: Rules, p: &Path, kind: AgentKind) -> Result<(), String> {
    let map = v.as_object().ok_or_else(|| p.err("must be an Agent or Group object"))?;
    let object_type = match map.get("objectType") {
        None => "Agent",
        Some(Value::String(s)) if s == "Agent" || s == "Group" => s.as_str(),
        Some(other) => {
            return Err(p
                .key("objectType")
                .err(format!("must be \"Agent\" or \"Group\", not {other}")));
        }
    };
    match (kind, object_type) {
        (AgentKind::Agent, "Group") => Err(p.err("must be an Agent, not a Group")),
        (AgentKind::Group, "Agent") => Err(p.err("must be a Group (objectType \"Group\")")),
        (_, "Group") => check_group(v, rules, p, kind),
        _ => check_agent(v, p),
    }
}

fn check_agent(v: &Value, p: &Path) -> Result<(), String> {
    let o = Obj::new(
        v,
        p,
        &["objectType", "name", "mbox", "mbox_sha1sum", "openid", "account"],
    )?;
    if let Some(n) = o.get("name") {
        check_string(n, &p.key("name"))?;
    }
    match check_ifis(&o, p)? {
        0 => Err(
            p.err("an Agent needs exactly one inverse functional identifier (mbox, mbox_sha1sum, openid or account)")
        ),
        _ => Ok(()),
    }
}

fn check_group(v: &Value, rules: Rules, p: &Path, kind: AgentKind) -> Result<(), String> {
    let o = Obj::new(
        v,
        p,
        &[
            "objectType",
            "name",
            "member",
            "mbox",
            "mbox_sha1sum",
            "openid",
            "account",
        ],
    )?;
    if let Some(n) = o.get("name") {
        check_string(n, &p.key("name"))?;
    }
    let ifis = check_ifis(&o, p)?;
    let pm = p.key("member");
    let members = match o.get("member") {
        Some(m) => Some(m.as_array().ok_or_else(|| pm.err("must be an array of Agents"))?),
        None => None,
    };
    if ifis == 0 && members.is_none_or(|m| m.is_empty()) {
        return Err(p.err("an anonymous Group must list its members"));
    }
    for (i, m) in members.into_iter().flatten().enumerate() {
        check_agent_value(m, rules, &pm.index(i), AgentKind::Agent)?;
    }
    if kind == AgentKind::Authority && (ifis != 0 || members.is_none_or(|m| m.len() != 2)) {
        return Err(
            p.err("a Group as authority must be anonymous, with exactly two members (an OAuth consumer and a user)")
        );
    }
    Ok(())
}

/// Checks each identifier present and returns how many there are (0 or 1; more is an error).
fn check_ifis(o: &Obj, p: &Path) -> Result<usize, String> {
    let present: Vec<&str> = IFIS.iter().copied().filter(|k| o.has(k)).collect();
    if present.len() > 1 {
        return Err(p.err(format!(
            "has more than one inverse functional identifier: {}",
            present.join(", ")
        )));
    }
    let Some(&k) = present.first() else { return Ok(0) };
    let v = o.require(k)?;
    let pk = p.key(k);
    match k {
        "mbox" => {
            let s = check_string(v, &pk)?;
            if !formats::is_mailto(s) {
                return Err(pk.err(format!("{s:?} is not a mailto: IRI")));
            }
        }
        "mbox_sha1sum" => {
            let s = check_string(v, &pk)?;
            if !formats::is_sha1_hex(s) {
                return Err(pk.err("must be a hex-encoded SHA-1 hash"));
            }
        }
        "openid" => check_iri(v, &pk)?,
        _ => check_account(v, &pk)?,
    }
    Ok(1)
}

fn check_account(v: &Value, p: &Path) -> Result<(), String> {
    let o = Obj::new(v, p, &["homePage", "name"])?;
    check_iri(o.require("homePage")?, &p.key("homePage"))?;
    check_string(o.require("name")?, &p.key("name"))?;
    Ok(())
}
