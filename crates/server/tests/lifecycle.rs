#![allow(clippy::unwrap_used, clippy::expect_used)]
//! A program's life cycle against a real SVM (LiteSVM behind JSON-RPC): IDLs published on chain
//! (an Anchor IDL account, a Program Metadata account) imported as projects and versions,
//! stored versions verified against them (a tampered one is not), verification deciding which
//! project stands for a program, scheduled re-checks noticing an upgrade, and diffs between
//! versions.

mod common;

use std::io::Write as _;
use std::path::PathBuf;
use std::time::Duration;

use base64::Engine as _;
use common::{litesvm, rpc_call, start_with_rpc, As, TestServer};
use orquestra_api::transaction::Cluster;
use orquestra_rpc::RpcConfig;
use orquestra_tx::published_idl::{
    anchor_idl_address, metadata_address, padded_seed, ANCHOR_IDL_ACCOUNT_DISCRIMINATOR, IDL_SEED,
    PROGRAM_METADATA_PROGRAM_ID,
};
use serde_json::{json, Value};

const AUTHORITY: &str = "9WzDXwBbmkg8ZTbNMqUxvQRAyrZzDsGYdLVL9zYtAWWM";

fn corpus(rel: &str) -> (Vec<u8>, Value) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata/idls")
        .join(rel);
    let bytes = std::fs::read(path).unwrap();
    let value = serde_json::from_slice(&bytes).unwrap();
    (bytes, value)
}

fn key(text: &str) -> [u8; 32] {
    orquestra_idl::address::parse_address(text).unwrap()
}

