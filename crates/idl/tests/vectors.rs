#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Golden vectors: encodings produced by independent libraries (@coral-xyz/anchor,
//! @codama/dynamic-codecs) for every IDL of the corpus. Each case must encode to exactly the
//! reference bytes and decode back to exactly the reference canonical JSON.

use std::path::PathBuf;

mod common;

use common::{check_case, testdata};
use orquestra_idl::{parse, ParseOptions};
use serde_json::Value;

/// Vector files that may be skipped, with the reason (from the corpus MANIFEST).
const SKIPS: &[(&str, &str)] = &[];

#[derive(Default)]
struct Tally {
    passed: usize,
    failed: usize,
    skipped: usize,
    first_failures: Vec<String>,
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
                Ok(program) if !program.defects.is_empty() => {
                    tally.failed = cases.len();
                    tally.first_failures.push(format!(
                        "a corpus IDL parsed with defects: {:?}",
                        program.defects.iter().take(3).collect::<Vec<_>>()
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
