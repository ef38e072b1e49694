#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Codama `NestedTypeNode<T>`: struct/tuple variant payloads and account data wrapped in
//! `hiddenPrefixTypeNode`, `hiddenSuffixTypeNode`, `fixedSizeTypeNode` and `sizePrefixTypeNode`
//! (the shape real published Codama IDLs use). The document is
//! `testdata/synthetic/codama_nested.json`; expected bytes are worked out by hand from the Codama
//! semantics (hidden prefix/suffix: constant bytes before/after; fixed size: zero-padded to the
//! size; size prefix: the length of the encoded inner value first).

use orquestra_idl::{
    codama, parse, CodecErrorCode, Discriminator, ParseOptions, Problem, Program, Type,
    VariantFields,
};
use serde_json::{json, Value};

const DOC: &str = include_str!("../../../testdata/synthetic/codama_nested.json");

fn doc() -> Value {
    serde_json::from_str(DOC).unwrap()
}

fn program() -> Program {
    // Through the full entry point: detection, parsing and validation.
    parse(DOC, &ParseOptions::default()).unwrap_or_else(|e| panic!("{e:#?}"))
}

fn defined(name: &str) -> Type {
    Type::Defined {
        name: name.into(),
        generics: Vec::new(),
    }
}

/// Encodes `value` as `ty`, checks the bytes, and that they decode back to `value` using all of them.
fn round_trip(p: &Program, ty: &Type, value: Value, bytes: &[u8]) {
    let encoded = p
        .encode_value(ty, &value)
        .unwrap_or_else(|e| panic!("{value}: {e}"));
    assert_eq!(encoded, bytes, "{value}");
    let (decoded, used) = p.decode_value(ty, bytes).unwrap();
    assert_eq!(decoded, value);
    assert_eq!(used, bytes.len(), "{value}");
}

#[test]
fn wrapped_variant_payloads_are_modelled_as_nested() {
    let p = program();
    let Type::Enum { variants, .. } = &p.find_type("action").unwrap().ty else {
        panic!("action is not an enum")
    };
    let shape: Vec<(&str, &str)> = variants
        .iter()
        .map(|v| (v.name.as_str(), v.fields.shape()))
        .collect();
    assert_eq!(
        shape,
        [
            ("tagged", "struct"),
            ("padded", "tuple"),
            ("sized", "struct"),
            ("plain", "struct"),
            ("none", "unit"),
            ("double", "struct"),
        ]
    );
    let nested = |i: usize| match &variants[i].fields {
        VariantFields::Nested { ty } => ty.as_ref(),
        other => panic!("{}: {other:?}", variants[i].name),
    };
    assert!(
        matches!(nested(0), Type::HiddenPrefix { prefix, inner } if prefix == &[0xca, 0xfe] && matches!(**inner, Type::Struct { .. }))
    );
    assert!(
        matches!(nested(1), Type::FixedSize { size: 6, inner } if matches!(**inner, Type::Tuple { .. }))
    );
    assert!(matches!(nested(2), Type::SizePrefixed { .. }));
    assert!(matches!(nested(5), Type::HiddenSuffix { suffix, .. } if suffix == &[0xff]));
    assert!(matches!(
        nested(5).unwrapped(),
        Type::Struct { fields } if fields[0].name == "q"
    ));
    // A bare struct stays `Named`, exactly as before.
    assert!(
        matches!(&variants[3].fields, VariantFields::Named { fields } if fields[0].name == "z")
    );
    assert_eq!(variants[4].fields, VariantFields::Unit);
}

