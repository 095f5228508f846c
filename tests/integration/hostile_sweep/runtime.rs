//! The run-time on the content origin: opens, commits (mostly well formed, so that many
//! are stored, with hostile element names and values; the rest hostile bodies), the
//! player's navigation and course view, and content files with hostile paths and ranges.

use axum::http::Method;
use serde_json::{Value, json};

use super::text::{
    NUMBER_TEXT, NUMBERS, Rng, deep_text, flipped, hostile_id, hostile_path, hostile_text, insert_at_any_offset,
    mixed_text, pct, truncated,
};
use super::{Shot, Sweep, World};

/// How a value of an element is made.
#[derive(Clone, Copy)]
enum Kind {
    Text(usize),
    Vocab(&'static [&'static str]),
    Number,
    Id,
    Time12,
    Duration12,
    Duration,
    Timestamp,
    Nav,
}

const STATUS12: &[&str] = &[
    "passed",
    "completed",
    "failed",
    "incomplete",
    "browsed",
    "not attempted",
];
const EXIT12: &[&str] = &["time-out", "suspend", "logout", ""];
const INTERACTION: &[&str] = &[
    "true-false",
    "choice",
    "fill-in",
    "long-fill-in",
    "matching",
    "performance",
    "sequencing",
    "likert",
    "numeric",
    "other",
];
const RESULT: &[&str] = &["correct", "incorrect", "unanticipated", "neutral", "wrong", "1.5"];

const SCORM12: &[(&str, Kind)] = &[
    ("cmi.core.lesson_location", Kind::Text(255)),
    ("cmi.core.lesson_status", Kind::Vocab(STATUS12)),
    ("cmi.core.score.raw", Kind::Number),
    ("cmi.core.score.min", Kind::Number),
    ("cmi.core.score.max", Kind::Number),
    ("cmi.core.exit", Kind::Vocab(EXIT12)),
    ("cmi.core.session_time", Kind::Duration12),
    ("cmi.suspend_data", Kind::Text(4096)),
    ("cmi.comments", Kind::Text(4096)),
    ("cmi.objectives.{n}.id", Kind::Id),
    ("cmi.objectives.{n}.score.raw", Kind::Number),
    ("cmi.objectives.{n}.status", Kind::Vocab(STATUS12)),
    ("cmi.interactions.{n}.id", Kind::Id),
    ("cmi.interactions.{n}.type", Kind::Vocab(INTERACTION)),
    ("cmi.interactions.{n}.student_response", Kind::Text(255)),
    ("cmi.interactions.{n}.result", Kind::Vocab(RESULT)),
    ("cmi.interactions.{n}.time", Kind::Time12),
    ("cmi.interactions.{n}.latency", Kind::Duration12),
    ("cmi.interactions.{n}.weighting", Kind::Number),
    ("cmi.interactions.{n}.correct_responses.{m}.pattern", Kind::Text(255)),
    ("cmi.interactions.{n}.objectives.{m}.id", Kind::Id),
    ("cmi.student_preference.audio", Kind::Number),
    ("cmi.student_preference.language", Kind::Text(255)),
    ("cmi.student_preference.speed", Kind::Number),
    ("cmi.core.student_id", Kind::Id),
    ("cmi.core._children", Kind::Text(10)),
];

const COMPLETION: &[&str] = &["completed", "incomplete", "not attempted", "unknown"];
const SUCCESS: &[&str] = &["passed", "failed", "unknown"];
const EXIT2004: &[&str] = &["suspend", "normal", "logout", "time-out", ""];

