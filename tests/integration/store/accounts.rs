//! Admin accounts, their sessions and API tokens, resellers and end clients
//! (`AccountStore`, `EndClientStore`), and what terminating a tenant takes with it.

use std::sync::Arc;

use kiroku::account::login::{LOCK_MS, MAX_FAILURES, SESSION_IDLE_MS, SESSION_MAX_MS};
use kiroku::account::{Account, NewAccount, Realm};
use kiroku::learner::LearnerFields;
use kiroku::lrs::{LrsError, XapiVersion};
use kiroku::store::{NewSession, Store};
use kiroku::tenant::{NewTenant, TenantId, TenantName};

use super::learners::package_version;
use super::{new_tenant, rejection};

/// A fixed point in time the cases count from.
const T0: i64 = 1_700_000_000_000;

async fn reseller_tenant(store: &dyn Store, name: &str, reseller: &str) -> TenantId {
    let new = NewTenant {
        name: TenantName::parse(name).expect("tenant name"),
        xapi_version: XapiVersion::V200,
        reseller: Some(reseller.to_owned()),
    };
    store.create_tenant(new).await.expect("create tenant").id
}

fn new_account(login: &str, realm: Realm) -> NewAccount {
    NewAccount {
        login: login.to_owned(),
        realm,
        password_hash: format!("hash of {login}"),
        email: Some(format!("{login}@example.jp")),
    }
}

async fn account(store: &dyn Store, login: &str, realm: Realm) -> Account {
    store
        .create_account(new_account(login, realm))
        .await
        .expect("create account")
}

fn digest(n: u8) -> [u8; 32] {
    [n; 32]
}

/// Opens a session (signing in) with the given digest at `at`.
async fn session(store: &dyn Store, a: &Account, n: u8, at: i64) {
    let s = NewSession {
        digest: digest(n),
        created_ms: at,
        expires_ms: at + SESSION_IDLE_MS,
    };
    store.login_succeeded(&a.id, s).await.expect("sign in");
}

async fn session_of(store: &dyn Store, n: u8, at: i64) -> Option<String> {
    store
        .session_account(digest(n), at)
        .await
        .expect("session")
        .map(|a| a.id)
}

async fn end_client(store: &dyn Store, t: TenantId, id: &str) {
    store
        .create_end_client(t, id, &format!("Corp {id}"))
        .await
        .expect("end client");
}

async fn learner_in(store: &dyn Store, t: TenantId, id: &str, ec: Option<&str>) {
    let f = LearnerFields {
        name: id.to_owned(),
        email: None,
        end_client: ec.map(str::to_owned),
    };
    store.create_learner(t, id, f).await.expect("learner");
}

pub async fn account_create_refuses_a_taken_login_and_a_missing_realm(store: Arc<dyn Store>) {
    let store = &*store;
    let t = new_tenant(store, "acc-create").await;
    store.create_reseller("north").await.expect("reseller");
    let a = account(store, "ann", Realm::Tenant(t)).await;
    assert_eq!(store.account(&a.id).await.expect("read"), Some(a.clone()));
    let (found, hash) = store.account_by_login("ann").await.expect("read").expect("by login");
    assert_eq!((found, hash.as_str()), (a, "hash of ann"));
    let taken = store.create_account(new_account("ann", Realm::Service)).await;
    assert!(matches!(rejection(taken), LrsError::Conflict(_)));
    for realm in [
        Realm::Reseller("south".into()),
        Realm::Tenant(TenantId(987_654)),
        Realm::EndClient(t, "nobody".into()),
        Realm::EndClient(TenantId(987_654), "nobody".into()),
    ] {
        let r = store.create_account(new_account("bob", realm.clone())).await;
        assert!(matches!(rejection(r), LrsError::NotFound(_)), "{realm:?}");
    }
    assert!(store.account_by_login("bob").await.expect("read").is_none());
    store
        .create_reseller("north")
        .await
        .map(|_| ())
        .expect_err("a reseller name is taken once");
}

