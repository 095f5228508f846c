//! Learners and registrations: create, put, read, list and delete learners; registrations
//! of a learner to a package version; deletes of learners and packages refused while
//! registrations use them unless forced (which removes those registrations); and tenant
//! isolation of all of it.

use std::collections::BTreeSet;
use std::sync::Arc;

use kiroku::learner::{Learner, LearnerFields, Registration};
use kiroku::lrs::LrsError;
use kiroku::store::{NewPackageVersion, PackageFile, PackageVersion, Store};
use kiroku::tenant::TenantId;

use super::{new_tenant, rejection, tick};
use crate::data::uuid;
use crate::learners::is_uuid;

fn fields(name: &str, email: Option<&str>) -> LearnerFields {
    LearnerFields {
        name: name.to_owned(),
        email: email.map(str::to_owned),
        end_client: None,
    }
}

/// Creates a learner that must be accepted.
async fn learner(store: &dyn Store, tenant: TenantId, id: &str, name: &str) -> Learner {
    store
        .create_learner(tenant, id, fields(name, None))
        .await
        .unwrap_or_else(|e| panic!("create learner {id:?}: {e:?}"))
}

/// Stores a version of the course `identifier` (a new package, or its next version).
pub async fn package_version(store: &dyn Store, tenant: TenantId, identifier: &str) -> PackageVersion {
    let new = NewPackageVersion {
        identifier: identifier.to_owned(),
        kind: "scorm12".to_owned(),
        edition: None,
        title: format!("Course {identifier}"),
        course: "{}".to_owned(),
        files: vec![PackageFile {
            path: "index.html".to_owned(),
            sha256: format!("{:064x}", identifier.len()),
            size: 10,
        }],
    };
    store
        .create_package_version(tenant, new)
        .await
        .unwrap_or_else(|e| panic!("create package version of {identifier}: {e:?}"))
}

/// Registers a learner, which must be accepted.
async fn register(store: &dyn Store, tenant: TenantId, learner: &str, package: &str, version: u32) -> Registration {
    store
        .create_registration(tenant, learner, package, version)
        .await
        .unwrap_or_else(|e| panic!("register {learner} to {package} v{version}: {e:?}"))
}

async fn get(store: &dyn Store, tenant: TenantId, id: &str) -> Option<Learner> {
    store.learner(tenant, id).await.expect("read learner")
}

async fn learner_ids(store: &dyn Store, tenant: TenantId) -> Vec<String> {
    let mut ids: Vec<String> = store
        .list_learners(tenant, None)
        .await
        .expect("list learners")
        .into_iter()
        .map(|l| l.id)
        .collect();
    ids.sort();
    ids
}

async fn registrations(
    store: &dyn Store,
    tenant: TenantId,
    learner: Option<&str>,
    package: Option<&str>,
) -> Vec<Registration> {
    store
        .list_registrations(tenant, learner, package, None)
        .await
        .expect("list registrations")
}

/// Ids of registrations, as a set (order is checked where it matters).
fn reg_ids(regs: &[Registration]) -> BTreeSet<String> {
    regs.iter().map(|r| r.id.clone()).collect()
}

async fn read_registration(store: &dyn Store, tenant: TenantId, id: &str) -> Option<Registration> {
    store.registration(tenant, id).await.expect("read registration")
}

#[track_caller]
fn assert_not_found<T: std::fmt::Debug>(r: kiroku::store::StoreResult<T>, what: &str) {
    let e = rejection(r);
    assert!(
        matches!(e, LrsError::NotFound(_)),
        "{what}: expected NotFound, got {e:?}"
    );
}

#[track_caller]
fn assert_conflict<T: std::fmt::Debug>(r: kiroku::store::StoreResult<T>, what: &str) {
    let e = rejection(r);
    assert!(
        matches!(e, LrsError::Conflict(_)),
        "{what}: expected Conflict, got {e:?}"
    );
}

