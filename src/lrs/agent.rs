//! Agent identity: the canonical key of an inverse functional identifier, and the
//! Person object served by the Agents resource.

use serde_json::{Map, Value, json};

/// A canonical string for an Agent's or identified Group's IFI, used as an index term and
/// a document key. `None` for an anonymous Group.
pub fn ifi_key(agent: &Value) -> Option<String> {
    let o = agent.as_object()?;
    if let Some(m) = o.get("mbox").and_then(Value::as_str) {
        return Some(format!("mbox:{m}"));
    }
    if let Some(s) = o.get("mbox_sha1sum").and_then(Value::as_str) {
        return Some(format!("sha1:{}", s.to_ascii_lowercase()));
    }
    if let Some(s) = o.get("openid").and_then(Value::as_str) {
        return Some(format!("openid:{s}"));
    }
    let acc = o.get("account")?;
    let home = acc.get("homePage")?.as_str()?;
    let name = acc.get("name")?.as_str()?;
    Some(format!("account:{}", Value::from(vec![home, name])))
}

/// Keys of an Agent or Group and, for a Group, of its members.
pub fn keys_with_members(agent: &Value) -> Vec<String> {
    let mut keys: Vec<String> = ifi_key(agent).into_iter().collect();
    if let Some(members) = agent.get("member").and_then(Value::as_array) {
        keys.extend(members.iter().filter_map(ifi_key));
    }
    keys
}

/// The Person object for an Agent: each identifier and name as a one-element list.
pub fn person(agent: &Value) -> Value {
    let mut p = Map::new();
    p.insert("objectType".into(), json!("Person"));
    p.insert("name".into(), json!([]));
    for k in ["name", "mbox", "mbox_sha1sum", "openid", "account"] {
        if let Some(v) = agent.get(k) {
            p.insert(k.into(), Value::Array(vec![v.clone()]));
        }
    }
    Value::Object(p)
}
