//! Facts about the generated REST API shared by `CPI.md` and `llms.txt`: endpoint list, URLs,
//! the `curl` example, PDA inputs.

use std::fmt::Write as _;

use orquestra_idl::{Instruction, Pda, Program, Seed};

use crate::example::example_request;
use crate::render::seed_summary;
use crate::ProgramContext;

/// `Anchor, spec 0.1.0`, `Codama`, …
pub(crate) fn format_label(program: &Program) -> String {
    let name = match program.format {
        orquestra_idl::IdlFormat::Anchor => "Anchor",
        orquestra_idl::IdlFormat::AnchorLegacy => "Anchor (legacy)",
        orquestra_idl::IdlFormat::Shank => "Shank",
        orquestra_idl::IdlFormat::Codama => "Codama",
    };
    match &program.spec {
        Some(spec) => format!("{name}, spec {spec}"),
        None => name.to_string(),
    }
}

/// A shell-safe single-quoted string.
pub(crate) fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// A `curl` call of a build endpoint with the example body.
pub(crate) fn curl_build(ctx: &ProgramContext<'_>, program: &Program, ix: &Instruction) -> String {
    let body = example_request(program, ix);
    let pretty = serde_json::to_string_pretty(&body).unwrap_or_default();
    format!(
        "curl -X POST {} \\\n  -H 'Content-Type: application/json' \\\n  -d {}",
        shell_quote(&build_url(ctx, &ix.name)),
        shell_quote(&pretty)
    )
}

pub(crate) fn build_url(ctx: &ProgramContext<'_>, name: &str) -> String {
    format!(
        "{}/instructions/{}/build",
        ctx.api_base(),
        url_segment(name)
    )
}

/// Percent-encodes everything but unreserved characters of a URL path segment.
pub(crate) fn url_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

pub(crate) fn endpoints() -> [(&'static str, &'static str, &'static str); 12] {
    [
        ("GET", "/instructions", "List the instructions"),
        (
            "GET",
            "/instructions/{name}",
            "One instruction with argument types, examples and accounts",
        ),
        (
            "POST",
            "/instructions/{name}/build",
            "Build an unsigned transaction",
        ),
        ("GET", "/pda", "List the PDAs and their seeds"),
        ("POST", "/pda/derive", "Derive a PDA from `seedValues`"),
        (
            "POST",
            "/program-accounts/query",
            "Query program-owned accounts",
        ),
        (
            "GET",
            "/accounts",
            "List the account types with byte layouts",
        ),
        ("GET", "/types", "List the custom types"),
        ("GET", "/errors", "List the error codes"),
        ("GET", "/events", "List the events"),
        ("GET", "/docs", "This documentation"),
        ("GET", "/idl", "The IDL"),
    ]
}

/// The inputs a PDA's seeds need from the caller.
pub(crate) fn pda_inputs(program: &Program, pda: &Pda) -> Vec<String> {
    let mut inputs: Vec<String> = pda
        .seeds
        .iter()
        .chain(pda.program.iter())
        .filter(|s| !matches!(s, Seed::Const { .. } | Seed::ProgramId))
        .map(|s| seed_summary(program, s))
        .collect();
    inputs.dedup();
    inputs
}
