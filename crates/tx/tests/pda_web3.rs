#![allow(clippy::unwrap_used, clippy::expect_used)]
//! PDAs checked against @solana/web3.js `PublicKey.findProgramAddressSync`: random seed sets, and
//! every PDA the corpus IDLs define, derived from placeholder inputs.

mod common;

use std::io::Write as _;

use orquestra_tx::pda::{derive_raw, list_pdas, PdaInputKind, SeedInputs};
use serde_json::{json, Value};

fn hex(bytes: &[u8]) -> String {
    orquestra_idl::hex::encode(bytes)
}

#[test]
fn web3js_derives_the_same_addresses() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pda.jsonl");
    let mut out = std::fs::File::create(&path).unwrap();
    let mut expected: Vec<(String, u8, String)> = Vec::new();
    let mut push = |out: &mut std::fs::File,
                    program_id: &str,
                    seeds: &[Vec<u8>],
                    address: String,
                    bump: u8,
                    label: String| {
        let line = json!({"kind": "pda", "id": expected.len(), "program_id": program_id, "seeds_hex": seeds.iter().map(|s| hex(s)).collect::<Vec<_>>()});
        writeln!(out, "{line}").unwrap();
        expected.push((address, bump, label));
    };

    // Random seed sets (deterministic xorshift), 0–15 seeds of 0–32 bytes.
    let mut state: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for i in 0..300 {
        let program_bytes: Vec<u8> = (0..32).map(|_| next() as u8).collect();
        let program_id = bs58::encode(&program_bytes).into_string();
        let seeds: Vec<Vec<u8>> = (0..next() % 16)
            .map(|_| (0..next() % 33).map(|_| next() as u8).collect())
            .collect();
        let derived = derive_raw(&program_id, &seeds).unwrap();
        push(
            &mut out,
            &program_id,
            &seeds,
            derived.address,
            derived.bump,
            format!("random #{i}"),
        );
    }

    // Every corpus PDA whose inputs are addresses or variables we can fill with placeholders.
    let mut corpus = 0;
    for dir in ["anchor", "anchor-legacy", "codama"] {
        for entry in std::fs::read_dir(common::testdata().join("idls").join(dir)).unwrap() {
            let file = entry.unwrap().path();
            let stem = file.file_stem().unwrap().to_string_lossy().to_string();
            let program = common::load(&format!("{dir}/{stem}.json"));
            for pda in list_pdas(&program) {
                if pda
                    .inputs
                    .iter()
                    .any(|i| !matches!(i.kind, PdaInputKind::Account))
                {
                    continue;
                }
                let mut inputs = SeedInputs::new();
                for input in &pda.inputs {
                    inputs = inputs.account(input.name.clone(), common::key_for(&input.name));
                }
                if let Some(user) = pda.used_by.first() {
                    inputs = inputs.instruction(user.instruction.clone());
                }
                let Ok(derived) = orquestra_tx::pda::derive(&program, &pda.pda, &inputs) else {
                    continue;
                };
                let seeds: Vec<Vec<u8>> =
                    derived.seeds.iter().map(|s| decode_hex(&s.hex)).collect();
                push(
                    &mut out,
                    &derived.program_id,
                    &seeds,
                    derived.address,
                    derived.bump,
                    format!("{stem}/{}", pda.name),
                );
                corpus += 1;
            }
        }
    }
    drop(out);
    assert!(corpus >= 30, "only {corpus} corpus PDAs were derivable");
    let Some(answers) = common::node_verify(&path) else {
        return;
    };
    assert_eq!(answers.len(), expected.len());
    for (answer, (address, bump, label)) in answers.iter().zip(&expected) {
        assert_eq!(answer["address"], Value::String(address.clone()), "{label}");
        assert_eq!(answer["bump"], json!(bump), "{label}");
    }
    eprintln!(
        "web3.js agrees on {} PDAs ({corpus} from the corpus)",
        expected.len()
    );
}

fn decode_hex(text: &str) -> Vec<u8> {
    orquestra_idl::hex::decode(text).unwrap()
}