fn zlib(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

/// Anchor's `IdlAccount`: discriminator, authority, length, zlib-compressed JSON.
fn anchor_idl_account(idl: &[u8]) -> Vec<u8> {
    let compressed = zlib(idl);
    let mut data = ANCHOR_IDL_ACCOUNT_DISCRIMINATOR.to_vec();
    data.extend_from_slice(&key(AUTHORITY));
    data.extend_from_slice(&u32::try_from(compressed.len()).unwrap().to_le_bytes());
    data.extend_from_slice(&compressed);
    data
}

/// A canonical Program Metadata `idl` account: utf8 JSON, uncompressed, stored directly.
fn metadata_account(program: &str, idl: &[u8]) -> Vec<u8> {
    let mut data = vec![2u8]; // account discriminator: metadata
    data.extend_from_slice(&key(program));
    data.extend_from_slice(&[0; 32]); // no authority: canonical
    data.extend_from_slice(&[1, 1]); // mutable, canonical
    data.extend_from_slice(&padded_seed(IDL_SEED).unwrap());
    data.extend_from_slice(&[1, 0, 1, 0]); // utf8, no compression, json, direct
    data.extend_from_slice(&u32::try_from(idl.len()).unwrap().to_le_bytes());
    data.extend_from_slice(&[0; 5]);
    data.extend_from_slice(idl);
    data
}

async fn set_account(rpc: &str, address: &str, owner: &str, data: &[u8]) {
    let data = base64::engine::general_purpose::STANDARD.encode(data);
    rpc_call(
        rpc,
        "litesvm_setAccount",
        json!([address, {"lamports": 1_000_000_000u64, "owner": owner, "data": data, "executable": false}]),
    )
    .await;
}

async fn verifications(server: &TestServer, id: &str) -> Value {
    let (status, body) = server
        .send(
            &As::Anonymous,
            "GET",
            &format!("/api/{id}/verifications"),
            None,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    body
}

#[tokio::test]
async fn published_idls_are_imported_verified_rechecked_and_diffed() {
    let Some((_svm, url)) = litesvm().await else {
        return;
    };
    let rpc = RpcConfig::default()
        .with_cluster_url(Cluster::Localnet, &url)
        .unwrap();
    let server = start_with_rpc(
        |config| config.verify_interval = Some(Duration::from_millis(300)),
        rpc,
    )
    .await;
    let (_, alice) = server.user(1).await;
    let (_, bob) = server.user(2).await;

    let (quarry_bytes, quarry) = corpus("anchor/quarry_mine.json");
    let quarry_id = quarry["address"].as_str().unwrap().to_owned();
    let anchor_account = anchor_idl_address(&quarry_id).unwrap();
    set_account(
        &url,
        &anchor_account,
        &quarry_id,
        &anchor_idl_account(&quarry_bytes),
    )
    .await;

    // Bob registers the program first, with a doctored IDL (a renamed instruction).
    let mut doctored = quarry.clone();
    doctored["instructions"][0]["name"] = json!("drain_everything");
    let (status, bobs) = server
        .send(
            &bob,
            "POST",
            "/api/idl/upload",
            Some(json!({"name": "quarry (bob)", "programId": quarry_id, "idl": doctored})),
        )
        .await;
    assert_eq!(status, 201, "{bobs}");
    let bobs_id = bobs["project"]["id"].as_str().unwrap().to_owned();

    // Alice imports what the program published.
    let import = json!({"programId": quarry_id, "cluster": "localnet"});
    let (status, imported) = server
        .send(&alice, "POST", "/api/idl/import", Some(import.clone()))
        .await;
    assert_eq!(status, 201, "{imported}");
    assert_eq!(imported["projectCreated"], true);
    assert_eq!(imported["versionCreated"], true);
    assert_eq!(imported["idl"]["version"], 1);
    assert_eq!(imported["published"]["scheme"], "anchor_idl_account");
    assert_eq!(imported["published"]["account"], anchor_account.as_str());
    assert_eq!(imported["published"]["authority"], AUTHORITY);
    assert_eq!(imported["verification"]["outcome"], "match", "{imported}");
    assert_eq!(imported["verification"]["verified"], true);
    let alices_id = imported["project"]["id"].as_str().unwrap().to_owned();
    let (_, stored) = server
        .send(
            &As::Anonymous,
            "GET",
            &format!("/api/idl/{alices_id}"),
            None,
        )
        .await;
    assert_eq!(stored["idl"], quarry, "the published IDL, as published");

    // The same IDL again: nothing new stored, the check recorded.
    let (status, again) = server
        .send(&alice, "POST", "/api/idl/import", Some(import.clone()))
        .await;
    assert_eq!(
        (status, again["versionCreated"].as_bool()),
        (200, Some(false)),
        "{again}"
    );
    assert_eq!(again["idl"]["version"], 1);

    // Bob's doctored IDL does not verify; verification now decides who stands for the program,
    // though Bob's project is older.
    let (status, bobs_check) = server
        .send(
            &bob,
            "POST",
            &format!("/api/{bobs_id}/verify"),
            Some(json!({"cluster": "localnet"})),
        )
        .await;
    assert_eq!(status, 200, "{bobs_check}");
    assert_eq!(
        (
            bobs_check["outcome"].as_str(),
            bobs_check["verified"].as_bool()
        ),
        (Some("mismatch"), Some(false))
    );
    let (_, chosen) = server
        .send(
            &As::Anonymous,
            "GET",
            &format!("/api/projects/by-program/{quarry_id}"),
            None,
        )
        .await;
    assert_eq!(chosen["project"]["id"], alices_id.as_str(), "{chosen}");
    assert_eq!(
        (chosen["trust"].as_str(), chosen["basis"].as_str()),
        (Some("verified"), Some("verified"))
    );
    let (_, own) = server
        .send(
            &bob,
            "GET",
            &format!("/api/projects/by-program/{quarry_id}"),
            None,
        )
        .await;
    assert_eq!(
        (own["project"]["id"].as_str(), own["trust"].as_str()),
        (Some(bobs_id.as_str()), Some("unverified"))
    );
    // Only the owner (or a key) may spend RPC calls on a check.
    let (status, _) = server
        .send(
            &bob,
            "POST",
            &format!("/api/{alices_id}/verify"),
            Some(json!({"cluster": "localnet"})),
        )
        .await;
    assert_eq!(status, 403);

    // A second version, then the diff between them.
    let mut v2 = quarry.clone();
    let removed = v2["instructions"].as_array_mut().unwrap().pop().unwrap();
    let removed_name = removed["name"].as_str().unwrap().to_owned();
    let (status, _) = server
        .send(
            &alice,
            "PUT",
            &format!("/api/idl/{alices_id}"),
            Some(json!({"idl": v2})),
        )
        .await;
    assert_eq!(status, 201);
    let (status, diff) = server
        .send(
            &As::Anonymous,
            "GET",
            &format!("/api/{alices_id}/diff"),
            None,
        )
        .await;
    assert_eq!(status, 200, "{diff}");
    assert_eq!(
        (
            diff["from"]["version"].as_i64(),
            diff["to"]["version"].as_i64()
        ),
        (Some(1), Some(2))
    );
    assert_eq!(diff["breaking"], true);
    let changes = diff["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 1, "{diff}");
    assert_eq!(changes[0]["kind"], "instruction");
    assert_eq!(changes[0]["status"], "removed");
    assert_eq!(changes[0]["severity"], "breaking");
    assert_eq!(changes[0]["name"], removed_name.as_str(), "{diff}");
    let markdown = server
        .http
        .get(format!(
            "{}/api/{alices_id}/diff?from=2&to=1&format=md",
            server.base
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(markdown.headers()["x-idl-version"], "1");
    assert!(markdown.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/markdown"));
    let text = markdown.text().await.unwrap();
    assert!(text.contains(&removed_name), "{text}");
    let (status, missing) = server
        .send(
            &As::Anonymous,
            "GET",
            &format!("/api/{alices_id}/diff?from=3"),
            None,
        )
        .await;
    assert_eq!(
        (status, missing["error"]["code"].as_str()),
        (404, Some("version_not_found"))
    );
    assert_eq!(missing["error"]["details"][0]["path"], "?from");

    // Version 2 is not what the chain has: verifying it is a mismatch, and version 1 stays verified.
    let (_, check) = server
        .send(
            &alice,
            "POST",
            &format!("/api/{alices_id}/verify"),
            Some(json!({"cluster": "localnet"})),
        )
        .await;
    assert_eq!(
        (check["version"].as_i64(), check["outcome"].as_str()),
        (Some(2), Some("mismatch")),
        "{check}"
    );
    let (_, pinned) = server
        .send(
            &alice,
            "POST",
            &format!("/api/{alices_id}/verify?version=1"),
            Some(json!({"cluster": "localnet"})),
        )
        .await;
    assert_eq!(
        (pinned["version"].as_i64(), pinned["outcome"].as_str()),
        (Some(1), Some("match")),
        "{pinned}"
    );
    let listed = verifications(&server, &alices_id).await;
    assert_eq!(listed["latestVersion"], 2);
    assert_eq!(listed["latestVerified"], false, "{listed}");

    // An upgrade on chain publishing version 2: the scheduled re-check notices without being asked.
    let v2_bytes = serde_json::to_vec(&v2).unwrap();
    set_account(
        &url,
        &anchor_account,
        &quarry_id,
        &anchor_idl_account(&v2_bytes),
    )
    .await;
    let mut verified = false;
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        if verifications(&server, &alices_id).await["latestVerified"] == true {
            verified = true;
            break;
        }
    }
    assert!(verified, "the scheduled re-check verified version 2");

    // A Program Metadata account (canonical `idl`), imported through MCP with a project key.
    let (token_bytes, token) = corpus("codama/spl_memo.json");
    let memo_id = token["program"]["publicKey"].as_str().unwrap().to_owned();
    let metadata = metadata_address(&memo_id, None, IDL_SEED).unwrap();
    set_account(
        &url,
        &metadata,
        PROGRAM_METADATA_PROGRAM_ID,
        &metadata_account(&memo_id, &token_bytes),
    )
    .await;
    let (status, memo) = server
        .send(&alice, "POST", "/api/idl/import", Some(json!({"programId": memo_id, "cluster": "localnet", "name": "memo", "isPublic": false})))
        .await;
    assert_eq!(status, 201, "{memo}");
    assert_eq!(memo["published"]["scheme"], "program_metadata");
    assert_eq!(memo["published"]["account"], metadata.as_str());
    assert_eq!(memo["project"]["isPublic"], false);
    let memo_project = memo["project"]["id"].as_str().unwrap().to_owned();
    // The project is private: its checks are as invisible as the rest of it.
    let (status, _) = server
        .send(
            &bob,
            "GET",
            &format!("/api/{memo_project}/verifications"),
            None,
        )
        .await;
    assert_eq!(status, 404);
    let project = server
        .db
        .store
        .get_project(&memo_project)
        .await
        .unwrap()
        .unwrap();
    let memo_key = server.key(&project).await;
    let As::Key(memo_key) = memo_key else {
        unreachable!()
    };
    let response = server
        .http
        .post(format!("{}/mcp", server.base))
        .header("accept", "application/json, text/event-stream")
        .header("x-api-key", memo_key)
        .json(&json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": "import_program", "arguments": {"programId": memo_id, "cluster": "localnet"}}}))
        .send()
        .await
        .unwrap();
    let text = response.text().await.unwrap();
    let body: Value = serde_json::from_str(
        text.lines()
            .find_map(|l| l.strip_prefix("data: "))
            .unwrap_or(&text),
    )
    .unwrap();
    let result = &body["result"];
    assert_eq!(result["isError"], false, "{body}");
    assert_eq!(result["structuredContent"]["versionCreated"], false);
    assert_eq!(
        result["structuredContent"]["verification"]["verified"],
        true
    );

    // Nothing published for a program: a clear 404 naming what was tried.
    let (status, none) = server
        .send(
            &alice,
            "POST",
            "/api/idl/import",
            Some(json!({"programId": AUTHORITY, "cluster": "localnet"})),
        )
        .await;
    assert_eq!(
        (status, none["error"]["code"].as_str()),
        (404, Some("idl_not_published")),
        "{none}"
    );
    assert!(none["error"]["message"]
        .as_str()
        .unwrap()
        .contains(&anchor_idl_address(AUTHORITY).unwrap()));
    // Anonymous callers import nothing, before any RPC call.
    let (status, _) = server
        .send(&As::Anonymous, "POST", "/api/idl/import", Some(import))
        .await;
    assert_eq!(status, 401);
}
