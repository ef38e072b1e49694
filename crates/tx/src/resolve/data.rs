//! Reading fields of on-chain account data the caller fetched: Anchor `relations` (an account
//! stored in another account's field) and account-field PDA seeds (`bonding_curve.creator`).

use orquestra_idl::{Program, Type};
use serde_json::Value;

use super::well_known::normalise;
use crate::pda::same_name;

/// The decoded value of `data`: as account type `ty` when given (and known to the IDL), else
/// the type its discriminator names.
fn decode(program: &Program, ty: Option<&str>, data: &[u8]) -> Result<(String, Value), String> {
    let name = match ty.and_then(|t| program.find_account(t)) {
        Some(def) => def.name.clone(),
        None => match ty {
            Some(t) => return Err(format!("the IDL has no account type `{t}`")),
            None => program
                .identify_account(data)
                .map(|def| def.name.clone())
                .ok_or("the data matches no account type of the IDL")?,
        },
    };
    let decoded = program
        .decode_account(&name, data)
        .map_err(|e| format!("cannot decode as `{name}`: {e}"))?;
    Ok((name, decoded.value))
}

/// A field of a JSON object by dotted path, either casing.
fn field<'v>(value: &'v Value, path: &str) -> Option<&'v Value> {
    let mut current = value;
    for part in path.split('.') {
        let object = current.as_object()?;
        current = object.get(part).or_else(|| {
            object
                .iter()
                .find(|(k, _)| same_name(k, part))
                .map(|(_, v)| v)
        })?;
    }
    Some(current)
}

/// The address stored in field `name` of the account whose data is `data` (an Anchor relation).
/// `Ok(None)`: the account type has no such field.
pub(crate) fn relation(
    program: &Program,
    name: &str,
    data: &[u8],
) -> Result<Option<String>, String> {
    let (ty, value) = decode(program, None, data)?;
    match field(&value, name) {
        None => Ok(None),
        Some(Value::String(text)) => Ok(Some(text.clone())),
        Some(other) => Err(format!(
            "field `{name}` of `{ty}` is not an address: {other}"
        )),
    }
}

/// The seed bytes of field `path` of an account of type `ty` (Anchor semantics: numbers
/// little-endian by width, addresses 32 bytes, strings and bytes without their length prefix).
pub(crate) fn field_seed(
    program: &Program,
    ty: Option<&str>,
    path: &str,
    data: &[u8],
) -> Result<Vec<u8>, String> {
    if let Some(bytes) = ty.and_then(|t| spl_field(program, t, path, data)) {
        return Ok(bytes);
    }
    let (name, value) = decode(program, ty, data)?;
    let value = field(&value, path).ok_or_else(|| format!("`{name}` has no field `{path}`"))?;
    let field_ty = program
        .find_account(&name)
        .and_then(|def| field_type(program, &def.ty, path))
        .ok_or_else(|| format!("cannot tell the type of `{name}.{path}`"))?;
    let field_ty = match &field_ty {
        Type::SizePrefixed { inner, .. }
            if matches!(**inner, Type::String { .. } | Type::Bytes) =>
        {
            inner.as_ref()
        }
        other => other,
    };
    program
        .encode_value(field_ty, value)
        .map_err(|e| format!("cannot encode `{name}.{path}` as a seed: {e}"))
}

/// The type of field `path` inside `ty`, following named types.
fn field_type(program: &Program, ty: &Type, path: &str) -> Option<Type> {
    let mut current = ty.clone();
    for part in path.split('.') {
        for _ in 0..16 {
            // Through named types and Codama nested-type wrappers (`hiddenPrefixTypeNode`, …).
            match current.unwrapped() {
                Type::Defined { name, .. } => current = program.resolve_defined(name)?.1.clone(),
                inner => {
                    current = inner.clone();
                    break;
                }
            }
        }
        let Type::Struct { fields } = &current else {
            return None;
        };
        current = fields
            .iter()
            .find(|f| f.name == part || same_name(&f.name, part))?
            .ty
            .clone();
    }
    Some(current)
}

/// SPL Token accounts referenced by type name without being in the IDL (`TokenAccount`):
/// `mint` at 0..32 and `owner` at 32..64, the same in Token and Token-2022.
fn spl_field(program: &Program, ty: &str, path: &str, data: &[u8]) -> Option<Vec<u8>> {
    if program.find_account(ty).is_some() || normalise(ty) != "tokenaccount" {
        return None;
    }
    let range = match normalise(path).as_str() {
        "mint" => 0..32,
        "owner" => 32..64,
        _ => return None,
    };
    data.get(range).map(<[u8]>::to_vec)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    /// Account data that is a Codama `hiddenPrefixTypeNode` around the struct: its fields are
    /// still found (and encoded) as seeds.
    #[test]
    fn field_seed_through_nested_type_wrappers() {
        let doc = include_str!("../../../../testdata/synthetic/codama_nested.json");
        let program = orquestra_idl::parse(doc, &orquestra_idl::ParseOptions::default()).unwrap();
        let owner = "So11111111111111111111111111111111111111112";
        let value =
            serde_json::json!({"owner": owner, "amount": "5", "action": {"padded": [1, 2]}});
        let data = program.encode_account("vault", &value).unwrap();
        let expected = bs58::decode(owner).into_vec().unwrap();
        assert_eq!(
            field_seed(&program, Some("vault"), "owner", &data),
            Ok(expected)
        );
        assert_eq!(
            field_seed(&program, Some("vault"), "amount", &data),
            Ok(vec![5, 0, 0, 0, 0, 0, 0, 0])
        );
    }
}
