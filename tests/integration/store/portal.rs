//! The learner portal's storage, the same on every backend: sign-ins (a password, a
//! single-use expiring invitation), portal sessions under each one-ID policy, assignments
//! (direct and through an end client, listed by end client, deleted with their package,
//! end client or learner), and a learner's deletion taking their portal rows.

use std::sync::Arc;

use kiroku::launch::ConcurrentLaunches;
use kiroku::launch::session::SessionState;
use kiroku::learner::LearnerFields;
use kiroku::lrs::LrsError;
use kiroku::portal::assignment::{Assignment, NewAssignment, Target};
use kiroku::portal::{NewPortalSession, code_digest, new_session_token};
use kiroku::store::Store;
use kiroku::tenant::TenantId;

use super::learners::package_version;
use super::{new_tenant, rejection};

async fn learner(store: &dyn Store, tenant: TenantId, id: &str, end_client: Option<&str>) {
    let fields = LearnerFields {
        name: format!("名前 {id}"),
        email: None,
        end_client: end_client.map(str::to_owned),
    };
    store.create_learner(tenant, id, fields).await.expect("learner");
}

fn assignment(package: &str, target: Target, due: Option<&str>) -> Assignment {
    NewAssignment {
        package_id: package.to_owned(),
        target,
        due: due.map(str::to_owned),
    }
    .stored(1000)
}

pub async fn portal_invitations_are_single_use_and_expire(store: Arc<dyn Store>) {
    let store = &*store;
    let t = new_tenant(store, "portal-invite").await;
    learner(store, t, "学習者😀", None).await;
    let missing = store.set_invitation(t, "nobody", code_digest("AAAA"), 10).await;
    assert!(matches!(rejection(missing), LrsError::NotFound(_)));
    store
        .set_invitation(t, "学習者😀", code_digest("ABCD-EFGH"), 5000)
        .await
        .expect("invite");
    let login = store.learner_login(t, "学習者😀").await.expect("login").expect("a row");
    assert_eq!((login.password, login.invitation_expires_ms), (None, Some(5000)));
    let other = new_tenant(store, "portal-invite-other").await;
    assert_eq!(
        store
            .redeem_invitation(other, code_digest("ABCD-EFGH"), 1)
            .await
            .expect("other"),
        None
    );
    assert_eq!(
        store
            .redeem_invitation(t, code_digest("abcd efgh"), 1)
            .await
            .expect("redeem"),
        Some("学習者😀".to_owned())
    );
    assert_eq!(
        store
            .redeem_invitation(t, code_digest("ABCD-EFGH"), 1)
            .await
            .expect("again"),
        None
    );
    store
        .set_invitation(t, "学習者😀", code_digest("LATE"), 5000)
        .await
        .expect("invite");
    assert_eq!(
        store
            .redeem_invitation(t, code_digest("LATE"), 5000)
            .await
            .expect("late"),
        None
    );
    assert_eq!(
        store.redeem_invitation(t, code_digest("LATE"), 1).await.expect("used"),
        None,
        "spent"
    );
    store
        .set_learner_password(t, "学習者😀", "$argon2id$stub")
        .await
        .expect("password");
    let login = store.learner_login(t, "学習者😀").await.expect("login").expect("a row");
    assert_eq!(login.password.as_deref(), Some("$argon2id$stub"));
}

pub async fn portal_sessions_follow_each_policy(store: Arc<dyn Store>) {
    let store = &*store;
    let t = new_tenant(store, "portal-sessions").await;
    learner(store, t, "ann", None).await;
    let open = |token: &str, now: i64, policy| NewPortalSession::new(token, "ann", now, 1000, policy);
    let (a, b, c) = (new_session_token(), new_session_token(), new_session_token());
    let v = store
        .open_portal_session(t, open(&a, 10_000, ConcurrentLaunches::Refuse))
        .await
        .expect("a");
    assert_eq!((v.state, v.case), (SessionState::Active, None));
    let v = store
        .open_portal_session(t, open(&b, 10_500, ConcurrentLaunches::Refuse))
        .await
        .expect("b");
    assert_eq!(v.state, SessionState::Refused);
    assert_eq!(v.others.len(), 1);
    assert!(
        store
            .portal_session(t, kiroku::portal::digest(&b))
            .await
            .expect("b")
            .is_none()
    );
    // Once the first is idle past the window, a second sign-in is no longer refused.
    let v = store
        .open_portal_session(t, open(&b, 11_500, ConcurrentLaunches::Refuse))
        .await
        .expect("b");
    assert_eq!(v.state, SessionState::Active);
    store
        .touch_portal_session(t, kiroku::portal::digest(&b), 11_600, None)
        .await
        .expect("touch");
    let v = store
        .open_portal_session(t, open(&c, 11_700, ConcurrentLaunches::EndFirst))
        .await
        .expect("c");
    assert_eq!(v.state, SessionState::Active);
    let ended = store
        .portal_session(t, kiroku::portal::digest(&b))
        .await
        .expect("b")
        .expect("kept");
    assert!(ended.ended, "the first ended");
    let current = store
        .portal_session(t, kiroku::portal::digest(&c))
        .await
        .expect("c")
        .expect("c");
    assert!(!current.ended);
    assert_eq!(current.learner, "ann");
    store
        .end_portal_session(t, kiroku::portal::digest(&c))
        .await
        .expect("sign out");
    assert!(
        store
            .portal_session(t, kiroku::portal::digest(&c))
            .await
            .expect("c")
            .is_none()
    );
    let other = new_tenant(store, "portal-sessions-other").await;
    assert!(
        store
            .portal_session(other, kiroku::portal::digest(&b))
            .await
            .expect("other")
            .is_none()
    );
}

