//! The `actor` launch parameter of an xAPI package, in the shape its launch script reads
//! (`ActorFormat`, detected at import), written as ASCII-only JSON: non-ASCII characters
//! become `\uXXXX` escapes, so a script that decodes the query with `unescape()` (as
//! Lectora's does) still reads Japanese names and ids intact after `JSON.parse`.

use crate::json::Put;
use serde_json::{Value, json};

use crate::package::model::ActorFormat;

/// The launch parameter for `agent` (an xAPI 1.0 Agent with an account).
pub fn launch_actor(agent: &Value, format: ActorFormat) -> String {
    let value = match format {
        ActorFormat::Xapi => agent.clone(),
        ActorFormat::TinCan095 => tincan095(agent),
    };
    ascii_json(&value.to_string())
}

/// The TinCan 0.95 shape of an account agent: `name` and `account` as arrays.
fn tincan095(agent: &Value) -> Value {
    let mut out = json!({ "objectType": "Agent" });
    if let Some(name) = agent.get("name") {
        out.put("name", json!([name]));
    }
    if let Some(account) = agent.get("account") {
        let account = json!([{
            "accountServiceHomePage": account.get("homePage").cloned().unwrap_or(Value::Null),
            "accountName": account.get("name").cloned().unwrap_or(Value::Null),
        }]);
        out.put("account", account);
    }
    if let Some(mbox) = agent.get("mbox") {
        out.put("mbox", json!([mbox]));
    }
    out
}

/// `json` with every non-ASCII character written as a JSON `\u` escape (UTF-16 units).
fn ascii_json(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{u:04x}"));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_shapes_read_back_as_the_same_learner() {
        let agent = json!({"objectType": "Agent", "name": "山田 花子 😀", "account": {"homePage": "https://x.example/t/acme", "name": "学習者1"}});
        let plain = launch_actor(&agent, ActorFormat::Xapi);
        assert!(plain.is_ascii(), "{plain}");
        assert_eq!(serde_json::from_str::<Value>(&plain).expect("json"), agent);
        let old = launch_actor(&agent, ActorFormat::TinCan095);
        assert!(old.is_ascii(), "{old}");
        let v: Value = serde_json::from_str(&old).expect("json");
        assert_eq!(v["name"][0], "山田 花子 😀");
        assert_eq!(v["account"][0]["accountServiceHomePage"], "https://x.example/t/acme");
        assert_eq!(v["account"][0]["accountName"], "学習者1");
    }
}
