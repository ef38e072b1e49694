#![allow(clippy::unwrap_used, clippy::expect_used)]
//! IDL intake: real published IDLs that earlier versions refused whole, written here in the same
//! shape, must be accepted and still encode byte-exact against the golden vectors; defects
//! confined to single items leave the rest of the program usable.

mod common;

use common::{check_case, testdata, vector_cases};
use orquestra_idl::{
    parse_value, CodecErrorCode, DefectCode, IdlFormat, ItemKind, ParseError, ParseOptions, Program,
};
use serde_json::{json, Value};

const ADDRESS: &str = "MarBmsSgKXdrN1egZf5sqe1TMai9K1rChYNDJgjq7aD";

fn corpus(path: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(testdata().join("idls").join(path)).unwrap())
        .unwrap()
}

fn lenient(idl: &Value) -> Program {
    parse_value(idl, &ParseOptions::default()).unwrap_or_else(|e| panic!("{e}"))
}

fn strict(idl: &Value) -> Result<Program, ParseError> {
    parse_value(
        idl,
        &ParseOptions {
            strict: true,
            ..Default::default()
        },
    )
}

/// Every golden case of `stem` passes, except those of items listed as defective, which must be
/// refused as unusable. Returns (passed, refused).
fn vectors_hold(program: &Program, stem: &str) -> (usize, usize) {
    let (mut passed, mut refused) = (0, 0);
    for case in vector_cases(stem) {
        let (kind, name) = match case.get("instruction").and_then(Value::as_str) {
            Some(ix) => (ItemKind::Instruction, ix),
            None => (ItemKind::Account, case["account"].as_str().unwrap()),
        };
        if program.defect(kind, name).is_some() {
            let err = match kind {
                ItemKind::Instruction => program.encode_instruction(name, &case["args"]),
                _ => program.encode_account(name, &case["value"]),
            }
            .unwrap_err();
            assert_eq!(err.code, CodecErrorCode::ItemUnusable, "{name}: {err}");
            refused += 1;
        } else {
            check_case(program, &case).unwrap_or_else(|e| panic!("{stem}: {e}"));
            passed += 1;
        }
    }
    (passed, refused)
}

#[test]
fn legacy_idl_with_a_top_level_address_is_legacy() {
    // A legacy document (names at the top, `isMut`/`isSigner`, no discriminators) that newer
    // tooling republished with a top-level `address`.
    let mut idl = corpus("anchor-legacy/marinade_finance.json");
    idl["address"] = json!(ADDRESS);
    let program = lenient(&idl);
    assert_eq!(program.format, IdlFormat::AnchorLegacy);
    assert_eq!(program.address.as_deref(), Some(ADDRESS));
    assert_eq!(program.name, "marinade_finance");
    assert!(program.defects.is_empty(), "{:?}", program.defects);
    let (passed, refused) = vectors_hold(&program, "marinade_finance");
    assert!(passed > 20, "only {passed} golden cases");
    assert_eq!(refused, 0);
    strict(&idl).unwrap();
}

#[test]
fn mixed_era_metadata_is_read_where_it_is() {
    // Legacy shape, but `name`/`version` only under `metadata` and the address at the top.
    let idl = json!({
        "address": ADDRESS,
        "metadata": {"name": "mixed", "version": "0.1.0"},
        "instructions": [{
            "name": "initialize",
            "accounts": [{"name": "payer", "isMut": true, "isSigner": true}],
            "args": [{"name": "amount", "type": "u64"}]
        }]
    });
    let program = lenient(&idl);
    assert_eq!(program.format, IdlFormat::AnchorLegacy);
    assert_eq!(program.name, "mixed");
    assert_eq!(program.address.as_deref(), Some(ADDRESS));
    // sha256("global:initialize")[..8] followed by the u64.
    let data = program
        .encode_instruction("initialize", &json!({"amount": "1"}))
        .unwrap();
    assert_eq!(
        data,
        [175, 175, 109, 31, 13, 152, 155, 237, 1, 0, 0, 0, 0, 0, 0, 0]
    );
}

#[test]
fn new_era_idl_without_spec_is_still_anchor() {
    let mut idl = corpus("anchor/pump.json");
    idl["metadata"].as_object_mut().unwrap().remove("spec");
    let program = lenient(&idl);
    assert_eq!(program.format, IdlFormat::Anchor);
    let (passed, _) = vectors_hold(&program, "pump");
    assert!(passed > 20);
}

/// pump with two defects of the kinds seen in published IDLs: the `BondingCurve` account's type
/// has two fields called `padding`, and one instruction's argument names a type the file never
/// defines.
fn damaged_pump() -> (Value, String, String) {
    let mut idl = corpus("anchor/pump.json");
    let types = idl["types"].as_array_mut().unwrap();
    let curve = types
        .iter_mut()
        .find(|t| t["name"] == "BondingCurve")
        .unwrap();
    let fields = curve["type"]["fields"].as_array_mut().unwrap();
    fields.push(json!({"name": "padding", "type": {"array": ["u8", 7]}}));
    fields.push(json!({"name": "padding", "type": {"array": ["u8", 1]}}));
    let ix = &mut idl["instructions"][0];
    let broken = ix["name"].as_str().unwrap().to_owned();
    let args = ix["args"].as_array_mut().unwrap();
    args.push(json!({"name": "extra", "type": {"defined": {"name": "NeverDefined"}}}));
    let pointer = format!("/instructions/0/args/{}/type", args.len() - 1);
    (idl, broken, pointer)
}

