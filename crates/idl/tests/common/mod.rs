#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]
//! Shared by the golden-vector tests: the test data folder and the check of one vector case.

use std::path::{Path, PathBuf};

use orquestra_idl::Program;
use serde_json::Value;

pub fn testdata() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata")
}

pub fn hex(bytes: &[u8]) -> String {
    orquestra_idl::hex::encode(bytes)
}

pub fn unhex(s: &str) -> Vec<u8> {
    orquestra_idl::hex::decode(s).unwrap()
}

pub fn check_case(program: &Program, case: &Value) -> Result<(), String> {
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

/// The golden cases (instructions, then accounts) of corpus IDL `stem`.
pub fn vector_cases(stem: &str) -> Vec<Value> {
    let mut cases = Vec::new();
    for kind in ["instructions", "accounts"] {
        let path = testdata()
            .join("vectors")
            .join(kind)
            .join(format!("{stem}.jsonl"));
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        cases.extend(
            text.lines()
                .filter(|l| !l.trim().is_empty())
                .map(|l| serde_json::from_str::<Value>(l).unwrap()),
        );
    }
    cases
}
