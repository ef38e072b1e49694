//! The tools' parameters: one type per tool, deserialised strictly (unknown fields refused), with
//! its JSON Schema from the same `utoipa` derive as every other body of the API.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;

pub use orquestra_api::transaction::{Cluster, Encoding as TxEncoding};

pub(crate) fn default_search_limit() -> u32 {
    10
}

pub(crate) fn default_query_limit() -> u32 {
    25
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SearchPrograms {
    /// Free-text search over program name, description, program id and instruction names.
    #[schema(max_length = 100)]
    pub query: Option<String>,
    /// Exact Solana program id (base58) to look up.
    pub program_id: Option<String>,
    /// Maximum number of results (1–20).
    #[serde(default = "default_search_limit")]
    #[schema(minimum = 1, maximum = 20)]
    pub limit: u32,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ProjectOnly {
    /// The Orquestra project id (from search_programs).
    pub project_id: String,
    /// IDL version to answer from (1, 2, …; default: the latest). An unknown version is a
    /// `version_not_found` error.
    #[schema(minimum = 1)]
    pub idl_version: Option<u32>,
}

pub use orquestra_api::mcp::Detail;

pub(crate) fn default_page_limit() -> u32 {
    50
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ListInstructions {
    /// The Orquestra project id (from search_programs).
    pub project_id: String,
    /// `summary` (default) or `full`.
    #[serde(default)]
    pub detail: Detail,
    /// Only instructions whose name contains this text (case-insensitive).
    #[schema(max_length = 100)]
    pub name_contains: Option<String>,
    /// Index of the first instruction to return (from the previous page's `nextOffset`).
    #[serde(default)]
    pub offset: u32,
    /// Most instructions returned (1–200, default 50).
    #[serde(default = "default_page_limit")]
    #[schema(minimum = 1, maximum = 200)]
    pub limit: u32,
    /// IDL version to answer from (1, 2, …; default: the latest). An unknown version is a
    /// `version_not_found` error.
    #[schema(minimum = 1)]
    pub idl_version: Option<u32>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct GetInstruction {
    /// The Orquestra project id.
    pub project_id: String,
    /// Instruction name (either casing: `initializeMint` or `initialize_mint`).
    pub instruction: String,
    /// IDL version to answer from (1, 2, …; default: the latest). An unknown version is a
    /// `version_not_found` error.
    #[schema(minimum = 1)]
    pub idl_version: Option<u32>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct DecodeTransaction {
    /// The serialized wire transaction (legacy or v0), signed or not.
    pub serialized_transaction: String,
    /// Encoding of serializedTransaction (default base64).
    pub encoding: Option<TxEncoding>,
}

/// Accounts of an instruction: name → base58 address. Composite groups may be nested objects
/// (`{"pool": {"vault": "…"}}`, as Anchor clients write them) or dotted names (`"pool.vault"`).
pub type Accounts = Map<String, Value>;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct BuildInstruction {
    /// The Orquestra project id.
    pub project_id: String,
    /// Instruction name (either casing: `initializeMint` or `initialize_mint`).
    pub instruction: String,
    /// Account name → base58 address. Accounts the IDL can resolve (PDAs, fixed addresses,
    /// well-known programs) may be omitted, optional ones included; `null` leaves an optional
    /// account out explicitly. Composite groups may be nested objects or dotted names.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub accounts: Accounts,
    /// Argument name → value in canonical JSON (u64 and wider as decimal strings; enums as
    /// `"Variant"`, `{"Variant": {…}}` or Codama's `{"__kind": "Variant", …}`; options as the
    /// value or `null`, or Codama's `{"__option": "Some", "value": …}`).
    #[serde(default)]
    #[schema(value_type = Object)]
    pub args: Map<String, Value>,
    /// Base58 public key of the fee payer.
    pub fee_payer: String,
    /// Recent blockhash (base58); fetched from the cluster's RPC when omitted.
    pub recent_blockhash: Option<String>,
    /// Cluster for the blockhash and simulation RPC (default mainnet-beta).
    pub cluster: Option<Cluster>,
    /// Another name for `cluster`.
    pub network: Option<Cluster>,
    /// Custom RPC URL (only hosts the operator allow-lists).
    pub rpc_url: Option<String>,
    /// Also simulate the built transaction (signature verification off).
    #[serde(default)]
    pub simulate: bool,
    /// Encoding of the returned transaction (default base64).
    pub encoding: Option<TxEncoding>,
    /// `"legacy"` (default) or `"0"` for a v0 transaction.
    pub version: Option<String>,
    /// Adds a SetComputeUnitLimit instruction.
    pub compute_unit_limit: Option<u32>,
    /// Adds a SetComputeUnitPrice instruction (micro-lamports per unit).
    pub compute_unit_price: Option<u64>,
    /// IDL version to answer from (1, 2, …; default: the latest). An unknown version is a
    /// `version_not_found` error.
    #[schema(minimum = 1)]
    pub idl_version: Option<u32>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SimulateInstruction {
    /// The Orquestra project id.
    pub project_id: String,
    /// Instruction name.
    pub instruction: String,
    /// Account name → base58 address (resolvable accounts may be omitted; `null` leaves an
    /// optional account out explicitly; composite groups nested or dotted).
    #[serde(default)]
    #[schema(value_type = Object)]
    pub accounts: Accounts,
    /// Argument name → value in canonical JSON.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub args: Map<String, Value>,
    /// Base58 public key of the fee payer (needed for the message even though nothing is signed).
    pub fee_payer: String,
    /// Cluster to simulate on (default mainnet-beta).
    pub cluster: Option<Cluster>,
    /// Another name for `cluster`.
    pub network: Option<Cluster>,
    /// Custom RPC URL (only hosts the operator allow-lists).
    pub rpc_url: Option<String>,
    /// IDL version to answer from (1, 2, …; default: the latest). An unknown version is a
    /// `version_not_found` error.
    #[schema(minimum = 1)]
    pub idl_version: Option<u32>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct DerivePda {
    /// The Orquestra project id.
    pub project_id: String,
    /// The instruction whose account is the PDA; omit for a named PDA (Codama `pdas`).
    pub instruction: Option<String>,
    /// The account (or named PDA) to derive.
    pub account: String,
    /// Seed name → value, as list_pda_accounts names them (pubkeys base58, strings plain,
    /// numbers as canonical JSON).
    #[serde(default)]
    #[schema(value_type = Object)]
    pub seed_values: Map<String, Value>,
    /// Instruction arguments for `arg` seeds (else taken from seedValues).
    #[schema(value_type = Option<Object>)]
    pub args: Option<Map<String, Value>>,
    /// Account addresses for `account` seeds (else taken from seedValues).
    pub accounts: Option<BTreeMap<String, String>>,
    /// Accepted for compatibility; derivation never reads the chain (give account addresses).
    pub cluster: Option<Cluster>,
    /// Accepted for compatibility, like `cluster`.
    pub network: Option<Cluster>,
    /// IDL version to answer from (1, 2, …; default: the latest). An unknown version is a
    /// `version_not_found` error.
    #[schema(minimum = 1)]
    pub idl_version: Option<u32>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct FetchPdaData {
    /// The Orquestra project id.
    pub project_id: String,
    /// The account address (base58).
    pub address: String,
    /// Cluster to read from (default mainnet-beta).
    pub cluster: Option<Cluster>,
    /// Another name for `cluster`.
    pub network: Option<Cluster>,
    /// Custom RPC URL (only hosts the operator allow-lists).
    pub rpc_url: Option<String>,
    /// Decode as this account type instead of detecting it by discriminator.
    pub account_type: Option<String>,
    /// Include the raw base64 data.
    pub include_raw: Option<bool>,
    /// IDL version to answer from (1, 2, …; default: the latest). An unknown version is a
    /// `version_not_found` error.
    #[schema(minimum = 1)]
    pub idl_version: Option<u32>,
}

#[derive(Debug, serde::Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Memcmp {
    /// Byte offset.
    pub offset: u64,
    /// Bytes to match, base58.
    #[schema(min_length = 1)]
    pub bytes: String,
}

#[derive(Debug, serde::Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct FieldFilter {
    /// Field path in the account (`authority`, `config.owner`); its offset must be fixed.
    #[schema(min_length = 1)]
    pub field: String,
    /// The value, canonical JSON of the field's type (encoded with the IDL).
    pub value: Value,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct GetProgramData {
    /// The Orquestra project id.
    pub project_id: String,
    /// IDL account type: adds its discriminator (and fixed size) filters.
    pub account_type: Option<String>,
    /// Cluster to query (default mainnet-beta).
    pub cluster: Option<Cluster>,
    /// Another name for `cluster`.
    pub network: Option<Cluster>,
    /// Custom RPC URL (only hosts the operator allow-lists).
    pub rpc_url: Option<String>,
    /// getProgramAccounts dataSize filter.
    #[schema(minimum = 1)]
    pub data_size: Option<u64>,
    /// Raw memcmp filters.
    #[serde(default)]
    #[schema(max_items = 8)]
    pub memcmp: Vec<Memcmp>,
    /// Typed field filters (need accountType).
    #[serde(default)]
    #[schema(max_items = 8)]
    pub field_filters: Vec<FieldFilter>,
    /// Most accounts returned (1–100).
    #[serde(default = "default_query_limit")]
    #[schema(minimum = 1, maximum = 100)]
    pub limit: u32,
    /// Include raw base64 data of every account (always included for undecodable ones).
    #[serde(default)]
    pub include_raw: bool,
    /// IDL version to answer from (1, 2, …; default: the latest). An unknown version is a
    /// `version_not_found` error.
    #[schema(minimum = 1)]
    pub idl_version: Option<u32>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SimulateTransaction {
    /// The serialized wire transaction (legacy or v0).
    pub serialized_transaction: String,
    /// Encoding of serializedTransaction (default base64).
    pub encoding: Option<TxEncoding>,
    /// Cluster to simulate on (default mainnet-beta).
    pub cluster: Option<Cluster>,
    /// Another name for `cluster`.
    pub network: Option<Cluster>,
    /// Custom RPC URL (only hosts the operator allow-lists).
    pub rpc_url: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct DiffVersions {
    /// The Orquestra project id.
    pub project_id: String,
    /// The older version (default: the one before `to`).
    #[schema(minimum = 1)]
    pub from: Option<u32>,
    /// The newer version (default: the latest).
    #[schema(minimum = 1)]
    pub to: Option<u32>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ImportProgram {
    /// The program whose published IDL to import (base58).
    pub program_id: String,
    /// The cluster to read (default mainnet-beta).
    pub cluster: Option<Cluster>,
    /// The older name of `cluster`.
    pub network: Option<Cluster>,
    /// A custom RPC URL, when the operator allows it.
    pub rpc_url: Option<String>,
    /// Also look for this authority's non-canonical Program Metadata `idl` account (base58).
    pub metadata_authority: Option<String>,
}
