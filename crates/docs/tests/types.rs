#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Type strings, schemas and examples of specific types.

mod common;

use orquestra_docs::{example_value, json_schema, render_type, views};
use orquestra_idl::{parse, ParseOptions, Program, Type};
use serde_json::{json, Value};

fn program() -> Program {
    let idl = json!({
        "address": "EBZDYx7599krFc4m2govwBdZcicr4GgepqC78m71nsHS",
        "metadata": {"name": "types_demo", "version": "0.1.0", "spec": "0.1.0"},
        "instructions": [{
            "name": "demo",
            "discriminator": [1, 2, 3, 4, 5, 6, 7, 8],
            "accounts": [],
            "args": [
                {"name": "keys", "type": {"vec": "pubkey"}},
                {"name": "maybe", "type": {"option": {"defined": {"name": "Point"}}}},
                {"name": "hash", "type": {"array": ["u8", 32]}},
                {"name": "pair", "type": {"defined": {"name": "Pair", "generics": [
                    {"kind": "type", "type": "u64"}, {"kind": "const", "value": "3"}
                ]}}},
                {"name": "side", "type": {"defined": {"name": "Side"}}},
                {"name": "action", "type": {"defined": {"name": "Action"}}},
                {"name": "small", "type": "i16"},
                {"name": "big", "type": "i128"},
                {"name": "data", "type": "bytes"}
            ]
        }],
        "types": [
            {"name": "Point", "type": {"kind": "struct", "fields": [
                {"name": "x", "type": "u32"}, {"name": "y", "type": "u32"}
            ]}},
            {"name": "Pair", "generics": [
                {"kind": "type", "name": "T"}, {"kind": "const", "name": "N", "type": "usize"}
            ], "type": {"kind": "struct", "fields": [
                {"name": "first", "type": {"generic": "T"}},
                {"name": "items", "type": {"array": [{"generic": "T"}, {"generic": "N"}]}}
            ]}},
            {"name": "Side", "type": {"kind": "enum", "variants": [{"name": "Bid"}, {"name": "Ask"}]}},
            {"name": "Action", "type": {"kind": "enum", "variants": [
                {"name": "Stop"},
                {"name": "Move", "fields": [{"name": "to", "type": {"defined": {"name": "Point"}}}]},
                {"name": "Jump", "fields": ["u8", "u8"]}
            ]}}
        ]
    });
    parse(&idl.to_string(), &ParseOptions::default()).unwrap()
}

fn arg<'p>(p: &'p Program, name: &str) -> &'p Type {
    &p.instructions[0]
        .args
        .iter()
        .find(|a| a.name == name)
        .unwrap()
        .ty
}

#[test]
fn human_type_strings() {
    let p = program();
    let r = |n| render_type(&p, arg(&p, n));
    assert_eq!(r("keys"), "Vec<pubkey>");
    assert_eq!(r("maybe"), "Option<Point>");
    assert_eq!(r("hash"), "[u8; 32]");
    assert_eq!(r("pair"), "Pair<u64, 3>");
    assert_eq!(r("side"), "Side");
    assert_eq!(r("small"), "i16");
    assert_eq!(r("data"), "bytes");
}

#[test]
fn examples_resolve_generics_and_enums() {
    let p = program();
    let e = |n| example_value(&p, arg(&p, n));
    assert_eq!(
        e("pair"),
        json!({"first": "1", "items": ["1", "1", "1"]}),
        "generic T = u64, N = 3"
    );
    assert_eq!(e("side"), json!("Bid"));
    assert_eq!(e("action"), json!("Stop"));
    assert_eq!(e("maybe"), Value::Null);
    assert_eq!(e("hash").as_array().unwrap().len(), 32);
    assert!(e("keys")[0].as_str().unwrap().len() >= 32);
    assert_eq!(e("big"), json!("1"));
}

#[test]
fn schemas_of_specific_types() {
    let p = program();
    let s = |n: &str| json_schema(&p, arg(&p, n));
    let small = s("small");
    assert_eq!(small["type"], "integer");
    assert_eq!(small["minimum"], -32768);
    assert_eq!(small["maximum"], 32767);
    let hash = s("hash");
    assert_eq!(hash["minItems"], 32);
    assert_eq!(hash["maxItems"], 32);
    let maybe = s("maybe");
    assert_eq!(maybe["anyOf"][0], json!({"type": "null"}));
    assert_eq!(maybe["anyOf"][1]["$ref"], "#/$defs/Point");
    assert_eq!(maybe["$defs"]["Point"]["additionalProperties"], false);
    assert_eq!(maybe["$defs"]["Point"]["required"], json!(["x", "y"]));
    assert_eq!(
        s("side")["$defs"]["Side"]["enum"],
        json!(["Bid", "Ask"]),
        "all-unit enums are string enums"
    );
    let action = &s("action")["$defs"]["Action"];
    assert_eq!(action["oneOf"][0]["const"], "Stop");
    assert_eq!(action["oneOf"][1]["required"], json!(["Move"]));
    assert_eq!(action["oneOf"][2]["properties"]["Jump"]["minItems"], 2);
    let pair = s("pair");
    assert_eq!(
        pair["properties"]["items"]["minItems"], 3,
        "generic inlined"
    );
    assert!(pair["properties"]["first"]["anyOf"][0]["pattern"].is_string());

    let validator = |n: &str| jsonschema::draft202012::new(&s(n)).unwrap();
    assert!(validator("action").is_valid(&json!({"Move": {"to": {"x": 1, "y": 2}}})));
    assert!(validator("action").is_valid(&json!({"Jump": [1, 2]})));
    assert!(!validator("action").is_valid(&json!({"Jump": [1, 256]})));
    assert!(!validator("action").is_valid(&json!("Fly")));
    assert!(validator("big").is_valid(&json!("-170141183460469231731687303715884105728")));
    assert!(validator("data").is_valid(&json!({"hex": "00ff"})));
    assert!(validator("data").is_valid(&json!("AQID")));
    assert!(!validator("data").is_valid(&json!([256])));
}

#[test]
fn instruction_view_details() {
    let p = program();
    let ctx = common::ctx(&p);
    let v = common::to_json(&views::instruction(&p, &ctx, "demo").unwrap());
    let ix = &v["instruction"];
    assert_eq!(ix["discriminator"]["hex"], "0102030405060708");
    assert_eq!(
        ix["discriminator"]["bytes"],
        json!([1, 2, 3, 4, 5, 6, 7, 8])
    );
    let maybe = &ix["args"][1];
    assert_eq!(maybe["type"], "Option<Point>");
    assert_eq!(maybe["fields"][0]["name"], "x");
    let action = &ix["args"][5];
    assert_eq!(action["variants"][1]["name"], "Move");
    assert_eq!(
        ix["buildEndpoint"],
        "https://orquestra.example/api/proj123/instructions/demo/build"
    );
    assert_eq!(
        ix["exampleRequest"]["feePayer"],
        "FeePayer11111111111111111111111111111111111"
    );
    // Casing-insensitive lookup.
    assert!(views::instruction(&p, &ctx, "Demo").is_some());
    let types = common::to_json(&views::types(&p, &ctx));
    let action = &types["types"][3];
    assert_eq!(action["kind"], "enum");
    assert_eq!(action["variants"][2]["kind"], "tuple");
    assert_eq!(types["programName"], "types_demo");
}
