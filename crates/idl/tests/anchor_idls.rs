#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Anchor / legacy Anchor / Shank parsing: the whole corpus parses, and malformed documents are
//! refused with every problem and its JSON pointer.

use std::path::Path;

use orquestra_idl::{
    parse, parse_value, AccountItem, IdlFormat, ParseError, ParseOptions, Seed, Signer, Type,
};
use serde_json::{json, Value};

fn corpus(dir: &str) -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata/idls")
        .join(dir);
    let mut out: Vec<(String, String)> = std::fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| {
            (
                p.file_stem().unwrap().to_string_lossy().to_string(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

fn count_accounts(items: &[AccountItem]) -> usize {
    items
        .iter()
        .map(|i| match i {
            AccountItem::Single(_) => 1,
            AccountItem::Group { accounts, .. } => count_accounts(accounts),
        })
        .sum()
}

#[test]
fn every_anchor_idl_parses() {
    let mut n = 0;
    for dir in ["anchor", "anchor-legacy"] {
        for (name, text) in corpus(dir) {
            let program = parse(&text, &ParseOptions::default())
                .unwrap_or_else(|e| panic!("{name}: {:?}", e.problems()));
            let raw: Value = serde_json::from_str(&text).unwrap();
            assert_eq!(
                program.instructions.len(),
                raw["instructions"].as_array().unwrap().len(),
                "{name}"
            );
            assert_eq!(
                program.accounts.len(),
                raw.get("accounts")
                    .and_then(Value::as_array)
                    .map_or(0, Vec::len),
                "{name}"
            );
            let stated = raw
                .get("address")
                .or_else(|| raw.pointer("/metadata/address"));
            assert_eq!(
                program.address.as_ref(),
                stated.and_then(Value::as_str).map(String::from).as_ref(),
                "{name}"
            );
            let expected = match (dir, raw.pointer("/metadata/origin").and_then(Value::as_str)) {
                ("anchor", _) => IdlFormat::Anchor,
                (_, Some("shank")) => IdlFormat::Shank,
                _ => IdlFormat::AnchorLegacy,
            };
            assert_eq!(program.format, expected, "{name}");
            for ix in &program.instructions {
                assert!(
                    !ix.prefix.is_empty(),
                    "{name}.{}: no discriminator",
                    ix.name
                );
            }
            n += 1;
        }
    }
    assert!(n >= 20, "corpus too small: {n}");
}

#[test]
fn legacy_details() {
    let (_, text) = corpus("anchor-legacy")
        .into_iter()
        .find(|(n, _)| n == "mango_v4")
        .unwrap();
    let p = parse(&text, &ParseOptions::default()).unwrap();
    // Legacy const seeds of every type become bytes, arg seeds keep their type.
    let pdas = p.all_pdas();
    assert!(!pdas.is_empty());
    let bank = pdas.iter().find(|(_, pda)| {
        pda.seeds
            .iter()
            .any(|s| matches!(s, Seed::Const { bytes } if bytes == b"Bank"))
            && pda
                .seeds
                .iter()
                .any(|s| matches!(s, Seed::Const { bytes } if bytes == &[0, 0, 0, 0]))
    });
    assert!(bank.is_some(), "u32 const seed");
    assert!(pdas.iter().flat_map(|(_, p)| &p.seeds).any(|s| matches!(
        s,
        Seed::Arg {
            ty: Some(Type::Number { .. }),
            ..
        }
    )));

    let (_, text) = corpus("anchor-legacy")
        .into_iter()
        .find(|(n, _)| n == "token_metadata")
        .unwrap();
    let p = parse(&text, &ParseOptions::default()).unwrap();
    assert_eq!(p.format, IdlFormat::Shank);
    assert_eq!(
        p.find_instruction("CreateMetadataAccountV3")
            .unwrap()
            .prefix,
        vec![33]
    );
    assert!(p.accounts.iter().all(|a| a.prefix.is_empty()));
}

#[test]
fn new_spec_details() {
    let (_, text) = corpus("anchor")
        .into_iter()
        .find(|(n, _)| n == "anchor_idl_new")
        .unwrap();
    let p = parse(&text, &ParseOptions::default()).unwrap();
    let init = p.find_instruction("initialize").unwrap();
    assert_eq!(init.prefix, vec![175, 175, 109, 31, 13, 152, 155, 237]);
    assert!(
        matches!(&init.accounts[1], AccountItem::Group { name, accounts, .. } if name == "nested" && accounts.len() == 2)
    );
    assert_eq!(count_accounts(&init.accounts), 10);
    let AccountItem::Single(state) = &init.accounts[0] else {
        panic!()
    };
    assert!(state.writable && state.signer == Signer::Yes);
    assert!(p.find_account("some_zc_account").is_some());
    assert_eq!(
        p.find_type("ZcStruct").unwrap().serialization,
        orquestra_idl::Serialization::Bytemuck
    );

    let (_, text) = corpus("anchor")
        .into_iter()
        .find(|(n, _)| n == "pump")
        .unwrap();
    let p = parse(&text, &ParseOptions::default()).unwrap();
    // Anchor ≥0.30 arg seeds get their type from the instruction's arguments.
    for (_, pda) in p.all_pdas() {
        for s in &pda.seeds {
            if let Seed::Arg { path, ty } = s {
                assert!(ty.is_some(), "arg seed {path} without type");
            }
        }
    }
}

#[test]
fn program_id_option_for_legacy_without_address() {
    let idl = json!({"version": "0.1.0", "name": "x", "instructions": [{"name": "a", "accounts": [], "args": []}]});
    assert_eq!(
        parse_value(&idl, &ParseOptions::default()).unwrap().address,
        None
    );
    let opts = ParseOptions {
        program_id: Some("11111111111111111111111111111111".into()),
        ..Default::default()
    };
    assert_eq!(
        parse_value(&idl, &opts).unwrap().address.as_deref(),
        Some("11111111111111111111111111111111")
    );
    let bad = ParseOptions {
        program_id: Some("not-base58!".into()),
        ..Default::default()
    };
    assert!(parse_value(&idl, &bad).is_err());
}

/// The problems a strict parse refuses `idl` for. A lenient parse must either refuse it too or
/// report each problem as an item defect at the same pointer.
fn problems(idl: Value) -> Vec<(String, String)> {
    let strict = ParseOptions {
        strict: true,
        ..Default::default()
    };
    let problems: Vec<(String, String)> = match parse_value(&idl, &strict) {
        Err(ParseError::Invalid(problems)) => problems
            .into_iter()
            .map(|p| (p.pointer, p.message))
            .collect(),
        other => panic!("expected problems, got {other:?}"),
    };
    if let Ok(program) = parse_value(&idl, &ParseOptions::default()) {
        for (pointer, message) in &problems {
            assert!(
                program
                    .defects
                    .iter()
                    .any(|d| &d.path == pointer && &d.message == message),
                "{pointer}: {message} is not among the defects {:?}",
                program.defects
            );
        }
    }
    problems
}

fn base(instructions: Value, types: Value) -> Value {
    json!({
        "address": "11111111111111111111111111111111",
        "metadata": {"name": "t", "version": "0.1.0", "spec": "0.1.0"},
        "instructions": instructions,
        "types": types
    })
}

#[track_caller]
fn has(problems: &[(String, String)], pointer: &str, needle: &str) {
    assert!(
        problems
            .iter()
            .any(|(p, m)| p == pointer && m.contains(needle)),
        "no problem at {pointer} containing {needle:?}; got {problems:?}"
    );
}

#[test]
fn unknown_defined_type() {
    let p = problems(base(
        json!([{"name": "a", "discriminator": [1], "accounts": [], "args": [
            {"name": "x", "type": {"defined": {"name": "Missing"}}},
            {"name": "y", "type": {"vec": {"defined": {"name": "AlsoMissing"}}}}
        ]}]),
        json!([]),
    ));
    has(&p, "/instructions/0/args/0/type", "unknown type `Missing`");
    has(
        &p,
        "/instructions/0/args/1/type",
        "unknown type `AlsoMissing`",
    );
}

#[test]
fn duplicate_names() {
    let ix = |name: &str| json!({"name": name, "discriminator": [1], "accounts": [], "args": []});
    let t = json!({"name": "T", "type": {"kind": "struct", "fields": [{"name": "a", "type": "u8"}, {"name": "a", "type": "u8"}]}});
    let p = problems(base(
        json!([ix("a"), ix("b"), ix("a"), {"name": "c", "discriminator": [2], "accounts": [], "args": [
            {"name": "t", "type": {"defined": {"name": "T"}}}, {"name": "t", "type": "u8"}
        ]}]),
        json!([t, {"name": "T", "type": {"kind": "struct", "fields": []}}]),
    ));
    has(&p, "/instructions/2", "duplicate instruction name `a`");
    has(&p, "/instructions/3/args/1", "duplicate argument name `t`");
    has(&p, "/types/1", "duplicate type name `T`");
    has(&p, "/types/0/type/fields/1", "duplicate field name `a`");
}

#[test]
fn bad_addresses() {
    let mut idl = base(
        json!([{"name": "a", "discriminator": [1], "args": [], "accounts": [
            {"name": "sys", "address": "1111"},
            {"name": "g", "accounts": [{"name": "inner", "address": "0OIl0OIl0OIl0OIl0OIl0OIl0OIl0OIl"}]}
        ]}]),
        json!([]),
    );
    idl["address"] = json!("not an address");
    let p = problems(idl);
    has(&p, "/address", "not a valid address");
    has(
        &p,
        "/instructions/0/accounts/0/address",
        "not a valid address",
    );
    has(
        &p,
        "/instructions/0/accounts/1/accounts/0/address",
        "not a valid address",
    );
}

#[test]
fn unsupported_shapes_and_missing_parts() {
    let p = problems(base(
        json!([
            {"name": "a", "accounts": [], "args": []},
            {"name": "b", "discriminator": [1], "accounts": [], "args": [
                {"name": "x", "type": "u512"},
                {"name": "y", "type": {"array": ["u8", -1]}},
                {"name": "z", "type": {"frobnicate": "u8"}},
                {"name": "w"}
            ]}
        ]),
        json!([{"name": "E", "type": {"kind": "union"}}]),
    ));
    has(&p, "/instructions/0", "missing `discriminator`");
    has(&p, "/instructions/1/args/0/type", "unsupported type `u512`");
    has(&p, "/instructions/1/args/1/type/array/1", "array length");
    has(
        &p,
        "/instructions/1/args/2/type/frobnicate",
        "unsupported type `frobnicate`",
    );
    has(&p, "/instructions/1/args/3", "missing `type`");
    has(&p, "/types/0/type/kind", "unsupported type kind `union`");
}

#[test]
fn generic_misuse() {
    let p = problems(base(
        json!([{"name": "a", "discriminator": [1], "accounts": [], "args": [
            {"name": "x", "type": {"defined": {"name": "G", "generics": []}}},
            {"name": "y", "type": {"generic": "T"}}
        ]}]),
        json!([{"name": "G", "generics": [{"kind": "type", "name": "T"}], "type": {"kind": "struct", "fields": [
            {"name": "a", "type": {"generic": "T"}},
            {"name": "b", "type": {"array": ["u8", {"generic": "N"}]}}
        ]}}]),
    ));
    has(
        &p,
        "/instructions/0/args/0/type",
        "takes 1 generic argument(s), got 0",
    );
    has(
        &p,
        "/instructions/0/args/1/type",
        "unknown generic type parameter `T`",
    );
    has(
        &p,
        "/types/0/type/fields/1/type",
        "unknown const generic parameter `N`",
    );
}

#[test]
fn not_an_idl() {
    assert!(matches!(
        parse("{", &ParseOptions::default()),
        Err(ParseError::NotJson(_))
    ));
    assert!(matches!(
        parse("{}", &ParseOptions::default()),
        Err(ParseError::UnknownFormat)
    ));
    let p = problems(json!({"instructions": 3, "name": "x"}));
    has(&p, "/instructions", "expected an array");
}

#[test]
fn legacy_sighashes_equal_the_new_spec_discriminators_of_twins() {
    let load = |dir: &str, name: &str| {
        let (_, text) = corpus(dir).into_iter().find(|(n, _)| n == name).unwrap();
        parse(&text, &ParseOptions::default()).unwrap()
    };
    for (new, old) in [
        ("anchor_idl_new", "anchor_idl_old"),
        ("raydium_clmm", "raydium_clmm_legacy"),
        ("quarry_mine", "quarry_mine_legacy"),
    ] {
        let (new, old) = (load("anchor", new), load("anchor-legacy", old));
        for acc in &old.accounts {
            if let Some(twin) = new.find_account(&acc.name) {
                assert_eq!(acc.prefix, twin.prefix, "account {}", acc.name);
            }
        }
        for ev in &old.events {
            if let Some(twin) = new.find_event(&ev.name) {
                assert_eq!(ev.prefix, twin.prefix, "event {}", ev.name);
            }
        }
        for ix in &old.instructions {
            if let Some(twin) = new.find_instruction(&ix.name) {
                assert_eq!(ix.prefix, twin.prefix, "instruction {}", ix.name);
            }
        }
    }
}

#[test]
fn events_round_trip() {
    let (_, text) = corpus("anchor")
        .into_iter()
        .find(|(n, _)| n == "anchor_idl_new")
        .unwrap();
    let p = parse(&text, &ParseOptions::default()).unwrap();
    let value = json!({"bool_field": true, "external_my_struct": {"some_field": 1}, "other_module_my_struct": {"some_u8": 2}});
    let bytes = p.encode_event("SomeEvent", &value).unwrap();
    assert_eq!(bytes, [39, 221, 150, 148, 91, 206, 29, 93, 1, 1, 2]);
    assert_eq!(p.identify_event(&bytes).unwrap().name, "SomeEvent");
    let decoded = p.decode_event("SomeEvent", &bytes).unwrap();
    assert_eq!((decoded.value, decoded.trailing_bytes), (value.clone(), 0));
    // The legacy twin names types it does not define: it parses, and the event reports them.
    let (_, text) = corpus("anchor-legacy")
        .into_iter()
        .find(|(n, _)| n == "anchor_idl_old")
        .unwrap();
    let old = parse(&text, &ParseOptions::default()).unwrap();
    let err = old.encode_event("SomeEvent", &value).unwrap_err();
    assert_eq!(
        (err.code, err.path.as_str()),
        (
            orquestra_idl::CodecErrorCode::UnknownType,
            "/externalMyStruct"
        )
    );
}
