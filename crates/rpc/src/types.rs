//! Request options and typed results of the supported methods.

use base64::Engine as _;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::error::RpcError;

/// Commitment level sent with every request (default `confirmed`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Commitment {
    Processed,
    #[default]
    Confirmed,
    Finalized,
}

impl Commitment {
    pub fn as_str(self) -> &'static str {
        match self {
            Commitment::Processed => "processed",
            Commitment::Confirmed => "confirmed",
            Commitment::Finalized => "finalized",
        }
    }
}

/// `getLatestBlockhash`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LatestBlockhash {
    /// Base58, 32 bytes.
    pub blockhash: String,
    pub last_valid_block_height: u64,
    /// `context.slot`.
    pub slot: u64,
}

/// A value and the slot the node answered at (`context.slot`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WithSlot<T> {
    pub slot: u64,
    pub value: T,
}

/// An on-chain account, data decoded from base64.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub lamports: u64,
    /// Base58 program id.
    pub owner: String,
    pub data: Vec<u8>,
    pub executable: bool,
    pub rent_epoch: u64,
    /// Allocated size (the node's `space`, or the data length for nodes that omit it).
    pub space: u64,
}

/// Options of `simulateTransaction`. `Default`: no signature check, keep the blockhash, `confirmed`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SimulateOptions {
    /// Must be `false` for unsigned transactions (and when `replace_recent_blockhash`).
    pub sig_verify: bool,
    /// Let the node substitute a fresh blockhash.
    pub replace_recent_blockhash: bool,
    /// Base58 addresses whose post-simulation state should be returned.
    pub accounts: Option<Vec<String>>,
    pub commitment: Commitment,
}

/// Program return data of a simulation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReturnData {
    pub program_id: String,
    pub data: Vec<u8>,
}

/// `simulateTransaction` result (`value` plus `context.slot`).
#[derive(Debug, Clone, PartialEq)]
pub struct SimulateResult {
    pub slot: u64,
    /// `null` = success; otherwise the node's `TransactionError` JSON
    /// (e.g. `{"InstructionError":[0,{"Custom":6001}]}`).
    pub err: Option<Value>,
    pub logs: Vec<String>,
    pub units_consumed: Option<u64>,
    pub return_data: Option<ReturnData>,
    /// Requested post-simulation accounts, in request order (`None` = absent).
    pub accounts: Option<Vec<Option<Account>>>,
}

/// A `getProgramAccounts` filter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Filter {
    DataSize(u64),
    Memcmp { offset: u64, bytes: MemcmpBytes },
}

/// The bytes a memcmp filter compares, in the encoding sent to the node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MemcmpBytes {
    Base58(String),
    Base64(String),
}

/// Largest memcmp the Solana RPC accepts.
pub const MAX_MEMCMP_BYTES: usize = 128;

impl Filter {
    /// A memcmp filter for raw bytes (sent as base64).
    pub fn memcmp(offset: u64, bytes: &[u8]) -> Self {
        Filter::Memcmp {
            offset,
            bytes: MemcmpBytes::Base64(base64::engine::general_purpose::STANDARD.encode(bytes)),
        }
    }

    /// Checks the encoding and size, then renders the RPC JSON.
    pub(crate) fn to_json(&self) -> Result<Value, RpcError> {
        match self {
            Filter::DataSize(n) => Ok(json!({ "dataSize": n })),
            Filter::Memcmp { offset, bytes } => {
                let (encoding, text, len) = match bytes {
                    MemcmpBytes::Base58(s) => (
                        "base58",
                        s,
                        bs58::decode(s).into_vec().map(|v| v.len()).map_err(|e| {
                            RpcError::InvalidArgument(format!("memcmp bytes are not base58: {e}"))
                        })?,
                    ),
                    MemcmpBytes::Base64(s) => (
                        "base64",
                        s,
                        base64::engine::general_purpose::STANDARD
                            .decode(s)
                            .map(|v| v.len())
                            .map_err(|e| {
                                RpcError::InvalidArgument(format!(
                                    "memcmp bytes are not base64: {e}"
                                ))
                            })?,
                    ),
                };
                if len == 0 || len > MAX_MEMCMP_BYTES {
                    return Err(RpcError::InvalidArgument(format!(
                        "memcmp bytes must be 1..={MAX_MEMCMP_BYTES} bytes, got {len}"
                    )));
                }
                Ok(json!({"memcmp": {"offset": offset, "bytes": text, "encoding": encoding}}))
            }
        }
    }
}

/// `dataSlice`: return only `length` bytes from `offset` of each account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DataSlice {
    pub offset: u64,
    pub length: u64,
}

/// A `getProgramAccounts` query.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProgramAccountsQuery {
    pub filters: Vec<Filter>,
    pub data_slice: Option<DataSlice>,
    /// Ask for `{context, value}` so the answer carries its slot.
    pub with_context: bool,
    /// Overrides [`crate::RpcConfig::max_response_bytes`] for this call.
    pub max_response_bytes: Option<usize>,
}

/// `getProgramAccounts` result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgramAccounts {
    /// `context.slot` when asked `with_context`.
    pub slot: Option<u64>,
    /// (base58 address, account), in the node's order.
    pub accounts: Vec<(String, Account)>,
}

// ---- wire parsing --------------------------------------------------------------------------

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireAccount {
    lamports: u64,
    owner: String,
    data: (String, String),
    executable: bool,
    #[serde(default)]
    rent_epoch: u64,
    #[serde(default)]
    space: Option<u64>,
}

pub(crate) fn parse_account(value: Value) -> Result<Account, RpcError> {
    let wire: WireAccount = serde_json::from_value(value)
        .map_err(|e| RpcError::invalid_response(format!("account: {e}")))?;
    let (text, encoding) = wire.data;
    if encoding != "base64" {
        return Err(RpcError::invalid_response(format!(
            "account data encoding is {encoding}, expected base64"
        )));
    }
    let data = base64::engine::general_purpose::STANDARD
        .decode(text.as_bytes())
        .map_err(|e| RpcError::invalid_response(format!("account data is not base64: {e}")))?;
    Ok(Account {
        lamports: wire.lamports,
        owner: wire.owner,
        space: wire.space.unwrap_or(data.len() as u64),
        data,
        executable: wire.executable,
        rent_epoch: wire.rent_epoch,
    })
}

/// `null` → `None`, otherwise an account.
pub(crate) fn parse_optional_account(value: Value) -> Result<Option<Account>, RpcError> {
    if value.is_null() {
        Ok(None)
    } else {
        parse_account(value).map(Some)
    }
}

/// Checks that `key` is a base58 public key (32 bytes).
pub fn check_pubkey(what: &str, key: &str) -> Result<(), RpcError> {
    orquestra_idl::address::parse_address(key)
        .map(|_| ())
        .map_err(|e| RpcError::InvalidArgument(format!("{what}: {e}")))
}
