//! The MCP server at `/mcp`: rmcp's Streamable HTTP transport in stateless mode (no session
//! affinity: any node answers any request), with tools that call the REST API in-process.
//!
//! * Transport: `POST /mcp` answers JSON (or SSE when a tool streams); `GET /mcp` is 405 (no
//!   server-initiated stream without sessions); protocol versions are negotiated by rmcp.
//! * Each tool is a thin translation to one REST route ([`crate::rest`]), run with `tower::oneshot` on
//!   the REST router built once with the same [`AppState`]. Only the request's `X-API-Key` is
//!   forwarded (never cookies or bearer tokens), so a tool sees public projects plus that key's
//!   project, exactly as the REST route would. A tool's `structuredContent` is the REST JSON; a
//!   REST error becomes an `isError` result carrying the same `{"error": {code, message}}`.
//! * DNS-rebinding protection: `Host` (and `Origin`, when present) must name an allowed host
//!   ([`crate::ServerConfig::mcp_allowed_hosts`]), else 403 before any JSON-RPC handling.
//! * Every error is a JSON-RPC error object (`{"jsonrpc":"2.0","id":null,"error":{code,
//!   message}}`), HTTP status kept: a JSON body that does not parse is `400` with `-32700`
//!   (checked here, before rmcp, which would answer 415 in plain text); valid JSON that is not a
//!   JSON-RPC message is `400` with `-32600`; a body over the limit is `413`, and rmcp's other
//!   transport refusals (405, 406, 415) keep their status, all with `-32000`.

mod instructions;
mod lifecycle;
mod params;
mod results;
mod tool_list;
mod tools;

use std::sync::Arc;

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use rmcp::transport::streamable_http_server::session::never::NeverSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};

use crate::AppState;
use tool_list::{PlainToolList, ToolListAnswers};

/// The `/mcp` route. `rest` is the REST router (without `/mcp`) with its state, which the tools
/// call in-process.
pub fn router(rest: Router, state: &AppState) -> Router<AppState> {
    let server = tools::Orquestra::shared(rest, state.clone());
    let config = StreamableHttpServerConfig::default()
        .with_legacy_session_mode(false)
        .with_json_response(true)
        .with_sse_keep_alive(None)
        .with_max_request_body_bytes(state.config.body_limit)
        // Host and Origin are checked by `guard` (one allow-list, Origin included).
        .disable_allowed_hosts()
        .disable_allowed_origins();
    let service = StreamableHttpService::new(
        move || Ok(server.clone()),
        Arc::new(NeverSessionManager::default()),
        config,
    );
    let allowed = Arc::new(AllowedHosts::new(&state.config.mcp_allowed_hosts));
    let limit = state.config.body_limit;
    let tool_lists = Arc::new(ToolListAnswers::default());
    Router::new()
        .route_service("/mcp", service)
        .layer(middleware::from_fn(move |request: Request, next: Next| {
            transport_errors(limit, tool_lists.clone(), request, next)
        }))
        .layer(middleware::from_fn(move |request: Request, next: Next| {
            let allowed = allowed.clone();
            async move { guard(&allowed, request, next).await }
        }))
}

/// Hosts `/mcp` answers for: `name` (any port) or `name:port`; `*` = any.
#[derive(Debug)]
struct AllowedHosts {
    any: bool,
    entries: Vec<(String, Option<u16>)>,
}

impl AllowedHosts {
    fn new(list: &[String]) -> Self {
        let mut any = false;
        let mut entries = Vec::new();
        for entry in list {
            let entry = entry.trim();
            if entry == "*" {
                any = true;
            } else if let Some(parsed) = split_authority(entry) {
                entries.push(parsed);
            }
        }
        Self { any, entries }
    }

    fn allows(&self, host: &str, port: Option<u16>) -> bool {
        self.any
            || self
                .entries
                .iter()
                .any(|(h, p)| *h == host && (p.is_none() || *p == port))
    }
}

/// `Example.com:8080` → (`example.com`, 8080); `[::1]` → (`::1`, none). `None` when malformed.
fn split_authority(authority: &str) -> Option<(String, Option<u16>)> {
    let authority = authority.trim();
    if authority.is_empty() || authority.contains(['/', '@', ' ']) {
        return None;
    }
    let (host, port) = if let Some(rest) = authority.strip_prefix('[') {
        let (host, after) = rest.split_once(']')?;
        match after {
            "" => (host, None),
            _ => (host, Some(after.strip_prefix(':')?)),
        }
    } else {
        match authority.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        }
    };
    let port = match port {
        None => None,
        Some(p) => Some(p.parse::<u16>().ok()?),
    };
    (!host.is_empty()).then(|| (host.to_ascii_lowercase(), port))
}

