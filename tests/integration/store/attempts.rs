//! SCORM attempts: the newest attempt of a registration on an item, and saves that apply
//! only above the stored commit sequence number (a resent commit changes nothing).

use std::sync::Arc;

use kiroku::store::{AttemptRecord, RegistrationWrite, RuntimeWrites, Store};

use super::new_tenant;

fn attempt(number: u32, state: &str, data: &str, seq: u64) -> AttemptRecord {
    AttemptRecord {
        registration: "reg-1".into(),
        item: "sco-1".into(),
        number,
        state: kiroku::runtime::plan::AttemptState::parse(state).expect("a state"),
        data: data.into(),
        commit_seq: seq,
        updated_ms: 1,
    }
}

pub async fn attempt_latest_and_sequence_rule(store: Arc<dyn Store>) {
    let t = new_tenant(store.as_ref(), "acme").await;
    assert_eq!(
        store.latest_attempt(t, "reg-1", "sco-1").await.expect("store call"),
        None
    );
    assert!(
        store
            .save_attempt(t, attempt(1, "active", "{}", 1))
            .await
            .expect("store call")
    );
    assert!(
        store
            .save_attempt(t, attempt(1, "active", r#"{"a":"1"}"#, 2))
            .await
            .expect("store call")
    );
    assert!(
        !store
            .save_attempt(t, attempt(1, "finished", r#"{"a":"old"}"#, 2))
            .await
            .expect("store call"),
        "a save at the stored sequence number is a resend"
    );
    let got = store
        .latest_attempt(t, "reg-1", "sco-1")
        .await
        .expect("store call")
        .expect("attempt 1");
    assert_eq!(
        (got.state.as_str(), got.data.as_str(), got.commit_seq),
        ("active", r#"{"a":"1"}"#, 2)
    );
    assert!(
        store
            .save_attempt(t, attempt(2, "active", "{}", 1))
            .await
            .expect("store call")
    );
    assert_eq!(
        store
            .latest_attempt(t, "reg-1", "sco-1")
            .await
            .expect("store call")
            .map(|a| a.number),
        Some(2)
    );
    assert_eq!(
        store.latest_attempt(t, "reg-1", "other-sco").await.expect("store call"),
        None
    );
}

pub async fn isolation_attempts(store: Arc<dyn Store>) {
    let a = new_tenant(store.as_ref(), "a").await;
    let b = new_tenant(store.as_ref(), "b").await;
    assert!(
        store
            .save_attempt(a, attempt(1, "suspended", r#"{"x":"a"}"#, 5))
            .await
            .expect("store call")
    );
    assert_eq!(
        store.latest_attempt(b, "reg-1", "sco-1").await.expect("store call"),
        None,
        "B sees nothing of A"
    );
    assert!(
        store
            .save_attempt(b, attempt(1, "active", r#"{"x":"b"}"#, 1))
            .await
            .expect("store call")
    );
    let of_a = store
        .latest_attempt(a, "reg-1", "sco-1")
        .await
        .expect("store call")
        .expect("A's attempt");
    assert_eq!(
        (of_a.data.as_str(), of_a.commit_seq),
        (r#"{"x":"a"}"#, 5),
        "B's save left A's attempt alone"
    );
}

fn writes(attempts: Vec<AttemptRecord>, state: Option<(&str, Option<&str>)>) -> RuntimeWrites {
    RuntimeWrites {
        attempts,
        registration_state: state.map(|(data, read)| RegistrationWrite {
            registration: "reg-1".into(),
            data: data.into(),
            read: read.map(str::to_owned),
        }),
        credential: "kiroku-runtime".into(),
        statements: Vec::new(),
        attachments: Vec::new(),
        documents: Vec::new(),
        report: None,
    }
}

/// A run-time step's writes apply together or not at all: an attempt row at or below its
/// stored sequence number, or a registration state changed since it was read, leaves
/// everything as it was.
pub async fn runtime_writes_apply_whole_or_not_at_all(store: Arc<dyn Store>) {
    let t = new_tenant(store.as_ref(), "acme").await;
    let first = writes(vec![attempt(1, "active", "{}", 1)], Some((r#"{"v":1}"#, None)));
    assert!(store.apply_runtime(t, first).await.expect("store call"));
    // Another SCO's step, decided from the same (now old) state: refused whole.
    let stale = writes(
        vec![attempt(1, "active", r#"{"a":"x"}"#, 2)],
        Some((r#"{"v":2}"#, None)),
    );
    assert!(!store.apply_runtime(t, stale).await.expect("store call"));
    let stale = writes(
        vec![attempt(1, "active", r#"{"a":"x"}"#, 2)],
        Some((r#"{"v":2}"#, Some(r#"{"v":0}"#))),
    );
    assert!(!store.apply_runtime(t, stale).await.expect("store call"));
    let got = store
        .latest_attempt(t, "reg-1", "sco-1")
        .await
        .expect("store call")
        .expect("attempt");
    assert_eq!(
        (got.commit_seq, got.data.as_str()),
        (1, "{}"),
        "the attempt row was rolled back too"
    );
    assert_eq!(
        store
            .registration_state(t, "reg-1")
            .await
            .expect("store call")
            .as_deref(),
        Some(r#"{"v":1}"#)
    );
    // Decided from the state as stored: applied.
    let fresh = writes(
        vec![attempt(1, "active", r#"{"a":"x"}"#, 2)],
        Some((r#"{"v":2}"#, Some(r#"{"v":1}"#))),
    );
    assert!(store.apply_runtime(t, fresh).await.expect("store call"));
    assert_eq!(
        store
            .registration_state(t, "reg-1")
            .await
            .expect("store call")
            .as_deref(),
        Some(r#"{"v":2}"#)
    );
    // A resent step (same sequence number) changes nothing.
    let resent = writes(vec![attempt(1, "active", r#"{"a":"y"}"#, 2)], None);
    assert!(!store.apply_runtime(t, resent).await.expect("store call"));
}
