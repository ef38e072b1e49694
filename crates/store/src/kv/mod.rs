//! The KV cache: the data-layer specification's two namespaces, its key patterns and TTLs, behind one trait so the
//! embedded in-process store ([`MemoryKv`]) and the shared one ([`RedisKv`], for several
//! instances) are interchangeable.
//!
//! Keys are only ever built by the functions in [`keys`]; no caller formats them by hand.

mod memory;
mod redis;

use std::num::NonZeroU32;
use std::time::Duration;

use async_trait::async_trait;
use bytes::Bytes;

pub use memory::MemoryKv;
pub use redis::{RedisKv, RedisKvError};

/// The KV namespaces: `IDLS` (IDL JSON by project and version) and `CACHE` (built views).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Namespace {
    /// Raw IDL JSON: latest and per version.
    Idls,
    /// Generated response bodies.
    Cache,
}

impl Namespace {
    pub fn as_str(self) -> &'static str {
        match self {
            Namespace::Idls => "IDLS",
            Namespace::Cache => "CACHE",
        }
    }
}

/// TTL of entries in `IDLS` (24 h, as specified).
pub const IDLS_TTL: Duration = Duration::from_secs(86_400);
/// TTL of entries in `CACHE` (1 h, as specified).
pub const CACHE_TTL: Duration = Duration::from_secs(3_600);

/// A key together with its namespace and TTL, so a put can never use the wrong TTL.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Key {
    pub namespace: Namespace,
    pub key: String,
}

impl Key {
    /// The data-layer specification's TTL for this key's namespace.
    pub fn ttl(&self) -> Duration {
        match self.namespace {
            Namespace::Idls => IDLS_TTL,
            Namespace::Cache => CACHE_TTL,
        }
    }
}

/// Builders for every specified key pattern.
pub mod keys {
    use super::{Key, Namespace};

    /// `IDLS` `project:{projectId}:idl` — the latest IDL JSON.
    pub fn project_idl(project_id: &str) -> Key {
        Key {
            namespace: Namespace::Idls,
            key: format!("project:{project_id}:idl"),
        }
    }

    /// `IDLS` `project:{projectId}:version:{version}` — one version's IDL JSON.
    pub fn project_version(project_id: &str, version: i64) -> Key {
        Key {
            namespace: Namespace::Idls,
            key: format!("project:{project_id}:version:{version}"),
        }
    }

    /// `CACHE` `api:{projectId}:instructions`.
    pub fn api_instructions(project_id: &str) -> Key {
        Key {
            namespace: Namespace::Cache,
            key: format!("api:{project_id}:instructions"),
        }
    }

    /// `CACHE` `api:{projectId}:accounts`.
    pub fn api_accounts(project_id: &str) -> Key {
        Key {
            namespace: Namespace::Cache,
            key: format!("api:{project_id}:accounts"),
        }
    }

    /// `CACHE` `api:{projectId}:docs`.
    pub fn api_docs(project_id: &str) -> Key {
        Key {
            namespace: Namespace::Cache,
            key: format!("api:{project_id}:docs"),
        }
    }

    /// `CACHE` `api:{projectId}:docs:md` — the generated docs as Markdown (the data-layer specification's
    /// `api:{projectId}:docs` holds the default JSON response).
    pub fn api_docs_markdown(project_id: &str) -> Key {
        Key {
            namespace: Namespace::Cache,
            key: format!("api:{project_id}:docs:md"),
        }
    }

    /// `CACHE` `api:{projectId}:{view}` — another generated view of the latest version (`types`,
    /// `openapi`, `llms`, `instruction:{name}`, …), under the same prefix as the data-layer specification's keys so
    /// every project-wide invalidation reaches it.
    pub fn api_view(project_id: &str, view: &str) -> Key {
        Key {
            namespace: Namespace::Cache,
            key: format!("api:{project_id}:{view}"),
        }
    }

    /// `CACHE` `api:{projectId}:pinned:v{version}:{view}` — a view of a version older than the
    /// latest (a request pinned with `?version=`), under the project's prefix so every
    /// project-wide invalidation reaches it.
    pub fn api_version_view(project_id: &str, version: i64, view: &str) -> Key {
        Key {
            namespace: Namespace::Cache,
            key: format!("api:{project_id}:pinned:v{version}:{view}"),
        }
    }

