//! The instructions tab: each instruction with its arguments, accounts and discriminator, and a
//! try-it form generated from the IDL that calls the build route (see `app.js`).

use std::sync::Arc;

use maud::{html, Markup};
use orquestra_api::views::{
    AccountDefault, ArgDetail, InstructionAccountView, InstructionDetail, InstructionView,
    SeedView, SignerRole, VariantKind,
};

use super::{discriminator, unusable};
use crate::layout::{count, lines};

pub fn render(project_id: &str, pinned: Option<i64>, list: &[Arc<InstructionView>]) -> Markup {
    html! {
        @if list.is_empty() { p { "The IDL has no instructions." } }
        @for ix in list.iter().map(|view| &view.instruction) {
            details.instruction #(format!("ix-{}", ix.name)) {
                summary {
                    code { (ix.name) }
                    span.muted { " · " (count(ix.arg_count, "arg")) " · " (count(ix.account_count, "account")) }
                }
                (lines(&ix.docs))
                (unusable(&ix.unusable))
                p { "Discriminator: " (discriminator(&ix.discriminator)) }
                @if !ix.args.is_empty() {
                    h4 { "Arguments" }
                    table.args {
                        thead { tr { th { "Name" } th { "Type" } th { "Notes" } } }
                        tbody {
                            @for arg in &ix.args {
                                tr {
                                    td { code { (arg.name) } }
                                    td { code { (arg.ty) } }
                                    td { @if arg.optional { "optional · " } (arg.docs.join(" ")) }
                                }
                            }
                        }
                    }
                }
                @if !ix.accounts.is_empty() {
                    h4 { "Accounts" }
                    table.accounts {
                        thead { tr { th { "Account" } th { "Role" } th { "Address" } } }
                        tbody {
                            @for account in &ix.accounts {
                                tr {
                                    td { code { (account.path) } (lines(&account.docs)) }
                                    td { (roles(account)) }
                                    td { (address_source(account)) }
                                }
                            }
                        }
                    }
                }
                @if ix.remaining_accounts { p.muted { "Takes further (remaining) accounts after these." } }
                @if ix.usable { (try_it(project_id, pinned, ix)) }
            }
        }
    }
}

fn roles(account: &InstructionAccountView) -> Markup {
    html! {
        @match account.signer {
            SignerRole::Yes => span.badge.signer { "signer" },
            SignerRole::Either => span.badge.signer { "signer?" },
            SignerRole::No => {},
        }
        @if account.writable { " " span.badge.writable { "writable" } }
        @if account.optional { " " span.badge { "optional" } }
    }
}

/// How the server finds the account's address when the caller leaves it out.
fn auto_source(account: &InstructionAccountView) -> Option<String> {
    if let Some(address) = &account.address {
        return Some(format!("fixed: {address}"));
    }
    if account.pda.is_some() {
        return Some("PDA, derived by the server".into());
    }
    account.default.as_ref().map(|d| match d {
        AccountDefault::ProgramId => "the program id".into(),
        AccountDefault::Account { name } => format!("same as {name}"),
        AccountDefault::Arg { name } => format!("from argument {name}"),
        AccountDefault::Payer => "the fee payer".into(),
        AccountDefault::Identity => "the signing identity".into(),
        AccountDefault::Other { description } => description.clone(),
    })
}

fn address_source(account: &InstructionAccountView) -> Markup {
    html! {
        @if let Some(pda) = &account.pda {
            "PDA of seeds:"
            ol.seeds { @for seed in &pda.seeds { li { (seed_text(seed)) } } }
            @if let Some(program) = &pda.program { "under " (seed_text(program)) }
        } @else if let Some(source) = auto_source(account) {
            (source)
        } @else {
            span.muted { "given by the caller" }
        }
    }
}

fn seed_text(seed: &SeedView) -> &str {
    match seed {
        SeedView::Const { description, .. }
        | SeedView::Arg { description, .. }
        | SeedView::Account { description, .. }
        | SeedView::Variable { description, .. }
        | SeedView::ProgramId { description } => description,
    }
}

/// How `app.js` turns a field's text into canonical JSON.
#[derive(Clone, Copy)]
enum Kind {
    Number,
    /// Big integers, addresses and strings: sent as strings.
    Text,
    Bool,
    Json,
}

impl Kind {
    fn attr(self) -> &'static str {
        match self {
            Kind::Number => "number",
            Kind::Text => "string",
            Kind::Bool => "bool",
            Kind::Json => "json",
        }
    }
}

/// The input for a type string such as `u64`, `pubkey` or `Option<u8>`.
fn kind_of(ty: &str) -> Kind {
    match ty {
        "u8" | "u16" | "u32" | "i8" | "i16" | "i32" | "f32" | "f64" => Kind::Number,
        "u64" | "i64" | "u128" | "i128" | "u256" | "i256" | "pubkey" | "publicKey" | "string" => {
            Kind::Text
        }
        "bool" => Kind::Bool,
        _ => Kind::Json,
    }
}

fn option_inner(ty: &str) -> Option<&str> {
    ["Option<", "COption<"]
        .into_iter()
        .find_map(|p| ty.strip_prefix(p))
        .and_then(|rest| rest.strip_suffix('>'))
}

