#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Hostile IDLs: every generated view and document stays bounded (size here; time is reported
//! by `bench/hostile.sh`, never asserted), and nothing panics.

mod common;

#[path = "common/hostile.rs"]
mod hostile;

use std::time::Instant;

use orquestra_docs::{views, MAX_DOCUMENT_BYTES};
use orquestra_idl::{parse, ParseOptions};

/// Bytes a generated JSON document may take per byte of IDL, plus a fixed allowance: output must
/// stay proportional to the input.
fn bound(idl_len: usize) -> usize {
    idl_len * 40 + (16 << 20)
}

#[test]
fn hostile_idls_give_bounded_output() {
    for case in hostile::corpus() {
        let started = Instant::now();
        let parsed = parse(&case.text, &ParseOptions::default());
        let program = match (parsed, case.refused) {
            (Err(_), true) => continue,
            (Ok(_), true) => panic!("{}: should be refused", case.name),
            (Err(e), false) => panic!("{}: refused: {e}", case.name),
            (Ok(p), false) => p,
        };
        let ctx = common::ctx(&program);
        let limit = bound(case.text.len());
        let mut sizes = Vec::new();
        let mut check = |what: &str, len: usize, max: usize| {
            assert!(
                len <= max,
                "{}: {what} is {len} bytes (max {max})",
                case.name
            );
            sizes.push(format!("{what}={len}"));
        };
        let md = orquestra_docs::cpi_md(&program, &ctx);
        check("cpi_md", md.len(), MAX_DOCUMENT_BYTES);
        let llms = orquestra_docs::llms_txt(&program, &ctx, None);
        check("llms", llms.len(), MAX_DOCUMENT_BYTES);
        // Names with NUL, bidi overrides or zero-width characters are shown escaped, never raw.
        for (what, text) in [("cpi_md", &md), ("llms", &llms)] {
            for bad in ['\u{0}', '\u{202E}', '\u{200B}', '\u{2066}'] {
                assert!(
                    !text.contains(bad),
                    "{}: {what} contains U+{:04X}",
                    case.name,
                    u32::from(bad)
                );
            }
        }
        let openapi = orquestra_docs::program_openapi(&program, &ctx).to_string();
        check("openapi", openapi.len(), limit);
        for (name, view) in [
            (
                "instructions",
                common::to_json(&views::instructions(&program, &ctx)),
            ),
            (
                "accounts",
                common::to_json(&views::accounts(&program, &ctx)),
            ),
            ("types", common::to_json(&views::types(&program, &ctx))),
            ("events", common::to_json(&views::events(&program, &ctx))),
        ] {
            check(name, view.to_string().len(), limit);
        }
        for ix in program.instructions.iter().take(50) {
            let detail = common::to_json(&views::instruction(&program, &ctx, &ix.name).unwrap());
            check("instruction", detail.to_string().len(), limit);
        }
        // Decoding a few bytes as each account never loops through zero-sized values for long.
        for acc in &program.accounts {
            let mut data = acc.prefix.clone();
            data.extend_from_slice(&[1u8; 64]);
            let _ = program.decode_account(&acc.name, &data);
        }
        eprintln!(
            "{:<22} {:>9} bytes in, {:>7.1} ms: {}",
            case.name,
            case.text.len(),
            started.elapsed().as_secs_f64() * 1e3,
            sizes.join(" ")
        );
    }
}
