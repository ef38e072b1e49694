#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Transaction building: role merging, signature slots, compute budget and fees, errors; and
//! the decoder on hostile input.

mod common;

use common::{blockhash, expected_keys, fee_payer, key_for};
use orquestra_tx::transaction::{
    fee_lamports, set_compute_unit_limit_data, set_compute_unit_price_data,
    COMPUTE_BUDGET_PROGRAM_ID,
};
use orquestra_tx::{
    build_transaction, decode_transaction, decode_transaction_text, name_instructions, Encoding,
    TxAccountMeta, TxError, TxInstruction, TxSpec, TxVersion,
};
use serde_json::json;
use solana_transaction::versioned::VersionedTransaction;

fn meta(name: &str, is_signer: bool, is_writable: bool) -> TxAccountMeta {
    TxAccountMeta {
        pubkey: key_for(name),
        is_signer,
        is_writable,
    }
}

fn spec(accounts: Vec<TxAccountMeta>, version: TxVersion) -> TxSpec {
    TxSpec {
        fee_payer: fee_payer(),
        instructions: vec![TxInstruction {
            program_id: key_for("program"),
            accounts,
            data: vec![1, 2, 3],
        }],
        recent_blockhash: blockhash(),
        version,
        compute_unit_limit: None,
        compute_unit_price: None,
    }
}

fn expected(accounts: &[TxAccountMeta]) -> ([u8; 3], Vec<(String, bool, bool)>) {
    let metas = accounts
        .iter()
        .map(|m| (m.pubkey.clone(), m.is_signer, m.is_writable))
        .collect();
    expected_keys(&fee_payer(), &[(key_for("program"), metas)])
}

fn sanitized(bytes: &[u8]) -> VersionedTransaction {
    let tx: VersionedTransaction = wincode::deserialize(bytes).unwrap();
    tx.sanitize().unwrap();
    tx
}

#[test]
fn two_signers_plus_fee_payer_need_three_signatures() {
    let accounts = vec![
        meta("authority", true, true),
        meta("co-signer", true, false),
        meta("vault", false, true),
    ];
    for version in [TxVersion::Legacy, TxVersion::V0] {
        let built = build_transaction(&spec(accounts.clone(), version)).unwrap();
        assert_eq!(built.header, [3, 1, 1]);
        assert_eq!(built.header, expected(&accounts).0);
        assert_eq!(built.signers_required.len(), 3);
        assert_eq!(built.signers_required[0], fee_payer());
        assert_eq!(built.fee_lamports, 15_000);
        let decoded = decode_transaction(&built.bytes).unwrap();
        assert_eq!(decoded.signatures.len(), 3);
        assert!(decoded.warnings.is_empty());
        let signers: Vec<_> = decoded
            .signatures
            .iter()
            .map(|s| s.signer.clone().unwrap())
            .collect();
        assert_eq!(signers, built.signers_required);
        assert_eq!(sanitized(&built.bytes).signatures.len(), 3);
    }
}

#[test]
fn readonly_signer_and_writable_slot_merge_to_a_writable_signer() {
    // A naive merge makes this a read-only signer (header [2,1,1]).
    let accounts = vec![
        meta("shared", true, false),
        meta("shared", false, true),
        meta("other", false, false),
    ];
    for version in [TxVersion::Legacy, TxVersion::V0] {
        let built = build_transaction(&spec(accounts.clone(), version)).unwrap();
        assert_eq!(built.header, [2, 0, 2]);
        assert_eq!(built.header, expected(&accounts).0);
        let shared = built
            .message_accounts
            .iter()
            .find(|a| a.pubkey == key_for("shared"))
            .unwrap();
        assert!(shared.signer && shared.writable);
        let decoded = decode_transaction(&built.bytes).unwrap();
        let ix = &decoded.instructions[0];
        // Both slots point at the same key, which carries the merged role.
        assert_eq!(ix.accounts[0].index, ix.accounts[1].index);
        assert!(ix.accounts[0].signer && ix.accounts[0].writable);
        assert_eq!(decoded.signatures.len(), 2);
        sanitized(&built.bytes);
    }
}

