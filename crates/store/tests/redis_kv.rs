#![allow(clippy::unwrap_used, clippy::expect_used)]
//! `RedisKv` against a real `redis-server`: the key layout and TTLs match the embedded KV, prefix
//! deletes never act as globs, and an outage (stopped or paused Redis) only ever means misses in
//! bounded time, with the invalidations made meanwhile applied once Redis is back.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use bytes::Bytes;
use orquestra_store::kv::{forget_project, keys, Key, CACHE_TTL};
use orquestra_store::{Kv, Namespace, RedisKv};

const REDIS_SERVER: &str = "redis-server";

/// A `redis-server` of the test's own on a free port, killed on drop.
struct Redis {
    port: u16,
    child: Child,
    _dir: tempfile::TempDir,
}

impl Redis {
    /// `None` when the tests are skipped on purpose; a panic naming the fix when the server is
    /// missing.
    async fn start() -> Option<Self> {
        if std::env::var("ORQUESTRA_SKIP_REDIS_TESTS").as_deref() == Ok("1") {
            eprintln!("ORQUESTRA_SKIP_REDIS_TESTS=1: skipping a Redis test");
            return None;
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        Some(Self::start_on(port).await)
    }

    async fn start_on(port: u16) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let child = Command::new(REDIS_SERVER)
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no"])
            .arg("--dir")
            .arg(dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "cannot run {REDIS_SERVER} ({e}); install it with \
                     `apt-get update && apt-get install -y --no-install-recommends redis-server` \
                     or set ORQUESTRA_SKIP_REDIS_TESTS=1"
                )
            });
        let redis = Self {
            port,
            child,
            _dir: dir,
        };
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Ok(mut c) = redis.raw().await {
                if redis::cmd("PING")
                    .query_async::<String>(&mut c)
                    .await
                    .is_ok()
                {
                    return redis;
                }
            }
            assert!(
                Instant::now() < deadline,
                "redis-server did not answer PING"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    /// A plain client, to look at what `RedisKv` stored.
    async fn raw(&self) -> redis::RedisResult<redis::aio::MultiplexedConnection> {
        redis::Client::open(self.url())?
            .get_multiplexed_async_connection()
            .await
    }

    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Redis {
    fn drop(&mut self) {
        self.stop();
    }
}

async fn exists(c: &mut redis::aio::MultiplexedConnection, key: &str) -> bool {
    redis::cmd("EXISTS")
        .arg(key)
        .query_async::<i64>(c)
        .await
        .unwrap()
        == 1
}

fn x() -> Bytes {
    Bytes::from_static(b"x")
}

/// Runs `f` and checks it finished well within a request's patience.
async fn quickly<T>(what: &str, f: impl std::future::Future<Output = T>) -> T {
    let started = Instant::now();
    let out = f.await;
    assert!(
        started.elapsed() < Duration::from_millis(1500),
        "{what} took {:?}",
        started.elapsed()
    );
    out
}

#[tokio::test]
async fn round_trip_and_key_layout() {
    let Some(redis) = Redis::start().await else {
        return;
    };
    let kv = RedisKv::connect(&redis.url()).unwrap();
    assert!(kv.ping().await);
    let docs = keys::api_instructions("p1");
    assert_eq!(kv.get(&docs).await, None);
    kv.put(&docs, Bytes::from_static(b"\x00bytes\xff"), docs.ttl())
        .await;
    assert_eq!(kv.get(&docs).await.as_deref(), Some(&b"\x00bytes\xff"[..]));

    let mut raw = redis.raw().await.unwrap();
    let stored: Vec<u8> = redis::cmd("GET")
        .arg("CACHE:api:p1:instructions")
        .query_async(&mut raw)
        .await
        .unwrap();
    assert_eq!(stored, b"\x00bytes\xff");
    let pttl: i64 = redis::cmd("PTTL")
        .arg("CACHE:api:p1:instructions")
        .query_async(&mut raw)
        .await
        .unwrap();
    assert!(
        pttl > 0 && pttl <= CACHE_TTL.as_millis() as i64,
        "PTTL {pttl}"
    );
    let idl = keys::project_idl("p1");
    kv.put(&idl, x(), idl.ttl()).await;
    let pttl: i64 = redis::cmd("PTTL")
        .arg("IDLS:project:p1:idl")
        .query_async(&mut raw)
        .await
        .unwrap();
    assert!(
        pttl > CACHE_TTL.as_millis() as i64,
        "IDLS keeps 24 h: {pttl}"
    );

    // Short TTLs are honoured.
    let short = keys::api_docs("p1");
    kv.put(&short, x(), Duration::from_millis(100)).await;
    assert!(kv.get(&short).await.is_some());
    tokio::time::sleep(Duration::from_millis(250)).await;
    assert_eq!(kv.get(&short).await, None);

    kv.delete(&docs).await;
    assert_eq!(kv.get(&docs).await, None);
    assert!(!exists(&mut raw, "CACHE:api:p1:instructions").await);
    assert_eq!(kv.pending_invalidations(), 0);
}

#[tokio::test]
async fn namespaces_do_not_collide_and_prefixes_are_not_globs() {
    let Some(redis) = Redis::start().await else {
        return;
    };
    let kv = RedisKv::connect(&redis.url()).unwrap();
    let same = |namespace| Key {
        namespace,
        key: "same:key".into(),
    };
    kv.put(&same(Namespace::Idls), Bytes::from_static(b"idls"), IDLS)
        .await;
    kv.put(&same(Namespace::Cache), Bytes::from_static(b"cache"), IDLS)
        .await;
    assert_eq!(
        kv.get(&same(Namespace::Idls)).await.as_deref(),
        Some(&b"idls"[..])
    );
    assert_eq!(
        kv.get(&same(Namespace::Cache)).await.as_deref(),
        Some(&b"cache"[..])
    );
    kv.delete_prefix(Namespace::Cache, "same:").await;
    assert_eq!(kv.get(&same(Namespace::Cache)).await, None);
    assert!(kv.get(&same(Namespace::Idls)).await.is_some());

    // The same scenario as the embedded KV's prefix test.
    for k in [
        keys::project_idl("p1"),
        keys::project_version("p1", 1),
        keys::api_docs("p1"),
        keys::project_idl("p10"),
        keys::api_docs("p2"),
    ] {
        kv.put(&k, x(), k.ttl()).await;
    }
    forget_project(&kv, "p1").await;
    assert_eq!(kv.get(&keys::project_idl("p1")).await, None);
    assert_eq!(kv.get(&keys::project_version("p1", 1)).await, None);
    assert_eq!(kv.get(&keys::api_docs("p1")).await, None);
    assert!(kv.get(&keys::project_idl("p10")).await.is_some());
    assert!(kv.get(&keys::api_docs("p2")).await.is_some());
    kv.delete_prefix(Namespace::Cache, "project:").await;
    assert!(kv.get(&keys::project_idl("p10")).await.is_some());

    // Glob characters in a prefix are literal.
    let cache = |key: &str| Key {
        namespace: Namespace::Cache,
        key: key.into(),
    };
    for k in [
        "a*:1", "ab:1", "a[b]:1", "ab]:1", "b:1", r"a\:1", "a?:1", "aX:1",
    ] {
        kv.put(&cache(k), x(), CACHE_TTL).await;
    }
    kv.delete_prefix(Namespace::Cache, "a*").await;
    assert_eq!(kv.get(&cache("a*:1")).await, None);
    assert!(kv.get(&cache("ab:1")).await.is_some(), "`*` is not a glob");
    kv.delete_prefix(Namespace::Cache, "a[b]").await;
    assert_eq!(kv.get(&cache("a[b]:1")).await, None);
    assert!(
        kv.get(&cache("ab:1")).await.is_some(),
        "`[b]` is not a class"
    );
    assert!(kv.get(&cache("ab]:1")).await.is_some());
    kv.delete_prefix(Namespace::Cache, "a?").await;
    assert_eq!(kv.get(&cache("a?:1")).await, None);
    assert!(kv.get(&cache("aX:1")).await.is_some(), "`?` is not a glob");
    kv.delete_prefix(Namespace::Cache, r"a\").await;
    assert_eq!(kv.get(&cache(r"a\:1")).await, None);
    assert!(kv.get(&cache("b:1")).await.is_some());

    // More keys than one SCAN page.
    for i in 0..1200 {
        kv.put(&keys::project_version("big", i), x(), IDLS).await;
    }
    kv.delete_prefix(Namespace::Idls, "project:big:").await;
    let mut raw = redis.raw().await.unwrap();
    let left: Vec<String> = redis::cmd("KEYS")
        .arg("IDLS:project:big:*")
        .query_async(&mut raw)
        .await
        .unwrap();
    assert!(left.is_empty(), "{} left", left.len());
    assert!(kv.get(&keys::project_idl("p10")).await.is_some());
}

const IDLS: Duration = Duration::from_secs(86_400);

#[tokio::test]
async fn an_outage_means_misses_and_lost_invalidations_are_replayed() {
    let Some(mut redis) = Redis::start().await else {
        return;
    };
    let kv = RedisKv::connect(&redis.url()).unwrap();
    let docs = keys::api_docs("p1");
    let other = keys::api_docs("p2");
    kv.put(&docs, Bytes::from_static(b"old"), docs.ttl()).await;
    kv.put(&other, Bytes::from_static(b"p2"), other.ttl()).await;
    assert_eq!(kv.get(&docs).await.as_deref(), Some(&b"old"[..]));

    let port = redis.port;
    redis.stop();
    assert_eq!(quickly("get", kv.get(&docs)).await, None);
    quickly("put", kv.put(&docs, x(), docs.ttl())).await;
    assert!(!quickly("ping", kv.ping()).await);
    // The update that made `old` stale: its invalidation cannot reach Redis.
    quickly("delete", kv.delete(&docs)).await;
    quickly(
        "delete_prefix",
        kv.delete_prefix(Namespace::Idls, "project:p1:"),
    )
    .await;
    assert_eq!(kv.pending_invalidations(), 2);

    // Redis comes back with the stale entries (as if they survived the outage).
    let redis = Redis::start_on(port).await;
    let mut raw = redis.raw().await.unwrap();
    for (k, v) in [
        ("CACHE:api:p1:docs", "old"),
        ("CACHE:api:p2:docs", "p2"),
        ("IDLS:project:p1:idl", "old"),
    ] {
        redis::cmd("SET")
            .arg(k)
            .arg(v)
            .exec_async(&mut raw)
            .await
            .unwrap();
    }
    // The first operation replays the invalidations before answering: never the stale value.
    assert_eq!(kv.get(&other).await.as_deref(), Some(&b"p2"[..]));
    assert_eq!(kv.pending_invalidations(), 0);
    assert!(!exists(&mut raw, "CACHE:api:p1:docs").await);
    assert!(!exists(&mut raw, "IDLS:project:p1:idl").await);
    assert_eq!(kv.get(&docs).await, None);
    assert!(kv.ping().await);
    kv.put(&docs, Bytes::from_static(b"new"), docs.ttl()).await;
    assert_eq!(kv.get(&docs).await.as_deref(), Some(&b"new"[..]));
}

#[tokio::test]
async fn while_invalidations_are_pending_every_get_is_a_miss() {
    let Some(redis) = Redis::start().await else {
        return;
    };
    let kv = RedisKv::connect(&redis.url()).unwrap();
    let docs = keys::api_docs("p1");
    let other = keys::api_docs("p2");
    kv.put(&docs, Bytes::from_static(b"old"), docs.ttl()).await;
    kv.put(&other, Bytes::from_static(b"p2"), other.ttl()).await;

    // A Redis that accepts connections but answers nothing.
    let mut raw = redis.raw().await.unwrap();
    redis::cmd("CLIENT")
        .arg(&["PAUSE", "1500", "ALL"])
        .exec_async(&mut raw)
        .await
        .unwrap();
    assert_eq!(quickly("get", kv.get(&other)).await, None);
    quickly("delete", kv.delete(&docs)).await;
    assert!(!quickly("ping", kv.ping()).await);
    assert_eq!(kv.pending_invalidations(), 1);

    // Once Redis answers, the pending delete lands before any value is served.
    tokio::time::sleep(Duration::from_millis(1600)).await;
    assert_eq!(kv.get(&docs).await, None);
    assert_eq!(kv.pending_invalidations(), 0);
    assert_eq!(kv.get(&other).await.as_deref(), Some(&b"p2"[..]));
}

#[tokio::test]
async fn connect_only_refuses_malformed_urls() {
    assert!(RedisKv::connect("not a url").is_err());
    assert!(RedisKv::connect("http://127.0.0.1/").is_err());
    // Nothing listens here: still a KV, which answers misses.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let kv = RedisKv::connect(&format!("redis://127.0.0.1:{port}/0")).unwrap();
    assert_eq!(quickly("get", kv.get(&keys::api_docs("p"))).await, None);
    assert!(!kv.ping().await);
}

#[tokio::test]
async fn shared_buckets_are_exact_under_concurrency_and_expire_when_full() {
    let Some(redis) = Redis::start().await else {
        return;
    };
    // Two clients, as two instances would hold, deciding on the same bucket at once.
    let a = std::sync::Arc::new(RedisKv::connect(&redis.url()).unwrap());
    let b = std::sync::Arc::new(RedisKv::connect(&redis.url()).unwrap());
    let limit = std::num::NonZeroU32::new(7).unwrap();
    let period = Duration::from_secs(60);
    let mut tasks = Vec::new();
    for n in 0..40 {
        let kv = if n % 2 == 0 { a.clone() } else { b.clone() };
        tasks.push(tokio::spawn(async move {
            let buckets = kv.shared_buckets().unwrap();
            buckets
                .take("api:ip:10.0.0.1", limit, period)
                .await
                .unwrap()
        }));
    }
    let mut decisions = Vec::new();
    for task in tasks {
        decisions.push(task.await.unwrap());
    }
    let allowed: Vec<_> = decisions.iter().filter(|d| d.allowed).collect();
    assert_eq!(allowed.len(), 7, "{decisions:?}");
    // Each success left one fewer; the last one left none.
    let mut remaining: Vec<u32> = allowed.iter().map(|d| d.remaining).collect();
    remaining.sort_unstable();
    assert_eq!(remaining, vec![0, 1, 2, 3, 4, 5, 6]);
    for refused in decisions.iter().filter(|d| !d.allowed) {
        assert_eq!(refused.remaining, 0);
        // One more slot opens every 60 s / 7 ≈ 8.6 s.
        assert!(
            refused.reset > Duration::from_secs(8) && refused.reset <= Duration::from_secs(9),
            "{refused:?}"
        );
    }
    // Another client's bucket is untouched, and the key lives only until the bucket is full again.
    let other = a.shared_buckets().unwrap();
    let first = other.take("api:ip:10.0.0.2", limit, period).await.unwrap();
    assert!(first.allowed);
    assert_eq!(first.remaining, 6);
    let mut c = redis.raw().await.unwrap();
    let ttl: i64 = redis::cmd("PTTL")
        .arg("RATE:api:ip:10.0.0.2")
        .query_async(&mut c)
        .await
        .unwrap();
    assert!((8_000..=8_600).contains(&ttl), "PTTL {ttl}");
    // Bucket keys are apart from the cache: a project-wide invalidation leaves them alone.
    forget_project(a.as_ref(), "p").await;
    assert!(exists(&mut c, "RATE:api:ip:10.0.0.2").await);
}

#[tokio::test]
async fn shared_buckets_say_unavailable_when_redis_is_down() {
    let Some(mut redis) = Redis::start().await else {
        return;
    };
    let kv = RedisKv::connect(&redis.url()).unwrap();
    let limit = std::num::NonZeroU32::new(3).unwrap();
    let buckets = kv.shared_buckets().unwrap();
    assert!(buckets
        .take("build:ip:1.1.1.1", limit, Duration::from_secs(60))
        .await
        .is_ok());
    redis.stop();
    let outcome = quickly(
        "a decision with Redis down",
        buckets.take("build:ip:1.1.1.1", limit, Duration::from_secs(60)),
    )
    .await;
    assert!(outcome.is_err(), "{outcome:?}");
    // Right after a failure, decisions do not wait on Redis at all.
    let started = Instant::now();
    assert!(buckets
        .take("build:ip:1.1.1.1", limit, Duration::from_secs(60))
        .await
        .is_err());
    assert!(started.elapsed() < Duration::from_millis(50));
}

#[tokio::test]
async fn a_hung_redis_costs_one_timeout_then_decisions_skip_it_for_a_while() {
    let Some(redis) = Redis::start().await else {
        return;
    };
    let kv = RedisKv::connect(&redis.url()).unwrap();
    let limit = std::num::NonZeroU32::new(3).unwrap();
    let buckets = kv.shared_buckets().unwrap();
    assert!(buckets
        .take("api:ip:2.2.2.2", limit, Duration::from_secs(60))
        .await
        .is_ok());
    let mut c = redis.raw().await.unwrap();
    let _: () = redis::cmd("CLIENT")
        .arg("PAUSE")
        .arg(3000)
        .query_async(&mut c)
        .await
        .unwrap();
    let started = Instant::now();
    assert!(buckets
        .take("api:ip:2.2.2.2", limit, Duration::from_secs(60))
        .await
        .is_err());
    assert!(
        started.elapsed() < Duration::from_millis(1000),
        "{:?}",
        started.elapsed()
    );
    let started = Instant::now();
    for _ in 0..20 {
        assert!(buckets
            .take("api:ip:2.2.2.2", limit, Duration::from_secs(60))
            .await
            .is_err());
    }
    assert!(
        started.elapsed() < Duration::from_millis(100),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_prefix_read_returns_the_head_of_the_value_or_none() {
    let Some(redis) = Redis::start().await else {
        return;
    };
    let kv = RedisKv::connect(&redis.url()).unwrap();
    assert!(kv.is_shared());
    let key = keys::api_docs("p1");
    assert!(kv.get_prefix(&key, 8).await.is_none());
    kv.put(&key, Bytes::from_static(b"v1 \"abc\"\nbody"), CACHE_TTL)
        .await;
    assert_eq!(
        kv.get_prefix(&key, 9).await.as_deref(),
        Some(&b"v1 \"abc\"\n"[..])
    );
    assert_eq!(
        kv.get_prefix(&key, 100).await.as_deref(),
        Some(&b"v1 \"abc\"\nbody"[..])
    );
    kv.delete(&key).await;
    assert!(kv.get_prefix(&key, 9).await.is_none());
}
