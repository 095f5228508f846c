//! Resellers, end clients, admin accounts, their sessions and API tokens in SQLite, and
//! `AccountStore` / `EndClientStore` for `SqliteStore`.

use async_trait::async_trait;
use rusqlite::{Connection, OptionalExtension, Row, params};

use super::SqliteStore;
use super::pool::backend;
use crate::account::login::{after_failure, session_use};
use crate::account::setup::{SetupFacts, SetupRefusal, decide};
use crate::account::{Account, EndClient, NewAccount, Realm, RealmRows, Reseller};
use crate::clock;
use crate::i18n::Lang;
use crate::lrs::LrsError;
use crate::store::accounts::{language_column, language_from, realm_columns, realm_from};
use crate::store::{AccountRecord, AccountStore, ApiToken, EndClientStore, NewSession, StoreResult};
use crate::tenant::{TenantId, TenantStatus};

/// The password comes after these, at index 11.
const ACCOUNT_COLS: &str =
    "id, login, role, reseller, tenant, end_client, created, failed_logins, locked_until, language, email";

fn account_row(r: &Row) -> rusqlite::Result<Account> {
    let role: String = r.get(2)?;
    let realm = realm_from(&role, r.get(3)?, r.get(4)?, r.get(5)?).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(2, rusqlite::types::Type::Text, "unknown account realm".into())
    })?;
    Ok(Account {
        id: r.get(0)?,
        login: r.get(1)?,
        realm,
        created_ms: r.get(6)?,
        failed_logins: r.get(7)?,
        locked_until_ms: r.get(8)?,
        language: language_from(r.get(9)?),
        email: r.get(10)?,
    })
}

pub fn reseller(conn: &Connection, name: &str) -> StoreResult<Option<Reseller>> {
    conn.query_row("SELECT name, created FROM resellers WHERE name = ?1", [name], |r| {
        Ok(Reseller {
            name: r.get(0)?,
            created_ms: r.get(1)?,
        })
    })
    .optional()
    .map_err(backend)
}

pub fn end_client(conn: &Connection, tenant: TenantId, id: &str) -> StoreResult<Option<EndClient>> {
    conn.query_row(
        "SELECT id, name, created FROM end_clients WHERE tenant = ?1 AND id = ?2",
        params![tenant.0, id],
        end_client_row,
    )
    .optional()
    .map_err(backend)
}

fn end_client_row(r: &Row) -> rusqlite::Result<EndClient> {
    Ok(EndClient {
        id: r.get(0)?,
        name: r.get(1)?,
        created_ms: r.get(2)?,
    })
}

fn account(conn: &Connection, cond: &str, value: &str) -> StoreResult<Option<(Account, String)>> {
    conn.query_row(
        &format!("SELECT {ACCOUNT_COLS}, password FROM accounts WHERE {cond} = ?1"),
        [value],
        |r| Ok((account_row(r)?, r.get(11)?)),
    )
    .optional()
    .map_err(backend)
}

/// Reads the rows the realm names and checks them (`Realm::check_rows`).
fn check_realm(conn: &Connection, realm: &Realm) -> StoreResult<()> {
    let mut rows = RealmRows::default();
    if let Some(r) = realm.reseller() {
        rows.reseller = reseller(conn, r)?.is_some();
    }
    if let Some(t) = realm.tenant() {
        let status: Option<String> = conn
            .query_row("SELECT status FROM tenants WHERE id = ?1", [t.0], |r| r.get(0))
            .optional()
            .map_err(backend)?;
        rows.tenant_status = status.as_deref().and_then(TenantStatus::parse);
        if let Some(e) = realm.end_client() {
            rows.end_client = end_client(conn, t, e)?.is_some();
        }
    }
    Ok(realm.check_rows(&rows)?)
}

