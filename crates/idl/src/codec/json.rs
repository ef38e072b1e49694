//! Canonical-JSON helpers: byte-string inputs, string encodings, struct keys, messages.

pub use crate::pointer::token;

use base64::Engine as _;
use serde_json::{Map, Value};

use super::{CodecError, CodecErrorCode};
use crate::names::{to_camel, to_snake};
use crate::StringEncoding;

const B64: base64::engine::GeneralPurpose = base64::engine::GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    base64::engine::GeneralPurposeConfig::new()
        .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
);

/// A value rendered for an error message (compact JSON, at most ~60 characters).
pub fn describe(v: &Value) -> String {
    crate::describe::short(v)
}

/// Bytes from canonical JSON: an array of 0–255, a base64 string, `{"hex": …}` or `{"base64": …}`.
/// The base64 engine of canonical JSON: standard alphabet, padding optional.
pub(crate) const BASE64: base64::engine::GeneralPurpose = B64;

pub fn bytes_input(v: &Value) -> Result<Vec<u8>, CodecError> {
    let bad = |msg: String| CodecError::new(CodecErrorCode::TypeMismatch, msg);
    match v {
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, b)| {
                b.as_u64()
                    .and_then(|n| u8::try_from(n).ok())
                    .ok_or_else(|| {
                        CodecError::new(
                            CodecErrorCode::OutOfRange,
                            format!("expected a byte (0-255), got {}", describe(b)),
                        )
                        .prefixed(&format!("/{i}"))
                    })
            })
            .collect(),
        Value::String(s) => B64
            .decode(s)
            .map_err(|_| bad(format!("expected bytes (base64), got {}", describe(v)))),
        Value::Object(o) if o.len() == 1 => {
            if let Some(Value::String(h)) = o.get("hex") {
                crate::hex::decode(h).map_err(|e| {
                    bad(format!("invalid hex string {}: {e}", describe(&o["hex"]))).prefixed("/hex")
                })
            } else if let Some(Value::String(b)) = o.get("base64") {
                B64.decode(b)
                    .map_err(|_| bad("invalid base64 string".into()).prefixed("/base64"))
            } else {
                Err(bad(format!("expected bytes, got {}", describe(v))))
            }
        }
        _ => Err(bad(format!(
            "expected bytes (array of 0-255, base64 string, {{\"hex\"}} or {{\"base64\"}}), got {}",
            describe(v)
        ))),
    }
}

pub fn bytes_output(bytes: &[u8]) -> Value {
    Value::Array(bytes.iter().map(|b| Value::from(*b)).collect())
}

/// A string value's bytes in the given encoding.
pub fn string_input(encoding: StringEncoding, v: &Value) -> Result<Vec<u8>, CodecError> {
    let Value::String(s) = v else {
        return Err(CodecError::new(
            CodecErrorCode::TypeMismatch,
            format!("expected a string, got {}", describe(v)),
        ));
    };
    let bad = |what: &str| {
        CodecError::new(
            CodecErrorCode::TypeMismatch,
            format!("invalid {what} string {}", describe(v)),
        )
    };
    match encoding {
        StringEncoding::Utf8 => Ok(s.as_bytes().to_vec()),
        StringEncoding::Base16 => crate::hex::decode(s).map_err(|_| bad("base16")),
        StringEncoding::Base58 => bs58::decode(s).into_vec().map_err(|_| bad("base58")),
        StringEncoding::Base64 => B64.decode(s).map_err(|_| bad("base64")),
    }
}

pub fn string_output(encoding: StringEncoding, bytes: &[u8]) -> Result<Value, CodecError> {
    Ok(Value::String(match encoding {
        StringEncoding::Utf8 => String::from_utf8(bytes.to_vec()).map_err(|_| {
            CodecError::new(CodecErrorCode::TypeMismatch, "string is not valid UTF-8")
        })?,
        StringEncoding::Base16 => crate::hex::encode(bytes),
        StringEncoding::Base58 => bs58::encode(bytes).into_string(),
        StringEncoding::Base64 => base64::engine::general_purpose::STANDARD.encode(bytes),
    }))
}

/// The entry for field `name` in `obj`: exact key, else the other casing (snake ↔ camel).
pub fn field_entry<'v>(obj: &'v Map<String, Value>, name: &str) -> Option<(&'v str, &'v Value)> {
    if let Some((k, v)) = obj.get_key_value(name) {
        return Some((k, v));
    }
    let camel = to_camel(name);
    if camel != name {
        if let Some((k, v)) = obj.get_key_value(&camel) {
            return Some((k, v));
        }
    }
    let snake = to_snake(name);
    if snake != name {
        if let Some((k, v)) = obj.get_key_value(&snake) {
            return Some((k, v));
        }
    }
    None
}
