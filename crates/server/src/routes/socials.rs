//! `GET|PUT /api/projects/{id}/socials`: one row per project; PUT replaces every field, so a field
//! left out or set to `null`/`""` is cleared.

use axum::extract::{Path, State};
use axum::Json;
use orquestra_store::Socials;
use serde::{Deserialize, Serialize};
use serde_json::json;
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

/// A project's social links.
#[derive(Debug, Default, Serialize, utoipa::ToSchema)]
pub struct SocialsView {
    pub twitter: Option<String>,
    pub discord: Option<String>,
    pub telegram: Option<String>,
    pub github: Option<String>,
    pub website: Option<String>,
}

/// Social links: each an http(s) URL; `null`, `""` or absent clears it.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SocialsInput {
    twitter: Option<String>,
    discord: Option<String>,
    telegram: Option<String>,
    github: Option<String>,
    website: Option<String>,
}

/// Every present value must be an http(s) URL; empty or null clears the field.
pub fn validate_socials(input: &SocialsInput, pointer: &str) -> Result<Socials, ApiError> {
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
        (status = 200, description = "`{\"projectId\", \"socials\": SocialsView}`", body = Object),
        (status = 401, description = "Invalid credentials", body = ErrorBody),
        (status = 404, description = "Absent, or private to someone else", body = ErrorBody),
    ),
)]
async fn read(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let project = project_for(&state, &principal, &id, Access::Read).await?;
    let view = match state.store.get_socials(&project.id).await? {
        Some(s) => SocialsView {
            twitter: s.twitter,
            discord: s.discord,
            telegram: s.telegram,
            github: s.github,
            website: s.website,
        },
        None => SocialsView::default(),
    };
    Ok(Json(json!({ "projectId": project.id, "socials": view })))
}

/// Replaces every social link (owner or project key).
#[utoipa::path(
    put,
    path = "/api/projects/{id}/socials",
    tag = "socials",
    operation_id = "replaceSocials",
    params(("id" = String, Path, description = "Project id")),
    security(("bearerAuth" = []), ("apiKeyAuth" = [])),
    request_body = SocialsInput,
    responses(
        (status = 200, description = "`{\"projectId\", \"socials\": SocialsView}`", body = Object),
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
    JsonBody(body): JsonBody<SocialsInput>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let project = project_for(&state, &principal, &id, Access::Write).await?;
    let socials = validate_socials(&body, "")?;
    let s = state.store.upsert_socials(&project.id, &socials).await?;
    let view = SocialsView {
        twitter: s.twitter,
        discord: s.discord,
        telegram: s.telegram,
        github: s.github,
        website: s.website,
    };
    Ok(Json(json!({ "projectId": project.id, "socials": view })))
}
