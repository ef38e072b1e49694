//! `CPI.md`: the deterministic Markdown reference of one program.

use std::fmt::Write as _;

use orquestra_idl::{Pda, Program, Seed, Type, VariantFields};
use serde_json::Value;

use crate::api::{build_url, curl_build, endpoints, format_label};
use crate::example::{DocumentExamples, EXAMPLE_OMITTED};
use crate::render::cap_document;
use crate::render::{
    account_path, base58, code, discriminator_text, docs_block, docs_cell, escape_cell, fenced,
    flat_accounts, render_type, seed_summary,
};
use crate::ProgramContext;

/// Longest compact example shown inline in a table; longer ones point to the example request.
const MAX_INLINE_EXAMPLE: usize = 80;

/// The Markdown reference of `program`: overview, how to call the API, every instruction
/// (arguments, accounts, an example build request), account layouts, types, errors, events,
/// constants, PDAs and the project's known addresses. Every user-controlled string is escaped.
pub fn cpi_md(program: &Program, ctx: &ProgramContext<'_>) -> String {
    let mut md = String::new();
    overview(&mut md, program, ctx);
    api(&mut md, program, ctx);
    instructions(&mut md, program, ctx);
    accounts(&mut md, program);
    types(&mut md, program);
    errors(&mut md, program);
    events(&mut md, program);
    constants(&mut md, program);
    pdas(&mut md, program, ctx);
    known_addresses(&mut md, ctx);
    while md.ends_with("\n\n") {
        md.pop();
    }
    cap_document(md)
}

fn overview(md: &mut String, program: &Program, ctx: &ProgramContext<'_>) {
    let _ = writeln!(md, "# {}\n", escape_cell(&program.name));
    if let Some(d) = ctx.description.filter(|d| !d.trim().is_empty()) {
        for line in d.lines() {
            let _ = writeln!(md, "> {}", crate::render::escape_line(line));
        }
        md.push('\n');
    }
    let docs = docs_block(&program.docs);
    if !docs.is_empty() {
        let _ = writeln!(md, "{docs}\n");
    }
    let program_version = program
        .version
        .as_deref()
        .map(|v| format!(" (program version {})", escape_cell(v)))
        .unwrap_or_default();
    let rows = [
        ("Program", code(&program.name)),
        ("Program ID", code(ctx.program_id)),
        (
            "Project",
            format!(
                "{} ({})",
                escape_cell(ctx.project_name),
                code(ctx.project_id)
            ),
        ),
        ("IDL format", escape_cell(&format_label(program))),
        ("IDL version", format!("{}{program_version}", ctx.version)),
        ("Instructions", program.instructions.len().to_string()),
        ("Account types", program.accounts.len().to_string()),
        ("Types", program.types.len().to_string()),
        ("Errors", program.errors.len().to_string()),
        ("Events", program.events.len().to_string()),
        ("PDAs", program.all_pdas().len().to_string()),
    ];
    md.push_str("| | |\n|---|---|\n");
    for (k, v) in rows {
        let _ = writeln!(md, "| {k} | {v} |");
    }
    md.push('\n');
}

fn api(md: &mut String, program: &Program, ctx: &ProgramContext<'_>) {
    let base = ctx.api_base();
    md.push_str("## Calling the API\n\n");
    let _ = writeln!(md, "API base: {}\n", code(&base));
    md.push_str(
        "Values use canonical JSON: integers of 64 bits and more as decimal strings, public keys \
         in base58, bytes as arrays of 0-255, enums as `\"Variant\"` or `{\"Variant\": {...}}`, \
         options as `null` or the value.\n\n",
    );
    md.push_str("| Method | Path | Description |\n|---|---|---|\n");
    for (method, path, what) in endpoints() {
        let _ = writeln!(
            md,
            "| {method} | {} | {what} |",
            code(&format!("{base}{path}"))
        );
    }
    md.push('\n');
    md.push_str(
        "`POST …/instructions/{name}/build` takes `{\"args\": {…}, \"accounts\": {name: pubkey}, \
         \"feePayer\": pubkey}` (optional: `recentBlockhash`, `encoding` = `base64`|`base58`, \
         `version` = `legacy`|`0`, `computeUnitLimit`, `computeUnitPrice`, `simulate`) and returns \
         an unsigned transaction. Accounts of nested groups are keyed by their dotted path.\n\n",
    );
    if let Some(ix) = program.instructions.first() {
        let _ = writeln!(md, "Example ({}):\n", code(&ix.name));
        let _ = writeln!(md, "{}\n", fenced("bash", &curl_build(ctx, program, ix)));
    }
}

fn yes_no(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}

