//! Every error code the API answers with, and the HTTP status that goes with it. One code means
//! one status, so a client can branch on either; the OpenAPI documents list the codes as an enum.

use serde::{Deserialize, Serialize};

macro_rules! error_codes {
    ($( $(#[doc = $doc:literal])* $variant:ident = $code:tt => $status:literal, )*) => {
        /// A stable `snake_case` error code (`error.code` in every error body).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
        // utoipa cannot read the per-variant `rename` through the macro, so the schema takes
        // its names from this; every code is its variant's snake_case name (a test checks it).
        #[serde(rename_all = "snake_case")]
        pub enum ErrorCode {
            $( $(#[doc = $doc])* #[serde(rename = $code)] $variant, )*
        }

        impl ErrorCode {
            /// Every code, in declaration order.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant),*];

            /// The code as it appears on the wire.
            pub const fn as_str(self) -> &'static str {
                match self { $(ErrorCode::$variant => $code,)* }
            }

            /// The HTTP status an error with this code is answered with.
            pub const fn status(self) -> u16 {
                match self { $(ErrorCode::$variant => $status,)* }
            }
        }
    };
}

error_codes! {
    // Generic codes, one per status, for errors with nothing more specific to say.
    /// The request is malformed.
    BadRequest = "bad_request" => 400,
    /// No credentials, or credentials that are not (or no longer) valid.
    Unauthorized = "unauthorized" => 401,
    /// Authenticated, but not allowed to do this.
    Forbidden = "forbidden" => 403,
    /// No such resource, or a private one the caller may not see (indistinguishable on purpose).
    NotFound = "not_found" => 404,
    MethodNotAllowed = "method_not_allowed" => 405,
    NotAcceptable = "not_acceptable" => 406,
    /// The client took too long to send the request.
    RequestTimeout = "request_timeout" => 408,
    /// The resource already exists.
    Conflict = "conflict" => 409,
    LengthRequired = "length_required" => 411,
    /// The body is larger than this route accepts.
    PayloadTooLarge = "payload_too_large" => 413,
    UriTooLong = "uri_too_long" => 414,
    UnsupportedMediaType = "unsupported_media_type" => 415,
    /// Valid JSON whose content is wrong; `details` point at each field at fault.
    ValidationFailed = "validation_failed" => 422,
    /// Too many requests from this client for this route class; see `Retry-After`.
    RateLimited = "rate_limited" => 429,
    HeadersTooLarge = "headers_too_large" => 431,
    /// Any other client error status.
    ClientError = "client_error" => 400,
    /// Something failed on the server; the details are in its log, not in the response.
    Internal = "internal" => 500,
    NotImplemented = "not_implemented" => 501,
    BadGateway = "bad_gateway" => 502,
    /// The request took longer than the server allows for one request.
    Unavailable = "unavailable" => 503,
    GatewayTimeout = "gateway_timeout" => 504,
    /// Any other server error status.
    ServerError = "server_error" => 500,

    // Request shape.
    /// The body is not JSON, or not the JSON this route takes.
    MalformedJson = "malformed_json" => 400,
    /// A query parameter is malformed.
    BadQuery = "bad_query" => 400,
    /// The whole-request time limit was reached.
    Timeout = "timeout" => 503,

    // Sign-in.
    /// A cookie-authenticated unsafe request came from a foreign origin.
    CsrfRejected = "csrf_rejected" => 403,
    GithubNotConfigured = "github_not_configured" => 503,
    GithubDenied = "github_denied" => 403,
    GithubBadCode = "github_bad_code" => 400,
    GithubError = "github_error" => 502,
    GithubUnreachable = "github_unreachable" => 502,
    GithubTimeout = "github_timeout" => 504,
    /// The OAuth `state` does not match the one issued.
    InvalidState = "invalid_state" => 400,

    // Projects and IDLs.
    /// The IDL cannot be read as a whole; `details` point into it.
    InvalidIdl = "invalid_idl" => 422,
    /// The instruction, account or event exists but its IDL definition is broken.
    IdlItemUnusable = "idl_item_unusable" => 422,
    /// A per-project limit (e.g. known addresses) is reached.
    LimitReached = "limit_reached" => 409,
    /// The project has no IDL version with the number asked for (`?version=`).
    VersionNotFound = "version_not_found" => 404,
    /// The program has published no IDL on the cluster (no Anchor IDL account, no Program
    /// Metadata `idl` account).
    IdlNotPublished = "idl_not_published" => 404,

    // Program values and transactions.
    UnknownInstruction = "unknown_instruction" => 404,
    InstructionNotFound = "instruction_not_found" => 404,
    /// Instruction arguments do not match the IDL; `details` point at each one.
    InvalidArgs = "invalid_args" => 422,
    InvalidEncoding = "invalid_encoding" => 422,
    UnknownAccountType = "unknown_account_type" => 422,
    /// The account data's discriminator matches no account of the IDL (or not the one named).
    DiscriminatorMismatch = "discriminator_mismatch" => 422,
    /// The account data does not decode as the account type; `details` say where.
    UndecodableAccountData = "undecodable_account_data" => 422,
    NoMatchingAccountType = "no_matching_account_type" => 422,
    /// An account the build needs to read does not exist on the chosen cluster.
    AccountNotOnChain = "account_not_on_chain" => 422,
    UnresolvableAccounts = "unresolvable_accounts" => 422,
    NoProgramId = "no_program_id" => 422,
    InvalidProgramId = "invalid_program_id" => 422,
    InvalidFeePayer = "invalid_fee_payer" => 422,
    InvalidAddress = "invalid_address" => 422,
    InvalidIdlAddress = "invalid_idl_address" => 422,
    UnknownAccounts = "unknown_accounts" => 422,
    /// An account given twice (a dotted path and a nested group) with different addresses.
    ConflictingAccounts = "conflicting_accounts" => 422,
    MissingAccounts = "missing_accounts" => 422,
    NeedsAccountData = "needs_account_data" => 422,
    InvalidAccountData = "invalid_account_data" => 422,
    InvalidBlockhash = "invalid_blockhash" => 422,
    NoInstructions = "no_instructions" => 422,
    DuplicateComputeBudget = "duplicate_compute_budget" => 422,
    MessageCompileError = "message_compile_error" => 422,
    SerializeError = "serialize_error" => 422,
    TransactionTooLarge = "transaction_too_large" => 422,
    MalformedTransaction = "malformed_transaction" => 422,

    // PDAs.
    TooManySeeds = "too_many_seeds" => 422,
    SeedTooLong = "seed_too_long" => 422,
    MissingSeedValue = "missing_seed_value" => 422,
    InvalidSeedValue = "invalid_seed_value" => 422,
    UnknownArgType = "unknown_arg_type" => 422,
    InvalidPdaProgram = "invalid_pda_program" => 422,
    NoViableBump = "no_viable_bump" => 422,
    /// The instruction has no account of that name.
    AccountNotFound = "account_not_found" => 404,
    NotAPda = "not_a_pda" => 404,
    PdaNotFound = "pda_not_found" => 404,

    // Solana RPC.
    UnknownCluster = "unknown_cluster" => 400,
    InvalidRpcUrl = "invalid_rpc_url" => 400,
    InvalidArgument = "invalid_argument" => 400,
    CustomRpcNotAllowed = "custom_rpc_not_allowed" => 403,
    RpcPrivateAddress = "rpc_private_address" => 403,
    RpcTimeout = "rpc_timeout" => 504,
    RpcTransportError = "rpc_transport_error" => 502,
    RpcHttpError = "rpc_http_error" => 502,
    RpcResponseTooLarge = "rpc_response_too_large" => 502,
    RpcError = "rpc_error" => 502,
    RpcInvalidResponse = "rpc_invalid_response" => 502,
}

impl ErrorCode {
    /// The generic code for an error status without a more specific one.
    pub fn for_status(status: u16) -> ErrorCode {
        match status {
            400 => Self::BadRequest,
            401 => Self::Unauthorized,
            403 => Self::Forbidden,
            404 => Self::NotFound,
            405 => Self::MethodNotAllowed,
            406 => Self::NotAcceptable,
            408 => Self::RequestTimeout,
            409 => Self::Conflict,
            411 => Self::LengthRequired,
            413 => Self::PayloadTooLarge,
            414 => Self::UriTooLong,
            415 => Self::UnsupportedMediaType,
            422 => Self::ValidationFailed,
            429 => Self::RateLimited,
            431 => Self::HeadersTooLarge,
            500 => Self::Internal,
            501 => Self::NotImplemented,
            502 => Self::BadGateway,
            503 => Self::Unavailable,
            504 => Self::GatewayTimeout,
            n if n < 500 => Self::ClientError,
            _ => Self::ServerError,
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<&str> for ErrorCode {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// The body of every error response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// What went wrong.
    pub error: ErrorObject,
}

/// The error itself: a stable code, a human message and, when fields are at fault, the details.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ErrorObject {
    /// Stable `snake_case` code, e.g. `not_found`, `validation_failed`; it fixes the status.
    pub code: ErrorCode,
    /// Human-readable explanation; never a stack trace or SQL.
    pub message: String,
    /// One entry per field at fault; absent when there are none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<ErrorDetail>,
}

/// A field-level problem: JSON pointer into the request (or the IDL) and what is wrong there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// JSON pointer to the part of the request at fault (`""` for the whole body, `?name` for a
    /// query parameter).
    #[schema(example = "/programId")]
    pub path: String,
    /// What is wrong there.
    #[schema(example = "already used")]
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_snake_case_and_serialise_as_themselves() {
        let mut seen = std::collections::HashSet::new();
        for code in ErrorCode::ALL {
            let text = code.as_str();
            assert!(seen.insert(text), "{text} twice");
            assert!(
                text.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'),
                "{text}"
            );
            assert_eq!(
                serde_json::to_value(code).ok(),
                Some(serde_json::Value::from(text))
            );
            assert!((400..600).contains(&code.status()), "{text}");
        }
    }

    #[test]
    fn the_schema_lists_exactly_the_codes_on_the_wire() {
        let schema = crate::component_schemas::<ErrorCode>();
        let listed = schema.first().map(|(_, s)| s["enum"].clone());
        let codes: Vec<&str> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(listed, Some(serde_json::json!(codes)));
    }

    #[test]
    fn generic_codes_round_trip_their_status() {
        for status in [
            400, 401, 403, 404, 405, 409, 413, 422, 429, 500, 502, 503, 504,
        ] {
            assert_eq!(ErrorCode::for_status(status).status(), status);
        }
        assert_eq!(ErrorCode::for_status(418), ErrorCode::ClientError);
    }
}