fn create_account(conn: &Connection, new: &NewAccount) -> StoreResult<Account> {
    check_realm(conn, &new.realm)?;
    if account(conn, "login", &new.login)?.is_some() {
        return Err(LrsError::Conflict(format!("the login {:?} is taken", new.login)).into());
    }
    let id = crate::id::new_uuid();
    let (role, reseller, tenant, end_client) = realm_columns(&new.realm);
    conn.execute(
        "INSERT INTO accounts (id, login, role, reseller, tenant, end_client, password, created, email) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            id,
            new.login,
            role,
            reseller,
            tenant,
            end_client,
            new.password_hash,
            clock::now_ms(),
            new.email
        ],
    )
    .map_err(backend)?;
    account(conn, "id", &id)?
        .map(|(a, _)| a)
        .ok_or_else(|| backend("account vanished after write"))
}

fn list_accounts(conn: &Connection, within: &Realm) -> StoreResult<Vec<Account>> {
    use rusqlite::types::Value;
    let (cond, args): (&str, Vec<Value>) = match within {
        Realm::Service => ("1 = 1", vec![]),
        Realm::Reseller(r) => (
            "reseller = ?1 OR tenant IN (SELECT id FROM tenants WHERE reseller = ?1)",
            vec![r.clone().into()],
        ),
        Realm::Tenant(t) => ("tenant = ?1", vec![t.0.into()]),
        Realm::EndClient(t, e) => ("tenant = ?1 AND end_client = ?2", vec![t.0.into(), e.clone().into()]),
    };
    let sql = format!("SELECT {ACCOUNT_COLS} FROM accounts WHERE {cond} ORDER BY login");
    let mut st = conn.prepare(&sql).map_err(backend)?;
    let rows = st
        .query_map(rusqlite::params_from_iter(args), account_row)
        .map_err(backend)?;
    rows.collect::<Result<_, _>>().map_err(backend)
}

fn delete_account(conn: &Connection, id: &str) -> StoreResult<bool> {
    for table in crate::store::tables::ACCOUNT_ROWS {
        conn.execute(&format!("DELETE FROM {table} WHERE account = ?1"), [id])
            .map_err(backend)?;
    }
    let n = conn
        .execute("DELETE FROM accounts WHERE id = ?1", [id])
        .map_err(backend)?;
    Ok(n > 0)
}

fn login_failed(conn: &Connection, id: &str, now: i64) -> StoreResult<Option<Account>> {
    let Some((a, _)) = account(conn, "id", id)? else {
        return Ok(None);
    };
    let (failed, lock) = after_failure(a.failed_logins, now);
    conn.execute(
        "UPDATE accounts SET failed_logins = ?2, locked_until = coalesce(?3, locked_until) WHERE id = ?1",
        params![id, failed, lock],
    )
    .map_err(backend)?;
    Ok(account(conn, "id", id)?.map(|(a, _)| a))
}

fn login_succeeded(conn: &Connection, id: &str, s: &NewSession) -> StoreResult<()> {
    let Some((a, _)) = account(conn, "id", id)? else {
        return Err(LrsError::NotFound("no such account".into()).into());
    };
    conn.execute(
        "UPDATE accounts SET failed_logins = 0, locked_until = NULL WHERE id = ?1",
        [id],
    )
    .map_err(backend)?;
    // Sessions nobody asks about again (never signed out) are cleared at sign-ins.
    conn.execute("DELETE FROM account_sessions WHERE expires <= ?1", [s.created_ms])
        .map_err(backend)?;
    conn.execute(
        "INSERT INTO account_sessions (digest, account, tenant, created, expires) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![s.digest, id, a.realm.tenant().map(|t| t.0), s.created_ms, s.expires_ms],
    )
    .map_err(backend)?;
    Ok(())
}

