//! Cacheable GET responses: KV `CACHE` bodies tagged with the IDL version they were built from,
//! `ETag` and `If-None-Match`.
//!
//! A stored entry is `v{version} {etag}\n{body}`. The version tag makes a body built from an older
//! IDL (e.g. computed while an upload raced) a miss instead of an hour of stale answers.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use orquestra_store::kv::Key;
use sha2::{Digest, Sha256};

use crate::AppState;

/// The request's `If-None-Match`: the one request header a cacheable response depends on (taken
/// alone, so handlers do not copy the whole header map).
pub struct IfNoneMatch(Option<HeaderValue>);

impl<S: Send + Sync> FromRequestParts<S> for IfNoneMatch {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(parts.headers.get(header::IF_NONE_MATCH).cloned()))
    }
}

impl IfNoneMatch {
    /// Whether the client already has the body tagged `etag`.
    pub fn matches(&self, etag: &HeaderValue) -> bool {
        self.0
            .as_ref()
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| {
                v.split(',')
                    .map(str::trim)
                    .any(|t| t.as_bytes() == etag.as_bytes() || t == "*")
            })
    }
}

/// A strong ETag for a body.
pub fn etag_of(body: &[u8]) -> HeaderValue {
    let digest = Sha256::digest(body);
    let etag = format!("\"{}\"", orquestra_idl::hex::encode(&digest[..12]));
    // Quotes and hex digits: always a valid header value.
    HeaderValue::from_str(&etag).unwrap_or(HeaderValue::from_static("\"\""))
}

fn split_entry(entry: &Bytes, version: i64) -> Option<(HeaderValue, Bytes)> {
    let newline = entry.iter().position(|b| *b == b'\n')?;
    let head = std::str::from_utf8(&entry[..newline]).ok()?;
    let (tag_version, etag) = head.strip_prefix('v')?.split_once(' ')?;
    if tag_version.parse::<i64>().ok()? != version {
        return None;
    }
    // A cache hit shares the stored entry for both the ETag and the body; nothing is copied.
    let etag_start = newline - etag.len();
    let etag = HeaderValue::from_maybe_shared(entry.slice(etag_start..newline)).ok()?;
    Some((etag, entry.slice(newline + 1..)))
}

/// The body stored at `key` for `version`, with its ETag, if any.
pub async fn lookup(state: &AppState, key: &Key, version: i64) -> Option<(HeaderValue, Bytes)> {
    state
        .kv
        .get(key)
        .await
        .and_then(|entry| split_entry(&entry, version))
}

/// Stores `body` for `version` at `key`; returns its ETag.
pub async fn store(
    state: &AppState,
    key: &Key,
    version: i64,
    body: Vec<u8>,
) -> (HeaderValue, Bytes) {
    let etag = etag_of(&body);
    let mut entry = format!("v{version} ").into_bytes();
    entry.extend_from_slice(etag.as_bytes());
    entry.push(b'\n');
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
) -> Result<(HeaderValue, Bytes), crate::ApiError> {
    let hit = lookup(state, key, version).await;
    state.metrics.view_cache(hit.is_some());
    if let Some(hit) = hit {
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
    if_none_match: &IfNoneMatch,
    build: impl FnOnce() -> Result<Vec<u8>, crate::ApiError>,
) -> Result<Response, crate::ApiError> {
    let (etag, body) = cached_body(state, key, version, build).await?;
    Ok(respond(if_none_match, etag, body, content_type))
}

/// A 200 with `ETag`, or a 304 when the client already has it.
pub fn respond(
    if_none_match: &IfNoneMatch,
    etag: HeaderValue,
    body: Bytes,
    content_type: &'static str,
) -> Response {
    if if_none_match.matches(&etag) {
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response();
    }
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (header::ETAG, etag),
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
pub fn json_with_etag(if_none_match: &IfNoneMatch, value: &impl serde::Serialize) -> Response {
    match serde_json::to_vec(value) {
        Ok(body) => respond(
            if_none_match,
            etag_of(&body),
            Bytes::from(body),
            "application/json",
        ),
        Err(e) => crate::ApiError::internal(&e).into_response(),
    }
}
