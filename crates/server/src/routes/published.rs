//! IDLs published on chain: `POST /api/idl/import` (a program's published IDL becomes a project
//! or a new version), `POST /api/{projectId}/verify` (check a stored version against it) and
//! `GET /api/{projectId}/verifications`.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use orquestra_api::intake::UploadedProject;
use orquestra_api::published::{IdlImported, ImportIdlRequest, VerificationsView, VerifyRequest};
use orquestra_api::ErrorCode;
use orquestra_store::{NewProject, Project};
use serde_json::Value;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::access::{project_for, Access};
use crate::auth::Principal;
use crate::chain::endpoint;
use crate::error::ErrorBody;
use crate::extract::JsonBody;
use crate::programs::load;
use crate::publish::{add_version, create_project, validate_idl};
use crate::verification::{check_version, fetch_published, published_info, record, view};
use crate::version::{Pinned, VersionQuery};
use crate::{validate, ApiError, AppState};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(import))
        .routes(routes!(verify))
        .routes(routes!(verifications))
}

/// Imports the IDL a program published on chain (Anchor's IDL account, else the Program Metadata
/// `idl` account): into the caller's own project for that program as a new version, or into a new
/// project. The stored version is marked verified with the slot and account it was read from.
#[utoipa::path(
    post,
    path = "/api/idl/import",
    tag = "published",
    operation_id = "importIdl",
    request_body = ImportIdlRequest,
    security(("bearerAuth" = []), ("apiKeyAuth" = [])),
    responses(
        (status = 201, description = "A new project or version", body = IdlImported),
        (status = 200, description = "The published IDL equals the latest version: nothing stored, the check recorded", body = IdlImported),
        (status = 400, description = "Malformed JSON, or an unknown cluster", body = ErrorBody),
        (status = 401, description = "Not signed in, or invalid credentials", body = ErrorBody),
        (status = 403, description = "A project key for another program, a custom `rpcUrl` that is not allowed, or an IDL published at a URL (never fetched by the server)", body = ErrorBody),
        (status = 404, description = "The program published no IDL on the cluster (`idl_not_published`, naming the accounts tried)", body = ErrorBody),
        (status = 415, description = "Not `application/json`", body = ErrorBody),
        (status = 422, description = "A bad program id or authority, an account that is not a valid published IDL, or an IDL that does not parse (details point into it)", body = ErrorBody),
        (status = 502, description = "The RPC failed", body = ErrorBody),
        (status = 504, description = "The RPC timed out", body = ErrorBody),
    ),
)]
async fn import(
    State(state): State<AppState>,
    principal: Principal,
    JsonBody(request): JsonBody<ImportIdlRequest>,
) -> Result<(StatusCode, Json<IdlImported>), ApiError> {
    let program_id = request.program_id.trim().to_owned();
    validate::pubkey("/programId", &program_id)?;
    if let Some(authority) = &request.metadata_authority {
        validate::pubkey("/metadataAuthority", authority)?;
    }
    let name = validate::optional_text("/name", request.name.as_deref(), 100)?;
    let description =
        validate::optional_text("/description", request.description.as_deref(), 2_000)?;
    // Who may import decides where the IDL goes, so check it before any RPC call.
    let own = own_project(&state, &principal, &program_id).await?;
    let endpoint = endpoint(&state, request.cluster, request.rpc_url.as_deref()).await?;
    let published = fetch_published(
        &state,
        &endpoint,
        &program_id,
        request.metadata_authority.clone(),
    )
    .await?;
    let idl: Value = serde_json::from_slice(&published.idl).map_err(|e| {
        ApiError::new(
            ErrorCode::InvalidIdl,
            format!("the published IDL is not JSON: {e}"),
        )
    })?;
    let (project, outcome, project_created) = match own {
        Some(project) => {
            let outcome = add_version(&state, &project, &idl, None, false).await?;
            (project, outcome, false)
        }
        None => {
            let claims = principal.require_user()?;
            let program = validate_idl(&idl, &program_id, false)?;
            let new = NewProject {
                user_id: claims.sub.clone(),
                name: name.unwrap_or_else(|| program.name.clone()),
                description,
                program_id: program_id.clone(),
                is_public: request.is_public.unwrap_or(true),
            };
            let created = create_project(&state, new, &idl, program, None).await?;
            let outcome = crate::publish::Versioned {
                version: created.version,
                created: true,
                program: created.program,
            };
            (created.project, outcome, true)
        }
    };
    let network = endpoint.network().to_owned();
    let check = record(
        &state,
        &project.id,
        outcome.version,
        &network,
        Some(&published),
        true,
    )
    .await?;
    let status = if outcome.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((
        status,
        Json(IdlImported {
            idl: crate::routes::idl::summary(&outcome.program, outcome.version),
            project: UploadedProject {
                id: project.id,
                name: project.name,
                program_id: project.program_id,
                is_public: project.is_public,
            },
            project_created,
            version_created: outcome.created,
            published: published_info(&published, network),
            verification: view(check),
        }),
    ))
}

