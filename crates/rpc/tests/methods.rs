//! Each typed method against the fake node: the request it sends and how the answer is parsed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use base64::Engine as _;
use common::*;
use orquestra_rpc::{
    Account, DataSlice, Filter, MemcmpBytes, ProgramAccountsQuery, RpcError, SimulateOptions,
};
use serde_json::{json, Value};

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn wire_account(lamports: u64, data: &[u8]) -> Value {
    json!({
        "lamports": lamports, "owner": SYSTEM, "data": [b64(data), "base64"],
        "executable": false, "rentEpoch": 18446744073709551615u64, "space": data.len()
    })
}

#[tokio::test]
async fn latest_blockhash_request_and_parse() {
    let fake = start(|_| {
        Reply::Result(ctx(
            42,
            json!({"blockhash": BLOCKHASH, "lastValidBlockHeight": 1234}),
        ))
    })
    .await;
    let rpc = client_for(&fake, |_| {});
    let hash = rpc
        .get_latest_blockhash(&localnet(&rpc).await)
        .await
        .unwrap();
    assert_eq!(hash.blockhash, BLOCKHASH);
    assert_eq!(hash.last_valid_block_height, 1234);
    assert_eq!(hash.slot, 42);
    let req = fake.request(0);
    assert_eq!(req["jsonrpc"], "2.0");
    assert_eq!(req["method"], "getLatestBlockhash");
    assert_eq!(req["params"], json!([{"commitment": "confirmed"}]));
}

#[tokio::test]
async fn latest_blockhash_rejects_a_bad_hash() {
    let fake = start(|_| {
        Reply::Result(ctx(
            1,
            json!({"blockhash": "abc", "lastValidBlockHeight": 1}),
        ))
    })
    .await;
    let rpc = client_for(&fake, |_| {});
    let err = rpc
        .get_latest_blockhash(&localnet(&rpc).await)
        .await
        .unwrap_err();
    assert!(matches!(err, RpcError::InvalidResponse(_)), "{err:?}");
    assert_eq!(err.code().status(), 502);
}

#[tokio::test]
async fn simulate_request_shape_and_parse() {
    let fake = start(|_| {
        Reply::Result(ctx(
            7,
            json!({
                "err": {"InstructionError": [0, {"Custom": 6001}]},
                "logs": ["Program 11111111111111111111111111111111 invoke [1]", "boom"],
                "unitsConsumed": 150,
                "returnData": {"programId": KEY_A, "data": [b64(&[1, 2, 3]), "base64"]},
                "accounts": [null, wire_account(5, &[9, 9])],
                "replacementBlockhash": null
            }),
        ))
    })
    .await;
    let rpc = client_for(&fake, |_| {});
    let ep = localnet(&rpc).await;
    let tx = b64(&[0u8; 10]);
    let options = SimulateOptions {
        replace_recent_blockhash: true,
        accounts: Some(vec![KEY_A.into(), KEY_B.into()]),
        ..SimulateOptions::default()
    };
    let sim = rpc.simulate_transaction(&ep, &tx, &options).await.unwrap();
    assert_eq!(sim.slot, 7);
    assert_eq!(
        sim.err,
        Some(json!({"InstructionError": [0, {"Custom": 6001}]}))
    );
    assert_eq!(sim.logs.len(), 2);
    assert_eq!(sim.units_consumed, Some(150));
    let rd = sim.return_data.unwrap();
    assert_eq!((rd.program_id.as_str(), rd.data), (KEY_A, vec![1, 2, 3]));
    let accounts = sim.accounts.unwrap();
    assert_eq!(accounts[0], None);
    assert_eq!(accounts[1].as_ref().unwrap().data, vec![9, 9]);

    let req = fake.request(0);
    assert_eq!(req["method"], "simulateTransaction");
    assert_eq!(
        req["params"],
        json!([tx, {
            "encoding": "base64", "sigVerify": false, "replaceRecentBlockhash": true,
            "commitment": "confirmed",
            "accounts": {"addresses": [KEY_A, KEY_B], "encoding": "base64"}
        }])
    );
}

