//! A SCORM session as xAPI statements, following ADL's xAPI SCORM Profile: the SCO is a
//! `lesson` activity; every statement carries the registration, groups the course and the
//! attempt (`…?attemptId=…`), and names the profile as its category. Statement ids derive
//! from the attempt, the commit and the position, so a commit resent after a failure stores
//! nothing twice.

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::attempt::Ending;
use super::datamodel::{Data, Version};
use super::timespan;
use crate::package::path::encode_for_url;

pub const PROFILE: &str = "https://w3id.org/xapi/scorm";
const VERBS: &str = "http://adlnet.gov/expapi/verbs/";

/// Who and what the statements are about.
#[derive(Debug, Clone)]
pub struct Subject {
    pub actor: Value,
    pub registration: String,
    pub course_iri: String,
    pub course_title: String,
    pub sco_iri: String,
    pub sco_title: String,
    pub attempt: u32,
    pub version: Version,
}

impl Subject {
    pub fn attempt_iri(&self) -> String {
        format!("{}?attemptId={}-{}", self.sco_iri, self.registration, self.attempt)
    }

    fn context(&self) -> Value {
        let activity = |id: String, name: String, kind: &str| json!({ "id": id, "definition": { "name": { "en-US": name }, "type": format!("http://adlnet.gov/expapi/activities/{kind}") } });
        json!({
            "registration": self.registration,
            "contextActivities": {
                "grouping": [
                    activity(self.course_iri.clone(), self.course_title.clone(), "course"),
                    activity(self.attempt_iri(), format!("Attempt {} of {}", self.attempt, self.sco_title), "attempt"),
                ],
                "category": [{ "id": PROFILE }],
            },
        })
    }

    fn statement(&self, id: String, verb: &str, result: Option<Value>) -> Value {
        let mut s = json!({
            "id": id,
            "actor": self.actor,
            "verb": { "id": format!("{VERBS}{verb}"), "display": { "en-US": verb } },
            "object": {
                "id": self.sco_iri,
                "definition": { "name": { "en-US": self.sco_title }, "type": "http://adlnet.gov/expapi/activities/lesson" },
            },
            "context": self.context(),
        });
        if let Some(r) = result {
            s["result"] = r;
        }
        s
    }
}

/// A deterministic UUID (version 8 layout) for statement `index` of commit `seq`.
fn statement_id(s: &Subject, seq: u64, index: usize) -> String {
    let mut h = Sha256::new();
    h.update(format!(
        "{}\u{0}{}\u{0}{}\u{0}{seq}\u{0}{index}",
        s.registration, s.sco_iri, s.attempt
    ));
    let mut b: [u8; 16] = h.finalize()[..16].try_into().unwrap_or([0; 16]);
    b[6] = (b[6] & 0x0f) | 0x80;
    b[8] = (b[8] & 0x3f) | 0x80;
    let x: String = b.iter().map(|v| format!("{v:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &x[0..8],
        &x[8..12],
        &x[12..16],
        &x[16..20],
        &x[20..32]
    )
}

/// The statement of an attempt being opened: `initialized`, or `resumed`.
pub fn opened(s: &Subject, seq: u64, resumed: bool) -> Vec<Value> {
    vec![s.statement(
        statement_id(s, seq, 0),
        if resumed { "resumed" } else { "initialized" },
        None,
    )]
}

fn get<'a>(d: &'a Data, v: Version, scorm12: &str, scorm2004: &str) -> Option<&'a str> {
    d.get(if v == Version::Scorm12 { scorm12 } else { scorm2004 })
        .map(String::as_str)
}

/// Completion, success and score of the data, as an xAPI result.
fn result_of(s: &Subject, d: &Data) -> Value {
    let v = s.version;
    let mut r = json!({});
    let (completion, success) = match v {
        Version::Scorm12 => {
            let status = get(d, v, "cmi.core.lesson_status", "").unwrap_or("");
            (
                Some(matches!(status, "completed" | "passed")),
                match status {
                    "passed" => Some(true),
                    "failed" => Some(false),
                    _ => None,
                },
            )
        }
        Version::Scorm2004 => (
            get(d, v, "", "cmi.completion_status").map(|c| c == "completed"),
            get(d, v, "", "cmi.success_status").and_then(|c| match c {
                "passed" => Some(true),
                "failed" => Some(false),
                _ => None,
            }),
        ),
    };
    if let Some(c) = completion {
        r["completion"] = c.into();
    }
    if let Some(ok) = success {
        r["success"] = ok.into();
    }
    if let Some(score) = score(s, d) {
        r["score"] = score;
    }
    r
}

