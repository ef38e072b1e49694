//! Reading a program's accounts back as JSON: `GET /api/{projectId}/pda/fetch/{address}` (one
//! account, its type identified by discriminator and decoded),
//! `POST /api/{projectId}/program-accounts/query` (`getProgramAccounts` with typed filters) and
//! `POST /api/{projectId}/accounts/decode` (account data the caller already has, no RPC).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use orquestra_api::account::{
    DataEncoding, DecodeAccountRequest, DecodeAccountResponse, DecodedAccount, FetchedAccount,
    ParseError, ProgramAccountsRequest, ProgramAccountsResponse,
};
use orquestra_api::transaction::Cluster;
use orquestra_api::ErrorCode;
use orquestra_idl::{CodecError, CodecErrorCode, ItemKind, Program};
use orquestra_rpc::{Account, Filter, ProgramAccountsQuery};
use orquestra_tx::{compile_filters, AccountFilter, TextEncoding};
use serde::Deserialize;
use serde_json::Value;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::Principal;
use crate::chain::endpoint;
use crate::error::ErrorBody;
use crate::extract::{JsonBody, QueryParams};
use crate::programs::{ensure_usable, load};
use crate::version::{Answered, Pinned, VersionQuery};
use crate::{validate, ApiError, AppState};

/// Most accounts one query returns.
const MAX_LIMIT: usize = 100;
/// Largest `getProgramAccounts` answer accepted (filters keep real queries far below this).
const MAX_QUERY_BYTES: usize = 64 * 1024 * 1024;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(fetch))
        .routes(routes!(query))
        .routes(routes!(decode))
}

/// Why account data could not be decoded with the IDL.
#[derive(Debug)]
enum DecodeFailure {
    /// The requested account type is not in the IDL.
    UnknownType { name: String },
    /// No account type's discriminator matches the data.
    NoMatch,
    /// The type is known, the bytes do not decode as it.
    Codec { account: String, error: CodecError },
}

/// Account data decoded with the IDL: the part every route shows the same way.
struct DecodedData {
    account_type: String,
    data: Value,
    trailing_bytes: usize,
}

/// Account data decoded with the IDL (as `account_type` when given, else the type its
/// discriminator identifies).
fn decode_data(
    program: &Program,
    data: &[u8],
    account_type: Option<&str>,
) -> Result<DecodedData, DecodeFailure> {
    let def = match account_type {
        Some(name) => program
            .find_account(name)
            .ok_or_else(|| DecodeFailure::UnknownType { name: name.into() })?,
        None => program
            .identify_account(data)
            .ok_or(DecodeFailure::NoMatch)?,
    };
    let decoded =
        program
            .decode_account(&def.name, data)
            .map_err(|error| DecodeFailure::Codec {
                account: def.name.clone(),
                error,
            })?;
    Ok(DecodedData {
        account_type: def.name.clone(),
        data: decoded.value,
        trailing_bytes: decoded.trailing_bytes,
    })
}

/// An on-chain account decoded with the program's IDL: by `account_type` when given, else by
/// discriminator.
fn decode_account(
    program: &Program,
    address: &str,
    account: &Account,
    account_type: Option<&str>,
    include_raw: bool,
) -> DecodedAccount {
    let mut out = DecodedAccount {
        address: address.to_string(),
        owner: account.owner.clone(),
        lamports: account.lamports,
        executable: account.executable,
        rent_epoch: account.rent_epoch,
        space: account.space,
        account_type: None,
        data: Value::Null,
        trailing_bytes: None,
        parse_error: None,
        raw: None,
    };
    let mut raw = include_raw;
    match decode_data(program, &account.data, account_type) {
        Ok(decoded) => {
            out.account_type = Some(decoded.account_type);
            out.data = decoded.data;
            out.trailing_bytes = Some(decoded.trailing_bytes);
        }
        Err(DecodeFailure::Codec { account, error: e }) => {
            out.account_type = Some(account);
            out.parse_error = Some(ParseError {
                code: serde_json::to_value(e.code)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default(),
                path: e.path,
                message: e.message,
            });
            raw = true;
        }
        Err(DecodeFailure::UnknownType { .. } | DecodeFailure::NoMatch) => raw = true,
    }
    if raw {
        out.raw = Some(orquestra_tx::encoding::to_base64(&account.data));
    }
    out
}

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
struct FetchQuery {
    /// The cluster to read (default `mainnet-beta`).
    cluster: Option<Cluster>,
    /// The older name of `cluster`.
    network: Option<Cluster>,
    rpc_url: Option<String>,
    account_type: Option<String>,
    include_raw: Option<bool>,
}

