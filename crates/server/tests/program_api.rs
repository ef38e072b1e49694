#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The program API end to end: every corpus IDL uploaded through the API, its generated endpoints,
//! docs, llms.txt and OpenAPI checked against the engine's own model, plus the version life cycle,
//! caching and visibility.

mod common;

use std::path::PathBuf;

use common::{start, start_with, start_with_rpc, As, TestServer};
use serde_json::{json, Value};

fn corpus() -> Vec<(String, String)> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../testdata/idls");
    let mut files = Vec::new();
    for dir in ["anchor", "anchor-legacy", "codama"] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "json") {
                let name = path.file_stem().unwrap().to_string_lossy().to_string();
                files.push((name, std::fs::read_to_string(&path).unwrap()));
            }
        }
    }
    files.sort();
    files
}

/// The IDL's own address, or a stand-in for legacy IDLs that carry none.
fn program_id_of(idl: &Value) -> String {
    idl.get("address")
        .or_else(|| idl.pointer("/metadata/address"))
        .or_else(|| idl.pointer("/program/publicKey"))
        .and_then(Value::as_str)
        .map(str::to_string)
        .unwrap_or_else(|| "BUYuxRfhCMWavaUWxhGtPP3ksKEDZxCD5gzknk3JfAya".to_string())
}

async fn upload(
    server: &TestServer,
    who: &As,
    name: &str,
    idl: &Value,
    public: bool,
) -> (u16, Value) {
    server
        .send(who, "POST", "/api/idl/upload", Some(json!({"name": name, "programId": program_id_of(idl), "isPublic": public, "idl": idl})))
        .await
}

/// Inlines `#/components/schemas/X` refs as `#/$defs/X` so a request schema validates standalone.
fn standalone(schema: &Value, components: &Value) -> Value {
    let text = schema
        .to_string()
        .replace("#/components/schemas/", "#/$defs/");
    let mut schema: Value = serde_json::from_str(&text).unwrap();
    let defs: Value = serde_json::from_str(
        &components
            .to_string()
            .replace("#/components/schemas/", "#/$defs/"),
    )
    .unwrap();
    if let Value::Object(map) = &mut schema {
        map.insert("$defs".into(), defs);
        map.insert(
            "$schema".into(),
            json!("https://json-schema.org/draft/2020-12/schema"),
        );
    }
    schema
}

/// The validator of the JSON body `openapi` declares for `method path` answering `status`;
/// panics when the document declares none (a route or status without a schema fails the test).
fn declared(openapi: &Value, method: &str, path: &str, status: u16) -> jsonschema::Validator {
    let pointer = format!(
        "/paths/{}/{method}/responses/{status}/content/application~1json/schema",
        path.replace('~', "~0").replace('/', "~1")
    );
    let schema = openapi
        .pointer(&pointer)
        .unwrap_or_else(|| panic!("no {status} schema for {method} {path}"));
    let components = openapi
        .pointer("/components/schemas")
        .cloned()
        .unwrap_or(json!({}));
    jsonschema::draft202012::new(&standalone(schema, &components)).unwrap()
}

/// Asserts `body` matches what `openapi` declares for `method path` answering `status`.
fn assert_declared(openapi: &Value, method: &str, path: &str, status: u16, body: &Value) {
    let errors: Vec<String> = declared(openapi, method, path, status)
        .iter_errors(body)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .take(3)
        .collect();
    assert!(
        errors.is_empty(),
        "{method} {path} {status}: {errors:?}\n{body}"
    );
}

