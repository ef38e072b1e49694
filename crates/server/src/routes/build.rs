//! The transaction builder: `POST /api/{projectId}/instructions/{name}/build` (unsigned
//! transaction, optionally simulated), `…/accounts` (resolved account metas only) and `…/data`
//! (instruction data + metas, for callers who compose their own transactions).

use orquestra_api::ErrorCode;
use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::Json;
use orquestra_api::transaction::{
    BlockhashSource, BuildRequest, BuildTransactionResponse, BuiltInstruction, FeeEstimate,
    InstructionAccountsResponse, InstructionData, InstructionDataResponse, MessageHeader,
    TransactionMessage,
};
use orquestra_idl::ItemKind;
use orquestra_rpc::{Endpoint, SimulateOptions};
use orquestra_tx::{
    build_transaction, flatten_accounts, resolve_accounts, ResolveError, ResolveRequest, Resolved,
    TextEncoding, TxSpec,
};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::Principal;
use crate::chain::{endpoint, simulation_view};
use crate::error::ErrorBody;
use crate::extract::JsonBody;
use crate::programs::{ensure_usable, load, Loaded};
use crate::version::{Answered, Pinned, VersionQuery};
use crate::{validate, ApiError, AppState};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(build))
        .routes(routes!(accounts))
        .routes(routes!(data))
}

/// How many rounds of "fetch the on-chain data resolution asked for" a build may take.
const MAX_FETCH_ROUNDS: usize = 3;

/// Lazily chosen RPC endpoint: only requests that need the chain pay for resolving it.
struct Chain<'a> {
    state: &'a AppState,
    request: &'a BuildRequest,
    endpoint: Option<Endpoint>,
}

impl Chain<'_> {
    async fn get(&mut self) -> Result<&Endpoint, ApiError> {
        if self.endpoint.is_none() {
            self.endpoint = Some(
                endpoint(
                    self.state,
                    self.request.cluster(),
                    self.request.rpc_url.as_deref(),
                )
                .await?,
            );
        }
        self.endpoint
            .as_ref()
            .ok_or_else(|| ApiError::internal(&"endpoint"))
    }
}

/// Encodes the data and resolves the accounts, fetching on-chain data resolution asks for.
async fn prepare(
    loaded: &Loaded,
    name: &str,
    request: &BuildRequest,
    chain: &mut Chain<'_>,
) -> Result<(String, Vec<u8>, Resolved), ApiError> {
    let args = serde_json::Value::Object(request.args.clone().unwrap_or_default());
    ensure_usable(&loaded.program, ItemKind::Instruction, name)?;
    let instruction = loaded.program.find_instruction(name).ok_or_else(|| {
        ApiError::new(
            ErrorCode::UnknownInstruction,
            format!("instruction {name:?} not found"),
        )
    })?;
    let data = loaded
        .program
        .encode_instruction(&instruction.name, &args)
        .map_err(|e| {
            let e = e.prefixed("/args");
            ApiError::new(ErrorCode::InvalidArgs, format!("{}: {}", e.path, e.message))
                .with_detail(e.path, e.message)
        })?;
    let mut resolve = ResolveRequest {
        program_id: Some(loaded.project.program_id.clone()),
        fee_payer: request.fee_payer.clone(),
        accounts: flatten_accounts(&request.accounts)?,
        args,
        account_data: HashMap::new(),
    };
    for _ in 0..=MAX_FETCH_ROUNDS {
        match resolve_accounts(&loaded.program, &instruction.name, &resolve) {
            Ok(resolved) => return Ok((instruction.name.clone(), data, resolved)),
            Err(ResolveError::NeedsAccountData {
                accounts,
                for_accounts,
            }) => {
                let state = chain.state;
                let endpoint = chain.get().await?;
                let keys: Vec<&str> = accounts.iter().map(String::as_str).collect();
                let fetched = state.rpc.get_multiple_accounts(endpoint, &keys).await?;
                for (pubkey, account) in accounts.iter().zip(fetched) {
                    let account = account.ok_or_else(|| {
                        let waiting = for_accounts.join(", ");
                        let mut error = ApiError::new(ErrorCode::AccountNotOnChain, format!("account {pubkey} does not exist on this cluster; it is needed to resolve {waiting} (pass them explicitly, or null for an optional account)"));
                        for name in &for_accounts {
                            error = error.with_detail(format!("/accounts/{name}"), "waits for on-chain data that does not exist");
                        }
                        error
                    })?;
                    resolve.account_data.insert(pubkey.clone(), account.data);
                }
            }
            Err(other) => return Err(other.into()),
        }
    }
    Err(ApiError::new(
        ErrorCode::UnresolvableAccounts,
        "accounts still depend on on-chain data after several fetches; pass them explicitly",
    ))
}

fn instruction_data(data: &[u8]) -> InstructionData {
    InstructionData {
        hex: orquestra_tx::encoding::to_hex(data),
        base64: orquestra_tx::encoding::to_base64(data),
    }
}