/// Fetches one account over RPC and decodes it with the IDL (type by discriminator, or `accountType`).
#[utoipa::path(
    get,
    path = "/api/{project_id}/pda/fetch/{address}",
    tag = "accounts",
    operation_id = "fetchAccount",
    params(("project_id" = String, Path, description = "Project id"), ("address" = String, Path, description = "Account address (base58)"), FetchQuery, VersionQuery),
    security((), ("bearerAuth" = []), ("apiKeyAuth" = [])),
    responses(
        (status = 200, description = "The account, decoded with the IDL when its type is known", body = FetchedAccount),
        (status = 400, description = "Bad address, query or cluster", body = ErrorBody),
        (status = 401, description = "Invalid credentials", body = ErrorBody),
        (status = 403, description = "A custom `rpcUrl` that is not allow-listed or is private", body = ErrorBody),
        (status = 404, description = "Project or account not found, or no such version (`version_not_found`)", body = ErrorBody),
        (status = 502, description = "The RPC failed", body = ErrorBody),
        (status = 504, description = "The RPC timed out", body = ErrorBody),
    ),
)]
async fn fetch(
    State(state): State<AppState>,
    principal: Principal,
    pinned: Pinned,
    Path((id, address)): Path<(String, String)>,
    QueryParams(q): QueryParams<FetchQuery>,
) -> Result<(Answered, Json<FetchedAccount>), ApiError> {
    validate::pubkey("/address", &address).map_err(|e| ApiError {
        status: StatusCode::BAD_REQUEST,
        ..e
    })?;
    let loaded = load(&state, &principal, &id, pinned).await?;
    if let Some(name) = q.account_type.as_deref() {
        ensure_usable(&loaded.program, ItemKind::Account, name)?;
    }
    let endpoint = endpoint(&state, q.cluster.or(q.network), q.rpc_url.as_deref()).await?;
    let account = state
        .rpc
        .get_account_info(&endpoint, &address)
        .await?
        .ok_or_else(|| {
            ApiError::not_found(format!(
                "account {address} does not exist on {}",
                endpoint.network()
            ))
        })?;
    if let Some(def) = loaded.program.identify_account(&account.data) {
        ensure_usable(&loaded.program, ItemKind::Account, &def.name)?;
    }
    let decoded = decode_account(
        &loaded.program,
        &address,
        &account,
        q.account_type.as_deref(),
        q.include_raw.unwrap_or(false),
    );
    let body = FetchedAccount {
        account: decoded,
        owned_by_program: account.owner == loaded.project.program_id,
        network: endpoint.network().into(),
    };
    Ok((loaded.answered(), Json(body)))
}

