//! Codama value nodes → canonical JSON (see the README) and constant bytes.

use serde_json::{Map, Value};

use super::node::{child, json_kind, Ctx, Env, MAX_DEPTH};
use super::types::type_node;
use crate::{NumberKind, Type, VariantFields};

/// Why a value node has no canonical JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ValueError {
    /// A contextual node (account, argument, resolver, PDA, …): valid, but only known when the
    /// instruction is built. No problem is recorded.
    Contextual,
    /// Malformed; a problem has been recorded.
    Invalid,
}

type Json = Value;

/// The canonical JSON of a (constant) value node, type-directed by `ty` where one is known (64-bit
/// and wider integers become decimal strings).
pub(super) fn value_json(
    ctx: &mut Ctx,
    v: &Value,
    ty: Option<&Type>,
    ptr: &str,
) -> Result<Json, ValueError> {
    if ctx.depth >= MAX_DEPTH {
        ctx.problem(ptr, "nodes are nested too deeply");
        return Err(ValueError::Invalid);
    }
    ctx.depth += 1;
    let r = value_inner(ctx, v, ty, ptr);
    ctx.depth -= 1;
    r
}

fn value_inner(ctx: &mut Ctx, v: &Value, ty: Option<&Type>, ptr: &str) -> Result<Json, ValueError> {
    let env = ctx.env;
    let ty = ty.map(|t| resolve(env, t));
    let (kind, o) = ctx.node(v, ptr).ok_or(ValueError::Invalid)?;
    match kind {
        "numberValueNode" => match req(ctx, o, "number", ptr)? {
            Value::Number(n) => number_json(ctx, n, ty, ptr),
            other => invalid(
                ctx,
                &child(ptr, "number"),
                format!("expected a number, got {}", json_kind(other)),
            ),
        },
        "booleanValueNode" => match req(ctx, o, "boolean", ptr)? {
            Value::Bool(b) => Ok(Value::Bool(*b)),
            other => invalid(
                ctx,
                &child(ptr, "boolean"),
                format!("expected a boolean, got {}", json_kind(other)),
            ),
        },
        "stringValueNode" => Ok(Value::String(req_str(ctx, o, "string", ptr)?.to_owned())),
        "publicKeyValueNode" => {
            let key = req_str(ctx, o, "publicKey", ptr)?;
            match decode_pubkey(key) {
                Ok(_) => Ok(Value::String(key.to_owned())),
                Err(e) => invalid(ctx, &child(ptr, "publicKey"), e),
            }
        }
        "bytesValueNode" => {
            let data = req_str(ctx, o, "data", ptr)?;
            let encoding = o
                .get("encoding")
                .and_then(Value::as_str)
                .unwrap_or("base16");
            match decode_str(data, encoding) {
                Ok(bytes) => Ok(Value::Array(bytes.into_iter().map(Value::from).collect())),
                Err(e) => invalid(ctx, &child(ptr, "data"), e),
            }
        }
        "noneValueNode" => Ok(Value::Null),
        "someValueNode" => {
            let inner = ty.and_then(option_inner);
            let value = req(ctx, o, "value", ptr)?;
            value_json(ctx, value, inner, &child(ptr, "value"))
        }
        "arrayValueNode" | "setValueNode" => {
            let item = ty.and_then(|t| match t {
                Type::Array { inner, .. } | Type::Set { inner, .. } => Some(&**inner),
                _ => None,
            });
            list_json(ctx, o, "items", ptr, |_| item)
        }
        "tupleValueNode" => {
            let items = ty.and_then(|t| match t {
                Type::Tuple { items } | Type::TupleStruct { items } => Some(items.as_slice()),
                _ => None,
            });
            list_json(ctx, o, "items", ptr, |i| items.and_then(|it| it.get(i)))
        }
        "mapValueNode" => map_json(ctx, o, ty, ptr),
        "structValueNode" => {
            let fields = match ty {
                Some(Type::Struct { fields }) => Some(fields.as_slice()),
                _ => None,
            };
            struct_json(ctx, o, fields, ptr)
        }
        "enumValueNode" => enum_json(ctx, o, ty, ptr),
        "constantValueNode" => {
            let t = ctx.req(o, "type", ptr).ok_or(ValueError::Invalid)?;
            let t = type_node(ctx, t, &child(ptr, "type")).ok_or(ValueError::Invalid)?;
            let value = req(ctx, o, "value", ptr)?;
            value_json(ctx, value, Some(&t), &child(ptr, "value"))
        }
        "accountValueNode"
        | "accountBumpValueNode"
        | "argumentValueNode"
        | "conditionalValueNode"
        | "identityValueNode"
        | "payerValueNode"
        | "pdaValueNode"
        | "programIdValueNode"
        | "resolverValueNode"
        | "accountFieldValueNode"
        | "injectedValueNode" => Err(ValueError::Contextual),
        other => invalid(ctx, ptr, format!("`{other}` is not a value node")),
    }
}

