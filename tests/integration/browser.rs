//! The SCORM API bridge (`/runtime/bridge.js`) in a real headless Chromium: a harness page,
//! served by the test from its own origin, loads the bridge cross-origin from the content
//! origin, plays a scripted SCO conversation and writes the results into `<pre id=out>`;
//! the test reads them from `--dump-dom` and then checks the server side through the API.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use axum::Router;
use axum::http::Method;
use axum::response::Html;
use axum::routing::get;
use serde_json::{Value, json};
use tokio::net::TcpListener;

use kiroku::runtime::datamodel::{Data, Options, Version, check_get, check_set};

use crate::runtime::{registered, verbs_of};

use crate::packages::Env;

pub(crate) const CHROMIUM: &str = "/usr/bin/chromium";

/// The harness page: loads the bridge, installs it, runs `script` (an async function body
/// with `api`, `bridge` and `r`, the results object, in scope) and writes `r` as JSON.
pub(crate) fn harness(content_origin: &str, runtime: &str, item: &str, script: &str) -> String {
    let runtime = serde_json::to_string(runtime).expect("json");
    let item = serde_json::to_string(item).expect("json");
    format!(
        r#"<!doctype html><html><head><meta charset="utf-8"><title>harness</title></head><body>
<pre id="out">pending</pre>
<script src="{content_origin}/runtime/bridge.js"></script>
<script>
(async function () {{
  const out = document.getElementById("out");
  const r = {{}};
  try {{
    const bridge = await KirokuBridge.install(window, {{ runtimeUrl: {runtime}, item: {item}, retryDelay: 50 }});
    const api = window.API_1484_11 || window.API;
    const call = (f, ...args) => {{
      const value = api[f](...args);
      const err = api.GetLastError ? api.GetLastError() : api.LMSGetLastError();
      return [value, Number(err)];
    }};
    await (async function () {{ {script} }})();
    r.serverErrors = bridge.serverErrors;
    out.textContent = JSON.stringify(r);
  }} catch (e) {{
    out.textContent = JSON.stringify({{ failed: String(e), stack: String(e && e.stack), partial: r }});
  }}
}})();
</script></body></html>"#
    )
}

/// Serves `page` at `/` on a fresh local port; returns its URL.
pub(crate) async fn serve_page(page: String) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind the harness port");
    let addr = listener.local_addr().expect("harness address");
    let app = Router::new().route("/", get(move || async move { Html(page) }));
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}/")
}

/// Runs headless Chromium on `url` and returns the JSON the harness wrote into `#out`.
pub(crate) async fn run_in_chromium(url: String) -> Value {
    let dom = tokio::task::spawn_blocking(move || dump_dom(&url))
        .await
        .expect("chromium thread");
    let start = dom.find("<pre id=\"out\">").map(|i| i + "<pre id=\"out\">".len());
    let text = start
        .and_then(|s| dom[s..].find("</pre>").map(|e| &dom[s..s + e]))
        .unwrap_or_else(|| panic!("no #out in the DOM:\n{dom}"));
    let text = text
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("#out is not JSON ({e}): {text}"))
}

pub(crate) fn dump_dom(url: &str) -> String {
    let profile = tempfile::tempdir().expect("profile folder");
    let out = tempfile::NamedTempFile::new().expect("output file");
    let mut child = Command::new(CHROMIUM)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(["--virtual-time-budget=10000", "--dump-dom", url])
        .stdin(Stdio::null())
        .stdout(out.reopen().expect("output file"))
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromium");
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        match child.try_wait().expect("wait for chromium") {
            Some(_) => break,
            None if Instant::now() > deadline => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("chromium did not finish within 90 s");
            }
            None => std::thread::sleep(Duration::from_millis(50)),
        }
    }
    std::fs::read_to_string(out.path()).expect("read the DOM")
}

/// Browser tests are never skipped: scripts/test.sh installs the Debian package chromium.
pub(crate) fn chromium_present() -> bool {
    assert!(
        Path::new(CHROMIUM).exists(),
        "{CHROMIUM} is missing: run scripts/test.sh, which installs chromium"
    );
    true
}

pub(crate) fn content_origin(env: &Env) -> String {
    format!("http://{}", env.app.content_addr)
}

