#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The embedded KV honours TTLs, stays within its memory bound, and deletes by prefix.

use std::time::Duration;

use bytes::Bytes;
use orquestra_store::kv::{forget_project, keys, CACHE_TTL, IDLS_TTL};
use orquestra_store::{Kv, MemoryKv, Namespace};

#[test]
fn keys_follow_the_seed_patterns_and_ttls() {
    assert_eq!(keys::project_idl("p1").key, "project:p1:idl");
    assert_eq!(keys::project_version("p1", 3).key, "project:p1:version:3");
    assert_eq!(keys::api_instructions("p1").key, "api:p1:instructions");
    assert_eq!(keys::api_accounts("p1").key, "api:p1:accounts");
    assert_eq!(keys::api_docs("p1").key, "api:p1:docs");
    assert_eq!(keys::project_idl("p1").namespace, Namespace::Idls);
    assert_eq!(keys::api_docs("p1").namespace, Namespace::Cache);
    assert_eq!(keys::project_idl("p1").ttl(), IDLS_TTL);
    assert_eq!(IDLS_TTL.as_secs(), 86_400);
    assert_eq!(keys::api_docs("p1").ttl(), CACHE_TTL);
    assert_eq!(CACHE_TTL.as_secs(), 3_600);
}

#[tokio::test]
async fn entries_expire_after_their_ttl() {
    let kv = MemoryKv::default();
    let short = keys::api_docs("p1");
    let long = keys::api_accounts("p1");
    kv.put(
        &short,
        Bytes::from_static(b"docs"),
        Duration::from_millis(150),
    )
    .await;
    kv.put(&long, Bytes::from_static(b"accounts"), long.ttl())
        .await;
    assert_eq!(kv.get(&short).await.as_deref(), Some(&b"docs"[..]));
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(kv.get(&short).await, None);
    assert_eq!(kv.get(&long).await.as_deref(), Some(&b"accounts"[..]));
    // Re-putting resets the TTL to the new one.
    kv.put(&short, Bytes::from_static(b"v2"), Duration::from_secs(60))
        .await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(kv.get(&short).await.as_deref(), Some(&b"v2"[..]));
}

#[tokio::test]
async fn the_memory_bound_holds() {
    let bound = 64 * 1024;
    let kv = MemoryKv::new(bound);
    let value = Bytes::from(vec![7u8; 1000]);
    for i in 0..1000 {
        kv.put(&keys::project_version("p", i), value.clone(), IDLS_TTL)
            .await;
        assert!(
            kv.weighted_size() <= bound,
            "after {i} puts: {} > {bound}",
            kv.weighted_size()
        );
    }
    assert!(kv.weighted_size() > bound / 2, "the cache is actually used");
    // Something larger than the whole bound is not stored at all.
    let huge = keys::project_idl("huge");
    kv.put(&huge, Bytes::from(vec![0u8; 2 * bound as usize]), IDLS_TTL)
        .await;
    assert_eq!(kv.get(&huge).await, None);
    assert!(kv.weighted_size() <= bound);
}

#[tokio::test]
async fn delete_and_delete_by_prefix() {
    let kv = MemoryKv::default();
    for k in [
        keys::project_idl("p1"),
        keys::project_version("p1", 1),
        keys::api_docs("p1"),
        keys::project_idl("p10"),
        keys::api_docs("p2"),
    ] {
        kv.put(&k, Bytes::from_static(b"x"), k.ttl()).await;
    }
    kv.delete(&keys::project_version("p1", 1)).await;
    assert_eq!(kv.get(&keys::project_version("p1", 1)).await, None);
    forget_project(&kv, "p1").await;
    assert_eq!(kv.get(&keys::project_idl("p1")).await, None);
    assert_eq!(kv.get(&keys::api_docs("p1")).await, None);
    // `p10` shares the text prefix `p1` but not the key prefix `project:p1:`.
    assert!(kv.get(&keys::project_idl("p10")).await.is_some());
    assert!(kv.get(&keys::api_docs("p2")).await.is_some());
    // Namespaces are separate: a CACHE prefix never touches IDLS.
    kv.delete_prefix(Namespace::Cache, "project:").await;
    assert!(kv.get(&keys::project_idl("p10")).await.is_some());
}