const SCORM2004: &[(&str, Kind)] = &[
    ("cmi.location", Kind::Text(1000)),
    ("cmi.suspend_data", Kind::Text(64_000)),
    ("cmi.completion_status", Kind::Vocab(COMPLETION)),
    ("cmi.success_status", Kind::Vocab(SUCCESS)),
    ("cmi.exit", Kind::Vocab(EXIT2004)),
    ("cmi.session_time", Kind::Duration),
    ("cmi.score.scaled", Kind::Number),
    ("cmi.score.raw", Kind::Number),
    ("cmi.score.min", Kind::Number),
    ("cmi.score.max", Kind::Number),
    ("cmi.progress_measure", Kind::Number),
    ("cmi.objectives.{n}.id", Kind::Id),
    ("cmi.objectives.{n}.score.scaled", Kind::Number),
    ("cmi.objectives.{n}.success_status", Kind::Vocab(SUCCESS)),
    ("cmi.objectives.{n}.completion_status", Kind::Vocab(COMPLETION)),
    ("cmi.objectives.{n}.progress_measure", Kind::Number),
    ("cmi.objectives.{n}.description", Kind::Text(250)),
    ("cmi.interactions.{n}.id", Kind::Id),
    ("cmi.interactions.{n}.type", Kind::Vocab(INTERACTION)),
    ("cmi.interactions.{n}.timestamp", Kind::Timestamp),
    ("cmi.interactions.{n}.weighting", Kind::Number),
    ("cmi.interactions.{n}.learner_response", Kind::Text(250)),
    ("cmi.interactions.{n}.result", Kind::Vocab(RESULT)),
    ("cmi.interactions.{n}.latency", Kind::Duration),
    ("cmi.interactions.{n}.description", Kind::Text(250)),
    ("cmi.interactions.{n}.objectives.{m}.id", Kind::Id),
    ("cmi.interactions.{n}.correct_responses.{m}.pattern", Kind::Text(250)),
    ("cmi.comments_from_learner.{n}.comment", Kind::Text(4000)),
    ("cmi.comments_from_learner.{n}.location", Kind::Text(250)),
    ("cmi.comments_from_learner.{n}.timestamp", Kind::Timestamp),
    ("cmi.learner_preference.audio_level", Kind::Number),
    ("cmi.learner_preference.language", Kind::Text(250)),
    ("cmi.learner_preference.delivery_speed", Kind::Number),
    ("adl.nav.request", Kind::Nav),
    ("cmi.learner_id", Kind::Id),
    ("cmi.interactions._count", Kind::Number),
];

/// The elements whose values are kept verbatim; a stored commit's values must read back.
fn tracked(element: &str) -> bool {
    matches!(
        element,
        "cmi.core.lesson_location" | "cmi.location" | "cmi.suspend_data" | "cmi.learner_preference.language"
    ) || (element.starts_with("cmi.objectives.") || element.starts_with("cmi.interactions."))
        && element.ends_with(".id")
        && element.matches('.').count() == 3
}

fn value(rng: &mut Rng, kind: Kind) -> String {
    let good = match kind {
        Kind::Text(max) => match rng.below(4) {
            0 => mixed_text(rng, max),
            1 => mixed_text(rng, max.saturating_sub(1)),
            _ => {
                let len = 1 + rng.below(40);
                mixed_text(rng, len)
            }
        },
        Kind::Vocab(words) => (rng.pick(words)).to_owned(),
        Kind::Number => (rng.pick(&["0", "1", "0.5", "-1", "85.5", "100", "-0.25", "1e2"])).to_owned(),
        Kind::Id => match rng.below(4) {
            0 => format!("urn:kiroku:{}", mixed_text(rng, 6)),
            1 => format!("問{}", rng.below(100)),
            2 => format!("obj-{}", rng.below(1000)),
            _ => format!("http://example.com/é/{}", rng.below(1000)),
        },
        Kind::Time12 => "12:34:56".into(),
        Kind::Duration12 => (rng.pick(&["00:05:00", "0000:00:01.5", "99:59:59.99", "9999:99:99"])).to_owned(),
        Kind::Duration => (rng.pick(&["PT5M", "PT1H2M3.5S", "P1D", "PT0S", "P1Y2M3DT4H5M6S"])).to_owned(),
        Kind::Timestamp => {
            (rng.pick(&["2024-05-01T12:00:00Z", "2024-05-01T12:00:00.5+09:00", "2024-05-01"])).to_owned()
        }
        Kind::Nav => (rng.pick(&[
            "continue",
            "previous",
            "{target=ITEM-CALVIN}choice",
            "{target=ITEM-LIGHT}jump",
            "exit",
            "suspendAll",
            "_none_",
        ]))
        .to_owned(),
    };
    if rng.chance(30) {
        return match kind {
            Kind::Number => (rng.pick(NUMBER_TEXT)).to_owned(),
            Kind::Duration | Kind::Duration12 | Kind::Timestamp if rng.chance(30) => (rng.pick(&[
                "PT99999999999999999999H",
                "P",
                "PT",
                "-PT1H",
                "PT1.5H",
                "99999:00:00",
                "10000-01-01T00:00:00Z",
                "0000-01-01T00:00:00Z",
                "2024-02-30T00:00:00Z",
                "2024-01-01T00:00:00.1234567890123Z",
            ]))
            .to_owned(),
            _ => hostile_text(rng, &good),
        };
    }
    good
}

