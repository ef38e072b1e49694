//! Unsigned legacy and v0 transactions in Solana's wire format.
//!
//! [`build_transaction`] compiles instructions into a message with Solana's own compiler
//! (`solana-message`): the fee payer first as a writable signer, then every other key classified
//! by its merged role (a key that is a signer anywhere is a signer, writable anywhere is
//! writable), program ids as read-only non-signers. The transaction carries one zeroed 64-byte
//! signature slot per required signer (`solana-transaction`, serialized with `wincode`), so it
//! is valid wire format that wallets can sign in place.
//!
//! Optional compute-budget instructions come first (`SetComputeUnitLimit` = `[2, u32 LE]`,
//! `SetComputeUnitPrice` = `[3, u64 LE]` micro-lamports per CU). The fee is
//! `5000 × signatures + ceil(price × limit / 1_000_000)` lamports, the limit defaulting to
//! 200 000 CU per non-compute-budget instruction (capped at 1 400 000) when only a price is given.

use crate::encoding::ToAddress;
pub use orquestra_api::transaction::{MessageAccount, TxVersion};
use serde::{Deserialize, Serialize};
use solana_address::Address;
use solana_hash::Hash;
use solana_instruction::{AccountMeta, Instruction};
use solana_message::{legacy, v0, VersionedMessage};
use solana_transaction::versioned::VersionedTransaction;

use crate::encoding::{to_base58, to_base64};
use crate::TxError;

/// The compute-budget program.
pub const COMPUTE_BUDGET_PROGRAM_ID: &str = "ComputeBudget111111111111111111111111111111";
/// Lamports per signature.
pub const LAMPORTS_PER_SIGNATURE: u64 = 5_000;
/// Compute units the runtime grants a non-compute-budget instruction by default.
pub const DEFAULT_INSTRUCTION_COMPUTE_UNITS: u32 = 200_000;
/// Most compute units a transaction may request.
pub const MAX_COMPUTE_UNIT_LIMIT: u32 = 1_400_000;
/// Largest transaction the network accepts (IPv6 MTU minus headers).
pub const MAX_TRANSACTION_SIZE: usize = 1_232;

/// An account of an instruction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TxAccountMeta {
    /// Base58 address.
    pub pubkey: String,
    pub is_signer: bool,
    pub is_writable: bool,
}

/// One instruction: program, accounts in order, data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TxInstruction {
    /// Base58 program id.
    pub program_id: String,
    pub accounts: Vec<TxAccountMeta>,
    pub data: Vec<u8>,
}

/// What to build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TxSpec {
    /// Base58 fee payer: first key, writable signer.
    pub fee_payer: String,
    pub instructions: Vec<TxInstruction>,
    /// Base58 of 32 bytes.
    pub recent_blockhash: String,
    pub version: TxVersion,
    /// `SetComputeUnitLimit` units, when wanted.
    pub compute_unit_limit: Option<u32>,
    /// `SetComputeUnitPrice` in micro-lamports per compute unit, when wanted.
    pub compute_unit_price: Option<u64>,
}

/// An unsigned transaction and what it needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuiltTransaction {
    /// Wire bytes: compact-u16 signature count, zeroed signatures, message.
    pub bytes: Vec<u8>,
    pub version: TxVersion,
    /// Static keys in message order.
    pub message_accounts: Vec<MessageAccount>,
    /// `[num_required_signatures, num_readonly_signed, num_readonly_unsigned]`.
    pub header: [u8; 3],
    /// Base58 keys that must sign, in signature-slot order (fee payer first).
    pub signers_required: Vec<String>,
    /// Base fee plus priority fee, lamports.
    pub fee_lamports: u64,
    /// The compute-unit limit the fee was computed with (`None` when no price was set).
    pub compute_unit_limit: Option<u32>,
    /// Things the caller should know (e.g. the transaction exceeds the packet size).
    pub warnings: Vec<String>,
}

impl BuiltTransaction {
    /// The message bytes (what signers sign): everything after the signature slots.
    pub fn message_bytes(&self) -> &[u8] {
        let slots = self.signers_required.len();
        let prefix = compact_len(slots) + 64 * slots;
        self.bytes.get(prefix..).unwrap_or_default()
    }

    /// The wire bytes as base64.
    pub fn to_base64(&self) -> String {
        to_base64(&self.bytes)
    }

    /// The wire bytes as base58.
    pub fn to_base58(&self) -> String {
        to_base58(&self.bytes)
    }
}

