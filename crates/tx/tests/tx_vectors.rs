#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Every instruction vector of the corpus (data produced by @coral-xyz/anchor and
//! @codama/dynamic-codecs) built into legacy and v0 transactions with every account supplied,
//! then decoded by the independent decoder and by `solana-transaction`'s own deserializer.
//!
//! `ORQUESTRA_TX_CASES=/path/cases.jsonl cargo test -p orquestra-tx --test tx_vectors -- --ignored`
//! writes the built cases (`{"kind":"tx","id",…,"tx_base64","expected"}` per line) for an
//! external check: `node tests/node-verify/verify.mjs < /path/cases.jsonl` deserializes each with
//! @solana/web3.js `VersionedTransaction.deserialize` and compares header, keys, roles and data.

mod common;

use std::collections::HashMap;
use std::io::Write as _;

use common::{
    blockhash, expected_keys, fallback_program_id, fee_payer, flat_accounts, hex, idl_path,
    key_for, load, vectors,
};
use orquestra_idl::{Program, Signer};
use orquestra_tx::{
    build_transaction, decode_transaction, name_instructions, BuiltTransaction, TxAccountMeta,
    TxInstruction, TxSpec, TxVersion,
};
use serde_json::json;
use solana_transaction::versioned::VersionedTransaction;

/// One built vector case.
struct Case {
    idl: String,
    instruction: String,
    version: TxVersion,
    program_id: String,
    metas: Vec<TxAccountMeta>,
    names: Vec<String>,
    data_hex: String,
    built: BuiltTransaction,
}

fn program_id(program: &Program) -> String {
    program.address.clone().unwrap_or_else(fallback_program_id)
}

/// Builds every vector case in both versions; panics on the first failure.
fn build_all() -> (Vec<Case>, HashMap<String, Program>) {
    let mut programs: HashMap<String, Program> = HashMap::new();
    let mut cases = Vec::new();
    for (stem, line) in vectors("instructions") {
        let rel = idl_path(&stem).unwrap_or_else(|| panic!("no IDL for vectors {stem}"));
        let program = programs.entry(stem.clone()).or_insert_with(|| load(&rel));
        let name = line["instruction"].as_str().unwrap();
        let golden = line["hex"].as_str().unwrap();
        let ix = program.find_instruction(name).unwrap();
        let data = program.encode_instruction(name, &line["args"]).unwrap();
        assert_eq!(
            hex(&data),
            golden,
            "{stem}.{name}: encoder differs from the vector"
        );

        let flat = flat_accounts(&ix.accounts);
        let metas: Vec<TxAccountMeta> = flat
            .iter()
            .map(|(_, a)| TxAccountMeta {
                pubkey: key_for(&a.name),
                is_signer: a.signer == Signer::Yes,
                is_writable: a.writable,
            })
            .collect();
        let pid = program_id(program);
        for version in [TxVersion::Legacy, TxVersion::V0] {
            let spec = TxSpec {
                fee_payer: fee_payer(),
                instructions: vec![TxInstruction {
                    program_id: pid.clone(),
                    accounts: metas.clone(),
                    data: data.clone(),
                }],
                recent_blockhash: blockhash(),
                version,
                compute_unit_limit: None,
                compute_unit_price: None,
            };
            let built = build_transaction(&spec)
                .unwrap_or_else(|e| panic!("{stem}.{name} {version:?}: {e}"));
            cases.push(Case {
                idl: stem.clone(),
                instruction: name.to_string(),
                version,
                program_id: pid.clone(),
                metas: metas.clone(),
                names: flat.iter().map(|(p, _)| p.clone()).collect(),
                data_hex: golden.to_string(),
                built,
            });
        }
    }
    (cases, programs)
}

