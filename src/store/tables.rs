//! The one list of tables that hold tenant data, for both backends: what a tenant's
//! termination erases and counts, what a registration's deletion takes with it, and what a
//! learner's erasure deletes. A table added for tenant data joins `TENANT_TABLES`; the
//! store suite (`tests/integration/store/tables.rs`) asks each database for every table
//! with a `tenant` column and fails on one that is in neither list.
//!
//! Conditions are SQL written once with `{tenant}` (the tenant's id) and `{value}` (a
//! second parameter) and given each backend's placeholders by `Backend::sql`.

/// A condition true of a learner id `column` that is not a test learner's
/// (`learner::PREVIEW_PREFIX`): the learners list, its export and the learner quota leave
/// test learners out. The same SQL for both backends (`substr` counts characters in both).
pub fn real_learner(column: &str) -> String {
    let prefix = crate::learner::PREVIEW_PREFIX;
    format!("substr({column}, 1, {}) <> '{prefix}'", prefix.chars().count())
}

/// The database a condition is written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// `cond` with `{tenant}`, `{value}` and `{other}` as this backend's first, second
    /// and third parameters.
    pub fn sql(self, cond: &str) -> String {
        let (tenant, value, other) = match self {
            Self::Sqlite => ("?1", "?2", "?3"),
            Self::Postgres => ("$1", "$2", "$3"),
        };
        cond.replace("{tenant}", tenant)
            .replace("{value}", value)
            .replace("{other}", other)
    }
}

/// A table holding tenant rows and how one tenant's rows are found.
#[derive(Debug, Clone, Copy)]
pub struct TenantTable {
    pub name: &'static str,
    /// Selects one tenant's rows (`{tenant}`); tables without a tenant column reach it
    /// through the row they belong to.
    pub rows: &'static str,
    /// Only PostgreSQL has the table (SQLite keeps no statement clock: its one writer
    /// orders the batches).
    pub postgres_only: bool,
}

const fn own(name: &'static str) -> TenantTable {
    TenantTable {
        name,
        rows: "tenant = {tenant}",
        postgres_only: false,
    }
}

/// Every table holding tenant rows, in an order that erases rows before those they point
/// at (index terms before their statements, files before their package versions).
pub const TENANT_TABLES: &[TenantTable] = &[
    TenantTable {
        name: "terms",
        rows: "seq IN (SELECT seq FROM statements WHERE tenant = {tenant})",
        postgres_only: false,
    },
    own("statements"),
    TenantTable {
        postgres_only: true,
        ..own("statement_clock")
    },
    own("attachments"),
    own("documents"),
    own("credentials"),
    own("attempts"),
    own("registration_state"),
    own("report_items"),
    own("report_answers"),
    own("report_registrations"),
    own("report_days"),
    own("registrations"),
    own("portal_sessions"),
    own("learner_logins"),
    own("assignments"),
    own("learners"),
    TenantTable {
        name: "package_files",
        rows: "version_pk IN (SELECT pk FROM package_versions WHERE tenant = {tenant})",
        postgres_only: false,
    },
    own("package_versions"),
    own("packages"),
    own("audit_log"),
    own("launch_sessions"),
    own("cmi5_fetches"),
    own("api_tokens"),
    own("account_sessions"),
    own("accounts"),
    own("end_clients"),
    own("rate_windows"),
];

/// Tables of a tenant's access and history rather than its data: a restore from a backup
/// keeps their rows as they are now, moved to the restored rows' tenant, so credentials,
/// accounts and API tokens keep working (and a revoked one stays revoked), the audit log
/// goes on, a used cmi5 fetch URL stays used and request counts continue. Every other
/// tenant table is replaced by the backup's rows.
pub const KEPT_ACROSS_RESTORE: &[&str] = &[
    "credentials",
    "accounts",
    "api_tokens",
    "account_sessions",
    "audit_log",
    "launch_sessions",
    "cmi5_fetches",
    "rate_windows",
    // The learner portal's sign-ins and sessions: access, as accounts and their sessions
    // are (the tenant archive holds no password hash).
    "learner_logins",
    "portal_sessions",
];

