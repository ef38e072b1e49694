//! The generated program API under `/api/{projectId}/…`: instructions, accounts, types, errors,
//! events, constants, the IDL itself, and the program's own OpenAPI document. Every response names
//! the program and the IDL version it was built from.

use axum::extract::{Path, State};
use axum::response::Response;
use orquestra_api::platform::OpenApiDocument;
use orquestra_api::views::{
    AccountsView, ConstantsView, ErrorsView, EventsView, IdlView, InstructionView,
    InstructionsView, TypesView,
};
use orquestra_api::ErrorCode;
use orquestra_docs::{views, ProgramContext};
use orquestra_idl::ItemKind;
use orquestra_store::kv::keys;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::Principal;
use crate::error::ErrorBody;
use crate::extract::QueryParams;
use crate::http_cache::{cached, lookup, respond, store, IfNoneMatch};
use crate::programs::{ensure_usable, idl_json, load, Loaded};
use crate::version::{Answered, Pinned, VersionQuery};
use crate::{ApiError, AppState};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(instructions))
        .routes(routes!(instruction))
        .routes(routes!(accounts))
        .routes(routes!(types))
        .routes(routes!(errors))
        .routes(routes!(events))
        .routes(routes!(constants))
        .routes(routes!(idl))
        .routes(routes!(openapi))
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

/// A response body serialised once, straight from its typed view.
fn to_bytes(value: &impl Serialize) -> Result<Vec<u8>, ApiError> {
    serde_json::to_vec(value).map_err(|e| ApiError::internal(&e))
}

/// The program's instructions: accounts, arguments, discriminators.
#[utoipa::path(
    get,
    path = "/api/{project_id}/instructions",
    tag = "program",
    operation_id = "listInstructions",
    params(("project_id" = String, Path, description = "Project id"), VersionQuery),
    security((), ("bearerAuth" = []), ("apiKeyAuth" = [])),
    responses(
        (status = 200, description = "Instructions of the IDL version asked for (default: the latest), with an `ETag`", body = InstructionsView),
        (status = 304, description = "Not modified (`If-None-Match` matched the `ETag`)"),
        (status = 400, description = "Invalid query parameter (`version`)", body = ErrorBody),
        (status = 401, description = "Invalid credentials", body = ErrorBody),
        (status = 404, description = "Absent, private to someone else, no IDL yet, or no such version (`version_not_found`)", body = ErrorBody),
    ),
)]
async fn instructions(
    State(state): State<AppState>,
    principal: Principal,
    if_none_match: IfNoneMatch,
    pinned: Pinned,
    Path(id): Path<String>,
) -> Result<(Answered, Response), ApiError> {
    let loaded = load(&state, &principal, &id, pinned).await?;
    let key = loaded.cache_key("instructions", keys::api_instructions);
    let response = cached(
        &state,
        &key,
        loaded.version,
        "application/json",
        &if_none_match,
        || {
            to_bytes(&views::instructions(
                &loaded.program,
                &context(&state, &loaded, &[]),
            ))
        },
    )
    .await?;
    Ok((loaded.answered(), response))
}

/// The program's account types with their layouts.
#[utoipa::path(
    get,
    path = "/api/{project_id}/accounts",
    tag = "program",
    operation_id = "listAccounts",
    params(("project_id" = String, Path, description = "Project id"), VersionQuery),
    security((), ("bearerAuth" = []), ("apiKeyAuth" = [])),
    responses(
        (status = 200, description = "Account types of the IDL version asked for (default: the latest), with an `ETag`", body = AccountsView),
        (status = 304, description = "Not modified (`If-None-Match` matched the `ETag`)"),
        (status = 400, description = "Invalid query parameter (`version`)", body = ErrorBody),
        (status = 401, description = "Invalid credentials", body = ErrorBody),
        (status = 404, description = "Absent, private to someone else, no IDL yet, or no such version (`version_not_found`)", body = ErrorBody),
    ),
)]
async fn accounts(
    State(state): State<AppState>,
    principal: Principal,
    if_none_match: IfNoneMatch,
    pinned: Pinned,
    Path(id): Path<String>,
) -> Result<(Answered, Response), ApiError> {
    let loaded = load(&state, &principal, &id, pinned).await?;
    let key = loaded.cache_key("accounts", keys::api_accounts);
    let response = cached(
        &state,
        &key,
        loaded.version,
        "application/json",
        &if_none_match,
        || {
            to_bytes(&views::accounts(
                &loaded.program,
                &context(&state, &loaded, &[]),
            ))
        },
    )
    .await?;
    Ok((loaded.answered(), response))
}

