//! `orquestra-store`: the data layer. A SQL [`Store`] (SQLite embedded by default; PostgreSQL later)
//! with its migrations, the operator's [`Admin`] functions (raw queries, dump, restore), and the
//! [`Kv`] cache with the seed's two namespaces (`IDLS`, `CACHE`).
//!
//! Callers only see the traits and the row types in [`model`]; SQL lives per backend (`sqlite/`,
//! `migrations/sqlite/`), so a second backend is one more module behind the same traits.
//! Knows nothing of HTTP.

pub mod dump;
pub mod error;
pub mod ids;
pub mod kv;
pub mod model;
mod sqlite;
mod store;

pub use error::StoreError;
pub use kv::{
    BucketDecision, BucketsUnavailable, Kv, MemoryKv, Namespace, RedisKv, RedisKvError,
    SharedBuckets,
};
pub use model::*;
pub use sqlite::SqliteStore;
pub use store::{Admin, PoolStatus, Store};

use std::sync::Arc;

/// How to open a database.
#[derive(Debug, Clone, Copy)]
pub struct OpenOptions {
    /// Create the database file when it does not exist (`serve`, `migrate`, `db import`); admin
    /// commands that only read keep this off so a typo does not create an empty database.
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

/// Opens the database named by `url` (`sqlite://PATH`, `sqlite::memory:` is refused because a
/// pooled in-memory database would be one database per connection).
pub async fn open(url: &str, options: OpenOptions) -> Result<Database, StoreError> {
    let backend = Arc::new(SqliteStore::open(url, options).await?);
    Ok(Database {
        store: backend.clone(),
        admin: backend,
    })
}
