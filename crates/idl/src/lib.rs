//! `orquestra-idl`: every Solana IDL format (Anchor ≥0.30, legacy Anchor, Shank, Codama) parsed into
//! one normalised [`Program`] model, validated, and a byte-exact codec between canonical JSON and
//! instruction/account/event bytes.
//!
//! Pure: no I/O, no async, no global state, so it is cheap to test, fuzz and benchmark.
//!
//! * [`parse`] detects the format, parses ([`anchor`], [`codama`]) and runs [`validate`] on the result.
//! * [`codec`] adds `encode_*` / `decode_*` / `identify_*` methods to [`Program`].
//! * [`layout`] gives account field offsets; [`lookup`] the name lookups.

pub mod address;
pub mod anchor;
pub mod codama;
pub mod codec;
pub mod defects;
pub mod describe;
pub mod error;
pub mod hex;
pub mod layout;
pub mod lookup;
pub mod model;
pub mod names;
pub mod pointer;
pub mod validate;

pub use codec::{CodecError, CodecErrorCode, DecodedAccount, DecodedInstruction};
pub use defects::{Defect, DefectCode, ItemKind};
pub use error::{ParseError, Problem};
pub use layout::{AccountLayout, FieldLayout};
pub use model::*;

/// Options for [`parse`].
#[derive(Debug, Clone, Default)]
pub struct ParseOptions {
    /// Program address to use when the IDL has none (legacy Anchor without `metadata.address`).
    pub program_id: Option<String>,
    /// Refuse the document on any problem, even one confined to a single item.
    pub strict: bool,
}

/// Detects the format of `json` and parses it into a validated [`Program`].
///
/// Problems confined to single items (an instruction, account, type, …) do not refuse the
/// document unless `options.strict`: the program keeps every usable item and lists the rest in
/// [`Program::defects`]. Refused whole are: not JSON, an unknown format, problems outside every
/// item (the program's name or address), and a document with no readable instruction.
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
    let (program, parse_problems) =
        if value.get("kind").and_then(|k| k.as_str()) == Some("rootNode") {
            codama::parse_lenient(value, options)
        } else if value.get("instructions").is_some() {
            anchor::parse_lenient(value, options)
        } else {
            return Err(ParseError::UnknownFormat);
        };
    let Some(mut program) = program else {
        return Err(ParseError::Invalid(parse_problems));
    };
    let model_problems = validate::validate(&program);
    if options.strict && !(parse_problems.is_empty() && model_problems.is_empty()) {
        return Err(ParseError::Invalid(
            parse_problems.into_iter().chain(model_problems).collect(),
        ));
    }
    let mut classified = defects::classify(value, &program, parse_problems, model_problems);
    if classified.structural.is_empty() && program.instructions.is_empty() {
        classified
            .structural
            .push(Problem::new("", "the IDL has no usable instruction"));
    }
    if !classified.structural.is_empty() {
        // Refused whole: report the item problems too, so one round of fixes suffices.
        let items = classified
            .defects
            .into_iter()
            .map(|d| Problem::new(d.path, d.message));
        return Err(ParseError::Invalid(
            classified.structural.into_iter().chain(items).collect(),
        ));
    }
    program.defects = classified.defects;
    Ok(program)
}
