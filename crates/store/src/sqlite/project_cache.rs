//! The in-process cache of the read hot path: a project row with its latest version number, which
//! every program read needs before anything else (visibility first), and public listing and search
//! pages. Without it each request pays a database round trip that costs more than serving a
//! cached body.
//!
//! **Correctness rests on one generation counter.** Every entry remembers the generation it was
//! read under, and only an entry of the current generation is served. Each write that can change a
//! project row, its visibility, its owner or its versions bumps the generation *after* it commits,
//! so:
//! * a write by this process is seen by the very next read (the bump happens before the write's
//!   caller gets its answer);
//! * a read that raced a write (read the generation, then old rows, then the write committed and
//!   bumped) stores an entry of an old generation, which is never served.
//!
//! Writes by other processes on the same file (the CLI's admin commands on a live database) are
//! noticed through `PRAGMA data_version`, polled on a connection of its own every
//! [`FOREIGN_WRITE_POLL`]: such a write is visible here at most that long after it commits.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Weak};
use std::time::Duration;

use moka::sync::Cache;
use sqlx::{Connection, SqliteConnection};

use crate::model::{Paged, Project, PublicProject};

/// How often the database file is checked for commits made by other processes.
pub const FOREIGN_WRITE_POLL: Duration = Duration::from_millis(200);

impl std::fmt::Debug for ProjectCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProjectCache")
            .field("generation", &self.generation())
            .field("rows", &self.rows.entry_count())
            .field("listings", &self.listings.entry_count())
            .finish()
    }
}

/// Projects remembered at most (a 404 for an absent id is remembered too, so a flood of random
/// ids costs one query each and evicts older entries, never more memory).
const MAX_ENTRIES: u64 = 20_000;

/// Listing and search pages remembered at most.
const MAX_LISTINGS: u64 = 2_000;

/// A project row with its latest version number (`None`: no such project).
pub type ProjectRow = Option<(Project, Option<i64>)>;

/// A public listing (`query: None`) or search page.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ListingKey {
    pub query: Option<String>,
    pub limit: u32,
    pub offset: u32,
}

/// Entries of one kind, each tagged with the generation it was read under.
type Entries<K, V> = Cache<K, (u64, Arc<V>)>;

/// Project rows and public listings, valid for one write generation.
pub struct ProjectCache {
    generation: AtomicU64,
    /// Set when foreign writes can no longer be watched: from then on nothing is served.
    disabled: AtomicBool,
    rows: Entries<Arc<str>, ProjectRow>,
    listings: Entries<ListingKey, Paged<PublicProject>>,
}

impl ProjectCache {
    pub fn new() -> Arc<Self> {
        Arc::new(Self {
            generation: AtomicU64::new(0),
            disabled: AtomicBool::new(false),
            rows: Cache::builder().max_capacity(MAX_ENTRIES).build(),
            listings: Cache::builder().max_capacity(MAX_LISTINGS).build(),
        })
    }

    /// The generation a read must note *before* it queries, for the `insert_*` methods.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// The cached row of `id`, if it was read under the current generation.
    pub fn row(&self, id: &str) -> Option<ProjectRow> {
        self.current(&self.rows, id)
    }

    /// Remembers `row`, read from the database after noting `generation`.
    pub fn insert_row(&self, id: &str, generation: u64, row: &ProjectRow) {
        self.remember(&self.rows, Arc::from(id), generation, row);
    }

    /// The cached listing for `key`, if it was read under the current generation.
    pub fn listing(&self, key: &ListingKey) -> Option<Paged<PublicProject>> {
        self.current(&self.listings, key)
    }

    /// Remembers `listing`, read from the database after noting `generation`.
    pub fn insert_listing(&self, key: ListingKey, generation: u64, listing: &Paged<PublicProject>) {
        self.remember(&self.listings, key, generation, listing);
    }

    /// Called after a write that may change projects, their owners or their versions has ended.
    pub fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
        self.rows.invalidate_all();
        self.listings.invalidate_all();
    }

    fn current<K, V, Q>(&self, entries: &Entries<K, V>, key: &Q) -> Option<V>
    where
        K: std::borrow::Borrow<Q> + std::hash::Hash + Eq + Send + Sync + 'static,
        Q: std::hash::Hash + Eq + ?Sized,
        V: Clone + Send + Sync + 'static,
    {
        if self.disabled.load(Ordering::Acquire) {
            return None;
        }
        let (generation, value) = entries.get(key)?;
        (generation == self.generation()).then(|| (*value).clone())
    }

    fn remember<K, V>(&self, entries: &Entries<K, V>, key: K, generation: u64, value: &V)
    where
        K: std::hash::Hash + Eq + Send + Sync + 'static,
        V: Clone + Send + Sync + 'static,
    {
        if generation == self.generation() {
            entries.insert(key, (generation, Arc::new(value.clone())));
        }
    }
}

/// Polls `PRAGMA data_version` on `connection` and invalidates `cache` whenever another
/// connection (this process's pool included) has committed since the last poll. Ends when the
/// cache is dropped; if the connection fails, the cache is turned off for good (every read goes
/// to the database), since foreign writes could no longer be seen.
pub async fn watch_foreign_writes(mut connection: SqliteConnection, cache: Weak<ProjectCache>) {
    let mut last: Option<i64> = None;
    loop {
        let Some(cache) = cache.upgrade() else { break };
        let version: Result<i64, _> = sqlx::query_scalar("PRAGMA data_version")
            .fetch_one(&mut connection)
            .await;
        let Ok(version) = version else {
            cache.disabled.store(true, Ordering::Release);
            cache.invalidate();
            break;
        };
        if last.is_some_and(|last| last != version) {
            cache.invalidate();
        }
        last = Some(version);
        drop(cache);
        tokio::time::sleep(FOREIGN_WRITE_POLL).await;
    }
    let _ = connection.close().await;
}
