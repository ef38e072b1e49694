#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Structural tests of the Codama parser over the corpus in `testdata/idls/codama`, and its
//! behaviour on malformed input.

use std::path::PathBuf;

use orquestra_idl::{
    codama, AccountDefault, AccountItem, Count, Discriminator, IdlFormat, InstructionAccount,
    ParseOptions, Program, Seed, Signer, Type, VariantFields,
};
use serde_json::{json, Value};

fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../testdata/idls/codama")
}

fn load(name: &str) -> Value {
    let text = std::fs::read_to_string(corpus_dir().join(format!("{name}.json"))).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn parse(name: &str) -> Program {
    codama::parse(&load(name), &ParseOptions::default())
        .unwrap_or_else(|problems| panic!("{name}: {problems:#?}"))
}

fn account<'a>(program: &'a Program, ix: &str, name: &str) -> &'a InstructionAccount {
    let ix = program.instructions.iter().find(|i| i.name == ix).unwrap();
    ix.accounts
        .iter()
        .find_map(|a| match a {
            AccountItem::Single(a) if a.name == name => Some(a),
            _ => None,
        })
        .unwrap()
}

#[test]
fn every_codama_idl_parses() {
    let mut count = 0;
    for entry in std::fs::read_dir(corpus_dir()).unwrap() {
        let path = entry.unwrap().path();
        let value: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let program = codama::parse(&value, &ParseOptions::default())
            .unwrap_or_else(|problems| panic!("{}: {problems:#?}", path.display()));
        assert_eq!(program.format, IdlFormat::Codama);
        assert!(!program.instructions.is_empty(), "{}", path.display());
        // Through the format-detecting entry point too.
        assert!(
            orquestra_idl::parse_value(&value, &ParseOptions::default()).is_ok(),
            "{}",
            path.display()
        );
        count += 1;
    }
    assert!(count >= 10, "only {count} Codama IDLs found");
}

#[test]
fn spl_token() {
    let p = parse("spl_token");
    assert_eq!(p.name, "token");
    assert_eq!(
        p.address.as_deref(),
        Some("TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA")
    );
    assert_eq!(p.spec.as_deref(), Some("1.0.0"));

    let transfer = p
        .instructions
        .iter()
        .find(|i| i.name == "transfer")
        .unwrap();
    assert_eq!(
        transfer.discriminators,
        vec![Discriminator::Bytes {
            offset: 0,
            bytes: vec![3]
        }]
    );
    assert!(transfer.prefix.is_empty());
    assert_eq!(transfer.args[0].name, "discriminator");
    assert_eq!(transfer.args[0].omitted_default, Some(json!(3)));
    assert_eq!(transfer.args[1].name, "amount");
    assert!(transfer.remaining_accounts);
    let authority = account(&p, "transfer", "authority");
    assert_eq!(authority.signer, Signer::Either);
    assert_eq!(authority.default, Some(AccountDefault::Identity));

    let mint = p.accounts.iter().find(|a| a.name == "mint").unwrap();
    assert_eq!(mint.discriminators, vec![Discriminator::Size { size: 82 }]);
    let Type::Struct { fields } = &mint.ty else {
        panic!("mint is not a struct")
    };
    let names: Vec<_> = fields.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "mintAuthority",
            "supply",
            "decimals",
            "isInitialized",
            "freezeAuthority"
        ]
    );
    assert!(
        matches!(&fields[0].ty, Type::Option { inner, fixed: true, .. } if **inner == Type::PublicKey)
    );

    // `initializeMint.freezeAuthority` defaults to none when left out.
    let init = p
        .instructions
        .iter()
        .find(|i| i.name == "initializeMint")
        .unwrap();
    let freeze = init
        .args
        .iter()
        .find(|a| a.name == "freezeAuthority")
        .unwrap();
    assert_eq!(freeze.optional_default, Some(Value::Null));
    assert!(!p.errors.is_empty());
}

#[test]
fn associated_token_account_pdas() {
    let p = parse("spl_associated_token_account");
    let pda = &p
        .pdas
        .iter()
        .find(|d| d.name == "associatedTokenPda")
        .unwrap()
        .pda;
    let names: Vec<_> = pda
        .seeds
        .iter()
        .map(|s| match s {
            Seed::Variable {
                name,
                ty: Type::PublicKey,
                ..
            } => name.as_str(),
            other => panic!("unexpected seed {other:?}"),
        })
        .collect();
    assert_eq!(names, ["wallet", "tokenProgram", "mint"]);
    assert_eq!(pda.program, None);
    let mode = p.types.iter().find(|t| t.name == "createMode").unwrap();
    let Type::Enum { variants, .. } = &mode.ty else {
        panic!("createMode is not an enum")
    };
    assert_eq!(variants[1].name, "idempotent");
    assert_eq!(variants[1].discriminant, 1);
    assert_eq!(variants[1].fields, VariantFields::Unit);
}

