//! Storage behind narrow async traits, split by concern. Every call that touches tenant
//! data takes the `TenantId`. Backends live in submodules; nothing outside `store` names
//! a database crate.

pub mod accounts;
pub mod archive;
pub mod notices;
pub mod portal;
pub mod postgres;
pub mod reports;
pub mod sqlite;
pub mod tables;

use async_trait::async_trait;

pub use accounts::{AccountRecord, AccountStore, ApiToken, EndClientStore, NewSession};
pub use notices::NoticeStore;
pub use reports::ReportStore;

use crate::audit::{AuditEntry, AuditQuery, NewAuditEntry};
use crate::launch::session::{SessionCall, SessionVerdict};
use crate::learner::{Learner, LearnerFields, Registration};
use crate::lrs::LrsError;
use crate::lrs::document::{DocKey, DocScope, DocWrite, Document};
use crate::lrs::query::StatementQuery;
use crate::lrs::statement::{IndexTerm, PreparedStatement};
use crate::runtime::plan::AttemptState;
use crate::tenant::{
    Credential, NewCredential, NewTenant, Plan, QuotaExceeded, Quotas, Tenant, TenantId, TenantSettings, TenantStatus,
    Usage,
};

/// What a store call can fail with.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The request conflicts with stored data (duplicate name, statement conflict, precondition).
    #[error(transparent)]
    Rejected(#[from] LrsError),
    /// The database failed; the message is for logs, not clients.
    #[error("storage failure: {0}")]
    Backend(String),
    /// The write would take the tenant over a quota of its plan; nothing was written.
    #[error(transparent)]
    Quota(#[from] QuotaExceeded),
    /// A conditional write found its row changed since it was read (another server or
    /// request got there first); nothing was written.
    #[error("the data changed while this request was applied; try again")]
    Stale,
    /// The database's disk is full: nothing of the write was stored (reads go on).
    #[error("the storage is full: {0}")]
    Full(String),
    /// The database does not answer (stopped, restarting, unreachable, or every
    /// connection busy past the wait): nothing was written; the request may be retried.
    #[error("the database does not answer: {0}")]
    Unavailable(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

/// The index key of a statement's filter term, the same in every backend: the first 8
/// bytes of SHA-256(tenant, kind, value).
pub(crate) fn term_key(tenant: TenantId, term: &IndexTerm) -> i64 {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(tenant.0.to_le_bytes());
    h.update([term.kind.code()]);
    h.update(term.value.as_bytes());
    let d = h.finalize();
    i64::from_le_bytes(d.get(..8).and_then(|b| b.try_into().ok()).unwrap_or([0; 8]))
}

/// The index key of statements whose object (or target's object) is `activity`: where
/// the Activities resource finds an activity's definitions.
pub(crate) fn activity_key(tenant: TenantId, activity: &str) -> i64 {
    let term = IndexTerm {
        kind: crate::lrs::statement::TermKind::Activity,
        value: activity.to_owned(),
    };
    term_key(tenant, &term)
}

/// The look-up behind the Activities resource, page by page of candidate rows (newest
/// first, those holding the activity's index key): keeps the statements whose own object
/// is the activity (`lrs::stored::object_is`) until it has `limit` of them or has read
/// `CANDIDATE_PAGES` pages. The backends only fetch the pages.
#[derive(Debug)]
pub struct ActivityScan<'a> {
    activity: &'a str,
    limit: usize,
    before: i64,
    pages: usize,
    done: bool,
    found: Vec<StoredStatement>,
}

impl<'a> ActivityScan<'a> {
    pub fn new(activity: &'a str, limit: u32) -> Self {
        Self {
            activity,
            limit: limit as usize,
            before: i64::MAX,
            pages: 0,
            done: limit == 0,
            found: Vec::new(),
        }
    }

    /// The sequence number the next page of candidates lies below, while one is needed.
    pub fn next_page(&self) -> Option<i64> {
        (!self.done && self.pages < crate::lrs::stored::CANDIDATE_PAGES).then_some(self.before)
    }

    /// Takes one page of candidates (at most `CANDIDATE_PAGE` rows, newest first).
    pub fn take(&mut self, rows: Vec<StoredStatement>) {
        self.pages += 1;
        self.done = rows.len() < crate::lrs::stored::CANDIDATE_PAGE as usize;
        for s in rows {
            self.before = s.seq;
            if self.found.len() < self.limit && crate::lrs::stored::object_is(&s.body, self.activity) {
                self.found.push(s);
            }
        }
        self.done |= self.found.len() >= self.limit;
    }

    pub fn found(self) -> Vec<StoredStatement> {
        self.found
    }
}

/// A statement as stored: the full JSON text served by `format=exact`.
#[derive(Debug, Clone)]
pub struct StoredStatement {
    pub seq: i64,
    /// When it was stored, epoch milliseconds.
    pub stored_ms: i64,
    pub body: String,
}

/// One page of a statement query.
#[derive(Debug, Clone)]
pub struct QueryPage {
    pub statements: Vec<StoredStatement>,
    /// When more statements match: the sequence number to continue after.
    pub more_after: Option<i64>,
    /// The bound used for this page, carried into the next.
    pub upto_seq: i64,
}

impl QueryPage {
    /// A page from the rows read for it: up to `limit` plus one, the extra row read only
    /// to tell that more match (the `more` link continues after the page's last).
    pub(crate) fn from_rows(mut statements: Vec<StoredStatement>, limit: u32, upto_seq: i64) -> Self {
        let more_after = if statements.len() > limit as usize {
            statements.truncate(limit as usize);
            statements.last().map(|s| s.seq)
        } else {
            None
        };
        Self {
            statements,
            more_after,
            upto_seq,
        }
    }
}

/// Attachment content, addressed by its SHA-2 hash within a tenant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    pub sha2: String,
    pub content_type: String,
    pub content: Vec<u8>,
}

#[async_trait]
pub trait TenantStore: Send + Sync {
    async fn create_tenant(&self, new: NewTenant) -> StoreResult<Tenant>;
    async fn list_tenants(&self) -> StoreResult<Vec<Tenant>>;
    async fn tenant_by_name(&self, name: &str) -> StoreResult<Option<Tenant>>;
    async fn tenant_by_id(&self, id: TenantId) -> StoreResult<Option<Tenant>>;
    /// Replaces a tenant's settings; `None` when there is no such tenant.
    async fn update_tenant_settings(&self, id: TenantId, settings: TenantSettings) -> StoreResult<Option<Tenant>>;
    /// Puts a tenant on a plan (`None`: no plan, unlimited); 404 when there is no such
    /// plan, `None` when there is no such tenant.
    async fn set_tenant_plan(&self, id: TenantId, plan: Option<&str>) -> StoreResult<Option<Tenant>>;
    /// Changes a tenant's status, with the operator's reason (cleared when `None`).
    async fn set_tenant_status(
        &self,
        id: TenantId,
        status: TenantStatus,
        reason: Option<String>,
    ) -> StoreResult<Option<Tenant>>;
    /// What the tenant uses now; statements count from `month_start_ms`.
    async fn tenant_usage(&self, id: TenantId, month_start_ms: i64) -> StoreResult<Usage>;
}

/// Plans: named sets of quotas that tenants are put on.
#[async_trait]
pub trait PlanStore: Send + Sync {
    /// Creates a plan; 409 when the name is taken.
    async fn create_plan(&self, name: &str, quotas: Quotas) -> StoreResult<Plan>;
    /// Every plan, by name.
    async fn list_plans(&self) -> StoreResult<Vec<Plan>>;
}

#[async_trait]
pub trait CredentialStore: Send + Sync {
    async fn create_credential(&self, tenant: TenantId, new: NewCredential) -> StoreResult<Credential>;
    async fn list_credentials(&self, tenant: TenantId) -> StoreResult<Vec<Credential>>;
    /// Revokes a credential; `false` when the tenant has no such active key.
    async fn revoke_credential(&self, tenant: TenantId, key: &str) -> StoreResult<bool>;
    /// Looks up an active credential by key, with its tenant, for authentication.
    async fn credential_by_key(&self, key: &str) -> StoreResult<Option<(Tenant, Credential)>>;
}

#[async_trait]
pub trait StatementStore: Send + Sync {
    /// Stores a batch all or nothing and returns the ids in order. A statement whose id is
    /// stored already with the same content is accepted and left as it was.
    async fn insert_statements(
        &self,
        tenant: TenantId,
        credential: &str,
        batch: Vec<PreparedStatement>,
        attachments: Vec<Attachment>,
    ) -> StoreResult<Vec<String>>;
    /// One statement by id; `voided` selects `voidedStatementId` semantics.
    async fn statement(
        &self,
        tenant: TenantId,
        id: &str,
        voided: bool,
        mine: Option<&str>,
    ) -> StoreResult<Option<StoredStatement>>;
    async fn query_statements(&self, tenant: TenantId, query: &StatementQuery) -> StoreResult<QueryPage>;
    async fn attachments(&self, tenant: TenantId, hashes: Vec<String>) -> StoreResult<Vec<Attachment>>;
    /// The newest `limit` statements whose own object is this activity, newest first, for
    /// the Activities resource; only statements stored by credentials that may define
    /// activities (scope `all` or `define`) count.
    async fn activity_statements(
        &self,
        tenant: TenantId,
        activity_id: &str,
        limit: u32,
    ) -> StoreResult<Vec<StoredStatement>>;
}

#[async_trait]
pub trait DocumentStore: Send + Sync {
    async fn document(&self, tenant: TenantId, key: &DocKey) -> StoreResult<Option<Document>>;
    /// Ids of the documents in scope, optionally only those updated after `since_ms`.
    async fn document_ids(&self, tenant: TenantId, scope: &DocScope, since_ms: Option<i64>)
    -> StoreResult<Vec<String>>;
    /// Applies a PUT/POST with its preconditions atomically and returns the stored document.
    async fn write_document(&self, tenant: TenantId, key: DocKey, write: DocWrite) -> StoreResult<Document>;
    /// Deletes one document, honouring If-Match / If-None-Match.
    async fn delete_document(
        &self,
        tenant: TenantId,
        key: DocKey,
        if_match: Option<String>,
        if_none_match: Option<String>,
    ) -> StoreResult<()>;
    /// Deletes every document in scope.
    async fn delete_documents(&self, tenant: TenantId, scope: DocScope) -> StoreResult<()>;
}

/// A file of a package version, by path.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PackageFile {
    pub path: String,
    pub sha256: String,
    pub size: u64,
}