/// Builds an unsigned transaction (legacy or v0) for one instruction, resolving the accounts the
/// caller did not give; optionally simulates it and decodes a failure with the IDL.
#[utoipa::path(
    post,
    path = "/api/{project_id}/instructions/{name}/build",
    tag = "transactions",
    operation_id = "buildTransaction",
    params(("project_id" = String, Path, description = "Project id"), ("name" = String, Path, description = "Instruction name (either casing)"), VersionQuery),
    request_body = BuildRequest,
    security((), ("bearerAuth" = []), ("apiKeyAuth" = [])),
    responses(
        (status = 200, description = "The unsigned transaction, its message, instruction, signers and fee (and simulation when asked)", body = BuildTransactionResponse),
        (status = 400, description = "Malformed JSON, or an invalid `version` query parameter", body = ErrorBody),
        (status = 401, description = "Invalid credentials", body = ErrorBody),
        (status = 403, description = "A custom `rpcUrl` that is not allow-listed or is private", body = ErrorBody),
        (status = 404, description = "Project or instruction not found, or no such version (`version_not_found`)", body = ErrorBody),
        (status = 415, description = "Not `application/json`", body = ErrorBody),
        (status = 422, description = "Invalid args (JSON pointer), missing accounts (every one named), bad addresses", body = ErrorBody),
        (status = 502, description = "The RPC failed", body = ErrorBody),
        (status = 504, description = "The RPC timed out", body = ErrorBody),
    ),
)]
async fn build(
    State(state): State<AppState>,
    principal: Principal,
    pinned: Pinned,
    Path((id, name)): Path<(String, String)>,
    JsonBody(request): JsonBody<BuildRequest>,
) -> Result<(Answered, Json<BuildTransactionResponse>), ApiError> {
    let fee_payer = request
        .fee_payer
        .clone()
        .ok_or_else(|| ApiError::invalid("/feePayer", "is required"))?;
    validate::pubkey("/feePayer", &fee_payer)?;
    let encoding = request.encoding.unwrap_or_default();
    let version = request.version.unwrap_or_default();
    let loaded = load(&state, &principal, &id, pinned).await?;
    let mut chain = Chain {
        state: &state,
        request: &request,
        endpoint: None,
    };
    let (ix_name, data, resolved) = prepare(&loaded, &name, &request, &mut chain).await?;

    let (recent_blockhash, blockhash_source, last_valid) = match &request.recent_blockhash {
        Some(hash) => (hash.clone(), BlockhashSource::Client, None),
        None => {
            let endpoint = chain.get().await?.clone();
            let latest = state.rpc.get_latest_blockhash(&endpoint).await?;
            (
                latest.blockhash,
                BlockhashSource::Rpc,
                Some(latest.last_valid_block_height),
            )
        }
    };
    let spec = TxSpec {
        fee_payer: fee_payer.clone(),
        instructions: vec![resolved.to_instruction(data.clone())],
        recent_blockhash: recent_blockhash.clone(),
        version,
        compute_unit_limit: request.compute_unit_limit,
        compute_unit_price: request.compute_unit_price,
    };
    let built = build_transaction(&spec)?;
    let transaction = encoding.encode(&built.bytes);
    let mut body = BuildTransactionResponse {
        project_id: loaded.project.id.clone(),
        program_id: resolved.program_id.clone(),
        program_name: loaded.program.name.clone(),
        version: loaded.version,
        serialized_transaction: transaction.clone(),
        transaction,
        encoding,
        wire_format: built.version,
        message: TransactionMessage {
            header: MessageHeader::from_array(built.header),
            account_keys: built.message_accounts.clone(),
            recent_blockhash: recent_blockhash.clone(),
            last_valid_block_height: last_valid,
        },
        recent_blockhash,
        blockhash_source,
        instruction: BuiltInstruction {
            name: ix_name,
            program_id: resolved.program_id.clone(),
            data: instruction_data(&data),
            accounts: resolved.metas.clone(),
        },
        signers_required: built.signers_required.clone(),
        fee: FeeEstimate {
            lamports: built.fee_lamports,
            signatures: built.header[0],
            compute_unit_limit: built.compute_unit_limit,
            compute_unit_price: request.compute_unit_price,
        },
        estimated_fee: built.fee_lamports,
        warnings: built.warnings.clone(),
        network: None,
        rpc_url_host: None,
        simulation: None,
    };
    if let Some(endpoint) = &chain.endpoint {
        body.network = Some(endpoint.network().into());
        body.rpc_url_host = Some(endpoint.host().into());
    }
    if request.simulate {
        let endpoint = chain.get().await?.clone();
        let options = SimulateOptions {
            sig_verify: false,
            replace_recent_blockhash: blockhash_source == BlockhashSource::Client,
            ..SimulateOptions::default()
        };
        let result = state
            .rpc
            .simulate_transaction(&endpoint, &built.to_base64(), &options)
            .await?;
        // Compute-budget instructions come first; the program's instruction is the last one.
        let program = loaded.program.clone();
        let program_index = usize::from(request.compute_unit_limit.is_some())
            + usize::from(request.compute_unit_price.is_some());
        body.simulation = Some(simulation_view(&result, |index| {
            (index == program_index).then(|| program.clone())
        }));
        body.network = Some(endpoint.network().into());
        body.rpc_url_host = Some(endpoint.host().into());
    }
    Ok((loaded.answered(), Json(body)))
}