/// Instruction data of `SetComputeUnitLimit(units)`.
pub fn set_compute_unit_limit_data(units: u32) -> Vec<u8> {
    let mut data = vec![2];
    data.extend_from_slice(&units.to_le_bytes());
    data
}

/// Instruction data of `SetComputeUnitPrice(micro_lamports)`.
pub fn set_compute_unit_price_data(micro_lamports: u64) -> Vec<u8> {
    let mut data = vec![3];
    data.extend_from_slice(&micro_lamports.to_le_bytes());
    data
}

/// `5000 × signatures + ceil(price × limit / 1_000_000)`.
pub fn fee_lamports(
    signatures: u8,
    compute_unit_price: Option<u64>,
    compute_unit_limit: u32,
) -> u64 {
    let base = u64::from(signatures) * LAMPORTS_PER_SIGNATURE;
    let priority = compute_unit_price.map_or(0u128, |price| {
        (u128::from(price) * u128::from(compute_unit_limit)).div_ceil(1_000_000)
    });
    u64::try_from(u128::from(base) + priority).unwrap_or(u64::MAX)
}

/// Compiles and serializes an unsigned transaction.
pub fn build_transaction(spec: &TxSpec) -> Result<BuiltTransaction, TxError> {
    if spec.instructions.is_empty() {
        return Err(TxError::NoInstructions);
    }
    let payer = spec
        .fee_payer
        .trim()
        .to_address()
        .map_err(|_| TxError::InvalidFeePayer {
            value: spec.fee_payer.clone(),
        })?;
    let blockhash = parse_blockhash(&spec.recent_blockhash)?;
    let compute_budget = compute_budget_id();

    let mut user = Vec::with_capacity(spec.instructions.len());
    for (index, ix) in spec.instructions.iter().enumerate() {
        user.push(to_instruction(index, ix)?);
    }
    check_compute_budget(&user, spec, &compute_budget)?;
    let user_count = user
        .iter()
        .filter(|ix| ix.program_id != compute_budget)
        .count();

    let mut instructions = Vec::with_capacity(user.len() + 2);
    if let Some(units) = spec.compute_unit_limit {
        instructions.push(Instruction {
            program_id: compute_budget,
            accounts: Vec::new(),
            data: set_compute_unit_limit_data(units),
        });
    }
    if let Some(price) = spec.compute_unit_price {
        instructions.push(Instruction {
            program_id: compute_budget,
            accounts: Vec::new(),
            data: set_compute_unit_price_data(price),
        });
    }
    instructions.extend(user);

    // `try_compile` reports key overflows as errors; the legacy constructor would panic on
    // them, so it only runs once the v0 compilation of the same keys succeeded.
    let compiled = v0::Message::try_compile(&payer, &instructions, &[], blockhash.clone())
        .map_err(|e| TxError::Compile {
            message: e.to_string(),
        })?;
    let message = match spec.version {
        TxVersion::V0 => VersionedMessage::V0(compiled),
        TxVersion::Legacy => VersionedMessage::Legacy(legacy::Message::new_with_blockhash(
            &instructions,
            Some(&payer),
            &blockhash,
        )),
    };
    let header = *message.header();
    let keys = message.static_account_keys();
    let accounts = message_accounts(keys, &header);
    let signers_required: Vec<String> = accounts
        .iter()
        .filter(|a| a.signer)
        .map(|a| a.pubkey.clone())
        .collect();

    let transaction = VersionedTransaction::new_unsigned(message);
    let bytes = wincode::serialize(&transaction).map_err(|e| TxError::Serialize {
        message: e.to_string(),
    })?;

    let limit = match (spec.compute_unit_limit, spec.compute_unit_price) {
        (Some(limit), _) => Some(limit),
        (None, Some(_)) => Some(default_compute_units(user_count)),
        (None, None) => None,
    };
    let fee = fee_lamports(
        header.num_required_signatures,
        spec.compute_unit_price,
        limit.unwrap_or(0),
    );
    let mut warnings = Vec::new();
    if bytes.len() > MAX_TRANSACTION_SIZE {
        warnings.push(format!(
            "the transaction is {} bytes; the network accepts at most {MAX_TRANSACTION_SIZE}",
            bytes.len()
        ));
    }
    Ok(BuiltTransaction {
        bytes,
        version: spec.version,
        message_accounts: accounts,
        header: [
            header.num_required_signatures,
            header.num_readonly_signed_accounts,
            header.num_readonly_unsigned_accounts,
        ],
        signers_required,
        fee_lamports: fee,
        compute_unit_limit: limit,
        warnings,
    })
}

