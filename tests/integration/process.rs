//! Runs the real `kiroku` binary on a temporary data folder (and a scratch PostgreSQL
//! database with `KIROKU_TEST_STORE=postgres`): CLI commands, and `serve` as a child
//! process whose port is read from its log. Every wait is bounded.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::scratch_db::{ScratchDb, servers_on_postgres};
use crate::support::Cred;

/// Longest a CLI command or a server start may take.
const PROCESS_TIMEOUT: Duration = Duration::from_secs(30);

/// A data folder and the binary that manages it.
pub struct Kiroku {
    pub dir: tempfile::TempDir,
    /// The scratch database given as `--database-url`, dropped with this.
    db: Option<ScratchDb>,
    /// The `--database-url` given, if not SQLite in the data folder.
    database_url: Option<String>,
}

impl Kiroku {
    pub fn new() -> Self {
        Self {
            dir: tempfile::tempdir().expect("temporary folder"),
            db: None,
            database_url: None,
        }
        .with_scratch(servers_on_postgres())
    }

    fn with_scratch(mut self, scratch: bool) -> Self {
        if scratch {
            let db = ScratchDb::create_blocking();
            self.database_url = Some(db.url());
            self.db = Some(db);
        }
        self
    }

    /// A data folder and the PostgreSQL database at `url` (a server the test runs itself).
    pub fn on_database(url: String) -> Self {
        Self {
            dir: tempfile::tempdir().expect("temporary folder"),
            db: None,
            database_url: Some(url),
        }
    }

    /// A data folder with its SQLite database, whatever `KIROKU_TEST_STORE` says (for what
    /// only the SQLite store has: `kiroku backup` and `restore`).
    pub fn on_sqlite() -> Self {
        Self {
            dir: tempfile::tempdir().expect("temporary folder"),
            db: None,
            database_url: None,
        }
    }

    /// A data folder under `parent` (a small filesystem of its own, for the disk-full
    /// drill) with its SQLite database.
    pub fn on_sqlite_in(parent: &std::path::Path) -> Self {
        Self {
            dir: tempfile::tempdir_in(parent).expect("temporary folder"),
            db: None,
            database_url: None,
        }
    }

    /// A data folder and a scratch PostgreSQL database, whatever `KIROKU_TEST_STORE` says
    /// (for what needs PostgreSQL: several servers on one database).
    pub fn on_postgres() -> Self {
        Self {
            dir: tempfile::tempdir().expect("temporary folder"),
            db: None,
            database_url: None,
        }
        .with_scratch(true)
    }

    /// `kiroku --data-dir D [--database-url U] <args>`, isolated from any KIROKU_*
    /// variables around the test.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_kiroku"));
        for (k, _) in std::env::vars().filter(|(k, _)| k.starts_with("KIROKU_")) {
            cmd.env_remove(k);
        }
        cmd.env("NO_COLOR", "1").arg("--data-dir").arg(self.dir.path());
        if let Some(url) = &self.database_url {
            cmd.arg("--database-url").arg(url);
        }
        cmd.args(args);
        cmd
    }

    pub fn run(&self, args: &[&str]) -> Output {
        let child = self
            .command(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn kiroku");
        wait_output(child, args)
    }

    /// Runs a command that must succeed and returns its stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success(),
            "kiroku {args:?} failed ({}): {stderr}",
            out.status
        );
        String::from_utf8(out.stdout).expect("UTF-8 output")
    }

    /// Runs a `--json` command that must succeed and parses its output.
    pub fn json(&self, args: &[&str]) -> Value {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        let out = self.ok(&all);
        serde_json::from_str(out.trim()).unwrap_or_else(|e| panic!("kiroku {args:?}: not JSON ({e}): {out}"))
    }

    /// Creates a credential with the CLI.
    pub fn credential(&self, tenant: &str) -> Cred {
        let v = self.json(&["credential", "create", tenant]);
        Cred {
            key: v["key"].as_str().expect("key").to_owned(),
            secret: v["secret"].as_str().expect("secret").to_owned(),
        }
    }

    /// Starts `kiroku serve` on ephemeral ports and waits until it has bound them.
    pub fn serve(&self) -> Server {
        self.serve_with(&[], "info")
    }

    /// `serve` with extra arguments (before `serve`: global flags) and a log filter.
    pub fn serve_with(&self, global: &[&str], log: &str) -> Server {
        self.serve_with_args(global, &[], log)
    }

    /// `serve` with global flags, flags of `serve` itself, and a log filter.
    pub fn serve_with_args(&self, global: &[&str], serve: &[&str], log: &str) -> Server {
        self.serve_with_env(global, serve, log, &[])
    }

    /// `serve_with_args` with variables set (secrets that have no flag).
    pub fn serve_with_env(&self, global: &[&str], serve: &[&str], log: &str, vars: &[(&str, &str)]) -> Server {
        let mut args = global.to_vec();
        args.extend(["serve", "--listen", "127.0.0.1:0", "--content-listen", "127.0.0.1:0"]);
        args.extend_from_slice(serve);
        let mut child = self
            .command(&args)
            .envs(vars.iter().copied())
            .env("KIROKU_LOG", log)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn kiroku serve");
        let stderr = child.stderr.take().expect("stderr pipe");
        let stdout = child.stdout.take().expect("stdout pipe");
        let (out_tx, out) = mpsc::channel();
        // Standard output (the first run's setup link) is drained the same way.
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = out_tx.send(line);
            }
        });
        let (tx, rx) = mpsc::channel();
        // Keeps draining stderr so the server never blocks on a full pipe.
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let (addr, content_addr) = wait_for_addr(&rx).unwrap_or_else(|log| {
            let _ = child.kill();
            let _ = child.wait();
            panic!("kiroku serve did not report its address; log:\n{log}")
        });
        Server {
            child,
            addr,
            content_addr,
            log: rx,
            out,
        }
    }
}

