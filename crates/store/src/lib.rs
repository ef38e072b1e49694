//! `orquestra-store`: the data layer. A SQL [`Store`] with its migrations, the operator's
//! [`Admin`] functions (raw queries, dump, restore), and the [`Kv`] cache with the data-layer specification's two
//! namespaces (`IDLS`, `CACHE`). Knows nothing of HTTP.
//!
//! Two backends implement the same traits, chosen by [`open`]'s URL:
//! * [`SqliteStore`] (`sqlite://PATH`, the default): one file, one writer at a time, an
//!   in-process cache of project rows that also notices other processes' commits.
//! * [`PostgresStore`] (`postgres://…`): for several instances on one database. Same tables,
//!   constraints, cascades and index names (its migrations under `migrations/postgres/` mirror
//!   SQLite's one for one), same ordering, errors and JSON shapes. It differs where the engines
//!   do: appends lock the project row (`FOR NO KEY UPDATE`) so version numbers stay gap-free
//!   across processes; search is PostgreSQL full-text search (a weighted `tsvector` with a GIN
//!   index) instead of FTS5; there is no project cache, because nothing cheap would tell one
//!   instance of another's writes; migrations run under an advisory lock, so instances starting
//!   together apply each once; and the dump is data only (import migrates the database first).
//!
//! The dumps are each in their own backend's dialect; [`copy_database`] moves an installation
//! between backends instead (see [`copy`]).
//!
//! Callers only see the traits and the row types in [`model`]; SQL lives per backend (`sqlite/`,
//! `postgres/`).

pub mod copy;
pub mod dump;
pub mod error;
pub mod ids;
pub mod kv;
pub mod model;
mod postgres;
mod sqlite;
mod store;

pub use copy::{copy_database, Cell, CopyPhase, CopyProgress, CopyReport, RowPage, TableCopy};
pub use error::StoreError;
pub use kv::{
    BucketDecision, BucketsUnavailable, Kv, MemoryKv, Namespace, RedisKv, RedisKvError,
    SharedBuckets,
};
pub use model::*;
pub use postgres::PostgresStore;
pub use sqlite::SqliteStore;
pub use store::{Admin, PoolStatus, Store};

use std::sync::Arc;

/// How to open a database.
#[derive(Debug, Clone, Copy)]
pub struct OpenOptions {
    /// Create the database file when it does not exist (`serve`, `migrate`, `db import`); admin
    /// commands that only read keep this off so a typo does not create an empty database.
    /// SQLite only: a PostgreSQL database must already exist (creating one needs rights the
    /// service should not have), whatever this says.
    pub create_if_missing: bool,
    /// Maximum pooled connections.
    pub max_connections: u32,
}

impl Default for OpenOptions {
    fn default() -> Self {
        Self {
            create_if_missing: true,
            max_connections: 8,
        }
    }
}

/// An opened database: the application store and the operator functions over the same pool.
#[derive(Clone)]
pub struct Database {
    pub store: Arc<dyn Store>,
    pub admin: Arc<dyn Admin>,
}

/// Opens the database named by `url`: `postgres://…` / `postgresql://…` (the database must
/// exist), or `sqlite://PATH` (`sqlite::memory:` is refused because a pooled in-memory database
/// would be one database per connection). Anything else is [`StoreError::UnsupportedUrl`].
pub async fn open(url: &str, options: OpenOptions) -> Result<Database, StoreError> {
    if postgres::is_postgres_url(url) {
        let backend = Arc::new(PostgresStore::open(url, options).await?);
        return Ok(Database {
            store: backend.clone(),
            admin: backend,
        });
    }
    if url.starts_with("sqlite:") {
        let backend = Arc::new(SqliteStore::open(url, options).await?);
        return Ok(Database {
            store: backend.clone(),
            admin: backend,
        });
    }
    Err(StoreError::UnsupportedUrl {
        url: url.to_string(),
    })
}
