//! JSON bodies of the generated REST read API (`/api/{projectId}/…`).
//!
//! Every view starts with `projectId`, `programName` (the program's name for every IDL format,
//! fixing upstream's missing name for Anchor ≥0.30), `programId`, `version` (the IDL version the
//! view is built from) and `format`, followed by a `total` and the list. Upstream field names are
//! kept (`isMut`, `isSigner`, `isOptional`, `accountCount`, `argCount`, `msg`, …) next to clearer
//! new ones (`writable`, `signer`, `optional`, …).
//!
//! Nested (composite) account groups are flattened: every account entry has `name`, `path` (the
//! dotted key used in a build request's `accounts`) and `group` (the dotted group path or `null`).

use std::collections::HashSet;

use orquestra_idl::{
    AccountDefault, Field, Instruction, InstructionAccount, Program, Type, VariantFields,
};
use serde_json::{json, Map, Value};

use crate::example::{example_request, example_value};
use crate::render::{
    account_path, discriminator_json, flat_accounts, pda_program_json, render_type, seed_json,
    signer_json, variant_kind,
};
use crate::{usability, ProgramContext};

const MAX_EXPAND_DEPTH: usize = 6;

fn format_name(program: &Program) -> &'static str {
    match program.format {
        orquestra_idl::IdlFormat::Anchor => "anchor",
        orquestra_idl::IdlFormat::AnchorLegacy => "anchor-legacy",
        orquestra_idl::IdlFormat::Shank => "shank",
        orquestra_idl::IdlFormat::Codama => "codama",
    }
}

/// The common head of every view.
fn head(program: &Program, ctx: &ProgramContext<'_>) -> Map<String, Value> {
    let mut o = Map::new();
    o.insert("projectId".into(), json!(ctx.project_id));
    o.insert("programName".into(), json!(program.name));
    o.insert("programId".into(), json!(ctx.program_id));
    o.insert("version".into(), json!(ctx.version));
    o.insert("format".into(), json!(format_name(program)));
    o
}

/// A list view; lists of IDL items say which items are usable and include the unreadable ones.
fn list(program: &Program, ctx: &ProgramContext<'_>, key: &str, mut items: Vec<Value>) -> Value {
    if let Some(kind) = usability::kind_of_list(key) {
        items
            .iter_mut()
            .for_each(|item| usability::mark(program, kind, item));
        items.extend(usability::unreadable(program, kind));
    }
    let mut o = head(program, ctx);
    o.insert("total".into(), json!(items.len()));
    o.insert(key.into(), Value::Array(items));
    Value::Object(o)
}

/// `GET /api/{projectId}/instructions`.
pub fn instructions(program: &Program, ctx: &ProgramContext<'_>) -> Value {
    let items = program
        .instructions
        .iter()
        .map(|ix| instruction_summary(program, ix))
        .collect();
    list(program, ctx, "instructions", items)
}

fn user_args(ix: &Instruction) -> impl Iterator<Item = &Field> {
    ix.args.iter().filter(|a| a.omitted_default.is_none())
}

fn instruction_summary(program: &Program, ix: &Instruction) -> Value {
    let accounts: Vec<Value> = flat_accounts(&ix.accounts)
        .into_iter()
        .map(|(group, a)| account_json(program, group.as_deref(), a))
        .collect();
    let args: Vec<Value> = user_args(ix)
        .map(|f| {
            let (is_defined, defined) = defined_name(&f.ty);
            json!({
                "name": f.name,
                "type": render_type(program, &f.ty),
                "docs": f.docs,
                "optional": f.optional_default.is_some(),
                "isDefinedType": is_defined,
                "definedTypeName": defined,
            })
        })
        .collect();
    json!({
        "name": ix.name,
        "docs": ix.docs,
        "discriminator": discriminator_json(&ix.discriminators, &ix.prefix),
        "accountCount": accounts.len(),
        "argCount": args.len(),
        "args": args,
        "accounts": accounts,
    })
}

