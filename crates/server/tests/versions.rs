#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Version pinning: every program route and MCP tool answers from `?version=N` (or `idlVersion`),
//! names the version that answered in `x-idl-version`, refuses an unknown version with 404
//! `version_not_found`, and a pinned read neither serves nor displaces the latest version's cached
//! bodies.

mod common;

use common::{start, As, TestServer, PROGRAM_A};
use serde_json::{json, Value};

/// Version 1 of a small program: `set(amount: u64)` on a PDA `["state", authority]`.
fn v1() -> Value {
    json!({
        "address": PROGRAM_A,
        "metadata": {"name": "pinning", "version": "0.1.0", "spec": "0.1.0"},
        "instructions": [{
            "name": "set",
            "docs": ["Sets the amount (v1)."],
            "discriminator": [1, 1, 1, 1, 1, 1, 1, 1],
            "accounts": [
                {"name": "state", "writable": true, "pda": {"seeds": [
                    {"kind": "const", "value": [115, 116, 97, 116, 101]},
                    {"kind": "account", "path": "authority"}
                ]}},
                {"name": "authority", "signer": true}
            ],
            "args": [{"name": "amount", "type": "u64"}]
        }],
        "accounts": [{"name": "State", "discriminator": [9, 9, 9, 9, 9, 9, 9, 9]}],
        "types": [{"name": "State", "type": {"kind": "struct", "fields": [
            {"name": "amount", "type": "u64"}
        ]}}]
    })
}

/// Version 2: every part a route shows is different (discriminators, argument and field types,
/// PDA seeds, docs), so any route answering from the wrong version gives itself away.
fn v2() -> Value {
    let mut idl = v1();
    idl["instructions"][0]["docs"] = json!(["Sets the amount (v2)."]);
    idl["instructions"][0]["discriminator"] = json!([2, 2, 2, 2, 2, 2, 2, 2]);
    idl["instructions"][0]["args"][0]["type"] = json!("u32");
    idl["instructions"][0]["accounts"][0]["pda"]["seeds"][0]["value"] = json!([118, 50]);
    idl["accounts"][0]["discriminator"] = json!([8, 8, 8, 8, 8, 8, 8, 8]);
    idl["types"][0]["type"]["fields"][0]["type"] = json!("u32");
    idl
}

const AUTHORITY: &str = "9WzDXwBbmkg8ZTbNMqUxvQRAyrZzDsGYdLVL9zYtAWWM";
const BLOCKHASH: &str = "EkSnNWid2cvwEVnVx9aBqawnmiCNiDgp3gUdkDPTKN1N";

/// Every program route, as (method, path under `/api/{id}` or `/project/{id}`, body).
fn routes(id: &str) -> Vec<(&'static str, String, Option<Value>)> {
    let set = json!({"args": {"amount": 5}, "accounts": {"authority": AUTHORITY},
        "feePayer": AUTHORITY, "recentBlockhash": BLOCKHASH});
    let mut out: Vec<(&'static str, String, Option<Value>)> = [
        "instructions",
        "instructions/set",
        "accounts",
        "types",
        "errors",
        "events",
        "constants",
        "idl",
        "idl?normalized=1",
        "openapi.json",
        "docs",
        "docs?format=md",
        "pda",
    ]
    .into_iter()
    .map(|p| ("GET", format!("/api/{id}/{p}"), None))
    .collect();
    out.push(("GET", format!("/project/{id}/llms.txt"), None));
    out.push(("GET", format!("/api/idl/{id}"), None));
    for route in ["build", "data", "accounts"] {
        out.push((
            "POST",
            format!("/api/{id}/instructions/set/{route}"),
            Some(set.clone()),
        ));
    }
    out.push((
        "POST",
        format!("/api/{id}/pda/derive"),
        Some(
            json!({"instruction": "set", "account": "state", "accounts": {"authority": AUTHORITY}}),
        ),
    ));
    // Eight bytes of discriminator 9…9 and a u64: decodes only with version 1's layout.
    out.push((
        "POST",
        format!("/api/{id}/accounts/decode"),
        Some(json!({"data": "09090909090909090500000000000000", "encoding": "hex"})),
    ));
    out
}

