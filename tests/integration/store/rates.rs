//! Request counts per tenant and minute (`RateStore`): added atomically, shared by every
//! handle on the database, kept per tenant, and a tenant's old minutes forgotten.

use std::sync::Arc;

use futures_util::future::join_all;
use kiroku::store::Store;

use super::new_tenant;

const MINUTE: i64 = 29_000_000;

async fn rate_rows(store: &dyn Store, tenant: kiroku::tenant::TenantId) -> u64 {
    store.tenant_rows(tenant).await.expect("rows")["rate_windows"]
}

pub async fn rate_counts_add_up_and_old_minutes_go(store: Arc<dyn Store>) {
    let (t, u) = (
        new_tenant(store.as_ref(), "acme").await,
        new_tenant(store.as_ref(), "other").await,
    );
    assert_eq!(store.add_requests(t, MINUTE, 3).await.expect("add"), 3);
    assert_eq!(store.add_requests(t, MINUTE, 2).await.expect("add"), 5);
    assert_eq!(store.add_requests(u, MINUTE, 1).await.expect("add"), 1, "per tenant");
    assert_eq!(
        store.add_requests(t, MINUTE + 1, 4).await.expect("add"),
        4,
        "per minute"
    );
    assert_eq!(rate_rows(store.as_ref(), t).await, 1, "the earlier minute is forgotten");
    assert_eq!(rate_rows(store.as_ref(), u).await, 1, "another tenant's minute is not");
    store.erase_tenant(t, true).await.expect("erase");
    assert_eq!(rate_rows(store.as_ref(), t).await, 0, "erased with the tenant");
}

/// Two servers adding at once end at the sum, and each addition saw a distinct total.
pub async fn rate_counts_are_shared_by_two_handles(a: Arc<dyn Store>, b: Arc<dyn Store>) {
    let t = new_tenant(a.as_ref(), "acme").await;
    let add = |i: usize| {
        let store = Arc::clone(if i.is_multiple_of(2) { &a } else { &b });
        async move { store.add_requests(t, MINUTE, 1).await.expect("add") }
    };
    let mut totals: Vec<u64> = join_all((0..40).map(add)).await;
    totals.sort_unstable();
    assert_eq!(totals, (1..=40).collect::<Vec<u64>>(), "one count, no addition lost");
    assert_eq!(b.add_requests(t, MINUTE, 10).await.expect("add"), 50);
    assert_eq!(a.add_requests(t, MINUTE, 0).await.expect("add"), 50);
}