pub async fn account_lock_on_the_fifth_failure_cleared_by_success(store: Arc<dyn Store>) {
    let store = &*store;
    let t = new_tenant(store, "acc-lock").await;
    let a = account(store, "ann", Realm::Tenant(t)).await;
    for n in 1..MAX_FAILURES {
        let after = store.login_failed(&a.id, T0).await.expect("fail").expect("account");
        assert_eq!((after.failed_logins, after.locked_until_ms), (n, None));
    }
    let locked = store.login_failed(&a.id, T0).await.expect("fail").expect("account");
    assert_eq!(locked.locked_until_ms, Some(T0 + LOCK_MS));
    assert_eq!(locked.failed_logins, 0, "the count starts again");
    session(store, &a, 1, T0 + LOCK_MS).await;
    let cleared = store.account(&a.id).await.expect("read").expect("account");
    assert_eq!((cleared.failed_logins, cleared.locked_until_ms), (0, None));
    store.login_failed(&a.id, T0).await.expect("fail");
    store.login_failed(&a.id, T0).await.expect("fail");
    session(store, &a, 2, T0).await;
    let again = store.account(&a.id).await.expect("read").expect("account");
    assert_eq!(again.failed_logins, 0, "a success clears the count");
    assert_eq!(store.login_failed("no-such-account", T0).await.expect("fail"), None);
}

pub async fn account_sessions_slide_never_past_their_maximum(store: Arc<dyn Store>) {
    let store = &*store;
    let t = new_tenant(store, "acc-sessions").await;
    let a = account(store, "ann", Realm::Tenant(t)).await;
    session(store, &a, 1, T0).await;
    // Used every 90 minutes, the session outlives its 2-hour idle limit…
    let mut at = T0;
    while at + 90 * 60 * 1000 < T0 + SESSION_MAX_MS {
        at += 90 * 60 * 1000;
        assert_eq!(session_of(store, 1, at).await, Some(a.id.clone()), "at {at}");
    }
    // …but not its 12 hours since sign-in.
    assert_eq!(session_of(store, 1, T0 + SESSION_MAX_MS - 1).await, Some(a.id.clone()));
    assert_eq!(session_of(store, 1, T0 + SESSION_MAX_MS).await, None);
    // Idle past its expiry, a session is gone, even when asked about with an earlier time.
    session(store, &a, 2, T0).await;
    assert_eq!(session_of(store, 2, T0 + SESSION_IDLE_MS).await, None);
    assert_eq!(
        session_of(store, 2, T0 + 1).await,
        None,
        "the expired session was removed"
    );
    assert_eq!(session_of(store, 1, T0 + 1).await, None);
    session(store, &a, 3, T0).await;
    store.end_session(digest(3)).await.expect("sign out");
    assert_eq!(session_of(store, 3, T0 + 1).await, None);
    assert_eq!(store.tenant_rows(t).await.expect("rows")["account_sessions"], 0);
}

pub async fn account_password_change_ends_other_sessions(store: Arc<dyn Store>) {
    let store = &*store;
    let t = new_tenant(store, "acc-password").await;
    let a = account(store, "ann", Realm::Tenant(t)).await;
    let b = account(store, "bob", Realm::Tenant(t)).await;
    for n in [1, 2] {
        session(store, &a, n, T0).await;
    }
    session(store, &b, 3, T0).await;
    store
        .set_password(&a.id, "new hash".into(), Some(digest(1)))
        .await
        .expect("set");
    assert_eq!(
        session_of(store, 1, T0 + 1).await,
        Some(a.id.clone()),
        "the given one stays"
    );
    assert_eq!(session_of(store, 2, T0 + 1).await, None);
    assert_eq!(
        session_of(store, 3, T0 + 1).await,
        Some(b.id.clone()),
        "other accounts keep theirs"
    );
    let (_, hash) = store.account_by_login("ann").await.expect("read").expect("ann");
    assert_eq!(hash, "new hash");
    store.set_password(&a.id, "newer hash".into(), None).await.expect("set");
    assert_eq!(session_of(store, 1, T0 + 1).await, None, "without one to keep, all end");
}

