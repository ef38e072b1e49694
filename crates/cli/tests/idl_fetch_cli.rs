//! `orquestra idl fetch` run as a real process against a real SVM behind JSON-RPC
//! (`tests/litesvm-rpc/server.mjs`), by cluster name and by an allow-listed custom URL.
//!
//! Needs Node ≥ 20 and `npm ci --prefix tests/litesvm-rpc`. Missing either is a failure, not a
//! skip, unless `ORQUESTRA_SKIP_NODE_TESTS=1`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::process::{Output, Stdio};
use std::time::Duration;

use orquestra_rpc::{Cluster, RpcClient, RpcConfig};
use orquestra_tx::published_idl::{
    metadata_address, padded_seed, IDL_SEED, PROGRAM_METADATA_PROGRAM_ID,
};
use serde_json::json;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

const TOKEN_PROGRAM: &str = "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA";
const NOTHING_PROGRAM: &str = "SysvarC1ock11111111111111111111111111111111";

fn repo(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(rel)
}

fn skip_requested() -> bool {
    std::env::var("ORQUESTRA_SKIP_NODE_TESTS").is_ok_and(|v| v == "1")
}

/// Starts the server; `None` only when node tests are explicitly skipped.
async fn start_server() -> Option<(Child, String)> {
    let dir = repo("tests/litesvm-rpc");
    if !dir.join("node_modules/litesvm/package.json").exists() {
        if skip_requested() {
            eprintln!("skipping: ORQUESTRA_SKIP_NODE_TESTS=1 and tests/litesvm-rpc/node_modules is missing");
            return None;
        }
        panic!(
            "tests/litesvm-rpc/node_modules is missing: run `npm ci --prefix tests/litesvm-rpc` \
             (or set ORQUESTRA_SKIP_NODE_TESTS=1 to skip the Node-backed tests)"
        );
    }
    let spawned = Command::new("node")
        .arg(dir.join("server.mjs"))
        .arg("0")
        .arg("--watch-stdin")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn();
    let mut child = match spawned {
        Ok(child) => child,
        Err(e) if skip_requested() => {
            eprintln!("skipping: ORQUESTRA_SKIP_NODE_TESTS=1 and `node` cannot start ({e})");
            return None;
        }
        Err(e) => panic!("cannot start `node` ({e}): install Node >= 20, then run `npm ci --prefix tests/litesvm-rpc`"),
    };
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let first = tokio::time::timeout(Duration::from_secs(60), lines.next_line())
        .await
        .expect("litesvm-rpc server did not print its address within 60 s")
        .expect("reading the server's stdout")
        .expect("litesvm-rpc server exited before printing its address (see stderr above)");
    let url = first
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("unexpected first line from server.mjs: {first:?}"))
        .to_owned();
    Some((child, url))
}

/// Runs `orquestra idl fetch ARGS` with exactly the given `ORQUESTRA_RPC_*` variables.
async fn fetch(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_orquestra"));
    command.arg("idl").arg("fetch").args(args);
    for (name, _) in std::env::vars() {
        if name.starts_with("ORQUESTRA_RPC_") {
            command.env_remove(name);
        }
    }
    command.envs(env.iter().copied());
    command.stdin(Stdio::null()).output().await.unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).trim_end().to_owned()
}

#[tokio::test]
async fn idl_fetch_reads_a_published_idl_from_a_real_svm() {
    let Some((_child, url)) = start_server().await else {
        return;
    };
    let config = RpcConfig::default()
        .with_cluster_url(Cluster::Localnet, &url)
        .unwrap();
    let rpc = RpcClient::new(config).unwrap();
    let ep = rpc.endpoint(Some("localnet"), None).await.unwrap();
    rpc.call(&ep, "litesvm_warpToSlot", json!([77]))
        .await
        .unwrap();

    // A canonical Program Metadata `idl` account: direct, utf8, uncompressed, json.
    let idl = std::fs::read(repo("testdata/idls/codama/spl_token.json")).unwrap();
    let mut data = vec![2u8];
    data.extend_from_slice(&orquestra_idl::address::parse_address(TOKEN_PROGRAM).unwrap());
    data.extend_from_slice(&[0; 32]);
    data.extend_from_slice(&[1, 1]);
    data.extend_from_slice(&padded_seed(IDL_SEED).unwrap());
    data.extend_from_slice(&[1, 0, 1, 0]);
    data.extend_from_slice(&u32::try_from(idl.len()).unwrap().to_le_bytes());
    data.extend_from_slice(&[0; 5]);
    data.extend_from_slice(&idl);
    let account = metadata_address(TOKEN_PROGRAM, None, IDL_SEED).unwrap();
    rpc.call(
        &ep,
        "litesvm_setAccount",
        json!([account, {
            "lamports": 1_000_000_000u64,
            "owner": PROGRAM_METADATA_PROGRAM_ID,
            "data": orquestra_tx::encoding::to_base64(&data),
            "executable": false,
        }]),
    )
    .await
    .unwrap();

    // By cluster name: the IDL on stdout, byte for byte; one summary line on stderr.
    let localnet = [("ORQUESTRA_RPC_LOCALNET_URL", url.as_str())];
    let out = fetch(&[TOKEN_PROGRAM, "--cluster", "localnet"], &localnet).await;
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(out.stdout == idl, "stdout is not the published IDL");
    let summary = stderr(&out);
    assert_eq!(summary.lines().count(), 1, "{summary}");
    assert!(
        summary.contains("program_metadata")
            && summary.contains(&account)
            && summary.contains("slot 77"),
        "{summary}"
    );

    // By custom URL, allowed by the operator's allow-list, into a file.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("idl.json");
    let allow = [("ORQUESTRA_RPC_ALLOW_CUSTOM", "127.0.0.1")];
    let out = fetch(
        &[
            TOKEN_PROGRAM,
            "--cluster",
            &url,
            "--out",
            file.to_str().unwrap(),
        ],
        &allow,
    )
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(out.stdout.is_empty());
    assert!(
        std::fs::read(&file).unwrap() == idl,
        "the file is not the published IDL"
    );

    // The same URL without the allow-list entry is refused before any request.
    let out = fetch(&[TOKEN_PROGRAM, "--cluster", &url], &[]).await;
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("is not allowed")
            && stderr(&out).contains("ORQUESTRA_RPC_ALLOW_CUSTOM"),
        "{}",
        stderr(&out)
    );

    // Nothing published: a one-line error naming the addresses tried, non-zero exit.
    let out = fetch(&[NOTHING_PROGRAM, "--cluster", "localnet"], &localnet).await;
    assert!(!out.status.success());
    let line = stderr(&out);
    assert_eq!(line.lines().count(), 1, "{line}");
    assert!(
        line.starts_with("error: no IDL published on chain for"),
        "{line}"
    );
    assert!(out.stdout.is_empty());

    // An unknown cluster name.
    let out = fetch(&[TOKEN_PROGRAM, "--cluster", "moonnet"], &[]).await;
    assert!(!out.status.success());
    assert!(stderr(&out).contains("unknown cluster"), "{}", stderr(&out));
}
