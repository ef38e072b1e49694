//! What can be read from raw IDL JSON before (or without) a full parse.

use serde_json::Value;

/// The program name an IDL document states, whatever its format: Anchor ≥0.30
/// (`metadata.name`), legacy Anchor and Shank (`name`), Codama (`program.name`). Blank names
/// count as none.
pub fn program_name(idl: &Value) -> Option<&str> {
    [
        idl.get("metadata").and_then(|m| m.get("name")),
        idl.get("name"),
        idl.get("program").and_then(|p| p.get("name")),
    ]
    .into_iter()
    .flatten()
    .filter_map(Value::as_str)
    .find(|name| !name.trim().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_format() {
        assert_eq!(
            program_name(&json!({"metadata": {"name": "a"}, "name": "b"})),
            Some("a")
        );
        assert_eq!(program_name(&json!({"name": "legacy"})), Some("legacy"));
        assert_eq!(
            program_name(&json!({"kind": "rootNode", "program": {"name": "codama"}})),
            Some("codama")
        );
        assert_eq!(program_name(&json!({"metadata": {"name": " "}})), None);
        assert_eq!(program_name(&json!({"name": 3})), None);
    }
}
