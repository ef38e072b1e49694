//! The codec: canonical JSON (see the README) ↔ instruction / account / event bytes, for every
//! [`Type`] of the model, with errors that name the JSON pointer of the offending value.

mod decode;
mod encode;
mod forms;
mod generics;
mod io;
pub(crate) mod json;
pub(crate) mod number;
mod resolve;
pub(crate) mod size;

use serde::Serialize;
use serde_json::Value;

use self::decode::Decoder;
use self::encode::Encoder;
pub use self::io::MAX_ENCODED_BYTES;
use self::io::{Reader, Writer};
pub use self::resolve::{NoTypes, TypeResolver};
pub use self::size::SizeTable;
use crate::{AccountDef, Discriminator, EventDef, Instruction, Program, Type};

/// Maximum nesting of the codec's recursion (guards against types that contain themselves and
/// against deeply nested data).
pub(crate) const MAX_DEPTH: usize = 128;

/// Why a value could not be encoded or decoded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CodecError {
    pub code: CodecErrorCode,
    /// JSON pointer relative to the value passed in (`/params/amount`); for decoding, where in
    /// the value being produced it failed.
    pub path: String,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CodecErrorCode {
    UnknownInstruction,
    UnknownAccount,
    UnknownEvent,
    UnknownType,
    TypeMismatch,
    OutOfRange,
    MissingField,
    UnknownField,
    InvalidPubkey,
    InvalidLength,
    InvalidEnum,
    UnexpectedEnd,
    TrailingBytes,
    NoMatchingDiscriminator,
    Unsupported,
    TooDeep,
    /// Constant bytes (hidden prefix/suffix) differ from what the type states.
    ConstantMismatch,
    /// The instruction, account or event is listed in [`Program::defects`]: its definition is
    /// broken, so no bytes are produced or read for it.
    ItemUnusable,
    /// Decoding would produce far more values than the data has bytes (zero-sized types
    /// repeated many times): refused rather than spending unbounded time and memory.
    TooComplex,
    /// The encoding would exceed the largest Solana account (fixed sizes or offsets of gigabytes).
    TooLarge,
}

impl CodecError {
    pub fn new(code: CodecErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            path: String::new(),
            message: message.into(),
        }
    }

    /// The same error seen from an enclosing value: `prefix` (a JSON pointer) is put before the path.
    pub fn prefixed(mut self, prefix: &str) -> Self {
        self.path.insert_str(0, prefix);
        self
    }
}

impl std::fmt::Display for CodecError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}", self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

impl std::error::Error for CodecError {}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DecodedInstruction {
    pub name: String,
    pub args: Value,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DecodedAccount {
    pub name: String,
    pub value: Value,
    /// Bytes after the decoded value (accounts are often allocated larger than their data).
    pub trailing_bytes: usize,
}

/// Encodes one canonical-JSON `value` of `ty`, looking named types up in `types`. The one
/// encoder of the workspace: programs, parse-time constants (Codama discriminators, seeds and
/// defaults, Anchor const seeds) and raw PDA seeds all go through it.
pub fn encode_with(
    types: &dyn TypeResolver,
    ty: &Type,
    value: &Value,
) -> Result<Vec<u8>, CodecError> {
    let mut w = Writer::new();
    Encoder { types }.encode(ty, value, &mut w, &[], 0)?;
    w.finish()
}

/// Decodes one value of `ty` from the start of `data`, looking named types up in `types`: the
/// value and the bytes it took.
pub fn decode_with(
    types: &dyn TypeResolver,
    ty: &Type,
    data: &[u8],
) -> Result<(Value, usize), CodecError> {
    let mut r = Reader::new(data);
    let value = decoder(types, data.len()).decode(ty, &mut r, &[], 0)?;
    Ok((value, r.pos()))
}

/// A decoder for `data_len` bytes: it may produce a few values per byte plus a fixed allowance,
/// so zero-sized types repeated by fixed counts or fan-out cannot make it loop for long or build
/// a huge value from a few bytes.
fn decoder(types: &dyn TypeResolver, data_len: usize) -> Decoder<'_> {
    Decoder {
        types,
        budget: std::cell::Cell::new(
            data_len
                .saturating_mul(4)
                .saturating_add(decode::BASE_VALUE_BUDGET),
        ),
    }
}

/// Whether `data` carries every one of `discriminators` (an empty list matches nothing).
fn matches(discriminators: &[Discriminator], data: &[u8]) -> bool {
    !discriminators.is_empty()
        && discriminators.iter().all(|d| match d {
            Discriminator::Bytes { offset, bytes } => {
                data.get(*offset..offset.saturating_add(bytes.len())) == Some(bytes.as_slice())
            }
            Discriminator::Size { size } => data.len() == *size,
        })
}

