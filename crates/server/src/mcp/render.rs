//! The text of a failed tool call: the REST error on one line (code, HTTP status, message and
//! every detail's pointer), which says all the error object says.

use std::fmt::Write as _;

use serde_json::Value;

fn str_of<'a>(value: &'a Value, key: &str) -> &'a str {
    value.get(key).and_then(Value::as_str).unwrap_or("?")
}

/// `Error not_found (HTTP 404): project not found — /args/x: …` on one line (the HTTP status
/// when the error came from a REST route).
pub fn error(status: Option<u16>, body: &Value) -> String {
    let error = &body["error"];
    let status = status.map(|s| format!(" (HTTP {s})")).unwrap_or_default();
    let message = str_of(error, "message");
    let details = error
        .get("details")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    // One detail that only says where: `Error code: /path: message`.
    if let [only] = details.as_slice() {
        if only["message"].as_str() == Some(message) {
            if let Some(path) = only["path"].as_str() {
                let line = format!("Error {}{status}: {path}: {message}", str_of(error, "code"));
                return line.replace('\n', " ");
            }
        }
    }
    let mut line = format!("Error {}{status}: {message}", str_of(error, "code"));
    if !details.is_empty() {
        let parts: Vec<String> = details
            .iter()
            .filter_map(|d| {
                let path = d.get("path").and_then(Value::as_str)?;
                let message = d.get("message").and_then(Value::as_str).unwrap_or("");
                Some(format!("{path}: {message}"))
            })
            .collect();
        if !parts.is_empty() {
            let _ = write!(line, " — {}", parts.join("; "));
        }
    }
    line.replace('\n', " ")
}

/// `search_programs`: one line per project.
#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn errors_fit_on_one_line() {
        let body = json!({"error": {"code": "invalid_args", "message": "bad\nthing", "details": [{"path": "/args/amount", "message": "expected u64"}]}});
        assert_eq!(
            super::error(Some(422), &body),
            "Error invalid_args (HTTP 422): bad thing — /args/amount: expected u64"
        );
        let body = json!({"error": {"code": "invalid_params", "message": "must be 1..=20", "details": [{"path": "/limit", "message": "must be 1..=20"}]}});
        assert_eq!(
            super::error(None, &body),
            "Error invalid_params: /limit: must be 1..=20"
        );
    }
}
