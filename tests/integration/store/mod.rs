//! A conformance suite for the storage traits, written once against `dyn Store` so every
//! backend runs the very same cases. A case is `pub async fn case(store: Arc<dyn Store>)`
//! and asserts through the trait API only; `store_suite!` turns the list of cases into
//! one `#[tokio::test]` each, inside a module named after the backend:
//!
//! ```ignore
//! store_suite!(sqlite, open_sqlite());
//! ```
//!
//! The factory is an async expression giving an `Arc<dyn Store>`, or a pair of it and a
//! guard (a temporary folder, a scratch database) kept alive until the test ends. A second
//! factory gives two store handles on one database (two servers) and a guard, for the
//! cases that take `(a: Arc<dyn Store>, b: Arc<dyn Store>)`:
//!
//! ```ignore
//! store_suite!(sqlite, open_sqlite(), open_sqlite_twice());
//! ```

use std::any::Any;
use std::sync::Arc;
use std::time::Duration;

use kiroku::lrs::statement::{PreparedStatement, Storer, prepare};
use kiroku::lrs::{LrsError, XapiVersion};
use kiroku::store::{Attachment, QueryPage, Store, StoreError, StoreResult, StoredStatement};
use kiroku::tenant::{NewTenant, TenantId, TenantName};
use serde_json::{Value, json};

mod accounts;
mod archive;
mod attempts;
mod audit;
mod concurrency;
mod documents;
mod isolation;
mod learners;
mod notices;
mod plans;
mod portal;
mod queries;
mod rates;
mod statements;
mod tables;
mod tenants;

/// A store under test and whatever must outlive it.
pub struct Backend {
    pub store: Arc<dyn Store>,
    _guard: Box<dyn Any + Send>,
}

impl From<Arc<dyn Store>> for Backend {
    fn from(store: Arc<dyn Store>) -> Self {
        Self {
            store,
            _guard: Box::new(()),
        }
    }
}

impl<G: Any + Send> From<(Arc<dyn Store>, G)> for Backend {
    fn from((store, guard): (Arc<dyn Store>, G)) -> Self {
        Self {
            store,
            _guard: Box::new(guard),
        }
    }
}

/// Two handles on one database, as two servers have, and whatever must outlive them.
pub struct Pair {
    pub a: Arc<dyn Store>,
    pub b: Arc<dyn Store>,
    _guard: Box<dyn Any + Send>,
}

impl<G: Any + Send> From<(Arc<dyn Store>, Arc<dyn Store>, G)> for Pair {
    fn from((a, b, guard): (Arc<dyn Store>, Arc<dyn Store>, G)) -> Self {
        Self {
            a,
            b,
            _guard: Box::new(guard),
        }
    }
}

