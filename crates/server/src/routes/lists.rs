//! `/api/lists`: a signed-in user's program lists, their items and scope keys.
//!
//! A list is its owner's alone: another user's list is 404 on every route. A scope key
//! (`sk_` + 64 hex) lets an MCP client narrow search to the list's public programs; it is a
//! bearer secret, so it is shown in full only when created or regenerated (listings show
//! `scope_key_prefix`). Deviations from the original, on purpose: listings never show the key;
//! items never expose another user's private project (even one added while it was public); adding
//! needs the project to be visible to the caller, so a user may add their own private project.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use orquestra_store::{NewProgramList, Page, ProgramList, ProgramListItem, ProgramListUpdate};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::access::{can_see_parts, project_for, Access};
use crate::auth::Principal;
use crate::error::ErrorBody;
use crate::extract::{JsonBody, QueryParams};
use crate::validate;
use crate::{ApiError, AppState};

/// Schemas the responses describe by name.
#[derive(OpenApi)]
#[openapi(components(schemas(ListView, ListItemView)))]
struct Schemas;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(Schemas::openapi())
        .routes(routes!(list, create))
        .routes(routes!(update, remove))
        .routes(routes!(items, add_item))
        .routes(routes!(add_default_item))
        .routes(routes!(remove_item))
        .routes(routes!(regenerate_key))
}

const NAME_MAX: usize = 100;
const DESCRIPTION_MAX: usize = 500;
const KEY_MESSAGE: &str = "Store this scope key securely. It will not be shown again.";

/// A list as shown to its owner: never the scope key, only its first characters.
#[derive(Serialize, utoipa::ToSchema)]
struct ListView {
    id: String,
    user_id: String,
    name: String,
    description: Option<String>,
    is_default: bool,
    /// `sk_` and the key's first 4 hex characters, to tell keys apart.
    #[schema(example = "sk_3f9a")]
    scope_key_prefix: String,
    /// Items the owner may see (public projects and their own).
    item_count: i64,
    created_at: Option<String>,
    updated_at: Option<String>,
}

impl From<ProgramList> for ListView {
    fn from(l: ProgramList) -> Self {
        Self {
            id: l.id,
            user_id: l.user_id,
            name: l.name,
            description: l.description,
            is_default: l.is_default,
            scope_key_prefix: l.scope_key_prefix,
            item_count: l.item_count,
            created_at: l.created_at,
            updated_at: l.updated_at,
        }
    }
}

/// A project in a list, with its owner.
#[derive(Serialize, utoipa::ToSchema)]
struct ListItemView {
    item_id: String,
    added_at: Option<String>,
    project_id: String,
    name: String,
    description: Option<String>,
    program_id: String,
    is_public: bool,
    updated_at: Option<String>,
    username: String,
    avatar_url: Option<String>,
}

impl From<ProgramListItem> for ListItemView {
    fn from(i: ProgramListItem) -> Self {
        Self {
            item_id: i.item_id,
            added_at: i.added_at,
            project_id: i.project_id,
            name: i.name,
            description: i.description,
            program_id: i.program_id,
            is_public: i.is_public,
            updated_at: i.updated_at,
            username: i.username,
            avatar_url: i.avatar_url,
        }
    }
}

fn list_not_found() -> ApiError {
    ApiError::not_found("list not found")
}

/// The caller's lists, the default first, then oldest first.
#[utoipa::path(
    get,
    path = "/api/lists",
    tag = "lists",
    operation_id = "listLists",
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "`{\"lists\": [ListView], \"total\"}`", body = Object),
        (status = 401, description = "Not signed in, or invalid credentials", body = ErrorBody),
        (status = 403, description = "A project API key cannot manage lists", body = ErrorBody),
    ),
)]
async fn list(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Json<serde_json::Value>, ApiError> {
    let claims = principal.require_user()?;
    let lists: Vec<ListView> = state
        .store
        .list_lists(&claims.sub)
        .await?
        .into_iter()
        .map(Into::into)
        .collect();
    let total = lists.len();
    Ok(Json(json!({ "lists": lists, "total": total })))
}

/// A new list.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct CreateList {
    /// 1–100 characters (trimmed).
    name: String,
    /// Up to 500 characters; empty means none.
    description: Option<String>,
}

