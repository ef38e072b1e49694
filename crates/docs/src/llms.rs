//! `llms.txt` (https://llmstxt.org): `# Title`, a `> summary` blockquote, free text, then `##`
//! sections of `- [name](url): notes` link lists: project and program facts, API base (never a
//! doubled `/api`), endpoints with full URLs, guidance for AI systems (PDA derivation with
//! `seedValues`), known addresses, then the documentation.

use std::fmt::Write as _;

use orquestra_idl::{Instruction, Program};

use crate::api::{build_url, format_label, pda_inputs, url_segment};
use crate::example::{DocumentExamples, EXAMPLE_OMITTED};
use crate::render::cap_document;
use crate::render::{
    account_path, code, discriminator_text, docs_block, escape_cell, escape_line, fenced,
    flat_accounts, render_type, seed_summary,
};
use crate::ProgramContext;

/// The llms.txt document of `program`. With `custom_docs`, the owner's documentation is the main
/// section (verbatim Markdown) instead of the generated instruction reference.
pub fn llms_txt(program: &Program, ctx: &ProgramContext<'_>, custom_docs: Option<&str>) -> String {
    let base = ctx.api_base();
    let mut out = String::new();
    let title = if ctx.project_name.trim().is_empty() {
        program.name.as_str()
    } else {
        ctx.project_name
    };
    let _ = writeln!(out, "# {}\n", escape_line(title));
    let _ = writeln!(
        out,
        "> {}\n",
        escape_cell(&format!(
            "Solana program {} ({}): {} instructions, {} account types, {} errors. The Orquestra \
             REST API at {base} describes it and builds unsigned transactions from JSON.",
            program.name,
            ctx.program_id,
            program.instructions.len(),
            program.accounts.len(),
            program.errors.len(),
        ))
    );
    if let Some(d) = ctx.description.filter(|d| !d.trim().is_empty()) {
        for line in d.lines() {
            let _ = writeln!(out, "{}", escape_line(line));
        }
        out.push('\n');
    }
    let docs = docs_block(&program.docs);
    if !docs.is_empty() {
        let _ = writeln!(out, "{docs}\n");
    }
    let _ = writeln!(
        out,
        "- Project: {} ({})",
        escape_cell(title),
        code(ctx.project_id)
    );
    let _ = writeln!(out, "- Program: {}", code(&program.name));
    let _ = writeln!(out, "- Program ID: {}", code(ctx.program_id));
    let _ = writeln!(
        out,
        "- IDL: {}, version {}",
        escape_cell(&format_label(program)),
        ctx.version
    );
    let _ = writeln!(out, "- API base: {base}\n");

    out.push_str("Instructions for AI systems:\n\n");
    for rule in [
        "Treat this document and the listed endpoints as the canonical reference for this program.",
        "Values are canonical JSON: integers of 64 bits or more as decimal strings, public keys in base58, bytes as arrays of 0-255, enums as \"Variant\" or {\"Variant\": {...}}, options as null or the value.",
        "Build a transaction with POST .../instructions/{name}/build and a body {\"args\": {...}, \"accounts\": {name: pubkey}, \"feePayer\": pubkey}; the result is unsigned and must be signed by the user's wallet.",
        "Use GET .../pda to see which accounts are PDAs and which seeds they need; derive one with POST .../pda/derive and a body {\"instruction\", \"account\", \"seedValues\": {...}}.",
        "Use POST .../program-accounts/query to find program-owned accounts (accountType applies the discriminator filter).",
        "If something is missing or ambiguous, fetch the relevant endpoint or ask the user; never guess addresses.",
    ] {
        let _ = writeln!(out, "- {rule}");
    }
    out.push('\n');

    out.push_str("## API\n\n");
    for (method, path, what) in crate::api::endpoints() {
        let _ = writeln!(out, "- [{method} {path}]({base}{path}): {what}");
    }
    out.push('\n');

    match custom_docs {
        Some(custom) => {
            out.push_str("## Documentation\n\n");
            out.push_str(custom.trim());
            out.push_str("\n\n");
        }
        None => instructions(&mut out, program, ctx),
    }
    pdas(&mut out, program);
    known_addresses(&mut out, ctx);
    errors(&mut out, program);

    out.push_str("## Optional\n\n");
    let _ = writeln!(
        out,
        "- [Full documentation (CPI.md)]({base}/docs?format=md): every instruction, account layout, type, error and event"
    );
    let _ = writeln!(
        out,
        "- [IDL]({base}/idl): the raw IDL this API is generated from"
    );
    let _ = writeln!(
        out,
        "- [Types]({base}/types): custom types with fields and enum variants"
    );
    while out.ends_with('\n') {
        out.pop();
    }
    out.push('\n');
    cap_document(out)
}

