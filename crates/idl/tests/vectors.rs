#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Golden vectors: encodings produced by independent libraries (@coral-xyz/anchor,
//! @codama/dynamic-codecs) for every IDL of the corpus. Each case must encode to exactly the
//! reference bytes and decode back to exactly the reference canonical JSON.

use std::path::{Path, PathBuf};

use orquestra_idl::{parse, ParseOptions, Program};
use serde_json::Value;

fn testdata() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata")
}

/// Vector files that may be skipped, with the reason (from the corpus MANIFEST).
const SKIPS: &[(&str, &str)] = &[];

#[derive(Default)]
struct Tally {
    passed: usize,
    failed: usize,
    skipped: usize,
    first_failures: Vec<String>,
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn check_case(program: &Program, case: &Value) -> Result<(), String> {
    let expected_hex = case["hex"].as_str().ok_or("case without hex")?;
    let data = unhex(expected_hex);
    if let Some(ix) = case.get("instruction").and_then(Value::as_str) {
        let args = &case["args"];
        let encoded = program
            .encode_instruction(ix, args)
            .map_err(|e| format!("encode {ix}: {e}"))?;
        if hex(&encoded) != expected_hex {
            return Err(format!(
                "encode {ix}: got {} want {expected_hex}",
                hex(&encoded)
            ));
        }
        let decoded = program
            .decode_instruction(&data)
            .map_err(|e| format!("decode {ix}: {e}"))?;
        if program.find_instruction(ix).map(|i| &i.name) != Some(&decoded.name) {
            return Err(format!("decode {ix}: identified as {}", decoded.name));
        }
        if &decoded.args != args {
            return Err(format!("decode {ix}: got {} want {args}", decoded.args));
        }
    } else {
        let name = case["account"]
            .as_str()
            .ok_or("case without instruction or account")?;
        let value = &case["value"];
        let encoded = program
            .encode_account(name, value)
            .map_err(|e| format!("encode {name}: {e}"))?;
        if hex(&encoded) != expected_hex {
            return Err(format!(
                "encode {name}: got {} want {expected_hex}",
                hex(&encoded)
            ));
        }
        let decoded = program
            .decode_account(name, &data)
            .map_err(|e| format!("decode {name}: {e}"))?;
        if &decoded.value != value || decoded.trailing_bytes != 0 {
            return Err(format!(
                "decode {name}: got {} (+{} bytes) want {value}",
                decoded.value, decoded.trailing_bytes
            ));
        }
    }
    Ok(())
}

fn run(formats: &[&str]) -> bool {
    let root = testdata();
    let mut rows: Vec<(String, Tally)> = Vec::new();
    for kind in ["instructions", "accounts"] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(root.join("vectors").join(kind))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "jsonl"))
            .collect();
        files.sort();
        for file in files {
            let stem = file.file_stem().unwrap().to_string_lossy().to_string();
            let Some(idl_path) = formats
                .iter()
                .map(|f| root.join("idls").join(f).join(format!("{stem}.json")))
                .find(|p| p.exists())
            else {
                continue;
            };
            let text = std::fs::read_to_string(&file).unwrap();
            let cases: Vec<Value> = text
                .lines()
                .filter(|l| !l.trim().is_empty())
                .map(|l| serde_json::from_str(l).unwrap())
                .collect();
            if cases.is_empty() {
                continue;
            }
            let mut tally = Tally::default();
            if let Some((_, reason)) = SKIPS.iter().find(|(s, _)| *s == stem) {
                tally.skipped = cases.len();
                tally.first_failures.push(format!("skipped: {reason}"));
                rows.push((format!("{kind}/{stem}"), tally));
                continue;
            }
            match parse(
                &std::fs::read_to_string(&idl_path).unwrap(),
                &ParseOptions::default(),
            ) {
                Err(e) => {
                    tally.failed = cases.len();
                    tally.first_failures.push(format!(
                        "IDL does not parse: {:?}",
                        e.problems().iter().take(3).collect::<Vec<_>>()
                    ));
                }
                Ok(program) => {
                    for case in &cases {
                        match check_case(&program, case) {
                            Ok(()) => tally.passed += 1,
                            Err(msg) => {
                                tally.failed += 1;
                                if tally.first_failures.len() < 3 {
                                    tally.first_failures.push(msg);
                                }
                            }
                        }
                    }
                }
            }
            rows.push((format!("{kind}/{stem}"), tally));
        }
    }
    println!(
        "{:<48} {:>6} {:>6} {:>7}",
        "vector file", "passed", "failed", "skipped"
    );
    let (mut p, mut f, mut s) = (0, 0, 0);
    for (name, t) in &rows {
        println!(
            "{name:<48} {:>6} {:>6} {:>7}",
            t.passed, t.failed, t.skipped
        );
        for msg in &t.first_failures {
            let mut m = msg.clone();
            if m.len() > 600 {
                m.truncate(600);
                m.push_str("...");
            }
            println!("    {m}");
        }
        p += t.passed;
        f += t.failed;
        s += t.skipped;
    }
    println!("{:<48} {p:>6} {f:>6} {s:>7}", "TOTAL");
    assert!(!rows.is_empty(), "no vector files found");
    f == 0
}

#[test]
fn anchor_vectors() {
    assert!(
        run(&["anchor", "anchor-legacy"]),
        "some Anchor vectors failed (see table above)"
    );
}

#[test]
fn codama_vectors() {
    assert!(
        run(&["codama"]),
        "some Codama vectors failed (see table above)"
    );
}