fn compact_example(v: &Value) -> String {
    let s = serde_json::to_string(v).unwrap_or_default();
    if s.chars().count() > MAX_INLINE_EXAMPLE {
        "see example request".into()
    } else {
        code(&s)
    }
}

fn instructions(md: &mut String, program: &Program, ctx: &ProgramContext<'_>) {
    md.push_str("## Instructions\n\n");
    if program.instructions.is_empty() {
        md.push_str("No instructions defined.\n\n");
        return;
    }
    let examples = DocumentExamples::new(program);
    for ix in &program.instructions {
        let _ = writeln!(md, "### {}\n", code(&ix.name));
        let docs = docs_block(&ix.docs);
        if !docs.is_empty() {
            let _ = writeln!(md, "{docs}\n");
        }
        let _ = writeln!(
            md,
            "- Discriminator: {}",
            code(&discriminator_text(&ix.discriminators, &ix.prefix))
        );
        let _ = writeln!(
            md,
            "- Endpoint: {}",
            code(&format!("POST {}", build_url(ctx, &ix.name)))
        );
        if let Some(r) = &ix.returns {
            let _ = writeln!(md, "- Returns: {}", code(&render_type(program, r)));
        }
        if ix.remaining_accounts {
            md.push_str("- Accepts additional (remaining) accounts\n");
        }
        md.push('\n');

        md.push_str("#### Arguments\n\n");
        let args: Vec<_> = ix
            .args
            .iter()
            .filter(|a| a.omitted_default.is_none())
            .collect();
        if args.is_empty() {
            md.push_str("No arguments.\n\n");
        } else {
            md.push_str("| Name | Type | Example | Docs |\n|---|---|---|---|\n");
            for a in args {
                let example = match &a.optional_default {
                    Some(default) => default.clone(),
                    None => examples.value(&a.ty).unwrap_or(Value::Null),
                };
                let mut docs = docs_cell(&a.docs);
                if a.optional_default.is_some() {
                    docs = format!("optional (default {}). {docs}", compact_example(&example));
                }
                let _ = writeln!(
                    md,
                    "| {} | {} | {} | {} |",
                    code(&a.name),
                    code(&render_type(program, &a.ty)),
                    compact_example(&example),
                    docs.trim_end()
                );
            }
            md.push('\n');
        }

        md.push_str("#### Accounts\n\n");
        let accounts = flat_accounts(&ix.accounts);
        if accounts.is_empty() {
            md.push_str("No accounts.\n\n");
        } else {
            md.push_str(
                "| Name | Writable | Signer | Optional | PDA seeds / fixed address | Docs |\n\
                 |---|---|---|---|---|---|\n",
            );
            for (group, a) in accounts {
                let signer = match a.signer {
                    orquestra_idl::Signer::Yes => "yes",
                    orquestra_idl::Signer::No => "no",
                    orquestra_idl::Signer::Either => "either",
                };
                let mut source = Vec::new();
                if let Some(address) = &a.address {
                    source.push(code(address));
                }
                if let Some(pda) = &a.pda {
                    source.push(pda_cell(program, pda));
                }
                let mut docs = docs_cell(&a.docs);
                if !a.relations.is_empty() {
                    let rel: Vec<String> = a.relations.iter().map(|r| code(r)).collect();
                    docs = format!("Relations: {}. {docs}", rel.join(", "));
                }
                let _ = writeln!(
                    md,
                    "| {} | {} | {signer} | {} | {} | {} |",
                    code(&account_path(group.as_deref(), a)),
                    yes_no(a.writable),
                    yes_no(a.optional),
                    if source.is_empty() {
                        "-".to_string()
                    } else {
                        source.join("; ")
                    },
                    docs.trim_end()
                );
            }
            md.push('\n');
        }

        md.push_str("#### Example request\n\n");
        match examples.request(ix) {
            Some(request) => {
                let body = serde_json::to_string_pretty(&request).unwrap_or_default();
                let _ = writeln!(md, "{}\n", fenced("json", &body));
            }
            None => md.push_str(EXAMPLE_OMITTED),
        }
    }
}

/// Seeds of a PDA as one escaped table cell: `seeds: "vault", arg amount (u64); program: …`.
fn pda_cell(program: &Program, pda: &Pda) -> String {
    let seeds: Vec<String> = pda.seeds.iter().map(|s| seed_summary(program, s)).collect();
    let mut text = format!("PDA seeds: {}", seeds.join(", "));
    if let Some(p) = &pda.program {
        let _ = write!(text, "; program: {}", program_seed(program, p));
    }
    escape_cell(&text)
}

fn program_seed(program: &Program, seed: &Seed) -> String {
    match seed {
        Seed::Const { bytes } if bytes.len() == 32 => base58(bytes),
        other => seed_summary(program, other),
    }
}

