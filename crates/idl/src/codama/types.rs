//! Codama type nodes → [`Type`].

use serde_json::{Map, Value};

use super::node::{child, Ctx};
use super::values::{self, ValueError};
use crate::{
    Count, Endian, EnumVariant, Field, NumberFormat, NumberKind, OffsetStrategy, StringEncoding,
    Type, VariantFields,
};

const U8: NumberFormat = NumberFormat {
    kind: NumberKind::U8,
    endian: Endian::Little,
};

/// Any type node.
pub(super) fn type_node(ctx: &mut Ctx, v: &Value, ptr: &str) -> Option<Type> {
    ctx.nested(ptr, |ctx| {
        let (kind, o) = ctx.node(v, ptr)?;
        type_of_kind(ctx, kind, o, ptr)
    })
}

/// The type node under `key`.
fn inner(ctx: &mut Ctx, o: &Map<String, Value>, key: &str, ptr: &str) -> Option<Box<Type>> {
    let v = ctx.req(o, key, ptr)?;
    type_node(ctx, v, &child(ptr, key)).map(Box::new)
}

fn type_of_kind(ctx: &mut Ctx, kind: &str, o: &Map<String, Value>, ptr: &str) -> Option<Type> {
    Some(match kind {
        "numberTypeNode" => Type::Number {
            format: number_format(ctx, o, ptr)?,
        },
        "amountTypeNode" | "dateTimeTypeNode" | "solAmountTypeNode" => {
            *inner(ctx, o, "number", ptr)?
        }
        "booleanTypeNode" => Type::Bool {
            size: opt_number(ctx, o, "size", ptr)?.unwrap_or(U8),
        },
        "publicKeyTypeNode" => Type::PublicKey,
        "stringTypeNode" => Type::String {
            encoding: string_encoding(ctx, o, ptr)?,
        },
        "bytesTypeNode" => Type::Bytes,
        "sizePrefixTypeNode" => {
            let inner = inner(ctx, o, "type", ptr);
            let prefix = req_number(ctx, o, "prefix", ptr);
            Type::SizePrefixed {
                inner: inner?,
                prefix: prefix?,
            }
        }
        "fixedSizeTypeNode" => {
            let inner = inner(ctx, o, "type", ptr);
            let size = ctx.req_usize(o, "size", ptr);
            Type::FixedSize {
                inner: inner?,
                size: size?,
            }
        }
        "optionTypeNode" => {
            let inner = inner(ctx, o, "item", ptr);
            let prefix = opt_number(ctx, o, "prefix", ptr);
            let fixed = ctx.opt_bool(o, "fixed", ptr, false);
            Type::Option {
                inner: inner?,
                prefix: prefix?.unwrap_or(U8),
                fixed,
            }
        }
        "zeroableOptionTypeNode" => {
            let inner = inner(ctx, o, "item", ptr);
            let zero_value = match o.get("zeroValue") {
                None | Some(Value::Null) => Some(None),
                Some(z) => values::constant_bytes(ctx, z, &child(ptr, "zeroValue")).map(Some),
            };
            Type::ZeroableOption {
                inner: inner?,
                zero_value: zero_value?,
            }
        }
        "remainderOptionTypeNode" => Type::RemainderOption {
            inner: inner(ctx, o, "item", ptr)?,
        },
        "arrayTypeNode" | "setTypeNode" => {
            let inner = inner(ctx, o, "item", ptr);
            let count = count(ctx, o, ptr);
            if kind == "arrayTypeNode" {
                Type::Array {
                    inner: inner?,
                    count: count?,
                }
            } else {
                Type::Set {
                    inner: inner?,
                    count: count?,
                }
            }
        }
        "mapTypeNode" => {
            let key = inner(ctx, o, "key", ptr);
            let value = inner(ctx, o, "value", ptr);
            let count = count(ctx, o, ptr);
            Type::Map {
                key: key?,
                value: value?,
                count: count?,
            }
        }
        "tupleTypeNode" => Type::Tuple {
            items: items(ctx, o, "items", ptr)?,
        },
        "structTypeNode" => Type::Struct {
            fields: struct_fields(ctx, o, ptr)?,
        },
        "enumTypeNode" => enum_type(ctx, o, ptr)?,
        "definedTypeLinkNode" => Type::Defined {
            name: ctx.req_str(o, "name", ptr)?.to_owned(),
            generics: Vec::new(),
        },
        "preOffsetTypeNode" | "postOffsetTypeNode" => {
            let inner = inner(ctx, o, "type", ptr);
            let offset = ctx.req_i64(o, "offset", ptr);
            let strategy = offset_strategy(ctx, o, kind == "postOffsetTypeNode", ptr);
            let (inner, offset, strategy) = (inner?, offset?, strategy?);
            if kind == "preOffsetTypeNode" {
                Type::PreOffset {
                    inner,
                    offset,
                    strategy,
                }
            } else {
                Type::PostOffset {
                    inner,
                    offset,
                    strategy,
                }
            }
        }
        "sentinelTypeNode" => {
            let inner = inner(ctx, o, "type", ptr);
            let sentinel = match ctx.req(o, "sentinel", ptr) {
                Some(s) => values::constant_bytes(ctx, s, &child(ptr, "sentinel")),
                None => None,
            };
            Type::Sentinel {
                inner: inner?,
                sentinel: sentinel?,
            }
        }
        "hiddenPrefixTypeNode" | "hiddenSuffixTypeNode" => {
            let inner = inner(ctx, o, "type", ptr);
            let key = if kind == "hiddenPrefixTypeNode" {
                "prefix"
            } else {
                "suffix"
            };
            let list_ptr = child(ptr, key);
            let mut bytes = Some(Vec::new());
            for (i, c) in ctx.list(o, key, ptr).iter().enumerate() {
                match (
                    values::constant_bytes(ctx, c, &child(&list_ptr, i)),
                    bytes.as_mut(),
                ) {
                    (Some(b), Some(all)) => all.extend(b),
                    _ => bytes = None,
                }
            }
            if kind == "hiddenPrefixTypeNode" {
                Type::HiddenPrefix {
                    inner: inner?,
                    prefix: bytes?,
                }
            } else {
                Type::HiddenSuffix {
                    inner: inner?,
                    suffix: bytes?,
                }
            }
        }
        other => {
            ctx.problem(ptr, format!("`{other}` is not a type node"));
            return None;
        }
    })
}

