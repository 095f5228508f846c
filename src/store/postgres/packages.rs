//! Packages, their versions and files, and server secrets in PostgreSQL.
//!
//! A new version locks its package row, so two imports of one course number their
//! versions one after the other; a delete locks it too, and a registration being created
//! holds it shared, so a package is never deleted under a new registration.

use async_trait::async_trait;
use deadpool_postgres::{GenericClient, Transaction};
use tokio_postgres::Row;

use super::{PgStore, big, col, pg, unsigned};
use crate::clock;
use crate::lrs::LrsError;
use crate::store::tables::{Backend, RegistrationsOf};
use crate::store::{NewPackageVersion, PackageFile, PackageStore, PackageVersion, SecretStore, StoreResult};
use crate::tenant::TenantId;

const VERSION_COLS: &str =
    "v.package, v.version, p.identifier, v.kind, v.edition, v.title, v.total_bytes, v.file_count, v.created";

fn version_row(r: &Row) -> StoreResult<PackageVersion> {
    Ok(PackageVersion {
        package_id: col(r, 0)?,
        version: u32::try_from(col::<i64>(r, 1)?).unwrap_or(0),
        identifier: col(r, 2)?,
        kind: col(r, 3)?,
        edition: col(r, 4)?,
        title: col(r, 5)?,
        total_bytes: unsigned(col(r, 6)?),
        file_count: unsigned(col(r, 7)?),
        created_ms: col(r, 8)?,
    })
}

/// The tenant's package with this course identifier, created if new, locked until commit.
async fn lock_package(tx: &Transaction<'_>, tenant: TenantId, identifier: &str, now: i64) -> StoreResult<String> {
    tx.execute(
        "INSERT INTO packages (id, tenant, identifier, created) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (tenant, identifier) DO NOTHING",
        &[&crate::id::new_uuid(), &tenant.0, &identifier, &now],
    )
    .await
    .map_err(pg)?;
    let r = tx
        .query_one(
            "SELECT id FROM packages WHERE tenant = $1 AND identifier = $2 FOR UPDATE",
            &[&tenant.0, &identifier],
        )
        .await
        .map_err(pg)?;
    col(&r, 0)
}

async fn insert_version(
    tx: &Transaction<'_>,
    tenant: TenantId,
    new: &NewPackageVersion,
) -> StoreResult<PackageVersion> {
    let now = clock::now_ms();
    let package_id = lock_package(tx, tenant, &new.identifier, now).await?;
    let total = new.total_bytes();
    let count = new.files.len() as u64;
    let r = tx
        .query_one(
            "INSERT INTO package_versions (package, tenant, version, kind, edition, title, course, total_bytes, file_count, created) \
             SELECT $1, $2, coalesce(max(version), 0) + 1, $3, $4, $5, $6, $7, $8, $9 FROM package_versions WHERE package = $1 \
             RETURNING pk, version",
            &[&package_id, &tenant.0, &new.kind, &new.edition, &new.title, &new.course, &big(total), &big(count), &now],
        )
        .await
        .map_err(pg)?;
    let (pk, version): (i64, i64) = (col(&r, 0)?, col(&r, 1)?);
    let paths: Vec<&str> = new.files.iter().map(|f| f.path.as_str()).collect();
    let hashes: Vec<&str> = new.files.iter().map(|f| f.sha256.as_str()).collect();
    let sizes: Vec<i64> = new.files.iter().map(|f| big(f.size)).collect();
    tx.execute(
        "INSERT INTO package_files (version_pk, path, sha256, size) \
         SELECT $1, * FROM unnest($2::text[], $3::text[], $4::bigint[])",
        &[&pk, &paths, &hashes, &sizes],
    )
    .await
    .map_err(pg)?;
    Ok(new.stored(package_id, u32::try_from(version).unwrap_or(0), now))
}

