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

/// Every `$ref` string in `value`, with the JSON pointer where it is.
fn refs<'a>(value: &'a Value, at: String, out: &mut Vec<(String, &'a str)>) {
    match value {
        Value::Object(o) => {
            for (k, child) in o {
                match child {
                    Value::String(target) if k == "$ref" => out.push((at.clone(), target)),
                    _ => refs(child, format!("{at}/{k}"), out),
                }
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                refs(child, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

/// The property names a request schema allows, through `$ref`s and `allOf`.
fn request_properties(doc: &Value, schema: &Value, out: &mut Vec<String>) {
    if let Some(target) = schema["$ref"].as_str() {
        let key = target.trim_start_matches("#/components/schemas/");
        request_properties(doc, &doc["components"]["schemas"][key], out);
    }
    if let Some(parts) = schema["allOf"].as_array() {
        for part in parts {
            request_properties(doc, part, out);
        }
    }
    if let Some(props) = schema["properties"].as_object() {
        out.extend(props.keys().cloned());
    }
}

#[test]
fn every_program_document_is_complete_and_self_contained() {
    let mut operations = 0;
    for (file, program) in common::corpus() {
        let doc = program_openapi(&program, &common::ctx(&program));

        let mut found = Vec::new();
        refs(&doc, String::new(), &mut found);
        let schemas = doc["components"]["schemas"].as_object().unwrap();
        for (at, target) in &found {
            let key = target
                .strip_prefix("#/components/schemas/")
                .unwrap_or_else(|| panic!("{file}: {at} refers outside the components: {target}"));
            assert!(
                schemas.contains_key(key),
                "{file}: {at}: {target} does not resolve"
            );
        }

        let paths = doc["paths"].as_object().unwrap();
        let mut ids = std::collections::HashSet::new();
        for (path, item) in paths {
            for (method, op) in item.as_object().unwrap() {
                let id = op["operationId"].as_str().unwrap();
                assert!(ids.insert(id.to_string()), "{file}: operationId {id} twice");
                let ok = &op["responses"]["200"]["content"]["application/json"]["schema"];
                assert!(ok.is_object(), "{file}: {method} {path} has no 200 schema");
                let errors = op["responses"].as_object().unwrap().iter();
                for (status, response) in errors.filter(|(s, _)| s.starts_with(['4', '5'])) {
                    let error = &response["content"]["application/json"]["schema"]["$ref"];
                    assert!(error.is_string(), "{file}: {method} {path} {status}");
                }
                operations += 1;
            }
        }

        for (path, method) in [
            ("pda", "get"),
            ("pda/derive", "post"),
            ("pda/fetch/{address}", "get"),
            ("accounts/decode", "post"),
            ("program-accounts/query", "post"),
        ] {
            let op = &doc["paths"][format!("/api/proj123/{path}")][method];
            assert!(op.is_object(), "{file}: no {method} {path}");
        }
        let fetch = &doc["paths"]["/api/proj123/pda/fetch/{address}"]["get"]["parameters"];
        let names: Vec<&str> = fetch
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        assert_eq!(
            names,
            [
                "address",
                "cluster",
                "network",
                "rpcUrl",
                "accountType",
                "includeRaw",
                "version"
            ],
            "{file}"
        );

        for ix in &program.instructions {
            for route in ["build", "data", "accounts"] {
                let path = format!("/api/proj123/instructions/{}/{route}", ix.name);
                let schema = &doc["paths"][&path]["post"]["requestBody"]["content"]
                    ["application/json"]["schema"];
                let mut props = Vec::new();
                request_properties(&doc, schema, &mut props);
                for field in [
                    "args",
                    "accounts",
                    "feePayer",
                    "recentBlockhash",
                    "cluster",
                    "rpcUrl",
                    "simulate",
                    "encoding",
                    "version",
                    "computeUnitLimit",
                    "computeUnitPrice",
                ] {
                    assert!(
                        props.iter().any(|p| p == field),
                        "{file} {path}: no {field}"
                    );
                }
            }
        }
    }
    println!("operations checked: {operations}");
}

/// A build answer as the server writes it: `message` and `instruction.data` are objects.
fn build_answer() -> Value {
    let key = "11111111111111111111111111111111";
    json!({
        "projectId": "proj123", "programId": key, "programName": "p", "version": 3,
        "transaction": "AQ==", "serializedTransaction": "AQ==", "encoding": "base64",
        "wireFormat": "legacy",
        "message": {
            "header": {"numRequiredSignatures": 1, "numReadonlySignedAccounts": 0, "numReadonlyUnsignedAccounts": 1},
            "accountKeys": [{"pubkey": key, "signer": true, "writable": true}],
            "recentBlockhash": key, "lastValidBlockHeight": null,
        },
        "recentBlockhash": key, "blockhashSource": "client",
        "instruction": {"name": "x", "programId": key, "data": {"hex": "01", "base64": "AQ=="},
            "accounts": [{"name": "a", "pubkey": key, "isSigner": true, "isWritable": true, "source": "provided"}]},
        "signersRequired": [key],
        "fee": {"lamports": 5000, "signatures": 1, "computeUnitLimit": null, "computeUnitPrice": null},
        "estimatedFee": 5000, "warnings": [],
    })
}

#[test]
fn the_build_answer_schema_is_the_wire_type() {
    let (_, program) = common::corpus().into_iter().next().unwrap();
    let doc = program_openapi(&program, &common::ctx(&program));
    let ix = &program.instructions[0];
    let schema = &doc["paths"][format!("/api/proj123/instructions/{}/build", ix.name)]["post"]
        ["responses"]["200"]["content"]["application/json"]["schema"];
    let validator = compile(&standalone(&doc, schema), "build answer");
    let good = build_answer();
    let problems = errors(&validator, &good);
    assert!(problems.is_empty(), "{problems:?}");
    let mut string_message = good.clone();
    string_message["message"] = json!("AQ==");
    let mut string_data = good.clone();
    string_data["instruction"]["data"] = json!("01");
    let mut no_signers = good.clone();
    no_signers
        .as_object_mut()
        .unwrap()
        .remove("signersRequired");
    let mut no_fee = good;
    no_fee.as_object_mut().unwrap().remove("fee");
    for (what, body) in [
        ("message as a string", string_message),
        ("data as a string", string_data),
        ("no signersRequired", no_signers),
        ("no fee", no_fee),
    ] {
        assert!(!validator.is_valid(&body), "{what} accepted");
    }
}

#[test]
fn instruction_requests_take_nested_groups_and_null_optionals() {
    let corpus = common::corpus();
    let mut checked = 0;
    for (file, program) in &corpus {
        let doc = program_openapi(program, &common::ctx(program));
        for ix in &program.instructions {
            let Some(group) = ix.accounts.iter().find_map(|item| match item {
                orquestra_idl::AccountItem::Group { name, accounts, .. } => Some((name, accounts)),
                orquestra_idl::AccountItem::Single(_) => None,
            }) else {
                continue;
            };
            let (group_name, members) = group;
            let Some(member) = members.iter().find_map(|m| match m {
                orquestra_idl::AccountItem::Single(a) => Some(a),
                orquestra_idl::AccountItem::Group { .. } => None,
            }) else {
                continue;
            };
            let media = &doc["paths"][format!("/api/proj123/instructions/{}/data", ix.name)]
                ["post"]["requestBody"]["content"]["application/json"];
            let validator = compile(&standalone(&doc, &media["schema"]), file);
            let mut nested = media["example"].clone();
            let dotted = format!("{group_name}.{}", member.name);
            let address = nested["accounts"]
                .as_object_mut()
                .unwrap()
                .remove(&dotted)
                .unwrap_or_else(|| json!("11111111111111111111111111111111"));
            nested["accounts"][group_name.as_str()] = json!({ member.name.clone(): address });
            let problems = errors(&validator, &nested);
            assert!(problems.is_empty(), "{file} {}: {problems:?}", ix.name);
            let mut unknown_member = nested.clone();
            unknown_member["accounts"][group_name.as_str()]["not_a_member"] =
                json!("11111111111111111111111111111111");
            assert!(!validator.is_valid(&unknown_member), "{file} {}", ix.name);
            checked += 1;
        }
    }
    assert!(checked > 0, "no corpus instruction has an account group");

    let mut optional_checked = 0;
    for (file, program) in &corpus {
        let doc = program_openapi(program, &common::ctx(program));
        for ix in &program.instructions {
            let Some(optional) = ix.accounts.iter().find_map(|item| match item {
                orquestra_idl::AccountItem::Single(a) if a.optional => Some(a),
                _ => None,
            }) else {
                continue;
            };
            let media = &doc["paths"][format!("/api/proj123/instructions/{}/build", ix.name)]
                ["post"]["requestBody"]["content"]["application/json"];
            let validator = compile(&standalone(&doc, &media["schema"]), file);
            let mut v = media["example"].clone();
            v["accounts"][&optional.name] = Value::Null;
            let problems = errors(&validator, &v);
            assert!(problems.is_empty(), "{file} {}: {problems:?}", ix.name);
            optional_checked += 1;
        }
    }
    assert!(
        optional_checked > 0,
        "no corpus instruction has an optional account"
    );
}
