//! Backups of the PostgreSQL store with PostgreSQL's own tools: `pg_dump` writes a
//! consistent dump (one snapshot of the whole database, taken while servers keep writing)
//! in the custom format; the content files it needs are read from the dump itself, so the
//! list matches the snapshot exactly; `pg_restore` checks and restores it.

use std::path::Path;
use std::process::{Command, Output};

use std::collections::BTreeMap;

use crate::store::archive::TableCounts;
use crate::store::sqlite::snapshot::{CopiedTenant, SnapshotCheck};
use crate::store::tables::{self, Backend, TenantTable};

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

/// Calls `each` with the values of `columns` of every row of a table's data in the dump,
/// streamed from `pg_restore` (a table of statements never sits in memory).
fn each_row(file: &Path, table: &str, columns: &[&str], mut each: impl FnMut(&[&str])) -> Result<(), String> {
    use std::io::BufRead;
    let mut child = Command::new("pg_restore")
        .arg("--data-only")
        .arg("--table")
        .arg(table)
        .arg("--file")
        .arg("-")
        .arg(file)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map_err(|e| format!("pg_restore: cannot run it ({e}); install PostgreSQL's client tools"))?;
    let stdout = child.stdout.take().ok_or("pg_restore: no output")?;
    let mut lines = std::io::BufReader::new(stdout).lines();
    let mut index: Option<Vec<usize>> = None;
    let mut failed = None;
    for line in lines.by_ref() {
        let line = line.map_err(|e| format!("pg_restore: {e}"))?;
        match &index {
            None if line.starts_with("COPY ") && line.contains(table) => {
                let names: Vec<&str> = line
                    .split_once('(')
                    .and_then(|(_, rest)| rest.split_once(')'))
                    .map(|(cols, _)| cols.split(',').map(str::trim).collect())
                    .unwrap_or_default();
                let found: Option<Vec<usize>> = columns.iter().map(|c| names.iter().position(|n| n == c)).collect();
                index = Some(found.ok_or_else(|| format!("{table} lacks one of {columns:?} in the dump"))?);
            }
            None => {}
            Some(_) if line == "\\." => break,
            Some(at) => {
                let fields: Vec<&str> = line.split('\t').collect();
                let values: Option<Vec<&str>> = at.iter().map(|i| fields.get(*i).copied()).collect();
                match values {
                    Some(v) => each(&v),
                    None => failed = Some(format!("a row of {table} in the dump is short")),
                }
            }
        }
    }
    // Drains what is left so pg_restore can finish.
    lines.for_each(drop);
    let status = child.wait().map_err(|e| format!("pg_restore: {e}"))?;
    if !status.success() {
        return Err(format!("pg_restore --data-only --table {table} failed"));
    }
    if index.is_none() {
        return Err(format!("the dump holds no data of {table}"));
    }
    failed.map_or(Ok(()), Err)
}

/// The tenants a dump holds (terminated tombstones included), by name, with their rows
/// per table. The statement index (`terms`) is not counted: its rows name no tenant, and
/// joining them to their statements would hold every statement's number in memory.
pub fn tenants(file: &Path) -> Result<Vec<CopiedTenant>, String> {
    let mut found: BTreeMap<String, (String, String)> = BTreeMap::new();
    each_row(file, "tenants", &["id", "name", "status"], |v| {
        if let [id, name, status] = v {
            found.insert((*id).to_owned(), ((*name).to_owned(), (*status).to_owned()));
        }
    })?;
    let mut rows: BTreeMap<String, TableCounts> = BTreeMap::new();
    let mut version_tenant: BTreeMap<String, String> = BTreeMap::new();
    // Files after versions: a file's tenant is its version's.
    let (files, others): (Vec<&TenantTable>, Vec<&TenantTable>) = tables::tenant_tables(Backend::Postgres)
        .filter(|t| t.name != "terms")
        .partition(|t| t.name == "package_files");
    for table in others.into_iter().chain(files) {
        if table.name == "package_files" {
            // Files belong to a version, versions to a tenant.
            each_row(file, "package_files", &["version_pk"], |v| {
                if let Some(t) = v.first().and_then(|pk| version_tenant.get(*pk)) {
                    *rows.entry(t.clone()).or_default().entry(table.name.into()).or_default() += 1;
                }
            })?;
            continue;
        }
        let keep_versions = table.name == "package_versions";
        let columns: &[&str] = if keep_versions { &["tenant", "pk"] } else { &["tenant"] };
        each_row(file, table.name, columns, |v| {
            if let Some(t) = v.first() {
                *rows
                    .entry((*t).to_owned())
                    .or_default()
                    .entry(table.name.into())
                    .or_default() += 1;
                if let (true, Some(pk)) = (keep_versions, v.get(1)) {
                    version_tenant.insert((*pk).to_owned(), (*t).to_owned());
                }
            }
        })?;
    }
    let mut out: Vec<CopiedTenant> = found
        .into_iter()
        .map(|(id, (name, status))| {
            let mut counts: TableCounts = tables::tenant_tables(Backend::Postgres)
                .filter(|t| t.name != "terms")
                .map(|t| (t.name.to_owned(), 0))
                .collect();
            counts.extend(rows.remove(&id).unwrap_or_default());
            CopiedTenant {
                name,
                status,
                rows: counts,
            }
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
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

/// A database made from a backup's dump on the live database's server, to read one tenant
/// out of it (`ops::restore`); `drop_now` drops it (with its connections). Creating it
/// needs the `CREATEDB` privilege.
pub struct ScratchDatabase {
    admin: tokio_postgres::Config,
    name: String,
    /// The URL of the new database: the live URL with a `dbname` parameter, which
    /// overrides the database its path names.
    pub url: String,
}

async fn execute(admin: &tokio_postgres::Config, sql: &str) -> Result<(), String> {
    let (client, conn) = admin
        .connect(tokio_postgres::NoTls)
        .await
        .map_err(|e| format!("connecting to the database server: {e}"))?;
    let task = tokio::spawn(conn);
    let done = client.batch_execute(sql).await.map_err(|e| format!("{sql}: {e}"));
    drop(client);
    let _ = task.await;
    done
}

impl ScratchDatabase {
    /// Creates a database beside `live_url`'s and restores the dump `file` into it.
    pub async fn from_dump(live_url: &str, file: &Path) -> Result<Self, String> {
        let admin: tokio_postgres::Config = live_url.parse().map_err(|e| format!("invalid database URL: {e}"))?;
        let name = format!("kiroku_restore_{}", crate::id::new_uuid().replace('-', ""));
        execute(&admin, &format!("CREATE DATABASE {name}")).await?;
        let sep = if live_url.contains('?') { '&' } else { '?' };
        let db = Self {
            admin,
            url: format!("{live_url}{sep}dbname={name}"),
            name,
        };
        let (f, u) = (file.to_owned(), db.url.clone());
        let restored = tokio::task::spawn_blocking(move || restore(&f, &u))
            .await
            .map_err(|e| e.to_string())
            .and_then(|r| r);
        match restored {
            Ok(()) => Ok(db),
            Err(e) => {
                let _ = db.drop_now().await;
                Err(e)
            }
        }
    }

    /// Drops the database, closing whatever connections it still has.
    pub async fn drop_now(self) -> Result<(), String> {
        execute(
            &self.admin,
            &format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name),
        )
        .await
    }
}
