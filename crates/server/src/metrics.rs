//! Prometheus metrics (`GET /metrics`, OpenMetrics text): requests by route class and status,
//! latency histograms by route class, rate-limit refusals, the view cache's hits and misses,
//! and the database pool. Each app has its own registry (no process-global recorder), so
//! several apps in one process — the tests — count apart. Recording a request is a read-locked
//! map lookup and an atomic add.

use std::time::Duration;

use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::{EncodeLabelSet, EncodeLabelValue, LabelValueEncoder};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

use crate::rate_limit::{classify, Class};
use crate::{ApiError, AppState};

/// What a request was, for counting: the rate-limit classes plus the routes outside them.
#[derive(Debug, Clone, Copy, Hash, PartialEq, Eq)]
pub enum RouteClass {
    Api,
    Build,
    Simulate,
    Upload,
    Mcp,
    Page,
    Asset,
    Health,
    Auth,
    Other,
}

/// Label values in Prometheus' lower-case style.
macro_rules! label_values {
    ($($ty:ty { $($variant:ident => $text:literal),* $(,)? })*) => {$(
        impl EncodeLabelValue for $ty {
            fn encode(&self, encoder: &mut LabelValueEncoder) -> Result<(), std::fmt::Error> {
                use std::fmt::Write as _;
                encoder.write_str(match self { $(Self::$variant => $text),* })
            }
        }
    )*};
}

label_values! {
    RouteClass {
        Api => "api", Build => "build", Simulate => "simulate", Upload => "upload", Mcp => "mcp",
        Page => "page", Asset => "asset", Health => "health", Auth => "auth", Other => "other",
    }
    CacheResult { Hit => "hit", Miss => "miss" }
    PoolState { Idle => "idle", InUse => "in_use" }
}

impl RouteClass {
    /// The class of a request by method and path.
    pub fn of(method: &Method, path: &str) -> RouteClass {
        if matches!(path, "/" | "/transactions" | "/dashboard" | "/api-docs")
            || path.starts_with("/programs/")
            || path.starts_with("/dashboard/")
        {
            return RouteClass::Page;
        }
        if path.starts_with("/assets/") {
            return RouteClass::Asset;
        }
        if path.starts_with("/health") || path == "/ready" || path == "/metrics" {
            return RouteClass::Health;
        }
        if path.starts_with("/auth/") {
            return RouteClass::Auth;
        }
        match classify(method, path) {
            Some(Class::Api) => RouteClass::Api,
            Some(Class::Build) => RouteClass::Build,
            Some(Class::Simulate) => RouteClass::Simulate,
            Some(Class::Upload) => RouteClass::Upload,
            Some(Class::Mcp) => RouteClass::Mcp,
            None => RouteClass::Other,
        }
    }
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    class: RouteClass,
    status: u16,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ClassLabels {
    class: RouteClass,
}

#[derive(Debug, Clone, Copy, Hash, PartialEq, Eq)]
enum CacheResult {
    Hit,
    Miss,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CacheLabels {
    result: CacheResult,
}

#[derive(Debug, Clone, Copy, Hash, PartialEq, Eq)]
enum PoolState {
    Idle,
    InUse,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PoolLabels {
    state: PoolState,
}

type Latencies = Family<ClassLabels, Histogram, fn() -> Histogram>;

/// Seconds from 0.25 ms to about 8 s, doubling.
fn latency_histogram() -> Histogram {
    Histogram::new(exponential_buckets(0.000_25, 2.0, 16))
}

/// One app's metrics.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Latencies,
    rate_limited: Family<ClassLabels, Counter>,
    view_cache: Family<CacheLabels, Counter>,
    db_connections: Family<PoolLabels, Gauge>,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("orquestra");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "http_requests",
            "Requests answered, by route class and status",
            requests.clone(),
        );
        let latency: Latencies = Family::new_with_constructor(latency_histogram);
        registry.register(
            "http_request_duration_seconds",
            "Time to the response head, by route class",
            latency.clone(),
        );
        let rate_limited = Family::<ClassLabels, Counter>::default();
        registry.register(
            "rate_limited",
            "Requests refused with 429 by the rate limiter, by route class",
            rate_limited.clone(),
        );
        let view_cache = Family::<CacheLabels, Counter>::default();
        registry.register(
            "view_cache_lookups",
            "Program views served from the KV cache (hit) or built (miss)",
            view_cache.clone(),
        );
        let db_connections = Family::<PoolLabels, Gauge>::default();
        registry.register(
            "db_pool_connections",
            "Database pool connections at the last scrape, idle or in use",
            db_connections.clone(),
        );
        Self {
            registry,
            requests,
            latency,
            rate_limited,
            view_cache,
            db_connections,
        }
    }
}

