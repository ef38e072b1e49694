#![allow(clippy::unwrap_used, clippy::expect_used)]
//! PDA derivation against the golden vectors of the reference (Appendix A), an independent
//! implementation of the derivation, and hand-built IDL models.

use curve25519_dalek::edwards::CompressedEdwardsY;
use orquestra_idl::{
    AccountItem, Endian, IdlFormat, Instruction, InstructionAccount, NumberFormat, NumberKind,
    OptionalAccountStrategy, Pda, Program, Seed, Signer, StringEncoding, Type,
};
use orquestra_tx::pda::{derive, derive_raw, find_pda, list_pdas, PdaError, SeedInputs, SeedKind};
use serde_json::json;
use sha2::{Digest, Sha256};

const LETMEBUY: &str = "BUYuxRfhCMWavaUWxhGtPP3ksKEDZxCD5gzknk3JfAya";
const ATA: &str = "ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL";
const TOKEN: &str = "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA";
const WSOL: &str = "So11111111111111111111111111111111111111112";
const SYSTEM: &str = "11111111111111111111111111111111";
const MEMO: &str = "MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr";

fn le(kind: NumberKind) -> NumberFormat {
    NumberFormat {
        kind,
        endian: Endian::Little,
    }
}

fn anchor_string() -> Type {
    Type::SizePrefixed {
        inner: Box::new(Type::String {
            encoding: StringEncoding::Utf8,
        }),
        prefix: le(NumberKind::U32),
    }
}

fn field(name: &str, ty: Type) -> orquestra_idl::Field {
    orquestra_idl::Field {
        name: name.to_string(),
        docs: vec![],
        ty,
        omitted_default: None,
        optional_default: None,
    }
}

fn account(name: &str, pda: Option<Pda>, address: Option<&str>) -> AccountItem {
    AccountItem::Single(InstructionAccount {
        name: name.to_string(),
        docs: vec![],
        writable: true,
        signer: Signer::No,
        optional: false,
        address: address.map(str::to_string),
        pda,
        relations: vec![],
        default: None,
    })
}

fn instruction(
    name: &str,
    args: Vec<orquestra_idl::Field>,
    accounts: Vec<AccountItem>,
) -> Instruction {
    Instruction {
        name: name.to_string(),
        docs: vec![],
        discriminators: vec![],
        prefix: vec![],
        args,
        accounts,
        optional_account_strategy: OptionalAccountStrategy::ProgramId,
        remaining_accounts: false,
        returns: None,
    }
}

fn program(address: Option<&str>, instructions: Vec<Instruction>) -> Program {
    Program {
        format: IdlFormat::Anchor,
        name: "test".to_string(),
        address: address.map(str::to_string),
        version: None,
        spec: None,
        docs: vec![],
        instructions,
        accounts: vec![],
        types: vec![],
        events: vec![],
        errors: vec![],
        constants: vec![],
        pdas: vec![],
        defects: Vec::new(),
        index: Default::default(),
    }
}

fn konst(text: &str) -> Seed {
    Seed::Const {
        bytes: text.as_bytes().to_vec(),
    }
}

fn arg(path: &str) -> Seed {
    Seed::Arg {
        path: path.to_string(),
        ty: None,
    }
}

fn acct(path: &str) -> Seed {
    Seed::Account {
        path: path.to_string(),
        account: None,
    }
}

fn receipts_pda() -> Pda {
    Pda {
        seeds: vec![konst("receipts"), arg("store_name")],
        program: None,
    }
}

/// let_me_buy's `initialize(store_name: string)` with `receipts = ["receipts", store_name]`.
fn let_me_buy() -> Program {
    program(
        Some(LETMEBUY),
        vec![instruction(
            "initialize",
            vec![field("store_name", anchor_string())],
            vec![
                account("receipts", Some(receipts_pda()), None),
                account("authority", None, None),
                account("system_program", None, Some(SYSTEM)),
            ],
        )],
    )
}

