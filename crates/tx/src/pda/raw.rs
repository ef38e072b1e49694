//! Derivation from explicit seeds, without an IDL (the CLI's `idl pda`).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use orquestra_idl::codec::{encode_with, NoTypes};
use orquestra_idl::{Endian, NumberFormat, NumberKind, StringEncoding, Type};

use super::{find_program_address, parse_program_id, PdaError};

/// A seed given as a type and a value: `{"type": "string", "value": "coffee"}`.
///
/// Types: `string` (UTF-8, no length prefix), `pubkey` (base58, 32 bytes), `hex` (`0x` optional),
/// `bytes` (array of 0–255), `bool`, `u8`…`u128` and `i8`…`i128` (little-endian; a JSON number or
/// a decimal string, range-checked).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct RawSeed {
    #[serde(rename = "type")]
    pub ty: String,
    pub value: Value,
}

/// A derived address and its bump.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RawPda {
    pub address: String,
    pub bump: u8,
}

/// Derives the PDA of already-encoded `seeds` under `program_id` (base58).
pub fn derive_raw(program_id: &str, seeds: &[Vec<u8>]) -> Result<RawPda, PdaError> {
    let program = parse_program_id(program_id)?;
    let (address, bump) = find_program_address(seeds, &program)?;
    Ok(RawPda {
        address: address.to_string(),
        bump,
    })
}

/// Encodes typed seeds to bytes.
pub fn encode_raw_seeds(seeds: &[RawSeed]) -> Result<Vec<Vec<u8>>, PdaError> {
    seeds
        .iter()
        .enumerate()
        .map(|(index, seed)| {
            encode_raw_seed(seed).map_err(|message| PdaError::InvalidRawSeed { index, message })
        })
        .collect()
}

/// The codec type of a raw seed's `type` name.
fn seed_type(name: &str) -> Option<Type> {
    let number = |kind| Type::Number {
        format: NumberFormat {
            kind,
            endian: Endian::Little,
        },
    };
    Some(match name {
        "string" | "utf8" => Type::String {
            encoding: StringEncoding::Utf8,
        },
        "pubkey" | "publicKey" => Type::PublicKey,
        "bytes" => Type::Bytes,
        "bool" => Type::Bool {
            size: NumberFormat {
                kind: NumberKind::U8,
                endian: Endian::Little,
            },
        },
        "u8" => number(NumberKind::U8),
        "u16" => number(NumberKind::U16),
        "u32" => number(NumberKind::U32),
        "u64" => number(NumberKind::U64),
        "u128" => number(NumberKind::U128),
        "i8" => number(NumberKind::I8),
        "i16" => number(NumberKind::I16),
        "i32" => number(NumberKind::I32),
        "i64" => number(NumberKind::I64),
        "i128" => number(NumberKind::I128),
        _ => return None,
    })
}

fn encode_raw_seed(seed: &RawSeed) -> Result<Vec<u8>, String> {
    if seed.ty == "hex" {
        let text = seed
            .value
            .as_str()
            .ok_or_else(|| format!("expected a hex string, got {}", seed.value))?;
        return orquestra_idl::hex::decode(text).map_err(|e| e.to_string());
    }
    let ty = seed_type(&seed.ty).ok_or_else(|| {
        format!(
            "unknown seed type `{}` (expected string, pubkey, hex, bytes, bool, u8–u128, i8–i128)",
            seed.ty
        )
    })?;
    let value = integer_form(&ty, &seed.value);
    encode_with(&NoTypes, &ty, &value).map_err(|e| format!("{}: {e}", seed.ty))
}

