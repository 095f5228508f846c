//! What the LMS writes (cmi5 specification, sections 8 to 10): the `LMS.LaunchData` state
//! document, the launch URL's query, and the statements it records itself — `launched`,
//! `satisfied`, `abandoned`, `waived` — each with the session id, the registration, the
//! cmi5 category and the publisher id of what it is about in `grouping` (9.6.2.3).

use serde_json::{Map, Value, json};

use super::ids::{Node, lms_id};
use super::state::LaunchMode;
use super::{CMI5_CATEGORY, MOVEON_CATEGORY, REASON, SESSION_ID, verb};
use crate::json::Put;
use crate::package::model::{Cmi5Au, LangMap, Vocabulary as _};

/// Who and where: what every statement of the LMS about one registration shares.
#[derive(Debug, Clone, Copy)]
pub struct Lms<'a> {
    pub public_url: &'a str,
    pub package: &'a str,
    pub actor: &'a Value,
    pub registration: &'a str,
}

impl Lms<'_> {
    pub fn id(&self, node: Node, publisher: &str) -> String {
        lms_id(self.public_url, self.package, node, publisher)
    }

    fn statement(&self, verb_id: &str, display: &str, object: Value, context: Value, id: &str, ts: &str) -> Value {
        json!({
            "id": id,
            "actor": self.actor,
            "verb": { "id": verb_id, "display": { "en-US": display } },
            "object": object,
            "context": context,
            "timestamp": ts,
        })
    }

    fn context(&self, session: &str, publisher: &str, categories: &[&str], extra: Map<String, Value>) -> Value {
        let mut extensions = extra;
        extensions.insert(SESSION_ID.to_owned(), json!(session));
        let category: Vec<Value> = categories
            .iter()
            .map(|c| json!({ "objectType": "Activity", "id": c }))
            .collect();
        json!({
            "registration": self.registration,
            "contextActivities": {
                "grouping": [{ "objectType": "Activity", "id": publisher }],
                "category": category,
            },
            "extensions": extensions,
        })
    }

    fn au_object(&self, au: &Cmi5Au) -> Value {
        let mut definition = json!({ "name": names(&au.titles, &au.title) });
        if let Some(t) = &au.activity_type {
            definition.put("type", json!(t));
        }
        json!({ "objectType": "Activity", "id": self.id(Node::Au, &au.id), "definition": definition })
    }

    /// `launched` (9.3.1) with the launch's extensions (9.6.3).
    pub fn launched(&self, l: &AuLaunch<'_>, id: &str, ts: &str) -> Value {
        let mut ext = Map::new();
        ext.insert(ext_key("launchmode"), json!(l.mode.as_str()));
        ext.insert(ext_key("launchurl"), json!(l.launch_url));
        ext.insert(ext_key("moveon"), json!(l.au.move_on.as_str()));
        if let Some(p) = &l.au.launch_parameters {
            ext.insert(ext_key("launchparameters"), json!(p));
        }
        if let Some(s) = l.au.mastery_score {
            ext.insert(ext_key("masteryscore"), json!(s));
        }
        let context = self.context(l.session, &l.au.id, &[CMI5_CATEGORY], ext);
        self.statement(verb::LAUNCHED, "Launched", self.au_object(l.au), context, id, ts)
    }

    /// `satisfied` of a block or the course (9.3.9).
    pub fn satisfied(&self, node: Node, publisher: &str, name: &Value, session: &str, id: &str, ts: &str) -> Value {
        let object = json!({
            "objectType": "Activity",
            "id": self.id(node, publisher),
            "definition": { "type": node.activity_type(), "name": name },
        });
        let context = self.context(session, publisher, &[CMI5_CATEGORY], Map::new());
        self.statement(verb::SATISFIED, "Satisfied", object, context, id, ts)
    }

    /// `abandoned` (9.3.6): a session that ended without `terminated`, lasting `duration`.
    pub fn abandoned(&self, au: &Cmi5Au, session: &str, duration: &str, id: &str, ts: &str) -> Value {
        let context = self.context(session, &au.id, &[CMI5_CATEGORY], Map::new());
        let mut st = self.statement(verb::ABANDONED, "Abandoned", self.au_object(au), context, id, ts);
        st.put("result", json!({ "duration": duration }));
        st
    }

    /// `waived` (9.3.7), in a session of its own.
    pub fn waived(&self, au: &Cmi5Au, reason: &str, session: &str, id: &str, ts: &str) -> Value {
        let context = self.context(session, &au.id, &[CMI5_CATEGORY, MOVEON_CATEGORY], Map::new());
        let mut st = self.statement(verb::WAIVED, "Waived", self.au_object(au), context, id, ts);
        st.put(
            "result",
            json!({ "success": true, "completion": true, "extensions": { REASON: reason } }),
        );
        st
    }
}

fn ext_key(name: &str) -> String {
    format!("https://w3id.org/xapi/cmi5/context/extensions/{name}")
}

/// A language map of a title: every language the course gives, or `und`.
pub fn names(titles: &LangMap, title: &str) -> Value {
    if titles.is_empty() {
        json!({ "und": title })
    } else {
        json!(titles)
    }
}

/// One launch of one AU.
#[derive(Debug, Clone, Copy)]
pub struct AuLaunch<'a> {
    pub au: &'a Cmi5Au,
    pub session: &'a str,
    pub mode: LaunchMode,
    /// The AU's URL with its own parameters, without the launch's (9.6.3.4).
    pub launch_url: &'a str,
    pub return_url: Option<&'a str>,
}

impl AuLaunch<'_> {
    /// The context template every statement of the session carries (10.2.1): the
    /// session id, and the AU's publisher id in `grouping`.
    pub fn context_template(&self) -> Value {
        json!({
            "contextActivities": {
                "grouping": [{ "objectType": "Activity", "id": self.au.id }]
            },
            "extensions": { SESSION_ID: self.session }
        })
    }

    /// The `LMS.LaunchData` state document (10.2).
    pub fn launch_data(&self) -> Value {
        let mut doc = json!({
            "contextTemplate": self.context_template(),
            "launchMode": self.mode.as_str(),
            "moveOn": self.au.move_on.as_str(),
        });
        if let Some(p) = &self.au.launch_parameters {
            doc.put("launchParameters", json!(p));
        }
        if let Some(s) = self.au.mastery_score {
            doc.put("masteryScore", json!(s));
        }
        if let Some(r) = self.return_url {
            doc.put("returnURL", json!(r));
        }
        if let Some(k) = &self.au.entitlement_key {
            doc.put("entitlementKey", json!({ "courseStructure": k }));
        }
        doc
    }
}

/// The launch URL's cmi5 query (8.1): `endpoint`, `fetch`, `actor`, `registration`,
/// `activityId`, with `%20` for spaces (content decodes with `decodeURIComponent`, which
/// leaves `+` alone).
pub fn launch_query(endpoint: &str, fetch: &str, actor: &Value, registration: &str, activity: &str) -> String {
    let mut q = form_urlencoded::Serializer::new(String::new());
    q.append_pair("endpoint", endpoint);
    q.append_pair("fetch", fetch);
    q.append_pair("actor", &actor.to_string());
    q.append_pair("registration", registration);
    q.append_pair("activityId", activity);
    q.finish().replace('+', "%20")
}

/// The fetch URL's answer to a call that gets no token (8.2.3): `1` already used or
/// expired, `2` any other security error, `3` an application error.
pub fn fetch_error(code: u8, text: &str) -> Value {
    json!({ "error-code": code.to_string(), "error-text": text })
}
