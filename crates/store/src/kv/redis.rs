//! The shared KV: Redis, so several instances behind one load balancer see one cache and an
//! invalidation made by one reaches all of them.
//!
//! Entries are stored as `{NAMESPACE}:{key}` (`CACHE:api:{projectId}:docs`,
//! `IDLS:project:{projectId}:idl`), the value's bytes as they are, with `SET … PX ttl`, so the
//! namespaces and TTLs are exactly those of the embedded [`super::MemoryKv`].
//!
//! Redis is a cache, never the source of truth, so its failures never fail a request:
//!
//! - every call is bounded by a short timeout ([`OP_TIMEOUT`]; [`PREFIX_TIMEOUT`] for a delete by
//!   prefix, which may page through many keys), so a hung Redis cannot stall a request;
//! - a `get` that fails is a miss (the caller reads the database), a `put` that fails is dropped,
//!   `ping` answers `false`; each failure is logged, at most once per [`WARN_INTERVAL`] per process
//!   so an outage does not turn into one warning per request;
//! - a `delete` or `delete_prefix` that fails is remembered here (up to [`MAX_PENDING`]; past that
//!   the whole cache is suspect) and, while any is pending, every `get` is a miss. Before the next
//!   operation that reaches Redis, the pending invalidations are replayed (after an overflow, every
//!   key of both namespaces is deleted). Without this, an invalidation lost while Redis was down
//!   would let every other instance serve the stale view for up to the TTL once Redis is back.
//!
//! [`RedisKv::connect`] only parses the URL: it does not fail because Redis is down when the
//! server starts (a cache outage must not stop the service from starting, and `GET /ready`
//! reports it). The connection is opened on first use and reopened after any error.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use bytes::Bytes;
use redis::aio::MultiplexedConnection;
use redis::{AsyncConnectionConfig, Client, RedisError};

mod buckets;

use super::{Key, Kv, Namespace, SharedBuckets};

/// Bound on connecting plus one command. A cache answer slower than this is worth less than the
/// database read it would save, and it keeps a hung Redis from holding a request.
pub const OP_TIMEOUT: Duration = Duration::from_millis(500);
/// Bound on a whole delete by prefix (and on replaying pending invalidations), which pages
/// through the keyspace with `SCAN`; each page still has [`OP_TIMEOUT`].
pub const PREFIX_TIMEOUT: Duration = Duration::from_secs(2);
/// Invalidations remembered while Redis is unreachable; past this, everything is suspect (and
/// replaying means deleting both namespaces), which keeps memory bounded during a long outage.
pub const MAX_PENDING: usize = 1024;
/// At most one warning about Redis failures per this interval, per process.
pub const WARN_INTERVAL: Duration = Duration::from_secs(10);
/// Keys asked for per `SCAN` page, and so the largest `UNLINK` batch.
const SCAN_COUNT: usize = 500;

/// Why a [`RedisKv`] could not be built.
#[derive(Debug, thiserror::Error)]
pub enum RedisKvError {
    /// The URL is not a Redis URL the client understands.
    #[error("invalid Redis URL: {0}")]
    Url(#[source] RedisError),
}

/// Why one call to Redis failed (only logged: callers never see it).
#[derive(Debug, thiserror::Error)]
enum CallError {
    #[error("{0}")]
    Redis(#[from] RedisError),
    #[error("no answer within {0:?}")]
    Timeout(Duration),
}

/// An invalidation that could not be applied.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Invalidation {
    Key(Namespace, String),
    Prefix(Namespace, String),
}

/// Invalidations waiting for Redis to come back.
#[derive(Debug, Default)]
struct Pending {
    list: Vec<Invalidation>,
    /// More than [`MAX_PENDING`] were lost: every key is suspect.
    overflowed: bool,
    /// Bumped on every recorded failure, so a replay knows whether more arrived meanwhile.
    epoch: u64,
}

impl Pending {
    fn is_empty(&self) -> bool {
        self.list.is_empty() && !self.overflowed
    }
}

/// [`Kv`] on Redis; see the module documentation for how failures are absorbed.
pub struct RedisKv {
    client: Client,
    connection: tokio::sync::Mutex<Option<MultiplexedConnection>>,
    pending: Mutex<Pending>,
    /// Fast path for `get`: whether `pending` may hold anything.
    has_pending: AtomicBool,
    /// Serialises replays, so one entry is never removed twice.
    replaying: tokio::sync::Mutex<()>,
    /// Whether the last call failed (to log once when Redis answers again).
    degraded: AtomicBool,
    /// Until when rate-limit decisions do not try Redis after one failed (see `buckets`).
    buckets_paused_until: Mutex<Option<Instant>>,
}

impl std::fmt::Debug for RedisKv {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The connection info may hold a password: only the address is shown.
        f.debug_struct("RedisKv")
            .field(
                "addr",
                &self.client.get_connection_info().addr().to_string(),
            )
            .finish_non_exhaustive()
    }
}