#[test]
fn fee_payer_listed_as_an_instruction_account_stays_first() {
    let payer = TxAccountMeta {
        pubkey: fee_payer(),
        is_signer: false,
        is_writable: false,
    };
    let accounts = vec![meta("target", false, true), payer];
    for version in [TxVersion::Legacy, TxVersion::V0] {
        let built = build_transaction(&spec(accounts.clone(), version)).unwrap();
        assert_eq!(built.header, [1, 0, 1]);
        assert_eq!(built.message_accounts[0].pubkey, fee_payer());
        assert!(built.message_accounts[0].signer && built.message_accounts[0].writable);
        assert_eq!(built.message_accounts.len(), 3);
        let decoded = decode_transaction(&built.bytes).unwrap();
        assert_eq!(decoded.instructions[0].accounts[1].index, 0);
        assert_eq!(decoded.signatures.len(), 1);
        sanitized(&built.bytes);
    }
}

#[test]
fn program_that_is_also_a_writable_account_is_merged() {
    let accounts = vec![TxAccountMeta {
        pubkey: key_for("program"),
        is_signer: false,
        is_writable: true,
    }];
    let built = build_transaction(&spec(accounts.clone(), TxVersion::V0)).unwrap();
    assert_eq!(built.header, expected(&accounts).0);
    assert_eq!(built.message_accounts.len(), 2);
}

#[test]
fn compute_budget_instructions_come_first_and_fees_follow() {
    let mut with_budget = spec(vec![meta("signer", true, true)], TxVersion::V0);
    with_budget.compute_unit_limit = Some(300_000);
    with_budget.compute_unit_price = Some(12_345);
    let built = build_transaction(&with_budget).unwrap();
    // 2 signatures + ceil(12_345 × 300_000 / 1e6) = 3703.5 → 3704.
    assert_eq!(built.fee_lamports, 10_000 + 3_704);
    assert_eq!(built.compute_unit_limit, Some(300_000));
    let decoded = decode_transaction(&built.bytes).unwrap();
    assert_eq!(decoded.instructions.len(), 3);
    let budget = decoded.instructions[0].program_id.clone().unwrap();
    assert_eq!(budget, COMPUTE_BUDGET_PROGRAM_ID);
    assert_eq!(
        decoded.instructions[0].data,
        set_compute_unit_limit_data(300_000)
    );
    assert_eq!(decoded.instructions[0].data_hex, "02e0930400");
    assert_eq!(
        decoded.instructions[1].data,
        set_compute_unit_price_data(12_345)
    );
    assert_eq!(decoded.instructions[1].data_hex, "033930000000000000");
    assert_eq!(decoded.instructions[2].data, vec![1, 2, 3]);
    // The compute-budget program is a read-only non-signer key.
    let key = decoded
        .account_keys
        .iter()
        .find(|a| a.pubkey == COMPUTE_BUDGET_PROGRAM_ID)
        .unwrap();
    assert!(!key.signer && !key.writable);
    sanitized(&built.bytes);

    let named = name_instructions(&decoded, |_| None);
    assert_eq!(
        named[0].instruction_name.as_deref(),
        Some("setComputeUnitLimit")
    );
    assert_eq!(named[0].args, Some(json!({"units": 300_000})));
    assert_eq!(
        named[1].instruction_name.as_deref(),
        Some("setComputeUnitPrice")
    );
    assert_eq!(named[1].args, Some(json!({"microLamports": "12345"})));
    assert_eq!(named[2].instruction_name, None);

    // A price alone: 200 000 CU per (non-budget) instruction.
    let mut price_only = spec(vec![], TxVersion::Legacy);
    price_only.compute_unit_price = Some(1_000_000);
    let built = build_transaction(&price_only).unwrap();
    assert_eq!(built.compute_unit_limit, Some(200_000));
    assert_eq!(built.fee_lamports, 5_000 + 200_000);
    assert_eq!(
        decode_transaction(&built.bytes).unwrap().instructions.len(),
        2
    );

    assert_eq!(fee_lamports(1, None, 0), 5_000);
    assert_eq!(fee_lamports(1, Some(1), 1), 5_001);
    assert_eq!(fee_lamports(255, Some(u64::MAX), u32::MAX), u64::MAX);
}

