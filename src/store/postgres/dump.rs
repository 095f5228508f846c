//! Backups of the PostgreSQL store with PostgreSQL's own tools: `pg_dump` writes a
//! consistent dump (one snapshot of the whole database, taken while servers keep writing)
//! in the custom format; the content files it needs are read from the dump itself, so the
//! list matches the snapshot exactly; `pg_restore` checks and restores it.

use std::path::Path;
use std::process::{Command, Output};

use crate::store::sqlite::snapshot::SnapshotCheck;

/// The dump file inside a backup.
pub const DUMP_FILE: &str = "kiroku.pgdump";

fn run(mut cmd: Command, what: &str) -> Result<Output, String> {
    let out = cmd
        .output()
        .map_err(|e| format!("{what}: cannot run it ({e}); install PostgreSQL's client tools"))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        return Err(format!("{what} failed: {}", err.trim()));
    }
    Ok(out)
}

/// Dumps the database at `url` into the new file `dest`.
pub fn dump(url: &str, dest: &Path) -> Result<(), String> {
    let mut cmd = Command::new("pg_dump");
    cmd.arg("--format=custom")
        .arg("--no-owner")
        .arg("--file")
        .arg(dest)
        .arg("--dbname")
        .arg(url);
    run(cmd, "pg_dump").map(|_| ())
}

/// Checks that `pg_restore` reads the dump, and lists the content files its packages use
/// and its schema version.
pub fn check(file: &Path) -> Result<SnapshotCheck, String> {
    let mut list = Command::new("pg_restore");
    list.arg("--list").arg(file);
    run(list, "pg_restore --list")?;
    let blobs = table_column(file, "package_files", "sha256")?;
    let schema_version = table_column(file, "schema_migrations", "version")?
        .iter()
        .filter_map(|v| v.parse::<i64>().ok())
        .max()
        .unwrap_or(0);
    let mut blobs: Vec<String> = blobs;
    blobs.sort();
    blobs.dedup();
    Ok(SnapshotCheck { schema_version, blobs })
}

/// The values of one column of a table's data in the dump (its `COPY` block).
fn table_column(file: &Path, table: &str, column: &str) -> Result<Vec<String>, String> {
    let mut cmd = Command::new("pg_restore");
    cmd.arg("--data-only")
        .arg("--table")
        .arg(table)
        .arg("--file")
        .arg("-")
        .arg(file);
    let out = run(cmd, "pg_restore --data-only")?;
    let text = String::from_utf8_lossy(&out.stdout);
    let mut lines = text.lines();
    let header = lines
        .by_ref()
        .find(|l| l.starts_with("COPY ") && l.contains(table))
        .ok_or_else(|| format!("the dump holds no data of {table}"))?;
    let columns: Vec<&str> = header
        .split_once('(')
        .and_then(|(_, rest)| rest.split_once(')'))
        .map(|(cols, _)| cols.split(',').map(str::trim).collect())
        .unwrap_or_default();
    let index = columns
        .iter()
        .position(|c| *c == column)
        .ok_or_else(|| format!("{table} has no column {column} in the dump"))?;
    Ok(lines
        .take_while(|l| *l != "\\.")
        .filter_map(|l| l.split('\t').nth(index).map(str::to_owned))
        .collect())
}

/// Restores the dump into the database at `url`, which must hold no tables yet.
pub fn restore(file: &Path, url: &str) -> Result<(), String> {
    let mut count = Command::new("psql");
    count
        .arg("--no-psqlrc")
        .arg("--tuples-only")
        .arg("--no-align")
        .arg("--command")
        .arg("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")
        .arg(url);
    let out = run(count, "psql")?;
    let tables = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    if tables != "0" {
        return Err(format!(
            "the target database already holds {tables} tables; restore into a new, empty database"
        ));
    }
    let mut cmd = Command::new("pg_restore");
    cmd.arg("--no-owner")
        .arg("--exit-on-error")
        .arg("--single-transaction")
        .arg("--dbname")
        .arg(url)
        .arg(file);
    run(cmd, "pg_restore").map(|_| ())
}
