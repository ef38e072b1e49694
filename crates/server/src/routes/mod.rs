//! Routes, one module per resource.

pub mod addresses;
pub mod auth;
pub mod build;
pub mod discovery;
pub mod docs;
pub mod health;
pub mod idl;
pub mod keys;
pub mod lists;
pub mod onchain;
pub mod pda;
pub mod program;
pub mod projects;
pub mod socials;
pub mod transactions;

use axum::http::Uri;
use serde::{Deserialize, Deserializer};

use crate::ApiError;

/// Unknown paths get the JSON error shape, not an empty 404.
pub async fn not_found(uri: Uri) -> ApiError {
    ApiError::not_found(format!("no route for {}", uri.path()))
}

/// For `Option<Option<T>>` fields: absent → `None` (keep), `null` → `Some(None)` (clear).
pub fn nullable<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}
