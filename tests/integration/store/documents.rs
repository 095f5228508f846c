//! State, Activity Profile and Agent Profile documents: writes, reads, ids, deletes and
//! the precondition rules applied inside the store.

use std::sync::Arc;

use kiroku::lrs::LrsError;
use kiroku::lrs::document::{DocKey, DocKind, DocScope, DocWrite, Document, Unconditional, WriteMode, etag_of};
use kiroku::store::Store;
use kiroku::tenant::TenantId;
use serde_json::{Value, json};

use super::{agent_key, new_tenant, rejection, tick};
use crate::data::{activity, uuid};

pub fn state_scope(registration: &str) -> DocScope {
    DocScope {
        kind: DocKind::State,
        activity: activity("course"),
        agent: agent_key("alice"),
        registration: registration.to_owned(),
    }
}

pub fn key(scope: &DocScope, id: &str) -> DocKey {
    DocKey {
        scope: scope.clone(),
        id: id.to_owned(),
    }
}

fn raw(mode: WriteMode, content_type: &str, content: &[u8]) -> DocWrite {
    DocWrite {
        mode,
        content_type: content_type.to_owned(),
        content: content.to_vec(),
        if_match: None,
        if_none_match: None,
        unconditional: Unconditional::Allowed,
    }
}

/// A PUT of JSON with no preconditions.
pub fn put(v: &Value) -> DocWrite {
    raw(WriteMode::Replace, "application/json", v.to_string().as_bytes())
}

/// A POST (merge) of JSON.
fn post(v: &Value) -> DocWrite {
    raw(WriteMode::Merge, "application/json", v.to_string().as_bytes())
}

fn if_match(mut w: DocWrite, tag: &str) -> DocWrite {
    w.if_match = Some(tag.to_owned());
    w
}

fn if_none_match(mut w: DocWrite, tag: &str) -> DocWrite {
    w.if_none_match = Some(tag.to_owned());
    w
}

fn unconditional(mut w: DocWrite, rule: Unconditional) -> DocWrite {
    w.unconditional = rule;
    w
}

fn quoted(etag: &str) -> String {
    format!("\"{etag}\"")
}

pub async fn write(store: &dyn Store, t: TenantId, k: &DocKey, w: DocWrite) -> Document {
    store.write_document(t, k.clone(), w).await.expect("write document")
}

pub async fn get(store: &dyn Store, t: TenantId, k: &DocKey) -> Option<Document> {
    store.document(t, k).await.expect("read document")
}

pub fn json_of(d: &Document) -> Value {
    serde_json::from_slice(&d.content).expect("a JSON document")
}

/// The stored document's JSON, failing when there is none.
async fn stored_json(store: &dyn Store, t: TenantId, k: &DocKey) -> Value {
    json_of(&get(store, t, k).await.expect("document exists"))
}

pub async fn ids(store: &dyn Store, t: TenantId, scope: &DocScope, since: Option<i64>) -> Vec<String> {
    let mut ids = store.document_ids(t, scope, since).await.expect("document ids");
    ids.sort();
    ids
}

pub async fn document_replace_and_read(store: Arc<dyn Store>) {
    let t = new_tenant(&*store, "acme").await;
    let k = key(&state_scope(""), "bookmark");
    assert!(get(&*store, t, &k).await.is_none());
    let v1 = json!({ "page": 1 });
    let written = write(&*store, t, &k, put(&v1)).await;
    assert_eq!(written.etag, etag_of(v1.to_string().as_bytes()));
    assert_eq!(written.content_type, "application/json");
    let read = get(&*store, t, &k).await.expect("stored");
    assert_eq!(read, written);
    assert_eq!(json_of(&read), v1);

    let bytes = b"\x00\x01 not json";
    let replaced = write(
        &*store,
        t,
        &k,
        raw(WriteMode::Replace, "application/octet-stream", bytes),
    )
    .await;
    let read = get(&*store, t, &k).await.expect("stored");
    assert_eq!(read.content, bytes);
    assert_eq!(read.content_type, "application/octet-stream");
    assert_eq!(read.etag, etag_of(bytes));
    assert!(read.updated_ms >= written.updated_ms);
    assert_eq!(read, replaced);
}

