//! Static sizes of types: exact (when every value encodes to the same length) and a lower bound
//! (to reject absurd length prefixes before allocating).
//!
//! Named types are sized once per program and remembered ([`SizeTable`]), so a type that uses
//! the next one twice, eighteen levels deep, costs eighteen steps rather than 2^18, and a chain
//! of 20,000 types is sized in one pass. Recursive types have no fixed size; their lower bound
//! counts the recursion as zero bytes.

use std::cell::RefCell;
use std::collections::HashMap;

use super::generics::{self, Env};
use super::number::width;
use super::resolve::TypeResolver;
use super::MAX_DEPTH;
use crate::{Count, NumberKind, OffsetStrategy, Program, Type, VariantFields};

impl Type {
    /// The encoded size if every value of this type has the same size (`None`: variable, or a
    /// reference that does not resolve, or a type that contains itself).
    pub fn fixed_size(&self, types: &dyn TypeResolver) -> Option<usize> {
        fixed(types, self, &[], 0)
    }
}

/// Static sizes of every non-generic named type of a program (opaque: kept by a
/// [`TypeResolver`] so sizes are computed once).
#[derive(Debug, Default)]
pub struct SizeTable {
    fixed: HashMap<String, Option<usize>>,
    min: HashMap<String, usize>,
}

/// The program's table, computed on first use with one memo shared by all its types.
pub(super) fn table(p: &Program) -> &SizeTable {
    p.index.sizes.get_or_init(|| {
        let memo = Memo::default();
        for t in p.types.iter().filter(|t| t.generics.is_empty()) {
            let named = Type::Defined {
                name: t.name.clone(),
                generics: Vec::new(),
            };
            fixed_in(p, &named, &[], 0, &memo);
            min_in(p, &named, &[], 0, &memo);
        }
        memo.table.into_inner()
    })
}

/// Sizes found so far while the table is built; a name being sized is marked first, so a type
/// that contains itself ends (no fixed size, zero towards the lower bound).
#[derive(Default)]
struct Memo {
    table: RefCell<SizeTable>,
}

