//! IDL lifecycle: `POST /api/idl/upload`, `PUT|GET|DELETE /api/idl/{projectId}`,
//! `GET /api/idl/{projectId}/versions`, and `POST /api/ingest/idl` for automation.

use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Json;
use orquestra_api::intake::{
    ConfirmDelete, IdlDocument, IdlFormat, IdlIngested, IdlSubmission, IdlSummary, IdlUploaded,
    IdlVersionInfo, IdlVersionList, IdlVersionPublished, UploadedProject,
};
use orquestra_api::projects::ProjectDeleted;
use orquestra_docs::views::warnings;
use orquestra_idl::Program;
use orquestra_store::{GithubProfile, NewProject};
use serde::Deserialize;
use serde_json::Value;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::access::{project_for, project_with_version_for, Access};
use crate::auth::state_cookie::constant_time_eq;
use crate::auth::Principal;
use crate::error::ErrorBody;
use crate::extract::{JsonBody, QueryParams};
use crate::http_cache::{json_with_etag, IfNoneMatch};
use crate::programs::{idl_json, pinned_version, program_at};
use crate::publish::{add_version, create_project, validate_idl};
use crate::submission::{Submission, MAX_BODY_BYTES};
use crate::version::{Answered, Pinned, VersionQuery};
use crate::{time, validate};
use crate::{ApiError, AppState};

pub fn routes() -> OpenApiRouter<AppState> {
    let uploads = OpenApiRouter::new()
        .routes(routes!(upload))
        .routes(routes!(new_version))
        .routes(routes!(ingest))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES));
    OpenApiRouter::new()
        .merge(uploads)
        .routes(routes!(read, remove))
        .routes(routes!(versions))
}

/// `?strict=true` on upload, new version and ingest: refuse the IDL for any problem, even one
/// confined to a single item (by default such items are kept, unusable, and listed as warnings).
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct IntakeQuery {
    /// Refuse the whole IDL on any problem (default `false`).
    strict: Option<bool>,
}

impl IntakeQuery {
    fn strict(&self) -> bool {
        self.strict.unwrap_or(false)
    }
}

/// Counts that tell the uploader what the engine understood, and the items it cannot use.
pub(crate) fn summary(program: &Program, version: i64) -> IdlSummary {
    let count = |n: usize| u64::try_from(n).unwrap_or(u64::MAX);
    IdlSummary {
        version,
        program_name: program.name.clone(),
        format: match program.format {
            orquestra_idl::IdlFormat::Anchor => IdlFormat::Anchor,
            orquestra_idl::IdlFormat::AnchorLegacy => IdlFormat::AnchorLegacy,
            orquestra_idl::IdlFormat::Shank => IdlFormat::Shank,
            orquestra_idl::IdlFormat::Codama => IdlFormat::Codama,
        },
        instruction_count: count(program.instructions.len()),
        account_count: count(program.accounts.len()),
        type_count: count(program.types.len()),
        error_count: count(program.errors.len()),
        event_count: count(program.events.len()),
        warnings: warnings(program),
    }
}

fn required<T>(value: Option<T>, pointer: &str) -> Result<T, ApiError> {
    value.ok_or_else(|| ApiError::invalid(pointer, "is required"))
}

