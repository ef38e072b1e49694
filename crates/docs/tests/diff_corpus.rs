#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Diffs of real corpus pairs (a legacy Anchor IDL and an Anchor ≥0.30 IDL of the same program)
//! against expectations written by reading the two JSON files, not from the engine's output.

mod common;

use std::collections::BTreeSet;

use orquestra_api::diff::{ChangeCode, ChangeStatus, DiffItemKind, IdlDiff, Severity};
use orquestra_docs::{diff, render_markdown};
use orquestra_idl::{parse, ParseOptions, Program};

fn load(rel: &str) -> Program {
    let path = common::repo_root().join("testdata/idls").join(rel);
    parse(
        &std::fs::read_to_string(&path).unwrap(),
        &ParseOptions::default(),
    )
    .unwrap_or_else(|e| panic!("{}: {e:?}", path.display()))
}

/// Names of the items of `kind` with `status`, each checked to have `severity`.
fn names(d: &IdlDiff, kind: DiffItemKind, status: ChangeStatus, severity: Severity) -> Vec<&str> {
    d.changes
        .iter()
        .filter(|c| c.kind == kind && c.status == status)
        .map(|c| {
            assert_eq!(c.severity, severity, "{c:#?}");
            c.name.as_str()
        })
        .collect()
}

fn codes(d: &IdlDiff, kind: DiffItemKind, name: &str) -> BTreeSet<ChangeCode> {
    d.changes
        .iter()
        .find(|c| c.kind == kind && c.name == name)
        .unwrap_or_else(|| panic!("no {kind:?} {name}"))
        .details
        .iter()
        .map(|x| x.code)
        .collect()
}

fn has_detail(d: &IdlDiff, path: &str, code: ChangeCode) -> bool {
    d.changes
        .iter()
        .flat_map(|c| &c.details)
        .any(|x| x.path == path && x.code == code)
}