impl RedisKv {
    /// Builds the KV for `url` (`redis://[user:password@]host[:port][/db]`). Fails only on a URL
    /// the client cannot parse; an unreachable Redis is not an error here (see the module doc).
    pub fn connect(url: &str) -> Result<Self, RedisKvError> {
        let client = Client::open(url).map_err(RedisKvError::Url)?;
        Ok(Self {
            client,
            connection: tokio::sync::Mutex::new(None),
            pending: Mutex::new(Pending::default()),
            has_pending: AtomicBool::new(false),
            replaying: tokio::sync::Mutex::new(()),
            degraded: AtomicBool::new(false),
            buckets_paused_until: Mutex::new(None),
        })
    }

    /// How many invalidations wait for Redis (`usize::MAX` after an overflow); for tests and
    /// diagnostics.
    pub fn pending_invalidations(&self) -> usize {
        let pending = self.lock_pending();
        if pending.overflowed {
            usize::MAX
        } else {
            pending.list.len()
        }
    }

    fn lock_pending(&self) -> std::sync::MutexGuard<'_, Pending> {
        // The lock is never held across a panic-prone call; a poisoned one still holds valid data.
        self.pending
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The shared connection, opening one when there is none.
    async fn connection(&self) -> Result<MultiplexedConnection, CallError> {
        let mut slot = bounded(OP_TIMEOUT, async {
            Ok::<_, CallError>(self.connection.lock().await)
        })
        .await?;
        if let Some(connection) = slot.as_ref() {
            return Ok(connection.clone());
        }
        let config = AsyncConnectionConfig::new()
            .set_connection_timeout(Some(OP_TIMEOUT))
            .set_response_timeout(Some(OP_TIMEOUT));
        let connection = bounded(OP_TIMEOUT, async {
            Ok(self
                .client
                .get_multiplexed_async_connection_with_config(&config)
                .await?)
        })
        .await?;
        *slot = Some(connection.clone());
        Ok(connection)
    }

    /// Forgets the connection after a failure, so the next call opens a fresh one (a timed-out
    /// connection may be stuck behind a command that will never be answered).
    async fn drop_connection(&self) {
        if let Ok(mut slot) = tokio::time::timeout(OP_TIMEOUT, self.connection.lock()).await {
            *slot = None;
        }
    }

    /// A connection on which every pending invalidation has been applied.
    async fn ready_connection(&self) -> Result<MultiplexedConnection, CallError> {
        let mut connection = self.connection().await?;
        if self.has_pending.load(Ordering::Acquire) {
            bounded(PREFIX_TIMEOUT, self.replay(&mut connection)).await?;
        }
        Ok(connection)
    }

    async fn replay(&self, connection: &mut MultiplexedConnection) -> Result<(), CallError> {
        let _only_one = self.replaying.lock().await;
        let (list, overflowed, epoch) = {
            let pending = self.lock_pending();
            if pending.is_empty() {
                return Ok(());
            }
            (pending.list.clone(), pending.overflowed, pending.epoch)
        };
        if overflowed {
            for namespace in [Namespace::Idls, Namespace::Cache] {
                unlink_matching(connection, &pattern(namespace, "")).await?;
            }
        } else {
            for invalidation in &list {
                match invalidation {
                    Invalidation::Key(namespace, key) => {
                        unlink_key(connection, *namespace, key).await?;
                    }
                    Invalidation::Prefix(namespace, prefix) => {
                        unlink_matching(connection, &pattern(*namespace, prefix)).await?;
                    }
                }
            }
        }
        let mut pending = self.lock_pending();
        if pending.epoch == epoch {
            *pending = Pending {
                epoch,
                ..Pending::default()
            };
        } else if !overflowed && !pending.overflowed {
            // Failures recorded during the replay were appended after what was replayed.
            pending.list.drain(..list.len());
        }
        // Otherwise an overflow happened during or before the replay: the next one clears all.
        self.has_pending
            .store(!pending.is_empty(), Ordering::Release);
        drop(pending);
        tracing::info!(
            replayed = list.len(),
            everything = overflowed,
            "applied the cache invalidations made while Redis was unreachable"
        );
        Ok(())
    }

