//! The embedded default backend: SQLite in WAL mode with one writer thread and a few
//! readers.

mod accounts;
mod archive;
mod attempts;
mod audit;
mod documents;
mod erase;
mod learners;
mod migrations;
mod notices;
mod packages;
mod plans;
mod pool;
mod portal;
mod query;
mod rates;
mod reports;
mod restore;
pub mod snapshot;
mod statements;
mod tenants;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use async_trait::async_trait;

use crate::clock;
use crate::learner::{Learner, LearnerFields, Registration};
use crate::lrs::document::{DocKey, DocScope, DocWrite, Document};
use crate::lrs::query::StatementQuery;
use crate::lrs::statement::PreparedStatement;
use crate::store::{
    Attachment, AttemptRecord, AttemptStore, CredentialStore, DocumentStore, LearnerStore, NewPackageVersion,
    PackageFile, PackageStore, PackageVersion, PlanStore, QueryPage, RuntimeWrites, SecretStore, StatementStore,
    StoreError, StoreResult, StoredStatement, TenantStore,
};
use crate::tenant::{
    Credential, NewCredential, NewTenant, Plan, Quotas, Tenant, TenantId, TenantSettings, TenantStatus, Usage,
};
use pool::{Readers, Writer};

/// Read connections kept open.
const READERS: usize = 4;

#[derive(Clone)]
pub struct SqliteStore {
    writer: Writer,
    readers: Readers,
    path: PathBuf,
    /// Dropping the last clone stops the checkpoint thread.
    _checkpointer: Arc<std::sync::mpsc::Sender<()>>,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore").field("path", &self.path).finish()
    }
}

impl SqliteStore {
    /// Opens (creating and migrating if needed) `kiroku.db` in `data_dir`.
    pub fn open(data_dir: &Path) -> StoreResult<Self> {
        std::fs::create_dir_all(data_dir).map_err(pool::backend)?;
        let path = data_dir.join("kiroku.db");
        let mut conn = pool::open(&path, false)?;
        migrations::migrate(&mut conn)?;
        // A checkpoint thread (pool::start_checkpointer) keeps the WAL copied into the
        // database. Under sustained writes it never catches up completely, so the writer
        // still checkpoints past 64 MiB of WAL: by then most frames are copied, its share is
        // small, and completing the checkpoint lets the WAL restart from the beginning.
        // journal_size_limit then truncates the file back.
        conn.execute_batch("PRAGMA wal_autocheckpoint=16384; PRAGMA journal_size_limit=67108864;")
            .map_err(pool::backend)?;
        let readers = Readers::open(&path, READERS)?;
        let checkpointer = pool::start_checkpointer(&path)?;
        Ok(Self {
            writer: Writer::start(conn),
            readers,
            path,
            _checkpointer: Arc::new(checkpointer),
        })
    }
}

#[async_trait]
impl TenantStore for SqliteStore {
    async fn create_tenant(&self, new: NewTenant) -> StoreResult<Tenant> {
        self.writer
            .run(move |c| tenants::create(c, &new, clock::now_ms()))
            .await
    }

    async fn list_tenants(&self) -> StoreResult<Vec<Tenant>> {
        self.readers.run(tenants::list).await
    }

    async fn tenant_by_name(&self, name: &str) -> StoreResult<Option<Tenant>> {
        let name = name.to_owned();
        self.readers.run(move |c| tenants::by_name(c, &name)).await
    }

    async fn tenant_by_id(&self, id: TenantId) -> StoreResult<Option<Tenant>> {
        self.readers.run(move |c| tenants::by_id(c, id)).await
    }

    async fn update_tenant_settings(&self, id: TenantId, settings: TenantSettings) -> StoreResult<Option<Tenant>> {
        self.writer
            .run(move |c| tenants::update_settings(c, id, settings))
            .await
    }

