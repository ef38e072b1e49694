//! The outermost layer, what every response carries whatever answered it: a request id (the
//! client's `x-request-id`, or a new one) on the request and the response, a `request` span around
//! the whole exchange with one log line per request, CORS (preflights answered here, see
//! [`crate::cors`]), the JSON error shape for error responses that are not JSON yet, and the
//! security headers.
//!
//! One hand-written service wrapped around the whole app, rather than a stack of per-route
//! layers: each layer added with `Router::layer` is boxed into every route and cloned on every
//! request, which cost more than the work the layers do.

use std::convert::Infallible;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Instant;

use axum::extract::Request;
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use orquestra_api::ErrorCode;
use tracing::Instrument;

use crate::cors::Cors;
use crate::metrics::{Metrics, RouteClass};
use crate::ApiError;

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Wraps a service in the [`Envelope`].
#[derive(Clone)]
pub struct EnvelopeLayer {
    shared: Arc<Shared>,
}

struct Shared {
    ids: RequestIds,
    cors: Cors,
    /// Set on every response that does not set them itself.
    headers: Vec<(HeaderName, HeaderValue)>,
    metrics: Arc<Metrics>,
}

impl EnvelopeLayer {
    /// `strict_transport` adds `Strict-Transport-Security` (when the service is reached over
    /// HTTPS); `cors_origins` may call from a browser; every answer is counted in `metrics`.
    pub fn new(strict_transport: bool, cors_origins: &[String], metrics: Arc<Metrics>) -> Self {
        let mut headers = vec![
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
            (header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
            (
                header::REFERRER_POLICY,
                HeaderValue::from_static("no-referrer"),
            ),
            (
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"),
            ),
        ];
        if strict_transport {
            headers.push((
                header::STRICT_TRANSPORT_SECURITY,
                HeaderValue::from_static("max-age=31536000"),
            ));
        }
        Self {
            shared: Arc::new(Shared {
                ids: RequestIds::new(),
                cors: Cors::new(cors_origins),
                headers,
                metrics,
            }),
        }
    }
}

impl<S> tower::Layer<S> for EnvelopeLayer {
    type Service = Envelope<S>;

    fn layer(&self, inner: S) -> Envelope<S> {
        Envelope {
            inner,
            shared: self.shared.clone(),
        }
    }
}

/// See the module documentation.
#[derive(Clone)]
pub struct Envelope<S> {
    inner: S,
    shared: Arc<Shared>,
}

impl<S> tower::Service<Request> for Envelope<S>
where
    S: tower::Service<Request, Response = Response, Error = Infallible>,
    S::Future: Send + 'static,
{
    type Response = Response;
    type Error = Infallible;
    type Future = crate::listen::LayerFuture;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request) -> Self::Future {
        let id = match request.headers().get(&REQUEST_ID) {
            Some(id) => id.clone(),
            None => {
                let id = self.shared.ids.next();
                request.headers_mut().insert(REQUEST_ID, id.clone());
                id
            }
        };
        let span = tracing::info_span!(
            "request",
            id = id.to_str().unwrap_or("-"),
            method = %request.method(),
            path = %request.uri().path(),
        );
        let method = request.method().clone();
        let class = RouteClass::of(&method, request.uri().path());
        let origin = self.shared.cors.allowed_origin(request.headers());
        // A preflight never reaches the routes (nor the rate limiter).
        let response = (method != Method::OPTIONS).then(|| self.inner.call(request));
        let shared = self.shared.clone();
        Box::pin(
            async move {
                let started = Instant::now();
                let response = match response {
                    Some(response) => {
                        let Ok(mut response) = response.await;
                        shared.cors.decorate(origin, response.headers_mut());
                        response
                    }
                    // Complete as it is: a preflight is not decorated a second time.
                    None => shared.cors.preflight(origin),
                };
                let mut response = json_errors(method, response).await;
                let headers = response.headers_mut();
                for (name, value) in &shared.headers {
                    if !headers.contains_key(name) {
                        headers.insert(name, value.clone());
                    }
                }
                if !headers.contains_key(&REQUEST_ID) {
                    headers.insert(REQUEST_ID, id);
                }
                log(response.status(), started);
                shared
                    .metrics
                    .request(class, response.status(), started.elapsed());
                Ok(response)
            }
            .instrument(span),
        )
    }
}

/// The request's log line, inside its span (which names the id, method and path); the time is to
/// the response head.
fn log(status: StatusCode, started: Instant) {
    let micros = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
    if status.is_server_error() {
        tracing::error!(status = status.as_u16(), micros, "request failed");
    } else {
        tracing::info!(status = status.as_u16(), micros, "request served");
    }
}

