//! Which store the commands use: SQLite in the data folder (the default), or PostgreSQL
//! when `--database-url postgres://…` is given. Content files stay in the data folder
//! either way.

use std::path::Path;
use std::sync::Arc;

use crate::store::Store;
use crate::store::postgres::PgStore;
use crate::store::sqlite::SqliteStore;

/// A PostgreSQL URL. Its `Debug` form hides the password.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl(String);

impl DatabaseUrl {
    /// Accepts `postgres://…` and `postgresql://…` URLs.
    pub fn parse(s: &str) -> Result<Self, String> {
        if s.starts_with("postgres://") || s.starts_with("postgresql://") {
            Ok(Self(s.to_owned()))
        } else {
            Err(
                "expected a postgres:// or postgresql:// URL (without it, kiroku uses SQLite in the data folder)"
                    .into(),
            )
        }
    }

    /// The URL itself (for the database client and PostgreSQL's tools).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The URL with any password replaced by `***`, for messages and logs.
    pub fn redacted(&self) -> String {
        let Some((scheme, rest)) = self.0.split_once("://") else {
            return "***".into();
        };
        let (authority, tail) = rest.split_at(rest.find(['/', '?']).unwrap_or(rest.len()));
        let authority = match authority.rsplit_once('@') {
            Some((userinfo, host)) if userinfo.contains(':') => {
                let user = userinfo.split(':').next().unwrap_or("");
                format!("{user}:***@{host}")
            }
            _ => authority.to_owned(),
        };
        format!("{scheme}://{authority}{}", redact_query(tail))
    }
}

/// The path and query with a `password` parameter's value hidden.
fn redact_query(tail: &str) -> String {
    let Some((path, query)) = tail.split_once('?') else {
        return tail.to_owned();
    };
    let pairs: Vec<&str> = query
        .split('&')
        .map(|p| if p.starts_with("password=") { "password=***" } else { p })
        .collect();
    format!("{path}?{}", pairs.join("&"))
}

impl std::fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("DatabaseUrl").field(&self.redacted()).finish()
    }
}

/// Opens the store the command line selects, migrating its schema if needed.
pub async fn open(data_dir: &Path, url: Option<&DatabaseUrl>) -> Result<Arc<dyn Store>, String> {
    match url {
        Some(url) => {
            let store = PgStore::connect(&url.0)
                .await
                .map_err(|e| format!("cannot open the database {}: {e}", url.redacted()))?;
            Ok(Arc::new(store))
        }
        None => {
            let store = SqliteStore::open(data_dir)
                .map_err(|e| format!("cannot open the data folder {}: {e}", data_dir.display()))?;
            Ok(Arc::new(store))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::DatabaseUrl;

    #[test]
    fn only_postgres_urls() {
        assert!(DatabaseUrl::parse("postgres://u@h/db").is_ok());
        assert!(DatabaseUrl::parse("postgresql://h/db").is_ok());
        assert!(DatabaseUrl::parse("sqlite://x").is_err());
        assert!(DatabaseUrl::parse("host=h dbname=d").is_err());
    }

    #[test]
    fn passwords_never_shown() {
        let cases = [
            (
                "postgres://kiroku:s3cret@db:5432/kiroku",
                "postgres://kiroku:***@db:5432/kiroku",
            ),
            (
                "postgres://kiroku:p@ss@db/k?sslmode=disable",
                "postgres://kiroku:***@db/k?sslmode=disable",
            ),
            ("postgres://kiroku@db/kiroku", "postgres://kiroku@db/kiroku"),
            ("postgresql://%2Ftmp%2Fpg/kiroku", "postgresql://%2Ftmp%2Fpg/kiroku"),
            (
                "postgres://db/k?user=u&password=s3cret&x=1",
                "postgres://db/k?user=u&password=***&x=1",
            ),
        ];
        for (url, shown) in cases {
            let u = DatabaseUrl::parse(url).expect("a URL");
            assert_eq!(u.redacted(), shown);
            assert!(!format!("{u:?}").contains("s3cret"));
        }
    }
}
