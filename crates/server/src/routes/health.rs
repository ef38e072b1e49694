//! `GET /health` (JSON, checks the database) and `GET /health/ping` (plain text).

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use orquestra_api::platform::{DatabaseStatus, Health, HealthStatus};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::{time, AppState};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(health))
        .routes(routes!(ping))
}

/// Service health, including whether the database answers.
#[utoipa::path(
    get,
    path = "/health",
    tag = "health",
    operation_id = "health",
    responses(
        (status = 200, description = "Healthy", body = Health),
        (status = 503, description = "Degraded: the database does not answer", body = Health),
    ),
)]
async fn health(State(state): State<AppState>) -> (StatusCode, Json<Health>) {
    let database_ok = state.store.ping().await.is_ok();
    let status = if database_ok {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let body = Health {
        status: if database_ok {
            HealthStatus::Ok
        } else {
            HealthStatus::Degraded
        },
        timestamp: time::now_rfc3339(),
        service: "orquestra-api".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        database: if database_ok {
            DatabaseStatus::Ok
        } else {
            DatabaseStatus::Unavailable
        },
    };
    (status, Json(body))
}

/// Liveness probe: plain-text `pong`.
#[utoipa::path(
    get,
    path = "/health/ping",
    tag = "health",
    operation_id = "ping",
    responses((status = 200, description = "Alive", body = String, content_type = "text/plain", example = "pong")),
)]
async fn ping() -> &'static str {
    "pong"
}
