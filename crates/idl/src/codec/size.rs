//! Static sizes of types: exact (when every value encodes to the same length) and a lower bound
//! (to reject absurd length prefixes before allocating).

use super::generics::{self, Env};
use super::number::width;
use super::MAX_DEPTH;
use crate::{Count, NumberKind, OffsetStrategy, Program, Type, VariantFields};

impl Type {
    /// The encoded size if every value of this type has the same size (`None`: variable, or a
    /// reference that does not resolve, or a type that contains itself).
    pub fn fixed_size(&self, program: &Program) -> Option<usize> {
        fixed(program, self, &[], 0)
    }
}

pub(crate) fn fixed(p: &Program, ty: &Type, env: &Env, depth: usize) -> Option<usize> {
    if depth > MAX_DEPTH {
        return None;
    }
    let d = depth + 1;
    let sum = |items: &mut dyn Iterator<Item = &Type>| -> Option<usize> {
        let mut total = 0usize;
        for t in items {
            total = total.checked_add(fixed(p, t, env, d)?)?;
        }
        Some(total)
    };
    match ty {
        Type::Bool { size } | Type::Number { format: size } => {
            (size.kind != NumberKind::ShortU16).then(|| width(size.kind))
        }
        Type::PublicKey => Some(32),
        Type::String { .. }
        | Type::Bytes
        | Type::SizePrefixed { .. }
        | Type::RemainderOption { .. } => None,
        Type::Sentinel { .. } => None,
        Type::FixedSize { size, .. } => Some(*size),
        Type::Option {
            inner,
            prefix,
            fixed: true,
        } => fixed(p, &Type::Number { format: *prefix }, env, d)?
            .checked_add(fixed(p, inner, env, d)?),
        Type::Option { .. } => None,
        Type::ZeroableOption { inner, .. } => fixed(p, inner, env, d),
        Type::Array { inner, count } | Type::Set { inner, count } => {
            let n = count_len(count, env)?;
            if n == 0 {
                return Some(0);
            }
            fixed(p, inner, env, d)?.checked_mul(n)
        }
        Type::Map { key, value, count } => {
            let n = count_len(count, env)?;
            fixed(p, key, env, d)?
                .checked_add(fixed(p, value, env, d)?)?
                .checked_mul(n)
        }
        Type::Tuple { items } | Type::TupleStruct { items } => sum(&mut items.iter()),
        Type::Struct { fields } => sum(&mut fields.iter().map(|f| &f.ty)),
        Type::Enum { variants, size } => {
            let tag = width(size.kind);
            let mut payload: Option<usize> = None;
            for v in variants {
                let s = match &v.fields {
                    VariantFields::Unit => 0,
                    VariantFields::Named { fields } => sum(&mut fields.iter().map(|f| &f.ty))?,
                    VariantFields::Tuple { items } => sum(&mut items.iter())?,
                };
                match payload {
                    Some(prev) if prev != s => return None,
                    _ => payload = Some(s),
                }
            }
            if size.kind == NumberKind::ShortU16 {
                return None;
            }
            tag.checked_add(payload.unwrap_or(0))
        }
        Type::Defined { name, generics } => {
            let (body, bindings) = generics::enter(p, name, generics, env).ok()?;
            fixed(p, body, &bindings, d)
        }
        Type::Generic { name } => fixed(p, generics::type_param(env, name).ok()?, &[], d),
        Type::PreOffset {
            inner,
            offset,
            strategy,
        }
        | Type::PostOffset {
            inner,
            offset,
            strategy,
        } => {
            let s = fixed(p, inner, env, d)?;
            if *strategy == OffsetStrategy::Padded {
                s.checked_add(usize::try_from(*offset).ok()?)
            } else {
                Some(s)
            }
        }
        Type::HiddenPrefix {
            inner,
            prefix: extra,
        }
        | Type::HiddenSuffix {
            inner,
            suffix: extra,
        } => fixed(p, inner, env, d)?.checked_add(extra.len()),
    }
}

fn count_len(count: &Count, env: &Env) -> Option<usize> {
    match count {
        Count::Fixed { len } => Some(*len),
        Count::Generic { name } => generics::const_param(env, name).ok(),
        Count::Prefixed { .. } | Count::Remainder => None,
    }
}

/// A lower bound of the encoded size of any value of `ty` (0 when unsure).
pub(crate) fn min(p: &Program, ty: &Type, env: &Env, depth: usize) -> usize {
    if depth > MAX_DEPTH {
        return 0;
    }
    let d = depth + 1;
    match ty {
        Type::Bool { size } | Type::Number { format: size } => {
            if size.kind == NumberKind::ShortU16 {
                1
            } else {
                width(size.kind)
            }
        }
        Type::PublicKey => 32,
        Type::String { .. } | Type::Bytes | Type::RemainderOption { .. } => 0,
        Type::SizePrefixed { prefix, .. }
        | Type::Option {
            prefix,
            fixed: false,
            ..
        } => min(p, &Type::Number { format: *prefix }, env, d),
        Type::Array {
            count: Count::Prefixed { prefix },
            ..
        }
        | Type::Set {
            count: Count::Prefixed { prefix },
            ..
        }
        | Type::Map {
            count: Count::Prefixed { prefix },
            ..
        } => min(p, &Type::Number { format: *prefix }, env, d),
        Type::Sentinel { sentinel, .. } => sentinel.len(),
        Type::Struct { fields } => fields
            .iter()
            .map(|f| min(p, &f.ty, env, d))
            .fold(0, usize::saturating_add),
        Type::Tuple { items } | Type::TupleStruct { items } => items
            .iter()
            .map(|t| min(p, t, env, d))
            .fold(0, usize::saturating_add),
        Type::Enum { size, .. } => min(p, &Type::Number { format: *size }, env, d),
        Type::Defined { name, generics } => match generics::enter(p, name, generics, env) {
            Ok((body, bindings)) => min(p, body, &bindings, d),
            Err(_) => 0,
        },
        Type::HiddenPrefix {
            inner,
            prefix: extra,
        }
        | Type::HiddenSuffix {
            inner,
            suffix: extra,
        } => min(p, inner, env, d).saturating_add(extra.len()),
        _ => fixed(p, ty, env, d).unwrap_or(0),
    }
}