    async fn set_tenant_plan(&self, id: TenantId, plan: Option<&str>) -> StoreResult<Option<Tenant>> {
        let plan = plan.map(str::to_owned);
        self.writer
            .run(move |c| tenants::set_plan(c, id, plan.as_deref()))
            .await
    }

    async fn set_tenant_status(
        &self,
        id: TenantId,
        status: TenantStatus,
        reason: Option<String>,
    ) -> StoreResult<Option<Tenant>> {
        self.writer
            .run(move |c| tenants::set_status(c, id, status, reason.as_deref()))
            .await
    }

    async fn tenant_usage(&self, id: TenantId, month_start_ms: i64) -> StoreResult<Usage> {
        self.readers.run(move |c| plans::usage(c, id, month_start_ms)).await
    }
}

#[async_trait]
impl PlanStore for SqliteStore {
    async fn create_plan(&self, name: &str, quotas: Quotas) -> StoreResult<Plan> {
        let name = name.to_owned();
        self.writer
            .run(move |c| plans::create(c, &name, quotas, clock::now_ms()))
            .await
    }

    async fn list_plans(&self) -> StoreResult<Vec<Plan>> {
        self.readers.run(plans::list).await
    }
}

#[async_trait]
impl CredentialStore for SqliteStore {
    async fn create_credential(&self, tenant: TenantId, new: NewCredential) -> StoreResult<Credential> {
        self.writer
            .run(move |c| tenants::create_credential(c, tenant, &new, clock::now_ms()))
            .await
    }

    async fn list_credentials(&self, tenant: TenantId) -> StoreResult<Vec<Credential>> {
        self.readers.run(move |c| tenants::list_credentials(c, tenant)).await
    }

    async fn revoke_credential(&self, tenant: TenantId, key: &str) -> StoreResult<bool> {
        let key = key.to_owned();
        self.writer
            .run(move |c| tenants::revoke(c, tenant, &key, clock::now_ms()))
            .await
    }

    async fn credential_by_key(&self, key: &str) -> StoreResult<Option<(Tenant, Credential)>> {
        let key = key.to_owned();
        self.readers.run(move |c| tenants::credential_by_key(c, &key)).await
    }
}

#[async_trait]
impl StatementStore for SqliteStore {
    async fn insert_statements(
        &self,
        tenant: TenantId,
        credential: &str,
        batch: Vec<PreparedStatement>,
        attachments: Vec<Attachment>,
    ) -> StoreResult<Vec<String>> {
        let credential = credential.to_owned();
        self.writer
            .run(move |c| statements::insert_batch(c, tenant, &credential, &batch, &attachments))
            .await
    }

    async fn statement(
        &self,
        tenant: TenantId,
        id: &str,
        voided: bool,
        mine: Option<&str>,
    ) -> StoreResult<Option<StoredStatement>> {
        let (id, mine) = (id.to_owned(), mine.map(str::to_owned));
        self.readers
            .run(move |c| statements::statement(c, tenant, &id, voided, mine.as_deref()))
            .await
    }

    async fn query_statements(&self, tenant: TenantId, query: &StatementQuery) -> StoreResult<QueryPage> {
        let q = query.clone();
        self.readers.run(move |c| query::query(c, tenant, &q)).await
    }

    async fn attachments(&self, tenant: TenantId, hashes: Vec<String>) -> StoreResult<Vec<Attachment>> {
        self.readers
            .run(move |c| statements::attachments(c, tenant, &hashes))
            .await
    }

    async fn activity_statements(
        &self,
        tenant: TenantId,
        activity_id: &str,
        limit: u32,
    ) -> StoreResult<Vec<StoredStatement>> {
        let id = activity_id.to_owned();
        self.readers
            .run(move |c| query::activity_statements(c, tenant, &id, limit))
            .await
    }
}

#[async_trait]
impl DocumentStore for SqliteStore {
    async fn document(&self, tenant: TenantId, key: &DocKey) -> StoreResult<Option<Document>> {
        let key = key.clone();
        self.readers.run(move |c| documents::get(c, tenant, &key)).await
    }