#[test]
fn pda_value_seeds_are_substituted() {
    let p = parse("spl_address_lookup_table");
    let address = account(&p, "createLookupTable", "address");
    let pda = address.pda.as_ref().unwrap();
    assert_eq!(
        pda.seeds[0],
        Seed::Account {
            path: "authority".into(),
            account: None
        }
    );
    let Seed::Arg {
        path,
        ty: Some(Type::Number { .. }),
    } = &pda.seeds[1]
    else {
        panic!("{:?}", pda.seeds[1])
    };
    assert_eq!(path, "recentSlot");
    assert_eq!(
        account(&p, "createLookupTable", "payer").default,
        Some(AccountDefault::Account {
            name: "authority".into()
        })
    );
    assert_eq!(
        account(&p, "createLookupTable", "systemProgram")
            .address
            .as_deref(),
        Some("11111111111111111111111111111111")
    );
    // The bump argument defaults to an account bump: not a constant, so no default is recorded.
    let create = p
        .instructions
        .iter()
        .find(|i| i.name == "createLookupTable")
        .unwrap();
    let bump = create.args.iter().find(|a| a.name == "bump").unwrap();
    assert_eq!(
        (
            bump.omitted_default.as_ref(),
            bump.optional_default.as_ref()
        ),
        (None, None)
    );
}

#[test]
fn token_metadata_constant_seeds_and_enum_discriminators() {
    let p = parse("mpl_token_metadata_codama");
    let metadata = &p.pdas.iter().find(|d| d.name == "metadata").unwrap().pda;
    assert_eq!(
        metadata.seeds[0],
        Seed::Const {
            bytes: b"metadata".to_vec()
        }
    );
    assert_eq!(metadata.seeds[1], Seed::ProgramId);
    assert!(matches!(&metadata.seeds[2], Seed::Variable { name, .. } if name == "mint"));

    // Accounts are recognised by their `key` enum field; its encoded variant is the discriminator.
    let record = p
        .accounts
        .iter()
        .find(|a| a.name == "collectionAuthorityRecord")
        .unwrap();
    let Type::Struct { fields } = &record.ty else {
        panic!()
    };
    assert_eq!(
        fields[0].omitted_default,
        Some(json!("collectionAuthorityRecord"))
    );
    let Discriminator::Bytes { offset: 0, bytes } = &record.discriminators[0] else {
        panic!()
    };
    assert_eq!(bytes.len(), 1);

    // Conditional defaults are kept as descriptions.
    let conditional = p
        .instructions
        .iter()
        .flat_map(|i| &i.accounts)
        .filter_map(|a| match a {
            AccountItem::Single(InstructionAccount {
                default: Some(AccountDefault::Other { description }),
                ..
            }) => Some(description),
            _ => None,
        })
        .next()
        .unwrap();
    assert!(conditional.starts_with("if "), "{conditional}");
}

#[test]
fn program_metadata_wrappers() {
    let p = parse("program_metadata");
    let buffer = p.accounts.iter().find(|a| a.name == "buffer").unwrap();
    let Type::Struct { fields } = &buffer.ty else {
        panic!()
    };
    assert!(fields
        .iter()
        .any(|f| matches!(f.ty, Type::ZeroableOption { .. })));
    assert!(fields
        .iter()
        .any(|f| matches!(f.ty, Type::PostOffset { .. })));
    // The conditional PDA default of `initialize.metadata` names both derivations.
    let Some(AccountDefault::Other { description }) =
        &account(&p, "initialize", "metadata").default
    else {
        panic!()
    };
    assert!(
        description.contains("canonical") && description.contains("nonCanonical"),
        "{description}"
    );
}

#[test]
fn collection_types_and_inferred_discriminators() {
    let p = parse("codama_collection_types");
    let ix = p
        .instructions
        .iter()
        .find(|i| i.name == "storeMap")
        .unwrap();
    assert_eq!(
        ix.discriminators,
        vec![Discriminator::Bytes {
            offset: 0,
            bytes: vec![1]
        }]
    );
    assert!(matches!(
        &ix.args[1].ty,
        Type::Map {
            count: Count::Prefixed { .. },
            ..
        }
    ));
}

