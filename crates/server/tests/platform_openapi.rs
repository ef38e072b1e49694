#![allow(clippy::unwrap_used, clippy::expect_used)]
//! `GET /openapi.json`: the platform API's OpenAPI 3.1 document is valid against the OpenAPI 3.1
//! JSON Schema and lists every route the server serves — no more, no fewer.

mod common;

use std::collections::BTreeSet;
use std::path::PathBuf;

use common::As;
use serde_json::Value;

/// Every (method, path) the router serves, as registered. A new route must be added here, and
/// documented, or this test fails.
const ROUTES: &[(&str, &str)] = &[
    ("get", "/health"),
    ("get", "/health/ping"),
    ("get", "/openapi.json"),
    // auth
    ("get", "/auth/github"),
    ("get", "/auth/github/callback"),
    ("post", "/auth/github/callback"),
    ("get", "/auth/me"),
    ("post", "/auth/logout"),
    // projects
    ("get", "/api/projects"),
    ("post", "/api/projects"),
    ("get", "/api/projects/mine"),
    ("get", "/api/projects/by-program/{program_id}"),
    ("get", "/api/projects/{id}"),
    ("put", "/api/projects/{id}"),
    ("delete", "/api/projects/{id}"),
    ("get", "/api/stats"),
    // socials
    ("get", "/api/projects/{id}/socials"),
    ("put", "/api/projects/{id}/socials"),
    // keys
    ("get", "/api/projects/{id}/keys"),
    ("post", "/api/projects/{id}/keys"),
    ("delete", "/api/projects/{id}/keys/{key_id}"),
    ("post", "/api/projects/{id}/keys/{key_id}/rotate"),
    // addresses
    ("get", "/api/{project_id}/addresses"),
    ("post", "/api/{project_id}/addresses"),
    ("put", "/api/{project_id}/addresses/{address_id}"),
    ("delete", "/api/{project_id}/addresses/{address_id}"),
    // idl
    ("post", "/api/idl/upload"),
    ("put", "/api/idl/{project_id}"),
    ("get", "/api/idl/{project_id}"),
    ("delete", "/api/idl/{project_id}"),
    ("get", "/api/idl/{project_id}/versions"),
    ("post", "/api/ingest/idl"),
    // program
    ("get", "/api/{project_id}/instructions"),
    ("get", "/api/{project_id}/instructions/{name}"),
    ("get", "/api/{project_id}/accounts"),
    ("get", "/api/{project_id}/types"),
    ("get", "/api/{project_id}/errors"),
    ("get", "/api/{project_id}/events"),
    ("get", "/api/{project_id}/constants"),
    ("get", "/api/{project_id}/idl"),
    ("get", "/api/{project_id}/openapi.json"),
    // docs
    ("get", "/api/{project_id}/docs"),
    ("put", "/api/{project_id}/docs"),
    ("delete", "/api/{project_id}/docs"),
    ("get", "/project/{project_id}/llms.txt"),
    // discovery
    ("get", "/api/discovery/sitemap"),
    // PDAs
    ("get", "/api/{project_id}/pda"),
    ("post", "/api/{project_id}/pda/derive"),
    // transactions
    ("post", "/api/{project_id}/instructions/{name}/build"),
    ("post", "/api/{project_id}/instructions/{name}/accounts"),
    ("post", "/api/{project_id}/instructions/{name}/data"),
    ("post", "/api/transactions/decode"),
    ("post", "/api/transactions/simulate"),
    ("post", "/api/tx/simulate"),
    // on-chain accounts
    ("get", "/api/{project_id}/pda/fetch/{address}"),
    ("post", "/api/{project_id}/program-accounts/query"),
    ("post", "/api/{project_id}/accounts/decode"),
    // program lists
    ("get", "/api/lists"),
    ("post", "/api/lists"),
    ("put", "/api/lists/{list_id}"),
    ("delete", "/api/lists/{list_id}"),
    ("get", "/api/lists/{list_id}/items"),
    ("post", "/api/lists/{list_id}/items"),
    ("post", "/api/lists/default/items"),
    ("delete", "/api/lists/{list_id}/items/{project_id}"),
    ("post", "/api/lists/{list_id}/scope-key"),
];

