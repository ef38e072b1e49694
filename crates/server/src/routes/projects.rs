//! `/api/projects`: create, list (public, mine, by program), read, update, delete; `/api/stats`.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use orquestra_api::platform::PlatformStats;
use orquestra_api::projects::{
    CreateProject, OwnProject, OwnProjects, Project as ProjectView, ProjectDeleted,
    ProjectEnvelope, ProjectForProgram, PublicProject, PublicProjectPage, Socials as SocialsView,
    UpdateProject,
};
use orquestra_api::ErrorCode;
use orquestra_store::{kv, NewProject, Page, Project, ProjectUpdate, Socials};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::socials::validate_socials;
use crate::access::{project_for, project_for_program, Access};
use crate::auth::Principal;
use crate::error::ErrorBody;
use crate::extract::{JsonBody, QueryParams};
use crate::{time, validate};
use crate::{ApiError, AppState};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_public, create))
        .routes(routes!(list_mine))
        .routes(routes!(by_program))
        .routes(routes!(read, update, remove))
        .routes(routes!(stats))
}

const NAME_MAX: usize = 100;
/// Longest search text (`?q=`).
const SEARCH_MAX: usize = 200;
const DESCRIPTION_MAX: usize = 2_000;

/// Builds the detail view of a project the caller may see.
async fn view(
    state: &AppState,
    principal: &Principal,
    project: Project,
) -> Result<ProjectView, ApiError> {
    let details = state
        .store
        .project_details(&project.id)
        .await?
        .ok_or_else(ApiError::project_not_found)?;
    let owner = state.store.get_user(&project.user_id).await?;
    Ok(ProjectView {
        is_owner: principal.user_id() == Some(project.user_id.as_str()),
        latest_version: details.idl_version.unwrap_or(0),
        socials: SocialsView {
            twitter: details.twitter,
            discord: details.discord,
            telegram: details.telegram,
            github: details.github,
            website: details.website,
        },
        username: owner.as_ref().map(|u| u.username.clone()),
        avatar_url: owner.and_then(|u| u.avatar_url),
        id: project.id,
        user_id: project.user_id,
        name: project.name,
        description: project.description,
        program_id: project.program_id,
        is_public: project.is_public,
        created_at: time::stored(project.created_at),
        updated_at: time::stored(project.updated_at),
    })
}

/// Creates a project owned by the signed-in user.
#[utoipa::path(
    post,
    path = "/api/projects",
    tag = "projects",
    operation_id = "createProject",
    security(("bearerAuth" = [])),
    request_body = CreateProject,
    responses(
        (status = 201, description = "Created", body = ProjectEnvelope),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "Not signed in, or invalid credentials", body = ErrorBody),
        (status = 403, description = "A project API key cannot create projects", body = ErrorBody),
        (status = 409, description = "You already have a project for this program id", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 415, description = "Not `application/json`", body = ErrorBody),
        (status = 422, description = "Invalid fields", body = ErrorBody),
    ),
)]
async fn create(
    State(state): State<AppState>,
    principal: Principal,
    JsonBody(body): JsonBody<CreateProject>,
) -> Result<(StatusCode, Json<ProjectEnvelope>), ApiError> {
    let claims = principal.require_user()?;
    let name = validate::required_text("/name", &body.name, NAME_MAX)?;
    let description =
        validate::optional_text("/description", body.description.as_deref(), DESCRIPTION_MAX)?;
    validate::pubkey("/programId", &body.program_id)?;
    let project = state
        .store
        .create_project(&NewProject {
            user_id: claims.sub.clone(),
            name,
            description,
            program_id: body.program_id,
            is_public: body.is_public,
        })
        .await
        .map_err(|e| match e {
            orquestra_store::StoreError::Conflict { .. } => {
                ApiError::conflict("you already have a project for this program id")
                    .with_detail("/programId", "already used")
            }
            other => other.into(),
        })?;
    let project = view(&state, &principal, project).await?;
    Ok((StatusCode::CREATED, Json(ProjectEnvelope { project })))
}

/// Paging (`total` is in the body).
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct ListQuery {
    /// Full-text search (name, description, program id, instruction names), best match first.
    q: Option<String>,
    /// Page size (default 20; capped by the server).
    limit: Option<u32>,
    /// Items to skip (default 0).
    offset: Option<u32>,
}

