//! One test per classification rule, on small IDLs edited in place: each test states the code,
//! path and severity it expects, so a rule classed differently fails its test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use orquestra_api::diff::{
    ChangeCode, ChangeDetail, ChangeStatus, DiffItemKind, IdlDiff, ItemChange, Severity,
};
use orquestra_idl::{parse, ParseOptions, Program};
use serde_json::{json, Value};

use super::{diff, render_markdown};

const ADDRESS: &str = "AMM1111111111111111111111111111111111111111";

/// An Anchor ≥0.30 IDL: one instruction, one account (embedding `Config`), an enum, an event
/// and an error.
fn idl() -> Value {
    json!({
        "address": ADDRESS,
        "metadata": {"name": "amm", "version": "0.1.0", "spec": "0.1.0"},
        "instructions": [{
            "name": "swap_exact",
            "discriminator": [1, 2, 3, 4, 5, 6, 7, 8],
            "accounts": [
                {"name": "user", "writable": true, "signer": true},
                {"name": "pool_state", "writable": true},
                {"name": "token_program"}
            ],
            "args": [
                {"name": "amount", "type": "u64"},
                {"name": "min_out", "type": "u64"}
            ]
        }],
        "accounts": [{"name": "PoolState", "discriminator": [9, 9, 9, 9, 9, 9, 9, 9]}],
        "events": [{"name": "Swapped", "discriminator": [7, 7, 7, 7, 7, 7, 7, 7]}],
        "errors": [{"code": 6000, "name": "SlippageExceeded", "msg": "slippage"}],
        "types": [
            {"name": "PoolState", "type": {"kind": "struct", "fields": [
                {"name": "authority", "type": "pubkey"},
                {"name": "fee_rate", "type": "u16"},
                {"name": "config", "type": {"defined": {"name": "Config"}}}
            ]}},
            {"name": "Config", "type": {"kind": "struct", "fields": [
                {"name": "max_amount", "type": "u64"}
            ]}},
            {"name": "Side", "type": {"kind": "enum", "variants": [
                {"name": "Bid"}, {"name": "Ask"}
            ]}},
            {"name": "Swapped", "type": {"kind": "struct", "fields": [
                {"name": "amount_in", "type": "u64"},
                {"name": "side", "type": {"defined": {"name": "Side"}}}
            ]}}
        ]
    })
}

fn program(v: &Value) -> Program {
    parse(&v.to_string(), &ParseOptions::default()).unwrap()
}

/// The diff from [`idl`] to [`idl`] edited by `edit`.
fn edited(edit: impl FnOnce(&mut Value)) -> IdlDiff {
    let old = idl();
    let mut new = old.clone();
    edit(&mut new);
    diff(&program(&old), &program(&new))
}

fn at<'a>(v: &'a mut Value, pointer: &str) -> &'a mut Value {
    v.pointer_mut(pointer)
        .unwrap_or_else(|| panic!("no {pointer}"))
}

fn array<'a>(v: &'a mut Value, pointer: &str) -> &'a mut Vec<Value> {
    at(v, pointer).as_array_mut().unwrap()
}

fn item<'a>(d: &'a IdlDiff, kind: DiffItemKind, name: &str) -> &'a ItemChange {
    d.changes
        .iter()
        .find(|c| c.kind == kind && c.name == name)
        .unwrap_or_else(|| panic!("no {kind:?} {name} in {d:#?}"))
}

/// The one detail of `code` at `path`, checked to have `severity`.
fn expect<'a>(
    d: &'a IdlDiff,
    path: &str,
    code: ChangeCode,
    severity: Severity,
) -> &'a ChangeDetail {
    let found: Vec<&ChangeDetail> = d
        .changes
        .iter()
        .flat_map(|c| &c.details)
        .filter(|x| x.path == path && x.code == code)
        .collect();
    assert_eq!(found.len(), 1, "{code:?} at {path} in {d:#?}");
    assert_eq!(found[0].severity, severity, "{:#?}", found[0]);
    found[0]
}

fn codes(c: &ItemChange) -> Vec<ChangeCode> {
    c.details.iter().map(|d| d.code).collect()
}

const SWAP: &str = "/instructions/swap_exact";
const POOL: &str = "/accounts/PoolState";