#[test]
fn appendix_a_receipts_vectors() {
    let program = let_me_buy();
    let cases = [
        (
            "coffee",
            "HzVRQobrazsc2km6NARA1ztKAum9hgcYJGWzim4FdT1n",
            254,
        ),
        (
            "my-store",
            "G1wMynea7pTxHg1SGhk85xMuYbfBzygFjfmmWBVVh1tr",
            255,
        ),
        ("alpha", "7cbWAN3GNZBdEjJAebMLyK6uwRaAmquCgYpbMeCz3Y6J", 255),
        (
            "store-a",
            "DLdin4FHDmFGorBZgmoW6fBiRjzTHXC2pGc4HomtdFjK",
            253,
        ),
        (
            "store-b",
            "JBcFVpLQUV2vAP4UyGyCPBgbkKfSCEv2TzrEweUCJiB6",
            254,
        ),
    ];
    for (store, address, bump) in cases {
        let inputs = SeedInputs::new()
            .instruction("initialize")
            .arg("store_name", json!(store));
        let found = find_pda(&program, "initialize", "receipts").unwrap();
        let derived = derive(&program, found.pda, &inputs).unwrap();
        assert_eq!(derived.address, address, "{store}");
        assert_eq!(derived.bump, bump, "{store}");
        assert_eq!(derived.program_id, LETMEBUY);
        // The string seed is raw UTF-8: no u32 length prefix.
        assert_eq!(derived.seeds[1].hex, hex(store.as_bytes()));
        assert_eq!(derived.seeds[0].description.as_deref(), Some("receipts"));
        assert_eq!(derived.seeds[1].kind, SeedKind::Arg);

        // The same through the raw helper.
        let raw = derive_raw(LETMEBUY, &[b"receipts".to_vec(), store.as_bytes().to_vec()]).unwrap();
        assert_eq!((raw.address.as_str(), raw.bump), (address, bump));
    }
}

#[test]
fn arg_type_found_without_instruction_context_and_other_casing() {
    let program = let_me_buy();
    let inputs = SeedInputs::new().arg("storeName", json!("coffee"));
    let derived = derive(&program, &receipts_pda(), &inputs).unwrap();
    assert_eq!(
        derived.address,
        "HzVRQobrazsc2km6NARA1ztKAum9hgcYJGWzim4FdT1n"
    );
}

#[test]
fn appendix_a_ata_with_program_override_and_fixed_account() {
    let ata_program_bytes = bs58_decode(ATA);
    assert_eq!(&ata_program_bytes[..2], &[140, 151]);
    let pda = Pda {
        seeds: vec![acct("owner"), acct("token_program"), acct("mint")],
        program: Some(Seed::Const {
            bytes: ata_program_bytes,
        }),
    };
    // Derived under the ATA program although the IDL is another program.
    let program = program(
        Some(MEMO),
        vec![instruction(
            "create",
            vec![],
            vec![
                account("ata", Some(pda.clone()), None),
                account("owner", None, None),
                account("mint", None, None),
                account("token_program", None, Some(TOKEN)),
            ],
        )],
    );
    let inputs = SeedInputs::new()
        .instruction("create")
        .account("owner", SYSTEM)
        .account("mint", WSOL);
    let derived = derive(&program, &pda, &inputs).unwrap();
    assert_eq!(
        derived.address,
        "aqxoAhCwpy3oB1BpNw9hL1HdLYLgPpbPjzxDrrQj3Fs"
    );
    assert_eq!(derived.bump, 254);
    assert_eq!(derived.program_id, ATA);
    assert_eq!(
        derived.seeds[1].value,
        Some(json!(TOKEN)),
        "fixed address filled in"
    );

    // Without the instruction context the token program must be supplied.
    let err = derive(
        &program,
        &pda,
        &SeedInputs::new()
            .account("owner", SYSTEM)
            .account("mint", WSOL),
    )
    .unwrap_err();
    assert!(
        matches!(&err, PdaError::MissingAccount { name } if name == "token_program"),
        "{err}"
    );
}

#[test]
fn appendix_a_counter() {
    let program = program(Some(MEMO), vec![]);
    let pda = Pda {
        seeds: vec![konst("counter")],
        program: None,
    };
    let derived = derive(&program, &pda, &SeedInputs::new()).unwrap();
    assert_eq!(
        derived.address,
        "2PdrJjmh7wENzx28ivXYcoY5Yzrf2VL2x7Gwz5MBmgHf"
    );
    assert_eq!(derived.bump, 255);
    let raw = derive_raw(MEMO, &[b"counter".to_vec()]).unwrap();
    assert_eq!(raw.address, derived.address);
}