fn session_account(conn: &Connection, digest: [u8; 32], now: i64) -> StoreResult<Option<Account>> {
    let found: Option<(String, i64, i64)> = conn
        .query_row(
            "SELECT account, created, expires FROM account_sessions WHERE digest = ?1",
            [digest],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()
        .map_err(backend)?;
    let Some((id, created, expires)) = found else {
        return Ok(None);
    };
    match session_use(created, expires, now) {
        None => {
            conn.execute("DELETE FROM account_sessions WHERE digest = ?1", [digest])
                .map_err(backend)?;
            return Ok(None);
        }
        Some(Some(next)) => {
            conn.execute(
                "UPDATE account_sessions SET expires = ?2 WHERE digest = ?1",
                params![digest, next],
            )
            .map_err(backend)?;
        }
        Some(None) => {}
    }
    Ok(account(conn, "id", &id)?.map(|(a, _)| a))
}

fn token_row(r: &Row) -> rusqlite::Result<ApiToken> {
    Ok(ApiToken {
        id: r.get(0)?,
        label: r.get(1)?,
        created_ms: r.get(2)?,
        last_used_ms: r.get(3)?,
    })
}

fn create_token(conn: &Connection, account_id: &str, label: &str, digest: [u8; 32]) -> StoreResult<ApiToken> {
    let Some((a, _)) = account(conn, "id", account_id)? else {
        return Err(LrsError::NotFound("no such account".into()).into());
    };
    let t = ApiToken {
        id: crate::id::new_uuid(),
        label: label.to_owned(),
        created_ms: clock::now_ms(),
        last_used_ms: None,
    };
    conn.execute(
        "INSERT INTO api_tokens (id, digest, account, tenant, label, created) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            t.id,
            digest,
            account_id,
            a.realm.tenant().map(|t| t.0),
            t.label,
            t.created_ms
        ],
    )
    .map_err(backend)?;
    Ok(t)
}

fn token_account(conn: &Connection, digest: [u8; 32], now: i64) -> StoreResult<Option<Account>> {
    let id: Option<String> = conn
        .query_row("SELECT account FROM api_tokens WHERE digest = ?1", [digest], |r| {
            r.get(0)
        })
        .optional()
        .map_err(backend)?;
    let Some(id) = id else { return Ok(None) };
    // Recorded to the minute: a token used in a loop does not write on every request.
    conn.execute(
        "UPDATE api_tokens SET last_used = ?2 WHERE digest = ?1 AND (last_used IS NULL OR last_used < ?2 - 60000)",
        params![digest, now],
    )
    .map_err(backend)?;
    Ok(account(conn, "id", &id)?.map(|(a, _)| a))
}

fn delete_end_client(conn: &Connection, tenant: TenantId, id: &str) -> StoreResult<()> {
    if end_client(conn, tenant, id)?.is_none() {
        return Err(LrsError::NotFound(format!("no end client {id:?}")).into());
    }
    for (table, what) in [("learners", "learner"), ("accounts", "account")] {
        let n: i64 = conn
            .query_row(
                &format!("SELECT count(*) FROM {table} WHERE tenant = ?1 AND end_client = ?2"),
                params![tenant.0, id],
                |r| r.get(0),
            )
            .map_err(backend)?;
        if n > 0 {
            return Err(LrsError::Conflict(format!("end client {id:?} still has {n} {what}(s)")).into());
        }
    }
    conn.execute(
        &crate::store::tables::Backend::Sqlite.sql(crate::store::tables::END_CLIENT_ASSIGNMENTS),
        params![tenant.0, id],
    )
    .map_err(backend)?;
    conn.execute(
        "DELETE FROM end_clients WHERE tenant = ?1 AND id = ?2",
        params![tenant.0, id],
    )
    .map_err(backend)?;
    Ok(())
}

fn account_records(conn: &Connection) -> StoreResult<Vec<AccountRecord>> {
    let mut st = conn
        .prepare(&format!("SELECT {ACCOUNT_COLS}, password FROM accounts ORDER BY login"))
        .map_err(backend)?;
    let accounts: Vec<(Account, String)> = st
        .query_map([], |r| Ok((account_row(r)?, r.get(11)?)))
        .map_err(backend)?
        .collect::<Result<_, _>>()
        .map_err(backend)?;
    let mut tokens = conn
        .prepare("SELECT id, label, created, last_used, digest FROM api_tokens WHERE account = ?1 ORDER BY created, id")
        .map_err(backend)?;
    let mut out = Vec::with_capacity(accounts.len());
    for (account, password_hash) in accounts {
        let list = tokens
            .query_map([&account.id], |r| Ok((token_row(r)?, r.get::<_, [u8; 32]>(4)?)))
            .map_err(backend)?
            .collect::<Result<_, _>>()
            .map_err(backend)?;
        out.push(AccountRecord {
            account,
            password_hash,
            tokens: list,
        });
    }
    Ok(out)
}

