//! Storing statements: read back, resends and conflicts, batches, voiding, StatementRef
//! terms, attachments, `mine`, and the Activities resource's source statements.

use std::sync::Arc;

use kiroku::lrs::LrsError;
use kiroku::lrs::query::StatementQuery;
use kiroku::store::{Attachment, Store};
use serde_json::{Value, json};

use super::{
    CRED, agent_key, all_ids, authority, body, ids, insert, insert_one, new_tenant, query_ids, read, read_voided,
    rejection, tick, try_insert,
};
use crate::data::{activity, agent, attachment_decl, sha256_hex, stmt, uuid, verb, voiding, with_id};

fn by_verb(name: &str) -> StatementQuery {
    StatementQuery {
        verb: Some(verb(name)),
        ..StatementQuery::default()
    }
}

fn attachment(content: &[u8], content_type: &str) -> Attachment {
    Attachment {
        sha2: sha256_hex(content),
        content_type: content_type.to_owned(),
        content: content.to_vec(),
    }
}

fn with_attachment(mut s: Value, content: &[u8], content_type: &str) -> Value {
    s["attachments"] = json!([attachment_decl(content, content_type)]);
    s
}

pub async fn statement_insert_and_read_back(store: Arc<dyn Store>) {
    let t = new_tenant(&*store, "acme").await;
    let (a, b) = (uuid(), uuid().to_ascii_uppercase());
    let mut timed = with_id(stmt("bob", "passed", "quiz"), &b);
    timed["timestamp"] = json!("2024-05-06T07:08:09.123Z");
    let batch = [
        with_id(stmt("alice", "attempted", "quiz"), &a),
        timed,
        stmt("carol", "read", "page"),
    ];
    let got = insert(&*store, t, &batch).await;
    assert_eq!(got.len(), 3);
    assert_eq!(got[..2], [a.clone(), b.to_ascii_lowercase()]);
    assert!(kiroku::lrs::formats::is_uuid(&got[2]), "assigned id {:?}", got[2]);

    let first = read(&*store, t, &a).await.expect("first statement");
    let v = body(&first);
    assert_eq!(v["id"], json!(a));
    assert_eq!(v["actor"], agent("alice"));
    assert_eq!(v["verb"]["id"], json!(verb("attempted")));
    assert_eq!(v["object"]["id"], json!(activity("quiz")));
    assert_eq!(v["authority"], authority());
    assert_eq!(v["version"], json!("2.0.0"));
    assert_eq!(v["stored"], json!(kiroku::clock::format_ms(first.stored_ms)));
    assert_eq!(v["timestamp"], v["stored"], "a missing timestamp is the stored time");

    let second = body(&read(&*store, t, &got[1]).await.expect("second statement"));
    assert_eq!(second["timestamp"], json!("2024-05-06T07:08:09.123Z"));
    assert_eq!(second["actor"], agent("bob"));
    let third = body(&read(&*store, t, &got[2]).await.expect("third statement"));
    assert_eq!(third["object"]["id"], json!(activity("page")));

    assert!(read(&*store, t, &uuid()).await.is_none(), "an unknown id was found");
    assert!(
        read_voided(&*store, t, &a).await.is_none(),
        "a live statement read as voided"
    );
}

pub async fn statement_identical_resend_accepted(store: Arc<dyn Store>) {
    let t = new_tenant(&*store, "acme").await;
    let s = with_id(stmt("alice", "attempted", "quiz"), &uuid());
    let id = insert_one(&*store, t, s.clone()).await;
    let before = read(&*store, t, &id).await.expect("stored").body;
    tick().await;
    assert_eq!(insert(&*store, t, std::slice::from_ref(&s)).await, [id.as_str()]);
    let fresh = stmt("bob", "attempted", "quiz");
    let both = insert(&*store, t, &[s, fresh]).await;
    assert_eq!(both[0], id);
    let after = read(&*store, t, &id).await.expect("still stored").body;
    assert_eq!(after, before, "a resend changed the stored statement");
    assert_eq!(all_ids(&*store, t).await, [both[1].clone(), id]);
}