/// The fields of a `numberTypeNode` object.
fn number_format(ctx: &mut Ctx, o: &Map<String, Value>, ptr: &str) -> Option<NumberFormat> {
    let format = ctx.req_str(o, "format", ptr);
    let kind = match format? {
        "u8" => NumberKind::U8,
        "u16" => NumberKind::U16,
        "u32" => NumberKind::U32,
        "u64" => NumberKind::U64,
        "u128" => NumberKind::U128,
        "i8" => NumberKind::I8,
        "i16" => NumberKind::I16,
        "i32" => NumberKind::I32,
        "i64" => NumberKind::I64,
        "i128" => NumberKind::I128,
        "f32" => NumberKind::F32,
        "f64" => NumberKind::F64,
        "shortU16" => NumberKind::ShortU16,
        other => {
            ctx.problem(
                &child(ptr, "format"),
                format!("unknown number format `{other}`"),
            );
            return None;
        }
    };
    let endian = match ctx.opt_str(o, "endian", ptr) {
        None | Some("le") => Endian::Little,
        Some("be") => Endian::Big,
        Some(other) => {
            ctx.problem(
                &child(ptr, "endian"),
                format!("unknown endianness `{other}`"),
            );
            return None;
        }
    };
    Some(NumberFormat { kind, endian })
}

/// A node that must be a number type (number, or amount/dateTime/solAmount around one).
pub(super) fn number_node(ctx: &mut Ctx, v: &Value, ptr: &str) -> Option<NumberFormat> {
    match type_node(ctx, v, ptr)? {
        Type::Number { format } => Some(format),
        ty if matches!(ty.unwrapped(), Type::Number { .. }) => {
            ctx.problem(ptr, "nested number type nodes are not supported");
            None
        }
        _ => {
            ctx.problem(ptr, "expected a number type node");
            None
        }
    }
}

fn req_number(ctx: &mut Ctx, o: &Map<String, Value>, key: &str, ptr: &str) -> Option<NumberFormat> {
    let v = ctx.req(o, key, ptr)?;
    number_node(ctx, v, &child(ptr, key))
}

/// `Some(None)` when absent; `None` on a problem.
fn opt_number(
    ctx: &mut Ctx,
    o: &Map<String, Value>,
    key: &str,
    ptr: &str,
) -> Option<Option<NumberFormat>> {
    match o.get(key) {
        None | Some(Value::Null) => Some(None),
        Some(v) => number_node(ctx, v, &child(ptr, key)).map(Some),
    }
}