fn restore_account(conn: &Connection, rec: &AccountRecord) -> StoreResult<()> {
    let a = &rec.account;
    check_realm(conn, &a.realm)?;
    if account(conn, "login", &a.login)?.is_some() || account(conn, "id", &a.id)?.is_some() {
        return Err(LrsError::Conflict(format!("the login {:?} is taken", a.login)).into());
    }
    let (role, reseller, tenant, end_client) = realm_columns(&a.realm);
    conn.execute(
        "INSERT INTO accounts (id, login, role, reseller, tenant, end_client, password, created, failed_logins, locked_until, language, email) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        params![a.id, a.login, role, reseller, tenant, end_client, rec.password_hash, a.created_ms, a.failed_logins, a.locked_until_ms, language_column(a.language), a.email],
    )
    .map_err(backend)?;
    for (t, digest) in &rec.tokens {
        conn.execute(
            "INSERT INTO api_tokens (id, digest, account, tenant, label, created, last_used) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![t.id, digest, a.id, tenant, t.label, t.created_ms, t.last_used_ms],
        )
        .map_err(backend)?;
    }
    Ok(())
}

fn has_operator(conn: &Connection) -> StoreResult<bool> {
    conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM accounts WHERE role = 'operator')",
        [],
        |r| r.get(0),
    )
    .map_err(backend)
}

fn setup_link_expiry(conn: &Connection, digest: [u8; 32], now: i64) -> StoreResult<Option<i64>> {
    conn.query_row(
        "SELECT expires FROM setup_links WHERE digest = ?1 AND expires > ?2",
        params![digest, now],
        |r| r.get(0),
    )
    .optional()
    .map_err(backend)
}

fn redeem_setup_link(
    conn: &Connection,
    digest: [u8; 32],
    now: i64,
    new: &NewAccount,
) -> StoreResult<Result<Account, SetupRefusal>> {
    let facts = SetupFacts {
        operator_exists: has_operator(conn)?,
        link_live: setup_link_expiry(conn, digest, now)?.is_some(),
        login_taken: account(conn, "login", &new.login)?.is_some(),
    };
    match decide(facts) {
        Err(SetupRefusal::OperatorExists) => {
            conn.execute("DELETE FROM setup_links", []).map_err(backend)?;
            Ok(Err(SetupRefusal::OperatorExists))
        }
        Err(refusal) => Ok(Err(refusal)),
        Ok(()) => {
            conn.execute("DELETE FROM setup_links", []).map_err(backend)?;
            Ok(Ok(create_account(conn, new)?))
        }
    }
}

#[async_trait]
impl AccountStore for SqliteStore {
    async fn set_account_language(&self, id: &str, language: Option<Lang>) -> StoreResult<()> {
        let id = id.to_owned();
        self.writer
            .run(move |c| {
                c.execute(
                    "UPDATE accounts SET language = ?2 WHERE id = ?1",
                    params![id, language_column(language)],
                )
                .map_err(backend)?;
                Ok(())
            })
            .await
    }

    async fn has_operator(&self) -> StoreResult<bool> {
        self.readers.run(has_operator).await
    }

    async fn put_setup_link(&self, digest: [u8; 32], expires_ms: i64) -> StoreResult<()> {
        self.writer
            .run(move |c| {
                c.execute("DELETE FROM setup_links", []).map_err(backend)?;
                c.execute(
                    "INSERT INTO setup_links (digest, expires) VALUES (?1, ?2)",
                    params![digest, expires_ms],
                )
                .map_err(backend)?;
                Ok(())
            })
            .await
    }

    async fn setup_link_expiry(&self, digest: [u8; 32], now_ms: i64) -> StoreResult<Option<i64>> {
        self.readers
            .run(move |c| {
                if has_operator(c)? {
                    return Ok(None);
                }
                setup_link_expiry(c, digest, now_ms)
            })
            .await
    }

