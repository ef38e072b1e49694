//! The SQLite backend: WAL mode, `foreign_keys=ON`, a busy timeout, pooled connections.

mod admin;
mod copy;
mod keys;
mod lists;
mod migrate;
mod project_cache;
mod projects;
mod search;
mod stats;
mod traits;
mod users;
mod verifications;
mod versions;

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{ConnectOptions, SqlitePool};
use std::sync::Arc;

use project_cache::ProjectCache;

use crate::{OpenOptions, StoreError};

/// How long a writer waits for another writer before giving up with "database is locked".
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// The embedded SQLite implementation of [`Store`](crate::Store) and [`Admin`](crate::Admin).
#[derive(Debug, Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
    path: PathBuf,
    /// Project rows with their latest version, for the read hot path.
    projects: Arc<ProjectCache>,
}

impl SqliteStore {
    /// Opens (and with `create_if_missing`, creates) the database at `url` (`sqlite://PATH`).
    pub async fn open(url: &str, options: OpenOptions) -> Result<Self, StoreError> {
        let path = sqlite_path(url)?;
        if !options.create_if_missing && !path.exists() {
            return Err(StoreError::Missing {
                path: path.display().to_string(),
            });
        }
        let connect = SqliteConnectOptions::from_str("sqlite:")
            .map_err(|e| open_error(&path, e))?
            .filename(&path)
            .create_if_missing(options.create_if_missing)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(BUSY_TIMEOUT);
        let pool = SqlitePoolOptions::new()
            .max_connections(options.max_connections.max(1))
            .connect_with(connect.clone())
            .await
            .map_err(|e| open_error(&path, e))?;
        // The first real read tells a corrupt or foreign file apart from a database.
        sqlx::query("SELECT count(*) FROM sqlite_master")
            .execute(&pool)
            .await
            .map_err(|e| open_error(&path, e))?;
        let projects = ProjectCache::new();
        let watcher = connect.connect().await.map_err(|e| open_error(&path, e))?;
        tokio::spawn(project_cache::watch_foreign_writes(
            watcher,
            Arc::downgrade(&projects),
        ));
        Ok(Self {
            pool,
            path,
            projects,
        })
    }

    /// The file this store lives in.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs a write that may change project rows, their owners or their versions, then retires
    /// every cached project row (after the write ends, committed or not: see `project_cache`).
    async fn changing_projects<T>(&self, write: impl std::future::Future<Output = T>) -> T {
        let result = write.await;
        self.projects.invalidate();
        result
    }

    /// A public listing or search page from the cache, or read by `read` and remembered.
    async fn cached_listing(
        &self,
        key: project_cache::ListingKey,
        read: impl std::future::Future<Output = Result<crate::Paged<crate::PublicProject>, StoreError>>,
    ) -> Result<crate::Paged<crate::PublicProject>, StoreError> {
        if let Some(listing) = self.projects.listing(&key) {
            return Ok(listing);
        }
        let generation = self.projects.generation();
        let listing = read.await?;
        self.projects.insert_listing(key, generation, &listing);
        Ok(listing)
    }

    /// The connection pool, for tests and benchmarks that need raw SQL.
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }
}

/// `sqlite://PATH` or `sqlite:PATH` → PATH.
fn sqlite_path(url: &str) -> Result<PathBuf, StoreError> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .ok_or_else(|| StoreError::UnsupportedUrl {
            url: url.to_string(),
        })?;
    let path = rest.split('?').next().unwrap_or_default();
    if path.is_empty() || path == ":memory:" {
        return Err(StoreError::UnsupportedUrl {
            url: url.to_string(),
        });
    }
    Ok(PathBuf::from(path))
}

fn open_error(path: &Path, error: sqlx::Error) -> StoreError {
    let message = error.to_string();
    if message.contains("file is not a database") || message.contains("malformed") {
        return StoreError::NotADatabase {
            path: path.display().to_string(),
        };
    }
    StoreError::Open {
        path: path.display().to_string(),
        reason: message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_sqlite_urls() {
        assert_eq!(
            sqlite_path("sqlite://orquestra.db").ok(),
            Some(PathBuf::from("orquestra.db"))
        );
        assert_eq!(
            sqlite_path("sqlite:/tmp/x.db?mode=rwc").ok(),
            Some(PathBuf::from("/tmp/x.db"))
        );
        assert!(matches!(
            sqlite_path("postgres://x"),
            Err(StoreError::UnsupportedUrl { .. })
        ));
        assert!(matches!(
            sqlite_path("sqlite::memory:"),
            Err(StoreError::UnsupportedUrl { .. })
        ));
        assert!(matches!(
            sqlite_path("sqlite://"),
            Err(StoreError::UnsupportedUrl { .. })
        ));
    }
}
