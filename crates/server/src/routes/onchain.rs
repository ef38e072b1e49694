//! Reading a program's accounts back as JSON: `GET /api/{projectId}/pda/fetch/{address}` (one
//! account, its type identified by discriminator and decoded),
//! `POST /api/{projectId}/program-accounts/query` (`getProgramAccounts` with typed filters) and
//! `POST /api/{projectId}/accounts/decode` (account data the caller already has, no RPC).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use orquestra_api::ErrorCode;
use orquestra_idl::{CodecError, CodecErrorCode, Discriminator, ItemKind, Program};
use orquestra_rpc::{Account, Filter, ProgramAccountsQuery};
use serde::Deserialize;
use serde_json::{json, Map, Value};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::Principal;
use crate::chain::endpoint;
use crate::error::ErrorBody;
use crate::extract::{JsonBody, QueryParams};
use crate::programs::{ensure_usable, load};
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

/// Account data decoded with the IDL (as `account_type` when given, else the type its
/// discriminator identifies): the part every route shows the same way,
/// `{accountType, data, trailingBytes}`.
fn decode_data(
    program: &Program,
    data: &[u8],
    account_type: Option<&str>,
) -> Result<Map<String, Value>, DecodeFailure> {
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
    let mut out = Map::new();
    out.insert("accountType".into(), def.name.clone().into());
    out.insert("data".into(), decoded.value);
    out.insert("trailingBytes".into(), decoded.trailing_bytes.into());
    Ok(out)
}

