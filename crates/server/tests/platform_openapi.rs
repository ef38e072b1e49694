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
    ("get", "/ready"),
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
    ("post", "/api/idl/import"),
    ("post", "/api/{project_id}/verify"),
    ("get", "/api/{project_id}/verifications"),
    ("get", "/api/{project_id}/diff"),
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

    // The one error shape of every error response.
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

        // Every operation states its security, `[]` for public ones (Redocly's
        // `security-defined`: a missing list reads as a forgotten one).
        let requirements = op["security"]
            .as_array()
            .unwrap_or_else(|| panic!("{at}: no security stated"));
        // The rate limiter answers for every `/api/*` operation.
        if path.starts_with("/api/") {
            let limited = resolve(&doc, &op["responses"]["429"]);
            assert!(
                limited["headers"]["Retry-After"].is_object(),
                "{at}: no 429"
            );
        }
        // Security requirements name declared schemes only.
        for requirement in requirements {
            for name in requirement.as_object().unwrap().keys() {
                assert!(SCHEMES.contains(&name.as_str()), "{at}: scheme {name}");
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
    assert_eq!(security("get", "/ready"), Vec::<String>::new());
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
