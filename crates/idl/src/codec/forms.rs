//! The value forms the Anchor and Codama clients write besides canonical JSON, read into the
//! canonical shapes the encoder expects: Codama's `{"__kind": …}` enum values and
//! `{"__option": …}` options, Anchor's tuple variants keyed by position (`{"0": a, "1": b}`).

use serde_json::{Map, Value};

use super::encode::{find_variant, mismatch};
use super::CodecError;
use crate::{EnumVariant, Type, VariantFields};

/// The key of Codama's enum value form, `{"__kind": "Name", ...}`.
pub(super) const CODAMA_KIND: &str = "__kind";
/// The key of Codama's option value form, `{"__option": "Some", "value": x}`.
pub(super) const CODAMA_OPTION: &str = "__option";

/// The value an option holds and the pointer token leading to it: `None` for `null` and
/// `{"__option": "None"}`; the inner value of `{"__option": "Some", "value": x}`; any other value
/// as itself.
pub(super) fn option_value(v: &Value) -> Result<Option<(&Value, &'static str)>, CodecError> {
    let Value::Object(o) = v else {
        return Ok((!v.is_null()).then_some((v, "")));
    };
    let Some(tag) = o.get(CODAMA_OPTION) else {
        return Ok(Some((v, "")));
    };
    match (tag.as_str(), o.get("value"), o.len()) {
        (Some("None"), None, 1) => Ok(None),
        (Some("Some"), Some(inner), 2) => Ok(Some((inner, "/value"))),
        _ => Err(mismatch(
            "{\"__option\": \"None\"} or {\"__option\": \"Some\", \"value\": …}",
            v,
        )),
    }
}

/// The payload of Codama's `{"__kind": name, ...}` form: the other keys as an object of named
/// fields, the `fields` array of a tuple variant, nothing for a unit variant.
pub(super) fn codama_variant_payload(
    variants: &[EnumVariant],
    name: &str,
    o: &Map<String, Value>,
) -> Option<Value> {
    let rest: Map<String, Value> = o
        .iter()
        .filter(|(k, _)| k.as_str() != CODAMA_KIND)
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let tuple_like = match find_variant(variants, name).map(|v| &v.fields) {
        Some(VariantFields::Tuple { .. }) => true,
        Some(VariantFields::Nested { ty }) => {
            matches!(
                ty.unwrapped(),
                Type::Tuple { .. } | Type::TupleStruct { .. }
            )
        }
        _ => false,
    };
    match rest.get("fields") {
        Some(fields) if tuple_like && rest.len() == 1 => Some(fields.clone()),
        _ if rest.is_empty() => None,
        _ => Some(Value::Object(rest)),
    }
}

/// `{"0": a, "1": b}` as `[a, b]`, when the keys are exactly the positions `0..len`.
pub(super) fn positional_items(len: usize, o: &Map<String, Value>) -> Option<Value> {
    if o.len() != len {
        return None;
    }
    (0..len)
        .map(|i| o.get(&i.to_string()).cloned())
        .collect::<Option<Vec<_>>>()
        .map(Value::Array)
}