/// `getProgramAccounts` with typed filters (account type, field values at their layout offsets),
/// each result decoded with the IDL.
#[utoipa::path(
    post,
    path = "/api/{project_id}/program-accounts/query",
    tag = "accounts",
    operation_id = "queryProgramAccounts",
    params(("project_id" = String, Path, description = "Project id"), VersionQuery),
    request_body = ProgramAccountsRequest,
    security((), ("bearerAuth" = []), ("apiKeyAuth" = [])),
    responses(
        (status = 200, description = "The matching accounts, decoded, with the filters sent", body = ProgramAccountsResponse),
        (status = 400, description = "Malformed JSON, unknown cluster, or an invalid `version` query parameter", body = ErrorBody),
        (status = 401, description = "Invalid credentials", body = ErrorBody),
        (status = 403, description = "A custom `rpcUrl` that is not allow-listed or is private", body = ErrorBody),
        (status = 404, description = "Project not found, or no such version (`version_not_found`)", body = ErrorBody),
        (status = 413, description = "Body over the limit", body = ErrorBody),
        (status = 415, description = "Not `application/json`", body = ErrorBody),
        (status = 422, description = "Bad filters (JSON pointer)", body = ErrorBody),
        (status = 502, description = "The RPC failed", body = ErrorBody),
        (status = 504, description = "The RPC timed out", body = ErrorBody),
    ),
)]
async fn query(
    State(state): State<AppState>,
    principal: Principal,
    pinned: Pinned,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<ProgramAccountsRequest>,
) -> Result<(Answered, Json<ProgramAccountsResponse>), ApiError> {
    let limit = body.limit.unwrap_or(25);
    if limit == 0 || limit > MAX_LIMIT {
        return Err(ApiError::invalid(
            "/limit",
            format!("must be 1..={MAX_LIMIT}"),
        ));
    }
    let loaded = load(&state, &principal, &id, pinned).await?;
    let program = &loaded.program;
    if let Some(name) = &body.account_type {
        ensure_usable(program, ItemKind::Account, name)?;
    }
    let compiled = compile_filters(program, &body).map_err(|e| {
        ApiError::new(e.code(), e.message.clone()).with_detail(e.pointer, e.message)
    })?;
    let filters = compiled
        .filters
        .iter()
        .map(|filter| match filter {
            AccountFilter::DataSize(size) => Filter::DataSize(*size),
            AccountFilter::Memcmp { offset, bytes } => Filter::memcmp(*offset, bytes),
        })
        .collect();
    let endpoint = endpoint(&state, body.cluster(), body.rpc_url.as_deref()).await?;
    let query = ProgramAccountsQuery {
        filters,
        with_context: true,
        max_response_bytes: Some(MAX_QUERY_BYTES),
        ..ProgramAccountsQuery::default()
    };
    let mut found = state
        .rpc
        .get_program_accounts(&endpoint, &loaded.project.program_id, &query)
        .await?;
    found.accounts.sort_by(|a, b| a.0.cmp(&b.0));
    let total = found.accounts.len();
    let accounts: Vec<DecodedAccount> = found
        .accounts
        .iter()
        .take(limit)
        .map(|(address, account)| {
            decode_account(
                program,
                address,
                account,
                body.account_type.as_deref(),
                body.include_raw,
            )
        })
        .collect();
    Ok((
        loaded.answered(),
        Json(ProgramAccountsResponse {
            project_id: loaded.project.id.clone(),
            program_id: loaded.project.program_id.clone(),
            version: loaded.version,
            network: endpoint.network().into(),
            slot: found.slot,
            filters_applied: compiled.applied,
            matched: total,
            count: accounts.len(),
            accounts,
        }),
    ))
}

/// The bytes of `text` in `encoding`, or a 422 pointing at `/data`.
fn data_bytes(text: &str, encoding: DataEncoding) -> Result<Vec<u8>, ApiError> {
    let decoded = match encoding {
        DataEncoding::Base64 => orquestra_tx::Encoding::Base64
            .decode(text)
            .map_err(|e| e.to_string()),
        DataEncoding::Base58 => orquestra_tx::Encoding::Base58
            .decode(text)
            .map_err(|e| e.to_string()),
        DataEncoding::Hex => {
            orquestra_tx::encoding::from_hex(text.trim()).map_err(|e| format!("invalid hex: {e}"))
        }
    };
    decoded.map_err(|message| {
        ApiError::new(ErrorCode::InvalidEncoding, format!("data: {message}"))
            .with_detail("/data", message)
    })
}