#[test]
fn seed_kinds_encode_like_anchor_clients() {
    let cases: Vec<(Type, serde_json::Value, Vec<u8>)> = vec![
        (
            Type::Number {
                format: le(NumberKind::U64),
            },
            json!("258"),
            258u64.to_le_bytes().to_vec(),
        ),
        (
            Type::Number {
                format: le(NumberKind::U16),
            },
            json!(7),
            vec![7, 0],
        ),
        (
            Type::Number {
                format: le(NumberKind::I32),
            },
            json!(-2),
            (-2i32).to_le_bytes().to_vec(),
        ),
        (Type::PublicKey, json!(TOKEN), bs58_decode(TOKEN)),
        (
            Type::SizePrefixed {
                inner: Box::new(Type::Bytes),
                prefix: le(NumberKind::U32),
            },
            json!([1, 2, 3]),
            vec![1, 2, 3],
        ),
        (
            Type::Array {
                inner: Box::new(Type::Number {
                    format: le(NumberKind::U8),
                }),
                count: orquestra_idl::Count::Prefixed {
                    prefix: le(NumberKind::U32),
                },
            },
            json!([9, 8]),
            vec![9, 8],
        ),
        (
            Type::Array {
                inner: Box::new(Type::Number {
                    format: le(NumberKind::U8),
                }),
                count: orquestra_idl::Count::Fixed { len: 32 },
            },
            json!(vec![5; 32]),
            vec![5; 32],
        ),
        (anchor_string(), json!("héllo"), "héllo".as_bytes().to_vec()),
    ];
    for (ty, value, expected) in cases {
        let program = program(
            Some(LETMEBUY),
            vec![instruction("ix", vec![field("x", ty.clone())], vec![])],
        );
        let pda = Pda {
            seeds: vec![arg("x")],
            program: None,
        };
        let derived = derive(
            &program,
            &pda,
            &SeedInputs::new().instruction("ix").arg("x", value),
        )
        .unwrap_or_else(|e| panic!("{ty:?}: {e}"));
        assert_eq!(derived.seeds[0].hex, hex(&expected), "{ty:?}");
        let raw = derive_raw(LETMEBUY, &[expected]).unwrap();
        assert_eq!(raw.address, derived.address);
    }
}

#[test]
fn program_id_and_variable_seeds() {
    let program = program(Some(LETMEBUY), vec![]);
    let pda = Pda {
        seeds: vec![
            Seed::ProgramId,
            Seed::Variable {
                name: "authority".to_string(),
                ty: Type::PublicKey,
                docs: vec![],
            },
        ],
        program: None,
    };
    let derived = derive(
        &program,
        &pda,
        &SeedInputs::new().variable("authority", json!(TOKEN)),
    )
    .unwrap();
    let raw = derive_raw(LETMEBUY, &[bs58_decode(LETMEBUY), bs58_decode(TOKEN)]).unwrap();
    assert_eq!(derived.address, raw.address);
    assert_eq!(derived.seeds[0].kind, SeedKind::ProgramId);
    let err = derive(&program, &pda, &SeedInputs::new()).unwrap_err();
    assert!(
        matches!(&err, PdaError::MissingVariable { name } if name == "authority"),
        "{err}"
    );
}

