//! `tools/list` answered from bytes. The tool list is the same for every caller (it carries every
//! tool's input and output schema, ~80 KB), and rmcp serialises it afresh for each request, which
//! cost ~100 µs of CPU per call. The first plain `tools/list` of each protocol version goes through
//! rmcp as usual; the `result` of its answer is kept verbatim, and later plain requests of that
//! version get it back with their own id — byte for byte what rmcp would have sent.
//!
//! "Plain" is narrow on purpose: anything rmcp might answer differently (a cursor, `_meta`,
//! session or other `Mcp-*` headers, an `Accept` rmcp refuses, an unknown protocol version) goes
//! to rmcp.

use std::sync::RwLock;

use axum::body::Body;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use bytes::Bytes;
use rmcp::model::ProtocolVersion;
use serde::Deserialize;
use serde_json::value::RawValue;

/// What rmcp's answer looks like once it is known, per protocol version.
#[derive(Default)]
pub struct ToolListAnswers {
    /// (the request's `MCP-Protocol-Version`, the serialised `result`); at most one entry per
    /// known version plus one for no header.
    results: RwLock<Vec<(Option<HeaderValue>, Bytes)>>,
}

/// A `tools/list` request whose answer depends only on its id and protocol version.
pub struct PlainToolList {
    version: Option<HeaderValue>,
    /// The request id, as JSON.
    id: Box<RawValue>,
}

/// The only fields a plain request has.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Message<'a> {
    jsonrpc: &'a str,
    id: Id<'a>,
    method: &'a str,
    #[serde(default)]
    params: Option<serde_json::Map<String, serde_json::Value>>,
}

/// A JSON-RPC id as rmcp reads it: an integer or a string.
#[derive(Deserialize)]
#[serde(untagged)]
enum Id<'a> {
    Number(i64),
    Text(std::borrow::Cow<'a, str>),
}

/// rmcp's JSON answer, read without re-serialising its `result`.
#[derive(Deserialize)]
struct Answer<'a> {
    #[serde(borrow)]
    result: &'a RawValue,
}

impl PlainToolList {
    /// `Some` when `body` (already known to be JSON) with `headers` is a plain `tools/list`.
    pub fn recognise(headers: &HeaderMap, body: &[u8]) -> Option<Self> {
        let message: Message = serde_json::from_slice(body).ok()?;
        let plain = message.jsonrpc == "2.0"
            && message.method == "tools/list"
            && message.params.is_none_or(|params| params.is_empty())
            && accepts_json_and_sse(headers)
            && headers
                .keys()
                .filter(|name| name.as_str().starts_with("mcp-"))
                .all(|name| name == "mcp-protocol-version");
        if !plain {
            return None;
        }
        let version = match headers.get("mcp-protocol-version") {
            None => None,
            Some(value) => {
                let known = ProtocolVersion::KNOWN_VERSIONS
                    .iter()
                    .any(|v| value.to_str().is_ok_and(|value| v.as_str() == value));
                if !known {
                    return None;
                }
                Some(value.clone())
            }
        };
        let id = match message.id {
            Id::Number(n) => serde_json::value::to_raw_value(&n),
            Id::Text(text) => serde_json::value::to_raw_value(&text),
        }
        .ok()?;
        Some(Self { version, id })
    }
}

impl ToolListAnswers {
    /// The answer to `request`, if this version's result is known.
    pub fn answer(&self, request: &PlainToolList) -> Option<Response> {
        let results = self.results.read().ok()?;
        let (_, result) = results.iter().find(|(v, _)| *v == request.version)?;
        let id = request.id.get();
        let mut body = Vec::with_capacity(result.len() + id.len() + 40);
        body.extend_from_slice(br#"{"jsonrpc":"2.0","id":"#);
        body.extend_from_slice(id.as_bytes());
        body.extend_from_slice(br#","result":"#);
        body.extend_from_slice(result);
        body.push(b'}');
        let mut response = Response::new(Body::from(body));
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        Some(response)
    }

    /// Keeps the `result` of rmcp's `response` to `request` (a 200 JSON answer) and gives back an
    /// equivalent response.
    pub async fn learn(&self, request: &PlainToolList, response: Response) -> Response {
        let is_json = response
            .headers()
            .get(header::CONTENT_TYPE)
            .is_some_and(|v| v == "application/json");
        if response.status() != StatusCode::OK || !is_json {
            return response;
        }
        let (parts, body) = response.into_parts();
        let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
            return Response::from_parts(parts, Body::empty());
        };
        if let Ok(answer) = serde_json::from_slice::<Answer>(&bytes) {
            let result = Bytes::copy_from_slice(answer.result.get().as_bytes());
            if let Ok(mut results) = self.results.write() {
                if !results.iter().any(|(v, _)| *v == request.version) {
                    results.push((request.version.clone(), result));
                }
            }
        }
        Response::from_parts(parts, Body::from(bytes))
    }
}

/// Whether `Accept` names both types rmcp requires of a POST.
fn accepts_json_and_sse(headers: &HeaderMap) -> bool {
    let mut json = false;
    let mut sse = false;
    for value in headers.get_all(header::ACCEPT) {
        for essence in value
            .to_str()
            .unwrap_or("")
            .split(',')
            .filter_map(|t| t.split(';').next())
        {
            json |= essence.trim().eq_ignore_ascii_case("application/json");
            sse |= essence.trim().eq_ignore_ascii_case("text/event-stream");
        }
    }
    json && sse
}