fn problems(doc: Value) -> Vec<orquestra_idl::Problem> {
    codama::parse(&doc, &ParseOptions::default()).expect_err("should be refused")
}

fn minimal(instructions: Value) -> Value {
    json!({
        "kind": "rootNode", "standard": "codama", "version": "1.0.0",
        "program": {
            "kind": "programNode", "name": "p", "publicKey": "11111111111111111111111111111111",
            "version": "1.0.0", "instructions": instructions
        }
    })
}

#[test]
fn minimal_program_parses() {
    let p = codama::parse(&minimal(json!([])), &ParseOptions::default()).unwrap();
    assert!(p.instructions.is_empty() && p.accounts.is_empty() && p.types.is_empty());
}

#[test]
fn malformed_inputs_give_pointed_problems() {
    // Not a root node.
    let ps = problems(json!({"kind": "programNode"}));
    assert_eq!(ps[0].pointer, "");
    assert!(!problems(json!([1, 2])).is_empty());
    assert!(!problems(json!({"kind": "rootNode"})).is_empty());

    // Bad argument type, unknown number format, bad signer, bad omitted default: all reported.
    let doc = minimal(json!([
        {
            "kind": "instructionNode", "name": "a",
            "arguments": [
                {"kind": "instructionArgumentNode", "name": "x", "type": {"kind": "nopeTypeNode"}},
                {"kind": "instructionArgumentNode", "name": "y", "type": {"kind": "numberTypeNode", "format": "u7"}}
            ],
            "accounts": [{"kind": "instructionAccountNode", "name": "s", "isWritable": true, "isSigner": "maybe"}]
        },
        {
            "kind": "instructionNode", "name": "b",
            "arguments": [{
                "kind": "instructionArgumentNode", "name": "d",
                "type": {"kind": "numberTypeNode", "format": "u8", "endian": "le"},
                "defaultValue": {"kind": "accountValueNode", "name": "s"},
                "defaultValueStrategy": "omitted"
            }],
            "discriminators": [{"kind": "fieldDiscriminatorNode", "name": "d", "offset": 0}]
        }
    ]));
    let ps = problems(doc);
    let pointers: Vec<_> = ps.iter().map(|p| p.pointer.as_str()).collect();
    assert!(
        pointers.contains(&"/program/instructions/0/arguments/0/type"),
        "{ps:#?}"
    );
    assert!(
        pointers.contains(&"/program/instructions/0/arguments/1/type/format"),
        "{ps:#?}"
    );
    assert!(
        pointers.contains(&"/program/instructions/0/accounts/0/isSigner"),
        "{ps:#?}"
    );
    // An omitted argument whose value the client computes becomes a plain argument, so the
    // field discriminator naming it has no constant to match.
    assert!(
        pointers.contains(&"/program/instructions/1/discriminators/0/name"),
        "{ps:#?}"
    );
}

#[test]
fn bad_constants_and_links_are_reported() {
    let doc = minimal(json!([{
        "kind": "instructionNode", "name": "a",
        "arguments": [{
            "kind": "instructionArgumentNode", "name": "discriminator",
            "type": {"kind": "numberTypeNode", "format": "u8", "endian": "le"},
            "defaultValue": {"kind": "numberValueNode", "number": 300},
            "defaultValueStrategy": "omitted"
        }],
        "discriminators": [{"kind": "fieldDiscriminatorNode", "name": "discriminator", "offset": 0}],
        "accounts": [{
            "kind": "instructionAccountNode", "name": "x", "isWritable": false, "isSigner": false,
            "defaultValue": {"kind": "pdaValueNode", "pda": {"kind": "pdaLinkNode", "name": "nope"}, "seeds": []}
        }, {
            "kind": "instructionAccountNode", "name": "y", "isWritable": false, "isSigner": false,
            "defaultValue": {"kind": "publicKeyValueNode", "publicKey": "not-base58!"}
        }]
    }]));
    let ps = problems(doc);
    let pointers: Vec<_> = ps.iter().map(|p| p.pointer.as_str()).collect();
    assert_eq!(
        pointers,
        [
            "/program/instructions/0/discriminators/0/name",
            "/program/instructions/0/accounts/1/defaultValue/publicKey"
        ],
        "{ps:#?}"
    );
}

