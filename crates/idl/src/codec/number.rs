//! Numbers between canonical JSON and bytes: range-checked, both endians, 8 to 256 bits, floats
//! and Solana's compact-u16.

use serde_json::Value;

use super::io::{Reader, Writer};
use super::json::describe;
use super::{CodecError, CodecErrorCode};
use crate::{Endian, NumberFormat, NumberKind};

/// Largest integer a JSON number may carry for a 64-bit+ value (JavaScript's safe range).
const MAX_SAFE: u64 = (1 << 53) - 1;

impl NumberKind {
    /// The kind's name as IDLs and Rust write it (`u64`, `i128`, `shortU16`).
    pub fn name(self) -> &'static str {
        match self {
            NumberKind::U8 => "u8",
            NumberKind::U16 => "u16",
            NumberKind::U32 => "u32",
            NumberKind::U64 => "u64",
            NumberKind::U128 => "u128",
            NumberKind::U256 => "u256",
            NumberKind::I8 => "i8",
            NumberKind::I16 => "i16",
            NumberKind::I32 => "i32",
            NumberKind::I64 => "i64",
            NumberKind::I128 => "i128",
            NumberKind::I256 => "i256",
            NumberKind::F32 => "f32",
            NumberKind::F64 => "f64",
            NumberKind::ShortU16 => "shortU16",
        }
    }
}

/// Byte width (ShortU16: its maximum, 3).
pub fn width(kind: NumberKind) -> usize {
    match kind {
        NumberKind::U8 | NumberKind::I8 => 1,
        NumberKind::U16 | NumberKind::I16 => 2,
        NumberKind::U32 | NumberKind::I32 | NumberKind::F32 => 4,
        NumberKind::U64 | NumberKind::I64 | NumberKind::F64 => 8,
        NumberKind::U128 | NumberKind::I128 => 16,
        NumberKind::U256 | NumberKind::I256 => 32,
        NumberKind::ShortU16 => 3,
    }
}

fn signed(kind: NumberKind) -> bool {
    matches!(
        kind,
        NumberKind::I8
            | NumberKind::I16
            | NumberKind::I32
            | NumberKind::I64
            | NumberKind::I128
            | NumberKind::I256
    )
}

/// Values of these kinds are JSON strings on output.
fn is_big(kind: NumberKind) -> bool {
    matches!(
        kind,
        NumberKind::U64
            | NumberKind::U128
            | NumberKind::U256
            | NumberKind::I64
            | NumberKind::I128
            | NumberKind::I256
    )
}

fn put_ordered(w: &mut Writer, le_bytes: &[u8], endian: Endian) {
    if endian == Endian::Big {
        let mut be = le_bytes.to_vec();
        be.reverse();
        w.put(&be);
    } else {
        w.put(le_bytes);
    }
}

fn mismatch(kind: NumberKind, v: &Value) -> CodecError {
    CodecError::new(
        CodecErrorCode::TypeMismatch,
        format!("expected {}, got {}", kind.name(), describe(v)),
    )
}

fn out_of_range(kind: NumberKind, v: &Value) -> CodecError {
    CodecError::new(
        CodecErrorCode::OutOfRange,
        format!(
            "expected {}, got {} (out of range)",
            kind.name(),
            describe(v)
        ),
    )
}

/// A JSON integer as (negative, magnitude) with 256-bit magnitude in little-endian u64 limbs.
fn json_integer(kind: NumberKind, v: &Value) -> Result<(bool, [u64; 4]), CodecError> {
    let from_i128 = |n: i128| {
        (
            n < 0,
            [
                n.unsigned_abs() as u64,
                (n.unsigned_abs() >> 64) as u64,
                0,
                0,
            ],
        )
    };
    match v {
        Value::Number(n) => {
            let value = if let Some(u) = n.as_u64() {
                Some(u as i128)
            } else if let Some(i) = n.as_i64() {
                Some(i as i128)
            } else {
                n.as_f64()
                    .filter(|f| f.fract() == 0.0 && f.abs() <= 1e300)
                    .map(|f| f as i128)
            };
            let Some(value) = value else {
                return Err(mismatch(kind, v));
            };
            if is_big(kind) && value.unsigned_abs() > u128::from(MAX_SAFE) {
                return Err(CodecError::new(
                    CodecErrorCode::OutOfRange,
                    format!(
                        "expected {}, got {} (beyond 2^53-1: pass it as a decimal string)",
                        kind.name(),
                        describe(v)
                    ),
                ));
            }
            Ok(from_i128(value))
        }
        Value::String(s) if is_big(kind) => {
            let (neg, digits) = match s.strip_prefix('-') {
                Some(rest) => (true, rest),
                None => (false, s.as_str()),
            };
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(mismatch(kind, v));
            }
            let mut mag = [0u64; 4];
            for b in digits.bytes() {
                if !mul_add(&mut mag, 10, u64::from(b - b'0')) {
                    return Err(out_of_range(kind, v));
                }
            }
            Ok((neg && mag != [0; 4], mag))
        }
        _ => Err(mismatch(kind, v)),
    }
}