async fn open(env: &Env, base: &str, item: &str) -> Value {
    env.app
        .request(Method::GET, &format!("{base}/{item}"))
        .send()
        .await
        .expect(200)
        .json()
}

#[tokio::test]
async fn the_bridge_and_its_model_are_served_to_any_origin() {
    let env = Env::start().await;
    let origin = content_origin(&env);
    let r = env
        .app
        .request(Method::GET, &format!("{origin}/runtime/bridge.js"))
        .header("origin", "http://elsewhere.example")
        .send()
        .await
        .expect(200);
    assert_eq!(r.header("content-type"), Some("text/javascript; charset=utf-8"));
    assert_eq!(r.header("access-control-allow-origin"), Some("*"));
    assert!(r.text().contains("KirokuBridge"));
    for (version, element) in [("1.2", "cmi.core.student_id"), ("2004", "cmi.learner_id")] {
        let m = env
            .app
            .request(Method::GET, &format!("{origin}/runtime/model/{version}.json"))
            .send()
            .await
            .expect(200)
            .json();
        assert_eq!(m["version"], version);
        let names: Vec<&str> = m["elements"]
            .as_array()
            .expect("elements")
            .iter()
            .filter_map(|e| e["name"].as_str())
            .collect();
        assert!(names.contains(&element), "{version}: {names:?}");
    }
    env.app
        .request(Method::GET, &format!("{origin}/runtime/model/3.json"))
        .send()
        .await
        .expect(404);
}

const SCORM2004_CONVERSATION: &str = r#"
  r.beforeInit = call("GetValue", "cmi.learner_id");
  r.init = call("Initialize", "");
  r.initAgain = call("Initialize", "");
  r.learnerId = call("GetValue", "cmi.learner_id");
  r.version = call("GetValue", "cmi._version");
  r.count = call("GetValue", "cmi.interactions._count");
  r.scoreChildren = call("GetValue", "cmi.score._children");
  r.unsetLocation = call("GetValue", "cmi.location");
  r.setReadOnly = call("SetValue", "cmi.learner_id", "x");
  r.setUnknown = call("SetValue", "cmi.nope", "x");
  r.setCount = call("SetValue", "cmi.interactions._count", "1");
  r.scaledRange = call("SetValue", "cmi.score.scaled", 2);
  r.scaledOk = call("SetValue", "cmi.score.scaled", 0.8);
  r.sessionBad = call("SetValue", "cmi.session_time", "1 minute");
  r.sessionOk = call("SetValue", "cmi.session_time", "PT1M30S");
  r.pastCount = call("SetValue", "cmi.interactions.1.id", "q1");
  r.dependency = call("SetValue", "cmi.interactions.0.type", "choice");
  r.interactionId = call("SetValue", "cmi.interactions.0.id", "urn:kiroku:q1");
  r.badUrn = call("SetValue", "cmi.interactions.1.id", "urn:x");
  r.interactionType = call("SetValue", "cmi.interactions.0.type", "choice");
  r.response = call("SetValue", "cmi.interactions.0.learner_response", "a[,]b");
  r.responseRepeat = call("SetValue", "cmi.interactions.0.learner_response", "a[,]a");
  r.countAfter = call("GetValue", "cmi.interactions._count");
  r.vocab = call("SetValue", "cmi.completion_status", "done");
  r.localized = call("SetValue", "cmi.comments_from_learner.0.comment", "{lang=en-GB}Nice");
  r.badLang = call("SetValue", "cmi.comments_from_learner.1.comment", "{lang=toolong1234}x");
  r.location = call("SetValue", "cmi.location", "page-7");
  r.suspendData = call("SetValue", "cmi.suspend_data", "state:42");
  r.exit = call("SetValue", "cmi.exit", "suspend");
  r.exitWriteOnly = call("GetValue", "cmi.exit");
  r.errorString = api.GetErrorString("406");
  r.diagnostic = call("SetValue", "cmi.score.raw", "abc").concat([api.GetDiagnostic("")]);
  r.commitArg = call("Commit", "x");
  r.commit = call("Commit", "");
  await bridge.settled();
  r.ackedAfterCommit = bridge.log.length;
  r.terminate = call("Terminate", "");
  r.afterTerminate = call("GetValue", "cmi.location");
  r.setAfterTerminate = call("SetValue", "cmi.location", "x");
  r.commitAfterTerminate = call("Commit", "");
  r.terminateAgain = call("Terminate", "");
  await bridge.settled();
  r.finished = bridge.finished;