/// Creates a project from an IDL (JSON body or multipart form), generating its docs.
#[utoipa::path(
    post,
    path = "/api/idl/upload",
    tag = "idl",
    operation_id = "uploadIdl",
    params(IntakeQuery),
    security(("bearerAuth" = [])),
    request_body(
        description = "`name`, `programId` and `idl` are required; `description`, `isPublic`, `cpiMd` optional",
        content((IdlSubmission = "application/json"), (IdlSubmission = "multipart/form-data")),
    ),
    responses(
        (status = 201, description = "Created: the project and what was understood of its IDL",
            body = IdlUploaded),
        (status = 400, description = "Malformed JSON or multipart body, or an invalid `strict`", body = ErrorBody),
        (status = 401, description = "Not signed in, or invalid credentials", body = ErrorBody),
        (status = 403, description = "A project API key cannot create projects", body = ErrorBody),
        (status = 409, description = "You already have a project for this program id", body = ErrorBody),
        (status = 413, description = "IDL over 10 MB, CPI.md over 5 MB, or body too large", body = ErrorBody),
        (status = 415, description = "Neither `application/json` nor `multipart/form-data`", body = ErrorBody),
        (status = 422, description = "Missing or invalid fields, or an IDL that does not parse or validate \
            (details carry JSON pointers into the IDL)", body = ErrorBody),
    ),
)]
async fn upload(
    State(state): State<AppState>,
    principal: Principal,
    QueryParams(intake): QueryParams<IntakeQuery>,
    Submission(submission): Submission,
) -> Result<(StatusCode, Json<IdlUploaded>), ApiError> {
    let claims = principal.require_user()?;
    let name = validate::required_text("/name", &required(submission.name, "/name")?, 100)?;
    let description =
        validate::optional_text("/description", submission.description.as_deref(), 2_000)?;
    let program_id = required(submission.program_id, "/programId")?
        .trim()
        .to_string();
    validate::pubkey("/programId", &program_id)?;
    let idl = required(submission.idl, "/idl")?;
    let program = validate_idl(&idl, &program_id, intake.strict())?;
    let new = NewProject {
        user_id: claims.sub.clone(),
        name,
        description,
        program_id,
        is_public: submission.is_public.unwrap_or(true),
    };
    let created = create_project(&state, new, &idl, program, submission.cpi_md).await?;
    let idl = summary(&created.program, created.version);
    let p = created.project;
    Ok((
        StatusCode::CREATED,
        Json(IdlUploaded {
            project: UploadedProject {
                id: p.id,
                name: p.name,
                program_id: p.program_id,
                is_public: p.is_public,
            },
            idl,
        }),
    ))
}

/// Publishes a new IDL version of a project (owner or project key); an IDL identical to the
/// latest is not stored again.
#[utoipa::path(
    put,
    path = "/api/idl/{project_id}",
    tag = "idl",
    operation_id = "publishIdlVersion",
    params(("project_id" = String, Path, description = "Project id"), IntakeQuery),
    security(("bearerAuth" = []), ("apiKeyAuth" = [])),
    request_body(
        description = "Only `idl` (required) and `cpiMd`",
        content((IdlSubmission = "application/json"), (IdlSubmission = "multipart/form-data")),
    ),
    responses(
        (status = 201, description = "A new version (`created: true`)", body = IdlVersionPublished),
        (status = 200, description = "Same IDL as the latest version, nothing stored (`created: false`)",
            body = IdlVersionPublished),
        (status = 400, description = "Malformed JSON or multipart body, or an invalid `strict`", body = ErrorBody),
        (status = 401, description = "Not signed in, or invalid credentials", body = ErrorBody),
        (status = 403, description = "Not the owner or a key of this project", body = ErrorBody),
        (status = 404, description = "Absent, or private to someone else", body = ErrorBody),
        (status = 413, description = "IDL over 10 MB, CPI.md over 5 MB, or body too large", body = ErrorBody),
        (status = 415, description = "Neither `application/json` nor `multipart/form-data`", body = ErrorBody),
        (status = 422, description = "Missing `idl`, project fields given, or an IDL that does not parse or validate",
            body = ErrorBody),
    ),
)]
async fn new_version(
    State(state): State<AppState>,
    principal: Principal,
    Path(project_id): Path<String>,
    QueryParams(intake): QueryParams<IntakeQuery>,
    Submission(submission): Submission,
) -> Result<(StatusCode, Json<IdlVersionPublished>), ApiError> {
    let project = project_for(&state, &principal, &project_id, Access::Write).await?;
    if submission.name.is_some()
        || submission.program_id.is_some()
        || submission.is_public.is_some()
    {
        return Err(ApiError::invalid("", "a new version takes only `idl` and `cpiMd`; change the project with PUT /api/projects/{id}"));
    }
    let idl = required(submission.idl, "/idl")?;
    let outcome = add_version(&state, &project, &idl, submission.cpi_md, intake.strict()).await?;
    let status = if outcome.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((
        status,
        Json(IdlVersionPublished {
            project_id: project.id,
            created: outcome.created,
            version: outcome.version,
            idl: summary(&outcome.program, outcome.version),
        }),
    ))
}