/// One instruction by name.
#[utoipa::path(
    get,
    path = "/api/{project_id}/instructions/{name}",
    tag = "program",
    operation_id = "getInstruction",
    params(("project_id" = String, Path, description = "Project id"), ("name" = String, Path, description = "Instruction name as in the IDL"), VersionQuery),
    security((), ("bearerAuth" = []), ("apiKeyAuth" = [])),
    responses(
        (status = 200, description = "The instruction, with an `ETag`", body = InstructionView),
        (status = 304, description = "Not modified (`If-None-Match` matched the `ETag`)"),
        (status = 400, description = "Invalid query parameter (`version`)", body = ErrorBody),
        (status = 401, description = "Invalid credentials", body = ErrorBody),
        (status = 404, description = "Absent, private to someone else, no IDL yet, no such version (`version_not_found`), or no such instruction (`unknown_instruction`)", body = ErrorBody),
        (status = 422, description = "The instruction's IDL definition is broken (`idl_item_unusable`, naming the defect)", body = ErrorBody),
    ),
)]
async fn instruction(
    State(state): State<AppState>,
    principal: Principal,
    if_none_match: IfNoneMatch,
    pinned: Pinned,
    Path((id, name)): Path<(String, String)>,
) -> Result<(Answered, Response), ApiError> {
    let loaded = load(&state, &principal, &id, pinned).await?;
    let Some(ix) = loaded.program.find_instruction(&name) else {
        ensure_usable(&loaded.program, ItemKind::Instruction, &name)?;
        return Err(ApiError::new(
            ErrorCode::UnknownInstruction,
            format!("instruction {name:?} not found"),
        ));
    };
    let view_name = format!("instruction:{}", ix.name);
    let response = cached_view(&state, &loaded, &if_none_match, &view_name, || {
        views::instruction(&loaded.program, &context(&state, &loaded, &[]), &ix.name).ok_or_else(
            || {
                ApiError::new(
                    ErrorCode::UnknownInstruction,
                    format!("instruction {name:?} not found"),
                )
            },
        )
    })
    .await?;
    Ok((loaded.answered(), response))
}

/// A generated JSON view of the loaded version, cached in KV `CACHE` under `api:{id}:{view}`
/// (or the pinned version's own key).
async fn cached_view<T: Serialize>(
    state: &AppState,
    loaded: &Loaded,
    if_none_match: &IfNoneMatch,
    view: &str,
    build: impl FnOnce() -> Result<T, ApiError>,
) -> Result<Response, ApiError> {
    let key = loaded.cache_key(view, |id| keys::api_view(id, view));
    cached(
        state,
        &key,
        loaded.version,
        "application/json",
        if_none_match,
        || to_bytes(&build()?),
    )
    .await
}

macro_rules! simple_view {
    ($(#[$attr:meta])* $name:ident, $view:path) => {
        $(#[$attr])*
        async fn $name(
            State(state): State<AppState>,
            principal: Principal,
            if_none_match: IfNoneMatch,
            pinned: Pinned,
            Path(id): Path<String>,
        ) -> Result<(Answered, Response), ApiError> {
            let loaded = load(&state, &principal, &id, pinned).await?;
            let response = cached_view(&state, &loaded, &if_none_match, stringify!($name), || {
                Ok($view(&loaded.program, &context(&state, &loaded, &[])))
            })
            .await?;
            Ok((loaded.answered(), response))
        }
    };
}

simple_view!(
    /// The program's defined types.
    #[utoipa::path(
        get,
        path = "/api/{project_id}/types",
        tag = "program",
        operation_id = "listTypes",
        params(("project_id" = String, Path, description = "Project id"), VersionQuery),
        security((), ("bearerAuth" = []), ("apiKeyAuth" = [])),
        responses(
            (status = 200, description = "Types of the IDL version asked for (default: the latest), with an `ETag`", body = TypesView),
            (status = 304, description = "Not modified (`If-None-Match` matched the `ETag`)"),
            (status = 400, description = "Invalid query parameter (`version`)", body = ErrorBody),
            (status = 401, description = "Invalid credentials", body = ErrorBody),
            (status = 404, description = "Absent, private to someone else, no IDL yet, or no such version (`version_not_found`)", body = ErrorBody),
        ),
    )]
    types,
    views::types
);
simple_view!(
    /// The program's error codes.
    #[utoipa::path(
        get,
        path = "/api/{project_id}/errors",
        tag = "program",
        operation_id = "listErrors",
        params(("project_id" = String, Path, description = "Project id"), VersionQuery),
        security((), ("bearerAuth" = []), ("apiKeyAuth" = [])),
        responses(
            (status = 200, description = "Errors of the IDL version asked for (default: the latest), with an `ETag`", body = ErrorsView),
            (status = 304, description = "Not modified (`If-None-Match` matched the `ETag`)"),
            (status = 400, description = "Invalid query parameter (`version`)", body = ErrorBody),
            (status = 401, description = "Invalid credentials", body = ErrorBody),
            (status = 404, description = "Absent, private to someone else, no IDL yet, or no such version (`version_not_found`)", body = ErrorBody),
        ),
    )]
    errors,
    views::errors
);
simple_view!(
    /// The program's events.
    #[utoipa::path(
        get,
        path = "/api/{project_id}/events",
        tag = "program",
        operation_id = "listEvents",
        params(("project_id" = String, Path, description = "Project id"), VersionQuery),
        security((), ("bearerAuth" = []), ("apiKeyAuth" = [])),
        responses(
            (status = 200, description = "Events of the IDL version asked for (default: the latest), with an `ETag`", body = EventsView),
            (status = 304, description = "Not modified (`If-None-Match` matched the `ETag`)"),
            (status = 400, description = "Invalid query parameter (`version`)", body = ErrorBody),
            (status = 401, description = "Invalid credentials", body = ErrorBody),
            (status = 404, description = "Absent, private to someone else, no IDL yet, or no such version (`version_not_found`)", body = ErrorBody),
        ),
    )]
    events,
    views::events
);
simple_view!(
    /// The program's constants.
    #[utoipa::path(
        get,
        path = "/api/{project_id}/constants",
        tag = "program",
        operation_id = "listConstants",
        params(("project_id" = String, Path, description = "Project id"), VersionQuery),
        security((), ("bearerAuth" = []), ("apiKeyAuth" = [])),
        responses(
            (status = 200, description = "Constants of the IDL version asked for (default: the latest), with an `ETag`", body = ConstantsView),
            (status = 304, description = "Not modified (`If-None-Match` matched the `ETag`)"),
            (status = 400, description = "Invalid query parameter (`version`)", body = ErrorBody),
            (status = 401, description = "Invalid credentials", body = ErrorBody),
            (status = 404, description = "Absent, private to someone else, no IDL yet, or no such version (`version_not_found`)", body = ErrorBody),
        ),
    )]
    constants,
    views::constants
);
simple_view!(
    /// The program's own OpenAPI 3.1 document (its generated REST API), built from the latest IDL.
    #[utoipa::path(
        get,
        path = "/api/{project_id}/openapi.json",
        tag = "program",
        operation_id = "getProgramOpenApi",
        params(("project_id" = String, Path, description = "Project id"), VersionQuery),
        security((), ("bearerAuth" = []), ("apiKeyAuth" = [])),
        responses(
            (status = 200, description = "An OpenAPI 3.1 document, with an `ETag`", body = OpenApiDocument),
            (status = 304, description = "Not modified (`If-None-Match` matched the `ETag`)"),
            (status = 400, description = "Invalid query parameter (`version`)", body = ErrorBody),
            (status = 401, description = "Invalid credentials", body = ErrorBody),
            (status = 404, description = "Absent, private to someone else, no IDL yet, or no such version (`version_not_found`)", body = ErrorBody),
        ),
    )]
    openapi,
    program_openapi_document
);