pub async fn account_delete_takes_sessions_and_tokens(store: Arc<dyn Store>) {
    let store = &*store;
    let t = new_tenant(store, "acc-delete").await;
    let a = account(store, "ann", Realm::Tenant(t)).await;
    let b = account(store, "bob", Realm::Tenant(t)).await;
    session(store, &a, 1, T0).await;
    session(store, &b, 2, T0).await;
    let token = store.create_api_token(&a.id, "ci", digest(9)).await.expect("token");
    store.create_api_token(&b.id, "ci", digest(8)).await.expect("token");
    assert_eq!(
        store.token_account(digest(9), T0).await.expect("token").map(|x| x.id),
        Some(a.id.clone())
    );
    let listed = store.list_api_tokens(&a.id).await.expect("tokens");
    assert_eq!(
        listed.iter().map(|x| x.id.as_str()).collect::<Vec<_>>(),
        [token.id.as_str()]
    );
    assert!(
        !store.revoke_api_token(&b.id, &token.id).await.expect("revoke"),
        "not b's token"
    );

    assert!(store.delete_account(&a.id).await.expect("delete"));
    assert_eq!(store.account(&a.id).await.expect("read"), None);
    assert_eq!(session_of(store, 1, T0 + 1).await, None);
    assert!(store.token_account(digest(9), T0).await.expect("token").is_none());
    assert!(store.list_api_tokens(&a.id).await.expect("tokens").is_empty());
    assert!(!store.delete_account(&a.id).await.expect("delete again"));
    let rows = store.tenant_rows(t).await.expect("rows");
    assert_eq!(
        (rows["accounts"], rows["account_sessions"], rows["api_tokens"]),
        (1, 1, 1),
        "bob's stay"
    );
}

pub async fn account_lists_stay_within_their_realm(store: Arc<dyn Store>) {
    let store = &*store;
    for r in ["north", "south"] {
        store.create_reseller(r).await.expect("reseller");
    }
    let t1 = reseller_tenant(store, "acc-one", "north").await;
    let t2 = reseller_tenant(store, "acc-two", "south").await;
    let t3 = new_tenant(store, "acc-three").await;
    end_client(store, t1, "east").await;
    account(store, "op", Realm::Service).await;
    account(store, "rita", Realm::Reseller("north".into())).await;
    account(store, "sam", Realm::Reseller("south".into())).await;
    account(store, "ann", Realm::Tenant(t1)).await;
    account(store, "erin", Realm::EndClient(t1, "east".into())).await;
    account(store, "tom", Realm::Tenant(t2)).await;
    account(store, "tess", Realm::Tenant(t3)).await;
    let logins = |within: Realm| async move {
        let list = store.list_accounts(&within).await.expect("list");
        list.into_iter().map(|a| a.login).collect::<Vec<_>>()
    };
    assert_eq!(logins(Realm::Reseller("north".into())).await, ["ann", "erin", "rita"]);
    assert_eq!(logins(Realm::Reseller("south".into())).await, ["sam", "tom"]);
    assert_eq!(logins(Realm::Tenant(t1)).await, ["ann", "erin"]);
    assert_eq!(logins(Realm::EndClient(t1, "east".into())).await, ["erin"]);
    assert_eq!(logins(Realm::Tenant(t3)).await, ["tess"]);
    assert_eq!(logins(Realm::Service).await.len(), 7);
    let resellers = store.list_resellers().await.expect("resellers");
    assert_eq!(
        resellers.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(),
        ["north", "south"]
    );
}

pub async fn end_client_delete_refused_while_used(store: Arc<dyn Store>) {
    let store = &*store;
    let t = new_tenant(store, "ec-delete").await;
    let other = new_tenant(store, "ec-other").await;
    end_client(store, t, "east").await;
    end_client(store, other, "east").await;
    let dup = store.create_end_client(t, "east", "again").await;
    assert!(matches!(rejection(dup), LrsError::Conflict(_)));
    learner_in(store, t, "ann", Some("east")).await;
    let refused = store.delete_end_client(t, "east").await;
    assert!(
        matches!(rejection(refused), LrsError::Conflict(_)),
        "a learner belongs to it"
    );
    store.delete_learner(t, "ann", false).await.expect("delete learner");
    let erin = account(store, "erin", Realm::EndClient(t, "east".into())).await;
    let refused = store.delete_end_client(t, "east").await;
    assert!(
        matches!(rejection(refused), LrsError::Conflict(_)),
        "an account belongs to it"
    );
    store.delete_account(&erin.id).await.expect("delete account");
    store.delete_end_client(t, "east").await.expect("delete end client");
    assert!(store.end_client(t, "east").await.expect("read").is_none());
    assert!(
        store.end_client(other, "east").await.expect("read").is_some(),
        "the other tenant's stays"
    );
    let gone = store.delete_end_client(t, "east").await;
    assert!(matches!(rejection(gone), LrsError::NotFound(_)));
    let foreign = store.delete_end_client(t, "nobody").await;
    assert!(matches!(rejection(foreign), LrsError::NotFound(_)));
}

