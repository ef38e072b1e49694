#![allow(clippy::unwrap_used, clippy::expect_used)]
//! By-program lookups follow a trust order, so nobody can take over a real program id by
//! uploading a doctored IDL for it: the caller's own project first, else the oldest public one.
//! Every decode names the project it used and its trust level.

mod common;

use common::As;
use serde_json::{json, Value};

const MEMO: &str = "MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr";
const BLOCKHASH: &str = "4uQeVj5tqViQh7yWWGStvkEG1Zmhx6uasJtWCJziofM";
const WALLET: &str = "7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU";

fn memo_idl() -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata/idls/codama/spl_memo.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[tokio::test]
async fn a_later_doctored_idl_cannot_rename_a_programs_instructions_for_others() {
    let server = common::start().await;
    let (_, alice) = server.user(1).await;
    let (_, mallory) = server.user(2).await;
    let (_, carol) = server.user(3).await;

    let (status, real) = server
        .send(
            &alice,
            "POST",
            "/api/idl/upload",
            Some(json!({"name": "SPL Memo", "programId": MEMO, "idl": memo_idl()})),
        )
        .await;
    assert_eq!(status, 201, "{real}");
    let real_id = real["project"]["id"].as_str().unwrap().to_owned();
    // Mallory registers the same program later, with the instruction renamed.
    let mut doctored = memo_idl();
    doctored["program"]["instructions"][0]["name"] = json!("drainWallet");
    let (status, fake) = server
        .send(
            &mallory,
            "POST",
            "/api/idl/upload",
            Some(json!({"name": "Memo (official)", "programId": MEMO, "idl": doctored})),
        )
        .await;
    assert_eq!(status, 201, "{fake}");
    let fake_id = fake["project"]["id"].as_str().unwrap().to_owned();

    // A real memo transaction, built from the real project.
    let (status, built) = server
        .send(
            &As::Anonymous,
            "POST",
            &format!("/api/{real_id}/instructions/addMemo/build"),
            Some(json!({"args": {"memo": "hello"}, "accounts": {}, "feePayer": WALLET, "recentBlockhash": BLOCKHASH})),
        )
        .await;
    assert_eq!(status, 200, "{built}");
    let transaction = built["transaction"].as_str().unwrap().to_owned();
    let decode = |who: As| {
        let server = &server;
        let transaction = transaction.clone();
        async move {
            let (status, body) = server
                .send(
                    &who,
                    "POST",
                    "/api/transactions/decode",
                    Some(json!({"transaction": transaction})),
                )
                .await;
            assert_eq!(status, 200, "{body}");
            body["instructions"]
                .as_array()
                .unwrap()
                .iter()
                .find(|ix| ix["programId"] == MEMO)
                .cloned()
                .unwrap()
        }
    };

    // Anonymous and uninvolved users get the oldest public project, not the newest.
    for who in [As::Anonymous, carol.clone()] {
        let ix = decode(who).await;
        assert_eq!(ix["instructionName"], "addMemo", "{ix}");
        assert_eq!(ix["project"]["projectId"], real_id.as_str());
        assert_eq!(ix["project"]["basis"], "oldest_public");
        assert_eq!(ix["project"]["trust"], "unverified");
    }
    // Mallory sees her own project (and nobody else does).
    let ix = decode(mallory.clone()).await;
    assert_eq!(ix["instructionName"], "drainWallet");
    assert_eq!(ix["project"]["projectId"], fake_id.as_str());
    assert_eq!(ix["project"]["basis"], "own");

    // The same order for `by-program`.
    let (status, by_program) = server
        .send(
            &As::Anonymous,
            "GET",
            &format!("/api/projects/by-program/{MEMO}"),
            None,
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(by_program["project"]["id"], real_id.as_str());
    assert_eq!(by_program["basis"], "oldest_public");
    assert_eq!(by_program["trust"], "unverified");
    let (_, own) = server
        .send(
            &mallory,
            "GET",
            &format!("/api/projects/by-program/{MEMO}"),
            None,
        )
        .await;
    assert_eq!(own["project"]["id"], fake_id.as_str());
    assert_eq!(own["basis"], "own");
}
