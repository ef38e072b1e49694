#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The server-rendered pages in a real browser: Debian's chromium driven by Playwright
//! (`tests/web-e2e/run.mjs`) against a real server whose localnet is LiteSVM
//! (`tests/litesvm-rpc`), with a Wallet Standard test wallet that signs in Node and sends to
//! LiteSVM. One test, so chromium, LiteSVM and the server start once; the scenarios (search, Try
//! it, upload, API keys, private 404, sign and send, transaction decoding) are listed in
//! `tests/web-e2e/README.md`. Full-page screenshots land in `$CARGO_TARGET_TMPDIR/web-screenshots`.
//!
//! Needs `tests/web-e2e/node_modules` (skipped with `ORQUESTRA_SKIP_NODE_TESTS=1`, like every Node
//! test) and `/usr/bin/chromium` or `ORQUESTRA_CHROMIUM` (skipped with
//! `ORQUESTRA_SKIP_BROWSER_TESTS=1`).

mod common;

use std::path::PathBuf;
use std::time::Duration;

use common::{litesvm, start_with_rpc, As, TestServer};
use orquestra_rpc::{Cluster, RpcConfig};
use serde_json::{json, Value};

const TOKEN: &str = "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA";
const MEMO: &str = "MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr";
const TOKEN_PROJECT_NAME: &str = "SPL Token";
const TYPED_PROGRAM: &str = "BUYuxRfhCMWavaUWxhGtPP3ksKEDZxCD5gzknk3JfAya";
/// A small Anchor IDL (2 KiB, with its `address`): the test server's body limit is 64 KiB.
const UPLOAD_IDL: &str = "testdata/idls/anchor/transfer_hook_counter.json";

fn repo(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(rel)
}

fn skip_requested(var: &str) -> bool {
    std::env::var(var).is_ok_and(|v| v == "1")
}

/// `Some(())` when the Node package and chromium are there; `None` when they are missing and the
/// matching skip variable is set; a failure otherwise.
fn prerequisites() -> Option<()> {
    if !repo("tests/web-e2e/node_modules/playwright-core/package.json").exists() {
        assert!(
            skip_requested("ORQUESTRA_SKIP_NODE_TESTS"),
            "tests/web-e2e/node_modules is missing: run scripts/test.sh or `npm ci --prefix tests/web-e2e`"
        );
        return None;
    }
    let chromium = std::env::var_os("ORQUESTRA_CHROMIUM")
        .map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from);
    if !chromium.exists() {
        assert!(
            skip_requested("ORQUESTRA_SKIP_BROWSER_TESTS"),
            "{} is missing: `apt-get install -y --no-install-recommends chromium` (or set ORQUESTRA_CHROMIUM, or ORQUESTRA_SKIP_BROWSER_TESTS=1)",
            chromium.display()
        );
        return None;
    }
    Some(())
}

fn read_idl(rel: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(repo(rel)).unwrap()).unwrap()
}

async fn upload(server: &TestServer, who: &As, name: &str, rel: &str, program_id: &str) -> Value {
    let (status, body) = server
        .send(
            who,
            "POST",
            "/api/idl/upload",
            Some(json!({"name": name, "programId": program_id, "idl": read_idl(rel)})),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    body["project"].clone()
}

#[tokio::test]
async fn the_pages_work_in_a_real_browser() {
    if prerequisites().is_none() {
        return;
    }
    let Some((_svm, rpc_url)) = litesvm().await else {
        return;
    };
    let rpc = RpcConfig::default()
        .with_cluster_url(Cluster::Localnet, &rpc_url)
        .unwrap();
    let server = start_with_rpc(|_| {}, rpc).await;
    let (_, alice) = server.user(1).await;
    let (_, bob) = server.user(2).await;
    // A second session of alice's, for the scenario that signs out (which revokes it).
    let (_, alice_spare) = server.user(1).await;
    let token_of = |who: &As| match who {
        As::Bearer(token) => token.clone(),
        other => panic!("not a session: {other:?}"),
    };

    let token = upload(
        &server,
        &alice,
        TOKEN_PROJECT_NAME,
        "testdata/idls/codama/spl_token.json",
        TOKEN,
    )
    .await;
    assert_eq!(token["isPublic"], true, "uploads are public by default");

    let private = upload(
        &server,
        &alice,
        "Private memo",
        "testdata/idls/codama/spl_memo.json",
        MEMO,
    )
    .await;
    let private_id = private["id"].as_str().unwrap().to_string();
    let (status, body) = server
        .send(
            &alice,
            "PUT",
            &format!("/api/projects/{private_id}"),
            Some(json!({"isPublic": false})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["project"]["isPublic"], false, "{body}");
    let (status, _) = server
        .send(
            &As::Anonymous,
            "GET",
            &format!("/api/projects/{private_id}"),
            None,
        )
        .await;
    assert_eq!(status, 404, "the private project is hidden from others");

    // An IDL whose one instruction takes an enum, an option and a vector: the try-it form's
    // picker, toggle and JSON field.
    let typed_idl = json!({
        "address": TYPED_PROGRAM,
        "metadata": {"name": "typed_demo", "version": "0.1.0", "spec": "0.1.0"},
        "instructions": [{
            "name": "configure",
            "discriminator": [1, 2, 3, 4, 5, 6, 7, 8],
            "accounts": [
                {"name": "authority", "signer": true},
                {"name": "system_program", "address": "11111111111111111111111111111111"}
            ],
            "args": [
                {"name": "mode", "type": {"defined": {"name": "Mode"}}},
                {"name": "limit", "type": {"option": "u64"}},
                {"name": "flags", "type": {"vec": "u8"}}
            ]
        }],
        "types": [{"name": "Mode", "type": {"kind": "enum", "variants": [{"name": "Fast"}, {"name": "Slow"}]}}]
    });
    let (status, body) = server
        .send(
            &alice,
            "POST",
            "/api/idl/upload",
            Some(json!({"name": "Typed demo", "programId": TYPED_PROGRAM, "idl": typed_idl})),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let typed_id = body["project"]["id"].clone();

    let screenshots = PathBuf::from(concat!(env!("CARGO_TARGET_TMPDIR"), "/web-screenshots"));
    let _ = std::fs::remove_dir_all(&screenshots);
    std::fs::create_dir_all(&screenshots).unwrap();
    let config = json!({
        "baseUrl": server.base,
        "rpcUrl": rpc_url,
        "aliceToken": token_of(&alice),
        "bobToken": token_of(&bob),
        "aliceSpareToken": token_of(&alice_spare),
        "tokenProjectId": token["id"],
        "tokenProjectName": TOKEN_PROJECT_NAME,
        "privateProjectId": private_id,
        "typedProjectId": typed_id,
        "uploadIdlPath": repo(UPLOAD_IDL).canonicalize().unwrap(),
        "screenshotDir": screenshots,
    });

    // Awaited without blocking: the server answers the browser from this same runtime.
    let child = tokio::process::Command::new("node")
        .arg(repo("tests/web-e2e/run.mjs"))
        .env("WEB_E2E_CONFIG", config.to_string())
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("node must be on PATH");
    let output = tokio::time::timeout(Duration::from_secs(600), child.wait_with_output())
        .await
        .expect("the browser scenarios took over 10 minutes")
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "tests/web-e2e/run.mjs failed ({}); screenshots in {}\n--- stdout\n{stdout}\n--- stderr\n{stderr}",
        output.status,
        screenshots.display()
    );
    println!("{stdout}");
}
