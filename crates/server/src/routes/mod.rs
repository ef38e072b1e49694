//! Routes, one module per resource.

pub mod addresses;
pub mod auth;
pub mod build;
pub mod diff;
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
pub mod published;
pub mod socials;
pub mod transactions;

use axum::http::Uri;

use crate::ApiError;

/// Unknown paths get the JSON error shape, not an empty 404.
pub async fn not_found(uri: Uri) -> ApiError {
    ApiError::not_found(format!("no route for {}", uri.path()))
}
