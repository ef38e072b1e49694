//! Project API keys (owner only): list, create, revoke, rotate. The plain key is shown once.

use std::time::{SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use orquestra_store::{ApiKey, IssuedApiKey};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::access::{project_for, Access};
use crate::auth::Principal;
use crate::extract::parse_json;
use crate::time::parse_rfc3339;
use crate::{ApiError, AppState};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/projects/{id}/keys", get(list).post(create))
        .route("/api/projects/{id}/keys/{key_id}", delete(revoke))
        .route("/api/projects/{id}/keys/{key_id}/rotate", post(rotate))
}

/// A key as listed: never the key itself (only its hash exists server-side).
#[derive(Serialize)]
struct KeyView {
    id: String,
    last_used: Option<String>,
    created_at: Option<String>,
    expires_at: Option<String>,
}

impl From<ApiKey> for KeyView {
    fn from(k: ApiKey) -> Self {
        Self {
            id: k.id,
            last_used: k.last_used,
            created_at: k.created_at,
            expires_at: k.expires_at,
        }
    }
}

fn issued(issued: IssuedApiKey) -> Json<serde_json::Value> {
    Json(json!({
        "id": issued.key.id,
        "key": issued.plain,
        "createdAt": issued.key.created_at,
        "expiresAt": issued.key.expires_at,
        "message": "Store this key securely. It will not be shown again.",
    }))
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct CreateKey {
    /// RFC 3339 instant in the future.
    #[serde(rename = "expiresAt")]
    expires_at: Option<String>,
    #[serde(rename = "expiresInDays")]
    expires_in_days: Option<u32>,
}

async fn list(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let project = project_for(&state, &principal, &id, Access::Own).await?;
    let keys: Vec<KeyView> = state
        .store
        .list_api_keys(&project.id)
        .await?
        .into_iter()
        .map(Into::into)
        .collect();
    Ok(Json(json!({ "keys": keys })))
}

async fn create(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<(StatusCode, Json<serde_json::Value>), ApiError> {
    let project = project_for(&state, &principal, &id, Access::Own).await?;
    // The body is optional: no body means a key that never expires.
    let body: CreateKey = if body.iter().all(u8::is_ascii_whitespace) {
        CreateKey::default()
    } else {
        parse_json(&body)?
    };
    let expires_in = match (body.expires_at, body.expires_in_days) {
        (Some(_), Some(_)) => {
            return Err(ApiError::invalid(
                "/expiresAt",
                "give either expiresAt or expiresInDays, not both",
            ))
        }
        (Some(at), None) => {
            let at = parse_rfc3339(&at).ok_or_else(|| {
                ApiError::invalid(
                    "/expiresAt",
                    "expected an RFC 3339 time, e.g. 2027-01-31T00:00:00Z",
                )
            })?;
            let now = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| d.as_secs() as i64)
                .unwrap_or_default();
            if at <= now {
                return Err(ApiError::invalid("/expiresAt", "must be in the future"));
            }
            Some((at - now) as u64)
        }
        (None, Some(0)) => return Err(ApiError::invalid("/expiresInDays", "must be at least 1")),
        (None, Some(days)) => Some(u64::from(days) * 86_400),
        (None, None) => None,
    };
    let key = state.store.create_api_key(&project.id, expires_in).await?;
    Ok((StatusCode::CREATED, issued(key)))
}

async fn revoke(
    State(state): State<AppState>,
    principal: Principal,
    Path((id, key_id)): Path<(String, String)>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let project = project_for(&state, &principal, &id, Access::Own).await?;
    if !state.store.revoke_api_key(&project.id, &key_id).await? {
        return Err(ApiError::not_found("API key not found"));
    }
    Ok(Json(json!({ "message": "API key revoked", "id": key_id })))
}

async fn rotate(
    State(state): State<AppState>,
    principal: Principal,
    Path((id, key_id)): Path<(String, String)>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let project = project_for(&state, &principal, &id, Access::Own).await?;
    let key = state
        .store
        .rotate_api_key(&project.id, &key_id)
        .await?
        .ok_or_else(|| ApiError::not_found("API key not found"))?;
    Ok(issued(key))
}