/// Creates a list with a new scope key, shown in this response only. The caller's first list (or
/// any list created while they have no default) becomes their default.
#[utoipa::path(
    post,
    path = "/api/lists",
    tag = "lists",
    operation_id = "createList",
    security(("bearerAuth" = [])),
    request_body = CreateList,
    responses(
        (status = 201, description = "`{\"list\": ListView + \"scope_key\", \"message\"}`", body = Object),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "Not signed in, or invalid credentials", body = ErrorBody),
        (status = 403, description = "A project API key cannot manage lists", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 415, description = "Not `application/json`", body = ErrorBody),
        (status = 422, description = "Invalid fields", body = ErrorBody),
    ),
)]
async fn create(
    State(state): State<AppState>,
    principal: Principal,
    JsonBody(body): JsonBody<CreateList>,
) -> Result<(StatusCode, Json<serde_json::Value>), ApiError> {
    let claims = principal.require_user()?;
    let name = validate::required_text("/name", &body.name, NAME_MAX)?;
    let description =
        validate::optional_text("/description", body.description.as_deref(), DESCRIPTION_MAX)?;
    let issued = state
        .store
        .create_list(&claims.sub, &NewProgramList { name, description })
        .await?;
    let mut list = serde_json::to_value(ListView::from(issued.list)).map_err(|e| {
        ApiError::internal(&e) // a plain struct always serialises
    })?;
    list["scope_key"] = json!(issued.scope_key);
    Ok((
        StatusCode::CREATED,
        Json(json!({ "list": list, "message": KEY_MESSAGE })),
    ))
}

/// A partial update: absent fields are kept; `description: null` or `""` clears it.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct UpdateList {
    /// 1–100 characters (trimmed).
    name: Option<String>,
    /// Up to 500 characters.
    #[serde(default, deserialize_with = "super::nullable")]
    description: Option<Option<String>>,
}

/// Renames or re-describes one of the caller's lists.
#[utoipa::path(
    put,
    path = "/api/lists/{list_id}",
    tag = "lists",
    operation_id = "updateList",
    params(("list_id" = String, Path, description = "List id")),
    security(("bearerAuth" = [])),
    request_body = UpdateList,
    responses(
        (status = 200, description = "`{\"success\": true, \"name\", \"description\", \"list\": ListView}`", body = Object),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "Not signed in, or invalid credentials", body = ErrorBody),
        (status = 403, description = "A project API key cannot manage lists", body = ErrorBody),
        (status = 404, description = "No such list of the caller's", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 415, description = "Not `application/json`", body = ErrorBody),
        (status = 422, description = "Invalid fields", body = ErrorBody),
    ),
)]
async fn update(
    State(state): State<AppState>,
    principal: Principal,
    Path(list_id): Path<String>,
    JsonBody(body): JsonBody<UpdateList>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let claims = principal.require_user()?;
    let name = body
        .name
        .as_deref()
        .map(|n| validate::required_text("/name", n, NAME_MAX))
        .transpose()?;
    let description = body
        .description
        .map(|d| validate::optional_text("/description", d.as_deref(), DESCRIPTION_MAX))
        .transpose()?;
    let list = state
        .store
        .update_list(
            &claims.sub,
            &list_id,
            &ProgramListUpdate { name, description },
        )
        .await?
        .ok_or_else(list_not_found)?;
    Ok(Json(json!({
        "success": true,
        "name": list.name,
        "description": list.description,
        "list": ListView::from(list),
    })))
}

/// Deletes one of the caller's lists and its items (no other list becomes the default).
#[utoipa::path(
    delete,
    path = "/api/lists/{list_id}",
    tag = "lists",
    operation_id = "deleteList",
    params(("list_id" = String, Path, description = "List id")),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "`{\"success\": true}`", body = Object),
        (status = 401, description = "Not signed in, or invalid credentials", body = ErrorBody),
        (status = 403, description = "A project API key cannot manage lists", body = ErrorBody),
        (status = 404, description = "No such list of the caller's", body = ErrorBody),
    ),
)]
async fn remove(
    State(state): State<AppState>,
    principal: Principal,
    Path(list_id): Path<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let claims = principal.require_user()?;
    if !state.store.delete_list(&claims.sub, &list_id).await? {
        return Err(list_not_found());
    }
    Ok(Json(json!({ "success": true })))
}

