//! A small encoder from canonical JSON to bytes, for the constants an IDL states (PDA seeds,
//! discriminators, hidden prefixes, sentinels, zero values). It is deliberately independent of the
//! crate's codec so the parser has no dependency on it; it refuses what constants never need
//! (offsets, generics).

use serde_json::Value;

use super::node::{Env, MAX_DEPTH};
use super::values::{decode_pubkey, decode_str};
use crate::{Count, Endian, NumberFormat, NumberKind, StringEncoding, Type, VariantFields};

pub(super) fn encode(env: &Env, ty: &Type, value: &Value) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    enc(env, ty, value, &mut out, 0)?;
    Ok(out)
}

fn enc(env: &Env, ty: &Type, v: &Value, out: &mut Vec<u8>, depth: usize) -> Result<(), String> {
    if depth > MAX_DEPTH {
        return Err("value nested too deeply".into());
    }
    let d = depth + 1;
    match ty {
        Type::Bool { size } => match v {
            Value::Bool(b) => write_int(*size, u128::from(*b), out),
            _ => Err(format!("expected a boolean, got {v}")),
        },
        Type::Number { format } => write_number(*format, v, out),
        Type::PublicKey => {
            let s = v
                .as_str()
                .ok_or_else(|| format!("expected a base58 public key, got {v}"))?;
            out.extend(decode_pubkey(s)?);
            Ok(())
        }
        Type::String { encoding } => {
            let s = v
                .as_str()
                .ok_or_else(|| format!("expected a string, got {v}"))?;
            let name = match encoding {
                StringEncoding::Utf8 => "utf8",
                StringEncoding::Base16 => "base16",
                StringEncoding::Base58 => "base58",
                StringEncoding::Base64 => "base64",
            };
            out.extend(decode_str(s, name)?);
            Ok(())
        }
        Type::Bytes => {
            let items = v
                .as_array()
                .ok_or_else(|| format!("expected an array of bytes, got {v}"))?;
            for b in items {
                let b = b.as_u64().and_then(|b| u8::try_from(b).ok());
                out.push(b.ok_or_else(|| format!("expected an array of bytes, got {v}"))?);
            }
            Ok(())
        }
        Type::SizePrefixed { inner, prefix } => {
            let mut body = Vec::new();
            enc(env, inner, v, &mut body, d)?;
            write_int(*prefix, body.len() as u128, out)?;
            out.extend(body);
            Ok(())
        }
        Type::FixedSize { inner, size } => {
            let mut body = Vec::new();
            enc(env, inner, v, &mut body, d)?;
            if body.len() > *size {
                return Err(format!("{} bytes do not fit in {size}", body.len()));
            }
            let padding = *size - body.len();
            out.extend(body);
            zeros(out, padding)
        }
        Type::Option {
            inner,
            prefix,
            fixed,
        } => {
            if v.is_null() {
                write_int(*prefix, 0, out)?;
                if *fixed {
                    let size = fixed_size(env, inner, d)
                        .ok_or("a fixed option needs a fixed-size item")?;
                    zeros(out, size)?;
                }
                Ok(())
            } else {
                write_int(*prefix, 1, out)?;
                enc(env, inner, v, out, d)
            }
        }
        Type::ZeroableOption { inner, zero_value } => match (v.is_null(), zero_value) {
            (false, _) => enc(env, inner, v, out, d),
            (true, Some(zero)) => {
                out.extend(zero);
                Ok(())
            }
            (true, None) => {
                let size =
                    fixed_size(env, inner, d).ok_or("a zeroable option needs a fixed-size item")?;
                zeros(out, size)
            }
        },
        Type::RemainderOption { inner } => match v {
            Value::Null => Ok(()),
            _ => enc(env, inner, v, out, d),
        },
        Type::Array { inner, count } | Type::Set { inner, count } => {
            let items = v
                .as_array()
                .ok_or_else(|| format!("expected an array, got {v}"))?;
            write_count(count, items.len(), out)?;
            items
                .iter()
                .try_for_each(|item| enc(env, inner, item, out, d))
        }
        Type::Map { key, value, count } => {
            let entries = v
                .as_array()
                .ok_or_else(|| format!("expected an array of [key, value] pairs, got {v}"))?;
            write_count(count, entries.len(), out)?;
            for e in entries {
                match e.as_array().map(Vec::as_slice) {
                    Some([k, val]) => {
                        enc(env, key, k, out, d)?;
                        enc(env, value, val, out, d)?;
                    }
                    _ => return Err(format!("expected a [key, value] pair, got {e}")),
                }
            }
            Ok(())
        }
        Type::Tuple { items } | Type::TupleStruct { items } => {
            let values = v
                .as_array()
                .ok_or_else(|| format!("expected an array, got {v}"))?;
            if values.len() != items.len() {
                return Err(format!(
                    "expected {} items, got {}",
                    items.len(),
                    values.len()
                ));
            }
            items
                .iter()
                .zip(values)
                .try_for_each(|(t, x)| enc(env, t, x, out, d))
        }
        Type::Struct { fields } => enc_fields(env, fields, v, out, d),
        Type::Enum { variants, size } => {
            let (name, payload) = match v {
                Value::String(s) => (s.as_str(), None),
                Value::Object(o) if o.len() == 1 => match o.iter().next() {
                    Some((k, p)) => (k.as_str(), Some(p)),
                    None => return Err("empty enum value".into()),
                },
                _ => return Err(format!("expected an enum variant, got {v}")),
            };
            let variant = variants
                .iter()
                .find(|x| x.name == name)
                .ok_or_else(|| format!("no enum variant `{name}`"))?;
            write_int(*size, u128::from(variant.discriminant), out)?;
            match (&variant.fields, payload) {
                (VariantFields::Unit, None) => Ok(()),
                (VariantFields::Named { fields }, Some(p)) => enc_fields(env, fields, p, out, d),
                (VariantFields::Tuple { items }, Some(p)) => enc(
                    env,
                    &Type::Tuple {
                        items: items.clone(),
                    },
                    p,
                    out,
                    d,
                ),
                (VariantFields::Nested { ty }, Some(p)) => enc(env, ty, p, out, d),
                _ => Err(format!("wrong payload for enum variant `{name}`")),
            }
        }
        Type::Defined { name, .. } => {
            let t = env
                .types
                .get(name)
                .ok_or_else(|| format!("unknown type `{name}`"))?;
            enc(env, t, v, out, d)
        }
        Type::Sentinel { inner, sentinel } => {
            enc(env, inner, v, out, d)?;
            out.extend(sentinel);
            Ok(())
        }
        Type::HiddenPrefix { inner, prefix } => {
            out.extend(prefix);
            enc(env, inner, v, out, d)
        }
        Type::HiddenSuffix { inner, suffix } => {
            enc(env, inner, v, out, d)?;
            out.extend(suffix);
            Ok(())
        }
        Type::Generic { .. } | Type::PreOffset { .. } | Type::PostOffset { .. } => {
            Err("offset and generic types are not supported in constant values".into())
        }
    }
}

