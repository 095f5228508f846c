//! A PostgreSQL server of a test's own, for the drills that stop and start it (stopping
//! the shared server of `scripts/with-postgres.sh` would fail every other test). It is
//! made like that one: `initdb` in a temporary folder, a Unix socket in that folder and
//! no TCP port, trust authentication, run as the `postgres` user when the test runs as
//! root (PostgreSQL refuses root). Unlike that one it keeps the default durability
//! settings (fsync, synchronous commit), so an immediate stop is a crash that must lose
//! nothing committed. Removed when dropped; every wait is bounded.

use std::path::{Path, PathBuf};
use std::process::Command;

/// A private PostgreSQL server.
pub struct PrivatePg {
    dir: tempfile::TempDir,
    bin: PathBuf,
    as_postgres: bool,
}

impl PrivatePg {
    /// Creates and starts a server; panics (with what to do) when PostgreSQL is missing.
    pub fn start() -> Self {
        let bin = find_bin().expect(
            "no initdb/pg_ctl: the PostgreSQL drills need Debian's postgresql package \
             (scripts/with-postgres.sh installs it)",
        );
        let as_postgres = is_root();
        // Under /tmp, where the postgres user can reach it; the socket path stays short.
        let dir = tempfile::Builder::new()
            .prefix("kiroku-pgdrill.")
            .tempdir_in("/tmp")
            .expect("temporary folder");
        if as_postgres {
            run(Command::new("chown").arg("postgres:").arg(dir.path()), "chown");
        }
        let pg = Self { dir, bin, as_postgres };
        let data = pg.data();
        pg.run_pg(
            "initdb",
            &["-D", &data, "-U", "kiroku", "--auth=trust", "-E", "UTF8", "--locale=C"],
        );
        pg.start_again();
        pg
    }

    /// The URL of its `postgres` database (the socket folder, percent-encoded, as host).
    pub fn url(&self) -> String {
        let host = self.dir.path().display().to_string().replace('/', "%2F");
        format!("postgres://kiroku@{host}/postgres")
    }

    /// Stops the server at once, as a crash would (`pg_ctl stop -m immediate`).
    pub fn stop(&self) {
        let data = self.data();
        self.run_pg("pg_ctl", &["-D", &data, "-m", "immediate", "-w", "-t", "30", "stop"]);
    }

    /// Starts the (stopped) server and waits until it accepts connections.
    pub fn start_again(&self) {
        let data = self.data();
        let log = self.dir.path().join("server.log").display().to_string();
        let options = format!("-c listen_addresses='' -k {}", self.dir.path().display());
        self.run_pg(
            "pg_ctl",
            &["-D", &data, "-l", &log, "-w", "-t", "60", "-o", &options, "start"],
        );
    }

    fn data(&self) -> String {
        self.dir.path().join("data").display().to_string()
    }

    fn run_pg(&self, tool: &str, args: &[&str]) {
        let exe = self.bin.join(tool);
        let mut cmd = if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&exe);
            c
        } else {
            Command::new(&exe)
        };
        cmd.args(args);
        run(&mut cmd, tool);
    }
}

impl Drop for PrivatePg {
    fn drop(&mut self) {
        let data = self.data();
        let exe = self.bin.join("pg_ctl");
        let args = ["-D", data.as_str(), "-m", "immediate", "-w", "stop"];
        let _ = match self.as_postgres {
            true => Command::new("runuser")
                .args(["-u", "postgres", "--"])
                .arg(&exe)
                .args(args)
                .output(),
            false => Command::new(&exe).args(args).output(),
        };
    }
}

fn run(cmd: &mut Command, what: &str) {
    let out = cmd.output().unwrap_or_else(|e| panic!("running {what}: {e}"));
    assert!(
        out.status.success(),
        "{what} failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// The folder holding initdb and pg_ctl: the PATH's, or the newest Debian install.
fn find_bin() -> Option<PathBuf> {
    let on_path = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .find(|d| d.join("initdb").is_file() && d.join("pg_ctl").is_file());
    if on_path.is_some() {
        return on_path;
    }
    let mut installs: Vec<PathBuf> = std::fs::read_dir(Path::new("/usr/lib/postgresql"))
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|d| d.join("initdb").is_file() && d.join("pg_ctl").is_file())
        .collect();
    // Newest major version first (directory names are the version numbers).
    installs.sort_by_key(|d| {
        let v = d
            .parent()
            .and_then(|p| p.file_name())
            .and_then(|n| n.to_str())
            .and_then(|n| n.parse::<u32>().ok());
        std::cmp::Reverse(v.unwrap_or(0))
    });
    installs.into_iter().next()
}
