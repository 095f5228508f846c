//! Packages, their versions and files, and server secrets in SQLite.

use rusqlite::{Connection, OptionalExtension, Row, params};

use super::pool::backend;
use crate::clock;
use crate::lrs::LrsError;
use crate::store::tables::{Backend, RegistrationsOf};
use crate::store::{NewPackageVersion, PackageFile, PackageVersion, StoreResult};
use crate::tenant::TenantId;

const VERSION_COLS: &str =
    "v.package, v.version, p.identifier, v.kind, v.edition, v.title, v.total_bytes, v.file_count, v.created";

fn version_row(r: &Row) -> rusqlite::Result<PackageVersion> {
    Ok(PackageVersion {
        package_id: r.get(0)?,
        version: r.get(1)?,
        identifier: r.get(2)?,
        kind: r.get(3)?,
        edition: r.get(4)?,
        title: r.get(5)?,
        total_bytes: r.get(6)?,
        file_count: r.get(7)?,
        created_ms: r.get(8)?,
    })
}

pub fn create_version(conn: &Connection, tenant: TenantId, new: &NewPackageVersion) -> StoreResult<PackageVersion> {
    let now = clock::now_ms();
    let existing: Option<String> = conn
        .query_row(
            "SELECT id FROM packages WHERE tenant = ?1 AND identifier = ?2",
            params![tenant.0, new.identifier],
            |r| r.get(0),
        )
        .optional()
        .map_err(backend)?;
    let package_id = match existing {
        Some(id) => id,
        None => {
            let id = crate::id::new_uuid();
            conn.execute(
                "INSERT INTO packages (id, tenant, identifier, created) VALUES (?1, ?2, ?3, ?4)",
                params![id, tenant.0, new.identifier, now],
            )
            .map_err(backend)?;
            id
        }
    };
    let version: u32 = conn
        .query_row(
            "SELECT coalesce(max(version), 0) + 1 FROM package_versions WHERE package = ?1",
            [&package_id],
            |r| r.get(0),
        )
        .map_err(backend)?;
    let total = new.total_bytes();
    conn.execute(
        "INSERT INTO package_versions (package, tenant, version, kind, edition, title, course, total_bytes, file_count, created) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![package_id, tenant.0, version, new.kind, new.edition, new.title, new.course, total, new.files.len() as u64, now],
    )
    .map_err(backend)?;
    let pk = conn.last_insert_rowid();
    let mut ins = conn
        .prepare_cached("INSERT INTO package_files (version_pk, path, sha256, size) VALUES (?1, ?2, ?3, ?4)")
        .map_err(backend)?;
    for f in &new.files {
        ins.execute(params![pk, f.path, f.sha256, f.size]).map_err(backend)?;
    }
    super::plans::check_storage(conn, tenant)?;
    Ok(new.stored(package_id, version, now))
}

pub fn list(conn: &Connection, tenant: TenantId) -> StoreResult<Vec<PackageVersion>> {
    let sql = format!(
        "SELECT {VERSION_COLS} FROM package_versions v JOIN packages p ON p.id = v.package \
         WHERE v.tenant = ?1 AND v.version = (SELECT max(version) FROM package_versions WHERE package = v.package) \
         ORDER BY p.created, p.id"
    );
    let mut st = conn.prepare_cached(&sql).map_err(backend)?;
    let rows = st.query_map([tenant.0], version_row).map_err(backend)?;
    rows.collect::<Result<_, _>>().map_err(backend)
}

pub fn versions(conn: &Connection, tenant: TenantId, package: &str) -> StoreResult<Vec<PackageVersion>> {
    let sql = format!(
        "SELECT {VERSION_COLS} FROM package_versions v JOIN packages p ON p.id = v.package \
         WHERE v.tenant = ?1 AND v.package = ?2 ORDER BY v.version"
    );
    let mut st = conn.prepare_cached(&sql).map_err(backend)?;
    let rows = st.query_map(params![tenant.0, package], version_row).map_err(backend)?;
    rows.collect::<Result<_, _>>().map_err(backend)
}

pub fn course(conn: &Connection, tenant: TenantId, package: &str, version: u32) -> StoreResult<Option<String>> {
    conn.query_row(
        "SELECT course FROM package_versions WHERE tenant = ?1 AND package = ?2 AND version = ?3",
        params![tenant.0, package, version],
        |r| r.get(0),
    )
    .optional()
    .map_err(backend)
}

pub fn file(
    conn: &Connection,
    tenant: TenantId,
    package: &str,
    version: u32,
    path: &str,
) -> StoreResult<Option<PackageFile>> {
    conn.prepare_cached(
        "SELECT f.path, f.sha256, f.size FROM package_versions v JOIN package_files f ON f.version_pk = v.pk \
         WHERE v.tenant = ?1 AND v.package = ?2 AND v.version = ?3 AND f.path = ?4",
    )
    .map_err(backend)?
    .query_row(params![tenant.0, package, version, path], |r| {
        Ok(PackageFile {
            path: r.get(0)?,
            sha256: r.get(1)?,
            size: r.get(2)?,
        })
    })
    .optional()
    .map_err(backend)
}