/// What an import stores: one immutable version of a package.
#[derive(Debug, Clone)]
pub struct NewPackageVersion {
    /// The course's own identifier (manifest identifier, cmi5 course id…): an upload with
    /// an identifier the tenant has already becomes the next version of that package.
    pub identifier: String,
    pub kind: String,
    pub edition: Option<String>,
    pub title: String,
    /// The course model as JSON.
    pub course: String,
    pub files: Vec<PackageFile>,
}

impl NewPackageVersion {
    /// Unpacked bytes of its files.
    pub fn total_bytes(&self) -> u64 {
        self.files.iter().map(|f| f.size).sum()
    }

    /// The version as stored: `version` of package `package_id`, created at `created_ms`.
    pub fn stored(&self, package_id: String, version: u32, created_ms: i64) -> PackageVersion {
        PackageVersion {
            package_id,
            version,
            identifier: self.identifier.clone(),
            kind: self.kind.clone(),
            edition: self.edition.clone(),
            title: self.title.clone(),
            total_bytes: self.total_bytes(),
            file_count: self.files.len() as u64,
            created_ms,
        }
    }
}

/// One stored package version.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PackageVersion {
    pub package_id: String,
    pub version: u32,
    pub identifier: String,
    pub kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub edition: Option<String>,
    pub title: String,
    pub total_bytes: u64,
    pub file_count: u64,
    pub created_ms: i64,
}

