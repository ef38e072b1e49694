//! Anchor / legacy Anchor / Shank type syntax → [`Type`].

use serde_json::Value;

use super::walk::Ctx;
use crate::describe::{json_kind as kind_of, short};
use crate::pointer::join;
use crate::{
    Count, Endian, EnumVariant, Field, GenericArg, GenericParam, NumberFormat, NumberKind, Repr,
    Serialization, StringEncoding, Type, VariantFields,
};

pub const fn le(kind: NumberKind) -> NumberFormat {
    NumberFormat {
        kind,
        endian: Endian::Little,
    }
}

pub fn u32_prefix() -> NumberFormat {
    le(NumberKind::U32)
}

/// A primitive written as a bare string (`"u64"`, `"pubkey"`, legacy `"publicKey"`).
pub fn primitive(name: &str) -> Option<Type> {
    let number = |kind| Some(Type::Number { format: le(kind) });
    match name {
        "bool" => Some(Type::Bool {
            size: le(NumberKind::U8),
        }),
        "u8" => number(NumberKind::U8),
        "u16" => number(NumberKind::U16),
        "u32" => number(NumberKind::U32),
        "u64" => number(NumberKind::U64),
        "u128" => number(NumberKind::U128),
        "u256" => number(NumberKind::U256),
        "i8" => number(NumberKind::I8),
        "i16" => number(NumberKind::I16),
        "i32" => number(NumberKind::I32),
        "i64" => number(NumberKind::I64),
        "i128" => number(NumberKind::I128),
        "i256" => number(NumberKind::I256),
        "f32" => number(NumberKind::F32),
        "f64" => number(NumberKind::F64),
        "pubkey" | "publicKey" => Some(Type::PublicKey),
        "string" => Some(Type::SizePrefixed {
            inner: Box::new(Type::String {
                encoding: StringEncoding::Utf8,
            }),
            prefix: u32_prefix(),
        }),
        "bytes" => Some(Type::SizePrefixed {
            inner: Box::new(Type::Bytes),
            prefix: u32_prefix(),
        }),
        _ => None,
    }
}

/// Parses a type expression; records a problem and returns `None` when it cannot.
pub fn parse_type(cx: &mut Ctx, v: &Value, ptr: &str) -> Option<Type> {
    match v {
        Value::String(s) => {
            let ty = primitive(s);
            if ty.is_none() {
                cx.problem(ptr, format!("unsupported type `{s}`"));
            }
            ty
        }
        Value::Object(obj) if obj.len() == 1 => {
            let (key, inner) = obj.iter().next()?;
            let iptr = join(ptr, key);
            parse_compound(cx, key, inner, &iptr)
        }
        _ => {
            cx.problem(ptr, format!("unsupported type: {}", short(v)));
            None
        }
    }
}

fn parse_compound(cx: &mut Ctx, key: &str, inner: &Value, ptr: &str) -> Option<Type> {
    let boxed = |cx: &mut Ctx| parse_type(cx, inner, ptr).map(Box::new);
    match key {
        "defined" => parse_defined(cx, inner, ptr),
        "generic" => match inner.as_str() {
            Some(name) => Some(Type::Generic {
                name: name.to_string(),
            }),
            None => {
                cx.problem(ptr, "expected the generic parameter's name");
                None
            }
        },
        "vec" => Some(Type::Array {
            inner: boxed(cx)?,
            count: Count::Prefixed {
                prefix: u32_prefix(),
            },
        }),
        "option" => Some(Type::Option {
            inner: boxed(cx)?,
            prefix: le(NumberKind::U8),
            fixed: false,
        }),
        "coption" => Some(Type::Option {
            inner: boxed(cx)?,
            prefix: u32_prefix(),
            fixed: true,
        }),
        "hashSet" | "bTreeSet" => Some(Type::Set {
            inner: boxed(cx)?,
            count: Count::Prefixed {
                prefix: u32_prefix(),
            },
        }),
        "array" => {
            let parts = pair(cx, inner, ptr)?;
            let item = parse_type(cx, &parts[0], &join(ptr, 0));
            let count = match &parts[1] {
                Value::Number(n) => match n.as_u64().and_then(|n| usize::try_from(n).ok()) {
                    Some(len) => Some(Count::Fixed { len }),
                    None => {
                        cx.problem(join(ptr, 1), "array length must be a non-negative integer");
                        None
                    }
                },
                Value::Object(o)
                    if o.len() == 1 && o.get("generic").is_some_and(Value::is_string) =>
                {
                    o.get("generic")
                        .and_then(Value::as_str)
                        .map(|name| Count::Generic {
                            name: name.to_string(),
                        })
                }
                other => {
                    cx.problem(
                        join(ptr, 1),
                        format!("unsupported array length: {}", short(other)),
                    );
                    None
                }
            };
            Some(Type::Array {
                inner: Box::new(item?),
                count: count?,
            })
        }
        "hashMap" | "bTreeMap" => {
            let parts = pair(cx, inner, ptr)?;
            let k = parse_type(cx, &parts[0], &join(ptr, 0));
            let v = parse_type(cx, &parts[1], &join(ptr, 1));
            Some(Type::Map {
                key: Box::new(k?),
                value: Box::new(v?),
                count: Count::Prefixed {
                    prefix: u32_prefix(),
                },
            })
        }
        "tuple" => {
            let Some(items) = inner.as_array() else {
                cx.problem(ptr, "expected an array of types");
                return None;
            };
            let items = parse_types(cx, items, ptr)?;
            Some(Type::Tuple { items })
        }
        other => {
            cx.problem(ptr, format!("unsupported type `{other}`"));
            None
        }
    }
}

