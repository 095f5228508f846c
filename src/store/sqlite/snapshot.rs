//! Consistent snapshots of the SQLite database for backups: SQLite's online backup API
//! copies every page in one step under one read transaction, so the copy is the database
//! as of one commit while the server keeps writing (WAL readers never block the writer).

use std::path::Path;

use rusqlite::backup::Backup;
use rusqlite::{Connection, OpenFlags};

use super::pool::{self, backend};
use crate::store::StoreResult;
use crate::store::archive::TableCounts;
use crate::tenant::TenantId;

/// The database file inside a data folder.
pub const DATABASE_FILE: &str = "kiroku.db";

/// Copies the database of `data_dir` into the new file `dest`.
pub fn snapshot(data_dir: &Path, dest: &Path) -> StoreResult<()> {
    let source = pool::open(&data_dir.join(DATABASE_FILE), true)?;
    let mut target = Connection::open(dest).map_err(backend)?;
    {
        let backup = Backup::new(&source, &mut target).map_err(backend)?;
        // -1: every page in one step, so a concurrent write cannot restart the copy.
        backup.step(-1).map_err(backend)?;
    }
    // A self-contained file: no WAL beside it.
    target.pragma_update(None, "journal_mode", "DELETE").map_err(backend)?;
    Ok(())
}

/// What a snapshot file holds, once checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotCheck {
    /// The schema version (number of migrations applied).
    pub schema_version: i64,
    /// Content hashes the packages in it use.
    pub blobs: Vec<String>,
}

/// One tenant a database copy holds: its name, status and rows per table (the tenant row
/// itself excluded), as `ArchiveStore::tenant_rows` counts them.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CopiedTenant {
    pub name: String,
    pub status: String,
    pub rows: TableCounts,
}

/// The tenants a snapshot holds (terminated tombstones included), by name.
pub fn tenants(db: &Path) -> StoreResult<Vec<CopiedTenant>> {
    let conn = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY).map_err(backend)?;
    let mut st = conn
        .prepare("SELECT id, name, status FROM tenants ORDER BY name")
        .map_err(backend)?;
    let found = st
        .query_map([], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?))
        })
        .map_err(backend)?
        .collect::<Result<Vec<_>, _>>()
        .map_err(backend)?;
    found
        .into_iter()
        .map(|(id, name, status)| {
            let rows = super::erase::tenant_rows(&conn, TenantId(id))?;
            Ok(CopiedTenant { name, status, rows })
        })
        .collect()
}

/// Opens a snapshot read-only, runs SQLite's integrity check and lists the content files
/// its packages need.
pub fn check(db: &Path) -> StoreResult<SnapshotCheck> {
    let conn = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY).map_err(backend)?;
    let verdict: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .map_err(backend)?;
    if verdict != "ok" {
        return Err(backend(format!("integrity check failed: {verdict}")));
    }
    let schema_version: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .map_err(backend)?;
    let mut st = conn
        .prepare("SELECT DISTINCT sha256 FROM package_files ORDER BY sha256")
        .map_err(backend)?;
    let blobs = st
        .query_map([], |r| r.get(0))
        .map_err(backend)?
        .collect::<Result<Vec<String>, _>>()
        .map_err(backend)?;
    Ok(SnapshotCheck { schema_version, blobs })
}
