//! Rust ↔ bridge parity, randomized: thousands of `SetValue` / `GetValue` calls for SCORM 1.2
//! and 2004 (`parity_values.rs` makes them from one seeded RNG), decided by the Rust rules
//! (`check_set` / `check_get`) and replayed through the bridge's API in one headless
//! Chromium page. Every verdict must be the same: success, or the same error code, and the
//! same value for a `GetValue`. Responses in the formats the table leaves to the server
//! (`RULES.responses.server_only`) are the one exception: there the bridge must accept
//! what it does not check, and refuse nothing Rust accepts.
//!
//! The seed is fixed, so CI runs the same calls every time; `KIROKU_PARITY_SEED=<n>` runs
//! others, and a failure prints the seed that found it.

use std::collections::BTreeMap;
use std::time::Instant;

use axum::Router;
use axum::response::Html;
use axum::routing::get;
use serde_json::{Value, json};
use tokio::net::TcpListener;

use kiroku::runtime::datamodel::{
    Data, DataType, Element, Format, Options, RULES, Version, check_format, check_get, check_set, lookup,
};

use crate::browser::{chromium_present, content_origin, run_in_chromium};
use crate::packages::Env;
use crate::parity_values::Gen;

const DEFAULT_SEED: u64 = 0x6b69_726f_6b75;
/// Sessions per version, and calls per session: 2 × 16 × 200 = 6,400 calls.
const SESSIONS: usize = 16;
const CALLS: usize = 200;

fn seed() -> u64 {
    std::env::var("KIROKU_PARITY_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(DEFAULT_SEED)
}

/// What the LMS supplied at launch: 2004 interactions of every type (and one untyped),
/// objectives, a comment from the LMS and a shared data store; 1.2 an interaction and an
/// objective.
fn launch_data(version: Version) -> Data {
    let mut data = Data::new();
    if version == Version::Scorm12 {
        data.insert("cmi.interactions.0.id".into(), "q0".into());
        data.insert("cmi.objectives.0.id".into(), "obj1".into());
        return data;
    }
    let types = version.interaction_types();
    for (i, kind) in types.iter().enumerate() {
        data.insert(format!("cmi.interactions.{i}.id"), format!("q{i}"));
        data.insert(format!("cmi.interactions.{i}.type"), kind.name.to_owned());
    }
    data.insert(format!("cmi.interactions.{}.id", types.len()), "untyped".into());
    data.insert("cmi.interactions.0.correct_responses.0.pattern".into(), "true".into());
    data.insert("cmi.objectives.0.id".into(), "obj1".into());
    data.insert("cmi.objectives.1.id".into(), "obj2".into());
    data.insert("cmi.comments_from_lms.0.comment".into(), "hello".into());
    data.insert("adl.data.0.id".into(), "urn:kiroku:shared".into());
    data
}

fn label(version: Version) -> &'static str {
    match version {
        Version::Scorm12 => "1.2",
        Version::Scorm2004 => "2004",
    }
}

/// The response format `name` is checked against, if it is a response.
fn response_format(version: Version, data: &Data, element: &Element, name: &str) -> Option<Format> {
    let DataType::Response { pattern } = element.ty else {
        return None;
    };
    let index = name.split('.').nth(2)?;
    let kind = data.get(&format!("cmi.interactions.{index}.type"))?;
    let row = version.interaction_types().iter().find(|t| t.name == *kind)?;
    Some(if pattern { row.pattern } else { row.response })
}

/// Whether the bridge leaves the responses (`pattern`: the patterns) of interaction type
/// `kind` to the server, as the table says.
pub(crate) fn left_to_server(version: Version, kind: &str, pattern: bool) -> bool {
    version
        .interaction_types()
        .iter()
        .find(|t| t.name == kind)
        .is_some_and(|t| server_only(if pattern { t.pattern } else { t.response }))
}

fn server_only(format: Format) -> bool {
    let name = serde_json::to_value(format).expect("format json")["format"].clone();
    RULES.responses.server_only.iter().any(|f| name.as_str() == Some(f))
}