#[test]
fn errors_name_the_seed_at_fault() {
    let program = let_me_buy();
    let receipts = receipts_pda();

    let err = derive(&program, &receipts, &SeedInputs::new()).unwrap_err();
    assert!(
        matches!(&err, PdaError::MissingArg { path } if path == "store_name"),
        "{err}"
    );
    assert_eq!(err.to_string(), "missing seed value for arg `store_name`");

    let long = "x".repeat(33);
    let err = derive(
        &program,
        &receipts,
        &SeedInputs::new().arg("store_name", json!(long)),
    )
    .unwrap_err();
    assert!(
        matches!(&err, PdaError::SeedTooLong { len: 33, seed } if seed.contains("store_name")),
        "{err}"
    );

    let err = derive(
        &program,
        &receipts,
        &SeedInputs::new().arg("store_name", json!(5)),
    )
    .unwrap_err();
    assert!(
        matches!(&err, PdaError::Encode { seed, .. } if seed.contains("store_name")),
        "{err}"
    );

    let many = Pda {
        seeds: vec![konst("a"); 16],
        program: None,
    };
    let err = derive(&program, &many, &SeedInputs::new()).unwrap_err();
    assert!(
        matches!(err, PdaError::TooManySeeds { count: 16, .. }),
        "{err}"
    );
    let fifteen = Pda {
        seeds: vec![konst("a"); 15],
        program: None,
    };
    derive(&program, &fifteen, &SeedInputs::new()).unwrap();

    let by_account = Pda {
        seeds: vec![acct("authority")],
        program: None,
    };
    let err = derive(
        &program,
        &by_account,
        &SeedInputs::new().account("authority", "not-base58!"),
    )
    .unwrap_err();
    assert!(matches!(err, PdaError::InvalidAddress { .. }), "{err}");

    let field_seed = Pda {
        seeds: vec![acct("vault.mint")],
        program: None,
    };
    let err = derive(&program, &field_seed, &SeedInputs::new()).unwrap_err();
    assert!(
        matches!(&err, PdaError::NeedsAccountData { account, field } if account == "vault" && field == "mint"),
        "{err}"
    );

    let bad_override = Pda {
        seeds: vec![konst("a")],
        program: Some(Seed::Const { bytes: vec![1; 31] }),
    };
    let err = derive(&program, &bad_override, &SeedInputs::new()).unwrap_err();
    assert!(
        matches!(err, PdaError::InvalidProgramOverride { .. }),
        "{err}"
    );

    let no_address = let_me_buy_without_address();
    let err = derive(
        &no_address,
        &receipts,
        &SeedInputs::new().arg("store_name", json!("a")),
    )
    .unwrap_err();
    assert!(matches!(err, PdaError::NoProgramId), "{err}");

    let err = derive(&program, &receipts, &SeedInputs::new().instruction("nope")).unwrap_err();
    assert!(matches!(err, PdaError::InstructionNotFound { .. }), "{err}");

    assert!(matches!(
        find_pda(&program, "initialize", "authority"),
        Err(PdaError::NotAPda { .. })
    ));
    assert!(matches!(
        find_pda(&program, "initialize", "zzz"),
        Err(PdaError::AccountNotFound { .. })
    ));
    assert!(matches!(
        derive_raw("bad", &[]),
        Err(PdaError::InvalidProgramId { .. })
    ));
    assert!(matches!(
        derive_raw(MEMO, &[vec![0; 33]]),
        Err(PdaError::SeedTooLong { len: 33, .. })
    ));
}

fn let_me_buy_without_address() -> Program {
    let mut p = let_me_buy();
    p.address = None;
    p
}

#[test]
fn group_member_account_seed() {
    let pda = Pda {
        seeds: vec![konst("Quarry"), acct("auth.rewarder")],
        program: None,
    };
    let group = AccountItem::Group {
        name: "auth".to_string(),
        docs: vec![],
        accounts: vec![
            account("authority", None, None),
            account("rewarder", None, None),
        ],
    };
    let program = program(
        Some(LETMEBUY),
        vec![instruction(
            "create_quarry",
            vec![],
            vec![account("quarry", Some(pda.clone()), None), group],
        )],
    );
    let expected = derive_raw(LETMEBUY, &[b"Quarry".to_vec(), bs58_decode(TOKEN)]).unwrap();
    for key in ["auth.rewarder", "rewarder"] {
        let inputs = SeedInputs::new()
            .instruction("createQuarry")
            .account(key, TOKEN);
        assert_eq!(
            derive(&program, &pda, &inputs).unwrap().address,
            expected.address,
            "{key}"
        );
    }
    let listed = list_pdas(&program);
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].inputs[0].name, "auth.rewarder");
}

