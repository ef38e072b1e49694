//! The structured difference between two parsed programs (typically two versions of one
//! program): instructions, accounts, types, events and errors added, removed or changed, each
//! change classed as breaking or compatible for clients built against the older IDL.
//!
//! Items are matched by casing-insensitive name ([`orquestra_idl::names::loose_key`]), so a legacy
//! Anchor IDL (`initializeVault`) and an Anchor ≥0.30 IDL (`initialize_vault`) of the same program
//! do not differ by casing alone; paths and names in the report are those of the newer IDL.
//!
//! Severity follows the wire: a change is **breaking** when bytes or account lists an older
//! client sends, or data it reads, no longer mean the same thing. The rules:
//!
//! * Breaking: a discriminator changed; an instruction argument added, removed, retyped or moved
//!   (Borsh is positional, so even an appended argument makes older clients' data too short); an
//!   instruction account added (except an optional one at the end), removed, moved, made
//!   required, or its signer/writable flags, stated fixed address or stated PDA seeds changed; a
//!   field of an account, type or event removed, retyped or moved, or an account field's offset
//!   changed; a field added to a type or an event (a type is embedded positionally in whatever
//!   uses it, so its size matters everywhere); an enum variant removed, retagged, its payload
//!   changed, or inserted before existing tags; an error code changed for the same name; a
//!   removed instruction, account, type or event; a field whose named type changed in any of
//!   these ways ("changed via type X", found once per type and propagated over references).
//! * Compatible: new items; documentation and error messages; a field appended after every
//!   existing field of an account (existing fields keep their offsets and types; the account
//!   grows); an optional instruction account appended at the end (Anchor reads missing trailing
//!   optional accounts as `None`, so older transactions still pass); an account made optional;
//!   renames at the same position with the same type and role (arguments, fields, variants,
//!   instruction accounts: the bytes are unchanged, though name-keyed clients, such as this
//!   service's build requests, must use the new name); an error code now under another name; a
//!   removed error (the program no longer returns that code, and nothing a client sends or
//!   decodes changes).
//! * An enum variant appended after every existing tag is compatible when the enum's static size
//!   is unchanged: every value that was valid is encoded the same way, and writers (instruction
//!   arguments) keep working. A reader decoding with the older IDL fails on the new tag only
//!   when the program actually stores or emits it, so this is compatible for readers that
//!   tolerate unknown variants; classing it breaking would flag every enum extension.
//!
//! Not compared: serialization and `repr` (the model's layouts and codec do not depend on
//! them), PDA seeds and fixed addresses stated on one side only (legacy IDLs cannot state them,
//! so absence means "unknown", not "none"), constants and named PDAs. When a program has two
//! items whose names differ only by casing, the first one is compared.

mod align;
mod items;
mod ix_accounts;
mod layout;
mod markdown;
mod shape;
#[cfg(test)]
mod tests;

use std::collections::{HashMap, HashSet, VecDeque};

use orquestra_api::diff::{
    ChangeCode, ChangeDetail, ChangeStatus, DiffItemKind, DiffProgram, DiffSummary, IdlDiff,
    ItemChange, Severity,
};
use orquestra_idl::Program;

pub use markdown::render_markdown;

/// The difference from `old` to `new`. Pure and deterministic; `version` of both sides is left
/// `None` for the caller to fill.
pub fn diff(old: &Program, new: &Program) -> IdlDiff {
    let cx = layout::Comparer::new(old, new);
    let mut drafts = Vec::new();
    items::instructions(&cx, &mut drafts);
    items::accounts(&cx, &mut drafts);
    items::types(&cx, &mut drafts);
    items::events(&cx, &mut drafts);
    items::errors(&cx, &mut drafts);
    finish(old, new, drafts)
}

/// A reference from a place (field, argument, alias) to a named type that exists on both
/// sides: it becomes a `changed_via_type` detail if that type's layout turns out to have changed.
#[derive(Debug, Clone)]
pub(super) struct Via {
    pub path: String,
    /// The type's casing-insensitive key.
    pub key: String,
    /// The type's name, as the newer IDL writes it.
    pub name: String,
}

/// An item being compared.
#[derive(Debug)]
pub(super) struct Draft {
    pub kind: DiffItemKind,
    pub key: String,
    pub name: String,
    pub status: ChangeStatus,
    /// The severity of an added or removed item.
    pub bare: Severity,
    pub details: Vec<ChangeDetail>,
    pub vias: Vec<Via>,
    /// `false` for type definitions that are an account's or event's own layout: compared (so
    /// references to them propagate) but reported under the account or event.
    pub reported: bool,
}

impl Draft {
    pub fn new(kind: DiffItemKind, key: String, name: &str, status: ChangeStatus) -> Self {
        let bare = match status {
            ChangeStatus::Removed => Severity::Breaking,
            ChangeStatus::Added | ChangeStatus::Changed => Severity::Compatible,
        };
        Draft {
            kind,
            key,
            name: name.to_string(),
            status,
            bare,
            details: Vec::new(),
            vias: Vec::new(),
            reported: true,
        }
    }

