//! `/transactions`: paste a wire transaction and see it decoded with the stored IDLs. The form
//! is a plain GET, so the page works without script and a decoded transaction has a URL.

use maud::{html, Markup};
use orquestra_api::transaction::DecodedTransactionResponse;

use crate::layout::{json, page, Viewer};

/// What the page shows.
pub struct Transactions {
    /// The pasted text.
    pub input: Option<String>,
    /// `base64` or `base58`.
    pub encoding: String,
    /// The decoded transaction, or the API's error message.
    pub decoded: Option<Result<DecodedTransactionResponse, String>>,
}

pub fn render(viewer: &Viewer, tx: &Transactions) -> Markup {
    let body = html! {
        h1 { "Decode a transaction" }
        form #decode method="get" action="/transactions" {
            div.field {
                label for="tx-input" { "Wire transaction" }
                textarea #tx-input name="tx" rows="5" spellcheck="false" required { (tx.input.as_deref().unwrap_or("")) }
            }
            div.field {
                label for="tx-encoding" { "Encoding" }
                select #tx-encoding name="encoding" {
                    @for e in ["base64", "base58"] { option value=(e) selected[tx.encoding == e] { (e) } }
                }
            }
            div.actions { button type="submit" { "Decode" } }
        }
        @match &tx.decoded {
            None => {},
            Some(Err(message)) => p.form-error role="alert" { (message) },
            Some(Ok(decoded)) => section #tx-decoded aria-live="polite" {
                h2 { "Message (" (format!("{:?}", decoded.version)) ")" }
                @for w in &decoded.warnings { p.warning { (w) } }
                p { "Blockhash " code { (decoded.recent_blockhash) } }
                table.tx-accounts {
                    thead { tr { th { "#" } th { "Account" } th { "Signer" } th { "Writable" } } }
                    tbody {
                        @for (i, a) in decoded.accounts.iter().enumerate() {
                            tr { td { (i) } td { code { (a.pubkey) } } td { (yes(a.signer)) } td { (yes(a.writable)) } }
                        }
                    }
                }
                h2 { "Instructions" }
                @for (i, ix) in decoded.instructions.iter().enumerate() {
                    article.item {
                        h3 {
                            (i) ". "
                            @match (&ix.instruction.program_name, &ix.instruction.instruction_name) {
                                (Some(p), Some(n)) => { (p) " · " code { (n) } },
                                (Some(p), None) => { (p) " · unknown instruction" },
                                _ => { "unknown program" },
                            }
                        }
                        p.meta { "Program " code { (ix.instruction.program_id.as_deref().unwrap_or("?")) } }
                        @if let Some(error) = &ix.instruction.error { p.warning { (error) } }
                        @if let Some(args) = &ix.instruction.args { h4 { "Arguments" } (json(args)) }
                        table {
                            thead { tr { th { "Name" } th { "Account" } th { "Role" } } }
                            tbody {
                                @for a in &ix.instruction.accounts {
                                    tr {
                                        td { (a.name.as_deref().unwrap_or("—")) }
                                        td { code { (a.pubkey.as_deref().unwrap_or("(lookup table)")) } }
                                        td { @if a.signer { "signer " } @if a.writable { "writable" } }
                                    }
                                }
                            }
                        }
                        p { "Data " code.hex { (ix.instruction.data_hex) } }
                    }
                }
            },
        }
    };
    page("Transactions", viewer, body)
}

fn yes(flag: bool) -> &'static str {
    if flag {
        "yes"
    } else {
        ""
    }
}