fn defined_name(ty: &Type) -> (bool, Option<&str>) {
    match ty {
        Type::Defined { name, .. } => (true, Some(name.as_str())),
        _ => (false, None),
    }
}

/// One (flattened) instruction account.
fn account_json(program: &Program, group: Option<&str>, a: &InstructionAccount) -> Value {
    let signer = signer_json(a.signer);
    let pda = a.pda.as_ref().map(|p| {
        json!({
            "seeds": p.seeds.iter().map(|s| seed_json(program, s)).collect::<Vec<_>>(),
            "program": pda_program_json(program, p.program.as_ref()),
        })
    });
    json!({
        "name": a.name,
        "path": account_path(group, a),
        "group": group,
        "docs": a.docs,
        "isMut": a.writable,
        "isSigner": signer != Value::Bool(false),
        "isOptional": a.optional,
        "writable": a.writable,
        "signer": signer,
        "optional": a.optional,
        "address": a.address,
        "pda": pda,
        "relations": a.relations,
        "default": a.default.as_ref().map(default_json),
    })
}

fn default_json(d: &AccountDefault) -> Value {
    match d {
        AccountDefault::ProgramId => json!({"kind": "programId"}),
        AccountDefault::Account { name } => json!({"kind": "account", "name": name}),
        AccountDefault::Arg { name } => json!({"kind": "arg", "name": name}),
        AccountDefault::Payer => json!({"kind": "payer"}),
        AccountDefault::Identity => json!({"kind": "identity"}),
        AccountDefault::Other { description } => {
            json!({"kind": "other", "description": description})
        }
    }
}

/// `GET /api/{projectId}/instructions/{name}` (`None`: no such instruction). The name is looked
/// up exactly, then ignoring snake/camel casing.
pub fn instruction(program: &Program, ctx: &ProgramContext<'_>, name: &str) -> Option<Value> {
    let ix = program.find_instruction(name)?;
    let mut detail = match instruction_summary(program, ix) {
        Value::Object(o) => o,
        _ => Map::new(),
    };
    // Each named type is expanded once per instruction (later uses show just its name), so the
    // detail stays proportional to the IDL even when types fan out or repeat.
    let mut expanded = HashSet::new();
    let args: Vec<Value> = user_args(ix)
        .map(|f| {
            let (is_defined, defined) = defined_name(&f.ty);
            let mut o = Map::new();
            o.insert("name".into(), json!(f.name));
            o.insert("type".into(), json!(render_type(program, &f.ty)));
            o.insert("docs".into(), json!(f.docs));
            o.insert("optional".into(), json!(f.optional_default.is_some()));
            o.insert(
                "default".into(),
                f.optional_default.clone().unwrap_or(Value::Null),
            );
            o.insert(
                "example".into(),
                f.optional_default
                    .clone()
                    .unwrap_or_else(|| example_value(program, &f.ty)),
            );
            o.insert("isDefinedType".into(), json!(is_defined));
            o.insert("definedTypeName".into(), json!(defined));
            expand(program, &f.ty, &mut o, 0, &mut expanded);
            Value::Object(o)
        })
        .collect();
    detail.insert("args".into(), Value::Array(args));
    detail.insert(
        "returns".into(),
        json!(ix.returns.as_ref().map(|t| render_type(program, t))),
    );
    detail.insert("remainingAccounts".into(), json!(ix.remaining_accounts));
    detail.insert(
        "buildEndpoint".into(),
        json!(format!("{}/instructions/{}/build", ctx.api_base(), ix.name)),
    );
    detail.insert("exampleRequest".into(), example_request(program, ix));
    let mut detail = Value::Object(detail);
    usability::mark(program, orquestra_idl::ItemKind::Instruction, &mut detail);
    let mut o = head(program, ctx);
    o.insert("instruction".into(), detail);
    Some(Value::Object(o))
}