    fn remember(&self, invalidation: Invalidation) {
        let mut pending = self.lock_pending();
        pending.epoch = pending.epoch.wrapping_add(1);
        if !pending.overflowed && !pending.list.contains(&invalidation) {
            if pending.list.len() >= MAX_PENDING {
                pending.overflowed = true;
                pending.list = Vec::new();
            } else {
                pending.list.push(invalidation);
            }
        }
        self.has_pending.store(true, Ordering::Release);
    }

    async fn failed(&self, operation: &'static str, error: &CallError) {
        self.degraded.store(true, Ordering::Relaxed);
        self.drop_connection().await;
        warn_rate_limited(operation, error);
    }

    /// Runs a command that reads one value; any failure is a miss.
    async fn read(&self, operation: &'static str, command: redis::Cmd) -> Option<Bytes> {
        let result = async {
            let mut connection = self.ready_connection().await?;
            bounded(OP_TIMEOUT, async {
                Ok(command
                    .query_async::<Option<Vec<u8>>>(&mut connection)
                    .await?)
            })
            .await
        }
        .await;
        match result {
            Ok(value) => {
                self.succeeded();
                value.map(Bytes::from)
            }
            Err(error) => {
                self.failed(operation, &error).await;
                None
            }
        }
    }

    fn succeeded(&self) {
        if self.degraded.swap(false, Ordering::Relaxed) {
            tracing::info!("Redis KV answers again");
        }
    }
}

#[async_trait]
impl Kv for RedisKv {
    async fn get(&self, key: &Key) -> Option<Bytes> {
        let mut command = redis::cmd("GET");
        command.arg(redis_key(key.namespace, &key.key));
        self.read("get", command).await
    }

    async fn get_prefix(&self, key: &Key, len: usize) -> Option<Bytes> {
        if len == 0 {
            return self.get(key).await.map(|_| Bytes::new());
        }
        let mut command = redis::cmd("GETRANGE");
        command
            .arg(redis_key(key.namespace, &key.key))
            .arg(0)
            .arg(len - 1);
        // A missing key reads as an empty range; stored values are never empty.
        self.read("get_prefix", command)
            .await
            .filter(|prefix| !prefix.is_empty())
    }

    fn is_shared(&self) -> bool {
        true
    }

    async fn put(&self, key: &Key, value: Bytes, ttl: Duration) {
        // `PX 0` is refused by Redis; a zero TTL means "do not keep".
        let millis = u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1);
        let result = async {
            let mut connection = self.ready_connection().await?;
            bounded(OP_TIMEOUT, async {
                Ok(redis::cmd("SET")
                    .arg(redis_key(key.namespace, &key.key))
                    .arg(value.as_ref())
                    .arg("PX")
                    .arg(millis)
                    .exec_async(&mut connection)
                    .await?)
            })
            .await
        }
        .await;
        match result {
            Ok(()) => self.succeeded(),
            Err(error) => self.failed("put", &error).await,
        }
    }

    async fn delete(&self, key: &Key) {
        let result = async {
            let mut connection = self.ready_connection().await?;
            unlink_key(&mut connection, key.namespace, &key.key).await
        }
        .await;
        match result {
            Ok(()) => self.succeeded(),
            Err(error) => {
                self.remember(Invalidation::Key(key.namespace, key.key.clone()));
                self.failed("delete", &error).await;
            }
        }
    }

    async fn delete_prefix(&self, namespace: Namespace, prefix: &str) {
        let result = async {
            let mut connection = self.ready_connection().await?;
            bounded(
                PREFIX_TIMEOUT,
                unlink_matching(&mut connection, &pattern(namespace, prefix)),
            )
            .await
        }
        .await;
        match result {
            Ok(()) => self.succeeded(),
            Err(error) => {
                self.remember(Invalidation::Prefix(namespace, prefix.to_owned()));
                self.failed("delete_prefix", &error).await;
            }
        }
    }

    fn shared_buckets(&self) -> Option<&dyn SharedBuckets> {
        Some(self)
    }

    async fn ping(&self) -> bool {
        // No replay here: the readiness probe has its own, short, budget.
        let result = async {
            let mut connection = self.connection().await?;
            bounded(OP_TIMEOUT, async {
                Ok(redis::cmd("PING")
                    .query_async::<String>(&mut connection)
                    .await?)
            })
            .await
        }
        .await;
        match result {
            Ok(_) => true,
            Err(error) => {
                self.failed("ping", &error).await;
                false
            }
        }
    }
}

