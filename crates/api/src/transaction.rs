//! Transactions on the wire: the build request (`…/instructions/{name}/build`, `…/data`,
//! `…/accounts`) and its answers, simulations, and decoded transactions.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;

/// How transaction (or account) bytes are written as text. Base64 unless a request says otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Encoding {
    /// Standard base64 with padding (what `sendTransaction` and `simulateTransaction` prefer).
    #[default]
    Base64,
    /// Bitcoin-alphabet base58.
    Base58,
}

impl Encoding {
    /// The name on the wire (`base64` / `base58`).
    pub fn as_str(self) -> &'static str {
        match self {
            Encoding::Base64 => "base64",
            Encoding::Base58 => "base58",
        }
    }
}

/// A Solana cluster a request may name; `mainnet` is accepted for `mainnet-beta`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Cluster {
    /// Mainnet beta.
    #[serde(alias = "mainnet")]
    MainnetBeta,
    /// Devnet.
    Devnet,
    /// Testnet.
    Testnet,
    /// A local validator.
    Localnet,
}

impl Cluster {
    /// All clusters, in a stable order.
    pub const ALL: [Cluster; 4] = [
        Cluster::MainnetBeta,
        Cluster::Devnet,
        Cluster::Testnet,
        Cluster::Localnet,
    ];

    /// The canonical name (`mainnet-beta`, `devnet`, `testnet`, `localnet`).
    pub fn as_str(self) -> &'static str {
        match self {
            Cluster::MainnetBeta => "mainnet-beta",
            Cluster::Devnet => "devnet",
            Cluster::Testnet => "testnet",
            Cluster::Localnet => "localnet",
        }
    }

    /// The cluster of an exact (case-sensitive) name, `mainnet` included.
    pub fn from_name(name: &str) -> Option<Cluster> {
        match name {
            "mainnet-beta" | "mainnet" => Some(Cluster::MainnetBeta),
            "devnet" => Some(Cluster::Devnet),
            "testnet" => Some(Cluster::Testnet),
            "localnet" => Some(Cluster::Localnet),
            _ => None,
        }
    }
}

