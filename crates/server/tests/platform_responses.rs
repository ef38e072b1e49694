#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Every platform route (health, sign-in, projects, socials, keys, addresses, IDL intake, lists),
//! called as a client would, answers exactly what `GET /openapi.json` declares for that route and
//! status: the schema validates (formats included, so times must be RFC 3339) and no field is
//! left out of the document.

mod common;

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::path::PathBuf;

use common::As;
use serde_json::{json, Value};

/// The tags of the platform routes this test drives.
const PLATFORM_TAGS: &[&str] = &[
    "health",
    "auth",
    "projects",
    "socials",
    "keys",
    "addresses",
    "idl",
    "lists",
];

/// Follows a local `$ref` (`#/components/...`).
fn resolve<'a>(doc: &'a Value, value: &'a Value) -> &'a Value {
    match value.get("$ref").and_then(Value::as_str) {
        Some(r) => doc
            .pointer(r.strip_prefix('#').unwrap())
            .unwrap_or_else(|| panic!("dangling $ref {r}")),
        None => value,
    }
}

/// A validator for the JSON body the document declares for `method path` answering `status`.
/// Panics when there is none: every JSON response must be documented.
fn response_validator(doc: &Value, method: &str, path: &str, status: u16) -> jsonschema::Validator {
    let at = format!("{method} {path} {status}");
    let response = doc["paths"][path][method]["responses"][status.to_string()].clone();
    let response = resolve(doc, &response);
    let schema = &response["content"]["application/json"]["schema"];
    assert!(schema.is_object(), "{at}: no JSON schema documented");
    // The route's schema, with the document's components beside it so `#/components/…` resolves.
    let root = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "allOf": [schema],
        "components": doc["components"],
    });
    jsonschema::options()
        .should_validate_formats(true)
        .build(&root)
        .unwrap_or_else(|e| panic!("{at}: {e}"))
}

/// The properties a schema declares for an object, following `$ref`, `allOf` and `oneOf`/`anyOf`
/// (`None`: a free-form object, anything goes).
fn declared_properties<'a>(doc: &'a Value, schema: &'a Value) -> Option<BTreeSet<&'a str>> {
    let schema = resolve(doc, schema);
    let mut names: Option<BTreeSet<&str>> = schema["properties"]
        .as_object()
        .map(|p| p.keys().map(String::as_str).collect());
    for part in ["allOf", "oneOf", "anyOf"]
        .iter()
        .filter_map(|k| schema[*k].as_array())
        .flatten()
    {
        if let Some(more) = declared_properties(doc, part) {
            names.get_or_insert_with(BTreeSet::new).extend(more);
        }
    }
    names
}

/// The schema of `name` in an object schema, following `$ref`, `allOf` and `oneOf`/`anyOf`.
fn property_schema<'a>(doc: &'a Value, schema: &'a Value, name: &str) -> Option<&'a Value> {
    let schema = resolve(doc, schema);
    if let Some(found) = schema["properties"].get(name) {
        return Some(found);
    }
    ["allOf", "oneOf", "anyOf"]
        .iter()
        .filter_map(|k| schema[*k].as_array())
        .flatten()
        .find_map(|part| property_schema(doc, part, name))
}

/// The schema an array's items follow, through `$ref` and a nullable `oneOf`.
fn items_schema<'a>(doc: &'a Value, schema: &'a Value) -> Option<&'a Value> {
    let schema = resolve(doc, schema);
    schema.get("items").or_else(|| {
        schema["oneOf"]
            .as_array()
            .into_iter()
            .flatten()
            .find_map(|part| items_schema(doc, part))
    })
}

/// Every field of `body` is declared by `schema` (a schema only rejects missing fields, so a
/// field the types leave out of the document would otherwise go unnoticed).
fn assert_no_undeclared_fields(doc: &Value, schema: &Value, body: &Value, at: &str) {
    match body {
        Value::Object(map) => {
            let Some(declared) = declared_properties(doc, schema) else {
                return;
            };
            for (key, value) in map {
                assert!(
                    declared.contains(key.as_str()),
                    "{at}: field `{key}` is not in the document"
                );
                if let Some(inner) = property_schema(doc, schema, key) {
                    assert_no_undeclared_fields(doc, inner, value, &format!("{at}/{key}"));
                }
            }
        }
        Value::Array(items) => {
            if let Some(inner) = items_schema(doc, schema) {
                for (i, item) in items.iter().enumerate() {
                    assert_no_undeclared_fields(doc, inner, item, &format!("{at}/{i}"));
                }
            }
        }
        _ => {}
    }
}

