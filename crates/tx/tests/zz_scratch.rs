#![allow(clippy::unwrap_used, clippy::expect_used)]
use orquestra_idl::{ParseOptions, AccountItem};
#[test]
fn dump() {
    for (f, ixs) in [("codama/spl_associated_token_account.json", vec!["create","createIdempotent"]), ("codama/mpl_token_metadata_codama.json", vec!["create","createV1","burnV1"])] {
        let text = std::fs::read_to_string(format!("{}/../../testdata/idls/{f}", env!("CARGO_MANIFEST_DIR"))).unwrap();
        let p = orquestra_idl::parse(&text, &ParseOptions::default()).unwrap();
        for ix in &p.instructions {
            if !ixs.is_empty() && !ixs.contains(&ix.name.as_str()) { continue; }
            let has_opt = ix.accounts.iter().any(|a| matches!(a, AccountItem::Single(x) if x.optional));
            if ixs.is_empty() && !has_opt { continue; }
            println!("== {f} {} {:?}", ix.name, ix.optional_account_strategy);
            for a in &ix.accounts { println!("  {}", serde_json::to_string(a).unwrap()); }
            if ixs.is_empty() { break; }
        }
    }
}
