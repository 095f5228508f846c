//! Whole-tenant reads and restores, tenant erasure and learner erasure (`ArchiveStore`).

use std::sync::Arc;

use kiroku::lrs::agent::ifi_key;
use kiroku::lrs::document::{DocKind, DocScope};
use kiroku::lrs::query::StatementQuery;
use kiroku::lrs::statement::reindex;
use kiroku::store::archive::{Restore, RestoredStatement};
use kiroku::store::{Attachment, AttemptRecord, NewPackageVersion, PackageFile, Store};
use kiroku::tenant::{TenantId, TenantStatus};
use serde_json::{Value, json};

use super::documents::{key, put, state_scope};
use super::{CRED, all_ids, insert, insert_one, new_tenant, read_voided, try_insert};
use crate::data::{activity, stmt, voiding};

fn file(sha: char) -> PackageFile {
    PackageFile {
        path: format!("{sha}.html"),
        sha256: sha.to_string().repeat(64),
        size: 3,
    }
}

async fn package(store: &dyn Store, t: TenantId, identifier: &str, files: Vec<PackageFile>) -> String {
    let new = NewPackageVersion {
        identifier: identifier.into(),
        kind: "scorm12".into(),
        edition: None,
        title: identifier.into(),
        course: "{}".into(),
        files,
    };
    store.create_package_version(t, new).await.expect("package").package_id
}

fn attempt(registration: &str) -> AttemptRecord {
    AttemptRecord {
        registration: registration.into(),
        item: "sco1".into(),
        number: 1,
        state: kiroku::runtime::plan::AttemptState::Suspended,
        data: r#"{"cmi.location":"p3"}"#.into(),
        commit_seq: 4,
        updated_ms: 1_700_000_000_000,
    }
}

