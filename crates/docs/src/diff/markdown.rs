//! The diff as a Markdown report: a headline, a count table, one table per kind, then the
//! details of every changed item. Every IDL-derived string is escaped or in a code span.

use std::fmt::Write;

use orquestra_api::diff::{ChangeStatus, DiffItemKind, DiffProgram, IdlDiff, ItemChange, Severity};

use crate::escape_cell;
use crate::render::{cap_document, code};

const KINDS: [(DiffItemKind, &str); 5] = [
    (DiffItemKind::Instruction, "Instructions"),
    (DiffItemKind::Account, "Accounts"),
    (DiffItemKind::Type, "Types"),
    (DiffItemKind::Event, "Events"),
    (DiffItemKind::Error, "Errors"),
];

/// Renders `diff` as Markdown (cut at [`crate::MAX_DOCUMENT_BYTES`] with a visible marker).
pub fn render_markdown(diff: &IdlDiff) -> String {
    let mut md = String::new();
    let _ = writeln!(
        md,
        "# IDL diff: {} → {}\n",
        side(&diff.from),
        side(&diff.to)
    );
    let s = &diff.summary;
    if diff.breaking {
        let _ = writeln!(
            md,
            "**Breaking:** {} breaking and {} compatible change(s).\n",
            s.breaking, s.compatible
        );
    } else if diff.changes.is_empty() {
        md.push_str("**No changes.**\n\n");
    } else {
        let _ = writeln!(
            md,
            "**Compatible:** {} compatible change(s), none breaking.\n",
            s.compatible
        );
    }
    md.push_str("| kind | added | removed | changed |\n|---|---:|---:|---:|\n");
    for (kind, title) in KINDS {
        let c = s.kind(kind);
        let _ = writeln!(
            md,
            "| {title} | {} | {} | {} |",
            c.added, c.removed, c.changed
        );
    }
    for (kind, title) in KINDS {
        let items: Vec<&ItemChange> = diff.changes.iter().filter(|c| c.kind == kind).collect();
        if items.is_empty() {
            continue;
        }
        let _ = writeln!(
            md,
            "\n## {title}\n\n| name | status | severity |\n|---|---|---|"
        );
        for c in &items {
            let _ = writeln!(
                md,
                "| {} | {} | {} |",
                code(&c.name),
                c.status.as_str(),
                severity(c.severity)
            );
        }
        for c in items.iter().filter(|c| c.status == ChangeStatus::Changed) {
            let _ = writeln!(
                md,
                "\n### {} {} ({})\n",
                kind.as_str(),
                code(&c.name),
                severity(c.severity)
            );
            for d in &c.details {
                let _ = writeln!(
                    md,
                    "- {} `{}` {}: {}",
                    severity(d.severity),
                    serde_json::to_value(d.code)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_string))
                        .unwrap_or_default(),
                    code(&d.path),
                    escape_cell(&d.message)
                );
            }
        }
    }
    cap_document(md)
}

fn side(p: &DiffProgram) -> String {
    let mut out = code(&p.name);
    if let Some(v) = p.version {
        let _ = write!(out, " v{v}");
    }
    if let Some(id) = &p.program_id {
        let _ = write!(out, " ({})", code(id));
    }
    out
}

fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Breaking => "**breaking**",
        Severity::Compatible => "compatible",
    }
}