/// A project's IDL as uploaded (latest version, or `?version=`).
#[utoipa::path(
    get,
    path = "/api/idl/{project_id}",
    tag = "idl",
    operation_id = "getIdl",
    params(("project_id" = String, Path, description = "Project id"), VersionQuery),
    security((), ("bearerAuth" = []), ("apiKeyAuth" = [])),
    responses(
        (status = 200, description = "The IDL as uploaded, with an `ETag`", body = IdlDocument),
        (status = 304, description = "Not modified (`If-None-Match` matched the `ETag`)"),
        (status = 400, description = "Invalid query parameter", body = ErrorBody),
        (status = 401, description = "Invalid credentials", body = ErrorBody),
        (status = 404, description = "Absent, private to someone else, no IDL yet, or no such version (`version_not_found`)", body = ErrorBody),
    ),
)]
async fn read(
    State(state): State<AppState>,
    principal: Principal,
    if_none_match: IfNoneMatch,
    pinned: Pinned,
    Path(project_id): Path<String>,
) -> Result<(Answered, Response), ApiError> {
    let (project, latest) =
        project_with_version_for(&state, &principal, &project_id, Access::Read).await?;
    let version = pinned_version(pinned, latest)?;
    let text = idl_json(&state, &project, version).await?;
    let idl: Value = serde_json::from_str(&text).map_err(|e| ApiError::internal(&e))?;
    let program = program_at(&state, &project, version).await?;
    let document = serde_json::to_value(IdlDocument {
        project_id: project.id,
        project_name: project.name,
        program_id: project.program_id,
        version,
        idl,
        warnings: warnings(&program),
    })
    .map_err(|e| ApiError::internal(&e))?;
    Ok((Answered(version), json_with_etag(&if_none_match, &document)))
}

/// A project's IDL versions.
#[utoipa::path(
    get,
    path = "/api/idl/{project_id}/versions",
    tag = "idl",
    operation_id = "listIdlVersions",
    params(("project_id" = String, Path, description = "Project id")),
    security((), ("bearerAuth" = []), ("apiKeyAuth" = [])),
    responses(
        (status = 200, description = "The project's IDL versions", body = IdlVersionList),
        (status = 401, description = "Invalid credentials", body = ErrorBody),
        (status = 404, description = "Absent, or private to someone else", body = ErrorBody),
    ),
)]
async fn versions(
    State(state): State<AppState>,
    principal: Principal,
    Path(project_id): Path<String>,
) -> Result<Json<IdlVersionList>, ApiError> {
    let project = project_for(&state, &principal, &project_id, Access::Read).await?;
    let versions = state
        .store
        .list_idl_versions(&project.id)
        .await?
        .into_iter()
        .map(|v| IdlVersionInfo {
            id: v.id,
            version: v.version,
            created_at: time::stored(v.created_at),
        })
        .collect();
    Ok(Json(IdlVersionList {
        project_id: project.id,
        versions,
    }))
}

/// Deletes the project with all its versions; the body must repeat the project's name.
#[utoipa::path(
    delete,
    path = "/api/idl/{project_id}",
    tag = "idl",
    operation_id = "deleteIdlProject",
    params(("project_id" = String, Path, description = "Project id")),
    security(("bearerAuth" = [])),
    request_body = ConfirmDelete,
    responses(
        (status = 200, description = "Deleted", body = ProjectDeleted),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "Not signed in, or invalid credentials", body = ErrorBody),
        (status = 403, description = "Not the owner", body = ErrorBody),
        (status = 404, description = "Absent, or private to someone else", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 415, description = "Not `application/json`", body = ErrorBody),
        (status = 422, description = "`confirmName` missing or not the project's name", body = ErrorBody),
    ),
)]
async fn remove(
    State(state): State<AppState>,
    principal: Principal,
    Path(project_id): Path<String>,
    JsonBody(body): JsonBody<ConfirmDelete>,
) -> Result<Json<ProjectDeleted>, ApiError> {
    let project = project_for(&state, &principal, &project_id, Access::Own).await?;
    if body.confirm_name != project.name {
        return Err(ApiError::invalid(
            "/confirmName",
            "must equal the project's name",
        ));
    }
    state.store.delete_project(&project.id).await?;
    orquestra_store::kv::forget_project(state.kv.as_ref(), &project.id).await;
    state.programs.forget_project(&project.id);
    Ok(Json(ProjectDeleted {
        message: "Project and all associated data deleted".into(),
        project_id: project.id,
    }))
}