/// An on-chain account decoded with the program's IDL: by `account_type` when given, else by
/// discriminator.
fn decode_account(
    program: &Program,
    address: &str,
    account: &Account,
    account_type: Option<&str>,
    include_raw: bool,
) -> Value {
    let mut out = json!({
        "address": address,
        "owner": account.owner,
        "lamports": account.lamports,
        "executable": account.executable,
        "rentEpoch": account.rent_epoch,
        "space": account.space,
        "accountType": Value::Null,
        "data": Value::Null,
    });
    let mut raw = include_raw;
    match decode_data(program, &account.data, account_type) {
        Ok(decoded) => {
            if let Value::Object(out) = &mut out {
                out.extend(decoded);
            }
        }
        Err(DecodeFailure::Codec { account, error: e }) => {
            out["accountType"] = account.into();
            out["parseError"] = json!({ "code": e.code, "path": e.path, "message": e.message });
            raw = true;
        }
        Err(DecodeFailure::UnknownType { .. } | DecodeFailure::NoMatch) => raw = true,
    }
    if raw {
        out["raw"] = orquestra_tx::encoding::to_base64(&account.data).into();
    }
    out
}

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
struct FetchQuery {
    cluster: Option<String>,
    network: Option<String>,
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
    params(("project_id" = String, Path, description = "Project id"), ("address" = String, Path, description = "Account address (base58)"), FetchQuery),
    security((), ("bearerAuth" = []), ("apiKeyAuth" = [])),
    responses(
        (status = 200, description = "`{address, owner, lamports, accountType, data, raw?, parseError?}`", body = Object),
        (status = 400, description = "Bad address, query or cluster", body = ErrorBody),
        (status = 401, description = "Invalid credentials", body = ErrorBody),
        (status = 403, description = "A custom `rpcUrl` that is not allow-listed or is private", body = ErrorBody),
        (status = 404, description = "Project or account not found", body = ErrorBody),
        (status = 502, description = "The RPC failed", body = ErrorBody),
        (status = 504, description = "The RPC timed out", body = ErrorBody),
    ),
)]
async fn fetch(
    State(state): State<AppState>,
    principal: Principal,
    Path((id, address)): Path<(String, String)>,
    QueryParams(q): QueryParams<FetchQuery>,
) -> Result<Json<Value>, ApiError> {
    validate::pubkey("/address", &address).map_err(|e| ApiError {
        status: StatusCode::BAD_REQUEST,
        ..e
    })?;
    let loaded = load(&state, &principal, &id, None).await?;
    if let Some(name) = q.account_type.as_deref() {
        ensure_usable(&loaded.program, ItemKind::Account, name)?;
    }
    let endpoint = endpoint(
        &state,
        q.cluster.as_deref().or(q.network.as_deref()),
        q.rpc_url.as_deref(),
    )
    .await?;
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
    let mut body = decode_account(
        &loaded.program,
        &address,
        &account,
        q.account_type.as_deref(),
        q.include_raw.unwrap_or(false),
    );
    body["ownedByProgram"] = (account.owner == loaded.project.program_id).into();
    body["network"] = endpoint.network().into();
    Ok(Json(body))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct FieldFilter {
    /// Field path in the decoded account (`owner`, `/config/authority`, `config.authority`).
    field: String,
    /// The value, canonical JSON of the field's type.
    #[schema(value_type = Object)]
    value: Value,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct MemcmpFilter {
    offset: u64,
    /// Base58 bytes.
    bytes: String,
}

#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct QueryBody {
    account_type: Option<String>,
    cluster: Option<String>,
    network: Option<String>,
    rpc_url: Option<String>,
    data_size: Option<u64>,
    #[serde(default)]
    memcmp: Vec<MemcmpFilter>,
    #[serde(default)]
    field_filters: Vec<FieldFilter>,
    limit: Option<usize>,
    #[serde(default)]
    include_raw: bool,
}

/// The account type's identity as RPC filters: byte discriminators as memcmp, size as dataSize.
fn type_filters(
    program: &Program,
    name: &str,
    applied: &mut Vec<Value>,
) -> Result<Vec<Filter>, ApiError> {
    let def = program.find_account(name).ok_or_else(|| {
        ApiError::invalid(
            "/accountType",
            format!("no account type {name:?} in this IDL"),
        )
    })?;
    let mut filters = Vec::new();
    if !def.prefix.is_empty() {
        filters.push(Filter::memcmp(0, &def.prefix));
        applied.push(json!({ "type": "memcmp", "offset": 0, "hex": orquestra_tx::encoding::to_hex(&def.prefix), "source": format!("accountType:{}", def.name) }));
    }
    for discriminator in &def.discriminators {
        match discriminator {
            Discriminator::Bytes { offset, bytes } if !(*offset == 0 && *bytes == def.prefix) => {
                filters.push(Filter::memcmp(*offset as u64, bytes));
                applied.push(json!({ "type": "memcmp", "offset": offset, "hex": orquestra_tx::encoding::to_hex(bytes), "source": format!("accountType:{}", def.name) }));
            }
            Discriminator::Size { size } => {
                filters.push(Filter::DataSize(*size as u64));
                applied.push(json!({ "type": "dataSize", "dataSize": size, "source": format!("accountType:{}", def.name) }));
            }
            _ => {}
        }
    }
    if filters.is_empty() {
        return Err(ApiError::invalid(
            "/accountType",
            format!("account type {name:?} has no discriminator to filter on"),
        ));
    }
    Ok(filters)
}

/// A field filter as a memcmp at the field's fixed offset, with the value encoded by its type.
fn field_filter(
    program: &Program,
    account: &str,
    index: usize,
    filter: &FieldFilter,
    applied: &mut Vec<Value>,
) -> Result<Filter, ApiError> {
    let pointer = format!("/fieldFilters/{index}");
    let layout = program
        .account_layout(account)
        .map_err(|e| ApiError::invalid("/accountType", e.message))?;
    let wanted = format!(
        "/{}",
        filter.field.trim_start_matches('/').replace('.', "/")
    );
    let field = layout
        .fields
        .iter()
        .find(|f| f.path == wanted)
        .ok_or_else(|| {
            ApiError::invalid(
                format!("{pointer}/field"),
                format!("{account} has no field {}", filter.field),
            )
        })?;
    let offset = field.offset.ok_or_else(|| {
        ApiError::invalid(
            format!("{pointer}/field"),
            format!(
                "{} follows a variable-size field: its offset is not fixed",
                filter.field
            ),
        )
    })?;
    // Encode the value with the field's own type, found by walking the decoded shape.
    let ty = field_type(program, account, &wanted)
        .ok_or_else(|| ApiError::invalid(format!("{pointer}/field"), "cannot type this field"))?;
    let bytes = program
        .encode_value(&ty, &filter.value)
        .map_err(|e| ApiError::invalid(format!("{pointer}/value{}", e.path), e.message))?;
    if bytes.is_empty() || bytes.len() > orquestra_rpc::MAX_MEMCMP_BYTES {
        return Err(ApiError::invalid(
            format!("{pointer}/value"),
            "the encoded value must be 1..=128 bytes",
        ));
    }
    applied.push(json!({ "type": "memcmp", "offset": offset, "hex": orquestra_tx::encoding::to_hex(&bytes), "source": format!("field:{}", filter.field) }));
    Ok(Filter::memcmp(offset as u64, &bytes))
}

/// The type of the field at `pointer` (`/a/b`) inside account `account`.
fn field_type(program: &Program, account: &str, pointer: &str) -> Option<orquestra_idl::Type> {
    let mut ty = program.find_account(account)?.ty.clone();
    for segment in pointer.trim_start_matches('/').split('/') {
        let resolved = match &ty {
            orquestra_idl::Type::Defined { name, .. } => {
                program.find_type(name).map(|t| t.ty.clone())?
            }
            other => other.clone(),
        };
        let orquestra_idl::Type::Struct { fields } = resolved.unwrapped().clone() else {
            return None;
        };
        ty = fields.into_iter().find(|f| f.name == segment)?.ty;
    }
    Some(ty)
}

/// `getProgramAccounts` with typed filters (account type, field values at their layout offsets),
/// each result decoded with the IDL.
#[utoipa::path(
    post,
    path = "/api/{project_id}/program-accounts/query",
    tag = "accounts",
    operation_id = "queryProgramAccounts",
    params(("project_id" = String, Path, description = "Project id")),
    request_body = QueryBody,
    security((), ("bearerAuth" = []), ("apiKeyAuth" = [])),
    responses(
        (status = 200, description = "`{filtersApplied, matched, count, accounts: [...]}`", body = Object),
        (status = 400, description = "Malformed JSON or unknown cluster", body = ErrorBody),
        (status = 401, description = "Invalid credentials", body = ErrorBody),
        (status = 403, description = "A custom `rpcUrl` that is not allow-listed or is private", body = ErrorBody),
        (status = 404, description = "Project not found", body = ErrorBody),
        (status = 422, description = "Bad filters (JSON pointer)", body = ErrorBody),
        (status = 502, description = "The RPC failed", body = ErrorBody),
        (status = 504, description = "The RPC timed out", body = ErrorBody),
    ),
)]
async fn query(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<QueryBody>,
) -> Result<Json<Value>, ApiError> {
    let limit = body.limit.unwrap_or(25);
    if limit == 0 || limit > MAX_LIMIT {
        return Err(ApiError::invalid(
            "/limit",
            format!("must be 1..={MAX_LIMIT}"),
        ));
    }
    if body.memcmp.len() + body.field_filters.len() > 8 {
        return Err(ApiError::invalid(
            "/memcmp",
            "at most 8 memcmp and field filters together",
        ));
    }
    let loaded = load(&state, &principal, &id, None).await?;
    let program = &loaded.program;
    let mut applied = Vec::new();
    let mut filters = Vec::new();
    if let Some(name) = &body.account_type {
        ensure_usable(program, ItemKind::Account, name)?;
        filters.extend(type_filters(program, name, &mut applied)?);
    }
    if let Some(size) = body.data_size {
        filters.push(Filter::DataSize(size));
        applied.push(json!({ "type": "dataSize", "dataSize": size, "source": "dataSize" }));
    }
    for (index, m) in body.memcmp.iter().enumerate() {
        let bytes = bs58::decode(&m.bytes)
            .into_vec()
            .map_err(|_| ApiError::invalid(format!("/memcmp/{index}/bytes"), "expected base58"))?;
        if bytes.is_empty() || bytes.len() > orquestra_rpc::MAX_MEMCMP_BYTES {
            return Err(ApiError::invalid(
                format!("/memcmp/{index}/bytes"),
                "must be 1..=128 bytes",
            ));
        }
        filters.push(Filter::memcmp(m.offset, &bytes));
        applied.push(json!({ "type": "memcmp", "offset": m.offset, "hex": orquestra_tx::encoding::to_hex(&bytes), "source": "memcmp" }));
    }
    if !body.field_filters.is_empty() {
        let account = body.account_type.as_deref().ok_or_else(|| {
            ApiError::invalid(
                "/accountType",
                "fieldFilters need accountType to know the field offsets",
            )
        })?;
        for (index, filter) in body.field_filters.iter().enumerate() {
            filters.push(field_filter(program, account, index, filter, &mut applied)?);
        }
    }
    if filters.is_empty() {
        return Err(ApiError::invalid(
            "/accountType",
            "give accountType, dataSize, memcmp or fieldFilters: unfiltered queries are refused",
        ));
    }
    let endpoint = endpoint(
        &state,
        body.cluster.as_deref().or(body.network.as_deref()),
        body.rpc_url.as_deref(),
    )
    .await?;
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
    let accounts: Vec<Value> = found
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
    Ok(Json(json!({
        "projectId": loaded.project.id,
        "programId": loaded.project.program_id,
        "version": loaded.version,
        "network": endpoint.network(),
        "slot": found.slot,
        "filtersApplied": applied,
        "matched": total,
        "count": accounts.len(),
        "accounts": accounts,
    })))
}