fn check(case: &Case) {
    let label = format!("{}.{} {:?}", case.idl, case.instruction, case.version);
    let decoded = decode_transaction(&case.built.bytes).unwrap_or_else(|e| panic!("{label}: {e}"));
    assert!(
        decoded.warnings.is_empty(),
        "{label}: {:?}",
        decoded.warnings
    );
    assert_eq!(decoded.version, case.version, "{label}");
    assert_eq!(decoded.recent_blockhash, blockhash(), "{label}");
    assert!(decoded.address_table_lookups.is_empty(), "{label}");

    // Header and key order against an independent computation of merged roles.
    let metas: Vec<(String, bool, bool)> = case
        .metas
        .iter()
        .map(|m| (m.pubkey.clone(), m.is_signer, m.is_writable))
        .collect();
    let (header, keys) = expected_keys(&fee_payer(), &[(case.program_id.clone(), metas)]);
    assert_eq!(decoded.header, header, "{label}: header");
    assert_eq!(case.built.header, header, "{label}: built header");
    let got: Vec<(String, bool, bool)> = decoded
        .account_keys
        .iter()
        .map(|a| (a.pubkey.clone(), a.signer, a.writable))
        .collect();
    assert_eq!(got, keys, "{label}: keys");
    assert_eq!(
        case.built
            .message_accounts
            .iter()
            .map(|a| (a.pubkey.clone(), a.signer, a.writable))
            .collect::<Vec<_>>(),
        keys,
        "{label}: built keys"
    );

    // One zeroed signature slot per required signer, fee payer first.
    assert_eq!(decoded.signatures.len(), usize::from(header[0]), "{label}");
    assert!(decoded.signatures.iter().all(|s| s.empty), "{label}");
    assert_eq!(case.built.signers_required[0], fee_payer(), "{label}");
    assert_eq!(
        case.built.fee_lamports,
        5_000 * u64::from(header[0]),
        "{label}: fee"
    );

    // The instruction: program, accounts in IDL order with merged roles, golden data.
    assert_eq!(decoded.instructions.len(), 1, "{label}");
    let ix = &decoded.instructions[0];
    assert_eq!(
        ix.program_id.as_deref(),
        Some(case.program_id.as_str()),
        "{label}"
    );
    assert_eq!(ix.data_hex, case.data_hex, "{label}: data");
    let pubkeys: Vec<&str> = ix
        .accounts
        .iter()
        .map(|a| a.pubkey.as_deref().unwrap())
        .collect();
    let want: Vec<&str> = case.metas.iter().map(|m| m.pubkey.as_str()).collect();
    assert_eq!(pubkeys, want, "{label}: instruction accounts");
    for (a, m) in ix.accounts.iter().zip(&case.metas) {
        assert!(
            a.signer >= m.is_signer && a.writable >= m.is_writable,
            "{label}: roles"
        );
    }

    // solana-transaction's own deserializer and sanitizer agree.
    let tx: VersionedTransaction = wincode::deserialize(&case.built.bytes).unwrap();
    tx.sanitize()
        .unwrap_or_else(|e| panic!("{label}: sanitize: {e:?}"));
    assert_eq!(tx.signatures.len(), decoded.signatures.len(), "{label}");
    assert_eq!(
        tx.message.static_account_keys().len(),
        decoded.account_keys.len()
    );
    assert_eq!(tx.message.instructions()[0].data, ix.data, "{label}");
    assert_eq!(
        &case.built.bytes[decoded.message_offset..],
        case.built.message_bytes(),
        "{label}"
    );
}

#[test]
fn every_vector_case_builds_and_decodes_in_both_versions() {
    let (cases, programs) = build_all();
    assert!(cases.len() >= 2 * 2500, "only {} cases", cases.len());
    let mut named = 0;
    for case in &cases {
        check(case);
        // Naming with the IDL: instruction name and account names.
        let decoded = decode_transaction(&case.built.bytes).unwrap();
        let program = &programs[&case.idl];
        let out = name_instructions(&decoded, |id| (id == case.program_id).then_some(program));
        let n = &out[0];
        assert_eq!(n.program_name.as_deref(), Some(program.name.as_str()));
        let label = format!("{}.{}", case.idl, case.instruction);
        let expected = program.find_instruction(&case.instruction).unwrap();
        if n.instruction_name.as_deref() == Some(expected.name.as_str()) {
            named += 1;
            assert!(n.error.is_none(), "{label}: {:?}", n.error);
            let names: Vec<String> = n.accounts.iter().map(|a| a.name.clone().unwrap()).collect();
            assert_eq!(names, case.names, "{label}");
        } else {
            // Only programs whose instructions share a discriminator may be misidentified.
            let other = n.instruction_name.clone().unwrap_or_default();
            let theirs = program.find_instruction(&other);
            assert!(
                theirs.is_some_and(|t| t.discriminators == expected.discriminators),
                "{label}: named {other:?}, {:?}",
                n.error
            );
        }
    }
    eprintln!(
        "{} transactions built and checked ({} named exactly)",
        cases.len(),
        named
    );
}