/// Resolves the instruction's account metas (what `build` would use), without a transaction.
#[utoipa::path(
    post,
    path = "/api/{project_id}/instructions/{name}/accounts",
    tag = "transactions",
    operation_id = "resolveAccounts",
    params(("project_id" = String, Path, description = "Project id"), ("name" = String, Path, description = "Instruction name (either casing)"), VersionQuery),
    request_body = BuildRequest,
    security((), ("bearerAuth" = []), ("apiKeyAuth" = [])),
    responses(
        (status = 200, description = "The instruction's accounts, resolved", body = InstructionAccountsResponse),
        (status = 400, description = "Malformed JSON, or an invalid `version` query parameter", body = ErrorBody),
        (status = 401, description = "Invalid credentials", body = ErrorBody),
        (status = 403, description = "A custom `rpcUrl` that is not allow-listed or is private", body = ErrorBody),
        (status = 404, description = "Project or instruction not found, or no such version (`version_not_found`)", body = ErrorBody),
        (status = 415, description = "Not `application/json`", body = ErrorBody),
        (status = 422, description = "Invalid args (JSON pointer), missing accounts (every one named), bad addresses", body = ErrorBody),
        (status = 502, description = "The RPC failed", body = ErrorBody),
        (status = 504, description = "The RPC timed out", body = ErrorBody),
    ),
)]
async fn accounts(
    State(state): State<AppState>,
    principal: Principal,
    pinned: Pinned,
    Path((id, name)): Path<(String, String)>,
    JsonBody(request): JsonBody<BuildRequest>,
) -> Result<(Answered, Json<InstructionAccountsResponse>), ApiError> {
    let body = encode_and_resolve(&state, &principal, &id, pinned, &name, &request).await?;
    let answered = Answered(body.version);
    Ok((
        answered,
        Json(InstructionAccountsResponse {
            project_id: body.project_id,
            program_id: body.program_id,
            version: body.version,
            instruction: body.instruction,
            accounts: body.accounts,
        }),
    ))
}

/// What `accounts` and `data` share: the encoded data and the resolved metas, without a transaction.
async fn encode_and_resolve(
    state: &AppState,
    principal: &Principal,
    id: &str,
    pinned: Pinned,
    name: &str,
    request: &BuildRequest,
) -> Result<InstructionDataResponse, ApiError> {
    if let Some(fee_payer) = &request.fee_payer {
        validate::pubkey("/feePayer", fee_payer)?;
    }
    let loaded = load(state, principal, id, pinned).await?;
    let mut chain = Chain {
        state,
        request,
        endpoint: None,
    };
    let (ix_name, data, resolved) = prepare(&loaded, name, request, &mut chain).await?;
    Ok(InstructionDataResponse {
        project_id: loaded.project.id.clone(),
        program_id: resolved.program_id,
        version: loaded.version,
        instruction: ix_name,
        data: instruction_data(&data),
        accounts: resolved.metas,
    })
}

/// The encoded instruction data and resolved metas, for callers who compose their own transactions.
#[utoipa::path(
    post,
    path = "/api/{project_id}/instructions/{name}/data",
    tag = "transactions",
    operation_id = "instructionData",
    params(("project_id" = String, Path, description = "Project id"), ("name" = String, Path, description = "Instruction name (either casing)"), VersionQuery),
    request_body = BuildRequest,
    security((), ("bearerAuth" = []), ("apiKeyAuth" = [])),
    responses(
        (status = 200, description = "The encoded instruction data and its accounts", body = InstructionDataResponse),
        (status = 400, description = "Malformed JSON, or an invalid `version` query parameter", body = ErrorBody),
        (status = 401, description = "Invalid credentials", body = ErrorBody),
        (status = 403, description = "A custom `rpcUrl` that is not allow-listed or is private", body = ErrorBody),
        (status = 404, description = "Project or instruction not found, or no such version (`version_not_found`)", body = ErrorBody),
        (status = 415, description = "Not `application/json`", body = ErrorBody),
        (status = 422, description = "Invalid args (JSON pointer), missing accounts (every one named), bad addresses", body = ErrorBody),
        (status = 502, description = "The RPC failed", body = ErrorBody),
        (status = 504, description = "The RPC timed out", body = ErrorBody),
    ),
)]
async fn data(
    State(state): State<AppState>,
    principal: Principal,
    pinned: Pinned,
    Path((id, name)): Path<(String, String)>,
    JsonBody(request): JsonBody<BuildRequest>,
) -> Result<(Answered, Json<InstructionDataResponse>), ApiError> {
    let body = encode_and_resolve(&state, &principal, &id, pinned, &name, &request).await?;
    Ok((Answered(body.version), Json(body)))
}
