//! Typed errors of the RPC client and their HTTP mapping (DESIGN §5).
//!
//! Messages never contain a full RPC URL: operator URLs often carry an API key in the
//! query string, so only host names appear here.

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
    /// The HTTP status the API should answer with (DESIGN §5): 400 for bad input, 403 for a
    /// refused custom RPC, 504 for a timeout, 502 for every other upstream failure.
    pub fn http_status(&self) -> u16 {
        match self {
            Self::UnknownCluster { .. } | Self::InvalidUrl { .. } | Self::InvalidArgument(_) => 400,
            Self::CustomRpcNotAllowed { .. } | Self::PrivateAddress { .. } => 403,
            Self::Timeout { .. } => 504,
            Self::Transport(_)
            | Self::HttpStatus { .. }
            | Self::ResponseTooLarge { .. }
            | Self::Rpc { .. }
            | Self::InvalidResponse(_) => 502,
        }
    }

    /// A stable snake_case code for the error body.
    pub fn code(&self) -> &'static str {
        match self {
            Self::UnknownCluster { .. } => "unknown_cluster",
            Self::CustomRpcNotAllowed { .. } => "custom_rpc_not_allowed",
            Self::PrivateAddress { .. } => "rpc_private_address",
            Self::InvalidUrl { .. } => "invalid_rpc_url",
            Self::InvalidArgument(_) => "invalid_argument",
            Self::Timeout { .. } => "rpc_timeout",
            Self::Transport(_) => "rpc_transport_error",
            Self::HttpStatus { .. } => "rpc_http_error",
            Self::ResponseTooLarge { .. } => "rpc_response_too_large",
            Self::Rpc { .. } => "rpc_error",
            Self::InvalidResponse(_) => "rpc_invalid_response",
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
