//! Any serialized transaction: `POST /api/transactions/decode` (instructions of programs the
//! service knows are named and decoded with their IDL) and `POST /api/transactions/simulate`.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::State;
use axum::Json;
use orquestra_api::transaction::{
    DecodedInstruction, DecodedTransactionResponse, MessageHeader, TransactionRequest,
    TransactionSimulation,
};
use orquestra_idl::Program;
use orquestra_rpc::SimulateOptions;
use orquestra_tx::{
    custom_error, decode_transaction_text, name_instructions, DecodedTransaction, TextEncoding,
};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::access::{project_for_program, ProgramProject};
use crate::auth::Principal;
use crate::chain::{endpoint, simulation_view};
use crate::error::ErrorBody;
use crate::extract::JsonBody;
use crate::programs::program_at;
use crate::{ApiError, AppState};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(decode))
        .routes(routes!(simulate))
        .routes(routes!(simulate_legacy_path))
}

fn parse(body: &TransactionRequest) -> Result<DecodedTransaction, ApiError> {
    let encoding = body.encoding.unwrap_or_default();
    decode_transaction_text(body.transaction.trim(), encoding).map_err(|e| {
        ApiError::new(e.code(), format!("not a valid transaction: {e}"))
            .with_detail("/transaction", e.to_string())
    })
}

/// Programs of the transaction the service has a project for, chosen by the trust order of
/// [`project_for_program`], with the project each one's IDL came from.
async fn known_programs(
    state: &AppState,
    principal: &Principal,
    decoded: &DecodedTransaction,
) -> Result<HashMap<String, (Arc<Program>, ProgramProject)>, ApiError> {
    let mut programs = HashMap::new();
    for ix in &decoded.instructions {
        let Some(program_id) = &ix.program_id else {
            continue;
        };
        if programs.contains_key(program_id) {
            continue;
        }
        let Some(chosen) = project_for_program(state, principal, program_id).await? else {
            continue;
        };
        // A project without an IDL yet cannot name anything.
        let Some(version) = state
            .store
            .latest_version_number(&chosen.project.id)
            .await?
        else {
            continue;
        };
        let program = program_at(state, &chosen.project, version).await?;
        programs.insert(program_id.clone(), (program, chosen));
    }
    Ok(programs)
}

/// Decodes any serialized transaction; instructions of programs the service knows (and the caller
/// may see) are named and their args and accounts decoded with the IDL.
#[utoipa::path(
    post,
    path = "/api/transactions/decode",
    tag = "transactions",
    operation_id = "decodeTransaction",
    request_body = TransactionRequest,
    security((), ("bearerAuth" = []), ("apiKeyAuth" = [])),
    responses(
        (status = 200, description = "The transaction decoded; instructions of known programs named with their IDL", body = DecodedTransactionResponse),
        (status = 400, description = "Malformed JSON or unknown cluster", body = ErrorBody),
        (status = 401, description = "Invalid credentials", body = ErrorBody),
        (status = 413, description = "Body over the limit", body = ErrorBody),
        (status = 415, description = "Not `application/json`", body = ErrorBody),
        (status = 422, description = "Not a valid transaction", body = ErrorBody),
    ),
)]
async fn decode(
    State(state): State<AppState>,
    principal: Principal,
    JsonBody(body): JsonBody<TransactionRequest>,
) -> Result<Json<DecodedTransactionResponse>, ApiError> {
    let decoded = parse(&body)?;
    let programs = known_programs(&state, &principal, &decoded).await?;
    let named = name_instructions(&decoded, |id| programs.get(id).map(|(p, _)| p.as_ref()));
    // Every instruction decoded with an IDL names the project it came from and its trust.
    let instructions = named
        .into_iter()
        .map(|instruction| {
            let project = instruction
                .program_id
                .as_deref()
                .and_then(|id| programs.get(id))
                .map(|(_, chosen)| chosen.source());
            DecodedInstruction {
                instruction,
                project,
            }
        })
        .collect();
    Ok(Json(DecodedTransactionResponse {
        version: decoded.version,
        signatures: decoded.signatures,
        header: MessageHeader::from_array(decoded.header),
        accounts: decoded.account_keys,
        recent_blockhash: decoded.recent_blockhash,
        address_table_lookups: decoded.address_table_lookups,
        instructions,
        warnings: decoded.warnings,
    }))
}