/// Deletes the package row, its versions and files; returns the content hashes no
/// package uses any more.
async fn remove_package(
    tx: &Transaction<'_>,
    tenant: TenantId,
    package: &str,
    force: bool,
) -> StoreResult<Vec<String>> {
    let found = tx
        .query_opt(
            "SELECT id FROM packages WHERE tenant = $1 AND id = $2 FOR UPDATE",
            &[&tenant.0, &package],
        )
        .await
        .map_err(pg)?;
    if found.is_none() {
        return Err(LrsError::NotFound(format!("no package {package}")).into());
    }
    super::learners::release_registrations(tx, tenant, RegistrationsOf::Package(package), force).await?;
    tx.execute(
        &Backend::Postgres.sql(crate::store::tables::PACKAGE_ASSIGNMENTS),
        &[&tenant.0, &package],
    )
    .await
    .map_err(pg)?;
    let rows = tx
        .query(
            "DELETE FROM package_files WHERE version_pk IN (SELECT pk FROM package_versions WHERE package = $1) \
             RETURNING sha256",
            &[&package],
        )
        .await
        .map_err(pg)?;
    let mut hashes: Vec<String> = rows.iter().map(|r| col(r, 0)).collect::<StoreResult<_>>()?;
    hashes.sort_unstable();
    hashes.dedup();
    tx.execute("DELETE FROM package_versions WHERE package = $1", &[&package])
        .await
        .map_err(pg)?;
    tx.execute("DELETE FROM packages WHERE id = $1", &[&package])
        .await
        .map_err(pg)?;
    let orphans = tx
        .query(
            "SELECT h FROM unnest($1::text[]) AS h WHERE NOT EXISTS (SELECT 1 FROM package_files WHERE sha256 = h)",
            &[&hashes],
        )
        .await
        .map_err(pg)?;
    orphans.iter().map(|r| col(r, 0)).collect()
}

/// `Store::delete_version` in `tx`: the package row locked first, so a registration or
/// an import of the package waits for it.
async fn remove_version(
    tx: &Transaction<'_>,
    tenant: TenantId,
    package: &str,
    version: u32,
) -> StoreResult<Vec<String>> {
    let v = i64::from(version);
    tx.query_opt(
        "SELECT id FROM packages WHERE tenant = $1 AND id = $2 FOR UPDATE",
        &[&tenant.0, &package],
    )
    .await
    .map_err(pg)?;
    let found = tx
        .query_opt(
            "SELECT pk FROM package_versions WHERE tenant = $1 AND package = $2 AND version = $3",
            &[&tenant.0, &package, &v],
        )
        .await
        .map_err(pg)?;
    let Some(found) = found else {
        return Err(LrsError::NotFound(format!("no version {version} of package {package}")).into());
    };
    let pk: i64 = col(&found, 0)?;
    let counts = tx
        .query_one(
            "SELECT (SELECT count(*) FROM package_versions WHERE tenant = $1 AND package = $2), \
             (SELECT count(*) FROM registrations WHERE tenant = $1 AND package = $2 AND version = $3)",
            &[&tenant.0, &package, &v],
        )
        .await
        .map_err(pg)?;
    let (versions, registrations): (i64, i64) = (col(&counts, 0)?, col(&counts, 1)?);
    let n = |x: i64| u64::try_from(x).unwrap_or(0);
    crate::package::import::check_version_removal(package, version, n(versions), n(registrations))?;
    let rows = tx
        .query(
            "DELETE FROM package_files WHERE version_pk = $1 RETURNING sha256",
            &[&pk],
        )
        .await
        .map_err(pg)?;
    let mut hashes: Vec<String> = rows.iter().map(|r| col(r, 0)).collect::<StoreResult<_>>()?;
    hashes.sort_unstable();
    hashes.dedup();
    tx.execute("DELETE FROM package_versions WHERE pk = $1", &[&pk])
        .await
        .map_err(pg)?;
    let orphans = tx
        .query(
            "SELECT h FROM unnest($1::text[]) AS h WHERE NOT EXISTS (SELECT 1 FROM package_files WHERE sha256 = h)",
            &[&hashes],
        )
        .await
        .map_err(pg)?;
    orphans.iter().map(|r| col(r, 0)).collect()
}

/// Unpacked bytes of the distinct files the tenant's packages use.
pub(super) async fn storage_bytes(c: &impl GenericClient, tenant: TenantId) -> StoreResult<u64> {
    let r = c
        .query_one(
            "SELECT coalesce(sum(size), 0)::bigint FROM (SELECT DISTINCT f.sha256, f.size FROM package_files f \
             JOIN package_versions v ON v.pk = f.version_pk WHERE v.tenant = $1) AS used",
            &[&tenant.0],
        )
        .await
        .map_err(pg)?;
    Ok(unsigned(col(&r, 0)?))
}

