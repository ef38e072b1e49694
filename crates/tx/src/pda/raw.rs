//! Derivation from explicit seeds, without an IDL (the CLI's `idl pda`).

use serde::{Deserialize, Serialize};
use serde_json::Value;

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

fn encode_raw_seed(seed: &RawSeed) -> Result<Vec<u8>, String> {
    let text = || {
        seed.value.as_str().ok_or_else(|| {
            format!(
                "expected a string for type `{}`, got {}",
                seed.ty, seed.value
            )
        })
    };
    match seed.ty.as_str() {
        "string" | "utf8" => Ok(text()?.as_bytes().to_vec()),
        "pubkey" | "publicKey" => text()?
            .parse::<solana_address::Address>()
            .map(|a| a.to_bytes().to_vec())
            .map_err(|_| format!("invalid base58 address `{}`", text().unwrap_or_default())),
        "hex" => crate::encoding::from_hex(text()?),
        "bytes" => {
            let items = seed
                .value
                .as_array()
                .ok_or("expected an array of bytes (0–255)")?;
            items
                .iter()
                .map(|v| {
                    v.as_u64()
                        .and_then(|n| u8::try_from(n).ok())
                        .ok_or_else(|| format!("expected a byte (0–255), got {v}"))
                })
                .collect()
        }
        "bool" => match seed.value {
            Value::Bool(b) => Ok(vec![u8::from(b)]),
            ref other => Err(format!("expected true or false, got {other}")),
        },
        ty => {
            let (signed, bits) = int_type(ty).ok_or_else(|| {
                format!(
                    "unknown seed type `{ty}` (expected string, pubkey, hex, bytes, bool, u8–u128, i8–i128)"
                )
            })?;
            encode_int(&seed.value, signed, bits).map_err(|m| format!("{ty}: {m}"))
        }
    }
}

fn int_type(ty: &str) -> Option<(bool, u32)> {
    let (signed, rest) = match ty.as_bytes().first()? {
        b'u' => (false, &ty[1..]),
        b'i' => (true, &ty[1..]),
        _ => return None,
    };
    match rest {
        "8" | "16" | "32" | "64" | "128" => rest.parse().ok().map(|bits| (signed, bits)),
        _ => None,
    }
}

/// Little-endian bytes of an integer of `bits` width, from a JSON number or decimal string.
fn encode_int(value: &Value, signed: bool, bits: u32) -> Result<Vec<u8>, String> {
    let width = (bits / 8) as usize;
    let text = match value {
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
        other => return Err(format!("expected a number or decimal string, got {other}")),
    };
    let valid = !text.is_empty()
        && text
            .strip_prefix('-')
            .unwrap_or(&text)
            .bytes()
            .all(|b| b.is_ascii_digit())
        && text != "-";
    if !valid {
        return Err(format!("expected an integer, got {value}"));
    }
    let out_of_range = || format!("{text} is out of range");
    if signed {
        let n: i128 = text.parse().map_err(|_| out_of_range())?;
        let (min, max) = if bits == 128 {
            (i128::MIN, i128::MAX)
        } else {
            (-(1i128 << (bits - 1)), (1i128 << (bits - 1)) - 1)
        };
        if n < min || n > max {
            return Err(out_of_range());
        }
        Ok(n.to_le_bytes()[..width].to_vec())
    } else {
        if text.starts_with('-') {
            return Err(out_of_range());
        }
        let n: u128 = text.parse().map_err(|_| out_of_range())?;
        if bits < 128 && n >> bits != 0 {
            return Err(out_of_range());
        }
        Ok(n.to_le_bytes()[..width].to_vec())
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
