//! The interactive tabs: derive a PDA, fetch and decode an account. The forms post to the JSON
//! API from `app.js`; the answer is shown as returned.

use maud::{html, Markup};
use orquestra_api::pda::{PdaInputKind, PdaList};
use orquestra_api::views::{AccountTypeEntry, AccountsView};

use crate::layout::{count, json};

pub fn pdas(project_id: &str, list: &PdaList) -> Markup {
    html! {
        @if list.pda_accounts.is_empty() { p { "The IDL describes no PDAs." } }
        @for (i, pda) in list.pda_accounts.iter().enumerate() {
            @let first_use = pda.used_by.first();
            details.item {
                summary { code { (pda.name) } span.muted { " · used by " (count(pda.used_by.len(), "account")) } }
                @if !pda.used_by.is_empty() {
                    p { "Used by: " @for u in &pda.used_by { code { (u.instruction) "." (u.account) } " " } }
                }
                details { summary { "Seeds (as the API describes them)" } (json(&pda.pda)) }
                form.api-form data-endpoint=(format!("/api/{project_id}/pda/derive")) data-method="POST" {
                    @if let Some(u) = first_use {
                        input type="hidden" name="instruction" value=(u.instruction) data-kind="string";
                        input type="hidden" name="account" value=(u.account) data-kind="string";
                    } @else {
                        input type="hidden" name="account" value=(pda.name) data-kind="string";
                    }
                    @for input in &pda.inputs {
                        @let id = format!("pda{i}-{}", input.name.replace('.', "-"));
                        @let (group, kind) = match input.kind {
                            PdaInputKind::Arg => ("args", "json-or-string"),
                            PdaInputKind::Account | PdaInputKind::AccountData => ("accounts", "string"),
                            PdaInputKind::Variable => ("seedValues", "json-or-string"),
                        };
                        div.field {
                            label for=(id) { code { (input.name) } " " span.muted { (group) } }
                            input #(id) type="text" name=(format!("{group}.{}", input.name)) data-kind=(kind)
                                spellcheck="false" required[!input.has_default];
                        }
                    }
                    div.actions { button type="submit" { "Derive" } }
                    p.form-error role="alert" hidden {}
                    output.api-result {}
                }
            }
        }
    }
}

pub fn account_fetch(project_id: &str, view: &AccountsView) -> Markup {
    html! {
        form.api-form.account-fetch data-endpoint=(format!("/api/{project_id}/pda/fetch/{{address}}")) data-method="GET" {
            div.field {
                label for="fetch-address" { "Account address" }
                input #fetch-address type="text" name="address" required spellcheck="false" data-kind="path";
            }
            div.field {
                label for="fetch-type" { "Account type" }
                select #fetch-type name="accountType" data-kind="query" {
                    option value="" { "detect from the discriminator" }
                    @for entry in &view.accounts {
                        @if let AccountTypeEntry::Item(a) = entry { option value=(a.name) { (a.name) } }
                    }
                }
            }
            div.field {
                label for="fetch-cluster" { "Cluster" }
                select #fetch-cluster name="cluster" data-kind="query" {
                    option value="mainnet-beta" { "mainnet-beta" }
                    option value="devnet" { "devnet" }
                    option value="testnet" { "testnet" }
                    option value="localnet" { "localnet" }
                }
            }
            div.actions { button type="submit" { "Fetch and decode" } }
            p.form-error role="alert" hidden {}
            output.api-result {}
        }
    }
}
