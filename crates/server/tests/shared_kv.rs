#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Two instances on one database and one Redis KV: a view one instance cached is invalidated by
//! a change made on the other, so no instance serves a stale view after a write (beyond the
//! store's own short poll for commits made by another connection).

mod common;

use std::path::PathBuf;
use std::sync::Arc;

use common::redis::Redis;
use common::{start, start_sharing, As, TestServer};
use orquestra_store::{Kv, RedisKv};
use serde_json::{json, Value};

fn idl(rel: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata/idls")
        .join(rel);
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

async fn docs_on(server: &TestServer, id: &str) -> Value {
    let (status, docs) = server
        .send(&As::Anonymous, "GET", &format!("/api/{id}/docs"), None)
        .await;
    assert_eq!(status, 200, "{docs}");
    docs
}

/// The docs `server` answers once `done` holds, within a second.
async fn eventually(server: &TestServer, id: &str, done: impl Fn(&Value) -> bool) -> Value {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(1);
    loop {
        let docs = docs_on(server, id).await;
        if done(&docs) {
            return docs;
        }
        assert!(std::time::Instant::now() < deadline, "still {docs}");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn a_docs_change_on_one_instance_is_seen_at_once_on_the_other() {
    let Some(redis) = Redis::start() else {
        return;
    };
    let kv: Arc<dyn Kv> = Arc::new(RedisKv::connect(&redis.url()).unwrap());
    // A owns the database file; B opens the same file, and both use the same Redis.
    let first = start().await;
    let a = start_sharing(&first.store_url, kv.clone()).await;
    let b = start_sharing(&first.store_url, kv.clone()).await;
    let (_, alice) = a.user(1).await;

    let (status, body) = a
        .send(
            &alice,
            "POST",
            "/api/idl/upload",
            Some(json!({
                "name": "shared",
                "programId": "id11111111111111111111111111111111111111111",
                "idl": idl("anchor/anchor_idl_new.json"),
            })),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let id = body["project"]["id"].as_str().unwrap().to_string();

    let generated = docs_on(&b, &id).await;
    assert_eq!(generated["isCustom"].as_bool(), Some(false), "{generated}");
    // B's view is now in Redis, where A would read it too.
    assert!(kv
        .get(&orquestra_store::kv::keys::api_docs(&id))
        .await
        .is_some());
    assert_eq!(docs_on(&a, &id).await, generated);

    let (status, body) = a
        .send(
            &alice,
            "PUT",
            &format!("/api/{id}/docs"),
            Some(json!({"docs": "# new"})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    // The write removed the shared cached view before answering: no instance can serve it.
    assert!(kv
        .get(&orquestra_store::kv::keys::api_docs(&id))
        .await
        .is_none());
    // B's own project-row cache notices the other connection's commit by polling the SQLite file
    // (every 200 ms), so "at once" here means within a few polls.
    assert_eq!(
        eventually(&b, &id, |d| d["isCustom"].as_bool() == Some(true)).await["docs"],
        "# new",
        "B answers the new docs"
    );

    // Back to the generated docs, deleted on B this time, seen on A.
    let (status, _) = b
        .send(&alice, "DELETE", &format!("/api/{id}/docs"), None)
        .await;
    assert_eq!(status, 200);
    eventually(&a, &id, |d| d["isCustom"].as_bool() == Some(false)).await;
}
