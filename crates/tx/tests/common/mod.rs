//! Shared helpers for the transaction tests: corpus loading and deterministic keys.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::path::PathBuf;

use orquestra_idl::{AccountItem, InstructionAccount, ParseOptions, Program};
use serde_json::Value;
use sha2::{Digest, Sha256};
use solana_address::Address;

/// The fee payer of every built case.
pub fn fee_payer() -> String {
    key_for("orquestra fee payer")
}

/// The recent blockhash of every built case.
pub fn blockhash() -> String {
    key_for("orquestra blockhash")
}

/// Program id for legacy IDLs without an address.
pub fn fallback_program_id() -> String {
    key_for("orquestra program")
}

pub fn testdata() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../testdata")
}

/// Parses `testdata/idls/<rel>`.
pub fn load(rel: &str) -> Program {
    let text = std::fs::read_to_string(testdata().join("idls").join(rel)).unwrap();
    orquestra_idl::parse(&text, &ParseOptions::default()).unwrap()
}

/// The IDL file of a vector file stem (`anchor_relations` → `anchor/anchor_relations.json`).
pub fn idl_path(stem: &str) -> Option<String> {
    ["anchor", "anchor-legacy", "codama"]
        .iter()
        .map(|dir| format!("{dir}/{stem}.json"))
        .find(|rel| testdata().join("idls").join(rel).exists())
}

/// A deterministic address: sha256 of `name`.
pub fn key_for(name: &str) -> String {
    let digest: [u8; 32] = Sha256::digest(name.as_bytes()).into();
    Address::from(digest).to_string()
}

/// Every line of `testdata/vectors/<kind>/<stem>.jsonl`.
pub fn vectors(kind: &str) -> Vec<(String, Value)> {
    let dir = testdata().join("vectors").join(kind);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "jsonl"))
        .collect();
    files.sort();
    let mut out = Vec::new();
    for file in files {
        let stem = file.file_stem().unwrap().to_string_lossy().to_string();
        for line in std::fs::read_to_string(&file).unwrap().lines() {
            if !line.trim().is_empty() {
                out.push((stem.clone(), serde_json::from_str(line).unwrap()));
            }
        }
    }
    out
}

/// Flattened instruction accounts with their paths.
pub fn flat_accounts(items: &[AccountItem]) -> Vec<(String, InstructionAccount)> {
    fn walk(items: &[AccountItem], prefix: &str, out: &mut Vec<(String, InstructionAccount)>) {
        for item in items {
            match item {
                AccountItem::Single(a) => out.push((join(prefix, &a.name), a.clone())),
                AccountItem::Group { name, accounts, .. } => {
                    walk(accounts, &join(prefix, name), out)
                }
            }
        }
    }
    let mut out = Vec::new();
    walk(items, "", &mut out);
    out
}

fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_string()
    } else {
        format!("{prefix}.{name}")
    }
}

pub fn hex(bytes: &[u8]) -> String {
    orquestra_idl::hex::encode(bytes)
}

/// `(base58, signer, writable)`.
pub type Key = (String, bool, bool);

/// Expected `[signers, readonly signers, readonly unsigned]` and key order for a fee payer and
/// a list of `(program id, metas)`, computed independently of the compiler: merged roles
/// (signer anywhere → signer, writable anywhere → writable), fee payer first, then the four
/// classes, each ordered by address bytes (what `solana-message`'s compiler does; any order
/// within a class is valid).
pub fn expected_keys(fee_payer: &str, instructions: &[(String, Vec<Key>)]) -> ([u8; 3], Vec<Key>) {
    let mut roles: BTreeMap<String, (bool, bool)> = BTreeMap::new();
    let mut order: Vec<String> = vec![fee_payer.to_string()];
    roles.insert(fee_payer.to_string(), (true, true));
    let mut see = |key: &str, signer: bool, writable: bool| {
        let entry = roles.entry(key.to_string()).or_insert_with(|| {
            order.push(key.to_string());
            (false, false)
        });
        entry.0 |= signer;
        entry.1 |= writable;
    };
    for (program, metas) in instructions {
        for (key, signer, writable) in metas {
            see(key, *signer, *writable);
        }
        see(program, false, false);
    }
    let class = |(s, w): (bool, bool)| match (s, w) {
        (true, true) => 0,
        (true, false) => 1,
        (false, true) => 2,
        (false, false) => 3,
    };
    let mut keys: Vec<Key> = order
        .iter()
        .map(|k| (k.clone(), roles[k].0, roles[k].1))
        .collect();
    // Fee payer stays first; the rest is sorted by class, then address bytes.
    let payer = keys.remove(0);
    keys.sort_by_key(|(k, s, w)| (class((*s, *w)), k.parse::<Address>().unwrap().to_bytes()));
    keys.insert(0, payer);
    let count = |c: usize| keys.iter().filter(|(_, s, w)| class((*s, *w)) == c).count() as u8;
    let header = [count(0) + count(1), count(1), count(3)];
    (header, keys)
}

/// Runs `tests/node-verify/verify.mjs` on a JSON Lines file and returns its answers, one per line.
/// `None` only when `ORQUESTRA_SKIP_NODE_TESTS=1`; a missing install fails the test with the fix.
pub fn node_verify(input: &std::path::Path) -> Option<Vec<Value>> {
    if std::env::var("ORQUESTRA_SKIP_NODE_TESTS").as_deref() == Ok("1") {
        eprintln!(
            "ORQUESTRA_SKIP_NODE_TESTS=1: skipping the @solana/web3.js / @coral-xyz/anchor check"
        );
        return None;
    }
    let dir = testdata().join("../tests/node-verify");
    assert!(
        dir.join("node_modules/@solana/web3.js").exists(),
        "the independent checkers are not installed: run `npm ci --prefix tests/node-verify` (scripts/test.sh does)"
    );
    let output = std::process::Command::new("node")
        .arg(dir.join("verify.mjs"))
        .stdin(std::fs::File::open(input).unwrap())
        .output()
        .expect("node (Node.js) must be on PATH");
    assert!(
        output.status.success(),
        "verify.mjs failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    Some(
        String::from_utf8(output.stdout)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect(),
    )
}
