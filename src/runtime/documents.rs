//! The documents ADL's xAPI SCORM Profile keeps beside the statements: the SCO's activity
//! profile (what the LMS supplied from the manifest), the learner's activity state (the
//! list of attempts), the attempt state (credit, mode, location, preferences, total time,
//! comments from the LMS) and the agent profile (learner id, name, preferences). Built here as JSON;
//! the HTTP layer writes them into the tenant's LRS.

use crate::json::Put;
use serde_json::{Map, Value, json};

use super::datamodel::{Data, Version};
use super::record::Subject;
use super::timespan;
use crate::lrs::document::DocKind;

pub const ACTIVITY_PROFILE: &str = "https://w3id.org/xapi/scorm/activity-profile";
pub const ACTIVITY_STATE: &str = "https://w3id.org/xapi/scorm/activity-state";
pub const ATTEMPT_STATE: &str = "https://w3id.org/xapi/scorm/attempt-state";
pub const AGENT_PROFILE: &str = "https://w3id.org/xapi/scorm/agent-profile";

/// One document to write (replacing what is there).
#[derive(Debug, Clone, PartialEq)]
pub struct ProfileDocument {
    pub kind: DocKind,
    /// The activity (empty for the agent profile).
    pub activity: String,
    /// Whether the document is the actor's (State, Agent Profile).
    pub for_actor: bool,
    /// The registration it belongs to (State only).
    pub registration: Option<String>,
    pub id: &'static str,
    pub body: Value,
}

fn text(d: &Data, name: &str) -> Option<Value> {
    d.get(name).filter(|v| !v.is_empty()).map(|v| json!(v))
}

fn number(d: &Data, name: &str) -> Option<Value> {
    d.get(name).and_then(|v| v.trim().parse::<f64>().ok()).map(|n| json!(n))
}

fn object(pairs: Vec<(&str, Option<Value>)>) -> Value {
    let m: Map<String, Value> = pairs
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k.to_owned(), v)))
        .collect();
    Value::Object(m)
}

fn preferences(d: &Data, v: Version) -> Value {
    match v {
        Version::Scorm2004 => object(vec![
            ("language", text(d, "cmi.learner_preference.language")),
            ("audio_level", number(d, "cmi.learner_preference.audio_level")),
            ("delivery_speed", number(d, "cmi.learner_preference.delivery_speed")),
            ("audio_captioning", number(d, "cmi.learner_preference.audio_captioning")),
        ]),
        // SCORM 1.2's audio -1 means "off" and its speed is a -100..100 scale: neither maps.
        Version::Scorm12 => object(vec![
            ("language", text(d, "cmi.student_preference.language")),
            (
                "audio_level",
                number(d, "cmi.student_preference.audio").filter(|n| n.as_f64().is_some_and(|a| a >= 0.0)),
            ),
            ("audio_captioning", number(d, "cmi.student_preference.text")),
        ]),
    }
}

fn total_time(d: &Data, v: Version) -> Option<Value> {
    let hundredths = match v {
        Version::Scorm12 => d.get("cmi.core.total_time").and_then(|t| timespan::parse_scorm12(t)),
        Version::Scorm2004 => d.get("cmi.total_time").and_then(|t| timespan::parse_scorm2004(t)),
    }?;
    Some(json!(timespan::format_scorm2004(hundredths)))
}

/// The attempt state of the attempt `s.attempt`.
pub fn attempt_state(s: &Subject, d: &Data) -> ProfileDocument {
    let v = s.version;
    let (credit, mode, location) = match v {
        Version::Scorm12 => ("cmi.core.credit", "cmi.core.lesson_mode", "cmi.core.lesson_location"),
        Version::Scorm2004 => ("cmi.credit", "cmi.mode", "cmi.location"),
    };
    let comments: Vec<Value> = (0..)
        .map_while(|n| d.get(&format!("cmi.comments_from_lms.{n}.comment")).map(|c| (n, c)))
        .map(|(n, c)| {
            object(vec![
                ("comment", Some(json!(c))),
                ("location", text(d, &format!("cmi.comments_from_lms.{n}.location"))),
                ("timestamp", text(d, &format!("cmi.comments_from_lms.{n}.timestamp"))),
            ])
        })
        .collect();
    let mut body = object(vec![
        ("credit", text(d, credit)),
        ("mode", text(d, mode)),
        ("location", text(d, location)),
        ("preferences", Some(preferences(d, v))),
        ("total_time", total_time(d, v)),
    ]);
    if !comments.is_empty() {
        body.put("comments_from_lms", json!(comments));
    }
    ProfileDocument {
        kind: DocKind::State,
        activity: s.attempt_iri(),
        for_actor: true,
        registration: Some(s.registration.clone()),
        id: ATTEMPT_STATE,
        body,
    }
}

/// What a launch writes: the SCO's activity profile, the learner's activity state listing
/// attempts 1 to `s.attempt`, the agent profile and the attempt state.
pub fn at_launch(s: &Subject, d: &Data) -> Vec<ProfileDocument> {
    let v = s.version;
    let profile = match v {
        Version::Scorm2004 => object(vec![
            ("completion_threshold", number(d, "cmi.completion_threshold")),
            ("launch_data", text(d, "cmi.launch_data")),
            ("max_time_allowed", text(d, "cmi.max_time_allowed")),
            ("scaled_passing_score", number(d, "cmi.scaled_passing_score")),
            ("time_limit_action", text(d, "cmi.time_limit_action")),
        ]),
        Version::Scorm12 => object(vec![
            ("launch_data", text(d, "cmi.launch_data")),
            (
                "max_time_allowed",
                d.get("cmi.student_data.max_time_allowed")
                    .and_then(|t| timespan::parse_scorm12(t))
                    .map(|h| json!(timespan::format_scorm2004(h))),
            ),
            (
                "scaled_passing_score",
                number(d, "cmi.student_data.mastery_score")
                    .and_then(|m| m.as_f64())
                    .map(|m| json!(m / 100.0)),
            ),
            ("time_limit_action", text(d, "cmi.student_data.time_limit_action")),
        ]),
    };
    let attempts: Vec<Value> = (1..=s.attempt)
        .map(|n| {
            let mut other = s.clone();
            other.attempt = n;
            json!(other.attempt_iri())
        })
        .collect();
    let (id, name) = match v {
        Version::Scorm12 => ("cmi.core.student_id", "cmi.core.student_name"),
        Version::Scorm2004 => ("cmi.learner_id", "cmi.learner_name"),
    };
    vec![
        ProfileDocument {
            kind: DocKind::ActivityProfile,
            activity: s.sco_iri.clone(),
            for_actor: false,
            registration: None,
            id: ACTIVITY_PROFILE,
            body: profile,
        },
        ProfileDocument {
            kind: DocKind::State,
            activity: s.sco_iri.clone(),
            for_actor: true,
            registration: Some(s.registration.clone()),
            id: ACTIVITY_STATE,
            body: json!({ "attempts": attempts }),
        },
        ProfileDocument {
            kind: DocKind::AgentProfile,
            activity: String::new(),
            for_actor: true,
            registration: None,
            id: AGENT_PROFILE,
            body: object(vec![
                ("learner_id", text(d, id)),
                ("learner_name", text(d, name)),
                ("preferences", Some(preferences(d, v))),
            ]),
        },
        attempt_state(s, d),
    ]
}
