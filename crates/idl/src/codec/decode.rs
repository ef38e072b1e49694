//! Bytes → canonical JSON. Never reads past the buffer, never trusts a length prefix further than
//! the bytes that are actually there.

use serde_json::{Map, Value};

use super::generics::{self, Env};
use super::io::Reader;
use super::json::{bytes_output, string_output, token};
use super::resolve::TypeResolver;
use super::{number, size, CodecError, CodecErrorCode, MAX_DEPTH};
use crate::{Count, EnumVariant, Field, OffsetStrategy, StringEncoding, Type, VariantFields};

/// Upper bound on items of a zero-sized type behind one length prefix.
const MAX_ZERO_SIZED_ITEMS: u64 = 1 << 16;

/// Values any decode may produce regardless of the data's length.
pub(crate) const BASE_VALUE_BUDGET: usize = 1 << 16;

pub struct Decoder<'p> {
    /// Where named types are looked up.
    pub types: &'p dyn TypeResolver,
    /// Values this decoder may still produce.
    pub budget: std::cell::Cell<usize>,
}

impl Decoder<'_> {
    pub fn decode(
        &self,
        ty: &Type,
        r: &mut Reader<'_>,
        env: &Env,
        depth: usize,
    ) -> Result<Value, CodecError> {
        if depth > MAX_DEPTH {
            return Err(CodecError::new(
                CodecErrorCode::TooDeep,
                "type nesting is too deep (recursive type?)",
            ));
        }
        let Some(left) = self.budget.get().checked_sub(1) else {
            return Err(CodecError::new(
                CodecErrorCode::TooComplex,
                "the type would decode to far more values than the data has bytes",
            ));
        };
        self.budget.set(left);
        let d = depth + 1;
        match ty {
            Type::Bool { size } => match number::read_uint(*size, r)? {
                0 => Ok(Value::Bool(false)),
                1 => Ok(Value::Bool(true)),
                n => Err(CodecError::new(
                    CodecErrorCode::TypeMismatch,
                    format!(
                        "invalid boolean value {n} at byte {}",
                        r.pos().saturating_sub(1)
                    ),
                )),
            },
            Type::Number { format } => number::decode(*format, r),
            Type::PublicKey => Ok(Value::String(bs58::encode(r.take(32)?).into_string())),
            Type::String { encoding } => {
                let n = r.remaining();
                string_output(*encoding, r.take(n)?)
            }
            Type::Bytes => {
                let n = r.remaining();
                Ok(bytes_output(r.take(n)?))
            }
            Type::SizePrefixed { inner, prefix } => {
                let n = number::read_uint(*prefix, r)?;
                let bytes = r.take(self.len_within(n, r)?)?;
                self.decode(inner, &mut Reader::new(bytes), env, d)
            }
            Type::FixedSize { inner, size } => {
                let bytes = r.take(*size)?;
                let value = self.decode(inner, &mut Reader::new(bytes), env, d)?;
                match (value, inner.as_ref()) {
                    // Fixed-size strings are NUL-padded.
                    (
                        Value::String(s),
                        Type::String {
                            encoding: StringEncoding::Utf8,
                        },
                    ) => Ok(Value::String(s.trim_end_matches('\0').to_string())),
                    (value, _) => Ok(value),
                }
            }
            Type::Option {
                inner,
                prefix,
                fixed,
            } => match number::read_uint(*prefix, r)? {
                0 => {
                    if *fixed {
                        let n =
                            size::fixed(self.types, inner, env, d).ok_or_else(unsized_option)?;
                        r.take(n)?;
                    }
                    Ok(Value::Null)
                }
                1 => self.decode(inner, r, env, d),
                n => Err(CodecError::new(
                    CodecErrorCode::InvalidEnum,
                    format!(
                        "invalid option tag {n} at byte {}",
                        r.pos().saturating_sub(1)
                    ),
                )),
            },
            Type::ZeroableOption { inner, zero_value } => {
                let n = match zero_value {
                    Some(z) => z.len(),
                    None => size::fixed(self.types, inner, env, d).ok_or_else(unsized_option)?,
                };
                let rest = r.rest();
                let Some(head) = rest.get(..n) else {
                    return self.decode(inner, r, env, d);
                };
                let none = match zero_value {
                    Some(z) => head == z.as_slice(),
                    None => head.iter().all(|b| *b == 0),
                };
                if none {
                    r.take(n)?;
                    Ok(Value::Null)
                } else {
                    self.decode(inner, r, env, d)
                }
            }
            Type::RemainderOption { inner } => {
                if r.remaining() == 0 {
                    Ok(Value::Null)
                } else {
                    self.decode(inner, r, env, d)
                }
            }
            Type::Array { inner, count } | Type::Set { inner, count } => {
                let items = self.items(inner, None, count, r, env, d)?;
                Ok(Value::Array(items))
            }
            Type::Map { key, value, count } => Ok(Value::Array(self.items(
                key,
                Some(value),
                count,
                r,
                env,
                d,
            )?)),
            Type::Tuple { items } | Type::TupleStruct { items } => self.tuple(items, r, env, d),
            Type::Struct { fields } => Ok(Value::Object(self.fields(fields, r, env, d)?)),
            Type::Enum { variants, size } => {
                let at = r.pos();
                let tag = number::read_uint(*size, r)?;
                let variant = variants
                    .iter()
                    .find(|v| v.discriminant == tag)
                    .ok_or_else(|| {
                        CodecError::new(
                            CodecErrorCode::InvalidEnum,
                            format!("invalid enum tag {tag} at byte {at}"),
                        )
                    })?;
                self.variant(variant, r, env, d)
            }
            Type::Defined { name, generics } => {
                let (body, bindings) = generics::enter(self.types, name, generics, env)?;
                self.decode(body, r, &bindings, d)
            }
            Type::Generic { name } => self.decode(generics::type_param(env, name)?, r, &[], d),
            Type::PreOffset {
                inner,
                offset,
                strategy,
            } => {
                let target = match strategy {
                    OffsetStrategy::Absolute => absolute(*offset, r.len())?,
                    _ => shift(r.pos(), *offset)?,
                };
                r.seek(target)?;
                self.decode(inner, r, env, d)
            }
            Type::PostOffset {
                inner,
                offset,
                strategy,
            } => {
                let pre = r.pos();
                let value = self.decode(inner, r, env, d)?;
                let target = match strategy {
                    OffsetStrategy::Absolute => absolute(*offset, r.len())?,
                    OffsetStrategy::PreOffset => shift(pre, *offset)?,
                    OffsetStrategy::Relative | OffsetStrategy::Padded => shift(r.pos(), *offset)?,
                };
                r.seek(target)?;
                Ok(value)
            }
            Type::Sentinel { inner, sentinel } => {
                let rest = r.rest();
                let at = if sentinel.is_empty() {
                    Some(rest.len())
                } else {
                    rest.windows(sentinel.len())
                        .position(|w| w == sentinel.as_slice())
                };
                let Some(at) = at else {
                    return Err(CodecError::new(
                        CodecErrorCode::UnexpectedEnd,
                        "sentinel bytes not found",
                    ));
                };
                let value = self.decode(inner, &mut Reader::new(r.take(at)?), env, d)?;
                r.take(sentinel.len())?;
                Ok(value)
            }
            Type::HiddenPrefix { inner, prefix } => {
                expect_const(r, prefix)?;
                self.decode(inner, r, env, d)
            }
            Type::HiddenSuffix { inner, suffix } => {
                let value = self.decode(inner, r, env, d)?;
                expect_const(r, suffix)?;
                Ok(value)
            }
        }
    }

    /// A length prefix as a byte count, refused if it exceeds the bytes left.
    fn len_within(&self, n: u64, r: &Reader<'_>) -> Result<usize, CodecError> {
        match usize::try_from(n) {
            Ok(n) if n <= r.remaining() => Ok(n),
            _ => Err(CodecError::new(
                CodecErrorCode::UnexpectedEnd,
                format!(
                    "length prefix {n} at byte {} exceeds the {} byte(s) left",
                    r.pos(),
                    r.remaining()
                ),
            )),
        }
    }

    /// Array/set items, or map pairs when `value` is given.
    #[allow(clippy::too_many_arguments)]
    fn items(
        &self,
        item: &Type,
        value: Option<&Type>,
        count: &Count,
        r: &mut Reader<'_>,
        env: &Env,
        d: usize,
    ) -> Result<Vec<Value>, CodecError> {
        let one = |this: &Self, r: &mut Reader<'_>, i: usize| -> Result<Value, CodecError> {
            let k = this.decode(item, r, env, d).map_err(|e| {
                e.prefixed(&format!("/{i}{}", if value.is_some() { "/0" } else { "" }))
            })?;
            match value {
                None => Ok(k),
                Some(vt) => {
                    let v = this
                        .decode(vt, r, env, d)
                        .map_err(|e| e.prefixed(&format!("/{i}/1")))?;
                    Ok(Value::Array(vec![k, v]))
                }
            }
        };
        let n = match count {
            Count::Fixed { len } => *len as u64,
            Count::Generic { name } => generics::const_param(env, name)? as u64,
            Count::Prefixed { prefix } => number::read_uint(*prefix, r)?,
            Count::Remainder => {
                let mut out = Vec::new();
                while r.remaining() > 0 {
                    let before = r.pos();
                    out.push(one(self, r, out.len())?);
                    if r.pos() == before {
                        return Err(CodecError::new(
                            CodecErrorCode::Unsupported,
                            "zero-sized items cannot fill the rest of the data",
                        ));
                    }
                }
                return Ok(out);
            }
        };
        let min = size::min(self.types, item, env, d)
            .saturating_add(value.map_or(0, |vt| size::min(self.types, vt, env, d)));
        let plausible = if min == 0 {
            n <= MAX_ZERO_SIZED_ITEMS
        } else {
            n.checked_mul(min as u64)
                .is_some_and(|total| total <= r.remaining() as u64)
        };
        if !plausible {
            return Err(CodecError::new(
                CodecErrorCode::UnexpectedEnd,
                format!(
                    "{n} item(s) cannot fit in the {} byte(s) left at byte {}",
                    r.remaining(),
                    r.pos()
                ),
            ));
        }
        let n = n as usize;
        let mut out = Vec::with_capacity(n.min(r.remaining().max(1)));
        for i in 0..n {
            out.push(one(self, r, i)?);
        }
        Ok(out)
    }

    fn tuple(
        &self,
        items: &[Type],
        r: &mut Reader<'_>,
        env: &Env,
        d: usize,
    ) -> Result<Value, CodecError> {
        let mut out = Vec::with_capacity(items.len());
        for (i, t) in items.iter().enumerate() {
            out.push(
                self.decode(t, r, env, d)
                    .map_err(|e| e.prefixed(&format!("/{i}")))?,
            );
        }
        Ok(Value::Array(out))
    }

    pub fn fields(
        &self,
        fields: &[Field],
        r: &mut Reader<'_>,
        env: &Env,
        d: usize,
    ) -> Result<Map<String, Value>, CodecError> {
        let mut obj = Map::new();
        for f in fields {
            let value = self
                .decode(&f.ty, r, env, d)
                .map_err(|e| e.prefixed(&token(&f.name)))?;
            if f.omitted_default.is_none() {
                obj.insert(f.name.clone(), value);
            }
        }
        Ok(obj)
    }

    fn variant(
        &self,
        variant: &EnumVariant,
        r: &mut Reader<'_>,
        env: &Env,
        d: usize,
    ) -> Result<Value, CodecError> {
        let at = token(&variant.name);
        let payload = match &variant.fields {
            VariantFields::Unit => return Ok(Value::String(variant.name.clone())),
            VariantFields::Named { fields } => Value::Object(
                self.fields(fields, r, env, d)
                    .map_err(|e| e.prefixed(&at))?,
            ),
            VariantFields::Tuple { items } => {
                self.tuple(items, r, env, d).map_err(|e| e.prefixed(&at))?
            }
            VariantFields::Nested { ty } => {
                self.decode(ty, r, env, d).map_err(|e| e.prefixed(&at))?
            }
        };
        let mut obj = Map::new();
        obj.insert(variant.name.clone(), payload);
        Ok(Value::Object(obj))
    }
}

fn unsized_option() -> CodecError {
    CodecError::new(
        CodecErrorCode::Unsupported,
        "a fixed/zeroable option needs an inner type of fixed size",
    )
}

fn expect_const(r: &mut Reader<'_>, expected: &[u8]) -> Result<(), CodecError> {
    let at = r.pos();
    if r.take(expected.len())? != expected {
        return Err(CodecError::new(
            CodecErrorCode::ConstantMismatch,
            format!("constant bytes at byte {at} do not match"),
        ));
    }
    Ok(())
}

fn absolute(offset: i64, len: usize) -> Result<usize, CodecError> {
    if offset >= 0 {
        usize::try_from(offset)
            .map_err(|_| CodecError::new(CodecErrorCode::OutOfRange, "offset out of range"))
    } else {
        shift(len, offset)
    }
}

fn shift(pos: usize, offset: i64) -> Result<usize, CodecError> {
    let target = i64::try_from(pos).ok().and_then(|p| p.checked_add(offset));
    target.and_then(|t| usize::try_from(t).ok()).ok_or_else(|| {
        CodecError::new(
            CodecErrorCode::OutOfRange,
            "offset moves before the start of the data",
        )
    })
}