/// Where the sizes of named types come from: the finished table, or the memo building it.
enum Known<'a> {
    Table(&'a SizeTable),
    Building(&'a Memo),
}

pub(crate) fn fixed(p: &dyn TypeResolver, ty: &Type, env: &Env, depth: usize) -> Option<usize> {
    match p.size_table() {
        Some(t) => sized(p, ty, env, depth, &Known::Table(t)),
        None => sized(p, ty, env, depth, &Known::Building(&Memo::default())),
    }
}

/// A lower bound of the encoded size of any value of `ty` (0 when unsure).
pub(crate) fn min(p: &dyn TypeResolver, ty: &Type, env: &Env, depth: usize) -> usize {
    match p.size_table() {
        Some(t) => lower(p, ty, env, depth, &Known::Table(t)),
        None => lower(p, ty, env, depth, &Known::Building(&Memo::default())),
    }
}

fn fixed_in(
    p: &dyn TypeResolver,
    ty: &Type,
    env: &Env,
    depth: usize,
    memo: &Memo,
) -> Option<usize> {
    sized(p, ty, env, depth, &Known::Building(memo))
}

fn min_in(p: &dyn TypeResolver, ty: &Type, env: &Env, depth: usize, memo: &Memo) -> usize {
    lower(p, ty, env, depth, &Known::Building(memo))
}

/// The fixed size of the non-generic named type `name` through `known`, computing and
/// remembering it while the table is being built.
fn named_fixed(p: &dyn TypeResolver, name: &str, depth: usize, known: &Known) -> Option<usize> {
    match known {
        Known::Table(t) => match t.fixed.get(name) {
            Some(size) => *size,
            None => body_fixed(p, name, depth, known),
        },
        Known::Building(memo) => {
            if let Some(size) = memo.table.borrow().fixed.get(name) {
                return *size;
            }
            memo.table.borrow_mut().fixed.insert(name.to_owned(), None);
            let size = body_fixed(p, name, depth, known);
            memo.table.borrow_mut().fixed.insert(name.to_owned(), size);
            size
        }
    }
}

fn body_fixed(p: &dyn TypeResolver, name: &str, depth: usize, known: &Known) -> Option<usize> {
    let (body, bindings) = generics::enter(p, name, &[], &[]).ok()?;
    sized(p, body, &bindings, depth + 1, known)
}

fn named_min(p: &dyn TypeResolver, name: &str, depth: usize, known: &Known) -> usize {
    match known {
        Known::Table(t) => match t.min.get(name) {
            Some(size) => *size,
            None => body_min(p, name, depth, known),
        },
        Known::Building(memo) => {
            if let Some(size) = memo.table.borrow().min.get(name) {
                return *size;
            }
            memo.table.borrow_mut().min.insert(name.to_owned(), 0);
            let size = body_min(p, name, depth, known);
            memo.table.borrow_mut().min.insert(name.to_owned(), size);
            size
        }
    }
}

fn body_min(p: &dyn TypeResolver, name: &str, depth: usize, known: &Known) -> usize {
    match generics::enter(p, name, &[], &[]) {
        Ok((body, bindings)) => lower(p, body, &bindings, depth + 1, known),
        Err(_) => 0,
    }
}

fn sized(p: &dyn TypeResolver, ty: &Type, env: &Env, depth: usize, known: &Known) -> Option<usize> {
    if depth > MAX_DEPTH {
        return None;
    }
    let d = depth + 1;
    let sum = |items: &mut dyn Iterator<Item = &Type>| -> Option<usize> {
        let mut total = 0usize;
        for t in items {
            total = total.checked_add(sized(p, t, env, d, known)?)?;
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
        // The terminator follows the value, so a fixed-size value stays fixed-size (as in
        // Codama's `addEncoderSentinel`).
        Type::Sentinel { inner, sentinel } => {
            sized(p, inner, env, d, known)?.checked_add(sentinel.len())
        }
        Type::FixedSize { size, .. } => Some(*size),
        Type::Option {
            inner,
            prefix,
            fixed: true,
        } => sized(p, &Type::Number { format: *prefix }, env, d, known)?
            .checked_add(sized(p, inner, env, d, known)?),
        Type::Option { .. } => None,
        Type::ZeroableOption { inner, .. } => sized(p, inner, env, d, known),
        Type::Array { inner, count } | Type::Set { inner, count } => {
            let n = count_len(count, env)?;
            if n == 0 {
                return Some(0);
            }
            sized(p, inner, env, d, known)?.checked_mul(n)
        }
        Type::Map { key, value, count } => {
            let n = count_len(count, env)?;
            sized(p, key, env, d, known)?
                .checked_add(sized(p, value, env, d, known)?)?
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
                    VariantFields::Nested { ty } => sized(p, ty, env, d, known)?,
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
        Type::Defined { name, generics } if generics.is_empty() && !name.is_empty() => {
            named_fixed(p, name, depth, known)
        }
        Type::Defined { name, generics } => {
            let (body, bindings) = generics::enter(p, name, generics, env).ok()?;
            sized(p, body, &bindings, d, known)
        }
        Type::Generic { name } => sized(p, generics::type_param(env, name).ok()?, &[], d, known),
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
            let s = sized(p, inner, env, d, known)?;
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
        } => sized(p, inner, env, d, known)?.checked_add(extra.len()),
    }
}

fn count_len(count: &Count, env: &Env) -> Option<usize> {
    match count {
        Count::Fixed { len } => Some(*len),
        Count::Generic { name } => generics::const_param(env, name).ok(),
        Count::Prefixed { .. } | Count::Remainder => None,
    }
}

fn lower(p: &dyn TypeResolver, ty: &Type, env: &Env, depth: usize, known: &Known) -> usize {
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
        } => lower(p, &Type::Number { format: *prefix }, env, d, known),
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
        } => lower(p, &Type::Number { format: *prefix }, env, d, known),
        Type::Sentinel { sentinel, .. } => sentinel.len(),
        Type::Struct { fields } => fields
            .iter()
            .map(|f| lower(p, &f.ty, env, d, known))
            .fold(0, usize::saturating_add),
        Type::Tuple { items } | Type::TupleStruct { items } => items
            .iter()
            .map(|t| lower(p, t, env, d, known))
            .fold(0, usize::saturating_add),
        Type::Enum { size, .. } => lower(p, &Type::Number { format: *size }, env, d, known),
        Type::Defined { name, generics } if generics.is_empty() => named_min(p, name, depth, known),
        Type::Defined { name, generics } => match generics::enter(p, name, generics, env) {
            Ok((body, bindings)) => lower(p, body, &bindings, d, known),
            Err(_) => 0,
        },
        Type::HiddenPrefix {
            inner,
            prefix: extra,
        }
        | Type::HiddenSuffix {
            inner,
            suffix: extra,
        } => lower(p, inner, env, d, known).saturating_add(extra.len()),
        _ => sized(p, ty, env, d, known).unwrap_or(0),
    }
}
