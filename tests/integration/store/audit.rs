//! The audit log (append-only, tenant-scoped, paged by sequence number and time) and
//! launch sessions (one ID, one person) under each concurrent-launch policy.

use std::sync::Arc;

use kiroku::audit::{Action, Actor, AuditQuery, NewAuditEntry};
use kiroku::launch::ConcurrentLaunches;
use kiroku::launch::session::{ConcurrentCase, SessionCall, SessionState};
use kiroku::store::Store;
use serde_json::json;

use super::new_tenant;

fn entry(at_ms: i64, target: &str) -> NewAuditEntry {
    NewAuditEntry {
        at_ms,
        actor: Actor::credential("key-1"),
        action: Action::LearnerCreated,
        target: target.into(),
        address: Some("203.0.113.7".into()),
        detail: json!({"fields": ["name"]}),
    }
}

fn query(since_ms: Option<i64>, after_seq: Option<i64>, limit: u32) -> AuditQuery {
    AuditQuery {
        since_ms,
        after_seq,
        limit,
    }
}

pub async fn audit_append_page_and_isolate(store: Arc<dyn Store>) {
    let t = new_tenant(store.as_ref(), "acme").await;
    let other = new_tenant(store.as_ref(), "other").await;
    for (i, who) in ["learner:a", "learner:b", "learner:c"].iter().enumerate() {
        store
            .append_audit(t, entry(1000 + i as i64, who))
            .await
            .expect("append");
    }
    store
        .append_audit(other, entry(1000, "learner:x"))
        .await
        .expect("append");
    let all = store.audit_entries(t, query(None, None, 10)).await.expect("read");
    let targets: Vec<_> = all.iter().map(|e| e.target.as_str()).collect();
    assert_eq!(targets, ["learner:a", "learner:b", "learner:c"]);
    let first = &all[0];
    assert_eq!((first.at_ms, first.action.as_str()), (1000, "learner.created"));
    assert_eq!(first.actor, Actor::credential("key-1"));
    assert_eq!(first.address.as_deref(), Some("203.0.113.7"));
    assert_eq!(first.detail, json!({"fields": ["name"]}));
    // Newest first, a page at a time back from a sequence number.
    let newest = store.audit_newest(t, None, None, 2).await.expect("read");
    let targets: Vec<_> = newest.iter().map(|e| e.target.as_str()).collect();
    assert_eq!(targets, ["learner:c", "learner:b"]);
    let before = newest.last().map(|e| e.seq);
    let older = store.audit_newest(t, None, before, 2).await.expect("read");
    assert_eq!(
        older.iter().map(|e| e.target.as_str()).collect::<Vec<_>>(),
        ["learner:a"]
    );
    let recent = store.audit_newest(t, Some(1001), None, 10).await.expect("read");
    assert_eq!(recent.len(), 2, "from a time on");
    let page = store.audit_entries(t, query(None, None, 2)).await.expect("read");
    let next = store
        .audit_entries(t, query(None, Some(page[1].seq), 2))
        .await
        .expect("read");
    assert_eq!((page.len(), next.len(), next[0].target.as_str()), (2, 1, "learner:c"));
    let since = store.audit_entries(t, query(Some(1001), None, 10)).await.expect("read");
    assert_eq!(since.len(), 2);
    let theirs = store.audit_entries(other, query(None, None, 10)).await.expect("read");
    assert_eq!(theirs.len(), 1);
}

fn call(id: &str, now_ms: i64, policy: ConcurrentLaunches) -> SessionCall {
    SessionCall {
        id: id.into(),
        learner: "ann".into(),
        registration: "reg-1".into(),
        now_ms,
        active_since_ms: now_ms - 600_000,
        policy,
    }
}

pub async fn launch_sessions_follow_each_policy(store: Arc<dyn Store>) {
    use ConcurrentLaunches::*;
    let t = new_tenant(store.as_ref(), "acme").await;
    let s = |id: &'static str, now, p| {
        let store = store.clone();
        async move { store.launch_session(t, call(id, now, p)).await.expect("session") }
    };
    let first = s("one", 1_000_000, Refuse).await;
    assert_eq!((first.state, first.case), (SessionState::Active, None));
    // Refused while the first is active; admitted once the first is idle past the window.
    let second = s("two", 1_000_100, Refuse).await;
    assert_eq!(
        (second.state, second.case),
        (SessionState::Refused, Some(ConcurrentCase::Refused))
    );
    assert_eq!(second.others, ["one"]);
    assert_eq!(s("one", 1_000_200, Refuse).await.state, SessionState::Active);
    let later = s("two", 1_700_000, Refuse).await;
    assert_eq!((later.state, later.case), (SessionState::Active, None));
    // Allowed: both run, the case is reported.
    let third = s("three", 1_700_100, Allow).await;
    assert_eq!(
        (third.state, third.case),
        (SessionState::Active, Some(ConcurrentCase::Allowed))
    );
    // End the first: the others end and stay ended.
    let fourth = s("four", 1_700_200, EndFirst).await;
    assert_eq!(
        (fourth.state, fourth.case),
        (SessionState::Active, Some(ConcurrentCase::FirstEnded))
    );
    assert_eq!(fourth.others, ["three", "two"]);
    assert_eq!(s("two", 1_700_300, Allow).await.state, SessionState::Ended);
    assert_eq!(s("four", 1_700_400, EndFirst).await.state, SessionState::Active);
    // Another tenant's learner of the same id is another person.
    let o = new_tenant(store.as_ref(), "other").await;
    let theirs = store
        .launch_session(o, call("x", 1_700_500, Refuse))
        .await
        .expect("session");
    assert_eq!((theirs.state, theirs.case), (SessionState::Active, None));
}

pub async fn launch_sessions_unseen_for_a_day_are_forgotten(store: Arc<dyn Store>) {
    use ConcurrentLaunches::EndFirst;
    let t = new_tenant(store.as_ref(), "acme").await;
    let day = kiroku::launch::session::KEEP_MS;
    store
        .launch_session(t, call("one", 1_000_000, EndFirst))
        .await
        .expect("session");
    let two = store
        .launch_session(t, call("two", 1_000_100, EndFirst))
        .await
        .expect("session");
    assert_eq!(two.case, Some(ConcurrentCase::FirstEnded));
    let soon = store
        .launch_session(t, call("one", 1_000_200, EndFirst))
        .await
        .expect("session");
    assert_eq!(soon.state, SessionState::Ended);
    // A day later the ended session is forgotten: it comes back as a new launch.
    let later = store
        .launch_session(t, call("one", 1_000_200 + day + 1, EndFirst))
        .await
        .expect("session");
    assert_eq!((later.state, later.case), (SessionState::Active, None));
}
