#![allow(clippy::unwrap_used, clippy::expect_used)]
//! `orquestra idl …` run as a real process on the corpus: inspect, encode/decode against the
//! golden vectors (single and `--jsonl` batch), PDA derivation, and error exits.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use serde_json::{json, Value};

fn testdata(rel: &str) -> String {
    let path: PathBuf = [env!("CARGO_MANIFEST_DIR"), "..", "..", "testdata", rel]
        .iter()
        .collect();
    path.to_string_lossy().into_owned()
}

fn run(args: &[&str]) -> Output {
    run_with_stdin(args, None)
}

fn run_with_stdin(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_orquestra"))
        .arg("idl")
        .args(args)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn orquestra");
    if let Some(input) = stdin {
        let mut pipe = child.stdin.take().unwrap();
        let input = input.to_string();
        // Write from a thread so a large batch cannot dead-lock on a full stdout pipe.
        std::thread::spawn(move || pipe.write_all(input.as_bytes()).unwrap());
    }
    child.wait_with_output().unwrap()
}

/// Runs a command that must succeed and print one JSON document.
fn ok_json(args: &[&str]) -> Value {
    let out = run(args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Runs a command that must fail with a one-line cause on stderr; returns that line.
fn fails(args: &[&str]) -> String {
    let out = run(args);
    assert!(!out.status.success(), "{args:?} should fail");
    let stderr = String::from_utf8_lossy(&out.stderr).trim_end().to_string();
    assert_eq!(
        stderr.lines().count(),
        1,
        "{args:?}: not one line: {stderr:?}"
    );
    assert!(
        out.stdout.is_empty(),
        "{args:?}: nothing on stdout on failure"
    );
    stderr
}

fn vectors(kind: &str, name: &str) -> Vec<Value> {
    std::fs::read_to_string(testdata(&format!("vectors/{kind}/{name}.jsonl")))
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn inspect_summarises_codama_and_anchor() {
    let token = ok_json(&["inspect", &testdata("idls/codama/spl_token.json")]);
    assert_eq!(token["format"], "codama");
    assert_eq!(
        token["programId"],
        "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA"
    );
    assert_eq!(token["counts"]["instructions"], 28);
    assert_eq!(token["instructions"].as_array().unwrap().len(), 28);
    assert_eq!(token["instructions"][0], "initializeMint");

    let relations = ok_json(&["inspect", &testdata("idls/anchor/anchor_relations.json")]);
    assert_eq!(relations["format"], "anchor");
    assert_eq!(relations["counts"]["instructions"], 2);
    assert!(relations["counts"]["pdas"].as_u64().unwrap() >= 1);
    for key in ["accounts", "types", "events", "errors", "constants"] {
        assert!(relations["counts"][key].is_u64(), "{key}");
    }
}

#[test]
fn legacy_idl_takes_program_id_flag() {
    let file = testdata("idls/anchor-legacy/quarry_mine_legacy.json");
    let given = "QMNeHCGYnLVDn1icRAfQZpjPLBNkfGbSKRB83G5d8KB";
    let summary = ok_json(&["inspect", &file, "--program-id", given]);
    assert_eq!(summary["programId"], given);
    assert_eq!(summary["format"], "anchor-legacy");
}

#[test]
fn encode_and_decode_single_vectors() {
    for (idl, name) in [
        ("idls/codama/spl_token.json", "spl_token"),
        ("idls/anchor/anchor_idl_new.json", "anchor_idl_new"),
        ("idls/anchor-legacy/anchor_idl_old.json", "anchor_idl_old"),
    ] {
        let file = testdata(idl);
        for case in vectors("instructions", name).iter().take(3) {
            let ix = case["instruction"].as_str().unwrap();
            let args = case["args"].to_string();
            let mut argv = vec!["encode-ix", file.as_str(), ix, args.as_str()];
            if name == "anchor_idl_old" {
                argv.extend(["--program-id", "11111111111111111111111111111111"]);
            }
            let encoded = ok_json(&argv);
            assert_eq!(encoded["hex"], case["hex"], "{name} {ix}");

            let hex = case["hex"].as_str().unwrap();
            let mut argv = vec!["decode-ix", file.as_str(), hex];
            if name == "anchor_idl_old" {
                argv.extend(["--program-id", "11111111111111111111111111111111"]);
            }
            let decoded = ok_json(&argv);
            assert_eq!(decoded["instruction"], ix, "{name}");
            assert!(decoded["args"].is_object(), "{name}: {decoded}");
        }
    }
}

#[test]
fn account_round_trip() {
    let file = testdata("idls/anchor/anchor_relations.json");
    let case = &vectors("accounts", "anchor_relations")[0];
    let account = case["account"].as_str().unwrap();
    let value = case["value"].to_string();
    let encoded = ok_json(&["encode-account", &file, account, &value]);
    assert_eq!(encoded["hex"], case["hex"]);
    let decoded = ok_json(&[
        "decode-account",
        &file,
        account,
        case["hex"].as_str().unwrap(),
    ]);
    assert_eq!(decoded, case["value"]);
}

#[test]
fn jsonl_batch_of_a_whole_vector_file() {
    let file = testdata("idls/codama/spl_token.json");
    let cases = vectors("instructions", "spl_token");
    assert!(cases.len() > 20);

    let requests: String = cases
        .iter()
        .map(|c| {
            format!(
                "{}\n",
                json!({"instruction": c["instruction"], "args": c["args"]})
            )
        })
        .collect();
    let out = run_with_stdin(&["encode-ix", &file, "--jsonl"], Some(&requests));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), cases.len());
    for (case, line) in cases.iter().zip(&lines) {
        assert_eq!(line["hex"], case["hex"], "{case}");
    }

    let requests: String = cases
        .iter()
        .map(|c| format!("{}\n", json!({"hex": c["hex"]})))
        .collect();
    let out = run_with_stdin(&["decode-ix", &file, "--jsonl"], Some(&requests));
    assert!(out.status.success());
    let lines: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), cases.len());
    for (case, line) in cases.iter().zip(&lines) {
        assert_eq!(line["instruction"], case["instruction"], "{line}");
        assert!(line["args"].is_object(), "{line}");
    }
}