/// Checks that `data` carries the item's identity: its written prefix and every byte
/// discriminator (Codama field discriminators live inside the fields, so the prefix alone is not
/// enough). Size discriminators are not checked here: accounts are often over-allocated.
fn check_identity(
    prefix: &[u8],
    discriminators: &[Discriminator],
    data: &[u8],
    what: &str,
    name: &str,
) -> Result<(), CodecError> {
    check_prefix(prefix, data, what, name)?;
    let bytes_match = discriminators.iter().all(|d| match d {
        Discriminator::Bytes { offset, bytes } => {
            data.get(*offset..offset.saturating_add(bytes.len())) == Some(bytes.as_slice())
        }
        Discriminator::Size { .. } => true,
    });
    if bytes_match {
        Ok(())
    } else {
        Err(CodecError::new(
            CodecErrorCode::NoMatchingDiscriminator,
            format!("data does not carry the discriminator of {what} `{name}`"),
        ))
    }
}

fn check_prefix(prefix: &[u8], data: &[u8], what: &str, name: &str) -> Result<(), CodecError> {
    if data.starts_with(prefix) {
        Ok(())
    } else {
        Err(CodecError::new(
            CodecErrorCode::NoMatchingDiscriminator,
            format!("data does not start with the discriminator of {what} `{name}`"),
        ))
    }
}

impl Program {
    /// Refuses an item the lenient parse flagged as defective.
    fn usable(&self, kind: crate::ItemKind, name: &str) -> Result<(), CodecError> {
        match self.defect(kind, name) {
            None => Ok(()),
            Some(d) => Err(CodecError {
                code: CodecErrorCode::ItemUnusable,
                path: String::new(),
                message: format!(
                    "{} `{name}` is unusable: {} (IDL {})",
                    kind.label(),
                    d.message,
                    d.path
                ),
            }),
        }
    }

    /// The error for a name no item of `kind` has: unusable when the lenient parse left an item
    /// of that name out, unknown otherwise.
    fn missing(&self, kind: crate::ItemKind, name: &str) -> CodecError {
        if self.defect(kind, name).is_some() {
            if let Err(unusable) = self.usable(kind, name) {
                return unusable;
            }
        }
        let code = match kind {
            crate::ItemKind::Instruction => CodecErrorCode::UnknownInstruction,
            crate::ItemKind::Event => CodecErrorCode::UnknownEvent,
            _ => CodecErrorCode::UnknownAccount,
        };
        CodecError::new(code, format!("unknown {} `{name}`", kind.label()))
    }

