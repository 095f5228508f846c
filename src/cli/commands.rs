//! What each command does.

use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use serde_json::json;

use super::{Cli, Command, CredentialCommand, LogFormat, ServeArgs, TenantCommand};
use crate::audit::Action;
use crate::server::{AppState, ServerConfig};
use crate::store::Store;
use crate::tenant::{Scope, ScopeSet, Tenant, issue};

type CmdResult = Result<(), String>;

pub fn run(cli: Cli) -> ExitCode {
    init_logging(
        matches!(cli.command, Command::Serve(_)),
        cli.log_format == LogFormat::Json,
    );
    let rt = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match rt.block_on(dispatch(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Logs go to stderr, as text or one JSON object per line. What is logged never holds
/// secrets, Authorization headers, e-mail addresses or launch grants (routes are logged as
/// templates, agents as ids).
fn init_logging(serving: bool, json: bool) {
    let default = if serving { "info" } else { "warn" };
    let filter = tracing_subscriber::EnvFilter::try_from_env("KIROKU_LOG").unwrap_or_else(|_| default.into());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = if json {
        builder.json().flatten_event(true).try_init()
    } else {
        builder.try_init()
    };
}

async fn dispatch(cli: Cli) -> CmdResult {
    let out = Output { json: cli.json };
    // Backups read the data folder themselves; a restore must not create a database first.
    match cli.command {
        Command::Backup(args) => {
            return super::backup::run(&cli.data_dir, cli.database_url.as_ref(), &cli.s3, args, out.json).await;
        }
        Command::Restore(args) => {
            return super::backup::restore(&cli.data_dir, cli.database_url.as_ref(), &cli.s3, args, out.json).await;
        }
        _ => {}
    }
    let store = super::database::open(&cli.data_dir, cli.database_url.as_ref()).await?;
    match cli.command {
        Command::Serve(args) => {
            let source = super::backup::source(cli.database_url.as_ref());
            let blobs = super::import::blobs(&cli.data_dir, &cli.s3)?;
            let files = super::import::content_files(&cli.data_dir, &cli.s3)?;
            serve(store, blobs, &cli.data_dir, *args, cli.public_url, (source, files)).await
        }
        Command::Import(args) => super::import::run(&*store, &cli.data_dir, &cli.s3, args, out.json).await,
        Command::Tenant(
            cmd @ (TenantCommand::Export { .. }
            | TenantCommand::Import { .. }
            | TenantCommand::Terminate { .. }
            | TenantCommand::ApplyRetention { .. }),
        ) => super::lifecycle::tenant(&*store, &cli.data_dir, &cli.s3, cmd, out.json).await,
        Command::Tenant(cmd) => super::tenants::tenant(&*store, cmd, out.json).await,
        Command::Plan(cmd) => super::tenants::plan(&*store, cmd, out.json).await,
        Command::Reseller(cmd) => super::accounts::reseller(&*store, cmd, out.json).await,
        Command::Account(cmd) => super::accounts::account(&*store, cmd, out.json).await,
        Command::MigrateStore { to } => {
            let blobs = super::import::blobs(&cli.data_dir, &cli.s3)?;
            super::migrate::run(store, &cli.data_dir, blobs, &to, out.json).await
        }
        Command::Learner(super::LearnerCommand::Erase { tenant, id }) => {
            let public = cli.public_url.unwrap_or_else(|| "http://127.0.0.1:8080".into());
            super::lifecycle::erase_learner(&*store, &public, &tenant, &id, out.json).await
        }
        Command::Audit { tenant, since } => {
            let t = find_tenant(&*store, &tenant).await?;
            super::audit::show(&*store, t.id, since.as_deref(), out.json).await
        }
        Command::Credential(cmd) => {
            let public = cli.public_url.unwrap_or_else(|| "http://127.0.0.1:8080".into());
            credential(&*store, cmd, &ServerConfig::new(&public, 0), out).await
        }
        Command::Backup(_) | Command::Restore(_) => Err("handled above".into()),
    }
}

pub(super) async fn find_tenant(store: &dyn Store, name: &str) -> Result<Tenant, String> {
    store
        .tenant_by_name(name)
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("no tenant named {name:?}"))
}

async fn credential(store: &dyn Store, cmd: CredentialCommand, config: &ServerConfig, out: Output) -> CmdResult {
    match cmd {
        CredentialCommand::Create { tenant, scopes, label } => {
            let t = find_tenant(store, &tenant).await?;
            let scopes: Vec<Scope> = if scopes.is_empty() {
                vec![Scope::All]
            } else {
                scopes.iter().map(|s| Scope::parse(s)).collect::<Result<_, _>>()?
            };
            let issued = issue(ScopeSet::new(scopes), label);
            let cred = store
                .create_credential(t.id, issued.new)
                .await
                .map_err(|e| e.to_string())?;
            // The key names the credential; the secret never leaves this command's output.
            let detail = json!({ "scopes": cred.scopes.to_text(), "label": cred.label });
            let target = format!("credential:{}", cred.key);
            super::audit::record(store, t.id, Action::CredentialCreated, target, detail).await?;
            let endpoint = config.xapi_endpoint();
            if out.json {
                let v = json!({"tenant": t.name, "key": cred.key, "secret": issued.secret, "endpoint": endpoint, "scopes": cred.scopes.iter().map(|s| s.as_str()).collect::<Vec<_>>()});
                println!("{v}");
            } else {
                println!(
                    "key:      {}\nsecret:   {}\nendpoint: {endpoint}\nscopes:   {}",
                    cred.key,
                    issued.secret,
                    cred.scopes.to_text()
                );
                println!("(the secret is shown only now; store it safely)");
            }
            Ok(())
        }
        CredentialCommand::List { tenant } => {
            let t = find_tenant(store, &tenant).await?;
            let list = store.list_credentials(t.id).await.map_err(|e| e.to_string())?;
            if out.json {
                println!("{}", serde_json::to_string(&list).unwrap_or_default());
            } else {
                for c in list {
                    println!("{}\t{}\t{}", c.key, c.scopes.to_text(), c.label);
                }
            }
            Ok(())
        }
        CredentialCommand::Revoke { tenant, key } => {
            let t = find_tenant(store, &tenant).await?;
            if !store.revoke_credential(t.id, &key).await.map_err(|e| e.to_string())? {
                return Err(format!("tenant {tenant:?} has no active credential {key:?}"));
            }
            let target = format!("credential:{key}");
            super::audit::record(store, t.id, Action::CredentialRevoked, target, json!({})).await?;
            if out.json {
                println!("{}", json!({"revoked": key}));
            } else {
                println!("revoked {key}");
            }
            Ok(())
        }
    }
}

async fn serve(
    store: Arc<dyn Store>,
    blobs: Arc<dyn crate::blob::BlobStore>,
    data_dir: &Path,
    args: ServeArgs,
    public_url: Option<String>,
    (source, files): (crate::ops::backup::Source, crate::ops::backup::Files),
) -> CmdResult {
    // Certificates first: a bad file is named before anything listens.
    let net = args.tls.net_config(args.timeouts.timeouts())?;
    let app = bind(args.listen).await?;
    let content = bind(args.content_listen).await?;
    let redirect = match args.tls.redirect_listen {
        Some(addr) => Some(bind(addr).await?),
        None => None,
    };
    let (app_addr, content_addr) = (
        app.local_addr().map_err(|e| e.to_string())?,
        content.local_addr().map_err(|e| e.to_string())?,
    );
    let scheme = |tls: bool| if tls { "https" } else { "http" };
    let public = public_url.unwrap_or_else(|| format!("{}://{app_addr}", scheme(net.app_tls.is_some())));
    let mut config = ServerConfig::new(&public, args.body_limit);
    config.content_url = args.content_public_url.map_or_else(
        || format!("{}://{content_addr}", scheme(net.content_tls.is_some())),
        |u| u.trim_end_matches('/').to_owned(),
    );
    config.net = net;
    config.work_dir = super::import::work_dir(data_dir);
    config.exports_dir = data_dir.join("tenant-exports");
    config.package_limits = args.limits.limits();
    config.launch_ttl_secs = args.launch_ttl;
    config.content_cache_bytes = args.content_cache_bytes;
    config.metrics_token = args.metrics_token.filter(|t| !t.is_empty());
    config.operator_token = args
        .operator_token
        .filter(|t| !t.is_empty())
        .map(crate::server::Redacted);
    let backup_at = crate::ops::schedule::parse_time_of_day(&args.backup_at)?;
    config.backup_dir = Some(args.backup.backup_dir.clone());
    config.backup_s3 = args.backup.s3.client()?;
    if let crate::ops::backup::Source::Postgres(url) = &source {
        config.database_url = Some(crate::server::Redacted(url.clone()));
    }
    config.trusted_proxies = args.trusted_proxies;
    config.launch_session_window_ms = i64::from(args.launch_session_minutes) * 60_000;
    config.mail = args.smtp.mail_config()?;
    tracing::info!(
        app = %app_addr,
        content = %content_addr,
        xapi = %config.xapi_endpoint(),
        app.tls = config.net.app_tls.is_some(),
        content.tls = config.net.content_tls.is_some(),
        smtp = config.mail.is_some(),
        redirect = %redirect
            .as_ref()
            .and_then(|r| r.local_addr().ok())
            .map_or_else(|| "off".to_owned(), |a| a.to_string()),
        "kiroku serving"
    );
    let state = AppState::new(store, blobs, config).await.map_err(|e| e.to_string())?;
    let now = state.config.wall.now_ms();
    if let Some(link) = super::setup::first_run_link(&*state.store, &state.config.public_url, now)
        .await
        .map_err(|e| e.to_string())?
    {
        tracing::info!("no operator account: a setup link was printed on standard output");
        println!("{}", super::setup::first_run_message(&link));
    }
    if let Some(at_minute) = backup_at {
        tokio::spawn(crate::ops::schedule::run(crate::ops::schedule::BackupSchedule {
            store: state.store.clone(),
            source,
            files,
            data_dir: data_dir.to_owned(),
            backup_dir: args.backup.backup_dir,
            s3: state.config.backup_s3.clone(),
            keep_days: args.backup.keep_days,
            at_minute,
        }));
    }
    tokio::spawn(crate::ops::schedule::run_retention(state.store.clone()));
    let listeners = crate::server::Listeners { app, content, redirect };
    crate::server::serve_all(listeners, state, shutdown_signal())
        .await
        .map_err(|e| e.to_string())
}

async fn bind(addr: std::net::SocketAddr) -> Result<tokio::net::TcpListener, String> {
    tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| format!("cannot listen on {addr}: {e}"))
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { () = ctrl_c => {}, () = term => {} }
    tracing::info!("shutting down: finishing in-flight requests");
}

#[derive(Clone, Copy)]
struct Output {
    json: bool,
}
