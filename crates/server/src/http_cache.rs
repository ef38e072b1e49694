//! Cacheable GET responses: KV `CACHE` bodies tagged with the IDL version they were built from,
//! `ETag` and `If-None-Match`.
//!
//! A stored entry is `v{version} {etag}\n{body}`. The version tag makes a body built from an older
//! IDL (e.g. computed while an upload raced) a miss instead of an hour of stale answers.
//!
//! With a shared KV (Redis), views of hundreds of KB would cross the network on every request, and
//! Redis would spend itself copying them. So each instance keeps a near copy of the entries it
//! read or wrote ([`NearViews`]) and, before serving one, reads only the head line of the shared
//! entry (`GETRANGE`): the ETag there is a hash of the body, so an equal head means an equal body,
//! and a deleted or replaced entry never matches. Invalidation stays exactly that of the shared KV.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use orquestra_store::kv::Key;
use orquestra_store::Kv;
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

/// The longest head line an entry can have: `v` + an `i64` + a space + a quoted ETag + newline.
const MAX_HEAD: usize = 64;

/// Near copies of shared-KV entries, bounded by their total size.
pub struct NearViews {
    entries: moka::sync::Cache<(orquestra_store::Namespace, String), Bytes>,
}

impl NearViews {
    pub fn new(max_bytes: u64) -> Self {
        Self {
            entries: moka::sync::Cache::builder()
                .max_capacity(max_bytes)
                .weigher(|_, entry: &Bytes| u32::try_from(entry.len()).unwrap_or(u32::MAX))
                .build(),
        }
    }

    /// The entry at `key`: the near copy when the shared head still matches it, else read whole
    /// (and kept) from the KV.
    async fn get(&self, kv: &dyn Kv, key: &Key) -> Option<Bytes> {
        let id = (key.namespace, key.key.clone());
        if let Some(near) = self.entries.get(&id) {
            let head = near.iter().position(|b| *b == b'\n').map(|n| n + 1);
            if let Some(head) = head.filter(|n| *n <= MAX_HEAD) {
                match kv.get_prefix(key, head).await {
                    Some(shared) if shared == near[..head] => return Some(near),
                    // Deleted: no need to read the whole value to learn that.
                    None => {
                        self.entries.invalidate(&id);
                        return None;
                    }
                    Some(_) => {}
                }
            }
        }
        let entry = kv.get(key).await?;
        self.entries.insert(id, entry.clone());
        Some(entry)
    }

    fn keep(&self, key: &Key, entry: Bytes) {
        self.entries.insert((key.namespace, key.key.clone()), entry);
    }
}

impl Default for NearViews {
    /// 64 MiB of near copies.
    fn default() -> Self {
        Self::new(64 * 1024 * 1024)
    }
}

/// The body stored at `key` for `version`, with its ETag, if any.
pub async fn lookup(state: &AppState, key: &Key, version: i64) -> Option<(HeaderValue, Bytes)> {
    let entry = if state.kv.is_shared() {
        state.near_views.get(state.kv.as_ref(), key).await
    } else {
        state.kv.get(key).await
    };
    entry.and_then(|entry| split_entry(&entry, version))
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
    let entry = Bytes::from(entry);
    if state.kv.is_shared() {
        state.near_views.keep(key, entry.clone());
    }
    state.kv.put(key, entry, key.ttl()).await;
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