pub async fn statement_different_content_conflicts(store: Arc<dyn Store>) {
    let t = new_tenant(&*store, "acme").await;
    let id = uuid();
    insert_one(&*store, t, with_id(stmt("alice", "attempted", "quiz"), &id)).await;
    let changed = with_id(stmt("alice", "passed", "quiz"), &id);
    let r = try_insert(&*store, t, CRED, &[changed], Vec::new()).await;
    assert!(matches!(rejection(r), LrsError::Conflict(_)));
    let kept = body(&read(&*store, t, &id).await.expect("original kept"));
    assert_eq!(kept["verb"]["id"], json!(verb("attempted")));
    assert!(query_ids(&*store, t, &by_verb("passed")).await.is_empty());
}

pub async fn statement_batch_all_or_nothing(store: Arc<dyn Store>) {
    let t = new_tenant(&*store, "acme").await;
    let taken = uuid();
    insert_one(&*store, t, with_id(stmt("alice", "attempted", "quiz"), &taken)).await;
    let (fresh, twice) = (uuid(), uuid());
    let content = b"attachment of a failed batch";
    let batches = [
        vec![
            with_attachment(with_id(stmt("bob", "passed", "quiz"), &fresh), content, "text/plain"),
            with_id(stmt("alice", "failed", "quiz"), &taken),
        ],
        vec![
            with_id(stmt("carol", "passed", "quiz"), &twice),
            with_id(stmt("carol", "failed", "quiz"), &twice),
        ],
    ];
    for batch in batches {
        let atts = vec![attachment(content, "text/plain")];
        let r = try_insert(&*store, t, CRED, &batch, atts).await;
        assert!(matches!(rejection(r), LrsError::Conflict(_)));
    }
    assert!(
        read(&*store, t, &fresh).await.is_none(),
        "part of a failed batch was stored"
    );
    assert!(
        read(&*store, t, &twice).await.is_none(),
        "part of a failed batch was stored"
    );
    assert_eq!(all_ids(&*store, t).await, [taken]);
    assert!(query_ids(&*store, t, &by_verb("passed")).await.is_empty());
    let atts = store
        .attachments(t, vec![sha256_hex(content)])
        .await
        .expect("attachments");
    assert!(atts.is_empty(), "an attachment of a failed batch was stored");
}

pub async fn statement_voiding_hides_target(store: Arc<dyn Store>) {
    let t = new_tenant(&*store, "acme").await;
    let target = insert_one(&*store, t, stmt("alice", "attempted", "quiz")).await;
    let kept = insert_one(&*store, t, stmt("alice", "attempted", "quiz")).await;
    let void = insert_one(&*store, t, voiding("admin", &target)).await;

    assert!(
        read(&*store, t, &target).await.is_none(),
        "a voided statement read as live"
    );
    let voided = body(&read_voided(&*store, t, &target).await.expect("readable as voided"));
    assert_eq!(voided["id"], json!(target));
    assert_eq!(voided["verb"]["id"], json!(verb("attempted")));
    assert!(read(&*store, t, &void).await.is_some(), "the voiding statement is live");
    assert!(read_voided(&*store, t, &void).await.is_none());

    assert_eq!(all_ids(&*store, t).await, [void.clone(), kept.clone()]);
    // The voiding statement matches its target's filters (StatementRef rule); the target not.
    let q = StatementQuery {
        agent: Some(agent_key("alice")),
        ..StatementQuery::default()
    };
    assert_eq!(query_ids(&*store, t, &q).await, [void, kept]);
}

