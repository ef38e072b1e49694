//! IDLs published on chain: importing one (`POST /api/idl/import`) and verifying stored versions
//! against it (`POST /api/{projectId}/verify`, `GET /api/{projectId}/verifications`).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::intake::{IdlSummary, UploadedProject};
use crate::transaction::Cluster;

/// `POST /api/idl/import`: which program's published IDL to import.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ImportIdlRequest {
    /// The program (base58).
    pub program_id: String,
    /// The cluster to read (default `mainnet-beta`).
    pub cluster: Option<Cluster>,
    /// A custom RPC URL, when the operator allows it.
    pub rpc_url: Option<String>,
    /// Also look for this authority's non-canonical Program Metadata `idl` account (base58).
    pub metadata_authority: Option<String>,
    /// Name of a new project (default: the program's name from the IDL).
    pub name: Option<String>,
    /// Description of a new project.
    pub description: Option<String>,
    /// Whether a new project is public (default `true`).
    pub is_public: Option<bool>,
}

/// How a program published its IDL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PublicationScheme {
    /// Anchor's IDL account (`anchor idl init` / `upgrade`), at
    /// `create_with_seed(find_program_address([], program), "anchor:idl", program)`.
    AnchorIdlAccount,
    /// The Program Metadata program's `idl` metadata account.
    ProgramMetadata,
}

/// Where and when a published IDL was read.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PublishedIdlInfo {
    pub scheme: PublicationScheme,
    /// The account the scheme points to (base58).
    pub account: String,
    /// The slot it was read at.
    pub slot: u64,
    /// The account's authority, when it names one.
    pub authority: Option<String>,
    /// The account the IDL bytes came from, when a metadata account points to another one.
    pub external_account: Option<String>,
    /// The cluster read.
    pub network: String,
}

/// `POST /api/idl/import`: the project the IDL went into.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct IdlImported {
    pub project: UploadedProject,
    /// Whether the import created the project (else it added to the caller's own project).
    pub project_created: bool,
    /// Whether a new version was stored (false when the published IDL equals the latest one).
    pub version_created: bool,
    /// What was understood of the IDL, with the version it is stored as.
    pub idl: IdlSummary,
    pub published: PublishedIdlInfo,
    /// The stored version's check against the chain (verified, since it was read from there).
    pub verification: VerificationView,
}

/// `POST /api/{projectId}/verify`: where to check.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct VerifyRequest {
    /// The cluster to read (default `mainnet-beta`).
    pub cluster: Option<Cluster>,
    /// A custom RPC URL, when the operator allows it.
    pub rpc_url: Option<String>,
    /// Also look for this authority's non-canonical Program Metadata `idl` account (base58).
    pub metadata_authority: Option<String>,
}

/// What a check found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum VerificationOutcome {
    /// The stored IDL equals the published one (as JSON values: key order and spacing aside).
    Match,
    /// The program published a different IDL.
    Mismatch,
    /// The program published no IDL on that cluster.
    NotPublished,
}

/// The latest check of one version on one cluster.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct VerificationView {
    /// The version checked.
    pub version: i64,
    /// The cluster read.
    pub network: String,
    /// True when the outcome is `match`.
    pub verified: bool,
    pub outcome: VerificationOutcome,
    /// How the program published its IDL (absent when it published none).
    pub scheme: Option<PublicationScheme>,
    /// The account the published IDL was read from.
    pub account: Option<String>,
    /// The slot it was read at.
    pub slot: Option<u64>,
    /// When the check ran (RFC 3339).
    pub checked_at: Option<String>,
}

/// `GET /api/{projectId}/verifications`: a project's checks, newest version first.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct VerificationsView {
    pub project_id: String,
    /// The latest version.
    pub latest_version: Option<i64>,
    /// Whether the latest version matched the published IDL at its latest check on some cluster.
    pub latest_verified: bool,
    pub verifications: Vec<VerificationView>,
}