"#;

#[tokio::test]
async fn a_scorm2004_sco_talks_to_the_bridge_in_chromium_and_resumes() {
    assert!(chromium_present(), "Chromium is needed (scripts/test.sh installs it)");
    let (env, base, item, registration) = registered("scorm2004-2nd-edition").await;
    let page = harness(&content_origin(&env), &base, &item, SCORM2004_CONVERSATION);
    let r = run_in_chromium(serve_page(page).await).await;
    assert!(r.get("failed").is_none(), "{r:#}");
    let expect = |key: &str, value: Value, code: u64| {
        assert_eq!((&r[key][0], r[key][1].as_u64()), (&value, Some(code)), "{key}: {r:#}");
    };
    expect("beforeInit", json!(""), 122);
    expect("init", json!("true"), 0);
    expect("initAgain", json!("false"), 103);
    expect("learnerId", json!("ann"), 0);
    expect("version", json!("1.0"), 0);
    expect("count", json!("0"), 0);
    expect("scoreChildren", json!("scaled,raw,min,max"), 0);
    expect("unsetLocation", json!(""), 403);
    expect("setReadOnly", json!("false"), 404);
    expect("setUnknown", json!("false"), 401);
    expect("setCount", json!("false"), 404);
    expect("scaledRange", json!("false"), 407);
    expect("scaledOk", json!("true"), 0);
    expect("sessionBad", json!("false"), 406);
    expect("sessionOk", json!("true"), 0);
    expect("pastCount", json!("false"), 351);
    expect("dependency", json!("false"), 408);
    expect("interactionId", json!("true"), 0);
    expect("badUrn", json!("false"), 406);
    expect("interactionType", json!("true"), 0);
    expect("response", json!("true"), 0);
    expect("responseRepeat", json!("false"), 406);
    expect("countAfter", json!("1"), 0);
    expect("vocab", json!("false"), 406);
    expect("localized", json!("true"), 0);
    expect("badLang", json!("false"), 406);
    expect("location", json!("true"), 0);
    expect("suspendData", json!("true"), 0);
    expect("exit", json!("true"), 0);
    expect("exitWriteOnly", json!(""), 405);
    assert_eq!(r["errorString"], "Data Model Element Type Mismatch");
    assert_eq!(r["diagnostic"][1], 406);
    assert!(
        r["diagnostic"][2].as_str().is_some_and(|d| d.contains("cmi.score.raw")),
        "{r:#}"
    );
    expect("commitArg", json!("false"), 201);
    expect("commit", json!("true"), 0);
    assert_eq!(r["ackedAfterCommit"], 0, "the commit was acknowledged: {r:#}");
    expect("terminate", json!("true"), 0);
    expect("afterTerminate", json!(""), 123);
    expect("setAfterTerminate", json!("false"), 133);
    expect("commitAfterTerminate", json!("false"), 143);
    expect("terminateAgain", json!("false"), 113);
    assert_eq!(r["finished"], true, "{r:#}");
    assert_eq!(r["serverErrors"], json!([]), "{r:#}");

    // The server kept it all: the next launch resumes where the SCO stopped.
    let again = open(&env, &base, &item).await;
    let d = &again["data"];
    assert_eq!(
        (again["attempt"].as_u64(), d["cmi.entry"].as_str()),
        (Some(1), Some("resume")),
        "{again:#}"
    );
    assert_eq!(
        (
            d["cmi.location"].as_str(),
            d["cmi.suspend_data"].as_str(),
            d["cmi.score.scaled"].as_str()
        ),
        (Some("page-7"), Some("state:42"), Some("0.8"))
    );
    assert_eq!(d["cmi.interactions.0.learner_response"], "a[,]b");
    let verbs = verbs_of(&env, &registration).await;
    for verb in ["initialized", "suspended"] {
        assert!(verbs.iter().any(|v| v == verb), "{verb} missing from {verbs:?}");
    }
    // Opening the page is not the SCO's Initialize: `resumed` waits for its first commit.
    assert!(!verbs.iter().any(|v| v == "resumed"), "{verbs:?}");
    let seq = again["seq"].as_u64().expect("seq");
    let init = json!({"attempt": 1, "seq": seq + 1, "sets": []});
    assert_eq!(
        crate::runtime::commit(&env, &base, &item, init, "text/plain").await.0,
        200
    );
    let verbs = verbs_of(&env, &registration).await;
    assert_eq!(verbs.iter().filter(|v| *v == "resumed").count(), 1, "{verbs:?}");
}

