//! The generated program API under `/api/{projectId}/…`: instructions, accounts, types, errors,
//! events, constants, the IDL itself, and the program's own OpenAPI document. Every response names
//! the program and the IDL version it was built from.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use orquestra_docs::{views, ProgramContext};
use orquestra_store::kv::keys;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::auth::Principal;
use crate::extract::QueryParams;
use crate::http_cache::{cached, json_with_etag};
use crate::programs::{idl_json, load, Loaded};
use crate::{ApiError, AppState};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/{project_id}/instructions", get(instructions))
        .route("/api/{project_id}/instructions/{name}", get(instruction))
        .route("/api/{project_id}/accounts", get(accounts))
        .route("/api/{project_id}/types", get(types))
        .route("/api/{project_id}/errors", get(errors))
        .route("/api/{project_id}/events", get(events))
        .route("/api/{project_id}/constants", get(constants))
        .route("/api/{project_id}/idl", get(idl))
        .route("/api/{project_id}/openapi.json", get(openapi))
}

/// The docs crate's context for a loaded project (views need no known addresses).
pub fn context<'a>(
    state: &'a AppState,
    loaded: &'a Loaded,
    known: &'a [orquestra_docs::KnownAddressRef<'a>],
) -> ProgramContext<'a> {
    ProgramContext {
        project_id: &loaded.project.id,
        project_name: &loaded.project.name,
        description: loaded.project.description.as_deref(),
        program_id: &loaded.project.program_id,
        version: loaded.version,
        base_url: &state.config.public_url,
        known_addresses: known,
    }
}

fn to_bytes(value: &Value) -> Result<Vec<u8>, ApiError> {
    serde_json::to_vec(value).map_err(|e| ApiError::internal(&e))
}

async fn instructions(
    State(state): State<AppState>,
    principal: Principal,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let loaded = load(&state, &principal, &id, None).await?;
    let key = keys::api_instructions(&loaded.project.id);
    cached(
        &state,
        &key,
        loaded.version,
        "application/json",
        &headers,
        || {
            to_bytes(&views::instructions(
                &loaded.program,
                &context(&state, &loaded, &[]),
            ))
        },
    )
    .await
}

async fn accounts(
    State(state): State<AppState>,
    principal: Principal,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let loaded = load(&state, &principal, &id, None).await?;
    let key = keys::api_accounts(&loaded.project.id);
    cached(
        &state,
        &key,
        loaded.version,
        "application/json",
        &headers,
        || {
            to_bytes(&views::accounts(
                &loaded.program,
                &context(&state, &loaded, &[]),
            ))
        },
    )
    .await
}

async fn instruction(
    State(state): State<AppState>,
    principal: Principal,
    headers: HeaderMap,
    Path((id, name)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let loaded = load(&state, &principal, &id, None).await?;
    let view = views::instruction(&loaded.program, &context(&state, &loaded, &[]), &name)
        .ok_or_else(|| {
            ApiError::new(
                axum::http::StatusCode::NOT_FOUND,
                "unknown_instruction",
                format!("instruction {name:?} not found"),
            )
        })?;
    Ok(json_with_etag(&headers, &view))
}

macro_rules! simple_view {
    ($name:ident, $view:path) => {
        async fn $name(
            State(state): State<AppState>,
            principal: Principal,
            headers: HeaderMap,
            Path(id): Path<String>,
        ) -> Result<Response, ApiError> {
            let loaded = load(&state, &principal, &id, None).await?;
            Ok(json_with_etag(
                &headers,
                &$view(&loaded.program, &context(&state, &loaded, &[])),
            ))
        }
    };
}

simple_view!(types, views::types);
simple_view!(errors, views::errors);
simple_view!(events, views::events);
simple_view!(constants, views::constants);
simple_view!(openapi, orquestra_docs::program_openapi);

#[derive(Deserialize)]
struct IdlQuery {
    normalized: Option<String>,
}

/// The IDL as uploaded, or with `?normalized=1` the engine's normalised model.
async fn idl(
    State(state): State<AppState>,
    principal: Principal,
    headers: HeaderMap,
    Path(id): Path<String>,
    QueryParams(q): QueryParams<IdlQuery>,
) -> Result<Response, ApiError> {
    let loaded = load(&state, &principal, &id, None).await?;
    let normalized = matches!(q.normalized.as_deref(), Some("1" | "true"));
    let idl: Value = if normalized {
        serde_json::to_value(&*loaded.program).map_err(|e| ApiError::internal(&e))?
    } else {
        serde_json::from_str(&idl_json(&state, &loaded.project, loaded.version).await?)
            .map_err(|e| ApiError::internal(&e))?
    };
    let body = json!({
        "projectId": loaded.project.id,
        "programName": loaded.program.name,
        "programId": loaded.project.program_id,
        "version": loaded.version,
        "normalized": normalized,
        "idl": idl,
    });
    Ok(json_with_etag(&headers, &body).into_response())
}