pub async fn learners_and_registrations_filtered_by_end_client(store: Arc<dyn Store>) {
    let store = &*store;
    let t = new_tenant(store, "ec-filter").await;
    let other = new_tenant(store, "ec-filter-other").await;
    for ec in ["east", "west"] {
        end_client(store, t, ec).await;
    }
    end_client(store, other, "east").await;
    let v = package_version(store, t, "course").await;
    let w = package_version(store, other, "course").await;
    for (id, ec) in [("ann", Some("east")), ("bob", Some("west")), ("cy", None)] {
        learner_in(store, t, id, ec).await;
        store
            .create_registration(t, id, &v.package_id, v.version)
            .await
            .expect("register");
    }
    learner_in(store, other, "dee", Some("east")).await;
    store
        .create_registration(other, "dee", &w.package_id, w.version)
        .await
        .expect("register");
    let unknown = LearnerFields {
        name: "Eve".into(),
        email: None,
        end_client: Some("nowhere".into()),
    };
    assert!(matches!(
        rejection(store.create_learner(t, "eve", unknown).await),
        LrsError::NotFound(_)
    ));

    let east = store.list_learners(t, Some("east")).await.expect("learners");
    assert_eq!(east.iter().map(|l| l.id.as_str()).collect::<Vec<_>>(), ["ann"]);
    assert_eq!(store.list_learners(t, None).await.expect("learners").len(), 3);
    let regs = store
        .list_registrations(t, None, None, Some("east"))
        .await
        .expect("regs");
    assert_eq!(regs.len(), 1);
    assert_eq!(
        (regs[0].learner.as_str(), regs[0].end_client.as_deref()),
        ("ann", Some("east"))
    );
    let none = store
        .list_registrations(t, Some("bob"), None, Some("east"))
        .await
        .expect("regs");
    assert!(none.is_empty(), "filters combine");
    let read = store
        .registration(t, &regs[0].id)
        .await
        .expect("read")
        .expect("registration");
    assert_eq!(read.end_client.as_deref(), Some("east"));
    assert!(
        store
            .list_learners(t, Some("nowhere"))
            .await
            .expect("learners")
            .is_empty()
    );
}

pub async fn erase_tenant_takes_accounts_sessions_tokens_and_end_clients(store: Arc<dyn Store>) {
    let store = &*store;
    store.create_reseller("north").await.expect("reseller");
    let t = reseller_tenant(store, "ec-erase", "north").await;
    let keep = new_tenant(store, "ec-keep").await;
    end_client(store, t, "east").await;
    end_client(store, keep, "east").await;
    learner_in(store, t, "ann", Some("east")).await;
    let ann = account(store, "ann", Realm::Tenant(t)).await;
    let erin = account(store, "erin", Realm::EndClient(t, "east".into())).await;
    let rita = account(store, "rita", Realm::Reseller("north".into())).await;
    let kept = account(store, "kim", Realm::EndClient(keep, "east".into())).await;
    for (n, a) in [(1, &ann), (2, &erin), (3, &rita), (4, &kept)] {
        session(store, a, n, T0).await;
        store
            .create_api_token(&a.id, "ci", digest(10 + n))
            .await
            .expect("token");
    }
    let before_keep = store.tenant_rows(keep).await.expect("rows");
    store.erase_tenant(t, true).await.expect("erase");
    let rows = store.tenant_rows(t).await.expect("rows");
    assert!(rows.values().all(|n| *n == 0), "{rows:?}");
    assert_eq!(store.tenant_rows(keep).await.expect("rows"), before_keep);
    for (n, a) in [(1, &ann), (2, &erin)] {
        assert_eq!(store.account(&a.id).await.expect("read"), None);
        assert_eq!(session_of(store, n, T0 + 1).await, None);
        assert!(store.token_account(digest(10 + n), T0).await.expect("token").is_none());
    }
    for (n, a) in [(3, &rita), (4, &kept)] {
        assert_eq!(session_of(store, n, T0 + 1).await, Some(a.id.clone()), "{}", a.login);
        assert!(store.token_account(digest(10 + n), T0).await.expect("token").is_some());
    }
    assert!(store.list_end_clients(t).await.expect("end clients").is_empty());
}