fn accounts(md: &mut String, program: &Program) {
    md.push_str("## Account types\n\n");
    if program.accounts.is_empty() {
        md.push_str("No account types defined.\n\n");
        return;
    }
    for acc in &program.accounts {
        let _ = writeln!(md, "### {}\n", code(&acc.name));
        let docs = docs_block(&acc.docs);
        if !docs.is_empty() {
            let _ = writeln!(md, "{docs}\n");
        }
        let layout = program.account_layout(&acc.name).ok();
        let _ = writeln!(
            md,
            "- Discriminator: {}",
            code(&discriminator_text(&acc.discriminators, &acc.prefix))
        );
        match layout.as_ref().and_then(|l| l.size) {
            Some(size) => {
                let _ = writeln!(md, "- Size: {size} bytes\n");
            }
            None => md.push_str("- Size: variable\n\n"),
        }
        let fields = layout.map(|l| l.fields).unwrap_or_default();
        if fields.is_empty() {
            md.push_str("No fields.\n\n");
            continue;
        }
        md.push_str("| Field | Type | Offset | Size |\n|---|---|---|---|\n");
        let view_fields = crate::views::accounts_fields(program, acc);
        for (i, f) in fields.iter().enumerate() {
            let name = f.path.trim_start_matches('/').replace('/', ".");
            let ty = view_fields.get(i).cloned().unwrap_or_else(|| f.ty.clone());
            let opt = |n: Option<usize>| n.map_or_else(|| "-".to_string(), |n| n.to_string());
            let _ = writeln!(
                md,
                "| {} | {} | {} | {} |",
                code(&name),
                code(&ty),
                opt(f.offset),
                opt(f.size)
            );
        }
        md.push('\n');
    }
}

fn types(md: &mut String, program: &Program) {
    md.push_str("## Types\n\n");
    if program.types.is_empty() {
        md.push_str("No custom types defined.\n\n");
        return;
    }
    for t in &program.types {
        let kind = match &t.ty {
            Type::Struct { .. } => "struct",
            Type::TupleStruct { .. } => "tuple struct",
            Type::Enum { .. } => "enum",
            _ => "alias",
        };
        let _ = writeln!(md, "### {} ({kind})\n", code(&t.name));
        let docs = docs_block(&t.docs);
        if !docs.is_empty() {
            let _ = writeln!(md, "{docs}\n");
        }
        if !t.generics.is_empty() {
            let params: Vec<String> = t
                .generics
                .iter()
                .map(|g| match g {
                    orquestra_idl::GenericParam::Type { name } => code(name),
                    orquestra_idl::GenericParam::Const { name, ty } => {
                        code(&format!("{name}: {ty}"))
                    }
                })
                .collect();
            let _ = writeln!(md, "Generic parameters: {}\n", params.join(", "));
        }
        match &t.ty {
            Type::Struct { fields } => {
                let fields: Vec<_> = fields
                    .iter()
                    .filter(|f| f.omitted_default.is_none())
                    .collect();
                if fields.is_empty() {
                    md.push_str("No fields.\n\n");
                    continue;
                }
                md.push_str("| Field | Type | Docs |\n|---|---|---|\n");
                for f in fields {
                    let _ = writeln!(
                        md,
                        "| {} | {} | {} |",
                        code(&f.name),
                        code(&render_type(program, &f.ty)),
                        docs_cell(&f.docs)
                    );
                }
            }
            Type::TupleStruct { items } => {
                md.push_str("| Index | Type |\n|---|---|\n");
                for (i, item) in items.iter().enumerate() {
                    let _ = writeln!(md, "| {i} | {} |", code(&render_type(program, item)));
                }
            }
            Type::Enum { variants, .. } => {
                md.push_str("| Variant | Value | Fields | Docs |\n|---|---|---|---|\n");
                for v in variants {
                    let fields = match &v.fields {
                        VariantFields::Unit => "-".to_string(),
                        VariantFields::Named { fields } => code(&format!(
                            "{{ {} }}",
                            fields
                                .iter()
                                .filter(|f| f.omitted_default.is_none())
                                .map(|f| format!("{}: {}", f.name, render_type(program, &f.ty)))
                                .collect::<Vec<_>>()
                                .join(", ")
                        )),
                        VariantFields::Tuple { items } => code(&format!(
                            "({})",
                            items
                                .iter()
                                .map(|t| render_type(program, t))
                                .collect::<Vec<_>>()
                                .join(", ")
                        )),
                        VariantFields::Nested { ty } => code(&render_type(program, ty)),
                    };
                    let _ = writeln!(
                        md,
                        "| {} | {} | {fields} | {} |",
                        code(&v.name),
                        v.discriminant,
                        docs_cell(&v.docs)
                    );
                }
            }
            other => {
                let _ = writeln!(md, "Alias of {}.", code(&render_type(program, other)));
            }
        }
        md.push('\n');
    }
}