#[tokio::test]
async fn simulate_success_with_null_fields() {
    let fake = start(|_| {
        Reply::Result(ctx(
            1,
            json!({"err": null, "logs": null, "unitsConsumed": null, "returnData": null, "accounts": null}),
        ))
    })
    .await;
    let rpc = client_for(&fake, |_| {});
    let sim = rpc
        .simulate_transaction(&localnet(&rpc).await, "AAAA", &SimulateOptions::default())
        .await
        .unwrap();
    assert_eq!(sim.err, None);
    assert!(sim.logs.is_empty());
    assert_eq!(sim.units_consumed, None);
    assert_eq!(sim.return_data, None);
    assert_eq!(sim.accounts, None);
}

#[tokio::test]
async fn simulate_rejects_bad_input_without_calling() {
    let fake = start(|_| Reply::Result(Value::Null)).await;
    let rpc = client_for(&fake, |_| {});
    let ep = localnet(&rpc).await;
    let err = rpc
        .simulate_transaction(&ep, "not base64!", &SimulateOptions::default())
        .await
        .unwrap_err();
    assert_eq!(err.code().status(), 400);
    let both = SimulateOptions {
        sig_verify: true,
        replace_recent_blockhash: true,
        ..SimulateOptions::default()
    };
    let err = rpc
        .simulate_transaction(&ep, "AAAA", &both)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "invalid_argument");
    assert_eq!(fake.count(), 0);
}

#[tokio::test]
async fn account_info_parse_and_absent() {
    let fake = start(|req| {
        if req["params"][0] == KEY_A {
            Reply::Result(ctx(3, wire_account(1_000_000, b"hello")))
        } else {
            Reply::Result(ctx(3, Value::Null))
        }
    })
    .await;
    let rpc = client_for(&fake, |_| {});
    let ep = localnet(&rpc).await;
    let account = rpc.get_account_info(&ep, KEY_A).await.unwrap().unwrap();
    assert_eq!(
        account,
        Account {
            lamports: 1_000_000,
            owner: SYSTEM.into(),
            data: b"hello".to_vec(),
            executable: false,
            rent_epoch: u64::MAX,
            space: 5,
        }
    );
    assert_eq!(rpc.get_account_info(&ep, KEY_B).await.unwrap(), None);
    assert_eq!(
        fake.request(0)["params"],
        json!([KEY_A, {"encoding": "base64", "commitment": "confirmed"}])
    );
    let err = rpc.get_account_info(&ep, "short").await.unwrap_err();
    assert_eq!(
        (err.code().status(), err.code().as_str()),
        (400, "invalid_argument")
    );
    assert_eq!(fake.count(), 2);
}

#[tokio::test]
async fn multiple_accounts_in_order_and_batched() {
    let fake = start(|req| {
        let n = req["params"][0].as_array().unwrap().len();
        let value: Vec<Value> = (0..n)
            .map(|i| {
                if i % 2 == 0 {
                    wire_account(i as u64, &[])
                } else {
                    Value::Null
                }
            })
            .collect();
        Reply::Result(ctx(9, Value::Array(value)))
    })
    .await;
    let rpc = client_for(&fake, |_| {});
    let keys = vec![KEY_A; 150];
    let accounts = rpc
        .get_multiple_accounts(&localnet(&rpc).await, &keys)
        .await
        .unwrap();
    assert_eq!(accounts.len(), 150);
    assert_eq!(accounts[100].as_ref().unwrap().lamports, 0);
    assert!(accounts[101].is_none());
    assert_eq!(fake.count(), 2);
    let first = fake.request(0);
    assert_eq!(first["method"], "getMultipleAccounts");
    assert_eq!(first["params"][0].as_array().unwrap().len(), 100);
    assert_eq!(
        first["params"][1],
        json!({"encoding": "base64", "commitment": "confirmed"})
    );
    assert_eq!(fake.request(1)["params"][0].as_array().unwrap().len(), 50);
}

