//! Documentation: `GET|PUT|DELETE /api/{projectId}/docs` (owner-written Markdown wins over the
//! generated `CPI.md`) and `GET /project/{projectId}/llms.txt`.

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::Response;
use axum::Json;
use bytes::Bytes;
use orquestra_api::views::{DocsUpdated, DocsView};
use orquestra_api::ErrorCode;
use orquestra_store::kv::keys;
use orquestra_store::ProjectUpdate;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::program::context;
use crate::access::{project_for, Access};
use crate::auth::Principal;
use crate::error::ErrorBody;
use crate::extract::{JsonBody, QueryParams};
use crate::http_cache::{etag_of, lookup, respond, store, IfNoneMatch};
use crate::programs::load;
use crate::version::{Answered, Pinned, VersionQuery};
use crate::{ApiError, AppState};

/// Largest owner-written documentation.
const MAX_CUSTOM_DOCS: usize = 1024 * 1024;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(read, write, reset))
        .routes(routes!(llms))
}

/// How to return the docs.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct DocsQuery {
    /// `json` (default) or `md`/`markdown` for the Markdown itself.
    format: Option<String>,
}

/// Generated docs of the loaded version with the project's current known addresses, as Markdown
/// or wrapped in JSON; both come from the one cached Markdown body.
async fn generated_docs(
    state: &AppState,
    loaded: &crate::programs::Loaded,
    if_none_match: &IfNoneMatch,
    markdown: bool,
) -> Result<Response, ApiError> {
    // Each form is cached as the response body it is, so a hit is a KV read and nothing else.
    let key = if markdown {
        loaded.cache_key("docs:md", keys::api_docs_markdown)
    } else {
        loaded.cache_key("docs", keys::api_docs)
    };
    let content_type = if markdown {
        "text/markdown; charset=utf-8"
    } else {
        "application/json"
    };
    if let Some((etag, body)) = lookup(state, &key, loaded.version).await {
        return Ok(respond(if_none_match, etag, body, content_type));
    }
    let addresses = state.store.list_known_addresses(&loaded.project.id).await?;
    let known = crate::programs::known_address_refs(&addresses);
    let md = orquestra_docs::cpi_md(&loaded.program, &context(state, loaded, &known));
    let body = if markdown {
        md.into_bytes()
    } else {
        serde_json::to_vec(&DocsView {
            project_id: loaded.project.id.clone(),
            program_name: loaded.program.name.clone(),
            version: loaded.version,
            is_custom: false,
            docs: md,
        })
        .map_err(|e| ApiError::internal(&e))?
    };
    let (etag, body) = store(state, &key, loaded.version, body).await;
    Ok(respond(if_none_match, etag, body, content_type))
}

/// The project's documentation: the owner's Markdown if set, else the generated `CPI.md`.
#[utoipa::path(
    get,
    path = "/api/{project_id}/docs",
    tag = "docs",
    operation_id = "getDocs",
    params(("project_id" = String, Path, description = "Project id"), DocsQuery, VersionQuery),
    security((), ("bearerAuth" = []), ("apiKeyAuth" = [])),
    responses(
        (status = 200, description = "`{\"projectId\", \"programName\", \"version\", \"isCustom\", \"docs\"}`, \
            or with `?format=md` the Markdown itself; with an `ETag`",
            content((DocsView = "application/json"), (String = "text/markdown"))),
        (status = 304, description = "Not modified (`If-None-Match` matched the `ETag`)"),
        (status = 400, description = "Unknown `format`, or an invalid query parameter", body = ErrorBody),
        (status = 401, description = "Invalid credentials", body = ErrorBody),
        (status = 404, description = "Absent, private to someone else, no IDL yet, or no such version (`version_not_found`)", body = ErrorBody),
    ),
)]
async fn read(
    State(state): State<AppState>,
    principal: Principal,
    if_none_match: IfNoneMatch,
    pinned: Pinned,
    Path(id): Path<String>,
    QueryParams(q): QueryParams<DocsQuery>,
) -> Result<(Answered, Response), ApiError> {
    let markdown = match q.format.as_deref() {
        None | Some("json") => false,
        Some("md" | "markdown") => true,
        Some(other) => {
            return Err(ApiError::bad_request(format!(
                "unknown format {other:?}: use json or md"
            )))
        }
    };
    let loaded = load(&state, &principal, &id, pinned).await?;
    if let Some(custom) = loaded.project.custom_docs.clone() {
        if markdown {
            let body = Bytes::from(custom);
            let response = respond(
                &if_none_match,
                etag_of(&body),
                body,
                "text/markdown; charset=utf-8",
            );
            return Ok((loaded.answered(), response));
        }
        let body = DocsView {
            project_id: loaded.project.id.clone(),
            program_name: loaded.program.name.clone(),
            version: loaded.version,
            is_custom: true,
            docs: custom,
        };
        let response = crate::http_cache::json_with_etag(&if_none_match, &body);
        return Ok((loaded.answered(), response));
    }
    let response = generated_docs(&state, &loaded, &if_none_match, markdown).await?;
    Ok((loaded.answered(), response))
}

/// Owner-written documentation.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct DocsBody {
    /// Markdown, non-empty, at most 1 MB.
    docs: String,
}

