//! Wire-format transaction decoding (legacy and v0), written independently of the builder so
//! each checks the other.
//!
//! The parser is total: every length is checked against the bytes that remain before anything
//! is allocated, compact-u16 lengths must be canonical, unknown message versions and trailing
//! bytes are errors, and input over [`MAX_DECODE_SIZE`] is refused. Format errors are
//! [`TxError::Malformed`] with the byte offset; things a validator would reject but that still
//! decode (signature count differing from the header, indices out of range) are `warnings`.

use serde::Serialize;

pub use orquestra_api::transaction::{AddressTableLookup, SignatureSlot};

use crate::encoding::{to_base58, to_hex, TextEncoding};
use crate::transaction::{MessageAccount, Roles, TxVersion};
use crate::TxError;

/// Largest input accepted, in bytes (the network limit is 1232; larger inputs are still
/// decoded for inspection up to this bound).
pub const MAX_DECODE_SIZE: usize = 64 * 1024;

/// Where an account loaded from a lookup table comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LookupRef {
    /// Base58 address of the table.
    pub table: String,
    /// Index inside the table.
    pub index: u8,
}

/// An account reference of a compiled instruction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountRef {
    /// Index into the message's account list (static keys, then loaded writable, then loaded
    /// read-only).
    pub index: u8,
    /// Base58 key when it is a static key; `None` for lookup-table accounts (their keys live
    /// on chain) and out-of-range indices.
    pub pubkey: Option<String>,
    /// For lookup-table accounts: the table and index.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lookup: Option<LookupRef>,
    pub signer: bool,
    pub writable: bool,
}

/// A compiled instruction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CompiledInstructionView {
    pub program_id_index: u8,
    /// Base58 program id (`None` when the index is not a static key).
    pub program_id: Option<String>,
    pub accounts: Vec<AccountRef>,
    #[serde(skip)]
    pub data: Vec<u8>,
    pub data_hex: String,
}

/// A decoded transaction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DecodedTransaction {
    pub version: TxVersion,
    pub signatures: Vec<SignatureSlot>,
    /// `[num_required_signatures, num_readonly_signed, num_readonly_unsigned]`.
    pub header: [u8; 3],
    /// Static keys with their roles, in message order.
    pub account_keys: Vec<MessageAccount>,
    /// Base58.
    pub recent_blockhash: String,
    pub instructions: Vec<CompiledInstructionView>,
    /// Always empty for legacy messages.
    pub address_table_lookups: Vec<AddressTableLookup>,
    /// Byte offset of the message (what signers sign) in the input.
    pub message_offset: usize,
    /// Decodable but invalid for the network (signature count ≠ header, bad indices …).
    pub warnings: Vec<String>,
}