pub async fn learner_create_get_and_list(store: Arc<dyn Store>) {
    let t = new_tenant(&*store, "acme").await;
    assert!(store.list_learners(t, None).await.expect("list").is_empty());
    assert!(get(&*store, t, "ann").await.is_none());

    let ann = store
        .create_learner(t, "ann", fields("Ann Lee", Some("ann@example.com")))
        .await
        .expect("create ann");
    assert_eq!(
        (ann.id.as_str(), ann.name.as_str(), ann.email.as_deref()),
        ("ann", "Ann Lee", Some("ann@example.com"))
    );
    assert!(ann.created_ms > 0, "created_ms is set: {ann:?}");
    assert_eq!(ann.created_ms, ann.updated_ms, "a new learner was never updated");
    let bob = learner(&*store, t, "bob", "Bob").await;
    assert_eq!(bob.email, None);

    assert_eq!(get(&*store, t, "ann").await.as_ref(), Some(&ann));
    assert_eq!(get(&*store, t, "bob").await.as_ref(), Some(&bob));
    assert!(get(&*store, t, "ANN").await.is_none(), "ids are case-sensitive");
    let mut listed = store.list_learners(t, None).await.expect("list");
    listed.sort_by(|a, b| a.id.cmp(&b.id));
    assert_eq!(listed, [ann, bob]);
}

pub async fn learner_put_creates_then_updates(store: Arc<dyn Store>) {
    let t = new_tenant(&*store, "acme").await;
    let (created, was_new) = store
        .put_learner(t, "ann", fields("Ann", Some("ann@example.com")))
        .await
        .expect("put new");
    assert!(was_new, "the first put creates");
    assert_eq!(
        (created.name.as_str(), created.email.as_deref()),
        ("Ann", Some("ann@example.com"))
    );
    assert_eq!(get(&*store, t, "ann").await.as_ref(), Some(&created));

    tick().await;
    let (updated, was_new) = store
        .put_learner(t, "ann", fields("Ann Lee", None))
        .await
        .expect("put again");
    assert!(!was_new, "a put of an existing learner updates");
    assert_eq!(updated.id, "ann");
    assert_eq!(updated.name, "Ann Lee");
    assert_eq!(updated.email, None, "a put replaces the e-mail too");
    assert_eq!(updated.created_ms, created.created_ms, "created is kept");
    assert!(
        updated.updated_ms > created.updated_ms,
        "updated moves on: {created:?} → {updated:?}"
    );
    assert_eq!(get(&*store, t, "ann").await.as_ref(), Some(&updated));
    assert_eq!(learner_ids(&*store, t).await, ["ann"]);
}

pub async fn learner_duplicate_create_conflicts(store: Arc<dyn Store>) {
    let t = new_tenant(&*store, "acme").await;
    let ann = store
        .create_learner(t, "ann", fields("Ann", Some("ann@example.com")))
        .await
        .expect("create");
    let again = store.create_learner(t, "ann", fields("Impostor", None)).await;
    assert_conflict(again, "a second create of the same id");
    assert_eq!(
        get(&*store, t, "ann").await.as_ref(),
        Some(&ann),
        "the refused create changed nothing"
    );
    assert_eq!(learner_ids(&*store, t).await, ["ann"]);
}

pub async fn learner_delete(store: Arc<dyn Store>) {
    let t = new_tenant(&*store, "acme").await;
    learner(&*store, t, "ann", "Ann").await;
    learner(&*store, t, "bob", "Bob").await;
    store.delete_learner(t, "ann", false).await.expect("delete ann");
    assert!(get(&*store, t, "ann").await.is_none());
    assert_eq!(learner_ids(&*store, t).await, ["bob"]);
    assert_not_found(store.delete_learner(t, "ann", false).await, "a second delete");
    assert_not_found(
        store.delete_learner(t, "nobody", false).await,
        "delete of an unknown id",
    );
    assert_not_found(
        store.delete_learner(t, "nobody", true).await,
        "forced delete of an unknown id",
    );
    // The id is free again.
    learner(&*store, t, "ann", "Ann again").await;
    assert_eq!(learner_ids(&*store, t).await, ["ann", "bob"]);
}