fn string_encoding(ctx: &mut Ctx, o: &Map<String, Value>, ptr: &str) -> Option<StringEncoding> {
    match ctx.opt_str(o, "encoding", ptr) {
        None | Some("utf8") => Some(StringEncoding::Utf8),
        Some("base16") => Some(StringEncoding::Base16),
        Some("base58") => Some(StringEncoding::Base58),
        Some("base64") => Some(StringEncoding::Base64),
        Some(other) => {
            ctx.problem(
                &child(ptr, "encoding"),
                format!("unknown string encoding `{other}`"),
            );
            None
        }
    }
}

fn offset_strategy(
    ctx: &mut Ctx,
    o: &Map<String, Value>,
    post: bool,
    ptr: &str,
) -> Option<OffsetStrategy> {
    match ctx.opt_str(o, "strategy", ptr) {
        None | Some("relative") => Some(OffsetStrategy::Relative),
        Some("absolute") => Some(OffsetStrategy::Absolute),
        Some("padded") => Some(OffsetStrategy::Padded),
        Some("preOffset") if post => Some(OffsetStrategy::PreOffset),
        Some(other) => {
            ctx.problem(
                &child(ptr, "strategy"),
                format!("unknown offset strategy `{other}`"),
            );
            None
        }
    }
}

/// The `count` of an array, set or map.
fn count(ctx: &mut Ctx, o: &Map<String, Value>, ptr: &str) -> Option<Count> {
    let v = ctx.req(o, "count", ptr)?;
    let ptr = child(ptr, "count");
    let (kind, c) = ctx.node(v, &ptr)?;
    match kind {
        "fixedCountNode" => Some(Count::Fixed {
            len: ctx.req_usize(c, "value", &ptr)?,
        }),
        "prefixedCountNode" => Some(Count::Prefixed {
            prefix: req_number(ctx, c, "prefix", &ptr)?,
        }),
        "remainderCountNode" => Some(Count::Remainder),
        other => {
            ctx.problem(&ptr, format!("`{other}` is not a count node"));
            None
        }
    }
}

/// A list of type nodes under `key`.
fn items(ctx: &mut Ctx, o: &Map<String, Value>, key: &str, ptr: &str) -> Option<Vec<Type>> {
    let list_ptr = child(ptr, key);
    let mut out = Some(Vec::new());
    for (i, item) in ctx.list(o, key, ptr).iter().enumerate() {
        match (type_node(ctx, item, &child(&list_ptr, i)), out.as_mut()) {
            (Some(t), Some(all)) => all.push(t),
            _ => out = None,
        }
    }
    out
}

/// The `fields` of a `structTypeNode` object.
fn struct_fields(ctx: &mut Ctx, o: &Map<String, Value>, ptr: &str) -> Option<Vec<Field>> {
    let list = ctx.list(o, "fields", ptr);
    fields(ctx, list, &child(ptr, "fields"), "structFieldTypeNode")
}

/// A list of `structFieldTypeNode`s or `instructionArgumentNode`s.
pub(super) fn fields(
    ctx: &mut Ctx,
    list: &[Value],
    list_ptr: &str,
    kind: &str,
) -> Option<Vec<Field>> {
    let mut out = Some(Vec::new());
    for (i, f) in list.iter().enumerate() {
        match (field(ctx, f, &child(list_ptr, i), kind), out.as_mut()) {
            (Some(f), Some(all)) => all.push(f),
            _ => out = None,
        }
    }
    out
}

/// One struct field or instruction argument, with its default value.
fn field(ctx: &mut Ctx, v: &Value, ptr: &str, kind: &str) -> Option<Field> {
    let o = ctx.node_of(v, kind, ptr)?;
    let name = ctx.req_str(o, "name", ptr);
    let docs = ctx.docs(o, ptr);
    let ty = inner(ctx, o, "type", ptr);
    let (name, ty) = (name?.to_owned(), *ty?);
    let mut field = Field {
        name,
        docs,
        ty,
        omitted_default: None,
        optional_default: None,
    };
    let Some(default) = o.get("defaultValue").filter(|d| !d.is_null()) else {
        return Some(field);
    };
    let default_ptr = child(ptr, "defaultValue");
    let omitted = match ctx.opt_str(o, "defaultValueStrategy", ptr) {
        Some("omitted") => true,
        None | Some("optional") => false,
        Some(other) => {
            ctx.problem(
                &child(ptr, "defaultValueStrategy"),
                format!("unknown default value strategy `{other}`"),
            );
            return None;
        }
    };
    match values::value_json(ctx, default, Some(&field.ty), &default_ptr) {
        Ok(json) if omitted => field.omitted_default = Some(json),
        Ok(json) => field.optional_default = Some(json),
        // A default the client computes (account, argument, bump, resolver…): the model cannot,
        // so the caller supplies the value like any other argument — even an omitted one.
        Err(ValueError::Contextual) => {}
        Err(ValueError::Invalid) => return None,
    }
    Some(field)
}