fn invalid<T>(ctx: &mut Ctx, ptr: &str, message: impl Into<String>) -> Result<T, ValueError> {
    ctx.problem(ptr, message);
    Err(ValueError::Invalid)
}

fn req<'v>(
    ctx: &mut Ctx,
    o: &'v Map<String, Value>,
    key: &str,
    ptr: &str,
) -> Result<&'v Value, ValueError> {
    ctx.req(o, key, ptr).ok_or(ValueError::Invalid)
}

fn req_str<'v>(
    ctx: &mut Ctx,
    o: &'v Map<String, Value>,
    key: &str,
    ptr: &str,
) -> Result<&'v str, ValueError> {
    ctx.req_str(o, key, ptr).ok_or(ValueError::Invalid)
}

/// Strips wrappers that do not change a value's JSON shape, and follows defined-type links.
pub(super) fn resolve<'a>(env: &'a Env, mut ty: &'a Type) -> &'a Type {
    for _ in 0..MAX_DEPTH {
        ty = match ty {
            Type::SizePrefixed { inner, .. }
            | Type::FixedSize { inner, .. }
            | Type::PreOffset { inner, .. }
            | Type::PostOffset { inner, .. }
            | Type::Sentinel { inner, .. }
            | Type::HiddenPrefix { inner, .. }
            | Type::HiddenSuffix { inner, .. } => inner,
            Type::Defined { name, .. } => match env.types.get(name) {
                Some(t) => t,
                None => return ty,
            },
            _ => return ty,
        };
    }
    ty
}

fn option_inner(ty: &Type) -> Option<&Type> {
    match ty {
        Type::Option { inner, .. }
        | Type::ZeroableOption { inner, .. }
        | Type::RemainderOption { inner } => Some(inner),
        _ => None,
    }
}

fn number_json(
    ctx: &mut Ctx,
    n: &serde_json::Number,
    ty: Option<&Type>,
    ptr: &str,
) -> Result<Json, ValueError> {
    let env = ctx.env;
    // A plain value for an option type (lenient: Codama wants someValueNode) still gets its width.
    let ty = ty.map(|t| option_inner(t).map_or(t, |i| resolve(env, i)));
    let kind = match ty {
        Some(Type::Number { format }) => Some(format.kind),
        _ => None,
    };
    let wide = matches!(
        kind,
        Some(
            NumberKind::U64
                | NumberKind::U128
                | NumberKind::U256
                | NumberKind::I64
                | NumberKind::I128
                | NumberKind::I256
        )
    );
    if !wide {
        return Ok(Value::Number(n.clone()));
    }
    if let Some(u) = n.as_u64() {
        Ok(Value::String(u.to_string()))
    } else if let Some(i) = n.as_i64() {
        Ok(Value::String(i.to_string()))
    } else {
        invalid(ctx, &child(ptr, "number"), format!("{n} is not an integer"))
    }
}

fn list_json<'t>(
    ctx: &mut Ctx,
    o: &Map<String, Value>,
    key: &str,
    ptr: &str,
    item_ty: impl Fn(usize) -> Option<&'t Type>,
) -> Result<Json, ValueError> {
    let list_ptr = child(ptr, key);
    let mut out = Vec::new();
    for (i, item) in req_list(ctx, o, key, ptr)?.iter().enumerate() {
        out.push(value_json(ctx, item, item_ty(i), &child(&list_ptr, i))?);
    }
    Ok(Value::Array(out))
}

