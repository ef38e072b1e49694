#![allow(clippy::unwrap_used, clippy::expect_used)]
//! PDAs of real corpus IDLs, parsed by `orquestra-idl`, derived from given inputs and checked
//! against a derivation from explicitly written seed bytes.

use orquestra_idl::{ParseOptions, Program};
use orquestra_tx::pda::{
    derive, derive_account_pda, derive_raw, find_pda, list_pdas, named_pda, PdaError, PdaInputKind,
    SeedInputs,
};
use serde_json::json;
use solana_address::Address;

const TOKEN: &str = "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA";
const WSOL: &str = "So11111111111111111111111111111111111111112";
const SYSTEM: &str = "11111111111111111111111111111111";

fn load(rel: &str) -> Program {
    let path = format!("{}/../../testdata/idls/{rel}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap();
    orquestra_idl::parse(&text, &ParseOptions::default()).unwrap()
}

fn key(address: &str) -> Vec<u8> {
    address.parse::<Address>().unwrap().to_bytes().to_vec()
}

#[test]
fn codama_named_pda_spl_associated_token_account() {
    let program = load("codama/spl_associated_token_account.json");
    let found = named_pda(&program, "associatedTokenPda").unwrap();
    assert_eq!(found.instruction, None);
    let inputs = SeedInputs::new()
        .variable("wallet", json!(SYSTEM))
        .variable("tokenProgram", json!(TOKEN))
        .variable("mint", json!(WSOL));
    let derived = derive(&program, found.pda, &inputs).unwrap();
    // Appendix A: the ATA of the system program's "wallet" for wrapped SOL.
    assert_eq!(
        derived.address,
        "aqxoAhCwpy3oB1BpNw9hL1HdLYLgPpbPjzxDrrQj3Fs"
    );
    assert_eq!(derived.bump, 254);
    assert_eq!(
        derived.program_id,
        "ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL"
    );

    let listed = list_pdas(&program);
    let entry = listed
        .iter()
        .find(|e| e.name == "associatedTokenPda")
        .unwrap();
    assert!(entry.named);
    let names: Vec<&str> = entry.inputs.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(names, ["wallet", "tokenProgram", "mint"]);
    assert!(entry
        .inputs
        .iter()
        .all(|i| i.kind == PdaInputKind::Variable));

    let err = derive(
        &program,
        found.pda,
        &SeedInputs::new().variable("wallet", json!(SYSTEM)),
    )
    .unwrap_err();
    assert!(
        matches!(&err, PdaError::MissingVariable { name } if name == "tokenProgram"),
        "{err}"
    );
}

#[test]
fn anchor_relations_const_seed_is_listed_once() {
    let program = load("anchor/anchor_relations.json");
    let found = find_pda(&program, "init_base", "account").unwrap();
    let derived = derive(&program, found.pda, &SeedInputs::new()).unwrap();
    let expected = derive_raw(
        "Re1ationsDerivation111111111111111111111111",
        &[b"seed".to_vec()],
    )
    .unwrap();
    assert_eq!(
        (derived.address.as_str(), derived.bump),
        (expected.address.as_str(), expected.bump)
    );
    assert_eq!(derived.seeds[0].description.as_deref(), Some("seed"));

    // The same PDA in three places (one inside a nested account group) is one entry.
    let listed = list_pdas(&program);
    assert_eq!(listed.len(), 1, "{listed:#?}");
    let uses: Vec<String> = listed[0]
        .used_by
        .iter()
        .map(|u| format!("{}:{}", u.instruction, u.account))
        .collect();
    assert_eq!(
        uses,
        [
            "init_base:account",
            "test_relation:account",
            "test_relation:nested.account"
        ]
    );
    assert!(listed[0].inputs.is_empty());
    // Nested group member found by dotted path.
    assert!(find_pda(&program, "testRelation", "nested.account").is_ok());
}

#[test]
fn quarry_mine_group_member_and_account_seeds() {
    let program = load("anchor/quarry_mine.json");
    let found = find_pda(&program, "create_quarry", "quarry").unwrap();
    let rewarder = "GSz2Wn4o4RKPQgNZKHtq1VDMfSYmS5TbGWHrAFTa46Ae";
    let inputs = SeedInputs::new()
        .instruction("create_quarry")
        .account("auth.rewarder", rewarder)
        .account("token_mint", WSOL);
    let derived = derive(&program, found.pda, &inputs).unwrap();
    // The corpus IDL's constant is the text `"Quarry"` with its quotes (as the IDL states it).
    let expected = derive_raw(
        program.address.as_deref().unwrap(),
        &[b"\"Quarry\"".to_vec(), key(rewarder), key(WSOL)],
    )
    .unwrap();
    assert_eq!(derived.address, expected.address);
    assert_eq!(derived.bump, expected.bump);
    assert_eq!(derived.seeds[1].name.as_deref(), Some("auth.rewarder"));

    // The same through the one-call helper (instruction context set from the lookup).
    let inputs = SeedInputs::new()
        .account("rewarder", rewarder)
        .account("tokenMint", WSOL);
    let again = derive_account_pda(&program, "createQuarry", "quarry", &inputs).unwrap();
    assert_eq!(again.address, expected.address);
}

#[test]
fn meteora_locker_dotted_arg_seed() {
    let program = load("anchor/meteora_locker.json");
    let found = find_pda(&program, "create_root_escrow", "root_escrow").unwrap();
    let base = "GSz2Wn4o4RKPQgNZKHtq1VDMfSYmS5TbGWHrAFTa46Ae";
    let inputs = SeedInputs::new()
        .instruction("create_root_escrow")
        .account("base", base)
        .account("token_mint", WSOL)
        .arg(
            "params",
            json!({"max_claim_amount": "1", "max_escrow": "2", "version": "7", "root": vec![0; 32]}),
        );
    let derived = derive(&program, found.pda, &inputs).unwrap();
    let expected = derive_raw(
        "LocpQgucEQHbqNABEYvBvwoxCPsSbG91A1QaQhQQqjn",
        &[
            b"root_escrow".to_vec(),
            key(base),
            key(WSOL),
            7u64.to_le_bytes().to_vec(),
        ],
    )
    .unwrap();
    assert_eq!(derived.address, expected.address);
    assert_eq!(derived.seeds[3].hex, "0700000000000000");

    let err = derive(
        &program,
        found.pda,
        &inputs.clone().arg("params", json!({"version": "-1"})),
    )
    .unwrap_err();
    assert!(
        matches!(&err, PdaError::Encode { seed, .. } if seed.contains("params.version")),
        "{err}"
    );
}

#[test]
fn pump_account_data_seeds_need_on_chain_data() {
    let program = load("anchor/pump.json");
    let listed = list_pdas(&program);
    assert!(!listed.is_empty());
    let data_seed = listed
        .iter()
        .flat_map(|e| e.inputs.iter())
        .find(|i| i.kind == PdaInputKind::AccountData)
        .expect("pump has `bonding_curve.creator` seeds");
    assert_eq!(data_seed.name, "bonding_curve");
    assert_eq!(data_seed.field.as_deref(), Some("creator"));

    let entry = listed
        .iter()
        .find(|e| e.inputs.iter().any(|i| i.kind == PdaInputKind::AccountData))
        .unwrap();
    let usage = &entry.used_by[0];
    let found = find_pda(&program, &usage.instruction, &usage.account).unwrap();
    let err = derive(
        &program,
        found.pda,
        &SeedInputs::new().instruction(&usage.instruction),
    )
    .unwrap_err();
    assert!(
        matches!(&err, PdaError::NeedsAccountData { account, field } if account == "bonding_curve" && field == "creator"),
        "{err}"
    );
}

#[test]
fn every_corpus_idl_lists_its_pdas_without_error() {
    let dir = format!("{}/../../testdata/idls", env!("CARGO_MANIFEST_DIR"));
    let mut total = 0;
    for format in ["anchor", "anchor-legacy", "codama"] {
        for entry in std::fs::read_dir(format!("{dir}/{format}")).unwrap() {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            let options = ParseOptions {
                program_id: Some(SYSTEM.to_string()),
                ..Default::default()
            };
            let Ok(program) = orquestra_idl::parse(&text, &options) else {
                continue;
            };
            let listed = list_pdas(&program);
            // De-duplication: an instruction-account PDA never repeats an earlier entry's seed
            // structure (named PDAs keep their own names even when two are alike).
            for (i, a) in listed.iter().enumerate().filter(|(_, e)| !e.named) {
                assert!(
                    listed[..i].iter().all(|b| b.pda != a.pda),
                    "{}",
                    path.display()
                );
            }
            total += listed.len();
        }
    }
    assert!(total > 50, "{total}");
}
