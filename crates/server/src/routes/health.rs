//! `GET /health` (JSON, the database probed at most once a second), `GET /health/ping` (plain
//! text, liveness) and `GET /ready` (readiness: the database and the KV cache probed on every
//! call, for load balancers and orchestrators deciding whether to send traffic).

use std::future::Future;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use orquestra_api::platform::{DatabaseStatus, Health, HealthStatus, KvStatus, Readiness};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::{time, AppState};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(health))
        .routes(routes!(ping))
        .routes(routes!(ready))
}

/// How long a readiness probe waits for each backend.
const READY_PROBE_TIMEOUT: Duration = Duration::from_secs(2);

/// The database's last answer to a health probe, reused for a second: `/health` costs at most one
/// database round trip a second however often it is polled, and still reports a database that
/// stops answering within a second.
pub struct DatabaseProbe {
    fresh_for: Duration,
    last: Mutex<Option<(Instant, bool)>>,
}

impl Default for DatabaseProbe {
    fn default() -> Self {
        Self::fresh_for(Duration::from_secs(1))
    }
}

impl DatabaseProbe {
    /// A probe whose answers are reused for `fresh_for`.
    pub fn fresh_for(fresh_for: Duration) -> Self {
        Self {
            fresh_for,
            last: Mutex::new(None),
        }
    }

    /// Whether the database answers: the last answer while it is fresh, else `probe`'s.
    pub async fn database_ok(&self, probe: impl Future<Output = bool>) -> bool {
        if let Some(ok) = self.recent() {
            return ok;
        }
        let ok = probe.await;
        if let Ok(mut last) = self.last.lock() {
            *last = Some((Instant::now(), ok));
        }
        ok
    }

    fn recent(&self) -> Option<bool> {
        let last = self.last.lock().ok()?;
        let (at, ok) = (*last)?;
        (at.elapsed() < self.fresh_for).then_some(ok)
    }
}

/// Service health, including whether the database answers (probed at most once a second).
#[utoipa::path(
    get,
    path = "/health",
    tag = "health",
    operation_id = "health",
    responses(
        (status = 200, description = "Healthy", body = Health),
        (status = 503, description = "Degraded: the database did not answer its last probe (at most a second ago)", body = Health),
    ),
)]
async fn health(State(state): State<AppState>) -> (StatusCode, Json<Health>) {
    let store = state.store.clone();
    let database_ok = state
        .database_probe
        .database_ok(async move { store.ping().await.is_ok() })
        .await;
    let status = ok_or_unavailable(database_ok);
    let body = Health {
        status: if database_ok {
            HealthStatus::Ok
        } else {
            HealthStatus::Degraded
        },
        timestamp: time::now_rfc3339(),
        service: "orquestra-api".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        database: database_status(database_ok),
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

/// Readiness: 200 when the database and the KV cache both answer within two seconds, else 503.
#[utoipa::path(
    get,
    path = "/ready",
    tag = "health",
    operation_id = "ready",
    responses(
        (status = 200, description = "Ready: the database and the KV cache answered", body = Readiness),
        (status = 503, description = "Not ready: the database or the KV cache did not answer within two seconds", body = Readiness),
    ),
)]
async fn ready(State(state): State<AppState>) -> (StatusCode, Json<Readiness>) {
    let (database, kv) = tokio::join!(
        tokio::time::timeout(READY_PROBE_TIMEOUT, state.store.ping()),
        tokio::time::timeout(READY_PROBE_TIMEOUT, state.kv.ping()),
    );
    let readiness = readiness(
        database.is_ok_and(|answered| answered.is_ok()),
        kv.unwrap_or(false),
    );
    (ok_or_unavailable(readiness.ready), Json(readiness))
}

/// 200, or 503 when a backend did not answer.
fn ok_or_unavailable(ok: bool) -> StatusCode {
    if ok {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    }
}

fn database_status(ok: bool) -> DatabaseStatus {
    if ok {
        DatabaseStatus::Ok
    } else {
        DatabaseStatus::Unavailable
    }
}

fn readiness(database_ok: bool, kv_ok: bool) -> Readiness {
    Readiness {
        ready: database_ok && kv_ok,
        database: database_status(database_ok),
        kv: if kv_ok {
            KvStatus::Ok
        } else {
            KvStatus::Unavailable
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    async fn answer(probe: &DatabaseProbe, calls: &AtomicUsize, ok: bool) -> bool {
        probe
            .database_ok(async {
                calls.fetch_add(1, Ordering::SeqCst);
                ok
            })
            .await
    }

    #[test]
    fn ready_only_when_both_backends_answer() {
        assert!(readiness(true, true).ready);
        for (database, kv) in [(false, true), (true, false), (false, false)] {
            let answer = readiness(database, kv);
            assert!(!answer.ready);
            assert_eq!(answer.database == DatabaseStatus::Ok, database);
            assert_eq!(answer.kv == KvStatus::Ok, kv);
        }
    }

    #[tokio::test]
    async fn a_fresh_answer_is_reused_and_a_stale_one_is_probed_again() {
        let calls = AtomicUsize::new(0);
        let probe = DatabaseProbe::fresh_for(Duration::from_secs(60));
        assert!(answer(&probe, &calls, true).await);
        assert!(answer(&probe, &calls, false).await, "the fresh answer");
        assert_eq!(calls.load(Ordering::SeqCst), 1);

        let calls = AtomicUsize::new(0);
        let probe = DatabaseProbe::fresh_for(Duration::ZERO);
        assert!(answer(&probe, &calls, true).await);
        assert!(!answer(&probe, &calls, false).await, "probed again");
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }
}