fn pair<'v>(cx: &mut Ctx, v: &'v Value, ptr: &str) -> Option<&'v [Value]> {
    match v.as_array() {
        Some(a) if a.len() == 2 => Some(a),
        _ => {
            cx.problem(ptr, "expected a two-element array");
            None
        }
    }
}

/// Parses every element; any failure fails the whole list (after reporting all problems).
pub fn parse_types(cx: &mut Ctx, items: &[Value], ptr: &str) -> Option<Vec<Type>> {
    let parsed: Vec<Option<Type>> = items
        .iter()
        .enumerate()
        .map(|(i, t)| parse_type(cx, t, &join(ptr, i)))
        .collect();
    parsed.into_iter().collect()
}

fn parse_defined(cx: &mut Ctx, v: &Value, ptr: &str) -> Option<Type> {
    match v {
        Value::String(name) => Some(Type::Defined {
            name: name.clone(),
            generics: Vec::new(),
        }),
        Value::Object(_) => {
            let name = cx.req_str(v, "name", ptr)?.to_string();
            let gptr = join(ptr, "generics");
            let mut generics = Vec::new();
            let mut ok = true;
            for (i, g) in cx.list(v, "generics", ptr).iter().enumerate() {
                let p = join(&gptr, i);
                match g.get("kind").and_then(Value::as_str) {
                    Some("type") => match g.get("type") {
                        Some(t) => match parse_type(cx, t, &join(&p, "type")) {
                            Some(ty) => generics.push(GenericArg::Type { ty }),
                            None => ok = false,
                        },
                        None => {
                            cx.problem(&p, "missing `type`");
                            ok = false;
                        }
                    },
                    Some("const") => match g.get("value") {
                        Some(Value::String(s)) => {
                            generics.push(GenericArg::Const { value: s.clone() })
                        }
                        Some(Value::Number(n)) => generics.push(GenericArg::Const {
                            value: n.to_string(),
                        }),
                        _ => {
                            cx.problem(&p, "const generic argument needs a `value`");
                            ok = false;
                        }
                    },
                    _ => {
                        cx.problem(&p, "generic argument `kind` must be `type` or `const`");
                        ok = false;
                    }
                }
            }
            ok.then_some(Type::Defined { name, generics })
        }
        other => {
            cx.problem(
                ptr,
                format!(
                    "`defined` must be a name or an object, got {}",
                    kind_of(other)
                ),
            );
            None
        }
    }
}

/// A type definition body (`{"kind": "struct" | "enum" | "type" | "alias", ...}`).
pub fn parse_type_body(cx: &mut Ctx, v: &Value, ptr: &str) -> Option<Type> {
    let kind = cx.req_str(v, "kind", ptr)?;
    match kind {
        "struct" => parse_fields_type(cx, v, ptr),
        "enum" => {
            let vptr = join(ptr, "variants");
            let mut variants = Vec::new();
            let mut ok = true;
            for (i, var) in cx.list(v, "variants", ptr).iter().enumerate() {
                let p = join(&vptr, i);
                let Some(name) = cx.req_str(var, "name", &p) else {
                    ok = false;
                    continue;
                };
                let name = name.to_string();
                let docs = cx.docs(var, &p);
                let fields = match parse_fields_type(cx, var, &p) {
                    Some(Type::Struct { fields }) if fields.is_empty() => VariantFields::Unit,
                    Some(Type::Struct { fields }) => VariantFields::Named { fields },
                    Some(Type::TupleStruct { items }) => VariantFields::Tuple { items },
                    _ => {
                        ok = false;
                        continue;
                    }
                };
                variants.push(EnumVariant {
                    name,
                    docs,
                    discriminant: i as u64,
                    fields,
                });
            }
            ok.then_some(Type::Enum {
                variants,
                size: le(NumberKind::U8),
            })
        }
        "type" | "alias" => {
            let key = if v.get("alias").is_some() {
                "alias"
            } else {
                "value"
            };
            match v.get(key) {
                Some(t) => parse_type(cx, t, &join(ptr, key)),
                None => {
                    cx.problem(ptr, "type alias needs `alias`");
                    None
                }
            }
        }
        other => {
            cx.problem(
                join(ptr, "kind"),
                format!("unsupported type kind `{other}`"),
            );
            None
        }
    }
}

