//! Byte layouts of account types: where each (nested) field starts and how long it is, as far as
//! offsets are fixed. Used for `memcmp` filters and for documentation.

use serde::Serialize;

use crate::codec::number::width;
use crate::codec::{CodecError, CodecErrorCode};
use crate::{Count, GenericArg, NumberKind, OffsetStrategy, Program, StringEncoding, Type};

/// The layout of one account type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountLayout {
    pub name: String,
    /// Length of the discriminator prefix (the first field starts here).
    pub discriminator_len: usize,
    /// Total size (prefix included) when every value has the same size.
    pub size: Option<usize>,
    pub fields: Vec<FieldLayout>,
}

/// One field (nested struct fields follow their parent, with `/`-joined paths).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FieldLayout {
    /// JSON-pointer-like path of the field in the decoded value (`/config/authority`).
    pub path: String,
    /// Byte offset from the start of the account data; `None` once a variable-size field precedes it.
    pub offset: Option<usize>,
    /// Encoded size when fixed.
    pub size: Option<usize>,
    /// Short type description (`u64`, `pubkey`, `Vec<u8>`, `Option<Config>`).
    #[serde(rename = "type")]
    pub ty: String,
}

const MAX_LAYOUT_DEPTH: usize = 16;
/// Entries of one layout at most: a type that nests two of the next type sixteen levels deep
/// would otherwise list 2^16 fields. Real accounts have at most a few hundred.
pub const MAX_LAYOUT_FIELDS: usize = 1024;

impl Program {
    /// Field offsets of account type `name`.
    pub fn account_layout(&self, name: &str) -> Result<AccountLayout, CodecError> {
        let acc = self.find_account(name).ok_or_else(|| {
            CodecError::new(
                CodecErrorCode::UnknownAccount,
                format!("unknown account `{name}`"),
            )
        })?;
        let mut fields = Vec::new();
        let start = acc.prefix.len();
        self.layout_fields(&acc.ty, "", Some(start), &mut fields, 0);
        let size = acc.ty.fixed_size(self).map(|s| s + start);
        Ok(AccountLayout {
            name: acc.name.clone(),
            discriminator_len: start,
            size,
            fields,
        })
    }

    /// Appends the entries for the members of `ty` (a struct or tuple struct, through aliases)
    /// starting at `offset`.
    fn layout_fields(
        &self,
        ty: &Type,
        path: &str,
        offset: Option<usize>,
        out: &mut Vec<FieldLayout>,
        depth: usize,
    ) {
        if depth > MAX_LAYOUT_DEPTH || out.len() >= MAX_LAYOUT_FIELDS {
            return;
        }
        let Some((body, offset)) = self.resolve_plain(ty, offset) else {
            return;
        };
        let members: Vec<(String, &Type)> = match body {
            Type::Struct { fields } => fields.iter().map(|f| (f.name.clone(), &f.ty)).collect(),
            Type::TupleStruct { items } => items
                .iter()
                .enumerate()
                .map(|(i, t)| (i.to_string(), t))
                .collect(),
            _ => return,
        };
        let mut at = offset;
        for (name, member) in members {
            if out.len() >= MAX_LAYOUT_FIELDS {
                return;
            }
            let size = member.fixed_size(self);
            let p = format!("{path}/{name}");
            out.push(FieldLayout {
                path: p.clone(),
                offset: at,
                size,
                ty: type_label(member),
            });
            self.layout_fields(member, &p, at, out, depth + 1);
            at = match (at, size) {
                (Some(a), Some(s)) => a.checked_add(s),
                _ => None,
            };
        }
    }