#[test]
fn a_program_against_itself_is_empty() {
    let d = edited(|_| {});
    assert!(d.changes.is_empty(), "{d:#?}");
    assert!(!d.breaking);
    assert_eq!(d.summary.breaking + d.summary.compatible, 0);
    assert_eq!(d.from.name, "amm");
    assert_eq!(d.to.program_id.as_deref(), Some(ADDRESS));
    assert_eq!(d.to.format, "anchor");
    assert!(render_markdown(&d).contains("**No changes.**"));
}

#[test]
fn discriminator_change_is_breaking() {
    let d = edited(|v| *at(v, "/instructions/0/discriminator/0") = json!(200));
    let x = expect(
        &d,
        &format!("{SWAP}/discriminator"),
        ChangeCode::DiscriminatorChanged,
        Severity::Breaking,
    );
    assert!(x.message.contains("0x0102030405060708"), "{}", x.message);
    assert!(d.breaking);
    assert_eq!(d.summary.instructions.changed, 1);
}

#[test]
fn arguments_retyped_removed_added_moved() {
    let d = edited(|v| *at(v, "/instructions/0/args/0/type") = json!("u32"));
    let x = expect(
        &d,
        &format!("{SWAP}/args/amount"),
        ChangeCode::ArgRetyped,
        Severity::Breaking,
    );
    assert!(x.message.contains("u64 → u32"), "{}", x.message);

    let d = edited(|v| {
        array(v, "/instructions/0/args").pop();
    });
    expect(
        &d,
        &format!("{SWAP}/args/min_out"),
        ChangeCode::ArgRemoved,
        Severity::Breaking,
    );

    // Appended: still breaking, older clients' data is too short.
    let d = edited(|v| {
        array(v, "/instructions/0/args").push(json!({"name": "deadline", "type": "i64"}))
    });
    expect(
        &d,
        &format!("{SWAP}/args/deadline"),
        ChangeCode::ArgAdded,
        Severity::Breaking,
    );

    let d = edited(|v| array(v, "/instructions/0/args").swap(0, 1));
    let c = item(&d, DiffItemKind::Instruction, "swap_exact");
    assert_eq!(codes(c), vec![ChangeCode::ArgMoved], "{c:#?}");
    assert_eq!(c.severity, Severity::Breaking);
}

#[test]
fn an_argument_renamed_in_place_is_compatible() {
    let d = edited(|v| *at(v, "/instructions/0/args/1/name") = json!("minimum_out"));
    expect(
        &d,
        &format!("{SWAP}/args/minimum_out"),
        ChangeCode::ArgRenamed,
        Severity::Compatible,
    );
    assert!(!d.breaking, "{d:#?}");
}

#[test]
fn instruction_account_roles_removals_and_order() {
    let d = edited(|v| *at(v, "/instructions/0/accounts/1/writable") = json!(false));
    let x = expect(
        &d,
        &format!("{SWAP}/accounts/pool_state"),
        ChangeCode::RoleChanged,
        Severity::Breaking,
    );
    assert_eq!(x.message, "writable → read-only");

    let d = edited(|v| {
        array(v, "/instructions/0/accounts").remove(1);
    });
    expect(
        &d,
        &format!("{SWAP}/accounts/pool_state"),
        ChangeCode::AccountRemoved,
        Severity::Breaking,
    );

    // A swap: one of the two is out of order relative to the rest.
    let d = edited(|v| array(v, "/instructions/0/accounts").swap(1, 2));
    let c = item(&d, DiffItemKind::Instruction, "swap_exact");
    assert_eq!(codes(c), vec![ChangeCode::AccountMoved], "{c:#?}");
    assert_eq!(c.severity, Severity::Breaking);
    assert!(c.details[0].message.contains("moved from position"));

    let d = edited(|v| {
        array(v, "/instructions/0/accounts").insert(0, json!({"name": "payer", "signer": true}))
    });
    expect(
        &d,
        &format!("{SWAP}/accounts/payer"),
        ChangeCode::AccountAdded,
        Severity::Breaking,
    );
}

#[test]
fn only_an_optional_account_at_the_end_may_be_added() {
    let d = edited(|v| {
        array(v, "/instructions/0/accounts").push(json!({"name": "referrer", "optional": true}))
    });
    expect(
        &d,
        &format!("{SWAP}/accounts/referrer"),
        ChangeCode::AccountAdded,
        Severity::Compatible,
    );
    assert!(!d.breaking);

    let d = edited(|v| array(v, "/instructions/0/accounts").push(json!({"name": "referrer"})));
    expect(
        &d,
        &format!("{SWAP}/accounts/referrer"),
        ChangeCode::AccountAdded,
        Severity::Breaking,
    );
}