#[test]
fn jsonl_bad_lines_do_not_stop_the_batch() {
    let file = testdata("idls/codama/spl_token.json");
    let good = &vectors("instructions", "spl_token")[0];
    let good_line = json!({"instruction": good["instruction"], "args": good["args"]}).to_string();
    let input = format!(
        "{good_line}\nnot json\n{{\"instruction\":\"noSuchInstruction\",\"args\":{{}}}}\n\n{{\"args\":{{}}}}\n{good_line}\n"
    );
    let out = run_with_stdin(&["encode-ix", &file, "--jsonl"], Some(&input));
    assert!(out.status.success());
    let lines: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 5, "blank lines are skipped");
    assert_eq!(lines[0]["hex"], good["hex"]);
    assert_eq!(lines[1]["error"]["code"], "invalid_json");
    assert!(lines[2]["error"]["code"].is_string());
    assert!(lines[2]["error"]["message"]
        .as_str()
        .unwrap()
        .contains("noSuchInstruction"));
    assert_eq!(lines[3]["error"]["code"], "invalid_json");
    assert_eq!(lines[4]["hex"], good["hex"]);

    let accounts = testdata("idls/anchor/anchor_relations.json");
    let case = &vectors("accounts", "anchor_relations")[0];
    let input = format!(
        "{}\n{}\n",
        json!({"account": case["account"], "hex": case["hex"]}),
        json!({"account": case["account"], "hex": "00"})
    );
    let out = run_with_stdin(&["decode-account", &accounts, "--jsonl"], Some(&input));
    let lines: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines[0]["value"], case["value"]);
    assert!(lines[1]["error"]["message"].is_string(), "{}", lines[1]);

    let input = format!(
        "{}\n",
        json!({"account": case["account"], "value": case["value"]})
    );
    let out = run_with_stdin(&["encode-account", &accounts, "--jsonl"], Some(&input));
    let line: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(line["hex"], case["hex"]);
}

#[test]
fn pda_command_matches_appendix_a() {
    let seeds =
        json!([{"type": "string", "value": "receipts"}, {"type": "string", "value": "coffee"}]);
    let pda = ok_json(&[
        "pda",
        "BUYuxRfhCMWavaUWxhGtPP3ksKEDZxCD5gzknk3JfAya",
        &seeds.to_string(),
    ]);
    assert_eq!(
        pda,
        json!({"address": "HzVRQobrazsc2km6NARA1ztKAum9hgcYJGWzim4FdT1n", "bump": 254})
    );

    let seeds = json!([
        {"type": "pubkey", "value": "11111111111111111111111111111111"},
        {"type": "pubkey", "value": "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA"},
        {"type": "pubkey", "value": "So11111111111111111111111111111111111111112"}
    ]);
    let pda = ok_json(&[
        "pda",
        "ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL",
        &seeds.to_string(),
    ]);
    assert_eq!(
        pda,
        json!({"address": "aqxoAhCwpy3oB1BpNw9hL1HdLYLgPpbPjzxDrrQj3Fs", "bump": 254})
    );

    let seeds = json!([{"type": "hex", "value": "636f756e746572"}]);
    let pda = ok_json(&[
        "pda",
        "MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr",
        &seeds.to_string(),
    ]);
    assert_eq!(
        pda["address"],
        "2PdrJjmh7wENzx28ivXYcoY5Yzrf2VL2x7Gwz5MBmgHf"
    );
}

