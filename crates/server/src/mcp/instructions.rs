//! `list_instructions`' pages: the REST instruction list cut to one page, and in summary mode
//! cut down to what an agent needs to choose an instruction (a 70-instruction program is a few
//! kilobytes instead of a quarter megabyte). `get_instruction` gives the rest for one of them.

use serde_json::{json, Map, Value};

use super::params::{Detail, ListInstructions};

/// One page of the REST `GET /api/{projectId}/instructions` body `view`.
pub fn page(view: Value, p: &ListInstructions) -> Value {
    let Value::Object(mut view) = view else {
        return view;
    };
    let all = match view.remove("instructions") {
        Some(Value::Array(all)) => all,
        _ => Vec::new(),
    };
    let needle = p
        .name_contains
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_lowercase);
    let matching: Vec<Value> = all
        .into_iter()
        .filter(|ix| match &needle {
            Some(needle) => ix["name"]
                .as_str()
                .is_some_and(|name| name.to_lowercase().contains(needle)),
            None => true,
        })
        .collect();
    let total = matching.len();
    let offset = (p.offset as usize).min(total);
    let end = offset.saturating_add(p.limit as usize).min(total);
    let instructions: Vec<Value> = matching
        .into_iter()
        .skip(offset)
        .take(end - offset)
        .map(|ix| match p.detail {
            Detail::Summary => summary(&ix),
            Detail::Full => ix,
        })
        .collect();
    let mut out = Map::new();
    for key in ["projectId", "programName", "programId", "version", "format"] {
        if let Some(value) = view.remove(key) {
            out.insert(key.into(), value);
        }
    }
    out.insert("detail".into(), json!(p.detail));
    out.insert("total".into(), json!(total));
    out.insert("offset".into(), json!(offset));
    out.insert("limit".into(), json!(p.limit));
    out.insert(
        "nextOffset".into(),
        if end < total { json!(end) } else { Value::Null },
    );
    out.insert("instructions".into(), Value::Array(instructions));
    Value::Object(out)
}

/// The summary of one REST instruction entry.
fn summary(ix: &Value) -> Value {
    let first_doc_line = ix["docs"]
        .as_array()
        .and_then(|docs| {
            docs.iter()
                .filter_map(Value::as_str)
                .find(|l| !l.trim().is_empty())
        })
        .map(|line| line.trim().chars().take(200).collect::<String>());
    let args: Vec<Value> = ix["args"]
        .as_array()
        .map(|args| {
            args.iter()
                .map(|a| json!({"name": a["name"], "type": a["type"]}))
                .collect()
        })
        .unwrap_or_default();
    let accounts = ix["accounts"].as_array();
    let signers: Vec<Value> = accounts
        .map(|list| {
            list.iter()
                .filter(|a| a["isSigner"] == Value::Bool(true))
                .map(|a| a["path"].clone())
                .collect()
        })
        .unwrap_or_default();
    let mut out = json!({
        "name": ix["name"],
        "summary": first_doc_line,
        "argCount": ix["argCount"],
        "accountCount": ix["accountCount"],
        "args": args,
        "signers": signers,
        "usable": ix.get("usable").cloned().unwrap_or(Value::Bool(true)),
    });
    if let (Some(unusable), Some(o)) = (ix.get("unusable"), out.as_object_mut()) {
        o.insert("unusable".into(), unusable.clone());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(n: usize) -> Value {
        let list: Vec<Value> = (0..n)
            .map(|i| {
                json!({
                    "name": format!("ix{i}"),
                    "docs": ["", format!("Does thing {i}."), "More."],
                    "argCount": 1, "accountCount": 2,
                    "args": [{"name": "amount", "type": "u64", "docs": ["long"]}],
                    "accounts": [
                        {"name": "a", "path": "a", "isSigner": true},
                        {"name": "b", "path": "g.b", "isSigner": false}
                    ],
                    "usable": true,
                })
            })
            .collect();
        json!({"projectId": "p", "programName": "x", "programId": "P", "version": 2,
               "format": "anchor", "total": n, "instructions": list})
    }

    fn params(detail: Detail, offset: u32, limit: u32, name: Option<&str>) -> ListInstructions {
        ListInstructions {
            project_id: "p".into(),
            detail,
            name_contains: name.map(str::to_string),
            offset,
            limit,
        }
    }

    #[test]
    fn pages_walk_the_whole_list_once() {
        let mut seen = Vec::new();
        let mut offset = Some(0u32);
        while let Some(at) = offset {
            let page = page(view(7), &params(Detail::Summary, at, 3, None));
            assert_eq!(page["total"], 7);
            for ix in page["instructions"].as_array().unwrap() {
                seen.push(ix["name"].as_str().unwrap().to_string());
            }
            offset = page["nextOffset"].as_u64().map(|n| n as u32);
        }
        let expected: Vec<String> = (0..7).map(|i| format!("ix{i}")).collect();
        assert_eq!(seen, expected);
    }

    #[test]
    fn summaries_keep_names_types_and_signers_only() {
        let page = page(view(1), &params(Detail::Summary, 0, 50, None));
        let ix = &page["instructions"][0];
        assert_eq!(ix["summary"], "Does thing 0.");
        assert_eq!(ix["args"], json!([{"name": "amount", "type": "u64"}]));
        assert_eq!(ix["signers"], json!(["a"]));
        assert!(ix.get("accounts").is_none());
        let full = page_full();
        assert_eq!(full["instructions"][0]["accounts"][1]["path"], "g.b");
    }

    fn page_full() -> Value {
        page(view(1), &params(Detail::Full, 0, 50, None))
    }

    #[test]
    fn a_filter_and_an_offset_past_the_end_give_an_empty_last_page() {
        let filtered = page(view(12), &params(Detail::Summary, 0, 50, Some("IX1")));
        assert_eq!(filtered["total"], 3, "ix1, ix10, ix11");
        let past = page(view(2), &params(Detail::Summary, 9, 50, None));
        assert_eq!(past["instructions"], json!([]));
        assert_eq!(past["nextOffset"], Value::Null);
        assert_eq!(past["offset"], 2);
    }
}