#[tokio::test]
async fn program_accounts_filters_slice_and_context() {
    let fake = start(|req| {
        let entries = json!([
            {"pubkey": KEY_A, "account": wire_account(10, &[1, 2])},
            {"pubkey": KEY_B, "account": wire_account(20, &[3, 4])}
        ]);
        if req["params"][1]["withContext"] == true {
            Reply::Result(ctx(77, entries))
        } else {
            Reply::Result(entries)
        }
    })
    .await;
    let rpc = client_for(&fake, |_| {});
    let ep = localnet(&rpc).await;
    let query = ProgramAccountsQuery {
        filters: vec![
            Filter::DataSize(165),
            Filter::Memcmp {
                offset: 0,
                bytes: MemcmpBytes::Base58(KEY_B.into()),
            },
            Filter::memcmp(32, &[1, 2, 3]),
        ],
        data_slice: Some(DataSlice {
            offset: 0,
            length: 2,
        }),
        with_context: true,
        max_response_bytes: None,
    };
    let result = rpc.get_program_accounts(&ep, SYSTEM, &query).await.unwrap();
    assert_eq!(result.slot, Some(77));
    assert_eq!(result.accounts.len(), 2);
    assert_eq!(result.accounts[1].0, KEY_B);
    assert_eq!(result.accounts[1].1.data, vec![3, 4]);
    let req = fake.request(0);
    assert_eq!(req["method"], "getProgramAccounts");
    assert_eq!(
        req["params"],
        json!([SYSTEM, {
            "encoding": "base64", "commitment": "confirmed",
            "filters": [
                {"dataSize": 165},
                {"memcmp": {"offset": 0, "bytes": KEY_B, "encoding": "base58"}},
                {"memcmp": {"offset": 32, "bytes": "AQID", "encoding": "base64"}}
            ],
            "dataSlice": {"offset": 0, "length": 2},
            "withContext": true
        }])
    );

    // Without context the node answers a bare array.
    let bare = rpc
        .get_program_accounts(&ep, SYSTEM, &ProgramAccountsQuery::default())
        .await
        .unwrap();
    assert_eq!(bare.slot, None);
    assert_eq!(bare.accounts.len(), 2);
    assert_eq!(
        fake.request(1)["params"],
        json!([SYSTEM, {"encoding": "base64", "commitment": "confirmed"}])
    );
}

#[tokio::test]
async fn program_accounts_rejects_bad_memcmp_locally() {
    let fake = start(|_| Reply::Result(json!([]))).await;
    let rpc = client_for(&fake, |_| {});
    let ep = localnet(&rpc).await;
    for bytes in [
        MemcmpBytes::Base58("0OIl".into()),
        MemcmpBytes::Base64("@@@".into()),
        MemcmpBytes::Base64(b64(&[0u8; 129])),
    ] {
        let query = ProgramAccountsQuery {
            filters: vec![Filter::Memcmp { offset: 0, bytes }],
            ..Default::default()
        };
        let err = rpc
            .get_program_accounts(&ep, SYSTEM, &query)
            .await
            .unwrap_err();
        assert_eq!(err.code().status(), 400, "{err}");
    }
    assert_eq!(fake.count(), 0);
}

#[tokio::test]
async fn invalid_responses_are_502() {
    let fake = start(|req| match req["method"].as_str() {
        Some("getAccountInfo") => Reply::Result(ctx(1, json!({"lamports": "x"}))),
        Some("getLatestBlockhash") => Reply::Raw(b"<html>not json</html>".to_vec()),
        _ => Reply::Raw(br#"{"jsonrpc":"2.0","id":1}"#.to_vec()),
    })
    .await;
    let rpc = client_for(&fake, |_| {});
    let ep = localnet(&rpc).await;
    let e1 = rpc.get_account_info(&ep, KEY_A).await.unwrap_err();
    let e2 = rpc.get_latest_blockhash(&ep).await.unwrap_err();
    let e3 = rpc.call(&ep, "getVersion", json!([])).await.unwrap_err();
    for e in [e1, e2, e3] {
        assert!(matches!(e, RpcError::InvalidResponse(_)), "{e:?}");
        assert_eq!(
            (e.code().status(), e.code().as_str()),
            (502, "rpc_invalid_response")
        );
    }
}
