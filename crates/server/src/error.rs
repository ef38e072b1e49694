//! The one error shape of the HTTP API: `orquestra_api::ErrorBody`, answered with the status of
//! its `ErrorCode`, and the conversions from engine errors so handlers can use `?`.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use orquestra_api::ErrorCode;
use orquestra_store::StoreError;

pub use orquestra_api::error::ErrorDetail;

/// An error response: status, stable snake_case code, human message, optional details.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: ErrorCode,
    pub message: String,
    pub details: Vec<ErrorDetail>,
}

impl ApiError {
    /// An error answered with the status that goes with `code`.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::from_u16(code.status())
                .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            code,
            message: message.into(),
            details: Vec::new(),
        }
    }

    /// The same error answered with another status: only for shaping error responses that
    /// something else (axum, hyper) already gave a status.
    pub(crate) fn with_status(mut self, status: StatusCode) -> Self {
        self.status = status;
        self
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
        Self::new(ErrorCode::NotFound, message)
    }

    /// Absent, or private to someone else: the two are indistinguishable on purpose.
    pub fn project_not_found() -> Self {
        Self::not_found("project not found")
    }

    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Unauthorized, message)
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Forbidden, message)
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::BadRequest, message)
    }

    /// Valid JSON whose content is wrong: one detail per field at fault.
    pub fn invalid(path: impl Into<String>, message: impl Into<String>) -> Self {
        let message = message.into();
        Self::new(ErrorCode::ValidationFailed, message.clone()).with_detail(path, message)
    }

    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Conflict, message)
    }

    /// Storage failures: logged in full, reported without internals.
    pub fn internal(error: &dyn std::fmt::Display) -> Self {
        tracing::error!(%error, "internal error");
        Self::new(ErrorCode::Internal, "internal error")
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

/// Engine errors carry their own code (and with it the status); details point at the field.
impl From<orquestra_tx::TxError> for ApiError {
    fn from(error: orquestra_tx::TxError) -> Self {
        let mut api = ApiError::new(error.code(), error.to_string());
        if let Some(path) = error.path() {
            api = api.with_detail(path, error.to_string());
        }
        api
    }
}

impl From<orquestra_tx::pda::PdaError> for ApiError {
    fn from(error: orquestra_tx::pda::PdaError) -> Self {
        let mut api = ApiError::new(error.code(), error.to_string());
        if let Some(path) = error.path() {
            api = api.with_detail(path, error.to_string());
        }
        api
    }
}

impl From<orquestra_tx::resolve::ResolveError> for ApiError {
    fn from(error: orquestra_tx::resolve::ResolveError) -> Self {
        let mut api = ApiError::new(error.code(), error.to_string());
        for (path, message) in error.details() {
            api = api.with_detail(path, message);
        }
        api
    }
}

/// RPC failures: bad input for the caller's choice of endpoint, 502/504 for the upstream.
impl From<orquestra_rpc::RpcError> for ApiError {
    fn from(error: orquestra_rpc::RpcError) -> Self {
        ApiError::new(error.code(), error.to_string())
    }
}

/// The `ErrorBody` schema, for `#[utoipa::path(responses(... body = ErrorBody))]`.
pub(crate) use orquestra_api::error::ErrorBody;

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: orquestra_api::error::ErrorObject {
                code: self.code,
                message: self.message,
                details: self.details,
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
