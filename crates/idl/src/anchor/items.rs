//! Instructions and their account lists (groups, PDAs, relations) for both Anchor dialects.

use serde_json::Value;

use super::names::{sighash, snake_case};
use super::types::{parse_named_fields, parse_type, primitive};
use super::walk::Ctx;
use super::Dialect;
use crate::describe::short;
use crate::pointer::join;
use crate::{
    AccountItem, Instruction, InstructionAccount, OptionalAccountStrategy, Pda, Seed, Signer,
};

pub fn parse_instruction(
    cx: &mut Ctx,
    dialect: Dialect,
    index: usize,
    v: &Value,
    ptr: &str,
) -> Option<Instruction> {
    cx.object(v, ptr)?;
    let name = cx.req_str(v, "name", ptr)?.to_string();
    let docs = cx.docs(v, ptr);
    let arg_items = cx.list(v, "args", ptr);
    let args = parse_named_fields(cx, arg_items, &join(ptr, "args"));
    let account_items = cx.list(v, "accounts", ptr);
    let accounts = parse_account_items(cx, dialect, account_items, &join(ptr, "accounts"));
    let returns = match v.get("returns") {
        None | Some(Value::Null) => Some(None),
        Some(t) => parse_type(cx, t, &join(ptr, "returns")).map(Some),
    };
    let prefix = match dialect {
        Dialect::Anchor => match v.get("discriminator") {
            Some(d) => cx.bytes(d, &join(ptr, "discriminator")),
            None => {
                cx.problem(ptr, "missing `discriminator`");
                None
            }
        },
        Dialect::Legacy => Some(sighash("global", &snake_case(&name))),
        Dialect::Shank => match v.get("discriminant") {
            Some(d) => shank_discriminant(cx, d, &join(ptr, "discriminant")),
            // No discriminant: Codama (and so the reference vectors) use the instruction index.
            None => match u8::try_from(index) {
                Ok(i) => Some(vec![i]),
                Err(_) => {
                    cx.problem(ptr, "instruction without `discriminant` beyond index 255");
                    None
                }
            },
        },
    };
    let strategy = if dialect == Dialect::Shank && cx.flag(v, "legacyOptionalAccountsStrategy", ptr)
    {
        OptionalAccountStrategy::Omitted
    } else {
        OptionalAccountStrategy::ProgramId
    };
    let (args, accounts, returns, prefix) = (args?, accounts?, returns?, prefix?);
    Some(Instruction {
        name,
        docs,
        discriminators: crate::anchor::bytes_discriminator(&prefix),
        prefix,
        args,
        accounts,
        optional_account_strategy: strategy,
        remaining_accounts: false,
        returns,
    })
}

fn shank_discriminant(cx: &mut Ctx, d: &Value, ptr: &str) -> Option<Vec<u8>> {
    let ty = d.get("type").and_then(Value::as_str).unwrap_or("u8");
    let value = d.get("value").and_then(Value::as_u64);
    match (ty, value) {
        ("u8", Some(n)) if n <= 255 => Some(vec![n as u8]),
        _ => {
            cx.problem(ptr, format!("unsupported discriminant {}", short(d)));
            None
        }
    }
}

fn parse_account_items(
    cx: &mut Ctx,
    dialect: Dialect,
    items: &[Value],
    ptr: &str,
) -> Option<Vec<AccountItem>> {
    let mut out = Vec::with_capacity(items.len());
    let mut ok = true;
    for (i, a) in items.iter().enumerate() {
        match parse_account_item(cx, dialect, a, &join(ptr, i)) {
            Some(item) => out.push(item),
            None => ok = false,
        }
    }
    ok.then_some(out)
}

fn parse_account_item(cx: &mut Ctx, dialect: Dialect, v: &Value, ptr: &str) -> Option<AccountItem> {
    cx.object(v, ptr)?;
    let name = cx.req_str(v, "name", ptr)?.to_string();
    let docs = cx.docs(v, ptr);
    if let Some(children) = v.get("accounts") {
        let Some(children) = children.as_array() else {
            cx.problem(join(ptr, "accounts"), "expected an array");
            return None;
        };
        let accounts = parse_account_items(cx, dialect, children, &join(ptr, "accounts"))?;
        return Some(AccountItem::Group {
            name,
            docs,
            accounts,
        });
    }
    let (writable, signer, optional) = if dialect == Dialect::Anchor {
        let signer = if cx.flag(v, "signer", ptr) {
            Signer::Yes
        } else {
            Signer::No
        };
        (
            cx.flag(v, "writable", ptr),
            signer,
            cx.flag(v, "optional", ptr),
        )
    } else {
        let signer = if cx.flag(v, "isSigner", ptr) {
            Signer::Yes
        } else if cx.flag(v, "isOptionalSigner", ptr) {
            Signer::Either
        } else {
            Signer::No
        };
        (
            cx.flag(v, "isMut", ptr),
            signer,
            cx.flag(v, "isOptional", ptr),
        )
    };
    let address = cx.opt_str(v, "address", ptr).map(str::to_string);
    let pda = match v.get("pda") {
        Some(p) => Some(parse_pda(cx, dialect, p, &join(ptr, "pda"))?),
        None => None,
    };
    let mut relations = Vec::new();
    for (i, r) in cx.list(v, "relations", ptr).iter().enumerate() {
        match r.as_str() {
            Some(s) => relations.push(s.to_string()),
            None => cx.problem(join(&join(ptr, "relations"), i), "expected an account name"),
        }
    }
    Some(AccountItem::Single(InstructionAccount {
        name,
        docs,
        writable,
        signer,
        optional,
        address,
        pda,
        relations,
        default: None,
    }))
}

