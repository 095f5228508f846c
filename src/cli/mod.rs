//! The command line: one typed configuration (every flag also a `KIROKU_*` variable) and
//! the commands that run on it.

mod accounts;
mod audit;
mod backup;
mod commands;
mod database;
mod import;
mod lifecycle;
mod migrate;
mod net;
mod s3;
mod settings;
mod setup;
mod tenants;

pub use setup::first_run_link;

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::package::PackageLimits;

pub use commands::run;
pub use database::DatabaseUrl;
pub use s3::{BackupS3Args, BackupTarget};

#[derive(Debug, Parser)]
#[command(
    name = "kiroku",
    version,
    about = "SCORM/xAPI content runtime and multi-tenant Learning Record Store"
)]
pub struct Cli {
    /// Folder holding the SQLite database (unless --database-url is given), content files
    /// and work files.
    #[arg(long, global = true, env = "KIROKU_DATA_DIR", default_value = "./kiroku-data")]
    pub data_dir: PathBuf,
    /// PostgreSQL database to use instead of SQLite in the data folder
    /// (postgres://user:password@host:5432/dbname); its schema is migrated at start-up.
    #[arg(long, global = true, env = "KIROKU_DATABASE_URL", value_parser = DatabaseUrl::parse)]
    pub database_url: Option<DatabaseUrl>,
    #[command(flatten)]
    pub s3: S3Args,
    /// Base URL clients use to reach the app origin (default: http://<listen address>).
    #[arg(long, global = true, env = "KIROKU_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Print machine-readable JSON instead of text.
    #[arg(long, global = true, env = "KIROKU_JSON")]
    pub json: bool,
    /// Log format on stderr.
    #[arg(long, global = true, env = "KIROKU_LOG_FORMAT", value_enum, default_value = "text")]
    pub log_format: LogFormat,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the server: the app origin (xAPI, APIs) and the content origin.
    Serve(Box<ServeArgs>),
    /// Manage tenants: create, list, show, plan, suspend, resume, settings.
    #[command(subcommand)]
    Tenant(TenantCommand),
    /// Manage plans (quotas tenants are put on).
    #[command(subcommand)]
    Plan(PlanCommand),
    /// Manage a tenant's learners.
    #[command(subcommand)]
    Learner(LearnerCommand),
    /// Manage a tenant's LRS credentials.
    #[command(subcommand)]
    Credential(CredentialCommand),
    /// Import a content package (zip) for a tenant.
    Import(ImportArgs),
    /// Back up the data folder (database snapshot and content files) into the backup folder,
    /// and copy it to the S3 backup target when one is configured; `list`, `verify`,
    /// `restore-tenant`.
    Backup(BackupCommandArgs),
    /// Restore a backup into the data folder given by --data-dir, which must be new or empty.
    Restore(RestoreArgs),
    /// Copy everything of this store (the data folder's SQLite, or --database-url) into an
    /// empty PostgreSQL database, verifiably (every table's rows compared per tenant).
    MigrateStore {
        /// The target database (postgres://…); its schema is created.
        #[arg(long, value_parser = database::DatabaseUrl::parse)]
        to: database::DatabaseUrl,
    },
    /// Manage resellers (organisations that sell tenants their usage rights).
    #[command(subcommand)]
    Reseller(ResellerCommand),
    /// Manage admin accounts (operator, reseller, tenant and end-client admins).
    #[command(subcommand)]
    Account(AccountCommand),
    /// Print a tenant's audit log, oldest first (one JSON object a line with --json).
    Audit {
        /// Tenant name.
        tenant: String,
        /// Only entries at or after this time (RFC 3339).
        #[arg(long, env = "KIROKU_AUDIT_SINCE")]
        since: Option<String>,
    },
}

