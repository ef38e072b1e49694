//! Whether two types encode alike: the same wire shape, wrapper by wrapper.
//!
//! A reference to a named type is never followed here: it is recorded as a [`Via`] (see
//! [`Comparer`]), so the work is proportional to the two type trees as written.

use orquestra_idl::names::loose_key;
use orquestra_idl::{Count, GenericArg, Type};

use super::layout::{Comparer, Rules};
use super::{Draft, Via};

impl Comparer<'_> {
    /// Whether `o` and `n` encode alike, apart from named types (recorded as vias in `d`) and
    /// inline structs and enums (whose differences are pushed to `d` at nested paths).
    pub fn shape(&self, o: &Type, n: &Type, path: &str, d: &mut Draft) -> bool {
        match (o, n) {
            (Type::Bool { size: a }, Type::Bool { size: b }) => a == b,
            (Type::Number { format: a }, Type::Number { format: b }) => a == b,
            (Type::PublicKey, Type::PublicKey) | (Type::Bytes, Type::Bytes) => true,
            (Type::String { encoding: a }, Type::String { encoding: b }) => a == b,
            (
                Type::SizePrefixed {
                    inner: a,
                    prefix: p,
                },
                Type::SizePrefixed {
                    inner: b,
                    prefix: q,
                },
            ) => p == q && self.shape(a, b, path, d),
            (Type::FixedSize { inner: a, size: s }, Type::FixedSize { inner: b, size: t }) => {
                s == t && self.shape(a, b, path, d)
            }
            (
                Type::Option {
                    inner: a,
                    prefix: p,
                    fixed: f,
                },
                Type::Option {
                    inner: b,
                    prefix: q,
                    fixed: g,
                },
            ) => p == q && f == g && self.shape(a, b, path, d),
            (
                Type::ZeroableOption {
                    inner: a,
                    zero_value: z,
                },
                Type::ZeroableOption {
                    inner: b,
                    zero_value: y,
                },
            ) => z == y && self.shape(a, b, path, d),
            (Type::RemainderOption { inner: a }, Type::RemainderOption { inner: b }) => {
                self.shape(a, b, path, d)
            }
            (Type::Array { inner: a, count: c }, Type::Array { inner: b, count: e })
            | (Type::Set { inner: a, count: c }, Type::Set { inner: b, count: e }) => {
                same_count(c, e) && self.shape(a, b, path, d)
            }
            (
                Type::Map {
                    key: k,
                    value: v,
                    count: c,
                },
                Type::Map {
                    key: l,
                    value: w,
                    count: e,
                },
            ) => same_count(c, e) && self.shape(k, l, path, d) && self.shape(v, w, path, d),
            (Type::Tuple { items: a }, Type::Tuple { items: b })
            | (Type::TupleStruct { items: a }, Type::TupleStruct { items: b }) => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| self.shape(x, y, path, d))
            }
            (Type::Struct { .. }, Type::Struct { .. }) | (Type::Enum { .. }, Type::Enum { .. }) => {
                self.body(o, n, path, Rules::Strict, d);
                true
            }
            (
                Type::Defined {
                    name: a,
                    generics: ga,
                },
                Type::Defined {
                    name: b,
                    generics: gb,
                },
            ) => {
                let key = loose_key(a);
                if key != loose_key(b) || ga.len() != gb.len() {
                    return false;
                }
                let args_alike = ga.iter().zip(gb).all(|pair| match pair {
                    (GenericArg::Type { ty: x }, GenericArg::Type { ty: y }) => {
                        self.shape(x, y, path, d)
                    }
                    (GenericArg::Const { value: x }, GenericArg::Const { value: y }) => x == y,
                    _ => false,
                });
                if args_alike {
                    d.vias.push(Via {
                        path: path.to_string(),
                        key,
                        name: b.clone(),
                    });
                }
                args_alike
            }
            (Type::Generic { name: a }, Type::Generic { name: b }) => a == b,
            (
                Type::PreOffset {
                    inner: a,
                    offset: x,
                    strategy: s,
                },
                Type::PreOffset {
                    inner: b,
                    offset: y,
                    strategy: t,
                },
            )
            | (
                Type::PostOffset {
                    inner: a,
                    offset: x,
                    strategy: s,
                },
                Type::PostOffset {
                    inner: b,
                    offset: y,
                    strategy: t,
                },
            ) => x == y && s == t && self.shape(a, b, path, d),
            (
                Type::Sentinel {
                    inner: a,
                    sentinel: x,
                },
                Type::Sentinel {
                    inner: b,
                    sentinel: y,
                },
            )
            | (
                Type::HiddenPrefix {
                    inner: a,
                    prefix: x,
                },
                Type::HiddenPrefix {
                    inner: b,
                    prefix: y,
                },
            )
            | (
                Type::HiddenSuffix {
                    inner: a,
                    suffix: x,
                },
                Type::HiddenSuffix {
                    inner: b,
                    suffix: y,
                },
            ) => x == y && self.shape(a, b, path, d),
            _ => false,
        }
    }
}

/// Counts compare equal when they mean the same number of items (generic names by casing).
fn same_count(a: &Count, b: &Count) -> bool {
    match (a, b) {
        (Count::Generic { name: x }, Count::Generic { name: y }) => loose_key(x) == loose_key(y),
        _ => a == b,
    }
}