/// Every built transaction (all vector cases in both versions, plus the multi-signer and
/// duplicate-account cases a naive merge gets wrong) deserialised by @solana/web3.js
/// `VersionedTransaction.deserialize`: header, keys, roles, program id and instruction data must
/// match. `ORQUESTRA_TX_CASES=/path` keeps the cases file.
#[test]
fn web3js_accepts_every_built_transaction() {
    let dir = tempfile::tempdir().unwrap();
    let path = std::env::var("ORQUESTRA_TX_CASES")
        .unwrap_or_else(|_| dir.path().join("cases.jsonl").display().to_string());
    let (cases, _) = build_all();
    let mut out = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    for (id, case) in cases.iter().enumerate() {
        let line = json!({
            "kind": "tx",
            "id": id,
            "idl": case.idl,
            "instruction": case.instruction,
            "version": case.version.as_str(),
            "tx_base64": case.built.to_base64(),
            "expected": {
                "header": case.built.header,
                "signatures": case.built.header[0],
                "accounts": case.built.message_accounts,
                "program_id": case.program_id,
                "instruction_accounts": case.metas.iter().map(|m| &m.pubkey).collect::<Vec<_>>(),
                "data_hex": case.data_hex,
                "recent_blockhash": blockhash(),
            },
        });
        writeln!(out, "{line}").unwrap();
    }
    // The role-merging cases a naive merge gets wrong, checked by web3.js too.
    let synthetic = [
        (
            "multi_signer",
            vec![
                meta("authority", true, true),
                meta("co-signer", true, false),
                meta("vault", false, true),
            ],
        ),
        (
            "duplicate_readonly_signer_and_writable",
            vec![
                meta("shared", true, false),
                meta("shared", false, true),
                meta("other", false, false),
            ],
        ),
        (
            "fee_payer_as_instruction_account",
            vec![
                meta("target", false, true),
                TxAccountMeta {
                    pubkey: fee_payer(),
                    is_signer: false,
                    is_writable: false,
                },
            ],
        ),
    ];
    let mut written = cases.len();
    for (name, metas) in synthetic {
        for version in [TxVersion::Legacy, TxVersion::V0] {
            let program_id = key_for("program");
            let built = build_transaction(&TxSpec {
                fee_payer: fee_payer(),
                instructions: vec![TxInstruction {
                    program_id: program_id.clone(),
                    accounts: metas.clone(),
                    data: vec![1, 2, 3],
                }],
                recent_blockhash: blockhash(),
                version,
                compute_unit_limit: Some(50_000),
                compute_unit_price: Some(7),
            })
            .unwrap();
            let line = json!({
                "kind": "tx",
                "id": written,
                "idl": "synthetic",
                "instruction": name,
                "version": version.as_str(),
                "tx_base64": built.to_base64(),
                "expected": {
                    "header": built.header,
                    "signatures": built.header[0],
                    "accounts": built.message_accounts,
                    "program_id": program_id,
                    "instruction_accounts": metas.iter().map(|m| &m.pubkey).collect::<Vec<_>>(),
                    "data_hex": "010203",
                    "recent_blockhash": blockhash(),
                },
            });
            writeln!(out, "{line}").unwrap();
            written += 1;
        }
    }
    out.flush().unwrap();
    drop(out);
    let Some(answers) = common::node_verify(std::path::Path::new(&path)) else {
        return;
    };
    assert_eq!(answers.len(), written, "one answer per case");
    let failed: Vec<&serde_json::Value> = answers.iter().filter(|a| a["ok"] != true).collect();
    assert!(
        failed.is_empty(),
        "{} of {written} rejected by web3.js, e.g. {:?}",
        failed.len(),
        failed.first()
    );
    eprintln!("web3.js accepted all {written} transactions");
}

fn meta(name: &str, is_signer: bool, is_writable: bool) -> TxAccountMeta {
    TxAccountMeta {
        pubkey: key_for(name),
        is_signer,
        is_writable,
    }
}