pub async fn account_language_is_kept_and_cleared(store: Arc<dyn Store>) {
    use kiroku::i18n::Lang;
    let store = &*store;
    let t = new_tenant(store, "acc-language").await;
    let a = account(store, "ann", Realm::Tenant(t)).await;
    assert_eq!(a.language, None, "the browser's until set");
    store.set_account_language(&a.id, Some(Lang::Ja)).await.expect("set");
    let read = store.account(&a.id).await.expect("read").expect("ann");
    assert_eq!(read.language, Some(Lang::Ja));
    let (by_login, _) = store.account_by_login("ann").await.expect("read").expect("ann");
    assert_eq!(by_login.language, Some(Lang::Ja));
    let records = store.account_records().await.expect("records");
    let rec = records.iter().find(|r| r.account.id == a.id).expect("ann's record");
    assert_eq!(rec.account.language, Some(Lang::Ja), "migrate-store copies it");
    store.set_account_language(&a.id, None).await.expect("clear");
    assert_eq!(store.account(&a.id).await.expect("read").expect("ann").language, None);
}

pub async fn setup_link_works_once_until_it_expires(store: Arc<dyn Store>) {
    use kiroku::account::setup::SetupRefusal;
    let store = &*store;
    let op = |login: &str| new_account(login, Realm::Service);
    assert!(!store.has_operator().await.expect("read"));
    store.put_setup_link(digest(1), T0 + 1000).await.expect("put");
    assert_eq!(
        store.setup_link_expiry(digest(1), T0).await.expect("read"),
        Some(T0 + 1000)
    );
    assert_eq!(
        store.setup_link_expiry(digest(1), T0 + 1000).await.expect("read"),
        None,
        "expired"
    );
    assert_eq!(
        store.setup_link_expiry(digest(2), T0).await.expect("read"),
        None,
        "unknown"
    );
    // A newer link replaces it.
    store.put_setup_link(digest(2), T0 + 1000).await.expect("put");
    assert_eq!(store.setup_link_expiry(digest(1), T0).await.expect("read"), None);
    let refused = store
        .redeem_setup_link(digest(1), T0, op("first"))
        .await
        .expect("redeem");
    assert_eq!(refused.err(), Some(SetupRefusal::LinkInvalid));
    let refused = store
        .redeem_setup_link(digest(2), T0 + 1000, op("first"))
        .await
        .expect("redeem");
    assert_eq!(refused.err(), Some(SetupRefusal::LinkInvalid), "expired");
    // A taken login leaves the link usable.
    let t = new_tenant(store, "acc-setup").await;
    account(store, "taken", Realm::Tenant(t)).await;
    let refused = store
        .redeem_setup_link(digest(2), T0, op("taken"))
        .await
        .expect("redeem");
    assert_eq!(refused.err(), Some(SetupRefusal::LoginTaken));
    let created = store
        .redeem_setup_link(digest(2), T0, op("first"))
        .await
        .expect("redeem")
        .expect("created");
    assert_eq!(created.realm, Realm::Service);
    assert!(store.has_operator().await.expect("read"));
    let again = store
        .redeem_setup_link(digest(2), T0, op("second"))
        .await
        .expect("redeem");
    assert_eq!(again.err(), Some(SetupRefusal::OperatorExists));
    // Once an operator exists, no stored link is live.
    store.put_setup_link(digest(3), T0 + 1000).await.expect("put");
    assert_eq!(store.setup_link_expiry(digest(3), T0).await.expect("read"), None);
    let again = store
        .redeem_setup_link(digest(3), T0, op("third"))
        .await
        .expect("redeem");
    assert_eq!(again.err(), Some(SetupRefusal::OperatorExists));
    assert!(store.account_by_login("third").await.expect("read").is_none());
}
