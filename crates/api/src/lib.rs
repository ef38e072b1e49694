//! `orquestra-api`: the shapes on the wire. Every body the HTTP API and the MCP tools send or
//! accept is a type here, deriving `serde` for the bytes and `utoipa::ToSchema` for the OpenAPI
//! documents, so what is documented is what is serialised. Field names are camelCase and times are
//! RFC 3339 strings throughout.
//!
//! No logic lives here beyond construction helpers: the engine crates produce values, `docs` and
//! `server` put them into these types.

pub mod account;
pub mod auth;
pub mod diff;
pub mod error;
pub mod intake;
pub mod keys;
pub mod lists;
pub mod mcp;
pub mod pda;
pub mod platform;
pub mod projects;
pub mod published;
pub mod transaction;
pub mod views;

pub use error::ErrorCode;

/// The JSON Schema of `T` and of every named schema it refers to, as `(name, schema)` pairs for
/// an OpenAPI document's `components.schemas`. Lets a document assembled as JSON (the
/// per-program one) use exactly the schemas the platform document gets from utoipa.
pub fn component_schemas<T: utoipa::ToSchema>() -> Vec<(String, serde_json::Value)> {
    let mut schemas = Vec::new();
    T::schemas(&mut schemas);
    let mut out = vec![(T::name().into_owned(), to_json(&T::schema()))];
    out.extend(
        schemas
            .into_iter()
            .map(|(name, schema)| (name, to_json(&schema))),
    );
    out
}

fn to_json(schema: &utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>) -> serde_json::Value {
    serde_json::to_value(schema).unwrap_or(serde_json::Value::Null)
}

/// A self-contained JSON Schema (draft 2020-12) of `T`: the named schemas it refers to are put
/// in `$defs` and every `#/components/schemas/…` reference points there. For consumers outside an
/// OpenAPI document, such as MCP tools' `outputSchema`.
pub fn json_schema<T: utoipa::ToSchema>() -> serde_json::Value {
    let mut pairs = component_schemas::<T>().into_iter();
    let Some((_, mut root)) = pairs.next() else {
        return serde_json::Value::Null;
    };
    let mut defs = serde_json::Map::new();
    for (name, mut schema) in pairs {
        point_refs_at_defs(&mut schema);
        defs.insert(name, schema);
    }
    point_refs_at_defs(&mut root);
    if let serde_json::Value::Object(object) = &mut root {
        object.insert(
            "$schema".into(),
            "https://json-schema.org/draft/2020-12/schema".into(),
        );
        if !defs.is_empty() {
            object.insert("$defs".into(), serde_json::Value::Object(defs));
        }
    }
    root
}

fn point_refs_at_defs(value: &mut serde_json::Value) {
    const COMPONENTS: &str = "#/components/schemas/";
    match value {
        serde_json::Value::Object(object) => {
            for (key, member) in object.iter_mut() {
                match member {
                    serde_json::Value::String(target) if key == "$ref" => {
                        if let Some(name) = target.strip_prefix(COMPONENTS) {
                            *target = format!("#/$defs/{name}");
                        }
                    }
                    other => point_refs_at_defs(other),
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(point_refs_at_defs),
        _ => {}
    }
}

pub use utoipa;

#[cfg(test)]
mod tests {
    use serde::Serialize;

    /// A body that refers to a named schema.
    #[derive(Serialize, utoipa::ToSchema)]
    #[serde(rename_all = "camelCase")]
    struct Outer {
        error_code: crate::ErrorCode,
        items: Vec<Inner>,
    }

    #[derive(Serialize, utoipa::ToSchema)]
    struct Inner {
        name: String,
    }

    #[test]
    fn json_schemas_are_self_contained() {
        let schema = crate::json_schema::<Outer>();
        let text = schema.to_string();
        assert!(!text.contains("#/components/"), "{text}");
        assert!(schema["$defs"]["Inner"].is_object(), "{text}");
        assert!(schema["$defs"]["ErrorCode"]["enum"].is_array(), "{text}");
        assert_eq!(
            schema["properties"]["items"]["items"]["$ref"],
            "#/$defs/Inner"
        );
        assert!(schema["properties"]["errorCode"].is_object(), "{text}");
    }
}