/// Content files in S3-compatible object storage instead of the data folder. Credentials
/// come from `KIROKU_S3_ACCESS_KEY_ID` and `KIROKU_S3_SECRET_ACCESS_KEY`.
#[derive(Debug, Clone, Args)]
pub struct S3Args {
    /// Endpoint of the S3-compatible storage (https://host[:port], or http:// on a
    /// private network).
    #[arg(long, global = true, env = "KIROKU_S3_ENDPOINT", requires = "s3_bucket")]
    pub s3_endpoint: Option<String>,
    /// Bucket holding the content files.
    #[arg(long, global = true, env = "KIROKU_S3_BUCKET")]
    pub s3_bucket: Option<String>,
    #[arg(long, global = true, env = "KIROKU_S3_REGION", default_value = "us-east-1")]
    pub s3_region: String,
    /// Key prefix inside the bucket.
    #[arg(long, global = true, env = "KIROKU_S3_PREFIX", default_value = "")]
    pub s3_prefix: String,
    /// PEM file of CA certificates trusted beside the public roots, for an https://
    /// endpoint with a private CA.
    #[arg(long, global = true, env = "KIROKU_S3_CA_FILE", requires = "s3_endpoint")]
    pub s3_ca_file: Option<PathBuf>,
}

/// Where backups go and how long they are kept.
#[derive(Debug, Clone, Args)]
pub struct BackupArgs {
    /// Folder of the backups (on another disk in production).
    #[arg(long, env = "KIROKU_BACKUP_DIR", default_value = "./kiroku-backups")]
    pub backup_dir: PathBuf,
    /// Days of backups kept (the newest is always kept), in the folder and the S3 target.
    #[arg(long, env = "KIROKU_BACKUP_KEEP_DAYS", default_value_t = 7)]
    pub keep_days: u32,
    #[command(flatten)]
    pub s3: BackupS3Args,
}

#[derive(Debug, Args)]
pub struct BackupCommandArgs {
    #[command(flatten)]
    pub backup: BackupArgs,
    /// Where `list`, `verify` and `restore-tenant` read backups from. A backup is always
    /// written to the folder, and copied to the S3 target when one is configured.
    #[arg(long, global = true, value_enum, default_value = "folder")]
    pub target: BackupTarget,
    #[command(subcommand)]
    pub action: Option<BackupAction>,
}

#[derive(Debug, Subcommand)]
pub enum BackupAction {
    /// List the backups, oldest first.
    List,
    /// Check a backup (the newest by default): hashes and database integrity.
    Verify {
        /// The backup's name.
        name: Option<String>,
    },
    /// Restore one tenant as it was in a backup, the other tenants untouched: as a copy
    /// under a new name (`--as`), for inspection, or in place (`--in-place`), after an
    /// export of its current data.
    RestoreTenant {
        /// The tenant's name in the backup.
        tenant: String,
        /// The backup's name (default: the newest).
        #[arg(long)]
        backup: Option<String>,
        /// Restore into a new tenant of this name, beside the tenant itself.
        #[arg(
            long = "as",
            value_name = "NEW_NAME",
            required_unless_present = "in_place",
            conflicts_with = "in_place"
        )]
        as_name: Option<String>,
        /// Replace the tenant's data with the backup's (its credentials, accounts and audit
        /// log stay as they are).
        #[arg(long)]
        in_place: bool,
        /// With --in-place: where the export of the tenant's current data goes (default:
        /// `tenant-exports/TENANT-TIME.zip` in the backup folder).
        #[arg(long, requires = "in_place")]
        export: Option<PathBuf>,
    },
}

#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// The backup's name (default: the newest).
    pub name: Option<String>,
    /// Folder of the backups (from the S3 target: where the backup is downloaded to
    /// before it is restored).
    #[arg(long, env = "KIROKU_BACKUP_DIR", default_value = "./kiroku-backups")]
    pub backup_dir: PathBuf,
    /// Where the backup is read from.
    #[arg(long, value_enum, default_value = "folder")]
    pub target: BackupTarget,
    #[command(flatten)]
    pub s3: BackupS3Args,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Tenant name.
    pub tenant: String,
    /// The package: a zip file, or a cmi5 course structure (`cmi5.xml`) whose AUs all have absolute urls.
    pub file: PathBuf,
    #[command(flatten)]
    pub limits: LimitArgs,
}

