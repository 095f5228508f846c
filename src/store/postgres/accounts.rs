//! Resellers, end clients, admin accounts, their sessions and API tokens in PostgreSQL.
//! A new account holds its tenant and end-client rows shared until commit, and deleting
//! an end client locks its row first, so neither goes away under the other.

use async_trait::async_trait;
use deadpool_postgres::GenericClient;
use tokio_postgres::Row;

use super::{PgStore, col, pg};
use crate::account::login::{after_failure, session_use};
use crate::account::setup::{SetupFacts, SetupRefusal, decide};
use crate::account::{Account, EndClient, NewAccount, Realm, RealmRows, Reseller};
use crate::clock;
use crate::i18n::Lang;
use crate::lrs::LrsError;
use crate::store::accounts::{language_column, language_from, realm_columns, realm_from};
use crate::store::{AccountRecord, AccountStore, ApiToken, EndClientStore, NewSession, StoreError, StoreResult};
use crate::tenant::{TenantId, TenantStatus};

/// The password comes after these, at index 11.
const ACCOUNT_COLS: &str =
    "id, login, role, reseller, tenant, end_client, created, failed_logins, locked_until, language, email";

fn account_row(r: &Row) -> StoreResult<Account> {
    let role: String = col(r, 2)?;
    let realm = realm_from(&role, col(r, 3)?, col(r, 4)?, col(r, 5)?)
        .ok_or_else(|| StoreError::Backend("an account row with an unknown realm".into()))?;
    Ok(Account {
        id: col(r, 0)?,
        login: col(r, 1)?,
        realm,
        created_ms: col(r, 6)?,
        failed_logins: u32::try_from(col::<i32>(r, 7)?).unwrap_or(0),
        locked_until_ms: col(r, 8)?,
        language: language_from(col(r, 9)?),
        email: col(r, 10)?,
    })
}

fn end_client_row(r: &Row) -> StoreResult<EndClient> {
    Ok(EndClient {
        id: col(r, 0)?,
        name: col(r, 1)?,
        created_ms: col(r, 2)?,
    })
}

fn token_row(r: &Row) -> StoreResult<ApiToken> {
    Ok(ApiToken {
        id: col(r, 0)?,
        label: col(r, 1)?,
        created_ms: col(r, 2)?,
        last_used_ms: col(r, 3)?,
    })
}

async fn account_where(c: &impl GenericClient, cond: &str, value: &str) -> StoreResult<Option<(Account, String)>> {
    let sql = format!("SELECT {ACCOUNT_COLS}, password FROM accounts WHERE {cond} = $1");
    let row = c.query_opt(&sql, &[&value]).await.map_err(pg)?;
    match row {
        Some(r) => Ok(Some((account_row(&r)?, col(&r, 11)?))),
        None => Ok(None),
    }
}

/// Reads the rows the realm names, holding them shared until commit, and checks them
/// (`Realm::check_rows`).
async fn check_realm(c: &impl GenericClient, realm: &Realm) -> StoreResult<()> {
    let mut rows = RealmRows::default();
    if let Some(r) = realm.reseller() {
        let sql = "SELECT 1 FROM resellers WHERE name = $1";
        rows.reseller = c.query_opt(sql, &[&r]).await.map_err(pg)?.is_some();
    }
    if let Some(t) = realm.tenant() {
        let status = c
            .query_opt("SELECT status FROM tenants WHERE id = $1 FOR SHARE", &[&t.0])
            .await
            .map_err(pg)?;
        let status: Option<String> = status.map(|r| col(&r, 0)).transpose()?;
        rows.tenant_status = status.as_deref().and_then(TenantStatus::parse);
        if let Some(e) = realm.end_client() {
            let sql = "SELECT 1 FROM end_clients WHERE tenant = $1 AND id = $2 FOR SHARE";
            rows.end_client = c.query_opt(sql, &[&t.0, &e]).await.map_err(pg)?.is_some();
        }
    }
    Ok(realm.check_rows(&rows)?)
}