pub async fn statement_voiding_a_voiding_statement_rejected(store: Arc<dyn Store>) {
    let t = new_tenant(&*store, "acme").await;
    let target = insert_one(&*store, t, stmt("alice", "attempted", "quiz")).await;
    let void = insert_one(&*store, t, voiding("admin", &target)).await;
    let again = with_id(voiding("admin", &void), &uuid());
    let r = try_insert(&*store, t, CRED, std::slice::from_ref(&again), Vec::new()).await;
    assert!(matches!(rejection(r), LrsError::BadRequest(_)));
    let again_id = again["id"].as_str().expect("id");
    assert!(
        read(&*store, t, again_id).await.is_none(),
        "the rejected statement was stored"
    );
    assert!(
        read(&*store, t, &void).await.is_some(),
        "the voiding statement was voided"
    );
    assert!(read_voided(&*store, t, &void).await.is_none());
    assert_eq!(all_ids(&*store, t).await, [void]);
}

pub async fn statement_ref_inherits_target_terms(store: Arc<dyn Store>) {
    let t = new_tenant(&*store, "acme").await;
    let target = insert_one(&*store, t, stmt("alice", "completed", "course")).await;
    let other = insert_one(&*store, t, stmt("alice", "attempted", "quiz")).await;
    let referrer = json!({
        "actor": agent("bob"),
        "verb": { "id": verb("commented") },
        "object": { "objectType": "StatementRef", "id": target },
    });
    let referrer = insert_one(&*store, t, referrer).await;
    let by_activity = StatementQuery {
        activity: Some(activity("course")),
        ..StatementQuery::default()
    };
    assert_eq!(
        query_ids(&*store, t, &by_verb("completed")).await,
        [referrer.clone(), target.clone()]
    );
    assert_eq!(
        query_ids(&*store, t, &by_activity).await,
        [referrer.clone(), target.clone()]
    );
    assert_eq!(query_ids(&*store, t, &by_verb("commented")).await, [referrer.as_str()]);
    let by_bob = StatementQuery {
        agent: Some(agent_key("bob")),
        ..StatementQuery::default()
    };
    assert_eq!(query_ids(&*store, t, &by_bob).await, [referrer.as_str()]);
    assert_eq!(query_ids(&*store, t, &by_verb("attempted")).await, [other]);
    // A verb beside another filter: the referrer matches its own verb and its target's.
    let with_verb = |q: &StatementQuery, v: &str| StatementQuery {
        verb: by_verb(v).verb,
        ..q.clone()
    };
    assert_eq!(
        query_ids(&*store, t, &with_verb(&by_bob, "completed")).await,
        [referrer.as_str()]
    );
    assert_eq!(
        query_ids(&*store, t, &with_verb(&by_bob, "attempted")).await,
        Vec::<String>::new()
    );
    assert_eq!(
        query_ids(&*store, t, &with_verb(&by_activity, "commented")).await,
        [referrer.as_str()]
    );
    assert_eq!(
        query_ids(&*store, t, &with_verb(&by_activity, "completed")).await,
        [referrer, target]
    );
}

pub async fn statement_attachments_by_hash(store: Arc<dyn Store>) {
    let t = new_tenant(&*store, "acme").await;
    let (pdf, txt) = (b"%PDF-1.7 certificate".as_slice(), b"plain notes".as_slice());
    let s1 = with_attachment(stmt("alice", "passed", "quiz"), pdf, "application/pdf");
    let s2 = with_attachment(stmt("bob", "passed", "quiz"), txt, "text/plain");
    let atts = vec![attachment(pdf, "application/pdf"), attachment(txt, "text/plain")];
    try_insert(&*store, t, CRED, &[s1, s2], atts).await.expect("insert");
    let s3 = with_attachment(stmt("carol", "passed", "quiz"), pdf, "application/pdf");
    let again = vec![attachment(pdf, "application/pdf")];
    try_insert(&*store, t, CRED, &[s3], again)
        .await
        .expect("the same attachment again");

    let unknown = sha256_hex(b"never stored");
    let got = store
        .attachments(t, vec![sha256_hex(txt), unknown.clone()])
        .await
        .expect("attachments");
    assert_eq!(got, [attachment(txt, "text/plain")]);
    let got = store.attachments(t, vec![sha256_hex(pdf)]).await.expect("attachments");
    assert_eq!(got, [attachment(pdf, "application/pdf")]);
    assert!(
        store
            .attachments(t, vec![unknown])
            .await
            .expect("attachments")
            .is_empty()
    );
    assert!(store.attachments(t, Vec::new()).await.expect("attachments").is_empty());
}

