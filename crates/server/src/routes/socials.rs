//! `GET|PUT /api/projects/{id}/socials`: one row per project; PUT replaces every field, so a field
//! left out or set to `null`/`""` is cleared.

use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Json, Router};
use orquestra_store::Socials;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::access::{project_for, Access};
use crate::auth::Principal;
use crate::extract::JsonBody;
use crate::validate;
use crate::{ApiError, AppState};

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/projects/{id}/socials", get(read).put(replace))
}

#[derive(Debug, Default, Serialize)]
pub struct SocialsView {
    pub twitter: Option<String>,
    pub discord: Option<String>,
    pub telegram: Option<String>,
    pub github: Option<String>,
    pub website: Option<String>,
}

#[derive(Debug, Deserialize)]
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
