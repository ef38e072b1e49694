//! Known addresses: `GET|POST /api/{projectId}/addresses`,
//! `PUT|DELETE /api/{projectId}/addresses/{addressId}`.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use orquestra_api::keys::{
    CreateKnownAddress, KnownAddress, KnownAddressDeleted, KnownAddressEnvelope, KnownAddressList,
    UpdateKnownAddress,
};
use orquestra_api::ErrorCode;
use orquestra_store::NewKnownAddress;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::access::{project_for, Access};
use crate::auth::Principal;
use crate::error::ErrorBody;
use crate::extract::JsonBody;
use crate::{time, validate};
use crate::{ApiError, AppState};

/// A project keeps at most this many labelled addresses.
const MAX_PER_PROJECT: usize = 50;
const LABEL_MAX: usize = 100;
const DESCRIPTION_MAX: usize = 500;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(update, remove))
}

/// The generated docs list the known addresses.
async fn forget_docs(state: &AppState, project_id: &str) {
    orquestra_store::kv::forget_docs(state.kv.as_ref(), project_id).await;
}

/// The stored row as the API shows it.
fn view(a: orquestra_store::KnownAddress) -> KnownAddress {
    KnownAddress {
        id: a.id,
        label: a.label,
        address: a.address,
        description: a.description,
        created_at: time::stored(a.created_at),
        updated_at: time::stored(a.updated_at),
    }
}

/// The project's known addresses.
#[utoipa::path(
    get,
    path = "/api/{project_id}/addresses",
    tag = "addresses",
    operation_id = "listAddresses",
    params(("project_id" = String, Path, description = "Project id")),
    security((), ("bearerAuth" = []), ("apiKeyAuth" = [])),
    responses(
        (status = 200, description = "The project's known addresses", body = KnownAddressList),
        (status = 401, description = "Invalid credentials", body = ErrorBody),
        (status = 404, description = "Absent, or private to someone else", body = ErrorBody),
    ),
)]
async fn list(
    State(state): State<AppState>,
    principal: Principal,
    Path(project_id): Path<String>,
) -> Result<Json<KnownAddressList>, ApiError> {
    let project = project_for(&state, &principal, &project_id, Access::Read).await?;
    let addresses = state
        .store
        .list_known_addresses(&project.id)
        .await?
        .into_iter()
        .map(view)
        .collect();
    Ok(Json(KnownAddressList {
        project_id: project.id,
        addresses,
    }))
}

/// Adds a known address (owner or project key; at most 50 per project).
#[utoipa::path(
    post,
    path = "/api/{project_id}/addresses",
    tag = "addresses",
    operation_id = "createAddress",
    params(("project_id" = String, Path, description = "Project id")),
    security(("bearerAuth" = []), ("apiKeyAuth" = [])),
    request_body = CreateKnownAddress,
    responses(
        (status = 201, description = "Created", body = KnownAddressEnvelope),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "Not signed in, or invalid credentials", body = ErrorBody),
        (status = 403, description = "Not the owner or a key of this project", body = ErrorBody),
        (status = 404, description = "Absent, or private to someone else", body = ErrorBody),
        (status = 409, description = "The project already has 50 known addresses (`limit_reached`)", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 415, description = "Not `application/json`", body = ErrorBody),
        (status = 422, description = "Invalid fields", body = ErrorBody),
    ),
)]
async fn create(
    State(state): State<AppState>,
    principal: Principal,
    Path(project_id): Path<String>,
    JsonBody(body): JsonBody<CreateKnownAddress>,
) -> Result<(StatusCode, Json<KnownAddressEnvelope>), ApiError> {
    let project = project_for(&state, &principal, &project_id, Access::Write).await?;
    let input = NewKnownAddress {
        label: validate::required_text("/label", &body.label, LABEL_MAX)?,
        address: body.address.trim().to_string(),
        description: validate::optional_text(
            "/description",
            body.description.as_deref(),
            DESCRIPTION_MAX,
        )?,
    };
    validate::pubkey("/address", &input.address)?;
    if state.store.list_known_addresses(&project.id).await?.len() >= MAX_PER_PROJECT {
        return Err(ApiError::new(
            ErrorCode::LimitReached,
            format!("a project can have at most {MAX_PER_PROJECT} known addresses"),
        ));
    }
    let created = state
        .store
        .create_known_address(&project.id, &input)
        .await?;
    forget_docs(&state, &project.id).await;
    Ok((
        StatusCode::CREATED,
        Json(KnownAddressEnvelope {
            address: view(created),
        }),
    ))
}