fn errors(md: &mut String, program: &Program) {
    md.push_str("## Errors\n\n");
    if program.errors.is_empty() {
        md.push_str("No custom errors defined.\n\n");
        return;
    }
    md.push_str("| Code | Hex | Name | Message |\n|---|---|---|---|\n");
    for e in &program.errors {
        let msg = e.message.as_deref().map(escape_cell).unwrap_or_default();
        let _ = writeln!(
            md,
            "| {} | 0x{:x} | {} | {msg} |",
            e.code,
            e.code,
            code(&e.name)
        );
    }
    md.push('\n');
}

fn events(md: &mut String, program: &Program) {
    md.push_str("## Events\n\n");
    if program.events.is_empty() {
        md.push_str("No events defined.\n\n");
        return;
    }
    for e in &program.events {
        let _ = writeln!(md, "### {}\n", code(&e.name));
        let docs = docs_block(&e.docs);
        if !docs.is_empty() {
            let _ = writeln!(md, "{docs}\n");
        }
        let _ = writeln!(
            md,
            "- Discriminator: {}\n",
            code(&discriminator_text(&e.discriminators, &e.prefix))
        );
        let fields = match crate::views::struct_body(program, &e.ty) {
            Some(Type::Struct { fields }) => fields
                .iter()
                .map(|f| {
                    (
                        f.name.clone(),
                        render_type(program, &f.ty),
                        docs_cell(&f.docs),
                    )
                })
                .collect(),
            Some(Type::TupleStruct { items }) => items
                .iter()
                .enumerate()
                .map(|(i, t)| (i.to_string(), render_type(program, t), String::new()))
                .collect(),
            _ => Vec::new(),
        };
        if fields.is_empty() {
            md.push_str("No fields.\n\n");
            continue;
        }
        md.push_str("| Field | Type | Docs |\n|---|---|---|\n");
        for (name, ty, docs) in fields {
            let _ = writeln!(md, "| {} | {} | {docs} |", code(&name), code(&ty));
        }
        md.push('\n');
    }
}

fn constants(md: &mut String, program: &Program) {
    if program.constants.is_empty() {
        return;
    }
    md.push_str("## Constants\n\n| Name | Type | Value | Docs |\n|---|---|---|---|\n");
    for c in &program.constants {
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} |",
            code(&c.name),
            code(&render_type(program, &c.ty)),
            code(&c.value),
            docs_cell(&c.docs)
        );
    }
    md.push('\n');
}

fn pdas(md: &mut String, program: &Program, ctx: &ProgramContext<'_>) {
    md.push_str("## PDAs\n\n");
    let all = program.all_pdas();
    if all.is_empty() {
        md.push_str("No PDAs defined.\n\n");
        return;
    }
    let _ = writeln!(
        md,
        "Derive with {} and a body `{{\"instruction\", \"account\", \"seedValues\": {{…}}}}` \
         (named PDAs: `account` = the PDA name).\n",
        code(&format!("POST {}/pda/derive", ctx.api_base()))
    );
    md.push_str("| PDA | Seeds | Inputs needed | Program |\n|---|---|---|---|\n");
    for (name, pda) in all {
        let seeds: Vec<String> = pda.seeds.iter().map(|s| seed_summary(program, s)).collect();
        let inputs = crate::api::pda_inputs(program, pda);
        let program_cell = match &pda.program {
            None => "this program".to_string(),
            Some(p) => escape_cell(&program_seed(program, p)),
        };
        let _ = writeln!(
            md,
            "| {} | {} | {} | {program_cell} |",
            code(&name),
            escape_cell(&seeds.join(", ")),
            if inputs.is_empty() {
                "none".to_string()
            } else {
                escape_cell(&inputs.join(", "))
            },
        );
    }
    md.push('\n');
}

fn known_addresses(md: &mut String, ctx: &ProgramContext<'_>) {
    md.push_str("## Known addresses\n\n");
    if ctx.known_addresses.is_empty() {
        md.push_str("No known addresses documented.\n\n");
        return;
    }
    md.push_str("| Label | Address | Description |\n|---|---|---|\n");
    for k in ctx.known_addresses {
        let _ = writeln!(
            md,
            "| {} | {} | {} |",
            escape_cell(k.label),
            code(k.address),
            k.description.map(escape_cell).unwrap_or_default()
        );
    }
    md.push('\n');
}
