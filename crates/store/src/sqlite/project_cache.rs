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

use std::borrow::Borrow;
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, RwLock, Weak};
use std::time::Duration;

use sqlx::{Connection, SqliteConnection};

use crate::model::{Paged, Project, PublicProject};

/// How often the database file is checked for commits made by other processes.
pub const FOREIGN_WRITE_POLL: Duration = Duration::from_millis(200);

impl std::fmt::Debug for ProjectCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProjectCache")
            .field("generation", &self.generation())
            .field("rows", &self.rows.len())
            .field("listings", &self.listings.len())
            .finish()
    }
}

/// Projects remembered at most (a 404 for an absent id is remembered too, so a flood of random
/// ids costs one query each and evicts older entries, never more memory).
const MAX_ENTRIES: usize = 20_000;

/// Listing and search pages remembered at most.
const MAX_LISTINGS: usize = 2_000;

/// A project row with its latest version number (`None`: no such project).
pub type ProjectRow = Option<(Project, Option<i64>)>;

/// A public listing (`query: None`) or search page.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ListingKey {
    pub query: Option<String>,
    pub limit: u32,
    pub offset: u32,
}

/// Entries of one kind, each tagged with the generation it was read under, at most `max` of them.
///
/// A plain map under a read-write lock rather than an LRU cache: every write clears it anyway
/// (through the generation), so recency tracking would buy little, and a read here — on every
/// program request — costs one hash look-up and no bookkeeping. When full it starts over, so a
/// flood of distinct ids costs at most one query per id, never memory.
struct Entries<K, V> {
    map: RwLock<HashMap<K, (u64, Arc<V>)>>,
    max: usize,
}

impl<K: Hash + Eq, V> Entries<K, V> {
    fn new(max: usize) -> Self {
        Self {
            map: RwLock::default(),
            max,
        }
    }

    /// The entry for `key` if it was read under `generation`.
    fn get<Q>(&self, key: &Q, generation: u64) -> Option<Arc<V>>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        // A poisoned lock only means a panic elsewhere while holding it; the map is still whole.
        let map = self
            .map
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let (tag, value) = map.get(key)?;
        (*tag == generation).then(|| value.clone())
    }

    fn insert(&self, key: K, generation: u64, value: V) {
        let mut map = self
            .map
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if map.len() >= self.max {
            map.clear();
        }
        map.insert(key, (generation, Arc::new(value)));
    }

    fn clear(&self) {
        self.map
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clear();
    }

    fn len(&self) -> usize {
        self.map
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .len()
    }
}

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
            rows: Entries::new(MAX_ENTRIES),
            listings: Entries::new(MAX_LISTINGS),
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
        self.rows.clear();
        self.listings.clear();
    }

    fn current<K, V, Q>(&self, entries: &Entries<K, V>, key: &Q) -> Option<V>
    where
        K: Borrow<Q> + Hash + Eq,
        Q: Hash + Eq + ?Sized,
        V: Clone,
    {
        if self.disabled.load(Ordering::Acquire) {
            return None;
        }
        entries
            .get(key, self.generation())
            .map(|value| (*value).clone())
    }

    fn remember<K: Hash + Eq, V: Clone>(
        &self,
        entries: &Entries<K, V>,
        key: K,
        generation: u64,
        value: &V,
    ) {
        if generation == self.generation() {
            entries.insert(key, generation, value.clone());
        }
    }
}

/// Polls `PRAGMA data_version` on `connection` and invalidates `cache` whenever another
/// connection (this process's pool included) has committed since the last poll. Ends when the
/// cache is dropped; if the connection fails, the cache is turned off for good (every read goes
/// to the database), since foreign writes could no longer be seen.
pub async fn watch_foreign_writes(mut connection: SqliteConnection, cache: Weak<ProjectCache>) {
    let mut last: Option<i64> = None;
    while let Some(cache) = cache.upgrade() {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_serve_only_their_generation_and_stay_bounded() {
        let entries: Entries<Arc<str>, u32> = Entries::new(2);
        entries.insert(Arc::from("a"), 1, 10);
        assert_eq!(entries.get("a", 1).as_deref(), Some(&10));
        // Read under an older generation: never served.
        assert_eq!(entries.get("a", 2), None);
        entries.insert(Arc::from("b"), 1, 20);
        // Full: the next insert starts over.
        entries.insert(Arc::from("c"), 1, 30);
        assert_eq!(entries.len(), 1);
        assert_eq!(entries.get("a", 1), None);
        assert_eq!(entries.get("c", 1).as_deref(), Some(&30));
    }

    #[test]
    fn a_read_that_raced_a_write_is_not_served() {
        let cache = ProjectCache::new();
        let before = cache.generation();
        cache.invalidate();
        cache.insert_row("p", before, &None);
        assert_eq!(cache.row("p"), None);
        cache.insert_row("p", cache.generation(), &None);
        assert_eq!(cache.row("p"), Some(None));
    }
}
