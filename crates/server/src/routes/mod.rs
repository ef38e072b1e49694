//! Routes, one module per resource.

pub mod health;

use axum::http::Uri;

use crate::ApiError;

/// Unknown paths get the JSON error shape, not an empty 404.
pub async fn not_found(uri: Uri) -> ApiError {
    ApiError::not_found(format!("no route for {}", uri.path()))
}