/// Decodes a legacy or v0 transaction from wire bytes.
pub fn decode_transaction(bytes: &[u8]) -> Result<DecodedTransaction, TxError> {
    if bytes.len() > MAX_DECODE_SIZE {
        return Err(TxError::TooLarge {
            len: bytes.len(),
            max: MAX_DECODE_SIZE,
        });
    }
    let mut r = Cursor {
        data: bytes,
        pos: 0,
    };
    let mut warnings = Vec::new();

    let signature_count = r.compact_u16("signature count")?;
    r.ensure(signature_count, 64, "signatures")?;
    let mut raw_signatures = Vec::with_capacity(signature_count);
    for _ in 0..signature_count {
        raw_signatures.push(r.take(64, "signature")?);
    }

    let message_offset = r.pos;
    let first = r.byte("message header")?;
    let (version, num_required) = if first & 0x80 != 0 {
        match first & 0x7f {
            0 => (TxVersion::V0, r.byte("message header")?),
            other => {
                return Err(r.error_at(
                    message_offset,
                    format!("unsupported message version {other}"),
                ))
            }
        }
    } else {
        (TxVersion::Legacy, first)
    };
    let header = [
        num_required,
        r.byte("message header")?,
        r.byte("message header")?,
    ];

    let key_count = r.compact_u16("account key count")?;
    r.ensure(key_count, 32, "account keys")?;
    let mut keys = Vec::with_capacity(key_count);
    for _ in 0..key_count {
        keys.push(to_base58(r.take(32, "account key")?));
    }
    let recent_blockhash = to_base58(r.take(32, "recent blockhash")?);

    let instruction_count = r.compact_u16("instruction count")?;
    // Each instruction takes at least 3 bytes (program index, two empty lengths).
    r.ensure(instruction_count, 3, "instructions")?;
    let mut raw_instructions = Vec::with_capacity(instruction_count);
    for _ in 0..instruction_count {
        let program = r.byte("program id index")?;
        let n = r.compact_u16("instruction account count")?;
        let accounts = r.take(n, "instruction account indices")?.to_vec();
        let len = r.compact_u16("instruction data length")?;
        let data = r.take(len, "instruction data")?.to_vec();
        raw_instructions.push((program, accounts, data));
    }

    let mut lookups = Vec::new();
    if version == TxVersion::V0 {
        let count = r.compact_u16("address table lookup count")?;
        // Each lookup takes at least 34 bytes (key and two empty lengths).
        r.ensure(count, 34, "address table lookups")?;
        for _ in 0..count {
            let account_key = to_base58(r.take(32, "lookup table address")?);
            let n = r.compact_u16("writable index count")?;
            let writable_indexes = r.take(n, "writable indexes")?.to_vec();
            let n = r.compact_u16("readonly index count")?;
            let readonly_indexes = r.take(n, "readonly indexes")?.to_vec();
            lookups.push(AddressTableLookup {
                account_key,
                writable_indexes,
                readonly_indexes,
            });
        }
    }
    if r.pos != bytes.len() {
        return Err(r.error_at(
            r.pos,
            format!("{} unexpected trailing byte(s)", bytes.len() - r.pos),
        ));
    }

    check_header(header, key_count, signature_count, &mut warnings);
    let roles = Roles::new(key_count, header);
    let account_keys: Vec<MessageAccount> = keys
        .iter()
        .enumerate()
        .map(|(i, key)| MessageAccount {
            pubkey: key.clone(),
            signer: roles.is_signer(i),
            writable: roles.is_writable(i),
        })
        .collect();
    let signatures = raw_signatures
        .iter()
        .enumerate()
        .map(|(i, sig)| SignatureSlot {
            signer: keys.get(i).cloned(),
            signature: to_base58(sig),
            empty: sig.iter().all(|b| *b == 0),
        })
        .collect();

    let loaded = Loaded::new(&lookups);
    let mut instructions = Vec::with_capacity(raw_instructions.len());
    for (n, (program, accounts, data)) in raw_instructions.into_iter().enumerate() {
        let program_id = keys.get(usize::from(program)).cloned();
        if program_id.is_none() {
            warnings.push(format!(
                "instruction #{n}: program id index {program} is not a static key"
            ));
        }
        let refs = accounts
            .iter()
            .map(|&index| {
                account_ref(index, &account_keys, &loaded).unwrap_or_else(|| {
                    warnings.push(format!(
                        "instruction #{n}: account index {index} is out of range"
                    ));
                    AccountRef {
                        index,
                        pubkey: None,
                        lookup: None,
                        signer: false,
                        writable: false,
                    }
                })
            })
            .collect();
        instructions.push(CompiledInstructionView {
            program_id_index: program,
            program_id,
            accounts: refs,
            data_hex: to_hex(&data),
            data,
        });
    }

    Ok(DecodedTransaction {
        version,
        signatures,
        header,
        account_keys,
        recent_blockhash,
        instructions,
        address_table_lookups: lookups,
        message_offset,
        warnings,
    })
}

/// Decodes base58 or base64 text (see [`crate::Encoding`]).
pub fn decode_transaction_text(
    text: &str,
    encoding: crate::Encoding,
) -> Result<DecodedTransaction, TxError> {
    // Base64 of the largest accepted input is 4/3 its size; base58 about 1.37×.
    if text.len() > MAX_DECODE_SIZE * 2 {
        return Err(TxError::TooLarge {
            len: text.len(),
            max: MAX_DECODE_SIZE * 2,
        });
    }
    decode_transaction(&encoding.decode(text)?)
}