/// The named type a value type is about, through options, arrays and wrappers.
fn core_defined(ty: &Type) -> Option<&str> {
    match ty {
        Type::Defined { name, .. } => Some(name),
        other => other.single_inner().and_then(core_defined),
    }
}

/// Adds `fields` (struct) or `variants` (enum) of the type `ty` is about, recursively, to `o`.
fn expand(
    program: &Program,
    ty: &Type,
    o: &mut Map<String, Value>,
    depth: usize,
    seen: &mut HashSet<String>,
) {
    let body = match ty {
        Type::Struct { .. } | Type::Enum { .. } | Type::TupleStruct { .. } => Some(ty),
        _ => core_defined(ty)
            .filter(|n| !seen.contains(*n))
            .and_then(|n| program.resolve_defined(n).map(|(_, body)| body)),
    };
    let (Some(body), true) = (body, depth < MAX_EXPAND_DEPTH) else {
        o.insert("fields".into(), Value::Null);
        return;
    };
    if let Some(n) = core_defined(ty) {
        seen.insert(n.to_owned());
    }
    let members = |fields: &[Field], seen: &mut HashSet<String>| -> Value {
        Value::Array(
            fields
                .iter()
                .filter(|f| f.omitted_default.is_none())
                .map(|f| {
                    let mut m = Map::new();
                    m.insert("name".into(), json!(f.name));
                    m.insert("type".into(), json!(render_type(program, &f.ty)));
                    m.insert("docs".into(), json!(f.docs));
                    let mut nested = Map::new();
                    expand(program, &f.ty, &mut nested, depth + 1, seen);
                    m.insert(
                        "nestedFields".into(),
                        nested.remove("fields").unwrap_or(Value::Null),
                    );
                    if let Some(v) = nested.remove("variants") {
                        m.insert("variants".into(), v);
                    }
                    Value::Object(m)
                })
                .collect(),
        )
    };
    match body {
        Type::Struct { fields } => {
            let v = members(fields, seen);
            o.insert("fields".into(), v);
        }
        Type::TupleStruct { items } => {
            let v: Vec<Value> = items
                .iter()
                .enumerate()
                .map(|(i, t)| json!({"name": i.to_string(), "type": render_type(program, t), "docs": [], "nestedFields": null}))
                .collect();
            o.insert("fields".into(), Value::Array(v));
        }
        Type::Enum { variants, .. } => {
            o.insert("fields".into(), Value::Null);
            let v: Vec<Value> = variants
                .iter()
                .map(|v| {
                    let fields = match &v.fields {
                        VariantFields::Unit => Value::Null,
                        VariantFields::Named { fields } => members(fields, seen),
                        VariantFields::Tuple { items } => Value::Array(
                            items
                                .iter()
                                .enumerate()
                                .map(|(i, t)| json!({"name": i.to_string(), "type": render_type(program, t)}))
                                .collect(),
                        ),
                        VariantFields::Nested { ty } => match ty.unwrapped() {
                            Type::Struct { fields } => members(fields, seen),
                            Type::Tuple { items } => Value::Array(
                                items
                                    .iter()
                                    .enumerate()
                                    .map(|(i, t)| json!({"name": i.to_string(), "type": render_type(program, t)}))
                                    .collect(),
                            ),
                            _ => Value::Null,
                        },
                    };
                    json!({"name": v.name, "kind": variant_kind(&v.fields), "fields": fields})
                })
                .collect();
            o.insert("variants".into(), Value::Array(v));
        }
        _ => {
            o.insert("fields".into(), Value::Null);
        }
    }
}

