//! The cross-cutting layers around the routes, outermost first:
//!
//! 1. [`crate::envelope`]: request id, request span and log line, the JSON error shape for every
//!    error response (axum's and its extractors' included), security headers;
//! 2. CORS (allow-list from the configuration; preflights are answered here);
//! 3. [`crate::timeouts`]: body and request deadlines;
//! 4. [`crate::rate_limit`]: after CORS, so preflights are not counted
//!    and 429s carry CORS headers;
//! 5. the request body limit.
//!
//! They wrap the finished router as one tower service, so a request passes each exactly once; none
//! is added with `Router::layer`, which boxes a layer into every route and clones it per request.

use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::http::{header, HeaderName, HeaderValue, Method};
use axum::Router;
use tower::ServiceBuilder;
use tower_http::cors::{AllowOrigin, CorsLayer};

use crate::envelope::{EnvelopeLayer, REQUEST_ID};
use crate::listen::App;
use crate::rate_limit::{RateLimitLayer, RateLimiter};
use crate::timeouts::Timeouts;
use crate::version::IDL_VERSION;
use crate::AppState;

/// `app` inside every layer.
pub fn wrap(app: Router, state: &AppState) -> impl App {
    let config = &state.config;
    let limiter = RateLimiter::new(config.rate_limits, state.store.clone())
        .with_trusted_proxies(config.trusted_proxies.clone());
    let origins: Arc<[HeaderValue]> = config
        .cors_origins
        .iter()
        .filter_map(|o| HeaderValue::from_str(o).ok())
        .collect();
    let cors = CorsLayer::new()
        // A predicate over a shared list rather than `AllowOrigin::list`: the whole service stack
        // is cloned for every request, and a list would be copied each time.
        .allow_origin(AllowOrigin::predicate(move |origin, _| {
            origins.contains(origin)
        }))
        .allow_methods([
            Method::GET,
            Method::POST,
            Method::PUT,
            Method::DELETE,
            Method::OPTIONS,
        ])
        .allow_headers([
            header::CONTENT_TYPE,
            header::AUTHORIZATION,
            HeaderName::from_static("x-api-key"),
            HeaderName::from_static("x-scope-key"),
        ])
        // Browsers show cross-origin callers only the response headers named here.
        .expose_headers([IDL_VERSION, REQUEST_ID])
        .allow_credentials(true);
    let timeouts = Timeouts {
        body: config.body_timeout,
        request: config.request_timeout,
    };
    ServiceBuilder::new()
        .layer(EnvelopeLayer::new(config.secure_cookies()))
        .layer(cors)
        .layer(timeouts)
        .layer(RateLimitLayer::new(limiter))
        .layer(DefaultBodyLimit::max(config.body_limit))
        .service(app)
}