/// The tenant tables a restore from a backup replaces (all but `KEPT_ACROSS_RESTORE`).
pub fn restored_tables(backend: Backend) -> impl Iterator<Item = &'static TenantTable> {
    tenant_tables(backend).filter(|t| !KEPT_ACROSS_RESTORE.contains(&t.name))
}

/// The statements moving the kept rows from one tenant (`{tenant}`) to another
/// (`{value}`), for `backend`.
pub fn move_kept_rows(backend: Backend) -> Vec<String> {
    KEPT_ACROSS_RESTORE
        .iter()
        .map(|t| backend.sql(&format!("UPDATE {t} SET tenant = {{value}} WHERE tenant = {{tenant}}")))
        .collect()
}

/// The statements giving a package of tenant `{tenant}` back its id from before an import
/// (`{value}`: the id the import gave it, `{other}`: the original), for `backend`. A
/// package's id cannot change under its versions (they reference it), so the package row
/// is copied under the original id, its versions and registrations follow, and the copy's
/// source goes; the identifier, unique in the tenant, is parked meanwhile behind the
/// (unique) id it had.
pub fn restore_package_id(backend: Backend) -> Vec<String> {
    // Every statement names all three parameters (`id <> {other}`: a package that has its
    // id already is left alone).
    let this = "tenant = {tenant} AND id = {value} AND id <> {other}";
    [
        format!("UPDATE packages SET identifier = id || '/' || identifier WHERE {this}"),
        format!(
            "INSERT INTO packages (id, tenant, identifier, created) \
             SELECT {{other}}, tenant, substr(identifier, length(id) + 2), created FROM packages WHERE {this}"
        ),
        "UPDATE package_versions SET package = {other} WHERE tenant = {tenant} AND package = {value}".to_owned(),
        "UPDATE registrations SET package = {other} WHERE tenant = {tenant} AND package = {value}".to_owned(),
        format!("DELETE FROM packages WHERE {this}"),
    ]
    .iter()
    .map(|sql| backend.sql(sql))
    .collect()
}

/// The statements putting back a package version's creation time, for `backend`: the
/// version's (`{value}`: the package, `{other}`: the version, the time the fourth
/// parameter), then its package's, its first version's (tenant and package only).
pub fn restore_version_time(backend: Backend) -> [String; 2] {
    let time = match backend {
        Backend::Sqlite => "?4",
        Backend::Postgres => "$4",
    };
    [
        backend.sql(&format!(
            "UPDATE package_versions SET created = {time} WHERE tenant = {{tenant}} AND package = {{value}} AND version = {{other}}"
        )),
        backend.sql(
            "UPDATE packages SET created = (SELECT min(v.created) FROM package_versions v WHERE v.package = packages.id) \
             WHERE tenant = {tenant} AND id = {value}",
        ),
    ]
}

/// The tables besides `accounts` that name an account by its id: what deleting an account
/// deletes with it (its sessions, its API tokens, and the notices e-mailed to it, which
/// hold its address).
pub const ACCOUNT_ROWS: &[&str] = &["account_sessions", "api_tokens", "notice_deliveries"];

/// The notices e-mailed to tenant `{tenant}`'s accounts (their addresses): erased with the
/// tenant. The table is keyed by notice and account, not by tenant, so it is not among
/// `TENANT_TABLES`, whose rows a restore moves by their `tenant` column.
pub const TENANT_NOTICE_DELIVERIES: &str =
    "DELETE FROM notice_deliveries WHERE account IN (SELECT id FROM accounts WHERE tenant = {tenant})";

/// Content hashes the packages of tenant `{tenant}` use and no other tenant's do.
pub const FILES_ONLY_THIS_TENANT_USES: &str = "SELECT DISTINCT f.sha256 FROM package_files f \
     JOIN package_versions v ON v.pk = f.version_pk WHERE v.tenant = {tenant} AND NOT EXISTS \
     (SELECT 1 FROM package_files g JOIN package_versions w ON w.pk = g.version_pk \
     WHERE g.sha256 = f.sha256 AND w.tenant <> {tenant}) ORDER BY f.sha256";

