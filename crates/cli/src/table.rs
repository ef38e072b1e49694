//! Plain-text result tables for `db query`, `db shell` and `stats`.

use serde_json::Value;

/// A cell as the user should read it: strings unquoted, NULL spelled out, blobs as hex.
fn cell_text(value: &Value) -> String {
    match value {
        Value::Null => "NULL".into(),
        Value::String(s) => s.clone(),
        Value::Object(map) => match map.get("hex") {
            Some(Value::String(h)) => format!("x'{h}'"),
            _ => value.to_string(),
        },
        other => other.to_string(),
    }
}

/// Renders a boxed table; multi-line cells are shown with `\n` so rows stay one line each.
pub fn render(columns: &[String], rows: &[Vec<Value>]) -> String {
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|row| {
            row.iter()
                .map(|v| cell_text(v).replace('\n', "\\n"))
                .collect()
        })
        .collect();
    let mut widths: Vec<usize> = columns.iter().map(|c| c.chars().count()).collect();
    for row in &cells {
        for (i, cell) in row.iter().enumerate() {
            if let Some(w) = widths.get_mut(i) {
                *w = (*w).max(cell.chars().count());
            }
        }
    }
    let rule: String = widths
        .iter()
        .map(|w| format!("+{}", "-".repeat(w + 2)))
        .collect::<String>()
        + "+\n";
    let line = |items: &[String]| -> String {
        let mut out = String::new();
        for (i, w) in widths.iter().enumerate() {
            let text = items.get(i).map(String::as_str).unwrap_or("");
            let pad = w - text.chars().count();
            out.push_str(&format!("| {text}{} ", " ".repeat(pad)));
        }
        out + "|\n"
    };
    let mut out = rule.clone();
    out.push_str(&line(columns));
    out.push_str(&rule);
    for row in &cells {
        out.push_str(&line(row));
    }
    out.push_str(&rule);
    out.push_str(&format!(
        "({} row{})\n",
        rows.len(),
        if rows.len() == 1 { "" } else { "s" }
    ));
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn renders_aligned_rows() {
        let out = super::render(
            &["id".into(), "name".into()],
            &[
                vec![json!(1), json!("alpha")],
                vec![json!(22), json!(null)],
                vec![json!(3), json!({"hex": "00ff"})],
            ],
        );
        let expected = "\
+----+---------+
| id | name    |
+----+---------+
| 1  | alpha   |
| 22 | NULL    |
| 3  | x'00ff' |
+----+---------+
(3 rows)
";
        assert_eq!(out, expected);
    }
}