/// A decode failure as the error response: the type named, or the codec's error (its byte
/// offset in the message, its field as a pointer into the decoded value).
fn decode_failure(program: &Program, failure: DecodeFailure) -> ApiError {
    match failure {
        DecodeFailure::UnknownType { name } => {
            let known: Vec<&str> = program.accounts.iter().map(|a| a.name.as_str()).collect();
            let message = if known.is_empty() {
                format!("no account type {name:?}: this IDL defines no account types")
            } else {
                format!(
                    "no account type {name:?} in this IDL; its account types are: {}",
                    known.join(", ")
                )
            };
            ApiError::new(ErrorCode::UnknownAccountType, message.clone())
                .with_detail("/accountType", message)
        }
        DecodeFailure::NoMatch => {
            let message = if program.accounts.is_empty() {
                "this IDL defines no account types".to_string()
            } else {
                "the data matches the discriminator of no account type of this IDL; \
                 give accountType to decode it as one"
                    .to_string()
            };
            ApiError::new(ErrorCode::NoMatchingAccountType, message.clone())
                .with_detail("/data", message)
        }
        DecodeFailure::Codec { account, error } => {
            if let Err(unusable) = ensure_usable(program, ItemKind::Account, &account) {
                return unusable;
            }
            let code = if error.code == CodecErrorCode::NoMatchingDiscriminator {
                ErrorCode::DiscriminatorMismatch
            } else {
                ErrorCode::UndecodableAccountData
            };
            let field = if error.path.is_empty() {
                String::new()
            } else {
                format!(" (field {})", error.path)
            };
            let message = format!("cannot decode as {account}{field}: {}", error.message);
            ApiError::new(code, message.clone()).with_detail("/data", message)
        }
    }
}

/// Decodes account data the caller already has with the project's IDL (the latest version, or `?version=`): the type is
/// identified by its discriminator (or given as `accountType`); no RPC call. The decoded part
/// (`accountType`, `data`, `trailingBytes`) is the same as `GET /api/{projectId}/pda/fetch/{address}`'s.
#[utoipa::path(
    post,
    path = "/api/{project_id}/accounts/decode",
    tag = "accounts",
    operation_id = "decodeAccount",
    params(("project_id" = String, Path, description = "Project id"), VersionQuery),
    request_body = DecodeAccountRequest,
    security((), ("bearerAuth" = []), ("apiKeyAuth" = [])),
    responses(
        (status = 200, description = "The data decoded with the IDL", body = DecodeAccountResponse),
        (status = 400, description = "Malformed JSON, or an invalid `version` query parameter", body = ErrorBody),
        (status = 401, description = "Invalid credentials", body = ErrorBody),
        (status = 404, description = "Project not found, it has no IDL yet, or no such version (`version_not_found`)", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 415, description = "Not `application/json`", body = ErrorBody),
        (status = 422, description = "`data` not in its encoding (`invalid_encoding`), an unknown `accountType` (`unknown_account_type`), data matching no account type (`no_matching_account_type`), or data that does not decode as the type (`discriminator_mismatch`, `undecodable_account_data`, with the byte offset); details point at `/data` or `/accountType`", body = ErrorBody),
    ),
)]
async fn decode(
    State(state): State<AppState>,
    principal: Principal,
    pinned: Pinned,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<DecodeAccountRequest>,
) -> Result<(Answered, Json<DecodeAccountResponse>), ApiError> {
    let data = data_bytes(&body.data, body.encoding.unwrap_or_default())?;
    let loaded = load(&state, &principal, &id, pinned).await?;
    let program = &loaded.program;
    let decoded = decode_data(program, &data, body.account_type.as_deref())
        .map_err(|failure| decode_failure(program, failure))?;
    Ok((
        loaded.answered(),
        Json(DecodeAccountResponse {
            project_id: loaded.project.id.clone(),
            program_id: loaded.project.program_id.clone(),
            version: loaded.version,
            account_type: decoded.account_type,
            data: decoded.data,
            trailing_bytes: decoded.trailing_bytes,
            space: data.len(),
        }),
    ))
}
