//! Project API keys and known addresses: the per-project resources an owner manages.

use serde::{Deserialize, Serialize};

use crate::platform::nullable;

/// An API key as listed: never the key itself (only its hash exists server-side).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ApiKey {
    /// Key id (for revoke and rotate).
    pub id: String,
    /// When the key was last used, to the minute (RFC 3339).
    #[schema(format = DateTime)]
    pub last_used: Option<String>,
    /// When the key was issued (RFC 3339).
    #[schema(format = DateTime)]
    pub created_at: Option<String>,
    /// When the key stops working (RFC 3339); `null` for never.
    #[schema(format = DateTime)]
    pub expires_at: Option<String>,
}

/// A project's API keys (`GET /api/projects/{id}/keys`).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ApiKeyList {
    /// The keys, without their secrets.
    pub keys: Vec<ApiKey>,
}

/// A newly issued key: the plain key appears in this response only.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct IssuedApiKey {
    /// Key id.
    pub id: String,
    /// The key itself, for `X-API-Key`.
    pub key: String,
    /// When the key was issued (RFC 3339).
    #[schema(format = DateTime)]
    pub created_at: Option<String>,
    /// When the key stops working (RFC 3339); `null` for never.
    #[schema(format = DateTime)]
    pub expires_at: Option<String>,
    /// A reminder that the key is not shown again.
    pub message: String,
}

/// Optional expiry of a new key: at most one of the two fields; neither means it never expires.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateApiKey {
    /// RFC 3339 instant in the future, at most 3650 days from now.
    #[schema(format = DateTime)]
    pub expires_at: Option<String>,
    /// Days from now, 1 to 3650.
    #[schema(minimum = 1, maximum = 3650)]
    pub expires_in_days: Option<u32>,
}

/// An API key was revoked.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ApiKeyRevoked {
    /// What was done.
    pub message: String,
    /// The revoked key's id.
    pub id: String,
}

/// A labelled address of a project.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct KnownAddress {
    /// Address entry id.
    pub id: String,
    /// Short label, e.g. `Treasury`.
    pub label: String,
    /// Base58 address.
    pub address: String,
    /// Free-text description.
    pub description: Option<String>,
    /// When the entry was created (RFC 3339).
    #[schema(format = DateTime)]
    pub created_at: Option<String>,
    /// When the entry last changed (RFC 3339).
    #[schema(format = DateTime)]
    pub updated_at: Option<String>,
}

/// A project's known addresses (`GET /api/{project_id}/addresses`).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct KnownAddressList {
    /// Project id.
    pub project_id: String,
    /// The addresses.
    pub addresses: Vec<KnownAddress>,
}

/// One known address (`{"address": KnownAddress}`).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct KnownAddressEnvelope {
    /// The address entry.
    pub address: KnownAddress,
}

/// A new labelled address.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateKnownAddress {
    /// 1–100 characters.
    pub label: String,
    /// Base58 address.
    pub address: String,
    /// Up to 500 characters.
    pub description: Option<String>,
}

/// A partial update of a known address: absent fields are kept; `description: null` clears it.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpdateKnownAddress {
    /// 1–100 characters.
    pub label: Option<String>,
    /// Base58 address.
    pub address: Option<String>,
    /// Up to 500 characters; `null` clears it.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub description: Option<Option<String>>,
}

/// A known address was deleted.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct KnownAddressDeleted {
    /// What was done.
    pub message: String,
    /// The deleted entry's id.
    pub address_id: String,
}