    async fn document_ids(
        &self,
        tenant: TenantId,
        scope: &DocScope,
        since_ms: Option<i64>,
    ) -> StoreResult<Vec<String>> {
        let scope = scope.clone();
        self.readers
            .run(move |c| documents::ids(c, tenant, &scope, since_ms))
            .await
    }

    async fn write_document(&self, tenant: TenantId, key: DocKey, write: DocWrite) -> StoreResult<Document> {
        self.writer
            .run(move |c| documents::write(c, tenant, &key, &write))
            .await
    }

    async fn delete_document(
        &self,
        tenant: TenantId,
        key: DocKey,
        if_match: Option<String>,
        if_none_match: Option<String>,
    ) -> StoreResult<()> {
        self.writer
            .run(move |c| documents::delete(c, tenant, &key, if_match, if_none_match))
            .await
    }

    async fn delete_documents(&self, tenant: TenantId, scope: DocScope) -> StoreResult<()> {
        self.writer.run(move |c| documents::delete_all(c, tenant, &scope)).await
    }
}

#[async_trait]
impl PackageStore for SqliteStore {
    async fn create_package_version(&self, tenant: TenantId, new: NewPackageVersion) -> StoreResult<PackageVersion> {
        self.writer
            .run(move |c| packages::create_version(c, tenant, &new))
            .await
    }

    async fn list_packages(&self, tenant: TenantId) -> StoreResult<Vec<PackageVersion>> {
        self.readers.run(move |c| packages::list(c, tenant)).await
    }

    async fn package_versions(&self, tenant: TenantId, package_id: &str) -> StoreResult<Vec<PackageVersion>> {
        let id = package_id.to_owned();
        self.readers.run(move |c| packages::versions(c, tenant, &id)).await
    }

    async fn package_course(&self, tenant: TenantId, package_id: &str, version: u32) -> StoreResult<Option<String>> {
        let id = package_id.to_owned();
        self.readers
            .run(move |c| packages::course(c, tenant, &id, version))
            .await
    }

    async fn package_file(
        &self,
        tenant: TenantId,
        package_id: &str,
        version: u32,
        path: &str,
    ) -> StoreResult<Option<PackageFile>> {
        let (id, path) = (package_id.to_owned(), path.to_owned());
        self.readers
            .run(move |c| packages::file(c, tenant, &id, version, &path))
            .await
    }

    async fn delete_package(&self, tenant: TenantId, package_id: &str, force: bool) -> StoreResult<Vec<String>> {
        let id = package_id.to_owned();
        self.writer.run(move |c| packages::delete(c, tenant, &id, force)).await
    }

    async fn delete_version(&self, tenant: TenantId, package_id: &str, version: u32) -> StoreResult<Vec<String>> {
        let id = package_id.to_owned();
        self.writer
            .run(move |c| packages::delete_version(c, tenant, &id, version))
            .await
    }

    async fn storage_bytes(&self, tenant: TenantId) -> StoreResult<u64> {
        self.readers.run(move |c| packages::storage_bytes(c, tenant)).await
    }

    async fn blob_in_use(&self, sha256: &str) -> StoreResult<bool> {
        let h = sha256.to_owned();
        self.readers.run(move |c| packages::in_use(c, &h)).await
    }
}

#[async_trait]
impl SecretStore for SqliteStore {
    async fn server_secret(&self, name: &str) -> StoreResult<[u8; 32]> {
        let name = name.to_owned();
        self.writer.run(move |c| packages::server_secret(c, &name)).await
    }

    async fn claim_job(&self, name: &str, period: &str) -> StoreResult<bool> {
        let (name, period) = (name.to_owned(), period.to_owned());
        self.writer
            .run(move |c| {
                let n = c
                    .execute(
                        "INSERT OR IGNORE INTO job_runs (name, period, claimed) VALUES (?1, ?2, ?3)",
                        rusqlite::params![name, period, crate::clock::now_ms()],
                    )
                    .map_err(pool::backend)?;
                Ok(n == 1)
            })
            .await
    }
}