#[test]
fn raydium_clmm_legacy_to_anchor() {
    let d = diff(
        &load("anchor-legacy/raydium_clmm_legacy.json"),
        &load("anchor/raydium_clmm.json"),
    );
    use ChangeStatus::*;
    use DiffItemKind::*;
    use Severity::*;

    // 24 legacy instructions (camelCase), 25 new (snake_case): one is new.
    assert_eq!(
        names(&d, Instruction, Added, Compatible),
        ["create_support_mint_associated"]
    );
    assert!(names(&d, Instruction, Removed, Breaking).is_empty());
    // Arguments, accounts, roles and sighash discriminators are the same; these instructions'
    // docs were reworded ("tarde fee" → "trade fee", …), and four account docs too.
    let mut changed = names(&d, Instruction, Changed, Compatible);
    changed.sort_unstable();
    assert_eq!(
        changed,
        [
            "collect_fund_fee",
            "collect_protocol_fee",
            "collect_remaining_rewards",
            "create_amm_config",
            "create_pool",
            "decrease_liquidity",
            "decrease_liquidity_v2",
            "increase_liquidity",
            "increase_liquidity_v2",
            "open_position_v2",
            "open_position_with_token22_nft",
            "set_reward_params",
            "swap",
            "swap_router_base_in",
            "swap_v2",
            "update_amm_config",
            "update_operation_account",
            "update_pool_status",
        ]
    );
    for name in changed {
        assert_eq!(
            codes(&d, Instruction, name),
            BTreeSet::from([ChangeCode::DocsChanged]),
            "{name}"
        );
    }
    for path in [
        "/instructions/create_amm_config/docs",
        "/instructions/collect_remaining_rewards/accounts/reward_funder/docs",
        "/instructions/swap_v2/accounts/memo_program/docs",
        "/instructions/swap_router_base_in/accounts/memo_program/docs",
        "/instructions/open_position_with_token22_nft/accounts/position_nft_mint/docs",
    ] {
        assert!(has_detail(&d, path, ChangeCode::DocsChanged), "{path}");
    }

    // Accounts: one new; OperationState only fixes a field's docs ("emmit" → "emit").
    assert_eq!(
        names(&d, Account, Added, Compatible),
        ["SupportMintAssociated"]
    );
    assert_eq!(names(&d, Account, Changed, Compatible), ["OperationState"]);
    assert!(has_detail(
        &d,
        "/accounts/OperationState/fields/whitelist_mints/docs",
        ChangeCode::DocsChanged
    ));
    assert!(names(&d, Account, Removed, Breaking).is_empty());

    // Types: four legacy-only definitions are gone (removed items are breaking); the new IDL's
    // account and event layouts in `types` are not reported as new types.
    assert_eq!(
        names(&d, Type, Removed, Breaking),
        [
            "PoolStatusBitFlag",
            "PoolStatusBitIndex",
            "RewardState",
            "TickArryBitmap"
        ]
    );
    assert!(names(&d, Type, Added, Compatible).is_empty());
    assert!(names(&d, Type, Changed, Breaking).is_empty());

    // Events: same fields; the new IDL documents all eleven.
    assert_eq!(names(&d, Event, Changed, Compatible).len(), 11);
    assert_eq!(
        codes(&d, Event, "SwapEvent"),
        BTreeSet::from([ChangeCode::DocsChanged])
    );
    assert!(has_detail(
        &d,
        "/events/SwapEvent/fields/zero_for_one/docs",
        ChangeCode::DocsChanged
    ));

    // Errors: typos fixed in names (same codes) and messages, and one new code (6044).
    assert_eq!(
        names(&d, Error, Added, Compatible),
        ["TransferFeeCalculateNotMatch"]
    );
    assert!(names(&d, Error, Removed, Compatible).is_empty());
    for (name, code) in [
        ("ExceptRewardMint", 6032),
        ("InvalidLiquidity", 6017),
        ("InvalidTickIndex", 6006),
        ("TickInvalidOrder", 6007),
    ] {
        assert!(
            codes(&d, Error, name).contains(&ChangeCode::ErrorRenamed),
            "{name}"
        );
        let detail = d
            .changes
            .iter()
            .flat_map(|c| &c.details)
            .find(|x| x.path == format!("/errors/{name}/name"))
            .unwrap();
        assert!(
            detail.message.starts_with(&format!("code {code}:")),
            "{detail:?}"
        );
    }
    for name in [
        "CalculateOverflow",
        "InvalidFirstTickArrayAccount",
        "InvalidTickArray",
        "InvalidTickArrayBoundary",
    ] {
        assert_eq!(
            codes(&d, Error, name),
            BTreeSet::from([ChangeCode::MessageChanged]),
            "{name}"
        );
    }
    assert_eq!(names(&d, Error, Changed, Compatible).len(), 8);

    assert!(d.breaking);
    assert_eq!(d.summary.breaking, 4);
    assert_eq!(d.summary.compatible, 1 + 18 + 1 + 1 + 11 + 1 + 8);
    assert_eq!(d.from.format, "anchor-legacy");
    assert_eq!(d.to.format, "anchor");
    assert_eq!(d.from.program_id, d.to.program_id);
}

