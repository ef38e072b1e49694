//! `fetch_published_idl` against a real SVM behind JSON-RPC (`tests/litesvm-rpc/server.mjs`):
//! accounts are written with `litesvm_setAccount` at the derived addresses, then fetched.
//!
//! Needs Node ≥ 20 and `npm ci --prefix tests/litesvm-rpc`. Missing either is a failure, not a
//! skip, unless `ORQUESTRA_SKIP_NODE_TESTS=1`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use base64::Engine as _;
use orquestra_onchain::{
    fetch_published_idl, FetchIdlError, FetchOptions, IdlScheme, IdlSource, PublishedIdl,
};
use orquestra_rpc::{Cluster, Endpoint, RpcClient, RpcConfig, RpcError};
use orquestra_tx::published_idl::{
    anchor_idl_address, metadata_address, padded_seed, PublishedIdlError, IDL_SEED,
    PROGRAM_METADATA_PROGRAM_ID,
};
use serde_json::json;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

const QUARRY_MINE: &str = "QMNeHCGYnLVDn1icRAfQZpjPLBNkfGbSKRB83G5d8KB";
const TOKEN_PROGRAM: &str = "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA";
const EXTERNAL_PROGRAM: &str = "9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin";
const URL_PROGRAM: &str = "4Nd1mBQtrMJVYVfKf2PJy9NZUZdTAsp7D4xWLs4gDB4T";
const NOTHING_PROGRAM: &str = "SysvarC1ock11111111111111111111111111111111";
const AUTHORITY: &str = "8yjJ1cQtYFFarxCP1NXnJHg9cgKHg1tZHs73wJVFVg8A";
const EXTERNAL_ACCOUNT: &str = "C88XWfp26heEmDkmfSzeXP7Fd7GQJ2j9dDTUsyiZbUTa";
const SYSTEM: &str = "11111111111111111111111111111111";
const ANCHOR_DISCRIMINATOR: [u8; 8] = [0x8c, 0x24, 0xa6, 0x02, 0x67, 0xc5, 0x21, 0xa4];

fn repo(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(rel)
}