#[async_trait]
impl LearnerStore for SqliteStore {
    async fn create_learner(&self, tenant: TenantId, id: &str, fields: LearnerFields) -> StoreResult<Learner> {
        let id = id.to_owned();
        self.writer
            .run(move |c| learners::create(c, tenant, &id, &fields))
            .await
    }

    async fn put_learner(&self, tenant: TenantId, id: &str, fields: LearnerFields) -> StoreResult<(Learner, bool)> {
        let id = id.to_owned();
        self.writer.run(move |c| learners::put(c, tenant, &id, &fields)).await
    }

    async fn learner(&self, tenant: TenantId, id: &str) -> StoreResult<Option<Learner>> {
        let id = id.to_owned();
        self.readers.run(move |c| learners::get(c, tenant, &id)).await
    }

    async fn list_learners(&self, tenant: TenantId, end_client: Option<&str>) -> StoreResult<Vec<Learner>> {
        let end_client = end_client.map(str::to_owned);
        self.readers
            .run(move |c| learners::list(c, tenant, end_client.as_deref()))
            .await
    }

    async fn delete_learner(&self, tenant: TenantId, id: &str, force: bool) -> StoreResult<()> {
        let id = id.to_owned();
        self.writer.run(move |c| learners::delete(c, tenant, &id, force)).await
    }

    async fn create_registration(
        &self,
        tenant: TenantId,
        learner: &str,
        package_id: &str,
        version: u32,
    ) -> StoreResult<Registration> {
        let (learner, package) = (learner.to_owned(), package_id.to_owned());
        self.writer
            .run(move |c| learners::register(c, tenant, &learner, &package, version))
            .await
    }

    async fn registration(&self, tenant: TenantId, id: &str) -> StoreResult<Option<Registration>> {
        let id = id.to_owned();
        self.readers.run(move |c| learners::registration(c, tenant, &id)).await
    }

    async fn list_registrations(
        &self,
        tenant: TenantId,
        learner: Option<&str>,
        package_id: Option<&str>,
        end_client: Option<&str>,
    ) -> StoreResult<Vec<Registration>> {
        let (learner, package) = (learner.map(str::to_owned), package_id.map(str::to_owned));
        let end_client = end_client.map(str::to_owned);
        self.readers
            .run(move |c| {
                let (l, p, e) = (learner.as_deref(), package.as_deref(), end_client.as_deref());
                learners::registrations(c, tenant, l, p, e)
            })
            .await
    }
}

#[async_trait]
impl AttemptStore for SqliteStore {
    async fn latest_attempt(
        &self,
        tenant: TenantId,
        registration: &str,
        item: &str,
    ) -> StoreResult<Option<AttemptRecord>> {
        let (r, i) = (registration.to_owned(), item.to_owned());
        self.readers.run(move |c| attempts::latest(c, tenant, &r, &i)).await
    }

    async fn save_attempt(&self, tenant: TenantId, attempt: AttemptRecord) -> StoreResult<bool> {
        self.writer.run(move |c| attempts::save(c, tenant, &attempt)).await
    }

    async fn registration_state(&self, tenant: TenantId, registration: &str) -> StoreResult<Option<String>> {
        let r = registration.to_owned();
        self.readers
            .run(move |c| attempts::registration_state(c, tenant, &r))
            .await
    }

    async fn save_registration_state(&self, tenant: TenantId, registration: &str, data: String) -> StoreResult<()> {
        let r = registration.to_owned();
        self.writer
            .run(move |c| attempts::save_registration_state(c, tenant, &r, &data))
            .await
    }

    async fn apply_runtime(&self, tenant: TenantId, writes: RuntimeWrites) -> StoreResult<bool> {
        match self.writer.run(move |c| attempts::apply(c, tenant, &writes)).await {
            Err(StoreError::Stale) => Ok(false),
            other => other,
        }
    }
}