/// Tables with a `tenant` column that are deliberately not tenant data, each with why.
/// Empty today: every such table is in `TENANT_TABLES`.
pub const NOT_TENANT_DATA: &[(&str, &str)] = &[];

/// The tenant tables of one backend.
pub fn tenant_tables(backend: Backend) -> impl Iterator<Item = &'static TenantTable> {
    TENANT_TABLES
        .iter()
        .filter(move |t| backend == Backend::Postgres || !t.postgres_only)
}

/// What the run-time keeps per registration: deleted with the registration (a learner or
/// package deleted with `force`), before the registration rows themselves.
pub const REGISTRATION_DATA: &[&str] = &[
    "attempts",
    "registration_state",
    "cmi5_fetches",
    "report_items",
    "report_answers",
    "report_registrations",
    "report_days",
];

/// The learner portal's rows of a learner (`{value}`: the learner's id): their sign-in,
/// their portal sessions and the courses assigned to them alone. Deleting a learner, forced
/// or not, deletes them in the same transaction, so their next portal request is refused.
pub const LEARNER_PORTAL: &[&str] = &["portal_sessions", "learner_logins", "assignments"];

/// A package's assignments (`{value}`: the package): deleted with the package.
pub const PACKAGE_ASSIGNMENTS: &str = "DELETE FROM assignments WHERE tenant = {tenant} AND package = {value}";
/// The assignments to an end client (`{value}`): deleted with the end client.
pub const END_CLIENT_ASSIGNMENTS: &str = "DELETE FROM assignments WHERE tenant = {tenant} AND end_client = {value}";

/// The statements deleting a learner's portal rows, for `backend`.
pub fn delete_learner_portal(backend: Backend) -> Vec<String> {
    LEARNER_PORTAL
        .iter()
        .map(|t| {
            backend.sql(&format!(
                "DELETE FROM {t} WHERE tenant = {{tenant}} AND learner = {{value}}"
            ))
        })
        .collect()
}

/// What a learner's erasure deletes, in order, each with the rows of the learner
/// (`{value}`: the learner's id, or its agent key for documents).
pub const LEARNER_DATA: &[LearnerTable] = &[
    LearnerTable {
        name: "documents",
        rows: "agent = {value} AND kind IN ('state', 'agent_profile')",
        by_agent: true,
    },
    LearnerTable::registrations("attempts"),
    LearnerTable::registrations("registration_state"),
    LearnerTable::registrations("cmi5_fetches"),
    LearnerTable::registrations("report_items"),
    LearnerTable::registrations("report_answers"),
    LearnerTable::registrations("report_registrations"),
    LearnerTable::registrations("report_days"),
    LearnerTable {
        name: "registrations",
        rows: "learner = {value}",
        by_agent: false,
    },
    LearnerTable {
        name: "learners",
        rows: "id = {value}",
        by_agent: false,
    },
    LearnerTable::portal("portal_sessions"),
    LearnerTable::portal("learner_logins"),
    LearnerTable::portal("assignments"),
];

/// A table holding a learner's rows.
#[derive(Debug, Clone, Copy)]
pub struct LearnerTable {
    pub name: &'static str,
    rows: &'static str,
    /// `{value}` is the learner's agent key (documents are kept by agent), not its id.
    pub by_agent: bool,
}

impl LearnerTable {
    const fn portal(name: &'static str) -> Self {
        Self {
            name,
            rows: "learner = {value}",
            by_agent: false,
        }
    }

    const fn registrations(name: &'static str) -> Self {
        Self {
            name,
            rows: "registration IN (SELECT id FROM registrations WHERE tenant = {tenant} AND learner = {value})",
            by_agent: false,
        }
    }