pub async fn learner_delete_refused_with_registrations_unless_forced(store: Arc<dyn Store>) {
    let t = new_tenant(&*store, "acme").await;
    let p = package_version(&*store, t, "course-a").await;
    let q = package_version(&*store, t, "course-b").await;
    learner(&*store, t, "ann", "Ann").await;
    learner(&*store, t, "bob", "Bob").await;
    let ann_p = register(&*store, t, "ann", &p.package_id, 1).await;
    let ann_q = register(&*store, t, "ann", &q.package_id, 1).await;
    let bob_p = register(&*store, t, "bob", &p.package_id, 1).await;

    assert_conflict(store.delete_learner(t, "ann", false).await, "delete with registrations");
    assert!(
        get(&*store, t, "ann").await.is_some(),
        "the refused delete kept the learner"
    );
    assert_eq!(
        reg_ids(&registrations(&*store, t, None, None).await),
        reg_ids(&[ann_p.clone(), ann_q.clone(), bob_p.clone()]),
        "the refused delete kept every registration"
    );

    store.delete_learner(t, "ann", true).await.expect("forced delete");
    assert!(get(&*store, t, "ann").await.is_none());
    assert!(read_registration(&*store, t, &ann_p.id).await.is_none());
    assert!(read_registration(&*store, t, &ann_q.id).await.is_none());
    assert!(registrations(&*store, t, Some("ann"), None).await.is_empty());
    assert_eq!(
        registrations(&*store, t, None, None).await,
        std::slice::from_ref(&bob_p),
        "only ann's registrations went"
    );
    assert_eq!(learner_ids(&*store, t).await, ["bob"]);

    // A learner whose registrations went with the package deletes without force.
    store
        .delete_package(t, &p.package_id, true)
        .await
        .expect("forced package delete");
    store
        .delete_learner(t, "bob", false)
        .await
        .expect("bob has no registrations left");
    assert!(learner_ids(&*store, t).await.is_empty());
}

pub async fn learner_delete_forced_without_registrations(store: Arc<dyn Store>) {
    let t = new_tenant(&*store, "acme").await;
    learner(&*store, t, "ann", "Ann").await;
    store
        .delete_learner(t, "ann", true)
        .await
        .expect("forced delete, nothing to force");
    assert!(get(&*store, t, "ann").await.is_none());
}

pub async fn registration_create_and_read(store: Arc<dyn Store>) {
    let t = new_tenant(&*store, "acme").await;
    let v1 = package_version(&*store, t, "course-a").await;
    let v2 = package_version(&*store, t, "course-a").await;
    assert_eq!((v1.package_id.as_str(), v2.version), (v2.package_id.as_str(), 2));
    learner(&*store, t, "ann", "Ann").await;

    let r1 = register(&*store, t, "ann", &v1.package_id, 1).await;
    let r2 = register(&*store, t, "ann", &v1.package_id, 2).await;
    assert_eq!(
        (r1.learner.as_str(), r1.package_id.as_str(), r1.version),
        ("ann", v1.package_id.as_str(), 1)
    );
    assert_eq!(r2.version, 2);
    assert_ne!(r1.id, r2.id, "every registration has its own id");
    for r in [&r1, &r2] {
        assert!(
            is_uuid(&r.id),
            "a registration id is a UUID (it is the xAPI registration): {}",
            r.id
        );
        assert!(r.created_ms > 0);
        assert_eq!(read_registration(&*store, t, &r.id).await.as_ref(), Some(r));
    }
    assert!(read_registration(&*store, t, &uuid()).await.is_none());
    assert!(read_registration(&*store, t, "not-a-registration").await.is_none());
}

