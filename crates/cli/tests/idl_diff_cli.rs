#![allow(clippy::unwrap_used, clippy::expect_used)]
//! `orquestra idl diff` run as a real process: the JSON report, the Markdown report, a breaking
//! diff still exiting 0, and one-line errors naming the file that could not be read or parsed.

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

fn testdata(rel: &str) -> String {
    let path: PathBuf = [env!("CARGO_MANIFEST_DIR"), "..", "..", "testdata", rel]
        .iter()
        .collect();
    path.to_string_lossy().into_owned()
}

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_orquestra"))
        .arg("idl")
        .arg("diff")
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("spawn orquestra")
}

fn ok(args: &[&str]) -> String {
    let out = run(args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn fails(args: &[&str]) -> String {
    let out = run(args);
    assert!(!out.status.success(), "{args:?} should fail");
    assert!(
        out.stdout.is_empty(),
        "{args:?}: nothing on stdout on failure"
    );
    let stderr = String::from_utf8_lossy(&out.stderr).trim_end().to_string();
    assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr:?}");
    stderr
}

#[test]
fn json_report_of_a_breaking_diff_exits_zero() {
    let old = testdata("idls/anchor-legacy/quarry_mine_legacy.json");
    let new = testdata("idls/anchor/quarry_mine.json");
    let text = ok(&[&old, &new]);
    assert_eq!(text.lines().count(), 1, "one JSON line");
    let report: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(report["breaking"], true);
    assert_eq!(report["summary"]["breaking"], 6);
    assert_eq!(report["summary"]["compatible"], 1);
    assert_eq!(report["summary"]["instructions"]["changed"], 7);
    assert_eq!(report["from"]["format"], "anchor-legacy");
    assert_eq!(report["to"]["name"], "quarry_mine");
    assert_eq!(report["changes"][0]["kind"], "instruction");
    assert_eq!(report["changes"][0]["name"], "claim_rewards");
    assert_eq!(
        report["changes"][0]["details"][0]["code"],
        "account_renamed"
    );

    // `--program-id` fills the legacy IDL's missing address.
    let id = "QMNeHCGYnLVDn1icRAfQZpjPLBNkfGbSKRB83G5d8KB";
    let report: Value =
        serde_json::from_str(&ok(&[&old, &new, "--program-id", id, "--format", "json"])).unwrap();
    assert_eq!(report["from"]["programId"], id);
}

#[test]
fn a_file_against_itself_is_empty() {
    let file = testdata("idls/anchor/raydium_clmm.json");
    let report: Value = serde_json::from_str(&ok(&[&file, &file])).unwrap();
    assert_eq!(report["breaking"], false);
    assert_eq!(report["changes"], serde_json::json!([]));
}

#[test]
fn markdown_report() {
    let md = ok(&[
        &testdata("idls/anchor-legacy/raydium_clmm_legacy.json"),
        &testdata("idls/anchor/raydium_clmm.json"),
        "--format",
        "markdown",
    ]);
    assert!(md.starts_with("# IDL diff: `amm_v3`"), "{md}");
    assert!(
        md.contains("**Breaking:** 4 breaking and 41 compatible"),
        "{md}"
    );
    assert!(md.contains("| Types | 0 | 4 | 0 |"), "{md}");
    assert!(
        md.contains("| `TickArryBitmap` | removed | **breaking** |"),
        "{md}"
    );
    assert!(
        md.contains("### error `InvalidTickIndex` (compatible)"),
        "{md}"
    );
}

#[test]
fn errors_name_the_file() {
    let good = testdata("idls/anchor/quarry_mine.json");
    let missing = testdata("idls/anchor/no_such_file.json");
    let line = fails(&[&good, &missing]);
    assert!(line.starts_with("error: cannot read "), "{line}");
    assert!(line.contains("no_such_file.json"), "{line}");

    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("broken.json");
    std::fs::write(&bad, "{\"instructions\": ").unwrap();
    let line = fails(&[bad.to_str().unwrap(), &good]);
    assert!(line.contains("broken.json"), "{line}");

    // A usage error is clap's (several lines), still a failure.
    let out = run(&[&good, &good, "--format", "yaml"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("yaml"));
}