/// How `data` is written in a decode request.
#[derive(Deserialize, Default, Clone, Copy, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
enum DataEncoding {
    #[default]
    Base64,
    Base58,
    Hex,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct DecodeBody {
    /// The account's data (all of it, discriminator included), in `encoding`.
    data: String,
    /// Decode as this account type (either casing); by default the type is identified by its
    /// discriminator.
    account_type: Option<String>,
    /// `base64` (default), `base58` or `hex` (optional `0x`).
    encoding: Option<DataEncoding>,
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

/// Decodes account data the caller already has with the project's latest IDL: the type is
/// identified by its discriminator (or given as `accountType`); no RPC call. The decoded part
/// (`accountType`, `data`, `trailingBytes`) is the same as `GET /api/{projectId}/pda/fetch/{address}`'s.
#[utoipa::path(
    post,
    path = "/api/{project_id}/accounts/decode",
    tag = "accounts",
    operation_id = "decodeAccount",
    params(("project_id" = String, Path, description = "Project id")),
    request_body = DecodeBody,
    security((), ("bearerAuth" = []), ("apiKeyAuth" = [])),
    responses(
        (status = 200, description = "`{projectId, programId, version, accountType, data, trailingBytes, space}`", body = Object),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "Invalid credentials", body = ErrorBody),
        (status = 404, description = "Project not found, or it has no IDL yet", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 415, description = "Not `application/json`", body = ErrorBody),
        (status = 422, description = "`data` not in its encoding (`invalid_encoding`), an unknown `accountType` (`unknown_account_type`), data matching no account type (`no_matching_account_type`), or data that does not decode as the type (`discriminator_mismatch`, `undecodable_account_data`, with the byte offset); details point at `/data` or `/accountType`", body = ErrorBody),
    ),
)]
async fn decode(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<DecodeBody>,
) -> Result<Json<Value>, ApiError> {
    let data = data_bytes(&body.data, body.encoding.unwrap_or_default())?;
    let loaded = load(&state, &principal, &id, None).await?;
    let program = &loaded.program;
    let decoded = decode_data(program, &data, body.account_type.as_deref())
        .map_err(|failure| decode_failure(program, failure))?;
    let mut out = Map::new();
    out.insert("projectId".into(), loaded.project.id.clone().into());
    out.insert("programId".into(), loaded.project.program_id.clone().into());
    out.insert("version".into(), loaded.version.into());
    out.extend(decoded);
    out.insert("space".into(), data.len().into());
    Ok(Json(Value::Object(out)))
}
