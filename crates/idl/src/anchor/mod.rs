//! Anchor ≥0.30, legacy Anchor and Shank IDLs → [`Program`](crate::Program).
//!
//! A hand-written walker over `serde_json::Value`, so every problem carries a JSON pointer into
//! the IDL. All problems are collected; any problem refuses the whole document.

mod items;
pub mod names;
mod seeds;
mod types;
pub(crate) mod walk;

use serde_json::Value;

use self::names::sighash;
use self::types::{
    parse_generic_params, parse_named_fields, parse_repr, parse_serialization, parse_type,
    parse_type_body,
};
use self::walk::Ctx;
use crate::pointer::join;
use crate::{
    AccountDef, ConstantDef, Discriminator, ErrorDef, EventDef, IdlFormat, ParseOptions, Problem,
    Program, Serialization, StringEncoding, Type, TypeDef,
};

/// Which Anchor dialect a document is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dialect {
    /// ≥0.30: explicit discriminators, `pubkey`, `{"defined": {"name"}}`.
    Anchor,
    /// Before 0.30: sighash discriminators, `publicKey`, `isMut`/`isSigner`.
    Legacy,
    /// Legacy layout written by Shank: u8 `discriminant`, accounts without prefix.
    Shank,
}

/// The dialect a document's shape matches. One field never decides: legacy IDLs published with a
/// top-level `address` (written by newer tooling) are still legacy when their instructions carry
/// no `discriminator` (every ≥0.30 instruction has one).
fn detect(value: &Value) -> Dialect {
    let metadata = value.get("metadata");
    if metadata
        .and_then(|m| m.get("origin"))
        .and_then(Value::as_str)
        == Some("shank")
    {
        return Dialect::Shank;
    }
    if metadata.and_then(|m| m.get("spec")).is_some() {
        return Dialect::Anchor;
    }
    let instructions = value
        .get("instructions")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let new_era = instructions
        .iter()
        .any(|ix| ix.get("discriminator").is_some());
    if new_era || (instructions.is_empty() && value.get("address").is_some()) {
        Dialect::Anchor
    } else {
        Dialect::Legacy
    }
}

pub(crate) fn bytes_discriminator(prefix: &[u8]) -> Vec<Discriminator> {
    if prefix.is_empty() {
        Vec::new()
    } else {
        vec![Discriminator::Bytes {
            offset: 0,
            bytes: prefix.to_vec(),
        }]
    }
}

/// Parses an Anchor-family document; any problem refuses it.
pub fn parse(value: &Value, options: &ParseOptions) -> Result<Program, Vec<Problem>> {
    match parse_lenient(value, options) {
        (Some(program), problems) if problems.is_empty() => Ok(program),
        (_, problems) => Err(problems),
    }
}