/// Creates an account within the caller's transaction: 409 when the login is taken.
async fn insert_account(tx: &impl GenericClient, new: &NewAccount) -> StoreResult<Account> {
    check_realm(tx, &new.realm).await?;
    let (role, reseller, tenant, end_client) = realm_columns(&new.realm);
    let sql = format!(
        "INSERT INTO accounts (id, login, role, reseller, tenant, end_client, password, created, email) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (login) DO NOTHING RETURNING {ACCOUNT_COLS}"
    );
    let id = crate::id::new_uuid();
    let row = tx
        .query_opt(
            &sql,
            &[
                &id,
                &new.login,
                &role,
                &reseller,
                &tenant,
                &end_client,
                &new.password_hash,
                &clock::now_ms(),
                &new.email,
            ],
        )
        .await
        .map_err(pg)?;
    let Some(row) = row else {
        return Err(LrsError::Conflict(format!("the login {:?} is taken", new.login)).into());
    };
    account_row(&row)
}

async fn has_operator(c: &impl GenericClient) -> StoreResult<bool> {
    let row = c
        .query_one("SELECT EXISTS (SELECT 1 FROM accounts WHERE role = 'operator')", &[])
        .await
        .map_err(pg)?;
    col(&row, 0)
}

#[async_trait]
impl AccountStore for PgStore {
    async fn set_account_language(&self, id: &str, language: Option<Lang>) -> StoreResult<()> {
        let c = self.client().await?;
        c.execute(
            "UPDATE accounts SET language = $2 WHERE id = $1",
            &[&id, &language_column(language)],
        )
        .await
        .map_err(pg)?;
        Ok(())
    }

    async fn has_operator(&self) -> StoreResult<bool> {
        let c = self.client().await?;
        has_operator(&c).await
    }