const SCORM12_CONVERSATION: &str = r#"
  r.beforeInit = call("LMSGetValue", "cmi.core.student_id");
  r.initArg = call("LMSInitialize", "x");
  r.init = call("LMSInitialize", "");
  r.initAgain = call("LMSInitialize", "");
  r.studentId = call("LMSGetValue", "cmi.core.student_id");
  r.studentName = call("LMSGetValue", "cmi.core.student_name");
  r.unset = call("LMSGetValue", "cmi.core.lesson_location");
  r.setReadOnly = call("LMSSetValue", "cmi.core.student_id", "x");
  r.notAttempted = call("LMSSetValue", "cmi.core.lesson_status", "not attempted");
  r.status = call("LMSSetValue", "cmi.core.lesson_status", "completed");
  r.scoreBad = call("LMSSetValue", "cmi.core.score.raw", "abc");
  r.score = call("LMSSetValue", "cmi.core.score.raw", 85);
  r.sessionBad = call("LMSSetValue", "cmi.core.session_time", "PT1M");
  r.session = call("LMSSetValue", "cmi.core.session_time", "00:01:30");
  r.exitWriteOnly = call("LMSGetValue", "cmi.core.exit");
  r.keyword = call("LMSSetValue", "cmi.core._children", "x");
  r.children = call("LMSGetValue", "cmi.core.score._children");
  r.suspendData = call("LMSSetValue", "cmi.suspend_data", "x".repeat(5000));
  r.errorString = api.LMSGetErrorString("403");
  r.commit = call("LMSCommit", "");
  r.finish = call("LMSFinish", "");
  r.afterFinish = call("LMSGetValue", "cmi.core.lesson_status");
  await bridge.settled();
  r.finished = bridge.finished;
"#;

#[tokio::test]
async fn a_scorm12_sco_finishes_through_the_bridge_in_chromium() {
    assert!(chromium_present(), "Chromium is needed (scripts/test.sh installs it)");
    let (env, base, item, registration) = registered("scorm12-single-sco").await;
    let page = harness(&content_origin(&env), &base, &item, SCORM12_CONVERSATION);
    let r = run_in_chromium(serve_page(page).await).await;
    assert!(r.get("failed").is_none(), "{r:#}");
    let expect = |key: &str, value: Value, code: u64| {
        assert_eq!((&r[key][0], r[key][1].as_u64()), (&value, Some(code)), "{key}: {r:#}");
    };
    expect("beforeInit", json!(""), 301);
    expect("initArg", json!("false"), 201);
    expect("init", json!("true"), 0);
    expect("initAgain", json!("false"), 101);
    expect("studentId", json!("ann"), 0);
    expect("studentName", json!("Ann Lee"), 0);
    expect("unset", json!(""), 0);
    expect("setReadOnly", json!("false"), 403);
    expect("notAttempted", json!("false"), 405);
    expect("status", json!("true"), 0);
    expect("scoreBad", json!("false"), 405);
    expect("score", json!("true"), 0);
    expect("sessionBad", json!("false"), 405);
    expect("session", json!("true"), 0);
    expect("exitWriteOnly", json!(""), 404);
    expect("keyword", json!("false"), 402);
    expect("children", json!("raw,min,max"), 0);
    expect("suspendData", json!("true"), 0);
    assert_eq!(r["errorString"], "Element is read only");
    expect("commit", json!("true"), 0);
    expect("finish", json!("true"), 0);
    expect("afterFinish", json!(""), 301);
    assert_eq!(r["finished"], true, "{r:#}");
    assert_eq!(r["serverErrors"], json!([]), "{r:#}");

    // Finished, not suspended: the next launch is a new attempt.
    let next = open(&env, &base, &item).await;
    assert_eq!(
        (next["attempt"].as_u64(), next["data"]["cmi.core.entry"].as_str()),
        (Some(2), Some("ab-initio")),
        "{next:#}"
    );
    let verbs = verbs_of(&env, &registration).await;
    assert!(verbs.iter().any(|v| v == "completed"), "{verbs:?}");
    assert!(verbs.iter().any(|v| v == "scored"), "{verbs:?}");
}

