#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Two instances on one database and one Redis KV: a view one instance cached is invalidated by
//! a change made on the other, so no instance serves a stale view after a write (beyond the
//! store's own short poll for commits made by another connection); rate limits are counted once
//! for both; and a Redis outage loses no write and fails no read.

mod common;

use std::path::PathBuf;
use std::sync::Arc;

use common::redis::Redis;
use common::{start, start_sharing, start_sharing_with, As, TestServer};
use orquestra_server::SharedLimitFailure;
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

/// The statuses of `count` simultaneous `GET /api/projects`, alternating between `servers`.
async fn burst(servers: &[&TestServer], count: usize) -> Vec<u16> {
    let mut tasks = tokio::task::JoinSet::new();
    for n in 0..count {
        let server = servers[n % servers.len()];
        let url = format!("{}/api/projects", server.base);
        let client = server.http.unchecked().clone();
        tasks.spawn(async move { client.get(url).send().await.unwrap().status().as_u16() });
    }
    tasks.join_all().await
}

fn count(statuses: &[u16], status: u16) -> usize {
    statuses.iter().filter(|s| **s == status).count()
}

#[tokio::test]
async fn a_burst_across_two_instances_gets_exactly_the_limit_and_an_outage_follows_the_policy() {
    let Some(mut redis) = Redis::start() else {
        return;
    };
    let kv: Arc<dyn Kv> = Arc::new(RedisKv::connect(&redis.url()).unwrap());
    let first = start().await;
    let limited = |c: &mut orquestra_server::ServerConfig| c.rate_limits.api = 5;
    let a = start_sharing_with(&first.store_url, kv.clone(), limited).await;
    let b = start_sharing_with(&first.store_url, kv.clone(), limited).await;
    let closed = start_sharing_with(&first.store_url, kv.clone(), |c| {
        c.rate_limits.api = 5;
        c.rate_limits.when_shared_unavailable = SharedLimitFailure::Refuse;
    })
    .await;

    let statuses = burst(&[&a, &b], 30).await;
    assert_eq!(count(&statuses, 200), 5, "{statuses:?}");
    assert_eq!(count(&statuses, 429), 25, "{statuses:?}");
    // The fail-closed instance counts against the same bucket: it is spent for it too.
    assert_eq!(burst(&[&closed], 1).await, vec![429]);

    redis.stop();
    // Fail open (the default): each instance limits on its own, and nothing fails.
    let statuses = burst(&[&a, &b], 30).await;
    assert_eq!(count(&statuses, 200), 10, "{statuses:?}");
    assert_eq!(count(&statuses, 429), 20, "{statuses:?}");
    // Fail closed: refused with 503 and a retry hint, while unlimited routes still answer.
    let response = closed
        .http
        .unchecked()
        .get(format!("{}/api/projects", closed.base))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 503);
    assert_eq!(response.headers()["retry-after"], "1");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "unavailable", "{body}");
    let (status, _) = closed.send(&As::Anonymous, "GET", "/health", None).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn with_redis_down_writes_land_and_reads_fall_back_to_the_database() {
    let Some(mut redis) = Redis::start() else {
        return;
    };
    let kv: Arc<dyn Kv> = Arc::new(RedisKv::connect(&redis.url()).unwrap());
    let first = start().await;
    let a = start_sharing(&first.store_url, kv.clone()).await;
    let b = start_sharing(&first.store_url, kv.clone()).await;
    let (_, alice) = a.user(1).await;
    let upload = |name: &str| {
        json!({
            "name": name,
            "programId": "id11111111111111111111111111111111111111111",
            "idl": idl("anchor/anchor_idl_new.json"),
        })
    };
    let (status, body) = a
        .send(&alice, "POST", "/api/idl/upload", Some(upload("before")))
        .await;
    assert_eq!(status, 201, "{body}");
    let id = body["project"]["id"].as_str().unwrap().to_string();
    docs_on(&b, &id).await;

    redis.stop();
    // A new version written through A while Redis is gone...
    let mut changed = idl("anchor/anchor_idl_new.json");
    changed["metadata"]["version"] = json!("9.9.9");
    let (status, body) = a
        .send(
            &alice,
            "PUT",
            &format!("/api/idl/{id}"),
            Some(json!({"idl": changed})),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    // ...is what B answers (from the database), and nothing fails meanwhile.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(2);
    loop {
        let (status, project) = b
            .send(&As::Anonymous, "GET", &format!("/api/projects/{id}"), None)
            .await;
        assert_eq!(status, 200, "{project}");
        if project["project"]["latestVersion"] == 2 {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "still {project}");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let (status, versions) = b
        .send(
            &As::Anonymous,
            "GET",
            &format!("/api/idl/{id}/versions"),
            None,
        )
        .await;
    assert_eq!(status, 200, "{versions}");
    let (status, ready) = b.send(&As::Anonymous, "GET", "/ready", None).await;
    assert_eq!(status, 503, "/ready reports the KV: {ready}");
}