/// `mag = mag * m + a`; false on overflow of 256 bits.
fn mul_add(mag: &mut [u64; 4], m: u64, a: u64) -> bool {
    let mut carry = u128::from(a);
    for limb in mag.iter_mut() {
        let t = u128::from(*limb) * u128::from(m) + carry;
        *limb = t as u64;
        carry = t >> 64;
    }
    carry == 0
}

/// `mag /= d`, returning the remainder.
fn div_rem(mag: &mut [u64; 4], d: u64) -> u64 {
    let mut rem = 0u128;
    for limb in mag.iter_mut().rev() {
        let cur = (rem << 64) | u128::from(*limb);
        *limb = (cur / u128::from(d)) as u64;
        rem = cur % u128::from(d);
    }
    rem as u64
}

fn negate(mag: &mut [u64; 4]) {
    let mut carry = true;
    for limb in mag.iter_mut() {
        let (v, c) = (!*limb).overflowing_add(u64::from(carry));
        *limb = v;
        carry = c;
    }
}

fn limbs_to_le(mag: &[u64; 4]) -> [u8; 32] {
    let mut out = [0u8; 32];
    for (i, limb) in mag.iter().enumerate() {
        out[i * 8..i * 8 + 8].copy_from_slice(&limb.to_le_bytes());
    }
    out
}

fn le_to_limbs(bytes: &[u8], sign_extend: bool) -> [u64; 4] {
    let fill = if sign_extend && bytes.last().is_some_and(|b| b & 0x80 != 0) {
        0xff
    } else {
        0
    };
    let mut full = [fill; 32];
    full[..bytes.len()].copy_from_slice(bytes);
    let mut out = [0u64; 4];
    for (i, limb) in out.iter_mut().enumerate() {
        let mut b = [0u8; 8];
        b.copy_from_slice(&full[i * 8..i * 8 + 8]);
        *limb = u64::from_le_bytes(b);
    }
    out
}

/// Number of significant bits of a magnitude.
fn bit_len(mag: &[u64; 4]) -> u32 {
    for i in (0..4).rev() {
        if mag[i] != 0 {
            return 64 * i as u32 + (64 - mag[i].leading_zeros());
        }
    }
    0
}

fn is_pow2(mag: &[u64; 4]) -> bool {
    mag.iter().map(|l| l.count_ones()).sum::<u32>() == 1
}

pub fn encode(format: NumberFormat, v: &Value, w: &mut Writer) -> Result<(), CodecError> {
    let kind = format.kind;
    match kind {
        NumberKind::F32 | NumberKind::F64 => {
            let f = json_float(kind, v)?;
            if kind == NumberKind::F32 {
                let g = f as f32;
                // Outside f32's range: overflow to infinity, or underflow of a non-zero value
                // to zero (1e-46), would store a different number than the one given.
                let overflows = f.is_finite() && !g.is_finite();
                let underflows = f != 0.0 && g == 0.0;
                if overflows || underflows {
                    return Err(out_of_range(kind, v));
                }
                put_ordered(w, &g.to_le_bytes(), format.endian);
            } else {
                put_ordered(w, &f.to_le_bytes(), format.endian);
            }
            Ok(())
        }
        NumberKind::ShortU16 => {
            let (neg, mag) = json_integer(kind, v)?;
            if neg || mag[0] > u64::from(u16::MAX) || mag[1..] != [0, 0, 0] {
                return Err(out_of_range(kind, v));
            }
            write_short_u16(w, mag[0] as u16);
            Ok(())
        }
        _ => {
            let (neg, mut mag) = json_integer(kind, v)?;
            let bits = 8 * width(kind) as u32;
            let ok = if signed(kind) {
                let len = bit_len(&mag);
                len < bits || (neg && len == bits && is_pow2(&mag))
            } else {
                !neg && bit_len(&mag) <= bits
            };
            if !ok {
                return Err(out_of_range(kind, v));
            }
            if neg {
                negate(&mut mag);
            }
            put_ordered(w, &limbs_to_le(&mag)[..width(kind)], format.endian);
            Ok(())
        }
    }
}

fn json_float(kind: NumberKind, v: &Value) -> Result<f64, CodecError> {
    match v {
        Value::Number(n) => n.as_f64().ok_or_else(|| mismatch(kind, v)),
        Value::String(s) => match s.as_str() {
            "NaN" => Ok(f64::NAN),
            "Infinity" => Ok(f64::INFINITY),
            "-Infinity" => Ok(f64::NEG_INFINITY),
            _ => Err(mismatch(kind, v)),
        },
        _ => Err(mismatch(kind, v)),
    }
}

