//! `instructionNode`s: arguments, discriminators and accounts with their default values.

use serde_json::Value;

use super::accounts::discriminators;
use super::node::{child, kind_of, Ctx};
use super::pdas::{pda_value, PdaValue};
use super::types::fields;
use super::values::{decode_pubkey, json_bytes};
use crate::{
    AccountDefault, AccountItem, Discriminator, Instruction, InstructionAccount,
    OptionalAccountStrategy, Signer,
};

/// An `instructionNode`.
pub(super) fn instruction(ctx: &mut Ctx, v: &Value, ptr: &str) -> Option<Instruction> {
    let o = ctx.node_of(v, "instructionNode", ptr)?;
    let name = ctx.req_str(o, "name", ptr);
    let docs = ctx.docs(o, ptr);
    // `extraArguments` are resolver inputs, never part of the data.
    let list = ctx.list(o, "arguments", ptr);
    let args = fields(
        ctx,
        list,
        &child(ptr, "arguments"),
        "instructionArgumentNode",
    );
    let list = ctx.list(o, "discriminators", ptr);
    let mut discs = match &args {
        Some(args) => discriminators(ctx, list, &child(ptr, "discriminators"), args),
        None => None,
    };
    // Some generated IDLs state no discriminators although the first argument is one (an omitted
    // constant named `discriminator`): recognise the instruction by it anyway.
    if let (Some(discs), Some(args)) = (discs.as_mut(), args.as_ref()) {
        if discs.is_empty() {
            if let Some(first) = args.first().filter(|a| a.name == "discriminator") {
                if let Some(value) = &first.omitted_default {
                    let bytes = json_bytes(
                        ctx,
                        &first.ty,
                        value,
                        &child(ptr, "arguments/0/defaultValue"),
                    );
                    discs.extend(bytes.map(|bytes| Discriminator::Bytes { offset: 0, bytes }));
                }
            }
        }
    }
    let list_ptr = child(ptr, "accounts");
    let mut accounts = Some(Vec::new());
    for (i, a) in ctx.list(o, "accounts", ptr).iter().enumerate() {
        match (account(ctx, a, &child(&list_ptr, i)), accounts.as_mut()) {
            (Some(a), Some(all)) => all.push(AccountItem::Single(a)),
            _ => accounts = None,
        }
    }
    let optional_account_strategy = match ctx.opt_str(o, "optionalAccountStrategy", ptr) {
        None | Some("programId") => Some(OptionalAccountStrategy::ProgramId),
        Some("omitted") => Some(OptionalAccountStrategy::Omitted),
        Some(other) => {
            ctx.problem(
                &child(ptr, "optionalAccountStrategy"),
                format!("unknown strategy `{other}`"),
            );
            None
        }
    };
    let remaining_accounts = !ctx.list(o, "remainingAccounts", ptr).is_empty();
    Some(Instruction {
        name: name?.to_owned(),
        docs,
        discriminators: discs?,
        prefix: Vec::new(),
        args: args?,
        accounts: accounts?,
        optional_account_strategy: optional_account_strategy?,
        remaining_accounts,
        returns: None,
    })
}