/// A value every format accepts, to learn what the rest of `check_set` says of a set whose
/// value the bridge does not look at.
fn accepted(format: Format) -> &'static str {
    let sample = match format {
        Format::Pairs | Format::Steps { .. } => "a[.]b",
        Format::Range => "1[:]2",
        _ => "a",
    };
    assert_eq!(check_format(format, sample), Ok(()), "{format:?}");
    sample
}

/// How many calls of each kind got each code ("2004 set 406"), to show what the run covered.
type Tally = BTreeMap<String, usize>;

/// One session: the calls and what the bridge must answer to each, decided by Rust.
fn session(rng: &mut Gen, version: Version, strict: bool, tally: &mut Tally) -> Value {
    let options = Options {
        strict_scorm12_suspend_data: strict,
    };
    let lms = launch_data(version);
    let mut data = lms.clone();
    let mut calls = Vec::with_capacity(CALLS);
    for _ in 0..CALLS {
        let name = rng.name(version, &data);
        if rng.chance(20) {
            let (code, value) = match check_get(version, &data, &name) {
                Ok(value) => (0, Some(value)),
                Err(r) => (r.code, None),
            };
            *tally.entry(format!("{} get {code}", label(version))).or_default() += 1;
            calls.push(json!(["get", name, "", code, value]));
            continue;
        }
        let value = match lookup(version, &name) {
            Some((element, _)) => {
                let spm = match element.lenient_spm {
                    Some(lenient) if !strict => lenient,
                    _ => spm_of(element.ty),
                };
                rng.value(version, element, spm, &data, &name)
            }
            None => rng.name(version, &data),
        };
        let mut code = check_set(version, options, &data, &name, &value)
            .err()
            .map_or(0, |r| r.code);
        // Left to the server: the bridge answers what the other rules say.
        let deferred = lookup(version, &name)
            .and_then(|(e, _)| response_format(version, &data, e, &name))
            .filter(|f| server_only(*f));
        if let Some(format) = deferred
            && code == version.codes().type_mismatch
        {
            code = check_set(version, options, &data, &name, accepted(format))
                .err()
                .map_or(0, |r| r.code);
        }
        if code == 0 {
            data.insert(name.clone(), value.clone());
        }
        let how = if deferred.is_some() { "server-only" } else { "set" };
        *tally.entry(format!("{} {how} {code}", label(version))).or_default() += 1;
        calls.push(json!(["set", name, value, code, null]));
    }
    json!({ "strict": strict, "lms": lms, "calls": calls })
}

fn spm_of(ty: DataType) -> usize {
    match ty {
        DataType::CharString { spm }
        | DataType::LocalizedString { spm }
        | DataType::LongIdentifier { spm }
        | DataType::Identifier { spm }
        | DataType::Language { spm }
        | DataType::CmiFeedback { spm } => spm,
        _ => 0,
    }
}