#[test]
fn a_field_appended_to_an_account_is_compatible() {
    let d =
        edited(|v| array(v, "/types/0/type/fields").push(json!({"name": "bump", "type": "u8"})));
    let x = expect(
        &d,
        &format!("{POOL}/fields/bump"),
        ChangeCode::FieldAppended,
        Severity::Compatible,
    );
    // 8 discriminator + 32 + 2 + 8 bytes before it.
    assert!(
        x.message
            .contains("at offset 50 (account size 50 → 51 bytes)"),
        "{}",
        x.message
    );
    assert!(!d.breaking, "{d:#?}");
}

#[test]
fn an_account_field_inserted_or_resized_moves_later_offsets() {
    let d = edited(|v| {
        array(v, "/types/0/type/fields").insert(1, json!({"name": "bump", "type": "u8"}))
    });
    expect(
        &d,
        &format!("{POOL}/fields/bump"),
        ChangeCode::FieldAdded,
        Severity::Breaking,
    );
    let x = expect(
        &d,
        &format!("{POOL}/fields/fee_rate"),
        ChangeCode::FieldOffsetChanged,
        Severity::Breaking,
    );
    assert_eq!(x.message, "`fee_rate`: offset 40 → 41");

    let d = edited(|v| *at(v, "/types/0/type/fields/1/type") = json!("u32"));
    expect(
        &d,
        &format!("{POOL}/fields/fee_rate"),
        ChangeCode::FieldRetyped,
        Severity::Breaking,
    );
    expect(
        &d,
        &format!("{POOL}/fields/config"),
        ChangeCode::FieldOffsetChanged,
        Severity::Breaking,
    );
    // The retyped field itself is not also reported as moved.
    let pool = item(&d, DiffItemKind::Account, "PoolState");
    assert_eq!(pool.details.len(), 2, "{pool:#?}");

    let d = edited(|v| {
        array(v, "/types/0/type/fields").remove(0);
    });
    expect(
        &d,
        &format!("{POOL}/fields/authority"),
        ChangeCode::FieldRemoved,
        Severity::Breaking,
    );
}

#[test]
fn a_changed_type_changes_what_embeds_it() {
    let d = edited(|v| {
        array(v, "/types/1/type/fields").push(json!({"name": "min_amount", "type": "u64"}))
    });
    // In a type, even an appended field is breaking: the type is embedded positionally.
    expect(
        &d,
        "/types/Config/fields/min_amount",
        ChangeCode::FieldAdded,
        Severity::Breaking,
    );
    let x = expect(
        &d,
        &format!("{POOL}/fields/config"),
        ChangeCode::ChangedViaType,
        Severity::Breaking,
    );
    assert_eq!(x.message, "changed via type `Config`");
    // The account's own layout is reported under the account, never as a type.
    assert!(!d
        .changes
        .iter()
        .any(|c| c.kind == DiffItemKind::Type && c.name == "PoolState"));
    assert_eq!(d.summary.types.changed, 1);
    assert_eq!(d.summary.accounts.changed, 1);
}

#[test]
fn enum_variants() {
    let d = edited(|v| array(v, "/types/2/type/variants").push(json!({"name": "Cancel"})));
    expect(
        &d,
        "/types/Side/variants/Cancel",
        ChangeCode::VariantAdded,
        Severity::Compatible,
    );
    // A unit-only enum keeps its size, so what embeds it is unchanged too.
    assert!(!d.breaking, "{d:#?}");

    let d = edited(|v| array(v, "/types/2/type/variants").insert(0, json!({"name": "Cancel"})));
    expect(
        &d,
        "/types/Side/variants/Cancel",
        ChangeCode::VariantAdded,
        Severity::Breaking,
    );
    expect(
        &d,
        "/types/Side/variants/Bid",
        ChangeCode::VariantMoved,
        Severity::Breaking,
    );
    expect(
        &d,
        "/events/Swapped/fields/side",
        ChangeCode::ChangedViaType,
        Severity::Breaking,
    );

    let d = edited(|v| {
        array(v, "/types/2/type/variants").pop();
    });
    expect(
        &d,
        "/types/Side/variants/Ask",
        ChangeCode::VariantRemoved,
        Severity::Breaking,
    );
}