#[tokio::test]
async fn every_corpus_idl_round_trips_through_the_api() {
    let server = start().await;
    let oas: Value = serde_json::from_str(
        &std::fs::read_to_string(
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../../testdata/openapi/oas-3.1-schema.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let oas_validator = jsonschema::validator_for(&oas).unwrap();
    let mut checked_examples = 0;
    // Twins in the corpus share a program id: each upload gets its own user (one project per
    // user and program).
    for (n, (name, text)) in corpus().into_iter().enumerate() {
        let (_, alice) = server.user(n as i64 + 1).await;
        let idl: Value = serde_json::from_str(&text).unwrap();
        let program_id = program_id_of(&idl);
        let model = orquestra_idl::parse(
            &text,
            &orquestra_idl::ParseOptions {
                program_id: Some(program_id.clone()),
                ..Default::default()
            },
        )
        .unwrap();
        let (status, created) = upload(&server, &alice, &name, &idl, true).await;
        assert_eq!(status, 201, "{name}: {created}");
        let id = created["project"]["id"].as_str().unwrap().to_string();
        assert_eq!(created["idl"]["version"], 1);
        assert_eq!(created["idl"]["instructionCount"], model.instructions.len());

        for (path, field, expected) in [
            ("instructions", "instructions", model.instructions.len()),
            ("accounts", "accounts", model.accounts.len()),
            ("types", "types", model.types.len()),
            ("errors", "errors", model.errors.len()),
            ("events", "events", model.events.len()),
        ] {
            let (status, view) = server
                .send(&As::Anonymous, "GET", &format!("/api/{id}/{path}"), None)
                .await;
            assert_eq!(status, 200, "{name} {path}: {view}");
            assert_eq!(
                view[field].as_array().map(Vec::len),
                Some(expected),
                "{name} {path}"
            );
            assert_eq!(view["version"], 1, "{name} {path} names its version");
            assert_eq!(
                view["programName"],
                model.name.as_str(),
                "{name} {path} names its program"
            );
        }
        let names_in = |view: &Value, field: &str| -> Vec<String> {
            view[field]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["name"].as_str().unwrap().to_string())
                .collect()
        };
        let (_, instructions) = server
            .send(
                &As::Anonymous,
                "GET",
                &format!("/api/{id}/instructions"),
                None,
            )
            .await;
        let expected: Vec<String> = model.instructions.iter().map(|i| i.name.clone()).collect();
        assert_eq!(names_in(&instructions, "instructions"), expected, "{name}");

        let docs = server
            .http
            .get(format!("{}/api/{id}/docs?format=md", server.base))
            .send()
            .await
            .unwrap();
        assert_eq!(docs.status(), 200);
        let docs = docs.text().await.unwrap();
        for ix in &model.instructions {
            assert!(
                docs.contains(&ix.name),
                "{name}: docs mention instruction {}",
                ix.name
            );
        }
        for account in &model.accounts {
            assert!(
                docs.contains(&account.name),
                "{name}: docs mention account {}",
                account.name
            );
        }
        let llms = server
            .http
            .get(format!("{}/project/{id}/llms.txt", server.base))
            .send()
            .await
            .unwrap();
        assert_eq!(llms.status(), 200, "{name}");
        assert!(
            llms.text().await.unwrap().starts_with("# "),
            "{name}: llms.txt starts with a title"
        );

        // The program's OpenAPI document is valid OpenAPI 3.1, and each build schema accepts the
        // example request the API itself publishes for that instruction.
        let (status, openapi) = server
            .send(
                &As::Anonymous,
                "GET",
                &format!("/api/{id}/openapi.json"),
                None,
            )
            .await;
        assert_eq!(status, 200);
        let errors: Vec<String> = oas_validator
            .iter_errors(&openapi)
            .map(|e| e.to_string())
            .take(3)
            .collect();
        assert!(
            errors.is_empty(),
            "{name}: OpenAPI 3.1 validation: {errors:?}"
        );
        let components = openapi
            .pointer("/components/schemas")
            .cloned()
            .unwrap_or(json!({}));
        // Every read route's live body validates against the schema the document gives it.
        let response_validator = |route: &str, status: u16| {
            declared(&openapi, "get", &format!("/api/{id}/{route}"), status)
        };
        for (route, query) in [
            ("instructions", ""),
            ("accounts", ""),
            ("types", ""),
            ("errors", ""),
            ("events", ""),
            ("constants", ""),
            ("docs", ""),
            ("idl", ""),
            ("idl", "?normalized=1"),
        ] {
            let (status, body) = server
                .send(
                    &As::Anonymous,
                    "GET",
                    &format!("/api/{id}/{route}{query}"),
                    None,
                )
                .await;
            assert_eq!(status, 200, "{name} {route}{query}: {body}");
            let errors: Vec<String> = response_validator(route, 200)
                .iter_errors(&body)
                .map(|e| format!("{} at {}", e, e.instance_path()))
                .take(3)
                .collect();
            assert!(errors.is_empty(), "{name} {route}{query}: {errors:?}");
        }
        let (status, missing) = server
            .send(
                &As::Anonymous,
                "GET",
                &format!("/api/{id}/instructions/no_such_ix_"),
                None,
            )
            .await;
        assert_eq!(status, 404);
        assert!(
            response_validator("instructions/{name}", 404).is_valid(&missing),
            "{name}: {missing}"
        );
        let detail_validator = response_validator("instructions/{name}", 200);
        for ix in &model.instructions {
            let (status, detail) = server
                .send(
                    &As::Anonymous,
                    "GET",
                    &format!("/api/{id}/instructions/{}", ix.name),
                    None,
                )
                .await;
            assert_eq!(status, 200, "{name}/{}", ix.name);
            let errors: Vec<String> = detail_validator
                .iter_errors(&detail)
                .map(|e| format!("{} at {}", e, e.instance_path()))
                .take(3)
                .collect();
            assert!(errors.is_empty(), "{name}/{}: {errors:?}", ix.name);
            let example = detail
                .pointer("/instruction/exampleRequest")
                .or_else(|| detail.get("exampleRequest"))
                .cloned()
                .unwrap();
            let path = format!("/api/{id}/instructions/{}/build", ix.name);
            let schema = openapi
                .pointer(&format!(
                    "/paths/{}/post/requestBody/content/application~1json/schema",
                    path.replace('~', "~0").replace('/', "~1")
                ))
                .unwrap_or_else(|| panic!("{name}: no build operation for {}", ix.name));
            let validator = jsonschema::validator_for(&standalone(schema, &components)).unwrap();
            let errors: Vec<String> = validator
                .iter_errors(&example)
                .map(|e| format!("{} at {}", e, e.instance_path()))
                .take(3)
                .collect();
            assert!(
                errors.is_empty(),
                "{name}/{}: example rejected by its own schema: {errors:?}\n{example}",
                ix.name
            );
            checked_examples += 1;
        }
    }
    // Every instruction of the corpus was checked.
    assert_eq!(checked_examples, 842, "checked {checked_examples} examples");
}

/// A server whose every cluster is a closed local port: routes that need the chain answer their
/// declared RPC error at once instead of reaching a real cluster.
async fn start_offline() -> TestServer {
    let mut rpc = orquestra_rpc::RpcConfig::default();
    for url in rpc.clusters.values_mut() {
        *url = "http://127.0.0.1:9/".parse().unwrap();
    }
    rpc.retries = 0;
    rpc.timeout = std::time::Duration::from_secs(2);
    start_with_rpc(|_| {}, rpc).await
}

#[tokio::test]
async fn transaction_pda_and_account_answers_match_the_program_document() {
    let server = start_offline().await;
    let blockhash = "GHtXQBsoZHVnNFa9YevAzFr17DJjgHXk3ycTKD5xD3Zi";
    let mut ok = std::collections::BTreeMap::<&str, usize>::new();
    for (n, (name, text)) in corpus().into_iter().enumerate() {
        let (_, alice) = server.user(n as i64 + 1).await;
        let idl: Value = serde_json::from_str(&text).unwrap();
        let program_id = program_id_of(&idl);
        let model = orquestra_idl::parse(
            &text,
            &orquestra_idl::ParseOptions {
                program_id: Some(program_id.clone()),
                ..Default::default()
            },
        )
        .unwrap();
        let (status, created) = upload(&server, &alice, &name, &idl, true).await;
        assert_eq!(status, 201, "{name}: {created}");
        let id = created["project"]["id"].as_str().unwrap().to_string();
        let (_, openapi) = server
            .send(
                &As::Anonymous,
                "GET",
                &format!("/api/{id}/openapi.json"),
                None,
            )
            .await;
        // `path` is sent; its document path is the same with `{address}` for the fetched address.
        let mut call =
            async |method: &str, path: String, body: Option<Value>, what: &'static str| {
                let (status, answer) = server.send(&As::Anonymous, method, &path, body).await;
                let method = method.to_ascii_lowercase();
                let documented = match path.split_once("/pda/fetch/") {
                    Some((base, _)) => format!("{base}/pda/fetch/{{address}}"),
                    None => path.clone(),
                };
                assert_declared(&openapi, &method, &documented, status, &answer);
                if status == 200 {
                    *ok.entry(what).or_default() += 1;
                }
                (status, answer)
            };

        // Build, data and accounts of every instruction with its published example.
        for ix in &model.instructions {
            let mut request = orquestra_docs::example_request(&model, ix);
            request["recentBlockhash"] = json!(blockhash);
            for (route, what) in [
                ("build", "build"),
                ("data", "data"),
                ("accounts", "accounts"),
            ] {
                let path = format!("/api/{id}/instructions/{}/{route}", ix.name);
                call("POST", path, Some(request.clone()), what).await;
            }
        }

        // Every PDA derived with its first user's example values.
        let (_, list) = call("GET", format!("/api/{id}/pda"), None, "pda list").await;
        for pda in list["pdaAccounts"].as_array().unwrap() {
            let body = match pda["usedBy"].get(0) {
                Some(user) => {
                    let ix = model
                        .find_instruction(user["instruction"].as_str().unwrap())
                        .unwrap();
                    let example = orquestra_docs::example_request(&model, ix);
                    let accounts: serde_json::Map<String, Value> = example["accounts"]
                        .as_object()
                        .unwrap()
                        .iter()
                        .filter(|(_, v)| v.is_string())
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect();
                    json!({"instruction": user["instruction"], "account": user["account"],
                        "args": example["args"], "accounts": accounts})
                }
                None => json!({"account": pda["name"]}),
            };
            call(
                "POST",
                format!("/api/{id}/pda/derive"),
                Some(body),
                "derive",
            )
            .await;
        }

        // Every account type's example value, encoded and decoded back.
        for account in &model.accounts {
            let value = orquestra_docs::example_value(&model, &account.ty);
            let Ok(bytes) = model.encode_account(&account.name, &value) else {
                continue;
            };
            let data = orquestra_tx::encoding::to_base64(&bytes);
            let body = json!({"data": data, "accountType": account.name});
            call(
                "POST",
                format!("/api/{id}/accounts/decode"),
                Some(body),
                "decode",
            )
            .await;
        }

        // The routes that read the chain answer their declared RPC error.
        let address = "So11111111111111111111111111111111111111112";
        let (status, _) = call(
            "GET",
            format!("/api/{id}/pda/fetch/{address}"),
            None,
            "fetch",
        )
        .await;
        assert_eq!(status, 502, "{name}: fetch without a reachable cluster");
        let query = json!({"dataSize": 8});
        let (status, _) = call(
            "POST",
            format!("/api/{id}/program-accounts/query"),
            Some(query),
            "query",
        )
        .await;
        assert_eq!(status, 502, "{name}: query without a reachable cluster");
    }
    // Most answers were successes, so the success schemas were exercised, not only the errors.
    for (what, at_least) in [
        ("build", 500),
        ("data", 500),
        ("accounts", 500),
        ("pda list", 37),
        ("derive", 100),
        ("decode", 100),
    ] {
        let got = ok.get(what).copied().unwrap_or(0);
        assert!(
            got >= at_least,
            "{what}: only {got} successful answers ({ok:?})"
        );
    }
}

