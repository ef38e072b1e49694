#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Every read view, as serialised, validates against the response schema the per-program OpenAPI
//! document declares for its route (draft 2020-12), for every corpus IDL, for an IDL with broken
//! items, and for an IDL whose type names collide with the service's own schema names.

mod common;

use common::{compile, standalone, to_json};
use orquestra_api::views::DocsView;
use orquestra_docs::{cpi_md, program_openapi, views, ProgramContext};
use orquestra_idl::{parse, ParseOptions, Program};
use serde_json::{json, Value};

/// The validator of the `200` JSON body of `GET {path}`; panics when the route has no schema.
fn response_validator(doc: &Value, path: &str) -> jsonschema::Validator {
    let schema =
        &doc["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"];
    assert!(schema.is_object(), "{path}: no response schema");
    compile(&standalone(doc, schema), path)
}

fn assert_valid(validator: &jsonschema::Validator, body: &Value, what: &str) {
    let problems: Vec<String> = validator
        .iter_errors(body)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(problems.is_empty(), "{what}: {problems:?}");
}

/// Checks every read view of `program` against `doc`; returns how many bodies were checked.
fn check_views(what: &str, program: &Program, ctx: &ProgramContext<'_>) -> usize {
    let doc = program_openapi(program, ctx);
    let base = format!("/api/{}", ctx.project_id);
    let lists = [
        ("instructions", to_json(&views::instructions(program, ctx))),
        ("accounts", to_json(&views::accounts(program, ctx))),
        ("types", to_json(&views::types(program, ctx))),
        ("errors", to_json(&views::errors(program, ctx))),
        ("events", to_json(&views::events(program, ctx))),
        ("constants", to_json(&views::constants(program, ctx))),
    ];
    let mut checked = 0;
    for (route, body) in &lists {
        let path = format!("{base}/{route}");
        assert_valid(
            &response_validator(&doc, &path),
            body,
            &format!("{what} {path}"),
        );
        checked += 1;
    }
    let detail = response_validator(&doc, &format!("{base}/instructions/{{name}}"));
    for ix in &program.instructions {
        let body = to_json(&views::instruction(program, ctx, &ix.name).unwrap());
        assert_valid(&detail, &body, &format!("{what} instruction {}", ix.name));
        checked += 1;
    }
    let docs = DocsView {
        project_id: ctx.project_id.into(),
        program_name: program.name.clone(),
        version: ctx.version,
        is_custom: false,
        docs: cpi_md(program, ctx),
    };
    assert_valid(
        &response_validator(&doc, &format!("{base}/docs")),
        &to_json(&docs),
        &format!("{what} docs"),
    );
    let idl = views::idl(program, ctx, true, serde_json::to_value(program).unwrap());
    assert_valid(
        &response_validator(&doc, &format!("{base}/idl")),
        &to_json(&idl),
        &format!("{what} idl"),
    );
    checked + 2
}

#[test]
fn every_corpus_view_matches_its_documented_schema() {
    let mut checked = 0;
    for (file, program) in common::corpus() {
        checked += check_views(&file, &program, &common::ctx(&program));
    }
    assert!(checked > 500, "{checked}");
}

/// pump with an account type with two fields called `padding`, an instruction argument naming
/// a type the file never defines, and an unreadable instruction.
fn damaged_pump() -> Program {
    let path = common::repo_root().join("testdata/idls/anchor/pump.json");
    let mut idl: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let types = idl["types"].as_array_mut().unwrap();
    let curve = types
        .iter_mut()
        .find(|t| t["name"] == "BondingCurve")
        .unwrap();
    let fields = curve["type"]["fields"].as_array_mut().unwrap();
    fields.push(json!({"name": "padding", "type": {"array": ["u8", 3]}}));
    fields.push(json!({"name": "padding", "type": "u8"}));
    idl["instructions"][0]["args"]
        .as_array_mut()
        .unwrap()
        .push(json!({"name": "extra", "type": {"defined": {"name": "NeverDefined"}}}));
    idl["instructions"][1]["args"] = json!([{"name": "x", "type": {"frobnicate": 1}}]);
    parse(&idl.to_string(), &ParseOptions::default()).unwrap()
}

#[test]
fn views_of_broken_items_match_their_schemas() {
    let program = damaged_pump();
    let ctx = common::ctx(&program);
    check_views("damaged pump", &program, &ctx);

    let list = to_json(&views::instructions(&program, &ctx));
    let entries = list["instructions"].as_array().unwrap();
    let unreadable: Vec<&Value> = entries
        .iter()
        .filter(|e| e["unusable"]["code"] == "unreadable_item")
        .collect();
    assert_eq!(unreadable.len(), 1, "{list}");
    assert_eq!(unreadable[0]["usable"], false);
    assert!(entries
        .iter()
        .any(|e| e["usable"] == false && e["unusable"]["code"] != "unreadable_item"));
    let idl = to_json(&views::idl(&program, &ctx, false, json!({})));
    assert!(idl["warnings"].as_array().unwrap().len() >= 3, "{idl}");
}

