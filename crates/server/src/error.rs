//! The one error shape of the HTTP API (DESIGN §5).

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use orquestra_store::StoreError;
use serde::Serialize;

/// A field-level problem: JSON pointer into the request (or the IDL) and what is wrong there.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// JSON pointer to the part of the request at fault (`""` for the whole body, `?name` for a
    /// query parameter).
    #[schema(example = "/programId")]
    pub path: String,
    /// What is wrong there.
    #[schema(example = "already used")]
    pub message: String,
}

/// An error response: status, stable snake_case code, human message, optional details.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub details: Vec<ErrorDetail>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            details: Vec::new(),
        }
    }

    /// Adds one field-level detail.
    pub fn with_detail(mut self, path: impl Into<String>, message: impl Into<String>) -> Self {
        self.details.push(ErrorDetail {
            path: path.into(),
            message: message.into(),
        });
        self
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    /// Absent, or private to someone else: the two are indistinguishable on purpose.
    pub fn project_not_found() -> Self {
        Self::not_found("project not found")
    }

    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized", message)
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", message)
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }

    /// Valid JSON whose content is wrong: one detail per field at fault.
    pub fn invalid(path: impl Into<String>, message: impl Into<String>) -> Self {
        let message = message.into();
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            message.clone(),
        )
        .with_detail(path, message)
    }

    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, "conflict", message)
    }

    /// Storage failures: logged in full, reported without internals.
    pub fn internal(error: &dyn std::fmt::Display) -> Self {
        tracing::error!(%error, "internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "internal error",
        )
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Conflict { what } => ApiError::conflict(format!("{what} already exists")),
            StoreError::NotFound { what } => ApiError::not_found(format!("{what} not found")),
            other => ApiError::internal(&other),
        }
    }
}

// Also the OpenAPI `ErrorBody` component, so the platform document describes exactly what is
// serialised.
/// The body of every error response (DESIGN §5).
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = ErrorBody)]
pub(crate) struct Body<'a> {
    error: Inner<'a>,
}

/// The error itself: a stable code, a human message and, when fields are at fault, the details.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = ErrorObject)]
pub(crate) struct Inner<'a> {
    /// Stable `snake_case` code, e.g. `not_found`, `validation_failed`.
    #[schema(example = "validation_failed")]
    code: &'a str,
    /// Human-readable explanation; never a stack trace or SQL.
    message: &'a str,
    /// One entry per field at fault; absent when there are none.
    #[serde(skip_serializing_if = "<[ErrorDetail]>::is_empty")]
    details: &'a [ErrorDetail],
}

/// The `ErrorBody` schema, for `#[utoipa::path(responses(... body = ErrorBody))]`.
pub(crate) type ErrorBody = Body<'static>;

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = Body {
            error: Inner {
                code: self.code,
                message: &self.message,
                details: &self.details,
            },
        };
        let mut response = (self.status, Json(body)).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"orquestra\""),
            );
        }
        response
    }
}
