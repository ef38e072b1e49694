#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Codama node kinds the corpus does not use (Codama 1.x specification), parsed from a synthetic
//! document.

use orquestra_idl::{
    codama, AccountDefault, AccountItem, Count, Discriminator, ParseOptions, Seed, Signer, Type,
};
use serde_json::{json, Value};

/// Node kinds the corpus does not use, from the Codama 1.x specification.
#[test]
fn less_common_spec_nodes() {
    let u8_ = json!({"kind": "numberTypeNode", "format": "u8", "endian": "le"});
    let u16be = json!({"kind": "numberTypeNode", "format": "u16", "endian": "be"});
    let u64_ = json!({"kind": "numberTypeNode", "format": "u64", "endian": "le"});
    let konst =
        |ty: &Value, value: Value| json!({"kind": "constantValueNode", "type": ty, "value": value});
    let bytes = |data: &str, encoding: &str| json!({"kind": "bytesValueNode", "data": data, "encoding": encoding});
    let field =
        |name: &str, ty: Value| json!({"kind": "structFieldTypeNode", "name": name, "type": ty});
    let doc = json!({
        "kind": "rootNode", "standard": "codama", "version": "1.3.0",
        "program": {
            "kind": "programNode", "name": "spec", "publicKey": "11111111111111111111111111111111", "version": "0.0.1",
            "definedTypes": [{
                "kind": "definedTypeNode", "name": "shape",
                "type": {"kind": "enumTypeNode", "size": u16be, "variants": [
                    {"kind": "enumEmptyVariantTypeNode", "name": "none"},
                    {"kind": "enumStructVariantTypeNode", "name": "square", "discriminator": 7,
                     "struct": {"kind": "structTypeNode", "fields": [field("side", u64_.clone())]}},
                    {"kind": "enumTupleVariantTypeNode", "name": "pair",
                     "tuple": {"kind": "tupleTypeNode", "items": [u8_, u8_]}}
                ]}
            }],
            "accounts": [{
                "kind": "accountNode", "name": "thing",
                "data": {"kind": "structTypeNode", "fields": [
                    field("when", json!({"kind": "dateTimeTypeNode", "number": {"kind": "numberTypeNode", "format": "i64", "endian": "le"}})),
                    field("lamports", json!({"kind": "solAmountTypeNode", "number": u64_})),
                    field("tagged", json!({"kind": "hiddenPrefixTypeNode", "type": u8_,
                        "prefix": [konst(&json!({"kind": "bytesTypeNode"}), bytes("cafe", "base16")),
                                   konst(&json!({"kind": "stringTypeNode", "encoding": "utf8"}), json!({"kind": "stringValueNode", "string": "!"}))]})),
                    field("suffixed", json!({"kind": "hiddenSuffixTypeNode", "type": u8_,
                        "suffix": [konst(&u8_, json!({"kind": "numberValueNode", "number": 255}))]})),
                    field("terminated", json!({"kind": "sentinelTypeNode", "type": {"kind": "stringTypeNode", "encoding": "utf8"},
                        "sentinel": konst(&json!({"kind": "bytesTypeNode"}), bytes("AA==", "base64"))})),
                    field("skipped", json!({"kind": "preOffsetTypeNode", "offset": 2, "strategy": "padded", "type": u8_})),
                    field("back", json!({"kind": "postOffsetTypeNode", "offset": -1, "strategy": "relative", "type": u8_})),
                    field("maybe", json!({"kind": "zeroableOptionTypeNode", "item": u8_, "zeroValue": konst(&u8_, json!({"kind": "numberValueNode", "number": 9}))})),
                    field("points", json!({"kind": "setTypeNode", "item": u8_, "count": {"kind": "fixedCountNode", "value": 2}})),
                    field("shape", json!({"kind": "definedTypeLinkNode", "name": "shape"}))
                ]},
                "discriminators": [{"kind": "constantDiscriminatorNode", "offset": 3,
                                    "constant": konst(&u16be, json!({"kind": "numberValueNode", "number": 258}))}]
            }],
            "instructions": [{
                "kind": "instructionNode", "name": "go",
                "arguments": [
                    {"kind": "instructionArgumentNode", "name": "tag", "type": {"kind": "definedTypeLinkNode", "name": "shape"},
                     "defaultValue": {"kind": "enumValueNode", "enum": {"kind": "definedTypeLinkNode", "name": "shape"}, "variant": "square",
                                      "value": {"kind": "structValueNode", "fields": [{"kind": "structFieldValueNode", "name": "side", "value": {"kind": "numberValueNode", "number": 5}}]}},
                     "defaultValueStrategy": "omitted"},
                    {"kind": "instructionArgumentNode", "name": "table",
                     "type": {"kind": "mapTypeNode", "key": u8_, "value": u64_, "count": {"kind": "remainderCountNode"}},
                     "defaultValue": {"kind": "mapValueNode", "entries": [{"kind": "mapEntryValueNode",
                        "key": {"kind": "numberValueNode", "number": 1}, "value": {"kind": "numberValueNode", "number": 2}}]}},
                    {"kind": "instructionArgumentNode", "name": "opt",
                     "type": {"kind": "optionTypeNode", "item": {"kind": "tupleTypeNode", "items": [u8_, {"kind": "publicKeyTypeNode"}]}, "prefix": u8_},
                     "defaultValue": {"kind": "someValueNode", "value": {"kind": "tupleValueNode", "items": [
                        {"kind": "numberValueNode", "number": 3}, {"kind": "publicKeyValueNode", "publicKey": "11111111111111111111111111111111"}]}}},
                    {"kind": "instructionArgumentNode", "name": "list",
                     "type": {"kind": "arrayTypeNode", "item": {"kind": "booleanTypeNode"}, "count": {"kind": "prefixedCountNode", "prefix": u8_}},
                     "defaultValue": {"kind": "arrayValueNode", "items": [{"kind": "booleanValueNode", "boolean": true}]}},
                    {"kind": "instructionArgumentNode", "name": "raw", "type": {"kind": "bytesTypeNode"},
                     "defaultValue": bytes("3mJr7AoUXx2Wqd", "base58")}
                ],
                "discriminators": [{"kind": "fieldDiscriminatorNode", "name": "tag", "offset": 0}],
                "accounts": [{"kind": "instructionAccountNode", "name": "me", "isWritable": false, "isSigner": true,
                              "isOptional": true, "defaultValue": {"kind": "programIdValueNode"}}],
                "optionalAccountStrategy": "omitted"
            }],
            "pdas": [{"kind": "pdaNode", "name": "p", "programId": "SysvarRent111111111111111111111111111111111", "seeds": [
                {"kind": "constantPdaSeedNode", "type": {"kind": "stringTypeNode", "encoding": "base58"}, "value": {"kind": "stringValueNode", "string": "2g"}},
                {"kind": "constantPdaSeedNode", "type": u16be, "value": {"kind": "numberValueNode", "number": 1}}
            ]}]
        }
    });
    let p = codama::parse(&doc, &ParseOptions::default()).unwrap_or_else(|ps| panic!("{ps:#?}"));

    let Type::Struct { fields } = &p.accounts[0].ty else {
        panic!()
    };
    let ty = |name: &str| &fields.iter().find(|f| f.name == name).unwrap().ty;
    assert!(matches!(ty("when"), Type::Number { .. }));
    assert!(
        matches!(ty("tagged"), Type::HiddenPrefix { prefix, .. } if prefix == &[0xca, 0xfe, b'!'])
    );
    assert!(matches!(ty("suffixed"), Type::HiddenSuffix { suffix, .. } if suffix == &[0xff]));
    assert!(matches!(ty("terminated"), Type::Sentinel { sentinel, .. } if sentinel == &[0]));
    assert!(matches!(ty("skipped"), Type::PreOffset { offset: 2, .. }));
    assert!(matches!(ty("back"), Type::PostOffset { offset: -1, .. }));
    assert!(matches!(ty("maybe"), Type::ZeroableOption { zero_value: Some(z), .. } if z == &[9]));
    assert!(matches!(
        ty("points"),
        Type::Set {
            count: Count::Fixed { len: 2 },
            ..
        }
    ));
    assert_eq!(
        p.accounts[0].discriminators,
        vec![Discriminator::Bytes {
            offset: 3,
            bytes: vec![1, 2]
        }]
    );

    let Type::Enum { variants, .. } = &p.types[0].ty else {
        panic!()
    };
    assert_eq!(
        variants.iter().map(|v| v.discriminant).collect::<Vec<_>>(),
        [0, 7, 2]
    );

    let go = &p.instructions[0];
    assert_eq!(
        go.args[0].omitted_default,
        Some(json!({"square": {"side": "5"}}))
    );
    // u16 big-endian variant tag 7, then the u64 side.
    assert_eq!(
        go.discriminators,
        vec![Discriminator::Bytes {
            offset: 0,
            bytes: vec![0, 7, 5, 0, 0, 0, 0, 0, 0, 0]
        }]
    );
    assert_eq!(go.args[1].optional_default, Some(json!([[1, "2"]])));
    assert_eq!(
        go.args[2].optional_default,
        Some(json!([3, "11111111111111111111111111111111"]))
    );
    assert_eq!(go.args[3].optional_default, Some(json!([true])));
    assert_eq!(
        go.args[4].optional_default,
        Some(json!(bs58::decode("3mJr7AoUXx2Wqd").into_vec().unwrap()))
    );
    assert_eq!(
        go.optional_account_strategy,
        orquestra_idl::OptionalAccountStrategy::Omitted
    );
    let AccountItem::Single(me) = &go.accounts[0] else {
        panic!()
    };
    assert!(
        me.optional && me.signer == Signer::Yes && me.default == Some(AccountDefault::ProgramId)
    );

    let pda = &p.pdas[0].pda;
    assert_eq!(
        pda.seeds,
        vec![
            Seed::Const { bytes: vec![97] },
            Seed::Const { bytes: vec![0, 1] }
        ]
    );
    let rent = bs58::decode("SysvarRent111111111111111111111111111111111")
        .into_vec()
        .unwrap();
    assert_eq!(pda.program, Some(Seed::Const { bytes: rent }));
}
