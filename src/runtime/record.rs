//! A SCORM session as xAPI statements, following ADL's xAPI SCORM Profile: the SCO is a
//! `lesson` activity; every statement carries the registration, groups the course and the
//! attempt (`…?attemptId=…`), and names the profile as its category. Statement ids derive
//! from the attempt, the commit and the position, so a commit resent after a failure stores
//! nothing twice.

use crate::json::Put;
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
            s.put("result", r);
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
    let digest = h.finalize();
    let mut b: [u8; 16] = digest.get(..16).and_then(|d| d.try_into().ok()).unwrap_or([0; 16]);
    b[6] = (b[6] & 0x0f) | 0x80;
    b[8] = (b[8] & 0x3f) | 0x80;
    crate::id::uuid_text(b)
}

/// The statement of a session's start, recorded when the SCO calls `Initialize`:
/// `initialized`, or `resumed` for a suspended attempt resumed.
pub fn opened(s: &Subject, seq: u64, out: &mut Vec<Value>, resumed: bool) {
    let id = statement_id(s, seq, out.len());
    out.push(s.statement(id, if resumed { "resumed" } else { "initialized" }, None));
}

/// The result extension saying who ended a session: `"platform"` when the SCO never
/// called `Terminate` (its window was closed, or the learner launched again) and kiroku
/// ended the session for it.
pub const ENDED_BY: &str = "https://kiroku.dev/xapi/extensions/ended-by";

/// `suspended` or `terminated` for a session the platform ended: the SCO's last data, the
/// result, and [`ENDED_BY`] = `"platform"`.
pub fn ended_by_platform(s: &Subject, seq: u64, out: &mut Vec<Value>, data: &Data, ending: Ending) {
    let mut r = result_of(s, data);
    let mut extensions = r.get("extensions").cloned().unwrap_or_else(|| json!({}));
    extensions.put(ENDED_BY, "platform");
    r.put("extensions", extensions);
    let id = statement_id(s, seq, out.len());
    out.push(s.statement(id, ending_verb(ending), Some(r)));
}

fn ending_verb(e: Ending) -> &'static str {
    match e {
        Ending::Suspended => "suspended",
        Ending::Finished => "terminated",
    }
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
        r.put("completion", c);
    }
    if let Some(ok) = success {
        r.put("success", ok);
    }
    let mapped = score(s, d);
    if let Some(score) = mapped.score {
        r.put("score", score);
    }
    if let Some(reported) = mapped.as_reported {
        r.put("extensions", json!({ super::score::SCORE_AS_REPORTED: reported }));
    }
    r
}

/// The score part of a result: `score` and the score extension, when present.
fn score_part(result: &Value) -> Option<Value> {
    let mut out = json!({});
    if let Some(sc) = result.get("score") {
        out.put("score", sc.clone());
    }
    if let Some(ext) = result.get("extensions") {
        out.put("extensions", ext.clone());
    }
    out.as_object().is_some_and(|o| !o.is_empty()).then_some(out)
}

/// The xAPI score of the data and, when xAPI could not take all of it, the values as the
/// content reported them (`score::map`).
fn score(s: &Subject, d: &Data) -> super::score::Mapped {
    let v = s.version;
    super::score::map(&super::score::Reported {
        scaled: get(d, v, "", "cmi.score.scaled"),
        raw: get(d, v, "cmi.core.score.raw", "cmi.score.raw"),
        min: get(d, v, "cmi.core.score.min", "cmi.score.min"),
        max: get(d, v, "cmi.core.score.max", "cmi.score.max"),
        derive_scaled: v == Version::Scorm12,
    })
}

/// What a commit changed: the data before and after it, the session time it reported and,
/// when it ended the session, how.
#[derive(Debug, Clone, Copy)]
pub struct Change<'a> {
    pub before: &'a Data,
    pub after: &'a Data,
    pub session_time: Option<&'a str>,
    pub ending: Option<Ending>,
}