/// 200 000 CU per instruction, capped at the transaction maximum.
fn default_compute_units(instructions: usize) -> u32 {
    u32::try_from(instructions)
        .unwrap_or(u32::MAX)
        .saturating_mul(DEFAULT_INSTRUCTION_COMPUTE_UNITS)
        .min(MAX_COMPUTE_UNIT_LIMIT)
}

/// Roles of the static keys from the header.
pub(crate) fn message_accounts(
    keys: &[Address],
    header: &solana_message::MessageHeader,
) -> Vec<MessageAccount> {
    let roles = Roles::new(
        keys.len(),
        [
            header.num_required_signatures,
            header.num_readonly_signed_accounts,
            header.num_readonly_unsigned_accounts,
        ],
    );
    keys.iter()
        .enumerate()
        .map(|(i, key)| MessageAccount {
            pubkey: key.to_string(),
            signer: roles.is_signer(i),
            writable: roles.is_writable(i),
        })
        .collect()
}

/// The role rules of a message header over `len` static keys.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Roles {
    len: usize,
    signers: usize,
    readonly_signed: usize,
    readonly_unsigned: usize,
}

impl Roles {
    pub(crate) fn new(len: usize, header: [u8; 3]) -> Self {
        Self {
            len,
            signers: usize::from(header[0]),
            readonly_signed: usize::from(header[1]),
            readonly_unsigned: usize::from(header[2]),
        }
    }

    pub(crate) fn is_signer(&self, i: usize) -> bool {
        i < self.signers
    }

    pub(crate) fn is_writable(&self, i: usize) -> bool {
        if i < self.signers {
            i < self.signers.saturating_sub(self.readonly_signed)
        } else {
            i < self.len.saturating_sub(self.readonly_unsigned)
        }
    }
}

fn compute_budget_id() -> Address {
    // A valid constant: the fallback is never taken.
    COMPUTE_BUDGET_PROGRAM_ID.to_address().unwrap_or_default()
}

fn check_compute_budget(
    user: &[Instruction],
    spec: &TxSpec,
    compute_budget: &Address,
) -> Result<(), TxError> {
    let has = |tag: u8| {
        user.iter()
            .any(|ix| ix.program_id == *compute_budget && ix.data.first() == Some(&tag))
    };
    if spec.compute_unit_limit.is_some() && has(2) {
        return Err(TxError::DuplicateComputeBudget {
            what: "compute_unit_limit",
        });
    }
    if spec.compute_unit_price.is_some() && has(3) {
        return Err(TxError::DuplicateComputeBudget {
            what: "compute_unit_price",
        });
    }
    Ok(())
}

fn parse_blockhash(text: &str) -> Result<Hash, TxError> {
    let invalid = || TxError::InvalidBlockhash {
        value: text.to_string(),
    };
    let bytes = bs58::decode(text.trim())
        .into_vec()
        .map_err(|_| invalid())?;
    let array: [u8; 32] = bytes.as_slice().try_into().map_err(|_| invalid())?;
    Ok(Hash::new_from_array(array))
}

fn to_instruction(index: usize, ix: &TxInstruction) -> Result<Instruction, TxError> {
    let program_id = ix
        .program_id
        .trim()
        .to_address()
        .map_err(|_| TxError::InvalidProgramId {
            instruction: index,
            value: ix.program_id.clone(),
        })?;
    let mut accounts = Vec::with_capacity(ix.accounts.len());
    for (position, meta) in ix.accounts.iter().enumerate() {
        let pubkey = meta
            .pubkey
            .trim()
            .to_address()
            .map_err(|_| TxError::InvalidAccount {
                instruction: index,
                account: position,
                value: meta.pubkey.clone(),
            })?;
        accounts.push(AccountMeta {
            pubkey,
            is_signer: meta.is_signer,
            is_writable: meta.is_writable,
        });
    }
    Ok(Instruction {
        program_id,
        accounts,
        data: ix.data.clone(),
    })
}

/// Bytes of the compact-u16 encoding of `len`.
pub(crate) fn compact_len(len: usize) -> usize {
    match len {
        0..=0x7f => 1,
        0x80..=0x3fff => 2,
        _ => 3,
    }
}
