//! `orquestra-idl`: every Solana IDL format (Anchor ≥0.30, legacy Anchor, Shank, Codama) parsed into
//! one normalised [`Program`] model, validated, and a byte-exact codec between canonical JSON and
//! instruction/account/event bytes.
//!
//! Pure: no I/O, no async, no global state, so it is cheap to test, fuzz and benchmark.

pub mod anchor;
pub mod codama;
pub mod error;
pub mod model;

pub use error::{ParseError, Problem};
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
pub fn parse_value(value: &serde_json::Value, options: &ParseOptions) -> Result<Program, ParseError> {
    if value.get("kind").and_then(|k| k.as_str()) == Some("rootNode") {
        return codama::parse(value, options).map_err(ParseError::Invalid);
    }
    if value.get("instructions").is_some() {
        return anchor::parse(value, options).map_err(ParseError::Invalid);
    }
    Err(ParseError::UnknownFormat)
}