/// The host and port an `Origin` names (`http://localhost:3000` → `localhost`, 3000). The
/// default ports are explicit so a `name:port` entry matches them.
fn origin_authority(origin: &str) -> Option<(String, Option<u16>)> {
    let (scheme, rest) = origin.split_once("://")?;
    let (host, port) = split_authority(rest.trim_end_matches('/'))?;
    let port = port.or(match scheme.to_ascii_lowercase().as_str() {
        "http" => Some(80),
        "https" => Some(443),
        _ => None,
    });
    Some((host, port))
}

/// 403 unless `Host` (or the URI authority) and any `Origin` name an allowed host.
async fn guard(allowed: &AllowedHosts, request: Request, next: Next) -> Response {
    if allowed.any {
        return next.run(request).await;
    }
    let host = request_host(request.headers(), request.uri());
    let host_ok = host
        .as_deref()
        .and_then(split_authority)
        .is_some_and(|(h, p)| allowed.allows(&h, p));
    if !host_ok {
        tracing::warn!(host = ?host, "MCP request refused: Host not allowed (DNS rebinding?)");
        return forbidden("Host header is not allowed");
    }
    if let Some(origin) = request.headers().get(header::ORIGIN) {
        let ok = origin
            .to_str()
            .ok()
            .and_then(origin_authority)
            .is_some_and(|(h, p)| allowed.allows(&h, p));
        if !ok {
            tracing::warn!(origin = ?origin, "MCP request refused: Origin not allowed");
            return forbidden("Origin header is not allowed");
        }
    }
    next.run(request).await
}

fn request_host(headers: &HeaderMap, uri: &axum::http::Uri) -> Option<String> {
    match headers.get(header::HOST) {
        Some(value) => value.to_str().ok().map(str::to_string),
        None => uri.authority().map(|a| a.as_str().to_string()),
    }
}

/// A JSON-RPC error body (no id: the request was not read) with HTTP 403.
fn forbidden(message: &str) -> Response {
    jsonrpc_error(
        StatusCode::FORBIDDEN,
        SERVER_ERROR,
        &format!("Forbidden: {message}"),
    )
}

/// JSON-RPC 2.0 error codes.
const PARSE_ERROR: i32 = -32700;
const INVALID_REQUEST: i32 = -32600;
/// The implementation-defined "server error" code, for transport refusals.
const SERVER_ERROR: i32 = -32000;
/// Longest plain-text rmcp error kept as the message.
const MAX_MESSAGE_BYTES: usize = 1024;

/// A JSON-RPC error object without an id (the request was not understood) and its HTTP status.
fn jsonrpc_error(status: StatusCode, code: i32, message: &str) -> Response {
    let body = serde_json::json!({
        "jsonrpc": "2.0",
        "id": null,
        "error": { "code": code, "message": message },
    });
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        Body::from(body.to_string()),
    )
        .into_response()
}