fn element_name(rng: &mut Rng, template: &str) -> String {
    let index = |rng: &mut Rng| {
        if rng.chance(90) {
            rng.below(3).to_string()
        } else {
            (rng.pick(&["99999999999999999999", "-1", "1e3", "٣", "4294967296", "", "0x1", "01"])).to_owned()
        }
    };
    let name = template.replace("{n}", &index(rng)).replace("{m}", &index(rng));
    if rng.chance(10) {
        insert_at_any_offset(rng, &name)
    } else {
        name
    }
}

/// 1 to 6 SetValue calls on the SCO's data model.
fn sets(rng: &mut Rng, scorm12: bool) -> Vec<(String, String)> {
    let table = if scorm12 { SCORM12 } else { SCORM2004 };
    (0..1 + rng.below(6))
        .map(|_| {
            let (template, kind) = rng.pick(table);
            (element_name(rng, template), value(rng, kind))
        })
        .collect()
}

/// Sends the open of SCO `i` after checking what it acknowledged so far, and follows the
/// attempt it answers with.
async fn open_sco(w: &mut World, s: &mut Sweep, rng: &mut Rng, i: usize) {
    check_sco(w, s, i).await;
    let sco = &w.scos[i];
    let mut url = format!("{}/{}", sco.base, pct(&sco.item));
    if rng.chance(50) {
        url.push_str(&format!("?session=sweep-{}", rng.below(3)));
    }
    let Some(a) = s.send(Shot::new("runtime open", Method::GET, url)).await else {
        return;
    };
    if a.status == 200 {
        follow_open(&mut w.scos[i], &a.json());
    }
}

fn follow_open(sco: &mut super::Sco, opened: &Value) {
    let attempt = opened["attempt"].as_u64().unwrap_or_default() as u32;
    if attempt != sco.attempt {
        sco.expected.clear();
        sco.stored_seq = 0;
    }
    sco.attempt = attempt;
    sco.seq = opened["seq"].as_u64().unwrap_or_default();
    sco.ended = false;
}

/// `GET /runtime/{grant}/{item}`: the SCOs' own items, hostile items, forged grants and
/// unknown query parameters.
pub async fn open(w: &mut World, s: &mut Sweep, rng: &mut Rng) {
    let i = rng.below(w.scos.len());
    if rng.chance(40) {
        return open_sco(w, s, rng, i).await;
    }
    let sco = &w.scos[i];
    let base = grant_variant(rng, &sco.base);
    let item = if rng.chance(60) {
        hostile_path(rng, &sco.item)
    } else {
        pct(&sco.item)
    };
    let query = match rng.below(5) {
        0 => format!("?session={}", pct(&hostile_id(rng, "sweep"))),
        1 => "?session=a&session=b".into(),
        2 => format!("?unknown={}", pct(&hostile_text(rng, "x"))),
        _ => String::new(),
    };
    if base == sco.base && item == pct(&sco.item) {
        check_sco(w, s, i).await;
    }
    let url = format!("{base}/{item}{query}");
    let follows = base == w.scos[i].base && item == pct(&w.scos[i].item);
    if let Some(a) = s.send(Shot::new("runtime open", Method::GET, url)).await
        && a.status == 200
        && follows
    {
        follow_open(&mut w.scos[i], &a.json());
    }
}

