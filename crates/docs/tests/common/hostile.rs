//! A corpus of hostile IDLs, generated: each is small (or at least proportionate) on the wire and
//! was built to make a naive generator spend unbounded time or memory. Shared by the docs tests
//! (pure generation) and the server's end-to-end test (upload, then every read route).
#![allow(dead_code)]

use serde_json::{json, Value};

/// The address every hostile IDL declares.
pub const ADDRESS: &str = "HostiLe1111111111111111111111111111111111111";

/// One hostile IDL: its name and its JSON text (text, because some cannot be a `serde_json::Value`
/// without overflowing the stack: 100,000 nested arrays).
pub struct Hostile {
    pub name: &'static str,
    pub text: String,
    /// The server must refuse it (422/400) rather than store it.
    pub refused: bool,
}

fn anchor(instructions: Value, accounts: Value, types: Value) -> Value {
    json!({
        "address": ADDRESS,
        "metadata": {"name": "hostile", "version": "0.1.0", "spec": "0.1.0"},
        "instructions": instructions,
        "accounts": accounts,
        "types": types,
    })
}

fn ix(name: &str, args: Value) -> Value {
    json!({
        "name": name,
        "discriminator": [1, 2, 3, 4, 5, 6, 7, 8],
        "accounts": [{"name": "payer", "writable": true, "signer": true}],
        "args": args,
    })
}

fn defined(name: &str) -> Value {
    json!({"defined": {"name": name}})
}

fn strukt(name: &str, fields: Value) -> Value {
    json!({"name": name, "type": {"kind": "struct", "fields": fields}})
}

fn account(name: &str) -> Value {
    json!({"name": name, "discriminator": [9, 9, 9, 9, 9, 9, 9, 9]})
}

fn hostile(name: &'static str, idl: Value) -> Hostile {
    Hostile {
        name,
        text: idl.to_string(),
        refused: false,
    }
}

/// Types `{prefix}0..{prefix}{levels}`, each holding two of the next; the last holds `leaf`.
fn fan_out(prefix: &str, levels: usize, leaf: Value) -> Vec<Value> {
    let mut types: Vec<Value> = (0..levels)
        .map(|i| {
            let next = defined(&format!("{prefix}{}", i + 1));
            strukt(
                &format!("{prefix}{i}"),
                json!([{"name": "left", "type": next}, {"name": "right", "type": next}]),
            )
        })
        .collect();
    types.push(strukt(&format!("{prefix}{levels}"), leaf));
    types
}

