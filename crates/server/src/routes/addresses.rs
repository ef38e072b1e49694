//! Known addresses: `GET|POST /api/{projectId}/addresses`,
//! `PUT|DELETE /api/{projectId}/addresses/{addressId}`.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, put};
use axum::{Json, Router};
use orquestra_store::{KnownAddress, NewKnownAddress};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::access::{project_for, Access};
use crate::auth::Principal;
use crate::extract::JsonBody;
use crate::validate;
use crate::{ApiError, AppState};

/// A project keeps at most this many labelled addresses.
const MAX_PER_PROJECT: usize = 50;
const LABEL_MAX: usize = 100;
const DESCRIPTION_MAX: usize = 500;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/{project_id}/addresses", get(list).post(create))
        .route(
            "/api/{project_id}/addresses/{address_id}",
            put(update).delete(remove),
        )
}

/// The generated docs list the known addresses.
async fn forget_docs(state: &AppState, project_id: &str) {
    state
        .kv
        .delete(&orquestra_store::kv::keys::api_docs(project_id))
        .await;
}

#[derive(Serialize)]
struct AddressView {
    id: String,
    label: String,
    address: String,
    description: Option<String>,
    created_at: Option<String>,
    updated_at: Option<String>,
}

impl From<KnownAddress> for AddressView {
    fn from(a: KnownAddress) -> Self {
        Self {
            id: a.id,
            label: a.label,
            address: a.address,
            description: a.description,
            created_at: a.created_at,
            updated_at: a.updated_at,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CreateAddress {
    label: String,
    address: String,
    description: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UpdateAddress {
    label: Option<String>,
    address: Option<String>,
    #[serde(default, deserialize_with = "super::nullable")]
    description: Option<Option<String>>,
}

async fn list(
    State(state): State<AppState>,
    principal: Principal,
    Path(project_id): Path<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let project = project_for(&state, &principal, &project_id, Access::Read).await?;
    let addresses: Vec<AddressView> = state
        .store
        .list_known_addresses(&project.id)
        .await?
        .into_iter()
        .map(Into::into)
        .collect();
    Ok(Json(
        json!({ "projectId": project.id, "addresses": addresses }),
    ))
}

async fn create(
    State(state): State<AppState>,
    principal: Principal,
    Path(project_id): Path<String>,
    JsonBody(body): JsonBody<CreateAddress>,
) -> Result<(StatusCode, Json<serde_json::Value>), ApiError> {
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
            StatusCode::CONFLICT,
            "limit_reached",
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
        Json(json!({ "address": AddressView::from(created) })),
    ))
}

async fn update(
    State(state): State<AppState>,
    principal: Principal,
    Path((project_id, address_id)): Path<(String, String)>,
    JsonBody(body): JsonBody<UpdateAddress>,
) -> Result<Json<serde_json::Value>, ApiError> {
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
    Ok(Json(json!({ "address": AddressView::from(updated) })))
}

async fn remove(
    State(state): State<AppState>,
    principal: Principal,
    Path((project_id, address_id)): Path<(String, String)>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let project = project_for(&state, &principal, &project_id, Access::Write).await?;
    if !state
        .store
        .delete_known_address(&project.id, &address_id)
        .await?
    {
        return Err(ApiError::not_found("address not found"));
    }
    forget_docs(&state, &project.id).await;
    Ok(Json(
        json!({ "message": "Address deleted", "addressId": address_id }),
    ))
}
