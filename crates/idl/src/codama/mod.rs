//! Codama `rootNode` IDLs → [`Program`](crate::Program).
//!
//! A hand-written walker over `serde_json::Value`, so every problem carries a JSON pointer into the
//! document (`/program/instructions/3/arguments/0/type`). All problems are collected and returned
//! together; a refused document never yields a partial model.
//!
//! The walk runs in passes because constants (discriminators, PDA seeds, hidden prefixes) and
//! default values are encoded or typed through the program's defined types, which may be declared
//! after their first use:
//! 1. defined types, quietly, to learn every name (forward references fail silently here);
//! 2. defined types again (reported), program metadata and errors;
//! 3. named PDAs (instruction accounts link to them);
//! 4. accounts and instructions.
//!
//! `*DisplayNode`s, `byteDeltas`, `subInstructions`, `provides`, `extraArguments` and
//! `additionalPrograms` are decoration or resolver hints with no place in the wire format and are
//! ignored.

mod accounts;
mod instructions;
mod node;
mod pdas;
mod types;
mod values;

use serde_json::{Map, Value};

use self::node::{child, Ctx, Env};
use crate::{ErrorDef, IdlFormat, ParseOptions, Problem, Program, Serialization, TypeDef};

/// Parses a Codama `rootNode` document.
/// Parses a Codama document; any problem refuses it.
pub fn parse(value: &Value, options: &ParseOptions) -> Result<Program, Vec<Problem>> {
    match parse_lenient(value, options) {
        (Some(program), problems) if problems.is_empty() => Ok(program),
        (_, mut problems) => {
            if problems.is_empty() {
                problems.push(Problem::new("/program", "the program could not be read"));
            }
            Err(problems)
        }
    }
}

/// Parses what can be read: nodes of the item lists that cannot be read are left out, and every
/// problem is returned beside the program (`None` when there is no readable program node).
pub(crate) fn parse_lenient(
    value: &Value,
    _options: &ParseOptions,
) -> (Option<Program>, Vec<Problem>) {
    let mut problems = Vec::new();
    let empty = Env::default();
    let mut ctx = Ctx::new(&empty);
    let root = ctx.node_of(value, "rootNode", "");
    let spec = root
        .and_then(|r| ctx.opt_str(r, "version", ""))
        .map(str::to_owned);
    let program = root
        .and_then(|r| ctx.req(r, "program", ""))
        .and_then(|p| ctx.node_of(p, "programNode", "/program"));
    problems.extend(ctx.into_problems());
    let Some(program) = program else {
        return (None, problems);
    };
    let ptr = "/program";

    // Pass 1: learn the defined types.
    let mut env = Env::default();
    {
        let mut ctx = Ctx::quiet(&empty);
        let list = ctx.list(program, "definedTypes", ptr);
        for (i, t) in list.iter().enumerate() {
            if let Some(def) = defined_type(&mut ctx, t, &child(&child(ptr, "definedTypes"), i)) {
                env.types.insert(def.name, def.ty);
            }
        }
    }

    // Pass 2: metadata, defined types, errors.
    let mut ctx = Ctx::new(&env);
    let name = ctx.req_str(program, "name", ptr).map(str::to_owned);
    let address = ctx
        .opt_str(program, "publicKey", ptr)
        .filter(|a| !a.is_empty())
        .map(str::to_owned);
    if let Some(a) = &address {
        if let Err(e) = values::decode_pubkey(a) {
            ctx.problem(&child(ptr, "publicKey"), e);
        }
    }
    let version = ctx.opt_str(program, "version", ptr).map(str::to_owned);
    let docs = ctx.docs(program, ptr);
    let types = each(&mut ctx, program, "definedTypes", ptr, defined_type);
    let errors = each(&mut ctx, program, "errors", ptr, error);
    problems.extend(ctx.into_problems());

    // Pass 3: named PDAs, typed by the final defined types.
    let mut env = Env {
        types: env.types,
        program_name: name.clone(),
        ..Env::default()
    };
    env.types = types
        .iter()
        .map(|t| (t.name.clone(), t.ty.clone()))
        .collect();
    env.foreign_pdas = root.map(|r| foreign_pdas(&env, r)).unwrap_or_default();
    let mut ctx = Ctx::new(&env);
    let pdas = each(&mut ctx, program, "pdas", ptr, pdas::pda_node);
    problems.extend(ctx.into_problems());
    env.pdas = pdas
        .iter()
        .map(|p| (p.name.clone(), p.pda.clone()))
        .collect();

    // Pass 4: accounts and instructions.
    let mut ctx = Ctx::new(&env);
    let accounts = each(&mut ctx, program, "accounts", ptr, accounts::account);
    let instructions = each(
        &mut ctx,
        program,
        "instructions",
        ptr,
        instructions::instruction,
    );
    problems.extend(ctx.into_problems());

    let program = name.map(|name| Program {
        format: IdlFormat::Codama,
        name,
        address,
        version,
        spec,
        docs,
        instructions,
        accounts,
        types,
        events: Vec::new(),
        errors,
        constants: Vec::new(),
        pdas,
        defects: Vec::new(),
        index: Default::default(),
    });
    (program, problems)
}