/// `GET /api/{projectId}/accounts`: account types with their byte layout.
pub fn accounts(program: &Program, ctx: &ProgramContext<'_>) -> Value {
    let items = program
        .accounts
        .iter()
        .map(|acc| {
            let layout = program.account_layout(&acc.name).ok();
            let fields: Vec<Value> = layout
                .as_ref()
                .map(|l| {
                    l.fields
                        .iter()
                        .map(|f| {
                            let segments: Vec<&str> =
                                f.path.split('/').filter(|s| !s.is_empty()).collect();
                            let field = field_at(program, &acc.ty, &segments);
                            json!({
                                "name": segments.join("."),
                                "path": f.path,
                                "type": field.map(|f| render_type(program, &f.ty)).unwrap_or_else(|| f.ty.clone()),
                                "offset": f.offset,
                                "size": f.size,
                                "docs": field.map(|f| f.docs.clone()).unwrap_or_default(),
                            })
                        })
                        .collect()
                })
                .unwrap_or_default();
            json!({
                "name": acc.name,
                "docs": acc.docs,
                "discriminator": discriminator_json(&acc.discriminators, &acc.prefix),
                "discriminatorLength": acc.prefix.len(),
                "size": layout.as_ref().and_then(|l| l.size),
                "fields": fields,
            })
        })
        .collect();
    list(program, ctx, "accounts", items)
}

/// The struct field at a `/`-path of an account type (through non-generic named types).
fn field_at<'p>(program: &'p Program, ty: &'p Type, path: &[&str]) -> Option<&'p Field> {
    let mut ty = ty;
    let mut found = None;
    for seg in path {
        let Some(Type::Struct { fields }) = struct_body(program, ty) else {
            return None;
        };
        let f = fields.iter().find(|f| f.name == *seg)?;
        found = Some(f);
        ty = &f.ty;
    }
    found
}

/// `GET /api/{projectId}/types`: structs with fields, enums with variants (upstream omitted them).
pub fn types(program: &Program, ctx: &ProgramContext<'_>) -> Value {
    let items = program
        .types
        .iter()
        .map(|t| {
            let generics: Vec<Value> = t
                .generics
                .iter()
                .map(|g| match g {
                    orquestra_idl::GenericParam::Type { name } => json!({"kind": "type", "name": name}),
                    orquestra_idl::GenericParam::Const { name, ty } => {
                        json!({"kind": "const", "name": name, "type": ty})
                    }
                })
                .collect();
            let mut o = Map::new();
            o.insert("name".into(), json!(t.name));
            o.insert("docs".into(), json!(t.docs));
            let kind = match &t.ty {
                Type::Struct { .. } => "struct",
                Type::TupleStruct { .. } => "tupleStruct",
                Type::Enum { .. } => "enum",
                _ => "alias",
            };
            o.insert("kind".into(), json!(kind));
            o.insert("generics".into(), Value::Array(generics));
            o.insert(
                "aliasOf".into(),
                json!((kind == "alias").then(|| render_type(program, &t.ty))),
            );
            o.insert(
                "size".into(),
                json!(if t.generics.is_empty() { t.ty.fixed_size(program) } else { None }),
            );
            o.insert("fields".into(), fields_json(program, &t.ty));
            o.insert(
                "variants".into(),
                match &t.ty {
                    Type::Enum { variants, .. } => Value::Array(
                        variants
                            .iter()
                            .map(|v| {
                                json!({
                                    "name": v.name,
                                    "docs": v.docs,
                                    "discriminant": v.discriminant,
                                    "kind": variant_kind(&v.fields),
                                    "fields": match &v.fields {
                                        VariantFields::Unit => json!([]),
                                        VariantFields::Named { fields } => field_list(program, fields),
                                        VariantFields::Tuple { items } => tuple_list(program, items),
                                        VariantFields::Nested { ty } => match ty.unwrapped() {
                                            Type::Struct { fields } => field_list(program, fields),
                                            Type::Tuple { items } => tuple_list(program, items),
                                            _ => json!([]),
                                        },
                                    },
                                })
                            })
                            .collect(),
                    ),
                    _ => json!([]),
                },
            );
            Value::Object(o)
        })
        .collect();
    list(program, ctx, "types", items)
}

