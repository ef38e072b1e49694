//! Cacheable GET responses: KV `CACHE` bodies tagged with the IDL version they were built from,
//! `ETag` and `If-None-Match`.
//!
//! A stored entry is `v{version} {etag}\n{body}`. The version tag makes a body built from an older
//! IDL (e.g. computed while an upload raced) a miss instead of an hour of stale answers.

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use orquestra_store::kv::Key;
use sha2::{Digest, Sha256};

use crate::AppState;

/// A strong ETag for a body.
pub fn etag_of(body: &[u8]) -> String {
    let digest = Sha256::digest(body);
    format!("\"{}\"", orquestra_idl::hex::encode(&digest[..12]))
}

fn split_entry(entry: &Bytes, version: i64) -> Option<(String, Bytes)> {
    let newline = entry.iter().position(|b| *b == b'\n')?;
    let head = std::str::from_utf8(&entry[..newline]).ok()?;
    let (tag_version, etag) = head.strip_prefix('v')?.split_once(' ')?;
    (tag_version.parse::<i64>().ok()? == version).then(|| {
        // A cache hit shares the stored body; it is never copied.
        (etag.to_string(), entry.slice(newline + 1..))
    })
}

/// The body stored at `key` for `version`, with its ETag, if any.
pub async fn lookup(state: &AppState, key: &Key, version: i64) -> Option<(String, Bytes)> {
    state
        .kv
        .get(key)
        .await
        .and_then(|entry| split_entry(&entry, version))
}

/// Stores `body` for `version` at `key`; returns its ETag.
pub async fn store(state: &AppState, key: &Key, version: i64, body: Vec<u8>) -> (String, Bytes) {
    let etag = etag_of(&body);
    let mut entry = format!("v{version} {etag}\n").into_bytes();
    entry.extend_from_slice(&body);
    state.kv.put(key, entry.into(), key.ttl()).await;
    (etag, Bytes::from(body))
}

/// The body stored at `key` for `version` (with its ETag), or `build`'s result, stored.
pub async fn cached_body(
    state: &AppState,
    key: &Key,
    version: i64,
    build: impl FnOnce() -> Result<Vec<u8>, crate::ApiError>,
) -> Result<(String, Bytes), crate::ApiError> {
    if let Some(hit) = lookup(state, key, version).await {
        return Ok(hit);
    }
    Ok(store(state, key, version, build()?).await)
}

/// Serves `key` for `version` from KV, or builds it with `build` and stores it.
pub async fn cached(
    state: &AppState,
    key: &Key,
    version: i64,
    content_type: &'static str,
    request_headers: &HeaderMap,
    build: impl FnOnce() -> Result<Vec<u8>, crate::ApiError>,
) -> Result<Response, crate::ApiError> {
    let (etag, body) = cached_body(state, key, version, build).await?;
    Ok(respond(request_headers, etag, body, content_type))
}

/// A 200 with `ETag`, or a 304 when the client already has it.
pub fn respond(
    request_headers: &HeaderMap,
    etag: String,
    body: Bytes,
    content_type: &'static str,
) -> Response {
    let matches = request_headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    let etag_value = HeaderValue::from_str(&etag).unwrap_or(HeaderValue::from_static("\"\""));
    if matches {
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, etag_value)]).into_response();
    }
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (header::ETAG, etag_value),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("private, no-cache"),
            ),
        ],
        body,
    )
        .into_response()
}

/// Serialises a JSON body and serves it with an `ETag` (for uncached views); a body that cannot
/// be serialised is a logged 500.
pub fn json_with_etag(request_headers: &HeaderMap, value: &impl serde::Serialize) -> Response {
    match serde_json::to_vec(value) {
        Ok(body) => respond(
            request_headers,
            etag_of(&body),
            Bytes::from(body),
            "application/json",
        ),
        Err(e) => crate::ApiError::internal(&e).into_response(),
    }
}
