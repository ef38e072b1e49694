#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The scaled-out deployment for real: two instances on one PostgreSQL database and one Redis.
//! What one instance writes, the other serves at once (no instance keeps a copy of a project row
//! on PostgreSQL, and cached views are invalidated in the shared Redis); a burst spread over both
//! gets exactly the limit; and killing Redis in the middle of writes loses none of them.

mod common;

#[path = "../../store/tests/common/postgres.rs"]
mod postgres;

use std::path::PathBuf;
use std::sync::Arc;

use common::redis::Redis;
use common::{start_sharing_with, As, TestServer};
use orquestra_store::{Kv, RedisKv};
use serde_json::{json, Value};

fn idl(rel: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata/idls")
        .join(rel);
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Two instances on a fresh PostgreSQL database and a Redis of their own, each adjusted by
/// `adjust`; `None` when PostgreSQL or Redis tests are switched off.
async fn deployment(
    adjust: impl Fn(&mut orquestra_server::ServerConfig) + Copy,
) -> Option<(
    TestServer,
    TestServer,
    Redis,
    Arc<dyn Kv>,
    postgres::TestDatabase,
)> {
    let database = postgres::fresh_database()?;
    let redis = Redis::start()?;
    let kv: Arc<dyn Kv> = Arc::new(RedisKv::connect(&redis.url()).unwrap());
    // Both instances migrate at start, as two processes of a deployment would.
    let (a, b) = tokio::join!(
        start_sharing_with(&database.url, kv.clone(), adjust),
        start_sharing_with(&database.url, kv.clone(), adjust)
    );
    Some((a, b, redis, kv, database))
}

async fn get(server: &TestServer, path: &str) -> Value {
    let (status, body) = server.send(&As::Anonymous, "GET", path, None).await;
    assert_eq!(status, 200, "GET {path}: {body}");
    body
}

#[tokio::test]
async fn what_one_instance_writes_the_other_serves_at_once() {
    let Some((a, b, _redis, _kv, _database)) = deployment(|_| {}).await else {
        return;
    };
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

    // B serves the project, its docs (now cached in Redis) and its page.
    assert_eq!(
        get(&b, &format!("/api/projects/{id}")).await["project"]["latestVersion"],
        1
    );
    let docs = get(&b, &format!("/api/{id}/docs")).await;
    assert_eq!(docs["isCustom"], false, "{docs}");

    // Custom docs written on A: B answers them on its very next request.
    let (status, body) = a
        .send(
            &alice,
            "PUT",
            &format!("/api/{id}/docs"),
            Some(json!({"docs": "# from A"})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        get(&b, &format!("/api/{id}/docs")).await["docs"],
        "# from A"
    );

    // A new version published on B: A's views and its web page follow at once.
    let instructions_before = get(&a, &format!("/api/{id}/instructions")).await;
    let mut changed = idl("anchor/anchor_idl_new.json");
    changed["instructions"].as_array_mut().unwrap().truncate(1);
    let (status, body) = b
        .send(
            &alice,
            "PUT",
            &format!("/api/idl/{id}"),
            Some(json!({"idl": changed})),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let instructions_after = get(&a, &format!("/api/{id}/instructions")).await;
    assert_ne!(instructions_after, instructions_before);
    assert_eq!(
        instructions_after["instructions"].as_array().unwrap().len(),
        1
    );
    let page = a
        .http
        .unchecked()
        .get(format!("{}/programs/{id}", a.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("v2 of 2"), "the page shows version 2 of 2");

    // Search on B finds what was uploaded through A.
    let found = get(&b, "/api/projects?q=shared").await;
    assert!(found.to_string().contains(&id), "{found}");
}

#[tokio::test]
async fn a_burst_over_both_instances_gets_exactly_the_limit() {
    let Some((a, b, _redis, _kv, _database)) = deployment(|c| c.rate_limits.build = 4).await else {
        return;
    };
    let (_, alice) = a.user(1).await;
    let (status, body) = a
        .send(
            &alice,
            "POST",
            "/api/idl/upload",
            Some(json!({
                "name": "limited",
                "programId": common::PROGRAM_B,
                "idl": idl("codama/spl_token.json"),
            })),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let id = body["project"]["id"].as_str().unwrap().to_string();
    let mut tasks = tokio::task::JoinSet::new();
    for n in 0..24 {
        let server = if n % 2 == 0 { &a } else { &b };
        let client = server.http.unchecked().clone();
        let url = format!("{}/api/{id}/instructions/transfer/build", server.base);
        tasks.spawn(async move {
            client
                .post(url)
                .json(&json!({"args": {}, "accounts": {}}))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        });
    }
    let statuses = tasks.join_all().await;
    let limited = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!(limited, 20, "{statuses:?}");
    // The four that passed the limiter reached the handler (which refused the empty body).
    assert!(
        statuses.iter().all(|s| [422, 429].contains(s)),
        "{statuses:?}"
    );
}

#[tokio::test]
async fn killing_redis_in_the_middle_of_writes_loses_none() {
    let Some((a, b, mut redis, _kv, _database)) = deployment(|_| {}).await else {
        return;
    };
    let (_, alice) = a.user(1).await;
    let base = idl("anchor/anchor_idl_new.json");
    let (status, body) = a
        .send(
            &alice,
            "POST",
            "/api/idl/upload",
            Some(json!({
                "name": "busy",
                "programId": "id11111111111111111111111111111111111111111",
                "idl": base,
            })),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let id = body["project"]["id"].as_str().unwrap().to_string();

    // Versions 2..=21 written alternately through A and B; Redis dies after the tenth.
    for n in 2..=21 {
        if n == 12 {
            redis.stop();
        }
        let server = if n % 2 == 0 { &a } else { &b };
        let mut next = base.clone();
        next["metadata"]["version"] = json!(format!("0.0.{n}"));
        let (status, body) = server
            .send(
                &alice,
                "PUT",
                &format!("/api/idl/{id}"),
                Some(json!({"idl": next})),
            )
            .await;
        assert_eq!(status, 201, "version {n}: {body}");
        assert_eq!(body["idl"]["version"], n, "{body}");
        // The other instance answers the version just written, Redis or not.
        let other = if n % 2 == 0 { &b } else { &a };
        assert_eq!(
            get(other, &format!("/api/projects/{id}")).await["project"]["latestVersion"],
            n
        );
    }
    let versions = get(&b, &format!("/api/idl/{id}/versions")).await;
    let mut numbers: Vec<i64> = versions["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["version"].as_i64().unwrap())
        .collect();
    numbers.sort_unstable();
    assert_eq!(numbers, (1..=21).collect::<Vec<_>>());
}