fn req_list<'v>(
    ctx: &mut Ctx,
    o: &'v Map<String, Value>,
    key: &str,
    ptr: &str,
) -> Result<&'v [Value], ValueError> {
    match req(ctx, o, key, ptr)? {
        Value::Array(items) => Ok(items),
        other => invalid(
            ctx,
            &child(ptr, key),
            format!("expected an array, got {}", json_kind(other)),
        ),
    }
}

/// `mapValueNode` → array of `[key, value]` pairs.
fn map_json(
    ctx: &mut Ctx,
    o: &Map<String, Value>,
    ty: Option<&Type>,
    ptr: &str,
) -> Result<Json, ValueError> {
    let (key_ty, value_ty) = match ty {
        Some(Type::Map { key, value, .. }) => (Some(&**key), Some(&**value)),
        _ => (None, None),
    };
    let list_ptr = child(ptr, "entries");
    let mut out = Vec::new();
    for (i, entry) in req_list(ctx, o, "entries", ptr)?.iter().enumerate() {
        let entry_ptr = child(&list_ptr, i);
        let e = ctx
            .node_of(entry, "mapEntryValueNode", &entry_ptr)
            .ok_or(ValueError::Invalid)?;
        let k = req(ctx, e, "key", &entry_ptr)?;
        let k = value_json(ctx, k, key_ty, &child(&entry_ptr, "key"))?;
        let v = req(ctx, e, "value", &entry_ptr)?;
        let v = value_json(ctx, v, value_ty, &child(&entry_ptr, "value"))?;
        out.push(Value::Array(vec![k, v]));
    }
    Ok(Value::Array(out))
}

/// `structValueNode` → object keyed by field name.
fn struct_json(
    ctx: &mut Ctx,
    o: &Map<String, Value>,
    fields: Option<&[crate::Field]>,
    ptr: &str,
) -> Result<Json, ValueError> {
    let list_ptr = child(ptr, "fields");
    let mut out = Map::new();
    for (i, f) in req_list(ctx, o, "fields", ptr)?.iter().enumerate() {
        let f_ptr = child(&list_ptr, i);
        let f = ctx
            .node_of(f, "structFieldValueNode", &f_ptr)
            .ok_or(ValueError::Invalid)?;
        let name = req_str(ctx, f, "name", &f_ptr)?;
        let field_ty = fields
            .and_then(|fs| fs.iter().find(|x| x.name == name))
            .map(|x| &x.ty);
        let v = req(ctx, f, "value", &f_ptr)?;
        let v = value_json(ctx, v, field_ty, &child(&f_ptr, "value"))?;
        out.insert(name.to_owned(), v);
    }
    Ok(Value::Object(out))
}

/// `enumValueNode` → `"variant"`, `{"variant": {…}}` or `{"variant": […]}`.
fn enum_json(
    ctx: &mut Ctx,
    o: &Map<String, Value>,
    ty: Option<&Type>,
    ptr: &str,
) -> Result<Json, ValueError> {
    let env = ctx.env;
    let variant = req_str(ctx, o, "variant", ptr)?;
    // The enum: the expected type if it is one, else the linked defined type.
    let linked = o
        .get("enum")
        .and_then(|l| l.get("name"))
        .and_then(Value::as_str)
        .and_then(|name| env.types.get(name))
        .map(|t| resolve(env, t));
    let variants = match (ty, linked) {
        (Some(Type::Enum { variants, .. }), _) | (_, Some(Type::Enum { variants, .. })) => {
            Some(variants)
        }
        _ => None,
    };
    let def = variants.and_then(|vs| vs.iter().find(|v| v.name == variant));
    if variants.is_some() && def.is_none() {
        return invalid(
            ctx,
            &child(ptr, "variant"),
            format!("the enum has no variant `{variant}`"),
        );
    }
    let Some(value) = o.get("value").filter(|v| !v.is_null()) else {
        return Ok(Value::String(variant.to_owned()));
    };
    let value_ty = match def.map(|d| &d.fields) {
        Some(VariantFields::Named { fields }) => Some(Type::Struct {
            fields: fields.clone(),
        }),
        Some(VariantFields::Tuple { items }) => Some(Type::Tuple {
            items: items.clone(),
        }),
        Some(VariantFields::Nested { ty }) => Some((**ty).clone()),
        _ => None,
    };
    let inner = value_json(ctx, value, value_ty.as_ref(), &child(ptr, "value"))?;
    let mut out = Map::new();
    out.insert(variant.to_owned(), inner);
    Ok(Value::Object(out))
}