/// Parses what can be read: items that cannot be read are left out, and every problem is
/// returned beside the program (`None` only when the document is not an object).
pub(crate) fn parse_lenient(
    value: &Value,
    options: &ParseOptions,
) -> (Option<Program>, Vec<Problem>) {
    let mut cx = Ctx::default();
    if cx.object(value, "").is_none() {
        return (None, cx.problems);
    }
    let dialect = detect(value);
    let metadata = value.get("metadata").cloned().unwrap_or(Value::Null);
    let meta_str = |key: &str| {
        metadata
            .get(key)
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    let top_str = |key: &str| value.get(key).and_then(Value::as_str).map(str::to_string);

    let (name, version, address) = match dialect {
        Dialect::Anchor => (meta_str("name"), meta_str("version"), top_str("address")),
        // Mixed-era documents put these either at the top or under `metadata`.
        Dialect::Legacy | Dialect::Shank => (
            top_str("name").or_else(|| meta_str("name")),
            top_str("version").or_else(|| meta_str("version")),
            meta_str("address").or_else(|| top_str("address")),
        ),
    };
    let address = address.or_else(|| options.program_id.clone());
    let name = name.unwrap_or_else(|| {
        let ptr = if dialect == Dialect::Anchor {
            "/metadata"
        } else {
            ""
        };
        cx.problem(ptr, "missing program `name`");
        String::new()
    });
    let docs = cx.docs(value, "");

    let types = parse_types(&mut cx, value);
    let instructions: Vec<_> = cx
        .list(value, "instructions", "")
        .iter()
        .enumerate()
        .filter_map(|(i, ix)| {
            items::parse_instruction(&mut cx, dialect, i, ix, &join("/instructions", i))
        })
        .collect();
    let accounts = parse_accounts(&mut cx, dialect, value, &types);
    let events = parse_events(&mut cx, dialect, value);
    let errors = parse_errors(&mut cx, value);
    let constants = parse_constants(&mut cx, value);

    let mut program = Program {
        format: match dialect {
            Dialect::Anchor => IdlFormat::Anchor,
            Dialect::Legacy => IdlFormat::AnchorLegacy,
            Dialect::Shank => IdlFormat::Shank,
        },
        name,
        address,
        version,
        spec: meta_str("spec"),
        docs,
        instructions,
        accounts,
        types,
        events,
        errors,
        constants,
        pdas: Vec::new(),
        defects: Vec::new(),
        index: Default::default(),
    };
    seeds::fill_arg_seed_types(&mut program);
    (Some(program), cx.problems)
}

fn parse_types(cx: &mut Ctx, value: &Value) -> Vec<TypeDef> {
    let mut out = Vec::new();
    for (i, t) in cx.list(value, "types", "").iter().enumerate() {
        let ptr = join("/types", i);
        if cx.object(t, &ptr).is_none() {
            continue;
        }
        let Some(name) = cx.req_str(t, "name", &ptr).map(str::to_string) else {
            continue;
        };
        let docs = cx.docs(t, &ptr);
        let generics = parse_generic_params(cx, t, &ptr);
        let serialization = parse_serialization(cx, t, &ptr);
        let repr = parse_repr(cx, t, &ptr);
        let ty = match t.get("type") {
            Some(body) => parse_type_body(cx, body, &join(&ptr, "type")),
            None => {
                cx.problem(&ptr, "missing `type`");
                None
            }
        };
        if let Some(ty) = ty {
            out.push(TypeDef {
                name,
                docs,
                generics,
                ty,
                serialization,
                repr,
            });
        }
    }
    out
}

fn parse_accounts(
    cx: &mut Ctx,
    dialect: Dialect,
    value: &Value,
    types: &[TypeDef],
) -> Vec<AccountDef> {
    let mut out = Vec::new();
    for (i, a) in cx.list(value, "accounts", "").iter().enumerate() {
        let ptr = join("/accounts", i);
        if cx.object(a, &ptr).is_none() {
            continue;
        }
        let Some(name) = cx.req_str(a, "name", &ptr).map(str::to_string) else {
            continue;
        };
        let docs = cx.docs(a, &ptr);
        let def = match dialect {
            Dialect::Anchor => {
                let Some(prefix) = discriminator(cx, a, &ptr) else {
                    continue;
                };
                let (serialization, repr) = types
                    .iter()
                    .find(|t| t.name == name)
                    .map(|t| (t.serialization, t.repr.clone()))
                    .unwrap_or((Serialization::Borsh, None));
                let ty = Type::Defined {
                    name: name.clone(),
                    generics: Vec::new(),
                };
                AccountDef {
                    discriminators: bytes_discriminator(&prefix),
                    prefix,
                    ty,
                    serialization,
                    repr,
                    name,
                    docs,
                }
            }
            Dialect::Legacy | Dialect::Shank => {
                let ty = match a.get("type") {
                    Some(body) => parse_type_body(cx, body, &join(&ptr, "type")),
                    None => {
                        cx.problem(&ptr, "missing `type`");
                        None
                    }
                };
                let Some(ty) = ty else { continue };
                let prefix = if dialect == Dialect::Shank {
                    Vec::new()
                } else {
                    sighash("account", &names::pascal_case(&name))
                };
                AccountDef {
                    discriminators: bytes_discriminator(&prefix),
                    prefix,
                    ty,
                    serialization: Serialization::Borsh,
                    repr: None,
                    name,
                    docs,
                }
            }
        };
        out.push(def);
    }
    out
}

fn discriminator(cx: &mut Ctx, v: &Value, ptr: &str) -> Option<Vec<u8>> {
    match v.get("discriminator") {
        Some(d) => cx.bytes(d, &join(ptr, "discriminator")),
        None => {
            cx.problem(ptr, "missing `discriminator`");
            None
        }
    }
}

fn parse_events(cx: &mut Ctx, dialect: Dialect, value: &Value) -> Vec<EventDef> {
    let mut out = Vec::new();
    for (i, e) in cx.list(value, "events", "").iter().enumerate() {
        let ptr = join("/events", i);
        if cx.object(e, &ptr).is_none() {
            continue;
        }
        let Some(name) = cx.req_str(e, "name", &ptr).map(str::to_string) else {
            continue;
        };
        let docs = cx.docs(e, &ptr);
        let (prefix, ty) = if dialect == Dialect::Anchor {
            let Some(prefix) = discriminator(cx, e, &ptr) else {
                continue;
            };
            (
                prefix,
                Type::Defined {
                    name: name.clone(),
                    generics: Vec::new(),
                },
            )
        } else {
            let fields = cx.list(e, "fields", &ptr);
            let Some(fields) = parse_named_fields(cx, fields, &join(&ptr, "fields")) else {
                continue;
            };
            (sighash("event", &name), Type::Struct { fields })
        };
        out.push(EventDef {
            discriminators: bytes_discriminator(&prefix),
            prefix,
            ty,
            name,
            docs,
        });
    }
    out
}

fn parse_errors(cx: &mut Ctx, value: &Value) -> Vec<ErrorDef> {
    let mut out = Vec::new();
    for (i, e) in cx.list(value, "errors", "").iter().enumerate() {
        let ptr = join("/errors", i);
        let code = e
            .get("code")
            .and_then(Value::as_u64)
            .and_then(|c| u32::try_from(c).ok());
        let Some(code) = code else {
            cx.problem(&ptr, "error needs a numeric `code`");
            continue;
        };
        let Some(name) = cx.req_str(e, "name", &ptr).map(str::to_string) else {
            continue;
        };
        let message = cx.opt_str(e, "msg", &ptr).map(str::to_string);
        let docs = cx.docs(e, &ptr);
        out.push(ErrorDef {
            code,
            name,
            message,
            docs,
        });
    }
    out
}

fn parse_constants(cx: &mut Ctx, value: &Value) -> Vec<ConstantDef> {
    let mut out = Vec::new();
    for (i, c) in cx.list(value, "constants", "").iter().enumerate() {
        let ptr = join("/constants", i);
        let Some(name) = cx.req_str(c, "name", &ptr).map(str::to_string) else {
            continue;
        };
        let docs = cx.docs(c, &ptr);
        let value = match c.get("value") {
            Some(Value::String(s)) => s.clone(),
            Some(other) => other.to_string(),
            None => String::new(),
        };
        // Constants are documentation: Rust-only types (`usize`, `&str`) must not refuse the IDL.
        let ty = c.get("type").and_then(|t| match t.as_str() {
            Some("usize") => types::primitive("u64"),
            Some("isize") => types::primitive("i64"),
            Some("&str" | "&'static str") => types::primitive("string"),
            Some("&[u8]" | "[u8]" | "&'static [u8]") => types::primitive("bytes"),
            _ => parse_type(&mut Ctx::default(), t, ""),
        });
        let ty = ty.unwrap_or(Type::String {
            encoding: StringEncoding::Utf8,
        });
        out.push(ConstantDef {
            name,
            docs,
            ty,
            value,
        });
    }
    out
}