/// Replaces the generated docs with the owner's Markdown (owner or project key).
#[utoipa::path(
    put,
    path = "/api/{project_id}/docs",
    tag = "docs",
    operation_id = "putDocs",
    params(("project_id" = String, Path, description = "Project id")),
    security(("bearerAuth" = []), ("apiKeyAuth" = [])),
    request_body = DocsBody,
    responses(
        (status = 200, description = "Done", body = DocsUpdated),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "Not signed in, or invalid credentials", body = ErrorBody),
        (status = 403, description = "Not the owner or a key of this project", body = ErrorBody),
        (status = 404, description = "Absent, or private to someone else", body = ErrorBody),
        (status = 413, description = "Docs over 1 MB, or body too large", body = ErrorBody),
        (status = 415, description = "Not `application/json`", body = ErrorBody),
        (status = 422, description = "Empty `docs`, or a wrong body shape", body = ErrorBody),
    ),
)]
async fn write(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<DocsBody>,
) -> Result<Json<DocsUpdated>, ApiError> {
    let project = project_for(&state, &principal, &id, Access::Write).await?;
    if body.docs.trim().is_empty() {
        return Err(ApiError::invalid(
            "/docs",
            "must not be empty (DELETE resets to the generated docs)",
        ));
    }
    if body.docs.len() > MAX_CUSTOM_DOCS {
        return Err(
            ApiError::new(ErrorCode::PayloadTooLarge, "docs exceed 1 MB")
                .with_detail("/docs", "too large"),
        );
    }
    let update = ProjectUpdate {
        custom_docs: Some(Some(body.docs)),
        ..ProjectUpdate::default()
    };
    state.store.update_project(&project.id, &update).await?;
    orquestra_store::kv::forget_docs(state.kv.as_ref(), &project.id).await;
    Ok(Json(DocsUpdated {
        message: "Documentation updated".into(),
        project_id: project.id,
    }))
}

/// Drops the owner's Markdown: the generated docs apply again (owner or project key).
#[utoipa::path(
    delete,
    path = "/api/{project_id}/docs",
    tag = "docs",
    operation_id = "resetDocs",
    params(("project_id" = String, Path, description = "Project id")),
    security(("bearerAuth" = []), ("apiKeyAuth" = [])),
    responses(
        (status = 200, description = "Done", body = DocsUpdated),
        (status = 401, description = "Not signed in, or invalid credentials", body = ErrorBody),
        (status = 403, description = "Not the owner or a key of this project", body = ErrorBody),
        (status = 404, description = "Absent, or private to someone else", body = ErrorBody),
    ),
)]
async fn reset(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
) -> Result<Json<DocsUpdated>, ApiError> {
    let project = project_for(&state, &principal, &id, Access::Write).await?;
    let update = ProjectUpdate {
        custom_docs: Some(None),
        ..ProjectUpdate::default()
    };
    state.store.update_project(&project.id, &update).await?;
    orquestra_store::kv::forget_docs(state.kv.as_ref(), &project.id).await;
    Ok(Json(DocsUpdated {
        message: "Documentation reset to auto-generated".into(),
        project_id: project.id,
    }))
}

/// `GET /project/{projectId}/llms.txt`: AI-ready text for a project the caller may read.
#[utoipa::path(
    get,
    path = "/project/{project_id}/llms.txt",
    tag = "docs",
    operation_id = "getLlmsTxt",
    params(("project_id" = String, Path, description = "Project id"), VersionQuery),
    security((), ("bearerAuth" = []), ("apiKeyAuth" = [])),
    responses(
        (status = 200, description = "Plain text for language models, with an `ETag`", body = String,
            content_type = "text/plain"),
        (status = 304, description = "Not modified (`If-None-Match` matched the `ETag`)"),
        (status = 400, description = "Invalid query parameter (`version`)", body = ErrorBody),
        (status = 401, description = "Invalid credentials", body = ErrorBody),
        (status = 404, description = "Absent, private to someone else, no IDL yet, or no such version (`version_not_found`)", body = ErrorBody),
    ),
)]
async fn llms(
    State(state): State<AppState>,
    principal: Principal,
    if_none_match: IfNoneMatch,
    pinned: Pinned,
    Path(id): Path<String>,
) -> Result<(Answered, Response), ApiError> {
    let loaded = load(&state, &principal, &id, pinned).await?;
    let view = orquestra_store::kv::LLMS_VIEW;
    let key = loaded.cache_key(view, |id| keys::api_view(id, view));
    let (etag, body) = match lookup(&state, &key, loaded.version).await {
        Some(hit) => hit,
        None => {
            let addresses = state.store.list_known_addresses(&loaded.project.id).await?;
            let known = crate::programs::known_address_refs(&addresses);
            let text = orquestra_docs::llms_txt(
                &loaded.program,
                &context(&state, &loaded, &known),
                loaded.project.custom_docs.as_deref(),
            );
            store(&state, &key, loaded.version, text.into_bytes()).await
        }
    };
    let mut response = respond(&if_none_match, etag, body, "text/plain; charset=utf-8");
    response.headers_mut().insert(
        header::X_CONTENT_TYPE_OPTIONS,
        header::HeaderValue::from_static("nosniff"),
    );
    Ok((loaded.answered(), response))
}