#[test]
fn unknown_pda_links_become_descriptions() {
    let doc = minimal(json!([{
        "kind": "instructionNode", "name": "a",
        "accounts": [{
            "kind": "instructionAccountNode", "name": "x", "isWritable": false, "isSigner": false,
            "defaultValue": {"kind": "pdaValueNode", "pda": {"kind": "pdaLinkNode", "name": "nope"}, "seeds": []}
        }, {
            "kind": "instructionAccountNode", "name": "ata", "isWritable": true, "isSigner": false,
            "defaultValue": {
                "kind": "pdaValueNode", "pda": {"kind": "pdaLinkNode", "name": "associatedToken"},
                "seeds": [{"kind": "pdaSeedValueNode", "name": "mint", "value": {"kind": "accountValueNode", "name": "m"}}]
            }
        }]
    }]));
    let p = codama::parse(&doc, &ParseOptions::default()).unwrap();
    let Some(AccountDefault::Other { description }) = &account(&p, "a", "x").default else {
        panic!()
    };
    assert!(description.contains("not defined"), "{description}");
    // The well-known associated token PDA is supplied when an IDL links to it without defining it.
    let pda = account(&p, "a", "ata").pda.as_ref().unwrap();
    assert_eq!(
        pda.seeds[2],
        Seed::Account {
            path: "m".into(),
            account: None
        }
    );
    assert!(matches!(&pda.seeds[0], Seed::Variable { name, .. } if name == "owner"));
    assert!(matches!(&pda.program, Some(Seed::Const { bytes }) if bytes.len() == 32));
}

#[test]
fn additional_program_pdas_are_linkable() {
    let mut doc = load("spl_token");
    // Rename the linked PDA in the additional program so only that definition can satisfy a link.
    doc["additionalPrograms"][0]["pdas"][0]["name"] = json!("ataPda");
    doc["program"]["instructions"][0]["accounts"][0]["defaultValue"] = json!({
        "kind": "pdaValueNode", "pda": {"kind": "pdaLinkNode", "name": "ataPda"},
        "seeds": [{"kind": "pdaSeedValueNode", "name": "owner", "value": {"kind": "argumentValueNode", "name": "decimals"}}]
    });
    let p = codama::parse(&doc, &ParseOptions::default()).unwrap();
    let first = &p.instructions[0];
    let AccountItem::Single(a) = &first.accounts[0] else {
        panic!()
    };
    let pda = a.pda.as_ref().unwrap();
    assert!(
        matches!(&pda.seeds[0], Seed::Arg { path, ty: Some(Type::PublicKey) } if path == "decimals")
    );
    let ata = bs58::decode("ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL")
        .into_vec()
        .unwrap();
    assert_eq!(pda.program, Some(Seed::Const { bytes: ata }));
}

#[test]
fn deeply_nested_types_are_refused_not_overflowed() {
    let mut ty = json!({"kind": "publicKeyTypeNode"});
    for _ in 0..500 {
        ty = json!({"kind": "remainderOptionTypeNode", "item": ty});
    }
    let doc = minimal(json!([{
        "kind": "instructionNode", "name": "a",
        "arguments": [{"kind": "instructionArgumentNode", "name": "x", "type": ty}]
    }]));
    let ps = problems(doc);
    assert!(
        ps.iter().any(|p| p.message.contains("too deeply")),
        "{ps:#?}"
    );
}

/// Every sub-document of a corpus IDL with one node replaced by junk: never a panic, and a
/// refusal always names at least one problem.
#[test]
fn mutated_corpus_never_panics() {
    let doc = load("program_metadata");
    let mut paths = Vec::new();
    collect_paths(&doc, String::new(), &mut paths);
    for (i, path) in paths.iter().enumerate().filter(|(i, _)| i % 7 == 0) {
        for junk in [
            json!(null),
            json!(7),
            json!("x"),
            json!({"kind": "bogusNode"}),
            json!([]),
        ] {
            let mut mutated = doc.clone();
            *mutated.pointer_mut(path).unwrap() = junk;
            if let Err(ps) = codama::parse(&mutated, &ParseOptions::default()) {
                assert!(!ps.is_empty(), "mutation {i} at {path}");
            }
        }
    }
}

fn collect_paths(v: &Value, ptr: String, out: &mut Vec<String>) {
    match v {
        Value::Object(o) => {
            for (k, x) in o {
                let p = format!("{ptr}/{k}");
                out.push(p.clone());
                collect_paths(x, p, out);
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                let p = format!("{ptr}/{i}");
                out.push(p.clone());
                collect_paths(x, p, out);
            }
        }
        _ => {}
    }
}