/// Parses every node of the list under `key`, leaving out (with a problem) those that fail.
fn each<T>(
    ctx: &mut Ctx,
    o: &Map<String, Value>,
    key: &str,
    ptr: &str,
    f: impl Fn(&mut Ctx, &Value, &str) -> Option<T>,
) -> Vec<T> {
    let list_ptr = child(ptr, key);
    let mut out = Vec::new();
    for (i, item) in ctx.list(o, key, ptr).iter().enumerate() {
        let item_ptr = child(&list_ptr, i);
        let before = ctx.problem_count();
        match f(ctx, item, &item_ptr) {
            Some(x) => out.push(x),
            None if ctx.problem_count() == before => ctx.problem(&item_ptr, "could not be read"),
            None => {}
        }
    }
    out
}

/// The PDAs of `additionalPrograms`, each under its program's address. Read quietly: another
/// program's problems are not this document's, and an unreadable PDA is simply not linkable.
fn foreign_pdas(env: &Env, root: &Map<String, Value>) -> Vec<(String, String, crate::Pda)> {
    let mut ctx = Ctx::quiet(env);
    let mut out = Vec::new();
    for program in ctx.list(root, "additionalPrograms", "") {
        let (Some(name), Some(address)) = (
            program.get("name").and_then(Value::as_str),
            program
                .get("publicKey")
                .and_then(Value::as_str)
                .and_then(|a| values::decode_pubkey(a).ok()),
        ) else {
            continue;
        };
        for pda in program
            .get("pdas")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default()
        {
            if let Some(mut def) = pdas::pda_node(&mut ctx, pda, "") {
                def.pda.program.get_or_insert(crate::Seed::Const {
                    bytes: address.clone(),
                });
                out.push((name.to_owned(), def.name, def.pda));
            }
        }
    }
    out
}

/// A `definedTypeNode`.
fn defined_type(ctx: &mut Ctx, v: &Value, ptr: &str) -> Option<TypeDef> {
    let o = ctx.node_of(v, "definedTypeNode", ptr)?;
    let name = ctx.req_str(o, "name", ptr);
    let docs = ctx.docs(o, ptr);
    let ty = ctx.req(o, "type", ptr);
    let ty = ty.and_then(|t| types::type_node(ctx, t, &child(ptr, "type")));
    Some(TypeDef {
        name: name?.to_owned(),
        docs,
        generics: Vec::new(),
        ty: ty?,
        serialization: Serialization::Borsh,
        repr: None,
    })
}

/// An `errorNode`.
fn error(ctx: &mut Ctx, v: &Value, ptr: &str) -> Option<ErrorDef> {
    let o = ctx.node_of(v, "errorNode", ptr)?;
    let name = ctx.req_str(o, "name", ptr);
    let code = ctx.req_u64(o, "code", ptr);
    let code = code.and_then(|c| match u32::try_from(c) {
        Ok(c) => Some(c),
        Err(_) => {
            ctx.problem(&child(ptr, "code"), format!("{c} does not fit in a u32"));
            None
        }
    });
    let message = ctx.opt_str(o, "message", ptr).map(str::to_owned);
    let docs = ctx.docs(o, ptr);
    Some(ErrorDef {
        code: code?,
        name: name?.to_owned(),
        message,
        docs,
    })
}