/// Generates the suite for one backend:
/// `store_suite!(name, async_factory_expression, async_pair_factory_expression,
/// async_schema_expression)`, the last giving the backend (`store::tables::Backend`) and
/// the tables that have a `tenant` column in a freshly migrated database.
macro_rules! store_suite {
    ($backend:ident, $factory:expr, $pair:expr, $schema:expr) => {
        store_suite!(@cases $backend, $factory, $pair, $schema;
            [rates::rate_counts_are_shared_by_two_handles, notices::notice_deliveries_are_taken_once_by_two_handles];
            rates::rate_counts_add_up_and_old_minutes_go,
            tenants::tenant_create_list_and_find,
            audit::audit_append_page_and_isolate,
            audit::launch_sessions_follow_each_policy,
            audit::launch_sessions_unseen_for_a_day_are_forgotten,
            tenants::tenant_duplicate_name_rejected,
            tenants::credential_create_list_and_find,
            tenants::credential_revoke,
            tenants::tenant_by_id,
            plans::plan_create_list_and_assign,
            plans::tenant_suspend_and_resume,
            plans::learner_quota_refuses_new_learners_only,
            plans::storage_quota_refuses_the_whole_version,
            plans::usage_counts_storage_learners_and_statements_this_month,
            statements::statement_insert_and_read_back,
            statements::statement_identical_resend_accepted,
            statements::statement_different_content_conflicts,
            statements::statement_batch_all_or_nothing,
            statements::statement_voiding_hides_target,
            statements::statement_voiding_a_voiding_statement_rejected,
            statements::statement_ref_inherits_target_terms,
            statements::statement_attachments_by_hash,
            statements::statement_mine_filter,
            statements::activity_statements_newest_first,
            statements::activity_statements_exclude_statement_refs,
            queries::query_by_agent,
            queries::query_by_verb,
            queries::query_by_activity,
            queries::query_by_registration,
            queries::query_related_agents,
            queries::query_related_activities,
            queries::query_filters_combine,
            queries::query_since_until,
            queries::query_order,
            queries::query_limit_and_more,
            queries::query_paging_descending_is_stable,
            queries::query_paging_ascending_continues,
            documents::document_replace_and_read,
            documents::document_merge,
            documents::document_keys_are_distinct,
            documents::document_ids_since,
            documents::document_write_preconditions,
            documents::document_delete_one_if_match,
            documents::document_delete_all_in_scope,
            documents::document_unconditional_conflict_if_exists,
            documents::document_unconditional_refused,
            isolation::isolation_statement_reads,
            isolation::isolation_statement_ids_reusable,
            isolation::isolation_attachments,
            isolation::isolation_document_reads,
            isolation::isolation_document_writes,
            isolation::isolation_credentials,
            portal::portal_invitations_are_single_use_and_expire,
            portal::portal_sessions_follow_each_policy,
            portal::portal_assignments_list_by_learner_and_end_client,
            portal::portal_rows_go_with_a_forced_learner_deletion,
            learners::learner_create_get_and_list,
            learners::learner_put_creates_then_updates,
            learners::learner_duplicate_create_conflicts,
            learners::learner_delete,
            learners::learner_delete_refused_with_registrations_unless_forced,
            learners::learner_delete_forced_without_registrations,
            learners::registration_create_and_read,
            learners::registration_of_unknown_learner_package_or_version_not_found,
            learners::registration_list_filters,
            learners::package_delete_refused_while_registered_unless_forced,
            learners::isolation_learners_and_registrations,
            learners::isolation_learner_ids_repeat_across_tenants,
            attempts::attempt_latest_and_sequence_rule,
            attempts::isolation_attempts,
            attempts::runtime_writes_apply_whole_or_not_at_all,
            concurrency::concurrent_batches_never_commit_behind_a_read,
            concurrency::concurrent_if_none_match_creates_once,
            concurrency::concurrent_versions_are_numbered_once,
            concurrency::concurrent_server_secret_created_once,
            concurrency::concurrent_job_claimed_once,
            concurrency::concurrent_attempt_saves_keep_the_highest,
            archive::archive_rows_restore_into_another_tenant,
            archive::erase_tenant_leaves_nothing_and_keeps_shared_files,
            archive::swap_in_restored_replaces_data_and_keeps_access,
            archive::erase_learner_removes_exactly_that_learner,
            archive::retention_deletes_only_older_statements,
            accounts::account_create_refuses_a_taken_login_and_a_missing_realm,
            accounts::account_lock_on_the_fifth_failure_cleared_by_success,
            accounts::account_sessions_slide_never_past_their_maximum,
            accounts::account_password_change_ends_other_sessions,
            accounts::account_delete_takes_sessions_and_tokens,
            accounts::account_lists_stay_within_their_realm,
            accounts::end_client_delete_refused_while_used,
            accounts::learners_and_registrations_filtered_by_end_client,
            accounts::erase_tenant_takes_accounts_sessions_tokens_and_end_clients,
            accounts::account_language_is_kept_and_cleared,
            accounts::setup_link_works_once_until_it_expires,
            notices::notice_store_keeps_notices_updates_and_delivery_tries,
            notices::notice_emails_go_with_their_account_and_its_tenant,
        );
    };
    (@cases $backend:ident, $factory:expr, $pair:expr, $schema:expr;
        [$($pgroup:ident :: $pcase:ident),* $(,)?];
        $($(#[$meta:meta])* $group:ident :: $case:ident),+ $(,)?) => {
        mod $backend {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test]
            async fn every_tenant_table_is_listed() {
                let (backend, with_tenant_column) = ($schema).await;
                crate::store::tables::every_tenant_table_is_listed(backend, with_tenant_column);
            }

            $(
                #[tokio::test]
                async fn $pcase() {
                    let pair: crate::store::Pair = ($pair).await.into();
                    crate::store::$pgroup::$pcase(
                        std::sync::Arc::clone(&pair.a),
                        std::sync::Arc::clone(&pair.b),
                    )
                    .await;
                }
            )*

            $(
                $(#[$meta])*
                #[tokio::test]
                async fn $case() {
                    let backend: crate::store::Backend = ($factory).await.into();
                    crate::store::$group::$case(std::sync::Arc::clone(&backend.store)).await;
                }
            )+
        }
    };
}

mod postgres;
mod sqlite;

/// The credential key statements are stored under unless a case says otherwise.
pub const CRED: &str = "store-suite-key";

/// Lets `stored` and `updated` times move on by at least one millisecond.
pub async fn tick() {
    tokio::time::sleep(Duration::from_millis(5)).await;
}

pub fn authority() -> Value {
    json!({
        "objectType": "Agent",
        "name": "store suite",
        "account": { "homePage": "https://kiroku.test", "name": "store-suite" },
    })
}

pub fn storer() -> Storer {
    Storer {
        authority: authority(),
        version: XapiVersion::V200,
    }
}

pub fn prepared(stmt: &Value) -> PreparedStatement {
    prepare(stmt.clone(), &storer(), None).unwrap_or_else(|e| panic!("invalid test statement ({e}): {stmt}"))
}

/// The index key of a test agent (`crate::data::agent`), as queries name it.
pub fn agent_key(name: &str) -> String {
    kiroku::lrs::agent::ifi_key(&crate::data::agent(name)).expect("an agent with an IFI")
}

pub async fn new_tenant(store: &dyn Store, name: &str) -> TenantId {
    let new = NewTenant {
        name: TenantName::parse(name).expect("tenant name"),
        xapi_version: XapiVersion::V200,
        reseller: None,
    };
    store.create_tenant(new).await.expect("create tenant").id
}

/// Stores a batch under `cred` with attachments, returning the store's answer.
pub async fn try_insert(
    store: &dyn Store,
    tenant: TenantId,
    cred: &str,
    stmts: &[Value],
    attachments: Vec<Attachment>,
) -> StoreResult<Vec<String>> {
    let batch = stmts.iter().map(prepared).collect();
    store.insert_statements(tenant, cred, batch, attachments).await
}

/// Stores a batch under [`CRED`] and returns the ids, asserting success.
pub async fn insert(store: &dyn Store, tenant: TenantId, stmts: &[Value]) -> Vec<String> {
    try_insert(store, tenant, CRED, stmts, Vec::new())
        .await
        .expect("insert statements")
}

/// Stores one statement and returns its id.
pub async fn insert_one(store: &dyn Store, tenant: TenantId, stmt: Value) -> String {
    insert(store, tenant, &[stmt]).await.remove(0)
}

pub fn body(s: &StoredStatement) -> Value {
    serde_json::from_str(&s.body).unwrap_or_else(|e| panic!("stored body is not JSON ({e}): {}", s.body))
}

/// A statement as `GET ?statementId=` sees it (not voided, any credential).
pub async fn read(store: &dyn Store, tenant: TenantId, id: &str) -> Option<StoredStatement> {
    store.statement(tenant, id, false, None).await.expect("read statement")
}

/// A statement as `GET ?voidedStatementId=` sees it.
pub async fn read_voided(store: &dyn Store, tenant: TenantId, id: &str) -> Option<StoredStatement> {
    store
        .statement(tenant, id, true, None)
        .await
        .expect("read voided statement")
}

pub fn ids(statements: &[StoredStatement]) -> Vec<String> {
    statements
        .iter()
        .map(|s| body(s)["id"].as_str().expect("statement id").to_owned())
        .collect()
}

pub fn page_ids(page: &QueryPage) -> Vec<String> {
    ids(&page.statements)
}

pub async fn query(store: &dyn Store, tenant: TenantId, q: &kiroku::lrs::query::StatementQuery) -> QueryPage {
    store.query_statements(tenant, q).await.expect("query statements")
}

/// The ids a query's first page returns, in order.
pub async fn query_ids(store: &dyn Store, tenant: TenantId, q: &kiroku::lrs::query::StatementQuery) -> Vec<String> {
    page_ids(&query(store, tenant, q).await)
}

/// Every statement of the tenant a plain query returns, newest first.
pub async fn all_ids(store: &dyn Store, tenant: TenantId) -> Vec<String> {
    query_ids(store, tenant, &kiroku::lrs::query::StatementQuery::default()).await
}

/// The rejection a store call answered with; anything else fails the test.
#[track_caller]
pub fn rejection<T: std::fmt::Debug>(r: StoreResult<T>) -> LrsError {
    match r {
        Err(StoreError::Rejected(e)) => e,
        other => panic!("expected a rejection, got {other:?}"),
    }
}
