//! `/api/projects`: create, list (public, mine, by program), read, update, delete; `/api/stats`.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use orquestra_store::{kv, NewProject, Page, Project, ProjectUpdate, Socials};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::socials::{validate_socials, SocialsInput, SocialsView};
use crate::access::{can_see, project_for, Access};
use crate::auth::Principal;
use crate::extract::{JsonBody, QueryParams};
use crate::validate;
use crate::{ApiError, AppState};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/projects", get(list_public).post(create))
        .route("/api/projects/mine", get(list_mine))
        .route("/api/projects/by-program/{program_id}", get(by_program))
        .route("/api/projects/{id}", get(read).put(update).delete(remove))
        .route("/api/stats", get(stats))
}

const NAME_MAX: usize = 100;
const DESCRIPTION_MAX: usize = 2_000;

/// A project as the API shows it: the row (never `custom_docs`) plus owner, latest version and
/// socials.
#[derive(Serialize)]
pub struct ProjectView {
    pub id: String,
    pub user_id: String,
    pub name: String,
    pub description: Option<String>,
    pub program_id: String,
    pub is_public: bool,
    pub created_at: Option<String>,
    pub updated_at: Option<String>,
    pub username: Option<String>,
    pub avatar_url: Option<String>,
    #[serde(rename = "latestVersion")]
    pub latest_version: i64,
    pub socials: SocialsView,
    #[serde(rename = "isOwner")]
    pub is_owner: bool,
}

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
        created_at: project.created_at,
        updated_at: project.updated_at,
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CreateProject {
    name: String,
    description: Option<String>,
    #[serde(rename = "programId")]
    program_id: String,
    #[serde(rename = "isPublic", default = "default_true")]
    is_public: bool,
}

fn default_true() -> bool {
    true
}

async fn create(
    State(state): State<AppState>,
    principal: Principal,
    JsonBody(body): JsonBody<CreateProject>,
) -> Result<(StatusCode, Json<serde_json::Value>), ApiError> {
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
    let view = view(&state, &principal, project).await?;
    Ok((StatusCode::CREATED, Json(json!({ "project": view }))))
}

#[derive(Deserialize)]
struct ListQuery {
    limit: Option<u32>,
    offset: Option<u32>,
}

async fn list_public(
    State(state): State<AppState>,
    QueryParams(q): QueryParams<ListQuery>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let page = state
        .store
        .list_public_projects(Page::new(q.limit.unwrap_or(20), q.offset.unwrap_or(0)))
        .await?;
    Ok(Json(json!({
        "projects": page.items,
        "total": page.total,
        "limit": page.limit,
        "offset": page.offset,
    })))
}

async fn list_mine(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Json<serde_json::Value>, ApiError> {
    let claims = principal.require_user()?;
    let projects: Vec<_> = state
        .store
        .list_user_projects(&claims.sub)
        .await?
        .into_iter()
        .map(|p| {
            json!({
                "id": p.id, "user_id": p.user_id, "name": p.name, "description": p.description,
                "program_id": p.program_id, "is_public": p.is_public,
                "created_at": p.created_at, "updated_at": p.updated_at,
            })
        })
        .collect();
    let total = projects.len();
    Ok(Json(json!({ "projects": projects, "total": total })))
}

/// The caller's own project for this program if there is one, else the newest public one.
async fn by_program(
    State(state): State<AppState>,
    principal: Principal,
    Path(program_id): Path<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    validate::pubkey("/programId", &program_id).map_err(|e| ApiError {
        status: StatusCode::BAD_REQUEST,
        ..e
    })?;
    let candidates = state.store.projects_by_program(&program_id).await?;
    let own = candidates
        .iter()
        .find(|p| principal.user_id() == Some(p.user_id.as_str()));
    let chosen = own
        .or_else(|| candidates.iter().find(|p| can_see(&principal, p)))
        .cloned();
    let project = chosen.ok_or_else(|| ApiError::not_found("no project for this program id"))?;
    Ok(Json(
        json!({ "project": view(&state, &principal, project).await? }),
    ))
}

async fn read(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let project = project_for(&state, &principal, &id, Access::Read).await?;
    Ok(Json(
        json!({ "project": view(&state, &principal, project).await? }),
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UpdateProject {
    name: Option<String>,
    #[serde(default, deserialize_with = "super::nullable")]
    description: Option<Option<String>>,
    #[serde(rename = "isPublic")]
    is_public: Option<bool>,
    socials: Option<SocialsInput>,
}

async fn update(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<UpdateProject>,
) -> Result<Json<serde_json::Value>, ApiError> {
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
    Ok(Json(
        json!({ "project": view(&state, &principal, updated).await? }),
    ))
}

async fn remove(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let project = project_for(&state, &principal, &id, Access::Own).await?;
    state.store.delete_project(&project.id).await?;
    kv::forget_project(state.kv.as_ref(), &project.id).await;
    state.programs.forget_project(&project.id);
    Ok(Json(
        json!({ "message": "Project deleted", "projectId": project.id }),
    ))
}

/// `GET /api/stats`: public totals only (private projects are not counted).
async fn stats(State(state): State<AppState>) -> Result<Json<serde_json::Value>, ApiError> {
    let stats = state.store.stats(0).await?;
    Ok(Json(json!({
        "total_users": stats.users,
        "total_projects": stats.public_projects,
        "total_idl_versions": stats.idl_versions,
        "total_known_addresses": stats.known_addresses,
    })))
}
