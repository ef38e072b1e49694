//! `GET|PUT /api/projects/{id}/socials`: one row per project; PUT replaces every field, so a field
//! left out or set to `null`/`""` is cleared.

use axum::extract::{Path, State};
use axum::Json;
use orquestra_api::projects::{ProjectSocials, Socials as SocialsView};
use orquestra_store::Socials;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::access::{project_for, Access};
use crate::auth::Principal;
use crate::error::ErrorBody;
use crate::extract::JsonBody;
use crate::validate;
use crate::{ApiError, AppState};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(read, replace))
}

/// Every present value must be an http(s) URL; empty or null clears the field.
pub fn validate_socials(input: &SocialsView, pointer: &str) -> Result<Socials, ApiError> {
    let field = |name: &str, value: &Option<String>| {
        validate::optional_url(&format!("{pointer}/{name}"), value.as_deref())
    };
    Ok(Socials {
        twitter: field("twitter", &input.twitter)?,
        discord: field("discord", &input.discord)?,
        telegram: field("telegram", &input.telegram)?,
        github: field("github", &input.github)?,
        website: field("website", &input.website)?,
    })
}

/// A project's social links.
#[utoipa::path(
    get,
    path = "/api/projects/{id}/socials",
    tag = "socials",
    operation_id = "getSocials",
    params(("id" = String, Path, description = "Project id")),
    security((), ("bearerAuth" = []), ("apiKeyAuth" = [])),
    responses(
        (status = 200, description = "The project's social links", body = ProjectSocials),
        (status = 401, description = "Invalid credentials", body = ErrorBody),
        (status = 404, description = "Absent, or private to someone else", body = ErrorBody),
    ),
)]
async fn read(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
) -> Result<Json<ProjectSocials>, ApiError> {
    let project = project_for(&state, &principal, &id, Access::Read).await?;
    let socials = state
        .store
        .get_socials(&project.id)
        .await?
        .map(socials_view)
        .unwrap_or_default();
    Ok(Json(ProjectSocials {
        project_id: project.id,
        socials,
    }))
}

/// Replaces every social link (owner or project key).
#[utoipa::path(
    put,
    path = "/api/projects/{id}/socials",
    tag = "socials",
    operation_id = "replaceSocials",
    params(("id" = String, Path, description = "Project id")),
    security(("bearerAuth" = []), ("apiKeyAuth" = [])),
    request_body = SocialsView,
    responses(
        (status = 200, description = "The project's social links", body = ProjectSocials),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "Not signed in, or invalid credentials", body = ErrorBody),
        (status = 403, description = "Not the owner or a key of this project", body = ErrorBody),
        (status = 404, description = "Absent, or private to someone else", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 415, description = "Not `application/json`", body = ErrorBody),
        (status = 422, description = "A value is not an http(s) URL, or an unknown field", body = ErrorBody),
    ),
)]
async fn replace(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<SocialsView>,
) -> Result<Json<ProjectSocials>, ApiError> {
    let project = project_for(&state, &principal, &id, Access::Write).await?;
    let socials = validate_socials(&body, "")?;
    let stored = state.store.upsert_socials(&project.id, &socials).await?;
    Ok(Json(ProjectSocials {
        project_id: project.id,
        socials: socials_view(stored),
    }))
}

/// The stored row as the API shows it.
fn socials_view(s: orquestra_store::ProjectSocials) -> SocialsView {
    SocialsView {
        twitter: s.twitter,
        discord: s.discord,
        telegram: s.telegram,
        github: s.github,
        website: s.website,
    }
}