#[test]
fn wrapped_variants_encode_and_decode() {
    let p = program();
    let action = defined("action");
    round_trip(
        &p,
        &action,
        json!({"tagged": {"a": 1, "b": 770}}),
        &[0, 0xca, 0xfe, 1, 0x02, 0x03],
    );
    round_trip(
        &p,
        &action,
        json!({"padded": [7, 513]}),
        &[1, 7, 0x01, 0x02, 0, 0, 0],
    );
    round_trip(
        &p,
        &action,
        json!({"sized": {"memo": "hi"}}),
        &[2, 3, 0, 2, b'h', b'i'],
    );
    round_trip(&p, &action, json!({"plain": {"z": 5}}), &[3, 5]);
    round_trip(&p, &action, json!("none"), &[4]);
    round_trip(
        &p,
        &action,
        json!({"double": {"q": 9}}),
        &[5, 9, 0, 0, 0, 0xff],
    );

    let fixed = defined("fixedAction");
    round_trip(
        &p,
        &fixed,
        json!({"tagged": {"a": 1, "b": "2"}}),
        &[0, 0xca, 0xfe, 1, 2, 0, 0, 0, 0, 0, 0, 0],
    );
    round_trip(
        &p,
        &fixed,
        json!({"padded": [9, 10]}),
        &[1, 9, 10, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    );
}

#[test]
fn wrapped_variant_errors_name_the_variant() {
    let p = program();
    let action = defined("action");
    let e = p
        .decode_value(&action, &[0, 0xca, 0xff, 1, 2, 3])
        .unwrap_err();
    assert_eq!(
        (e.code, e.path.as_str()),
        (CodecErrorCode::ConstantMismatch, "/tagged")
    );
    let e = p.decode_value(&action, &[5, 9, 0, 0, 0, 0xfe]).unwrap_err();
    assert_eq!(
        (e.code, e.path.as_str()),
        (CodecErrorCode::ConstantMismatch, "/double")
    );
    let e = p
        .encode_value(&action, &json!({"padded": {"x": 1}}))
        .unwrap_err();
    assert_eq!(
        (e.code, e.path.as_str()),
        (CodecErrorCode::TypeMismatch, "/padded")
    );
    let e = p
        .encode_value(&action, &json!({"tagged": {"a": 1, "b": 70000}}))
        .unwrap_err();
    assert_eq!(e.path, "/tagged/b");
    let e = p.encode_value(&action, &json!("tagged")).unwrap_err();
    assert_eq!(
        (e.code, e.path.as_str()),
        (CodecErrorCode::TypeMismatch, "/tagged")
    );
    // The size prefix is not trusted beyond the data.
    let e = p
        .decode_value(&action, &[2, 200, 0, 2, b'h', b'i'])
        .unwrap_err();
    assert_eq!(e.code, CodecErrorCode::UnexpectedEnd);
}

#[test]
fn sizes_through_wrappers() {
    let p = program();
    assert_eq!(defined("fixedAction").fixed_size(&p), Some(12));
    // Variants of different sizes: no fixed size.
    assert_eq!(defined("action").fixed_size(&p), None);
    assert_eq!(p.find_account("vault").unwrap().ty.fixed_size(&p), Some(60));
    assert_eq!(
        p.find_account("config").unwrap().ty.fixed_size(&p),
        Some(64)
    );
}

#[test]
fn wrapped_account_data() {
    let p = program();

    // Hidden 8-byte prefix before the struct.
    let owner = "11111111111111111111111111111111";
    let vault = json!({"owner": owner, "amount": "5", "action": {"padded": [9, 10]}});
    let bytes = p.encode_account("vault", &vault).unwrap();
    let mut expected = vec![1, 2, 3, 4, 5, 6, 7, 8];
    expected.extend([0; 32]);
    expected.extend([5, 0, 0, 0, 0, 0, 0, 0]);
    expected.extend([1, 9, 10, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    assert_eq!(bytes, expected);
    assert_eq!(p.identify_account(&bytes).unwrap().name, "vault");
    let decoded = p.decode_account("vault", &bytes).unwrap();
    assert_eq!((decoded.value, decoded.trailing_bytes), (vault, 0));

    // Struct zero-padded to 64 bytes; the field discriminator names a field inside the wrapper.
    let config = p.find_account("config").unwrap();
    assert_eq!(
        config.discriminators,
        [
            Discriminator::Bytes {
                offset: 0,
                bytes: vec![7]
            },
            Discriminator::Size { size: 64 }
        ]
    );
    let wsol = "So11111111111111111111111111111111111111112";
    let value = json!({"authority": wsol, "action": {"double": {"q": 9}}});
    let bytes = p.encode_account("config", &value).unwrap();
    let mut expected = vec![7];
    expected.extend(bs58::decode(wsol).into_vec().unwrap());
    expected.extend([5, 9, 0, 0, 0, 0xff]);
    expected.resize(64, 0);
    assert_eq!(bytes, expected);
    assert_eq!(p.identify_account(&bytes).unwrap().name, "config");
    let decoded = p.decode_account("config", &bytes).unwrap();
    assert_eq!((decoded.value, decoded.trailing_bytes), (value, 0));
}

#[test]
fn layouts_see_through_wrapped_account_data() {
    let p = program();
    let row = |l: &orquestra_idl::AccountLayout| -> Vec<(String, Option<usize>, Option<usize>)> {
        l.fields
            .iter()
            .map(|f| (f.path.clone(), f.offset, f.size))
            .collect()
    };
    let vault = p.account_layout("vault").unwrap();
    assert_eq!(vault.size, Some(60));
    assert_eq!(
        row(&vault),
        [
            ("/owner".to_string(), Some(8), Some(32)),
            ("/amount".to_string(), Some(40), Some(8)),
            ("/action".to_string(), Some(48), Some(12)),
        ]
    );
    let config = p.account_layout("config").unwrap();
    assert_eq!(config.size, Some(64));
    assert_eq!(
        row(&config),
        [
            ("/discriminator".to_string(), Some(0), Some(1)),
            ("/authority".to_string(), Some(1), Some(32)),
            ("/action".to_string(), Some(33), None),
        ]
    );
}

#[test]
fn nested_variant_values_in_defaults_and_discriminators() {
    let p = program();
    let ix = p.find_instruction("act").unwrap();
    // The enum value's struct payload is typed through the hidden prefix (u64 → string).
    assert_eq!(
        ix.args[0].omitted_default,
        Some(json!({"tagged": {"a": 1, "b": "2"}}))
    );
    let kind = vec![0, 0xca, 0xfe, 1, 2, 0, 0, 0, 0, 0, 0, 0];
    assert_eq!(
        ix.discriminators,
        [Discriminator::Bytes {
            offset: 0,
            bytes: kind.clone()
        }]
    );
    let args = json!({"action": {"sized": {"memo": "hi"}}});
    let data = p.encode_instruction("act", &args).unwrap();
    let mut expected = kind;
    expected.extend([2, 3, 0, 2, b'h', b'i']);
    assert_eq!(data, expected);
    let decoded = p.decode_instruction(&data).unwrap();
    assert_eq!((decoded.name.as_str(), decoded.args), ("act", args));
}

fn problems(doc: &Value) -> Vec<Problem> {
    codama::parse(doc, &ParseOptions::default()).expect_err("should be refused")
}

fn has(ps: &[Problem], pointer: &str, text: &str) -> bool {
    ps.iter()
        .any(|p| p.pointer == pointer && p.message.contains(text))
}

#[test]
fn wrong_innermost_payloads_are_refused_with_pointers() {
    let base = "/program/definedTypes/0/type/variants/0";
    let u8_ = json!({"kind": "numberTypeNode", "format": "u8", "endian": "le"});

    // A struct variant whose wrapper holds a tuple.
    let mut d = doc();
    d["program"]["definedTypes"][0]["type"]["variants"][0]["struct"] = json!({
        "kind": "hiddenPrefixTypeNode", "prefix": [],
        "type": {"kind": "fixedSizeTypeNode", "size": 4, "type": {"kind": "tupleTypeNode", "items": [u8_]}}
    });
    let ps = problems(&d);
    assert!(
        has(
            &ps,
            &format!("{base}/struct/type/type"),
            "expected a structTypeNode"
        ),
        "{ps:#?}"
    );

    // A tuple variant holding a bare struct.
    let mut d = doc();
    d["program"]["definedTypes"][0]["type"]["variants"][1]["tuple"] =
        json!({"kind": "structTypeNode", "fields": []});
    let ps = problems(&d);
    assert!(
        has(
            &ps,
            "/program/definedTypes/0/type/variants/1/tuple",
            "expected a tupleTypeNode"
        ),
        "{ps:#?}"
    );

    // A struct variant wrapping a link (NestedTypeNode<StructTypeNode> does not allow one).
    let mut d = doc();
    d["program"]["definedTypes"][0]["type"]["variants"][0]["struct"]["type"] =
        json!({"kind": "definedTypeLinkNode", "name": "fixedAction"});
    let ps = problems(&d);
    assert!(
        has(&ps, &format!("{base}/struct/type"), "definedTypeLinkNode"),
        "{ps:#?}"
    );
}

#[test]
fn nested_number_nodes_are_refused_clearly() {
    let wrapped_u8 = json!({"kind": "fixedSizeTypeNode", "size": 2,
        "type": {"kind": "numberTypeNode", "format": "u8", "endian": "le"}});
    let mut d = doc();
    d["program"]["definedTypes"][0]["type"]["size"] = wrapped_u8.clone();
    let ps = problems(&d);
    assert!(
        has(
            &ps,
            "/program/definedTypes/0/type/size",
            "nested number type nodes are not supported"
        ),
        "{ps:#?}"
    );
    // Same for a size prefix.
    let mut d = doc();
    d["program"]["definedTypes"][0]["type"]["variants"][2]["struct"]["prefix"] = wrapped_u8;
    let ps = problems(&d);
    assert!(
        has(
            &ps,
            "/program/definedTypes/0/type/variants/2/struct/prefix",
            "nested number type nodes are not supported"
        ),
        "{ps:#?}"
    );
}