#[test]
fn listing_deduplicates_identical_seed_structures() {
    let program = program(
        Some(LETMEBUY),
        vec![
            let_me_buy().instructions[0].clone(),
            instruction(
                "add_product",
                vec![field("store_name", anchor_string())],
                vec![
                    account("receipts", Some(receipts_pda()), None),
                    account(
                        "other",
                        Some(Pda {
                            seeds: vec![konst("x")],
                            program: None,
                        }),
                        None,
                    ),
                ],
            ),
        ],
    );
    let listed = list_pdas(&program);
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[0].name, "receipts");
    assert_eq!(listed[0].used_by.len(), 2);
    assert_eq!(listed[0].used_by[1].instruction, "add_product");
    assert_eq!(listed[0].inputs.len(), 1);
    assert_eq!(listed[0].inputs[0].name, "store_name");
    assert_eq!(listed[0].inputs[0].ty, Some(anchor_string()));
    assert!(listed[1].inputs.is_empty());
}

// ---- independent implementation -------------------------------------------------------------

/// sha256(seeds ‖ bump ‖ program ‖ "ProgramDerivedAddress"), bump 255 → 0, first off-curve wins.
fn reference_find(seeds: &[Vec<u8>], program: &[u8; 32]) -> Option<([u8; 32], u8)> {
    for bump in (0..=255u8).rev() {
        let mut hasher = Sha256::new();
        for seed in seeds {
            hasher.update(seed);
        }
        hasher.update([bump]);
        hasher.update(program);
        hasher.update(b"ProgramDerivedAddress");
        let hash: [u8; 32] = hasher.finalize().into();
        if CompressedEdwardsY(hash).decompress().is_none() {
            return Some((hash, bump));
        }
    }
    None
}

struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> usize {
        (self.next() % n) as usize
    }
}

#[test]
fn matches_an_independent_implementation_on_random_seeds() {
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
    let mut bumps_below_255 = 0;
    for _ in 0..200 {
        let mut program = [0u8; 32];
        program.iter_mut().for_each(|b| *b = rng.next() as u8);
        let seeds: Vec<Vec<u8>> = (0..rng.below(16))
            .map(|_| (0..rng.below(33)).map(|_| rng.next() as u8).collect())
            .collect();
        let program_b58 = bs58_encode(&program);
        let ours = derive_raw(&program_b58, &seeds).unwrap();
        let (address, bump) = reference_find(&seeds, &program).unwrap();
        assert_eq!(ours.address, bs58_encode(&address));
        assert_eq!(ours.bump, bump);
        if bump < 255 {
            bumps_below_255 += 1;
        }
    }
    // About half of the first candidates are on the curve: the bump search is really exercised.
    assert!(bumps_below_255 > 50, "{bumps_below_255}");
}

// ---- helpers ----------------------------------------------------------------------------------

fn hex(bytes: &[u8]) -> String {
    orquestra_idl::hex::encode(bytes)
}

const ALPHABET: &[u8] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

fn bs58_encode(bytes: &[u8]) -> String {
    let mut digits: Vec<u8> = Vec::new();
    for &byte in bytes {
        let mut carry = u32::from(byte);
        for d in digits.iter_mut() {
            carry += u32::from(*d) << 8;
            *d = (carry % 58) as u8;
            carry /= 58;
        }
        while carry > 0 {
            digits.push((carry % 58) as u8);
            carry /= 58;
        }
    }
    let zeros = bytes.iter().take_while(|b| **b == 0).count();
    std::iter::repeat_n('1', zeros)
        .chain(
            digits
                .iter()
                .rev()
                .map(|d| char::from(ALPHABET[usize::from(*d)])),
        )
        .collect()
}

fn bs58_decode(text: &str) -> Vec<u8> {
    let mut bytes: Vec<u8> = Vec::new();
    for c in text.bytes() {
        let mut carry = ALPHABET.iter().position(|a| *a == c).unwrap() as u32;
        for b in bytes.iter_mut() {
            carry += u32::from(*b) * 58;
            *b = carry as u8;
            carry >>= 8;
        }
        while carry > 0 {
            bytes.push(carry as u8);
            carry >>= 8;
        }
    }
    let zeros = text.bytes().take_while(|c| *c == b'1').count();
    std::iter::repeat_n(0, zeros)
        .chain(bytes.into_iter().rev())
        .collect()
}