fn corpus(rel: &str) -> Vec<u8> {
    std::fs::read(repo("testdata/idls").join(rel)).unwrap()
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

fn zlib(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

fn key(text: &str) -> [u8; 32] {
    orquestra_idl::address::parse_address(text).unwrap()
}

/// A Program Metadata `metadata` account: encoding utf8, format json.
fn metadata(
    program: &str,
    authority: Option<&str>,
    compression: u8,
    source: u8,
    data: &[u8],
) -> Vec<u8> {
    let mut out = vec![2u8];
    out.extend_from_slice(&key(program));
    out.extend_from_slice(&authority.map_or([0; 32], key));
    out.extend_from_slice(&[1, u8::from(authority.is_none())]);
    out.extend_from_slice(&padded_seed(IDL_SEED).unwrap());
    out.extend_from_slice(&[1, compression, 1, source]);
    out.extend_from_slice(&u32::try_from(data.len()).unwrap().to_le_bytes());
    out.extend_from_slice(&[0; 5]);
    out.extend_from_slice(data);
    out
}

async fn set_account(rpc: &RpcClient, ep: &Endpoint, address: &str, owner: &str, data: &[u8]) {
    let data = base64::engine::general_purpose::STANDARD.encode(data);
    rpc.call(
        ep,
        "litesvm_setAccount",
        json!([address, {"lamports": 1_000_000_000u64, "owner": owner, "data": data, "executable": false}]),
    )
    .await
    .unwrap();
}

async fn fetch(
    rpc: &RpcClient,
    ep: &Endpoint,
    program: &str,
) -> Result<PublishedIdl, FetchIdlError> {
    fetch_published_idl(rpc, ep, program, &FetchOptions::default()).await
}

#[tokio::test]
async fn fetches_published_idls_from_a_real_svm() {
    let Some((_child, url)) = start_server().await else {
        return;
    };
    let config = RpcConfig::default()
        .with_cluster_url(Cluster::Localnet, &url)
        .unwrap();
    let rpc = RpcClient::new(config).unwrap();
    let ep = rpc.endpoint(Some("localnet"), None).await.unwrap();
    rpc.call(&ep, "litesvm_warpToSlot", json!([4242]))
        .await
        .unwrap();

    // Anchor: zlib IDL account at the derived address, owned by the program.
    let quarry = corpus("anchor/quarry_mine.json");
    let compressed = zlib(&quarry);
    let mut data = ANCHOR_DISCRIMINATOR.to_vec();
    data.extend_from_slice(&key(AUTHORITY));
    data.extend_from_slice(&u32::try_from(compressed.len()).unwrap().to_le_bytes());
    data.extend_from_slice(&compressed);
    data.extend_from_slice(&[0; 64]); // Anchor allocates more than it writes.
    let anchor_account = anchor_idl_address(QUARRY_MINE).unwrap();
    set_account(&rpc, &ep, &anchor_account, QUARRY_MINE, &data).await;
    let got = fetch(&rpc, &ep, QUARRY_MINE).await.unwrap();
    assert_eq!(got.scheme, IdlScheme::AnchorIdlAccount);
    assert_eq!(got.account, anchor_account);
    assert_eq!(got.slot, 4242);
    assert_eq!(got.authority.as_deref(), Some(AUTHORITY));
    assert_eq!(got.source, IdlSource::Account);
    assert!(got.idl == quarry, "the fetched IDL differs from the file");

    // Program Metadata, canonical `idl`, direct, gzip.
    let token = corpus("codama/spl_token.json");
    let pmp_account = metadata_address(TOKEN_PROGRAM, None, IDL_SEED).unwrap();
    set_account(
        &rpc,
        &ep,
        &pmp_account,
        PROGRAM_METADATA_PROGRAM_ID,
        &metadata(TOKEN_PROGRAM, None, 1, 0, &gzip(&token)),
    )
    .await;
    let got = fetch(&rpc, &ep, TOKEN_PROGRAM).await.unwrap();
    assert_eq!(got.scheme, IdlScheme::ProgramMetadata);
    assert_eq!(got.account, pmp_account);
    assert_eq!(got.slot, 4242);
    assert_eq!(got.authority, None);
    assert_eq!(got.source, IdlSource::Account);
    assert!(got.idl == token, "the fetched IDL differs from the file");

    // Program Metadata, `external`: 5 bytes in, zlib, to the end of a second account.
    let pmp_idl = corpus("codama/program_metadata.json");
    let mut external = vec![9u8; 5];
    external.extend_from_slice(&zlib(&pmp_idl));
    set_account(
        &rpc,
        &ep,
        EXTERNAL_ACCOUNT,
        PROGRAM_METADATA_PROGRAM_ID,
        &external,
    )
    .await;
    let mut reference = key(EXTERNAL_ACCOUNT).to_vec();
    reference.extend_from_slice(&5u32.to_le_bytes());
    reference.extend_from_slice(&0u32.to_le_bytes());
    let ext_meta = metadata_address(EXTERNAL_PROGRAM, None, IDL_SEED).unwrap();
    set_account(
        &rpc,
        &ep,
        &ext_meta,
        PROGRAM_METADATA_PROGRAM_ID,
        &metadata(EXTERNAL_PROGRAM, None, 2, 2, &reference),
    )
    .await;
    let got = fetch(&rpc, &ep, EXTERNAL_PROGRAM).await.unwrap();
    assert_eq!(got.account, ext_meta);
    assert_eq!(
        got.source,
        IdlSource::External {
            address: EXTERNAL_ACCOUNT.to_owned(),
            slot: 4242
        }
    );
    assert!(got.idl == pmp_idl, "the fetched IDL differs from the file");

    // Neither scheme: NotFound with the addresses tried; with an authority, three.
    let err = fetch(&rpc, &ep, NOTHING_PROGRAM).await.unwrap_err();
    let FetchIdlError::NotFound { tried, .. } = &err else {
        panic!("{err}")
    };
    assert_eq!(
        *tried,
        [
            anchor_idl_address(NOTHING_PROGRAM).unwrap(),
            metadata_address(NOTHING_PROGRAM, None, IDL_SEED).unwrap()
        ]
    );
    assert_eq!(err.code(), orquestra_api::ErrorCode::IdlNotPublished);

    // A third-party (non-canonical) account is found only when its authority is given.
    let third = metadata_address(NOTHING_PROGRAM, Some(AUTHORITY), IDL_SEED).unwrap();
    set_account(
        &rpc,
        &ep,
        &third,
        PROGRAM_METADATA_PROGRAM_ID,
        &metadata(NOTHING_PROGRAM, Some(AUTHORITY), 0, 0, b"{\"name\":\"x\"}"),
    )
    .await;
    assert!(matches!(
        fetch(&rpc, &ep, NOTHING_PROGRAM).await,
        Err(FetchIdlError::NotFound { .. })
    ));
    let options = FetchOptions {
        metadata_authority: Some(AUTHORITY.to_owned()),
        ..FetchOptions::default()
    };
    let got = fetch_published_idl(&rpc, &ep, NOTHING_PROGRAM, &options)
        .await
        .unwrap();
    assert_eq!(got.account, third);
    assert_eq!(got.authority.as_deref(), Some(AUTHORITY));
    assert_eq!(got.idl, b"{\"name\":\"x\"}");

    // A `url` source: refused unless allowed; allowed, a loopback host is still refused.
    let url_meta = metadata_address(URL_PROGRAM, None, IDL_SEED).unwrap();
    set_account(
        &rpc,
        &ep,
        &url_meta,
        PROGRAM_METADATA_PROGRAM_ID,
        &metadata(URL_PROGRAM, None, 0, 1, b"https://127.0.0.1:9/idl.json"),
    )
    .await;
    let err = fetch(&rpc, &ep, URL_PROGRAM).await.unwrap_err();
    assert_eq!(
        err,
        FetchIdlError::UrlSourceNotAllowed {
            url: "https://127.0.0.1:9/idl.json".to_owned()
        }
    );
    let allow = FetchOptions {
        allow_url: true,
        ..FetchOptions::default()
    };
    let err = fetch_published_idl(&rpc, &ep, URL_PROGRAM, &allow)
        .await
        .unwrap_err();
    assert!(
        matches!(
            &err,
            FetchIdlError::UrlFetch { source, .. }
                if matches!(**source, RpcError::PrivateAddress { .. })
        ),
        "{err}"
    );

    // An account at the Anchor address that the program does not own is refused.
    let stray = anchor_idl_address(URL_PROGRAM).unwrap();
    set_account(&rpc, &ep, &stray, SYSTEM, &data).await;
    let err = fetch(&rpc, &ep, URL_PROGRAM).await.unwrap_err();
    assert!(
        matches!(&err, FetchIdlError::WrongOwner { owner, .. } if owner == SYSTEM),
        "{err}"
    );

    // Hostile bytes at the right address: a typed decoding error naming the account.
    let bad = metadata_address(NOTHING_PROGRAM, None, IDL_SEED).unwrap();
    set_account(&rpc, &ep, &bad, PROGRAM_METADATA_PROGRAM_ID, &[2, 0, 0]).await;
    let err = fetch(&rpc, &ep, NOTHING_PROGRAM).await.unwrap_err();
    assert!(
        matches!(&err, FetchIdlError::Decode(PublishedIdlError::Truncated { account, field: "program", .. }) if *account == bad),
        "{err}"
    );
}