#[test]
fn item_defects_leave_the_rest_usable() {
    let (idl, broken_ix, pointer) = damaged_pump();
    let program = lenient(&idl);

    let ix_defect = program
        .defect(ItemKind::Instruction, &broken_ix)
        .expect("the instruction naming an unknown type is flagged");
    assert_eq!(ix_defect.code, DefectCode::InvalidItem);
    assert_eq!(ix_defect.path, pointer);
    assert!(ix_defect.message.contains("NeverDefined"), "{ix_defect:?}");

    let type_defect = program.defect(ItemKind::Type, "BondingCurve").unwrap();
    assert!(type_defect
        .message
        .contains("duplicate field name `padding`"));
    assert!(type_defect.path.starts_with("/types/3/type/fields/"));
    let account = program.defect(ItemKind::Account, "BondingCurve").unwrap();
    assert_eq!(account.code, DefectCode::UsesUnusableType);
    assert_eq!(account.path, "/accounts/0");

    let (passed, refused) = vectors_hold(&program, "pump");
    assert!(passed > 30, "{passed}");
    assert!(refused >= 2, "{refused}");
    // Decoding data of the defective account is refused too, not read through a broken layout.
    let mut data = vec![0u8; 200];
    data[..8].copy_from_slice(&program.find_account("BondingCurve").unwrap().prefix);
    let err = program.decode_account("BondingCurve", &data).unwrap_err();
    assert_eq!(err.code, CodecErrorCode::ItemUnusable);

    // `strict` keeps the refuse-all behaviour, with every problem's pointer.
    let problems = strict(&idl).unwrap_err().problems();
    assert!(problems.iter().any(|p| p.pointer == pointer));
    assert!(problems.iter().any(|p| p.pointer.starts_with("/types/3")));
}

#[test]
fn unreadable_items_are_left_out_and_named() {
    let mut idl = corpus("anchor/pump.json");
    // An instruction whose argument type is not a type at all, and a type with no body.
    idl["instructions"][1]["args"][0]["type"] = json!({"frobnicate": 3});
    let types = idl["types"].as_array_mut().unwrap();
    let fees = types.iter().position(|t| t["name"] == "Fees").unwrap();
    types[fees].as_object_mut().unwrap().remove("type");
    let name = idl["instructions"][1]["name"].as_str().unwrap().to_owned();
    let program = lenient(&idl);
    assert!(program.find_instruction(&name).is_none());
    let d = program.defect(ItemKind::Instruction, &name).unwrap();
    assert_eq!(d.code, DefectCode::UnreadableItem);
    assert!(d.path.starts_with("/instructions/1/args/0/type"), "{d:?}");
    let fees_defect = program.defect(ItemKind::Type, "Fees").unwrap();
    assert_eq!(fees_defect.code, DefectCode::UnreadableItem);
    // Whatever used `Fees` is unusable too, whatever its position.
    assert!(program
        .defects
        .iter()
        .any(|d| d.kind != ItemKind::Type && d.message.contains("Fees")));
    let (passed, _) = vectors_hold(&program, "pump");
    assert!(passed > 20);
}

#[test]
fn structural_defects_still_refuse_the_document() {
    // No instructions at all.
    let err = parse_value(
        &json!({"address": ADDRESS, "metadata": {"name": "x", "version": "1", "spec": "0.1.0"}, "instructions": []}),
        &ParseOptions::default(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("no usable instruction"), "{err}");
    // Every instruction unreadable.
    let err = parse_value(
        &json!({"name": "x", "version": "1", "instructions": [{"name": "a", "accounts": [], "args": [{"name": "b", "type": {"nope": 1}}]}]}),
        &ParseOptions::default(),
    )
    .unwrap_err();
    assert!(matches!(err, ParseError::Invalid(_)));
    // A bad program address is not confined to an item.
    let err = parse_value(
        &json!({"address": "not-an-address", "metadata": {"name": "x", "version": "1", "spec": "0.1.0"},
                "instructions": [{"name": "a", "discriminator": [1,2,3,4,5,6,7,8], "accounts": [], "args": []}]}),
        &ParseOptions::default(),
    )
    .unwrap_err();
    assert_eq!(err.problems()[0].pointer, "/address");
    // Not JSON / unknown format.
    assert!(matches!(
        orquestra_idl::parse("{", &ParseOptions::default()),
        Err(ParseError::NotJson(_))
    ));
    assert!(matches!(
        parse_value(&json!({"hello": 1}), &ParseOptions::default()),
        Err(ParseError::UnknownFormat)
    ));
}

#[test]
fn codama_item_defects_are_confined() {
    let mut idl = corpus("codama/spl_token.json");
    // An instruction argument linking to a type the program does not define.
    let ix = &mut idl["program"]["instructions"][3];
    let name = ix["name"].as_str().unwrap().to_owned();
    ix["arguments"].as_array_mut().unwrap().push(json!({
        "kind": "instructionArgumentNode", "name": "extra",
        "type": {"kind": "definedTypeLinkNode", "name": "neverDefined"}
    }));
    let program = lenient(&idl);
    let d = program.defect(ItemKind::Instruction, &name).unwrap();
    assert!(d.path.starts_with("/program/instructions/3"), "{d:?}");
    let (passed, refused) = vectors_hold(&program, "spl_token");
    assert!(passed > 20);
    assert!(refused >= 1);
    assert!(strict(&idl).is_err());
}

#[test]
fn unnamed_instructions_are_unusable() {
    let mut idl = corpus("anchor/pump.json");
    idl["instructions"][2]["name"] = json!("  ");
    let program = lenient(&idl);
    let d = program.defect(ItemKind::Instruction, "  ").unwrap();
    assert_eq!(d.path, "/instructions/2");
    assert!(d.message.contains("without a name"));
    assert!(strict(&idl).is_err());
}