impl Metrics {
    /// Counts one answered request.
    pub fn request(&self, class: RouteClass, status: StatusCode, elapsed: Duration) {
        let status = status.as_u16();
        self.requests
            .get_or_create(&RequestLabels { class, status })
            .inc();
        self.latency
            .get_or_create(&ClassLabels { class })
            .observe(elapsed.as_secs_f64());
        if status == 429 {
            self.rate_limited
                .get_or_create(&ClassLabels { class })
                .inc();
        }
    }

    /// Counts one view-cache lookup.
    pub fn view_cache(&self, hit: bool) {
        let result = if hit {
            CacheResult::Hit
        } else {
            CacheResult::Miss
        };
        self.view_cache.get_or_create(&CacheLabels { result }).inc();
    }

    /// The OpenMetrics text, with the pool gauges read now.
    fn encode(&self, pool: Option<orquestra_store::PoolStatus>) -> Result<String, std::fmt::Error> {
        if let Some(pool) = pool {
            let idle = i64::from(pool.idle);
            let in_use = i64::from(pool.size.saturating_sub(pool.idle));
            self.db_connections
                .get_or_create(&PoolLabels {
                    state: PoolState::Idle,
                })
                .set(idle);
            self.db_connections
                .get_or_create(&PoolLabels {
                    state: PoolState::InUse,
                })
                .set(in_use);
        }
        let mut text = String::new();
        prometheus_client::encoding::text::encode(&mut text, &self.registry)?;
        Ok(text)
    }
}

/// `GET /metrics`. With `ORQUESTRA_METRICS_TOKEN` set, only `Authorization: Bearer <token>`.
pub async fn serve(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(token) = state.config.metrics_token.as_deref() {
        let given = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        if !given.is_some_and(|g| constant_time_eq(g.as_bytes(), token.as_bytes())) {
            return ApiError::unauthorized("metrics need the metrics token").into_response();
        }
    }
    match state.metrics.encode(state.store.pool_status()) {
        Ok(text) => (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static(
                    "application/openmetrics-text; version=1.0.0; charset=utf-8",
                ),
            )],
            text,
        )
            .into_response(),
        Err(e) => ApiError::internal(&e).into_response(),
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_counted_by_class_and_status_and_encoded() {
        let metrics = Metrics::default();
        let class = RouteClass::of(&Method::GET, "/api/p1/instructions");
        assert_eq!(class, RouteClass::Api);
        metrics.request(class, StatusCode::OK, Duration::from_millis(2));
        metrics.request(class, StatusCode::OK, Duration::from_millis(3));
        metrics.request(
            RouteClass::Build,
            StatusCode::TOO_MANY_REQUESTS,
            Duration::from_micros(50),
        );
        metrics.view_cache(true);
        metrics.view_cache(false);
        let text = metrics
            .encode(Some(orquestra_store::PoolStatus { size: 5, idle: 3 }))
            .unwrap_or_default();
        assert!(
            text.contains("orquestra_http_requests_total{class=\"api\",status=\"200\"} 2"),
            "{text}"
        );
        assert!(
            text.contains("orquestra_rate_limited_total{class=\"build\"} 1"),
            "{text}"
        );
        assert!(
            text.contains("orquestra_http_request_duration_seconds_count{class=\"api\"} 2"),
            "{text}"
        );
        assert!(
            text.contains("orquestra_view_cache_lookups_total{result=\"hit\"} 1"),
            "{text}"
        );
        assert!(
            text.contains("orquestra_db_pool_connections{state=\"in_use\"} 2"),
            "{text}"
        );
        assert!(text.trim_end().ends_with("# EOF"), "{text}");
    }

    #[test]
    fn routes_outside_the_limiter_have_their_own_classes() {
        for (path, class) in [
            ("/", RouteClass::Page),
            ("/programs/x", RouteClass::Page),
            ("/assets/app.js", RouteClass::Asset),
            ("/health", RouteClass::Health),
            ("/auth/me", RouteClass::Auth),
            ("/mcp", RouteClass::Mcp),
            ("/openapi.json", RouteClass::Other),
        ] {
            assert_eq!(RouteClass::of(&Method::GET, path), class, "{path}");
        }
    }
}
