#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Every operation of the platform document, called once on its happy path against a live server
//! (LiteSVM as `localnet` for the routes that read the chain), each response checked against the
//! documents by the harness. An operation the scenario below never reaches with a success status
//! fails the test, so a new route needs a happy-path call here. Also lists the responses still
//! declared with untyped schemas (failing with `STRICT_TYPED_RESPONSES`).

mod common;

use std::collections::BTreeSet;
use std::path::PathBuf;

use base64::Engine as _;
use common::contract::STRICT_TYPED_RESPONSES;
use common::{litesvm, rpc_call, start_with_rpc, As, TestServer};
use orquestra_rpc::{Cluster, RpcConfig};
use serde_json::{json, Value};

const TOKEN: &str = "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA";
const SYSTEM: &str = "11111111111111111111111111111111";
const PAYER: &str = "4Nd1mBQtrMJVYVfKf2PJy9NZUZdTAsp7D4xWLs4gDB4T";
const OTHER: &str = "9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin";
const MINT: &str = "6XWGnb19vQSKG6xSPBLbdfnoeDoWXshhqCSEck1XKLNq";
const INGEST_KEY: &str = "ingest-secret-ingest-secret";

fn idl(rel: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata/idls")
        .join(rel);
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// A request that must succeed (2xx or 3xx): its body.
async fn ok(server: &TestServer, who: &As, method: &str, path: &str, body: Option<Value>) -> Value {
    let (status, answer) = server.send(who, method, path, body).await;
    assert!(
        (200..400).contains(&status),
        "{method} {path} → {status}: {answer}"
    );
    answer
}

/// The `id` of what a create answered: at the top, or in its one wrapped object
/// (`{"project": {"id"}}`).
fn id_in(value: &Value) -> String {
    let nested = value
        .as_object()
        .into_iter()
        .flat_map(|m| m.values())
        .find_map(|v| v["id"].as_str());
    value["id"]
        .as_str()
        .or(nested)
        .unwrap_or_else(|| panic!("no id in {value}"))
        .to_string()
}

#[tokio::test]
async fn every_platform_operation_answers_its_happy_path_as_documented() {
    let Some((_svm, url)) = litesvm().await else {
        return;
    };
    let rpc = RpcConfig::default()
        .with_cluster_url(Cluster::Localnet, &url)
        .unwrap();
    let server = start_with_rpc(|c| c.ingest_key = Some(INGEST_KEY.into()), rpc).await;
    let (alice_user, alice) = server.user(1).await;
    let (_, bob) = server.user(2).await;
    let anon = As::Anonymous;
    rpc_call(&url, "litesvm_airdrop", json!([PAYER, 10_000_000_000u64])).await;

    // Service.
    ok(&server, &anon, "GET", "/health", None).await;
    let ready = ok(&server, &anon, "GET", "/ready", None).await;
    assert_eq!(ready["ready"], true, "{ready}");
    assert_eq!(ready["kv"], "ok");
    let ping = server
        .http
        .get(format!("{}/health/ping", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(ping.status(), 200);
    ok(&server, &anon, "GET", "/openapi.json", None).await;
    ok(&server, &anon, "GET", "/api/stats", None).await;

    // Sign-in through the fake GitHub: redirect, browser callback, API callback, me, logout.
    let begin = || async {
        let response = server
            .http
            .get(format!("{}/auth/github", server.base))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 302);
        let location =
            reqwest::Url::parse(response.headers()["location"].to_str().unwrap()).unwrap();
        let state = location
            .query_pairs()
            .find(|(k, _)| k == "state")
            .unwrap()
            .1
            .into_owned();
        let cookie = response.headers()["set-cookie"].to_str().unwrap();
        (state, cookie.split(';').next().unwrap().to_string())
    };
    let (state, cookie) = begin().await;
    let browser = server
        .http
        .get(format!(
            "{}/auth/github/callback?code=good&state={state}",
            server.base
        ))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(browser.status(), 302);
    let (state, cookie) = begin().await;
    let api = server
        .http
        .post(format!("{}/auth/github/callback", server.base))
        .header("cookie", &cookie)
        .json(&json!({"code": "good", "state": state}))
        .send()
        .await
        .unwrap();
    assert_eq!(api.status(), 200);
    let session: Value = api.json().await.unwrap();
    let octocat = As::Bearer(session["token"].as_str().unwrap().to_string());
    ok(&server, &octocat, "GET", "/auth/me", None).await;
    ok(&server, &octocat, "POST", "/auth/logout", None).await;

    // Projects.
    let made = ok(
        &server,
        &bob,
        "POST",
        "/api/projects",
        Some(json!({"name": "Bob's", "programId": MINT, "isPublic": true})),
    )
    .await;
    let bobs = id_in(&made);
    ok(
        &server,
        &bob,
        "PUT",
        &format!("/api/projects/{bobs}"),
        Some(json!({"description": "mine"})),
    )
    .await;
    ok(
        &server,
        &anon,
        "GET",
        &format!("/api/projects/{bobs}"),
        None,
    )
    .await;
    ok(&server, &bob, "GET", "/api/projects/mine", None).await;
    ok(
        &server,
        &bob,
        "PUT",
        &format!("/api/projects/{bobs}/socials"),
        Some(json!({"website": "https://example.com"})),
    )
    .await;
    ok(
        &server,
        &anon,
        "GET",
        &format!("/api/projects/{bobs}/socials"),
        None,
    )
    .await;

    // IDLs: upload, update, versions, ingest.
    let uploaded = ok(&server, &alice, "POST", "/api/idl/upload", Some(json!({"name": "SPL Token", "programId": TOKEN, "idl": idl("codama/spl_token.json"), "isPublic": true}))).await;
    let token = uploaded["project"]["id"].as_str().unwrap().to_string();
    let system = ok(&server, &alice, "POST", "/api/idl/upload", Some(json!({"name": "System", "programId": SYSTEM, "idl": idl("codama/spl_system.json"), "isPublic": true}))).await;
    let system = system["project"]["id"].as_str().unwrap().to_string();
    ok(
        &server,
        &alice,
        "PUT",
        &format!("/api/idl/{token}"),
        Some(json!({"idl": idl("codama/spl_token.json")})),
    )
    .await;
    ok(&server, &anon, "GET", &format!("/api/idl/{token}"), None).await;
    ok(
        &server,
        &anon,
        "GET",
        &format!("/api/idl/{token}/versions"),
        None,
    )
    .await;
    let memo = idl("codama/spl_memo.json");
    let ingested = server
        .http
        .post(format!("{}/api/ingest/idl", server.base))
        .header("x-ingest-key", INGEST_KEY)
        .json(&json!({"programId": "MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr", "idl": memo}))
        .send()
        .await
        .unwrap();
    assert_eq!(ingested.status(), 201);

    // Searching and listing.
    ok(&server, &anon, "GET", "/api/projects?q=token", None).await;
    ok(
        &server,
        &anon,
        "GET",
        &format!("/api/projects/by-program/{TOKEN}"),
        None,
    )
    .await;
    ok(&server, &anon, "GET", "/api/discovery/sitemap", None).await;

    // Keys.
    let key = ok(
        &server,
        &alice,
        "POST",
        &format!("/api/projects/{token}/keys"),
        Some(json!({"expiresInDays": 30})),
    )
    .await;
    let key_id = id_in(&key);
    ok(
        &server,
        &alice,
        "GET",
        &format!("/api/projects/{token}/keys"),
        None,
    )
    .await;
    let rotated = ok(
        &server,
        &alice,
        "POST",
        &format!("/api/projects/{token}/keys/{key_id}/rotate"),
        None,
    )
    .await;
    let rotated_id = id_in(&rotated);
    ok(
        &server,
        &alice,
        "DELETE",
        &format!("/api/projects/{token}/keys/{rotated_id}"),
        None,
    )
    .await;

    // Known addresses.
    let address = ok(
        &server,
        &alice,
        "POST",
        &format!("/api/{token}/addresses"),
        Some(json!({"label": "Treasury", "address": MINT})),
    )
    .await;
    let address_id = id_in(&address);
    ok(
        &server,
        &alice,
        "PUT",
        &format!("/api/{token}/addresses/{address_id}"),
        Some(json!({"label": "Vault"})),
    )
    .await;
    ok(
        &server,
        &anon,
        "GET",
        &format!("/api/{token}/addresses"),
        None,
    )
    .await;
    ok(
        &server,
        &alice,
        "DELETE",
        &format!("/api/{token}/addresses/{address_id}"),
        None,
    )
    .await;

    // The generated program API and docs.
    for view in [
        "instructions",
        "instructions/transfer",
        "accounts",
        "types",
        "errors",
        "events",
        "constants",
        "idl",
        "openapi.json",
        "docs",
        "pda",
    ] {
        ok(&server, &anon, "GET", &format!("/api/{token}/{view}"), None).await;
    }
    ok(
        &server,
        &alice,
        "PUT",
        &format!("/api/{token}/docs"),
        Some(json!({"docs": "# Hand-written"})),
    )
    .await;
    ok(
        &server,
        &alice,
        "DELETE",
        &format!("/api/{token}/docs"),
        None,
    )
    .await;
    let llms = server
        .http
        .get(format!("{}/project/{token}/llms.txt", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(llms.status(), 200);
    let ata = ok(&server, &alice, "POST", "/api/idl/upload", Some(json!({"name": "ATA", "programId": "ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL", "idl": idl("codama/spl_associated_token_account.json"), "isPublic": true}))).await;
    let ata = ata["project"]["id"].as_str().unwrap().to_string();
    let pdas = ok(&server, &anon, "GET", &format!("/api/{ata}/pda"), None).await;
    let first = &pdas["pdaAccounts"][0];
    let seed_values: serde_json::Map<String, Value> = first["inputs"]
        .as_array()
        .unwrap_or_else(|| panic!("pda inputs in {pdas}"))
        .iter()
        .map(|input| {
            let name = input["name"].as_str().unwrap().to_string();
            let value = match name.as_str() {
                "tokenProgram" => TOKEN,
                "mint" => MINT,
                _ => PAYER,
            };
            (name, Value::from(value))
        })
        .collect();
    ok(
        &server,
        &anon,
        "POST",
        &format!("/api/{ata}/pda/derive"),
        Some(json!({"account": first["name"], "seedValues": seed_values})),
    )
    .await;

    // Transactions: build (and its parts), decode, simulate on LiteSVM.
    let transfer = json!({"args": {"amount": "1000"}, "accounts": {"source": OTHER, "destination": MINT, "authority": PAYER}, "feePayer": PAYER, "recentBlockhash": "CmpNeggWJ4JaWJeJ8YKN1Zypmk7uvQq3PECGUCAEMbky"});
    ok(
        &server,
        &anon,
        "POST",
        &format!("/api/{token}/instructions/transfer/build"),
        Some(transfer.clone()),
    )
    .await;
    ok(
        &server,
        &anon,
        "POST",
        &format!("/api/{token}/instructions/transfer/accounts"),
        Some(transfer.clone()),
    )
    .await;
    ok(
        &server,
        &anon,
        "POST",
        &format!("/api/{token}/instructions/transfer/data"),
        Some(transfer.clone()),
    )
    .await;
    let built = ok(&server, &anon, "POST", &format!("/api/{system}/instructions/transferSol/build"), Some(json!({"args": {"amount": "1000"}, "accounts": {"source": PAYER, "destination": OTHER}, "feePayer": PAYER, "cluster": "localnet"}))).await;
    let tx = built["transaction"].clone();
    ok(
        &server,
        &anon,
        "POST",
        "/api/transactions/decode",
        Some(json!({"transaction": tx})),
    )
    .await;
    ok(
        &server,
        &anon,
        "POST",
        "/api/transactions/simulate",
        Some(json!({"transaction": tx, "cluster": "localnet"})),
    )
    .await;
    ok(
        &server,
        &anon,
        "POST",
        "/api/tx/simulate",
        Some(json!({"transaction": tx, "cluster": "localnet"})),
    )
    .await;

    // A program's life cycle: its IDL published in an Anchor IDL account, imported, verified,
    // and the versions diffed.
    let relations = std::fs::read(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../testdata/idls/anchor/anchor_relations.json"),
    )
    .unwrap();
    let relations_id = idl("anchor/anchor_relations.json")["address"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut compressed =
        flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    std::io::Write::write_all(&mut compressed, &relations).unwrap();
    let compressed = compressed.finish().unwrap();
    let mut account = orquestra_tx::published_idl::ANCHOR_IDL_ACCOUNT_DISCRIMINATOR.to_vec();
    account.extend(bs58::decode(PAYER).into_vec().unwrap());
    account.extend(u32::try_from(compressed.len()).unwrap().to_le_bytes());
    account.extend(compressed);
    rpc_call(
        &url,
        "litesvm_setAccount",
        json!([
            orquestra_tx::published_idl::anchor_idl_address(&relations_id).unwrap(),
            {"lamports": 1_000_000_000u64, "owner": relations_id,
             "data": base64::engine::general_purpose::STANDARD.encode(&account)}
        ]),
    )
    .await;
    let imported = ok(
        &server,
        &alice,
        "POST",
        "/api/idl/import",
        Some(json!({"programId": relations_id, "cluster": "localnet"})),
    )
    .await;
    let relations_project = id_in(&imported);
    ok(
        &server,
        &alice,
        "POST",
        &format!("/api/{relations_project}/verify"),
        Some(json!({"cluster": "localnet"})),
    )
    .await;
    ok(
        &server,
        &anon,
        "GET",
        &format!("/api/{relations_project}/verifications"),
        None,
    )
    .await;
    ok(
        &server,
        &anon,
        "GET",
        &format!("/api/{relations_project}/diff"),
        None,
    )
    .await;

    // On-chain accounts: a mint written into LiteSVM, fetched, decoded, queried.
    let mut mint = vec![1u8, 0, 0, 0];
    mint.extend(bs58::decode(PAYER).into_vec().unwrap());
    mint.extend(0u64.to_le_bytes());
    mint.extend([6u8, 1]);
    mint.extend([0u8; 36]);
    assert_eq!(mint.len(), 82);
    let data = base64::engine::general_purpose::STANDARD.encode(&mint);
    rpc_call(
        &url,
        "litesvm_setAccount",
        json!([MINT, {"lamports": 1_461_600, "owner": TOKEN, "data": data}]),
    )
    .await;
    ok(
        &server,
        &anon,
        "GET",
        &format!("/api/{token}/pda/fetch/{MINT}?cluster=localnet&accountType=mint"),
        None,
    )
    .await;
    ok(
        &server,
        &anon,
        "POST",
        &format!("/api/{token}/accounts/decode"),
        Some(json!({"data": data, "accountType": "mint"})),
    )
    .await;
    ok(
        &server,
        &anon,
        "POST",
        &format!("/api/{token}/program-accounts/query"),
        Some(json!({"accountType": "mint", "cluster": "localnet"})),
    )
    .await;

    // Program lists.
    let list = ok(
        &server,
        &alice,
        "POST",
        "/api/lists",
        Some(json!({"name": "DeFi"})),
    )
    .await;
    let list_id = id_in(&list);
    ok(&server, &alice, "GET", "/api/lists", None).await;
    ok(
        &server,
        &alice,
        "PUT",
        &format!("/api/lists/{list_id}"),
        Some(json!({"name": "DeFi 2"})),
    )
    .await;
    ok(
        &server,
        &alice,
        "POST",
        &format!("/api/lists/{list_id}/items"),
        Some(json!({"projectId": bobs})),
    )
    .await;
    ok(
        &server,
        &alice,
        "GET",
        &format!("/api/lists/{list_id}/items"),
        None,
    )
    .await;
    ok(
        &server,
        &alice,
        "POST",
        &format!("/api/lists/{list_id}/scope-key"),
        None,
    )
    .await;
    ok(
        &server,
        &alice,
        "DELETE",
        &format!("/api/lists/{list_id}/items/{bobs}"),
        None,
    )
    .await;
    ok(
        &server,
        &alice,
        "POST",
        "/api/lists/default/items",
        Some(json!({"projectId": bobs})),
    )
    .await;
    ok(
        &server,
        &alice,
        "DELETE",
        &format!("/api/lists/{list_id}"),
        None,
    )
    .await;

    // Deletions last.
    ok(
        &server,
        &alice,
        "DELETE",
        &format!("/api/idl/{system}"),
        Some(json!({"confirmName": "System"})),
    )
    .await;
    ok(
        &server,
        &bob,
        "DELETE",
        &format!("/api/projects/{bobs}"),
        None,
    )
    .await;
    let _ = alice_user;

    // Every operation of the document was answered with a success.
    let platform = server.contract.platform().await;
    let succeeded: BTreeSet<(String, String)> = server
        .contract
        .hits()
        .into_iter()
        .filter(|(_, _, status)| (200..400).contains(status))
        .map(|(method, path, _)| (method, path))
        .collect();
    let missing: Vec<String> = platform
        .routes()
        .iter()
        .filter(|r| !succeeded.contains(&(r.method.clone(), r.path.clone())))
        .map(|r| format!("{} {}", r.method.to_uppercase(), r.path))
        .collect();
    assert!(
        missing.is_empty(),
        "operations of /openapi.json without a happy-path call in this test:\n{}",
        missing.join("\n")
    );
}

#[tokio::test]
async fn untyped_response_schemas_are_listed() {
    let server = common::start().await;
    let (_, alice) = server.user(1).await;
    let uploaded = ok(&server, &alice, "POST", "/api/idl/upload", Some(json!({"name": "SPL Token", "programId": TOKEN, "idl": idl("codama/spl_token.json"), "isPublic": true}))).await;
    let token = uploaded["project"]["id"].as_str().unwrap().to_string();
    let platform = server.contract.platform().await;
    let program = server
        .contract
        .program(&token)
        .await
        .expect("the program document");
    let mut untyped = platform.untyped_responses();
    untyped.extend(
        program
            .untyped_responses()
            .into_iter()
            .map(|r| format!("program document: {}", r.replace(&token, "{project_id}"))),
    );
    eprintln!(
        "{} response(s) with an untyped schema:\n{}",
        untyped.len(),
        untyped.join("\n")
    );
    if STRICT_TYPED_RESPONSES {
        assert!(
            untyped.is_empty(),
            "untyped responses:\n{}",
            untyped.join("\n")
        );
    }
}

/// The checker itself: answers the documents do not describe are refused.
#[tokio::test]
async fn the_checker_refuses_what_the_documents_do_not_say() {
    let server = common::start().await;
    let headers = |content_type: &str| {
        let mut map = axum::http::HeaderMap::new();
        map.insert("content-type", content_type.parse().unwrap());
        map
    };
    let json = headers("application/json");
    let check = |path: &str, status: u16, headers: &axum::http::HeaderMap, body: &'static [u8]| {
        let url = reqwest::Url::parse(&format!("{}{path}", server.base)).unwrap();
        let contract = server.contract.clone();
        let headers = headers.clone();
        async move {
            contract
                .check(&common::contract::Exchange {
                    method: "GET",
                    url: &url,
                    status,
                    headers: &headers,
                    body: Some(body),
                })
                .await
        }
    };
    let error = br#"{"error":{"code":"not_found","message":"no"}}"#;
    // A documented answer passes; the router's 404 for an unknown path passes.
    check("/api/projects/nope", 404, &json, error)
        .await
        .unwrap();
    check("/no/such/route", 404, &json, error).await.unwrap();
    // An undocumented status, a route no operation has, a body off its schema, an
    // undeclared content type: each is refused.
    let refused = [
        check("/api/projects/nope", 418, &json, error).await,
        check("/no/such/route", 200, &json, b"{}").await,
        check("/api/projects/nope", 404, &json, br#"{"error":"flat"}"#).await,
        check(
            "/api/projects/nope",
            404,
            &headers("text/html"),
            b"<p>no</p>",
        )
        .await,
    ];
    for (n, result) in refused.iter().enumerate() {
        assert!(result.is_err(), "case {n} passed: {result:?}");
    }
}