#[async_trait]
impl PackageStore for PgStore {
    async fn create_package_version(&self, tenant: TenantId, new: NewPackageVersion) -> StoreResult<PackageVersion> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(pg)?;
        let quotas = super::plans::lock_quotas(&tx, tenant).await?;
        let v = insert_version(&tx, tenant, &new).await?;
        super::plans::check_storage(&tx, tenant, quotas).await?;
        tx.commit().await.map_err(pg)?;
        Ok(v)
    }

    async fn list_packages(&self, tenant: TenantId) -> StoreResult<Vec<PackageVersion>> {
        let c = self.client().await?;
        let sql = format!(
            "SELECT {VERSION_COLS} FROM package_versions v JOIN packages p ON p.id = v.package \
             WHERE v.tenant = $1 AND v.version = (SELECT max(version) FROM package_versions WHERE package = v.package) \
             ORDER BY p.created, p.id"
        );
        let rows = c.query(&sql, &[&tenant.0]).await.map_err(pg)?;
        rows.iter().map(version_row).collect()
    }

    async fn package_versions(&self, tenant: TenantId, package_id: &str) -> StoreResult<Vec<PackageVersion>> {
        let c = self.client().await?;
        let sql = format!(
            "SELECT {VERSION_COLS} FROM package_versions v JOIN packages p ON p.id = v.package \
             WHERE v.tenant = $1 AND v.package = $2 ORDER BY v.version"
        );
        let rows = c.query(&sql, &[&tenant.0, &package_id]).await.map_err(pg)?;
        rows.iter().map(version_row).collect()
    }

    async fn package_course(&self, tenant: TenantId, package_id: &str, version: u32) -> StoreResult<Option<String>> {
        let c = self.client().await?;
        let st = c
            .prepare_cached("SELECT course FROM package_versions WHERE tenant = $1 AND package = $2 AND version = $3")
            .await
            .map_err(pg)?;
        let row = c
            .query_opt(&st, &[&tenant.0, &package_id, &i64::from(version)])
            .await
            .map_err(pg)?;
        row.map(|r| col(&r, 0)).transpose()
    }

    async fn package_file(
        &self,
        tenant: TenantId,
        package_id: &str,
        version: u32,
        path: &str,
    ) -> StoreResult<Option<PackageFile>> {
        let c = self.client().await?;
        let st = c
            .prepare_cached(
                "SELECT f.path, f.sha256, f.size FROM package_versions v JOIN package_files f ON f.version_pk = v.pk \
                 WHERE v.tenant = $1 AND v.package = $2 AND v.version = $3 AND f.path = $4",
            )
            .await
            .map_err(pg)?;
        let row = c
            .query_opt(&st, &[&tenant.0, &package_id, &i64::from(version), &path])
            .await
            .map_err(pg)?;
        let Some(r) = row else { return Ok(None) };
        Ok(Some(PackageFile {
            path: col(&r, 0)?,
            sha256: col(&r, 1)?,
            size: unsigned(col(&r, 2)?),
        }))
    }

    async fn delete_package(&self, tenant: TenantId, package_id: &str, force: bool) -> StoreResult<Vec<String>> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(pg)?;
        let orphans = remove_package(&tx, tenant, package_id, force).await?;
        tx.commit().await.map_err(pg)?;
        Ok(orphans)
    }

    async fn delete_version(&self, tenant: TenantId, package_id: &str, version: u32) -> StoreResult<Vec<String>> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(pg)?;
        let orphans = remove_version(&tx, tenant, package_id, version).await?;
        tx.commit().await.map_err(pg)?;
        Ok(orphans)
    }

    async fn storage_bytes(&self, tenant: TenantId) -> StoreResult<u64> {
        storage_bytes(&self.client().await?, tenant).await
    }

    async fn blob_in_use(&self, sha256: &str) -> StoreResult<bool> {
        let c = self.client().await?;
        let r = c
            .query_one(
                "SELECT EXISTS (SELECT 1 FROM package_files WHERE sha256 = $1)",
                &[&sha256],
            )
            .await
            .map_err(pg)?;
        col(&r, 0)
    }
}

#[async_trait]
impl SecretStore for PgStore {
    async fn server_secret(&self, name: &str) -> StoreResult<[u8; 32]> {
        let mut fresh = [0u8; 32];
        getrandom::fill(&mut fresh).map_err(super::backend)?;
        let c = self.client().await?;
        // Servers starting together: the first insert wins, the others wait for it on the
        // primary key and then read the winner's value.
        c.execute(
            "INSERT INTO server_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
            &[&name, &fresh.as_slice()],
        )
        .await
        .map_err(pg)?;
        let r = c
            .query_one("SELECT value FROM server_secrets WHERE name = $1", &[&name])
            .await
            .map_err(pg)?;
        let v: Vec<u8> = col(&r, 0)?;
        v.try_into()
            .map_err(|_| super::backend(format!("server secret {name} is not 32 bytes")))
    }

    async fn claim_job(&self, name: &str, period: &str) -> StoreResult<bool> {
        let c = self.client().await?;
        let n = c
            .execute(
                "INSERT INTO job_runs (name, period, claimed) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                &[&name, &period, &crate::clock::now_ms()],
            )
            .await
            .map_err(pg)?;
        Ok(n == 1)
    }
}