fn score(s: &Subject, d: &Data) -> Option<Value> {
    let v = s.version;
    let num = |a: &str, b: &str| get(d, v, a, b).and_then(|x| x.parse::<f64>().ok());
    let mut out = json!({});
    let scaled = match v {
        Version::Scorm2004 => num("", "cmi.score.scaled"),
        // SCORM 1.2 has no scaled score: raw over max (default range 0–100).
        Version::Scorm12 => {
            num("cmi.core.score.raw", "").map(|r| (r / num("cmi.core.score.max", "").unwrap_or(100.0)).clamp(-1.0, 1.0))
        }
    };
    for (key, value) in [
        ("scaled", scaled),
        ("raw", num("cmi.core.score.raw", "cmi.score.raw")),
        ("min", num("cmi.core.score.min", "cmi.score.min")),
        ("max", num("cmi.core.score.max", "cmi.score.max")),
    ] {
        if let Some(x) = value {
            out[key] = x.into();
        }
    }
    out.as_object().is_some_and(|o| !o.is_empty()).then_some(out)
}

/// The statements of a stored commit, from the data before and after it: `completed`,
/// `passed`/`failed` and `scored` when they change, and at the end of the session
/// `suspended` or `terminated` with the result and the session's duration.
pub fn committed(
    s: &Subject,
    seq: u64,
    before: &Data,
    after: &Data,
    session_time: Option<&str>,
    ending: Option<Ending>,
) -> Vec<Value> {
    let v = s.version;
    let mut out = Vec::new();
    let push = |out: &mut Vec<Value>, verb: &str, result: Option<Value>| {
        let id = statement_id(s, seq, out.len());
        out.push(s.statement(id, verb, result));
    };
    let (res_before, res_after) = (result_of(s, before), result_of(s, after));
    if res_after.get("completion") == Some(&Value::Bool(true))
        && res_before.get("completion") != Some(&Value::Bool(true))
    {
        push(&mut out, "completed", Some(json!({ "completion": true })));
    }
    if let (Some(ok), true) = (
        res_after.get("success").and_then(Value::as_bool),
        res_before.get("success") != res_after.get("success"),
    ) {
        let mut r = json!({ "success": ok });
        if let Some(sc) = res_after.get("score") {
            r["score"] = sc.clone();
        }
        push(&mut out, if ok { "passed" } else { "failed" }, Some(r));
    }
    if let (Some(sc), true) = (
        res_after.get("score"),
        res_before.get("score") != res_after.get("score"),
    ) {
        push(&mut out, "scored", Some(json!({ "score": sc })));
    }
    if let Some(p) = changed(before, after, "cmi.progress_measure").and_then(|p| p.parse::<f64>().ok()) {
        // The profile reports progress as a scaled score on `progressed`.
        push(&mut out, "progressed", Some(json!({ "score": { "scaled": p } })));
    }
    for comment in new_comments(v, before, after) {
        push(&mut out, "commented", Some(json!({ "response": comment })));
    }
    for index in changed_interactions(v, before, after) {
        let id = statement_id(s, seq, out.len());
        out.push(responded(s, id, after, index));
    }
    if let Some(e) = ending {
        let mut r = res_after.clone();
        let hundredths = session_time.and_then(|t| match v {
            Version::Scorm12 => timespan::parse_scorm12(t),
            Version::Scorm2004 => timespan::parse_scorm2004(t),
        });
        if let Some(h) = hundredths {
            r["duration"] = timespan::format_scorm2004(h).into();
        }
        push(
            &mut out,
            if e == Ending::Suspended {
                "suspended"
            } else {
                "terminated"
            },
            Some(r),
        );
    }
    out
}

/// Indexes of interactions whose response or result the commit set or changed.
fn changed_interactions(v: Version, before: &Data, after: &Data) -> Vec<usize> {
    let response = if v == Version::Scorm12 {
        "student_response"
    } else {
        "learner_response"
    };
    let count = after
        .keys()
        .filter(|k| k.starts_with("cmi.interactions.") && k.ends_with(".id"))
        .count();
    (0..count)
        .filter(|n| {
            ["result", response].iter().any(|f| {
                let key = format!("cmi.interactions.{n}.{f}");
                after.get(&key).is_some() && after.get(&key) != before.get(&key)
            })
        })
        .collect()
}