/// Limits every package upload is held to.
#[derive(Debug, Clone, Args)]
pub struct LimitArgs {
    /// Largest upload (the zip itself), bytes.
    #[arg(long, env = "KIROKU_MAX_UPLOAD_BYTES", default_value_t = PackageLimits::default().max_upload_bytes)]
    pub max_upload_bytes: u64,
    /// Most entries in a zip.
    #[arg(long, env = "KIROKU_MAX_ENTRIES", default_value_t = PackageLimits::default().max_entries)]
    pub max_entries: u64,
    /// Largest unpacked file, bytes.
    #[arg(long, env = "KIROKU_MAX_FILE_BYTES", default_value_t = PackageLimits::default().max_file_bytes)]
    pub max_file_bytes: u64,
    /// Largest unpacked package, bytes.
    #[arg(long, env = "KIROKU_MAX_TOTAL_BYTES", default_value_t = PackageLimits::default().max_total_bytes)]
    pub max_total_bytes: u64,
    /// Highest unpacked:packed ratio of one entry.
    #[arg(long, env = "KIROKU_MAX_RATIO", default_value_t = PackageLimits::default().max_ratio)]
    pub max_ratio: u64,
    /// Largest manifest, bytes.
    #[arg(long, env = "KIROKU_MAX_XML_BYTES", default_value_t = PackageLimits::default().max_xml_bytes)]
    pub max_xml_bytes: u64,
}

impl LimitArgs {
    pub fn limits(&self) -> PackageLimits {
        PackageLimits {
            max_upload_bytes: self.max_upload_bytes,
            max_entries: self.max_entries,
            max_file_bytes: self.max_file_bytes,
            max_total_bytes: self.max_total_bytes,
            max_ratio: self.max_ratio,
            max_xml_bytes: self.max_xml_bytes,
            ..PackageLimits::default()
        }
    }
}

/// Where notices are e-mailed (docs/operations.md, "Notices"); without `--smtp-url`
/// notices are shown on the site only.
#[derive(Args)]
pub struct SmtpArgs {
    /// SMTP server: smtps://user:pass@host:465 (implicit TLS),
    /// smtp://user:pass@host:587?tls=required (STARTTLS) or smtp://host:port (plain, local
    /// relays and tests only).
    #[arg(long, env = "KIROKU_SMTP_URL", hide_env_values = true, requires = "smtp_from")]
    pub smtp_url: Option<String>,
    /// The sender of notices: notices@example.jp or "kiroku <notices@example.jp>".
    #[arg(long, env = "KIROKU_SMTP_FROM")]
    pub smtp_from: Option<String>,
    /// Seconds before the first retry of a failed e-mail; each further retry waits twice
    /// as long.
    #[arg(long, env = "KIROKU_SMTP_RETRY_SECONDS", default_value_t = 60, value_parser = clap::value_parser!(u32).range(1..))]
    pub smtp_retry_seconds: u32,
    /// Tries of one e-mail before it is marked failed.
    #[arg(long, env = "KIROKU_SMTP_MAX_ATTEMPTS", default_value_t = 6, value_parser = clap::value_parser!(u32).range(1..=20))]
    pub smtp_max_attempts: u32,
}

/// The URL may hold the SMTP password: `Debug` never shows it.
impl std::fmt::Debug for SmtpArgs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpArgs")
            .field("smtp_url", &self.smtp_url.as_ref().map(|_| "<redacted>"))
            .field("smtp_from", &self.smtp_from)
            .field("smtp_retry_seconds", &self.smtp_retry_seconds)
            .field("smtp_max_attempts", &self.smtp_max_attempts)
            .finish()
    }
}

