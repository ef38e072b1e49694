#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The transaction builder and on-chain reads end to end, against a real SVM: LiteSVM behind
//! JSON-RPC (`tests/litesvm-rpc`), with @solana/web3.js as the independent check of the wire
//! format.

mod common;

use std::path::PathBuf;

use common::{litesvm, node_verify, rpc_call, start, start_with_rpc, As, TestServer};
use orquestra_rpc::{Cluster, RpcConfig};
use serde_json::{json, Value};

const PAYER: &str = "4Nd1mBQtrMJVYVfKf2PJy9NZUZdTAsp7D4xWLs4gDB4T";
const OTHER: &str = "9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin";
const MINT: &str = "6XWGnb19vQSKG6xSPBLbdfnoeDoWXshhqCSEck1XKLNq";
const TOKEN: &str = "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA";

fn idl(rel: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata/idls")
        .join(rel);
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

async fn upload(server: &TestServer, who: &As, rel: &str, program_id: &str) -> String {
    let (status, body) = server
        .send(
            who,
            "POST",
            "/api/idl/upload",
            Some(json!({"name": rel, "programId": program_id, "idl": idl(rel)})),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    body["project"]["id"].as_str().unwrap().to_string()
}

async fn build(server: &TestServer, id: &str, ix: &str, body: Value) -> Value {
    let (status, response) = server
        .send(
            &As::Anonymous,
            "POST",
            &format!("/api/{id}/instructions/{ix}/build"),
            Some(body),
        )
        .await;
    assert_eq!(status, 200, "{ix}: {response}");
    response
}

/// The response's transaction, checked by web3.js against the response's own message description.
fn web3_check(responses: &[&Value]) {
    let requests: Vec<Value> = responses
        .iter()
        .enumerate()
        .map(|(id, r)| {
            use base64::Engine as _;
            let text = r["transaction"].as_str().unwrap();
            let tx_base64 = if r["encoding"] == "base58" {
                base64::engine::general_purpose::STANDARD
                    .encode(bs58::decode(text).into_vec().unwrap())
            } else {
                text.to_string()
            };
            json!({
                "kind": "tx", "id": id,
                "tx_base64": tx_base64,
                "expected": {
                    "header": [
                        r["message"]["header"]["numRequiredSignatures"],
                        r["message"]["header"]["numReadonlySignedAccounts"],
                        r["message"]["header"]["numReadonlyUnsignedAccounts"],
                    ],
                    "accounts": r["message"]["accountKeys"],
                    "program_id": r["instruction"]["programId"],
                    "data_hex": r["instruction"]["data"]["hex"],
                }
            })
        })
        .collect();
    if let Some(answers) = node_verify(&requests) {
        for answer in answers {
            assert_eq!(answer["ok"], true, "{answer}");
        }
    }
}

#[tokio::test]
async fn built_transactions_simulate_on_litesvm_and_failures_are_decoded_by_name() {
    let Some((_svm, url)) = litesvm().await else {
        return;
    };
    let rpc = RpcConfig::default()
        .with_cluster_url(Cluster::Localnet, &url)
        .unwrap();
    let server = start_with_rpc(|_| {}, rpc).await;
    let (_, alice) = server.user(1).await;
    rpc_call(&url, "litesvm_airdrop", json!([PAYER, 10_000_000_000u64])).await;
    let system = upload(
        &server,
        &alice,
        "codama/spl_system.json",
        "11111111111111111111111111111111",
    )
    .await;
    let token = upload(&server, &alice, "codama/spl_token.json", TOKEN).await;
    let memo = upload(
        &server,
        &alice,
        "codama/spl_memo.json",
        "MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr",
    )
    .await;
    let budget = upload(
        &server,
        &alice,
        "codama/spl_compute_budget.json",
        "ComputeBudget111111111111111111111111111111",
    )
    .await;
    let ata = upload(
        &server,
        &alice,
        "codama/spl_associated_token_account.json",
        "ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL",
    )
    .await;

    // An uninitialised mint account (82 zero bytes owned by the token program).
    let token_program = server.db.store.get_project(&token).await.unwrap().unwrap();
    let program = orquestra_server::programs::parse_stored(
        &token_program,
        &idl("codama/spl_token.json").to_string(),
    )
    .unwrap();
    let empty_mint = vec![0u8; 82];
    use base64::Engine as _;
    let b64 = |b: &[u8]| base64::engine::general_purpose::STANDARD.encode(b);
    rpc_call(
        &url,
        "litesvm_setAccount",
        json!([MINT, {"lamports": 1_461_600, "owner": TOKEN, "data": b64(&empty_mint)}]),
    )
    .await;

    let common = json!({"feePayer": PAYER, "cluster": "localnet", "simulate": true});
    let with = |extra: Value| {
        let mut body = common.clone();
        for (k, v) in extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        body
    };
    let transfer = build(&server, &system, "transferSol", with(json!({"args": {"amount": "1000000000"}, "accounts": {"source": PAYER, "destination": OTHER}}))).await;
    let memo_tx = build(
        &server,
        &memo,
        "addMemo",
        with(json!({"args": {"memo": "hello from orquestra"}})),
    )
    .await;
    let cu = build(
        &server,
        &budget,
        "setComputeUnitLimit",
        with(json!({"args": {"units": 300_000}})),
    )
    .await;
    let init = build(
        &server,
        &token,
        "initializeMint2",
        with(json!({"args": {"decimals": 6, "mintAuthority": PAYER, "freezeAuthority": null}, "accounts": {"mint": MINT}, "version": 0, "computeUnitPrice": 1000})),
    )
    .await;
    for (name, response) in [
        ("transferSol", &transfer),
        ("addMemo", &memo_tx),
        ("setComputeUnitLimit", &cu),
        ("initializeMint2", &init),
    ] {
        assert_eq!(
            response["simulation"]["success"], true,
            "{name}: {}",
            response["simulation"]
        );
        assert!(
            response["simulation"]["unitsConsumed"].as_u64().unwrap() > 0,
            "{name}"
        );
        assert_eq!(response["blockhashSource"], "rpc");
        assert_eq!(response["network"], "localnet");
    }
    assert_eq!(init["wireFormat"], "v0");
    assert!(
        init["fee"]["lamports"].as_u64().unwrap() > 5000,
        "priority fee counted: {}",
        init["fee"]
    );

    // Initialised mint → a second initializeMint2 fails with token error 6, decoded by name.
    let initialised = program
        .encode_account("mint", &json!({"mintAuthority": PAYER, "supply": "0", "decimals": 6, "isInitialized": true, "freezeAuthority": null}))
        .unwrap();
    rpc_call(
        &url,
        "litesvm_setAccount",
        json!([MINT, {"lamports": 1_461_600, "owner": TOKEN, "data": b64(&initialised)}]),
    )
    .await;
    let again = build(&server, &token, "initializeMint2", with(json!({"args": {"decimals": 6, "mintAuthority": PAYER, "freezeAuthority": null}, "accounts": {"mint": MINT}}))).await;
    let simulation = &again["simulation"];
    assert_eq!(simulation["success"], false);
    assert_eq!(
        simulation["decodedError"]["name"], "alreadyInUse",
        "{simulation}"
    );
    assert_eq!(simulation["decodedError"]["code"], 6);

    // The ATA of a wallet for the (now initialised) mint: derived by the resolver, created on the SVM.
    let create = build(
        &server,
        &ata,
        "create",
        with(json!({"accounts": {"funder": PAYER, "wallet": OTHER, "mint": MINT}})),
    )
    .await;
    assert_eq!(
        create["simulation"]["success"], true,
        "{}",
        create["simulation"]
    );
    let derived = create["instruction"]["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == "associatedTokenAccount")
        .unwrap();
    let owner_bytes = bs58::decode(OTHER).into_vec().unwrap();
    let expected = orquestra_tx::pda::derive_raw(
        "ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL",
        &[
            owner_bytes,
            bs58::decode(TOKEN).into_vec().unwrap(),
            bs58::decode(MINT).into_vec().unwrap(),
        ],
    )
    .unwrap();
    assert_eq!(derived["pubkey"], expected.address.as_str());

    // A raw simulation of a built transaction, and decoding it back with the IDL.
    let (status, raw) = server
        .send(
            &As::Anonymous,
            "POST",
            "/api/transactions/simulate",
            Some(json!({"transaction": transfer["transaction"], "cluster": "localnet"})),
        )
        .await;
    assert_eq!(
        (status, raw["success"].as_bool()),
        (200, Some(true)),
        "{raw}"
    );
    let (status, decoded) = server
        .send(
            &As::Anonymous,
            "POST",
            "/api/transactions/decode",
            Some(json!({"transaction": transfer["transaction"]})),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        decoded["instructions"][0]["instructionName"], "transferSol",
        "{decoded}"
    );
    assert_eq!(decoded["instructions"][0]["args"]["amount"], "1000000000");

    web3_check(&[&transfer, &memo_tx, &cu, &init, &again, &create]);
}

#[tokio::test]
async fn accounts_encoded_by_the_golden_vectors_are_fetched_decoded_and_queried() {
    let Some((_svm, url)) = litesvm().await else {
        return;
    };
    let rpc = RpcConfig::default()
        .with_cluster_url(Cluster::Localnet, &url)
        .unwrap();
    let server = start_with_rpc(|_| {}, rpc).await;
    let (_, alice) = server.user(1).await;
    use base64::Engine as _;
    let b64 = |b: &[u8]| base64::engine::general_purpose::STANDARD.encode(b);
    let mut checked = 0;
    for (rel, stem, program_id) in [
        ("codama/spl_token.json", "spl_token", TOKEN),
        (
            "anchor/pump.json",
            "pump",
            "6EF8rrecthR5Dkzon8Nwu78hRvfCKubJ14M5uBEwF6P",
        ),
        (
            "anchor-legacy/marinade_finance.json",
            "marinade_finance",
            "MarBmsSgKXdrN1egZf5sqe1TMai9K1rChYNDJgjq7aD",
        ),
    ] {
        let id = upload(&server, &alice, rel, program_id).await;
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join(format!("../../testdata/vectors/accounts/{stem}.jsonl"));
        let vectors: Vec<Value> = std::fs::read_to_string(path)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        for (n, vector) in vectors.iter().enumerate().take(6) {
            let address =
                orquestra_tx::pda::derive_raw(program_id, &[format!("{stem}-{n}").into_bytes()])
                    .unwrap()
                    .address;
            let data = hex_decode(vector["hex"].as_str().unwrap());
            rpc_call(
                &url,
                "litesvm_setAccount",
                json!([address, {"lamports": 10_000_000, "owner": program_id, "data": b64(&data)}]),
            )
            .await;
            let account_type = vector["account"].as_str().unwrap();
            // By discriminator when the type has one; by name otherwise (e.g. token `mint` vs `multisig` by size).
            let (status, fetched) = server
                .send(
                    &As::Anonymous,
                    "GET",
                    &format!(
                        "/api/{id}/pda/fetch/{address}?cluster=localnet&accountType={account_type}"
                    ),
                    None,
                )
                .await;
            assert_eq!(status, 200, "{fetched}");
            assert_eq!(fetched["accountType"], account_type);
            assert_eq!(
                fetched["data"], vector["value"],
                "{stem} {account_type} #{n}"
            );
            assert_eq!(fetched["ownedByProgram"], true);
            // The same bytes given directly: the decoded part is the fetch route's.
            let (status, decoded) = server
                .send(
                    &As::Anonymous,
                    "POST",
                    &format!("/api/{id}/accounts/decode"),
                    Some(json!({"data": b64(&data), "accountType": account_type})),
                )
                .await;
            assert_eq!(status, 200, "{decoded}");
            for key in ["accountType", "data", "trailingBytes"] {
                assert_eq!(
                    decoded[key], fetched[key],
                    "{stem} {account_type} #{n} {key}"
                );
            }
            checked += 1;
        }
    }
    assert!(checked >= 12, "{checked}");

    // Program-account query: the token `account` type by size, filtered on its `owner` field at the
    // layout's offset (32), value given as canonical JSON.
    let id = server.db.store.projects_by_program(TOKEN).await.unwrap()[0]
        .id
        .clone();
    let token_program = server.db.store.get_project(&id).await.unwrap().unwrap();
    let program = orquestra_server::programs::parse_stored(
        &token_program,
        &idl("codama/spl_token.json").to_string(),
    )
    .unwrap();
    let layout = program.account_layout("token").unwrap();
    assert_eq!(
        layout
            .fields
            .iter()
            .find(|f| f.path == "/owner")
            .unwrap()
            .offset,
        Some(32)
    );
    for (n, owner) in [PAYER, OTHER, PAYER].iter().enumerate() {
        let value = json!({"mint": MINT, "owner": owner, "amount": "5", "delegate": null, "state": "initialized", "isNative": null, "delegatedAmount": "0", "closeAuthority": null});
        let data = program.encode_account("token", &value).unwrap();
        let address = orquestra_tx::pda::derive_raw(TOKEN, &[format!("token-{n}").into_bytes()])
            .unwrap()
            .address;
        rpc_call(
            &url,
            "litesvm_setAccount",
            json!([address, {"lamports": 2_039_280, "owner": TOKEN, "data": b64(&data)}]),
        )
        .await;
    }
    let query = json!({"accountType": "token", "cluster": "localnet", "fieldFilters": [{"field": "owner", "value": PAYER}]});
    let (status, found) = server
        .send(
            &As::Anonymous,
            "POST",
            &format!("/api/{id}/program-accounts/query"),
            Some(query),
        )
        .await;
    assert_eq!(status, 200, "{found}");
    assert_eq!(found["count"], 2, "{found}");
    for account in found["accounts"].as_array().unwrap() {
        assert_eq!(account["data"]["owner"], PAYER);
    }
    let offsets: Vec<i64> = found["filtersApplied"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["offset"].as_i64())
        .collect();
    assert!(offsets.contains(&32), "{found}");
    let (status, err) = server
        .send(&As::Anonymous, "POST", &format!("/api/{id}/program-accounts/query"), Some(json!({"accountType": "token", "cluster": "localnet", "fieldFilters": [{"field": "owner", "value": "nope"}]})))
        .await;
    assert_eq!(status, 422);
    assert!(
        err["error"]["details"][0]["path"]
            .as_str()
            .unwrap()
            .starts_with("/fieldFilters/0/value"),
        "{err}"
    );
}

#[tokio::test]
async fn custom_rpc_urls_are_refused_without_connecting_and_slow_rpcs_are_cut_off() {
    // A listener that records whether anyone connected.
    let trap = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let trap_addr = trap.local_addr().unwrap();
    let server = start().await;
    let (_, alice) = server.user(1).await;
    let id = upload(
        &server,
        &alice,
        "codama/spl_system.json",
        "11111111111111111111111111111111",
    )
    .await;
    let body = |rpc_url: String| json!({"feePayer": PAYER, "args": {"amount": "1"}, "accounts": {"source": PAYER, "destination": OTHER}, "rpcUrl": rpc_url});
    for url in [
        format!("http://{trap_addr}"),
        "http://127.0.0.1:8899".into(),
        "http://169.254.169.254/latest".into(),
        "http://rpc.example.com".into(),
    ] {
        let (status, response) = server
            .send(
                &As::Anonymous,
                "POST",
                &format!("/api/{id}/instructions/transferSol/build"),
                Some(body(url.clone())),
            )
            .await;
        assert_eq!(status, 403, "{url}: {response}");
        assert_eq!(response["error"]["details"][0]["path"], "/rpcUrl");
    }
    let accepted = tokio::time::timeout(std::time::Duration::from_millis(200), trap.accept()).await;
    assert!(
        accepted.is_err(),
        "no connection was made to a refused rpcUrl"
    );

    // A cluster whose RPC hangs: the build answers 504 after the configured timeout.
    let hang = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let hang_url = format!("http://{}", hang.local_addr().unwrap());
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = hang.accept().await {
            held.push(socket);
        }
    });
    let mut rpc = RpcConfig::default()
        .with_cluster_url(Cluster::Devnet, &hang_url)
        .unwrap();
    rpc.timeout = std::time::Duration::from_millis(300);
    rpc.retries = 0;
    let slow = start_with_rpc(|_| {}, rpc).await;
    let (_, bob) = slow.user(1).await;
    let id = upload(
        &slow,
        &bob,
        "codama/spl_system.json",
        "11111111111111111111111111111111",
    )
    .await;
    let mut request = body(String::new());
    request.as_object_mut().unwrap().remove("rpcUrl");
    request["cluster"] = json!("devnet");
    let (status, response) = slow
        .send(
            &As::Anonymous,
            "POST",
            &format!("/api/{id}/instructions/transferSol/build"),
            Some(request.clone()),
        )
        .await;
    assert_eq!(status, 504, "{response}");
    request["cluster"] = json!("mainnet-betta");
    let (status, response) = slow
        .send(
            &As::Anonymous,
            "POST",
            &format!("/api/{id}/instructions/transferSol/build"),
            Some(request),
        )
        .await;
    assert_eq!(
        (status, response["error"]["code"].as_str()),
        (422, Some("validation_failed"))
    );
    assert_eq!(
        response["error"]["details"][0]["path"], "/cluster",
        "{response}"
    );
}

#[tokio::test]
async fn building_without_rpc_pdas_and_bad_input() {
    let server = start().await;
    let (_, alice) = server.user(1).await;
    let id = upload(
        &server,
        &alice,
        "anchor/anchor_relations.json",
        "Re1ationsDerivation111111111111111111111111",
    )
    .await;
    // With a blockhash given, no RPC is needed; missing accounts are all named at once.
    let blockhash = "EkSnNWid2cvwEVnVx9aBqawnmiCNiDgp3gUdkDPTKN1N";
    let token = upload(&server, &alice, "codama/spl_token.json", TOKEN).await;
    let (status, missing) = server
        .send(
            &As::Anonymous,
            "POST",
            &format!("/api/{token}/instructions/transfer/build"),
            Some(json!({"feePayer": PAYER, "recentBlockhash": blockhash, "args": {"amount": "1"}})),
        )
        .await;
    assert_eq!(status, 422, "{missing}");
    let named: Vec<&str> = missing["error"]["details"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["path"].as_str().unwrap())
        .collect();
    assert!(
        named.contains(&"/accounts/source") && named.contains(&"/accounts/destination"),
        "every missing account is named: {missing}"
    );
    let (status, bad_args) = server
        .send(
            &As::Anonymous,
            "POST",
            &format!("/api/{id}/instructions/init_base/build"),
            Some(json!({"feePayer": PAYER, "recentBlockhash": blockhash, "args": {"x": 1}})),
        )
        .await;
    assert_eq!(status, 422, "{bad_args}");
    let (status, built) = server
        .send(&As::Anonymous, "POST", &format!("/api/{id}/instructions/init_base/build"), Some(json!({"feePayer": PAYER, "recentBlockhash": blockhash, "encoding": "base58", "accounts": {"my_account": PAYER}})))
        .await;
    assert_eq!(status, 200, "{built}");
    assert_eq!(built["encoding"], "base58");
    assert_eq!(built["instruction"]["data"]["hex"], "5557b98df1bfd558");
    let pda = built["instruction"]["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == "account")
        .unwrap();
    assert_eq!(pda["source"], "pda");
    // The typed shape: the message is an object with its keys, signers and fee are present.
    let keys = built["message"]["accountKeys"].as_array().unwrap();
    assert_eq!(keys[0]["pubkey"], PAYER, "{built}");
    assert_eq!(keys[0]["signer"], true);
    assert_eq!(built["message"]["header"]["numRequiredSignatures"], 1);
    assert_eq!(built["message"]["recentBlockhash"], blockhash);
    assert_eq!(built["signersRequired"], json!([PAYER]));
    assert_eq!(built["fee"]["lamports"], 5000);
    assert_eq!(built["blockhashSource"], "client");
    assert_eq!(built["instruction"]["data"]["base64"], "VVe5jfG/1Vg=");
    assert!(built.get("network").is_none(), "no RPC was used: {built}");
    // Accounts may be nested the way Anchor clients write groups; a path given twice with
    // different values is refused with a pointer.
    let (status, conflict) = server
        .send(&As::Anonymous, "POST", &format!("/api/{id}/instructions/init_base/build"), Some(json!({"feePayer": PAYER, "recentBlockhash": blockhash, "accounts": {"g": {"a": PAYER}, "g.a": blockhash}})))
        .await;
    assert_eq!(status, 422, "{conflict}");
    assert_eq!(conflict["error"]["code"], "conflicting_accounts");
    assert_eq!(conflict["error"]["details"][0]["path"], "/accounts/g/a");
    let (status, derived) = server
        .send(
            &As::Anonymous,
            "POST",
            &format!("/api/{id}/pda/derive"),
            Some(json!({"instruction": "init_base", "account": "account"})),
        )
        .await;
    assert_eq!(status, 200, "{derived}");
    assert_eq!(derived["address"], pda["pubkey"]);
    // The same resolution without a transaction: metas only, and data + metas.
    let request = json!({"accounts": {"my_account": PAYER}});
    let (status, metas) = server
        .send(
            &As::Anonymous,
            "POST",
            &format!("/api/{id}/instructions/init_base/accounts"),
            Some(request.clone()),
        )
        .await;
    assert_eq!(status, 200, "{metas}");
    assert!(metas.get("data").is_none());
    assert_eq!(metas["accounts"], built["instruction"]["accounts"]);
    let (status, data) = server
        .send(
            &As::Anonymous,
            "POST",
            &format!("/api/{id}/instructions/init_base/data"),
            Some(request),
        )
        .await;
    assert_eq!(status, 200, "{data}");
    assert_eq!(data["data"]["hex"], "5557b98df1bfd558");
    assert_eq!(data["accounts"], built["instruction"]["accounts"]);
    let (status, list) = server
        .send(&As::Anonymous, "GET", &format!("/api/{id}/pda"), None)
        .await;
    assert_eq!(status, 200);
    assert_eq!(list["pdaAccounts"].as_array().unwrap().len(), 1);
    for (body, pointer) in [
        (json!({"recentBlockhash": blockhash}), "/feePayer"),
        (
            json!({"feePayer": "nope", "recentBlockhash": blockhash}),
            "/feePayer",
        ),
        (
            json!({"feePayer": PAYER, "recentBlockhash": blockhash, "encoding": "hex"}),
            "/encoding",
        ),
        (
            json!({"feePayer": PAYER, "recentBlockhash": blockhash, "version": 2}),
            "/version",
        ),
    ] {
        let (status, response) = server
            .send(
                &As::Anonymous,
                "POST",
                &format!("/api/{id}/instructions/init_base/build"),
                Some(body),
            )
            .await;
        assert_eq!(status, 422, "{response}");
        assert_eq!(
            response["error"]["details"][0]["path"], pointer,
            "{response}"
        );
    }
    let (status, _) = server
        .send(
            &As::Anonymous,
            "POST",
            &format!("/api/{id}/instructions/nope/build"),
            Some(json!({"feePayer": PAYER})),
        )
        .await;
    assert_eq!(status, 404);
    web3_check(&[&built]);
}

/// Optional accounts through the real build route, as Anchor's client treats them: left out, they
/// are resolved from the IDL (fixed address, PDA); `null` puts the program id in their place.
#[tokio::test]
async fn optional_accounts_left_out_are_resolved_and_null_is_none() {
    let server = start().await;
    let (_, alice) = server.user(1).await;
    let mut idl = idl("anchor/anchor_relations.json");
    let program_id = idl["address"].as_str().unwrap().to_string();
    for ix in idl["instructions"].as_array_mut().unwrap() {
        if ix["name"] == "init_base" {
            for account in ix["accounts"].as_array_mut().unwrap() {
                if account["name"] != "my_account" {
                    account["optional"] = json!(true);
                }
            }
        }
    }
    let (status, body) = server
        .send(
            &alice,
            "POST",
            "/api/idl/upload",
            Some(json!({"name": "optional", "programId": program_id, "idl": idl})),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let id = body["project"]["id"].as_str().unwrap().to_string();
    let blockhash = "EkSnNWid2cvwEVnVx9aBqawnmiCNiDgp3gUdkDPTKN1N";
    let account = |built: &Value, name: &str| -> Value {
        built["instruction"]["accounts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["name"] == name)
            .cloned()
            .unwrap_or_else(|| panic!("no {name} in {built}"))
    };

    let left_out = build(
        &server,
        &id,
        "init_base",
        json!({"feePayer": PAYER, "recentBlockhash": blockhash, "accounts": {"my_account": PAYER}}),
    )
    .await;
    let system = account(&left_out, "system_program");
    assert_eq!(
        (&system["pubkey"], &system["source"]),
        (&json!("11111111111111111111111111111111"), &json!("fixed"))
    );
    let pda = account(&left_out, "account");
    let derived = orquestra_tx::pda::derive_raw(&program_id, &[b"seed".to_vec()]).unwrap();
    assert_eq!(
        (&pda["pubkey"], &pda["source"], &pda["isWritable"]),
        (&json!(derived.address), &json!("pda"), &json!(true))
    );

    let none = build(
        &server,
        &id,
        "init_base",
        json!({"feePayer": PAYER, "recentBlockhash": blockhash,
               "accounts": {"my_account": PAYER, "account": null, "systemProgram": null}}),
    )
    .await;
    for name in ["account", "system_program"] {
        let meta = account(&none, name);
        assert_eq!(meta["pubkey"], program_id.as_str(), "{none}");
        assert_eq!(meta["source"], "optionalPlaceholder");
        assert_eq!(
            (&meta["isSigner"], &meta["isWritable"]),
            (&json!(false), &json!(false))
        );
    }
    // The metas-only route resolves the same way.
    let (status, metas) = server
        .send(
            &As::Anonymous,
            "POST",
            &format!("/api/{id}/instructions/init_base/accounts"),
            Some(json!({"accounts": {"my_account": PAYER, "account": null}})),
        )
        .await;
    assert_eq!(status, 200, "{metas}");
    let placeholder = metas["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == "account")
        .unwrap();
    assert_eq!(placeholder["source"], "optionalPlaceholder");
    let fixed = metas["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == "system_program")
        .unwrap();
    assert_eq!(fixed["source"], "fixed");
    web3_check(&[&left_out, &none]);
}

fn hex_decode(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}
