//! What pages keep between requests, so a page costs about what its views cost over the API:
//!
//! * the REST views they read, by path, with the `ETag` each came with. Every use revalidates
//!   with a conditional in-process GET, so a kept view is never stale, and the route checks the
//!   visitor first, so a view kept for one visitor is only ever confirmed to another who may see
//!   it (an `ETag` is a hash of the bytes, which are the same for everyone who may);
//! * rendered sections, keyed by the `ETag`s of the views they were rendered from.

use std::any::Any;
use std::sync::Arc;

use axum::http::{HeaderValue, StatusCode};
use serde::de::DeserializeOwned;

use crate::rest::{Conditional, Refusal, Rest};

/// Bytes of views kept (counted as their JSON size).
const VIEW_BYTES: u64 = 32 * 1024 * 1024;
/// Bytes of rendered HTML kept.
const SECTION_BYTES: u64 = 32 * 1024 * 1024;

#[derive(Clone)]
struct Kept {
    etag: HeaderValue,
    value: Arc<dyn Any + Send + Sync>,
    bytes: u32,
}

pub struct PageCache {
    views: moka::sync::Cache<String, Kept>,
    sections: moka::sync::Cache<String, Arc<str>>,
}

impl Default for PageCache {
    fn default() -> Self {
        Self {
            views: moka::sync::Cache::builder()
                .max_capacity(VIEW_BYTES)
                .weigher(|path: &String, kept: &Kept| {
                    kept.bytes
                        .saturating_add(u32::try_from(path.len()).unwrap_or(u32::MAX))
                })
                .build(),
            sections: moka::sync::Cache::builder()
                .max_capacity(SECTION_BYTES)
                .weigher(|key: &String, html: &Arc<str>| {
                    u32::try_from(key.len() + html.len()).unwrap_or(u32::MAX)
                })
                .build(),
        }
    }
}

/// A view and the `ETag` it is current under (`None` when the route gives none).
pub struct View<T> {
    pub value: Arc<T>,
    pub etag: Option<HeaderValue>,
}

impl<T> View<T> {
    /// The tag as text, for section keys.
    pub fn tag(&self) -> &str {
        self.etag
            .as_ref()
            .and_then(|e| e.to_str().ok())
            .unwrap_or("-")
    }
}

impl PageCache {
    /// `GET path` through `rest`, answered from the kept copy when the route says it is current.
    pub async fn view<T>(&self, rest: &Rest<'_>, path: String) -> Result<View<T>, Refusal>
    where
        T: DeserializeOwned + Send + Sync + 'static,
    {
        let kept = self.views.get(&path).filter(|k| k.value.is::<T>());
        let answer = rest
            .get_if_changed::<T>(&path, kept.as_ref().map(|k| &k.etag))
            .await?;
        match (answer, kept) {
            (Conditional::NotModified, Some(kept)) => {
                let value = kept.value.downcast::<T>().map_err(|_| Refusal {
                    status: StatusCode::INTERNAL_SERVER_ERROR,
                    message: "internal error".into(),
                })?;
                Ok(View {
                    value,
                    etag: Some(kept.etag),
                })
            }
            (Conditional::NotModified, None) => Err(Refusal {
                status: StatusCode::INTERNAL_SERVER_ERROR,
                message: "304 to a request without a tag".into(),
            }),
            (Conditional::Fresh { etag, value, bytes }, _) => {
                let value = Arc::new(value);
                if let Some(etag) = &etag {
                    let kept = Kept {
                        etag: etag.clone(),
                        value: value.clone(),
                        bytes: u32::try_from(bytes).unwrap_or(u32::MAX),
                    };
                    self.views.insert(path, kept);
                }
                Ok(View { value, etag })
            }
        }
    }

    /// The section rendered under `key`, rendering it on a miss. A key made of `None` tags is
    /// not kept (there is nothing to tell a stale rendering by).
    pub fn section(
        &self,
        key: String,
        cacheable: bool,
        render: impl FnOnce() -> String,
    ) -> Arc<str> {
        if !cacheable {
            return Arc::from(render());
        }
        if let Some(html) = self.sections.get(&key) {
            return html;
        }
        let html: Arc<str> = Arc::from(render());
        self.sections.insert(key, html.clone());
        html
    }
}