#[async_trait]
pub trait PackageStore: Send + Sync {
    /// Stores a version; refused with `StoreError::Quota` (and nothing stored) when the
    /// tenant's storage would exceed its plan's `storageBytes`.
    async fn create_package_version(&self, tenant: TenantId, new: NewPackageVersion) -> StoreResult<PackageVersion>;
    /// The newest version of each package.
    async fn list_packages(&self, tenant: TenantId) -> StoreResult<Vec<PackageVersion>>;
    /// Every version of one package, oldest first (empty when the tenant has no such package).
    async fn package_versions(&self, tenant: TenantId, package_id: &str) -> StoreResult<Vec<PackageVersion>>;
    /// A version's course model as JSON.
    async fn package_course(&self, tenant: TenantId, package_id: &str, version: u32) -> StoreResult<Option<String>>;
    async fn package_file(
        &self,
        tenant: TenantId,
        package_id: &str,
        version: u32,
        path: &str,
    ) -> StoreResult<Option<PackageFile>>;
    /// Deletes a package with all its versions; returns the content hashes no package of any
    /// tenant uses any more, for the caller to remove from blob storage. Refused (409) while
    /// registrations use the package, unless `force`, which deletes those registrations too.
    async fn delete_package(&self, tenant: TenantId, package_id: &str, force: bool) -> StoreResult<Vec<String>>;
    /// Deletes one version of a package (`package::check_version_removal` decides, in the
    /// transaction: not while registrations use it, not the only version); returns the
    /// content hashes no package of any tenant uses any more. 404 for an unknown version.
    async fn delete_version(&self, tenant: TenantId, package_id: &str, version: u32) -> StoreResult<Vec<String>>;
    /// Unpacked bytes of the distinct files the tenant's packages use.
    async fn storage_bytes(&self, tenant: TenantId) -> StoreResult<u64>;
    /// Whether any package of any tenant uses this content hash.
    async fn blob_in_use(&self, sha256: &str) -> StoreResult<bool>;
}