#[test]
fn errors_exit_non_zero_with_one_line() {
    let token = testdata("idls/codama/spl_token.json");
    let line = fails(&["encode-ix", &token, "initializeMint", "{not json"]);
    assert!(line.contains("not valid JSON"), "{line}");
    let line = fails(&["encode-ix", &token, "noSuchInstruction", "{}"]);
    assert!(line.contains("noSuchInstruction"), "{line}");
    let line = fails(&["encode-ix", &token, "initializeMint", r#"{"decimals":"x"}"#]);
    assert!(!line.is_empty());
    let line = fails(&["decode-ix", &token, "zz"]);
    assert!(line.contains("hex"), "{line}");
    let line = fails(&["inspect", &testdata("idls/no_such_file.json")]);
    assert!(line.contains("cannot read"), "{line}");
    let line = fails(&["inspect", &testdata("vectors/instructions/spl_token.jsonl")]);
    assert!(line.contains("spl_token.jsonl"), "{line}");
    let line = fails(&["pda", "not-a-program", "[]"]);
    assert!(line.contains("program id"), "{line}");
    let line = fails(&[
        "pda",
        "MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr",
        r#"[{"type":"u8","value":256}]"#,
    ]);
    assert!(line.contains("out of range"), "{line}");
    let too_long = json!([{"type": "string", "value": "x".repeat(33)}]).to_string();
    let line = fails(&[
        "pda",
        "MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr",
        &too_long,
    ]);
    assert!(line.contains("33 bytes"), "{line}");
}

#[test]
fn item_defects_are_warnings_unless_strict() {
    let mut idl: Value =
        serde_json::from_str(&std::fs::read_to_string(testdata("idls/anchor/pump.json")).unwrap())
            .unwrap();
    idl["instructions"][0]["args"] =
        json!([{"name": "x", "type": {"defined": {"name": "NeverDefined"}}}]);
    let broken = idl["instructions"][0]["name"].as_str().unwrap().to_owned();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("damaged.json");
    std::fs::write(&file, idl.to_string()).unwrap();
    let file = file.to_string_lossy().into_owned();

    let inspected = ok_json(&["inspect", &file]);
    let warnings = inspected["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert_eq!(warnings[0]["item"], broken.as_str());
    assert_eq!(warnings[0]["path"], "/instructions/0/args/0/type");
    let line = fails(&["encode-ix", &file, &broken, r#"{"x": 1}"#]);
    assert!(line.contains("unusable"), "{line}");
    let out = run(&["inspect", "--strict", &file]);
    assert!(!out.status.success());
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["valid"], false);
    let problems = report["problems"].as_array().unwrap();
    assert!(
        problems
            .iter()
            .any(|p| p["message"].as_str().unwrap().contains("NeverDefined")),
        "{problems:?}"
    );
}

#[test]
fn inspect_lists_every_problem_of_a_refused_idl() {
    let mut idl: Value =
        serde_json::from_str(&std::fs::read_to_string(testdata("idls/anchor/pump.json")).unwrap())
            .unwrap();
    for (i, missing) in ["FirstMissing", "SecondMissing", "ThirdMissing"]
        .iter()
        .enumerate()
    {
        idl["instructions"][i]["args"] =
            json!([{"name": "x", "type": {"defined": {"name": missing}}}]);
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("three_problems.json");
    std::fs::write(&file, idl.to_string()).unwrap();
    let file = file.to_string_lossy().into_owned();

    let out = run(&["inspect", "--strict", &file]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr).trim_end().to_string();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let problems = report["problems"].as_array().unwrap();
    assert!(
        stderr.contains(&format!("{} problem(s)", problems.len())),
        "{stderr}"
    );
    for (i, missing) in ["FirstMissing", "SecondMissing", "ThirdMissing"]
        .iter()
        .enumerate()
    {
        let pointer = format!("/instructions/{i}/args/0/type");
        assert!(
            problems.iter().any(|p| p["pointer"] == pointer.as_str()
                && p["message"].as_str().unwrap().contains(missing)),
            "{missing} at {pointer} not in {problems:?}"
        );
    }
}

/// `--jsonl` as a request/response subprocess: each answer arrives before the next request is
/// written, with stdin still open.
#[test]
fn jsonl_answers_each_line_before_the_next_is_written() {
    use std::io::BufRead;
    use std::sync::mpsc;
    use std::time::Duration;

    let file = testdata("idls/codama/spl_token.json");
    let cases = vectors("instructions", "spl_token");
    let mut child = Command::new(env!("CARGO_BIN_EXE_orquestra"))
        .args(["idl", "encode-ix", &file, "--jsonl"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout).lines() {
            if tx.send(line.unwrap()).is_err() {
                return;
            }
        }
    });
    for case in cases.iter().take(3) {
        let request = json!({"instruction": case["instruction"], "args": case["args"]});
        writeln!(stdin, "{request}").unwrap();
        stdin.flush().unwrap();
        let answer = rx
            .recv_timeout(Duration::from_secs(30))
            .expect("an answer while stdin is still open");
        let answer: Value = serde_json::from_str(&answer).unwrap();
        assert_eq!(answer["hex"], case["hex"], "{case}");
    }
    writeln!(stdin, "{{not json").unwrap();
    stdin.flush().unwrap();
    let answer: Value =
        serde_json::from_str(&rx.recv_timeout(Duration::from_secs(30)).unwrap()).unwrap();
    assert_eq!(answer["error"]["code"], "invalid_json");
    drop(stdin);
    assert!(child.wait().unwrap().success());
}