#[test]
fn event_fields_are_strict() {
    let d =
        edited(|v| array(v, "/types/3/type/fields").push(json!({"name": "fee", "type": "u64"})));
    expect(
        &d,
        "/events/Swapped/fields/fee",
        ChangeCode::FieldAdded,
        Severity::Breaking,
    );
    let d = edited(|v| *at(v, "/types/3/type/fields/0/type") = json!("u128"));
    expect(
        &d,
        "/events/Swapped/fields/amount_in",
        ChangeCode::FieldRetyped,
        Severity::Breaking,
    );
}

#[test]
fn errors_by_name_and_code() {
    let d = edited(|v| *at(v, "/errors/0/code") = json!(6001));
    expect(
        &d,
        "/errors/SlippageExceeded/code",
        ChangeCode::CodeChanged,
        Severity::Breaking,
    );

    let d = edited(|v| *at(v, "/errors/0/name") = json!("SlippageTooHigh"));
    let x = expect(
        &d,
        "/errors/SlippageTooHigh/name",
        ChangeCode::ErrorRenamed,
        Severity::Compatible,
    );
    assert!(x.message.contains("`SlippageExceeded` → `SlippageTooHigh`"));
    assert_eq!(d.summary.errors.changed, 1);
    assert_eq!(d.summary.errors.added + d.summary.errors.removed, 0);

    let d = edited(|v| array(v, "/errors").push(json!({"code": 6001, "name": "Paused"})));
    let c = item(&d, DiffItemKind::Error, "Paused");
    assert_eq!(
        (c.status, c.severity),
        (ChangeStatus::Added, Severity::Compatible)
    );

    let d = edited(|v| {
        array(v, "/errors").clear();
    });
    let c = item(&d, DiffItemKind::Error, "SlippageExceeded");
    assert_eq!(
        (c.status, c.severity),
        (ChangeStatus::Removed, Severity::Compatible)
    );
    assert!(!d.breaking);
}

#[test]
fn removed_items_are_breaking_and_new_ones_compatible() {
    let d = edited(|v| {
        array(v, "/types").remove(2);
        array(v, "/types/2/type/fields").pop();
        array(v, "/instructions").push(json!({
            "name": "close", "discriminator": [8, 8, 8, 8, 8, 8, 8, 8], "accounts": [], "args": []
        }));
    });
    let side = item(&d, DiffItemKind::Type, "Side");
    assert_eq!(
        (side.status, side.severity),
        (ChangeStatus::Removed, Severity::Breaking)
    );
    let close = item(&d, DiffItemKind::Instruction, "close");
    assert_eq!(
        (close.status, close.severity),
        (ChangeStatus::Added, Severity::Compatible)
    );
    assert!(d.breaking);
    assert_eq!(d.summary.types.removed, 1);
    assert_eq!(d.summary.instructions.added, 1);
    // Ordered by kind, then name.
    let order: Vec<DiffItemKind> = d.changes.iter().map(|c| c.kind).collect();
    let mut sorted = order.clone();
    sorted.sort();
    assert_eq!(order, sorted);
}

#[test]
fn a_docs_only_edit_is_compatible() {
    let d = edited(|v| {
        at(v, "/instructions/0")["docs"] = json!(["Swaps exactly `amount`."]);
        at(v, "/types/1/type/fields/0")["docs"] = json!(["Upper bound."]);
    });
    expect(
        &d,
        &format!("{SWAP}/docs"),
        ChangeCode::DocsChanged,
        Severity::Compatible,
    );
    expect(
        &d,
        "/types/Config/fields/max_amount/docs",
        ChangeCode::DocsChanged,
        Severity::Compatible,
    );
    assert!(!d.breaking, "{d:#?}");
    // A documentation change is not a layout change: nothing refers "via" Config.
    assert_eq!(d.changes.len(), 2, "{d:#?}");
}

