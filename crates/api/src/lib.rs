//! `orquestra-api`: the shapes on the wire. Every body the HTTP API and the MCP tools send or
//! accept is a type here, deriving `serde` for the bytes and `utoipa::ToSchema` for the OpenAPI
//! documents, so what is documented is what is serialised. Field names are camelCase and times are
//! RFC 3339 strings throughout.
//!
//! No logic lives here beyond construction helpers: the engine crates produce values, `docs` and
//! `server` put them into these types.

pub mod error;
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

pub use utoipa;
