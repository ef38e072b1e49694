#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Strictness of the codec: every malformed value is refused with the JSON pointer of the
//! offending part, and malformed data is refused without panicking or over-allocating.

use orquestra_idl::{parse, CodecError, CodecErrorCode, ParseOptions, Program, Type};
use serde_json::{json, Value};

fn program() -> Program {
    let idl = json!({
        "address": "11111111111111111111111111111111",
        "metadata": {"name": "t", "version": "0.1.0", "spec": "0.1.0"},
        "instructions": [{
            "name": "do_it",
            "discriminator": [1, 2, 3, 4, 5, 6, 7, 8],
            "accounts": [],
            "args": [
                {"name": "params", "type": {"defined": {"name": "Params"}}},
                {"name": "flag", "type": "bool"}
            ]
        }],
        "accounts": [{"name": "Vault", "discriminator": [9, 9, 9, 9, 9, 9, 9, 9]}],
        "types": [
            {"name": "Params", "type": {"kind": "struct", "fields": [
                {"name": "amount", "type": "u64"},
                {"name": "max_fee", "type": "u64"},
                {"name": "owner", "type": "pubkey"},
                {"name": "seeds", "type": {"array": ["u8", 4]}},
                {"name": "side", "type": {"defined": {"name": "Side"}}},
                {"name": "memo", "type": "string"},
                {"name": "items", "type": {"vec": "u16"}},
                {"name": "big", "type": "i128"},
                {"name": "small", "type": "i8"},
                {"name": "maybe", "type": {"option": "u32"}}
            ]}},
            {"name": "Side", "type": {"kind": "enum", "variants": [
                {"name": "Bid"},
                {"name": "Ask", "fields": [{"name": "limit", "type": "u32"}]},
                {"name": "Pair", "fields": ["u8", "u8"]}
            ]}},
            {"name": "Vault", "type": {"kind": "struct", "fields": [
                {"name": "data", "type": "bytes"},
                {"name": "count", "type": "u8"}
            ]}}
        ]
    });
    orquestra_idl::parse_value(&idl, &ParseOptions::default()).unwrap()
}

fn good_args() -> Value {
    json!({
        "params": {
            "amount": "18446744073709551615",
            "max_fee": "5",
            "owner": "So11111111111111111111111111111111111111112",
            "seeds": [1, 2, 3, 4],
            "side": {"Ask": {"limit": 7}},
            "memo": "hi",
            "items": [1, 65535],
            "big": "-170141183460469231731687303715884105728",
            "small": -128,
            "maybe": null
        },
        "flag": true
    })
}

/// `good_args` with the value at `pointer` replaced (or removed when `value` is `None`).
fn with(pointer: &str, value: Option<Value>) -> Value {
    let mut args = good_args();
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    let parent = args.pointer_mut(parent).unwrap();
    match (parent, value) {
        (Value::Object(o), Some(v)) => {
            o.insert(key.to_string(), v);
        }
        (Value::Object(o), None) => {
            o.remove(key);
        }
        (Value::Array(a), Some(v)) => a[key.parse::<usize>().unwrap()] = v,
        _ => unreachable!(),
    }
    args
}

fn encode_err(args: &Value) -> CodecError {
    program()
        .encode_instruction("do_it", args)
        .expect_err("encoding should fail")
}

#[track_caller]
fn assert_err(err: &CodecError, code: CodecErrorCode, path: &str) {
    assert_eq!((err.code, err.path.as_str()), (code, path), "{err}");
}

#[test]
fn valid_args_round_trip() {
    let p = program();
    let bytes = p.encode_instruction("do_it", &good_args()).unwrap();
    assert_eq!(&bytes[..8], &[1, 2, 3, 4, 5, 6, 7, 8]);
    let decoded = p.decode_instruction(&bytes).unwrap();
    assert_eq!(decoded.name, "do_it");
    assert_eq!(decoded.args, good_args());
    // Other casings of names are accepted on input.
    let camel = with("/params/max_fee", None);
    let mut camel = camel;
    camel["params"]["maxFee"] = json!("5");
    assert_eq!(p.encode_instruction("doIt", &camel).unwrap(), bytes);
}

