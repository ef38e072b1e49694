#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The one codec with resolvers other than a finished program: the parse-time lookup of named
//! types (a map, as the Codama parser keeps them) and no types at all. The cases are the ones the
//! parse-time constant encoder used to handle on its own; the bytes are what Codama's and
//! Anchor's clients write.

use std::collections::HashMap;

use orquestra_idl::codec::{decode_with, encode_with, NoTypes};
use orquestra_idl::{
    Endian, EnumVariant, NumberFormat, NumberKind, StringEncoding, Type, VariantFields,
};
use serde_json::{json, Value};

fn n(kind: NumberKind, endian: Endian) -> Type {
    Type::Number {
        format: NumberFormat { kind, endian },
    }
}

const U32: NumberFormat = NumberFormat {
    kind: NumberKind::U32,
    endian: Endian::Little,
};

fn bytes(ty: &Type, v: Value) -> Vec<u8> {
    encode_with(&NoTypes, ty, &v).unwrap()
}

#[test]
fn numbers_both_endians_and_compact_u16() {
    assert_eq!(
        bytes(&n(NumberKind::U32, Endian::Little), json!(3)),
        [3, 0, 0, 0]
    );
    assert_eq!(bytes(&n(NumberKind::U16, Endian::Big), json!(258)), [1, 2]);
    assert_eq!(bytes(&n(NumberKind::I8, Endian::Little), json!(-1)), [0xff]);
    assert_eq!(
        bytes(&n(NumberKind::U64, Endian::Little), json!("1")),
        [1, 0, 0, 0, 0, 0, 0, 0]
    );
    assert_eq!(
        bytes(&n(NumberKind::ShortU16, Endian::Little), json!(300)),
        [0xac, 0x02]
    );
    for (kind, v) in [(NumberKind::U8, json!(256)), (NumberKind::I8, json!(128))] {
        assert!(encode_with(&NoTypes, &n(kind, Endian::Little), &v).is_err());
    }
}

#[test]
fn size_prefixed_string_enum_tag_and_fixed_option() {
    let s = Type::SizePrefixed {
        inner: Box::new(Type::String {
            encoding: StringEncoding::Utf8,
        }),
        prefix: U32,
    };
    assert_eq!(bytes(&s, json!("ab")), [2, 0, 0, 0, b'a', b'b']);
    let unit = |name: &str, discriminant| EnumVariant {
        name: name.into(),
        docs: vec![],
        discriminant,
        fields: VariantFields::Unit,
    };
    let e = Type::Enum {
        variants: vec![unit("a", 0), unit("b", 7)],
        size: U32,
    };
    assert_eq!(bytes(&e, json!("b")), [7, 0, 0, 0]);
    let o = Type::Option {
        inner: Box::new(Type::PublicKey),
        prefix: U32,
        fixed: true,
    };
    assert_eq!(bytes(&o, Value::Null), [0; 36]);
}

/// A sentinel after a fixed-size value keeps the whole fixed-size (Codama's
/// `addEncoderSentinel`), so a fixed option around it zero-fills value and terminator alike.
#[test]
fn sentinel_of_fixed_size_value_is_fixed_size() {
    let sentinel = Type::Sentinel {
        inner: Box::new(n(NumberKind::U16, Endian::Little)),
        sentinel: vec![0xff],
    };
    assert_eq!(sentinel.fixed_size(&NoTypes), Some(3));
    assert_eq!(bytes(&sentinel, json!(5)), [5, 0, 0xff]);
    let o = Type::Option {
        inner: Box::new(sentinel),
        prefix: NumberFormat {
            kind: NumberKind::U8,
            endian: Endian::Little,
        },
        fixed: true,
    };
    assert_eq!(bytes(&o, Value::Null), [0, 0, 0, 0]);
    assert_eq!(bytes(&o, json!(5)), [1, 5, 0, 0xff]);
}

#[test]
fn named_types_resolve_through_a_map_before_the_program_exists() {
    let mut types = HashMap::new();
    types.insert(
        "point".to_string(),
        Type::Tuple {
            items: vec![
                n(NumberKind::U8, Endian::Little),
                n(NumberKind::U16, Endian::Big),
            ],
        },
    );
    let defined = Type::Defined {
        name: "point".into(),
        generics: vec![],
    };
    assert_eq!(
        encode_with(&types, &defined, &json!([1, 2])).unwrap(),
        [1, 0, 2]
    );
    assert_eq!(defined.fixed_size(&types), Some(3));
    assert_eq!(
        decode_with(&types, &defined, &[1, 0, 2, 9]).unwrap(),
        (json!([1, 2]), 3)
    );
    let err = encode_with(&NoTypes, &defined, &json!([1, 2])).unwrap_err();
    assert_eq!(err.code, orquestra_idl::CodecErrorCode::UnknownType);
}
