//! IDL lifecycle: `POST /api/idl/upload`, `PUT|GET|DELETE /api/idl/{projectId}`,
//! `GET /api/idl/{projectId}/versions`, and `POST /api/ingest/idl` for automation.

use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Json;
use orquestra_idl::Program;
use orquestra_store::{GithubProfile, NewProject};
use serde::Deserialize;
use serde_json::{json, Value};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::access::{project_for, project_with_version_for, Access};
use crate::auth::state_cookie::constant_time_eq;
use crate::auth::Principal;
use crate::error::ErrorBody;
use crate::extract::{JsonBody, QueryParams};
use crate::http_cache::json_with_etag;
use crate::programs::{idl_json, program_at};
use crate::publish::{add_version, create_project};
use crate::submission::{Submission, MAX_BODY_BYTES};
use crate::validate;
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

/// Counts that tell the uploader what the engine understood, and the items it cannot use
/// (`warnings`: JSON pointers into the IDL).
fn summary(program: &Program, version: i64) -> Value {
    json!({
        "version": version,
        "programName": program.name,
        "format": program.format,
        "instructionCount": program.instructions.len(),
        "accountCount": program.accounts.len(),
        "typeCount": program.types.len(),
        "errorCount": program.errors.len(),
        "eventCount": program.events.len(),
        "warnings": warnings(program),
    })
}

/// `[{path, code, message, kind, item}]` for every defective item of `program`.
fn warnings(program: &Program) -> Value {
    json!(program.defects)
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
        content((Submission = "application/json"), (Submission = "multipart/form-data")),
    ),
    responses(
        (status = 201, description = "`{\"project\": {\"id\", \"name\", \"programId\", \"isPublic\"}, \"idl\": summary}`",
            body = Object),
        (status = 400, description = "Malformed JSON or multipart body", body = ErrorBody),
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
    submission: Submission,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let claims = principal.require_user()?;
    let name = validate::required_text("/name", &required(submission.name, "/name")?, 100)?;
    let description =
        validate::optional_text("/description", submission.description.as_deref(), 2_000)?;
    let program_id = required(submission.program_id, "/programId")?
        .trim()
        .to_string();
    let idl = required(submission.idl, "/idl")?;
    let new = NewProject {
        user_id: claims.sub.clone(),
        name,
        description,
        program_id,
        is_public: submission.is_public.unwrap_or(true),
    };
    let created = create_project(&state, new, &idl, submission.cpi_md, intake.strict()).await?;
    let p = &created.project;
    Ok((
        StatusCode::CREATED,
        Json(json!({
            "project": { "id": p.id, "name": p.name, "programId": p.program_id, "isPublic": p.is_public },
            "idl": summary(&created.program, created.version),
        })),
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
        content((Submission = "application/json"), (Submission = "multipart/form-data")),
    ),
    responses(
        (status = 201, description = "New version: `{\"projectId\", \"created\": true, \"version\", \"idl\": summary}`",
            body = Object),
        (status = 200, description = "Same IDL as the latest version: `{\"projectId\", \"created\": false, \"version\", \"idl\"}`",
            body = Object),
        (status = 400, description = "Malformed JSON or multipart body", body = ErrorBody),
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
    submission: Submission,
) -> Result<(StatusCode, Json<Value>), ApiError> {
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
    let mut body = json!({ "projectId": project.id, "created": outcome.created, "idl": summary(&outcome.program, outcome.version) });
    body["version"] = outcome.version.into();
    Ok((status, Json(body)))
}

/// Which version to read.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct VersionQuery {
    /// IDL version (default: the latest).
    version: Option<i64>,
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
        (status = 200, description = "`{\"projectId\", \"projectName\", \"programId\", \"version\", \"idl\"}`, with an `ETag`",
            body = Object),
        (status = 304, description = "Not modified (`If-None-Match` matched the `ETag`)"),
        (status = 400, description = "Invalid query parameter", body = ErrorBody),
        (status = 401, description = "Invalid credentials", body = ErrorBody),
        (status = 404, description = "Absent, private to someone else, no IDL yet, or no such version", body = ErrorBody),
    ),
)]
async fn read(
    State(state): State<AppState>,
    principal: Principal,
    headers: HeaderMap,
    Path(project_id): Path<String>,
    QueryParams(q): QueryParams<VersionQuery>,
) -> Result<Response, ApiError> {
    let (project, latest) =
        project_with_version_for(&state, &principal, &project_id, Access::Read).await?;
    let version = q
        .version
        .or(latest)
        .ok_or_else(|| ApiError::not_found("this project has no IDL yet"))?;
    let text = idl_json(&state, &project, version).await?;
    let idl: Value = serde_json::from_str(&text).map_err(|e| ApiError::internal(&e))?;
    let program = program_at(&state, &project, version).await?;
    Ok(json_with_etag(
        &headers,
        &json!({ "projectId": project.id, "projectName": project.name, "programId": project.program_id, "version": version, "idl": idl, "warnings": warnings(&program) }),
    ))
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
        (status = 200, description = "`{\"projectId\", \"versions\"}`", body = Object),
        (status = 401, description = "Invalid credentials", body = ErrorBody),
        (status = 404, description = "Absent, or private to someone else", body = ErrorBody),
    ),
)]
async fn versions(
    State(state): State<AppState>,
    principal: Principal,
    Path(project_id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let project = project_for(&state, &principal, &project_id, Access::Read).await?;
    let versions = state.store.list_idl_versions(&project.id).await?;
    Ok(Json(
        json!({ "projectId": project.id, "versions": versions }),
    ))
}

/// Deleting a project needs its name, repeated.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct ConfirmDelete {
    #[serde(rename = "confirmName")]
    confirm_name: String,
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
        (status = 200, description = "`{\"message\", \"projectId\"}`", body = Object),
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
) -> Result<Json<Value>, ApiError> {
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
    Ok(Json(
        json!({ "message": "Project and all associated data deleted", "projectId": project.id }),
    ))
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
        content((Submission = "application/json"), (Submission = "multipart/form-data")),
    ),
    responses(
        (status = 201, description = "Project created: `{\"projectId\", \"created\": true, \"newVersion\": true, \"version\"}`",
            body = Object),
        (status = 200, description = "Existing ingest project: `{\"projectId\", \"created\": false, \"newVersion\", \"version\"}`",
            body = Object),
        (status = 400, description = "Malformed JSON or multipart body", body = ErrorBody),
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
    submission: Submission,
) -> Result<(StatusCode, Json<Value>), ApiError> {
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
            Json(
                json!({ "projectId": project.id, "created": false, "newVersion": outcome.created, "version": outcome.version, "warnings": warnings(&outcome.program) }),
            ),
        ));
    }
    let name_from_idl = orquestra_idl::sniff::program_name(&idl).map(str::to_string);
    let name = submission
        .name
        .or(name_from_idl)
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
    let created = create_project(&state, new, &idl, submission.cpi_md, intake.strict()).await?;
    Ok((
        StatusCode::CREATED,
        Json(
            json!({ "projectId": created.project.id, "created": true, "newVersion": true, "version": created.version, "warnings": warnings(&created.program) }),
        ),
    ))
}