/// The grant in a run-time or content URL, usually as issued, sometimes forged.
fn grant_variant(rng: &mut Rng, base: &str) -> String {
    if rng.chance(85) {
        return base.to_owned();
    }
    let (head, grant) = base.rsplit_once('/').expect("a grant");
    let forged = match rng.below(5) {
        0 => format!("{grant}x"),
        1 => grant.chars().take(grant.len() / 2).collect(),
        2 => pct(&insert_at_any_offset(rng, grant)),
        3 => "-".into(),
        _ => format!("{grant}.{grant}"),
    };
    format!("{head}/{forged}")
}

/// `POST /runtime/{grant}/{item}/commit`.
pub async fn commit(w: &mut World, s: &mut Sweep, rng: &mut Rng) {
    let i = rng.below(w.scos.len());
    if w.scos[i].ended || w.scos[i].attempt == 0 {
        open_sco(w, s, rng, i).await;
    }
    let sco = &w.scos[i];
    let (attempt, next) = (sco.attempt, sco.seq + 1);
    let well_formed = rng.chance(65);
    let (content_type, body) = if well_formed {
        let mut c = json!({"attempt": attempt, "seq": next, "sets": sets(rng, sco.scorm12)});
        if rng.chance(10) {
            c["terminate"] = json!(true);
        }
        if rng.chance(30) {
            c["session"] = json!(format!("sweep-{}", rng.below(3)));
        }
        let ct = rng.pick(&["application/json", "text/plain;charset=UTF-8", "text/plain"]);
        (Some(ct), c.to_string().into_bytes())
    } else {
        hostile_commit(rng, attempt, next, sco.scorm12)
    };
    let real = rng.chance(90);
    let url = if real {
        format!("{}/{}/commit", sco.base, pct(&sco.item))
    } else {
        let item = hostile_path(rng, &sco.item);
        format!("{}/{item}/commit", grant_variant(rng, &sco.base))
    };
    let shot = Shot::new("runtime commit", Method::POST, url);
    let shot = match content_type {
        Some(ct) => shot.body(ct, body.clone()),
        None => shot.raw(body.clone()),
    };
    let Some(a) = s.send(shot).await else { return };
    let answer = a.json();
    if a.status == 200 && answer["status"] == "stored" {
        if !real {
            s.fail(format!("a commit to a forged grant or item was stored: {answer}"));
            return;
        }
        stored(w, s, i, &body, &answer).await;
    }
}

/// Follows a stored commit: its values are now what the attempt must read back.
async fn stored(w: &mut World, s: &mut Sweep, i: usize, body: &[u8], answer: &Value) {
    let Ok(sent) = serde_json::from_slice::<Value>(body) else {
        s.fail(format!("a commit the test cannot read back was stored: {answer}"));
        return;
    };
    let sco = &mut w.scos[i];
    sco.seq = answer["seq"].as_u64().unwrap_or_default();
    sco.stored_seq = sco.seq;
    sco.stored += 1;
    for set in sent["sets"].as_array().into_iter().flatten() {
        if let (Some(k), Some(v)) = (set[0].as_str(), set[1].as_str())
            && tracked(k)
        {
            sco.expected.insert(k.to_owned(), v.to_owned());
        }
    }
    if sent["terminate"] == json!(true) {
        sco.ended = true;
        check_sco(w, s, i).await;
    }
}

