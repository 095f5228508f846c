//! Tenants and credentials.

use std::sync::Arc;

use kiroku::lrs::{LrsError, XapiVersion};
use kiroku::store::Store;
use kiroku::tenant::{IssuedCredential, NewTenant, Scope, ScopeSet, TenantId, TenantName, TenantStatus, issue};

use super::{new_tenant, rejection};

fn named(name: &str, xapi_version: XapiVersion) -> NewTenant {
    NewTenant {
        name: TenantName::parse(name).expect("tenant name"),
        xapi_version,
        reseller: None,
    }
}

fn keys(creds: &[kiroku::tenant::Credential]) -> Vec<String> {
    let mut k: Vec<String> = creds.iter().map(|c| c.key.clone()).collect();
    k.sort();
    k
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

/// Issues and stores a credential, returning what was issued (with the secret).
async fn credential(store: &dyn Store, tenant: TenantId, scopes: &[Scope], label: &str) -> IssuedCredential {
    let issued = issue(ScopeSet::new(scopes.to_vec()), label.to_owned());
    let stored = store
        .create_credential(tenant, issued.new.clone())
        .await
        .expect("create credential");
    assert_eq!(stored.key, issued.new.key);
    assert_eq!(stored.tenant, tenant);
    issued
}

pub async fn tenant_create_list_and_find(store: Arc<dyn Store>) {
    assert!(store.list_tenants().await.expect("list").is_empty());
    let alpha = store
        .create_tenant(named("alpha", XapiVersion::V200))
        .await
        .expect("create alpha");
    let beta = store
        .create_tenant(named("beta.2", XapiVersion::V103))
        .await
        .expect("create beta");
    assert_ne!(alpha.id, beta.id);
    assert_eq!(alpha.name.as_str(), "alpha");
    assert_eq!(alpha.status, TenantStatus::Active);

    let listed = store.list_tenants().await.expect("list");
    let names: Vec<String> = listed.iter().map(|t| t.name.to_string()).collect();
    assert_eq!(sorted(names), ["alpha", "beta.2"]);

    let found = store
        .tenant_by_name("beta.2")
        .await
        .expect("by name")
        .expect("beta is found");
    assert_eq!(found.id, beta.id);
    assert_eq!(found.xapi_version, XapiVersion::V103);
    assert_eq!(found.status, TenantStatus::Active);
    assert_eq!(found.created_ms, beta.created_ms);
    let found = store.tenant_by_name("alpha").await.expect("by name");
    assert_eq!(
        found.map(|t| (t.id, t.xapi_version)),
        Some((alpha.id, XapiVersion::V200))
    );
    assert!(store.tenant_by_name("gamma").await.expect("by name").is_none());
    assert!(store.tenant_by_name("ALPHA").await.expect("by name").is_none());
}

pub async fn tenant_duplicate_name_rejected(store: Arc<dyn Store>) {
    let first = new_tenant(&*store, "acme").await;
    let again = store.create_tenant(named("acme", XapiVersion::V103)).await;
    assert!(matches!(rejection(again), LrsError::Conflict(_)));
    let listed = store.list_tenants().await.expect("list");
    assert_eq!(listed.len(), 1, "the rejected tenant was stored: {listed:?}");
    let found = store.tenant_by_name("acme").await.expect("by name").expect("acme");
    assert_eq!((found.id, found.xapi_version), (first, XapiVersion::V200));
}

pub async fn credential_create_list_and_find(store: Arc<dyn Store>) {
    let t = new_tenant(&*store, "acme").await;
    let other = new_tenant(&*store, "other").await;
    assert!(store.list_credentials(t).await.expect("list").is_empty());
    let writer = credential(&*store, t, &[Scope::StatementsWrite], "lms").await;
    let reader = credential(&*store, t, &[Scope::StatementsRead, Scope::State], "reports").await;
    let elsewhere = credential(&*store, other, &[Scope::All], "other").await;

    let listed = store.list_credentials(t).await.expect("list");
    assert_eq!(
        keys(&listed),
        sorted(vec![writer.new.key.clone(), reader.new.key.clone()])
    );
    let r = listed.iter().find(|c| c.key == reader.new.key).expect("reader listed");
    assert_eq!(r.label, "reports");
    assert_eq!(r.scopes, ScopeSet::new(vec![Scope::State, Scope::StatementsRead]));
    assert_eq!(r.tenant, t);
    assert_eq!(
        keys(&store.list_credentials(other).await.expect("list")),
        [elsewhere.new.key.as_str()]
    );

    let (tenant, cred) = store
        .credential_by_key(&reader.new.key)
        .await
        .expect("by key")
        .expect("reader found");
    assert_eq!((tenant.id, tenant.name.as_str()), (t, "acme"));
    assert_eq!(cred.tenant, t);
    assert!(cred.secret_matches(&reader.secret));
    assert!(!cred.secret_matches(&writer.secret));
    assert!(cred.scopes.contains(Scope::StatementsRead));
    let (tenant, _) = store
        .credential_by_key(&elsewhere.new.key)
        .await
        .expect("by key")
        .expect("other's credential found");
    assert_eq!(tenant.id, other);
    assert!(store.credential_by_key("no-such-key").await.expect("by key").is_none());
}

pub async fn credential_revoke(store: Arc<dyn Store>) {
    let t = new_tenant(&*store, "acme").await;
    let kept = credential(&*store, t, &[Scope::All], "kept").await;
    let gone = credential(&*store, t, &[Scope::All], "gone").await;
    assert!(store.revoke_credential(t, &gone.new.key).await.expect("revoke"));
    assert!(
        !store.revoke_credential(t, &gone.new.key).await.expect("revoke again"),
        "a revoked key was revoked twice"
    );
    assert!(!store.revoke_credential(t, "no-such-key").await.expect("revoke unknown"));
    assert!(store.credential_by_key(&gone.new.key).await.expect("by key").is_none());
    assert!(store.credential_by_key(&kept.new.key).await.expect("by key").is_some());
    assert_eq!(
        keys(&store.list_credentials(t).await.expect("list")),
        [kept.new.key.as_str()]
    );
}

pub async fn tenant_by_id(store: Arc<dyn Store>) {
    let a = super::new_tenant(store.as_ref(), "by-id").await;
    let found = store.tenant_by_id(a).await.expect("store call").expect("the tenant");
    assert_eq!((found.id, found.name.as_str()), (a, "by-id"));
    let missing = kiroku::tenant::TenantId(a.0 + 1000);
    assert!(store.tenant_by_id(missing).await.expect("store call").is_none());
}
