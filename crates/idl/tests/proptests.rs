#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Property tests: random type trees with fitting values round-trip exactly; random bytes never
//! panic the decoders of real IDLs.

use std::path::Path;

use orquestra_idl::{
    parse, Count, Endian, EnumVariant, Field, NumberFormat, NumberKind, OffsetStrategy,
    ParseOptions, Program, StringEncoding, Type, VariantFields,
};
use proptest::prelude::*;
use serde_json::{json, Map, Value};

fn empty_program() -> Program {
    parse(r#"{"address":"11111111111111111111111111111111","metadata":{"name":"p","version":"0","spec":"0.1.0"},"instructions":[{"name":"noop","discriminator":[0],"accounts":[],"args":[]}]}"#, &ParseOptions::default()).unwrap()
}

fn num(kind: NumberKind, endian: Endian) -> NumberFormat {
    NumberFormat { kind, endian }
}

fn endian() -> impl Strategy<Value = Endian> {
    prop_oneof![Just(Endian::Little), Just(Endian::Big)]
}

fn prefix_format() -> impl Strategy<Value = NumberFormat> {
    (
        prop_oneof![
            Just(NumberKind::U8),
            Just(NumberKind::U16),
            Just(NumberKind::U32),
            Just(NumberKind::ShortU16)
        ],
        endian(),
    )
        .prop_map(|(k, e)| num(k, e))
}

fn leaf() -> impl Strategy<Value = Type> {
    let kinds = prop_oneof![
        Just(NumberKind::U8),
        Just(NumberKind::U16),
        Just(NumberKind::U32),
        Just(NumberKind::U64),
        Just(NumberKind::U128),
        Just(NumberKind::U256),
        Just(NumberKind::I8),
        Just(NumberKind::I16),
        Just(NumberKind::I32),
        Just(NumberKind::I64),
        Just(NumberKind::I128),
        Just(NumberKind::I256),
        Just(NumberKind::F32),
        Just(NumberKind::F64),
        Just(NumberKind::ShortU16),
    ];
    prop_oneof![
        (kinds, endian()).prop_map(|(k, e)| Type::Number { format: num(k, e) }),
        Just(Type::Bool {
            size: num(NumberKind::U8, Endian::Little)
        }),
        Just(Type::PublicKey),
        prefix_format().prop_map(|p| Type::SizePrefixed {
            inner: Box::new(Type::String {
                encoding: StringEncoding::Utf8
            }),
            prefix: p
        }),
        prefix_format().prop_map(|p| Type::SizePrefixed {
            inner: Box::new(Type::Bytes),
            prefix: p
        }),
        (prop_oneof![
            Just(StringEncoding::Base16),
            Just(StringEncoding::Base58),
            Just(StringEncoding::Base64)
        ])
        .prop_map(|e| Type::SizePrefixed {
            inner: Box::new(Type::String { encoding: e }),
            prefix: num(NumberKind::U32, Endian::Little)
        }),
        (0usize..8).prop_map(|extra| Type::FixedSize {
            inner: Box::new(Type::String {
                encoding: StringEncoding::Utf8
            }),
            size: 12 + extra
        }),
        Just(Type::ZeroableOption {
            inner: Box::new(Type::Number {
                format: num(NumberKind::U32, Endian::Little)
            }),
            zero_value: None
        }),
        Just(Type::Sentinel {
            inner: Box::new(Type::String {
                encoding: StringEncoding::Utf8
            }),
            sentinel: vec![0xff]
        }),
    ]
}

fn field(i: usize, ty: Type) -> Field {
    Field {
        name: format!("f{i}"),
        docs: vec![],
        ty,
        omitted_default: None,
        optional_default: None,
    }
}

fn type_tree() -> impl Strategy<Value = Type> {
    leaf().prop_recursive(4, 48, 4, |inner| {
        let b = move || inner.clone();
        prop_oneof![
            (b(), prefix_format(), any::<bool>()).prop_map(|(t, p, fixed_u32)| {
                if fixed_u32 {
                    Type::Option {
                        inner: Box::new(t),
                        prefix: num(NumberKind::U32, Endian::Little),
                        fixed: false,
                    }
                } else {
                    Type::Option {
                        inner: Box::new(t),
                        prefix: p,
                        fixed: false,
                    }
                }
            }),
            (b(), 0usize..4).prop_map(|(t, n)| Type::Array {
                inner: Box::new(t),
                count: Count::Fixed { len: n }
            }),
            (b(), prefix_format()).prop_map(|(t, p)| Type::Array {
                inner: Box::new(t),
                count: Count::Prefixed { prefix: p }
            }),
            (b(), prefix_format()).prop_map(|(t, p)| Type::Set {
                inner: Box::new(t),
                count: Count::Prefixed { prefix: p }
            }),
            (b(), prefix_format()).prop_map(|(v, p)| Type::Map {
                key: Box::new(Type::Number {
                    format: num(NumberKind::U16, Endian::Little)
                }),
                value: Box::new(v),
                count: Count::Prefixed { prefix: p },
            }),
            prop::collection::vec(b(), 0..4).prop_map(|items| Type::Tuple { items }),
            prop::collection::vec(b(), 1..4).prop_map(|items| Type::TupleStruct { items }),
            prop::collection::vec(b(), 0..5).prop_map(|tys| Type::Struct {
                fields: tys
                    .into_iter()
                    .enumerate()
                    .map(|(i, t)| field(i, t))
                    .collect(),
            }),
            (
                prop::collection::vec((b(), 0u8..3), 1..4),
                prop_oneof![Just(NumberKind::U8), Just(NumberKind::U32)]
            )
                .prop_map(|(vs, size)| Type::Enum {
                    variants: vs
                        .into_iter()
                        .enumerate()
                        .map(|(i, (t, shape))| EnumVariant {
                            name: format!("V{i}"),
                            docs: vec![],
                            discriminant: (i as u64) * 3 + 1,
                            fields: match shape {
                                0 => VariantFields::Unit,
                                1 => VariantFields::Tuple { items: vec![t] },
                                _ => VariantFields::Named {
                                    fields: vec![field(0, t)]
                                },
                            },
                        })
                        .collect(),
                    size: num(size, Endian::Little),
                }),
            b().prop_map(|t| Type::HiddenPrefix {
                inner: Box::new(t),
                prefix: vec![1, 2]
            }),
            b().prop_map(|t| Type::HiddenSuffix {
                inner: Box::new(t),
                suffix: vec![3]
            }),
            (b(), 0i64..4).prop_map(|(t, o)| Type::PostOffset {
                inner: Box::new(t),
                offset: o,
                strategy: OffsetStrategy::Padded
            }),
            (b(), 0i64..4).prop_map(|(t, o)| Type::PreOffset {
                inner: Box::new(t),
                offset: o,
                strategy: OffsetStrategy::Padded
            }),
        ]
    })
}

fn decimal(neg: bool, digits: Vec<u8>) -> String {
    let s: String = digits.iter().map(|d| char::from(b'0' + d % 10)).collect();
    let s = s.trim_start_matches('0');
    match (s.is_empty(), neg) {
        (true, _) => "0".into(),
        (false, true) => format!("-{s}"),
        (false, false) => s.to_string(),
    }
}

fn float_value(n: i32, shift: u8) -> Value {
    let f = f64::from(n) / f64::from(1u32 << (shift % 16));
    if f.fract() == 0.0 {
        json!(f as i64)
    } else {
        json!(f)
    }
}

/// A value of `ty` in canonical form (what the decoder produces).
fn value_of(ty: &Type) -> BoxedStrategy<Value> {
    match ty {
        Type::Bool { .. } => any::<bool>().prop_map(Value::from).boxed(),
        Type::Number { format } => match format.kind {
            NumberKind::U8 => any::<u8>().prop_map(Value::from).boxed(),
            NumberKind::U16 | NumberKind::ShortU16 => any::<u16>().prop_map(Value::from).boxed(),
            NumberKind::U32 => any::<u32>().prop_map(Value::from).boxed(),
            NumberKind::I8 => any::<i8>().prop_map(Value::from).boxed(),
            NumberKind::I16 => any::<i16>().prop_map(Value::from).boxed(),
            NumberKind::I32 => any::<i32>().prop_map(Value::from).boxed(),
            NumberKind::U64 => any::<u64>()
                .prop_map(|n| Value::from(n.to_string()))
                .boxed(),
            NumberKind::I64 => any::<i64>()
                .prop_map(|n| Value::from(n.to_string()))
                .boxed(),
            NumberKind::U128 => any::<u128>()
                .prop_map(|n| Value::from(n.to_string()))
                .boxed(),
            NumberKind::I128 => any::<i128>()
                .prop_map(|n| Value::from(n.to_string()))
                .boxed(),
            // Up to 76 digits: always below 2^255.
            NumberKind::U256 | NumberKind::I256 => {
                let signed = format.kind == NumberKind::I256;
                (any::<bool>(), prop::collection::vec(0u8..10, 1..77))
                    .prop_map(move |(neg, d)| Value::from(decimal(neg && signed, d)))
                    .boxed()
            }
            NumberKind::F32 => (-(1i32 << 23)..(1 << 23), any::<u8>())
                .prop_map(|(n, s)| float_value(n, s))
                .boxed(),
            NumberKind::F64 => (any::<i32>(), any::<u8>())
                .prop_map(|(n, s)| float_value(n, s))
                .boxed(),
        },
        Type::PublicKey => any::<[u8; 32]>()
            .prop_map(|k| Value::from(bs58::encode(k).into_string()))
            .boxed(),
        Type::SizePrefixed { inner, .. } => match inner.as_ref() {
            Type::String {
                encoding: StringEncoding::Utf8,
            } => ".{0,12}".prop_map(Value::from).boxed(),
            Type::String { encoding } => {
                let enc = *encoding;
                prop::collection::vec(any::<u8>(), 0..12)
                    .prop_map(move |b| match enc {
                        StringEncoding::Base16 => {
                            Value::from(b.iter().map(|x| format!("{x:02x}")).collect::<String>())
                        }
                        StringEncoding::Base58 => Value::from(bs58::encode(&b).into_string()),
                        _ => {
                            use base64::Engine as _;
                            Value::from(base64::engine::general_purpose::STANDARD.encode(&b))
                        }
                    })
                    .boxed()
            }
            _ => prop::collection::vec(any::<u8>(), 0..12)
                .prop_map(|b| json!(b))
                .boxed(),
        },
        // 12 bytes at most; no NULs (fixed-size strings are NUL-padded).
        Type::FixedSize { .. } => "[a-z]{0,12}".prop_map(Value::from).boxed(),
        Type::ZeroableOption { .. } => {
            prop_oneof![Just(Value::Null), (1u32..).prop_map(Value::from)].boxed()
        }
        Type::Sentinel { .. } => ".{0,8}".prop_map(Value::from).boxed(),
        Type::Option { inner, .. } => prop_oneof![Just(Value::Null), value_of(inner)].boxed(),
        Type::Array { inner, count } => {
            let range = match count {
                Count::Fixed { len } => *len..*len + 1,
                _ => 0..4,
            };
            prop::collection::vec(value_of(inner), range)
                .prop_map(Value::Array)
                .boxed()
        }
        Type::Set { inner, .. } => prop::collection::vec(value_of(inner), 0..4)
            .prop_map(Value::Array)
            .boxed(),
        Type::Map { value, .. } => prop::collection::vec((any::<u16>(), value_of(value)), 0..4)
            .prop_map(|pairs| Value::Array(pairs.into_iter().map(|(k, v)| json!([k, v])).collect()))
            .boxed(),
        Type::Tuple { items } | Type::TupleStruct { items } => items
            .iter()
            .map(value_of)
            .collect::<Vec<_>>()
            .prop_map(Value::Array)
            .boxed(),
        Type::Struct { fields } => {
            let names: Vec<String> = fields.iter().map(|f| f.name.clone()).collect();
            fields
                .iter()
                .map(|f| value_of(&f.ty))
                .collect::<Vec<_>>()
                .prop_map(move |vals| {
                    Value::Object(names.iter().cloned().zip(vals).collect::<Map<_, _>>())
                })
                .boxed()
        }
        Type::Enum { variants, .. } => {
            let options: Vec<BoxedStrategy<Value>> = variants
                .iter()
                .map(|v| {
                    let name = v.name.clone();
                    match &v.fields {
                        VariantFields::Unit => Just(Value::from(name)).boxed(),
                        VariantFields::Tuple { items } => items
                            .iter()
                            .map(value_of)
                            .collect::<Vec<_>>()
                            .prop_map(move |vals| json!({ name.clone(): vals }))
                            .boxed(),
                        VariantFields::Named { fields } => value_of(&Type::Struct {
                            fields: fields.clone(),
                        })
                        .prop_map(move |obj| json!({ name.clone(): obj }))
                        .boxed(),
                        VariantFields::Nested { ty } => value_of(ty)
                            .prop_map(move |payload| json!({ name.clone(): payload }))
                            .boxed(),
                    }
                })
                .collect();
            prop::strategy::Union::new(options).boxed()
        }
        Type::HiddenPrefix { inner, .. }
        | Type::HiddenSuffix { inner, .. }
        | Type::PreOffset { inner, .. }
        | Type::PostOffset { inner, .. } => value_of(inner),
        other => panic!("no value strategy for {other:?}"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn random_types_round_trip((ty, value) in type_tree().prop_flat_map(|t| { let v = value_of(&t); (Just(t), v) })) {
        let p = empty_program();
        let bytes = p.encode_value(&ty, &value).map_err(|e| TestCaseError::fail(format!("encode: {e}")))?;
        let (decoded, read) = p.decode_value(&ty, &bytes).map_err(|e| TestCaseError::fail(format!("decode: {e}")))?;
        prop_assert_eq!(&decoded, &value);
        prop_assert_eq!(read, bytes.len());
        if let Some(size) = ty.fixed_size(&p) {
            prop_assert_eq!(size, bytes.len());
        }
    }
}

fn corpus_programs() -> Vec<Program> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/idls");
    [
        "anchor/anchor_generics",
        "anchor/anchor_idl_new",
        "anchor/raydium_clmm",
        "anchor/meteora_damm_v2",
        "anchor-legacy/mango_v4",
        "anchor-legacy/token_metadata",
        "anchor-legacy/phoenix_v1",
        "anchor-legacy/switchboard_v2",
    ]
    .iter()
    .map(|n| {
        parse(
            &std::fs::read_to_string(root.join(format!("{n}.json"))).unwrap(),
            &ParseOptions::default(),
        )
        .unwrap()
    })
    .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(pick in any::<prop::sample::Index>(), which in any::<prop::sample::Index>(), tail in prop::collection::vec(any::<u8>(), 0..600), ff in any::<bool>()) {
        thread_local! { static PROGRAMS: Vec<Program> = corpus_programs(); }
        PROGRAMS.with(|programs| {
            let p = pick.get(programs);
            // Start with a real discriminator half of the time, so decoding gets past it.
            let mut data = Vec::new();
            if !p.instructions.is_empty() && ff {
                data.extend(&which.get(&p.instructions).prefix);
            }
            data.extend(&tail);
            let _ = p.decode_instruction(&data);
            for ix in &p.instructions {
                let mut d = ix.prefix.clone();
                d.extend(&tail);
                let _ = p.decode_instruction_as(&ix.name, &d);
            }
            for acc in &p.accounts {
                let mut d = acc.prefix.clone();
                d.extend(&tail);
                let _ = p.decode_account(&acc.name, &d);
                let _ = p.identify_account(&d);
            }
        });
    }
}
