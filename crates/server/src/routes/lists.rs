//! `/api/lists`: a signed-in user's program lists, their items and scope keys.
//!
//! A list is its owner's alone: another user's list is 404 on every route. A scope key
//! (`sk_` + 64 hex) lets an MCP client narrow search to the list's public programs; it is a
//! bearer secret, so it is shown in full only when created or regenerated (listings show
//! `scopeKeyPrefix`). On purpose: listings never show the key;
//! items never expose another user's private project (even one added while it was public); adding
//! needs the project to be visible to the caller, so a user may add their own private project.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use orquestra_api::lists::{
    AddListItem, CreateProgramList, ListItemAdded, NewProgramList, ProgramList, ProgramListCreated,
    ProgramListItem, ProgramListItemPage, ProgramListList, ProgramListUpdated, ScopeKeyIssued,
    UpdateProgramList,
};
use orquestra_api::platform::Success;
use orquestra_store::{Page, ProgramListUpdate};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::access::{can_see_parts, project_for, Access};
use crate::auth::Principal;
use crate::error::ErrorBody;
use crate::extract::{JsonBody, QueryParams};
use crate::{time, validate};
use crate::{ApiError, AppState};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
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

/// A stored list as its owner sees it: never the scope key, only its first characters.
fn list_view(l: orquestra_store::ProgramList) -> ProgramList {
    ProgramList {
        id: l.id,
        user_id: l.user_id,
        name: l.name,
        description: l.description,
        is_default: l.is_default,
        scope_key_prefix: l.scope_key_prefix,
        item_count: l.item_count,
        created_at: time::stored(l.created_at),
        updated_at: time::stored(l.updated_at),
    }
}

fn item_view(i: orquestra_store::ProgramListItem) -> ProgramListItem {
    ProgramListItem {
        item_id: i.item_id,
        added_at: time::stored(i.added_at),
        project_id: i.project_id,
        name: i.name,
        description: i.description,
        program_id: i.program_id,
        is_public: i.is_public,
        updated_at: time::stored(i.updated_at),
        username: i.username,
        avatar_url: i.avatar_url,
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
        (status = 200, description = "The caller's lists", body = ProgramListList),
        (status = 401, description = "Not signed in, or invalid credentials", body = ErrorBody),
        (status = 403, description = "A project API key cannot manage lists", body = ErrorBody),
    ),
)]
async fn list(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Json<ProgramListList>, ApiError> {
    let claims = principal.require_user()?;
    let lists: Vec<ProgramList> = state
        .store
        .list_lists(&claims.sub)
        .await?
        .into_iter()
        .map(list_view)
        .collect();
    let total = lists.len() as u64;
    Ok(Json(ProgramListList { lists, total }))
}

/// Creates a list with a new scope key, shown in this response only. The caller's first list (or
/// any list created while they have no default) becomes their default.
#[utoipa::path(
    post,
    path = "/api/lists",
    tag = "lists",
    operation_id = "createList",
    security(("bearerAuth" = [])),
    request_body = CreateProgramList,
    responses(
        (status = 201, description = "Created, with its scope key (shown in this response only)", body = ProgramListCreated),
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
    JsonBody(body): JsonBody<CreateProgramList>,
) -> Result<(StatusCode, Json<ProgramListCreated>), ApiError> {
    let claims = principal.require_user()?;
    let name = validate::required_text("/name", &body.name, NAME_MAX)?;
    let description =
        validate::optional_text("/description", body.description.as_deref(), DESCRIPTION_MAX)?;
    let issued = state
        .store
        .create_list(
            &claims.sub,
            &orquestra_store::NewProgramList { name, description },
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(ProgramListCreated {
            list: NewProgramList {
                list: list_view(issued.list),
                scope_key: issued.scope_key,
            },
            message: KEY_MESSAGE.into(),
        }),
    ))
}

/// Renames or re-describes one of the caller's lists.
#[utoipa::path(
    put,
    path = "/api/lists/{list_id}",
    tag = "lists",
    operation_id = "updateList",
    params(("list_id" = String, Path, description = "List id")),
    security(("bearerAuth" = [])),
    request_body = UpdateProgramList,
    responses(
        (status = 200, description = "Updated", body = ProgramListUpdated),
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
    JsonBody(body): JsonBody<UpdateProgramList>,
) -> Result<Json<ProgramListUpdated>, ApiError> {
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
    Ok(Json(ProgramListUpdated {
        success: true,
        name: list.name.clone(),
        description: list.description.clone(),
        list: list_view(list),
    }))
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
        (status = 200, description = "Done", body = Success),
        (status = 401, description = "Not signed in, or invalid credentials", body = ErrorBody),
        (status = 403, description = "A project API key cannot manage lists", body = ErrorBody),
        (status = 404, description = "No such list of the caller's", body = ErrorBody),
    ),
)]
async fn remove(
    State(state): State<AppState>,
    principal: Principal,
    Path(list_id): Path<String>,
) -> Result<Json<Success>, ApiError> {
    let claims = principal.require_user()?;
    if !state.store.delete_list(&claims.sub, &list_id).await? {
        return Err(list_not_found());
    }
    Ok(Json(Success { success: true }))
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
        (status = 200, description = "A page of the list's items", body = ProgramListItemPage),
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
) -> Result<Json<ProgramListItemPage>, ApiError> {
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
    let items = page
        .items
        .into_iter()
        .filter(|i| can_see_parts(&principal, &i.project_id, &i.user_id, i.is_public))
        .map(item_view)
        .collect();
    Ok(Json(ProgramListItemPage {
        items,
        total: page.total,
        limit: page.limit,
        offset: page.offset,
    }))
}