    async fn redeem_setup_link(
        &self,
        digest: [u8; 32],
        now_ms: i64,
        new: NewAccount,
    ) -> StoreResult<Result<Account, SetupRefusal>> {
        self.writer
            .run(move |c| redeem_setup_link(c, digest, now_ms, &new))
            .await
    }

    async fn account_records(&self) -> StoreResult<Vec<AccountRecord>> {
        self.readers.run(account_records).await
    }

    async fn restore_account(&self, record: AccountRecord) -> StoreResult<()> {
        self.writer.run(move |c| restore_account(c, &record)).await
    }

    async fn set_tenant_reseller(&self, tenant: TenantId, reseller: Option<&str>) -> StoreResult<()> {
        let reseller = reseller.map(str::to_owned);
        self.writer
            .run(move |c| {
                if let Some(r) = &reseller
                    && self::reseller(c, r)?.is_none()
                {
                    return Err(LrsError::NotFound(format!("no reseller named {r:?}")).into());
                }
                c.execute(
                    "UPDATE tenants SET reseller = ?2 WHERE id = ?1",
                    params![tenant.0, reseller],
                )
                .map_err(backend)?;
                Ok(())
            })
            .await
    }

    async fn create_reseller(&self, name: &str) -> StoreResult<Reseller> {
        let name = name.to_owned();
        self.writer
            .run(move |c| {
                if reseller(c, &name)?.is_some() {
                    return Err(LrsError::Conflict(format!("a reseller named {name} exists already")).into());
                }
                let now = clock::now_ms();
                c.execute(
                    "INSERT INTO resellers (name, created) VALUES (?1, ?2)",
                    params![name, now],
                )
                .map_err(backend)?;
                Ok(Reseller { name, created_ms: now })
            })
            .await
    }

    async fn list_resellers(&self) -> StoreResult<Vec<Reseller>> {
        self.readers
            .run(|c| {
                let mut st = c.prepare("SELECT name FROM resellers ORDER BY name").map_err(backend)?;
                let names: Vec<String> = st
                    .query_map([], |r| r.get(0))
                    .map_err(backend)?
                    .collect::<Result<_, _>>()
                    .map_err(backend)?;
                names.iter().filter_map(|n| reseller(c, n).transpose()).collect()
            })
            .await
    }

    async fn reseller(&self, name: &str) -> StoreResult<Option<Reseller>> {
        let name = name.to_owned();
        self.readers.run(move |c| reseller(c, &name)).await
    }

    async fn create_account(&self, new: NewAccount) -> StoreResult<Account> {
        self.writer.run(move |c| create_account(c, &new)).await
    }

    async fn account(&self, id: &str) -> StoreResult<Option<Account>> {
        let id = id.to_owned();
        self.readers
            .run(move |c| Ok(account(c, "id", &id)?.map(|(a, _)| a)))
            .await
    }

    async fn account_by_login(&self, login: &str) -> StoreResult<Option<(Account, String)>> {
        let login = login.to_owned();
        self.readers.run(move |c| account(c, "login", &login)).await
    }

    async fn list_accounts(&self, within: &Realm) -> StoreResult<Vec<Account>> {
        let within = within.clone();
        self.readers.run(move |c| list_accounts(c, &within)).await
    }

    async fn delete_account(&self, id: &str) -> StoreResult<bool> {
        let id = id.to_owned();
        self.writer.run(move |c| delete_account(c, &id)).await
    }

    async fn set_password(&self, id: &str, hash: String, keep: Option<[u8; 32]>) -> StoreResult<()> {
        let id = id.to_owned();
        self.writer
            .run(move |c| {
                c.execute("UPDATE accounts SET password = ?2 WHERE id = ?1", params![id, hash])
                    .map_err(backend)?;
                c.execute(
                    "DELETE FROM account_sessions WHERE account = ?1 AND (?2 IS NULL OR digest <> ?2)",
                    params![id, keep],
                )
                .map_err(backend)?;
                Ok(())
            })
            .await
    }