pub fn delete(conn: &Connection, tenant: TenantId, package: &str, force: bool) -> StoreResult<Vec<String>> {
    let found: Option<String> = conn
        .query_row(
            "SELECT id FROM packages WHERE tenant = ?1 AND id = ?2",
            params![tenant.0, package],
            |r| r.get(0),
        )
        .optional()
        .map_err(backend)?;
    if found.is_none() {
        return Err(LrsError::NotFound(format!("no package {package}")).into());
    }
    super::learners::release_registrations(conn, tenant, RegistrationsOf::Package(package), force)?;
    conn.execute(
        &Backend::Sqlite.sql(crate::store::tables::PACKAGE_ASSIGNMENTS),
        params![tenant.0, package],
    )
    .map_err(backend)?;
    let mut st = conn
        .prepare_cached(
            "SELECT DISTINCT f.sha256 FROM package_files f JOIN package_versions v ON v.pk = f.version_pk WHERE v.package = ?1",
        )
        .map_err(backend)?;
    let hashes: Vec<String> = st
        .query_map([package], |r| r.get(0))
        .map_err(backend)?
        .collect::<Result<_, _>>()
        .map_err(backend)?;
    conn.execute(
        "DELETE FROM package_files WHERE version_pk IN (SELECT pk FROM package_versions WHERE package = ?1)",
        [package],
    )
    .map_err(backend)?;
    conn.execute("DELETE FROM package_versions WHERE package = ?1", [package])
        .map_err(backend)?;
    conn.execute("DELETE FROM packages WHERE id = ?1", [package])
        .map_err(backend)?;
    let mut orphans = Vec::new();
    for h in hashes {
        if !in_use(conn, &h)? {
            orphans.push(h);
        }
    }
    Ok(orphans)
}

/// `Store::delete_version`, inside the writer's transaction.
pub fn delete_version(conn: &Connection, tenant: TenantId, package: &str, version: u32) -> StoreResult<Vec<String>> {
    let pk: Option<i64> = conn
        .query_row(
            "SELECT pk FROM package_versions WHERE tenant = ?1 AND package = ?2 AND version = ?3",
            params![tenant.0, package, version],
            |r| r.get(0),
        )
        .optional()
        .map_err(backend)?;
    let Some(pk) = pk else {
        return Err(LrsError::NotFound(format!("no version {version} of package {package}")).into());
    };
    let versions: u64 = conn
        .query_row(
            "SELECT count(*) FROM package_versions WHERE tenant = ?1 AND package = ?2",
            params![tenant.0, package],
            |r| r.get(0),
        )
        .map_err(backend)?;
    let registrations: u64 = conn
        .query_row(
            "SELECT count(*) FROM registrations WHERE tenant = ?1 AND package = ?2 AND version = ?3",
            params![tenant.0, package, version],
            |r| r.get(0),
        )
        .map_err(backend)?;
    crate::package::import::check_version_removal(package, version, versions, registrations)?;
    let mut st = conn
        .prepare_cached("SELECT DISTINCT sha256 FROM package_files WHERE version_pk = ?1")
        .map_err(backend)?;
    let hashes: Vec<String> = st
        .query_map([pk], |r| r.get(0))
        .map_err(backend)?
        .collect::<Result<_, _>>()
        .map_err(backend)?;
    conn.execute("DELETE FROM package_files WHERE version_pk = ?1", [pk])
        .map_err(backend)?;
    conn.execute("DELETE FROM package_versions WHERE pk = ?1", [pk])
        .map_err(backend)?;
    let mut orphans = Vec::new();
    for h in hashes {
        if !in_use(conn, &h)? {
            orphans.push(h);
        }
    }
    Ok(orphans)
}

pub fn in_use(conn: &Connection, sha256: &str) -> StoreResult<bool> {
    conn.prepare_cached("SELECT 1 FROM package_files WHERE sha256 = ?1 LIMIT 1")
        .map_err(backend)?
        .query_row([sha256], |_| Ok(()))
        .optional()
        .map(|r| r.is_some())
        .map_err(backend)
}

pub fn storage_bytes(conn: &Connection, tenant: TenantId) -> StoreResult<u64> {
    conn.query_row(
        "SELECT coalesce(sum(size), 0) FROM (SELECT DISTINCT f.sha256, f.size FROM package_files f \
         JOIN package_versions v ON v.pk = f.version_pk WHERE v.tenant = ?1)",
        [tenant.0],
        |r| r.get(0),
    )
    .map_err(backend)
}

pub fn server_secret(conn: &Connection, name: &str) -> StoreResult<[u8; 32]> {
    let mut fresh = [0u8; 32];
    getrandom::fill(&mut fresh).map_err(backend)?;
    conn.execute(
        "INSERT OR IGNORE INTO server_secrets (name, value) VALUES (?1, ?2)",
        params![name, fresh.as_slice()],
    )
    .map_err(backend)?;
    let v: Vec<u8> = conn
        .query_row("SELECT value FROM server_secrets WHERE name = ?1", [name], |r| r.get(0))
        .map_err(backend)?;
    v.try_into()
        .map_err(|_| backend(format!("server secret {name} is not 32 bytes")))
}