    /// Follows non-generic `Defined` references to the type they name, and Codama nested-type
    /// wrappers to the type they wrap, moving `offset` to where that type starts (`None` once it
    /// is not fixed: a compact-u16 size prefix, an absolute offset).
    fn resolve_plain<'a>(
        &'a self,
        mut ty: &'a Type,
        mut offset: Option<usize>,
    ) -> Option<(&'a Type, Option<usize>)> {
        for _ in 0..MAX_LAYOUT_DEPTH {
            match ty {
                Type::Defined { name, generics } if generics.is_empty() => {
                    ty = self.resolve_defined(name)?.1
                }
                Type::FixedSize { inner, .. }
                | Type::HiddenSuffix { inner, .. }
                | Type::Sentinel { inner, .. }
                | Type::PostOffset { inner, .. } => ty = inner,
                Type::HiddenPrefix { inner, prefix } => {
                    offset = offset.and_then(|o| o.checked_add(prefix.len()));
                    ty = inner;
                }
                Type::SizePrefixed { inner, prefix } => {
                    offset = match prefix.kind {
                        NumberKind::ShortU16 => None,
                        kind => offset.and_then(|o| o.checked_add(width(kind))),
                    };
                    ty = inner;
                }
                Type::PreOffset {
                    inner,
                    offset: shift,
                    strategy,
                } => {
                    offset = match strategy {
                        OffsetStrategy::Relative | OffsetStrategy::Padded => offset.and_then(|o| {
                            i64::try_from(o)
                                .ok()
                                .and_then(|o| o.checked_add(*shift))
                                .and_then(|t| usize::try_from(t).ok())
                        }),
                        OffsetStrategy::Absolute | OffsetStrategy::PreOffset => None,
                    };
                    ty = inner;
                }
                other => return Some((other, offset)),
            }
        }
        None
    }
}

/// A short, Rust-like description of a type for docs and layouts.
pub fn type_label(ty: &Type) -> String {
    match ty {
        Type::Bool { .. } => "bool".into(),
        Type::Number { format } => {
            let name = format.kind.name();
            if format.endian == crate::Endian::Big && format.kind != NumberKind::ShortU16 {
                format!("{name} (big-endian)")
            } else {
                name.into()
            }
        }
        Type::PublicKey => "pubkey".into(),
        Type::String {
            encoding: StringEncoding::Utf8,
        } => "string".into(),
        Type::String { encoding } => format!(
            "string ({})",
            serde_json::to_value(encoding)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default()
        ),
        Type::Bytes => "bytes".into(),
        Type::SizePrefixed { inner, prefix } => match inner.as_ref() {
            Type::String {
                encoding: StringEncoding::Utf8,
            } if prefix.kind == NumberKind::U32 => "string".into(),
            Type::Bytes if prefix.kind == NumberKind::U32 => "bytes".into(),
            other => format!("{} (prefixed by {})", type_label(other), prefix.kind.name()),
        },
        Type::FixedSize { inner, size } => format!("{} ({size} bytes)", type_label(inner)),
        Type::Option {
            inner, fixed: true, ..
        } => format!("COption<{}>", type_label(inner)),
        Type::Option { inner, .. } => format!("Option<{}>", type_label(inner)),
        Type::ZeroableOption { inner, .. } => format!("ZeroableOption<{}>", type_label(inner)),
        Type::RemainderOption { inner } => format!("RemainderOption<{}>", type_label(inner)),
        Type::Array { inner, count } => match count {
            Count::Fixed { len } => format!("[{}; {len}]", type_label(inner)),
            Count::Generic { name } => format!("[{}; {name}]", type_label(inner)),
            Count::Prefixed { prefix } if prefix.kind == NumberKind::U32 => {
                format!("Vec<{}>", type_label(inner))
            }
            Count::Prefixed { prefix } => {
                format!("Vec<{}> ({} length)", type_label(inner), prefix.kind.name())
            }
            Count::Remainder => format!("Vec<{}> (to end)", type_label(inner)),
        },
        Type::Set { inner, .. } => format!("Set<{}>", type_label(inner)),
        Type::Map { key, value, .. } => format!("Map<{}, {}>", type_label(key), type_label(value)),
        Type::Tuple { items } | Type::TupleStruct { items } => {
            format!(
                "({})",
                items.iter().map(type_label).collect::<Vec<_>>().join(", ")
            )
        }
        Type::Struct { .. } => "struct".into(),
        Type::Enum { .. } => "enum".into(),
        Type::Defined { name, generics } if generics.is_empty() => name.clone(),
        Type::Defined { name, generics } => {
            let args: Vec<String> = generics
                .iter()
                .map(|g| match g {
                    GenericArg::Type { ty } => type_label(ty),
                    GenericArg::Const { value } => value.clone(),
                })
                .collect();
            format!("{name}<{}>", args.join(", "))
        }
        Type::Generic { name } => name.clone(),
        Type::PreOffset { inner, .. }
        | Type::PostOffset { inner, .. }
        | Type::Sentinel { inner, .. }
        | Type::HiddenPrefix { inner, .. }
        | Type::HiddenSuffix { inner, .. } => type_label(inner),
    }
}
