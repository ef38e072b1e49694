#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The real router on a real socket.

use std::sync::Arc;

use orquestra_server::{AppState, ServerConfig};
use orquestra_store::{MemoryKv, OpenOptions};

async fn start() -> (String, tempfile::TempDir, tokio::sync::oneshot::Sender<()>) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("s.db").display());
    let db = orquestra_store::open(&url, OpenOptions::default())
        .await
        .unwrap();
    db.store.migrate().await.unwrap();
    let state = AppState::new(
        db.store,
        Arc::new(MemoryKv::default()),
        ServerConfig::new(
            "http://127.0.0.1",
            b"0123456789abcdef0123456789abcdef".to_vec(),
        ),
    )
    .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(orquestra_server::serve(listener, state, async {
        let _ = rx.await;
    }));
    (format!("http://{addr}"), dir, tx)
}

#[tokio::test]
async fn health_reports_ok_with_a_json_body() {
    let (base, _dir, _stop) = start().await;
    let response = reqwest::get(format!("{base}/health")).await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/json"));
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["service"], "orquestra-api");
    assert_eq!(body["database"], "ok");
    let ping = reqwest::get(format!("{base}/health/ping"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(ping, "pong");
}

#[tokio::test]
async fn unknown_routes_get_the_error_shape() {
    let (base, _dir, _stop) = start().await;
    let response = reqwest::get(format!("{base}/api/nothing")).await.unwrap();
    assert_eq!(response.status(), 404);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "not_found");
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("/api/nothing"));
}
