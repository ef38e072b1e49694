//! Cross-cutting behaviour: request ids, structured request logs, body limit, CORS allow-list,
//! security headers, rate limits, body and request timeouts, and the error shape for every error
//! response (including those axum and its extractors produce).

use axum::extract::DefaultBodyLimit;
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use orquestra_api::ErrorCode;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use crate::rate_limit::{self, RateLimiter};
use crate::timeouts::{self, Timeouts};
use crate::{ApiError, AppState};

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

pub fn wrap(app: Router<AppState>, state: &AppState) -> Router<AppState> {
    let config = &state.config;
    // Innermost: after CORS (preflights are answered without counting; 429s carry CORS headers)
    // and inside the request-id and trace layers (refusals are logged with their id).
    let limiter = RateLimiter::new(config.rate_limits, state.store.clone())
        .with_trusted_proxies(config.trusted_proxies.clone());
    let app = if limiter.is_active() {
        app.layer(axum::middleware::from_fn_with_state(
            std::sync::Arc::new(limiter),
            rate_limit::enforce,
        ))
    } else {
        app
    };
    let origins: Vec<HeaderValue> = config
        .cors_origins
        .iter()
        .filter_map(|o| HeaderValue::from_str(o).ok())
        .collect();
    let cors = CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
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
        .allow_credentials(true);
    let trace = TraceLayer::new_for_http().make_span_with(|request: &axum::http::Request<_>| {
        let id = request
            .headers()
            .get(&REQUEST_ID)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("-");
        tracing::info_span!("request", id, method = %request.method(), path = %request.uri().path())
    });
    let timeouts = Timeouts {
        body: config.body_timeout,
        request: config.request_timeout,
    };
    let mut app = app
        .layer(DefaultBodyLimit::max(config.body_limit))
        // Outside the router and the rate limiter: whatever they answer is in the error shape.
        .layer(axum::middleware::map_response(json_errors))
        .layer(axum::middleware::from_fn_with_state(
            timeouts,
            timeouts::enforce,
        ))
        .layer(cors)
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"),
        ));
    if config.secure_cookies() {
        app = app.layer(SetResponseHeaderLayer::if_not_present(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        ));
    }
    // Outermost: every response, errors included, carries the request id the logs use.
    app.layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(trace)
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
}

/// Longest non-JSON error body kept as the message.
const MAX_MESSAGE_BYTES: usize = 1024;

/// Any error response (status ≥ 400) whose body is not JSON — axum's own 405 (`Allow` kept), its
/// extractors' plain-text rejections (a path that does not percent-decode, a body over the
/// limit…) — is rewritten in the error shape, with a code derived from the status. A short
/// plain-text body of a 4xx becomes the message; 5xx bodies are never shown.
async fn json_errors(method: Method, response: Response) -> Response {
    let status = response.status();
    if status.as_u16() < 400 || is_json(response.headers()) {
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
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
        .is_some_and(|essence| essence == "application/json" || essence.ends_with("+json"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;

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
    }
}