/// Request ids shaped like UUIDs (version 4, variant 1): a random prefix drawn once per process and
/// a counter starting at a random value, so ids are unique within the process and, with
/// overwhelming probability, across processes — without asking the OS for randomness per request.
struct RequestIds {
    prefix: u64,
    counter: AtomicU64,
}

impl RequestIds {
    fn new() -> Self {
        let mut seed = [0u8; 16];
        // Without OS randomness ids are still unique within the process.
        let _ = getrandom::fill(&mut seed);
        let [prefix, start] = [&seed[..8], &seed[8..]]
            .map(|half| u64::from_le_bytes(half.try_into().unwrap_or_default()));
        Self {
            prefix: (prefix & !0xF000) | 0x4000,
            counter: AtomicU64::new(start),
        }
    }

    fn next(&self) -> HeaderValue {
        let count = self.counter.fetch_add(1, Ordering::Relaxed);
        let low = (count & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000;
        let (high, low) = (self.prefix.to_be_bytes(), low.to_be_bytes());
        // 8-4-4-4-12 hex digits, written straight into the header's buffer (one allocation, no
        // formatting machinery: this runs on every request).
        let mut id = String::with_capacity(36);
        for (i, group) in [&high[..4], &high[4..6], &high[6..], &low[..2], &low[2..]]
            .into_iter()
            .enumerate()
        {
            if i > 0 {
                id.push('-');
            }
            orquestra_idl::hex::push(&mut id, group);
        }
        HeaderValue::from_maybe_shared(bytes::Bytes::from(id))
            .unwrap_or(HeaderValue::from_static("-"))
    }
}

/// Longest non-JSON error body kept as the message.
const MAX_MESSAGE_BYTES: usize = 1024;

/// Any error response (status ≥ 400) whose body is neither JSON nor a web page (whose handler
/// shaped it for a browser) — axum's own 405 (`Allow` kept), its
/// extractors' plain-text rejections (a path that does not percent-decode, a body over the
/// limit…) — is rewritten in the error shape, with a code derived from the status. A short
/// plain-text body of a 4xx becomes the message; 5xx bodies are never shown.
async fn json_errors(method: Method, response: Response) -> Response {
    let status = response.status();
    if status.as_u16() < 400 || is_json(response.headers()) || is_html(response.headers()) {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let text = axum::body::to_bytes(body, MAX_MESSAGE_BYTES)
        .await
        .ok()
        .and_then(|bytes| String::from_utf8(bytes.to_vec()).ok())
        .map(|text| text.trim().to_string())
        .filter(|text| !text.is_empty());
    let reason = status.canonical_reason().unwrap_or("error").to_string();
    let message = if status == StatusCode::METHOD_NOT_ALLOWED {
        match parts
            .headers
            .get(header::ALLOW)
            .and_then(|v| v.to_str().ok())
        {
            Some(allow) if !allow.is_empty() => {
                format!("method {method} is not allowed here; allowed: {allow}")
            }
            _ => format!("method {method} is not allowed here"),
        }
    } else if status.is_server_error() {
        reason
    } else {
        text.unwrap_or(reason)
    };
    let shaped = ApiError::new(ErrorCode::for_status(status.as_u16()), message)
        .with_status(status)
        .into_response();
    // Keep the original headers (`Allow`, `Retry-After`, …) but not those of the old body.
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.remove(header::TRANSFER_ENCODING);
    let (shaped_parts, body) = shaped.into_parts();
    for (name, value) in &shaped_parts.headers {
        parts.headers.insert(name, value.clone());
    }
    Response::from_parts(parts, body)
}

/// `application/json` or any `+json` type.
fn is_json(headers: &HeaderMap) -> bool {
    crate::extract::media_type(headers).is_some_and(|essence| {
        let essence = essence.to_ascii_lowercase();
        essence == "application/json" || essence.ends_with("+json")
    })
}

/// `text/html`: the web pages' own error pages.
fn is_html(headers: &HeaderMap) -> bool {
    crate::extract::media_type(headers)
        .is_some_and(|essence| essence.eq_ignore_ascii_case("text/html"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use tower::{Layer, ServiceExt};

    #[test]
    fn request_ids_are_uuid_shaped_and_distinct() {
        let ids = RequestIds::new();
        let [a, b] = [ids.next(), ids.next()];
        assert_ne!(a, b);
        for id in [a, b] {
            let id = id.to_str().unwrap();
            let groups: Vec<usize> = id.split('-').map(str::len).collect();
            assert_eq!(groups, [8, 4, 4, 4, 12], "{id}");
            assert_eq!(&id[14..15], "4", "version 4: {id}");
            assert!("89ab".contains(&id[19..20]), "variant 1: {id}");
        }
    }

    #[tokio::test]
    async fn every_response_gets_an_id_the_security_headers_and_the_error_shape() {
        let inner = tower::service_fn(|request: Request| async move {
            let seen = request.headers()[&REQUEST_ID].clone();
            let mut response = (StatusCode::BAD_REQUEST, "bad path").into_response();
            response.headers_mut().insert("x-seen-id", seen);
            response.headers_mut().insert(
                header::X_FRAME_OPTIONS,
                HeaderValue::from_static("SAMEORIGIN"),
            );
            Ok::<_, Infallible>(response)
        });
        let service = EnvelopeLayer::new(true, &[], Arc::default()).layer(inner);

        let response = service
            .clone()
            .oneshot(Request::new(Body::empty()))
            .await
            .unwrap();
        let headers = response.headers();
        // The handler saw the id the response carries.
        assert_eq!(headers[&REQUEST_ID], headers["x-seen-id"]);
        assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert_eq!(
            headers[header::STRICT_TRANSPORT_SECURITY],
            "max-age=31536000"
        );
        // A header the handler set is kept.
        assert_eq!(headers[header::X_FRAME_OPTIONS], "SAMEORIGIN");
        assert_eq!(headers[header::CONTENT_TYPE], "application/json");

        // The client's own id is used.
        let mut request = Request::new(Body::empty());
        request
            .headers_mut()
            .insert(REQUEST_ID, HeaderValue::from_static("client-7"));
        let response = service.oneshot(request).await.unwrap();
        assert_eq!(response.headers()[&REQUEST_ID], "client-7");
        assert_eq!(response.headers()["x-seen-id"], "client-7");
    }

    async fn shaped(response: Response) -> (StatusCode, HeaderMap, serde_json::Value) {
        let response = json_errors(Method::PATCH, response).await;
        let (parts, body) = response.into_parts();
        let bytes = axum::body::to_bytes(body, 1 << 20).await.unwrap();
        let value = serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null);
        (parts.status, parts.headers, value)
    }

    #[tokio::test]
    async fn non_json_errors_get_the_shape_and_keep_their_headers() {
        let allow = (
            StatusCode::METHOD_NOT_ALLOWED,
            [(header::ALLOW, "GET,HEAD")],
        )
            .into_response();
        let (status, headers, body) = shaped(allow).await;
        assert_eq!(status, 405);
        assert_eq!(headers[header::ALLOW], "GET,HEAD");
        assert_eq!(headers[header::CONTENT_TYPE], "application/json");
        assert_eq!(body["error"]["code"], "method_not_allowed");
        assert_eq!(
            body["error"]["message"],
            "method PATCH is not allowed here; allowed: GET,HEAD"
        );

        let text = (StatusCode::BAD_REQUEST, "Invalid URL: bad path").into_response();
        let (status, headers, body) = shaped(text).await;
        assert_eq!(status, 400);
        assert!(headers.get(header::CONTENT_LENGTH).is_none());
        assert_eq!(body["error"]["code"], "bad_request");
        assert_eq!(body["error"]["message"], "Invalid URL: bad path");

        let internal = (StatusCode::BAD_GATEWAY, "upstream said: secret").into_response();
        let (_, _, body) = shaped(internal).await;
        assert_eq!(body["error"]["code"], "bad_gateway");
        assert_eq!(body["error"]["message"], "Bad Gateway");

        let huge = (StatusCode::IM_A_TEAPOT, "x".repeat(10_000)).into_response();
        let (_, _, body) = shaped(huge).await;
        assert_eq!(body["error"]["code"], "client_error");
        assert_eq!(body["error"]["message"], "I'm a teapot");
    }

    #[tokio::test]
    async fn json_and_successful_responses_are_untouched() {
        let ok = Response::new(Body::from("plain"));
        let (status, _, body) = shaped(ok).await;
        assert_eq!(status, 200);
        assert_eq!(body, serde_json::Value::Null);
        let rpc = (
            StatusCode::BAD_REQUEST,
            [(header::CONTENT_TYPE, "application/json")],
            r#"{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse error"}}"#,
        )
            .into_response();
        let (_, _, body) = shaped(rpc).await;
        assert_eq!(body["error"]["code"], -32700);
        let problem = (
            StatusCode::NOT_FOUND,
            [(header::CONTENT_TYPE, "application/problem+json")],
            "{}",
        )
            .into_response();
        let (_, _, body) = shaped(problem).await;
        assert_eq!(body, serde_json::json!({}));
        // A web page's own error page stays a page.
        let page = (
            StatusCode::NOT_FOUND,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            "<h1>Program not found</h1>",
        )
            .into_response();
        let response = json_errors(Method::GET, page).await;
        assert_eq!(
            response.headers()[header::CONTENT_TYPE],
            "text/html; charset=utf-8"
        );
    }
}