    async fn login_failed(&self, id: &str, now_ms: i64) -> StoreResult<Option<Account>> {
        let id = id.to_owned();
        self.writer.run(move |c| login_failed(c, &id, now_ms)).await
    }

    async fn login_succeeded(&self, id: &str, session: NewSession) -> StoreResult<()> {
        let id = id.to_owned();
        self.writer.run(move |c| login_succeeded(c, &id, &session)).await
    }

    async fn session_account(&self, digest: [u8; 32], now_ms: i64) -> StoreResult<Option<Account>> {
        self.writer.run(move |c| session_account(c, digest, now_ms)).await
    }

    async fn end_session(&self, digest: [u8; 32]) -> StoreResult<()> {
        self.writer
            .run(move |c| {
                c.execute("DELETE FROM account_sessions WHERE digest = ?1", [digest])
                    .map_err(backend)?;
                Ok(())
            })
            .await
    }

    async fn create_api_token(&self, account: &str, label: &str, digest: [u8; 32]) -> StoreResult<ApiToken> {
        let (account, label) = (account.to_owned(), label.to_owned());
        self.writer
            .run(move |c| create_token(c, &account, &label, digest))
            .await
    }

    async fn list_api_tokens(&self, account: &str) -> StoreResult<Vec<ApiToken>> {
        let account = account.to_owned();
        self.readers
            .run(move |c| {
                let mut st = c
                    .prepare(
                        "SELECT id, label, created, last_used FROM api_tokens WHERE account = ?1 ORDER BY created, id",
                    )
                    .map_err(backend)?;
                let rows = st.query_map([account], token_row).map_err(backend)?;
                rows.collect::<Result<_, _>>().map_err(backend)
            })
            .await
    }

    async fn revoke_api_token(&self, account: &str, id: &str) -> StoreResult<bool> {
        let (account, id) = (account.to_owned(), id.to_owned());
        self.writer
            .run(move |c| {
                let n = c
                    .execute(
                        "DELETE FROM api_tokens WHERE account = ?1 AND id = ?2",
                        params![account, id],
                    )
                    .map_err(backend)?;
                Ok(n > 0)
            })
            .await
    }

    async fn token_account(&self, digest: [u8; 32], now_ms: i64) -> StoreResult<Option<Account>> {
        self.writer.run(move |c| token_account(c, digest, now_ms)).await
    }
}

#[async_trait]
impl EndClientStore for SqliteStore {
    async fn create_end_client(&self, tenant: TenantId, id: &str, name: &str) -> StoreResult<EndClient> {
        let (id, name) = (id.to_owned(), name.to_owned());
        self.writer
            .run(move |c| {
                if end_client(c, tenant, &id)?.is_some() {
                    return Err(LrsError::Conflict(format!("end client {id:?} exists already")).into());
                }
                let now = clock::now_ms();
                c.execute(
                    "INSERT INTO end_clients (tenant, id, name, created) VALUES (?1, ?2, ?3, ?4)",
                    params![tenant.0, id, name, now],
                )
                .map_err(backend)?;
                Ok(EndClient {
                    id,
                    name,
                    created_ms: now,
                })
            })
            .await
    }

    async fn list_end_clients(&self, tenant: TenantId) -> StoreResult<Vec<EndClient>> {
        self.readers
            .run(move |c| {
                let mut st = c
                    .prepare("SELECT id, name, created FROM end_clients WHERE tenant = ?1 ORDER BY id")
                    .map_err(backend)?;
                let rows = st.query_map([tenant.0], end_client_row).map_err(backend)?;
                rows.collect::<Result<_, _>>().map_err(backend)
            })
            .await
    }

    async fn end_client(&self, tenant: TenantId, id: &str) -> StoreResult<Option<EndClient>> {
        let id = id.to_owned();
        self.readers.run(move |c| end_client(c, tenant, &id)).await
    }

    async fn delete_end_client(&self, tenant: TenantId, id: &str) -> StoreResult<()> {
        let id = id.to_owned();
        self.writer.run(move |c| delete_end_client(c, tenant, &id)).await
    }
}