    /// The statement deleting the learner's rows, for `backend`.
    pub fn delete(&self, backend: Backend) -> String {
        backend.sql(&format!(
            "DELETE FROM {} WHERE tenant = {{tenant}} AND {}",
            self.name, self.rows
        ))
    }
}

impl TenantTable {
    /// The statement counting one tenant's rows, for `backend`.
    pub fn count(&self, backend: Backend) -> String {
        backend.sql(&format!("SELECT count(*) FROM {} WHERE {}", self.name, self.rows))
    }

    /// The statement deleting one tenant's rows, for `backend`.
    pub fn delete(&self, backend: Backend) -> String {
        backend.sql(&format!("DELETE FROM {} WHERE {}", self.name, self.rows))
    }
}

/// Whose registrations a deletion releases: a learner's or a package's.
#[derive(Debug, Clone, Copy)]
pub enum RegistrationsOf<'a> {
    Learner(&'a str),
    Package(&'a str),
}

impl RegistrationsOf<'_> {
    /// The learner's or package's id, the statements' `{value}`.
    pub fn id(&self) -> &str {
        match self {
            Self::Learner(id) | Self::Package(id) => id,
        }
    }

    /// How a refusal names it.
    pub fn describe(&self) -> String {
        match self {
            Self::Learner(id) => format!("learner {id:?}"),
            Self::Package(id) => format!("package {id}"),
        }
    }

    fn column(&self) -> &'static str {
        match self {
            Self::Learner(_) => "learner",
            Self::Package(_) => "package",
        }
    }

    /// The statement counting the registrations, for `backend`.
    pub fn count(&self, backend: Backend) -> String {
        let column = self.column();
        backend.sql(&format!(
            "SELECT count(*) FROM registrations WHERE tenant = {{tenant}} AND {column} = {{value}}"
        ))
    }

    /// The statements deleting the registrations, for `backend`: what the run-time kept
    /// for them, then the registrations.
    pub fn release(&self, backend: Backend) -> Vec<String> {
        let column = self.column();
        let regs = format!("SELECT id FROM registrations WHERE tenant = {{tenant}} AND {column} = {{value}}");
        let kept = REGISTRATION_DATA
            .iter()
            .map(|table| format!("DELETE FROM {table} WHERE tenant = {{tenant}} AND registration IN ({regs})"));
        kept.chain([format!(
            "DELETE FROM registrations WHERE tenant = {{tenant}} AND {column} = {{value}}"
        )])
        .map(|sql| backend.sql(&sql))
        .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_per_backend() {
        assert_eq!(
            TENANT_TABLES[0].count(Backend::Postgres),
            "SELECT count(*) FROM terms WHERE seq IN (SELECT seq FROM statements WHERE tenant = $1)"
        );
        assert_eq!(
            LEARNER_DATA[9].delete(Backend::Sqlite),
            "DELETE FROM learners WHERE tenant = ?1 AND id = ?2"
        );
        assert!(tenant_tables(Backend::Sqlite).all(|t| t.name != "statement_clock"));
        assert!(tenant_tables(Backend::Postgres).any(|t| t.name == "statement_clock"));
        assert_eq!(RegistrationsOf::Learner("l").release(Backend::Sqlite).len(), 8);
    }

    #[test]
    fn a_restore_keeps_only_tenant_tables_and_replaces_the_rest() {
        for kept in KEPT_ACROSS_RESTORE {
            assert!(
                TENANT_TABLES.iter().any(|t| t.name == *kept),
                "{kept} is no tenant table"
            );
        }
        let replaced: Vec<&str> = restored_tables(Backend::Postgres).map(|t| t.name).collect();
        for data in [
            "statements",
            "terms",
            "documents",
            "learners",
            "registrations",
            "packages",
            "end_clients",
        ] {
            assert!(replaced.contains(&data), "{data}");
        }
        assert_eq!(
            move_kept_rows(Backend::Postgres)[0],
            "UPDATE credentials SET tenant = $2 WHERE tenant = $1"
        );
    }
}
