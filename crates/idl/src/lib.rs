//! `orquestra-idl`: every Solana IDL format (Anchor ≥0.30, legacy Anchor, Shank, Codama) parsed into
//! one normalised [`Program`] model, validated, and a byte-exact codec between canonical JSON and
//! instruction/account/event bytes.
//!
//! Pure: no I/O, no async, no global state, so it is cheap to test, fuzz and benchmark.
//!
//! * [`parse`] detects the format, parses ([`anchor`], [`codama`]) and runs [`validate`] on the result.
//! * [`codec`] adds `encode_*` / `decode_*` / `identify_*` methods to [`Program`].
//! * [`layout`] gives account field offsets; [`lookup`] the name lookups.

pub mod anchor;
pub mod codama;
pub mod codec;
pub mod error;
pub mod layout;
pub mod lookup;
pub mod model;
pub mod validate;

pub use codec::{CodecError, CodecErrorCode, DecodedAccount, DecodedInstruction};
pub use error::{ParseError, Problem};
pub use layout::{AccountLayout, FieldLayout};
pub use model::*;

/// Options for [`parse`].
#[derive(Debug, Clone, Default)]
pub struct ParseOptions {
    /// Program address to use when the IDL has none (legacy Anchor without `metadata.address`).
    pub program_id: Option<String>,
}

/// Detects the format of `json` and parses it into a validated [`Program`].
pub fn parse(json: &str, options: &ParseOptions) -> Result<Program, ParseError> {
    let value: serde_json::Value =
        serde_json::from_str(json).map_err(|e| ParseError::NotJson(e.to_string()))?;
    parse_value(&value, options)
}

/// Like [`parse`], for an already-parsed JSON document.
pub fn parse_value(
    value: &serde_json::Value,
    options: &ParseOptions,
) -> Result<Program, ParseError> {
    let program = if value.get("kind").and_then(|k| k.as_str()) == Some("rootNode") {
        codama::parse(value, options).map_err(ParseError::Invalid)?
    } else if value.get("instructions").is_some() {
        anchor::parse(value, options).map_err(ParseError::Invalid)?
    } else {
        return Err(ParseError::UnknownFormat);
    };
    let problems = validate::validate(&program);
    if problems.is_empty() {
        Ok(program)
    } else {
        Err(ParseError::Invalid(problems))
    }
}