/// Paging (`total` is in the body).
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct ItemsQuery {
    /// Page size (default 50; capped by the server).
    limit: Option<u32>,
    /// Items to skip (default 0).
    offset: Option<u32>,
}

/// The projects in one of the caller's lists, newest-added first. Another user's project that
/// has become private is not shown (nor counted).
#[utoipa::path(
    get,
    path = "/api/lists/{list_id}/items",
    tag = "lists",
    operation_id = "listListItems",
    params(("list_id" = String, Path, description = "List id"), ItemsQuery),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "`{\"items\": [ListItemView], \"total\", \"limit\", \"offset\"}`", body = Object),
        (status = 400, description = "Invalid query parameter", body = ErrorBody),
        (status = 401, description = "Not signed in, or invalid credentials", body = ErrorBody),
        (status = 403, description = "A project API key cannot manage lists", body = ErrorBody),
        (status = 404, description = "No such list of the caller's", body = ErrorBody),
    ),
)]
async fn items(
    State(state): State<AppState>,
    principal: Principal,
    Path(list_id): Path<String>,
    QueryParams(q): QueryParams<ItemsQuery>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let claims = principal.require_user()?;
    state
        .store
        .get_list(&claims.sub, &list_id)
        .await?
        .ok_or_else(list_not_found)?;
    let page = state
        .store
        .list_items(
            &claims.sub,
            &list_id,
            Page::new(q.limit.unwrap_or(50), q.offset.unwrap_or(0)),
        )
        .await?;
    // The store already keeps to what the list's owner may see; the guard's rule is applied
    // again so a listing can never show more than the project routes would.
    let items: Vec<ListItemView> = page
        .items
        .into_iter()
        .filter(|i| can_see_parts(&principal, &i.project_id, &i.user_id, i.is_public))
        .map(Into::into)
        .collect();
    Ok(Json(json!({
        "items": items,
        "total": page.total,
        "limit": page.limit,
        "offset": page.offset,
    })))
}

/// The project to add.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct AddItem {
    /// A project the caller may see (public, or their own).
    #[serde(rename = "projectId", alias = "project_id")]
    project_id: String,
}

/// Adds `project_id` to the list; 409 when it is already there.
async fn add(
    state: &AppState,
    user_id: &str,
    list_id: &str,
    project_id: &str,
) -> Result<serde_json::Value, ApiError> {
    let added = state
        .store
        .add_list_item(user_id, list_id, project_id)
        .await
        .map_err(|e| match e {
            orquestra_store::StoreError::Conflict { .. } => {
                ApiError::conflict("program is already in this list")
                    .with_detail("/projectId", "already in this list")
            }
            other => other.into(),
        })?
        .ok_or_else(list_not_found)?;
    Ok(json!({
        "success": true,
        "item_id": added.item_id,
        "list_id": added.list_id,
        "added_at": added.added_at,
    }))
}

/// Adds a project to one of the caller's lists.
#[utoipa::path(
    post,
    path = "/api/lists/{list_id}/items",
    tag = "lists",
    operation_id = "addListItem",
    params(("list_id" = String, Path, description = "List id")),
    security(("bearerAuth" = [])),
    request_body = AddItem,
    responses(
        (status = 201, description = "`{\"success\": true, \"item_id\", \"list_id\", \"added_at\"}`", body = Object),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "Not signed in, or invalid credentials", body = ErrorBody),
        (status = 403, description = "A project API key cannot manage lists", body = ErrorBody),
        (status = 404, description = "No such list of the caller's, or no project the caller may see", body = ErrorBody),
        (status = 409, description = "The project is already in this list", body = ErrorBody),
        (status = 415, description = "Not `application/json`", body = ErrorBody),
        (status = 422, description = "Invalid fields", body = ErrorBody),
    ),
)]
async fn add_item(
    State(state): State<AppState>,
    principal: Principal,
    Path(list_id): Path<String>,
    JsonBody(body): JsonBody<AddItem>,
) -> Result<(StatusCode, Json<serde_json::Value>), ApiError> {
    let claims = principal.require_user()?;
    state
        .store
        .get_list(&claims.sub, &list_id)
        .await?
        .ok_or_else(list_not_found)?;
    let project = project_for(&state, &principal, &body.project_id, Access::Read).await?;
    let added = add(&state, &claims.sub, &list_id, &project.id).await?;
    Ok((StatusCode::CREATED, Json(added)))
}