impl SmtpArgs {
    /// The mail settings, when an SMTP server is named; a bad URL or sender is refused
    /// before anything listens.
    pub fn mail_config(&self) -> Result<Option<crate::mail::MailConfig>, String> {
        let Some(url) = self.smtp_url.as_ref().filter(|u| !u.is_empty()) else {
            return Ok(None);
        };
        let config = crate::mail::MailConfig {
            url: crate::server::Redacted(url.clone()),
            from: self.smtp_from.clone().unwrap_or_default(),
            retry: crate::notice::delivery::RetryPolicy {
                first_delay_ms: i64::from(self.smtp_retry_seconds) * 1000,
                max_attempts: self.smtp_max_attempts,
            },
        };
        crate::mail::SmtpMailer::new(&config)?;
        Ok(Some(config))
    }
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address of the app origin.
    #[arg(long, env = "KIROKU_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Address of the content origin (package files, player).
    #[arg(long, env = "KIROKU_CONTENT_LISTEN", default_value = "127.0.0.1:8081")]
    pub content_listen: SocketAddr,
    /// Largest xAPI request body accepted, in bytes.
    #[arg(long, env = "KIROKU_BODY_LIMIT", default_value_t = 32 * 1024 * 1024)]
    pub body_limit: usize,
    /// Base URL learners' browsers use to reach the content origin (default:
    /// http://<content listen address>).
    #[arg(long, env = "KIROKU_CONTENT_PUBLIC_URL")]
    pub content_public_url: Option<String>,
    /// How long a launch link stays valid, seconds.
    #[arg(long, env = "KIROKU_LAUNCH_TTL", default_value_t = 8 * 3600)]
    pub launch_ttl: u64,
    /// Memory for content files kept in cache on the content origin, bytes.
    #[arg(long, env = "KIROKU_CONTENT_CACHE_BYTES", default_value_t = 256 << 20)]
    pub content_cache_bytes: usize,
    /// Require `Authorization: Bearer <token>` on `/metrics`.
    #[arg(long, env = "KIROKU_METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<String>,
    /// Bearer token of the operator API (`/api/operator/v1/…`); without one it is disabled.
    #[arg(long, env = "KIROKU_OPERATOR_TOKEN", hide_env_values = true)]
    pub operator_token: Option<String>,
    /// A proxy (IP address, repeatable) whose X-Forwarded-For names the client in the
    /// audit log; without one the header is ignored.
    #[arg(long = "trusted-proxy", env = "KIROKU_TRUSTED_PROXY", value_delimiter = ',')]
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// A launch session counts as active (one ID, one person) while it opened or committed
    /// within this many minutes.
    #[arg(long, env = "KIROKU_LAUNCH_SESSION_MINUTES", default_value_t = 10)]
    pub launch_session_minutes: u32,
    /// Time of the daily backup, HH:MM UTC, or `off`.
    #[arg(long, env = "KIROKU_BACKUP_AT", default_value = "02:00")]
    pub backup_at: String,
    #[command(flatten)]
    pub smtp: SmtpArgs,
    #[command(flatten)]
    pub backup: BackupArgs,
    #[command(flatten)]
    pub limits: LimitArgs,
    #[command(flatten)]
    pub tls: net::TlsArgs,
    #[command(flatten)]
    pub timeouts: net::TimeoutArgs,
}