#[test]
fn compute_budget_given_twice_is_refused() {
    let mut twice = spec(vec![], TxVersion::V0);
    twice.instructions.push(TxInstruction {
        program_id: COMPUTE_BUDGET_PROGRAM_ID.into(),
        accounts: vec![],
        data: set_compute_unit_limit_data(1),
    });
    twice.compute_unit_limit = Some(2);
    assert!(matches!(
        build_transaction(&twice),
        Err(TxError::DuplicateComputeBudget { .. })
    ));
}

#[test]
fn bad_inputs_are_named() {
    let mut bad = spec(vec![meta("a", false, false)], TxVersion::Legacy);
    bad.instructions[0].accounts.push(TxAccountMeta {
        pubkey: "not-base58!".into(),
        is_signer: false,
        is_writable: false,
    });
    let err = build_transaction(&bad).unwrap_err();
    assert_eq!(
        err,
        TxError::InvalidAccount {
            instruction: 0,
            account: 1,
            value: "not-base58!".into()
        }
    );
    assert_eq!(err.path().as_deref(), Some("/instructions/0/accounts/1"));

    let mut bad = spec(vec![], TxVersion::Legacy);
    bad.recent_blockhash = "abc".into();
    assert!(matches!(
        build_transaction(&bad),
        Err(TxError::InvalidBlockhash { .. })
    ));
    let mut bad = spec(vec![], TxVersion::Legacy);
    bad.fee_payer = "".into();
    assert!(matches!(
        build_transaction(&bad),
        Err(TxError::InvalidFeePayer { .. })
    ));
    let mut bad = spec(vec![], TxVersion::Legacy);
    bad.instructions[0].program_id = "11".into();
    assert!(matches!(
        build_transaction(&bad),
        Err(TxError::InvalidProgramId { .. })
    ));
    let mut bad = spec(vec![], TxVersion::Legacy);
    bad.instructions.clear();
    assert_eq!(
        build_transaction(&bad).unwrap_err(),
        TxError::NoInstructions
    );
}

#[test]
fn more_than_256_keys_is_an_error_not_a_panic() {
    let accounts: Vec<_> = (0..300)
        .map(|i| meta(&format!("k{i}"), false, false))
        .collect();
    for version in [TxVersion::Legacy, TxVersion::V0] {
        let err = build_transaction(&spec(accounts.clone(), version)).unwrap_err();
        assert!(matches!(err, TxError::Compile { .. }), "{err}");
    }
    // 60 keys: builds, but exceeds the packet size.
    let accounts: Vec<_> = (0..60)
        .map(|i| meta(&format!("k{i}"), false, false))
        .collect();
    let built = build_transaction(&spec(accounts, TxVersion::Legacy)).unwrap();
    assert!(built.bytes.len() > 1232);
    assert_eq!(built.warnings.len(), 1);
}

#[test]
fn text_encodings_round_trip() {
    use orquestra_tx::TextEncoding;
    let built = build_transaction(&spec(vec![meta("a", true, true)], TxVersion::V0)).unwrap();
    for encoding in [Encoding::Base58, Encoding::Base64] {
        let text = encoding.encode(&built.bytes);
        assert_eq!(encoding.decode(&text).unwrap(), built.bytes);
        let decoded = decode_transaction_text(&text, encoding).unwrap();
        assert_eq!(decoded.version, TxVersion::V0);
    }
    assert_eq!(built.to_base64(), Encoding::Base64.encode(&built.bytes));
    assert_eq!(built.to_base58(), Encoding::Base58.encode(&built.bytes));
    assert!(matches!(
        Encoding::Base64.decode("!!"),
        Err(TxError::InvalidEncoding { .. })
    ));
    // The wire default is base64, the same for every route.
    assert_eq!(Encoding::default(), Encoding::Base64);
    assert_eq!(
        serde_json::from_str::<Encoding>("\"base58\"").unwrap(),
        Encoding::Base58
    );
}

