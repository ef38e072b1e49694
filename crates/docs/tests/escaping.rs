#![allow(clippy::unwrap_used, clippy::expect_used)]
//! User-controlled strings (IDL docs, error messages, names, known-address labels and
//! descriptions, project description) cannot break Markdown tables or inject HTML.

mod common;

use orquestra_docs::{cpi_md, escape_cell, llms_txt, KnownAddressRef, ProgramContext};
use orquestra_idl::{parse, ParseOptions};
use serde_json::json;

const EVIL: &str =
    "evil | cell\n# Injected heading\n<script>alert(1)</script> `code` [link](http://x) \\| end";

fn evil_program() -> orquestra_idl::Program {
    let idl = json!({
        "address": "EBZDYx7599krFc4m2govwBdZcicr4GgepqC78m71nsHS",
        "metadata": {"name": "evil_program", "version": "0.1.0", "spec": "0.1.0"},
        "docs": [EVIL],
        "instructions": [{
            "name": "do_it",
            "docs": [EVIL, "second | line"],
            "discriminator": [1, 2, 3, 4, 5, 6, 7, 8],
            "accounts": [
                {"name": "payer", "writable": true, "signer": true, "docs": [EVIL]},
                {"name": "vault", "writable": true, "pda": {"seeds": [
                    {"kind": "const", "value": [124, 60, 98, 62, 10, 96]},
                    {"kind": "arg", "path": "amount"}
                ]}}
            ],
            "args": [{"name": "amount", "type": "u64", "docs": [EVIL]}]
        }],
        "accounts": [{"name": "Vault", "discriminator": [9, 9, 9, 9, 9, 9, 9, 9]}],
        "types": [
            {"name": "Vault", "docs": [EVIL], "type": {"kind": "struct", "fields": [
                {"name": "amount", "type": "u64", "docs": [EVIL]}
            ]}},
            {"name": "Choice", "type": {"kind": "enum", "variants": [
                {"name": "A"}, {"name": "B", "fields": [{"name": "x", "type": "u8"}]}
            ]}}
        ],
        "errors": [
            {"code": 6000, "name": "Bad", "msg": EVIL},
            {"code": 6001, "name": "Worse", "msg": "a|b|c\r\nd"}
        ],
        "events": [{"name": "Vault", "discriminator": [7, 7, 7, 7, 7, 7, 7, 7]}]
    });
    parse(&idl.to_string(), &ParseOptions::default()).expect("the evil IDL parses")
}

const KNOWN: &[KnownAddressRef<'static>] = &[
    KnownAddressRef {
        label: "Label | with pipe\n<img src=x onerror=alert(1)>",
        address: "So11111111111111111111111111111111111111112",
        description: Some(EVIL),
    },
    KnownAddressRef {
        label: "plain",
        address: "addr|with`pipe",
        description: None,
    },
];

fn ctx() -> ProgramContext<'static> {
    ProgramContext {
        project_id: "proj123",
        project_name: "Evil | project\n<b>x</b>",
        description: Some(EVIL),
        program_id: "EBZDYx7599krFc4m2govwBdZcicr4GgepqC78m71nsHS",
        version: 1,
        base_url: "https://orquestra.example/",
        known_addresses: KNOWN,
    }
}

fn check(doc: &str) {
    assert!(!doc.contains("<script"), "HTML injected");
    assert!(!doc.contains("<img"), "HTML injected");
    assert!(!doc.contains("<b>"), "HTML injected");
    assert!(
        !doc.lines().any(|l| l.starts_with("# Injected")),
        "heading injected"
    );
    assert!(!doc.contains("[link](http://x)"), "link injected");
    assert!(!doc.contains("/api/api/"));
    check_tables(doc);
}

/// Every table row has as many cells as its header.
fn check_tables(md: &str) {
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
            assert!(line.ends_with('|'), "row does not end its cells: {line:?}");
            let mut n = 0;
            let mut escaped = false;
            for c in line.chars() {
                if escaped {
                    escaped = false;
                    continue;
                }
                match c {
                    '\\' => escaped = true,
                    '|' => n += 1,
                    _ => {}
                }
            }
            match expected {
                None => expected = Some(n),
                Some(e) => assert_eq!(n, e, "broken row {line:?}"),
            }
        } else {
            expected = None;
        }
    }
}

#[test]
fn cpi_md_escapes_user_strings() {
    let program = evil_program();
    let md = cpi_md(&program, &ctx());
    check(&md);
    // The text is still there, escaped.
    assert!(md.contains("evil \\| cell<br># Injected heading<br>&lt;script&gt;"));
    // Outside tables, a docs line that looks like a heading stays a paragraph line.
    assert!(md.contains("\\# Injected heading"));
    assert!(md.contains("| 6001 | 0x1771 | `Worse` | a\\|b\\|c<br>d |"));
    assert!(md.contains("| Label \\| with pipe<br>&lt;img src=x onerror=alert(1)&gt; |"));
    // Code spans keep pipes escaped.
    assert!(md.contains("``` addr\\|with`pipe ```") || md.contains("`` addr\\|with`pipe ``"));
}

#[test]
fn llms_txt_escapes_user_strings() {
    let program = evil_program();
    for custom in [None, Some("## Custom\n\nHand-written docs.")] {
        let txt = llms_txt(&program, &ctx(), custom);
        check(&txt);
        assert_eq!(
            txt.contains("https://orquestra.example/api/proj123/instructions/do_it/build"),
            custom.is_none()
        );
        if let Some(c) = custom {
            assert!(txt.contains(c), "custom docs are included verbatim");
        }
    }
}

#[test]
fn escape_cell_examples() {
    assert_eq!(escape_cell("a|b"), "a\\|b");
    assert_eq!(
        escape_cell("line1\nline2\r\nline3"),
        "line1<br>line2<br>line3"
    );
    assert_eq!(escape_cell("<script>"), "&lt;script&gt;");
    assert_eq!(escape_cell("`x`"), "\\`x\\`");
    assert_eq!(escape_cell("\\|"), "\\\\\\|");
    assert_eq!(
        escape_cell("plain text_with_underscores"),
        "plain text_with_underscores"
    );
}

#[test]
fn corpus_tables_stay_intact() {
    for (_, program) in common::corpus() {
        check_tables(&cpi_md(&program, &common::ctx(&program)));
    }
}
