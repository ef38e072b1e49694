//! Canonical JSON → bytes.

use serde_json::{Map, Value};

use super::forms::{codama_variant_payload, option_value, positional_items, CODAMA_KIND};
use super::generics::{self, Env};
use super::io::Writer;
use super::json::{bytes_input, describe, field_entry, string_input, token};
use super::resolve::TypeResolver;
use super::{number, size, CodecError, CodecErrorCode, MAX_DEPTH};
use crate::{Count, EnumVariant, Field, OffsetStrategy, Type, VariantFields};

pub struct Encoder<'p> {
    /// Where named types are looked up.
    pub types: &'p dyn TypeResolver,
}

pub(super) fn mismatch(expected: &str, v: &Value) -> CodecError {
    CodecError::new(
        CodecErrorCode::TypeMismatch,
        format!("expected {expected}, got {}", describe(v)),
    )
}

impl Encoder<'_> {
    pub fn encode(
        &self,
        ty: &Type,
        v: &Value,
        w: &mut Writer,
        env: &Env,
        depth: usize,
    ) -> Result<(), CodecError> {
        if depth > MAX_DEPTH {
            return Err(CodecError::new(
                CodecErrorCode::TooDeep,
                "type nesting is too deep (recursive type?)",
            ));
        }
        let d = depth + 1;
        match ty {
            Type::Bool { size } => match v {
                Value::Bool(b) => number::write_uint(*size, u64::from(*b), w),
                _ => Err(mismatch("a boolean", v)),
            },
            Type::Number { format } => number::encode(*format, v, w),
            Type::PublicKey => {
                let Value::String(s) = v else {
                    return Err(mismatch("a base58 public key", v));
                };
                let key = crate::address::parse_address(s).map_err(|_| {
                    CodecError::new(
                        CodecErrorCode::InvalidPubkey,
                        format!(
                            "expected a base58 public key (32 bytes), got {}",
                            describe(v)
                        ),
                    )
                })?;
                w.put(&key);
                Ok(())
            }
            Type::String { encoding } => {
                w.put(&string_input(*encoding, v)?);
                Ok(())
            }
            Type::Bytes => {
                w.put(&bytes_input(v)?);
                Ok(())
            }
            Type::SizePrefixed { inner, prefix } => {
                let bytes = self.sub(inner, v, env, d)?;
                number::write_uint(*prefix, bytes.len() as u64, w)?;
                w.put(&bytes);
                Ok(())
            }
            Type::FixedSize { inner, size } => {
                let bytes = self.sub(inner, v, env, d)?;
                if bytes.len() > *size {
                    return Err(CodecError::new(
                        CodecErrorCode::InvalidLength,
                        format!(
                            "value takes {} bytes, more than the fixed size {size}",
                            bytes.len()
                        ),
                    ));
                }
                w.put(&bytes);
                w.zeros(size - bytes.len());
                Ok(())
            }
            Type::Option {
                inner,
                prefix,
                fixed,
            } => match option_value(v)? {
                None => {
                    number::write_uint(*prefix, 0, w)?;
                    if *fixed {
                        w.zeros(self.fixed_size(inner, env, d)?);
                    }
                    Ok(())
                }
                Some((some, at)) => {
                    number::write_uint(*prefix, 1, w)?;
                    self.encode(inner, some, w, env, d)
                        .map_err(|e| e.prefixed(at))
                }
            },
            Type::ZeroableOption { inner, zero_value } => match option_value(v)? {
                Some((some, at)) => self
                    .encode(inner, some, w, env, d)
                    .map_err(|e| e.prefixed(at)),
                None => {
                    match zero_value {
                        Some(z) => w.put(z),
                        None => w.zeros(self.fixed_size(inner, env, d)?),
                    }
                    Ok(())
                }
            },
            Type::RemainderOption { inner } => match option_value(v)? {
                None => Ok(()),
                Some((some, at)) => self
                    .encode(inner, some, w, env, d)
                    .map_err(|e| e.prefixed(at)),
            },
            Type::Array { inner, count } | Type::Set { inner, count } => {
                let Value::Array(items) = v else {
                    return Err(mismatch("an array", v));
                };
                self.count(count, items.len(), w, env)?;
                for (i, item) in items.iter().enumerate() {
                    self.encode(inner, item, w, env, d)
                        .map_err(|e| e.prefixed(&format!("/{i}")))?;
                }
                Ok(())
            }
            Type::Map { key, value, count } => self.map(key, value, count, v, w, env, d),
            Type::Tuple { items } | Type::TupleStruct { items } => self.tuple(items, v, w, env, d),
            Type::Struct { fields } => {
                let Value::Object(obj) = v else {
                    return Err(mismatch("an object", v));
                };
                self.fields(fields, obj, w, env, d)
            }
            Type::Enum { variants, size } => self.enumeration(variants, *size, v, w, env, d),
            Type::Defined { name, generics } => {
                let (body, bindings) = generics::enter(self.types, name, generics, env)?;
                self.encode(body, v, w, &bindings, d)
            }
            Type::Generic { name } => self.encode(generics::type_param(env, name)?, v, w, &[], d),
            Type::PreOffset {
                inner,
                offset,
                strategy,
            } => {
                let target = match strategy {
                    OffsetStrategy::Absolute => non_negative(*offset)?,
                    _ => shift(w.pos(), *offset)?,
                };
                w.seek(target);
                if *strategy == OffsetStrategy::Padded {
                    w.zeros(0);
                }
                self.encode(inner, v, w, env, d)
            }
            Type::PostOffset {
                inner,
                offset,
                strategy,
            } => {
                let pre = w.pos();
                self.encode(inner, v, w, env, d)?;
                let target = match strategy {
                    OffsetStrategy::Absolute => non_negative(*offset)?,
                    OffsetStrategy::PreOffset => shift(pre, *offset)?,
                    OffsetStrategy::Relative | OffsetStrategy::Padded => shift(w.pos(), *offset)?,
                };
                if target >= w.pos() {
                    w.zeros(target - w.pos());
                } else {
                    w.seek(target);
                }
                Ok(())
            }
            Type::Sentinel { inner, sentinel } => {
                let bytes = self.sub(inner, v, env, d)?;
                if !sentinel.is_empty()
                    && bytes
                        .windows(sentinel.len())
                        .any(|win| win == sentinel.as_slice())
                {
                    return Err(CodecError::new(
                        CodecErrorCode::InvalidLength,
                        "the encoded value contains its sentinel bytes",
                    ));
                }
                w.put(&bytes);
                w.put(sentinel);
                Ok(())
            }
            Type::HiddenPrefix { inner, prefix } => {
                w.put(prefix);
                self.encode(inner, v, w, env, d)
            }
            Type::HiddenSuffix { inner, suffix } => {
                self.encode(inner, v, w, env, d)?;
                w.put(suffix);
                Ok(())
            }
        }
    }

    fn tuple(
        &self,
        items: &[Type],
        v: &Value,
        w: &mut Writer,
        env: &Env,
        d: usize,
    ) -> Result<(), CodecError> {
        let Value::Array(values) = v else {
            return Err(mismatch("an array", v));
        };
        if values.len() != items.len() {
            return Err(CodecError::new(
                CodecErrorCode::InvalidLength,
                format!(
                    "expected an array of {} item(s), got {}",
                    items.len(),
                    values.len()
                ),
            ));
        }
        for (i, (t, item)) in items.iter().zip(values).enumerate() {
            self.encode(t, item, w, env, d)
                .map_err(|e| e.prefixed(&format!("/{i}")))?;
        }
        Ok(())
    }

    /// Encodes into a fresh buffer (for wrappers that need the inner bytes first).
    fn sub(&self, ty: &Type, v: &Value, env: &Env, depth: usize) -> Result<Vec<u8>, CodecError> {
        let mut w = Writer::new();
        self.encode(ty, v, &mut w, env, depth)?;
        w.finish()
    }

    fn fixed_size(&self, ty: &Type, env: &Env, depth: usize) -> Result<usize, CodecError> {
        size::fixed(self.types, ty, env, depth).ok_or_else(|| {
            CodecError::new(
                CodecErrorCode::Unsupported,
                "a fixed/zeroable option needs an inner type of fixed size",
            )
        })
    }

    fn count(
        &self,
        count: &Count,
        len: usize,
        w: &mut Writer,
        env: &Env,
    ) -> Result<(), CodecError> {
        let expect = |n: usize| {
            if n == len {
                Ok(())
            } else {
                Err(CodecError::new(
                    CodecErrorCode::InvalidLength,
                    format!("expected an array of {n} item(s), got {len}"),
                ))
            }
        };
        match count {
            Count::Fixed { len: n } => expect(*n),
            Count::Generic { name } => expect(generics::const_param(env, name)?),
            Count::Prefixed { prefix } => number::write_uint(*prefix, len as u64, w),
            Count::Remainder => Ok(()),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn map(
        &self,
        key: &Type,
        value: &Type,
        count: &Count,
        v: &Value,
        w: &mut Writer,
        env: &Env,
        d: usize,
    ) -> Result<(), CodecError> {
        match v {
            Value::Array(pairs) => {
                self.count(count, pairs.len(), w, env)?;
                for (i, pair) in pairs.iter().enumerate() {
                    let at = format!("/{i}");
                    let Some([k, val]) = pair.as_array().map(Vec::as_slice) else {
                        return Err(mismatch("a [key, value] pair", pair).prefixed(&at));
                    };
                    self.encode(key, k, w, env, d)
                        .map_err(|e| e.prefixed(&format!("{at}/0")))?;
                    self.encode(value, val, w, env, d)
                        .map_err(|e| e.prefixed(&format!("{at}/1")))?;
                }
                Ok(())
            }
            // Convenience: string-keyed maps may also be written as a JSON object.
            Value::Object(obj) => {
                self.count(count, obj.len(), w, env)?;
                for (k, val) in obj {
                    let at = token(k);
                    self.encode(key, &Value::String(k.clone()), w, env, d)
                        .map_err(|e| e.prefixed(&at))?;
                    self.encode(value, val, w, env, d)
                        .map_err(|e| e.prefixed(&at))?;
                }
                Ok(())
            }
            _ => Err(mismatch("an array of [key, value] pairs", v)),
        }
    }

    pub fn fields(
        &self,
        fields: &[Field],
        obj: &Map<String, Value>,
        w: &mut Writer,
        env: &Env,
        d: usize,
    ) -> Result<(), CodecError> {
        let mut used = 0usize;
        for f in fields {
            if let Some(default) = &f.omitted_default {
                if field_entry(obj, &f.name).is_some() {
                    used += 1;
                }
                self.encode(&f.ty, default, w, env, d)
                    .map_err(|e| e.prefixed(&token(&f.name)))?;
                continue;
            }
            let value = match field_entry(obj, &f.name) {
                Some((_, value)) => {
                    used += 1;
                    value
                }
                None => match &f.optional_default {
                    Some(default) => default,
                    None => {
                        return Err(CodecError::new(
                            CodecErrorCode::MissingField,
                            format!("missing field `{}`", f.name),
                        )
                        .prefixed(&token(&f.name)))
                    }
                },
            };
            self.encode(&f.ty, value, w, env, d)
                .map_err(|e| e.prefixed(&token(&f.name)))?;
        }
        if used < obj.len() {
            for k in obj.keys() {
                let known = fields
                    .iter()
                    .any(|f| field_entry(obj, &f.name).is_some_and(|(key, _)| key == k));
                if !known {
                    return Err(CodecError::new(
                        CodecErrorCode::UnknownField,
                        format!("unknown field `{k}`"),
                    )
                    .prefixed(&token(k)));
                }
            }
        }
        Ok(())
    }

    fn enumeration(
        &self,
        variants: &[EnumVariant],
        size: crate::NumberFormat,
        v: &Value,
        w: &mut Writer,
        env: &Env,
        d: usize,
    ) -> Result<(), CodecError> {
        let kind = match v {
            Value::Object(o) => o.get(CODAMA_KIND),
            _ => None,
        };
        // Codama's `{"__kind": "Name", ...fields}` is turned into the `{"Name": payload}` form.
        let codama_payload;
        let (name, payload) = match (v, kind) {
            (Value::Object(o), Some(Value::String(k))) => {
                codama_payload = codama_variant_payload(variants, k, o);
                (k.as_str(), codama_payload.as_ref())
            }
            (_, Some(other)) => {
                return Err(mismatch("a variant name", other).prefixed(&token(CODAMA_KIND)))
            }
            (Value::String(s), None) => (s.as_str(), None),
            (Value::Object(o), None) if o.len() == 1 => match o.iter().next() {
                Some((k, p)) => (k.as_str(), Some(p)),
                None => return Err(mismatch("an enum variant", v)),
            },
            _ => {
                return Err(mismatch(
                    "an enum variant (\"Name\", {\"Name\": …} or {\"__kind\": \"Name\", …})",
                    v,
                ))
            }
        };
        let variant = find_variant(variants, name).ok_or_else(|| {
            let names: Vec<&str> = variants.iter().map(|v| v.name.as_str()).collect();
            CodecError::new(
                CodecErrorCode::InvalidEnum,
                format!(
                    "unknown variant {}; expected one of {}",
                    describe(&Value::from(name)),
                    names.join(", ")
                ),
            )
        })?;
        number::write_uint(size, variant.discriminant, w)?;
        let at = token(&variant.name);
        match (&variant.fields, payload) {
            (VariantFields::Unit, None | Some(Value::Null)) => Ok(()),
            (VariantFields::Unit, Some(Value::Object(o))) if o.is_empty() => Ok(()),
            (VariantFields::Unit, Some(Value::Array(a))) if a.is_empty() => Ok(()),
            (VariantFields::Unit, Some(p)) => {
                Err(mismatch("no fields for a unit variant", p).prefixed(&at))
            }
            (VariantFields::Named { fields }, Some(Value::Object(obj))) => self
                .fields(fields, obj, w, env, d)
                .map_err(|e| e.prefixed(&at)),
            (VariantFields::Tuple { items }, Some(p @ Value::Array(_))) => {
                self.tuple(items, p, w, env, d).map_err(|e| e.prefixed(&at))
            }
            // Anchor's client writes tuple variants as objects keyed by position.
            (VariantFields::Tuple { items }, Some(Value::Object(o))) => {
                let positional = positional_items(items.len(), o)
                    .ok_or_else(|| mismatch("an array of fields", &Value::Object(o.clone())))
                    .map_err(|e| e.prefixed(&at))?;
                self.tuple(items, &positional, w, env, d)
                    .map_err(|e| e.prefixed(&at))
            }
            (VariantFields::Nested { ty }, p) => self
                .encode(ty, p.unwrap_or(&Value::Null), w, env, d)
                .map_err(|e| e.prefixed(&at)),
            (VariantFields::Named { .. }, p) => {
                Err(mismatch("an object of fields", p.unwrap_or(&Value::Null)).prefixed(&at))
            }
            (VariantFields::Tuple { .. }, p) => {
                Err(mismatch("an array of fields", p.unwrap_or(&Value::Null)).prefixed(&at))
            }
        }
    }
}

/// The variant called `name` (exact, else ignoring case and `_`).
pub fn find_variant<'a>(variants: &'a [EnumVariant], name: &str) -> Option<&'a EnumVariant> {
    variants.iter().find(|v| v.name == name).or_else(|| {
        let key = crate::names::loose_key(name);
        variants
            .iter()
            .find(|v| crate::names::loose_key(&v.name) == key)
    })
}

fn non_negative(offset: i64) -> Result<usize, CodecError> {
    usize::try_from(offset)
        .map_err(|_| CodecError::new(CodecErrorCode::Unsupported, "negative absolute offset"))
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