/// `body`, answered by `method path` with `status`, is what the document says, field for field.
fn assert_documented(doc: &Value, method: &str, path: &str, status: u16, body: &Value) {
    let at = format!("{method} {path} {status}");
    let validator = response_validator(doc, method, path, status);
    let errors: Vec<String> = validator
        .iter_errors(body)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .take(5)
        .collect();
    assert!(errors.is_empty(), "{at}: {errors:#?}\n{body}");
    let schema = &resolve(
        doc,
        &doc["paths"][path][method]["responses"][status.to_string()],
    )["content"]["application/json"]["schema"];
    assert_no_undeclared_fields(doc, schema, body, &at);
}

fn pump() -> Value {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../testdata/idls/anchor/pump.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

const INGEST_KEY: &str = "ingest-secret-ingest-secret";

/// Every platform route, called as a client would, answers exactly what the document declares for
/// that route and status: the schema validates (formats included: times are RFC 3339) and no
/// field is left undocumented.
#[tokio::test]
async fn platform_responses_match_the_document() {
    let server = common::start_with(|c| c.ingest_key = Some(INGEST_KEY.into())).await;
    let doc: Value = server
        .http
        .get(format!("{}/openapi.json", server.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let (_, alice) = server.user(1).await;
    let checked = RefCell::new(BTreeSet::new());
    let call = async |who: &As, method: &str, template: &str, path: &str, body: Option<Value>| {
        let (status, answer) = server.send(who, &method.to_uppercase(), path, body).await;
        assert!(status < 500, "{method} {path}: {status} {answer}");
        assert_documented(&doc, method, template, status, &answer);
        checked
            .borrow_mut()
            .insert((method.to_string(), template.to_string(), status));
        answer
    };

    call(&As::Anonymous, "get", "/health", "/health", None).await;
    call(&As::Anonymous, "get", "/ready", "/ready", None).await;

    // Sign-in as an API client: `state` and its cookie from `GET /auth/github`, then the code.
    let start = server
        .http
        .get(format!("{}/auth/github", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(start.status(), 302);
    let location = reqwest::Url::parse(start.headers()["location"].to_str().unwrap()).unwrap();
    let (_, oauth_state) = location.query_pairs().find(|(k, _)| k == "state").unwrap();
    let cookie = start.headers()["set-cookie"].to_str().unwrap();
    let cookie = cookie.split(';').next().unwrap().to_string();
    let signed_in = server
        .http
        .post(format!("{}/auth/github/callback", server.base))
        .header("cookie", cookie)
        .json(&json!({"code": "good", "state": oauth_state}))
        .send()
        .await
        .unwrap();
    let status = signed_in.status().as_u16();
    let session: Value = signed_in.json().await.unwrap();
    assert_documented(&doc, "post", "/auth/github/callback", status, &session);
    checked
        .borrow_mut()
        .insert(("post".into(), "/auth/github/callback".into(), status));
    let octocat = As::Bearer(session["token"].as_str().unwrap().to_string());
    call(&octocat, "get", "/auth/me", "/auth/me", None).await;
    call(&alice, "get", "/auth/me", "/auth/me", None).await;
    call(&As::Anonymous, "get", "/auth/me", "/auth/me", None).await;
    call(&As::Anonymous, "get", "/api/stats", "/api/stats", None).await;

    // Projects: create, read, update, list, by program.
    let created = call(
        &alice,
        "post",
        "/api/projects",
        "/api/projects",
        Some(json!({"name": "Demo", "programId": common::PROGRAM_B, "description": "d"})),
    )
    .await;
    let id = created["project"]["id"].as_str().unwrap().to_string();
    assert!(
        created["project"]["createdAt"]
            .as_str()
            .unwrap()
            .ends_with('Z'),
        "{created}"
    );
    call(
        &alice,
        "post",
        "/api/projects",
        "/api/projects",
        Some(json!({"name": ""})),
    )
    .await;
    let project = format!("/api/projects/{id}");
    call(&alice, "get", "/api/projects/{id}", &project, None).await;
    call(
        &As::Anonymous,
        "get",
        "/api/projects/{id}",
        "/api/projects/nope",
        None,
    )
    .await;
    let socials = json!({"github": "https://github.com/x"});
    call(
        &alice,
        "put",
        "/api/projects/{id}",
        &project,
        Some(json!({"description": null, "socials": socials})),
    )
    .await;
    call(
        &alice,
        "get",
        "/api/projects/mine",
        "/api/projects/mine",
        None,
    )
    .await;
    call(
        &As::Anonymous,
        "get",
        "/api/projects",
        "/api/projects?limit=5",
        None,
    )
    .await;
    call(
        &As::Anonymous,
        "get",
        "/api/projects",
        "/api/projects?q=Demo",
        None,
    )
    .await;
    let by_program = format!("/api/projects/by-program/{}", common::PROGRAM_B);
    call(
        &alice,
        "get",
        "/api/projects/by-program/{program_id}",
        &by_program,
        None,
    )
    .await;
    call(
        &As::Anonymous,
        "get",
        "/api/projects/by-program/{program_id}",
        "/api/projects/by-program/0OIl",
        None,
    )
    .await;

    // Socials.
    let socials_path = format!("{project}/socials");
    call(
        &alice,
        "put",
        "/api/projects/{id}/socials",
        &socials_path,
        Some(json!({"website": "https://x.example"})),
    )
    .await;
    call(
        &As::Anonymous,
        "get",
        "/api/projects/{id}/socials",
        &socials_path,
        None,
    )
    .await;

    // Keys: issue (with an expiry), list after use, rotate, revoke.
    let keys = format!("{project}/keys");
    let issued = call(
        &alice,
        "post",
        "/api/projects/{id}/keys",
        &keys,
        Some(json!({"expiresInDays": 30})),
    )
    .await;
    let key_id = issued["id"].as_str().unwrap().to_string();
    let key = As::Key(issued["key"].as_str().unwrap().to_string());
    call(&key, "get", "/api/projects/{id}", &project, None).await;
    let listed = call(&alice, "get", "/api/projects/{id}/keys", &keys, None).await;
    assert!(listed["keys"][0]["lastUsed"].is_string(), "{listed}");
    call(&key, "get", "/api/projects/{id}/keys", &keys, None).await;
    let rotate = format!("{keys}/{key_id}/rotate");
    let rotated = call(
        &alice,
        "post",
        "/api/projects/{id}/keys/{key_id}/rotate",
        &rotate,
        None,
    )
    .await;
    let revoke = format!("{keys}/{}", rotated["id"].as_str().unwrap());
    call(
        &alice,
        "delete",
        "/api/projects/{id}/keys/{key_id}",
        &revoke,
        None,
    )
    .await;

    // Known addresses.
    let addresses = format!("/api/{id}/addresses");
    let added = call(
        &alice,
        "post",
        "/api/{project_id}/addresses",
        &addresses,
        Some(json!({"label": "Treasury", "address": common::PROGRAM_A})),
    )
    .await;
    let address = format!("{addresses}/{}", added["address"]["id"].as_str().unwrap());
    call(
        &alice,
        "put",
        "/api/{project_id}/addresses/{address_id}",
        &address,
        Some(json!({"description": "main"})),
    )
    .await;
    call(
        &As::Anonymous,
        "get",
        "/api/{project_id}/addresses",
        &addresses,
        None,
    )
    .await;
    call(
        &alice,
        "delete",
        "/api/{project_id}/addresses/{address_id}",
        &address,
        None,
    )
    .await;

    // IDL: upload (with a defect kept as a warning), a new version, read, versions, ingest.
    let mut idl = pump();
    let program_id = idl["address"].as_str().unwrap().to_string();
    let curve = idl["types"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|t| t["name"] == "BondingCurve")
        .unwrap();
    let fields = curve["type"]["fields"].as_array_mut().unwrap();
    fields.push(json!({"name": "padding", "type": "u8"}));
    fields.push(json!({"name": "padding", "type": "u8"}));
    let uploaded = call(
        &alice,
        "post",
        "/api/idl/upload",
        "/api/idl/upload",
        Some(json!({"name": "Pump", "programId": program_id, "idl": idl})),
    )
    .await;
    assert!(
        !uploaded["idl"]["warnings"].as_array().unwrap().is_empty(),
        "{uploaded}"
    );
    let pump_id = uploaded["project"]["id"].as_str().unwrap().to_string();
    let idl_path = format!("/api/idl/{pump_id}");
    call(
        &alice,
        "put",
        "/api/idl/{project_id}",
        &idl_path,
        Some(json!({"idl": pump()})),
    )
    .await;
    call(
        &alice,
        "put",
        "/api/idl/{project_id}",
        &idl_path,
        Some(json!({"idl": pump()})),
    )
    .await;
    call(
        &As::Anonymous,
        "get",
        "/api/idl/{project_id}",
        &format!("{idl_path}?version=1"),
        None,
    )
    .await;
    call(
        &As::Anonymous,
        "get",
        "/api/idl/{project_id}/versions",
        &format!("{idl_path}/versions"),
        None,
    )
    .await;
    let ingest = |body: Value| {
        let request = server
            .http
            .post(format!("{}/api/ingest/idl", server.base))
            .header("x-ingest-key", INGEST_KEY)
            .json(&body);
        async move {
            let response = request.send().await.unwrap();
            (
                response.status().as_u16(),
                response.json::<Value>().await.unwrap(),
            )
        }
    };
    for expected in [201, 200] {
        let (status, body) = ingest(json!({"programId": program_id, "idl": pump()})).await;
        assert_eq!(status, expected, "{body}");
        assert_documented(&doc, "post", "/api/ingest/idl", status, &body);
        checked
            .borrow_mut()
            .insert(("post".into(), "/api/ingest/idl".into(), status));
        // Without a `name`, the project is named as the IDL names its program.
        let ingested = format!("/api/projects/{}", body["projectId"].as_str().unwrap());
        let shown = call(&As::Anonymous, "get", "/api/projects/{id}", &ingested, None).await;
        assert_eq!(shown["project"]["name"], pump()["metadata"]["name"]);
    }

    // Lists: create, update, items, default list, scope key, removal.
    let list = call(
        &alice,
        "post",
        "/api/lists",
        "/api/lists",
        Some(json!({"name": "DeFi"})),
    )
    .await;
    let list_path = format!("/api/lists/{}", list["list"]["id"].as_str().unwrap());
    call(
        &alice,
        "put",
        "/api/lists/{list_id}",
        &list_path,
        Some(json!({"description": "mine"})),
    )
    .await;
    let items = format!("{list_path}/items");
    call(
        &alice,
        "post",
        "/api/lists/{list_id}/items",
        &items,
        Some(json!({"projectId": pump_id})),
    )
    .await;
    call(
        &alice,
        "post",
        "/api/lists/{list_id}/items",
        &items,
        Some(json!({"projectId": pump_id})),
    )
    .await;
    call(&alice, "get", "/api/lists/{list_id}/items", &items, None).await;
    call(&alice, "get", "/api/lists", "/api/lists", None).await;
    call(
        &alice,
        "post",
        "/api/lists/default/items",
        "/api/lists/default/items",
        Some(json!({"projectId": id})),
    )
    .await;
    call(
        &alice,
        "post",
        "/api/lists/{list_id}/scope-key",
        &format!("{list_path}/scope-key"),
        None,
    )
    .await;
    call(
        &alice,
        "delete",
        "/api/lists/{list_id}/items/{project_id}",
        &format!("{items}/{pump_id}"),
        None,
    )
    .await;
    call(&alice, "delete", "/api/lists/{list_id}", &list_path, None).await;

    // Deletion, both ways.
    call(
        &alice,
        "delete",
        "/api/idl/{project_id}",
        &idl_path,
        Some(json!({"confirmName": "Pump"})),
    )
    .await;
    call(&alice, "delete", "/api/projects/{id}", &project, None).await;
    call(&alice, "post", "/auth/logout", "/auth/logout", None).await;
    call(&alice, "get", "/auth/me", "/auth/me", None).await;

    // Every JSON-answering operation of the platform tags was exercised with a success status.
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let tagged = op["tags"][0]
                .as_str()
                .is_some_and(|t| PLATFORM_TAGS.contains(&t));
            let answers_json = op["responses"].as_object().is_some_and(|responses| {
                responses.iter().any(|(status, r)| {
                    status.starts_with('2') && r["content"]["application/json"].is_object()
                })
            });
            if tagged && answers_json {
                assert!(
                    checked
                        .borrow()
                        .iter()
                        .any(|(m, p, s)| m == method && p == path && (200..300).contains(s)),
                    "{method} {path}: no success response checked"
                );
            }
        }
    }
}
