//! Numbered, embedded, forward-only migrations, tracked in `PRAGMA user_version`.

use rusqlite::Connection;

use super::pool::backend;
use crate::store::StoreResult;

/// Migration N brings the schema from version N to N+1. Never edit a released entry.
const MIGRATIONS: &[&str] = &[
    // 1: tenants, credentials, statements and their index, attachments, documents.
    r"
    CREATE TABLE tenants (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        status TEXT NOT NULL,
        xapi_version TEXT NOT NULL,
        created INTEGER NOT NULL
    );
    CREATE TABLE credentials (
        key TEXT PRIMARY KEY,
        tenant INTEGER NOT NULL REFERENCES tenants(id),
        secret_digest BLOB NOT NULL,
        scopes TEXT NOT NULL,
        label TEXT NOT NULL,
        created INTEGER NOT NULL,
        revoked INTEGER
    );
    CREATE INDEX credentials_tenant ON credentials(tenant);
    -- seq orders statements by arrival; within a tenant, stored never decreases with seq.
    CREATE TABLE statements (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        tenant INTEGER NOT NULL,
        id TEXT NOT NULL,
        stored INTEGER NOT NULL,
        voided INTEGER NOT NULL DEFAULT 0,
        voiding INTEGER NOT NULL DEFAULT 0,
        credential TEXT NOT NULL,
        digest BLOB NOT NULL,
        body TEXT NOT NULL
    );
    CREATE UNIQUE INDEX statements_id ON statements(tenant, id);
    CREATE INDEX statements_tenant_stored ON statements(tenant, stored);
    CREATE INDEX statements_tenant_seq ON statements(tenant, seq);
    -- One row per (filter term, statement). key = hash(tenant, term kind, term value), so
    -- the table is narrow; the statement row's tenant is checked again on every read.
    CREATE TABLE terms (
        key INTEGER NOT NULL,
        seq INTEGER NOT NULL,
        PRIMARY KEY (key, seq)
    ) WITHOUT ROWID;
    CREATE TABLE attachments (
        tenant INTEGER NOT NULL,
        sha2 TEXT NOT NULL,
        content_type TEXT NOT NULL,
        content BLOB NOT NULL,
        PRIMARY KEY (tenant, sha2)
    );
    CREATE TABLE documents (
        tenant INTEGER NOT NULL,
        kind TEXT NOT NULL,
        activity TEXT NOT NULL,
        agent TEXT NOT NULL,
        registration TEXT NOT NULL,
        doc_id TEXT NOT NULL,
        content_type TEXT NOT NULL,
        content BLOB NOT NULL,
        etag TEXT NOT NULL,
        updated INTEGER NOT NULL,
        PRIMARY KEY (tenant, kind, activity, agent, registration, doc_id)
    );
    ",
    // 2: packages, their immutable versions and files; shared server secrets.
    r"
    CREATE TABLE packages (
        id TEXT PRIMARY KEY,
        tenant INTEGER NOT NULL,
        identifier TEXT NOT NULL,
        created INTEGER NOT NULL,
        UNIQUE (tenant, identifier)
    );
    CREATE TABLE package_versions (
        pk INTEGER PRIMARY KEY,
        package TEXT NOT NULL REFERENCES packages(id),
        tenant INTEGER NOT NULL,
        version INTEGER NOT NULL,
        kind TEXT NOT NULL,
        edition TEXT,
        title TEXT NOT NULL,
        course TEXT NOT NULL,
        total_bytes INTEGER NOT NULL,
        file_count INTEGER NOT NULL,
        created INTEGER NOT NULL,
        UNIQUE (package, version)
    );
    CREATE INDEX package_versions_tenant ON package_versions(tenant);
    CREATE TABLE package_files (
        version_pk INTEGER NOT NULL,
        path TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        size INTEGER NOT NULL,
        PRIMARY KEY (version_pk, path)
    ) WITHOUT ROWID;
    CREATE INDEX package_files_sha256 ON package_files(sha256);
    CREATE TABLE server_secrets (
        name TEXT PRIMARY KEY,
        value BLOB NOT NULL
    );
    ",
    // 3: learners and their registrations to package versions.
    r"
    CREATE TABLE learners (
        tenant INTEGER NOT NULL,
        id TEXT NOT NULL,
        name TEXT NOT NULL,
        email TEXT,
        created INTEGER NOT NULL,
        updated INTEGER NOT NULL,
        PRIMARY KEY (tenant, id)
    );
    CREATE TABLE registrations (
        id TEXT PRIMARY KEY,
        tenant INTEGER NOT NULL,
        learner TEXT NOT NULL,
        package TEXT NOT NULL,
        version INTEGER NOT NULL,
        created INTEGER NOT NULL
    );
    CREATE INDEX registrations_learner ON registrations(tenant, learner);
    CREATE INDEX registrations_package ON registrations(tenant, package);
    ",
    // 4: whether a statement's credential may define activities (the `define` scope).
    r"
    ALTER TABLE statements ADD COLUMN defines INTEGER NOT NULL DEFAULT 1;
    ",
    // 5: SCORM attempts: one row per (registration, item, attempt number).
    r"
    CREATE TABLE attempts (
        tenant INTEGER NOT NULL,
        registration TEXT NOT NULL,
        item TEXT NOT NULL,
        number INTEGER NOT NULL,
        state TEXT NOT NULL,
        data TEXT NOT NULL,
        commit_seq INTEGER NOT NULL,
        updated INTEGER NOT NULL,
        PRIMARY KEY (tenant, registration, item, number)
    );
    ",
    // 6: what a SCORM registration keeps across its SCOs (shared data stores, global
    // objectives, the item a suspendAll left off at), as one JSON document; and per-tenant settings.
    r"
    CREATE TABLE registration_state (
        tenant INTEGER NOT NULL,
        registration TEXT NOT NULL,
        data TEXT NOT NULL,
        updated INTEGER NOT NULL,
        PRIMARY KEY (tenant, registration)
    );
    ALTER TABLE tenants ADD COLUMN settings TEXT NOT NULL DEFAULT '{}';
    ",
    // 7: claims on scheduled jobs (one run per job and period across servers).
    r"
    CREATE TABLE job_runs (
        name TEXT NOT NULL,
        period TEXT NOT NULL,
        claimed INTEGER NOT NULL,
        PRIMARY KEY (name, period)
    );
    ",
    // 8: plans with quotas (NULL: unlimited); a tenant's plan and the reason of its status.
    r"
    CREATE TABLE plans (
        name TEXT PRIMARY KEY,
        storage_bytes INTEGER,
        learners INTEGER,
        statements_per_month INTEGER,
        requests_per_minute INTEGER,
        created INTEGER NOT NULL
    );
    ALTER TABLE tenants ADD COLUMN plan TEXT REFERENCES plans(name);
    ALTER TABLE tenants ADD COLUMN status_reason TEXT;
    ",
    // 9: the tenant audit log (append-only) and launch sessions (one ID, one person).
    r"
    CREATE TABLE audit_log (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        tenant INTEGER NOT NULL,
        at INTEGER NOT NULL,
        actor_kind TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        target TEXT NOT NULL,
        address TEXT,
        detail TEXT NOT NULL
    );
    CREATE INDEX audit_log_tenant_seq ON audit_log(tenant, seq);
    CREATE INDEX audit_log_tenant_at ON audit_log(tenant, at);
    CREATE TABLE launch_sessions (
        tenant INTEGER NOT NULL,
        id TEXT NOT NULL,
        learner TEXT NOT NULL,
        registration TEXT NOT NULL,
        state TEXT NOT NULL,
        last_seen INTEGER NOT NULL,
        PRIMARY KEY (tenant, id)
    );
    CREATE INDEX launch_sessions_learner ON launch_sessions(tenant, learner, last_seen);
    ",
    // 10: request counts per tenant and minute (plans' requests per minute, shared by
    // every process on the database); a tenant's earlier minutes go when a new one starts.
    r"
    CREATE TABLE rate_windows (
        tenant INTEGER NOT NULL,
        minute INTEGER NOT NULL,
        n INTEGER NOT NULL,
        PRIMARY KEY (tenant, minute)
    ) WITHOUT ROWID;
    ",
    // 11: resellers, end clients, admin accounts, their sessions and API tokens.
    r"
    CREATE TABLE resellers (
        name TEXT PRIMARY KEY,
        created INTEGER NOT NULL
    );
    ALTER TABLE tenants ADD COLUMN reseller TEXT;
    CREATE TABLE end_clients (
        tenant INTEGER NOT NULL,
        id TEXT NOT NULL,
        name TEXT NOT NULL,
        created INTEGER NOT NULL,
        PRIMARY KEY (tenant, id)
    );
    ALTER TABLE learners ADD COLUMN end_client TEXT;
    CREATE INDEX learners_end_client ON learners(tenant, end_client);
    CREATE TABLE accounts (
        id TEXT PRIMARY KEY,
        login TEXT NOT NULL UNIQUE,
        role TEXT NOT NULL,
        reseller TEXT,
        tenant INTEGER,
        end_client TEXT,
        password TEXT NOT NULL,
        created INTEGER NOT NULL,
        failed_logins INTEGER NOT NULL DEFAULT 0,
        locked_until INTEGER
    );
    CREATE INDEX accounts_tenant ON accounts(tenant);
    CREATE INDEX accounts_reseller ON accounts(reseller);
    CREATE TABLE account_sessions (
        digest BLOB PRIMARY KEY,
        account TEXT NOT NULL,
        tenant INTEGER,
        created INTEGER NOT NULL,
        expires INTEGER NOT NULL
    );
    CREATE INDEX account_sessions_account ON account_sessions(account);
    CREATE TABLE api_tokens (
        id TEXT PRIMARY KEY,
        digest BLOB NOT NULL UNIQUE,
        account TEXT NOT NULL,
        tenant INTEGER,
        label TEXT NOT NULL,
        created INTEGER NOT NULL,
        last_used INTEGER
    );
    CREATE INDEX api_tokens_account ON api_tokens(account);
    ",
    // The used fetch URLs of cmi5 sessions (one POST each).
    "
    CREATE TABLE cmi5_fetches (
        tenant INTEGER NOT NULL,
        session TEXT NOT NULL,
        registration TEXT NOT NULL,
        used INTEGER NOT NULL,
        PRIMARY KEY (tenant, session)
    );
    ",
    // 13: the language an account's pages are shown in (a code; NULL: the browser's),
    // and the first run's setup link (its SHA-256 digest; one at a time).
    "
    ALTER TABLE accounts ADD COLUMN language TEXT;
    CREATE TABLE setup_links (
        digest BLOB PRIMARY KEY,
        expires INTEGER NOT NULL
    );
    ",
    // 14: a registration's id is unique within its tenant, not across the database, so a
    // tenant restored from a backup beside its current self (a copy, or the staging of an
    // in-place restore) keeps its registration ids. The rowid is kept: lists order by it.
    "
    CREATE TABLE registrations_by_tenant (
        id TEXT NOT NULL,
        tenant INTEGER NOT NULL,
        learner TEXT NOT NULL,
        package TEXT NOT NULL,
        version INTEGER NOT NULL,
        created INTEGER NOT NULL,
        PRIMARY KEY (tenant, id)
    );
    INSERT INTO registrations_by_tenant (rowid, id, tenant, learner, package, version, created)
        SELECT rowid, id, tenant, learner, package, version, created FROM registrations;
    DROP TABLE registrations;
    ALTER TABLE registrations_by_tenant RENAME TO registrations;
    CREATE INDEX registrations_learner ON registrations(tenant, learner);
    CREATE INDEX registrations_package ON registrations(tenant, package);
    ",
    // 15: notices to tenants (maintenance with its window, incidents with their updates,
    // general), each recipient's e-mail delivery (of the notice, or of one of its
    // updates), and an optional e-mail address on accounts (where notices are sent).
    "
    ALTER TABLE accounts ADD COLUMN email TEXT;
    CREATE TABLE notices (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        title TEXT NOT NULL,
        body TEXT NOT NULL,
        audience TEXT NOT NULL,
        audience_reseller TEXT,
        audience_tenant INTEGER,
        window_start INTEGER,
        window_end INTEGER,
        posted INTEGER NOT NULL,
        posted_by TEXT NOT NULL,
        resolved INTEGER
    );
    CREATE INDEX notices_posted ON notices(posted);
    CREATE TABLE notice_updates (
        notice TEXT NOT NULL REFERENCES notices(id),
        seq INTEGER NOT NULL,
        at INTEGER NOT NULL,
        body TEXT NOT NULL,
        PRIMARY KEY (notice, seq)
    );
    CREATE TABLE notice_deliveries (
        notice TEXT NOT NULL REFERENCES notices(id),
        update_seq INTEGER NOT NULL,
        account TEXT NOT NULL,
        address TEXT NOT NULL,
        status TEXT NOT NULL,
        attempts INTEGER NOT NULL,
        last_error TEXT,
        next_attempt INTEGER NOT NULL,
        sent INTEGER,
        PRIMARY KEY (notice, update_seq, account)
    );
    CREATE INDEX notice_deliveries_due ON notice_deliveries(status, next_attempt);
    ",
    // 16: the reports' summary tables, kept by each run-time step's transaction: each
    // item's progress per registration, the answers of its newest attempt, each
    // registration's items counted, and its steps per day.
    "
    CREATE TABLE report_items (
        tenant INTEGER NOT NULL,
        registration TEXT NOT NULL,
        item TEXT NOT NULL,
        completion TEXT NOT NULL,
        success TEXT NOT NULL,
        score REAL,
        time_ms INTEGER NOT NULL,
        attempt INTEGER NOT NULL,
        updated INTEGER NOT NULL,
        PRIMARY KEY (tenant, registration, item)
    );
    CREATE TABLE report_answers (
        tenant INTEGER NOT NULL,
        registration TEXT NOT NULL,
        item TEXT NOT NULL,
        n INTEGER NOT NULL,
        question TEXT NOT NULL,
        response TEXT NOT NULL,
        result TEXT NOT NULL,
        PRIMARY KEY (tenant, registration, item, n)
    );
    CREATE TABLE report_registrations (
        tenant INTEGER NOT NULL,
        registration TEXT NOT NULL,
        learner TEXT NOT NULL,
        course TEXT NOT NULL,
        version INTEGER NOT NULL,
        launchables INTEGER NOT NULL,
        items INTEGER NOT NULL,
        done INTEGER NOT NULL,
        passed INTEGER NOT NULL,
        failed INTEGER NOT NULL,
        score REAL,
        time_ms INTEGER NOT NULL,
        first_ms INTEGER NOT NULL,
        last_ms INTEGER NOT NULL,
        PRIMARY KEY (tenant, registration)
    );
    CREATE INDEX report_registrations_course ON report_registrations(tenant, course, learner);
    CREATE INDEX report_registrations_learner ON report_registrations(tenant, learner);
    CREATE TABLE report_days (
        tenant INTEGER NOT NULL,
        registration TEXT NOT NULL,
        day INTEGER NOT NULL,
        steps INTEGER NOT NULL,
        PRIMARY KEY (tenant, registration, day)
    );
    CREATE INDEX report_days_day ON report_days(tenant, day);
    ",
    // 17: a registration may be a preview (an admin trying a course as their test
    // learner, `learner::preview_learner_id`): reports leave it out.
    "
    ALTER TABLE registrations ADD COLUMN preview INTEGER NOT NULL DEFAULT 0;
    ",
    // 18: the learner portal: learners' sign-ins (a password hash, an unused invitation
    // code's digest), their portal sessions, and assignments of courses to a learner or
    // an end client.
    "
    CREATE TABLE learner_logins (
        tenant INTEGER NOT NULL,
        learner TEXT NOT NULL,
        password TEXT,
        invitation BLOB,
        invitation_expires INTEGER,
        updated INTEGER NOT NULL,
        PRIMARY KEY (tenant, learner)
    );
    CREATE UNIQUE INDEX learner_logins_invitation ON learner_logins(tenant, invitation);
    CREATE TABLE portal_sessions (
        digest BLOB PRIMARY KEY,
        tenant INTEGER NOT NULL,
        learner TEXT NOT NULL,
        created INTEGER NOT NULL,
        seen INTEGER NOT NULL,
        expires INTEGER NOT NULL,
        ended INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX portal_sessions_learner ON portal_sessions(tenant, learner);
    CREATE TABLE assignments (
        tenant INTEGER NOT NULL,
        id TEXT NOT NULL,
        package TEXT NOT NULL,
        learner TEXT,
        end_client TEXT,
        due TEXT,
        created INTEGER NOT NULL,
        PRIMARY KEY (tenant, id)
    );
    CREATE INDEX assignments_learner ON assignments(tenant, learner);
    CREATE INDEX assignments_end_client ON assignments(tenant, end_client);
    ",
    // 19: each answer keeps its registration's course, so a course's questions report
    // counts its answers from one index without joining the registrations; a preview's
    // answers are not kept (they count in no report).
    "
    ALTER TABLE report_answers ADD COLUMN course TEXT NOT NULL DEFAULT '';
    DELETE FROM report_answers WHERE NOT EXISTS (SELECT 1 FROM registrations r
        WHERE r.tenant = report_answers.tenant AND r.id = report_answers.registration AND NOT r.preview);
    UPDATE report_answers SET course = (SELECT r.package FROM registrations r
        WHERE r.tenant = report_answers.tenant AND r.id = report_answers.registration);
    CREATE INDEX report_answers_course ON report_answers(tenant, course, question, response, result);
    ",
    // 20: a registration's days of activity keep its course too, so a tenant's or a
    // course's activity counts from one index; a preview's days are not kept.
    "
    ALTER TABLE report_days ADD COLUMN course TEXT NOT NULL DEFAULT '';
    DELETE FROM report_days WHERE NOT EXISTS (SELECT 1 FROM registrations r
        WHERE r.tenant = report_days.tenant AND r.id = report_days.registration AND NOT r.preview);
    UPDATE report_days SET course = (SELECT r.package FROM registrations r
        WHERE r.tenant = report_days.tenant AND r.id = report_days.registration);
    CREATE INDEX report_days_course ON report_days(tenant, course, day, steps);
    DROP INDEX report_days_day;
    CREATE INDEX report_days_day ON report_days(tenant, day, steps);
    ",
];

pub fn migrate(conn: &mut Connection) -> StoreResult<()> {
    let current: usize = conn
        .pragma_query_value(None, "user_version", |r| r.get::<_, i64>(0))
        .map_err(backend)?
        .try_into()
        .unwrap_or(0);
    if current > MIGRATIONS.len() {
        return Err(backend(format!(
            "the database schema is version {current}, newer than this kiroku ({}); upgrade kiroku",
            MIGRATIONS.len()
        )));
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(current) {
        let tx = conn.transaction().map_err(backend)?;
        tx.execute_batch(sql).map_err(backend)?;
        tx.pragma_update(None, "user_version", i as i64 + 1).map_err(backend)?;
        tx.commit().map_err(backend)?;
        tracing::info!(version = i + 1, "applied SQLite migration");
    }
    Ok(())
}
