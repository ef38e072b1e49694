//! Shared helpers: the IDL corpus and a context.
#![allow(dead_code)]

use std::path::PathBuf;

use orquestra_docs::{KnownAddressRef, ProgramContext};
use orquestra_idl::{parse, ParseOptions, Program};

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every corpus IDL: (file name, parsed program).
pub fn corpus() -> Vec<(String, Program)> {
    let mut out = Vec::new();
    for dir in ["anchor", "anchor-legacy", "codama"] {
        let path = repo_root().join("testdata/idls").join(dir);
        let mut files: Vec<_> = std::fs::read_dir(&path)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        files.sort();
        for f in files {
            let text = std::fs::read_to_string(&f).unwrap();
            let program = parse(
                &text,
                &ParseOptions {
                    program_id: Some("11111111111111111111111111111111".into()),
                    ..Default::default()
                },
            )
            .unwrap_or_else(|e| panic!("{}: {e:?}", f.display()));
            let name = format!("{dir}/{}", f.file_name().unwrap().to_string_lossy());
            out.push((name, program));
        }
    }
    assert!(out.len() >= 37, "corpus size {}", out.len());
    out
}

pub const KNOWN: &[KnownAddressRef<'static>] = &[
    KnownAddressRef {
        label: "Treasury",
        address: "So11111111111111111111111111111111111111112",
        description: Some("Wrapped SOL mint"),
    },
    KnownAddressRef {
        label: "Config",
        address: "SysvarC1ock11111111111111111111111111111111",
        description: None,
    },
];

pub fn ctx(program: &Program) -> ProgramContext<'_> {
    ProgramContext {
        project_id: "proj123",
        project_name: "Test Project",
        description: Some("A project used in tests."),
        program_id: program
            .address
            .as_deref()
            .unwrap_or("11111111111111111111111111111111"),
        version: 3,
        base_url: "https://orquestra.example",
        known_addresses: KNOWN,
    }
}

/// A typed view as the JSON a client receives.
pub fn to_json<T: serde::Serialize>(view: &T) -> serde_json::Value {
    serde_json::to_value(view).unwrap()
}

/// Replaces `#/components/schemas/` refs by `#/$defs/` refs.
fn rewrite_refs(v: &mut serde_json::Value) {
    use serde_json::Value;
    match v {
        Value::Object(o) => {
            for (k, child) in o.iter_mut() {
                if k == "$ref" {
                    if let Value::String(s) = child {
                        *s = s.replace("#/components/schemas/", "#/$defs/");
                    }
                } else {
                    rewrite_refs(child);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(rewrite_refs),
        _ => {}
    }
}

/// A standalone schema: `schema` with the OpenAPI document's component schemas as `$defs`.
pub fn standalone(doc: &serde_json::Value, schema: &serde_json::Value) -> serde_json::Value {
    use serde_json::{json, Map, Value};
    let mut defs = doc["components"]["schemas"].clone();
    rewrite_refs(&mut defs);
    let mut root = schema.clone();
    rewrite_refs(&mut root);
    let mut out = Map::new();
    out.insert(
        "$schema".into(),
        json!("https://json-schema.org/draft/2020-12/schema"),
    );
    out.insert("$defs".into(), defs);
    if let Value::Object(o) = root {
        out.extend(o);
    }
    Value::Object(out)
}

/// A draft 2020-12 validator of `schema`, which must itself be a valid 2020-12 schema.
pub fn compile(schema: &serde_json::Value, what: &str) -> jsonschema::Validator {
    if let Err(e) = jsonschema::draft202012::meta::validate(schema) {
        panic!("{what}: not a valid 2020-12 schema: {e}");
    }
    jsonschema::draft202012::new(schema).unwrap_or_else(|e| panic!("{what}: {e}"))
}