fn program_openapi_document(
    program: &orquestra_idl::Program,
    ctx: &ProgramContext<'_>,
) -> serde_json::Value {
    orquestra_docs::program_openapi(program, ctx)
}

/// Which form of the IDL.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct IdlQuery {
    /// `1` or `true`: the engine's normalised model instead of the IDL as uploaded.
    normalized: Option<String>,
}

/// The IDL as uploaded, or with `?normalized=1` the engine's normalised model.
#[utoipa::path(
    get,
    path = "/api/{project_id}/idl",
    tag = "program",
    operation_id = "getProgramIdl",
    params(("project_id" = String, Path, description = "Project id"), IdlQuery, VersionQuery),
    security((), ("bearerAuth" = []), ("apiKeyAuth" = [])),
    responses(
        (status = 200, description = "The IDL (or its normalised model) with its warnings, with an `ETag`", body = IdlView),
        (status = 304, description = "Not modified (`If-None-Match` matched the `ETag`)"),
        (status = 400, description = "Invalid query parameter", body = ErrorBody),
        (status = 401, description = "Invalid credentials", body = ErrorBody),
        (status = 404, description = "Absent, private to someone else, no IDL yet, or no such version (`version_not_found`)", body = ErrorBody),
    ),
)]
async fn idl(
    State(state): State<AppState>,
    principal: Principal,
    if_none_match: IfNoneMatch,
    pinned: Pinned,
    Path(id): Path<String>,
    QueryParams(q): QueryParams<IdlQuery>,
) -> Result<(Answered, Response), ApiError> {
    let loaded = load(&state, &principal, &id, pinned).await?;
    let normalized = matches!(q.normalized.as_deref(), Some("1" | "true"));
    let view = if normalized { "idl:normalized" } else { "idl" };
    let key = loaded.cache_key(view, |id| keys::api_view(id, view));
    if let Some((etag, body)) = lookup(&state, &key, loaded.version).await {
        let response = respond(&if_none_match, etag, body, "application/json");
        return Ok((loaded.answered(), response));
    }
    let idl: Value = if normalized {
        serde_json::to_value(&*loaded.program).map_err(|e| ApiError::internal(&e))?
    } else {
        serde_json::from_str(&idl_json(&state, &loaded.project, loaded.version).await?)
            .map_err(|e| ApiError::internal(&e))?
    };
    let body: IdlView = views::idl(
        &loaded.program,
        &context(&state, &loaded, &[]),
        normalized,
        idl,
    );
    let (etag, body) = store(&state, &key, loaded.version, to_bytes(&body)?).await;
    let response = respond(&if_none_match, etag, body, "application/json");
    Ok((loaded.answered(), response))
}
