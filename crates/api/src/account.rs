//! Program accounts on the wire: one account fetched and decoded, `getProgramAccounts` with typed
//! filters, and decoding account data the caller already has.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use crate::transaction::Cluster;

/// Why account data did not decode as its type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ParseError {
    /// The codec's error code (`snake_case`).
    pub code: String,
    /// JSON pointer into the value being decoded where it failed.
    pub path: String,
    /// What went wrong, with the byte offset.
    pub message: String,
}

/// An on-chain account, decoded with the program's IDL when its type is known.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DecodedAccount {
    /// Base58 address.
    pub address: String,
    /// Base58 owner program.
    pub owner: String,
    /// Balance in lamports.
    pub lamports: u64,
    /// Whether the account holds a program.
    pub executable: bool,
    /// The rent epoch.
    pub rent_epoch: u64,
    /// Allocated size in bytes.
    pub space: u64,
    /// The account type the data was decoded as (`null` when none matched).
    pub account_type: Option<String>,
    /// The decoded data, canonical JSON (`null` when not decoded).
    pub data: Value,
    /// Bytes after the decoded value, when decoded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trailing_bytes: Option<usize>,
    /// Why the data did not decode as `accountType`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parse_error: Option<ParseError>,
    /// The raw data, base64: when asked for, or when the data could not be decoded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raw: Option<String>,
}

/// The answer of `GET /api/{projectId}/pda/fetch/{address}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FetchedAccount {
    /// The account.
    #[serde(flatten)]
    pub account: DecodedAccount,
    /// Whether the project's program owns it.
    pub owned_by_program: bool,
    /// The cluster read (`custom` for an `rpcUrl`).
    pub network: String,
}

/// A field of the account type compared with a value, at the field's fixed offset.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct FieldFilter {
    /// Field path in the decoded account (`owner`, `/config/authority`, `config.authority`).
    pub field: String,
    /// The value, canonical JSON of the field's type.
    pub value: Value,
}

/// Raw bytes compared at an offset.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct MemcmpFilter {
    /// Byte offset in the account data.
    pub offset: u64,
    /// The bytes, base58.
    pub bytes: String,
}

/// The body of `POST /api/{projectId}/program-accounts/query`. At least one filter is needed.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ProgramAccountsRequest {
    /// Only accounts of this type (by its discriminator); needed by `fieldFilters`.
    pub account_type: Option<String>,
    /// The cluster to query (default `mainnet-beta`).
    pub cluster: Option<Cluster>,
    /// The older name of `cluster`.
    #[schema(deprecated)]
    pub network: Option<Cluster>,
    /// A custom RPC URL; must be on the operator's allow-list.
    pub rpc_url: Option<String>,
    /// Only accounts of exactly this many bytes.
    pub data_size: Option<u64>,
    /// Raw byte comparisons.
    #[serde(default)]
    pub memcmp: Vec<MemcmpFilter>,
    /// Field values of `accountType`, compared at their fixed offsets.
    #[serde(default)]
    pub field_filters: Vec<FieldFilter>,
    /// Most accounts returned (1–100, default 25).
    pub limit: Option<usize>,
    /// Include every account's raw data (base64).
    #[serde(default)]
    pub include_raw: bool,
}

impl ProgramAccountsRequest {
    /// The cluster named by `cluster`, or by its older name `network`.
    pub fn cluster(&self) -> Option<Cluster> {
        self.cluster.or(self.network)
    }
}

/// A filter sent to `getProgramAccounts`, and which part of the request it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum AppliedFilter {
    /// Bytes compared at an offset.
    #[serde(rename_all = "camelCase")]
    Memcmp {
        /// Byte offset.
        offset: u64,
        /// The bytes, lowercase hex.
        hex: String,
        /// `accountType:<name>`, `field:<path>` or `memcmp`.
        source: String,
    },
    /// An exact data size.
    #[serde(rename_all = "camelCase")]
    DataSize {
        /// Size in bytes.
        data_size: u64,
        /// `accountType:<name>` or `dataSize`.
        source: String,
    },
}

/// The answer of `POST /api/{projectId}/program-accounts/query`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProgramAccountsResponse {
    /// The project id.
    pub project_id: String,
    /// Base58 program id queried.
    pub program_id: String,
    /// The IDL version used.
    pub version: i64,
    /// The cluster queried (`custom` for an `rpcUrl`).
    pub network: String,
    /// The slot the answer is from.
    pub slot: Option<u64>,
    /// The filters sent.
    pub filters_applied: Vec<AppliedFilter>,
    /// How many accounts matched.
    pub matched: usize,
    /// How many are returned (at most `limit`, by address).
    pub count: usize,
    /// The accounts, by address.
    pub accounts: Vec<DecodedAccount>,
}

/// How account data is written in a decode request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum DataEncoding {
    /// Standard base64.
    #[default]
    Base64,
    /// Base58.
    Base58,
    /// Hex, optionally `0x`-prefixed.
    Hex,
}

/// The body of `POST /api/{projectId}/accounts/decode`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct DecodeAccountRequest {
    /// The account's data (all of it, discriminator included), in `encoding`.
    pub data: String,
    /// Decode as this account type (either casing); by default the type is identified by its
    /// discriminator.
    pub account_type: Option<String>,
    /// Encoding of `data` (default `base64`).
    pub encoding: Option<DataEncoding>,
}

/// The answer of `POST /api/{projectId}/accounts/decode`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DecodeAccountResponse {
    /// The project id.
    pub project_id: String,
    /// Base58 program id.
    pub program_id: String,
    /// The IDL version used.
    pub version: i64,
    /// The account type the data was decoded as.
    pub account_type: String,
    /// The decoded data, canonical JSON.
    pub data: Value,
    /// Bytes after the decoded value.
    pub trailing_bytes: usize,
    /// Length of the data given.
    pub space: usize,
}