fn enum_type(ctx: &mut Ctx, o: &Map<String, Value>, ptr: &str) -> Option<Type> {
    let size = opt_number(ctx, o, "size", ptr);
    let list_ptr = child(ptr, "variants");
    let mut variants = Some(Vec::new());
    for (i, v) in ctx.list(o, "variants", ptr).iter().enumerate() {
        match (variant(ctx, v, i, &child(&list_ptr, i)), variants.as_mut()) {
            (Some(v), Some(all)) => all.push(v),
            _ => variants = None,
        }
    }
    Some(Type::Enum {
        variants: variants?,
        size: size?.unwrap_or(U8),
    })
}

fn variant(ctx: &mut Ctx, v: &Value, index: usize, ptr: &str) -> Option<EnumVariant> {
    let (kind, o) = ctx.node(v, ptr)?;
    let name = ctx.req_str(o, "name", ptr);
    let discriminant = match o.get("discriminator") {
        None | Some(Value::Null) => u64::try_from(index).ok(),
        Some(d) => {
            let n = d.as_u64();
            if n.is_none() {
                ctx.problem(
                    &child(ptr, "discriminator"),
                    "expected a non-negative integer",
                );
            }
            n
        }
    };
    let fields = match kind {
        "enumEmptyVariantTypeNode" => Some(VariantFields::Unit),
        "enumStructVariantTypeNode" => variant_payload(ctx, o, "struct", ptr),
        "enumTupleVariantTypeNode" => variant_payload(ctx, o, "tuple", ptr),
        other => {
            ctx.problem(ptr, format!("`{other}` is not an enum variant node"));
            None
        }
    };
    Some(EnumVariant {
        name: name?.to_owned(),
        docs: ctx.docs(o, ptr),
        discriminant: discriminant?,
        fields: fields?,
    })
}

/// Codama kinds of the nested-type wrappers (`NestedTypeNode<T>`); each wraps the node under `type`.
const NESTED_WRAPPERS: [&str; 7] = [
    "fixedSizeTypeNode",
    "sizePrefixTypeNode",
    "hiddenPrefixTypeNode",
    "hiddenSuffixTypeNode",
    "sentinelTypeNode",
    "preOffsetTypeNode",
    "postOffsetTypeNode",
];

/// The payload under `key` of a struct variant (`"struct"`: a `NestedTypeNode<StructTypeNode>`)
/// or a tuple variant (`"tuple"`: a `NestedTypeNode<TupleTypeNode>`). A bare struct or tuple is
/// `Named` / `Tuple`; one inside nested-type wrappers is `Nested`.
fn variant_payload(
    ctx: &mut Ctx,
    o: &Map<String, Value>,
    key: &str,
    ptr: &str,
) -> Option<VariantFields> {
    let ty = *inner(ctx, o, key, ptr)?;
    let want_struct = key == "struct";
    match ty {
        Type::Struct { fields } if want_struct => Some(VariantFields::Named { fields }),
        Type::Tuple { items } if !want_struct => Some(VariantFields::Tuple { items }),
        ty if matches!(
            (ty.unwrapped(), want_struct),
            (Type::Struct { .. }, true) | (Type::Tuple { .. }, false)
        ) =>
        {
            Some(VariantFields::Nested { ty: Box::new(ty) })
        }
        _ => {
            // Point at the innermost node under the wrappers: that is the one of the wrong kind.
            let mut at = child(ptr, key);
            let mut node = o.get(key);
            let mut kind = "";
            for _ in 0..super::node::MAX_DEPTH {
                kind = node
                    .and_then(|n| n.get("kind"))
                    .and_then(Value::as_str)
                    .unwrap_or("");
                if !NESTED_WRAPPERS.contains(&kind) {
                    break;
                }
                node = node.and_then(|n| n.get("type"));
                at = child(&at, "type");
            }
            let expected = if want_struct {
                "structTypeNode"
            } else {
                "tupleTypeNode"
            };
            ctx.problem(
                &at,
                format!(
                    "expected a {expected} (optionally inside nested type wrappers such as \
                     fixedSizeTypeNode or hiddenPrefixTypeNode), got `{kind}`"
                ),
            );
            None
        }
    }
}