/// Updates a known address (owner or project key).
#[utoipa::path(
    put,
    path = "/api/{project_id}/addresses/{address_id}",
    tag = "addresses",
    operation_id = "updateAddress",
    params(("project_id" = String, Path, description = "Project id"), ("address_id" = String, Path, description = "Known address id")),
    security(("bearerAuth" = []), ("apiKeyAuth" = [])),
    request_body = UpdateKnownAddress,
    responses(
        (status = 200, description = "Updated", body = KnownAddressEnvelope),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "Not signed in, or invalid credentials", body = ErrorBody),
        (status = 403, description = "Not the owner or a key of this project", body = ErrorBody),
        (status = 404, description = "No such project or address", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 415, description = "Not `application/json`", body = ErrorBody),
        (status = 422, description = "Invalid fields", body = ErrorBody),
    ),
)]
async fn update(
    State(state): State<AppState>,
    principal: Principal,
    Path((project_id, address_id)): Path<(String, String)>,
    JsonBody(body): JsonBody<UpdateKnownAddress>,
) -> Result<Json<KnownAddressEnvelope>, ApiError> {
    let project = project_for(&state, &principal, &project_id, Access::Write).await?;
    let current = state
        .store
        .get_known_address(&project.id, &address_id)
        .await?
        .ok_or_else(|| ApiError::not_found("address not found"))?;
    let address = body
        .address
        .map(|a| a.trim().to_string())
        .unwrap_or(current.address);
    validate::pubkey("/address", &address)?;
    let input = NewKnownAddress {
        label: match body.label {
            Some(label) => validate::required_text("/label", &label, LABEL_MAX)?,
            None => current.label,
        },
        address,
        description: match body.description {
            Some(d) => validate::optional_text("/description", d.as_deref(), DESCRIPTION_MAX)?,
            None => current.description,
        },
    };
    let updated = state
        .store
        .update_known_address(&project.id, &address_id, &input)
        .await?
        .ok_or_else(|| ApiError::not_found("address not found"))?;
    forget_docs(&state, &project.id).await;
    Ok(Json(KnownAddressEnvelope {
        address: view(updated),
    }))
}

/// Deletes a known address (owner or project key).
#[utoipa::path(
    delete,
    path = "/api/{project_id}/addresses/{address_id}",
    tag = "addresses",
    operation_id = "deleteAddress",
    params(("project_id" = String, Path, description = "Project id"), ("address_id" = String, Path, description = "Known address id")),
    security(("bearerAuth" = []), ("apiKeyAuth" = [])),
    responses(
        (status = 200, description = "Deleted", body = KnownAddressDeleted),
        (status = 401, description = "Not signed in, or invalid credentials", body = ErrorBody),
        (status = 403, description = "Not the owner or a key of this project", body = ErrorBody),
        (status = 404, description = "No such project or address", body = ErrorBody),
    ),
)]
async fn remove(
    State(state): State<AppState>,
    principal: Principal,
    Path((project_id, address_id)): Path<(String, String)>,
) -> Result<Json<KnownAddressDeleted>, ApiError> {
    let project = project_for(&state, &principal, &project_id, Access::Write).await?;
    if !state
        .store
        .delete_known_address(&project.id, &address_id)
        .await?
    {
        return Err(ApiError::not_found("address not found"));
    }
    forget_docs(&state, &project.id).await;
    Ok(Json(KnownAddressDeleted {
        message: "Address deleted".into(),
        address_id,
    }))
}
