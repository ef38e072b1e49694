//! The cross-cutting layers around the routes, outermost first:
//!
//! 1. [`crate::envelope`]: request id, request span, log line and metrics, CORS ([`crate::cors`]: the
//!    allow-list from the configuration; preflights are answered there), the JSON error shape for
//!    every error response (axum's and its extractors' included), security headers;
//! 2. [`crate::timeouts`]: body and request deadlines;
//! 3. [`crate::rate_limit`]: inside the envelope, so preflights are not counted and 429s carry
//!    CORS headers;
//! 4. the request body limit.
//!
//! They wrap the finished router as one tower service, so a request passes each exactly once; none
//! is added with `Router::layer`, which boxes a layer into every route and clones it per request.

use axum::extract::DefaultBodyLimit;
use axum::Router;
use tower::ServiceBuilder;

use crate::envelope::EnvelopeLayer;
use crate::listen::App;
use crate::rate_limit::{RateLimitLayer, RateLimiter};
use crate::timeouts::Timeouts;
use crate::AppState;

/// `app` inside every layer.
pub fn wrap(app: Router, state: &AppState) -> impl App {
    let config = &state.config;
    let limiter = RateLimiter::new(config.rate_limits, state.store.clone())
        .with_trusted_proxies(config.trusted_proxies.clone())
        .with_shared_buckets(state.kv.clone());
    let timeouts = Timeouts {
        body: config.body_timeout,
        request: config.request_timeout,
    };
    ServiceBuilder::new()
        .layer(EnvelopeLayer::new(
            config.secure_cookies(),
            &config.cors_origins,
            state.metrics.clone(),
        ))
        .layer(timeouts)
        .layer(RateLimitLayer::new(limiter))
        .layer(DefaultBodyLimit::max(config.body_limit))
        .service(app)
}
