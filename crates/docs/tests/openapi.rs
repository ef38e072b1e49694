#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The per-program OpenAPI documents validate against the OpenAPI 3.1 schema, their request
//! schemas are valid draft 2020-12 schemas that accept their own examples and reject bad values,
//! and every standalone type schema accepts the type's example.

mod common;

use orquestra_docs::{example_value, instruction_args_schema, json_schema, program_openapi};
use serde_json::{json, Value};

fn oas_validator() -> jsonschema::Validator {
    let path = common::repo_root().join("testdata/openapi/oas-3.1-schema.json");
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    jsonschema::draft202012::new(&schema).expect("the OAS 3.1 schema compiles")
}

fn errors(validator: &jsonschema::Validator, instance: &Value) -> Vec<String> {
    validator
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

use common::{compile, standalone};

#[test]
fn the_oas_validator_catches_broken_documents() {
    let oas = oas_validator();
    let (_, program) = common::corpus().into_iter().next().unwrap();
    let ctx = common::ctx(&program);
    let doc = program_openapi(&program, &ctx);
    assert!(errors(&oas, &doc).is_empty());
    let mut no_info = doc.clone();
    no_info.as_object_mut().unwrap().remove("info");
    assert!(!oas.is_valid(&no_info));
    let mut bad_param = doc.clone();
    let path = bad_param["paths"]
        .as_object()
        .unwrap()
        .keys()
        .find(|k| k.ends_with("/docs"))
        .unwrap()
        .clone();
    bad_param["paths"][&path]["get"]["parameters"][0]["in"] = json!("nowhere");
    assert!(!oas.is_valid(&bad_param));
    let mut bad_schema = doc.clone();
    bad_schema["components"]["schemas"]["ErrorBody"] = json!(5);
    assert!(
        !oas.is_valid(&bad_schema),
        "a schema object must be an object or a boolean"
    );
    let mut bad_response = doc;
    bad_response["paths"][&path]["get"]["responses"]["200"] = json!({"content": {}});
    assert!(
        !oas.is_valid(&bad_response),
        "a response needs a description"
    );
}

#[test]
fn every_program_openapi_is_valid_and_typed() {
    let oas = oas_validator();
    let mut operations = 0;
    for (file, program) in common::corpus() {
        let ctx = common::ctx(&program);
        let doc = program_openapi(&program, &ctx);
        let problems = errors(&oas, &doc);
        assert!(problems.is_empty(), "{file}: {problems:?}");
        assert_eq!(doc["openapi"], "3.1.0");
        assert_eq!(doc["servers"][0]["url"], "https://orquestra.example");

        // Every component schema is a valid 2020-12 schema.
        compile(&standalone(&doc, &json!({})), &format!("{file} components"));

        let paths = doc["paths"].as_object().unwrap();
        for p in [
            "instructions",
            "accounts",
            "types",
            "errors",
            "events",
            "docs",
            "idl",
        ] {
            assert!(
                paths.contains_key(&format!("/api/proj123/{p}")),
                "{file} {p}"
            );
        }
        for ix in &program.instructions {
            let path = format!("/api/proj123/instructions/{}/build", ix.name);
            let op = &paths[&path]["post"];
            assert!(
                op["operationId"].as_str().unwrap().starts_with("build_"),
                "{file} {}",
                ix.name
            );
            let media = &op["requestBody"]["content"]["application/json"];
            let schema = standalone(&doc, &media["schema"]);
            let validator = compile(&schema, &format!("{file} {}", ix.name));
            let problems = errors(&validator, &media["example"]);
            assert!(
                problems.is_empty(),
                "{file} {}: example rejected: {problems:?}",
                ix.name
            );
            // The example's args are also accepted by the standalone args schema.
            let args = compile(&instruction_args_schema(&program, ix), "args");
            assert!(
                args.is_valid(&media["example"]["args"]),
                "{file} {}",
                ix.name
            );
            operations += 1;
        }
    }
    println!("build operations checked: {operations}");
}

#[test]
fn request_schemas_reject_bad_values() {
    let corpus = common::corpus();
    let (_, program) = corpus
        .iter()
        .find(|(f, _)| f.ends_with("wen_transfer_guard.json"))
        .unwrap();
    let ctx = common::ctx(program);
    let doc = program_openapi(program, &ctx);
    let mut checked = 0;
    for (file, program) in &corpus {
        let ctx = common::ctx(program);
        let doc = program_openapi(program, &ctx);
        for ix in &program.instructions {
            // A top-level u64 argument.
            let Some(arg) = ix.args.iter().find(|a| {
                a.omitted_default.is_none()
                    && a.optional_default.is_none()
                    && matches!(&a.ty, orquestra_idl::Type::Number { format } if format.kind == orquestra_idl::NumberKind::U64)
            }) else {
                continue;
            };
            let media = &doc["paths"][format!("/api/proj123/instructions/{}/build", ix.name)]
                ["post"]["requestBody"]["content"]["application/json"];
            let validator = compile(&standalone(&doc, &media["schema"]), file);
            let example = media["example"].clone();
            assert!(validator.is_valid(&example));
            for bad in [
                json!(-1),
                json!("-1"),
                json!("abc"),
                json!(1.5),
                json!(true),
            ] {
                let mut v = example.clone();
                v["args"][&arg.name] = bad.clone();
                assert!(!validator.is_valid(&v), "{file} {} accepted {bad}", ix.name);
            }
            for good in [json!("18446744073709551615"), json!(42)] {
                let mut v = example.clone();
                v["args"][&arg.name] = good.clone();
                assert!(validator.is_valid(&v), "{file} {} rejected {good}", ix.name);
            }
            let mut missing = example.clone();
            missing["args"].as_object_mut().unwrap().remove(&arg.name);
            assert!(!validator.is_valid(&missing), "{file} {}", ix.name);
            let mut extra = example.clone();
            extra["accounts"]["not_an_account"] = json!("11111111111111111111111111111111");
            assert!(!validator.is_valid(&extra));
            let mut bad_payer = example.clone();
            bad_payer["feePayer"] = json!("not base58 0OIl");
            assert!(!validator.is_valid(&bad_payer));
            let mut no_payer = example;
            no_payer.as_object_mut().unwrap().remove("feePayer");
            assert!(!validator.is_valid(&no_payer));
            checked += 1;
        }
    }
    assert!(checked > 50, "{checked}");
    // wen_transfer_guard's struct argument: a missing nested field is rejected.
    let media = &doc["paths"]["/api/proj123/instructions/create_guard/build"]["post"]
        ["requestBody"]["content"]["application/json"];
    let validator = compile(&standalone(&doc, &media["schema"]), "create_guard");
    let mut v = media["example"].clone();
    v["args"]["args"].as_object_mut().unwrap().remove("symbol");
    assert!(!validator.is_valid(&v));
}

#[test]
fn every_type_schema_accepts_its_example() {
    let mut checked = 0;
    for (file, program) in common::corpus() {
        let types = program
            .types
            .iter()
            .filter(|t| t.generics.is_empty())
            .map(|t| (&t.name, &t.ty))
            .chain(program.accounts.iter().map(|a| (&a.name, &a.ty)));
        for (name, ty) in types {
            let example = example_value(&program, ty);
            if example.is_null() {
                continue; // the IDL refers to a type it does not define
            }
            let schema = json_schema(&program, ty);
            let validator = compile(&schema, &format!("{file} {name}"));
            let problems = errors(&validator, &example);
            assert!(
                problems.is_empty(),
                "{file} {name}: {problems:?}\n{example}"
            );
            checked += 1;
        }
    }
    println!("type schemas checked: {checked}");
}
