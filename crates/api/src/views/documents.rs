//! Whole documents about a program or the service: the IDL, the docs, the sitemap and a program's
//! OpenAPI document.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::IdlWarning;

/// `GET /api/{projectId}/idl`: the IDL as uploaded, or the engine's normalised model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct IdlView {
    /// The project.
    pub project_id: String,
    /// The program's name.
    pub program_name: String,
    /// The program's address (base58).
    pub program_id: String,
    /// The IDL version.
    pub version: i64,
    /// `true`: `idl` is the normalised model; `false`: the IDL document as uploaded.
    pub normalized: bool,
    /// The IDL document (its shape is the IDL format's) or the normalised model.
    pub idl: Value,
    /// Items the IDL defines badly; they are listed but not usable.
    pub warnings: Vec<IdlWarning>,
}

/// `GET /api/{projectId}/docs` as JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DocsView {
    /// The project.
    pub project_id: String,
    /// The program's name.
    pub program_name: String,
    /// The IDL version the generated docs are built from.
    pub version: i64,
    /// `true`: the owner's Markdown; `false`: the generated `CPI.md`.
    pub is_custom: bool,
    /// The Markdown.
    pub docs: String,
}

/// The answer to replacing or resetting a project's docs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DocsUpdated {
    /// What happened.
    pub message: String,
    /// The project.
    pub project_id: String,
}

/// A public project in the sitemap.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SitemapEntry {
    /// The project.
    pub project_id: String,
    /// The program's address.
    pub program_id: String,
    /// Last change of the project (RFC 3339), when known.
    pub lastmod: Option<String>,
    /// URL of its docs.
    pub docs: String,
    /// URL of its `llms.txt`.
    pub llms_txt: String,
}

/// `GET /api/discovery/sitemap`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Sitemap {
    /// Public projects, at most 50,000.
    pub entries: Vec<SitemapEntry>,
    /// When the list was made (RFC 3339).
    pub generated_at: String,
}