impl std::fmt::Display for Cluster {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Message format of a transaction. Requests may also write v0 as `0` or `"0"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum TxVersion {
    /// The original message format.
    #[default]
    Legacy,
    /// Versioned message v0 (address lookup tables; none are used when building).
    V0,
}

impl TxVersion {
    /// `legacy` or `v0`.
    pub fn as_str(self) -> &'static str {
        match self {
            TxVersion::Legacy => "legacy",
            TxVersion::V0 => "v0",
        }
    }
}

impl<'de> Deserialize<'de> for TxVersion {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = TxVersion;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("\"legacy\", \"v0\" or 0")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<TxVersion, E> {
                match v {
                    "legacy" => Ok(TxVersion::Legacy),
                    "v0" | "0" => Ok(TxVersion::V0),
                    _ => Err(E::invalid_value(serde::de::Unexpected::Str(v), &self)),
                }
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<TxVersion, E> {
                match v {
                    0 => Ok(TxVersion::V0),
                    _ => Err(E::invalid_value(serde::de::Unexpected::Unsigned(v), &self)),
                }
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<TxVersion, E> {
                match v {
                    0 => Ok(TxVersion::V0),
                    _ => Err(E::invalid_value(serde::de::Unexpected::Signed(v), &self)),
                }
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// An account given in a request: an address, or (the way Anchor clients write composite
/// accounts) a group of accounts by name, nested as deep as the IDL's groups.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum AccountInput {
    /// A base58 address.
    Address(String),
    /// The members of an account group by name; `null` leaves an optional member out.
    Group(BTreeMap<String, Option<AccountInput>>),
}

// Written by hand: the type refers to itself, and `null` (an optional account left out) is
// part of what a request may hold in its place.
impl utoipa::PartialSchema for AccountInput {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        let schema = serde_json::json!({
            "description": "A base58 address; an object of an account group's members by name \
                (nested like the IDL's groups); or `null` to leave an optional account out.",
            "anyOf": [
                {"type": "string", "pattern": "^[1-9A-HJ-NP-Za-km-z]{32,44}$"},
                {"type": "object", "additionalProperties": {"$ref": "#/components/schemas/AccountInput"}},
                {"type": "null"},
            ],
        });
        serde_json::from_value(schema).unwrap_or_else(|_| {
            utoipa::openapi::RefOr::T(utoipa::openapi::schema::Schema::default())
        })
    }
}

impl ToSchema for AccountInput {}

/// What to build: the instruction's arguments and accounts, who pays, and where to get the
/// blockhash (and simulate). `…/data` and `…/accounts` take the same body.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct BuildRequest {
    /// Instruction arguments, canonical JSON keyed by argument name (either casing).
    #[serde(default)]
    pub args: Option<Map<String, Value>>,
    /// Account addresses by name; the rest is resolved from the IDL. Members of account groups
    /// are given as a dotted path (`"pool.authority"`) or nested (`{"pool": {"authority": …}}`).
    /// `null` leaves an optional account out explicitly (the program id in its place, or dropped
    /// under Codama's `omitted` strategy).
    #[serde(default)]
    #[schema(value_type = BTreeMap<String, AccountInput>)]
    pub accounts: BTreeMap<String, Option<AccountInput>>,
    /// The base58 public key that pays the fee (the first signer). Required by `build`.
    pub fee_payer: Option<String>,
    /// A base58 blockhash; fetched from the cluster when absent.
    pub recent_blockhash: Option<String>,
    /// The cluster for the blockhash, on-chain data and simulation (default `mainnet-beta`).
    pub cluster: Option<Cluster>,
    /// The older name of `cluster`.
    #[schema(deprecated)]
    pub network: Option<Cluster>,
    /// A custom RPC URL; must be on the operator's allow-list. Wins over `cluster`.
    pub rpc_url: Option<String>,
    /// Simulate the transaction on the cluster and decode a program error with the IDL.
    #[serde(default)]
    pub simulate: bool,
    /// Encoding of the returned transaction (default `base64`).
    pub encoding: Option<Encoding>,
    /// Message format (default `legacy`).
    pub version: Option<TxVersion>,
    /// Adds a compute-budget `SetComputeUnitLimit` instruction with this many units.
    pub compute_unit_limit: Option<u32>,
    /// Adds a compute-budget `SetComputeUnitPrice` instruction: micro-lamports per compute unit.
    pub compute_unit_price: Option<u64>,
}

impl BuildRequest {
    /// The cluster named by `cluster`, or by its older name `network`.
    pub fn cluster(&self) -> Option<Cluster> {
        self.cluster.or(self.network)
    }
}

/// Where a resolved account address came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum AccountSource {
    /// Given by the caller.
    Provided,
    /// The IDL's fixed address.
    Fixed,
    /// Derived from the IDL's PDA seeds.
    Pda,
    /// Read from another account's data (Anchor `relations`).
    Relation,
    /// A native/SPL program or sysvar by its conventional name, or the program itself.
    WellKnown,
    /// A Codama default (program id, another account, an argument).
    Default,
    /// The fee payer (Codama `payer`/`identity` defaults).
    FeePayer,
    /// An optional account given as `null`, or left out and not resolvable: the program id in
    /// its place.
    OptionalPlaceholder,
}

/// One account of the instruction, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ResolvedMeta {
    /// The IDL's account name (`group.account` inside groups).
    pub name: String,
    /// Base58 address.
    pub pubkey: String,
    /// Whether the account signs.
    pub is_signer: bool,
    /// Whether the instruction writes to the account.
    pub is_writable: bool,
    /// Where the address came from.
    pub source: AccountSource,
    /// The bump seed when the address was derived as a PDA.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bump: Option<u8>,
}

/// Instruction data bytes, in the two encodings callers use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InstructionData {
    /// Lowercase hex.
    pub hex: String,
    /// Standard base64.
    pub base64: String,
}

/// The answer of `…/data`: the encoded instruction data and its resolved accounts, for callers
/// who compose their own transactions. `…/accounts` answers the same without `data`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InstructionDataResponse {
    /// The project whose IDL was used.
    pub project_id: String,
    /// Base58 program id the instruction is for.
    pub program_id: String,
    /// The IDL version used.
    pub version: i64,
    /// The instruction's name as the IDL spells it.
    pub instruction: String,
    /// The encoded instruction data.
    pub data: InstructionData,
    /// The instruction's accounts in order.
    pub accounts: Vec<ResolvedMeta>,
}

/// The answer of `…/accounts`: the resolved accounts of an instruction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InstructionAccountsResponse {
    /// The project whose IDL was used.
    pub project_id: String,
    /// Base58 program id the instruction is for.
    pub program_id: String,
    /// The IDL version used.
    pub version: i64,
    /// The instruction's name as the IDL spells it.
    pub instruction: String,
    /// The instruction's accounts in order.
    pub accounts: Vec<ResolvedMeta>,
}

/// A message header: how many of the leading keys sign, and which keys are read-only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MessageHeader {
    /// Signatures the message needs (the first keys).
    pub num_required_signatures: u8,
    /// Read-only keys among the signers (the last signers).
    pub num_readonly_signed_accounts: u8,
    /// Read-only keys among the non-signers (the last keys).
    pub num_readonly_unsigned_accounts: u8,
}

impl MessageHeader {
    /// The header of `[required signatures, read-only signed, read-only unsigned]`.
    pub fn from_array([signatures, readonly_signed, readonly_unsigned]: [u8; 3]) -> Self {
        Self {
            num_required_signatures: signatures,
            num_readonly_signed_accounts: readonly_signed,
            num_readonly_unsigned_accounts: readonly_unsigned,
        }
    }
}

/// A key of a compiled message with its role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MessageAccount {
    /// Base58 address.
    pub pubkey: String,
    /// Whether it signs.
    pub signer: bool,
    /// Whether it is writable.
    pub writable: bool,
}

/// The compiled message of a built transaction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TransactionMessage {
    /// The message header.
    pub header: MessageHeader,
    /// The static keys in message order (fee payer first), with their roles.
    pub account_keys: Vec<MessageAccount>,
    /// Base58 blockhash the message carries.
    pub recent_blockhash: String,
    /// The last block height at which the blockhash is valid, when it came from the cluster.
    pub last_valid_block_height: Option<u64>,
}

/// Where the blockhash of a built transaction came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum BlockhashSource {
    /// The request's `recentBlockhash`.
    Client,
    /// Fetched from the cluster.
    Rpc,
}

/// The program instruction inside a built transaction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BuiltInstruction {
    /// The instruction's name as the IDL spells it.
    pub name: String,
    /// Base58 program id.
    pub program_id: String,
    /// The encoded instruction data.
    pub data: InstructionData,
    /// The instruction's accounts in order.
    pub accounts: Vec<ResolvedMeta>,
}

/// The fee of a built transaction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FeeEstimate {
    /// Base fee plus priority fee: `5000 × signatures + ceil(price × limit / 1 000 000)`.
    pub lamports: u64,
    /// Signatures paid for.
    pub signatures: u8,
    /// The compute-unit limit the priority fee was computed with (`null` without a price).
    pub compute_unit_limit: Option<u32>,
    /// The compute-unit price in micro-lamports (`null` when none was set).
    pub compute_unit_price: Option<u64>,
}

/// An unsigned transaction for one instruction, with what it contains and what it costs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BuildTransactionResponse {
    /// The project whose IDL was used.
    pub project_id: String,
    /// Base58 program id.
    pub program_id: String,
    /// The program's name in its IDL.
    pub program_name: String,
    /// The IDL version used.
    pub version: i64,
    /// The wire-format transaction in `encoding`, one zeroed slot per required signature.
    pub transaction: String,
    /// The same as `transaction` (its older name).
    #[schema(deprecated)]
    pub serialized_transaction: String,
    /// Encoding of `transaction`.
    pub encoding: Encoding,
    /// Message format.
    pub wire_format: TxVersion,
    /// The compiled message.
    pub message: TransactionMessage,
    /// Base58 blockhash the message carries.
    pub recent_blockhash: String,
    /// Where the blockhash came from.
    pub blockhash_source: BlockhashSource,
    /// The program instruction (after any compute-budget instructions).
    pub instruction: BuiltInstruction,
    /// Base58 keys that must sign, in signature-slot order (fee payer first).
    pub signers_required: Vec<String>,
    /// The fee.
    pub fee: FeeEstimate,
    /// The same as `fee.lamports` (its older name).
    #[schema(deprecated)]
    pub estimated_fee: u64,
    /// Things the caller should know (e.g. the transaction exceeds the packet size).
    pub warnings: Vec<String>,
    /// The cluster used (`custom` for an `rpcUrl`); absent when no RPC call was needed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network: Option<String>,
    /// The host of the RPC used; absent when no RPC call was needed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rpc_url_host: Option<String>,
    /// The simulation, when `simulate` was asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub simulation: Option<Simulation>,
}

/// A custom program error of a failed simulation, decoded with the failing program's IDL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DecodedProgramError {
    /// The custom error code.
    pub code: u32,
    /// The error's name in the IDL.
    pub name: String,
    /// The error's message in the IDL.
    pub msg: Option<String>,
    /// Index of the failing instruction in the transaction.
    pub instruction_index: usize,
    /// The failing program's name in its IDL.
    pub program: String,
}

/// Program return data of a simulation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReturnData {
    /// Base58 id of the program that set it.
    pub program_id: String,
    /// The bytes, base64.
    pub data: String,
}

/// A simulation as the API reports it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Simulation {
    /// Whether the transaction would succeed.
    pub success: bool,
    /// The node's `TransactionError` JSON (e.g. `{"InstructionError":[0,{"Custom":6001}]}`),
    /// `null` on success.
    pub err: Option<Value>,
    /// The custom program error decoded with the IDL, when the failing program is known.
    pub decoded_error: Option<DecodedProgramError>,
    /// Program logs.
    pub logs: Vec<String>,
    /// Compute units consumed.
    pub units_consumed: Option<u64>,
    /// The same as `unitsConsumed` (its older name).
    #[schema(deprecated)]
    pub compute_units: Option<u64>,
    /// The slot simulated at.
    pub slot: u64,
    /// Program return data, when set.
    pub return_data: Option<ReturnData>,
}

/// A serialized transaction to decode or simulate.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct TransactionRequest {
    /// The wire-format transaction in `encoding` (`serializedTransaction` is accepted too).
    #[serde(alias = "serializedTransaction")]
    pub transaction: String,
    /// Encoding of `transaction` (default `base64`).
    pub encoding: Option<Encoding>,
    /// The cluster to simulate on (default `mainnet-beta`); not used by decode.
    pub cluster: Option<Cluster>,
    /// The older name of `cluster`.
    #[schema(deprecated)]
    pub network: Option<Cluster>,
    /// A custom RPC URL; must be on the operator's allow-list.
    pub rpc_url: Option<String>,
}

impl TransactionRequest {
    /// The cluster named by `cluster`, or by its older name `network`.
    pub fn cluster(&self) -> Option<Cluster> {
        self.cluster.or(self.network)
    }
}

/// The answer of `/api/transactions/simulate`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TransactionSimulation {
    /// The simulation.
    #[serde(flatten)]
    pub simulation: Simulation,
    /// The project whose IDL decoded the program error, when one did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project: Option<crate::projects::ProjectSource>,
    /// The cluster used (`custom` for an `rpcUrl`).
    pub network: String,
    /// The host of the RPC used.
    pub rpc_url_host: String,
}

/// One signature slot of a decoded transaction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SignatureSlot {
    /// The key expected to sign this slot (the static key at the same index), if any.
    pub signer: Option<String>,
    /// Base58 of the 64 bytes.
    pub signature: String,
    /// All 64 bytes are zero (not signed yet).
    pub empty: bool,
}

/// A v0 address-table lookup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AddressTableLookup {
    /// Base58 address of the lookup table.
    pub account_key: String,
    /// Indexes of the writable accounts loaded from the table.
    pub writable_indexes: Vec<u8>,
    /// Indexes of the read-only accounts loaded from the table.
    pub readonly_indexes: Vec<u8>,
}

/// An account of a decoded instruction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NamedAccount {
    /// The IDL's name for this position (`group.account` for nested groups); `null` for
    /// positions beyond the IDL's list (remaining accounts) or unknown programs.
    pub name: Option<String>,
    /// Base58; `null` for lookup-table accounts.
    pub pubkey: Option<String>,
    /// Whether it signs.
    pub signer: bool,
    /// Whether it is writable.
    pub writable: bool,
}

/// A decoded instruction with the names an IDL gives it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NamedInstruction {
    /// Base58 (`null` when the program index is invalid).
    pub program_id: Option<String>,
    /// The program's name, when an IDL for it is known.
    pub program_name: Option<String>,
    /// The instruction's name, when its discriminator matched.
    pub instruction_name: Option<String>,
    /// Canonical JSON of the arguments, when decoded.
    pub args: Option<Value>,
    /// The instruction's accounts in order.
    pub accounts: Vec<NamedAccount>,
    /// The instruction data, lowercase hex.
    pub data_hex: String,
    /// Why the data could not be decoded with the program's IDL.
    pub error: Option<String>,
}

/// A decoded instruction and the project whose IDL named it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DecodedInstruction {
    /// The instruction.
    #[serde(flatten)]
    pub instruction: NamedInstruction,
    /// The project whose IDL decoded it (`null` when no IDL was used).
    pub project: Option<crate::projects::ProjectSource>,
}

/// The answer of `/api/transactions/decode`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DecodedTransactionResponse {
    /// Message format.
    pub version: TxVersion,
    /// The signature slots.
    pub signatures: Vec<SignatureSlot>,
    /// The message header.
    pub header: MessageHeader,
    /// The static keys in message order, with their roles.
    pub accounts: Vec<MessageAccount>,
    /// Base58 blockhash.
    pub recent_blockhash: String,
    /// v0 lookups (always empty for legacy messages).
    pub address_table_lookups: Vec<AddressTableLookup>,
    /// The instructions in order.
    pub instructions: Vec<DecodedInstruction>,
    /// Decodable but invalid for the network (signature count ≠ header, bad indices …).
    pub warnings: Vec<String>,
}