const PAGEHIDE: &str = r#"
  r.init = call("Initialize", "");
  r.location = call("SetValue", "cmi.location", "beacon-page");
  r.exit = call("SetValue", "cmi.exit", "suspend");
  window.dispatchEvent(new Event("pagehide"));
  r.beaconed = bridge.beaconed ? bridge.beaconed.body.sets.length : 0;
  await new Promise((resolve) => setTimeout(resolve, 500));
"#;

#[tokio::test]
async fn sets_not_yet_committed_leave_with_send_beacon_when_the_page_hides() {
    assert!(chromium_present(), "Chromium is needed (scripts/test.sh installs it)");
    let (env, base, item, registration) = registered("scorm2004-2nd-edition").await;
    let page = harness(&content_origin(&env), &base, &item, PAGEHIDE);
    let r = run_in_chromium(serve_page(page).await).await;
    assert!(r.get("failed").is_none(), "{r:#}");
    assert_eq!(r["beaconed"], 2, "{r:#}");
    // The beacon may still be on its way when Chromium exits: wait until it is stored
    // (opening the attempt before that would start a new one, the beacon's attempt being
    // unsuspended).
    crate::clicks::stored_when(&env, &registration, &item, "the beacon's sets", |_, d| {
        d["cmi.location"] == "beacon-page"
    })
    .await;
    let a = open(&env, &base, &item).await;
    assert_eq!(
        (a["data"]["cmi.location"].as_str(), a["data"]["cmi.entry"].as_str()),
        (Some("beacon-page"), Some("resume")),
        "{a:#}"
    );
}

const RETRY_AND_REFUSAL: &str = r#"
  const realFetch = window.fetch;
  let failures = 0;
  window.fetch = function (url, init) {
    if (init && init.method === "POST" && failures < 2) {
      failures++;
      return Promise.reject(new TypeError("network down"));
    }
    return realFetch.call(window, url, init);
  };
  r.init = call("Initialize", "");
  r.location = call("SetValue", "cmi.location", "after-retry");
  r.id = call("SetValue", "cmi.interactions.0.id", "q1");
  r.type = call("SetValue", "cmi.interactions.0.type", "matching");
  // Accepted here (matching responses are checked by the server only), refused at commit.
  r.response = call("SetValue", "cmi.interactions.0.learner_response", "not a pair");
  r.exit = call("SetValue", "cmi.exit", "suspend");
  r.commit = call("Commit", "");
  await bridge.settled();
  r.failures = failures;
  r.pending = bridge.log.length;
  // The refusal reaches the SCO through the next Commit, once.
  r.reported = call("Commit", "");
  r.diagnostic = api.GetDiagnostic("");
  r.next = call("Commit", "");
"#;

#[tokio::test]
async fn commits_survive_network_failures_and_server_refusals() {
    assert!(chromium_present(), "Chromium is needed (scripts/test.sh installs it)");
    let (env, base, item, _) = registered("scorm2004-2nd-edition").await;
    let page = harness(&content_origin(&env), &base, &item, RETRY_AND_REFUSAL);
    let r = run_in_chromium(serve_page(page).await).await;
    assert!(r.get("failed").is_none(), "{r:#}");
    assert_eq!(r["response"], json!(["true", 0]), "{r:#}");
    assert_eq!(r["reported"], json!(["false", 391]), "{r:#}");
    assert!(
        r["diagnostic"]
            .as_str()
            .is_some_and(|d| d.contains("cmi.interactions.0.learner_response")),
        "{r:#}"
    );
    assert_eq!(r["next"], json!(["true", 0]), "{r:#}");
    assert_eq!(
        (r["failures"].as_u64(), r["pending"].as_u64()),
        (Some(2), Some(0)),
        "{r:#}"
    );
    let refused = &r["serverErrors"][0];
    assert_eq!(
        (refused["element"].as_str(), refused["code"].as_u64()),
        (Some("cmi.interactions.0.learner_response"), Some(406)),
        "{r:#}"
    );
    // The rest of the commit was sent again and stored.
    let a = open(&env, &base, &item).await;
    let d = &a["data"];
    assert_eq!(
        (
            d["cmi.entry"].as_str(),
            d["cmi.location"].as_str(),
            d["cmi.interactions.0.type"].as_str()
        ),
        (Some("resume"), Some("after-retry"), Some("matching")),
        "{a:#}"
    );
    assert!(d.get("cmi.interactions.0.learner_response").is_none(), "{a:#}");
}