/// The caller's project for `program_id`, if any: a project key's own project (which must be for
/// that program), or the signed-in user's. Anonymous callers are refused here.
async fn own_project(
    state: &AppState,
    principal: &Principal,
    program_id: &str,
) -> Result<Option<Project>, ApiError> {
    if let Principal::ProjectKey { project_id, .. } = principal {
        let project = project_for(state, principal, project_id, Access::Write).await?;
        if project.program_id != program_id {
            return Err(ApiError::forbidden(format!(
                "this API key's project is for program {}, not {program_id}",
                project.program_id
            )));
        }
        return Ok(Some(project));
    }
    let claims = principal.require_user()?;
    let candidates = state.store.projects_by_program(program_id).await?;
    Ok(candidates.into_iter().find(|p| p.user_id == claims.sub))
}

/// Checks a stored version (the latest, or `?version=`) against the IDL the program published on
/// a cluster, and records the outcome (owner or project key: it costs RPC calls).
#[utoipa::path(
    post,
    path = "/api/{project_id}/verify",
    tag = "published",
    operation_id = "verifyIdl",
    params(("project_id" = String, Path, description = "Project id"), VersionQuery),
    request_body = VerifyRequest,
    security(("bearerAuth" = []), ("apiKeyAuth" = [])),
    responses(
        (status = 200, description = "The check: `match`, `mismatch` or `not_published`", body = orquestra_api::published::VerificationView),
        (status = 400, description = "Malformed JSON, an unknown cluster, or an invalid `version`", body = ErrorBody),
        (status = 401, description = "Not signed in, or invalid credentials", body = ErrorBody),
        (status = 403, description = "Not the owner or a key of this project, a custom `rpcUrl` that is not allowed, or an IDL published at a URL", body = ErrorBody),
        (status = 404, description = "Absent, private to someone else, no IDL yet, or no such version (`version_not_found`)", body = ErrorBody),
        (status = 415, description = "Not `application/json`", body = ErrorBody),
        (status = 422, description = "A bad authority, or an account that is not a valid published IDL", body = ErrorBody),
        (status = 502, description = "The RPC failed", body = ErrorBody),
        (status = 504, description = "The RPC timed out", body = ErrorBody),
    ),
)]
async fn verify(
    State(state): State<AppState>,
    principal: Principal,
    pinned: Pinned,
    Path(id): Path<String>,
    JsonBody(request): JsonBody<VerifyRequest>,
) -> Result<Json<orquestra_api::published::VerificationView>, ApiError> {
    if let Some(authority) = &request.metadata_authority {
        validate::pubkey("/metadataAuthority", authority)?;
    }
    project_for(&state, &principal, &id, Access::Write).await?;
    let loaded = load(&state, &principal, &id, pinned).await?;
    let endpoint = endpoint(&state, request.cluster, request.rpc_url.as_deref()).await?;
    let check = check_version(
        &state,
        &loaded.project,
        loaded.version,
        &endpoint,
        request.metadata_authority,
    )
    .await?;
    Ok(Json(view(check)))
}

/// The project's checks against the chain: the latest per version and cluster.
#[utoipa::path(
    get,
    path = "/api/{project_id}/verifications",
    tag = "published",
    operation_id = "listVerifications",
    params(("project_id" = String, Path, description = "Project id")),
    security((), ("bearerAuth" = []), ("apiKeyAuth" = [])),
    responses(
        (status = 200, description = "Checks, newest version first", body = VerificationsView),
        (status = 401, description = "Invalid credentials", body = ErrorBody),
        (status = 404, description = "Absent, or private to someone else", body = ErrorBody),
    ),
)]
async fn verifications(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
) -> Result<Json<VerificationsView>, ApiError> {
    let (project, latest) =
        crate::access::project_with_version_for(&state, &principal, &id, Access::Read).await?;
    let checks = state.store.list_verifications(&project.id).await?;
    let latest_verified = checks
        .iter()
        .any(|c| c.verified && Some(c.version) == latest);
    Ok(Json(VerificationsView {
        project_id: project.id,
        latest_version: latest,
        latest_verified,
        verifications: checks.into_iter().map(view).collect(),
    }))
}