    /// Every [`api_version_view`] key of a project starts with this.
    pub fn pinned_views_prefix(project_id: &str) -> (Namespace, String) {
        (Namespace::Cache, format!("api:{project_id}:pinned:"))
    }

    /// Every key of a project in `IDLS` starts with this.
    pub fn project_idls_prefix(project_id: &str) -> (Namespace, String) {
        (Namespace::Idls, format!("project:{project_id}:"))
    }

    /// Every key of a project in `CACHE` starts with this.
    pub fn project_cache_prefix(project_id: &str) -> (Namespace, String) {
        (Namespace::Cache, format!("api:{project_id}:"))
    }
}

/// A TTL-honouring key-value cache. Implementations must be safe to share across tasks.
#[async_trait]
pub trait Kv: Send + Sync + 'static {
    async fn get(&self, key: &Key) -> Option<Bytes>;
    /// Stores `value` for `ttl` (callers normally pass [`Key::ttl`]).
    async fn put(&self, key: &Key, value: Bytes, ttl: Duration);
    async fn delete(&self, key: &Key);
    /// Deletes every key of `namespace` starting with `prefix`.
    async fn delete_prefix(&self, namespace: Namespace, prefix: &str);
    /// Whether the cache answers (for readiness probes). An embedded cache always does.
    async fn ping(&self) -> bool {
        true
    }
    /// Rate-limit buckets shared with every other instance using this KV, when it has them (an
    /// embedded cache does not: each process keeps its own).
    fn shared_buckets(&self) -> Option<&dyn SharedBuckets> {
        None
    }
    /// Whether other processes share this KV, so a read crosses the network (callers may keep a
    /// near copy of large values and check it with [`Kv::get_prefix`]).
    fn is_shared(&self) -> bool {
        false
    }
    /// The first `len` bytes of the value at `key` (all of it when shorter); `None` when absent.
    async fn get_prefix(&self, key: &Key, len: usize) -> Option<Bytes> {
        self.get(key)
            .await
            .map(|value| value.slice(..len.min(value.len())))
    }
}

/// One decision of a shared rate-limit bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BucketDecision {
    pub allowed: bool,
    /// Requests the bucket would still let through at once after this decision.
    pub remaining: u32,
    /// Until the bucket is full again (allowed), or until the next request may pass (refused).
    pub reset: Duration,
}

/// The shared bucket store could not decide (unreachable, or no answer in time).
#[derive(Debug, Clone, thiserror::Error)]
#[error("shared rate-limit buckets are unavailable: {0}")]
pub struct BucketsUnavailable(pub String);

/// Rate-limit buckets that every instance sees alike: GCRA with a burst of `limit`, then one
/// request per `period / limit`. Each decision is a single atomic step in the shared store, so
/// `N` simultaneous requests against a fresh bucket get exactly `limit` successes whichever
/// instances they reach.
#[async_trait]
pub trait SharedBuckets: Send + Sync {
    /// Counts one request against `bucket` (a name the caller makes unique per class and client).
    async fn take(
        &self,
        bucket: &str,
        limit: NonZeroU32,
        period: Duration,
    ) -> Result<BucketDecision, BucketsUnavailable>;
}

/// Deletes a project's cached docs in every form (after a docs or known-address change), for
/// every version: docs show the project's current known addresses and custom docs whatever the
/// version they describe.
pub async fn forget_docs(kv: &dyn Kv, project_id: &str) {
    kv.delete(&keys::api_docs(project_id)).await;
    kv.delete(&keys::api_docs_markdown(project_id)).await;
    kv.delete(&keys::api_view(project_id, LLMS_VIEW)).await;
    let (ns, prefix) = keys::pinned_views_prefix(project_id);
    kv.delete_prefix(ns, &prefix).await;
}

/// The [`keys::api_view`] name of `llms.txt`, which shows the known addresses and custom docs.
pub const LLMS_VIEW: &str = "llms";

/// Deletes everything cached for a project in both namespaces (after a delete or an update).
pub async fn forget_project(kv: &dyn Kv, project_id: &str) {
    let (ns, prefix) = keys::project_idls_prefix(project_id);
    kv.delete_prefix(ns, &prefix).await;
    let (ns, prefix) = keys::project_cache_prefix(project_id);
    kv.delete_prefix(ns, &prefix).await;
}