    fn encoder(&self) -> Encoder<'_> {
        Encoder { types: self }
    }

    fn decoder(&self, data_len: usize) -> Decoder<'_> {
        decoder(self, data_len)
    }

    /// Instruction data for `name` from its arguments (a JSON object keyed by argument name).
    pub fn encode_instruction(&self, name: &str, args: &Value) -> Result<Vec<u8>, CodecError> {
        let ix = self
            .find_instruction(name)
            .ok_or_else(|| self.missing(crate::ItemKind::Instruction, name))?;
        self.usable(crate::ItemKind::Instruction, &ix.name)?;
        let empty = serde_json::Map::new();
        let obj = match args {
            Value::Object(obj) => obj,
            Value::Null if ix.args.is_empty() => &empty,
            other => {
                return Err(CodecError::new(
                    CodecErrorCode::TypeMismatch,
                    format!(
                        "expected an object of arguments, got {}",
                        json::describe(other)
                    ),
                ))
            }
        };
        let mut w = Writer::new();
        w.put(&ix.prefix);
        self.encoder().fields(&ix.args, obj, &mut w, &[], 0)?;
        w.finish()
    }

    /// The instruction `data` is for: the first whose discriminators all match; failing that,
    /// the program's only instruction without a discriminator (SPL Memo), if there is exactly one.
    pub fn identify_instruction(&self, data: &[u8]) -> Option<&Instruction> {
        self.instructions
            .iter()
            .find(|ix| matches(&ix.discriminators, data))
            .or_else(|| {
                let mut plain = self
                    .instructions
                    .iter()
                    .filter(|ix| ix.discriminators.is_empty() && ix.prefix.is_empty());
                match (plain.next(), plain.next()) {
                    (Some(only), None) => Some(only),
                    _ => None,
                }
            })
    }

    /// Identifies and decodes instruction data; trailing bytes are an error.
    pub fn decode_instruction(&self, data: &[u8]) -> Result<DecodedInstruction, CodecError> {
        let ix = self.identify_instruction(data).ok_or_else(|| {
            CodecError::new(
                CodecErrorCode::NoMatchingDiscriminator,
                "no instruction matches the data's discriminator",
            )
        })?;
        self.decode_ix(ix, data)
    }

    /// Decodes instruction data as instruction `name`; trailing bytes are an error.
    pub fn decode_instruction_as(
        &self,
        name: &str,
        data: &[u8],
    ) -> Result<DecodedInstruction, CodecError> {
        let ix = self
            .find_instruction(name)
            .ok_or_else(|| self.missing(crate::ItemKind::Instruction, name))?;
        self.decode_ix(ix, data)
    }

    fn decode_ix(&self, ix: &Instruction, data: &[u8]) -> Result<DecodedInstruction, CodecError> {
        self.usable(crate::ItemKind::Instruction, &ix.name)?;
        check_identity(
            &ix.prefix,
            &ix.discriminators,
            data,
            "instruction",
            &ix.name,
        )?;
        let mut r = Reader::new(&data[ix.prefix.len()..]);
        let args = self.decoder(data.len()).fields(&ix.args, &mut r, &[], 0)?;
        if r.remaining() > 0 {
            return Err(CodecError::new(
                CodecErrorCode::TrailingBytes,
                format!(
                    "{} unexpected byte(s) after the arguments of `{}`",
                    r.remaining(),
                    ix.name
                ),
            ));
        }
        Ok(DecodedInstruction {
            name: ix.name.clone(),
            args: Value::Object(args),
        })
    }

    /// Account data (discriminator + fields) for account type `name`.
    pub fn encode_account(&self, name: &str, value: &Value) -> Result<Vec<u8>, CodecError> {
        let acc = self
            .find_account(name)
            .ok_or_else(|| self.missing(crate::ItemKind::Account, name))?;
        self.usable(crate::ItemKind::Account, &acc.name)?;
        self.encode_prefixed(&acc.prefix, &acc.ty, value)
    }

    /// Decodes account data as account type `name`; bytes after the value are counted, not refused.
    pub fn decode_account(&self, name: &str, data: &[u8]) -> Result<DecodedAccount, CodecError> {
        let acc = self
            .find_account(name)
            .ok_or_else(|| self.missing(crate::ItemKind::Account, name))?;
        self.usable(crate::ItemKind::Account, &acc.name)?;
        check_identity(&acc.prefix, &acc.discriminators, data, "account", &acc.name)?;
        self.decode_prefixed(&acc.name, &acc.prefix, &acc.ty, data)
    }

    /// The account type `data` belongs to (by discriminator).
    pub fn identify_account(&self, data: &[u8]) -> Option<&AccountDef> {
        self.accounts
            .iter()
            .find(|a| matches(&a.discriminators, data))
    }

    /// Event data (discriminator + fields) for event `name`.
    pub fn encode_event(&self, name: &str, value: &Value) -> Result<Vec<u8>, CodecError> {
        let ev = self
            .find_event(name)
            .ok_or_else(|| self.missing(crate::ItemKind::Event, name))?;
        self.usable(crate::ItemKind::Event, &ev.name)?;
        self.encode_prefixed(&ev.prefix, &ev.ty, value)
    }

    /// Decodes event data as event `name`; bytes after the value are counted, not refused.
    pub fn decode_event(&self, name: &str, data: &[u8]) -> Result<DecodedAccount, CodecError> {
        let ev = self
            .find_event(name)
            .ok_or_else(|| self.missing(crate::ItemKind::Event, name))?;
        self.usable(crate::ItemKind::Event, &ev.name)?;
        check_identity(&ev.prefix, &ev.discriminators, data, "event", &ev.name)?;
        self.decode_prefixed(&ev.name, &ev.prefix, &ev.ty, data)
    }

    /// The event `data` is (by discriminator).
    pub fn identify_event(&self, data: &[u8]) -> Option<&EventDef> {
        self.events
            .iter()
            .find(|e| matches(&e.discriminators, data))
    }

    fn encode_prefixed(
        &self,
        prefix: &[u8],
        ty: &Type,
        value: &Value,
    ) -> Result<Vec<u8>, CodecError> {
        let mut w = Writer::new();
        w.put(prefix);
        self.encoder().encode(ty, value, &mut w, &[], 0)?;
        w.finish()
    }

    fn decode_prefixed(
        &self,
        name: &str,
        prefix: &[u8],
        ty: &Type,
        data: &[u8],
    ) -> Result<DecodedAccount, CodecError> {
        let mut r = Reader::new(&data[prefix.len()..]);
        let value = self.decoder(data.len()).decode(ty, &mut r, &[], 0)?;
        Ok(DecodedAccount {
            name: name.to_string(),
            value,
            trailing_bytes: r.remaining(),
        })
    }

    /// Encodes one value of `ty` (named types resolve against this program).
    pub fn encode_value(&self, ty: &Type, value: &Value) -> Result<Vec<u8>, CodecError> {
        encode_with(self, ty, value)
    }

    /// Decodes one value of `ty` from the start of `data`: the value and the bytes it took.
    pub fn decode_value(&self, ty: &Type, data: &[u8]) -> Result<(Value, usize), CodecError> {
        decode_with(self, ty, data)
    }
}