/// A commit body that is wrong in one way; `None` content type sends none.
fn hostile_commit(rng: &mut Rng, attempt: u32, seq: u64, scorm12: bool) -> (Option<&'static str>, Vec<u8>) {
    let sets = json!(sets(rng, scorm12)).to_string();
    let json = Some("application/json");
    let body = match rng.below(14) {
        0 => format!(r#"{{"attempt":{attempt},"seq":{},"sets":[]}}"#, rng.pick(NUMBERS)),
        1 => format!(r#"{{"attempt":{},"seq":{seq},"sets":{sets}}}"#, rng.pick(NUMBERS)),
        2 => format!(
            r#"{{"attempt":{attempt},"seq":{seq},"sets":{}}}"#,
            rng.pick(&[
                r#""x""#,
                "{}",
                "[[1,2]]",
                r#"[["a"]]"#,
                r#"[["a","b","c"]]"#,
                "[[null,null]]",
                r#"[["cmi.location",5]]"#,
                r#"[{"cmi.location":"x"}]"#,
                "null",
            ])
        ),
        3 => format!(
            r#"{{"attempt":{attempt},"seq":{seq},"sets":[],"terminate":{}}}"#,
            rng.pick(&[r#""yes""#, "1", "null", "[]"])
        ),
        4 => format!(
            r#"{{"attempt":{attempt},"seq":{seq},"sets":{}}}"#,
            deep_text(rng.pick(&[10, 127, 128, 129, 1000, 100_000]))
        ),
        5 => huge_sets(rng, attempt, seq, scorm12),
        6 => {
            let good = format!(r#"{{"attempt":{attempt},"seq":{seq},"sets":{sets}}}"#);
            return (json, truncated(rng, good.as_bytes()));
        }
        7 => {
            let good = format!(r#"{{"attempt":{attempt},"seq":{seq},"sets":{sets}}}"#);
            return (json, flipped(rng, good.as_bytes()));
        }
        8 => format!(r#"{{"attempt":{attempt},"attempt":{attempt},"seq":{seq},"sets":[]}}"#),
        9 => format!(r#"{{"attempt":{attempt},"seq":{seq},"sets":[],"extra":1}}"#),
        10 => format!(
            r#"{{"attempt":{attempt},"seq":{seq},"sets":[],"session":{}}}"#,
            rng.pick(NUMBERS)
        ),
        11 => {
            let body = format!("\u{FEFF}{{\"attempt\":{attempt},\"seq\":{seq},\"sets\":[]}}");
            return (None, body.into_bytes());
        }
        12 => return (Some("application/x-www-form-urlencoded"), b"attempt=1&seq=2".to_vec()),
        _ => {
            let ct = rng.pick(&["text/plain", "application/json", "application/octet-stream"]);
            let bytes: &[u8] = rng.pick(&[&b""[..], b"\xff\xfe\x00", b"[]", b"null", b"\"\""]);
            return (Some(ct), bytes.to_vec());
        }
    };
    (json, body.into_bytes())
}

/// A commit with thousands of SetValue calls.
fn huge_sets(rng: &mut Rng, attempt: u32, seq: u64, scorm12: bool) -> String {
    let n = rng.pick(&[1000, 10_000, 30_000]);
    let sets: Vec<Value> = match rng.below(3) {
        0 => (0..n).map(|_| json!(["cmi.suspend_data", "x"])).collect(),
        1 => {
            let el = if scorm12 {
                "cmi.interactions.{i}.id"
            } else {
                "cmi.objectives.{i}.id"
            };
            (0..n)
                .map(|i| json!([el.replace("{i}", &i.to_string()), format!("i{i}")]))
                .collect()
        }
        _ => (0..n).map(|i| json!([format!("cmi.x{i}"), "x"])).collect(),
    };
    json!({"attempt": attempt, "seq": seq, "sets": sets}).to_string()
}

const NAV: &[&str] = &[
    "start",
    "resumeAll",
    "continue",
    "previous",
    "choice",
    "jump",
    "exit",
    "exitAll",
    "suspendAll",
    "abandon",
    "abandonAll",
    "_none_",
    "",
    "CONTINUE",
];

/// `POST /runtime/{grant}/-/nav` and `GET /runtime/{grant}/-/course`.
pub async fn nav(w: &mut World, s: &mut Sweep, rng: &mut Rng) {
    let sco = &w.scos[rng.below(w.scos.len())];
    let base = grant_variant(rng, &sco.base);
    if rng.chance(25) {
        s.send(Shot::new("runtime nav", Method::GET, format!("{base}/-/course")))
            .await;
        return;
    }
    let item = || -> Value { json!(sco.item) };
    let mut body = json!({"request": rng.pick(NAV)});
    if rng.chance(60) {
        body["target"] = if rng.chance(50) {
            item()
        } else {
            json!(hostile_id(rng, &sco.item))
        };
    }
    if rng.chance(60) {
        body["current"] = if rng.chance(50) {
            item()
        } else {
            json!(hostile_id(rng, &sco.item))
        };
    }
    let raw = match rng.below(6) {
        0 => truncated(rng, body.to_string().as_bytes()),
        1 => format!(r#"{{"request":{}}}"#, rng.pick(NUMBERS)).into_bytes(),
        2 => deep_text(200).into_bytes(),
        _ => body.to_string().into_bytes(),
    };
    let ct = rng.pick(&["application/json", "text/plain"]);
    s.send(Shot::new("runtime nav", Method::POST, format!("{base}/-/nav")).body(ct, raw))
        .await;
}

const FILES: &[&str] = &[
    "index.html",
    "imsmanifest.xml",
    "light/index.html",
    "calvin/index.html",
    "js/course.js",
    "css/course.css",
    "images/extinguisher.svg",
    "data/questions.json",
];

const RANGES: &[&str] = &[
    "bytes=0-",
    "bytes=0-0",
    "bytes=-1",
    "bytes=-0",
    "bytes=5-1",
    "bytes=99999999999999999999-",
    "bytes=0-99999999999999999999",
    "bytes=18446744073709551615-18446744073709551615",
    "bytes=0-1,2-3",
    "bytes=",
    "bytes=-",
    "items=0-1",
    "bytes=٣-٤",
    "bytes=0-1,",
];

/// `GET /content/{grant}/{path}` with hostile paths, ranges and conditions.
pub async fn content(w: &mut World, s: &mut Sweep, rng: &mut Rng) {
    let base = w.content[rng.below(w.content.len())].clone();
    let base = format!("{}/", grant_variant(rng, base.trim_end_matches('/')));
    let file = rng.pick(FILES);
    let path = match rng.below(6) {
        0 => hostile_path(rng, file),
        1 => format!("../../{file}"),
        2 => format!("%2e%2e/%2e%2e/{file}"),
        3 => pct(&insert_at_any_offset(rng, file)),
        _ => file.to_owned(),
    };
    let mut shot = Shot::new("content", Method::GET, format!("{base}{path}"));
    if rng.chance(50) {
        let mut range = (rng.pick(RANGES)).to_owned();
        if rng.chance(10) {
            range = format!("bytes={}", vec!["0-0"; 2000].join(","));
        }
        shot = shot.header("range", &range);
    }
    if rng.chance(20) {
        shot = shot.header("if-none-match", rng.pick(&["*", "\"x\"", "W/\"x\"", "\"", ""]));
    }
    if rng.chance(30) {
        shot = shot.header(
            "accept-encoding",
            rng.pick(&["gzip", "gzip;q=0", "br, gzip", "*", "identity;q=0"]),
        );
    }
    s.send(shot).await;
}

/// Checks SCO `i`'s latest attempt against what the sweep saw acknowledged on it.
pub async fn check_sco(w: &mut World, s: &mut Sweep, i: usize) {
    let sco = &w.scos[i];
    if sco.attempt == 0 {
        return;
    }
    let tenant = w.env.tenant.id;
    let latest = w
        .env
        .app
        .store
        .latest_attempt(tenant, &sco.registration, &sco.item)
        .await
        .expect("read the attempt");
    let Some(a) = latest else {
        s.fail(format!(
            "{}: attempt {} acknowledged, none stored",
            sco.item, sco.attempt
        ));
        return;
    };
    if a.number != sco.attempt || a.commit_seq < sco.stored_seq {
        s.fail(format!(
            "{}: acknowledged attempt {} at seq {}, stored attempt {} at seq {}",
            sco.item, sco.attempt, sco.stored_seq, a.number, a.commit_seq
        ));
        return;
    }
    let data: Value = serde_json::from_str(&a.data).expect("attempt data is JSON");
    for (k, v) in &sco.expected {
        if data[k].as_str() != Some(v.as_str()) {
            let got: String = data[k].to_string().chars().take(80).collect();
            let want: String = v.chars().take(80).collect();
            s.fail(format!(
                "{} attempt {}: {k} acknowledged as {want:?}, stored {got}",
                sco.item, sco.attempt
            ));
        }
    }
}