/// A `constantValueNode`'s encoded bytes.
pub(super) fn constant_bytes(ctx: &mut Ctx, v: &Value, ptr: &str) -> Option<Vec<u8>> {
    let o = ctx.node_of(v, "constantValueNode", ptr)?;
    let t = ctx.req(o, "type", ptr)?;
    let ty = type_node(ctx, t, &child(ptr, "type"))?;
    let value = ctx.req(o, "value", ptr)?;
    typed_bytes(ctx, &ty, value, &child(ptr, "value"))
}

/// The bytes of value node `v` encoded as `ty`.
pub(super) fn typed_bytes(ctx: &mut Ctx, ty: &Type, v: &Value, ptr: &str) -> Option<Vec<u8>> {
    let json = match value_json(ctx, v, Some(ty), ptr) {
        Ok(json) => json,
        Err(ValueError::Contextual) => {
            ctx.problem(ptr, "expected a constant value node");
            return None;
        }
        Err(ValueError::Invalid) => return None,
    };
    json_bytes(ctx, ty, &json, ptr)
}

/// Canonical JSON `json` encoded as `ty`.
pub(super) fn json_bytes(ctx: &mut Ctx, ty: &Type, json: &Value, ptr: &str) -> Option<Vec<u8>> {
    match crate::codec::encode_with(&ctx.env.types, ty, json) {
        Ok(bytes) => Some(bytes),
        Err(e) => {
            ctx.problem(ptr, format!("cannot encode {json}: {e}"));
            None
        }
    }
}

/// A base58 public key's 32 bytes.
pub(super) fn decode_pubkey(key: &str) -> Result<Vec<u8>, String> {
    crate::address::parse_address(key)
        .map(|bytes| bytes.to_vec())
        .map_err(|e| e.to_string())
}

/// Text in one of Codama's byte encodings.
pub(super) fn decode_str(data: &str, encoding: &str) -> Result<Vec<u8>, String> {
    match encoding {
        "utf8" => Ok(data.as_bytes().to_vec()),
        // Codama pads odd-length hex on the left.
        "base16" if data.len() % 2 == 1 => crate::hex::decode(&format!("0{data}")),
        "base16" => crate::hex::decode(data),
        "base58" => {
            return bs58::decode(data)
                .into_vec()
                .map_err(|_| format!("`{data}` is not base58"))
        }
        "base64" => return decode_base64(data),
        other => return Err(format!("unknown bytes encoding `{other}`")),
    }
    .map_err(|e| format!("`{data}` is not hexadecimal: {e}"))
}

/// Base64 in either alphabet (standard or URL-safe), padding optional, as Codama accepts it.
fn decode_base64(s: &str) -> Result<Vec<u8>, String> {
    use base64::Engine as _;
    let url_safe = base64::engine::GeneralPurpose::new(
        &base64::alphabet::URL_SAFE,
        base64::engine::GeneralPurposeConfig::new()
            .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
    );
    crate::codec::json::BASE64
        .decode(s)
        .or_else(|_| url_safe.decode(s))
        .map_err(|_| format!("`{s}` is not base64"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoders() {
        assert_eq!(decode_str("0a0B", "base16"), Ok(vec![10, 11]));
        assert_eq!(decode_str("abc", "base16"), Ok(vec![0x0a, 0xbc]));
        assert!(decode_str("zz", "base16").is_err());
        assert_eq!(decode_base64("-_8"), Ok(vec![0xfb, 0xff]));
        assert_eq!(decode_base64("aGVsbG8="), Ok(b"hello".to_vec()));
        assert_eq!(decode_base64("AAEC"), Ok(vec![0, 1, 2]));
        assert!(decode_base64("a*").is_err());
        assert_eq!(decode_str("hi", "utf8"), Ok(b"hi".to_vec()));
        assert!(decode_pubkey("11111111111111111111111111111111").is_ok());
        assert!(decode_pubkey("1111").is_err());
    }
}