fn enc_fields(
    env: &Env,
    fields: &[crate::Field],
    v: &Value,
    out: &mut Vec<u8>,
    d: usize,
) -> Result<(), String> {
    let o = v
        .as_object()
        .ok_or_else(|| format!("expected an object, got {v}"))?;
    for f in fields {
        let value = f
            .omitted_default
            .as_ref()
            .or_else(|| o.get(&f.name))
            .or(f.optional_default.as_ref())
            .ok_or_else(|| format!("missing field `{}`", f.name))?;
        enc(env, &f.ty, value, out, d)?;
    }
    Ok(())
}

fn write_count(count: &Count, len: usize, out: &mut Vec<u8>) -> Result<(), String> {
    match count {
        Count::Fixed { len: n } if *n == len => Ok(()),
        Count::Fixed { len: n } => Err(format!("expected {n} items, got {len}")),
        Count::Prefixed { prefix } => write_int(*prefix, len as u128, out),
        Count::Remainder => Ok(()),
        Count::Generic { name } => Err(format!("generic length `{name}` is not supported here")),
    }
}

/// The encoded size of `ty` if every value has the same size.
pub(super) fn fixed_size(env: &Env, ty: &Type, depth: usize) -> Option<usize> {
    if depth > MAX_DEPTH {
        return None;
    }
    let d = depth + 1;
    match ty {
        Type::Bool { size } | Type::Number { format: size } => number_width(size.kind),
        Type::PublicKey => Some(32),
        Type::FixedSize { size, .. } => Some(*size),
        Type::Option {
            inner,
            prefix,
            fixed: true,
        } => Some(number_width(prefix.kind)? + fixed_size(env, inner, d)?),
        Type::ZeroableOption { inner, .. } => fixed_size(env, inner, d),
        Type::Array {
            inner,
            count: Count::Fixed { len },
        }
        | Type::Set {
            inner,
            count: Count::Fixed { len },
        } => fixed_size(env, inner, d)?.checked_mul(*len),
        Type::Map {
            key,
            value,
            count: Count::Fixed { len },
        } => (fixed_size(env, key, d)? + fixed_size(env, value, d)?).checked_mul(*len),
        Type::Tuple { items } | Type::TupleStruct { items } => items
            .iter()
            .try_fold(0usize, |acc, t| acc.checked_add(fixed_size(env, t, d)?)),
        Type::Struct { fields } => fields
            .iter()
            .try_fold(0usize, |acc, f| acc.checked_add(fixed_size(env, &f.ty, d)?)),
        Type::Enum { variants, size } => {
            let tag = number_width(size.kind)?;
            let mut sizes = variants.iter().map(|v| match &v.fields {
                VariantFields::Unit => Some(0),
                VariantFields::Named { fields } => fields
                    .iter()
                    .try_fold(0usize, |acc, f| acc.checked_add(fixed_size(env, &f.ty, d)?)),
                VariantFields::Tuple { items } => items
                    .iter()
                    .try_fold(0usize, |acc, t| acc.checked_add(fixed_size(env, t, d)?)),
                VariantFields::Nested { ty } => fixed_size(env, ty, d),
            });
            let first = sizes.next().unwrap_or(Some(0))?;
            sizes.all(|s| s == Some(first)).then_some(tag + first)
        }
        Type::Defined { name, .. } => fixed_size(env, env.types.get(name)?, d),
        Type::Sentinel { inner, sentinel } => Some(fixed_size(env, inner, d)? + sentinel.len()),
        Type::HiddenPrefix {
            inner,
            prefix: extra,
        }
        | Type::HiddenSuffix {
            inner,
            suffix: extra,
        } => Some(fixed_size(env, inner, d)? + extra.len()),
        _ => None,
    }
}

