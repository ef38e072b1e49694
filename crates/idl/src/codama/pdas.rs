//! `pdaNode`s (named PDAs) and `pdaValueNode`s (an instruction account derived as a PDA).

use serde_json::Value;

use super::node::{child, kind_of, Ctx};
use super::types::type_node;
use super::values::{self, decode_pubkey, ValueError};
use crate::{Pda, PdaDef, Seed};

/// A `pdaNode`.
pub(super) fn pda_node(ctx: &mut Ctx, v: &Value, ptr: &str) -> Option<PdaDef> {
    let o = ctx.node_of(v, "pdaNode", ptr)?;
    let name = ctx.req_str(o, "name", ptr);
    let docs = ctx.docs(o, ptr);
    let program = match ctx.opt_str(o, "programId", ptr) {
        None => Some(None),
        Some(key) => match decode_pubkey(key) {
            Ok(bytes) => Some(Some(Seed::Const { bytes })),
            Err(e) => {
                ctx.problem(&child(ptr, "programId"), e);
                None
            }
        },
    };
    let list_ptr = child(ptr, "seeds");
    let mut seeds = Some(Vec::new());
    for (i, s) in ctx.list(o, "seeds", ptr).iter().enumerate() {
        match (seed(ctx, s, &child(&list_ptr, i)), seeds.as_mut()) {
            (Some(s), Some(all)) => all.push(s),
            _ => seeds = None,
        }
    }
    Some(PdaDef {
        name: name?.to_owned(),
        docs,
        pda: Pda {
            seeds: seeds?,
            program: program?,
        },
    })
}

/// A `constantPdaSeedNode` or `variablePdaSeedNode`.
fn seed(ctx: &mut Ctx, v: &Value, ptr: &str) -> Option<Seed> {
    let (kind, o) = ctx.node(v, ptr)?;
    match kind {
        "constantPdaSeedNode" => {
            let ty = ctx.req(o, "type", ptr);
            let ty = ty.and_then(|t| type_node(ctx, t, &child(ptr, "type")));
            let value = ctx.req(o, "value", ptr)?;
            if kind_of(value) == Some("programIdValueNode") {
                return ty.map(|_| Seed::ProgramId);
            }
            let bytes = values::typed_bytes(ctx, &ty?, value, &child(ptr, "value"))?;
            Some(Seed::Const { bytes })
        }
        "variablePdaSeedNode" => {
            let name = ctx.req_str(o, "name", ptr);
            let docs = ctx.docs(o, ptr);
            let ty = ctx.req(o, "type", ptr);
            let ty = ty.and_then(|t| type_node(ctx, t, &child(ptr, "type")));
            Some(Seed::Variable {
                name: name?.to_owned(),
                ty: ty?,
                docs,
            })
        }
        other => {
            ctx.problem(ptr, format!("`{other}` is not a PDA seed node"));
            None
        }
    }
}

/// The address of the Associated Token Account program, whose `associatedToken` PDA generated
/// IDLs link to without defining it.
const ATA_PROGRAM: &str = "ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL";

/// The well-known `associatedToken` PDA: `[owner, tokenProgram, mint]` under the ATA program.
fn associated_token_pda() -> Option<Pda> {
    let var = |name: &str| Seed::Variable {
        name: name.to_owned(),
        ty: crate::Type::PublicKey,
        docs: Vec::new(),
    };
    let program = decode_pubkey(ATA_PROGRAM).ok()?;
    Some(Pda {
        seeds: vec![var("owner"), var("tokenProgram"), var("mint")],
        program: Some(Seed::Const { bytes: program }),
    })
}