pub async fn registration_of_unknown_learner_package_or_version_not_found(store: Arc<dyn Store>) {
    let t = new_tenant(&*store, "acme").await;
    let p = package_version(&*store, t, "course-a").await;
    learner(&*store, t, "ann", "Ann").await;

    let unknown_package = uuid();
    assert_not_found(
        store.create_registration(t, "nobody", &p.package_id, 1).await,
        "unknown learner",
    );
    assert_not_found(
        store.create_registration(t, "ann", &unknown_package, 1).await,
        "unknown package",
    );
    assert_not_found(
        store.create_registration(t, "ann", &p.package_id, 2).await,
        "unknown version",
    );
    assert_not_found(store.create_registration(t, "ann", &p.package_id, 0).await, "version 0");
    assert_not_found(
        store.create_registration(t, "nobody", &unknown_package, 1).await,
        "unknown learner and package",
    );
    assert!(
        registrations(&*store, t, None, None).await.is_empty(),
        "refused registrations are not stored"
    );
    // The package's own version 1 is fine, and a deleted learner is unknown again.
    register(&*store, t, "ann", &p.package_id, 1).await;
    store.delete_learner(t, "ann", true).await.expect("forced delete");
    assert_not_found(
        store.create_registration(t, "ann", &p.package_id, 1).await,
        "a deleted learner",
    );
    store
        .delete_package(t, &p.package_id, false)
        .await
        .expect("delete package");
    learner(&*store, t, "bob", "Bob").await;
    assert_not_found(
        store.create_registration(t, "bob", &p.package_id, 1).await,
        "a deleted package",
    );
}

pub async fn registration_list_filters(store: Arc<dyn Store>) {
    let t = new_tenant(&*store, "acme").await;
    let p = package_version(&*store, t, "course-a").await.package_id;
    let q = package_version(&*store, t, "course-b").await.package_id;
    let unused = package_version(&*store, t, "course-c").await.package_id;
    for (id, name) in [("ann", "Ann"), ("bob", "Bob"), ("cy", "Cy")] {
        learner(&*store, t, id, name).await;
    }
    assert!(registrations(&*store, t, None, None).await.is_empty());
    let ann_p = register(&*store, t, "ann", &p, 1).await;
    tick().await;
    let ann_q = register(&*store, t, "ann", &q, 1).await;
    tick().await;
    let bob_p = register(&*store, t, "bob", &p, 1).await;
    tick().await;
    let ann_p_again = register(&*store, t, "ann", &p, 1).await;

    let all = registrations(&*store, t, None, None).await;
    assert_eq!(
        all,
        [ann_p.clone(), ann_q.clone(), bob_p.clone(), ann_p_again.clone()],
        "every registration, oldest first"
    );
    assert_eq!(
        registrations(&*store, t, Some("ann"), None).await,
        [ann_p.clone(), ann_q.clone(), ann_p_again.clone()],
        "by learner"
    );
    assert_eq!(
        registrations(&*store, t, Some("bob"), None).await,
        std::slice::from_ref(&bob_p)
    );
    assert!(registrations(&*store, t, Some("cy"), None).await.is_empty());
    assert!(registrations(&*store, t, Some("nobody"), None).await.is_empty());
    assert_eq!(
        registrations(&*store, t, None, Some(&p)).await,
        [ann_p.clone(), bob_p.clone(), ann_p_again.clone()],
        "by package"
    );
    assert_eq!(
        registrations(&*store, t, None, Some(&q)).await,
        std::slice::from_ref(&ann_q)
    );
    assert!(registrations(&*store, t, None, Some(&unused)).await.is_empty());
    assert_eq!(
        registrations(&*store, t, Some("ann"), Some(&p)).await,
        [ann_p.clone(), ann_p_again.clone()],
        "by learner and package"
    );
    assert!(registrations(&*store, t, Some("bob"), Some(&q)).await.is_empty());
    assert!(registrations(&*store, t, Some("cy"), Some(&p)).await.is_empty());
}