/// The statements of a stored commit, from the data before and after it: `completed`,
/// `passed`/`failed` and `scored` when they change, and at the end of the session
/// `suspended` or `terminated` with the result and the session's duration.
pub fn committed(s: &Subject, seq: u64, out: &mut Vec<Value>, change: &Change<'_>) {
    let Change {
        before,
        after,
        session_time,
        ending,
    } = *change;
    let v = s.version;
    let push = |out: &mut Vec<Value>, verb: &str, result: Option<Value>| {
        let id = statement_id(s, seq, out.len());
        out.push(s.statement(id, verb, result));
    };
    let (res_before, res_after) = (result_of(s, before), result_of(s, after));
    if res_after.get("completion") == Some(&Value::Bool(true))
        && res_before.get("completion") != Some(&Value::Bool(true))
    {
        push(out, "completed", Some(json!({ "completion": true })));
    }
    if let (Some(ok), true) = (
        res_after.get("success").and_then(Value::as_bool),
        res_before.get("success") != res_after.get("success"),
    ) {
        let mut r = score_part(&res_after).unwrap_or_else(|| json!({}));
        r.put("success", ok);
        push(out, if ok { "passed" } else { "failed" }, Some(r));
    }
    if let (Some(sc), true) = (
        score_part(&res_after),
        score_part(&res_before) != score_part(&res_after),
    ) {
        push(out, "scored", Some(sc));
    }
    if let Some(p) = changed(before, after, "cmi.progress_measure").and_then(|p| p.parse::<f64>().ok()) {
        // The profile reports progress as a scaled score on `progressed`.
        push(out, "progressed", Some(json!({ "score": { "scaled": p } })));
    }
    for comment in new_comments(v, before, after) {
        push(out, "commented", Some(json!({ "response": comment })));
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
            r.put("duration", timespan::format_scorm2004(h));
        }
        push(out, ending_verb(e), Some(r));
    }
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
        definition.put("interactionType", t);
    }
    let patterns: Vec<String> = (0..)
        .map_while(|m| field(&format!("correct_responses.{m}.pattern")))
        .collect();
    if !patterns.is_empty() {
        definition.put("correctResponsesPattern", patterns);
    }
    if let Some(desc) = field("description") {
        definition.put("description", json!({ "en-US": desc }));
    }
    let mut result = json!({});
    let response = if s.version == Version::Scorm12 {
        field("student_response")
    } else {
        field("learner_response")
    };
    if let Some(r) = response {
        result.put("response", r);
    }
    match field("result").as_deref() {
        Some("correct") => result.put("success", true),
        Some("incorrect" | "wrong") => result.put("success", false),
        _ => {}
    }
    let mut st = s.statement(id, "responded", Some(result));
    st.put(
        "object",
        json!({
            "id": format!("{}/interactions/{}", s.sco_iri, encode_for_url(&interaction_id)),
            "definition": definition,
        }),
    );
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

    fn run(s: &Subject, seq: u64, before: &Data, after: &Data, ending: Option<Ending>) -> Vec<Value> {
        let mut out = Vec::new();
        let change = Change {
            before,
            after,
            session_time: None,
            ending,
        };
        committed(s, seq, &mut out, &change);
        out
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
        let out = run(&s, 7, &before, &after, None);
        assert_eq!(verbs(&out), ["progressed", "commented"]);
        assert_eq!(out[0]["result"]["score"]["scaled"], 0.5);
        assert_eq!(out[1]["result"]["response"], "second");
        assert!(
            run(&s, 8, &after, &after, None).is_empty(),
            "nothing changed, nothing recorded"
        );
        let again = run(&s, 7, &before, &after, None);
        assert_eq!(
            out[0]["id"], again[0]["id"],
            "a resent commit gets the same statement ids"
        );
    }

    #[test]
    fn scorm12_comments_report_what_was_appended() {
        let s = subject(Version::Scorm12);
        let out = run(
            &s,
            2,
            &data(&[("cmi.comments", "Good.")]),
            &data(&[("cmi.comments", "Good. Too long.")]),
            None,
        );
        assert_eq!(verbs(&out), ["commented"]);
        assert_eq!(out[0]["result"]["response"], "Too long.");
    }

    /// Issue 12: a score xAPI cannot take as is (raw above max, min above max, max 0) used
    /// to make the whole batch fail validation, losing every statement of the commit.
    #[test]
    fn out_of_range_scores_still_make_valid_statements() {
        use crate::lrs::XapiVersion;
        use crate::lrs::validate::{Rules, validate_statement};
        let cases = [
            (
                Version::Scorm2004,
                vec![
                    ("cmi.score.raw", "200"),
                    ("cmi.score.max", "100"),
                    ("cmi.completion_status", "completed"),
                    ("cmi.success_status", "passed"),
                ],
            ),
            (
                Version::Scorm2004,
                vec![("cmi.score.min", "10"), ("cmi.score.max", "5"), ("cmi.score.raw", "7")],
            ),
            (
                Version::Scorm12,
                vec![
                    ("cmi.core.score.raw", "50"),
                    ("cmi.core.score.max", "10"),
                    ("cmi.core.lesson_status", "passed"),
                ],
            ),
            (
                Version::Scorm12,
                vec![
                    ("cmi.core.score.raw", "0"),
                    ("cmi.core.score.max", "0"),
                    ("cmi.core.lesson_status", "failed"),
                ],
            ),
        ];
        for (version, pairs) in cases {
            let s = subject(version);
            let out = run(&s, 3, &data(&[]), &data(&pairs), Some(Ending::Finished));
            assert!(
                verbs(&out).contains(&"scored".to_owned()),
                "{pairs:?}: {:?}",
                verbs(&out)
            );
            assert!(verbs(&out).contains(&"terminated".to_owned()), "{pairs:?}");
            for st in &out {
                let rules = Rules {
                    version: XapiVersion::V103,
                };
                assert!(validate_statement(st, rules).is_ok(), "{pairs:?}: {st}");
            }
        }
        let out = run(
            &subject(Version::Scorm2004),
            1,
            &data(&[]),
            &data(&[("cmi.score.raw", "200"), ("cmi.score.max", "100")]),
            None,
        );
        assert_eq!(out[0]["result"]["score"]["raw"], 200.0);
        assert_eq!(
            out[0]["result"]["extensions"][crate::runtime::score::SCORE_AS_REPORTED]["max"],
            "100"
        );
    }
}