    async fn put_setup_link(&self, digest: [u8; 32], expires_ms: i64) -> StoreResult<()> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(pg)?;
        tx.execute("DELETE FROM setup_links", &[]).await.map_err(pg)?;
        tx.execute(
            "INSERT INTO setup_links (digest, expires) VALUES ($1, $2)",
            &[&digest.to_vec(), &expires_ms],
        )
        .await
        .map_err(pg)?;
        tx.commit().await.map_err(pg)
    }

    async fn setup_link_expiry(&self, digest: [u8; 32], now_ms: i64) -> StoreResult<Option<i64>> {
        let c = self.client().await?;
        let row = c
            .query_opt(
                "SELECT expires FROM setup_links WHERE digest = $1 AND expires > $2 \
                 AND NOT EXISTS (SELECT 1 FROM accounts WHERE role = 'operator')",
                &[&digest.to_vec(), &now_ms],
            )
            .await
            .map_err(pg)?;
        row.map(|r| col(&r, 0)).transpose()
    }

    async fn redeem_setup_link(
        &self,
        digest: [u8; 32],
        now_ms: i64,
        new: NewAccount,
    ) -> StoreResult<Result<Account, SetupRefusal>> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(pg)?;
        // The link's row stays locked until commit: two redemptions of one link run one
        // after the other, and the second finds it gone.
        let live = tx
            .query_opt(
                "SELECT 1 FROM setup_links WHERE digest = $1 AND expires > $2 FOR UPDATE",
                &[&digest.to_vec(), &now_ms],
            )
            .await
            .map_err(pg)?
            .is_some();
        let facts = SetupFacts {
            operator_exists: has_operator(&tx).await?,
            link_live: live,
            login_taken: account_where(&tx, "login", &new.login).await?.is_some(),
        };
        let outcome = match decide(facts) {
            Err(SetupRefusal::OperatorExists) => {
                tx.execute("DELETE FROM setup_links", &[]).await.map_err(pg)?;
                Err(SetupRefusal::OperatorExists)
            }
            Err(refusal) => Err(refusal),
            Ok(()) => {
                tx.execute("DELETE FROM setup_links", &[]).await.map_err(pg)?;
                Ok(insert_account(&tx, &new).await?)
            }
        };
        tx.commit().await.map_err(pg)?;
        Ok(outcome)
    }

    async fn account_records(&self) -> StoreResult<Vec<AccountRecord>> {
        let c = self.client().await?;
        let sql = format!("SELECT {ACCOUNT_COLS}, password FROM accounts ORDER BY login");
        let mut out = Vec::new();
        for r in c.query(&sql, &[]).await.map_err(pg)? {
            let account = account_row(&r)?;
            let rows = c
                .query(
                    "SELECT id, label, created, last_used, digest FROM api_tokens WHERE account = $1 ORDER BY created, id",
                    &[&account.id],
                )
                .await
                .map_err(pg)?;
            let mut tokens = Vec::with_capacity(rows.len());
            for t in &rows {
                let digest: Vec<u8> = col(t, 4)?;
                let digest = <[u8; 32]>::try_from(digest.as_slice())
                    .map_err(|_| StoreError::Backend("an API token digest is not 32 bytes".into()))?;
                tokens.push((token_row(t)?, digest));
            }
            out.push(AccountRecord {
                account,
                password_hash: col(&r, 11)?,
                tokens,
            });
        }
        Ok(out)
    }

    async fn restore_account(&self, rec: AccountRecord) -> StoreResult<()> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(pg)?;
        let a = &rec.account;
        check_realm(&tx, &a.realm).await?;
        let (role, reseller, tenant, end_client) = realm_columns(&a.realm);
        let failed = i32::try_from(a.failed_logins).unwrap_or(i32::MAX);
        let n = tx
            .execute(
                "INSERT INTO accounts (id, login, role, reseller, tenant, end_client, password, created, failed_logins, locked_until, language, email) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT DO NOTHING",
                &[&a.id, &a.login, &role, &reseller, &tenant, &end_client, &rec.password_hash, &a.created_ms, &failed, &a.locked_until_ms, &language_column(a.language), &a.email],
            )
            .await
            .map_err(pg)?;
        if n == 0 {
            return Err(LrsError::Conflict(format!("the login {:?} is taken", a.login)).into());
        }
        for (t, digest) in &rec.tokens {
            tx.execute(
                "INSERT INTO api_tokens (id, digest, account, tenant, label, created, last_used) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                &[&t.id, &digest.to_vec(), &a.id, &tenant, &t.label, &t.created_ms, &t.last_used_ms],
            )
            .await
            .map_err(pg)?;
        }
        tx.commit().await.map_err(pg)
    }

    async fn set_tenant_reseller(&self, tenant: TenantId, reseller: Option<&str>) -> StoreResult<()> {
        if let Some(r) = reseller
            && AccountStore::reseller(self, r).await?.is_none()
        {
            return Err(LrsError::NotFound(format!("no reseller named {r:?}")).into());
        }
        let c = self.client().await?;
        c.execute(
            "UPDATE tenants SET reseller = $2 WHERE id = $1",
            &[&tenant.0, &reseller],
        )
        .await
        .map_err(pg)?;
        Ok(())
    }

    async fn create_reseller(&self, name: &str) -> StoreResult<Reseller> {
        let c = self.client().await?;
        let now = clock::now_ms();
        let n = c
            .execute(
                "INSERT INTO resellers (name, created) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
                &[&name, &now],
            )
            .await
            .map_err(pg)?;
        if n == 0 {
            return Err(LrsError::Conflict(format!("a reseller named {name} exists already")).into());
        }
        Ok(Reseller {
            name: name.to_owned(),
            created_ms: now,
        })
    }

    async fn list_resellers(&self) -> StoreResult<Vec<Reseller>> {
        let c = self.client().await?;
        let rows = c
            .query("SELECT name, created FROM resellers ORDER BY name", &[])
            .await
            .map_err(pg)?;
        rows.iter()
            .map(|r| {
                Ok(Reseller {
                    name: col(r, 0)?,
                    created_ms: col(r, 1)?,
                })
            })
            .collect()
    }

    async fn reseller(&self, name: &str) -> StoreResult<Option<Reseller>> {
        let c = self.client().await?;
        let row = c
            .query_opt("SELECT name, created FROM resellers WHERE name = $1", &[&name])
            .await
            .map_err(pg)?;
        row.map(|r| {
            Ok(Reseller {
                name: col(&r, 0)?,
                created_ms: col(&r, 1)?,
            })
        })
        .transpose()
    }

    async fn create_account(&self, new: NewAccount) -> StoreResult<Account> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(pg)?;
        let account = insert_account(&tx, &new).await?;
        tx.commit().await.map_err(pg)?;
        Ok(account)
    }

    async fn account(&self, id: &str) -> StoreResult<Option<Account>> {
        let c = self.client().await?;
        Ok(account_where(&c, "id", id).await?.map(|(a, _)| a))
    }

    async fn account_by_login(&self, login: &str) -> StoreResult<Option<(Account, String)>> {
        let c = self.client().await?;
        account_where(&c, "login", login).await
    }

    async fn list_accounts(&self, within: &Realm) -> StoreResult<Vec<Account>> {
        let c = self.client().await?;
        let order = "ORDER BY login";
        let rows = match within {
            Realm::Service => {
                c.query(&format!("SELECT {ACCOUNT_COLS} FROM accounts {order}"), &[])
                    .await
            }
            Realm::Reseller(r) => {
                let sql = format!(
                    "SELECT {ACCOUNT_COLS} FROM accounts WHERE reseller = $1 \
                     OR tenant IN (SELECT id FROM tenants WHERE reseller = $1) {order}"
                );
                c.query(&sql, &[r]).await
            }
            Realm::Tenant(t) => {
                let sql = format!("SELECT {ACCOUNT_COLS} FROM accounts WHERE tenant = $1 {order}");
                c.query(&sql, &[&t.0]).await
            }
            Realm::EndClient(t, e) => {
                let sql = format!("SELECT {ACCOUNT_COLS} FROM accounts WHERE tenant = $1 AND end_client = $2 {order}");
                c.query(&sql, &[&t.0, e]).await
            }
        }
        .map_err(pg)?;
        rows.iter().map(account_row).collect()
    }

    async fn delete_account(&self, id: &str) -> StoreResult<bool> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(pg)?;
        for table in crate::store::tables::ACCOUNT_ROWS {
            tx.execute(&format!("DELETE FROM {table} WHERE account = $1"), &[&id])
                .await
                .map_err(pg)?;
        }
        let n = tx
            .execute("DELETE FROM accounts WHERE id = $1", &[&id])
            .await
            .map_err(pg)?;
        tx.commit().await.map_err(pg)?;
        Ok(n > 0)
    }

    async fn set_password(&self, id: &str, hash: String, keep: Option<[u8; 32]>) -> StoreResult<()> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(pg)?;
        tx.execute("UPDATE accounts SET password = $2 WHERE id = $1", &[&id, &hash])
            .await
            .map_err(pg)?;
        let keep = keep.map(|k| k.to_vec());
        tx.execute(
            "DELETE FROM account_sessions WHERE account = $1 AND ($2::bytea IS NULL OR digest <> $2)",
            &[&id, &keep],
        )
        .await
        .map_err(pg)?;
        tx.commit().await.map_err(pg)
    }

    async fn login_failed(&self, id: &str, now_ms: i64) -> StoreResult<Option<Account>> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(pg)?;
        let sql = format!("SELECT {ACCOUNT_COLS} FROM accounts WHERE id = $1 FOR UPDATE");
        let Some(row) = tx.query_opt(&sql, &[&id]).await.map_err(pg)? else {
            return Ok(None);
        };
        let a = account_row(&row)?;
        let (failed, lock) = after_failure(a.failed_logins, now_ms);
        let failed = i32::try_from(failed).unwrap_or(i32::MAX);
        let sql = format!(
            "UPDATE accounts SET failed_logins = $2, locked_until = coalesce($3, locked_until) WHERE id = $1 \
             RETURNING {ACCOUNT_COLS}"
        );
        let row = tx.query_one(&sql, &[&id, &failed, &lock]).await.map_err(pg)?;
        tx.commit().await.map_err(pg)?;
        account_row(&row).map(Some)
    }

    async fn login_succeeded(&self, id: &str, s: NewSession) -> StoreResult<()> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(pg)?;
        let row = tx
            .query_opt(
                "UPDATE accounts SET failed_logins = 0, locked_until = NULL WHERE id = $1 RETURNING tenant",
                &[&id],
            )
            .await
            .map_err(pg)?;
        let Some(row) = row else {
            return Err(LrsError::NotFound("no such account".into()).into());
        };
        let tenant: Option<i64> = col(&row, 0)?;
        // Sessions nobody asks about again (never signed out) are cleared at sign-ins.
        tx.execute("DELETE FROM account_sessions WHERE expires <= $1", &[&s.created_ms])
            .await
            .map_err(pg)?;
        tx.execute(
            "INSERT INTO account_sessions (digest, account, tenant, created, expires) VALUES ($1, $2, $3, $4, $5)",
            &[&s.digest.to_vec(), &id, &tenant, &s.created_ms, &s.expires_ms],
        )
        .await
        .map_err(pg)?;
        tx.commit().await.map_err(pg)
    }

    async fn session_account(&self, digest: [u8; 32], now_ms: i64) -> StoreResult<Option<Account>> {
        let c = self.client().await?;
        let digest = digest.to_vec();
        let row = c
            .query_opt(
                "SELECT account, created, expires FROM account_sessions WHERE digest = $1",
                &[&digest],
            )
            .await
            .map_err(pg)?;
        let Some(row) = row else { return Ok(None) };
        let (id, created, expires): (String, i64, i64) = (col(&row, 0)?, col(&row, 1)?, col(&row, 2)?);
        match session_use(created, expires, now_ms) {
            None => {
                c.execute("DELETE FROM account_sessions WHERE digest = $1", &[&digest])
                    .await
                    .map_err(pg)?;
                return Ok(None);
            }
            Some(Some(next)) => {
                c.execute(
                    "UPDATE account_sessions SET expires = $2 WHERE digest = $1",
                    &[&digest, &next],
                )
                .await
                .map_err(pg)?;
            }
            Some(None) => {}
        }
        Ok(account_where(&c, "id", &id).await?.map(|(a, _)| a))
    }

    async fn end_session(&self, digest: [u8; 32]) -> StoreResult<()> {
        let c = self.client().await?;
        c.execute("DELETE FROM account_sessions WHERE digest = $1", &[&digest.to_vec()])
            .await
            .map_err(pg)?;
        Ok(())
    }

    async fn create_api_token(&self, account: &str, label: &str, digest: [u8; 32]) -> StoreResult<ApiToken> {
        let c = self.client().await?;
        let t = ApiToken {
            id: crate::id::new_uuid(),
            label: label.to_owned(),
            created_ms: clock::now_ms(),
            last_used_ms: None,
        };
        let n = c
            .execute(
                "INSERT INTO api_tokens (id, digest, account, tenant, label, created) \
                 SELECT $1, $2, id, tenant, $4, $5 FROM accounts WHERE id = $3",
                &[&t.id, &digest.to_vec(), &account, &t.label, &t.created_ms],
            )
            .await
            .map_err(pg)?;
        if n == 0 {
            return Err(LrsError::NotFound("no such account".into()).into());
        }
        Ok(t)
    }

    async fn list_api_tokens(&self, account: &str) -> StoreResult<Vec<ApiToken>> {
        let c = self.client().await?;
        let rows = c
            .query(
                "SELECT id, label, created, last_used FROM api_tokens WHERE account = $1 ORDER BY created, id",
                &[&account],
            )
            .await
            .map_err(pg)?;
        rows.iter().map(token_row).collect()
    }

    async fn revoke_api_token(&self, account: &str, id: &str) -> StoreResult<bool> {
        let c = self.client().await?;
        let n = c
            .execute(
                "DELETE FROM api_tokens WHERE account = $1 AND id = $2",
                &[&account, &id],
            )
            .await
            .map_err(pg)?;
        Ok(n > 0)
    }

    async fn token_account(&self, digest: [u8; 32], now_ms: i64) -> StoreResult<Option<Account>> {
        let c = self.client().await?;
        let digest = digest.to_vec();
        let row = c
            .query_opt("SELECT account FROM api_tokens WHERE digest = $1", &[&digest])
            .await
            .map_err(pg)?;
        let Some(row) = row else { return Ok(None) };
        // Recorded to the minute: a token used in a loop does not write on every request.
        c.execute(
            "UPDATE api_tokens SET last_used = $2 WHERE digest = $1 AND (last_used IS NULL OR last_used < $2::bigint - 60000)",
            &[&digest, &now_ms],
        )
        .await
        .map_err(pg)?;
        let id: String = col(&row, 0)?;
        Ok(account_where(&c, "id", &id).await?.map(|(a, _)| a))
    }
}