#[tokio::test]
async fn versions_increment_identical_uploads_are_idempotent_and_bad_idls_store_nothing() {
    let server = start().await;
    let (_, alice) = server.user(1).await;
    let text = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../testdata/idls/anchor/anchor_relations.json"),
    )
    .unwrap();
    let idl: Value = serde_json::from_str(&text).unwrap();
    let (status, created) = upload(&server, &alice, "relations", &idl, true).await;
    assert_eq!(status, 201);
    let id = created["project"]["id"].as_str().unwrap().to_string();

    // Warm the caches, then change the IDL: the cached views follow.
    let (_, before) = server
        .send(
            &As::Anonymous,
            "GET",
            &format!("/api/{id}/instructions"),
            None,
        )
        .await;
    assert_eq!(before["version"], 1);
    let (status, same) = server
        .send(
            &alice,
            "PUT",
            &format!("/api/idl/{id}"),
            Some(json!({"idl": idl})),
        )
        .await;
    assert_eq!(
        (status, same["created"].as_bool(), same["version"].as_i64()),
        (200, Some(false), Some(1))
    );
    let mut changed = idl.clone();
    changed["instructions"][0]["docs"] = json!(["A new doc line"]);
    let (status, v2) = server
        .send(
            &alice,
            "PUT",
            &format!("/api/idl/{id}"),
            Some(json!({"idl": changed})),
        )
        .await;
    assert_eq!((status, v2["version"].as_i64()), (201, Some(2)), "{v2}");
    let (_, after) = server
        .send(
            &As::Anonymous,
            "GET",
            &format!("/api/{id}/instructions"),
            None,
        )
        .await;
    assert_eq!(after["version"], 2, "cache invalidated by the update");
    assert!(after.to_string().contains("A new doc line"));
    let (_, versions) = server
        .send(
            &As::Anonymous,
            "GET",
            &format!("/api/idl/{id}/versions"),
            None,
        )
        .await;
    let numbers: Vec<i64> = versions["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["version"].as_i64().unwrap())
        .collect();
    assert_eq!(numbers, [2, 1]);
    let (_, v1) = server
        .send(
            &As::Anonymous,
            "GET",
            &format!("/api/idl/{id}?version=1"),
            None,
        )
        .await;
    assert_eq!(v1["idl"], idl, "the IDL as uploaded");
    let (_, normalized) = server
        .send(
            &As::Anonymous,
            "GET",
            &format!("/api/{id}/idl?normalized=1"),
            None,
        )
        .await;
    assert_eq!(normalized["idl"]["format"], "anchor");

    // Bad IDLs under `strict`: nothing is stored, and the problems carry pointers into the IDL.
    let mut broken = idl.clone();
    broken["instructions"][0]["args"] =
        json!([{"name": "x", "type": {"defined": {"name": "Nope"}}}]);
    let (status, refused) = server
        .send(
            &alice,
            "PUT",
            &format!("/api/idl/{id}?strict=true"),
            Some(json!({"idl": broken})),
        )
        .await;
    assert_eq!(status, 422, "{refused}");
    assert_eq!(refused["error"]["code"], "invalid_idl");
    assert!(
        refused["error"]["details"][0]["path"]
            .as_str()
            .unwrap()
            .starts_with("/idl/instructions/0"),
        "{refused}"
    );
    let (status, _) = upload(&server, &alice, "garbage", &json!({"hello": "world"}), true).await;
    assert_eq!(status, 422);
    let mismatched = json!({"name": "m", "programId": "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA", "idl": idl});
    let (status, body) = server
        .send(&alice, "POST", "/api/idl/upload", Some(mismatched))
        .await;
    assert_eq!(
        (status, body["error"]["details"][0]["path"].as_str()),
        (422, Some("/programId"))
    );
    let stats = server.db.store.stats(0).await.unwrap();
    assert_eq!(
        (stats.projects, stats.idl_versions),
        (1, 2),
        "refused uploads left nothing behind"
    );

    // Custom docs win over the generated ones; resetting brings the generated ones back.
    let (status, _) = server
        .send(
            &alice,
            "PUT",
            &format!("/api/{id}/docs"),
            Some(json!({"docs": "# Hand-written"})),
        )
        .await;
    assert_eq!(status, 200);
    let (_, docs) = server
        .send(&As::Anonymous, "GET", &format!("/api/{id}/docs"), None)
        .await;
    assert_eq!(
        (docs["isCustom"].as_bool(), docs["docs"].as_str()),
        (Some(true), Some("# Hand-written"))
    );
    let llms = server
        .http
        .get(format!("{}/project/{id}/llms.txt", server.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(llms.contains("# Hand-written"));
    server
        .send(&alice, "DELETE", &format!("/api/{id}/docs"), None)
        .await;
    let (_, docs) = server
        .send(&As::Anonymous, "GET", &format!("/api/{id}/docs"), None)
        .await;
    assert_eq!(docs["isCustom"], false);

    // Deleting through the IDL route needs the project's name.
    let (status, _) = server
        .send(
            &alice,
            "DELETE",
            &format!("/api/idl/{id}"),
            Some(json!({"confirmName": "wrong"})),
        )
        .await;
    assert_eq!(status, 422);
    let (status, _) = server
        .send(
            &alice,
            "DELETE",
            &format!("/api/idl/{id}"),
            Some(json!({"confirmName": "relations"})),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        server
            .send(
                &As::Anonymous,
                "GET",
                &format!("/api/{id}/instructions"),
                None
            )
            .await
            .0,
        404
    );
}

#[tokio::test]
async fn a_private_projects_program_api_is_invisible_to_others() {
    let server = start().await;
    let (alice_user, alice) = server.user(1).await;
    let (_, bob) = server.user(2).await;
    let text = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../testdata/idls/codama/spl_token.json"),
    )
    .unwrap();
    let idl: Value = serde_json::from_str(&text).unwrap();
    let (status, created) = upload(&server, &alice, "token", &idl, false).await;
    assert_eq!(status, 201);
    let id = created["project"]["id"].as_str().unwrap().to_string();
    let paths = [
        format!("/api/{id}/instructions"),
        format!("/api/{id}/instructions/transfer"),
        format!("/api/{id}/accounts"),
        format!("/api/{id}/types"),
        format!("/api/{id}/errors"),
        format!("/api/{id}/events"),
        format!("/api/{id}/constants"),
        format!("/api/{id}/idl"),
        format!("/api/{id}/docs"),
        format!("/api/{id}/openapi.json"),
        format!("/api/idl/{id}"),
        format!("/api/idl/{id}/versions"),
        format!("/project/{id}/llms.txt"),
    ];
    // The owner warms every cache first: visibility must still be checked before any cache.
    for path in &paths {
        assert_eq!(
            server.send(&alice, "GET", path, None).await.0,
            200,
            "owner {path}"
        );
    }
    let project = server.db.store.get_project(&id).await.unwrap().unwrap();
    let key = server.key(&project).await;
    for path in &paths {
        assert_eq!(
            server.send(&As::Anonymous, "GET", path, None).await.0,
            404,
            "anonymous {path}"
        );
        assert_eq!(
            server.send(&bob, "GET", path, None).await.0,
            404,
            "bob {path}"
        );
        assert_eq!(
            server.send(&key, "GET", path, None).await.0,
            200,
            "key {path}"
        );
    }
    // A project key may publish versions; others may not.
    let mut changed = idl.clone();
    changed["program"]["docs"] = json!(["v2"]);
    assert_eq!(
        server
            .send(
                &bob,
                "PUT",
                &format!("/api/idl/{id}"),
                Some(json!({"idl": changed.clone()}))
            )
            .await
            .0,
        404
    );
    assert_eq!(
        server
            .send(
                &key,
                "PUT",
                &format!("/api/idl/{id}"),
                Some(json!({"idl": changed}))
            )
            .await
            .0,
        201
    );
    // Search and sitemap never list it.
    let (_, found) = server
        .send(&As::Anonymous, "GET", "/api/projects?q=token", None)
        .await;
    assert_eq!(found["total"], 0);
    let (_, sitemap) = server
        .send(&As::Anonymous, "GET", "/api/discovery/sitemap", None)
        .await;
    assert!(sitemap["entries"].as_array().unwrap().is_empty());
    // Made public, it appears in search by instruction name.
    server
        .send(
            &alice,
            "PUT",
            &format!("/api/projects/{id}"),
            Some(json!({"isPublic": true})),
        )
        .await;
    let (_, found) = server
        .send(
            &As::Anonymous,
            "GET",
            "/api/projects?q=transferChecked",
            None,
        )
        .await;
    assert_eq!(found["total"], 1, "{found}");
    assert_eq!(found["projects"][0]["userId"], alice_user.id.as_str());
    // Public, it is in the sitemap, dated in RFC 3339 like every other time of the API.
    let (_, sitemap) = server
        .send(&As::Anonymous, "GET", "/api/discovery/sitemap", None)
        .await;
    let entry = &sitemap["entries"][0];
    assert_eq!(entry["projectId"], id.as_str(), "{sitemap}");
    let lastmod = entry["lastmod"].as_str().unwrap_or_default();
    assert!(
        chrono::DateTime::parse_from_rfc3339(lastmod).is_ok(),
        "{sitemap}"
    );
    assert!(entry["llmsTxt"].as_str().unwrap().ends_with("/llms.txt"));
}

#[tokio::test]
async fn etags_multipart_uploads_limits_and_ingest() {
    let server = start_with(|c| c.ingest_key = Some("ingest-secret-ingest-secret".into())).await;
    let (_, alice) = server.user(1).await;
    let As::Bearer(token) = &alice else {
        unreachable!()
    };
    let text = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../testdata/idls/codama/spl_memo.json"),
    )
    .unwrap();
    let idl: Value = serde_json::from_str(&text).unwrap();
    let program_id = program_id_of(&idl);

    // Multipart: an IDL file and a CPI.md file.
    let form = reqwest::multipart::Form::new()
        .text("name", "Memo")
        .text("programId", program_id.clone())
        .part(
            "idl",
            reqwest::multipart::Part::text(text.clone()).file_name("idl.json"),
        )
        .part(
            "cpiMd",
            reqwest::multipart::Part::text("# My memo docs").file_name("CPI.md"),
        );
    let response = server
        .http
        .post(format!("{}/api/idl/upload", server.base))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let created: Value = response.json().await.unwrap();
    let id = created["project"]["id"].as_str().unwrap().to_string();
    let stored = server
        .db
        .store
        .latest_idl_version(&id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.cpi_md.as_deref(), Some("# My memo docs"));

    // ETag / If-None-Match on cached GETs.
    let url = format!("{}/api/{id}/instructions", server.base);
    let first = server.http.get(&url).send().await.unwrap();
    let etag = first.headers()["etag"].to_str().unwrap().to_string();
    let again = server
        .http
        .get(&url)
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);

    // Limits: an IDL over 10 MB and a CPI.md over 5 MB are 413.
    let mut huge = idl.clone();
    huge["docs"] = json!("x".repeat(10 * 1024 * 1024 + 1));
    let (status, body) = server
        .send(
            &alice,
            "PUT",
            &format!("/api/idl/{id}"),
            Some(json!({"idl": huge})),
        )
        .await;
    assert_eq!(
        (status, body["error"]["details"][0]["path"].as_str()),
        (413, Some("/idl"))
    );
    let (status, body) = server
        .send(
            &alice,
            "PUT",
            &format!("/api/idl/{id}"),
            Some(json!({"idl": idl, "cpiMd": "y".repeat(5 * 1024 * 1024 + 1)})),
        )
        .await;
    assert_eq!(
        (status, body["error"]["details"][0]["path"].as_str()),
        (413, Some("/cpiMd"))
    );

    // Ingest: key required, constant-time checked; creates once, then is idempotent.
    let ingest = |key: Option<&'static str>, body: Value| {
        let mut request = server
            .http
            .post(format!("{}/api/ingest/idl", server.base))
            .json(&body);
        if let Some(key) = key {
            request = request.header("x-ingest-key", key);
        }
        request.send()
    };
    let other_text = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../testdata/idls/codama/spl_system.json"),
    )
    .unwrap();
    let other: Value = serde_json::from_str(&other_text).unwrap();
    let body = json!({"programId": program_id_of(&other), "idl": other});
    assert_eq!(ingest(None, body.clone()).await.unwrap().status(), 401);
    assert_eq!(
        ingest(Some("wrong-wrong-wrong-wrong-wrong"), body.clone())
            .await
            .unwrap()
            .status(),
        401
    );
    let first = ingest(Some("ingest-secret-ingest-secret"), body.clone())
        .await
        .unwrap();
    assert_eq!(first.status(), 201);
    let again = ingest(Some("ingest-secret-ingest-secret"), body.clone())
        .await
        .unwrap();
    assert_eq!(again.status(), 200);
    let again: Value = again.json().await.unwrap();
    assert_eq!(again["newVersion"], false);
    // Ingesting a program someone else already owns never touches their project.
    let theirs = json!({"programId": program_id, "idl": idl});
    let response = ingest(Some("ingest-secret-ingest-secret"), theirs)
        .await
        .unwrap();
    assert_eq!(response.status(), 201, "a separate ingest-owned project");
    assert_eq!(
        server.db.store.list_idl_versions(&id).await.unwrap().len(),
        1
    );

    let disabled = start().await;
    let response = disabled
        .http
        .post(format!("{}/api/ingest/idl", disabled.base))
        .header("x-ingest-key", "x")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
}