pub async fn package_delete_refused_while_registered_unless_forced(store: Arc<dyn Store>) {
    let t = new_tenant(&*store, "acme").await;
    let p = package_version(&*store, t, "course-a").await.package_id;
    package_version(&*store, t, "course-a").await;
    let q = package_version(&*store, t, "course-b").await.package_id;
    learner(&*store, t, "ann", "Ann").await;
    learner(&*store, t, "bob", "Bob").await;
    let ann_p1 = register(&*store, t, "ann", &p, 1).await;
    let bob_p2 = register(&*store, t, "bob", &p, 2).await;
    let ann_q = register(&*store, t, "ann", &q, 1).await;

    assert_conflict(
        store.delete_package(t, &p, false).await,
        "delete of a registered package",
    );
    assert_eq!(
        store.package_versions(t, &p).await.expect("versions").len(),
        2,
        "the refused delete kept every version"
    );
    assert!(store.package_course(t, &p, 1).await.expect("course").is_some());
    assert_eq!(
        reg_ids(&registrations(&*store, t, None, None).await),
        reg_ids(&[ann_p1.clone(), bob_p2.clone(), ann_q.clone()]),
        "the refused delete kept every registration"
    );

    store.delete_package(t, &p, true).await.expect("forced delete");
    assert!(store.package_versions(t, &p).await.expect("versions").is_empty());
    assert!(read_registration(&*store, t, &ann_p1.id).await.is_none());
    assert!(read_registration(&*store, t, &bob_p2.id).await.is_none());
    assert!(registrations(&*store, t, None, Some(&p)).await.is_empty());
    assert_eq!(
        registrations(&*store, t, None, None).await,
        std::slice::from_ref(&ann_q),
        "only the deleted package's registrations went"
    );
    assert_eq!(learner_ids(&*store, t).await, ["ann", "bob"], "learners stay");
    assert_not_found(store.delete_package(t, &p, true).await, "a second delete");

    // A package without registrations deletes without force.
    let unused = package_version(&*store, t, "course-c").await.package_id;
    store
        .delete_package(t, &unused, false)
        .await
        .expect("delete unused package");
    assert!(store.package_versions(t, &unused).await.expect("versions").is_empty());
    assert_eq!(registrations(&*store, t, None, None).await, [ann_q]);
}

pub async fn isolation_learners_and_registrations(store: Arc<dyn Store>) {
    let a = new_tenant(&*store, "acme").await;
    let b = new_tenant(&*store, "globex").await;
    let a_pkg = package_version(&*store, a, "course-a").await.package_id;
    let ann = store
        .create_learner(a, "ann", fields("Ann", Some("ann@acme.example")))
        .await
        .expect("create ann in A");
    let a_reg = register(&*store, a, "ann", &a_pkg, 1).await;
    let b_pkg = package_version(&*store, b, "course-b").await.package_id;
    learner(&*store, b, "bea", "Bea").await;

    // B cannot see A's learner, registration or package.
    assert!(get(&*store, b, "ann").await.is_none());
    assert_eq!(learner_ids(&*store, b).await, ["bea"]);
    assert!(read_registration(&*store, b, &a_reg.id).await.is_none());
    assert!(registrations(&*store, b, None, None).await.is_empty());
    assert!(registrations(&*store, b, Some("ann"), None).await.is_empty());
    assert!(registrations(&*store, b, None, Some(&a_pkg)).await.is_empty());
    assert!(store.package_versions(b, &a_pkg).await.expect("versions").is_empty());

    // B cannot register A's learner, nor its own learner to A's package (any version).
    assert_not_found(
        store.create_registration(b, "ann", &b_pkg, 1).await,
        "B registers A's learner",
    );
    assert_not_found(
        store.create_registration(b, "bea", &a_pkg, 1).await,
        "B registers to A's package",
    );
    assert_not_found(
        store.create_registration(b, "ann", &a_pkg, 1).await,
        "B registers A's learner to A's package",
    );
    // Nor A the other way round.
    assert_not_found(
        store.create_registration(a, "ann", &b_pkg, 1).await,
        "A registers to B's package",
    );

    // B cannot delete A's learner or package, and cannot tell they exist (and are
    // registered): the answer is NotFound, never Conflict, with or without force.
    for force in [false, true] {
        assert_not_found(store.delete_learner(b, "ann", force).await, "B deletes A's learner");
        assert_not_found(store.delete_package(b, &a_pkg, force).await, "B deletes A's package");
    }

    // Everything of A's is as it was.
    assert_eq!(get(&*store, a, "ann").await.as_ref(), Some(&ann));
    assert_eq!(read_registration(&*store, a, &a_reg.id).await.as_ref(), Some(&a_reg));
    assert_eq!(
        registrations(&*store, a, None, None).await,
        std::slice::from_ref(&a_reg)
    );
    assert_eq!(store.package_versions(a, &a_pkg).await.expect("versions").len(), 1);
    assert_eq!(learner_ids(&*store, a).await, ["ann"]);

    // And A cannot see B's either.
    assert!(get(&*store, a, "bea").await.is_none());
    let b_reg = register(&*store, b, "bea", &b_pkg, 1).await;
    assert!(read_registration(&*store, a, &b_reg.id).await.is_none());
    assert_eq!(registrations(&*store, a, None, None).await, [a_reg]);
}