/// Values tried on every element; `@n` stands for a string of n `x`s.
const VALUES: &[&str] = &[
    "",
    "x",
    "a b",
    "0",
    "1",
    "-1",
    "0.5",
    "2",
    "100",
    "101",
    "-0.5",
    "1.",
    ".5",
    "1e3",
    "abc",
    "true",
    "false",
    "choice",
    "a[,]b",
    "a[,]a",
    "a[.]b",
    "1[:]2",
    "completed",
    "incomplete",
    "passed",
    "failed",
    "unknown",
    "not attempted",
    "browsed",
    "suspend",
    "logout",
    "normal",
    "time-out",
    "credit",
    "review",
    "correct",
    "wrong",
    "incorrect",
    "neutral",
    "continue",
    "{target=intro}choice",
    "{target=}jump",
    "_none_",
    "PT1M30S",
    "P1DT",
    "PT",
    "P1Y2M3DT4H5M6.78S",
    "00:01:30",
    "0000:01:30.5",
    "25:00:00",
    "12:30:00",
    "2020-01-01T10:00:00Z",
    "2020-13-01",
    "2020-01-01T10:00:00.5+01:00",
    "1969-01-01",
    "{lang=en-GB}Nice",
    "{lang=toolong1234}x",
    "{lang=en}",
    "en-US",
    "urn:kiroku:q1",
    "urn:x",
    "http://example.com/a",
    "-1",
    "-0",
    "3.4",
    "exit,message",
    "continue,no message",
    "@255",
    "@256",
    "@4000",
    "@4001",
    "@4096",
    "@4097",
    "@64000",
    "@64001",
    "@250",
    "@251",
    "@1000",
    "@1001",
];

/// Every element of `version`'s table with indices 0 (and a few past `_count`), for the
/// parity check between the bridge and the server.
fn names_of(version: Version) -> Vec<String> {
    let mut names = Vec::new();
    for e in version.table() {
        let pattern = e.name.replace("{target=}", "{target=intro}");
        let zero = pattern
            .split('.')
            .map(|s| if s == "n" { "0" } else { s })
            .collect::<Vec<_>>()
            .join(".");
        if pattern.contains(".n.") && pattern.starts_with("cmi.interactions.n.") {
            for i in 0..11 {
                names.push(zero.replacen("cmi.interactions.0.", &format!("cmi.interactions.{i}."), 1));
            }
        }
        let far = pattern
            .split('.')
            .map(|s| if s == "n" { "5" } else { s })
            .collect::<Vec<_>>()
            .join(".");
        if far != zero {
            names.push(far);
        }
        names.push(zero);
    }
    for extra in [
        "cmi.nope",
        "cmi.core.nope",
        "cmi.interactions.00.id",
        "cmi.score._count",
        "cmi._children",
        "",
    ] {
        names.push(extra.to_owned());
    }
    names
}

fn expand(value: &str) -> String {
    match value.strip_prefix('@') {
        Some(n) => "x".repeat(n.parse().expect("length")),
        None => value.to_owned(),
    }
}