pub async fn document_merge(store: Arc<dyn Store>) {
    let t = new_tenant(&*store, "acme").await;
    let k = key(&state_scope(""), "progress");
    let created = write(&*store, t, &k, post(&json!({ "a": 1, "b": 2 }))).await;
    assert_eq!(json_of(&created), json!({ "a": 1, "b": 2 }));
    let merged = write(&*store, t, &k, post(&json!({ "b": 3, "c": 4 }))).await;
    assert_eq!(json_of(&merged), json!({ "a": 1, "b": 3, "c": 4 }));
    assert_eq!(merged.etag, etag_of(&merged.content));
    assert_eq!(stored_json(&*store, t, &k).await, json!({ "a": 1, "b": 3, "c": 4 }));

    let text = raw(WriteMode::Merge, "text/plain", b"not json");
    let r = store.write_document(t, k.clone(), text).await;
    assert!(matches!(rejection(r), LrsError::BadRequest(_)));
    assert_eq!(stored_json(&*store, t, &k).await, json!({ "a": 1, "b": 3, "c": 4 }));

    let plain = key(&state_scope(""), "plain");
    write(&*store, t, &plain, raw(WriteMode::Replace, "text/plain", b"hello")).await;
    let r = store.write_document(t, plain.clone(), post(&json!({ "a": 1 }))).await;
    assert!(matches!(rejection(r), LrsError::BadRequest(_)));
    assert_eq!(get(&*store, t, &plain).await.expect("kept").content, b"hello");
}

pub async fn document_keys_are_distinct(store: Arc<dyn Store>) {
    let t = new_tenant(&*store, "acme").await;
    let base = state_scope("");
    let mut variants = vec![key(&base, "doc"), key(&base, "doc2")];
    for kind in [DocKind::ActivityProfile, DocKind::AgentProfile] {
        variants.push(key(&DocScope { kind, ..base.clone() }, "doc"));
    }
    variants.push(key(
        &DocScope {
            activity: activity("other"),
            ..base.clone()
        },
        "doc",
    ));
    variants.push(key(
        &DocScope {
            agent: agent_key("bob"),
            ..base.clone()
        },
        "doc",
    ));
    variants.push(key(
        &DocScope {
            registration: uuid(),
            ..base.clone()
        },
        "doc",
    ));
    for (i, k) in variants.iter().enumerate() {
        write(&*store, t, k, put(&json!({ "variant": i }))).await;
    }
    for (i, k) in variants.iter().enumerate() {
        assert_eq!(stored_json(&*store, t, k).await, json!({ "variant": i }), "{k:?}");
    }
    assert_eq!(ids(&*store, t, &base, None).await, ["doc", "doc2"]);
    for k in &variants[2..] {
        assert_eq!(ids(&*store, t, &k.scope, None).await, ["doc"], "{:?}", k.scope);
    }
}

pub async fn document_ids_since(store: Arc<dyn Store>) {
    let t = new_tenant(&*store, "acme").await;
    let scope = state_scope(&uuid());
    assert!(ids(&*store, t, &scope, None).await.is_empty());
    let b = write(&*store, t, &key(&scope, "b"), put(&json!(1))).await;
    tick().await;
    let a = write(&*store, t, &key(&scope, "a"), put(&json!(2))).await;
    assert!(a.updated_ms > b.updated_ms, "updated times do not advance");
    assert_eq!(ids(&*store, t, &scope, None).await, ["a", "b"]);
    assert_eq!(ids(&*store, t, &scope, Some(b.updated_ms - 1)).await, ["a", "b"]);
    assert_eq!(ids(&*store, t, &scope, Some(b.updated_ms)).await, ["a"]);
    assert!(ids(&*store, t, &scope, Some(a.updated_ms)).await.is_empty());
    tick().await;
    write(&*store, t, &key(&scope, "b"), put(&json!(3))).await;
    assert_eq!(ids(&*store, t, &scope, Some(a.updated_ms)).await, ["b"]);
}

pub async fn document_write_preconditions(store: Arc<dyn Store>) {
    let t = new_tenant(&*store, "acme").await;
    let k = key(&state_scope(""), "doc");
    let r = store.write_document(t, k.clone(), if_match(put(&json!(0)), "*")).await;
    assert!(matches!(rejection(r), LrsError::PreconditionFailed(_)));
    assert!(get(&*store, t, &k).await.is_none(), "If-Match created a document");

    let v1 = write(&*store, t, &k, if_none_match(put(&json!(1)), "*")).await;
    let r = store
        .write_document(t, k.clone(), if_none_match(put(&json!(2)), "*"))
        .await;
    assert!(matches!(rejection(r), LrsError::PreconditionFailed(_)));
    let r = store
        .write_document(t, k.clone(), if_match(put(&json!(2)), "\"0000\""))
        .await;
    assert!(matches!(rejection(r), LrsError::PreconditionFailed(_)));
    assert_eq!(stored_json(&*store, t, &k).await, json!(1));

    write(&*store, t, &k, if_match(put(&json!(2)), &quoted(&v1.etag))).await;
    assert_eq!(stored_json(&*store, t, &k).await, json!(2));
    let r = store
        .write_document(t, k.clone(), if_match(put(&json!(3)), &quoted(&v1.etag)))
        .await;
    assert!(
        matches!(rejection(r), LrsError::PreconditionFailed(_)),
        "a stale ETag matched"
    );
    assert_eq!(stored_json(&*store, t, &k).await, json!(2));
}