fn wait_output(mut child: Child, args: &[&str]) -> Output {
    let deadline = Instant::now() + PROCESS_TIMEOUT;
    loop {
        if child.try_wait().expect("poll child").is_some() {
            return child.wait_with_output().expect("collect output");
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("kiroku {args:?} did not finish within {PROCESS_TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Reads log lines until one names `app=ADDR` (in text or JSON logs); on failure returns
/// the log so far.
fn wait_for_addr(rx: &mpsc::Receiver<String>) -> Result<(SocketAddr, SocketAddr), String> {
    let deadline = Instant::now() + PROCESS_TIMEOUT;
    let mut log = String::new();
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        let Ok(line) = rx.recv_timeout(left) else { break };
        let line = strip_ansi(&line);
        log.push_str(&line);
        log.push('\n');
        let json: Option<Value> = serde_json::from_str(&line).ok();
        let field = |name: &str| -> Option<SocketAddr> {
            let prefix = format!("{name}=");
            line.split_whitespace()
                .find_map(|w| w.strip_prefix(prefix.as_str()))
                .and_then(|a| a.parse().ok())
                .or_else(|| json.as_ref()?.get(name)?.as_str()?.parse().ok())
        };
        if let (Some(app), Some(content)) = (field("app"), field("content")) {
            return Ok((app, content));
        }
    }
    Err(log)
}

fn strip_ansi(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            // CSI sequences end with a letter.
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// A running `kiroku serve`; killed with SIGKILL when dropped.
pub struct Server {
    child: Child,
    pub addr: SocketAddr,
    pub content_addr: SocketAddr,
    /// Log lines after the start-up line, as the server writes them.
    log: mpsc::Receiver<String>,
    /// What the server prints on standard output, line by line.
    out: mpsc::Receiver<String>,
}

impl Server {
    /// Stops the server and returns the rest of its log.
    pub fn stop_and_read_log(mut self) -> String {
        self.stop();
        let mut out = String::new();
        while let Ok(line) = self.log.recv_timeout(Duration::from_secs(2)) {
            out.push_str(&line);
            out.push('\n');
        }
        out
    }

    /// Stops the server and returns what it printed on standard output.
    pub fn stop_and_read_printed(mut self) -> String {
        self.stop();
        let mut out = String::new();
        while let Ok(line) = self.out.recv_timeout(Duration::from_secs(2)) {
            out.push_str(&line);
            out.push('\n');
        }
        out
    }

    /// The first line it printed on standard output that holds `needle`, waiting for it
    /// (bounded); `None` when none came.
    pub fn printed(&self, needle: &str) -> Option<String> {
        let deadline = Instant::now() + PROCESS_TIMEOUT;
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            let line = self.out.recv_timeout(left).ok()?;
            if line.contains(needle) {
                return Some(line);
            }
        }
        None
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// The server's process id (to send it signals).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Waits (bounded) for a log line holding `needle`; `None` when none came.
    pub fn logged(&self, needle: &str) -> Option<String> {
        let deadline = Instant::now() + PROCESS_TIMEOUT;
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            let line = self.log.recv_timeout(left).ok()?;
            if line.contains(needle) {
                return Some(line);
            }
        }
        None
    }

    /// `kill -9`: no graceful shutdown, no chance to flush anything.
    pub fn kill(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}