#[async_trait]
pub trait LearnerStore: Send + Sync {
    /// Creates a learner; 409 when the id is taken, 400 when its end client does not exist. Creating a learner (here or in
    /// `put_learner`) beyond the plan's `learners` is refused with `StoreError::Quota`.
    async fn create_learner(&self, tenant: TenantId, id: &str, fields: LearnerFields) -> StoreResult<Learner>;
    /// Creates or updates a learner; returns it and whether it was created.
    async fn put_learner(&self, tenant: TenantId, id: &str, fields: LearnerFields) -> StoreResult<(Learner, bool)>;
    async fn learner(&self, tenant: TenantId, id: &str) -> StoreResult<Option<Learner>>;
    /// Learners by id, optionally only those of one end client; test learners
    /// (`learner::is_preview_learner`) included, as an archive needs them.
    async fn list_learners(&self, tenant: TenantId, end_client: Option<&str>) -> StoreResult<Vec<Learner>>;
    /// The learners an admin sees (the learners list, its CSV export): `list_learners`
    /// without the test learners of previews.
    async fn list_real_learners(&self, tenant: TenantId, end_client: Option<&str>) -> StoreResult<Vec<Learner>> {
        let mut all = self.list_learners(tenant, end_client).await?;
        all.retain(|l| !crate::learner::is_preview_learner(&l.id));
        Ok(all)
    }
    /// Deletes a learner; refused (409) while registrations exist, unless `force`, which
    /// deletes them too. 404 when there is no such learner.
    async fn delete_learner(&self, tenant: TenantId, id: &str, force: bool) -> StoreResult<()>;
    /// Registers a learner for a package version (404 when either does not exist).
    async fn create_registration(
        &self,
        tenant: TenantId,
        learner: &str,
        package_id: &str,
        version: u32,
    ) -> StoreResult<Registration>;
    async fn registration(&self, tenant: TenantId, id: &str) -> StoreResult<Option<Registration>>;
    /// Registrations, optionally of one learner, one package and/or the learners of one
    /// end client, oldest first.
    async fn list_registrations(
        &self,
        tenant: TenantId,
        learner: Option<&str>,
        package_id: Option<&str>,
        end_client: Option<&str>,
    ) -> StoreResult<Vec<Registration>>;
}

