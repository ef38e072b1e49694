//! Typed errors of the RPC client, each with its API error code.
//!
//! Messages never contain a full RPC URL: operator URLs often carry an API key in the
//! query string, so only host names appear here.

use orquestra_api::ErrorCode;
use serde_json::Value;

/// Everything that can go wrong choosing an endpoint or talking to it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RpcError {
    /// The request named a cluster that is not one of the four known ones.
    #[error("unknown cluster \"{name}\" (expected mainnet-beta, devnet, testnet or localnet)")]
    UnknownCluster { name: String },

    /// The request's own `rpcUrl` names a host that is not on the operator's allow-list.
    #[error("custom RPC host \"{host}\" is not allowed on this server")]
    CustomRpcNotAllowed { host: String },

    /// An allow-listed host resolved to a private/loopback/link-local/… address that is not itself listed.
    #[error("custom RPC host \"{host}\" resolves to the non-public address {ip}")]
    PrivateAddress { host: String, ip: String },

    /// A malformed URL (unparsable, wrong scheme, user info, no host).
    #[error("invalid RPC URL: {reason}")]
    InvalidUrl { reason: String },

    /// A malformed argument to a method (e.g. a public key that is not 32 bytes of base58).
    #[error("invalid argument: {0}")]
    InvalidArgument(String),

    /// The node did not answer within the configured time.
    #[error("RPC request to {host} timed out after {timeout_ms} ms")]
    Timeout { host: String, timeout_ms: u64 },

    /// Connection refused/reset/closed, DNS failure, TLS failure…
    #[error("RPC transport error: {0}")]
    Transport(String),

    /// The node answered with a non-2xx HTTP status (redirects included: they are never followed).
    #[error("RPC node answered HTTP {status}: {body_snippet}")]
    HttpStatus { status: u16, body_snippet: String },

    /// The response body exceeded the byte cap for this call.
    #[error("RPC response exceeded {limit} bytes")]
    ResponseTooLarge { limit: usize },

    /// The node's own JSON-RPC error object.
    #[error("RPC error {code}: {message}")]
    Rpc {
        code: i64,
        message: String,
        data: Option<Value>,
    },

    /// A 2xx answer that is not the JSON-RPC shape expected for the method.
    #[error("invalid RPC response: {0}")]
    InvalidResponse(String),
}

impl RpcError {
    /// A stable code for the error body; the HTTP status goes with the code.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::UnknownCluster { .. } => ErrorCode::UnknownCluster,
            Self::CustomRpcNotAllowed { .. } => ErrorCode::CustomRpcNotAllowed,
            Self::PrivateAddress { .. } => ErrorCode::RpcPrivateAddress,
            Self::InvalidUrl { .. } => ErrorCode::InvalidRpcUrl,
            Self::InvalidArgument(_) => ErrorCode::InvalidArgument,
            Self::Timeout { .. } => ErrorCode::RpcTimeout,
            Self::Transport(_) => ErrorCode::RpcTransportError,
            Self::HttpStatus { .. } => ErrorCode::RpcHttpError,
            Self::ResponseTooLarge { .. } => ErrorCode::RpcResponseTooLarge,
            Self::Rpc { .. } => ErrorCode::RpcError,
            Self::InvalidResponse(_) => ErrorCode::RpcInvalidResponse,
        }
    }

    pub(crate) fn invalid_url(reason: impl Into<String>) -> Self {
        Self::InvalidUrl {
            reason: reason.into(),
        }
    }

    pub(crate) fn invalid_response(reason: impl Into<String>) -> Self {
        Self::InvalidResponse(reason.into())
    }
}

/// A bad `ORQUESTRA_RPC_*` setting, reported with the variable at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{var}: {message}")]
pub struct ConfigError {
    pub var: &'static str,
    pub message: String,
}

impl ConfigError {
    pub(crate) fn new(var: &'static str, message: impl Into<String>) -> Self {
        Self {
            var,
            message: message.into(),
        }
    }
}