/// Adds `project_id` to the list; 409 when it is already there.
async fn add(
    state: &AppState,
    user_id: &str,
    list_id: &str,
    project_id: &str,
) -> Result<ListItemAdded, ApiError> {
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
    Ok(ListItemAdded {
        success: true,
        item_id: added.item_id,
        list_id: added.list_id,
        added_at: time::stored(added.added_at),
        scope_key: None,
        message: None,
    })
}

/// Adds a project to one of the caller's lists.
#[utoipa::path(
    post,
    path = "/api/lists/{list_id}/items",
    tag = "lists",
    operation_id = "addListItem",
    params(("list_id" = String, Path, description = "List id")),
    security(("bearerAuth" = [])),
    request_body = AddListItem,
    responses(
        (status = 201, description = "Added", body = ListItemAdded),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "Not signed in, or invalid credentials", body = ErrorBody),
        (status = 403, description = "A project API key cannot manage lists", body = ErrorBody),
        (status = 404, description = "No such list of the caller's, or no project the caller may see", body = ErrorBody),
        (status = 409, description = "The project is already in this list", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 415, description = "Not `application/json`", body = ErrorBody),
        (status = 422, description = "Invalid fields", body = ErrorBody),
    ),
)]
async fn add_item(
    State(state): State<AppState>,
    principal: Principal,
    Path(list_id): Path<String>,
    JsonBody(body): JsonBody<AddListItem>,
) -> Result<(StatusCode, Json<ListItemAdded>), ApiError> {
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
    request_body = AddListItem,
    responses(
        (status = 201, description = "Added; with `scopeKey` and `message` when the default list was created now", body = ListItemAdded),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "Not signed in, or invalid credentials", body = ErrorBody),
        (status = 403, description = "A project API key cannot manage lists", body = ErrorBody),
        (status = 404, description = "No project the caller may see", body = ErrorBody),
        (status = 409, description = "The project is already in the default list", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 415, description = "Not `application/json`", body = ErrorBody),
        (status = 422, description = "Invalid fields", body = ErrorBody),
    ),
)]
async fn add_default_item(
    State(state): State<AppState>,
    principal: Principal,
    JsonBody(body): JsonBody<AddListItem>,
) -> Result<(StatusCode, Json<ListItemAdded>), ApiError> {
    let claims = principal.require_user()?;
    // The project first, so a bad request does not create a list.
    let project = project_for(&state, &principal, &body.project_id, Access::Read).await?;
    let (list, new_key) = state.store.default_list(&claims.sub).await?;
    let mut added = add(&state, &claims.sub, &list.id, &project.id).await?;
    if let Some(key) = new_key {
        added.scope_key = Some(key);
        added.message = Some(KEY_MESSAGE.into());
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
        (status = 200, description = "Done", body = Success),
        (status = 401, description = "Not signed in, or invalid credentials", body = ErrorBody),
        (status = 403, description = "A project API key cannot manage lists", body = ErrorBody),
        (status = 404, description = "No such list of the caller's, or the project is not in it", body = ErrorBody),
    ),
)]
async fn remove_item(
    State(state): State<AppState>,
    principal: Principal,
    Path((list_id, project_id)): Path<(String, String)>,
) -> Result<Json<Success>, ApiError> {
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
    Ok(Json(Success { success: true }))
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
        (status = 200, description = "The new key, in this response only", body = ScopeKeyIssued),
        (status = 401, description = "Not signed in, or invalid credentials", body = ErrorBody),
        (status = 403, description = "A project API key cannot manage lists", body = ErrorBody),
        (status = 404, description = "No such list of the caller's", body = ErrorBody),
    ),
)]
async fn regenerate_key(
    State(state): State<AppState>,
    principal: Principal,
    Path(list_id): Path<String>,
) -> Result<Json<ScopeKeyIssued>, ApiError> {
    let claims = principal.require_user()?;
    let key = state
        .store
        .regenerate_scope_key(&claims.sub, &list_id)
        .await?
        .ok_or_else(list_not_found)?;
    Ok(Json(ScopeKeyIssued {
        scope_key_prefix: orquestra_store::ids::scope_key_prefix(&key),
        scope_key: key,
        message: KEY_MESSAGE.into(),
    }))
}