/// One attempt of a learner's registration on one SCO: its CMI data as JSON.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AttemptRecord {
    pub registration: String,
    pub item: String,
    /// 1 for the first attempt, counting up.
    pub number: u32,
    /// Where the attempt's current session stands.
    pub state: AttemptState,
    /// The CMI data as a JSON object of element → value.
    pub data: String,
    /// The sequence number of the last commit applied (commits at or below it are resends).
    pub commit_seq: u64,
    pub updated_ms: i64,
}

#[async_trait]
pub trait AttemptStore: Send + Sync {
    /// The newest attempt of a registration on an item.
    async fn latest_attempt(
        &self,
        tenant: TenantId,
        registration: &str,
        item: &str,
    ) -> StoreResult<Option<AttemptRecord>>;
    /// Creates or updates an attempt. An update applies only when its `commit_seq` is above
    /// the stored one, so a resent commit changes nothing; returns whether it applied.
    async fn save_attempt(&self, tenant: TenantId, attempt: AttemptRecord) -> StoreResult<bool>;
    /// What a registration keeps across its SCOs (a JSON document owned by the run-time).
    async fn registration_state(&self, tenant: TenantId, registration: &str) -> StoreResult<Option<String>>;
    /// Replaces a registration's state.
    async fn save_registration_state(&self, tenant: TenantId, registration: &str, data: String) -> StoreResult<()>;
    /// Applies a run-time step's writes in one transaction: the attempt rows, the
    /// registration's state, the statements (as one batch under `credential`) and the
    /// documents. Each attempt row applies only above its stored `commit_seq`, and the
    /// registration's state only over the state it was decided from; when one does not,
    /// nothing is written and the answer is `false` (a resend, or a race lost).
    async fn apply_runtime(&self, tenant: TenantId, writes: RuntimeWrites) -> StoreResult<bool>;
}

/// A registration's new shared state (JSON), written only if the stored state is still
/// the one the step was decided from (`read`: its JSON text, `None` when there was none):
/// two SCOs of one registration committing at once never overwrite each other's changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistrationWrite {
    pub registration: String,
    pub data: String,
    pub read: Option<String>,
}

/// What a run-time plan (`runtime::plan::Plan`) writes, in store terms.
#[derive(Debug, Clone)]
pub struct RuntimeWrites {
    pub attempts: Vec<AttemptRecord>,
    /// The registration's new state, when the step changed it.
    pub registration_state: Option<RegistrationWrite>,
    /// The credential key the statements are stored under.
    pub credential: String,
    pub statements: Vec<PreparedStatement>,
    /// The statements' attachments (a cmi5 session's statements may carry them).
    pub attachments: Vec<Attachment>,
    pub documents: Vec<(DocKey, DocWrite)>,
    /// What the step adds to the reports' summary tables.
    pub report: Option<crate::report::facts::ReportWrite>,
}

/// What the servers share: secrets (the launch-grant signing key), created on first use,
/// and claims on scheduled jobs, so a job runs once whatever the number of servers.
#[async_trait]
pub trait SecretStore: Send + Sync {
    async fn server_secret(&self, name: &str) -> StoreResult<[u8; 32]>;
    /// Claims the run of job `name` for `period` (e.g. a date): true for the one caller
    /// that claims it first, false for every other.
    async fn claim_job(&self, name: &str, period: &str) -> StoreResult<bool>;
}

