//! `GET /health` (JSON, checks the database) and `GET /health/ping` (plain text).

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;

use crate::{time, AppState};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/health", get(health))
        .route("/health/ping", get(ping))
}

#[derive(Serialize)]
struct Health {
    status: &'static str,
    timestamp: String,
    service: &'static str,
    version: &'static str,
    database: &'static str,
}

async fn health(State(state): State<AppState>) -> (StatusCode, Json<Health>) {
    let database_ok = state.store.ping().await.is_ok();
    let status = if database_ok {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let body = Health {
        status: if database_ok { "ok" } else { "degraded" },
        timestamp: time::now_rfc3339(),
        service: "orquestra-api",
        version: env!("CARGO_PKG_VERSION"),
        database: if database_ok { "ok" } else { "unavailable" },
    };
    (status, Json(body))
}

async fn ping() -> &'static str {
    "pong"
}