    pub fn push(&mut self, path: String, code: ChangeCode, severity: Severity, message: String) {
        self.details.push(ChangeDetail {
            path,
            code,
            message,
            severity,
        });
    }

    /// A draft to compare into before knowing whether its findings apply.
    pub fn scratch() -> Self {
        Draft::new(DiffItemKind::Type, String::new(), "", ChangeStatus::Changed)
    }

    /// Takes over the details and references found in `other`.
    pub fn absorb(&mut self, other: Draft) {
        self.details.extend(other.details);
        self.vias.extend(other.vias);
    }

    /// Whether any detail found so far is breaking.
    pub fn breaking_details(&self) -> bool {
        self.details
            .iter()
            .any(|d| d.severity == Severity::Breaking)
    }

    fn breaking(&self) -> bool {
        match self.status {
            ChangeStatus::Changed => self.breaking_details(),
            _ => self.bare == Severity::Breaking,
        }
    }
}

/// Propagates type changes over references, then orders and counts the reported items.
fn finish(old: &Program, new: &Program, mut drafts: Vec<Draft>) -> IdlDiff {
    // Named types whose layout changed or that exist on one side only, then every type that
    // refers to one of them, breadth first over reverse references: linear in the references.
    let mut referrers: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut changed: HashSet<String> = HashSet::new();
    let mut queue = VecDeque::new();
    for (i, d) in drafts.iter().enumerate() {
        if d.kind != DiffItemKind::Type {
            continue;
        }
        for via in &d.vias {
            referrers.entry(via.key.as_str()).or_default().push(i);
        }
        if d.breaking() && changed.insert(d.key.clone()) {
            queue.push_back(d.key.clone());
        }
    }
    while let Some(key) = queue.pop_front() {
        for &i in referrers
            .get(key.as_str())
            .map(Vec::as_slice)
            .unwrap_or_default()
        {
            if let Some(d) = drafts.get(i) {
                if changed.insert(d.key.clone()) {
                    queue.push_back(d.key.clone());
                }
            }
        }
    }
    for d in &mut drafts {
        let mut seen = HashSet::new();
        let vias = std::mem::take(&mut d.vias);
        for via in vias {
            if changed.contains(&via.key) && seen.insert((via.path.clone(), via.key.clone())) {
                let message = format!("changed via type `{}`", via.name);
                d.push(
                    via.path,
                    ChangeCode::ChangedViaType,
                    Severity::Breaking,
                    message,
                );
            }
        }
    }

    let mut changes: Vec<ItemChange> = drafts
        .into_iter()
        .filter(|d| d.reported && (d.status != ChangeStatus::Changed || !d.details.is_empty()))
        .map(|d| {
            let severity = if d.breaking() {
                Severity::Breaking
            } else {
                Severity::Compatible
            };
            ItemChange {
                kind: d.kind,
                name: d.name,
                status: d.status,
                severity,
                details: d.details,
            }
        })
        .collect();
    changes.sort_by(|a, b| {
        (a.kind, orquestra_idl::names::loose_key(&a.name), &a.name).cmp(&(
            b.kind,
            orquestra_idl::names::loose_key(&b.name),
            &b.name,
        ))
    });
    let mut summary = DiffSummary::default();
    for c in &changes {
        match c.severity {
            Severity::Breaking => summary.breaking += 1,
            Severity::Compatible => summary.compatible += 1,
        }
        let counts = summary.kind_mut(c.kind);
        match c.status {
            ChangeStatus::Added => counts.added += 1,
            ChangeStatus::Removed => counts.removed += 1,
            ChangeStatus::Changed => counts.changed += 1,
        }
    }
    IdlDiff {
        from: identify(old),
        to: identify(new),
        breaking: summary.breaking > 0,
        summary,
        changes,
    }
}

fn identify(p: &Program) -> DiffProgram {
    let format = serde_json::to_value(p.format)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    DiffProgram {
        name: p.name.clone(),
        program_id: p.address.clone(),
        format,
        version: None,
    }
}

/// Documentation as compared: trailing spaces and leading/trailing blank lines do not count.
pub(super) fn docs_text(docs: &[String]) -> String {
    let lines: Vec<&str> = docs.iter().map(|l| l.trim_end()).collect();
    lines.join("\n").trim().to_string()
}

/// Pushes a `docs_changed` detail at `{path}/docs` when the texts differ.
pub(super) fn compare_docs(draft: &mut Draft, path: &str, old: &[String], new: &[String]) {
    let (a, b) = (docs_text(old), docs_text(new));
    if a != b {
        let message = format!("documentation: {} → {}", quote_short(&a), quote_short(&b));
        draft.push(
            orquestra_idl::pointer::join(path, "docs"),
            ChangeCode::DocsChanged,
            Severity::Compatible,
            message,
        );
    }
}

/// A text for a message: quoted, on one line, cut at 80 characters.
pub(super) fn quote_short(text: &str) -> String {
    if text.is_empty() {
        return "(none)".into();
    }
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut cut: String = one_line.chars().take(80).collect();
    if cut.len() < one_line.len() {
        cut.push('…');
    }
    format!("\"{cut}\"")
}