pub async fn portal_assignments_list_by_learner_and_end_client(store: Arc<dyn Store>) {
    let store = &*store;
    let t = new_tenant(store, "portal-assign").await;
    let pkg = package_version(store, t, "course-a").await.package_id;
    let pkg2 = package_version(store, t, "course-b").await.package_id;
    store.create_end_client(t, "e1", "E1").await.expect("e1");
    store.create_end_client(t, "e2", "E2").await.expect("e2");
    learner(store, t, "ann", Some("e1")).await;
    learner(store, t, "bob", Some("e2")).await;
    let direct = assignment(&pkg, Target::Learner("ann".into()), Some("2030-01-31"));
    let to_e1 = assignment(&pkg2, Target::EndClient("e1".into()), None);
    let to_e2 = assignment(&pkg2, Target::EndClient("e2".into()), None);
    for a in [&direct, &to_e1, &to_e2] {
        store.create_assignment(t, a).await.expect("assign");
    }
    for bad in [
        assignment("no-such", Target::Learner("ann".into()), None),
        assignment(&pkg, Target::Learner("nobody".into()), None),
        assignment(&pkg, Target::EndClient("e9".into()), None),
    ] {
        assert!(matches!(
            rejection(store.create_assignment(t, &bad).await),
            LrsError::NotFound(_)
        ));
    }
    let ids = |v: Vec<Assignment>| v.into_iter().map(|a| a.id).collect::<Vec<_>>();
    let mut ann = ids(store.learner_assignments(t, "ann").await.expect("ann"));
    ann.sort();
    let mut want = vec![direct.id.clone(), to_e1.id.clone()];
    want.sort();
    assert_eq!(ann, want);
    let mut of_e1 = ids(store.list_assignments(t, Some("e1")).await.expect("e1"));
    of_e1.sort();
    assert_eq!(of_e1, want);
    assert_eq!(store.list_assignments(t, None).await.expect("all").len(), 3);
    let read = store.assignment(t, &direct.id).await.expect("read").expect("found");
    assert_eq!(read, direct);
    let other = new_tenant(store, "portal-assign-other").await;
    assert!(store.assignment(other, &direct.id).await.expect("other").is_none());
    assert!(!store.delete_assignment(other, &direct.id).await.expect("other"));
    // Deleting the package takes its assignments; the end client's go with it.
    store.delete_package(t, &pkg2, false).await.expect("delete package");
    assert_eq!(
        ids(store.list_assignments(t, None).await.expect("all")),
        vec![direct.id.clone()]
    );
    assert!(store.delete_assignment(t, &direct.id).await.expect("delete"));
    assert!(!store.delete_assignment(t, &direct.id).await.expect("gone"));
}

pub async fn portal_rows_go_with_a_forced_learner_deletion(store: Arc<dyn Store>) {
    let store = &*store;
    let t = new_tenant(store, "portal-delete").await;
    let pkg = package_version(store, t, "course-a").await;
    learner(store, t, "ann", None).await;
    store
        .create_registration(t, "ann", &pkg.package_id, pkg.version)
        .await
        .expect("reg");
    store
        .set_learner_password(t, "ann", "$argon2id$stub")
        .await
        .expect("password");
    store
        .create_assignment(t, &assignment(&pkg.package_id, Target::Learner("ann".into()), None))
        .await
        .expect("assign");
    let token = new_session_token();
    let new = NewPortalSession::new(&token, "ann", 1000, 1000, ConcurrentLaunches::Allow);
    store.open_portal_session(t, new).await.expect("session");
    store.delete_learner(t, "ann", true).await.expect("forced deletion");
    assert!(
        store
            .portal_session(t, kiroku::portal::digest(&token))
            .await
            .expect("s")
            .is_none()
    );
    assert!(store.learner_login(t, "ann").await.expect("login").is_none());
    assert!(store.list_assignments(t, None).await.expect("all").is_empty());
    let rows = store.tenant_rows(t).await.expect("rows");
    for table in ["portal_sessions", "learner_logins", "assignments"] {
        assert_eq!(rows.get(table), Some(&0), "{table}");
    }
}