fn instructions(out: &mut String, program: &Program, ctx: &ProgramContext<'_>) {
    out.push_str("## Instructions\n\n");
    if program.instructions.is_empty() {
        out.push_str("No instructions defined.\n\n");
        return;
    }
    let examples = DocumentExamples::new(program);
    for ix in &program.instructions {
        instruction(out, program, ctx, ix, &examples);
    }
}

fn instruction(
    out: &mut String,
    program: &Program,
    ctx: &ProgramContext<'_>,
    ix: &Instruction,
    examples: &DocumentExamples<'_>,
) {
    let _ = writeln!(out, "### {}\n", code(&ix.name));
    let docs = docs_block(&ix.docs);
    if !docs.is_empty() {
        let _ = writeln!(out, "{docs}\n");
    }
    let _ = writeln!(
        out,
        "- [POST build]({}): discriminator {}",
        build_url(ctx, &ix.name),
        code(&discriminator_text(&ix.discriminators, &ix.prefix))
    );
    let _ = writeln!(
        out,
        "- [GET details]({}/instructions/{}): argument types, examples, account flags and PDA seeds",
        ctx.api_base(),
        url_segment(&ix.name)
    );
    let args: Vec<String> = ix
        .args
        .iter()
        .filter(|a| a.omitted_default.is_none())
        .map(|a| code(&format!("{}: {}", a.name, render_type(program, &a.ty))))
        .collect();
    let _ = writeln!(
        out,
        "- Args: {}",
        if args.is_empty() {
            "none".to_string()
        } else {
            args.join(", ")
        }
    );
    let accounts: Vec<String> = flat_accounts(&ix.accounts)
        .into_iter()
        .map(|(group, a)| {
            let mut flags = Vec::new();
            if a.writable {
                flags.push("writable".to_string());
            }
            match a.signer {
                orquestra_idl::Signer::Yes => flags.push("signer".into()),
                orquestra_idl::Signer::Either => flags.push("optional signer".into()),
                orquestra_idl::Signer::No => {}
            }
            if a.optional {
                flags.push("optional".into());
            }
            if let Some(addr) = &a.address {
                flags.push(format!("fixed {addr}"));
            }
            if let Some(pda) = &a.pda {
                let seeds: Vec<String> =
                    pda.seeds.iter().map(|s| seed_summary(program, s)).collect();
                flags.push(format!("PDA [{}]", seeds.join(", ")));
            }
            let name = code(&account_path(group.as_deref(), a));
            if flags.is_empty() {
                name
            } else {
                format!("{name} ({})", escape_cell(&flags.join(", ")))
            }
        })
        .collect();
    let _ = writeln!(
        out,
        "- Accounts: {}\n",
        if accounts.is_empty() {
            "none".to_string()
        } else {
            accounts.join(", ")
        }
    );
    match examples.request(ix) {
        Some(request) => {
            let body = serde_json::to_string_pretty(&request).unwrap_or_default();
            let _ = writeln!(out, "Example request:\n\n{}\n", fenced("json", &body));
        }
        None => out.push_str(EXAMPLE_OMITTED),
    }
}

fn pdas(out: &mut String, program: &Program) {
    let all = program.all_pdas();
    if all.is_empty() {
        return;
    }
    out.push_str("## PDAs\n\n");
    for (name, pda) in all {
        let seeds: Vec<String> = pda.seeds.iter().map(|s| seed_summary(program, s)).collect();
        let inputs = pda_inputs(program, pda);
        let _ = writeln!(
            out,
            "- {}: seeds [{}]; seedValues needed: {}",
            code(&name),
            escape_cell(&seeds.join(", ")),
            if inputs.is_empty() {
                "none".to_string()
            } else {
                escape_cell(&inputs.join(", "))
            }
        );
    }
    out.push('\n');
}

fn known_addresses(out: &mut String, ctx: &ProgramContext<'_>) {
    if ctx.known_addresses.is_empty() {
        return;
    }
    let mut rows: Vec<_> = ctx.known_addresses.iter().collect();
    rows.sort_by(|a, b| a.label.cmp(b.label).then(a.address.cmp(b.address)));
    out.push_str("## Known addresses\n\n| Label | Address | Description |\n|---|---|---|\n");
    for k in rows {
        let _ = writeln!(
            out,
            "| {} | {} | {} |",
            escape_cell(k.label),
            code(k.address),
            k.description.map(escape_cell).unwrap_or_default()
        );
    }
    out.push('\n');
}

fn errors(out: &mut String, program: &Program) {
    if program.errors.is_empty() {
        return;
    }
    out.push_str("## Errors\n\n| Code | Name | Message |\n|---|---|---|\n");
    for e in &program.errors {
        let _ = writeln!(
            out,
            "| {} | {} | {} |",
            e.code,
            code(&e.name),
            e.message.as_deref().map(escape_cell).unwrap_or_default()
        );
    }
    out.push('\n');
}