fn check_header(header: [u8; 3], keys: usize, signatures: usize, warnings: &mut Vec<String>) {
    let [required, readonly_signed, readonly_unsigned] = header.map(usize::from);
    if signatures != required {
        warnings.push(format!(
            "{signatures} signature slot(s) but the header requires {required}"
        ));
    }
    if required > keys {
        warnings.push(format!(
            "the header requires {required} signer(s) but the message has {keys} key(s)"
        ));
    }
    if required > 0 && readonly_signed >= required {
        warnings.push("the fee payer is counted as a read-only signer".to_string());
    }
    if required + readonly_unsigned > keys {
        warnings.push(format!(
            "{readonly_unsigned} read-only unsigned key(s) do not fit in {keys} key(s)"
        ));
    }
}

/// The accounts v0 lookups load: all writable ones (table order), then all read-only ones.
struct Loaded<'a> {
    writable: Vec<(&'a str, u8)>,
    readonly: Vec<(&'a str, u8)>,
}

impl<'a> Loaded<'a> {
    fn new(lookups: &'a [AddressTableLookup]) -> Self {
        let mut writable = Vec::new();
        let mut readonly = Vec::new();
        for lookup in lookups {
            let table = lookup.account_key.as_str();
            writable.extend(lookup.writable_indexes.iter().map(|&i| (table, i)));
            readonly.extend(lookup.readonly_indexes.iter().map(|&i| (table, i)));
        }
        Self { writable, readonly }
    }
}

fn account_ref(index: u8, keys: &[MessageAccount], loaded: &Loaded<'_>) -> Option<AccountRef> {
    let i = usize::from(index);
    if let Some(key) = keys.get(i) {
        return Some(AccountRef {
            index,
            pubkey: Some(key.pubkey.clone()),
            lookup: None,
            signer: key.signer,
            writable: key.writable,
        });
    }
    let i = i - keys.len();
    let (entry, writable) = match loaded.writable.get(i) {
        Some(entry) => (entry, true),
        None => (loaded.readonly.get(i - loaded.writable.len())?, false),
    };
    Some(AccountRef {
        index,
        pubkey: None,
        lookup: Some(LookupRef {
            table: entry.0.to_string(),
            index: entry.1,
        }),
        signer: false,
        writable,
    })
}

/// A bounds-checked reader.
struct Cursor<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn error_at(&self, offset: usize, message: String) -> TxError {
        TxError::Malformed { offset, message }
    }

    fn byte(&mut self, what: &str) -> Result<u8, TxError> {
        let b = *self.data.get(self.pos).ok_or_else(|| {
            self.error_at(self.pos, format!("unexpected end of data reading {what}"))
        })?;
        self.pos += 1;
        Ok(b)
    }

    fn take(&mut self, n: usize, what: &str) -> Result<&'a [u8], TxError> {
        let end = self.pos.checked_add(n).filter(|&e| e <= self.data.len());
        let Some(end) = end else {
            return Err(self.error_at(
                self.pos,
                format!(
                    "{what}: {n} byte(s) needed, {} left",
                    self.data.len() - self.pos
                ),
            ));
        };
        let slice = &self.data[self.pos..end];
        self.pos = end;
        Ok(slice)
    }

    /// Refuses a count whose items cannot fit in what is left (before allocating for them).
    fn ensure(&self, count: usize, item_size: usize, what: &str) -> Result<(), TxError> {
        let left = self.data.len() - self.pos;
        if count.saturating_mul(item_size) > left {
            return Err(self.error_at(
                self.pos,
                format!("{count} {what} cannot fit in the {left} byte(s) left"),
            ));
        }
        Ok(())
    }

    /// Solana's compact-u16 ("short vec" length): 1–3 bytes, 7 bits each, canonical only.
    fn compact_u16(&mut self, what: &str) -> Result<usize, TxError> {
        let start = self.pos;
        let mut value: usize = 0;
        for i in 0..3 {
            let b = self.byte(what)?;
            if i > 0 && b == 0 {
                return Err(self.error_at(start, format!("{what}: non-canonical compact-u16")));
            }
            if i == 2 && b > 0x03 {
                return Err(self.error_at(start, format!("{what}: compact-u16 overflow")));
            }
            value |= usize::from(b & 0x7f) << (7 * i);
            if b & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(self.error_at(start, format!("{what}: compact-u16 longer than 3 bytes")))
    }
}