fn write_short_u16(w: &mut Writer, mut n: u16) {
    loop {
        let mut byte = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            w.put(&[byte]);
            return;
        }
        byte |= 0x80;
        w.put(&[byte]);
    }
}

fn read_short_u16(r: &mut Reader<'_>) -> Result<u16, CodecError> {
    let mut value: u32 = 0;
    for i in 0..3 {
        let b = r.take(1)?[0];
        value |= u32::from(b & 0x7f) << (7 * i);
        if b & 0x80 == 0 {
            return u16::try_from(value).map_err(|_| {
                CodecError::new(
                    CodecErrorCode::OutOfRange,
                    "compact-u16 value overflows u16",
                )
            });
        }
    }
    Err(CodecError::new(
        CodecErrorCode::OutOfRange,
        "compact-u16 longer than 3 bytes",
    ))
}

fn read_ordered(r: &mut Reader<'_>, n: usize, endian: Endian) -> Result<Vec<u8>, CodecError> {
    let mut bytes = r.take(n)?.to_vec();
    if endian == Endian::Big {
        bytes.reverse();
    }
    Ok(bytes)
}

/// A float as canonical JSON: integral values as integers (so `0` round-trips as `0`), the
/// non-finite ones as the strings `"NaN"`, `"Infinity"`, `"-Infinity"`.
fn float_json(f: f64) -> Value {
    if f.is_nan() {
        Value::from("NaN")
    } else if f.is_infinite() {
        Value::from(if f > 0.0 { "Infinity" } else { "-Infinity" })
    } else if f.fract() == 0.0 && f.abs() <= MAX_SAFE as f64 && !(f == 0.0 && f.is_sign_negative())
    {
        Value::from(f as i64)
    } else {
        serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)
    }
}

pub fn decode(format: NumberFormat, r: &mut Reader<'_>) -> Result<Value, CodecError> {
    let kind = format.kind;
    match kind {
        NumberKind::ShortU16 => Ok(Value::from(read_short_u16(r)?)),
        NumberKind::F32 => {
            let b = read_ordered(r, 4, format.endian)?;
            Ok(float_json(f64::from(f32::from_le_bytes([
                b[0], b[1], b[2], b[3],
            ]))))
        }
        NumberKind::F64 => {
            let b = read_ordered(r, 8, format.endian)?;
            let mut a = [0u8; 8];
            a.copy_from_slice(&b);
            Ok(float_json(f64::from_le_bytes(a)))
        }
        _ => {
            let bytes = read_ordered(r, width(kind), format.endian)?;
            let mut mag = le_to_limbs(&bytes, signed(kind));
            let neg = signed(kind) && mag[3] & (1 << 63) != 0;
            if neg {
                negate(&mut mag);
            }
            if !is_big(kind) {
                let n = mag[0] as i64;
                return Ok(Value::from(if neg { -n } else { n }));
            }
            Ok(Value::String(to_decimal(neg, mag)))
        }
    }
}

fn to_decimal(neg: bool, mut mag: [u64; 4]) -> String {
    if mag == [0; 4] {
        return "0".to_string();
    }
    let mut chunks = Vec::new();
    while mag != [0; 4] {
        chunks.push(div_rem(&mut mag, 10_000_000_000_000_000_000));
    }
    let mut s = String::with_capacity(chunks.len() * 19 + 1);
    if neg {
        s.push('-');
    }
    let mut iter = chunks.iter().rev();
    if let Some(first) = iter.next() {
        s.push_str(&first.to_string());
    }
    for c in iter {
        s.push_str(&format!("{c:019}"));
    }
    s
}

/// Reads an unsigned length / tag / count.
pub fn read_uint(format: NumberFormat, r: &mut Reader<'_>) -> Result<u64, CodecError> {
    match format.kind {
        NumberKind::ShortU16 => Ok(u64::from(read_short_u16(r)?)),
        NumberKind::F32 | NumberKind::F64 => Err(CodecError::new(
            CodecErrorCode::Unsupported,
            "a float cannot be a length or tag",
        )),
        kind => {
            let bytes = read_ordered(r, width(kind), format.endian)?;
            let mag = le_to_limbs(&bytes, false);
            if mag[1..] != [0, 0, 0]
                || (signed(kind) && bytes.last().is_some_and(|b| b & 0x80 != 0))
            {
                return Err(CodecError::new(
                    CodecErrorCode::OutOfRange,
                    "length or tag out of range",
                ));
            }
            Ok(mag[0])
        }
    }
}

/// Writes an unsigned length / tag / count, failing if it does not fit the format.
pub fn write_uint(format: NumberFormat, n: u64, w: &mut Writer) -> Result<(), CodecError> {
    encode(format, &Value::from(n), w).map_err(|_| {
        CodecError::new(
            CodecErrorCode::OutOfRange,
            format!("{n} does not fit a {} length or tag", format.kind.name()),
        )
    })
}