pub async fn isolation_learner_ids_repeat_across_tenants(store: Arc<dyn Store>) {
    let a = new_tenant(&*store, "acme").await;
    let b = new_tenant(&*store, "globex").await;
    let a_pkg = package_version(&*store, a, "course").await.package_id;
    let b_pkg = package_version(&*store, b, "course").await.package_id;
    assert_ne!(a_pkg, b_pkg, "the same course is a different package in each tenant");

    let a_ann = store
        .create_learner(a, "ann", fields("Ann of Acme", Some("ann@acme.example")))
        .await
        .expect("create in A");
    // The same id in B is a create, not a conflict, and not an update of A's learner.
    let b_ann = store
        .create_learner(b, "ann", fields("Ann of Globex", None))
        .await
        .expect("the same id in B");
    assert_eq!(b_ann.name, "Ann of Globex");
    let (b_bob, created) = store
        .put_learner(b, "bob", fields("Bob", None))
        .await
        .expect("put bob in B");
    assert!(created);
    let (_, created) = store
        .put_learner(a, "bob", fields("Bob of Acme", None))
        .await
        .expect("put bob in A");
    assert!(created, "a put in A of an id B has creates");
    assert_eq!(
        get(&*store, b, "bob").await.as_ref(),
        Some(&b_bob),
        "B's bob is untouched"
    );
    let (_, created) = store
        .put_learner(b, "ann", fields("Ann of Globex, renamed", None))
        .await
        .expect("put ann in B");
    assert!(!created);
    assert_eq!(
        get(&*store, a, "ann").await.as_ref(),
        Some(&a_ann),
        "A's ann is untouched"
    );
    assert_eq!(
        get(&*store, b, "ann").await.map(|l| l.name),
        Some("Ann of Globex, renamed".to_owned())
    );

    // Registrations of each tenant's ann stay apart.
    let a_reg = register(&*store, a, "ann", &a_pkg, 1).await;
    let b_reg = register(&*store, b, "ann", &b_pkg, 1).await;
    assert_eq!(
        registrations(&*store, a, Some("ann"), None).await,
        std::slice::from_ref(&a_reg)
    );
    assert_eq!(
        registrations(&*store, b, Some("ann"), None).await,
        std::slice::from_ref(&b_reg)
    );

    // A refusal in one tenant counts only that tenant's registrations: A's bob is
    // registered, B's is not.
    tick().await;
    let a_bob_reg = register(&*store, a, "bob", &a_pkg, 1).await;
    store
        .delete_learner(b, "bob", false)
        .await
        .expect("B's bob has no registrations");
    assert!(get(&*store, a, "bob").await.is_some(), "A's bob survives B's delete");
    assert_eq!(
        read_registration(&*store, a, &a_bob_reg.id).await.as_ref(),
        Some(&a_bob_reg)
    );
    assert_conflict(store.delete_learner(b, "ann", false).await, "B's ann is registered");
    // A forced delete in B removes B's ann and registrations only.
    store.delete_learner(b, "ann", true).await.expect("forced delete in B");
    assert!(get(&*store, b, "ann").await.is_none());
    assert!(read_registration(&*store, b, &b_reg.id).await.is_none());
    assert_eq!(get(&*store, a, "ann").await.as_ref(), Some(&a_ann));
    assert_eq!(read_registration(&*store, a, &a_reg.id).await.as_ref(), Some(&a_reg));
    assert_eq!(
        registrations(&*store, a, None, None).await,
        [a_reg.clone(), a_bob_reg.clone()]
    );
    // And B's (now unregistered) package deletes without touching A's registrations.
    store
        .delete_package(b, &b_pkg, false)
        .await
        .expect("delete B's package");
    assert_eq!(registrations(&*store, a, None, None).await, [a_reg, a_bob_reg]);
    assert_eq!(learner_ids(&*store, a).await, ["ann", "bob"]);
    assert!(learner_ids(&*store, b).await.is_empty());
}