fn field_list(program: &Program, fields: &[Field]) -> Value {
    Value::Array(
        fields
            .iter()
            .filter(|f| f.omitted_default.is_none())
            .map(|f| json!({"name": f.name, "type": render_type(program, &f.ty), "docs": f.docs}))
            .collect(),
    )
}

fn tuple_list(program: &Program, items: &[Type]) -> Value {
    Value::Array(
        items
            .iter()
            .enumerate()
            .map(|(i, t)| json!({"name": i.to_string(), "type": render_type(program, t), "docs": []}))
            .collect(),
    )
}

/// The body of a type through named (non-generic) types and Codama nested-type wrappers.
pub(crate) fn struct_body<'p>(program: &'p Program, ty: &'p Type) -> Option<&'p Type> {
    let mut body = ty;
    for _ in 0..16 {
        match body.unwrapped() {
            Type::Defined { name, .. } => body = program.resolve_defined(name)?.1,
            other => return Some(other),
        }
    }
    None
}

/// The `fields` of a struct-like type (through named types and wrappers), else `[]`.
fn fields_json(program: &Program, ty: &Type) -> Value {
    match struct_body(program, ty) {
        Some(Type::Struct { fields }) => field_list(program, fields),
        Some(Type::TupleStruct { items }) => tuple_list(program, items),
        _ => json!([]),
    }
}

/// The rendered type of every entry of an account's layout (same order as `account_layout`).
pub(crate) fn accounts_fields(program: &Program, acc: &orquestra_idl::AccountDef) -> Vec<String> {
    program
        .account_layout(&acc.name)
        .map(|l| {
            l.fields
                .iter()
                .map(|f| {
                    let segments: Vec<&str> = f.path.split('/').filter(|s| !s.is_empty()).collect();
                    field_at(program, &acc.ty, &segments)
                        .map(|field| render_type(program, &field.ty))
                        .unwrap_or_else(|| f.ty.clone())
                })
                .collect()
        })
        .unwrap_or_default()
}

/// `GET /api/{projectId}/errors`.
pub fn errors(program: &Program, ctx: &ProgramContext<'_>) -> Value {
    let items = program
        .errors
        .iter()
        .map(|e| json!({"code": e.code, "name": e.name, "msg": e.message, "docs": e.docs}))
        .collect();
    list(program, ctx, "errors", items)
}

/// `GET /api/{projectId}/events`.
pub fn events(program: &Program, ctx: &ProgramContext<'_>) -> Value {
    let items = program
        .events
        .iter()
        .map(|e| {
            json!({
                "name": e.name,
                "docs": e.docs,
                "discriminator": discriminator_json(&e.discriminators, &e.prefix),
                "fields": fields_json(program, &e.ty),
            })
        })
        .collect();
    list(program, ctx, "events", items)
}

/// `GET /api/{projectId}/constants`.
pub fn constants(program: &Program, ctx: &ProgramContext<'_>) -> Value {
    let items = program
        .constants
        .iter()
        .map(|c| {
            json!({
                "name": c.name,
                "docs": c.docs,
                "type": render_type(program, &c.ty),
                "value": c.value,
            })
        })
        .collect();
    list(program, ctx, "constants", items)
}

/// Every PDA of the program (named Codama PDAs and Anchor instruction-account PDAs), with the
/// inputs each seed needs.
pub fn pdas(program: &Program, ctx: &ProgramContext<'_>) -> Value {
    let items = program
        .all_pdas()
        .into_iter()
        .map(|(name, pda)| {
            let (instruction, account) = match name.split_once('.') {
                Some((ix, acc)) if program.pdas.iter().all(|p| p.name != name) => {
                    (Some(ix.to_string()), acc.to_string())
                }
                _ => (None, name.clone()),
            };
            json!({
                "name": name,
                "instruction": instruction,
                "account": account,
                "seeds": pda.seeds.iter().map(|s| seed_json(program, s)).collect::<Vec<_>>(),
                "program": pda_program_json(program, pda.program.as_ref()),
            })
        })
        .collect();
    list(program, ctx, "pdas", items)
}