/// Public projects, newest first, paged; with `q`, the full-text matches, best first.
#[utoipa::path(
    get,
    path = "/api/projects",
    tag = "projects",
    operation_id = "listPublicProjects",
    params(ListQuery),
    responses(
        (status = 200, description = "A page of public projects", body = PublicProjectPage),
        (status = 400, description = "Invalid query parameter", body = ErrorBody),
    ),
)]
async fn list_public(
    State(state): State<AppState>,
    QueryParams(q): QueryParams<ListQuery>,
) -> Result<Json<PublicProjectPage>, ApiError> {
    let page = Page::new(q.limit.unwrap_or(20), q.offset.unwrap_or(0));
    let page = match q.q.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        Some(text) if text.chars().count() > SEARCH_MAX => {
            return Err(ApiError::new(
                ErrorCode::BadQuery,
                format!("q: at most {SEARCH_MAX} characters"),
            )
            .with_detail("?q", "too long"))
        }
        Some(text) => state.store.search_public_projects(text, page).await?,
        None => state.store.list_public_projects(page).await?,
    };
    Ok(Json(PublicProjectPage {
        projects: page
            .items
            .into_iter()
            .map(|p| PublicProject {
                id: p.id,
                user_id: p.user_id,
                name: p.name,
                description: p.description,
                program_id: p.program_id,
                is_public: p.is_public,
                created_at: time::stored(p.created_at),
                updated_at: time::stored(p.updated_at),
                username: p.username,
                avatar_url: p.avatar_url,
                version_count: p.version_count,
            })
            .collect(),
        total: page.total,
        limit: page.limit,
        offset: page.offset,
    }))
}

/// The signed-in user's projects, public and private.
#[utoipa::path(
    get,
    path = "/api/projects/mine",
    tag = "projects",
    operation_id = "listMyProjects",
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The caller's projects", body = OwnProjects),
        (status = 401, description = "Not signed in, or invalid credentials", body = ErrorBody),
        (status = 403, description = "A project API key cannot list a user's projects", body = ErrorBody),
    ),
)]
async fn list_mine(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Json<OwnProjects>, ApiError> {
    let claims = principal.require_user()?;
    let projects: Vec<OwnProject> = state
        .store
        .list_user_projects(&claims.sub)
        .await?
        .into_iter()
        .map(|p| OwnProject {
            id: p.id,
            user_id: p.user_id,
            name: p.name,
            description: p.description,
            program_id: p.program_id,
            is_public: p.is_public,
            created_at: time::stored(p.created_at),
            updated_at: time::stored(p.updated_at),
        })
        .collect();
    let total = projects.len() as u64;
    Ok(Json(OwnProjects { projects, total }))
}

/// The project standing for a program id: the caller's own if there is one, else the oldest
/// public one (`trust` and `basis` say which, and how far its IDL is verified).
#[utoipa::path(
    get,
    path = "/api/projects/by-program/{program_id}",
    tag = "projects",
    operation_id = "getProjectByProgram",
    params(("program_id" = String, Path, description = "Base58 program address")),
    security((), ("bearerAuth" = []), ("apiKeyAuth" = [])),
    responses(
        (status = 200, description = "The project, how far it is trusted and why it was chosen", body = ProjectForProgram),
        (status = 400, description = "Not a valid program address", body = ErrorBody),
        (status = 401, description = "Invalid credentials", body = ErrorBody),
        (status = 404, description = "No project the caller may see for this program", body = ErrorBody),
    ),
)]
async fn by_program(
    State(state): State<AppState>,
    principal: Principal,
    Path(program_id): Path<String>,
) -> Result<Json<ProjectForProgram>, ApiError> {
    // A path segment, not a body field: a malformed one is a bad request, not a 422.
    validate::pubkey("/programId", &program_id).map_err(|e| ApiError {
        details: e.details,
        ..ApiError::new(ErrorCode::BadRequest, e.message)
    })?;
    let chosen = project_for_program(&state, &principal, &program_id)
        .await?
        .ok_or_else(|| ApiError::not_found("no project for this program id"))?;
    let source = chosen.source();
    Ok(Json(ProjectForProgram {
        project: view(&state, &principal, chosen.project).await?,
        trust: source.trust,
        basis: source.basis,
    }))
}