#[async_trait]
impl EndClientStore for PgStore {
    async fn create_end_client(&self, tenant: TenantId, id: &str, name: &str) -> StoreResult<EndClient> {
        let c = self.client().await?;
        let now = clock::now_ms();
        let n = c
            .execute(
                "INSERT INTO end_clients (tenant, id, name, created) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (tenant, id) DO NOTHING",
                &[&tenant.0, &id, &name, &now],
            )
            .await
            .map_err(pg)?;
        if n == 0 {
            return Err(LrsError::Conflict(format!("end client {id:?} exists already")).into());
        }
        Ok(EndClient {
            id: id.to_owned(),
            name: name.to_owned(),
            created_ms: now,
        })
    }

    async fn list_end_clients(&self, tenant: TenantId) -> StoreResult<Vec<EndClient>> {
        let c = self.client().await?;
        let rows = c
            .query(
                "SELECT id, name, created FROM end_clients WHERE tenant = $1 ORDER BY id",
                &[&tenant.0],
            )
            .await
            .map_err(pg)?;
        rows.iter().map(end_client_row).collect()
    }

    async fn end_client(&self, tenant: TenantId, id: &str) -> StoreResult<Option<EndClient>> {
        let c = self.client().await?;
        let row = c
            .query_opt(
                "SELECT id, name, created FROM end_clients WHERE tenant = $1 AND id = $2",
                &[&tenant.0, &id],
            )
            .await
            .map_err(pg)?;
        row.as_ref().map(end_client_row).transpose()
    }

