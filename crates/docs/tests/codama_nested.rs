#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Docs of a Codama program whose enum variant payloads and account data are
//! `NestedTypeNode<T>`s (struct/tuple inside `hiddenPrefixTypeNode`, `fixedSizeTypeNode`,
//! `sizePrefixTypeNode`, `hiddenSuffixTypeNode`): `testdata/synthetic/codama_nested.json`.

mod common;

use orquestra_docs::{
    cpi_md, example_args, example_request, example_value, json_schema, llms_txt, program_openapi,
    render_type, views,
};
use orquestra_idl::{parse, ParseOptions, Program, Type};
use serde_json::{json, Value};

const DOC: &str = include_str!("../../../testdata/synthetic/codama_nested.json");

fn program() -> Program {
    parse(DOC, &ParseOptions::default()).unwrap_or_else(|e| panic!("{e:#?}"))
}

fn validator(p: &Program, ty: &Type) -> jsonschema::Validator {
    let schema = json_schema(p, ty);
    jsonschema::draft202012::new(&schema).unwrap_or_else(|e| panic!("{schema}: {e}"))
}

fn defined(name: &str) -> Type {
    Type::Defined {
        name: name.into(),
        generics: Vec::new(),
    }
}

#[test]
fn examples_encode_decode_and_match_their_schema() {
    let p = program();
    for t in &p.types {
        let ty = defined(&t.name);
        let example = example_value(&p, &ty);
        assert!(!example.is_null(), "{}", t.name);
        let bytes = p
            .encode_value(&ty, &example)
            .unwrap_or_else(|e| panic!("{}: {example}: {e}", t.name));
        assert_eq!(p.decode_value(&ty, &bytes).unwrap().0, example);
        assert!(
            validator(&p, &ty).is_valid(&example),
            "{}: {example}",
            t.name
        );
    }
    for acc in &p.accounts {
        let example = example_value(&p, &acc.ty);
        let bytes = p
            .encode_account(&acc.name, &example)
            .unwrap_or_else(|e| panic!("{}: {example}: {e}", acc.name));
        assert_eq!(p.decode_account(&acc.name, &bytes).unwrap().value, example);
        assert!(
            validator(&p, &acc.ty).is_valid(&example),
            "{}: {example}",
            acc.name
        );
    }
    for ix in &p.instructions {
        let args = example_args(&p, ix);
        p.encode_instruction(&ix.name, &args)
            .unwrap_or_else(|e| panic!("{}: {args}: {e}", ix.name));
        assert_eq!(example_request(&p, ix)["args"], args);
    }
}

#[test]
fn schema_of_wrapped_variants_has_the_inner_shape() {
    let p = program();
    let v = validator(&p, &defined("action"));
    for ok in [
        json!({"tagged": {"a": 1, "b": 770}}),
        json!({"padded": [7, 513]}),
        json!({"sized": {"memo": "hi"}}),
        json!({"plain": {"z": 5}}),
        json!("none"),
        json!({"double": {"q": 9}}),
    ] {
        assert!(v.is_valid(&ok), "{ok}");
        // Everything the schema accepts here, the codec accepts too.
        p.encode_value(&defined("action"), &ok).unwrap();
    }
    for bad in [
        json!({"tagged": [1, 770]}),
        json!({"padded": {"0": 7, "1": 513}}),
        json!({"padded": [7]}),
        json!({"double": {"q": 256}}),
        json!({"sized": {"memo": "hi", "extra": 1}}),
        json!("tagged"),
    ] {
        assert!(!v.is_valid(&bad), "{bad}");
    }
}

#[test]
fn rendered_types() {
    let p = program();
    let acc = |name: &str| p.find_account(name).unwrap().ty.clone();
    assert_eq!(
        render_type(&p, &acc("vault")),
        "{ owner: pubkey, amount: u64, action: fixedAction }"
    );
    assert_eq!(
        render_type(&p, &acc("config")),
        "{ authority: pubkey, action: action } (padded to 64 bytes)"
    );
}

/// `(name, [field names])` of each variant in a view's `variants` list.
fn variant_fields(variants: &Value) -> Vec<(String, String, Vec<String>)> {
    variants
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            let names = v["fields"]
                .as_array()
                .map(|fs| {
                    fs.iter()
                        .map(|f| f["name"].as_str().unwrap().to_string())
                        .collect()
                })
                .unwrap_or_default();
            (
                v["name"].as_str().unwrap().to_string(),
                v["kind"].as_str().unwrap().to_string(),
                names,
            )
        })
        .collect()
}

fn strings(v: &[(&str, &str, &[&str])]) -> Vec<(String, String, Vec<String>)> {
    v.iter()
        .map(|(n, k, fs)| {
            (
                n.to_string(),
                k.to_string(),
                fs.iter().map(|s| s.to_string()).collect(),
            )
        })
        .collect()
}

#[test]
fn views_list_the_inner_fields() {
    let p = program();
    let ctx = common::ctx(&p);
    let expected = strings(&[
        ("tagged", "struct", &["a", "b"]),
        ("padded", "tuple", &["0", "1"]),
        ("sized", "struct", &["memo"]),
        ("plain", "struct", &["z"]),
        ("none", "unit", &[]),
        ("double", "struct", &["q"]),
    ]);

    let types = common::to_json(&views::types(&p, &ctx));
    let action = &types["types"][0];
    assert_eq!(action["name"], "action");
    assert_eq!(variant_fields(&action["variants"]), expected);
    assert_eq!(action["variants"][1]["fields"][1]["type"], "u16");
    assert_eq!(types["types"][1]["size"], 12);

    let ix = common::to_json(&views::instruction(&p, &ctx, "act").unwrap());
    let arg = &ix["instruction"]["args"][0];
    assert_eq!(arg["name"], "action");
    assert_eq!(variant_fields(&arg["variants"]), expected);

    let accounts = common::to_json(&views::accounts(&p, &ctx));
    let vault = &accounts["accounts"][0];
    assert_eq!(vault["size"], 60);
    let rows: Vec<Value> = vault["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| json!([f["name"], f["type"], f["offset"], f["size"]]))
        .collect();
    assert_eq!(
        rows,
        [
            json!(["owner", "pubkey", 8, 32]),
            json!(["amount", "u64", 40, 8]),
            json!(["action", "fixedAction", 48, 12]),
        ]
    );
    // Field docs are found through the hidden prefix.
    assert_eq!(vault["fields"][0]["docs"], json!(["Who owns the vault."]));
    let config = &accounts["accounts"][1];
    assert_eq!(config["size"], 64);
    assert_eq!(config["fields"][2]["offset"], 33);
}

#[test]
fn markdown_and_documents() {
    let p = program();
    let ctx = common::ctx(&p);
    let md = cpi_md(&p, &ctx);
    for line in [
        "| `tagged` | 0 | `{ a: u8, b: u16 }` | Struct behind a hidden prefix. |",
        "| `padded` | 1 | `(u8, u16) (padded to 6 bytes)` |  |",
        "| `sized` | 2 | `{ memo: string (u8 length) } (u16 length)` |  |",
        "| `double` | 5 | `{ q: u8 } (padded to 4 bytes)` |  |",
        "| `action` | `fixedAction` | 48 | 12 |",
        "- Size: 60 bytes",
        "- Size: 64 bytes",
    ] {
        assert!(md.contains(line), "missing {line:?} in\n{md}");
    }
    assert!(program_openapi(&p, &ctx).is_object());
    assert!(llms_txt(&p, &ctx, None).contains("act"));
}
