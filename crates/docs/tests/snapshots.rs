#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Snapshots of everything shown about a program, for one IDL of each kind: the per-program
//! OpenAPI document, the REST views, CPI.md and llms.txt. A change to any of them shows up as a
//! diff to review. Regenerate after an intended change with
//! `INSTA_UPDATE=always cargo test -p orquestra-docs --test snapshots` and review the `.snap` diff.

mod common;

use orquestra_docs::{cpi_md, llms_txt, program_openapi, views};
use orquestra_idl::{parse, ParseOptions, Program};

/// (snapshot name, corpus file): Anchor ≥ 0.30, legacy Anchor, Codama.
const IDLS: &[(&str, &str)] = &[
    ("anchor_relations", "anchor/anchor_relations.json"),
    ("anchor_idl_old", "anchor-legacy/anchor_idl_old.json"),
    ("spl_compute_budget", "codama/spl_compute_budget.json"),
];

fn load(file: &str) -> Program {
    let path = common::repo_root().join("testdata/idls").join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    parse(
        &text,
        &ParseOptions {
            program_id: Some("11111111111111111111111111111111".into()),
            ..Default::default()
        },
    )
    .unwrap_or_else(|e| panic!("{file}: {e:?}"))
}

fn settings(name: &str) -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_suffix(name.to_string());
    settings.set_prepend_module_to_snapshot(false);
    settings
}

#[test]
fn program_openapi_documents() {
    for (name, file) in IDLS {
        let program = load(file);
        settings(name).bind(|| {
            insta::assert_json_snapshot!(
                "openapi",
                program_openapi(&program, &common::ctx(&program))
            );
        });
    }
}

#[test]
fn views() {
    for (name, file) in IDLS {
        let program = load(file);
        let ctx = common::ctx(&program);
        let first = program.instructions.first().map(|ix| ix.name.clone());
        settings(name).bind(|| {
            insta::assert_json_snapshot!("instructions", views::instructions(&program, &ctx));
            if let Some(first) = &first {
                insta::assert_json_snapshot!(
                    "instruction",
                    views::instruction(&program, &ctx, first)
                );
            }
            insta::assert_json_snapshot!("accounts", views::accounts(&program, &ctx));
            insta::assert_json_snapshot!("types", views::types(&program, &ctx));
            insta::assert_json_snapshot!("errors", views::errors(&program, &ctx));
            insta::assert_json_snapshot!("events", views::events(&program, &ctx));
            insta::assert_json_snapshot!("constants", views::constants(&program, &ctx));
        });
    }
}

#[test]
fn cpi_md_and_llms_txt() {
    for (name, file) in IDLS {
        let program = load(file);
        let ctx = common::ctx(&program);
        settings(name).bind(|| {
            insta::assert_snapshot!("cpi_md", cpi_md(&program, &ctx));
            insta::assert_snapshot!("llms_txt", llms_txt(&program, &ctx, None));
        });
    }
}