/// Adds a project to the caller's default list, creating that list (named `Default`) when they
/// have none; the new list's scope key is then in this response only.
#[utoipa::path(
    post,
    path = "/api/lists/default/items",
    tag = "lists",
    operation_id = "addDefaultListItem",
    security(("bearerAuth" = [])),
    request_body = AddItem,
    responses(
        (status = 201, description = "`{\"success\": true, \"item_id\", \"list_id\", \"added_at\"}`, plus `\"scope_key\"` and `\"message\"` when the default list was created now", body = Object),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "Not signed in, or invalid credentials", body = ErrorBody),
        (status = 403, description = "A project API key cannot manage lists", body = ErrorBody),
        (status = 404, description = "No project the caller may see", body = ErrorBody),
        (status = 409, description = "The project is already in the default list", body = ErrorBody),
        (status = 415, description = "Not `application/json`", body = ErrorBody),
        (status = 422, description = "Invalid fields", body = ErrorBody),
    ),
)]
async fn add_default_item(
    State(state): State<AppState>,
    principal: Principal,
    JsonBody(body): JsonBody<AddItem>,
) -> Result<(StatusCode, Json<serde_json::Value>), ApiError> {
    let claims = principal.require_user()?;
    // The project first, so a bad request does not create a list.
    let project = project_for(&state, &principal, &body.project_id, Access::Read).await?;
    let (list, new_key) = state.store.default_list(&claims.sub).await?;
    let mut added = add(&state, &claims.sub, &list.id, &project.id).await?;
    if let Some(key) = new_key {
        added["scope_key"] = json!(key);
        added["message"] = json!(KEY_MESSAGE);
    }
    Ok((StatusCode::CREATED, Json(added)))
}

/// Removes a project from one of the caller's lists.
#[utoipa::path(
    delete,
    path = "/api/lists/{list_id}/items/{project_id}",
    tag = "lists",
    operation_id = "removeListItem",
    params(
        ("list_id" = String, Path, description = "List id"),
        ("project_id" = String, Path, description = "Project id"),
    ),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "`{\"success\": true}`", body = Object),
        (status = 401, description = "Not signed in, or invalid credentials", body = ErrorBody),
        (status = 403, description = "A project API key cannot manage lists", body = ErrorBody),
        (status = 404, description = "No such list of the caller's, or the project is not in it", body = ErrorBody),
    ),
)]
async fn remove_item(
    State(state): State<AppState>,
    principal: Principal,
    Path((list_id, project_id)): Path<(String, String)>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let claims = principal.require_user()?;
    state
        .store
        .get_list(&claims.sub, &list_id)
        .await?
        .ok_or_else(list_not_found)?;
    if !state
        .store
        .remove_list_item(&claims.sub, &list_id, &project_id)
        .await?
    {
        return Err(ApiError::not_found("item not found in list"));
    }
    Ok(Json(json!({ "success": true })))
}

/// Replaces the list's scope key; the old key stops working at once. The new key is in this
/// response only.
#[utoipa::path(
    post,
    path = "/api/lists/{list_id}/scope-key",
    tag = "lists",
    operation_id = "regenerateScopeKey",
    params(("list_id" = String, Path, description = "List id")),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "`{\"scope_key\", \"scope_key_prefix\", \"message\"}`", body = Object),
        (status = 401, description = "Not signed in, or invalid credentials", body = ErrorBody),
        (status = 403, description = "A project API key cannot manage lists", body = ErrorBody),
        (status = 404, description = "No such list of the caller's", body = ErrorBody),
    ),
)]
async fn regenerate_key(
    State(state): State<AppState>,
    principal: Principal,
    Path(list_id): Path<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let claims = principal.require_user()?;
    let key = state
        .store
        .regenerate_scope_key(&claims.sub, &list_id)
        .await?
        .ok_or_else(list_not_found)?;
    Ok(Json(json!({
        "scope_key_prefix": orquestra_store::ids::scope_key_prefix(&key),
        "scope_key": key,
        "message": KEY_MESSAGE,
    })))
}
