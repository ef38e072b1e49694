//! Project API keys (owner only): list, create, revoke, rotate. The plain key is shown once.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use orquestra_api::keys::{ApiKey, ApiKeyList, ApiKeyRevoked, CreateApiKey, IssuedApiKey};
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::access::{project_for, Access};
use crate::auth::Principal;
use crate::error::ErrorBody;
use crate::extract::parse_json;
use crate::time::{self, now_secs, parse_rfc3339};
use crate::{ApiError, AppState};

/// Schemas the responses describe by name.
#[derive(OpenApi)]
#[openapi(components(schemas(CreateApiKey)))]
struct Schemas;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(Schemas::openapi())
        .routes(routes!(list, create))
        .routes(routes!(revoke))
        .routes(routes!(rotate))
}

fn listed(k: orquestra_store::ApiKey) -> ApiKey {
    ApiKey {
        id: k.id,
        last_used: time::stored(k.last_used),
        created_at: time::stored(k.created_at),
        expires_at: time::stored(k.expires_at),
    }
}

fn issued(issued: orquestra_store::IssuedApiKey) -> Json<IssuedApiKey> {
    Json(IssuedApiKey {
        id: issued.key.id,
        key: issued.plain,
        created_at: time::stored(issued.key.created_at),
        expires_at: time::stored(issued.key.expires_at),
        message: "Store this key securely. It will not be shown again.".into(),
    })
}

/// The longest lifetime a key can be given (about ten years), by either field.
const MAX_KEY_DAYS: u32 = 3650;

/// Seconds from `now` until the RFC 3339 instant `at`, which must be in the future and at most
/// [`MAX_KEY_DAYS`] ahead.
fn expiry_from_instant(at: &str, now: i64) -> Result<u64, ApiError> {
    let at = parse_rfc3339(at).ok_or_else(|| {
        ApiError::invalid(
            "/expiresAt",
            "expected an RFC 3339 time with an offset, e.g. 2027-01-31T00:00:00Z",
        )
    })?;
    let secs = at.saturating_sub(now);
    if secs <= 0 {
        return Err(ApiError::invalid("/expiresAt", "must be in the future"));
    }
    if secs > i64::from(MAX_KEY_DAYS) * 86_400 {
        return Err(ApiError::invalid(
            "/expiresAt",
            format!("must be at most {MAX_KEY_DAYS} days from now"),
        ));
    }
    u64::try_from(secs).map_err(|_| ApiError::invalid("/expiresAt", "must be in the future"))
}

/// The project's API keys (never the keys themselves). Owner only.
#[utoipa::path(
    get,
    path = "/api/projects/{id}/keys",
    tag = "keys",
    operation_id = "listApiKeys",
    params(("id" = String, Path, description = "Project id")),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The project's keys, without their secrets", body = ApiKeyList),
        (status = 401, description = "Not signed in, or invalid credentials", body = ErrorBody),
        (status = 403, description = "Not the owner", body = ErrorBody),
        (status = 404, description = "Absent, or private to someone else", body = ErrorBody),
    ),
)]
async fn list(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
) -> Result<Json<ApiKeyList>, ApiError> {
    let project = project_for(&state, &principal, &id, Access::Own).await?;
    let keys = state
        .store
        .list_api_keys(&project.id)
        .await?
        .into_iter()
        .map(listed)
        .collect();
    Ok(Json(ApiKeyList { keys }))
}

/// Issues a new API key; the plain key is in this response only. Owner only.
#[utoipa::path(
    post,
    path = "/api/projects/{id}/keys",
    tag = "keys",
    operation_id = "createApiKey",
    params(("id" = String, Path, description = "Project id")),
    security(("bearerAuth" = [])),
    // A plain reference keeps the body optional without admitting a JSON `null`.
    request_body(content = ref("#/components/schemas/CreateApiKey"), content_type = "application/json",
        description = "Optional; an empty body issues a key that never expires"),
    responses(
        (status = 201, description = "Issued; the plain key is in this response only", body = IssuedApiKey),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "Not signed in, or invalid credentials", body = ErrorBody),
        (status = 403, description = "Not the owner", body = ErrorBody),
        (status = 404, description = "Absent, or private to someone else", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 422, description = "Invalid expiry, or an unknown field", body = ErrorBody),
    ),
)]
async fn create(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<(StatusCode, Json<IssuedApiKey>), ApiError> {
    let project = project_for(&state, &principal, &id, Access::Own).await?;
    // The body is optional: no body means a key that never expires.
    let body: CreateApiKey = if body.iter().all(u8::is_ascii_whitespace) {
        CreateApiKey::default()
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
        (Some(at), None) => Some(expiry_from_instant(&at, now_secs())?),
        (None, Some(days)) if (1..=MAX_KEY_DAYS).contains(&days) => Some(u64::from(days) * 86_400),
        (None, Some(_)) => {
            return Err(ApiError::invalid(
                "/expiresInDays",
                format!("must be between 1 and {MAX_KEY_DAYS}"),
            ))
        }
        (None, None) => None,
    };
    let key = state.store.create_api_key(&project.id, expires_in).await?;
    Ok((StatusCode::CREATED, issued(key)))
}

/// Revokes an API key. Owner only.
#[utoipa::path(
    delete,
    path = "/api/projects/{id}/keys/{key_id}",
    tag = "keys",
    operation_id = "revokeApiKey",
    params(
        ("id" = String, Path, description = "Project id"),
        ("key_id" = String, Path, description = "API key id"),
    ),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "Revoked", body = ApiKeyRevoked),
        (status = 401, description = "Not signed in, or invalid credentials", body = ErrorBody),
        (status = 403, description = "Not the owner", body = ErrorBody),
        (status = 404, description = "No such project or key", body = ErrorBody),
    ),
)]
async fn revoke(
    State(state): State<AppState>,
    principal: Principal,
    Path((id, key_id)): Path<(String, String)>,
) -> Result<Json<ApiKeyRevoked>, ApiError> {
    let project = project_for(&state, &principal, &id, Access::Own).await?;
    if !state.store.revoke_api_key(&project.id, &key_id).await? {
        return Err(ApiError::not_found("API key not found"));
    }
    Ok(Json(ApiKeyRevoked {
        message: "API key revoked".into(),
        id: key_id,
    }))
}

/// Replaces an API key with a new one (same expiry policy); the plain key is in this response only.
#[utoipa::path(
    post,
    path = "/api/projects/{id}/keys/{key_id}/rotate",
    tag = "keys",
    operation_id = "rotateApiKey",
    params(
        ("id" = String, Path, description = "Project id"),
        ("key_id" = String, Path, description = "API key id"),
    ),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The replacement key, in this response only; the old key no longer works", body = IssuedApiKey),
        (status = 401, description = "Not signed in, or invalid credentials", body = ErrorBody),
        (status = 403, description = "Not the owner", body = ErrorBody),
        (status = 404, description = "No such project or key", body = ErrorBody),
    ),
)]
async fn rotate(
    State(state): State<AppState>,
    principal: Principal,
    Path((id, key_id)): Path<(String, String)>,
) -> Result<Json<IssuedApiKey>, ApiError> {
    let project = project_for(&state, &principal, &id, Access::Own).await?;
    let key = state
        .store
        .rotate_api_key(&project.id, &key_id)
        .await?
        .ok_or_else(|| ApiError::not_found("API key not found"))?;
    Ok(issued(key))
}