pub async fn document_delete_one_if_match(store: Arc<dyn Store>) {
    let t = new_tenant(&*store, "acme").await;
    let scope = state_scope("");
    let (k, other) = (key(&scope, "doc"), key(&scope, "other"));
    let d = write(&*store, t, &k, put(&json!({ "keep": true }))).await;
    write(&*store, t, &other, put(&json!({ "other": true }))).await;

    let r = store.delete_document(t, k.clone(), Some("\"0000\"".into()), None).await;
    assert!(matches!(rejection(r), LrsError::PreconditionFailed(_)));
    let r = store.delete_document(t, k.clone(), None, Some(quoted(&d.etag))).await;
    assert!(matches!(rejection(r), LrsError::PreconditionFailed(_)));
    assert_eq!(
        get(&*store, t, &k).await,
        Some(d.clone()),
        "a failed delete changed the document"
    );

    store
        .delete_document(t, k.clone(), Some(quoted(&d.etag)), None)
        .await
        .expect("delete with the right ETag");
    assert!(get(&*store, t, &k).await.is_none());
    assert_eq!(ids(&*store, t, &scope, None).await, ["other"]);
    store
        .delete_document(t, k.clone(), None, None)
        .await
        .expect("deleting a missing document");
    store
        .delete_document(t, other.clone(), None, None)
        .await
        .expect("unconditional delete");
    assert!(ids(&*store, t, &scope, None).await.is_empty());
}

pub async fn document_delete_all_in_scope(store: Arc<dyn Store>) {
    let t = new_tenant(&*store, "acme").await;
    let (doomed, kept) = (state_scope(&uuid()), state_scope(&uuid()));
    let profile = DocScope {
        kind: DocKind::ActivityProfile,
        agent: String::new(),
        registration: String::new(),
        ..state_scope("")
    };
    for id in ["x", "y"] {
        write(&*store, t, &key(&doomed, id), put(&json!(id))).await;
    }
    write(&*store, t, &key(&kept, "x"), put(&json!("kept"))).await;
    write(&*store, t, &key(&profile, "x"), put(&json!("profile"))).await;

    store.delete_documents(t, doomed.clone()).await.expect("delete all");
    assert!(ids(&*store, t, &doomed, None).await.is_empty());
    assert!(get(&*store, t, &key(&doomed, "y")).await.is_none());
    assert_eq!(stored_json(&*store, t, &key(&kept, "x")).await, json!("kept"));
    assert_eq!(stored_json(&*store, t, &key(&profile, "x")).await, json!("profile"));
    store
        .delete_documents(t, doomed)
        .await
        .expect("delete all of an empty scope");
}

pub async fn document_unconditional_conflict_if_exists(store: Arc<dyn Store>) {
    let t = new_tenant(&*store, "acme").await;
    let k = key(&state_scope(""), "doc");
    let rule = |v: Value| unconditional(put(&v), Unconditional::ConflictIfExists);
    let first = write(&*store, t, &k, rule(json!({ "v": 1 }))).await;
    let r = store.write_document(t, k.clone(), rule(json!({ "v": 2 }))).await;
    assert!(matches!(rejection(r), LrsError::Conflict(_)));
    assert_eq!(stored_json(&*store, t, &k).await, json!({ "v": 1 }));

    write(&*store, t, &k, if_match(rule(json!({ "v": 3 })), &quoted(&first.etag))).await;
    let merge = unconditional(post(&json!({ "w": 4 })), Unconditional::ConflictIfExists);
    write(&*store, t, &k, merge).await;
    assert_eq!(stored_json(&*store, t, &k).await, json!({ "v": 3, "w": 4 }));
}

pub async fn document_unconditional_refused(store: Arc<dyn Store>) {
    let t = new_tenant(&*store, "acme").await;
    let scope = DocScope {
        kind: DocKind::AgentProfile,
        activity: String::new(),
        registration: String::new(),
        ..state_scope("")
    };
    let k = key(&scope, "profile");
    let rule = |v: Value| unconditional(put(&v), Unconditional::Refused);
    let r = store.write_document(t, k.clone(), rule(json!({ "v": 1 }))).await;
    assert!(matches!(rejection(r), LrsError::BadRequest(_)));
    assert!(
        get(&*store, t, &k).await.is_none(),
        "a refused PUT created the document"
    );

    let created = write(&*store, t, &k, if_none_match(rule(json!({ "v": 1 })), "*")).await;
    let r = store.write_document(t, k.clone(), rule(json!({ "v": 2 }))).await;
    assert!(matches!(rejection(r), LrsError::Conflict(_)));
    assert_eq!(stored_json(&*store, t, &k).await, json!({ "v": 1 }));
    write(
        &*store,
        t,
        &k,
        if_match(rule(json!({ "v": 2 })), &quoted(&created.etag)),
    )
    .await;
    assert_eq!(stored_json(&*store, t, &k).await, json!({ "v": 2 }));
}