fn try_it(project_id: &str, pinned: Option<i64>, ix: &InstructionDetail) -> Markup {
    let mut endpoint = format!("/api/{project_id}/instructions/{}/build", ix.name);
    if let Some(v) = pinned {
        endpoint.push_str(&format!("?version={v}"));
    }
    let id = |field: &str| format!("{}-{}", ix.name, field.replace('.', "-"));
    html! {
        form.try-it data-instruction=(ix.name) data-endpoint=(endpoint) novalidate {
            h4 { "Try it" }
            @for arg in &ix.args {
                (arg_field(&id(&format!("arg-{}", arg.name)), arg))
            }
            @for account in &ix.accounts {
                @let field_id = id(&format!("acc-{}", account.path));
                @let auto = auto_source(account);
                div.field {
                    label for=(field_id) {
                        code { (account.path) } " " (roles(account))
                    }
                    input #(field_id) name=(format!("accounts.{}", account.path)) type="text"
                        autocomplete="off" spellcheck="false" data-kind="string"
                        required[auto.is_none() && !account.optional]
                        placeholder=(auto.as_deref().map(|s| format!("auto: {s}")).unwrap_or_else(|| "base58 address".into()));
                }
            }
            div.field {
                label for=(id("fee-payer")) { "Fee payer" }
                input #(id("fee-payer")) name="feePayer" type="text" required autocomplete="off" spellcheck="false" placeholder="base58 address (signs first)";
            }
            div.field {
                label for=(id("cluster")) { "Cluster" }
                select #(id("cluster")) name="cluster" {
                    option value="mainnet-beta" { "mainnet-beta" }
                    option value="devnet" selected { "devnet" }
                    option value="testnet" { "testnet" }
                    option value="localnet" { "localnet" }
                }
            }
            details.advanced {
                summary { "Advanced" }
                div.field {
                    label for=(id("blockhash")) { "Recent blockhash " span.muted { "(empty: fetched from the cluster)" } }
                    input #(id("blockhash")) name="recentBlockhash" type="text" spellcheck="false" autocomplete="off";
                }
                div.field {
                    label for=(id("cu-limit")) { "Compute unit limit" }
                    input #(id("cu-limit")) name="computeUnitLimit" type="number" min="1" data-kind="number";
                }
                div.field {
                    label for=(id("cu-price")) { "Compute unit price " span.muted { "(micro-lamports)" } }
                    input #(id("cu-price")) name="computeUnitPrice" type="number" min="0" data-kind="number";
                }
            }
            div.actions {
                button type="submit" name="action" value="build" { "Build transaction" }
                button type="submit" name="action" value="simulate" { "Simulate" }
            }
            p.form-error role="alert" hidden {}
        }
        section.tx-result hidden aria-live="polite" {}
    }
}

fn arg_field(id: &str, arg: &ArgDetail) -> Markup {
    let name = format!("args.{}", arg.name);
    let (inner, is_option) = match option_inner(&arg.ty) {
        Some(inner) => (inner, true),
        None => (arg.ty.as_str(), false),
    };
    let unit_enum = arg.variants.as_ref().filter(|variants| {
        !variants.is_empty() && variants.iter().all(|v| matches!(v.kind, VariantKind::Unit))
    });
    let kind = if unit_enum.is_some() {
        Kind::Text
    } else {
        kind_of(inner)
    };
    let example = if is_option {
        serde_json::Value::Null
    } else {
        arg.example.clone()
    };
    let required = !arg.optional && !is_option;
    html! {
        div.field {
            label for=(id) { code { (arg.name) } " " span.muted { (arg.ty) } }
            @if is_option {
                label.toggle { input type="checkbox" data-option-for=(id) checked[false]; " set a value (unset: null)" }
            }
            @if let Some(variants) = unit_enum {
                select #(id) name=(name) data-kind=(kind.attr()) required[required] {
                    @for v in variants { option value=(v.name) { (v.name) } }
                }
            } @else {
                @match kind {
                    Kind::Bool => input #(id) name=(name) type="checkbox" data-kind="bool";,
                    Kind::Number => input #(id) name=(name) type="number" step="any" data-kind="number"
                        required[required] placeholder=(example.to_string());,
                    Kind::Text => input #(id) name=(name) type="text" data-kind="string" spellcheck="false"
                        required[required] placeholder=(example.as_str().unwrap_or(inner));,
                    Kind::Json => textarea #(id) name=(name) data-kind="json" rows="3" spellcheck="false" required[required] {
                        (serde_json::to_string_pretty(&arg.example).unwrap_or_default())
                    },
                }
            }
            @if !arg.docs.is_empty() { small.muted { (arg.docs.join(" ")) } }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{kind_of, option_inner, Kind};

    #[test]
    fn option_types_unwrap_to_their_inner_type() {
        assert_eq!(option_inner("Option<u64>"), Some("u64"));
        assert_eq!(option_inner("COption<pubkey>"), Some("pubkey"));
        assert_eq!(option_inner("Vec<u8>"), None);
        assert!(matches!(kind_of("u64"), Kind::Text));
        assert!(matches!(kind_of("u8"), Kind::Number));
        assert!(matches!(kind_of("Vec<u8>"), Kind::Json));
    }
}
