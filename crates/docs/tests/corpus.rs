#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Views, CPI.md and llms.txt over every corpus IDL.

mod common;

use orquestra_docs::{cpi_md, llms_txt, program_openapi, views};
use orquestra_idl::{AccountItem, Program};
use serde_json::Value;

fn leaf_count(items: &[AccountItem]) -> usize {
    items
        .iter()
        .map(|i| match i {
            AccountItem::Single(_) => 1,
            AccountItem::Group { accounts, .. } => leaf_count(accounts),
        })
        .sum()
}

fn check_head(file: &str, v: &Value, program: &Program) {
    assert_eq!(v["projectId"], "proj123", "{file}");
    assert_eq!(v["programName"], program.name.as_str(), "{file}");
    assert!(!program.name.is_empty(), "{file}: program without a name");
    assert!(v["programId"].is_string(), "{file}");
    assert_eq!(v["version"], 3, "{file}");
}

#[test]
fn view_counts_equal_the_model() {
    for (file, program) in common::corpus() {
        let ctx = common::ctx(&program);
        let list = common::to_json(&views::instructions(&program, &ctx));
        check_head(&file, &list, &program);
        let items = list["instructions"].as_array().unwrap();
        assert_eq!(items.len(), program.instructions.len(), "{file}");
        assert_eq!(list["total"], program.instructions.len(), "{file}");
        for (ix, v) in program.instructions.iter().zip(items) {
            assert_eq!(v["name"], ix.name.as_str());
            assert_eq!(
                v["accountCount"],
                leaf_count(&ix.accounts),
                "{file} {}",
                ix.name
            );
            let user_args = ix
                .args
                .iter()
                .filter(|a| a.omitted_default.is_none())
                .count();
            assert_eq!(v["argCount"], user_args, "{file} {}", ix.name);
            let detail = common::to_json(&views::instruction(&program, &ctx, &ix.name).unwrap());
            check_head(&file, &detail, &program);
            let d = &detail["instruction"];
            assert_eq!(d["args"].as_array().unwrap().len(), user_args);
            assert_eq!(
                d["accounts"].as_array().unwrap().len(),
                leaf_count(&ix.accounts)
            );
            let example = &d["exampleRequest"];
            program
                .encode_instruction(&ix.name, &example["args"])
                .unwrap_or_else(|e| panic!("{file} {}: {e}", ix.name));
            for arg in d["args"].as_array().unwrap() {
                assert!(arg["type"].is_string());
                assert!(arg.get("example").is_some());
            }
        }
        assert!(views::instruction(&program, &ctx, "no_such_instruction_x").is_none());

        let accounts = common::to_json(&views::accounts(&program, &ctx));
        check_head(&file, &accounts, &program);
        assert_eq!(
            accounts["accounts"].as_array().unwrap().len(),
            program.accounts.len(),
            "{file}"
        );
        let types = common::to_json(&views::types(&program, &ctx));
        assert_eq!(
            types["types"].as_array().unwrap().len(),
            program.types.len()
        );
        let errors = common::to_json(&views::errors(&program, &ctx));
        assert_eq!(
            errors["errors"].as_array().unwrap().len(),
            program.errors.len()
        );
        let events = common::to_json(&views::events(&program, &ctx));
        assert_eq!(
            events["events"].as_array().unwrap().len(),
            program.events.len()
        );
        let constants = common::to_json(&views::constants(&program, &ctx));
        assert_eq!(
            constants["constants"].as_array().unwrap().len(),
            program.constants.len()
        );
        for v in [&types, &errors, &events, &constants] {
            check_head(&file, v, &program);
        }
    }
}

#[test]
fn cpi_md_mentions_everything() {
    for (file, program) in common::corpus() {
        let ctx = common::ctx(&program);
        let md = cpi_md(&program, &ctx);
        for ix in &program.instructions {
            assert!(
                md.contains(&format!("### `{}`", ix.name)),
                "{file}: {}",
                ix.name
            );
        }
        for acc in &program.accounts {
            assert!(
                md.contains(&format!("`{}`", acc.name)),
                "{file}: {}",
                acc.name
            );
        }
        for t in &program.types {
            assert!(md.contains(&format!("`{}`", t.name)), "{file}: {}", t.name);
        }
        for e in &program.errors {
            assert!(
                md.contains(&format!("| {} |", e.code)),
                "{file}: {}",
                e.code
            );
        }
        for k in common::KNOWN {
            assert!(md.contains(k.address), "{file}");
        }
        assert!(md.contains(&program.instructions.len().to_string()));
        assert!(!md.contains("/api/api/"));
        check_tables(&file, &md);
    }
}

/// Every table row has as many cells as its header (unescaped `|` counted).
pub fn check_tables(file: &str, md: &str) {
    let mut expected: Option<usize> = None;
    let mut in_fence = false;
    for line in md.lines() {
        if line.starts_with("```") {
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            continue;
        }
        if line.starts_with('|') {
            let cells = count_cells(line);
            match expected {
                None => expected = Some(cells),
                Some(n) => assert_eq!(cells, n, "{file}: broken table row {line:?}"),
            }
        } else {
            expected = None;
        }
    }
}

fn count_cells(line: &str) -> usize {
    let mut n = 0;
    let mut escaped = false;
    for c in line.chars() {
        match c {
            '\\' if !escaped => escaped = true,
            '|' if !escaped => n += 1,
            _ => escaped = false,
        }
        if c != '\\' {
            escaped = false;
        }
    }
    n - 1
}

#[test]
fn llms_txt_for_every_idl() {
    for (file, program) in common::corpus() {
        let ctx = common::ctx(&program);
        let txt = llms_txt(&program, &ctx, None);
        assert!(txt.starts_with("# "), "{file}");
        assert!(txt.contains("\n> "), "{file}");
        assert!(txt.contains("https://orquestra.example/api/proj123/instructions"));
        assert!(!txt.contains("/api/api/"), "{file}");
        assert!(!txt.contains("\"seeds\""), "{file}");
        for ix in &program.instructions {
            assert!(txt.contains(&ix.name), "{file}: {}", ix.name);
        }
        check_tables(&file, &txt);
        let custom = llms_txt(&program, &ctx, Some("# My docs\n\nHand-written."));
        assert!(custom.contains("Hand-written."));
    }
}

#[test]
fn output_is_deterministic() {
    for (file, program) in common::corpus() {
        let ctx = common::ctx(&program);
        assert_eq!(cpi_md(&program, &ctx), cpi_md(&program, &ctx), "{file}");
        assert_eq!(
            llms_txt(&program, &ctx, None),
            llms_txt(&program, &ctx, None),
            "{file}"
        );
        let a = serde_json::to_string(&program_openapi(&program, &ctx)).unwrap();
        let b = serde_json::to_string(&program_openapi(&program, &ctx)).unwrap();
        assert_eq!(a, b, "{file}");
        let a = serde_json::to_string(&views::instructions(&program, &ctx)).unwrap();
        let b = serde_json::to_string(&views::instructions(&program, &ctx)).unwrap();
        assert_eq!(a, b, "{file}");
    }
}