pub async fn statement_mine_filter(store: Arc<dyn Store>) {
    let t = new_tenant(&*store, "acme").await;
    let s = [stmt("alice", "attempted", "quiz")];
    let mine = try_insert(&*store, t, "key-mine", &s, Vec::new())
        .await
        .expect("insert")[0]
        .clone();
    let theirs = try_insert(&*store, t, "key-theirs", &s, Vec::new())
        .await
        .expect("insert")[0]
        .clone();

    let found = store.statement(t, &mine, false, Some("key-mine")).await.expect("read");
    assert!(found.is_some(), "own statement not found");
    let found = store
        .statement(t, &theirs, false, Some("key-mine"))
        .await
        .expect("read");
    assert!(found.is_none(), "another credential's statement read as mine");
    let q = |m: &str| StatementQuery {
        mine: Some(m.to_owned()),
        ..StatementQuery::default()
    };
    assert_eq!(query_ids(&*store, t, &q("key-mine")).await, [mine.as_str()]);
    assert_eq!(query_ids(&*store, t, &q("key-theirs")).await, [theirs.as_str()]);
    assert!(query_ids(&*store, t, &q("key-none")).await.is_empty());
    let filtered = StatementQuery {
        agent: Some(agent_key("alice")),
        related_agents: true,
        verb: Some(verb("attempted")),
        ..q("key-theirs")
    };
    assert_eq!(query_ids(&*store, t, &filtered).await, [theirs.as_str()]);
    assert_eq!(all_ids(&*store, t).await, [theirs, mine]);
}

pub async fn activity_statements_newest_first(store: Arc<dyn Store>) {
    let t = new_tenant(&*store, "acme").await;
    let mut quiz = Vec::new();
    for who in ["alice", "bob", "carol"] {
        quiz.push(insert_one(&*store, t, stmt(who, "attempted", "quiz")).await);
        insert_one(&*store, t, stmt(who, "attempted", "other")).await;
    }
    let mut parented = stmt("dave", "attempted", "lesson");
    parented["context"] = json!({ "contextActivities": { "parent": [{ "id": activity("quiz") }] } });
    insert_one(&*store, t, parented).await;

    let got = store
        .activity_statements(t, &activity("quiz"), 10)
        .await
        .expect("activity statements");
    assert_eq!(ids(&got), [quiz[2].clone(), quiz[1].clone(), quiz[0].clone()]);
    let got = store
        .activity_statements(t, &activity("quiz"), 2)
        .await
        .expect("activity statements");
    assert_eq!(ids(&got), [quiz[2].clone(), quiz[1].clone()]);
    let none = store.activity_statements(t, &activity("nothing"), 10).await;
    assert!(none.expect("activity statements").is_empty());
}

/// The trait promises statements "whose object is this activity": a statement whose
/// object is a StatementRef to one of them is not a source of the activity's definition.
pub async fn activity_statements_exclude_statement_refs(store: Arc<dyn Store>) {
    let t = new_tenant(&*store, "acme").await;
    let about = insert_one(&*store, t, stmt("alice", "attempted", "quiz")).await;
    let mut comment = stmt("bob", "commented", "x");
    comment["object"] = json!({ "objectType": "StatementRef", "id": about });
    insert_one(&*store, t, comment).await;
    let got = store
        .activity_statements(t, &activity("quiz"), 1)
        .await
        .expect("activity statements");
    assert_eq!(
        ids(&got),
        [about],
        "a StatementRef took the place of a statement about the activity"
    );
    for s in &got {
        assert_eq!(body(s)["object"]["id"], json!(activity("quiz")));
    }
}
