//! The embedded KV: an in-process cache bounded by bytes, with a TTL per entry.

use std::sync::Arc;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use bytes::Bytes;
use moka::sync::Cache;
use moka::Expiry;

use super::{Key, Kv, Namespace};

#[derive(Clone)]
struct Entry {
    value: Bytes,
    ttl: Duration,
}

struct PerEntryTtl;

impl Expiry<(Namespace, Arc<str>), Entry> for PerEntryTtl {
    fn expire_after_create(
        &self,
        _key: &(Namespace, Arc<str>),
        entry: &Entry,
        _created_at: Instant,
    ) -> Option<Duration> {
        Some(entry.ttl)
    }

    fn expire_after_update(
        &self,
        _key: &(Namespace, Arc<str>),
        entry: &Entry,
        _updated_at: Instant,
        _duration_until_expiry: Option<Duration>,
    ) -> Option<Duration> {
        Some(entry.ttl)
    }
}

/// In-process [`Kv`]: never holds more than `max_bytes` of keys and values (least recently used
/// entries are evicted first) and never returns an entry past its TTL.
#[derive(Clone)]
pub struct MemoryKv {
    cache: Cache<(Namespace, Arc<str>), Entry>,
    max_bytes: u64,
}

impl MemoryKv {
    /// Default bound: 64 MiB.
    pub const DEFAULT_MAX_BYTES: u64 = 64 * 1024 * 1024;

    pub fn new(max_bytes: u64) -> Self {
        let cache = Cache::builder()
            .max_capacity(max_bytes)
            .weigher(|key: &(Namespace, Arc<str>), entry: &Entry| {
                u32::try_from(key.1.len() + entry.value.len()).unwrap_or(u32::MAX)
            })
            .expire_after(PerEntryTtl)
            .build();
        Self { cache, max_bytes }
    }

    /// Bytes currently held (after pending evictions are applied).
    pub fn weighted_size(&self) -> u64 {
        self.cache.run_pending_tasks();
        self.cache.weighted_size()
    }

    /// The configured bound.
    pub fn max_bytes(&self) -> u64 {
        self.max_bytes
    }
}

impl Default for MemoryKv {
    fn default() -> Self {
        Self::new(Self::DEFAULT_MAX_BYTES)
    }
}

#[async_trait]
impl Kv for MemoryKv {
    async fn get(&self, key: &Key) -> Option<Bytes> {
        self.cache
            .get(&(key.namespace, Arc::from(key.key.as_str())))
            .map(|e| e.value)
    }

    async fn put(&self, key: &Key, value: Bytes, ttl: Duration) {
        // A single value larger than the whole cache would only evict everything else.
        if (key.key.len() + value.len()) as u64 > self.max_bytes {
            self.cache
                .invalidate(&(key.namespace, Arc::from(key.key.as_str())));
            return;
        }
        self.cache.insert(
            (key.namespace, Arc::from(key.key.as_str())),
            Entry { value, ttl },
        );
    }

    async fn delete(&self, key: &Key) {
        self.cache
            .invalidate(&(key.namespace, Arc::from(key.key.as_str())));
    }

    async fn delete_prefix(&self, namespace: Namespace, prefix: &str) {
        let doomed: Vec<_> = self
            .cache
            .iter()
            .filter(|(k, _)| k.0 == namespace && k.1.starts_with(prefix))
            .map(|(k, _)| (*k).clone())
            .collect();
        for key in doomed {
            self.cache.invalidate(&key);
        }
    }
}
