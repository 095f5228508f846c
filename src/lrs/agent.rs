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

/// Replaces every Agent in a statement whose key is `key` (actor, object, group member,
/// instructor, team, context agents, substatements) by `replacement`; `None` when the
/// statement does not name it.
pub fn anonymise(body: &str, key: &str, replacement: &Value) -> Option<String> {
    fn walk(v: &mut Value, key: &str, replacement: &Value) -> bool {
        if ifi_key(v).as_deref() == Some(key) {
            *v = replacement.clone();
            return true;
        }
        match v {
            Value::Object(m) => m.values_mut().fold(false, |hit, x| walk(x, key, replacement) | hit),
            Value::Array(a) => a.iter_mut().fold(false, |hit, x| walk(x, key, replacement) | hit),
            _ => false,
        }
    }
    let mut v: Value = serde_json::from_str(body).ok()?;
    walk(&mut v, key, replacement).then(|| v.to_string())
}

#[cfg(test)]
mod anonymise_tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn replaces_the_agent_everywhere_and_nothing_else() {
        let ann = json!({"account": {"homePage": "https://x/t", "name": "ann"}});
        let key = ifi_key(&ann).unwrap();
        let anon = json!({"objectType": "Agent", "account": {"homePage": "https://x/t", "name": "erased"}});
        let body = json!({"actor": {"mbox": "mailto:bo@x.org"},
            "context": {"instructor": {"name": "Ann", "account": {"homePage": "https://x/t", "name": "ann"}}},
            "object": {"objectType": "Group", "member": [ann.clone(), {"mbox": "mailto:cy@x.org"}]}})
        .to_string();
        let out: Value = serde_json::from_str(&anonymise(&body, &key, &anon).unwrap()).unwrap();
        assert_eq!(out["context"]["instructor"], anon);
        assert_eq!(out["object"]["member"][0], anon);
        assert_eq!(out["actor"]["mbox"], "mailto:bo@x.org");
        assert!(!out.to_string().contains("Ann"));
        assert_eq!(anonymise(&out.to_string(), &key, &anon), None);
    }
}
