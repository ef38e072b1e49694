//! The PostgreSQL backend: the same [`Store`](crate::Store) and [`Admin`](crate::Admin) as
//! SQLite, for several instances sharing one database.
//!
//! Where it differs from SQLite:
//! * timestamps are `TIMESTAMP` (UTC, microseconds) formatted as SQLite's `YYYY-MM-DD HH:MM:SS`
//!   on read, so callers see the same text; the sub-second part orders rows within one second,
//!   where SQLite uses its rowid;
//! * version numbers are made gap-free by locking the project row (`FOR NO KEY UPDATE`) in the appending
//!   transaction, which serialises writers of every process, not only of this one;
//! * search is PostgreSQL full-text search (`tsvector`, GIN index, `ts_rank`);
//! * there is no in-process project cache: another instance may write at any time, and nothing
//!   like SQLite's `data_version` would tell us, so every read asks the database (a cache
//!   invalidated by `LISTEN`/`NOTIFY` would need every writer, raw SQL included, to notify);
//! * migrations take an advisory lock, so instances starting together apply each one once;
//! * the dump holds data only: import migrates the target first (see `dump.rs`).

mod admin;
mod copy;
mod dump;
mod keys;
mod lists;
mod migrate;
mod projects;
mod search;
mod stats;
mod traits;
mod users;
mod verifications;
mod versions;

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::PgPool;

use crate::{OpenOptions, StoreError};

/// How long a request waits for a pooled connection before failing.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(30);

/// A pooled connection idle for longer than this is pinged before it is used again.
const PING_AFTER_IDLE: Duration = Duration::from_secs(30);

/// `expr` (a `TIMESTAMP`) as SQLite's `CURRENT_TIMESTAMP` text, for the row types' `String`s.
macro_rules! ts {
    ($($expr:tt)+) => {
        concat!("to_char(", $($expr)+, ", 'YYYY-MM-DD HH24:MI:SS')")
    };
}
pub(crate) use ts;

/// The current time as stored in `TIMESTAMP` columns (UTC). `clock_timestamp()`, not `now()`, so
/// successive statements of one transaction get increasing times, like SQLite's per-statement
/// `CURRENT_TIMESTAMP`.
macro_rules! now {
    () => {
        "(clock_timestamp() AT TIME ZONE 'utc')"
    };
}
pub(crate) use now;

/// A `projects` row as [`Project`](crate::Project) reads it (optionally qualified: `"p."`).
macro_rules! project_columns {
    () => {
        $crate::postgres::project_columns!("")
    };
    ($p:literal) => {
        concat!(
            $p,
            "id, ",
            $p,
            "user_id, ",
            $p,
            "name, ",
            $p,
            "description, ",
            $p,
            "program_id, ",
            $p,
            "is_public, ",
            $p,
            "custom_docs, ",
            $crate::postgres::ts!(concat!($p, "created_at")),
            " AS created_at, ",
            $crate::postgres::ts!(concat!($p, "updated_at")),
            " AS updated_at"
        )
    };
}
pub(crate) use project_columns;

/// The PostgreSQL implementation of [`Store`](crate::Store) and [`Admin`](crate::Admin).
#[derive(Debug, Clone)]
pub struct PostgresStore {
    pool: PgPool,
}

impl PostgresStore {
    /// Connects to the database named by `url` (`postgres://` or `postgresql://`). The database
    /// must exist: `OpenOptions::create_if_missing` only concerns SQLite files, because creating a
    /// PostgreSQL database needs rights the service should not have.
    pub async fn open(url: &str, options: OpenOptions) -> Result<Self, StoreError> {
        if !is_postgres_url(url) {
            return Err(StoreError::UnsupportedUrl {
                url: url.to_string(),
            });
        }
        let shown = redact(url);
        let connect = PgConnectOptions::from_str(url).map_err(|e| open_error(&shown, e))?;
        // A ping before every use would double each query's round trips; a connection idle for
        // a while (the server may have restarted or a proxy dropped it) is still checked first.
        let pool = PgPoolOptions::new()
            .max_connections(options.max_connections.max(1))
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .test_before_acquire(false)
            .before_acquire(|conn, meta| {
                Box::pin(async move {
                    if meta.idle_for > PING_AFTER_IDLE {
                        sqlx::Connection::ping(conn).await?;
                    }
                    Ok(true)
                })
            })
            .connect_with(connect)
            .await
            .map_err(|e| open_error(&shown, e))?;
        sqlx::query("SELECT 1")
            .execute(&pool)
            .await
            .map_err(|e| open_error(&shown, e))?;
        Ok(Self { pool })
    }

    /// The connection pool, for tests and benchmarks that need raw SQL.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }
}

/// Whether `url` names a PostgreSQL database.
pub(crate) fn is_postgres_url(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

/// `url` without its password, for messages and logs.
pub(crate) fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => {
            let user = userinfo.split(':').next().unwrap_or_default();
            let hidden = if userinfo.contains(':') { ":***" } else { "" };
            format!("{scheme}://{user}{hidden}@{host}{tail}")
        }
        None => url.to_string(),
    }
}

fn open_error(shown: &str, error: sqlx::Error) -> StoreError {
    // The server's own message ("database \"x\" does not exist", "password authentication
    // failed …") says it best; sqlx's wrapping adds only noise.
    let reason = match &error {
        sqlx::Error::Database(db) => db.message().to_string(),
        other => other.to_string(),
    };
    StoreError::Open {
        path: shown.to_string(),
        reason,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_postgres_urls_and_hides_passwords() {
        assert!(is_postgres_url("postgres://u@h/db"));
        assert!(is_postgres_url("postgresql://u@h/db"));
        assert!(!is_postgres_url("sqlite://x.db"));
        assert_eq!(
            redact("postgres://orq:s3cret@db:5432/orq?sslmode=require"),
            "postgres://orq:***@db:5432/orq?sslmode=require"
        );
        assert_eq!(redact("postgres://orq@db/orq"), "postgres://orq@db/orq");
        assert_eq!(redact("postgres://db/orq"), "postgres://db/orq");
    }
}
