//! IDL intake bodies: upload, new versions, ingest, reading an IDL back and its versions.

use serde::{Deserialize, Serialize};

/// Everything an IDL upload can carry, as a JSON object or as `multipart/form-data` fields.
/// Which fields are required depends on the route; unknown fields are refused.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct IdlSubmission {
    /// Project name, 1–100 characters (new projects).
    pub name: Option<String>,
    /// Project description, up to 2,000 characters (new projects).
    pub description: Option<String>,
    /// Base58 program address (new projects).
    pub program_id: Option<String>,
    /// Visibility of a new project; defaults to `true`.
    pub is_public: Option<bool>,
    /// The IDL (Anchor ≥0.30, legacy Anchor, Shank or Codama) as a JSON object, or a string
    /// holding one; at most 10 MB.
    pub idl: Option<serde_json::Value>,
    /// Hand-written `CPI.md` to publish instead of the generated one; at most 5 MB (multipart
    /// also accepts the field names `cpi_md` and `CPI.md`).
    pub cpi_md: Option<String>,
}

/// Which dialect an IDL was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum IdlFormat {
    /// Anchor ≥ 0.30.
    Anchor,
    /// Anchor before 0.30.
    AnchorLegacy,
    /// Shank.
    Shank,
    /// Codama `rootNode`.
    Codama,
}

/// The kinds of IDL item a warning can be confined to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum IdlItemKind {
    /// An instruction.
    Instruction,
    /// An account.
    Account,
    /// A defined type.
    Type,
    /// An event.
    Event,
    /// An error.
    Error,
    /// A constant.
    Constant,
    /// A PDA definition.
    Pda,
}

/// What is wrong with an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum IdlWarningCode {
    /// The item itself is malformed (duplicate field names, an unknown type, a bad value).
    InvalidItem,
    /// The item could not be read at all and is left out.
    UnreadableItem,
    /// The item is fine but needs a type that is defective or missing.
    UsesUnusableType,
}

/// An item of the IDL that was kept but cannot be used (encoded, decoded or built), and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct IdlWarning {
    /// JSON pointer into the IDL document.
    #[schema(example = "/instructions/3")]
    pub path: String,
    /// What kind of problem.
    pub code: IdlWarningCode,
    /// What is wrong.
    pub message: String,
    /// The kind of item.
    pub kind: IdlItemKind,
    /// The item's name as written (`#N` when it has none).
    pub item: String,
}

/// What the engine understood of an uploaded IDL.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct IdlSummary {
    /// The version this IDL is stored as.
    pub version: i64,
    /// The program's name from the IDL.
    pub program_name: String,
    /// The IDL's dialect.
    pub format: IdlFormat,
    /// Instructions.
    pub instruction_count: u64,
    /// Accounts.
    pub account_count: u64,
    /// Defined types.
    pub type_count: u64,
    /// Errors.
    pub error_count: u64,
    /// Events.
    pub event_count: u64,
    /// Items kept but unusable (empty for a clean IDL).
    pub warnings: Vec<IdlWarning>,
}

/// The project an upload created.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UploadedProject {
    /// Project id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Base58 program address.
    pub program_id: String,
    /// Whether anyone may see the project.
    pub is_public: bool,
}

/// `POST /api/idl/upload`: the new project and what was understood of its IDL.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct IdlUploaded {
    /// The created project.
    pub project: UploadedProject,
    /// The IDL as understood.
    pub idl: IdlSummary,
}

/// `PUT /api/idl/{project_id}`: the version now latest.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct IdlVersionPublished {
    /// Project id.
    pub project_id: String,
    /// `false` when the IDL equals the latest version (nothing was stored).
    pub created: bool,
    /// The latest version.
    pub version: i64,
    /// The IDL as understood.
    pub idl: IdlSummary,
}

/// `POST /api/ingest/idl`.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct IdlIngested {
    /// Project id.
    pub project_id: String,
    /// Whether the project was created now.
    pub created: bool,
    /// Whether a new version was stored (`false` for an IDL equal to the latest).
    pub new_version: bool,
    /// The latest version.
    pub version: i64,
    /// Items kept but unusable.
    pub warnings: Vec<IdlWarning>,
}

/// `GET /api/idl/{project_id}`: the IDL as uploaded.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct IdlDocument {
    /// Project id.
    pub project_id: String,
    /// Project name.
    pub project_name: String,
    /// Base58 program address.
    pub program_id: String,
    /// The version shown.
    pub version: i64,
    /// The IDL document exactly as uploaded (its shape depends on its format).
    #[schema(value_type = Object)]
    pub idl: serde_json::Value,
    /// Items kept but unusable.
    pub warnings: Vec<IdlWarning>,
}

/// One stored IDL version.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct IdlVersionInfo {
    /// Version row id.
    pub id: String,
    /// Version number, from 1.
    pub version: i64,
    /// When it was published (RFC 3339).
    #[schema(format = DateTime)]
    pub created_at: Option<String>,
}

/// `GET /api/idl/{project_id}/versions`, newest first.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct IdlVersionList {
    /// Project id.
    pub project_id: String,
    /// The versions.
    pub versions: Vec<IdlVersionInfo>,
}

/// Deleting a project needs its name, repeated.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ConfirmDelete {
    /// The project's name, exactly.
    pub confirm_name: String,
}