/// Sends a request; answers the status, the `x-idl-version` header and the body text.
async fn call(
    server: &TestServer,
    who: &As,
    method: &str,
    path: &str,
    body: Option<&Value>,
) -> (u16, Option<i64>, String) {
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let mut request = server
        .http
        .request(method, format!("{}{path}", server.base));
    if let As::Bearer(token) = who {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request.json(body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let version = response
        .headers()
        .get("x-idl-version")
        .map(|v| v.to_str().unwrap().parse().unwrap());
    (status, version, response.text().await.unwrap())
}

fn with_query(path: &str, query: &str) -> String {
    let joiner = if path.contains('?') { '&' } else { '?' };
    format!("{path}{joiner}{query}")
}

/// A body as JSON when it is JSON (so comparisons do not depend on key order), else its text.
fn parsed(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_owned()))
}

async fn project_with_two_versions(server: &TestServer, who: &As, public: bool) -> String {
    let (status, created) = server
        .send(
            who,
            "POST",
            "/api/idl/upload",
            Some(
                json!({"name": "pinning", "programId": PROGRAM_A, "isPublic": public, "idl": v1()}),
            ),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    created["project"]["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn every_program_route_answers_the_version_it_is_pinned_to() {
    let server = start().await;
    let (_, alice) = server.user(1).await;
    let id = project_with_two_versions(&server, &alice, true).await;

    // What each route answers while version 1 is the latest (and warm its cached bodies).
    let mut as_latest = Vec::new();
    for (method, path, body) in routes(&id) {
        let (status, version, text) =
            call(&server, &As::Anonymous, method, &path, body.as_ref()).await;
        assert_eq!((status, version), (200, Some(1)), "{method} {path}: {text}");
        as_latest.push(parsed(&text));
    }

    let (status, v2_published) = server
        .send(
            &alice,
            "PUT",
            &format!("/api/idl/{id}"),
            Some(json!({"idl": v2()})),
        )
        .await;
    assert_eq!((status, v2_published["version"].as_i64()), (201, Some(2)));

    for ((method, path, body), v1_answer) in routes(&id).into_iter().zip(&as_latest) {
        // Pinned to 1: the very answer version 1 gave as the latest.
        let pinned = with_query(&path, "version=1");
        let (status, version, text) =
            call(&server, &As::Anonymous, method, &pinned, body.as_ref()).await;
        assert_eq!(
            (status, version),
            (200, Some(1)),
            "{method} {pinned}: {text}"
        );
        let answer = parsed(&text);
        assert_eq!(
            &answer, v1_answer,
            "{method} {pinned} answers as version 1 did"
        );

        // Not pinned, and pinned to 2: version 2, which differs on every route.
        let (status, version, latest_text) =
            call(&server, &As::Anonymous, method, &path, body.as_ref()).await;
        if path.ends_with("/accounts/decode") {
            // Version 2's account discriminator is 8…8: the same data no longer decodes.
            assert_eq!((status, version), (422, None), "{path}: {latest_text}");
            continue;
        }
        assert_eq!(
            (status, version),
            (200, Some(2)),
            "{method} {path}: {latest_text}"
        );
        assert_ne!(
            &parsed(&latest_text),
            v1_answer,
            "{method} {path} moved to version 2"
        );
        let (status, version, text) = call(
            &server,
            &As::Anonymous,
            method,
            &with_query(&path, "version=2"),
            body.as_ref(),
        )
        .await;
        assert_eq!(
            (status, version),
            (200, Some(2)),
            "{method} {path}?version=2"
        );
        assert_eq!(
            parsed(&text),
            parsed(&latest_text),
            "{method} {path}: version 2 is the latest"
        );
    }

    // Reading version 1 again after version 2 was served: still version 1 (pinned bodies have
    // keys of their own, so neither displaced the other).
    let (_, version, text) = call(
        &server,
        &As::Anonymous,
        "GET",
        &format!("/api/{id}/instructions/set?version=1"),
        None,
    )
    .await;
    assert_eq!(version, Some(1));
    assert!(text.contains("(v1)"), "{text}");
    let (_, version, text) = call(
        &server,
        &As::Anonymous,
        "GET",
        &format!("/api/{id}/instructions/set"),
        None,
    )
    .await;
    assert_eq!(version, Some(2));
    assert!(text.contains("(v2)"), "{text}");
}

#[tokio::test]
async fn unknown_and_malformed_versions_are_refused_on_every_route() {
    let server = start().await;
    let (_, alice) = server.user(1).await;
    let id = project_with_two_versions(&server, &alice, true).await;
    for (method, path, body) in routes(&id) {
        for bad in ["version=2", "version=99"] {
            let path = with_query(&path, bad);
            let (status, value) = server
                .send(&As::Anonymous, method, &path, body.clone())
                .await;
            assert_eq!(status, 404, "{method} {path}: {value}");
            assert_eq!(
                value["error"]["code"], "version_not_found",
                "{method} {path}: {value}"
            );
            assert_eq!(value["error"]["details"][0]["path"], "?version", "{value}");
            assert!(
                value["error"]["message"]
                    .as_str()
                    .unwrap()
                    .contains("version 1 only"),
                "{value}"
            );
        }
        for bad in ["version=0", "version=-3", "version=two", "version=1.0"] {
            let path = with_query(&path, bad);
            let (status, value) = server
                .send(&As::Anonymous, method, &path, body.clone())
                .await;
            assert_eq!(status, 400, "{method} {path}: {value}");
            assert_eq!(
                value["error"]["code"], "bad_query",
                "{method} {path}: {value}"
            );
        }
    }
}

#[tokio::test]
async fn a_private_project_is_not_found_whatever_the_version() {
    let server = start().await;
    let (_, alice) = server.user(1).await;
    let (_, bob) = server.user(2).await;
    let id = project_with_two_versions(&server, &alice, false).await;
    for (method, path, body) in routes(&id) {
        for query in ["version=1", "version=7"] {
            let path = with_query(&path, query);
            for who in [&As::Anonymous, &bob] {
                let (status, value) = server.send(who, method, &path, body.clone()).await;
                assert_eq!(status, 404, "{method} {path}: {value}");
                // Never `version_not_found`: that would confirm the project exists.
                assert_eq!(
                    value["error"]["code"], "not_found",
                    "{method} {path}: {value}"
                );
            }
        }
        let (status, version, text) = call(
            &server,
            &alice,
            method,
            &with_query(&path, "version=1"),
            body.as_ref(),
        )
        .await;
        assert_eq!(
            (status, version),
            (200, Some(1)),
            "owner: {method} {path}: {text}"
        );
    }
}

#[tokio::test]
async fn mcp_tools_take_an_idl_version() {
    let server = start().await;
    let (_, alice) = server.user(1).await;
    let id = project_with_two_versions(&server, &alice, true).await;
    server
        .send(
            &alice,
            "PUT",
            &format!("/api/idl/{id}"),
            Some(json!({"idl": v2()})),
        )
        .await;
    let tool = |name: &str, arguments: Value| {
        json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call",
            "params": {"name": name, "arguments": arguments}})
    };
    let call_tool = |request: Value| {
        let server = &server;
        async move {
            let response = server
                .http
                .post(format!("{}/mcp", server.base))
                .header("accept", "application/json, text/event-stream")
                .json(&request)
                .send()
                .await
                .unwrap();
            let text = response.text().await.unwrap();
            let json_text = text
                .lines()
                .find_map(|l| l.strip_prefix("data: "))
                .unwrap_or(&text)
                .to_owned();
            serde_json::from_str::<Value>(&json_text).unwrap()["result"].clone()
        }
    };
    for (version, docs) in [(Some(1), "(v1)"), (Some(2), "(v2)"), (None, "(v2)")] {
        let mut args = json!({"projectId": id, "instruction": "set"});
        if let Some(v) = version {
            args["idlVersion"] = json!(v);
        }
        let result = call_tool(tool("get_instruction", args)).await;
        assert_eq!(result["isError"], false, "{result}");
        assert_eq!(
            result["structuredContent"]["version"],
            json!(version.unwrap_or(2))
        );
        assert!(result.to_string().contains(docs), "{result}");
    }
    let data = call_tool(tool(
        "derive_pda",
        json!({"projectId": id, "instruction": "set", "account": "state",
            "accounts": {"authority": AUTHORITY}, "idlVersion": 1}),
    ))
    .await;
    assert_eq!(data["structuredContent"]["version"], 1, "{data}");
    let missing = call_tool(tool(
        "list_instructions",
        json!({"projectId": id, "idlVersion": 3}),
    ))
    .await;
    assert_eq!(missing["isError"], true, "{missing}");
    assert!(
        missing.to_string().contains("version_not_found"),
        "{missing}"
    );
}