/// An `instructionAccountNode`.
fn account(ctx: &mut Ctx, v: &Value, ptr: &str) -> Option<InstructionAccount> {
    let o = ctx.node_of(v, "instructionAccountNode", ptr)?;
    let name = ctx.req_str(o, "name", ptr);
    let docs = ctx.docs(o, ptr);
    let writable = ctx.opt_bool(o, "isWritable", ptr, false);
    let optional = ctx.opt_bool(o, "isOptional", ptr, false);
    let signer = match o.get("isSigner") {
        None | Some(Value::Null | Value::Bool(false)) => Some(Signer::No),
        Some(Value::Bool(true)) => Some(Signer::Yes),
        Some(Value::String(s)) if s == "either" => Some(Signer::Either),
        Some(other) => {
            ctx.problem(
                &child(ptr, "isSigner"),
                format!("expected true, false or \"either\", got {other}"),
            );
            None
        }
    };
    let mut account = InstructionAccount {
        name: name?.to_owned(),
        docs,
        writable,
        signer: signer?,
        optional,
        address: None,
        pda: None,
        relations: Vec::new(),
        default: None,
    };
    let Some(default) = o.get("defaultValue").filter(|d| !d.is_null()) else {
        return Some(account);
    };
    let ptr = child(ptr, "defaultValue");
    let (kind, d) = ctx.node(default, &ptr)?;
    match kind {
        "publicKeyValueNode" => {
            let key = ctx.req_str(d, "publicKey", &ptr)?;
            if let Err(e) = decode_pubkey(key) {
                ctx.problem(&child(&ptr, "publicKey"), e);
                return None;
            }
            account.address = Some(key.to_owned());
        }
        "pdaValueNode" => match pda_value(ctx, default, &ptr)? {
            PdaValue::Pda(pda) => account.pda = Some(pda),
            PdaValue::Unresolved => {
                let description = format!("{} (PDA not defined in this IDL)", describe(default, 0));
                account.default = Some(AccountDefault::Other { description });
            }
        },
        "programIdValueNode" => account.default = Some(AccountDefault::ProgramId),
        "payerValueNode" => account.default = Some(AccountDefault::Payer),
        "identityValueNode" => account.default = Some(AccountDefault::Identity),
        "accountValueNode" => {
            account.default = Some(AccountDefault::Account {
                name: ctx.req_str(d, "name", &ptr)?.to_owned(),
            });
        }
        "argumentValueNode" => {
            account.default = Some(AccountDefault::Arg {
                name: ctx.req_str(d, "name", &ptr)?.to_owned(),
            });
        }
        _ => {
            account.default = Some(AccountDefault::Other {
                description: describe(default, 0),
            })
        }
    }
    Some(account)
}

/// A short human description of a value node the model does not interpret (for docs).
pub(super) fn describe(v: &Value, depth: usize) -> String {
    if depth > 8 {
        return "…".into();
    }
    let d = depth + 1;
    let name = || v.get("name").and_then(Value::as_str).unwrap_or("?");
    let sub = |key: &str| v.get(key).filter(|x| !x.is_null()).map(|x| describe(x, d));
    match kind_of(v).unwrap_or("?") {
        "accountValueNode" => format!("account `{}`", name()),
        "argumentValueNode" => format!("argument `{}`", name()),
        "accountBumpValueNode" => format!("bump of account `{}`", name()),
        "payerValueNode" => "the payer".into(),
        "identityValueNode" => "the identity (wallet)".into(),
        "programIdValueNode" => "the program id".into(),
        "publicKeyValueNode" => {
            format!(
                "address {}",
                v.get("publicKey").and_then(Value::as_str).unwrap_or("?")
            )
        }
        "pdaValueNode" => {
            let pda = v
                .get("pda")
                .map(|p| p.get("name").and_then(Value::as_str).unwrap_or("inline"))
                .unwrap_or("?");
            let seeds: Vec<String> = v
                .get("seeds")
                .and_then(Value::as_array)
                .map(|s| {
                    s.iter()
                        .map(|s| {
                            let n = s.get("name").and_then(Value::as_str).unwrap_or("?");
                            format!(
                                "{n}: {}",
                                s.get("value").map_or("?".into(), |x| describe(x, d))
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            format!("PDA `{pda}`({})", seeds.join(", "))
        }
        "resolverValueNode" => {
            let deps: Vec<String> = v
                .get("dependsOn")
                .and_then(Value::as_array)
                .map(|l| l.iter().map(|x| describe(x, d)).collect())
                .unwrap_or_default();
            if deps.is_empty() {
                format!("resolver `{}`", name())
            } else {
                format!("resolver `{}` (depends on {})", name(), deps.join(", "))
            }
        }
        "conditionalValueNode" => {
            let mut s = format!("if {}", sub("condition").unwrap_or_else(|| "?".into()));
            if let Some(value) = sub("value") {
                s.push_str(&format!(" is {value}"));
            }
            if let Some(t) = sub("ifTrue") {
                s.push_str(&format!(" then {t}"));
            }
            if let Some(f) = sub("ifFalse") {
                s.push_str(&format!(" else {f}"));
            }
            s
        }
        "numberValueNode" => v.get("number").map_or("?".into(), ToString::to_string),
        "booleanValueNode" => v.get("boolean").map_or("?".into(), ToString::to_string),
        "stringValueNode" => v.get("string").map_or("?".into(), ToString::to_string),
        "enumValueNode" => v
            .get("variant")
            .and_then(Value::as_str)
            .unwrap_or("?")
            .to_owned(),
        "noneValueNode" => "none".into(),
        other => other.trim_end_matches("ValueNode").to_owned(),
    }
}