/// Simulates a raw transaction (signature verification off, blockhash replaced) and decodes a
/// custom program error with the IDL of the failing program when known.
#[utoipa::path(
    post,
    path = "/api/transactions/simulate",
    tag = "transactions",
    operation_id = "simulateTransaction",
    request_body = TransactionRequest,
    security((), ("bearerAuth" = []), ("apiKeyAuth" = [])),
    responses(
        (status = 200, description = "The simulation; a custom program error decoded with the failing program's IDL", body = TransactionSimulation),
        (status = 400, description = "Malformed JSON or unknown cluster", body = ErrorBody),
        (status = 401, description = "Invalid credentials", body = ErrorBody),
        (status = 415, description = "Not `application/json`", body = ErrorBody),
        (status = 422, description = "Not a valid transaction", body = ErrorBody),
        (status = 403, description = "A custom `rpcUrl` that is not allow-listed or is private", body = ErrorBody),
        (status = 502, description = "The RPC failed", body = ErrorBody),
        (status = 504, description = "The RPC timed out", body = ErrorBody),
    ),
)]
async fn simulate(
    State(state): State<AppState>,
    principal: Principal,
    JsonBody(body): JsonBody<TransactionRequest>,
) -> Result<Json<TransactionSimulation>, ApiError> {
    let decoded = parse(&body)?;
    let endpoint = endpoint(&state, body.cluster(), body.rpc_url.as_deref()).await?;
    let bytes = body
        .encoding
        .unwrap_or_default()
        .decode(body.transaction.trim())
        .map_err(|e| ApiError::invalid("/transaction", e.to_string()))?;
    let options = SimulateOptions {
        sig_verify: false,
        replace_recent_blockhash: true,
        ..SimulateOptions::default()
    };
    let result = state
        .rpc
        .simulate_transaction(
            &endpoint,
            &orquestra_tx::encoding::to_base64(&bytes),
            &options,
        )
        .await?;
    let programs = known_programs(&state, &principal, &decoded).await?;
    let simulation = simulation_view(&result, |index| {
        let program_id = decoded.instructions.get(index)?.program_id.as_ref()?;
        programs.get(program_id).map(|(program, _)| program.clone())
    });
    let failing = result
        .err
        .as_ref()
        .and_then(custom_error)
        .and_then(|(index, _)| decoded.instructions.get(index)?.program_id.as_ref())
        .and_then(|id| programs.get(id));
    Ok(Json(TransactionSimulation {
        simulation,
        project: failing.map(|(_, chosen)| chosen.source()),
        network: endpoint.network().into(),
        rpc_url_host: endpoint.host().into(),
    }))
}

/// The original's path for [`simulate`].
#[utoipa::path(
    post,
    path = "/api/tx/simulate",
    tag = "transactions",
    operation_id = "simulateTransactionLegacyPath",
    request_body = TransactionRequest,
    security((), ("bearerAuth" = []), ("apiKeyAuth" = [])),
    responses(
        (status = 200, description = "Same as `POST /api/transactions/simulate`", body = TransactionSimulation),
        (status = 400, description = "Malformed JSON or unknown cluster", body = ErrorBody),
        (status = 401, description = "Invalid credentials", body = ErrorBody),
        (status = 415, description = "Not `application/json`", body = ErrorBody),
        (status = 422, description = "Not a valid transaction", body = ErrorBody),
        (status = 502, description = "The RPC failed", body = ErrorBody),
    ),
)]
async fn simulate_legacy_path(
    state: State<AppState>,
    principal: Principal,
    body: JsonBody<TransactionRequest>,
) -> Result<Json<TransactionSimulation>, ApiError> {
    simulate(state, principal, body).await
}