/// The codec's form of an integer seed. On the command line any integer may be written as a
/// JSON number or a decimal string; the codec wants numbers up to 32 bits and decimal strings
/// from 64 bits (so JavaScript clients never lose precision), and serde_json keeps a 64-bit
/// number exact, so converting between the two changes no value.
fn integer_form(ty: &Type, value: &Value) -> Value {
    let Type::Number { format } = ty else {
        return value.clone();
    };
    let wide = matches!(
        format.kind,
        NumberKind::U64 | NumberKind::U128 | NumberKind::I64 | NumberKind::I128
    );
    match value {
        Value::Number(n) if wide && (n.is_u64() || n.is_i64()) => Value::String(n.to_string()),
        Value::String(s) if !wide => s
            .parse::<i64>()
            .map(Value::from)
            .unwrap_or_else(|_| value.clone()),
        _ => value.clone(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use serde_json::json;

    fn seed(ty: &str, value: Value) -> RawSeed {
        RawSeed {
            ty: ty.to_string(),
            value,
        }
    }

    #[test]
    fn integers_are_little_endian_and_range_checked() {
        assert_eq!(
            encode_raw_seed(&seed("u16", json!(258))).unwrap(),
            vec![2, 1]
        );
        assert_eq!(encode_raw_seed(&seed("i8", json!(-1))).unwrap(), vec![0xff]);
        assert_eq!(
            encode_raw_seed(&seed("i16", json!("-2"))).unwrap(),
            vec![0xfe, 0xff]
        );
        assert_eq!(
            encode_raw_seed(&seed("u64", json!("18446744073709551615"))).unwrap(),
            vec![0xff; 8]
        );
        assert_eq!(
            encode_raw_seed(&seed("u128", json!("1"))).unwrap().len(),
            16
        );
        assert!(encode_raw_seed(&seed("u8", json!(256))).is_err());
        assert!(encode_raw_seed(&seed("u8", json!(-1))).is_err());
        assert!(encode_raw_seed(&seed("i8", json!(128))).is_err());
        assert!(encode_raw_seed(&seed("u64", json!("18446744073709551616"))).is_err());
        assert!(encode_raw_seed(&seed("u32", json!(1.5))).is_err());
        assert!(encode_raw_seed(&seed("u32", json!("12a"))).is_err());
        assert!(encode_raw_seed(&seed("u32", json!(""))).is_err());
        assert!(encode_raw_seed(&seed("u7", json!(1))).is_err());
        assert!(encode_raw_seed(&seed("i8", json!("-129"))).is_err());
        assert_eq!(
            encode_raw_seed(&seed("i128", json!(i64::MIN))).unwrap(),
            i128::from(i64::MIN).to_le_bytes().to_vec()
        );
    }

    #[test]
    fn text_kinds() {
        assert_eq!(
            encode_raw_seed(&seed("string", json!("ab"))).unwrap(),
            b"ab".to_vec()
        );
        assert_eq!(
            encode_raw_seed(&seed("hex", json!("0x0aFF"))).unwrap(),
            vec![10, 255]
        );
        assert!(encode_raw_seed(&seed("hex", json!("abc"))).is_err());
        assert!(encode_raw_seed(&seed("hex", json!("zz"))).is_err());
        assert_eq!(
            encode_raw_seed(&seed("pubkey", json!("11111111111111111111111111111111"))).unwrap(),
            vec![0; 32]
        );
        assert!(encode_raw_seed(&seed("pubkey", json!("0OIl"))).is_err());
        assert_eq!(
            encode_raw_seed(&seed("bytes", json!([1, 2]))).unwrap(),
            vec![1, 2]
        );
        assert!(encode_raw_seed(&seed("bytes", json!([256]))).is_err());
        assert_eq!(
            encode_raw_seed(&seed("bool", json!(true))).unwrap(),
            vec![1]
        );
    }

    #[test]
    fn errors_name_the_seed_index() {
        let err = encode_raw_seeds(&[seed("string", json!("a")), seed("u8", json!(300))]);
        let err = err.unwrap_err();
        assert!(
            matches!(err, PdaError::InvalidRawSeed { index: 1, .. }),
            "{err}"
        );
        assert!(err.to_string().contains("out of range"), "{err}");
    }
}