/// JSON-RPC errors for what rmcp would refuse in plain text (see the module docs): a JSON body is
/// read here (up to `limit`) and must parse; rmcp's non-JSON error responses are rewritten. A
/// plain `tools/list` is answered from `tool_lists` once rmcp has answered one.
async fn transport_errors(
    limit: usize,
    tool_lists: Arc<ToolListAnswers>,
    request: Request,
    next: Next,
) -> Response {
    let mut parsed = false;
    let mut tool_list = None;
    let request = if request.method() == axum::http::Method::POST
        && crate::extract::has_media_type(request.headers(), "application/json")
    {
        let (parts, body) = request.into_parts();
        let bytes = match axum::body::to_bytes(body, limit).await {
            Ok(bytes) => bytes,
            Err(error) => {
                // A length-limit error, or the body could not be read (the timeout middleware
                // answers 408 when the client stalled).
                let too_large = std::error::Error::source(&error)
                    .is_some_and(|source| source.is::<http_body_util::LengthLimitError>());
                return if too_large {
                    jsonrpc_error(
                        StatusCode::PAYLOAD_TOO_LARGE,
                        SERVER_ERROR,
                        &format!("Payload Too Large: request body exceeds {limit} bytes"),
                    )
                } else {
                    jsonrpc_error(
                        StatusCode::BAD_REQUEST,
                        SERVER_ERROR,
                        "Bad Request: the request body could not be read",
                    )
                };
            }
        };
        if let Err(error) = serde_json::from_slice::<serde::de::IgnoredAny>(&bytes) {
            return jsonrpc_error(
                StatusCode::BAD_REQUEST,
                PARSE_ERROR,
                &format!("Parse error: {error}"),
            );
        }
        parsed = true;
        tool_list = PlainToolList::recognise(&parts.headers, &bytes);
        if let Some(answer) = tool_list.as_ref().and_then(|t| tool_lists.answer(t)) {
            return answer;
        }
        Request::from_parts(parts, Body::from(bytes))
    } else {
        request
    };
    let response = next.run(request).await;
    if let Some(tool_list) = tool_list.filter(|_| response.status() == StatusCode::OK) {
        return tool_lists.learn(&tool_list, response).await;
    }
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().contains("json"));
    if status.as_u16() < 400 || is_json {
        return response;
    }
    if parsed && status == StatusCode::UNSUPPORTED_MEDIA_TYPE {
        // rmcp's answer to a JSON body that is not a JSON-RPC message.
        return jsonrpc_error(
            StatusCode::BAD_REQUEST,
            INVALID_REQUEST,
            "Invalid Request: the body is not a JSON-RPC 2.0 message",
        );
    }
    let allow = response.headers().get(header::ALLOW).cloned();
    let text = axum::body::to_bytes(response.into_body(), MAX_MESSAGE_BYTES)
        .await
        .ok()
        .and_then(|bytes| String::from_utf8(bytes.to_vec()).ok())
        .map(|text| text.trim().to_string())
        .filter(|text| !text.is_empty() && !status.is_server_error())
        .unwrap_or_else(|| status.canonical_reason().unwrap_or("Error").to_string());
    let mut shaped = jsonrpc_error(status, SERVER_ERROR, &text);
    if let Some(allow) = allow {
        shaped.headers_mut().insert(header::ALLOW, allow);
    }
    shaped
}

#[cfg(test)]
mod tests {
    use super::{origin_authority, split_authority, AllowedHosts};

    #[test]
    fn authorities_split_into_host_and_port() {
        assert_eq!(
            split_authority("LocalHost:8787"),
            Some(("localhost".into(), Some(8787)))
        );
        assert_eq!(split_authority("[::1]"), Some(("::1".into(), None)));
        assert_eq!(split_authority("[::1]:80"), Some(("::1".into(), Some(80))));
        assert_eq!(
            split_authority("a.example"),
            Some(("a.example".into(), None))
        );
        assert_eq!(split_authority("a.example:x"), None);
        assert_eq!(split_authority("u@a.example"), None);
        assert_eq!(split_authority(""), None);
        assert_eq!(
            origin_authority("https://app.example"),
            Some(("app.example".into(), Some(443)))
        );
        assert_eq!(origin_authority("null"), None);
    }

    #[test]
    fn allow_list_matches_names_on_any_port_and_pinned_ports_exactly() {
        let hosts = AllowedHosts::new(&[
            "localhost".into(),
            "[::1]".into(),
            "api.example:8443".into(),
        ]);
        assert!(hosts.allows("localhost", Some(1234)));
        assert!(hosts.allows("localhost", None));
        assert!(hosts.allows("::1", Some(80)));
        assert!(hosts.allows("api.example", Some(8443)));
        assert!(!hosts.allows("api.example", Some(443)));
        assert!(!hosts.allows("evil.example", None));
        assert!(AllowedHosts::new(&["*".into()]).allows("evil.example", None));
    }

    #[test]
    fn default_hosts_are_loopback_and_the_public_urls_host() {
        let config = crate::ServerConfig::new("https://Orquestra.example.com:8443/base", vec![]);
        assert_eq!(
            config.mcp_allowed_hosts,
            ["localhost", "127.0.0.1", "[::1]", "orquestra.example.com"]
        );
        let config = crate::ServerConfig::new("http://[::1]:8787", vec![]);
        assert_eq!(
            config.mcp_allowed_hosts,
            ["localhost", "127.0.0.1", "[::1]"]
        );
        let hosts = AllowedHosts::new(&config.mcp_allowed_hosts);
        assert!(hosts.allows("::1", Some(8787)));
    }
}
