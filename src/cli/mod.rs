//! The command line: one typed configuration (every flag also a `KIROKU_*` variable) and
//! the commands that run on it.

mod commands;

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

pub use commands::run;

#[derive(Debug, Parser)]
#[command(
    name = "kiroku",
    version,
    about = "SCORM/xAPI content runtime and multi-tenant Learning Record Store"
)]
pub struct Cli {
    /// Folder holding the database and content files.
    #[arg(long, global = true, env = "KIROKU_DATA_DIR", default_value = "./kiroku-data")]
    pub data_dir: PathBuf,
    /// Base URL clients use to reach the app origin (default: http://<listen address>).
    #[arg(long, global = true, env = "KIROKU_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Print machine-readable JSON instead of text.
    #[arg(long, global = true, env = "KIROKU_JSON")]
    pub json: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the server: the app origin (xAPI, APIs) and the content origin.
    Serve(ServeArgs),
    /// Manage tenants.
    #[command(subcommand)]
    Tenant(TenantCommand),
    /// Manage a tenant's LRS credentials.
    #[command(subcommand)]
    Credential(CredentialCommand),
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address of the app origin.
    #[arg(long, env = "KIROKU_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Address of the content origin (package files, player).
    #[arg(long, env = "KIROKU_CONTENT_LISTEN", default_value = "127.0.0.1:8081")]
    pub content_listen: SocketAddr,
    /// Largest request body accepted, in bytes.
    #[arg(long, env = "KIROKU_BODY_LIMIT", default_value_t = 32 * 1024 * 1024)]
    pub body_limit: usize,
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
    },
    /// List tenants.
    List,
}

#[derive(Debug, Subcommand)]
pub enum CredentialCommand {
    /// Create a credential; the secret is printed once and never stored.
    Create {
        /// Tenant name.
        tenant: String,
        /// xAPI scope (repeatable): statements/write, statements/read, statements/read/mine,
        /// all/read, all, state, profile, define. Default: all.
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
