#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Every error response is JSON in the error shape (`{"error":{"code","message","details"?}}`),
//! and every error of `/mcp` is a JSON-RPC error object: a sweep over the router with every
//! method, odd paths, bad encodings and oversize bodies, on a real socket.
//!
//! The one exception is a request line hyper refuses before any of our code runs: a URI longer
//! than 65,534 bytes is answered `414` with an empty body by hyper's HTTP/1 parser (the limit is a
//! constant in hyper and in `http::Uri`; there is no hook to shape that response).

mod common;

use common::{start, As, TestServer};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Largest submission body (`submission::MAX_BODY_BYTES`): IDL + CPI.md + envelope.
const MAX_SUBMISSION_BYTES: usize = 10 * 1024 * 1024 + 5 * 1024 * 1024 + 64 * 1024;

/// A response as seen on the wire.
#[derive(Debug)]
struct Raw {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Raw {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }
}

/// Sends `head` (without the final blank line; `Connection: close` is added) and `body`.
async fn raw(server: &TestServer, head: &str, body: &[u8]) -> Raw {
    let addr = server.base.strip_prefix("http://").unwrap();
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let request = format!("{head}\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    // The server may answer (and close) before reading everything.
    let _ = stream.write_all(body).await;
    let mut bytes = Vec::new();
    let _ = tokio::time::timeout(
        std::time::Duration::from_secs(30),
        stream.read_to_end(&mut bytes),
    )
    .await
    .expect("the server answers and closes");
    parse(&bytes)
}

fn parse(bytes: &[u8]) -> Raw {
    let split = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no response head in {:?}", String::from_utf8_lossy(bytes)));
    let head = String::from_utf8_lossy(&bytes[..split]).to_string();
    let mut lines = head.split("\r\n");
    let status = lines.next().unwrap()[9..12].parse().unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    let mut body = bytes[split + 4..].to_vec();
    let chunked = headers.iter().any(|(n, v)| {
        n.eq_ignore_ascii_case("transfer-encoding") && v.eq_ignore_ascii_case("chunked")
    });
    if chunked {
        let mut out = Vec::new();
        let mut rest = body.as_slice();
        loop {
            let line_end = rest.windows(2).position(|w| w == b"\r\n").unwrap();
            let size = usize::from_str_radix(
                String::from_utf8_lossy(&rest[..line_end])
                    .split(';')
                    .next()
                    .unwrap()
                    .trim(),
                16,
            )
            .unwrap();
            rest = &rest[line_end + 2..];
            if size == 0 {
                break;
            }
            out.extend_from_slice(&rest[..size]);
            rest = &rest[size + 2..];
        }
        body = out;
    }
    Raw {
        status,
        headers,
        body,
    }
}

/// The REST error shape, strictly: `error.code` a snake_case string, `error.message` a non-empty
/// string, `details` (if any) an array of `{path, message}` strings, nothing else.
fn assert_shape(what: &str, status: u16, content_type: Option<&str>, body: &Value) {
    assert!(
        content_type.is_some_and(|t| t.starts_with("application/json")),
        "{what}: {status} with content-type {content_type:?}: {body}"
    );
    let object = body
        .as_object()
        .unwrap_or_else(|| panic!("{what}: {status} {body}"));
    assert_eq!(object.len(), 1, "{what}: {body}");
    let error = body["error"]
        .as_object()
        .unwrap_or_else(|| panic!("{what}: {body}"));
    let code = error["code"]
        .as_str()
        .unwrap_or_else(|| panic!("{what}: {body}"));
    assert!(
        !code.is_empty() && code.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
        "{what}: code {code:?}"
    );
    assert!(
        error["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{what}: {body}"
    );
    for key in error.keys() {
        assert!(
            ["code", "message", "details"].contains(&key.as_str()),
            "{what}: {body}"
        );
    }
    if let Some(details) = error.get("details") {
        for detail in details.as_array().unwrap() {
            assert!(
                detail["path"].is_string() && detail["message"].is_string(),
                "{what}: {body}"
            );
        }
    }
}

/// A JSON-RPC 2.0 error object without an id.
fn assert_jsonrpc_error(what: &str, status: u16, content_type: Option<&str>, body: &Value) -> i64 {
    assert!(
        content_type.is_some_and(|t| t.starts_with("application/json")),
        "{what}: {status} with content-type {content_type:?}: {body}"
    );
    assert_eq!(body["jsonrpc"], "2.0", "{what}: {body}");
    assert!(body.get("id").is_some(), "{what}: {body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "{what}: {body}"
    );
    body["error"]["code"]
        .as_i64()
        .unwrap_or_else(|| panic!("{what}: {body}"))
}

/// Sends with reqwest; asserts the shape when the status is an error.
async fn check(
    server: &TestServer,
    who: &As,
    method: &str,
    path: &str,
    body: Option<(&str, Vec<u8>)>,
) -> (u16, Value) {
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let mut request = server
        .http
        .request(method.clone(), format!("{}{path}", server.base));
    request = match who {
        As::Anonymous => request,
        As::Bearer(t) => request.bearer_auth(t),
        As::Key(k) => request.header("x-api-key", k),
    };
    if path.starts_with("/mcp") {
        request = request.header("accept", "application/json, text/event-stream");
    } else {
        // An API client; a browser gets HTML pages from the routes made for browsers.
        request = request.header("accept", "application/json");
    }
    if let Some((content_type, bytes)) = body {
        request = request.header("content-type", content_type).body(bytes);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string());
    let text = response.bytes().await.unwrap();
    let value: Value = serde_json::from_slice(&text).unwrap_or_else(|_| {
        Value::String(String::from_utf8_lossy(&text).chars().take(300).collect())
    });
    let what = format!("{method} {}", &path[..path.len().min(80)]);
    if status >= 400 {
        if path == "/mcp" {
            assert_jsonrpc_error(&what, status, content_type.as_deref(), &value);
        } else {
            assert_shape(&what, status, content_type.as_deref(), &value);
        }
    }
    (status, value)
}

/// Every documented path, with placeholders filled in.
async fn documented_paths(server: &TestServer) -> Vec<String> {
    let doc: Value = server
        .http
        .get(format!("{}/openapi.json", server.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    doc["paths"]
        .as_object()
        .unwrap()
        .keys()
        .map(|path| {
            path.split('/')
                .map(|s| if s.starts_with('{') { "x" } else { s })
                .collect::<Vec<_>>()
                .join("/")
        })
        .collect()
}

#[tokio::test]
async fn every_method_on_every_route_errs_in_the_shape() {
    let server = start().await;
    let (_, owner) = server.user(1).await;
    let mut paths = documented_paths(&server).await;
    paths.extend(
        [
            "/mcp",
            "/nothing/here",
            "/api",
            "/api/nothing/here",
            "/mcp/x",
        ]
        .map(String::from),
    );
    let mut seen = std::collections::BTreeMap::<u16, usize>::new();
    for path in &paths {
        for method in ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"] {
            for who in [&As::Anonymous, &owner] {
                let body = matches!(method, "POST" | "PUT" | "PATCH")
                    .then(|| ("application/json", b"{}".to_vec()));
                let (status, _) = check(&server, who, method, path, body).await;
                *seen.entry(status).or_default() += 1;
            }
        }
    }
    // The sweep did meet the interesting statuses.
    for status in [400, 401, 404, 405, 422] {
        assert!(seen.contains_key(&status), "no {status} in {seen:?}");
    }
    // 405 keeps its `Allow`.
    let response = server
        .http
        .patch(format!("{}/api/projects", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 405);
    let allow = response.headers()["allow"].to_str().unwrap().to_string();
    assert!(allow.contains("GET") && allow.contains("POST"), "{allow}");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "method_not_allowed");
}

#[tokio::test]
async fn odd_paths_err_in_the_shape() {
    let server = start().await;
    let long = |n: usize| format!("/api/{}", "a".repeat(n));
    let cases: Vec<(String, Option<u16>)> = vec![
        ("GET /api/%ff%fe/instructions".into(), Some(400)),
        ("GET /api/%ff%fe/instructions/%ff".into(), Some(400)),
        ("POST /api/%ff%fe/instructions/x/build".into(), Some(400)),
        ("GET /api/x/%00".into(), None),
        ("GET /api/%00/instructions".into(), None),
        ("GET //".into(), Some(404)),
        ("GET ///api//projects".into(), Some(404)),
        ("GET /no/such/route".into(), Some(404)),
        ("DELETE /health".into(), Some(405)),
        ("TRACE /api/projects".into(), Some(405)),
        ("GET /project/%ff/llms.txt".into(), Some(400)),
        (format!("GET {}", long(60_000)), Some(404)),
    ];
    for (line, expected) in cases {
        let response = raw(&server, &format!("{line} HTTP/1.1"), b"").await;
        let what = &line[..line.len().min(60)];
        if let Some(expected) = expected {
            assert_eq!(response.status, expected, "{what}: {response:?}");
        }
        assert!(response.status >= 400, "{what}: {response:?}");
        assert_shape(
            what,
            response.status,
            response.header("content-type"),
            &response.json(),
        );
    }
    // The documented exception: hyper refuses a URI over 65,534 bytes itself (empty 414).
    let response = raw(&server, &format!("GET {} HTTP/1.1", long(100 * 1024)), b"").await;
    assert_eq!(response.status, 414);
    assert!(response.body.is_empty(), "{response:?}");
}

#[tokio::test]
async fn bad_encodings_and_oversize_bodies_err_in_the_shape() {
    let server = start().await;
    let (_, owner) = server.user(1).await;
    let json = "application/json";
    let cases: Vec<(&As, &str, Vec<u8>, u16)> = vec![
        // Invalid UTF-8 inside a JSON string.
        (
            &As::Anonymous,
            json,
            b"{\"transaction\":\"\xff\xfe\"}".to_vec(),
            400,
        ),
        (&As::Anonymous, json, b"{".to_vec(), 400),
        (&As::Anonymous, json, b"".to_vec(), 400),
        (&As::Anonymous, "text/plain", b"{}".to_vec(), 415),
        (
            &As::Anonymous,
            "application/x-www-form-urlencoded",
            b"a=b".to_vec(),
            415,
        ),
        // Over the ordinary body limit (64 KiB in the tests).
        (&As::Anonymous, json, vec![b' '; 70 * 1024], 413),
    ];
    for (who, content_type, body, expected) in cases {
        let (status, value) = check(
            &server,
            who,
            "POST",
            "/api/transactions/decode",
            Some((content_type, body)),
        )
        .await;
        assert_eq!(status, expected, "{content_type}: {value}");
    }
    for (body, expected) in [
        (b"{".to_vec(), 400),
        (b"{\"name\":\"\xff\"}".to_vec(), 400),
        // Just over the submission limit (so the unread rest fits the socket buffers).
        (
            {
                let mut big = b"{\"name\":\"".to_vec();
                big.resize(MAX_SUBMISSION_BYTES + 1024, b'a');
                big
            },
            413,
        ),
    ] {
        let (status, value) = check(
            &server,
            &owner,
            "POST",
            "/api/idl/upload",
            Some((json, body)),
        )
        .await;
        assert_eq!(status, expected, "{value}");
    }
    let (status, _) = check(
        &server,
        &owner,
        "POST",
        "/api/idl/upload",
        Some(("text/csv", b"a,b".to_vec())),
    )
    .await;
    assert_eq!(status, 415);
    // Path and query rejections.
    let (status, _) = check(
        &server,
        &As::Anonymous,
        "GET",
        "/api/projects?limit=abc",
        None,
    )
    .await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn mcp_errors_are_jsonrpc_errors() {
    let server = start().await;
    let json = "application/json";
    let ping = json!({"jsonrpc": "2.0", "id": 1, "method": "ping"}).to_string();
    // (content type, body, status, JSON-RPC code)
    let cases: Vec<(&str, Vec<u8>, u16, i64)> = vec![
        (json, b"{".to_vec(), 400, -32700),
        (json, b"{\"jsonrpc\":".to_vec(), 400, -32700),
        (json, b"\xff\xfe".to_vec(), 400, -32700),
        (json, b"".to_vec(), 400, -32700),
        (json, b"{\"hello\":1}".to_vec(), 400, -32600),
        (json, b"[]".to_vec(), 400, -32600),
        ("text/plain", ping.clone().into_bytes(), 415, -32000),
        (
            json,
            {
                let mut big = ping.clone().into_bytes();
                big.extend(vec![b' '; 70 * 1024]);
                big
            },
            413,
            -32000,
        ),
    ];
    for (content_type, body, expected, code) in cases {
        let (status, value) = check(
            &server,
            &As::Anonymous,
            "POST",
            "/mcp",
            Some((content_type, body)),
        )
        .await;
        assert_eq!(status, expected, "{value}");
        assert_eq!(value["error"]["code"], code, "{value}");
        assert_eq!(value["id"], Value::Null, "{value}");
    }
    // A valid request still works.
    let (status, value) = check(
        &server,
        &As::Anonymous,
        "POST",
        "/mcp",
        Some((json, ping.into_bytes())),
    )
    .await;
    assert_eq!(status, 200, "{value}");
    assert_eq!(value["id"], 1);
    // Other transport refusals keep their status and carry a JSON-RPC error.
    for (method, accept, expected) in [
        ("GET", "text/event-stream", 405),
        ("DELETE", "application/json, text/event-stream", 405),
        ("POST", "text/html", 406),
    ] {
        let response = server
            .http
            .request(
                reqwest::Method::from_bytes(method.as_bytes()).unwrap(),
                format!("{}/mcp", server.base),
            )
            .header("accept", accept)
            .header("content-type", json)
            .body(json!({"jsonrpc": "2.0", "id": 1, "method": "ping"}).to_string())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), expected, "{method}");
        if expected == 405 {
            assert!(response.headers().contains_key("allow"));
        }
        let content_type = response
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_string());
        let value: Value = response.json().await.unwrap();
        assert_eq!(
            assert_jsonrpc_error(method, expected, content_type.as_deref(), &value),
            -32000
        );
    }
}