/// The PDA a `pdaLinkNode` names: this program's, then an additional program's, then a
/// well-known one.
fn linked_pda(ctx: &Ctx, name: &str, program: Option<&str>) -> Option<Pda> {
    let env = ctx.env;
    let foreign = |want: Option<&str>| {
        env.foreign_pdas
            .iter()
            .find(|(p, n, _)| n == name && want.is_none_or(|w| w == p))
            .map(|(_, _, pda)| pda.clone())
    };
    match program {
        Some(p) if Some(p) != env.program_name.as_deref() => foreign(Some(p)),
        _ => env.pdas.get(name).cloned().or_else(|| foreign(None)),
    }
    .or_else(|| {
        if name == "associatedToken" {
            associated_token_pda()
        } else {
            None
        }
    })
}

/// What a `pdaValueNode` resolves to.
pub(super) enum PdaValue {
    Pda(Pda),
    /// The linked PDA is defined neither in this document nor among the well-known ones.
    Unresolved,
}

/// A `pdaValueNode`: the linked (or inline) PDA with every variable seed that the node provides
/// replaced by where its value comes from.
pub(super) fn pda_value(ctx: &mut Ctx, v: &Value, ptr: &str) -> Option<PdaValue> {
    let o = ctx.node_of(v, "pdaValueNode", ptr)?;
    let pda_ptr = child(ptr, "pda");
    let link = ctx.req(o, "pda", ptr)?;
    let (kind, l) = ctx.node(link, &pda_ptr)?;
    let mut pda = match kind {
        "pdaLinkNode" => {
            let name = ctx.req_str(l, "name", &pda_ptr)?;
            let program = l
                .get("program")
                .and_then(|p| p.get("name"))
                .and_then(Value::as_str);
            match linked_pda(ctx, name, program) {
                Some(p) => p,
                None => return Some(PdaValue::Unresolved),
            }
        }
        "pdaNode" => pda_node(ctx, link, &pda_ptr)?.pda,
        other => {
            ctx.problem(
                &pda_ptr,
                format!("expected a pdaLinkNode or pdaNode, got {other}"),
            );
            return None;
        }
    };
    let list_ptr = child(ptr, "seeds");
    let mut ok = true;
    for (i, sv) in ctx.list(o, "seeds", ptr).iter().enumerate() {
        let sv_ptr = child(&list_ptr, i);
        let Some(s) = ctx.node_of(sv, "pdaSeedValueNode", &sv_ptr) else {
            ok = false;
            continue;
        };
        let (Some(name), Some(value)) = (
            ctx.req_str(s, "name", &sv_ptr),
            ctx.req(s, "value", &sv_ptr),
        ) else {
            ok = false;
            continue;
        };
        // Seeds the PDA does not declare are ignored, as Codama's renderers do.
        let Some(slot) = pda
            .seeds
            .iter_mut()
            .find(|x| matches!(x, Seed::Variable { name: n, .. } if n == name))
        else {
            continue;
        };
        let Seed::Variable { ty, .. } = &*slot else {
            continue;
        };
        let value_ptr = child(&sv_ptr, "value");
        let linked_name = || value.get("name").and_then(Value::as_str).map(str::to_owned);
        let resolved = match kind_of(value) {
            Some(k @ ("accountValueNode" | "argumentValueNode")) => match linked_name() {
                Some(path) if k == "accountValueNode" => Some(Seed::Account {
                    path,
                    account: None,
                }),
                Some(path) => Some(Seed::Arg {
                    path,
                    ty: Some(ty.clone()),
                }),
                None => {
                    ctx.problem(&value_ptr, "missing `name`");
                    None
                }
            },
            _ => {
                let ty = ty.clone();
                match values::value_json(ctx, value, Some(&ty), &value_ptr) {
                    Ok(json) => values::json_bytes(ctx, &ty, &json, &value_ptr)
                        .map(|bytes| Seed::Const { bytes }),
                    // Any other contextual source (resolver, bump…) leaves the seed for the caller.
                    Err(ValueError::Contextual) => continue,
                    Err(ValueError::Invalid) => None,
                }
            }
        };
        match resolved {
            Some(seed) => *slot = seed,
            None => ok = false,
        }
    }
    ok.then_some(PdaValue::Pda(pda))
}