/// The page: loads the bridge and both models from the content origin and the cases from
/// its own origin, replays every session on a bridge of its own (a window-like object whose
/// `fetch` never answers, so nothing leaves the page) and writes the mismatches.
fn page(origin: &str) -> String {
    format!(
        r#"<!doctype html><html><head><meta charset="utf-8"></head><body><pre id="out">pending</pre>
<script src="{origin}/runtime/bridge.js"></script>
<script>
(async function () {{
  const out = document.getElementById("out");
  try {{
    const all = await (await fetch("/cases.json")).json();
    const shown = (v) => v === null || v === undefined || v.length <= 60 ? v
      : Array.from(v.slice(0, 120)).slice(0, 60).join("") + "… (" + Array.from(v).length + " characters)";
    const mismatches = [];
    let calls = 0;
    const started = performance.now();
    for (const set of all) {{
      const table = await (await fetch("{origin}/runtime/model/" + set.version + ".json")).json();
      const [init, get, put, err] = set.version === "1.2"
        ? ["LMSInitialize", "LMSGetValue", "LMSSetValue", "LMSGetLastError"]
        : ["Initialize", "GetValue", "SetValue", "GetLastError"];
      for (let s = 0; s < set.sessions.length; s++) {{
        const session = set.sessions[s];
        const win = {{
          fetch: () => new Promise(() => {{}}), setTimeout: window.setTimeout.bind(window), navigator: {{}},
          addEventListener() {{}}, document: {{ addEventListener() {{}}, visibilityState: "visible" }},
        }};
        const bridge = await KirokuBridge.install(win, {{
          runtimeUrl: "http://127.0.0.1:9/runtime/parity", item: "sco", model: table, session: "parity",
          attempt: {{ version: set.version, attempt: 1, seq: 0, data: Object.assign({{}}, session.lms) }},
          strictSuspendData: session.strict,
        }});
        const api = win.API_1484_11 || win.API;
        api[init]("");
        session.calls.forEach(([op, name, value, code, expect], i) => {{
          calls++;
          let got, answer = null, scan = code;
          if (op === "get") {{
            answer = api[get](name);
            got = Number(api[err]());
          }} else {{
            // The same rules without the bridge's index (the Model as other pages use it).
            const r = bridge.model.checkSet(bridge.data, name, value, bridge.strict);
            scan = r ? r.code : 0;
            api[put](name, value);
            got = Number(api[err]());
          }}
          const valueDiffers = op === "get" && code === 0 && answer !== expect;
          if (got !== code || scan !== code || valueDiffers) {{
            mismatches.push({{ version: set.version, session: s, call: i, op, name: shown(name), value: shown(value),
              rust: code, bridge: got, model: scan, expect: shown(expect), answer: shown(answer) }});
          }}
        }});
      }}
    }}
    out.textContent = JSON.stringify({{ calls, ms: Math.round(performance.now() - started), count: mismatches.length, mismatches: mismatches.slice(0, 40) }});
  }} catch (e) {{
    out.textContent = JSON.stringify({{ failed: String(e), stack: String(e && e.stack) }});
  }}
}})();
</script></body></html>"#
    )
}

/// Serves the page at `/` and the cases at `/cases.json` on a fresh local port.
async fn serve(page: String, cases: String) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind the page's port");
    let addr = listener.local_addr().expect("page address");
    let app = Router::new().route("/", get(move || async move { Html(page) })).route(
        "/cases.json",
        get(move || async move { ([("content-type", "application/json")], cases) }),
    );
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}/")
}

#[tokio::test]
async fn the_bridge_agrees_with_the_rust_rules_on_random_calls() {
    assert!(chromium_present(), "Chromium is needed (scripts/test.sh installs it)");
    let seed = seed();
    let started = Instant::now();
    let mut rng = Gen::new(seed);
    let mut sets = Vec::new();
    let mut tally = Tally::new();
    let mut total = 0;
    for version in [Version::Scorm12, Version::Scorm2004] {
        let sessions: Vec<Value> = (0..SESSIONS)
            .map(|s| session(&mut rng, version, version == Version::Scorm12 && s % 2 == 1, &mut tally))
            .collect();
        total += sessions.len() * CALLS;
        sets.push(json!({ "version": label(version), "sessions": sessions }));
    }
    let cases = serde_json::to_string(&sets).expect("cases json");
    let rust = started.elapsed();
    let env = Env::start().await;
    let url = serve(page(&content_origin(&env)), cases.clone()).await;
    let browser = Instant::now();
    let r = run_in_chromium(url).await;
    let browser = browser.elapsed();
    assert!(r.get("failed").is_none(), "seed {seed}: {r:#}");
    assert_eq!(r["calls"].as_u64(), Some(total as u64), "seed {seed}: {r:#}");
    println!(
        "seed {seed}: {total} calls ({} KB of cases); Rust {rust:?}; Chromium {browser:?} (the calls {} ms); whole test {:?}\ncalls by code: {tally:?}",
        cases.len() / 1024,
        r["ms"],
        started.elapsed()
    );
    assert_eq!(
        r["count"].as_u64(),
        Some(0),
        "seed {seed} (KIROKU_PARITY_SEED={seed} reruns these calls): the bridge and the Rust rules disagree:\n{:#}",
        r["mismatches"]
    );
}
