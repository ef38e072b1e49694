//! What the tools answer: results from REST outcomes (the JSON as `structuredContent` and as
//! text), error results in the REST error shape, schemas from the `orquestra_api` types, and the
//! one shape of search results.

use std::sync::Arc;

use orquestra_api::mcp::{ProgramMatch, ProgramSearch};
use rmcp::model::{CallToolResult, ContentBlock, JsonObject};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

use super::params::Cluster;
use crate::rest::Outcome;

/// A tool result from a REST outcome: the REST JSON as structuredContent (and as text), or an
/// `isError` result with the REST error object and a one-line text.
pub(super) fn result(outcome: Outcome) -> CallToolResult {
    match outcome {
        Outcome::Json(value) => success(value),
        Outcome::Text { content_type, text } => {
            success(json!({ "contentType": content_type, "text": text }))
        }
        Outcome::Error { body, .. } => failure(body),
    }
}

/// `structuredContent` is `value`; the text content is the same JSON (what the MCP specification
/// asks of tools with structured results, for clients that read only text).
pub(super) fn success(value: Value) -> CallToolResult {
    CallToolResult::structured(value)
}

/// An `isError` result whose text is the error body (`{"error": {code, message, details}}`). It
/// has no `structuredContent`: that is for results matching the tool's output schema.
pub(super) fn failure(body: Value) -> CallToolResult {
    CallToolResult::error(vec![ContentBlock::text(body.to_string())])
}

/// A tool error that did not come from a REST route, in the same shape.
pub(super) fn tool_error(code: &str, message: &str) -> CallToolResult {
    failure(json!({"error": {"code": code, "message": message, "details": []}}))
}

pub(super) fn cluster(cluster: Option<Cluster>, network: Option<Cluster>) -> Option<&'static str> {
    cluster.or(network).map(Cluster::as_str)
}

/// Drops `null` members so the REST route sees them as absent.
pub(super) fn compact(mut value: Value) -> Value {
    if let Some(object) = value.as_object_mut() {
        object.retain(|_, v| !v.is_null());
    }
    value
}

/// A tool's input or output schema, from the type's `utoipa` derive (draft 2020-12,
/// self-contained: named schemas in `$defs`).
pub(super) fn schema<T: utoipa::ToSchema>() -> Arc<JsonObject> {
    match orquestra_api::json_schema::<T>() {
        Value::Object(mut object) => {
            // MCP wants `"type": "object"` at the root; a flattened struct is an `allOf` without it.
            object.entry("type").or_insert_with(|| "object".into());
            Arc::new(object)
        }
        _ => Arc::new(JsonObject::new()),
    }
}

/// A REST body read back as its type, for tools that reshape it.
pub(super) fn typed<T: DeserializeOwned>(value: Value) -> Result<T, Box<CallToolResult>> {
    serde_json::from_value(value).map_err(|e| {
        tracing::error!(error = %e, "MCP: a REST body does not match its type");
        Box::new(tool_error("internal", "internal error"))
    })
}

/// A project of any REST project body, as search results show it.
pub(super) fn program_match(project: &Value) -> Option<ProgramMatch> {
    Some(ProgramMatch {
        id: project["id"].as_str()?.to_string(),
        name: project["name"].as_str()?.to_string(),
        program_id: project["programId"].as_str()?.to_string(),
        description: project["description"].as_str().map(str::to_string),
    })
}

/// Search results in the one shape `search_programs` declares.
pub(super) fn search_result(projects: &[Value], total: u64, scoped: bool) -> CallToolResult {
    let found = ProgramSearch {
        projects: projects.iter().filter_map(program_match).collect(),
        total,
        scoped,
    };
    match serde_json::to_value(found) {
        Ok(value) => success(value),
        Err(e) => tool_error("internal", &e.to_string()),
    }
}

/// Invalid arguments: a tool execution error (MCP 2025-11-25: the model can read and correct
/// it), with the JSON pointer at fault, in the REST error shape.
pub(super) fn invalid_args(path: &str, message: &str) -> CallToolResult {
    failure(json!({"error": {
        "code": "invalid_params",
        "message": message,
        "details": [{"path": path, "message": message}],
    }}))
}