async fn bounded<T>(
    limit: Duration,
    call: impl std::future::Future<Output = Result<T, CallError>>,
) -> Result<T, CallError> {
    tokio::time::timeout(limit, call)
        .await
        .map_err(|_| CallError::Timeout(limit))?
}

/// The Redis key of `key` in `namespace`.
fn redis_key(namespace: Namespace, key: &str) -> String {
    format!("{}:{key}", namespace.as_str())
}

/// The `SCAN MATCH` pattern of every key of `namespace` starting with `prefix`: the prefix's own
/// glob characters are escaped so a project id or view name can never widen the match.
fn pattern(namespace: Namespace, prefix: &str) -> String {
    let mut pattern = String::with_capacity(prefix.len() + 8);
    for c in redis_key(namespace, prefix).chars() {
        if matches!(c, '*' | '?' | '[' | ']' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('*');
    pattern
}

async fn unlink_key(
    connection: &mut MultiplexedConnection,
    namespace: Namespace,
    key: &str,
) -> Result<(), CallError> {
    bounded(OP_TIMEOUT, async {
        Ok(redis::cmd("UNLINK")
            .arg(redis_key(namespace, key))
            .exec_async(connection)
            .await?)
    })
    .await
}

/// `UNLINK`s every key matching `pattern`, one `SCAN` page at a time (`UNLINK` frees values off
/// Redis's main thread, and `SCAN` never blocks it the way `KEYS` would).
async fn unlink_matching(
    connection: &mut MultiplexedConnection,
    pattern: &str,
) -> Result<(), CallError> {
    let mut cursor: u64 = 0;
    loop {
        let (next, keys): (u64, Vec<Vec<u8>>) = bounded(OP_TIMEOUT, async {
            Ok(redis::cmd("SCAN")
                .arg(cursor)
                .arg("MATCH")
                .arg(pattern)
                .arg("COUNT")
                .arg(SCAN_COUNT)
                .query_async(connection)
                .await?)
        })
        .await?;
        if !keys.is_empty() {
            bounded(OP_TIMEOUT, async {
                Ok(redis::cmd("UNLINK")
                    .arg(&keys)
                    .exec_async(connection)
                    .await?)
            })
            .await?;
        }
        if next == 0 {
            return Ok(());
        }
        cursor = next;
    }
}

/// Logs a Redis failure unless one was logged less than [`WARN_INTERVAL`] ago (in this process),
/// counting the ones left out.
fn warn_rate_limited(operation: &'static str, error: &CallError) {
    static START: OnceLock<Instant> = OnceLock::new();
    // Milliseconds since START of the last warning, plus one (0: never).
    static LAST: AtomicU64 = AtomicU64::new(0);
    static SUPPRESSED: AtomicU64 = AtomicU64::new(0);
    let now = u64::try_from(START.get_or_init(Instant::now).elapsed().as_millis())
        .unwrap_or(u64::MAX)
        .saturating_add(1);
    let last = LAST.load(Ordering::Relaxed);
    let interval = u64::try_from(WARN_INTERVAL.as_millis()).unwrap_or(u64::MAX);
    let due = last == 0 || now.saturating_sub(last) >= interval;
    if due
        && LAST
            .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
            .is_ok()
    {
        let suppressed = SUPPRESSED.swap(0, Ordering::Relaxed);
        tracing::warn!(
            operation,
            %error,
            suppressed,
            "Redis KV unavailable: serving from the database (further warnings held for {WARN_INTERVAL:?})"
        );
    } else {
        SUPPRESSED.fetch_add(1, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_escape_glob_characters() {
        assert_eq!(pattern(Namespace::Cache, "api:p1:"), "CACHE:api:p1:*");
        assert_eq!(
            pattern(Namespace::Idls, r"a*b?c[d]e\f"),
            r"IDLS:a\*b\?c\[d\]e\\f*"
        );
    }
}
