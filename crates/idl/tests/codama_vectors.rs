#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The Codama IDLs of the corpus against the encodings @codama/dynamic-codecs produced for them
//! (`testdata/vectors/{instructions,accounts}/<idl>.jsonl`): encode, identify and decode every case.

use std::path::PathBuf;

use orquestra_idl::{ParseOptions, Program};
use serde_json::Value;

const CODAMA_IDLS: &[&str] = &[
    "codama_collection_types",
    "mpl_token_metadata_codama",
    "program_metadata",
    "solana_attestation_service",
    "spl_address_lookup_table",
    "spl_associated_token_account",
    "spl_compute_budget",
    "spl_memo",
    "spl_system",
    "spl_token",
];

fn testdata() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../testdata")
}

fn program(name: &str) -> Program {
    let text =
        std::fs::read_to_string(testdata().join(format!("idls/codama/{name}.json"))).unwrap();
    orquestra_idl::parse(&text, &ParseOptions::default())
        .unwrap_or_else(|e| panic!("{name}: {:#?}", e.problems()))
}

fn cases(kind: &str, name: &str) -> Vec<Value> {
    let path = testdata().join(format!("vectors/{kind}/{name}.jsonl"));
    let text = std::fs::read_to_string(path).unwrap_or_default();
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn hex(bytes: &[u8]) -> String {
    orquestra_idl::hex::encode(bytes)
}

fn unhex(s: &str) -> Vec<u8> {
    orquestra_idl::hex::decode(s).unwrap()
}

/// Checks one instruction case; `Err` describes the first mismatch.
fn instruction_case(p: &Program, case: &Value) -> Result<(), String> {
    let name = case["instruction"].as_str().unwrap();
    let want = case["hex"].as_str().unwrap();
    let got = p
        .encode_instruction(name, &case["args"])
        .map_err(|e| format!("encode {name}: {e}"))?;
    if hex(&got) != want {
        return Err(format!(
            "encode {name} {}: got {} want {want}",
            case["args"],
            hex(&got)
        ));
    }
    // An instruction without discriminators (the memo program's only one) cannot be identified
    // from its data; decode it by name.
    let ix = p.instructions.iter().find(|i| i.name == name).unwrap();
    let decoded = if ix.discriminators.is_empty() {
        p.decode_instruction_as(name, &unhex(want))
    } else {
        p.decode_instruction(&unhex(want))
    };
    let decoded = decoded.map_err(|e| format!("decode {name}: {e}"))?;
    if decoded.name != name {
        return Err(format!(
            "decode {want}: identified as {} not {name}",
            decoded.name
        ));
    }
    if case["roundtrip"] != Value::Bool(false) && decoded.args != case["args"] {
        return Err(format!(
            "decode {name}: got {} want {}",
            decoded.args, case["args"]
        ));
    }
    Ok(())
}

fn account_case(p: &Program, case: &Value) -> Result<(), String> {
    let name = case["account"].as_str().unwrap();
    let want = case["hex"].as_str().unwrap();
    let got = p
        .encode_account(name, &case["value"])
        .map_err(|e| format!("encode account {name}: {e}"))?;
    if hex(&got) != want {
        return Err(format!(
            "encode account {name} {}: got {} want {want}",
            case["value"],
            hex(&got)
        ));
    }
    let data = unhex(want);
    let account = p.accounts.iter().find(|a| a.name == name).unwrap();
    if !account.discriminators.is_empty() {
        let identified = p.identify_account(&data).map(|a| a.name.as_str());
        if identified != Some(name) {
            return Err(format!("identify account {name}: got {identified:?}"));
        }
    }
    let decoded = p
        .decode_account(name, &data)
        .map_err(|e| format!("decode account {name}: {e}"))?;
    if case["roundtrip"] != Value::Bool(false) && decoded.value != case["value"] {
        return Err(format!(
            "decode account {name}: got {} want {}",
            decoded.value, case["value"]
        ));
    }
    Ok(())
}

#[test]
fn codama_idls_match_dynamic_codecs() {
    let mut failures = Vec::new();
    for name in CODAMA_IDLS {
        let p = program(name);
        let (mut passed, mut total) = (0, 0);
        for (kind, check) in [
            (
                "instructions",
                instruction_case as fn(&Program, &Value) -> Result<(), String>,
            ),
            ("accounts", account_case),
        ] {
            for case in cases(kind, name) {
                total += 1;
                match check(&p, &case) {
                    Ok(()) => passed += 1,
                    Err(e) => failures.push(format!("{name}: {e}")),
                }
            }
        }
        println!("{name}: {passed}/{total}");
    }
    assert!(
        failures.is_empty(),
        "{} failure(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
}
