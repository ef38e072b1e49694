//! PDAs of a program: `GET /api/{projectId}/pda` (every PDA the IDL defines, de-duplicated, with the
//! inputs each needs) and `POST /api/{projectId}/pda/derive`.

use axum::extract::{Path, State};
use axum::response::Response;
use axum::Json;
use orquestra_api::pda::{DerivePdaRequest, DerivePdaResponse, PdaList};
use orquestra_tx::pda::{derive, derive_account_pda, list_pdas, named_pda, SeedInputs};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::Principal;
use crate::error::ErrorBody;
use crate::extract::JsonBody;
use crate::http_cache::{json_with_etag, IfNoneMatch};
use crate::programs::load;
use crate::version::{Answered, Pinned, VersionQuery};
use crate::{ApiError, AppState};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(derive_one))
}

/// Every PDA the program's IDL defines, de-duplicated, with the inputs each needs.
#[utoipa::path(
    get,
    path = "/api/{project_id}/pda",
    tag = "program",
    operation_id = "listPdas",
    params(("project_id" = String, Path, description = "Project id"), VersionQuery),
    security((), ("bearerAuth" = []), ("apiKeyAuth" = [])),
    responses(
        (status = 200, description = "Every PDA of the program, with an `ETag`", body = PdaList),
        (status = 304, description = "Not modified (`If-None-Match` matched the `ETag`)"),
        (status = 400, description = "Invalid query parameter (`version`)", body = ErrorBody),
        (status = 401, description = "Invalid credentials", body = ErrorBody),
        (status = 404, description = "Absent, private to someone else, no IDL yet, or no such version (`version_not_found`)", body = ErrorBody),
    ),
)]
async fn list(
    State(state): State<AppState>,
    principal: Principal,
    if_none_match: IfNoneMatch,
    pinned: Pinned,
    Path(id): Path<String>,
) -> Result<(Answered, Response), ApiError> {
    let loaded = load(&state, &principal, &id, pinned).await?;
    let body = PdaList {
        project_id: loaded.project.id.clone(),
        program_name: loaded.program.name.clone(),
        program_id: loaded.project.program_id.clone(),
        version: loaded.version,
        pda_accounts: list_pdas(&loaded.program)
            .iter()
            .map(|entry| entry.to_wire())
            .collect(),
    };
    let body = serde_json::to_value(&body).map_err(|e| ApiError::internal(&e))?;
    Ok((loaded.answered(), json_with_etag(&if_none_match, &body)))
}

/// Derives one PDA (an instruction's account, or a named PDA) from the given seed values.
#[utoipa::path(
    post,
    path = "/api/{project_id}/pda/derive",
    tag = "program",
    operation_id = "derivePda",
    params(("project_id" = String, Path, description = "Project id"), VersionQuery),
    security((), ("bearerAuth" = []), ("apiKeyAuth" = [])),
    request_body = DerivePdaRequest,
    responses(
        (status = 200, description = "The derived address (`pda`, `address`), its bump and seeds", body = DerivePdaResponse),
        (status = 400, description = "Malformed JSON, or an invalid `version` query parameter", body = ErrorBody),
        (status = 401, description = "Invalid credentials", body = ErrorBody),
        (status = 404, description = "Absent or private project, no IDL yet, no such version (`version_not_found`), or no such instruction, account or PDA",
            body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 415, description = "Not `application/json`", body = ErrorBody),
        (status = 422, description = "Missing or invalid seed values (details point at them)", body = ErrorBody),
    ),
)]
async fn derive_one(
    State(state): State<AppState>,
    principal: Principal,
    pinned: Pinned,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<DerivePdaRequest>,
) -> Result<(Answered, Json<DerivePdaResponse>), ApiError> {
    if body.account.trim().is_empty() {
        return Err(ApiError::invalid("/account", "must not be empty"));
    }
    let loaded = load(&state, &principal, &id, pinned).await?;
    let inputs = SeedInputs {
        instruction: body.instruction.clone(),
        args: body.args,
        accounts: body.accounts,
        variables: body.seed_values,
    };
    let derived = match &body.instruction {
        Some(instruction) => {
            derive_account_pda(&loaded.program, instruction, &body.account, &inputs)
        }
        None => named_pda(&loaded.program, &body.account).and_then(|found| {
            let inputs = SeedInputs {
                instruction: found.instruction.map(str::to_string),
                ..inputs
            };
            derive(&loaded.program, found.pda, &inputs)
        }),
    }?;
    Ok((
        loaded.answered(),
        Json(DerivePdaResponse {
            pda: derived.address.clone(),
            derived,
            project_id: loaded.project.id.clone(),
            version: loaded.version,
        }),
    ))
}