fn data_for(version: Version) -> Data {
    let mut data = Data::new();
    if version == Version::Scorm12 {
        data.insert("cmi.interactions.0.id".into(), "q0".into());
        data.insert("cmi.objectives.0.id".into(), "obj1".into());
        return data;
    }
    let types = [
        "true-false",
        "choice",
        "fill-in",
        "long-fill-in",
        "likert",
        "matching",
        "performance",
        "sequencing",
        "numeric",
        "other",
    ];
    for (i, kind) in types.iter().enumerate() {
        data.insert(format!("cmi.interactions.{i}.id"), format!("q{i}"));
        data.insert(format!("cmi.interactions.{i}.type"), (*kind).to_owned());
    }
    data.insert("cmi.interactions.10.id".into(), "q10".into());
    data.insert("cmi.interactions.0.objectives.0.id".into(), "obj1".into());
    data.insert("cmi.interactions.0.correct_responses.0.pattern".into(), "true".into());
    data.insert("cmi.objectives.0.id".into(), "obj1".into());
    data.insert("cmi.objectives.1.id".into(), "obj2".into());
    data.insert("cmi.comments_from_lms.0.comment".into(), "hello".into());
    data.insert("adl.data.0.id".into(), "urn:kiroku:shared".into());
    data
}

#[tokio::test]
async fn the_bridge_applies_the_same_rules_as_the_server() {
    assert!(chromium_present(), "Chromium is needed (scripts/test.sh installs it)");
    let env = Env::start().await;
    let origin = content_origin(&env);
    for version in [Version::Scorm12, Version::Scorm2004] {
        let data = data_for(version);
        let names = names_of(version);
        let mut expected = Vec::new();
        for name in &names {
            let get = check_get(version, &data, name).err().map_or(0, |r| r.code);
            expected.push(json!(["get", name, "", get]));
            for value in VALUES {
                let set = check_set(version, Options::default(), &data, name, &expand(value))
                    .err()
                    .map_or(0, |r| r.code);
                expected.push(json!(["set", name, value, set]));
            }
        }
        let v = if version == Version::Scorm12 { "1.2" } else { "2004" };
        let cases = serde_json::to_string(&expected).expect("json");
        let data_json = serde_json::to_string(&data).expect("json");
        let page = format!(
            r#"<!doctype html><html><body><pre id="out">pending</pre>
<script src="{origin}/runtime/bridge.js"></script>
<script>
(async function () {{
  const out = document.getElementById("out");
  try {{
    const table = await (await fetch("{origin}/runtime/model/{v}.json")).json();
    const model = new KirokuBridge.Model(table);
    const data = {data_json};
    const cases = {cases};
    const expand = (v) => v[0] === "@" ? "x".repeat(Number(v.slice(1))) : v;
    const got = cases.map(([op, name, value]) => {{
      const r = op === "get" ? model.checkGet(data, name) : model.checkSet(data, name, expand(value), false);
      return r && !Array.isArray(r) ? r.code : 0;
    }});
    out.textContent = JSON.stringify({{ got }});
  }} catch (e) {{
    out.textContent = JSON.stringify({{ failed: String(e), stack: String(e && e.stack) }});
  }}
}})();
</script></body></html>"#
        );
        let r = run_in_chromium(serve_page(page).await).await;
        assert!(r.get("failed").is_none(), "{r:#}");
        let got = r["got"].as_array().expect("results");
        assert_eq!(got.len(), expected.len());
        let mut differences = Vec::new();
        for (case, browser) in expected.iter().zip(got) {
            let (name, value, server) = (case[1].as_str().unwrap_or(""), case[2].as_str().unwrap_or(""), &case[3]);
            if browser == server {
                continue;
            }
            // Rules the bridge has not caught up with yet (listed in datamodel_cases.rs).
            let op = case[0].as_str().unwrap_or("");
            let code = browser.as_u64().and_then(|c| u16::try_from(c).ok()).unwrap_or(u16::MAX);
            if crate::datamodel_cases::bridge_gap(version, op, name, value, code).is_some() {
                continue;
            }
            // Responses of these types are accepted by the bridge and refused at commit.
            let interaction = name
                .strip_prefix("cmi.interactions.")
                .and_then(|rest| rest.split('.').next());
            let kind = interaction.and_then(|i| data.get(&format!("cmi.interactions.{i}.type")));
            let response = name.ends_with(".learner_response") || name.ends_with(".pattern");
            let pattern = name.ends_with(".pattern");
            if browser == 0 && response && kind.is_some_and(|k| crate::parity::left_to_server(version, k, pattern)) {
                continue;
            }
            differences.push(format!(
                "{v} {} {name} {value:.40}: server {server}, bridge {browser}",
                case[0]
            ));
        }
        assert!(
            differences.is_empty(),
            "{} differences:\n{}",
            differences.len(),
            differences.join("\n")
        );
    }
}