/// `fields` of a struct or enum variant: named (`[{name, type}]`) → `Struct`, unnamed (`[type]`)
/// → `TupleStruct`; none → empty `Struct`.
pub fn parse_fields_type(cx: &mut Ctx, v: &Value, ptr: &str) -> Option<Type> {
    let fptr = join(ptr, "fields");
    let items = cx.list(v, "fields", ptr);
    let named = |f: &Value| f.get("name").is_some() && f.get("type").is_some();
    if items.iter().all(named) {
        return parse_named_fields(cx, items, &fptr).map(|fields| Type::Struct { fields });
    }
    if items.iter().any(named) {
        cx.problem(&fptr, "fields mix named and unnamed entries");
        return None;
    }
    parse_types(cx, items, &fptr).map(|items| Type::TupleStruct { items })
}

/// `[{name, docs, type}]` → fields.
pub fn parse_named_fields(cx: &mut Ctx, items: &[Value], ptr: &str) -> Option<Vec<Field>> {
    let mut fields = Vec::with_capacity(items.len());
    let mut ok = true;
    for (i, f) in items.iter().enumerate() {
        let p = join(ptr, i);
        let name = cx.req_str(f, "name", &p).map(str::to_string);
        let docs = cx.docs(f, &p);
        let ty = match f.get("type") {
            Some(t) => parse_type(cx, t, &join(&p, "type")),
            None => {
                cx.problem(&p, "missing `type`");
                None
            }
        };
        match (name, ty) {
            (Some(name), Some(ty)) => fields.push(Field {
                name,
                docs,
                ty,
                omitted_default: None,
                optional_default: None,
            }),
            _ => ok = false,
        }
    }
    ok.then_some(fields)
}

/// `generics` of a type definition.
pub fn parse_generic_params(cx: &mut Ctx, v: &Value, ptr: &str) -> Vec<GenericParam> {
    let gptr = join(ptr, "generics");
    let mut out = Vec::new();
    for (i, g) in cx.list(v, "generics", ptr).iter().enumerate() {
        let p = join(&gptr, i);
        let Some(name) = cx.req_str(g, "name", &p).map(str::to_string) else {
            continue;
        };
        match g.get("kind").and_then(Value::as_str) {
            Some("type") => out.push(GenericParam::Type { name }),
            Some("const") => {
                let ty = g
                    .get("type")
                    .and_then(Value::as_str)
                    .unwrap_or("usize")
                    .to_string();
                out.push(GenericParam::Const { name, ty });
            }
            _ => cx.problem(&p, "generic parameter `kind` must be `type` or `const`"),
        }
    }
    out
}

pub fn parse_serialization(cx: &mut Ctx, v: &Value, ptr: &str) -> Serialization {
    match cx.opt_str(v, "serialization", ptr) {
        None | Some("borsh") => Serialization::Borsh,
        Some("bytemuck") => Serialization::Bytemuck,
        Some("bytemuckunsafe") => Serialization::BytemuckUnsafe,
        Some(other) => {
            cx.problem(
                join(ptr, "serialization"),
                format!("unsupported serialization `{other}`"),
            );
            Serialization::Borsh
        }
    }
}

pub fn parse_repr(cx: &mut Ctx, v: &Value, ptr: &str) -> Option<Repr> {
    let r = v.get("repr")?;
    let p = join(ptr, "repr");
    let kind = cx.req_str(r, "kind", &p)?.to_string();
    if !matches!(kind.as_str(), "rust" | "c" | "transparent") {
        cx.problem(join(&p, "kind"), format!("unsupported repr `{kind}`"));
    }
    let packed = cx.flag(r, "packed", &p);
    let align = r
        .get("align")
        .and_then(Value::as_u64)
        .and_then(|a| usize::try_from(a).ok());
    Some(Repr {
        kind,
        packed,
        align,
    })
}