#[test]
fn the_schemas_reject_bodies_that_break_them() {
    let (_, program) = common::corpus().into_iter().next().unwrap();
    let ctx = common::ctx(&program);
    let doc = program_openapi(&program, &ctx);
    let list = response_validator(&doc, "/api/proj123/instructions");
    let good = to_json(&views::instructions(&program, &ctx));
    assert!(list.is_valid(&good));
    let mut no_name = good.clone();
    no_name.as_object_mut().unwrap().remove("programName");
    let mut bad_count = good.clone();
    bad_count["instructions"][0]["accountCount"] = json!("3");
    let mut bad_format = good.clone();
    bad_format["format"] = json!("anchor-0.29");
    let mut bad_signer = good.clone();
    bad_signer["instructions"][0]["accounts"][0]["signer"] = json!("maybe");
    let mut half_unreadable = good;
    half_unreadable["instructions"][0] = json!({"name": "x", "usable": false, "unusable": {"code": "invalid", "path": "", "message": ""}});
    for (what, body) in [
        ("no programName", no_name),
        ("string accountCount", bad_count),
        ("unknown format", bad_format),
        ("unknown signer role", bad_signer),
        ("unknown defect code", half_unreadable),
    ] {
        assert!(!list.is_valid(&body), "{what} accepted");
    }
}

#[test]
fn idl_types_named_like_service_schemas_do_not_collide() {
    let idl = json!({
        "address": "EBZDYx7599krFc4m2govwBdZcicr4GgepqC78m71nsHS",
        "metadata": {"name": "collide", "version": "0.1.0", "spec": "0.1.0"},
        "instructions": [{
            "name": "act",
            "discriminator": [1, 2, 3, 4, 5, 6, 7, 8],
            "accounts": [{"name": "payer", "writable": true, "signer": true}],
            "args": [
                {"name": "head", "type": {"defined": {"name": "ViewHead"}}},
                {"name": "body", "type": {"defined": {"name": "ErrorBody"}}}
            ]
        }],
        "types": [
            {"name": "ViewHead", "type": {"kind": "struct", "fields": [{"name": "x", "type": "u8"}]}},
            {"name": "ErrorBody", "type": {"kind": "enum", "variants": [{"name": "A"}]}},
            {"name": "InstructionsView", "type": {"kind": "struct", "fields": [{"name": "y", "type": "u64"}]}},
            {"name": "BuildRequest", "type": {"kind": "struct", "fields": [{"name": "z", "type": "u8"}]}},
            {"name": "act_build_input", "type": {"kind": "struct", "fields": [{"name": "w", "type": "u8"}]}}
        ]
    });
    let program = parse(&idl.to_string(), &ParseOptions::default()).unwrap();
    let ctx = common::ctx(&program);
    check_views("collide", &program, &ctx);
    let doc = program_openapi(&program, &ctx);
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    // The IDL's types keep their names; the service's schemas take others.
    assert!(schemas["ViewHead"]["properties"]["x"].is_object());
    assert!(schemas["ErrorBody"].to_string().contains("\"A\""));
    let error_ref = doc["paths"]["/api/proj123/instructions"]["get"]["responses"]["404"]["content"]
        ["application/json"]["schema"]["$ref"]
        .as_str()
        .unwrap();
    assert_ne!(error_ref, "#/components/schemas/ErrorBody");
    let error_key = error_ref.trim_start_matches("#/components/schemas/");
    assert!(schemas[error_key]["properties"]["error"].is_object());
    // The build request is the wire type and the instruction's own input, not the IDL's types.
    let body = &doc["paths"]["/api/proj123/instructions/act/build"]["post"]["requestBody"]
        ["content"]["application/json"]["schema"]["allOf"];
    let keys: Vec<&str> = body
        .as_array()
        .unwrap()
        .iter()
        .map(|part| {
            part["$ref"]
                .as_str()
                .unwrap()
                .trim_start_matches("#/components/schemas/")
        })
        .collect();
    assert!(
        !keys.contains(&"BuildRequest") && !keys.contains(&"act_build_input"),
        "{keys:?}"
    );
    assert!(schemas[keys[0]]["properties"]["computeUnitPrice"].is_object());
    assert!(schemas[keys[1]]["properties"]["args"]["properties"]["head"].is_object());
    assert!(schemas["BuildRequest"]["properties"]["z"].is_object());
    assert!(schemas["act_build_input"]["properties"]["w"].is_object());
}