    async fn delete_end_client(&self, tenant: TenantId, id: &str) -> StoreResult<()> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(pg)?;
        let found = tx
            .query_opt(
                "SELECT 1 FROM end_clients WHERE tenant = $1 AND id = $2 FOR UPDATE",
                &[&tenant.0, &id],
            )
            .await
            .map_err(pg)?;
        if found.is_none() {
            return Err(LrsError::NotFound(format!("no end client {id:?}")).into());
        }
        for (table, what) in [("learners", "learner"), ("accounts", "account")] {
            let sql = format!("SELECT count(*) FROM {table} WHERE tenant = $1 AND end_client = $2");
            let n: i64 = col(&tx.query_one(&sql, &[&tenant.0, &id]).await.map_err(pg)?, 0)?;
            if n > 0 {
                return Err(LrsError::Conflict(format!("end client {id:?} still has {n} {what}(s)")).into());
            }
        }
        tx.execute(
            &crate::store::tables::Backend::Postgres.sql(crate::store::tables::END_CLIENT_ASSIGNMENTS),
            &[&tenant.0, &id],
        )
        .await
        .map_err(pg)?;
        tx.execute(
            "DELETE FROM end_clients WHERE tenant = $1 AND id = $2",
            &[&tenant.0, &id],
        )
        .await
        .map_err(pg)?;
        tx.commit().await.map_err(pg)
    }
}