fn number_width(kind: NumberKind) -> Option<usize> {
    Some(match kind {
        NumberKind::U8 | NumberKind::I8 => 1,
        NumberKind::U16 | NumberKind::I16 => 2,
        NumberKind::U32 | NumberKind::I32 | NumberKind::F32 => 4,
        NumberKind::U64 | NumberKind::I64 | NumberKind::F64 => 8,
        NumberKind::U128 | NumberKind::I128 => 16,
        NumberKind::U256 | NumberKind::I256 => 32,
        NumberKind::ShortU16 => return None,
    })
}

fn write_number(format: NumberFormat, v: &Value, out: &mut Vec<u8>) -> Result<(), String> {
    let bytes_of = |le: Vec<u8>| {
        if format.endian == Endian::Big {
            le.into_iter().rev().collect()
        } else {
            le
        }
    };
    match format.kind {
        NumberKind::F32 | NumberKind::F64 => {
            let f = v
                .as_f64()
                .ok_or_else(|| format!("expected a number, got {v}"))?;
            #[allow(clippy::cast_possible_truncation)]
            let le = if format.kind == NumberKind::F32 {
                (f as f32).to_le_bytes().to_vec()
            } else {
                f.to_le_bytes().to_vec()
            };
            out.extend(bytes_of(le));
            Ok(())
        }
        NumberKind::I8 | NumberKind::I16 | NumberKind::I32 | NumberKind::I64 | NumberKind::I128 => {
            let n = int_of(v)?.ok_or_else(|| format!("{v} is out of range"))?;
            let width = number_width(format.kind).unwrap_or(16);
            let bits = 8 * width as u32;
            let in_range =
                bits >= 128 || (n >= -(1i128 << (bits - 1)) && n < (1i128 << (bits - 1)));
            if !in_range {
                return Err(format!("{v} is out of range"));
            }
            out.extend(bytes_of(n.to_le_bytes()[..width].to_vec()));
            Ok(())
        }
        _ => {
            let n = uint_of(v)?;
            write_int(format, n, out).map_err(|_| format!("{v} is out of range"))
        }
    }
}

