//! What the LMS writes when it launches a cmi5 AU (cmi5 specification, sections 8 to 10):
//! the `LMS.LaunchData` state document, the `launched` statement and the launch URL's
//! query. Built here as JSON and text; the HTTP layer writes them into the tenant's LRS.

use serde_json::{Value, json};

use crate::package::model::{Cmi5Au, Vocabulary as _};

/// The state id of the launch data (section 10.2).
pub const LAUNCH_DATA: &str = "LMS.LaunchData";
/// The context extension naming the session (section 9.6.3.1).
pub const SESSION_ID: &str = "https://w3id.org/xapi/cmi5/context/extensions/sessionid";
/// The category every cmi5 defined statement carries (section 9.6.2.1).
pub const CMI5_CATEGORY: &str = "https://w3id.org/xapi/cmi5/context/categories/cmi5";
/// The verb of the statement the LMS issues at launch (section 9.3.1).
pub const LAUNCHED: &str = "http://adlnet.gov/expapi/verbs/launched";

/// One launch of one AU: who, in which registration and session, for which course.
#[derive(Debug, Clone)]
pub struct Cmi5Launch<'a> {
    pub au: &'a Cmi5Au,
    /// The course id, the publisher id of the context template.
    pub course_id: &'a str,
    pub actor: &'a Value,
    pub registration: &'a str,
    pub session: &'a str,
    pub return_url: Option<&'a str>,
}

impl Cmi5Launch<'_> {
    /// The context template every statement of the session carries (section 10.2.1).
    pub fn context_template(&self) -> Value {
        json!({
            "contextActivities": {
                "grouping": [{ "objectType": "Activity", "id": self.course_id }]
            },
            "extensions": { SESSION_ID: self.session }
        })
    }

    /// The `LMS.LaunchData` state document (section 10.2).
    pub fn launch_data(&self) -> Value {
        let mut doc = json!({
            "contextTemplate": self.context_template(),
            "launchMode": "Normal",
            "moveOn": self.au.move_on.as_str(),
        });
        let optional = [
            (
                "launchParameters",
                self.au.launch_parameters.as_deref().map(Value::from),
            ),
            ("masteryScore", self.au.mastery_score.map(Value::from)),
            ("returnURL", self.return_url.map(Value::from)),
            (
                "entitlementKey",
                self.au
                    .entitlement_key
                    .as_deref()
                    .map(|k| json!({ "courseStructure": k })),
            ),
        ];
        if let Value::Object(m) = &mut doc {
            for (k, v) in optional {
                if let Some(v) = v {
                    m.insert(k.to_owned(), v);
                }
            }
        }
        doc
    }

    /// The `launched` statement the LMS issues (section 9.3.1, 9.6).
    pub fn launched(&self, id: &str, timestamp: &str) -> Value {
        let mut context = self.context_template();
        if let Value::Object(c) = &mut context {
            c.insert("registration".into(), json!(self.registration));
            if let Some(Value::Object(a)) = c.get_mut("contextActivities") {
                a.insert(
                    "category".into(),
                    json!([{ "objectType": "Activity", "id": CMI5_CATEGORY }]),
                );
            }
            if let Some(Value::Object(e)) = c.get_mut("extensions") {
                e.insert(
                    "https://w3id.org/xapi/cmi5/context/extensions/launchmode".into(),
                    json!("Normal"),
                );
                e.insert(
                    "https://w3id.org/xapi/cmi5/context/extensions/moveon".into(),
                    json!(self.au.move_on.as_str()),
                );
                if let Some(p) = &self.au.launch_parameters {
                    e.insert(
                        "https://w3id.org/xapi/cmi5/context/extensions/launchparameters".into(),
                        json!(p),
                    );
                }
                if let Some(s) = self.au.mastery_score {
                    e.insert(
                        "https://w3id.org/xapi/cmi5/context/extensions/masteryscore".into(),
                        json!(s),
                    );
                }
            }
        }
        json!({
            "id": id,
            "actor": self.actor,
            "verb": { "id": LAUNCHED, "display": { "en-US": "Launched" } },
            "object": { "objectType": "Activity", "id": self.au.id },
            "context": context,
            "timestamp": timestamp,
        })
    }
}

/// The launch URL's cmi5 query (section 8.1): `endpoint`, `fetch`, `actor`,
/// `registration`, `activityId`, with `%20` for spaces (content decodes with
/// `decodeURIComponent`, which leaves `+` alone).
pub fn launch_query(endpoint: &str, fetch: &str, actor: &Value, registration: &str, activity: &str) -> String {
    let mut q = form_urlencoded::Serializer::new(String::new());
    q.append_pair("endpoint", endpoint);
    q.append_pair("fetch", fetch);
    q.append_pair("actor", &actor.to_string());
    q.append_pair("registration", registration);
    q.append_pair("activityId", activity);
    q.finish().replace('+', "%20")
}

/// The fetch URL's answer to a call that gets no token (section 8.2.3): `1` already used
/// or expired, `2` any other security error, `3` an application error.
pub fn fetch_error(code: u8, text: &str) -> Value {
    json!({ "error-code": code.to_string(), "error-text": text })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::package::model::LaunchHref;
    use crate::package::model::{LaunchMethod, MoveOn};

    fn au() -> Cmi5Au {
        Cmi5Au {
            id: "https://example.com/au/1".into(),
            title: "AU".into(),
            description: None,
            titles: Default::default(),
            descriptions: Default::default(),
            url: LaunchHref::Absolute("https://example.com/au.html".into()),
            launch_method: LaunchMethod::AnyWindow,
            move_on: MoveOn::CompletedAndPassed,
            mastery_score: Some(0.8),
            launch_parameters: Some("level=2".into()),
            entitlement_key: None,
            activity_type: None,
            objectives: vec![],
        }
    }

    #[test]
    fn launch_data_and_launched_statement() {
        let au = au();
        let actor = json!({ "objectType": "Agent", "account": { "homePage": "https://h", "name": "ann" } });
        let l = Cmi5Launch {
            au: &au,
            course_id: "https://example.com/course",
            actor: &actor,
            registration: "r",
            session: "s",
            return_url: None,
        };
        let d = l.launch_data();
        assert_eq!(d["launchMode"], "Normal");
        assert_eq!(d["moveOn"], "CompletedAndPassed");
        assert_eq!(d["masteryScore"], 0.8);
        assert_eq!(d["launchParameters"], "level=2");
        assert_eq!(d["contextTemplate"]["extensions"][SESSION_ID], "s");
        assert!(d.get("returnURL").is_none() && d.get("entitlementKey").is_none());
        let st = l.launched("id", "2026-01-01T00:00:00Z");
        assert_eq!(st["verb"]["id"], LAUNCHED);
        assert_eq!(st["context"]["contextActivities"]["category"][0]["id"], CMI5_CATEGORY);
        assert_eq!(
            st["context"]["contextActivities"]["grouping"][0]["id"],
            "https://example.com/course"
        );
        assert_eq!(st["context"]["registration"], "r");
        assert_eq!(fetch_error(1, "x")["error-code"], "1");
    }
}
