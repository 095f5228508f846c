//! One ID, one person: two browsers (two launch sessions) opening and committing the same
//! learner's registration, under each concurrent-launch policy, with each case in the
//! audit log.

use axum::http::Method;
use kiroku::launch::ConcurrentLaunches;
use kiroku::tenant::TenantSettings;
use serde_json::{Value, json};

use crate::packages::Env;
use crate::runtime::registered;

const FIRST: &str = "first-browser-0001";
const SECOND: &str = "second-browser-0002";

struct Launch {
    env: Env,
    url: String,
}

async fn launch(policy: ConcurrentLaunches) -> Launch {
    let (env, base, item, _) = registered("scorm12-single-sco").await;
    let settings = TenantSettings {
        concurrent_launches: policy,
        ..TenantSettings::default()
    };
    env.app
        .store
        .update_tenant_settings(env.tenant.id, settings)
        .await
        .expect("settings");
    Launch {
        env,
        url: format!("{base}/{item}"),
    }
}

impl Launch {
    /// Opens the attempt as `session`: the status and the answer.
    async fn open(&self, session: &str) -> (u16, Value) {
        let r = self
            .env
            .app
            .request(Method::GET, &format!("{}?session={session}", self.url))
            .send()
            .await;
        (r.status.as_u16(), r.json())
    }

    async fn commit(&self, session: &str, opened: &Value) -> (u16, Value) {
        let body = json!({
            "attempt": opened["attempt"],
            "seq": opened["seq"].as_u64().unwrap_or(0) + 1,
            "sets": [["cmi.core.lesson_location", "page 2"]],
            "session": session,
        });
        let r = self
            .env
            .app
            .request(Method::POST, &format!("{}/commit", self.url))
            .json(&body)
            .send()
            .await;
        (r.status.as_u16(), r.json())
    }

    /// The audit log's concurrent-launch entries: (action, actor, address).
    async fn audited(&self) -> Vec<(String, String, String)> {
        let log = self
            .env
            .app
            .get("/api/v1/audit")
            .auth(&self.env.admin)
            .send()
            .await
            .expect(200)
            .json();
        log["entries"]
            .as_array()
            .expect("entries")
            .iter()
            .filter(|e| e["actor"]["kind"] == "learner")
            .map(|e| {
                let s = |v: &Value| v.as_str().unwrap_or("").to_owned();
                (s(&e["action"]), s(&e["actor"]["id"]), s(&e["address"]))
            })
            .collect()
    }
}

fn reason(answer: &Value) -> &str {
    answer["error"]["reason"].as_str().unwrap_or("")
}

fn entry(action: &str) -> Vec<(String, String, String)> {
    vec![(action.into(), "ann".into(), "127.0.0.1".into())]
}

#[tokio::test]
async fn allow_lets_both_browsers_run_and_records_it() {
    let l = launch(ConcurrentLaunches::Allow).await;
    let (code, first) = l.open(FIRST).await;
    assert_eq!(code, 200, "{first}");
    assert_eq!(l.commit(FIRST, &first).await.0, 200);
    let (code, second) = l.open(SECOND).await;
    assert_eq!(code, 200, "{second}");
    assert_eq!(l.commit(SECOND, &second).await.0, 200);
    assert_eq!(l.audited().await, entry("launch.concurrent_allowed"));
}

#[tokio::test]
async fn refuse_turns_the_second_browser_away_while_the_first_is_active() {
    let l = launch(ConcurrentLaunches::Refuse).await;
    let (_, first) = l.open(FIRST).await;
    let (code, second) = l.open(SECOND).await;
    assert_eq!((code, reason(&second)), (409, "concurrent_launch"), "{second}");
    assert!(
        second["error"]["message"]
            .as_str()
            .unwrap_or("")
            .contains("another browser")
    );
    let (code, answer) = l.commit(SECOND, &first).await;
    assert_eq!((code, reason(&answer)), (409, "concurrent_launch"));
    let (code, answer) = l.commit(FIRST, &first).await;
    assert_eq!(code, 200, "the first browser carries on: {answer}");
    assert_eq!(
        l.audited().await,
        [entry("launch.concurrent_refused"), entry("launch.concurrent_refused")].concat()
    );
}

#[tokio::test]
async fn end_first_ends_the_first_browser_on_its_next_call() {
    let l = launch(ConcurrentLaunches::EndFirst).await;
    let (_, first) = l.open(FIRST).await;
    assert_eq!(l.commit(FIRST, &first).await.0, 200);
    let (code, second) = l.open(SECOND).await;
    assert_eq!(code, 200, "{second}");
    let (code, answer) = l.commit(FIRST, &first).await;
    assert_eq!((code, reason(&answer)), (409, "ended_by_newer_launch"), "{answer}");
    let (code, answer) = l.open(FIRST).await;
    assert_eq!((code, reason(&answer)), (409, "ended_by_newer_launch"));
    assert_eq!(l.commit(SECOND, &second).await.0, 200);
    assert_eq!(l.audited().await, entry("launch.ended_by_newer"));
}

#[tokio::test]
async fn one_browser_opening_several_times_is_one_session() {
    let l = launch(ConcurrentLaunches::Refuse).await;
    let (_, first) = l.open(FIRST).await;
    assert_eq!(l.commit(FIRST, &first).await.0, 200);
    let (code, again) = l.open(FIRST).await;
    assert_eq!(code, 200, "{again}");
    let (code, _) = l.open("bad%21id%21%21%21").await;
    assert_eq!(code, 400);
    assert_eq!(l.audited().await, []);
}
