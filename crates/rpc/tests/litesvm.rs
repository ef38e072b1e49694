//! The client against a real SVM: `tests/litesvm-rpc/server.mjs` (LiteSVM behind JSON-RPC).
//!
//! Needs Node ≥ 20 and `npm ci --prefix tests/litesvm-rpc`. Missing either is a failure, not a
//! skip, unless `ORQUESTRA_SKIP_NODE_TESTS=1`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use base64::Engine as _;
use orquestra_rpc::{
    Cluster, Endpoint, Filter, ProgramAccountsQuery, RpcClient, RpcConfig, SimulateOptions,
};
use serde_json::json;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

const SYSTEM: &str = "11111111111111111111111111111111";
const SENDER: &str = "4Nd1mBQtrMJVYVfKf2PJy9NZUZdTAsp7D4xWLs4gDB4T";
const RECIPIENT: &str = "9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin";

fn server_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/litesvm-rpc")
}

fn skip_requested() -> bool {
    std::env::var("ORQUESTRA_SKIP_NODE_TESTS").is_ok_and(|v| v == "1")
}

/// Starts the server; `None` only when node tests are explicitly skipped.
async fn start_server() -> Option<(Child, String)> {
    let dir = server_dir();
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

/// A legacy message with one signer (the fee payer = sender) and one System `transfer`,
/// preceded by one all-zero signature.
fn transfer_tx(from: &str, to: &str, lamports: u64, blockhash: &[u8; 32]) -> String {
    let key = |s: &str| -> [u8; 32] { bs58::decode(s).into_vec().unwrap().try_into().unwrap() };
    let mut tx = vec![1u8]; // signature count
    tx.extend_from_slice(&[0u8; 64]);
    tx.extend_from_slice(&[1, 0, 1]); // header: 1 signer, 0 readonly signed, 1 readonly unsigned
    tx.push(3); // account keys
    tx.extend_from_slice(&key(from));
    tx.extend_from_slice(&key(to));
    tx.extend_from_slice(&key(SYSTEM));
    tx.extend_from_slice(blockhash);
    tx.push(1); // instructions
    tx.push(2); // program id index (System)
    tx.extend_from_slice(&[2, 0, 1]); // accounts: from, to
    let mut data = 2u32.to_le_bytes().to_vec(); // SystemInstruction::Transfer
    data.extend_from_slice(&lamports.to_le_bytes());
    tx.push(u8::try_from(data.len()).unwrap());
    tx.extend_from_slice(&data);
    base64::engine::general_purpose::STANDARD.encode(tx)
}

async fn setup() -> Option<(Child, RpcClient, Endpoint)> {
    let (child, url) = start_server().await?;
    let config = RpcConfig::default()
        .with_cluster_url(Cluster::Localnet, &url)
        .unwrap();
    let rpc = RpcClient::new(config).unwrap();
    let ep = rpc.endpoint(Some("localnet"), None).await.unwrap();
    Some((child, rpc, ep))
}

#[tokio::test]
async fn litesvm_blockhash_accounts_and_simulated_transfer() {
    let Some((_child, rpc, ep)) = setup().await else {
        return;
    };

    // getLatestBlockhash: a 32-byte base58 hash.
    let latest = rpc.get_latest_blockhash(&ep).await.unwrap();
    let hash: [u8; 32] = bs58::decode(&latest.blockhash)
        .into_vec()
        .unwrap()
        .try_into()
        .expect("blockhash is 32 bytes");
    assert!(latest.last_valid_block_height > 0);

    // Airdrop, then the account is there, owned by System.
    let airdrop = 5_000_000_000u64;
    rpc.call(&ep, "litesvm_airdrop", json!([SENDER, airdrop]))
        .await
        .unwrap();
    let account = rpc.get_account_info(&ep, SENDER).await.unwrap().unwrap();
    assert_eq!(account.lamports, airdrop);
    assert_eq!(account.owner, SYSTEM);
    assert!(account.data.is_empty());
    assert!(!account.executable);
    assert_eq!(rpc.get_account_info(&ep, RECIPIENT).await.unwrap(), None);
    let both = rpc
        .get_multiple_accounts(&ep, &[SENDER, RECIPIENT])
        .await
        .unwrap();
    assert_eq!(both[0].as_ref().map(|a| a.lamports), Some(airdrop));
    assert_eq!(both[1], None);

    // Simulate an unsigned System transfer: success, real logs and compute units.
    let amount = 1_000_000_000u64;
    let tx = transfer_tx(SENDER, RECIPIENT, amount, &hash);
    let options = SimulateOptions {
        accounts: Some(vec![RECIPIENT.to_owned()]),
        ..SimulateOptions::default()
    };
    let sim = rpc.simulate_transaction(&ep, &tx, &options).await.unwrap();
    assert_eq!(sim.err, None, "logs: {:?}", sim.logs);
    assert!(
        sim.logs
            .iter()
            .any(|l| l == "Program 11111111111111111111111111111111 success"),
        "{:?}",
        sim.logs
    );
    assert!(sim.units_consumed.unwrap_or(0) > 0);
    let post = sim.accounts.unwrap();
    assert_eq!(post[0].as_ref().map(|a| a.lamports), Some(amount));
    // A simulation changes nothing.
    assert_eq!(rpc.get_account_info(&ep, RECIPIENT).await.unwrap(), None);

    // A stale blockhash fails like on a real node, unless the node replaces it.
    let stale = transfer_tx(SENDER, RECIPIENT, amount, &[7u8; 32]);
    let sim = rpc
        .simulate_transaction(&ep, &stale, &SimulateOptions::default())
        .await
        .unwrap();
    assert_eq!(sim.err, Some(json!("BlockhashNotFound")));
    let replace = SimulateOptions {
        replace_recent_blockhash: true,
        ..SimulateOptions::default()
    };
    let sim = rpc
        .simulate_transaction(&ep, &stale, &replace)
        .await
        .unwrap();
    assert_eq!(sim.err, None, "logs: {:?}", sim.logs);

    // Spending more than the balance: the System program's custom error 1 (insufficient funds).
    let too_much = transfer_tx(SENDER, RECIPIENT, airdrop * 2, &hash);
    let sim = rpc
        .simulate_transaction(&ep, &too_much, &SimulateOptions::default())
        .await
        .unwrap();
    assert_eq!(
        sim.err,
        Some(json!({"InstructionError": [0, {"Custom": 1}]}))
    );
    assert!(
        sim.logs.iter().any(|l| l.contains("failed")),
        "{:?}",
        sim.logs
    );

    // getProgramAccounts with a filter and context.
    let query = ProgramAccountsQuery {
        filters: vec![Filter::DataSize(0)],
        with_context: true,
        ..Default::default()
    };
    let owned = rpc.get_program_accounts(&ep, SYSTEM, &query).await.unwrap();
    assert!(owned.slot.is_some());
    assert!(owned
        .accounts
        .iter()
        .any(|(k, a)| k == SENDER && a.lamports == airdrop));

    // A malformed transaction is the node's JSON-RPC error.
    let err = rpc
        .simulate_transaction(&ep, "AAAA", &SimulateOptions::default())
        .await
        .unwrap_err();
    assert_eq!(err.code(), "rpc_error", "{err}");
}