/// Writes a non-negative integer in the integer format `format`.
fn write_int(format: NumberFormat, n: u128, out: &mut Vec<u8>) -> Result<(), String> {
    if format.kind == NumberKind::ShortU16 {
        let mut rest = u16::try_from(n).map_err(|_| format!("{n} does not fit in a shortU16"))?;
        loop {
            let byte = (rest & 0x7f) as u8;
            rest >>= 7;
            if rest == 0 {
                out.push(byte);
                return Ok(());
            }
            out.push(byte | 0x80);
        }
    }
    let width = match format.kind {
        NumberKind::F32 | NumberKind::F64 | NumberKind::U256 | NumberKind::I256 => {
            return Err("not an integer format".into())
        }
        k => number_width(k).unwrap_or(16),
    };
    let signed = matches!(
        format.kind,
        NumberKind::I8 | NumberKind::I16 | NumberKind::I32 | NumberKind::I64 | NumberKind::I128
    );
    let bits = 8 * width as u32 - u32::from(signed);
    if bits < 128 && n >> bits != 0 {
        return Err(format!("{n} does not fit"));
    }
    let le = n.to_le_bytes()[..width].to_vec();
    out.extend(if format.endian == Endian::Big {
        le.into_iter().rev().collect()
    } else {
        le
    });
    Ok(())
}

fn uint_of(v: &Value) -> Result<u128, String> {
    match v {
        Value::Number(n) => n
            .as_u64()
            .map(u128::from)
            .ok_or_else(|| format!("expected an unsigned integer, got {v}")),
        Value::String(s) => s
            .parse::<u128>()
            .map_err(|_| format!("expected an unsigned integer, got {v}")),
        _ => Err(format!("expected an unsigned integer, got {v}")),
    }
}

fn int_of(v: &Value) -> Result<Option<i128>, String> {
    match v {
        Value::Number(n) => Ok(n
            .as_i64()
            .map(i128::from)
            .or_else(|| n.as_u64().map(i128::from))),
        Value::String(s) => Ok(s.parse::<i128>().ok()),
        _ => Err(format!("expected an integer, got {v}")),
    }
}

/// Appends `n` zero bytes, refusing to grow a constant past the codec's output bound.
fn zeros(out: &mut Vec<u8>, n: usize) -> Result<(), String> {
    match out.len().checked_add(n) {
        Some(end) if end <= crate::codec::MAX_ENCODED_BYTES => {
            out.resize(end, 0);
            Ok(())
        }
        _ => Err(format!(
            "the constant would be larger than {} bytes",
            crate::codec::MAX_ENCODED_BYTES
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::EnumVariant;

    const U32: NumberFormat = NumberFormat {
        kind: NumberKind::U32,
        endian: Endian::Little,
    };

    #[test]
    fn numbers() {
        let env = Env::default();
        let n = |kind, endian| Type::Number {
            format: NumberFormat { kind, endian },
        };
        assert_eq!(
            encode(&env, &n(NumberKind::U32, Endian::Little), &Value::from(3)),
            Ok(vec![3, 0, 0, 0])
        );
        assert_eq!(
            encode(&env, &n(NumberKind::U16, Endian::Big), &Value::from(258)),
            Ok(vec![1, 2])
        );
        assert_eq!(
            encode(&env, &n(NumberKind::I8, Endian::Little), &Value::from(-1)),
            Ok(vec![0xff])
        );
        assert_eq!(
            encode(&env, &n(NumberKind::U64, Endian::Little), &Value::from("1")),
            Ok(vec![1, 0, 0, 0, 0, 0, 0, 0])
        );
        assert_eq!(
            encode(
                &env,
                &n(NumberKind::ShortU16, Endian::Little),
                &Value::from(300)
            ),
            Ok(vec![0xac, 0x02])
        );
        assert!(encode(&env, &n(NumberKind::U8, Endian::Little), &Value::from(256)).is_err());
        assert!(encode(&env, &n(NumberKind::I8, Endian::Little), &Value::from(128)).is_err());
    }

    #[test]
    fn composites() {
        let env = Env::default();
        let s = Type::SizePrefixed {
            inner: Box::new(Type::String {
                encoding: StringEncoding::Utf8,
            }),
            prefix: U32,
        };
        assert_eq!(
            encode(&env, &s, &Value::from("ab")),
            Ok(vec![2, 0, 0, 0, b'a', b'b'])
        );
        let e = Type::Enum {
            variants: vec![
                EnumVariant {
                    name: "a".into(),
                    docs: vec![],
                    discriminant: 0,
                    fields: VariantFields::Unit,
                },
                EnumVariant {
                    name: "b".into(),
                    docs: vec![],
                    discriminant: 7,
                    fields: VariantFields::Unit,
                },
            ],
            size: U32,
        };
        assert_eq!(encode(&env, &e, &Value::from("b")), Ok(vec![7, 0, 0, 0]));
        let o = Type::Option {
            inner: Box::new(Type::PublicKey),
            prefix: U32,
            fixed: true,
        };
        assert_eq!(encode(&env, &o, &Value::Null).map(|b| b.len()), Ok(36));
    }
}