#[test]
fn negative_u64() {
    let err = encode_err(&with("/params/amount", Some(json!("-1"))));
    assert_err(&err, CodecErrorCode::OutOfRange, "/params/amount");
    assert!(
        err.message.starts_with(r#"expected u64, got "-1""#),
        "{}",
        err.message
    );
    assert_eq!(
        err.clone().prefixed("/args").to_string(),
        format!("/args/params/amount: {}", err.message)
    );
}

#[test]
fn u64_overflow() {
    let err = encode_err(&with("/params/amount", Some(json!("18446744073709551616"))));
    assert_err(&err, CodecErrorCode::OutOfRange, "/params/amount");
}

#[test]
fn unsafe_json_number_for_u64() {
    let err = encode_err(&with(
        "/params/amount",
        Some(json!(9_007_199_254_740_993u64)),
    ));
    assert_err(&err, CodecErrorCode::OutOfRange, "/params/amount");
    // Safe integers are fine as numbers.
    program()
        .encode_instruction(
            "do_it",
            &with("/params/amount", Some(json!(9_007_199_254_740_991u64))),
        )
        .unwrap();
}

#[test]
fn malformed_numbers() {
    let cases = [
        ("/params/amount", json!("12a"), CodecErrorCode::TypeMismatch),
        ("/params/amount", json!(" 1"), CodecErrorCode::TypeMismatch),
        ("/params/amount", json!(1.5), CodecErrorCode::TypeMismatch),
        ("/params/small", json!(-129), CodecErrorCode::OutOfRange),
        ("/params/small", json!("1"), CodecErrorCode::TypeMismatch),
        ("/params/small", json!(0.5), CodecErrorCode::TypeMismatch),
        (
            "/params/big",
            json!("170141183460469231731687303715884105728"),
            CodecErrorCode::OutOfRange,
        ),
        ("/params/items/1", json!(65536), CodecErrorCode::OutOfRange),
    ];
    for (ptr, value, code) in cases {
        let err = encode_err(&with(ptr, Some(value.clone())));
        assert_eq!((err.code, err.path.as_str()), (code, ptr), "{value}: {err}");
    }
}

#[test]
fn string_false_is_not_a_bool() {
    let err = encode_err(&with("/flag", Some(json!("false"))));
    assert_err(&err, CodecErrorCode::TypeMismatch, "/flag");
    assert_err(
        &encode_err(&with("/flag", Some(json!(0)))),
        CodecErrorCode::TypeMismatch,
        "/flag",
    );
}

#[test]
fn missing_field() {
    assert_err(
        &encode_err(&with("/params/owner", None)),
        CodecErrorCode::MissingField,
        "/params/owner",
    );
    assert_err(
        &encode_err(&with("/flag", None)),
        CodecErrorCode::MissingField,
        "/flag",
    );
    // Options are not optional fields: null must be given.
    assert_err(
        &encode_err(&with("/params/maybe", None)),
        CodecErrorCode::MissingField,
        "/params/maybe",
    );
}

#[test]
fn unknown_field() {
    let err = encode_err(&with("/params/bogus", Some(json!(1))));
    assert_err(&err, CodecErrorCode::UnknownField, "/params/bogus");
    assert_err(
        &encode_err(&with("/extra", Some(json!(1)))),
        CodecErrorCode::UnknownField,
        "/extra",
    );
}

#[test]
fn bad_pubkeys() {
    for bad in [json!("0OIl"), json!("1111"), json!(""), json!(12)] {
        let err = encode_err(&with("/params/owner", Some(bad.clone())));
        assert_eq!(err.path, "/params/owner", "{bad}");
        assert!(
            matches!(
                err.code,
                CodecErrorCode::InvalidPubkey | CodecErrorCode::TypeMismatch
            ),
            "{bad}: {err}"
        );
    }
}

#[test]
fn wrong_array_length() {
    let err = encode_err(&with("/params/seeds", Some(json!([1, 2, 3]))));
    assert_err(&err, CodecErrorCode::InvalidLength, "/params/seeds");
    let err = encode_err(&with("/params/seeds", Some(json!([1, 2, 3, 256]))));
    assert_err(&err, CodecErrorCode::OutOfRange, "/params/seeds/3");
}

#[test]
fn enums() {
    let err = encode_err(&with("/params/side", Some(json!("Sideways"))));
    assert_err(&err, CodecErrorCode::InvalidEnum, "/params/side");
    let err = encode_err(&with("/params/side", Some(json!({"Ask": {"limit": -1}}))));
    assert_err(&err, CodecErrorCode::OutOfRange, "/params/side/Ask/limit");
    let err = encode_err(&with("/params/side", Some(json!({"Pair": [1]}))));
    assert_err(&err, CodecErrorCode::InvalidLength, "/params/side/Pair");
    let err = encode_err(&with("/params/side", Some(json!("Ask"))));
    assert_err(&err, CodecErrorCode::TypeMismatch, "/params/side/Ask");
    // Unit and tuple variants.
    let p = program();
    for side in [json!("Bid"), json!({"Pair": [1, 2]})] {
        let args = with("/params/side", Some(side));
        let bytes = p.encode_instruction("do_it", &args).unwrap();
        assert_eq!(p.decode_instruction(&bytes).unwrap().args, args);
    }
}

#[test]
fn truncated_data() {
    let p = program();
    let bytes = p.encode_instruction("do_it", &good_args()).unwrap();
    for cut in [9, 20, bytes.len() - 1] {
        let err = p.decode_instruction(&bytes[..cut]).unwrap_err();
        assert_eq!(
            err.code,
            CodecErrorCode::UnexpectedEnd,
            "cut at {cut}: {err}"
        );
    }
    let err = p.decode_instruction(&bytes[..bytes.len() - 1]).unwrap_err();
    assert_err(&err, CodecErrorCode::UnexpectedEnd, "/flag");
}

#[test]
fn trailing_bytes() {
    let p = program();
    let mut bytes = p.encode_instruction("do_it", &good_args()).unwrap();
    bytes.push(0);
    assert_eq!(
        p.decode_instruction(&bytes).unwrap_err().code,
        CodecErrorCode::TrailingBytes
    );
    // Accounts report them instead.
    let mut acc = p
        .encode_account("Vault", &json!({"data": [1, 2], "count": 3}))
        .unwrap();
    acc.extend([0; 10]);
    let decoded = p.decode_account("Vault", &acc).unwrap();
    assert_eq!(decoded.trailing_bytes, 10);
    assert_eq!(decoded.value, json!({"data": [1, 2], "count": 3}));
}

#[test]
fn huge_length_prefix_fails_fast() {
    let p = program();
    let mut data = vec![9; 8];
    data.extend(u32::MAX.to_le_bytes());
    data.extend([0; 10]);
    let err = p.decode_account("Vault", &data).unwrap_err();
    assert_err(&err, CodecErrorCode::UnexpectedEnd, "/data");
    // A vec count of 4e9 with a few bytes left.
    let ty = Type::Array {
        inner: Box::new(Type::Number {
            format: orquestra_idl::NumberFormat {
                kind: orquestra_idl::NumberKind::U16,
                endian: orquestra_idl::Endian::Little,
            },
        }),
        count: orquestra_idl::Count::Prefixed {
            prefix: orquestra_idl::NumberFormat {
                kind: orquestra_idl::NumberKind::U32,
                endian: orquestra_idl::Endian::Little,
            },
        },
    };
    let mut data = 4_000_000_000u32.to_le_bytes().to_vec();
    data.extend([1; 10]);
    assert_eq!(
        p.decode_value(&ty, &data).unwrap_err().code,
        CodecErrorCode::UnexpectedEnd
    );
}

#[test]
fn wrong_discriminators() {
    let p = program();
    assert_eq!(
        p.decode_instruction(&[0; 16]).unwrap_err().code,
        CodecErrorCode::NoMatchingDiscriminator
    );
    assert_eq!(
        p.decode_account("Vault", &[0; 16]).unwrap_err().code,
        CodecErrorCode::NoMatchingDiscriminator
    );
    assert_eq!(
        p.encode_instruction("nope", &json!({})).unwrap_err().code,
        CodecErrorCode::UnknownInstruction
    );
    assert_eq!(
        p.decode_account("Nope", &[]).unwrap_err().code,
        CodecErrorCode::UnknownAccount
    );
    assert!(p.identify_account(&[9; 8]).is_some());
    assert!(p.identify_account(&[9; 7]).is_none());
}

#[test]
fn bytes_inputs() {
    let p = program();
    let want = p
        .encode_account("Vault", &json!({"data": [0, 1, 255], "count": 1}))
        .unwrap();
    for data in [
        json!("AAH/"),
        json!({"hex": "0001ff"}),
        json!({"base64": "AAH/"}),
    ] {
        assert_eq!(
            p.encode_account("Vault", &json!({"data": data, "count": 1}))
                .unwrap(),
            want,
            "{data}"
        );
    }
    let err = p
        .encode_account("Vault", &json!({"data": {"hex": "0g"}, "count": 1}))
        .unwrap_err();
    assert_eq!(err.path, "/data/hex");
}

#[test]
fn wide_integers() {
    let p = program();
    let kinds = [
        (
            orquestra_idl::NumberKind::U256,
            "115792089237316195423570985008687907853269984665640564039457584007913129639935",
            true,
        ),
        (
            orquestra_idl::NumberKind::U256,
            "115792089237316195423570985008687907853269984665640564039457584007913129639936",
            false,
        ),
        (
            orquestra_idl::NumberKind::I256,
            "-57896044618658097711785492504343953926634992332820282019728792003956564819968",
            true,
        ),
        (
            orquestra_idl::NumberKind::I256,
            "57896044618658097711785492504343953926634992332820282019728792003956564819968",
            false,
        ),
        (orquestra_idl::NumberKind::I256, "-1", true),
        (orquestra_idl::NumberKind::I64, "-9223372036854775808", true),
        (
            orquestra_idl::NumberKind::I64,
            "-9223372036854775809",
            false,
        ),
    ];
    for (kind, text, ok) in kinds {
        for endian in [orquestra_idl::Endian::Little, orquestra_idl::Endian::Big] {
            let ty = Type::Number {
                format: orquestra_idl::NumberFormat { kind, endian },
            };
            match p.encode_value(&ty, &json!(text)) {
                Ok(bytes) => {
                    assert!(ok, "{text} should not fit {kind:?}");
                    assert_eq!(
                        p.decode_value(&ty, &bytes).unwrap(),
                        (json!(text), bytes.len())
                    );
                }
                Err(e) => assert!(!ok && e.code == CodecErrorCode::OutOfRange, "{text}: {e}"),
            }
        }
    }
}

#[test]
fn recursive_type_without_indirection_is_refused() {
    let idl = json!({
        "address": "11111111111111111111111111111111",
        "metadata": {"name": "t", "version": "0.1.0", "spec": "0.1.0"},
        "instructions": [{"name": "go", "discriminator": [1], "accounts": [], "args": [
            {"name": "node", "type": {"defined": {"name": "Node"}}},
            {"name": "list", "type": {"defined": {"name": "List"}}}
        ]}],
        "types": [
            {"name": "Node", "type": {"kind": "struct", "fields": [{"name": "next", "type": {"defined": {"name": "Node"}}}]}},
            {"name": "List", "type": {"kind": "struct", "fields": [{"name": "next", "type": {"option": {"defined": {"name": "List"}}}}]}}
        ]
    });
    let p = parse(&idl.to_string(), &ParseOptions::default()).unwrap();
    let node = Type::Defined {
        name: "Node".into(),
        generics: vec![],
    };
    assert_eq!(node.fixed_size(&p), None);
    assert_eq!(
        p.encode_value(&node, &json!({"next": {}}))
            .unwrap_err()
            .code,
        CodecErrorCode::MissingField
    );
    let mut deep = json!({"next": null});
    for _ in 0..1000 {
        deep = json!({"next": deep});
    }
    assert_eq!(
        p.encode_value(&node, &deep).unwrap_err().code,
        CodecErrorCode::TooDeep
    );
    assert_eq!(
        p.decode_value(&node, &[0; 64]).unwrap_err().code,
        CodecErrorCode::TooDeep
    );
    // Legitimately recursive (through Option): shallow values work, absurd depth is refused.
    let list = Type::Defined {
        name: "List".into(),
        generics: vec![],
    };
    let v = json!({"next": {"next": null}});
    let bytes = p.encode_value(&list, &v).unwrap();
    assert_eq!(p.decode_value(&list, &bytes).unwrap().0, v);
    assert_eq!(
        p.decode_value(&list, &[1; 500]).unwrap_err().code,
        CodecErrorCode::TooDeep
    );
}

#[test]
fn floats() {
    let p = program();
    let f32t = Type::Number {
        format: orquestra_idl::NumberFormat {
            kind: orquestra_idl::NumberKind::F32,
            endian: orquestra_idl::Endian::Little,
        },
    };
    assert_eq!(
        p.encode_value(&f32t, &json!(1e39)).unwrap_err().code,
        CodecErrorCode::OutOfRange
    );
    // Underflow would silently store 0.0.
    for tiny in [1e-46, -1e-46, 1e-300] {
        assert_eq!(
            p.encode_value(&f32t, &json!(tiny)).unwrap_err().code,
            CodecErrorCode::OutOfRange,
            "{tiny}"
        );
    }
    // The smallest subnormal f32 and zero itself are representable.
    assert_eq!(
        p.encode_value(&f32t, &json!(1.4e-45)).unwrap(),
        1u32.to_le_bytes()
    );
    assert_eq!(
        p.encode_value(&f32t, &json!(-0.0)).unwrap(),
        (-0f32).to_le_bytes()
    );
    assert_eq!(
        p.encode_value(&f32t, &json!("1.5")).unwrap_err().code,
        CodecErrorCode::TypeMismatch
    );
    let nan = p.encode_value(&f32t, &json!("NaN")).unwrap();
    assert_eq!(p.decode_value(&f32t, &nan).unwrap().0, json!("NaN"));
    assert_eq!(
        p.decode_value(&f32t, &1.5f32.to_le_bytes()).unwrap().0,
        json!(1.5)
    );
    assert_eq!(
        p.decode_value(&f32t, &2f32.to_le_bytes()).unwrap().0,
        json!(2)
    );
}

#[test]
fn decoding_by_name_checks_codama_field_discriminators() {
    // Found by fuzzing: byte 0 (`key`) = 4 is another account kind than collectionAuthorityRecord (9).
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../testdata/idls/codama/mpl_token_metadata_codama.json"
    ))
    .unwrap();
    let program = orquestra_idl::parse(&text, &orquestra_idl::ParseOptions::default()).unwrap();
    let err = program
        .decode_account("collectionAuthorityRecord", &[4, 0, 0])
        .unwrap_err();
    assert_eq!(
        err.code,
        orquestra_idl::codec::CodecErrorCode::NoMatchingDiscriminator
    );
    assert!(program
        .decode_account("collectionAuthorityRecord", &[9, 1, 0])
        .is_ok());
}