fn parse_pda(cx: &mut Ctx, dialect: Dialect, v: &Value, ptr: &str) -> Option<Pda> {
    cx.object(v, ptr)?;
    let sptr = join(ptr, "seeds");
    let mut seeds = Vec::new();
    let mut ok = true;
    for (i, s) in cx.list(v, "seeds", ptr).iter().enumerate() {
        match parse_seed(cx, dialect, s, &join(&sptr, i)) {
            Some(seed) => seeds.push(seed),
            None => ok = false,
        }
    }
    let program_key = if dialect == Dialect::Anchor {
        "program"
    } else {
        "programId"
    };
    let program = match v.get(program_key) {
        None | Some(Value::Null) => None,
        Some(p) => Some(parse_seed(cx, dialect, p, &join(ptr, program_key))?),
    };
    ok.then_some(Pda { seeds, program })
}

fn parse_seed(cx: &mut Ctx, dialect: Dialect, v: &Value, ptr: &str) -> Option<Seed> {
    cx.object(v, ptr)?;
    let kind = cx.req_str(v, "kind", ptr)?;
    match kind {
        "const" => {
            let value = v.get("value").unwrap_or(&Value::Null);
            let bytes = if dialect == Dialect::Anchor {
                cx.bytes(value, &join(ptr, "value"))?
            } else {
                legacy_const_seed(cx, v.get("type"), value, &join(ptr, "value"))?
            };
            Some(Seed::Const { bytes })
        }
        "arg" => {
            let path = cx.req_str(v, "path", ptr)?.to_string();
            // Legacy seeds state the arg's type; it is advisory only (Anchor writes Rust-ish
            // strings there), so an unreadable one is dropped rather than reported.
            let ty = v
                .get("type")
                .and_then(|t| parse_type(&mut Ctx::default(), t, ""));
            Some(Seed::Arg { path, ty })
        }
        "account" => {
            let path = cx.req_str(v, "path", ptr)?.to_string();
            let account = cx.opt_str(v, "account", ptr).map(str::to_string);
            Some(Seed::Account { path, account })
        }
        other => {
            cx.problem(
                join(ptr, "kind"),
                format!("unsupported seed kind `{other}`"),
            );
            None
        }
    }
}

/// Legacy const seeds: `{"type": "string", "value": "vault"}`, `{"type": "u32", "value": 0}`,
/// `{"type": {"array": ["u8", 4]}, "value": [1, 2, 3, 4]}`, `{"type": "publicKey", "value": "…"}`.
fn legacy_const_seed(
    cx: &mut Ctx,
    ty: Option<&Value>,
    value: &Value,
    ptr: &str,
) -> Option<Vec<u8>> {
    match (ty.and_then(Value::as_str), value) {
        (Some("string"), Value::String(s)) => Some(s.as_bytes().to_vec()),
        (Some("publicKey" | "pubkey"), Value::String(s)) => {
            match crate::address::parse_address(s) {
                Ok(b) => Some(b.to_vec()),
                Err(_) => {
                    cx.problem(ptr, format!("invalid public key `{s}`"));
                    None
                }
            }
        }
        (Some(name), Value::Number(_) | Value::String(_)) if primitive(name).is_some() => {
            let ty = primitive(name)?;
            match crate::codec::encode_with(&crate::codec::NoTypes, &ty, value) {
                Ok(bytes) => Some(bytes),
                Err(e) => {
                    cx.problem(ptr, e.message);
                    None
                }
            }
        }
        (_, Value::Array(_)) => cx.bytes(value, ptr),
        (_, Value::String(s)) => Some(s.as_bytes().to_vec()),
        _ => {
            cx.problem(ptr, format!("unsupported const seed {}", short(value)));
            None
        }
    }
}