/// `responded` for interaction `n`: the interaction as a `cmi.interaction` activity below
/// the SCO, with its type and correct responses, the learner's response and its result.
fn responded(s: &Subject, id: String, d: &Data, n: usize) -> Value {
    let field = |f: &str| d.get(&format!("cmi.interactions.{n}.{f}")).cloned();
    let interaction_id = field("id").unwrap_or_else(|| n.to_string());
    let mut definition = json!({ "type": "http://adlnet.gov/expapi/activities/cmi.interaction" });
    if let Some(t) = field("type") {
        definition["interactionType"] = t.into();
    }
    let patterns: Vec<String> = (0..)
        .map_while(|m| field(&format!("correct_responses.{m}.pattern")))
        .collect();
    if !patterns.is_empty() {
        definition["correctResponsesPattern"] = patterns.into();
    }
    if let Some(desc) = field("description") {
        definition["description"] = json!({ "en-US": desc });
    }
    let mut result = json!({});
    let response = if s.version == Version::Scorm12 {
        field("student_response")
    } else {
        field("learner_response")
    };
    if let Some(r) = response {
        result["response"] = r.into();
    }
    match field("result").as_deref() {
        Some("correct") => result["success"] = true.into(),
        Some("incorrect" | "wrong") => result["success"] = false.into(),
        _ => {}
    }
    let mut st = s.statement(id, "responded", Some(result));
    st["object"] = json!({
        "id": format!("{}/interactions/{}", s.sco_iri, encode_for_url(&interaction_id)),
        "definition": definition,
    });
    st
}

/// The new value of `name` when the commit set or changed it.
fn changed<'a>(before: &Data, after: &'a Data, name: &str) -> Option<&'a str> {
    after
        .get(name)
        .filter(|v| before.get(name) != Some(*v))
        .map(String::as_str)
}

/// Learner comments the commit added: SCORM 2004 `comments_from_learner.n.comment`, or what
/// SCORM 1.2 appended to `cmi.comments`.
fn new_comments(v: Version, before: &Data, after: &Data) -> Vec<String> {
    match v {
        Version::Scorm12 => changed(before, after, "cmi.comments")
            .map(|now| {
                let old = before.get("cmi.comments").map_or("", String::as_str);
                now.strip_prefix(old).unwrap_or(now).trim().to_owned()
            })
            .filter(|c| !c.is_empty())
            .into_iter()
            .collect(),
        Version::Scorm2004 => (0..)
            .map_while(|n| {
                let key = format!("cmi.comments_from_learner.{n}.comment");
                after.get(&key).map(|c| (key, c))
            })
            .filter(|(key, c)| before.get(key) != Some(*c))
            .map(|(_, c)| c.clone())
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn subject(version: Version) -> Subject {
        Subject {
            actor: json!({ "account": { "homePage": "https://lms.example/tenants/acme", "name": "ann" } }),
            registration: "6a5b0f3e-0e1c-4d9b-9a5e-3a6d1c2b7f10".into(),
            course_iri: "https://lms.example/tenants/acme/packages/p".into(),
            course_title: "Course".into(),
            sco_iri: "https://lms.example/tenants/acme/packages/p/items/sco".into(),
            sco_title: "SCO".into(),
            attempt: 1,
            version,
        }
    }

    fn data(pairs: &[(&str, &str)]) -> Data {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    fn verbs(statements: &[Value]) -> Vec<String> {
        statements
            .iter()
            .map(|s| s["verb"]["display"]["en-US"].as_str().unwrap_or("").to_owned())
            .collect()
    }

    #[test]
    fn progress_and_comments_are_recorded_once() {
        let s = subject(Version::Scorm2004);
        let before = data(&[("cmi.comments_from_learner.0.comment", "first")]);
        let after = data(&[
            ("cmi.comments_from_learner.0.comment", "first"),
            ("cmi.comments_from_learner.1.comment", "second"),
            ("cmi.progress_measure", "0.5"),
        ]);
        let out = committed(&s, 7, &before, &after, None, None);
        assert_eq!(verbs(&out), ["progressed", "commented"]);
        assert_eq!(out[0]["result"]["score"]["scaled"], 0.5);
        assert_eq!(out[1]["result"]["response"], "second");
        assert!(
            committed(&s, 8, &after, &after, None, None).is_empty(),
            "nothing changed, nothing recorded"
        );
        let again = committed(&s, 7, &before, &after, None, None);
        assert_eq!(
            out[0]["id"], again[0]["id"],
            "a resent commit gets the same statement ids"
        );
    }

    #[test]
    fn scorm12_comments_report_what_was_appended() {
        let s = subject(Version::Scorm12);
        let out = committed(
            &s,
            2,
            &data(&[("cmi.comments", "Good.")]),
            &data(&[("cmi.comments", "Good. Too long.")]),
            None,
            None,
        );
        assert_eq!(verbs(&out), ["commented"]);
        assert_eq!(out[0]["result"]["response"], "Too long.");
    }
}