/// The account that owns ingested projects. Its username contains `_`, which GitHub usernames
/// cannot, and GitHub ids start at 1, so it can never be a real account.
fn ingest_owner() -> GithubProfile {
    GithubProfile {
        github_id: 0,
        username: "orquestra_ingest".into(),
        email: "ingest@orquestra.invalid".into(),
        avatar_url: None,
    }
}

/// `POST /api/ingest/idl` behind `X-Ingest-Key`: creates or versions projects owned by the ingest
/// account — never anyone else's.
#[utoipa::path(
    post,
    path = "/api/ingest/idl",
    tag = "idl",
    operation_id = "ingestIdl",
    params(IntakeQuery),
    security(("ingestKeyAuth" = [])),
    request_body(
        description = "`programId` and `idl` are required; `name` defaults to the IDL's name",
        content((IdlSubmission = "application/json"), (IdlSubmission = "multipart/form-data")),
    ),
    responses(
        (status = 201, description = "Project created (`created: true`)", body = IdlIngested),
        (status = 200, description = "Existing ingest project (`created: false`; `newVersion` says whether the IDL was new)",
            body = IdlIngested),
        (status = 400, description = "Malformed JSON or multipart body, or an invalid `strict`", body = ErrorBody),
        (status = 401, description = "Missing or invalid `X-Ingest-Key`", body = ErrorBody),
        (status = 404, description = "Ingest is disabled on this server", body = ErrorBody),
        (status = 409, description = "Conflicting project", body = ErrorBody),
        (status = 413, description = "IDL over 10 MB, CPI.md over 5 MB, or body too large", body = ErrorBody),
        (status = 415, description = "Neither `application/json` nor `multipart/form-data`", body = ErrorBody),
        (status = 422, description = "Missing or invalid fields, or an IDL that does not parse or validate",
            body = ErrorBody),
    ),
)]
async fn ingest(
    State(state): State<AppState>,
    headers: HeaderMap,
    QueryParams(intake): QueryParams<IntakeQuery>,
    Submission(submission): Submission,
) -> Result<(StatusCode, Json<IdlIngested>), ApiError> {
    let Some(expected) = state.config.ingest_key.as_deref() else {
        return Err(ApiError::not_found("ingest is disabled on this server"));
    };
    let given = headers
        .get("x-ingest-key")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if given.is_empty() || !constant_time_eq(given.as_bytes(), expected.as_bytes()) {
        return Err(ApiError::unauthorized("missing or invalid X-Ingest-Key"));
    }
    let owner = state.store.upsert_github_user(&ingest_owner()).await?;
    let program_id = required(submission.program_id, "/programId")?
        .trim()
        .to_string();
    validate::pubkey("/programId", &program_id)?;
    let idl = required(submission.idl, "/idl")?;
    let existing = state
        .store
        .projects_by_program(&program_id)
        .await?
        .into_iter()
        .find(|p| p.user_id == owner.id);
    if let Some(project) = existing {
        let outcome =
            add_version(&state, &project, &idl, submission.cpi_md, intake.strict()).await?;
        return Ok((
            StatusCode::OK,
            Json(IdlIngested {
                project_id: project.id,
                created: false,
                new_version: outcome.created,
                version: outcome.version,
                warnings: warnings(&outcome.program),
            }),
        ));
    }
    // The parser knows where each format keeps the program's name.
    let program = validate_idl(&idl, &program_id, intake.strict())?;
    let name = submission
        .name
        .or_else(|| Some(program.name.clone()).filter(|n| !n.trim().is_empty()))
        .unwrap_or_else(|| program_id.clone());
    let new = NewProject {
        user_id: owner.id,
        name: validate::required_text("/name", &name, 100)?,
        description: validate::optional_text(
            "/description",
            submission.description.as_deref(),
            2_000,
        )?,
        program_id,
        is_public: submission.is_public.unwrap_or(true),
    };
    let created = create_project(&state, new, &idl, program, submission.cpi_md).await?;
    Ok((
        StatusCode::CREATED,
        Json(IdlIngested {
            warnings: warnings(&created.program),
            project_id: created.project.id,
            created: true,
            new_version: true,
            version: created.version,
        }),
    ))
}