/// The same program as [`idl`], written as a legacy (pre-0.30) Anchor IDL: camelCase names,
/// inline account and event layouts, no discriminators.
fn legacy_idl() -> Value {
    json!({
        "version": "0.1.0",
        "name": "amm",
        "metadata": {"address": ADDRESS},
        "instructions": [{
            "name": "swapExact",
            "accounts": [
                {"name": "user", "isMut": true, "isSigner": true},
                {"name": "poolState", "isMut": true, "isSigner": false},
                {"name": "tokenProgram", "isMut": false, "isSigner": false}
            ],
            "args": [{"name": "amount", "type": "u64"}, {"name": "minOut", "type": "u64"}]
        }],
        "accounts": [{"name": "PoolState", "type": {"kind": "struct", "fields": [
            {"name": "authority", "type": "publicKey"},
            {"name": "feeRate", "type": "u16"},
            {"name": "config", "type": {"defined": "Config"}}
        ]}}],
        "types": [
            {"name": "Config", "type": {"kind": "struct", "fields": [
                {"name": "maxAmount", "type": "u64"}
            ]}},
            {"name": "Side", "type": {"kind": "enum", "variants": [{"name": "Bid"}, {"name": "Ask"}]}}
        ],
        "events": [{"name": "Swapped", "fields": [
            {"name": "amountIn", "type": "u64", "index": false},
            {"name": "side", "type": {"defined": "Side"}, "index": false}
        ]}],
        "errors": [{"code": 6000, "name": "SlippageExceeded", "msg": "slippage"}]
    })
}

#[test]
fn legacy_and_new_casing_of_one_program_do_not_differ() {
    let legacy = program(&legacy_idl());
    // The new IDL states the discriminators the legacy model computes (sighashes).
    let mut new = idl();
    at(&mut new, "/instructions/0")["discriminator"] = json!(legacy.instructions[0].prefix);
    at(&mut new, "/accounts/0")["discriminator"] = json!(legacy.accounts[0].prefix);
    at(&mut new, "/events/0")["discriminator"] = json!(legacy.events[0].prefix);
    let d = diff(&legacy, &program(&new));
    assert!(d.changes.is_empty(), "{d:#?}");
    assert_eq!(d.from.format, "anchor-legacy");

    // And a real change still shows, under the new name.
    *at(&mut new, "/types/0/type/fields/1/type") = json!("u32");
    let d = diff(&legacy, &program(&new));
    expect(
        &d,
        &format!("{POOL}/fields/fee_rate"),
        ChangeCode::FieldRetyped,
        Severity::Breaking,
    );
}

#[test]
fn markdown_report_has_headline_tables_and_details() {
    let d = edited(|v| *at(v, "/instructions/0/args/0/type") = json!("u32"));
    let md = render_markdown(&d);
    assert!(md.starts_with("# IDL diff: `amm`"), "{md}");
    assert!(
        md.contains("**Breaking:** 1 breaking and 0 compatible"),
        "{md}"
    );
    assert!(md.contains("| Instructions | 0 | 0 | 1 |"), "{md}");
    assert!(
        md.contains("| `swap_exact` | changed | **breaking** |"),
        "{md}"
    );
    assert!(
        md.contains("- **breaking** `arg_retyped` `/instructions/swap_exact/args/amount`"),
        "{md}"
    );
}

#[test]
fn markdown_escapes_idl_text() {
    let d = edited(|v| at(v, "/instructions/0")["docs"] = json!(["<script>|x"]));
    let md = render_markdown(&d);
    assert!(!md.contains("<script>"), "{md}");
    assert!(md.contains("&lt;script&gt;\\|x"), "{md}");
}

#[test]
fn a_long_chain_of_types_is_compared_in_linear_time() {
    // T0 embeds T1, which embeds T2, …: a change at the end reaches every type, each found once.
    const N: usize = 5_000;
    let chain = |last: &str| {
        let mut v = idl();
        let types = array(&mut v, "/types");
        for i in 0..N {
            let ty = if i + 1 == N {
                json!(last)
            } else {
                json!({"defined": {"name": format!("T{}", i + 1)}})
            };
            types.push(
                json!({"name": format!("T{i}"), "type": {"kind": "struct", "fields": [
                    {"name": "next", "type": ty}
                ]}}),
            );
        }
        program(&v)
    };
    let started = std::time::Instant::now();
    let d = diff(&chain("u8"), &chain("u16"));
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
    assert_eq!(d.summary.types.changed, N, "{:#?}", d.summary);
    expect(
        &d,
        "/types/T0/fields/next",
        ChangeCode::ChangedViaType,
        Severity::Breaking,
    );
    expect(
        &d,
        &format!("/types/T{}/fields/next", N - 1),
        ChangeCode::FieldRetyped,
        Severity::Breaking,
    );
}
