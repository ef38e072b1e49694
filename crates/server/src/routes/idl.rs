//! IDL lifecycle: `POST /api/idl/upload`, `PUT|GET|DELETE /api/idl/{projectId}`,
//! `GET /api/idl/{projectId}/versions`, and `POST /api/ingest/idl` for automation.

use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use orquestra_idl::Program;
use orquestra_store::{GithubProfile, NewProject};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::access::{project_for, Access};
use crate::auth::state_cookie::constant_time_eq;
use crate::auth::Principal;
use crate::extract::{JsonBody, QueryParams};
use crate::http_cache::json_with_etag;
use crate::programs::{idl_json, latest_version};
use crate::publish::{add_version, create_project};
use crate::submission::{Submission, MAX_BODY_BYTES};
use crate::validate;
use crate::{ApiError, AppState};

pub fn routes() -> Router<AppState> {
    let uploads = Router::new()
        .route("/api/idl/upload", post(upload))
        .route("/api/idl/{project_id}", put(new_version))
        .route("/api/ingest/idl", post(ingest))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES));
    Router::new()
        .merge(uploads)
        .route("/api/idl/{project_id}", get(read).delete(remove))
        .route("/api/idl/{project_id}/versions", get(versions))
}

/// Counts that tell the uploader what the engine understood.
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
    })
}

fn required<T>(value: Option<T>, pointer: &str) -> Result<T, ApiError> {
    value.ok_or_else(|| ApiError::invalid(pointer, "is required"))
}

async fn upload(
    State(state): State<AppState>,
    principal: Principal,
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
    let created = create_project(&state, new, &idl, submission.cpi_md).await?;
    let p = &created.project;
    Ok((
        StatusCode::CREATED,
        Json(json!({
            "project": { "id": p.id, "name": p.name, "programId": p.program_id, "isPublic": p.is_public },
            "idl": summary(&created.program, created.version),
        })),
    ))
}

async fn new_version(
    State(state): State<AppState>,
    principal: Principal,
    Path(project_id): Path<String>,
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
    let outcome = add_version(&state, &project, &idl, submission.cpi_md).await?;
    let status = if outcome.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    let mut body = json!({ "projectId": project.id, "created": outcome.created, "idl": summary(&outcome.program, outcome.version) });
    body["version"] = outcome.version.into();
    Ok((status, Json(body)))
}

#[derive(Deserialize)]
struct VersionQuery {
    version: Option<i64>,
}

async fn read(
    State(state): State<AppState>,
    principal: Principal,
    headers: HeaderMap,
    Path(project_id): Path<String>,
    QueryParams(q): QueryParams<VersionQuery>,
) -> Result<Response, ApiError> {
    let project = project_for(&state, &principal, &project_id, Access::Read).await?;
    let version = match q.version {
        Some(v) => v,
        None => latest_version(&state, &project).await?,
    };
    let text = idl_json(&state, &project, version).await?;
    let idl: Value = serde_json::from_str(&text).map_err(|e| ApiError::internal(&e))?;
    Ok(json_with_etag(
        &headers,
        &json!({ "projectId": project.id, "projectName": project.name, "programId": project.program_id, "version": version, "idl": idl }),
    ))
}

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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfirmDelete {
    #[serde(rename = "confirmName")]
    confirm_name: String,
}

/// Deletes the project with all its versions; the body must repeat the project's name.
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
async fn ingest(
    State(state): State<AppState>,
    headers: HeaderMap,
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
        let outcome = add_version(&state, &project, &idl, submission.cpi_md).await?;
        return Ok((
            StatusCode::OK,
            Json(
                json!({ "projectId": project.id, "created": false, "newVersion": outcome.created, "version": outcome.version }),
            ),
        ));
    }
    let name_from_idl = idl
        .get("metadata")
        .and_then(|m| m.get("name"))
        .or_else(|| idl.get("name"))
        .or_else(|| idl.get("program").and_then(|p| p.get("name")))
        .and_then(Value::as_str)
        .map(str::to_string);
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
    let created = create_project(&state, new, &idl, submission.cpi_md).await?;
    Ok((
        StatusCode::CREATED,
        Json(
            json!({ "projectId": created.project.id, "created": true, "newVersion": true, "version": created.version }),
        ),
    ))
}
