//! Program lists: a user's lists, their items and their scope keys.

use serde::{Deserialize, Serialize};

use crate::platform::nullable;

/// A list as shown to its owner: never the scope key, only its first characters.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProgramList {
    /// List id.
    pub id: String,
    /// The owner's user id.
    pub user_id: String,
    /// Display name.
    pub name: String,
    /// Free-text description.
    pub description: Option<String>,
    /// Whether this is the owner's default list.
    pub is_default: bool,
    /// `sk_` and the key's first 4 hex characters, to tell keys apart.
    #[schema(example = "sk_3f9a")]
    pub scope_key_prefix: String,
    /// Items the owner may see (public projects and their own).
    pub item_count: i64,
    /// When the list was created (RFC 3339).
    #[schema(format = DateTime)]
    pub created_at: Option<String>,
    /// When the list last changed (RFC 3339).
    #[schema(format = DateTime)]
    pub updated_at: Option<String>,
}

/// A list just created, with its scope key (shown in this response only).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NewProgramList {
    /// The list.
    #[serde(flatten)]
    pub list: ProgramList,
    /// The scope key (`sk_` + 64 hex): send it as `X-Scope-Key` to narrow MCP search.
    pub scope_key: String,
}

/// The caller's lists (`GET /api/lists`).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProgramListList {
    /// The default list first, then oldest first.
    pub lists: Vec<ProgramList>,
    /// Number of lists.
    pub total: u64,
}

/// `POST /api/lists`.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProgramListCreated {
    /// The new list with its scope key.
    pub list: NewProgramList,
    /// A reminder that the key is not shown again.
    pub message: String,
}

/// `PUT /api/lists/{list_id}`.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProgramListUpdated {
    /// Always `true`.
    pub success: bool,
    /// The list's name now.
    pub name: String,
    /// The list's description now.
    pub description: Option<String>,
    /// The list.
    pub list: ProgramList,
}

/// A new list.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateProgramList {
    /// 1–100 characters (trimmed).
    pub name: String,
    /// Up to 500 characters; empty means none.
    pub description: Option<String>,
}

/// A partial update of a list: absent fields are kept; `description: null` or `""` clears it.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpdateProgramList {
    /// 1–100 characters (trimmed).
    pub name: Option<String>,
    /// Up to 500 characters; `null` clears it.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub description: Option<Option<String>>,
}

/// A project in a list, with its owner.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProgramListItem {
    /// Item id.
    pub item_id: String,
    /// When the project was added (RFC 3339).
    #[schema(format = DateTime)]
    pub added_at: Option<String>,
    /// Project id.
    pub project_id: String,
    /// Project name.
    pub name: String,
    /// Project description.
    pub description: Option<String>,
    /// Base58 program address.
    pub program_id: String,
    /// Whether the project is public.
    pub is_public: bool,
    /// When the project last changed (RFC 3339).
    #[schema(format = DateTime)]
    pub updated_at: Option<String>,
    /// The project owner's username.
    pub username: String,
    /// The project owner's avatar URL.
    pub avatar_url: Option<String>,
}

/// A page of a list's items (`GET /api/lists/{list_id}/items`).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProgramListItemPage {
    /// Newest-added first.
    pub items: Vec<ProgramListItem>,
    /// Items in all pages.
    pub total: i64,
    /// Page size used.
    pub limit: u32,
    /// Items skipped.
    pub offset: u32,
}

/// The project to add to a list.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AddListItem {
    /// A project the caller may see (public, or their own).
    #[serde(alias = "project_id")]
    pub project_id: String,
}

/// A project was added to a list.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ListItemAdded {
    /// Always `true`.
    pub success: bool,
    /// The new item's id.
    pub item_id: String,
    /// The list's id.
    pub list_id: String,
    /// When it was added (RFC 3339).
    #[schema(format = DateTime)]
    pub added_at: Option<String>,
    /// The default list's scope key, present only when that list was created by this request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub scope_key: Option<String>,
    /// A reminder that the key is not shown again, with `scopeKey`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub message: Option<String>,
}

/// A list's new scope key (`POST /api/lists/{list_id}/scope-key`), shown in this response only.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ScopeKeyIssued {
    /// The new key; the old one no longer works.
    pub scope_key: String,
    /// Its first characters, as listings show them.
    pub scope_key_prefix: String,
    /// A reminder that the key is not shown again.
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_list_is_one_flat_object() {
        let list = ProgramList {
            id: "l".into(),
            user_id: "u".into(),
            name: "n".into(),
            description: None,
            is_default: true,
            scope_key_prefix: "sk_0000".into(),
            item_count: 0,
            created_at: None,
            updated_at: None,
        };
        let value = serde_json::to_value(NewProgramList {
            list,
            scope_key: "sk_00".into(),
        })
        .ok();
        let value = value.as_ref().and_then(|v| v.as_object());
        assert_eq!(value.and_then(|v| v.get("scopeKey")), Some(&"sk_00".into()));
        assert_eq!(value.and_then(|v| v.get("isDefault")), Some(&true.into()));
        assert!(value.is_some_and(|v| !v.contains_key("list")));
    }

    #[test]
    fn an_added_item_leaves_out_the_key_it_does_not_have() {
        let added = ListItemAdded {
            success: true,
            item_id: "i".into(),
            list_id: "l".into(),
            added_at: None,
            scope_key: None,
            message: None,
        };
        let value = serde_json::to_value(added).unwrap_or_default();
        assert!(value.get("scopeKey").is_none() && value.get("message").is_none());
        // Absent, never null: the schema says a string.
        let schema = crate::component_schemas::<ListItemAdded>();
        let (_, schema) = &schema[0];
        assert_eq!(schema["properties"]["scopeKey"]["type"], "string");
    }
}