#[test]
fn quarry_mine_legacy_to_anchor() {
    let d = diff(
        &load("anchor-legacy/quarry_mine_legacy.json"),
        &load("anchor/quarry_mine.json"),
    );
    use ChangeStatus::*;
    use DiffItemKind::*;
    use Severity::*;

    // The legacy IDL states `"Miner"`/`"Quarry"`/`"Rewarder"` const seeds; the new one states
    // the bytes of `"Miner"` *with* the quotes ([34, 77, …, 34]): a client deriving from the
    // new IDL gets another address, so both IDLs cannot be right.
    let breaking: Vec<&str> = d
        .changes
        .iter()
        .filter(|c| c.kind == Instruction && c.status == Changed && c.severity == Breaking)
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(
        breaking,
        [
            "create_miner",
            "create_miner_v2",
            "create_quarry",
            "create_quarry_v2",
            "new_rewarder",
            "new_rewarder_v2"
        ]
    );
    for (ix, account, seed) in [
        ("create_miner", "miner", "Miner"),
        ("create_quarry_v2", "quarry", "Quarry"),
        ("new_rewarder", "rewarder", "Rewarder"),
    ] {
        assert_eq!(
            codes(&d, Instruction, ix),
            BTreeSet::from([ChangeCode::PdaChanged])
        );
        let path = format!("/instructions/{ix}/accounts/{account}/pda");
        let detail = d
            .changes
            .iter()
            .flat_map(|c| &c.details)
            .find(|x| x.path == path)
            .unwrap();
        assert!(
            detail.message.starts_with(&format!("[\"{seed}\", ")),
            "{detail:?}"
        );
        assert!(
            detail.message.contains(&format!("→ [\"\\\"{seed}\\\"\"")),
            "{detail:?}"
        );
    }

    // `claim_rewards`: the account group `claim` is `claimV1` in the new IDL; the seven
    // accounts keep their positions and roles, so only their names (build-request keys) change.
    let claim = d
        .changes
        .iter()
        .find(|c| c.name == "claim_rewards")
        .unwrap();
    assert_eq!(claim.severity, Compatible);
    let renamed: Vec<&str> = claim
        .details
        .iter()
        .map(|x| {
            assert_eq!(x.code, ChangeCode::AccountRenamed);
            x.path.as_str()
        })
        .collect();
    assert_eq!(
        renamed,
        [
            "/instructions/claim_rewards/accounts/claimV1.authority",
            "/instructions/claim_rewards/accounts/claimV1.miner",
            "/instructions/claim_rewards/accounts/claimV1.quarry",
            "/instructions/claim_rewards/accounts/claimV1.unused_miner_vault",
            "/instructions/claim_rewards/accounts/claimV1.unused_token_account",
            "/instructions/claim_rewards/accounts/claimV1.token_program",
            "/instructions/claim_rewards/accounts/claimV1.rewarder",
        ]
    );

    // Nothing else: same accounts, types, events and errors (names differ only in casing).
    assert_eq!(d.changes.len(), 7, "{d:#?}");
    assert_eq!(d.summary.instructions.changed, 7);
    assert_eq!((d.summary.breaking, d.summary.compatible), (6, 1));
    assert!(d.breaking);
}

#[test]
fn every_corpus_program_against_itself_is_empty() {
    for (file, program) in common::corpus() {
        let d = diff(&program, &program);
        assert!(d.changes.is_empty(), "{file}: {:#?}", d.changes);
        assert!(!d.breaking, "{file}");
        assert_eq!(d.from, d.to, "{file}");
    }
}

#[test]
fn a_docs_only_edit_of_a_corpus_idl_is_compatible() {
    let path = common::repo_root().join("testdata/idls/anchor/raydium_clmm.json");
    let text = std::fs::read_to_string(path).unwrap();
    let mut value: serde_json::Value = serde_json::from_str(&text).unwrap();
    value["instructions"][0]["docs"] = serde_json::json!(["Reworded."]);
    value["types"][0]["docs"] = serde_json::json!(["Reworded too."]);
    let old = parse(&text, &ParseOptions::default()).unwrap();
    let new = parse(&value.to_string(), &ParseOptions::default()).unwrap();
    let d = diff(&old, &new);
    assert!(!d.breaking, "{d:#?}");
    assert_eq!(d.summary.compatible, 2, "{d:#?}");
    for c in &d.changes {
        assert_eq!(c.status, ChangeStatus::Changed);
        assert!(c
            .details
            .iter()
            .all(|x| x.code == ChangeCode::DocsChanged && x.severity == Severity::Compatible));
    }
    let md = render_markdown(&d);
    assert!(
        md.contains("**Compatible:** 2 compatible change(s), none breaking."),
        "{md}"
    );
}
