//! PDAs of a program: `GET /api/{projectId}/pda` (every PDA the IDL defines, de-duplicated, with the
//! inputs each needs) and `POST /api/{projectId}/pda/derive`.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Json;
use orquestra_tx::pda::{derive, derive_account_pda, list_pdas, named_pda, SeedInputs};
use serde::Deserialize;
use serde_json::{json, Map, Value};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::Principal;
use crate::error::ErrorBody;
use crate::extract::JsonBody;
use crate::http_cache::json_with_etag;
use crate::programs::load;
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
    params(("project_id" = String, Path, description = "Project id")),
    security((), ("bearerAuth" = []), ("apiKeyAuth" = [])),
    responses(
        (status = 200, description = "`{\"projectId\", \"programName\", \"programId\", \"version\", \"pdaAccounts\"}`, with an `ETag`",
            body = Object),
        (status = 304, description = "Not modified (`If-None-Match` matched the `ETag`)"),
        (status = 401, description = "Invalid credentials", body = ErrorBody),
        (status = 404, description = "Absent, private to someone else, or no IDL yet", body = ErrorBody),
    ),
)]
async fn list(
    State(state): State<AppState>,
    principal: Principal,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let loaded = load(&state, &principal, &id, None).await?;
    let entries = list_pdas(&loaded.program);
    let body = json!({
        "projectId": loaded.project.id,
        "programName": loaded.program.name,
        "programId": loaded.project.program_id,
        "version": loaded.version,
        "pdaAccounts": entries,
    });
    Ok(json_with_etag(&headers, &body))
}

/// Which PDA to derive, and the values its seeds need.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct DeriveRequest {
    /// The instruction whose account is the PDA; omit for a named PDA (Codama `pdas`).
    instruction: Option<String>,
    /// The account (or named PDA) to derive.
    account: String,
    /// Free values by name (and fallback for args/accounts).
    #[serde(default)]
    #[schema(value_type = Object)]
    seed_values: Map<String, Value>,
    /// Instruction arguments (canonical JSON) for `arg` seeds.
    #[serde(default)]
    #[schema(value_type = Object)]
    args: Map<String, Value>,
    /// Account addresses for `account` seeds.
    #[serde(default)]
    accounts: std::collections::BTreeMap<String, String>,
}

/// Derives one PDA (an instruction's account, or a named PDA) from the given seed values.
#[utoipa::path(
    post,
    path = "/api/{project_id}/pda/derive",
    tag = "program",
    operation_id = "derivePda",
    params(("project_id" = String, Path, description = "Project id")),
    security((), ("bearerAuth" = []), ("apiKeyAuth" = [])),
    request_body = DeriveRequest,
    responses(
        (status = 200, description = "The derived address (`pda`, `address`), its bump and seeds, with `projectId` and `version`",
            body = Object),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "Invalid credentials", body = ErrorBody),
        (status = 404, description = "Absent or private project, no IDL yet, or no such instruction, account or PDA",
            body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 415, description = "Not `application/json`", body = ErrorBody),
        (status = 422, description = "Missing or invalid seed values (details point at them)", body = ErrorBody),
    ),
)]
async fn derive_one(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<DeriveRequest>,
) -> Result<Json<Value>, ApiError> {
    if body.account.trim().is_empty() {
        return Err(ApiError::invalid("/account", "must not be empty"));
    }
    let loaded = load(&state, &principal, &id, None).await?;
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
    let mut value = serde_json::to_value(&derived).map_err(|e| ApiError::internal(&e))?;
    value["pda"] = value["address"].clone();
    value["projectId"] = loaded.project.id.clone().into();
    value["version"] = loaded.version.into();
    Ok(Json(value))
}