/// Fills a tenant with one of everything; returns the registration id.
async fn populate(store: &dyn Store, t: TenantId) -> String {
    let ids = insert(store, t, &[stmt("alice", "did", "a"), stmt("bob", "did", "b")]).await;
    insert(store, t, &[voiding("alice", &ids[0])]).await;
    let content = b"attached".to_vec();
    let att = Attachment {
        sha2: crate::data::sha256_hex(&content),
        content_type: "text/plain".into(),
        content,
    };
    let mut s = stmt("carol", "did", "c");
    s["attachments"] = json!([crate::data::attachment_decl(b"attached", "text/plain")]);
    try_insert(store, t, CRED, &[s], vec![att])
        .await
        .expect("with attachment");
    let reg = crate::data::uuid();
    store
        .write_document(t, key(&state_scope(&reg), "s1"), put(&json!({"a": 1})))
        .await
        .expect("document");
    let pkg = package(store, t, "course", vec![file('a')]).await;
    store
        .create_learner(
            t,
            "ann",
            kiroku::learner::LearnerFields {
                name: "Ann".into(),
                email: None,
                end_client: None,
            },
        )
        .await
        .expect("learner");
    let r = store
        .create_registration(t, "ann", &pkg, 1)
        .await
        .expect("registration");
    store.save_attempt(t, attempt(&r.id)).await.expect("attempt");
    store
        .save_registration_state(t, &r.id, r#"{"shared":1}"#.into())
        .await
        .expect("state");
    r.id
}

pub async fn archive_rows_restore_into_another_tenant(store: Arc<dyn Store>) {
    let store = &*store;
    let a = new_tenant(store, "arch-a").await;
    let b = new_tenant(store, "arch-b").await;
    populate(store, a).await;
    let rows = store.statements_after(a, 0, 2).await.expect("page 1");
    assert_eq!(rows.len(), 2);
    let rest = store.statements_after(a, rows[1].0, 100).await.expect("page 2");
    let all: Vec<_> = rows.into_iter().chain(rest).map(|(_, s)| s).collect();
    assert_eq!(all.len(), 4);
    let restored = all
        .iter()
        .map(|row| {
            let (terms, refers_to) = reindex(&row.body).expect("reindex");
            RestoredStatement {
                row: row.clone(),
                terms,
                refers_to,
            }
        })
        .collect();
    let atts = store.attachments_after(a, "", 10).await.expect("attachments");
    let docs = store.all_documents(a).await.expect("documents");
    let learners = store.list_learners(a, None).await.expect("learners");
    let regs = store
        .list_registrations(a, None, None, None)
        .await
        .expect("registrations");
    let attempts = store.all_attempts(a).await.expect("attempts");
    let states = store.all_registration_states(a).await.expect("states");
    let ids_a = all_ids(store, a).await;
    let by_activity = StatementQuery {
        activity: Some(activity("b")),
        ..StatementQuery::default()
    };
    let by_activity_a = super::query_ids(store, a, &by_activity).await;
    // Registration ids are unique within a tenant only: the source stays beside its
    // copy, as when a tenant is restored from a backup under a new name.
    store
        .restore(b, Restore::Statements(restored))
        .await
        .expect("restore statements");
    store
        .restore(b, Restore::Attachments(atts.clone()))
        .await
        .expect("restore attachments");
    store
        .restore(b, Restore::Documents(docs.clone()))
        .await
        .expect("restore docs");
    store
        .restore(b, Restore::Learners(learners.clone()))
        .await
        .expect("restore learners");
    store
        .restore(b, Restore::Registrations(regs.clone()))
        .await
        .expect("restore regs");
    store
        .restore(b, Restore::Attempts(attempts.clone()))
        .await
        .expect("restore attempts");
    store
        .restore(b, Restore::RegistrationStates(states.clone()))
        .await
        .expect("restore states");

    let back: Vec<_> = store
        .statements_after(b, 0, 100)
        .await
        .expect("b rows")
        .into_iter()
        .map(|(_, s)| s)
        .collect();
    assert_eq!(
        back, all,
        "ids, stored times, credential, flags and bodies kept in order"
    );
    assert_eq!(all_ids(store, b).await, ids_a, "queries see the same");
    assert!(read_voided(store, b, &all[0].id).await.is_some(), "voiding kept");
    assert_eq!(
        super::query_ids(store, b, &by_activity).await,
        by_activity_a,
        "the index is rebuilt"
    );
    assert_eq!(store.attachments_after(b, "", 10).await.expect("b atts"), atts);
    assert_eq!(store.all_documents(b).await.expect("b docs"), docs);
    assert_eq!(store.list_learners(b, None).await.expect("b learners"), learners);
    assert_eq!(
        store.list_registrations(b, None, None, None).await.expect("b regs"),
        regs
    );
    assert_eq!(store.all_attempts(b).await.expect("b attempts"), attempts);
    assert_eq!(store.all_registration_states(b).await.expect("b states"), states);
    assert_eq!(
        store.list_registrations(a, None, None, None).await.expect("a regs"),
        regs,
        "the source keeps its registrations, ids shared with the copy"
    );
    assert_eq!(all_ids(store, a).await, ids_a, "the source is untouched");
    // A new statement after the restore is stored no earlier than the restored ones.
    let id = insert_one(store, b, stmt("dan", "did", "d")).await;
    let last = store.statements_after(b, 0, 100).await.expect("rows");
    assert_eq!(last.last().map(|(_, s)| s.id.clone()), Some(id));
    assert!(last[last.len() - 1].1.stored_ms >= last[last.len() - 2].1.stored_ms);
}

pub async fn erase_tenant_leaves_nothing_and_keeps_shared_files(store: Arc<dyn Store>) {
    let store = &*store;
    let a = new_tenant(store, "erase-a").await;
    let b = new_tenant(store, "erase-b").await;
    populate(store, a).await;
    package(store, a, "mine", vec![file('b'), file('c')]).await;
    package(store, b, "theirs", vec![file('c')]).await;
    let before_b = store.tenant_rows(b).await.expect("b rows");
    let erased = store.erase_tenant(a, true).await.expect("erase");
    assert_eq!(erased.rows["statements"], 4);
    assert_eq!(erased.rows["package_versions"], 2);
    assert_eq!(
        erased.orphan_blobs,
        vec!["a".repeat(64), "b".repeat(64)],
        "c is shared with b"
    );
    assert!(store.tenant_rows(a).await.expect("a rows").values().all(|n| *n == 0));
    assert_eq!(store.tenant_rows(b).await.expect("b rows"), before_b, "b untouched");
    let t = store.tenant_by_id(a).await.expect("tenant").expect("tombstone");
    assert_eq!(t.status, TenantStatus::Terminated);
    assert!(store.blob_in_use(&"c".repeat(64)).await.expect("in use"));
    let c = new_tenant(store, "erase-c").await;
    store.erase_tenant(c, false).await.expect("erase c");
    assert!(
        store.tenant_by_id(c).await.expect("lookup").is_none(),
        "without tombstone the row goes"
    );
}

pub async fn erase_learner_removes_exactly_that_learner(store: Arc<dyn Store>) {
    let store = &*store;
    let t = new_tenant(store, "erase-l").await;
    let tenant = store.tenant_by_id(t).await.expect("t").expect("tenant");
    let home = kiroku::learner::home_page("https://lrs.test", "erase-l");
    let ann = json!({"objectType": "Agent", "name": "Ann", "account": {"homePage": home, "name": "ann"}});
    let ann_key = ifi_key(&ann).expect("key");
    let reg = populate(store, t).await;
    let mut own = stmt("x", "did", "a");
    own["actor"] = ann.clone();
    let mut taught = stmt("bob", "did", "a");
    taught["context"] = json!({"instructor": ann});
    let ids = insert(store, t, &[own, taught]).await;
    let scope = DocScope {
        kind: DocKind::State,
        activity: activity("a"),
        agent: ann_key.clone(),
        registration: reg,
    };
    store
        .write_document(t, key(&scope, "s"), put(&json!({"b": 2})))
        .await
        .expect("doc");
    let before = store.tenant_rows(t).await.expect("rows");
    let counts = kiroku::ops::erase::erase_learner(store, "https://lrs.test", &tenant, "ann")
        .await
        .expect("erase");
    assert_eq!(counts["statements"], 1);
    assert_eq!(counts["statements_anonymised"], 1);
    assert_eq!(
        (counts["learners"], counts["registrations"], counts["attempts"]),
        (1, 1, 1)
    );
    assert_eq!((counts["documents"], counts["registration_state"]), (1, 1));
    assert!(super::read(store, t, &ids[0]).await.is_none());
    let kept = super::read(store, t, &ids[1]).await.expect("kept");
    let body: Value = serde_json::from_str(&kept.body).expect("json");
    assert!(!kept.body.contains("\"ann\"") && !kept.body.contains("Ann"), "{body}");
    let by_ann = StatementQuery {
        agent: Some(ann_key),
        related_agents: true,
        ..StatementQuery::default()
    };
    assert!(super::query_ids(store, t, &by_ann).await.is_empty());
    let after = store.tenant_rows(t).await.expect("rows");
    assert_eq!(after["statements"], before["statements"] - 1);
    assert_eq!(after["documents"], before["documents"] - 1, "only ann's document");
    assert!(store.learner(t, "ann").await.expect("lookup").is_none());
    assert!(
        kiroku::ops::erase::erase_learner(store, "https://lrs.test", &tenant, "ann")
            .await
            .is_err()
    );
}

pub async fn retention_deletes_only_older_statements(store: Arc<dyn Store>) {
    let store = &*store;
    let t = new_tenant(store, "retain").await;
    let other = new_tenant(store, "retain-other").await;
    let old = insert(store, t, &[stmt("a", "did", "old")]).await;
    insert(store, other, &[stmt("a", "did", "theirs")]).await;
    super::tick().await;
    let cutoff = kiroku::clock::now_ms();
    super::tick().await;
    let new = insert(store, t, &[stmt("a", "did", "new")]).await;
    assert_eq!(store.delete_statements_before(t, cutoff).await.expect("retention"), 1);
    assert_eq!(all_ids(store, t).await, new);
    assert!(super::read(store, t, &old[0]).await.is_none());
    let by_old = StatementQuery {
        activity: Some(activity("old")),
        ..StatementQuery::default()
    };
    assert!(super::query_ids(store, t, &by_old).await.is_empty());
    assert_eq!(all_ids(store, other).await.len(), 1, "other tenants untouched");
    assert_eq!(store.tenant_rows(t).await.expect("rows")["statements"], 1);
}

pub async fn swap_in_restored_replaces_data_and_keeps_access(store: Arc<dyn Store>) {
    use kiroku::audit::{Action, Actor, AuditQuery, NewAuditEntry};
    use kiroku::store::StoreError;
    use kiroku::store::archive::RestoreSwap;
    use kiroku::store::tables::KEPT_ACROSS_RESTORE;
    use kiroku::tenant::{Scope, ScopeSet, issue};

    let store = &*store;
    let live = new_tenant(store, "swap-live").await;
    let staging = new_tenant(store, "swap-staging").await;
    let other = new_tenant(store, "swap-other").await;
    // The live tenant's data, access and history.
    populate(store, live).await;
    package(store, live, "only-live", vec![file('d')]).await;
    let cred = issue(ScopeSet::new(vec![Scope::All]), "lms".into());
    store
        .create_credential(live, cred.new.clone())
        .await
        .expect("credential");
    let entry = NewAuditEntry {
        at_ms: 1000,
        actor: Actor::cli(),
        action: Action::LearnerCreated,
        target: "learner:ann".into(),
        address: None,
        detail: json!({}),
    };
    store.append_audit(live, entry).await.expect("audit");
    // What a restore staged: the same ids (registrations too) and one more statement.
    populate(store, staging).await;
    insert_one(store, staging, stmt("eve", "did", "e")).await;
    store
        .set_tenant_status(staging, TenantStatus::Suspended, Some("restoring".into()))
        .await
        .expect("suspend staging");
    populate(store, other).await;
    let before_other = store.tenant_rows(other).await.expect("other rows");
    let staged_ids = all_ids(store, staging).await;
    let expect_rows: kiroku::store::archive::TableCounts = store
        .tenant_rows(live)
        .await
        .expect("live rows")
        .into_iter()
        .filter(|(t, _)| !KEPT_ACROSS_RESTORE.contains(&t.as_str()))
        .collect();
    // The staged package gets back the id it had in the backup.
    let staged_pkg = store.list_packages(staging).await.expect("packages")[0]
        .package_id
        .clone();
    let original_pkg = crate::data::uuid();
    let swap = |expect_rows| RestoreSwap {
        live,
        staging,
        status: TenantStatus::Active,
        status_reason: None,
        expect_rows,
        package_ids: vec![(staged_pkg.clone(), original_pkg.clone())],
    };

    // Rows changed since the export: refused, nothing moves.
    let mut stale = expect_rows.clone();
    stale.insert("statements".into(), 99);
    assert!(matches!(
        store.swap_in_restored(swap(stale)).await,
        Err(StoreError::Stale)
    ));
    assert_eq!(
        store.tenant_by_name("swap-live").await.expect("by name").map(|t| t.id),
        Some(live)
    );

    let erased = store.swap_in_restored(swap(expect_rows)).await.expect("swap");
    assert_eq!(erased.rows["statements"], 4);
    assert_eq!(
        erased.orphan_blobs,
        vec!["d".repeat(64)],
        "a is still used by the others"
    );
    let t = store
        .tenant_by_name("swap-live")
        .await
        .expect("by name")
        .expect("the name stays");
    assert_eq!(
        (t.id, t.status),
        (staging, TenantStatus::Active),
        "the name points at the restored rows"
    );
    assert!(store.tenant_by_id(live).await.expect("by id").is_none());
    assert!(store.tenant_by_name("swap-staging").await.expect("by name").is_none());
    assert_eq!(
        all_ids(store, staging).await,
        staged_ids,
        "the restored rows answer queries"
    );
    let pkgs = store.list_packages(staging).await.expect("packages");
    assert_eq!(pkgs.len(), 1);
    assert_eq!(
        (&pkgs[0].package_id, pkgs[0].identifier.as_str()),
        (&original_pkg, "course")
    );
    let versions = store.package_versions(staging, &original_pkg).await.expect("versions");
    assert_eq!(versions.len(), 1, "its versions follow the id");
    let regs = store.list_registrations(staging, None, None, None).await.expect("regs");
    assert!(
        regs.iter().all(|r| r.package_id == original_pkg),
        "registrations follow the id"
    );
    let (found, _) = store
        .credential_by_key(&cred.new.key)
        .await
        .expect("credential")
        .expect("the credential is kept");
    assert_eq!(found.id, staging);
    let q = AuditQuery {
        since_ms: None,
        after_seq: None,
        limit: 10,
    };
    let log = store.audit_entries(staging, q).await.expect("audit");
    assert_eq!(log.len(), 1, "the audit log is kept");
    assert!(store.tenant_rows(live).await.expect("rows").values().all(|n| *n == 0));
    assert_eq!(
        store.tenant_rows(other).await.expect("other"),
        before_other,
        "other untouched"
    );
}