#[derive(Debug, Subcommand)]
pub enum TenantCommand {
    /// Create a tenant.
    Create {
        /// Unique name: letters, digits, '.', '_' or '-'.
        name: String,
        /// xAPI version that answers requests without X-Experience-API-Version.
        #[arg(long, env = "KIROKU_XAPI_VERSION", default_value = "2.0.0", value_parser = ["1.0.3", "2.0.0"])]
        xapi_version: String,
        /// The plan whose quotas apply (default: none, unlimited).
        #[arg(long)]
        plan: Option<String>,
        /// The reseller the tenant belongs to (its reseller admins manage it).
        #[arg(long)]
        reseller: Option<String>,
    },
    /// List tenants.
    List,
    /// Show a tenant: plan, quotas, status and usage (storage, learners, statements this month).
    Show {
        /// Tenant name.
        name: String,
    },
    /// Put a tenant on another plan.
    SetPlan {
        /// Tenant name.
        name: String,
        /// Plan name.
        plan: String,
    },
    /// Suspend a tenant: every request of it is refused (403, reason tenant_suspended)
    /// until it is resumed; nothing of its data changes.
    Suspend {
        /// Tenant name.
        name: String,
        /// Why (shown to the tenant's API clients).
        #[arg(long)]
        reason: Option<String>,
    },
    /// Resume a suspended tenant.
    Resume {
        /// Tenant name.
        name: String,
    },
    /// Show or change a tenant's settings (without options: show them).
    Settings {
        /// Tenant name.
        name: String,
        /// Keep SCORM 1.2 `cmi.suspend_data` to the standard's 4,096 characters (default:
        /// 64,000, as real content needs).
        #[arg(long, value_parser = clap::value_parser!(bool))]
        strict_scorm12_suspend_data: Option<bool>,
        /// Days statements are kept; older ones are deleted daily by `serve` (0: keep forever).
        #[arg(long)]
        statement_retention_days: Option<u32>,
        /// A learner ID launched in a second browser while in use in another: allow it,
        /// refuse the second launch, or end the first (default: allow).
        #[arg(long, value_parser = ["allow", "refuse", "end-first"])]
        concurrent_launches: Option<String>,
        /// Minutes a cmi5 session may pass without a statement before it is abandoned
        /// (0: never; a new launch of the AU always abandons its open session).
        #[arg(long)]
        cmi5_session_timeout_minutes: Option<u32>,
    },
    /// Write the tenant's export archive (docs/tenant-archive.md).
    Export {
        /// Tenant name.
        name: String,
        /// The archive file to write.
        #[arg(long)]
        out: PathBuf,
    },
    /// Import an export archive as a new tenant, all or nothing.
    Import {
        /// The archive file.
        file: PathBuf,
        /// Name of the new tenant (default: the exported tenant's).
        #[arg(long = "as")]
        as_name: Option<String>,
    },
    /// Export, verify, then erase every row and unshared content file of the tenant; the
    /// name stays reserved by a `terminated` tombstone.
    Terminate {
        /// Tenant name.
        name: String,
        /// Where the export archive goes (written and verified before anything is erased).
        #[arg(long)]
        export: PathBuf,
        /// Confirms the erasure (required).
        #[arg(long)]
        yes_erase_everything: bool,
    },
    /// Delete the statements older than the tenant's retention period now.
    ApplyRetention {
        /// Tenant name.
        name: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum LearnerCommand {
    /// Erase a learner's personal data: statements as actor, documents, attempts,
    /// registrations and the learner record; other mentions anonymised.
    Erase {
        /// Tenant name.
        tenant: String,
        /// Learner id.
        id: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum ResellerCommand {
    /// Create a reseller.
    Create {
        /// Unique name: letters, digits, '.', '_' or '-'.
        name: String,
    },
    /// List resellers.
    List,
}

#[derive(Debug, Subcommand)]
pub enum AccountCommand {
    /// Create an admin account. The password is read from KIROKU_ACCOUNT_PASSWORD, or
    /// generated and printed once.
    Create {
        /// What the person signs in with (3-128 of letters, digits, '.', '_', '-', '@', '+').
        login: String,
        /// operator, reseller-admin, tenant-admin or end-client-admin.
        #[arg(long, value_parser = ["operator", "reseller-admin", "tenant-admin", "end-client-admin"])]
        role: String,
        /// The reseller of a reseller admin.
        #[arg(long)]
        reseller: Option<String>,
        /// The tenant of a tenant or end-client admin.
        #[arg(long)]
        tenant: Option<String>,
        /// The end client of an end-client admin.
        #[arg(long)]
        end_client: Option<String>,
        /// Where notices to the account's tenant or reseller are sent (optional).
        #[arg(long)]
        email: Option<String>,
    },
    /// List every account.
    List,
    /// Delete an account (by id): its sessions and API tokens stop working at once.
    Delete {
        /// Account id.
        id: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum PlanCommand {
    /// Create a plan; a quota left out is unlimited.
    Create {
        /// Unique name: letters, digits, '.', '_' or '-'.
        name: String,
        /// Unpacked bytes of content files the tenant may store.
        #[arg(long)]
        storage_bytes: Option<u64>,
        /// Learners the tenant may have.
        #[arg(long)]
        learners: Option<u64>,
        /// Statements the tenant may store per calendar month (UTC) through the xAPI endpoint.
        #[arg(long)]
        statements_per_month: Option<u64>,
        /// Authenticated API requests per minute, across all servers (see docs/operations.md)
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
        requests_per_minute: Option<u32>,
    },
    /// List plans.
    List,
}

#[derive(Debug, Subcommand)]
pub enum CredentialCommand {
    /// Create a credential; the secret is printed once and never stored.
    Create {
        /// Tenant name.
        tenant: String,

        /// Scope (repeatable): statements/write, statements/read, statements/read/mine, all/read,
        /// all, state, profile, define (xAPI), or admin (the tenant admin API). Default: all.
        #[arg(long = "scope", env = "KIROKU_SCOPE", value_delimiter = ',')]
        scopes: Vec<String>,
        /// A label shown as the authority's name.
        #[arg(long, env = "KIROKU_LABEL", default_value = "")]
        label: String,
    },
    /// List a tenant's active credentials.
    List {
        /// Tenant name.
        tenant: String,
    },
    /// Revoke a credential at once.
    Revoke {
        /// Tenant name.
        tenant: String,
        /// The credential's key.
        key: String,
    },
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn verify_cli() {
        super::Cli::command().debug_assert();
    }
}