/// The tenant's audit log: appended to, never changed.
#[async_trait]
pub trait AuditStore: Send + Sync {
    async fn append_audit(&self, tenant: TenantId, entry: NewAuditEntry) -> StoreResult<()>;
    /// Entries at or after `since_ms` and after `after_seq`, oldest first, at most `limit`.
    async fn audit_entries(&self, tenant: TenantId, query: AuditQuery) -> StoreResult<Vec<AuditEntry>>;
    /// Entries at or after `since_ms` and before `before_seq` (from the newest when
    /// `None`), newest first, at most `limit`: what a page of the newest entries reads
    /// without going through the older ones.
    async fn audit_newest(
        &self,
        tenant: TenantId,
        since_ms: Option<i64>,
        before_seq: Option<i64>,
        limit: u32,
    ) -> StoreResult<Vec<AuditEntry>>;
}

/// Launch sessions (one ID, one person), shared by every server through the database.
#[async_trait]
pub trait LaunchSessionStore: Send + Sync {
    /// Applies `launch::session::decide` to a session's open or commit in one transaction:
    /// reads the session and the learner's other active sessions, writes the decision
    /// (this session's state and last-seen time; the others ended under `end-first`), and
    /// forgets the learner's sessions unseen for `launch::session::KEEP_MS`.
    async fn launch_session(&self, tenant: TenantId, call: SessionCall) -> StoreResult<SessionVerdict>;
    /// Records a cmi5 session at its launch (its fetch URL not used yet), so the session
    /// can be found by its id alone.
    async fn record_cmi5_session(&self, tenant: TenantId, session: &str, registration: &str) -> StoreResult<()>;
    /// The registration of a cmi5 session.
    async fn cmi5_session_registration(&self, tenant: TenantId, session: &str) -> StoreResult<Option<String>>;
    /// Records the one use of a cmi5 session's fetch URL: true the first time, false on
    /// every later call (the spec's "one-time use" URL).
    async fn claim_cmi5_fetch(
        &self,
        tenant: TenantId,
        session: &str,
        registration: &str,
        now_ms: i64,
    ) -> StoreResult<bool>;
}

/// Tenants' request counts per minute, shared by every server on the store, so a plan's
/// `requestsPerMinute` holds across servers (`ops::ratelimit` reserves blocks of it).
#[async_trait]
pub trait RateStore: Send + Sync {
    /// Adds `n` requests to `tenant`'s count in minute `minute` (epoch minutes) in one
    /// atomic step and returns the count after it, all servers included. The first call
    /// of a minute forgets the tenant's earlier minutes.
    async fn add_requests(&self, tenant: TenantId, minute: i64, n: u32) -> StoreResult<u64>;
}

/// The clock that `stored` times come from.
#[async_trait]
pub trait ClockStore: Send + Sync {
    /// The database's clock, epoch microseconds, when statements' `stored` times are taken
    /// from it (PostgreSQL, shared by several servers); `None` when they come from this
    /// process's own clock (SQLite, one server).
    async fn clock_us(&self) -> StoreResult<Option<i64>>;
}

/// Everything kiroku stores.
pub trait Store:
    TenantStore
    + PlanStore
    + CredentialStore
    + StatementStore
    + DocumentStore
    + PackageStore
    + LearnerStore
    + AttemptStore
    + SecretStore
    + archive::ArchiveStore
    + AuditStore
    + LaunchSessionStore
    + AccountStore
    + EndClientStore
    + RateStore
    + ClockStore
    + NoticeStore
    + portal::PortalStore
    + ReportStore
{
}

impl<T> Store for T where
    T: TenantStore
        + PlanStore
        + CredentialStore
        + StatementStore
        + DocumentStore
        + PackageStore
        + LearnerStore
        + AttemptStore
        + SecretStore
        + archive::ArchiveStore
        + AuditStore
        + LaunchSessionStore
        + AccountStore
        + EndClientStore
        + RateStore
        + ClockStore
        + NoticeStore
        + portal::PortalStore
        + ReportStore
{
}