/// One project (private ones only for their owner and keys).
#[utoipa::path(
    get,
    path = "/api/projects/{id}",
    tag = "projects",
    operation_id = "getProject",
    params(("id" = String, Path, description = "Project id")),
    security((), ("bearerAuth" = []), ("apiKeyAuth" = [])),
    responses(
        (status = 200, description = "The project", body = ProjectEnvelope),
        (status = 401, description = "Invalid credentials", body = ErrorBody),
        (status = 404, description = "Absent, or private to someone else", body = ErrorBody),
    ),
)]
async fn read(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
) -> Result<Json<ProjectEnvelope>, ApiError> {
    let project = project_for(&state, &principal, &id, Access::Read).await?;
    Ok(Json(ProjectEnvelope {
        project: view(&state, &principal, project).await?,
    }))
}

/// Updates a project's metadata (owner or project key; visibility: owner only).
#[utoipa::path(
    put,
    path = "/api/projects/{id}",
    tag = "projects",
    operation_id = "updateProject",
    params(("id" = String, Path, description = "Project id")),
    security(("bearerAuth" = []), ("apiKeyAuth" = [])),
    request_body = UpdateProject,
    responses(
        (status = 200, description = "The project", body = ProjectEnvelope),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "Not signed in, or invalid credentials", body = ErrorBody),
        (status = 403, description = "Not the owner (or a key changing visibility)", body = ErrorBody),
        (status = 404, description = "Absent, or private to someone else", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 415, description = "Not `application/json`", body = ErrorBody),
        (status = 422, description = "Invalid fields", body = ErrorBody),
    ),
)]
async fn update(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<UpdateProject>,
) -> Result<Json<ProjectEnvelope>, ApiError> {
    let project = project_for(&state, &principal, &id, Access::Write).await?;
    let name = body
        .name
        .as_deref()
        .map(|n| validate::required_text("/name", n, NAME_MAX))
        .transpose()?;
    let description = match body.description {
        None => None,
        Some(d) => Some(validate::optional_text(
            "/description",
            d.as_deref(),
            DESCRIPTION_MAX,
        )?),
    };
    // Visibility is the owner's call, not a key's.
    if body.is_public.is_some() && principal.user_id() != Some(project.user_id.as_str()) {
        return Err(ApiError::forbidden("only the owner can change visibility")
            .with_detail("/isPublic", "owner only"));
    }
    let socials: Option<Socials> = body
        .socials
        .map(|s| validate_socials(&s, "/socials"))
        .transpose()?;
    let update = ProjectUpdate {
        name,
        description,
        is_public: body.is_public,
        custom_docs: None,
    };
    let updated = state
        .store
        .update_project(&project.id, &update)
        .await?
        .ok_or_else(ApiError::project_not_found)?;
    if let Some(socials) = socials {
        state.store.upsert_socials(&project.id, &socials).await?;
    }
    // Cached views may embed the old name or visibility.
    kv::forget_project(state.kv.as_ref(), &project.id).await;
    Ok(Json(ProjectEnvelope {
        project: view(&state, &principal, updated).await?,
    }))
}

/// Deletes a project with everything it owns (owner only).
#[utoipa::path(
    delete,
    path = "/api/projects/{id}",
    tag = "projects",
    operation_id = "deleteProject",
    params(("id" = String, Path, description = "Project id")),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "Deleted", body = ProjectDeleted),
        (status = 401, description = "Not signed in, or invalid credentials", body = ErrorBody),
        (status = 403, description = "Not the owner", body = ErrorBody),
        (status = 404, description = "Absent, or private to someone else", body = ErrorBody),
    ),
)]
async fn remove(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
) -> Result<Json<ProjectDeleted>, ApiError> {
    let project = project_for(&state, &principal, &id, Access::Own).await?;
    state.store.delete_project(&project.id).await?;
    kv::forget_project(state.kv.as_ref(), &project.id).await;
    state.programs.forget_project(&project.id);
    Ok(Json(ProjectDeleted {
        message: "Project deleted".into(),
        project_id: project.id,
    }))
}

/// `GET /api/stats`: public totals only: users, and public projects with their versions and known
/// addresses (nothing about private projects is counted).
#[utoipa::path(
    get,
    path = "/api/stats",
    tag = "projects",
    operation_id = "stats",
    responses(
        (status = 200, description = "Public totals", body = PlatformStats),
    ),
)]
async fn stats(State(state): State<AppState>) -> Result<Json<PlatformStats>, ApiError> {
    let stats = state.store.public_totals().await?;
    Ok(Json(PlatformStats {
        total_users: stats.users,
        total_projects: stats.projects,
        total_idl_versions: stats.idl_versions,
        total_known_addresses: stats.known_addresses,
    }))
}
