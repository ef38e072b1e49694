//! `list_instructions`' pages: the REST instruction list cut to one page, and in summary mode
//! cut down to what an agent needs to choose an instruction (a 70-instruction program is a few
//! kilobytes instead of a quarter megabyte). `get_instruction` gives the rest for one of them.

use orquestra_api::mcp::{
    ArgBrief, Detail, InstructionBrief, InstructionPage, InstructionPageEntry,
};
use orquestra_api::views::{InstructionEntry, InstructionSummary, InstructionsView};

use super::params::ListInstructions;

/// One page of the REST `GET /api/{projectId}/instructions` body.
pub fn page(view: InstructionsView, p: &ListInstructions) -> InstructionPage {
    let needle = p
        .name_contains
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_lowercase);
    let matching: Vec<InstructionEntry> = view
        .instructions
        .into_iter()
        .filter(|entry| match &needle {
            Some(needle) => name_of(entry).to_lowercase().contains(needle),
            None => true,
        })
        .collect();
    let total = matching.len();
    let offset = (p.offset as usize).min(total);
    let limit = p.limit as usize;
    let end = offset.saturating_add(limit).min(total);
    let instructions = matching
        .into_iter()
        .skip(offset)
        .take(end - offset)
        .map(|entry| match (p.detail, entry) {
            (Detail::Summary, InstructionEntry::Item(ix)) => InstructionPageEntry::Brief(brief(ix)),
            (_, entry) => InstructionPageEntry::Full(entry),
        })
        .collect();
    InstructionPage {
        head: view.head,
        detail: p.detail,
        total,
        offset,
        limit,
        next_offset: (end < total).then_some(end),
        instructions,
    }
}

fn name_of(entry: &InstructionEntry) -> &str {
    match entry {
        InstructionEntry::Item(ix) => &ix.name,
        InstructionEntry::Unreadable(item) => &item.name,
    }
}

/// The summary of one instruction.
fn brief(ix: InstructionSummary) -> InstructionBrief {
    let summary = ix
        .docs
        .iter()
        .map(|line| line.trim())
        .find(|line| !line.is_empty())
        .map(|line| line.chars().take(200).collect());
    InstructionBrief {
        summary,
        arg_count: ix.arg_count,
        account_count: ix.account_count,
        args: ix
            .args
            .into_iter()
            .map(|a| ArgBrief {
                name: a.name,
                ty: a.ty,
            })
            .collect(),
        signers: ix
            .accounts
            .into_iter()
            .filter(|a| a.is_signer)
            .map(|a| a.path)
            .collect(),
        usable: ix.usable,
        unusable: ix.unusable,
        name: ix.name,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn view(n: usize) -> InstructionsView {
        let list: Vec<Value> = (0..n)
            .map(|i| {
                json!({
                    "name": format!("ix{i}"),
                    "docs": ["", format!("Does thing {i}."), "More."],
                    "discriminator": null,
                    "argCount": 1, "accountCount": 2,
                    "args": [{"name": "amount", "type": "u64", "docs": ["long"], "optional": false,
                              "isDefinedType": false, "definedTypeName": null}],
                    "accounts": [account("a", "a", true), account("b", "g.b", false)],
                    "usable": true,
                })
            })
            .collect();
        let body = json!({"projectId": "p", "programName": "x", "programId": "P", "version": 2,
               "format": "anchor", "total": n, "instructions": list});
        serde_json::from_value(body).unwrap()
    }

    fn account(name: &str, path: &str, signer: bool) -> Value {
        json!({"name": name, "path": path, "group": null, "docs": [], "isMut": false,
               "isSigner": signer, "isOptional": false, "writable": false, "signer": signer,
               "optional": false, "address": null, "pda": null, "relations": [], "default": null})
    }

    fn params(detail: Detail, offset: u32, limit: u32, name: Option<&str>) -> ListInstructions {
        ListInstructions {
            project_id: "p".into(),
            detail,
            name_contains: name.map(str::to_string),
            offset,
            limit,
            idl_version: None,
        }
    }

    fn names(page: &InstructionPage) -> Vec<String> {
        let body = serde_json::to_value(page).unwrap();
        body["instructions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|ix| ix["name"].as_str().unwrap().to_string())
            .collect()
    }

    #[test]
    fn pages_walk_the_whole_list_once() {
        let mut seen = Vec::new();
        let mut offset = Some(0usize);
        while let Some(at) = offset {
            let page = page(view(7), &params(Detail::Summary, at as u32, 3, None));
            assert_eq!(page.total, 7);
            seen.extend(names(&page));
            offset = page.next_offset;
        }
        let expected: Vec<String> = (0..7).map(|i| format!("ix{i}")).collect();
        assert_eq!(seen, expected);
    }

    #[test]
    fn summaries_keep_names_types_and_signers_only() {
        let summary =
            serde_json::to_value(page(view(1), &params(Detail::Summary, 0, 50, None))).unwrap();
        let ix = &summary["instructions"][0];
        assert_eq!(ix["summary"], "Does thing 0.");
        assert_eq!(ix["args"], json!([{"name": "amount", "type": "u64"}]));
        assert_eq!(ix["signers"], json!(["a"]));
        assert!(ix.get("accounts").is_none());
        let full = serde_json::to_value(page(view(1), &params(Detail::Full, 0, 50, None))).unwrap();
        assert_eq!(full["instructions"][0]["accounts"][1]["path"], "g.b");
    }

    #[test]
    fn a_filter_and_an_offset_past_the_end_give_an_empty_last_page() {
        let filtered = page(view(12), &params(Detail::Summary, 0, 50, Some("IX1")));
        assert_eq!(filtered.total, 3, "ix1, ix10, ix11");
        let past = page(view(2), &params(Detail::Summary, 9, 50, None));
        assert!(past.instructions.is_empty());
        assert_eq!(past.next_offset, None);
        assert_eq!(past.offset, 2);
    }
}