const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];
const SCHEMES: &[&str] = &["bearerAuth", "apiKeyAuth", "ingestKeyAuth"];

fn oas_schema() -> Value {
    serde_json::from_str(
        &std::fs::read_to_string(
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../../testdata/openapi/oas-3.1-schema.json"),
        )
        .unwrap(),
    )
    .unwrap()
}

fn operations(doc: &Value) -> Vec<(String, String, &Value)> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths").iter() {
        for (method, op) in item.as_object().unwrap() {
            if METHODS.contains(&method.as_str()) {
                out.push((method.clone(), path.clone(), op));
            }
        }
    }
    out
}

/// Follows a local `$ref` (`#/components/...`).
fn resolve<'a>(doc: &'a Value, value: &'a Value) -> &'a Value {
    match value.get("$ref").and_then(Value::as_str) {
        Some(r) => doc
            .pointer(r.strip_prefix('#').unwrap())
            .unwrap_or_else(|| panic!("dangling $ref {r}")),
        None => value,
    }
}

/// Every `$ref` in `value`.
fn refs<'a>(value: &'a Value, out: &mut Vec<&'a str>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                match (key.as_str(), v) {
                    ("$ref", Value::String(r)) => out.push(r),
                    _ => refs(v, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

async fn fetch(server: &common::TestServer) -> Value {
    let response = server
        .http
        .get(format!("{}/openapi.json", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let content_type = response.headers()["content-type"].to_str().unwrap();
    assert!(
        content_type.starts_with("application/json"),
        "{content_type}"
    );
    assert!(response.headers().contains_key("etag"));
    response.json().await.unwrap()
}

#[tokio::test]
async fn platform_document_is_valid_openapi_3_1() {
    let server = common::start().await;
    let doc = fetch(&server).await;

    let version = doc["openapi"].as_str().unwrap();
    assert!(version.starts_with("3.1."), "openapi = {version}");

    let validator = jsonschema::validator_for(&oas_schema()).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&doc)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .take(10)
        .collect();
    assert!(errors.is_empty(), "not valid OpenAPI 3.1: {errors:#?}");

    // The JSON Schema does not follow references: every one must land in the document.
    let mut all = Vec::new();
    refs(&doc, &mut all);
    assert!(all.len() > 100, "{} refs", all.len());
    for r in all {
        let pointer = r
            .strip_prefix('#')
            .unwrap_or_else(|| panic!("non-local $ref {r}"));
        assert!(doc.pointer(pointer).is_some(), "dangling $ref {r}");
    }

    assert_eq!(doc["info"]["title"], "Orquestra API");
    assert_eq!(doc["info"]["version"], env!("CARGO_PKG_VERSION"));
    assert!(doc["info"]["description"]
        .as_str()
        .is_some_and(|d| !d.is_empty()));
    assert_eq!(doc["servers"][0]["url"], server.base.as_str());

    let schemes = &doc["components"]["securitySchemes"];
    assert_eq!(schemes["bearerAuth"]["type"], "http");
    assert_eq!(schemes["bearerAuth"]["scheme"], "bearer");
    assert_eq!(schemes["bearerAuth"]["bearerFormat"], "JWT");
    for (name, header) in [
        ("apiKeyAuth", "X-API-Key"),
        ("ingestKeyAuth", "X-Ingest-Key"),
    ] {
        assert_eq!(schemes[name]["type"], "apiKey", "{name}");
        assert_eq!(schemes[name]["in"], "header", "{name}");
        assert_eq!(schemes[name]["name"], header, "{name}");
    }

    // The one error shape of DESIGN §5.
    let error_body = &doc["components"]["schemas"]["ErrorBody"];
    assert_eq!(error_body["required"], serde_json::json!(["error"]));
    let error = resolve(&doc, &error_body["properties"]["error"]);
    let required: BTreeSet<&str> = error["required"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(required, BTreeSet::from(["code", "message"]));
    // `code` is the closed set of wire codes, each one a string a client can match on.
    let code = resolve(&doc, &error["properties"]["code"]);
    let codes: BTreeSet<&str> = code["enum"]
        .as_array()
        .unwrap_or_else(|| panic!("code is not an enum: {code}"))
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let wire: BTreeSet<&str> = orquestra_api::ErrorCode::ALL
        .iter()
        .map(|c| c.as_str())
        .collect();
    assert_eq!(codes, wire);
    let details = &error["properties"]["details"];
    let detail = resolve(&doc, &details["items"]);
    assert!(detail["properties"]["path"].is_object(), "{detail}");
    assert!(detail["properties"]["message"].is_object(), "{detail}");
}

#[tokio::test]
async fn platform_document_lists_every_route_and_only_those() {
    let server = common::start().await;
    let doc = fetch(&server).await;

    let expected: BTreeSet<(String, String)> = ROUTES
        .iter()
        .map(|(m, p)| (m.to_string(), p.to_string()))
        .collect();
    assert_eq!(expected.len(), ROUTES.len(), "duplicate in ROUTES");
    let documented: BTreeSet<(String, String)> = operations(&doc)
        .into_iter()
        .map(|(m, p, _)| (m, p))
        .collect();
    let missing: Vec<_> = expected.difference(&documented).collect();
    let extra: Vec<_> = documented.difference(&expected).collect();
    assert!(missing.is_empty(), "served but not documented: {missing:?}");
    assert!(extra.is_empty(), "documented but not in ROUTES: {extra:?}");

    // The list is what the router serves: each route answers (anonymously, with placeholder
    // parameters) with something other than the fallback's "no route" or a 405.
    for (method, path) in ROUTES {
        let concrete = path
            .split('/')
            .map(|s| if s.starts_with('{') { "x" } else { s })
            .collect::<Vec<_>>()
            .join("/");
        let (status, body) = server
            .send(&As::Anonymous, &method.to_uppercase(), &concrete, None)
            .await;
        let fallback = body["error"]["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("no route for"));
        assert!(
            status != 405 && !fallback,
            "{method} {path} is not served: {status} {body}"
        );
    }
    // And the fallback really does look like that.
    let (status, body) = server
        .send(&As::Anonymous, "GET", "/api/no/such/route/here", None)
        .await;
    assert_eq!(status, 404);
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .starts_with("no route for"));
}

#[tokio::test]
async fn every_operation_is_described() {
    let server = common::start().await;
    let doc = fetch(&server).await;
    let mut operation_ids = BTreeSet::new();
    for (method, path, op) in operations(&doc) {
        let at = format!("{method} {path}");
        assert!(
            operation_ids.insert(op["operationId"].as_str().unwrap().to_string()),
            "{at}: duplicate operationId"
        );
        let tags = op["tags"].as_array().unwrap();
        assert_eq!(tags.len(), 1, "{at}: one tag");
        assert!(
            doc["tags"]
                .as_array()
                .unwrap()
                .iter()
                .any(|t| t["name"] == tags[0]),
            "{at}: tag {} not declared",
            tags[0]
        );

        // Path parameters: exactly the `{segments}` of the path.
        let in_path: BTreeSet<&str> = path
            .split('/')
            .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
            .collect();
        let declared: BTreeSet<&str> = op["parameters"]
            .as_array()
            .map(|ps| {
                ps.iter()
                    .filter(|p| p["in"] == "path")
                    .map(|p| p["name"].as_str().unwrap())
                    .collect()
            })
            .unwrap_or_default();
        assert_eq!(declared, in_path, "{at}: path parameters");

        // Responses: a documented success, and every 4xx is the shared error body (the HTML
        // pages of the browser sign-in callback excepted).
        let responses = op["responses"].as_object().unwrap();
        assert!(
            responses.keys().any(|s| s.starts_with('2') || s == "302"),
            "{at}: no success response"
        );
        for (status, response) in responses {
            assert!(
                response["description"]
                    .as_str()
                    .is_some_and(|d| !d.is_empty()),
                "{at} {status}: no description"
            );
            let json_error = response["content"]["application/json"]["schema"]["$ref"].as_str();
            if status.starts_with('4') && !response["content"]["text/html"].is_object() {
                assert_eq!(
                    json_error,
                    Some("#/components/schemas/ErrorBody"),
                    "{at} {status}: not the shared error body"
                );
            }
        }

        // Security requirements name declared schemes only.
        if let Some(requirements) = op["security"].as_array() {
            for requirement in requirements {
                for name in requirement.as_object().unwrap().keys() {
                    assert!(SCHEMES.contains(&name.as_str()), "{at}: scheme {name}");
                }
            }
        }
    }

    // Spot checks of the security each kind of route declares.
    let security = |method: &str, path: &str| -> Vec<String> {
        doc["paths"][path][method]["security"]
            .as_array()
            .map(|rs| {
                rs.iter()
                    .map(|r| {
                        r.as_object()
                            .unwrap()
                            .keys()
                            .next()
                            .cloned()
                            .unwrap_or_default()
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    assert_eq!(security("get", "/health"), Vec::<String>::new());
    assert_eq!(security("get", "/auth/me"), vec!["bearerAuth"]);
    assert_eq!(security("post", "/api/projects"), vec!["bearerAuth"]);
    assert_eq!(
        security("get", "/api/{project_id}/instructions"),
        vec!["", "bearerAuth", "apiKeyAuth"],
        "optional auth: anonymous, session or key"
    );
    assert_eq!(
        security("put", "/api/idl/{project_id}"),
        vec!["bearerAuth", "apiKeyAuth"]
    );
    assert_eq!(security("post", "/api/ingest/idl"), vec!["ingestKeyAuth"]);

    // Request bodies: typed schemas, with the wire (serde-renamed) field names.
    let body_schema = |method: &str, path: &str, content_type: &str| -> Value {
        resolve(
            &doc,
            &doc["paths"][path][method]["requestBody"]["content"][content_type]["schema"],
        )
        .clone()
    };
    let create = body_schema("post", "/api/projects", "application/json");
    assert!(create["properties"]["programId"].is_object(), "{create}");
    assert!(create["properties"]["isPublic"].is_object(), "{create}");
    assert!(create["properties"].get("program_id").is_none(), "{create}");
    for content_type in ["application/json", "multipart/form-data"] {
        let upload = body_schema("post", "/api/idl/upload", content_type);
        for field in [
            "name",
            "programId",
            "idl",
            "cpiMd",
            "isPublic",
            "description",
        ] {
            assert!(
                upload["properties"][field].is_object(),
                "{content_type}: {upload}"
            );
        }
    }
    let delete = body_schema("delete", "/api/idl/{project_id}", "application/json");
    assert!(delete["properties"]["confirmName"].is_object(), "{delete}");
    // The body of `POST /api/projects/{id}/keys` is optional (and never `null`).
    let key_body = &doc["paths"]["/api/projects/{id}/keys"]["post"]["requestBody"];
    assert_ne!(key_body["required"], true, "{key_body}");
    let key = body_schema("post", "/api/projects/{id}/keys", "application/json");
    assert!(key["properties"]["expiresInDays"].is_object(), "{key}");
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
    let root = serde_json::json!({
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
    let doc = fetch(&server).await;
    let (_, alice) = server.user(1).await;
    let checked = std::cell::RefCell::new(BTreeSet::new());
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
    call(&alice, "get", "/auth/me", "/auth/me", None).await;
    call(&As::Anonymous, "get", "/auth/me", "/auth/me", None).await;
    call(&As::Anonymous, "get", "/api/stats", "/api/stats", None).await;

    // Projects: create, read, update, list, by program.
    let created = call(
        &alice,
        "post",
        "/api/projects",
        "/api/projects",
        Some(
            serde_json::json!({"name": "Demo", "programId": common::PROGRAM_B, "description": "d"}),
        ),
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
        Some(serde_json::json!({"name": ""})),
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
    let socials = serde_json::json!({"github": "https://github.com/x"});
    call(
        &alice,
        "put",
        "/api/projects/{id}",
        &project,
        Some(serde_json::json!({"description": null, "socials": socials})),
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
        Some(serde_json::json!({"website": "https://x.example"})),
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
        Some(serde_json::json!({"expiresInDays": 30})),
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
        Some(serde_json::json!({"label": "Treasury", "address": common::PROGRAM_A})),
    )
    .await;
    let address = format!("{addresses}/{}", added["address"]["id"].as_str().unwrap());
    call(
        &alice,
        "put",
        "/api/{project_id}/addresses/{address_id}",
        &address,
        Some(serde_json::json!({"description": "main"})),
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
    fields.push(serde_json::json!({"name": "padding", "type": "u8"}));
    fields.push(serde_json::json!({"name": "padding", "type": "u8"}));
    let uploaded = call(
        &alice,
        "post",
        "/api/idl/upload",
        "/api/idl/upload",
        Some(serde_json::json!({"name": "Pump", "programId": program_id, "idl": idl})),
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
        Some(serde_json::json!({"idl": pump()})),
    )
    .await;
    call(
        &alice,
        "put",
        "/api/idl/{project_id}",
        &idl_path,
        Some(serde_json::json!({"idl": pump()})),
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
    for _ in 0..2 {
        let (status, body) =
            ingest(serde_json::json!({"programId": program_id, "idl": pump()})).await;
        assert_documented(&doc, "post", "/api/ingest/idl", status, &body);
        checked
            .borrow_mut()
            .insert(("post".into(), "/api/ingest/idl".into(), status));
    }

    // Lists: create, update, items, default list, scope key, removal.
    let list = call(
        &alice,
        "post",
        "/api/lists",
        "/api/lists",
        Some(serde_json::json!({"name": "DeFi"})),
    )
    .await;
    let list_path = format!("/api/lists/{}", list["list"]["id"].as_str().unwrap());
    call(
        &alice,
        "put",
        "/api/lists/{list_id}",
        &list_path,
        Some(serde_json::json!({"description": "mine"})),
    )
    .await;
    let items = format!("{list_path}/items");
    call(
        &alice,
        "post",
        "/api/lists/{list_id}/items",
        &items,
        Some(serde_json::json!({"projectId": pump_id})),
    )
    .await;
    call(
        &alice,
        "post",
        "/api/lists/{list_id}/items",
        &items,
        Some(serde_json::json!({"projectId": pump_id})),
    )
    .await;
    call(&alice, "get", "/api/lists/{list_id}/items", &items, None).await;
    call(&alice, "get", "/api/lists", "/api/lists", None).await;
    call(
        &alice,
        "post",
        "/api/lists/default/items",
        "/api/lists/default/items",
        Some(serde_json::json!({"projectId": id})),
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
        Some(serde_json::json!({"confirmName": "Pump"})),
    )
    .await;
    call(&alice, "delete", "/api/projects/{id}", &project, None).await;
    call(&alice, "post", "/auth/logout", "/auth/logout", None).await;
    call(&alice, "get", "/auth/me", "/auth/me", None).await;

    // Every platform route was exercised with at least its success status.
    let platform_routes = ROUTES.iter().filter(|(_, path)| {
        [
            "/health",
            "/auth/me",
            "/auth/logout",
            "/api/projects",
            "/api/stats",
            "/api/idl",
            "/api/ingest",
            "/api/lists",
        ]
        .iter()
        .any(|prefix| path.starts_with(prefix))
            || path.ends_with("/addresses")
            || path.ends_with("/addresses/{address_id}")
    });
    for (method, path) in platform_routes.filter(|(_, p)| *p != "/health/ping") {
        assert!(
            checked
                .borrow()
                .iter()
                .any(|(m, p, s)| m == method && p == path && (200..300).contains(s)),
            "{method} {path}: no success response checked"
        );
    }
}