#[tokio::test]
async fn generated_docs_follow_known_address_changes_in_both_forms() {
    let server = start().await;
    let (_, alice) = server.user(1).await;
    let idl: Value = serde_json::from_str(
        &std::fs::read_to_string(
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../../testdata/idls/codama/spl_memo.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let (_, created) = upload(&server, &alice, "memo", &idl, true).await;
    let id = created["project"]["id"].as_str().unwrap().to_string();
    let md = |server: &TestServer| {
        let url = format!("{}/api/{id}/docs?format=md", server.base);
        let http = server.http.clone();
        async move { http.get(url).send().await.unwrap().text().await.unwrap() }
    };
    // Warm both cached forms, then change a known address: both must follow.
    assert!(!md(&server).await.contains("Treasury vault"));
    let (_, json_docs) = server
        .send(&As::Anonymous, "GET", &format!("/api/{id}/docs"), None)
        .await;
    assert!(!json_docs["docs"]
        .as_str()
        .unwrap()
        .contains("Treasury vault"));
    let (status, _) = server
        .send(&alice, "POST", &format!("/api/{id}/addresses"), Some(json!({"label": "Treasury vault", "address": "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA"})))
        .await;
    assert_eq!(status, 201);
    assert!(md(&server).await.contains("Treasury vault"));
    let (_, json_docs) = server
        .send(&As::Anonymous, "GET", &format!("/api/{id}/docs"), None)
        .await;
    assert!(
        json_docs["docs"]
            .as_str()
            .unwrap()
            .contains("Treasury vault"),
        "{json_docs}"
    );
}
