//! Platform bodies that belong to no one resource: health, readiness, public totals, and the serde helper
//! for partial updates.

use serde::{Deserialize, Deserializer, Serialize};

/// Whether the service as a whole is answering normally.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum HealthStatus {
    /// Everything answers.
    Ok,
    /// The process answers but the database does not.
    Degraded,
}

/// Whether the database answered the health probe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum DatabaseStatus {
    /// The database answered.
    Ok,
    /// The database did not answer.
    Unavailable,
}

/// Service health (`GET /health`).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Health {
    /// `ok`, or `degraded` when the database does not answer.
    pub status: HealthStatus,
    /// When the probe ran (RFC 3339).
    #[schema(format = DateTime)]
    pub timestamp: String,
    /// The service's name, always `orquestra-api`.
    pub service: String,
    /// The server's version.
    pub version: String,
    /// The database probe's outcome.
    pub database: DatabaseStatus,
}

/// Whether the KV cache answered the readiness probe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum KvStatus {
    /// The KV cache answered.
    Ok,
    /// The KV cache did not answer.
    Unavailable,
}

/// Readiness (`GET /ready`): whether this instance can take traffic now, probed on every call.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Readiness {
    /// Both the database and the KV cache answered.
    pub ready: bool,
    pub database: DatabaseStatus,
    pub kv: KvStatus,
}

/// Public totals (`GET /api/stats`): nothing about private projects is counted.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PlatformStats {
    /// Registered users.
    pub total_users: i64,
    /// Public projects.
    pub total_projects: i64,
    /// IDL versions of public projects.
    pub total_idl_versions: i64,
    /// Known addresses of public projects.
    pub total_known_addresses: i64,
}

/// A confirmation that carries only a human-readable message.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Message {
    /// What was done.
    pub message: String,
}

/// A confirmation that an operation succeeded.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Success {
    /// Always `true`.
    pub success: bool,
}

/// An OpenAPI 3.1 document (the outline a client can rely on; the full structure is the OpenAPI
/// specification's).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OpenApiDocument {
    /// The OpenAPI version, `3.1.x`.
    #[schema(example = "3.1.0")]
    pub openapi: String,
    /// Title, version and description of the API.
    #[schema(value_type = Object)]
    pub info: serde_json::Value,
    /// The operations, by path.
    #[schema(value_type = Object)]
    pub paths: serde_json::Value,
    /// Schemas, security schemes and other reusable parts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub components: Option<serde_json::Value>,
}

/// For `Option<Option<T>>` fields of partial updates: absent → `None` (keep the value), `null` →
/// `Some(None)` (clear it). Use with `#[serde(default, deserialize_with = "nullable")]`.
pub fn nullable<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}
