//! Plans, tenants' plans and status, usage, and the quotas the store enforces.

use std::sync::Arc;

use kiroku::learner::LearnerFields;
use kiroku::lrs::LrsError;
use kiroku::store::{NewPackageVersion, PackageFile, Store, StoreError};
use kiroku::tenant::{QuotaKind, Quotas, TenantId, TenantStatus};
use serde_json::json;

use super::{insert, new_tenant, rejection};

fn fields(name: &str) -> LearnerFields {
    LearnerFields {
        name: name.to_owned(),
        email: None,
        end_client: None,
    }
}

fn version(identifier: &str, files: &[(&str, u64)]) -> NewPackageVersion {
    NewPackageVersion {
        identifier: identifier.to_owned(),
        kind: "scorm12".to_owned(),
        edition: None,
        title: identifier.to_owned(),
        course: "{}".to_owned(),
        files: files
            .iter()
            .map(|(hash, size)| PackageFile {
                path: format!("{hash}.html"),
                sha256: format!("{hash:0>64}"),
                size: *size,
            })
            .collect(),
    }
}

#[track_caller]
fn quota<T: std::fmt::Debug>(r: Result<T, StoreError>, kind: QuotaKind) {
    match r {
        Err(StoreError::Quota(q)) => assert_eq!(q.kind, kind),
        other => panic!("expected a {kind:?} quota refusal, got {other:?}"),
    }
}

pub async fn plan_create_list_and_assign(store: Arc<dyn Store>) {
    let gold = Quotas {
        storage_bytes: Some(1000),
        learners: Some(2),
        statements_per_month: None,
        requests_per_minute: Some(60),
    };
    let p = store.create_plan("gold", gold).await.expect("create plan");
    assert_eq!((p.name.as_str(), p.quotas), ("gold", gold));
    store.create_plan("free", Quotas::default()).await.expect("create plan");
    assert!(matches!(
        rejection(store.create_plan("gold", Quotas::default()).await),
        LrsError::Conflict(_)
    ));
    let names: Vec<String> = store
        .list_plans()
        .await
        .expect("list")
        .iter()
        .map(|p| p.name.to_string())
        .collect();
    assert_eq!(names, ["free", "gold"]);

    let t = new_tenant(&*store, "acme").await;
    let before = store.tenant_by_id(t).await.expect("read").expect("tenant");
    assert_eq!((before.plan.as_deref(), before.quotas), (None, Quotas::default()));
    let after = store
        .set_tenant_plan(t, Some("gold"))
        .await
        .expect("set")
        .expect("tenant");
    assert_eq!((after.plan.as_deref(), after.quotas), (Some("gold"), gold));
    let by_name = store.tenant_by_name("acme").await.expect("read").expect("tenant");
    assert_eq!(by_name.quotas, gold);
    assert!(matches!(
        rejection(store.set_tenant_plan(t, Some("platinum")).await),
        LrsError::NotFound(_)
    ));
    assert!(
        store
            .set_tenant_plan(TenantId(999_999), Some("gold"))
            .await
            .expect("set")
            .is_none()
    );
    let listed = store.list_tenants().await.expect("list");
    assert_eq!(listed[0].quotas, gold);
}

pub async fn tenant_suspend_and_resume(store: Arc<dyn Store>) {
    let t = new_tenant(&*store, "acme").await;
    let s = store
        .set_tenant_status(t, TenantStatus::Suspended, Some("unpaid".into()))
        .await
        .expect("suspend")
        .expect("tenant");
    assert_eq!(
        (s.status, s.status_reason.as_deref()),
        (TenantStatus::Suspended, Some("unpaid"))
    );
    assert!(s.admit().is_err());
    let r = store
        .set_tenant_status(t, TenantStatus::Active, None)
        .await
        .expect("resume")
        .expect("tenant");
    assert_eq!((r.status, r.status_reason.as_deref()), (TenantStatus::Active, None));
    assert!(r.admit().is_ok());
}

pub async fn learner_quota_refuses_new_learners_only(store: Arc<dyn Store>) {
    let limits = Quotas {
        learners: Some(2),
        ..Quotas::default()
    };
    store.create_plan("two", limits).await.expect("plan");
    let t = new_tenant(&*store, "acme").await;
    let other = new_tenant(&*store, "other").await;
    store.set_tenant_plan(t, Some("two")).await.expect("set");
    store.create_learner(t, "a", fields("A")).await.expect("first");
    store.put_learner(t, "b", fields("B")).await.expect("second");
    quota(store.create_learner(t, "c", fields("C")).await, QuotaKind::Learners);
    quota(store.put_learner(t, "c", fields("C")).await, QuotaKind::Learners);
    // Updating a learner is no new learner; another tenant is not limited.
    let (l, created) = store.put_learner(t, "a", fields("A2")).await.expect("update");
    assert_eq!((l.name.as_str(), created), ("A2", false));
    store
        .create_learner(other, "c", fields("C"))
        .await
        .expect("other tenant");
    assert!(store.learner(t, "c").await.expect("read").is_none());
    assert_eq!(store.list_learners(t, None).await.expect("list").len(), 2);
}

pub async fn storage_quota_refuses_the_whole_version(store: Arc<dyn Store>) {
    let limits = Quotas {
        storage_bytes: Some(100),
        ..Quotas::default()
    };
    store.create_plan("small", limits).await.expect("plan");
    let t = new_tenant(&*store, "acme").await;
    store.set_tenant_plan(t, Some("small")).await.expect("set");
    store
        .create_package_version(t, version("one", &[("a", 60)]))
        .await
        .expect("fits");
    // A file the tenant has already costs nothing more.
    store
        .create_package_version(t, version("one", &[("a", 60), ("b", 40)]))
        .await
        .expect("fits exactly");
    quota(
        store.create_package_version(t, version("two", &[("c", 1)])).await,
        QuotaKind::Storage,
    );
    assert_eq!(store.list_packages(t).await.expect("list").len(), 1);
    assert_eq!(store.storage_bytes(t).await.expect("bytes"), 100);
    assert!(!store.blob_in_use(&format!("{:0>64}", "c")).await.expect("in use"));
}

pub async fn usage_counts_storage_learners_and_statements_this_month(store: Arc<dyn Store>) {
    let t = new_tenant(&*store, "acme").await;
    let other = new_tenant(&*store, "other").await;
    store.create_learner(t, "a", fields("A")).await.expect("learner");
    store
        .create_package_version(t, version("one", &[("a", 60), ("b", 40)]))
        .await
        .expect("package");
    let statement = |n: u32| json!({"actor": {"mbox": format!("mailto:{n}@example.com")}, "verb": {"id": "http://example.com/v"}, "object": {"id": "http://example.com/a"}});
    insert(&*store, t, &[statement(1), statement(2)]).await;
    insert(&*store, other, &[statement(3)]).await;
    let now = kiroku::clock::now_ms();
    let u = store.tenant_usage(t, now - 60_000).await.expect("usage");
    assert_eq!((u.storage_bytes, u.learners, u.statements_this_month), (100, 1, 2));
    let later = store.tenant_usage(t, now + 60_000).await.expect("usage");
    assert_eq!(later.statements_this_month, 0);
}