/// Every case; the server test uploads each one and requests every read route.
pub fn corpus() -> Vec<Hostile> {
    let mut out = Vec::new();

    // One argument of 4,294,967,295 bytes (an example would allocate 300 GB), an account holding
    // one, and an array of such arrays (its size overflows).
    let mut types = vec![strukt(
        "Huge",
        json!([
            {"name": "data", "type": {"array": ["u8", 4294967295u64]}},
            {"name": "grid", "type": {"array": [{"array": ["u64", 4294967295u64]}, 4294967295u64]}}
        ]),
    )];
    types.push(strukt(
        "Big",
        json!([{"name": "huge", "type": defined("Huge")}]),
    ));
    out.push(hostile(
        "huge_arrays",
        anchor(
            json!([
                ix(
                    "store",
                    json!([{"name": "data", "type": {"array": ["u8", 4294967295u64]}}])
                ),
                ix("grid", json!([{"name": "huge", "type": defined("Huge")}]))
            ]),
            json!([account("Big")]),
            json!(types),
        ),
    ));

    // Two fields of the next type, 18 levels: 2^18 leaves in a 3 KB IDL.
    let mut types = fan_out("F", 18, json!([{"name": "x", "type": "u64"}]));
    types.push(strukt(
        "Fan",
        json!([{"name": "root", "type": defined("F0")}]),
    ));
    out.push(hostile(
        "fan_out",
        anchor(
            json!([ix("fan", json!([{"name": "root", "type": defined("F0")}]))]),
            json!([account("Fan")]),
            json!(types),
        ),
    ));

    // The same, 60 levels deep, ending in an empty struct: 2^60 zero-sized values, no bytes.
    let mut types = fan_out("Z", 60, json!([]));
    types.push(strukt(
        "Zero",
        json!([{"name": "root", "type": defined("Z0")}]),
    ));
    out.push(hostile(
        "zero_sized_fan_out",
        anchor(
            json!([ix("zero", json!([{"name": "root", "type": defined("Z0")}]))]),
            json!([account("Zero")]),
            json!(types),
        ),
    ));

    // A chain of 20,000 types, each holding the next.
    let mut types: Vec<Value> = (0..20_000)
        .map(|i| {
            strukt(
                &format!("C{i}"),
                json!([{"name": "next", "type": defined(&format!("C{}", i + 1))}]),
            )
        })
        .collect();
    types.push(strukt("C20000", json!([{"name": "x", "type": "u8"}])));
    out.push(hostile(
        "type_chain",
        anchor(
            json!([ix(
                "chain",
                json!([{"name": "head", "type": defined("C0")}])
            )]),
            json!([]),
            json!(types),
        ),
    ));

    // Recursion: through Option and Vec (legitimate), and directly (no finite value).
    out.push(hostile(
        "recursion",
        anchor(
            json!([
                ix("tree", json!([{"name": "node", "type": defined("Node")}])),
                ix("forever", json!([{"name": "me", "type": defined("Loop")}]))
            ]),
            json!([account("Node")]),
            json!([
                strukt(
                    "Node",
                    json!([
                        {"name": "value", "type": "u64"},
                        {"name": "next", "type": {"option": defined("Node")}},
                        {"name": "children", "type": {"vec": defined("Node")}}
                    ])
                ),
                strukt("Loop", json!([{"name": "me", "type": defined("Loop")}]))
            ]),
        ),
    ));

    // 100,000 nested vectors: refused as JSON nested too deeply.
    let depth = 100_000;
    let mut nested = String::with_capacity(depth * 10);
    for _ in 0..depth {
        nested.push_str("{\"vec\":");
    }
    nested.push_str("\"u8\"");
    for _ in 0..depth {
        nested.push('}');
    }
    let template = anchor(
        json!([ix("deep", json!([{"name": "v", "type": "NESTED"}]))]),
        json!([]),
        json!([]),
    )
    .to_string();
    out.push(Hostile {
        name: "nesting_100k",
        text: template.replace("\"NESTED\"", &nested),
        refused: true,
    });

    // Nesting just under the JSON parser's limit: accepted, and bounded everywhere.
    let mut ty = json!("u8");
    for i in 0..60 {
        ty = if i % 2 == 0 {
            json!({"option": ty})
        } else {
            json!({"vec": ty})
        };
    }
    out.push(hostile(
        "nesting_60",
        anchor(
            json!([ix("nested", json!([{"name": "v", "type": ty}]))]),
            json!([]),
            json!([]),
        ),
    ));

    // Names of 100,000 characters.
    let long = "n".repeat(100_000);
    out.push(hostile(
        "huge_names",
        anchor(
            json!([ix(
                &long,
                json!([{"name": long.clone(), "type": defined(&format!("T{long}"))}])
            )]),
            json!([]),
            json!([strukt(
                &format!("T{long}"),
                json!([{"name": long.clone(), "type": "u8"}])
            )]),
        ),
    ));

    // Control, bidi and markup characters in every name.
    let evil = "a\u{0000}b\u{202e}c\u{200b}d\u{2066}\n# injected\r\n|`<script>alert(1)</script>`|";
    out.push(hostile(
        "control_characters",
        anchor(
            json!([ix(evil, json!([{"name": evil, "type": defined(evil)}]))]),
            json!([]),
            json!([strukt(evil, json!([{"name": evil, "type": "string"}]))]),
        ),
    ));

    // Thousands of instructions whose examples are large: the documents' example budgets.
    let instructions: Vec<Value> = (0..3_000)
        .map(|i| {
            ix(
                &format!("op{i}"),
                json!([{"name": "table", "type": defined("Table")}]),
            )
        })
        .collect();
    out.push(hostile(
        "many_large_examples",
        anchor(
            json!(instructions),
            json!([]),
            json!([strukt(
                "Table",
                json!([{"name": "rows", "type": {"array": [{"array": ["u64", 32]}, 32]}}])
            )]),
        ),
    ));

    // One struct with 20,000 fields.
    let fields: Vec<Value> = (0..20_000)
        .map(|i| json!({"name": format!("f{i}"), "type": "u64"}))
        .collect();
    out.push(hostile(
        "wide_struct",
        anchor(
            json!([ix("wide", json!([{"name": "w", "type": defined("Wide")}]))]),
            json!([account("Wide")]),
            json!([strukt("Wide", json!(fields))]),
        ),
    ));

    // Codama: a 4 GB fixed-size string and a huge fixed array count.
    out.push(hostile(
        "codama_huge_sizes",
        json!({
            "kind": "rootNode", "standard": "codama", "version": "1.0.0",
            "program": {
                "kind": "programNode", "name": "hostile", "publicKey": ADDRESS, "version": "0.1.0",
                "accounts": [], "definedTypes": [], "pdas": [], "errors": [],
                "instructions": [{
                    "kind": "instructionNode", "name": "big", "accounts": [],
                    "arguments": [
                        {"kind": "instructionArgumentNode", "name": "text", "type": {
                            "kind": "fixedSizeTypeNode", "size": 4294967295u64,
                            "type": {"kind": "stringTypeNode", "encoding": "utf8"}}},
                        {"kind": "instructionArgumentNode", "name": "items", "type": {
                            "kind": "arrayTypeNode",
                            "item": {"kind": "numberTypeNode", "format": "u64", "endian": "le"},
                            "count": {"kind": "fixedCountNode", "value": 4294967295u64}}}
                    ]
                }]
            },
            "additionalPrograms": []
        }),
    ));
    out
}