#[test]
fn decoder_refuses_truncation_trailing_bytes_and_bad_lengths() {
    let built = build_transaction(&spec(vec![meta("a", true, true)], TxVersion::V0)).unwrap();
    let bytes = &built.bytes;
    for len in 0..bytes.len() {
        assert!(
            matches!(
                decode_transaction(&bytes[..len]),
                Err(TxError::Malformed { .. })
            ),
            "truncated at {len}"
        );
    }
    let mut trailing = bytes.clone();
    trailing.push(0);
    assert!(matches!(
        decode_transaction(&trailing),
        Err(TxError::Malformed { .. })
    ));

    // Absurd counts are refused before allocating.
    assert!(matches!(
        decode_transaction(&[0xff, 0xff, 0x03]),
        Err(TxError::Malformed { .. })
    ));
    // Non-canonical compact-u16 (0x80 0x00 = 0 in two bytes).
    assert!(matches!(
        decode_transaction(&[0x80, 0x00]),
        Err(TxError::Malformed { .. })
    ));
    // Message version 1 is not supported.
    let mut v1 = vec![0u8];
    v1.push(0x81);
    assert!(matches!(
        decode_transaction(&v1),
        Err(TxError::Malformed { .. })
    ));
    // Oversized input.
    assert!(matches!(
        decode_transaction(&vec![0u8; 70_000]),
        Err(TxError::TooLarge { .. })
    ));
}

#[test]
fn decoder_reports_signature_mismatch_and_lookups() {
    // Hand-written v0 message: 0 signatures, header [1,0,1], 2 keys, one lookup table, one
    // instruction using a loaded writable (index 2) and loaded read-only (index 3) account.
    let mut bytes = vec![0u8, 0x80, 1, 0, 1, 2];
    bytes.extend([7u8; 32]);
    bytes.extend([9u8; 32]);
    bytes.extend([5u8; 32]); // blockhash
    bytes.extend([1, 1, 3, 2, 3, 9, 1, 0xaa]); // ix: program 1, accounts [2,3,9], data [aa]
    bytes.push(1); // one lookup
    bytes.extend([4u8; 32]);
    bytes.extend([1, 10, 1, 20]);
    let decoded = decode_transaction(&bytes).unwrap();
    assert_eq!(decoded.version, TxVersion::V0);
    assert_eq!(decoded.address_table_lookups.len(), 1);
    let accounts = &decoded.instructions[0].accounts;
    assert!(accounts[0].writable && accounts[0].lookup.as_ref().unwrap().index == 10);
    assert!(!accounts[1].writable && accounts[1].lookup.as_ref().unwrap().index == 20);
    assert!(accounts[2].pubkey.is_none() && accounts[2].lookup.is_none());
    assert_eq!(decoded.warnings.len(), 2, "{:?}", decoded.warnings);
}

#[test]
fn decoder_never_panics_on_garbage() {
    let built = build_transaction(&spec(
        vec![meta("a", true, true), meta("b", false, false)],
        TxVersion::Legacy,
    ))
    .unwrap();
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for _ in 0..20_000 {
        let len = (next() % 400) as usize;
        let random: Vec<u8> = (0..len).map(|_| next() as u8).collect();
        let _ = decode_transaction(&random);
        // Valid transaction with a few flipped bytes.
        let mut mutated = built.bytes.clone();
        for _ in 0..3 {
            let i = (next() as usize) % mutated.len();
            mutated[i] = next() as u8;
        }
        if let Ok(decoded) = decode_transaction(&mutated) {
            let _ = name_instructions(&decoded, |_| None);
        }
    }
}
