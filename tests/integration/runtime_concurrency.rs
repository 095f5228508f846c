//! Many learners through the run-time at once, as a class starting a course together: on
//! two worker threads, 16 at a time over 160 learners, each launched by the LMS, its
//! attempt opened, then a commit with answers and a terminating one. Every request is
//! answered 200, every attempt is finished with what was committed, and each learner's
//! statements are in the LRS: no commit is refused because another learner's write shares
//! its transaction (SQLite's group commit) or its moment (PostgreSQL). Bounded in
//! learners and time (`within`).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::http::Method;
use kiroku::tenant::Scope;
use serde_json::{Value, json};

use crate::clicks::within;
use crate::packages::{Env, str_of};

const LEARNERS: usize = 160;
const AT_ONCE: usize = 16;

/// One learner: the LMS launch, the open, two commits. Answers the registration, or what
/// went wrong.
async fn take(env: &Env, package: &str, item: &str, i: usize) -> Result<String, String> {
    let learner = format!("受講者-{i:03}-🎓");
    let l = env
        .app
        .post("/api/v1/launch")
        .auth(&env.admin)
        .json(&json!({"learner": {"id": learner, "name": format!("山田 {i}")}, "packageId": package}))
        .send()
        .await;
    if l.status.as_u16() != 200 {
        return Err(format!("launch {i}: {} {}", l.status, l.text()));
    }
    let l = l.json();
    let base = str_of(&l, "contentBase").replacen("/content/", "/runtime/", 1);
    let runtime = format!("{}/{item}", base.trim_end_matches('/'));
    let a = env.app.request(Method::GET, &runtime).send().await;
    if a.status.as_u16() != 200 {
        return Err(format!("open {i}: {} {}", a.status, a.text()));
    }
    let a = a.json();
    let (attempt, seq) = (a["attempt"].as_u64().unwrap_or(0), a["seq"].as_u64().unwrap_or(0));
    let commits = [
        json!({"attempt": attempt, "seq": seq + 1, "sets": [
            ["cmi.core.lesson_location", format!("頁-{i}")],
            ["cmi.interactions.0.id", "問1"],
            ["cmi.interactions.0.type", "choice"],
            ["cmi.interactions.0.student_response", "a"],
            ["cmi.interactions.0.result", if i.is_multiple_of(3) { "wrong" } else { "correct" }],
        ]}),
        json!({"attempt": attempt, "seq": seq + 2, "terminate": true, "sets": [
            ["cmi.core.lesson_status", if i.is_multiple_of(3) { "failed" } else { "passed" }],
            ["cmi.core.score.raw", (i % 101).to_string()],
            ["cmi.core.session_time", "00:03:00"],
        ]}),
    ];
    for (n, body) in commits.iter().enumerate() {
        let r = env
            .app
            .request(Method::POST, &format!("{runtime}/commit"))
            .body("text/plain;charset=UTF-8", body.to_string())
            .send()
            .await;
        if r.status.as_u16() != 200 {
            return Err(format!(
                "commit {n} of {i} (attempt {attempt}): {} {}",
                r.status,
                r.text()
            ));
        }
    }
    Ok(str_of(&l, "registration").to_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_class_starting_together_has_every_commit_stored() {
    within(async {
        let env = Arc::new(Env::start().await);
        let pkg = env.import_fixture("scorm12-single-sco").await;
        let package = str_of(&pkg, "packageId").to_owned();
        let item = pkg["launchables"][0]["id"].as_str().expect("item").to_owned();
        let next = Arc::new(AtomicUsize::new(0));
        let mut workers = tokio::task::JoinSet::new();
        for _ in 0..AT_ONCE {
            let (env, next, package, item) = (env.clone(), next.clone(), package.clone(), item.clone());
            workers.spawn(async move {
                let mut done = Vec::new();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= LEARNERS {
                        return done;
                    }
                    done.push((i, take(&env, &package, &item, i).await));
                }
            });
        }
        let mut taken = Vec::new();
        while let Some(r) = workers.join_next().await {
            taken.extend(r.expect("a worker"));
        }
        let failed: Vec<&String> = taken.iter().filter_map(|(_, r)| r.as_ref().err()).collect();
        assert!(failed.is_empty(), "{} of {LEARNERS} failed: {failed:#?}", failed.len());
        assert_eq!(taken.len(), LEARNERS);

        // Each attempt finished with what its learner committed; each registration's
        // statements in the LRS.
        let reader = env.app.credential(&env.tenant, &[Scope::All]).await;
        for (i, r) in &taken {
            let registration = r.as_ref().expect("taken");
            let (a, d) = crate::clicks::stored(&env, registration, &item)
                .await
                .expect("an attempt");
            assert_eq!(a.state.to_string(), "finished", "learner {i}");
            assert_eq!(d["cmi.core.lesson_location"], format!("頁-{i}"), "learner {i}");
            assert_eq!(d["cmi.core.score.raw"], (i % 101).to_string(), "learner {i}");
            let got: Value = env
                .app
                .get(&format!("/xapi/statements?registration={registration}&limit=50"))
                .auth(&reader)
                .send()
                .await
                .expect(200)
                .json();
            let verbs: Vec<&str> = got["statements"]
                .as_array()
                .map(|a| a.iter().filter_map(|s| s["verb"]["id"].as_str()).collect())
                .unwrap_or_default();
            // The status as stored: the course's mastery score decides it from the raw score.
            let verdict = d["cmi.core.lesson_status"].as_str().unwrap_or_default();
            assert!(["passed", "failed"].contains(&verdict), "learner {i}: {d}");
            for v in ["initialized", "responded", verdict, "terminated"] {
                assert!(verbs.iter().any(|x| x.ends_with(v)), "learner {i}: {v} in {verbs:?}");
            }
        }
    })
    .await;
}
