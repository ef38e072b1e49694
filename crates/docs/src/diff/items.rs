//! One comparison per kind of item: instructions, accounts, types, events, errors. Items are
//! paired by casing-insensitive name through hash maps, so pairing is linear in the IDL sizes.

use std::collections::{HashMap, HashSet};

use orquestra_api::diff::{ChangeCode, ChangeStatus, DiffItemKind, Severity};
use orquestra_idl::names::loose_key;
use orquestra_idl::pointer::join;
use orquestra_idl::{AccountDef, Discriminator, ErrorDef, GenericParam, Type};

use super::layout::{Comparer, Named, Rules, Slots};
use super::{compare_docs, ix_accounts, Draft};
use crate::render::discriminator_text;

/// Pairs `old` and `new` items by key: pairs and old-only items in old order, then new-only
/// items in new order. Of several items with one key on a side, the first is compared.
fn pair<'a, T>(
    old: &'a [T],
    new: &'a [T],
    name: impl Fn(&T) -> &str,
) -> Vec<(String, Option<&'a T>, Option<&'a T>)> {
    let mut new_by_key: HashMap<String, &T> = HashMap::with_capacity(new.len());
    let mut new_order = Vec::with_capacity(new.len());
    for item in new {
        let key = loose_key(name(item));
        if let std::collections::hash_map::Entry::Vacant(slot) = new_by_key.entry(key) {
            new_order.push(slot.key().clone());
            slot.insert(item);
        }
    }
    let mut seen = HashSet::with_capacity(old.len());
    let mut out = Vec::with_capacity(old.len().max(new.len()));
    for item in old {
        let key = loose_key(name(item));
        if seen.insert(key.clone()) {
            let other = new_by_key.get(&key).copied();
            out.push((key, Some(item), other));
        }
    }
    for key in new_order {
        if !seen.contains(&key) {
            let item = new_by_key.get(&key).copied();
            out.push((key, None, item));
        }
    }
    out
}

/// The draft of an item present on one side only.
fn one_sided(kind: DiffItemKind, key: String, old: Option<&str>, new: Option<&str>) -> Draft {
    match (old, new) {
        (_, Some(name)) => Draft::new(kind, key, name, ChangeStatus::Added),
        (Some(name), None) => Draft::new(kind, key, name, ChangeStatus::Removed),
        (None, None) => Draft::new(kind, key, "", ChangeStatus::Changed),
    }
}

pub(super) fn instructions(cx: &Comparer, out: &mut Vec<Draft>) {
    let kind = DiffItemKind::Instruction;
    let (old, new) = (&cx.old.program.instructions, &cx.new.program.instructions);
    for (key, o, n) in pair(old, new, |i| &i.name) {
        let (Some(o), Some(n)) = (o, n) else {
            let (o, n) = (o.map(|i| i.name.as_str()), n.map(|i| i.name.as_str()));
            out.push(one_sided(kind, key, o, n));
            continue;
        };
        let mut d = Draft::new(kind, key, &n.name, ChangeStatus::Changed);
        let path = join("/instructions", &n.name);
        discriminator(
            &mut d,
            &path,
            (&o.discriminators, &o.prefix),
            (&n.discriminators, &n.prefix),
        );
        compare_docs(&mut d, &path, &o.docs, &n.docs);
        cx.fields(&o.args, &n.args, &path, Slots::Args, &mut d);
        ix_accounts::compare(cx, &o.accounts, &n.accounts, &path, &mut d);
        returns(cx, o.returns.as_ref(), n.returns.as_ref(), &path, &mut d);
        out.push(d);
    }
}

fn returns(cx: &Comparer, o: Option<&Type>, n: Option<&Type>, path: &str, d: &mut Draft) {
    let path = join(path, "returns");
    let (severity, message) = match (o, n) {
        (None, None) => return,
        // Callers that never read return data are unaffected by new return data.
        (None, Some(t)) => (
            Severity::Compatible,
            format!("(none) → {}", cx.label_new(t)),
        ),
        (Some(t), None) => (Severity::Breaking, format!("{} → (none)", cx.label_old(t))),
        (Some(a), Some(b)) => {
            let mut scratch = Draft::scratch();
            if cx.shape(a, b, &path, &mut scratch) {
                d.absorb(scratch);
                return;
            }
            (
                Severity::Breaking,
                format!("{} → {}", cx.label_old(a), cx.label_new(b)),
            )
        }
    };
    d.push(path, ChangeCode::ReturnsChanged, severity, message);
}

/// Compares how an item is recognised (its discriminators and the prefix written before it).
fn discriminator(
    d: &mut Draft,
    path: &str,
    old: (&[Discriminator], &[u8]),
    new: (&[Discriminator], &[u8]),
) {
    if old == new {
        return;
    }
    let message = format!(
        "{} → {}",
        discriminator_text(old.0, old.1),
        discriminator_text(new.0, new.1)
    );
    d.push(
        join(path, "discriminator"),
        ChangeCode::DiscriminatorChanged,
        Severity::Breaking,
        message,
    );
}

/// The documentation of an account or event: its own, else (Anchor ≥0.30, which documents the
/// layout in `types`) that of the type it names.
fn docs_of<'a>(own: &'a [String], named: Option<&Named<'a>>) -> &'a [String] {
    match named {
        Some(n) if own.is_empty() => n.docs,
        _ => own,
    }
}

pub(super) fn accounts(cx: &Comparer, out: &mut Vec<Draft>) {
    let kind = DiffItemKind::Account;
    let (old, new) = (&cx.old.program.accounts, &cx.new.program.accounts);
    for (key, o, n) in pair(old, new, |a| &a.name) {
        let (Some(o), Some(n)) = (o, n) else {
            let (o, n) = (o.map(|a| a.name.as_str()), n.map(|a| a.name.as_str()));
            out.push(one_sided(kind, key, o, n));
            continue;
        };
        let mut d = Draft::new(kind, key, &n.name, ChangeStatus::Changed);
        let path = join("/accounts", &n.name);
        discriminator(
            &mut d,
            &path,
            (&o.discriminators, &o.prefix),
            (&n.discriminators, &n.prefix),
        );
        let (old_body, old_named) = cx.old.body(&o.ty);
        let (new_body, new_named) = cx.new.body(&n.ty);
        compare_docs(
            &mut d,
            &path,
            docs_of(&o.docs, old_named),
            docs_of(&n.docs, new_named),
        );
        cx.body(old_body, new_body, &path, Rules::Account, &mut d);
        offsets(cx, o, n, &path, &mut d);
        out.push(d);
    }
}

/// Offsets from the model's account layouts: a field that kept its name and type but moved in
/// the data (an earlier field changed size) is breaking; appended fields get their offset.
fn offsets(cx: &Comparer, o: &AccountDef, n: &AccountDef, path: &str, d: &mut Draft) {
    let (Ok(old), Ok(new)) = (
        cx.old.program.account_layout(&o.name),
        cx.new.program.account_layout(&n.name),
    ) else {
        return;
    };
    // Top-level fields only: nested entries follow their parent and move with it.
    let top = |layout: &orquestra_idl::AccountLayout| -> Vec<(String, String, Option<usize>)> {
        layout
            .fields
            .iter()
            .filter_map(|f| {
                let name = f.path.strip_prefix('/')?;
                (!name.contains('/')).then(|| (loose_key(name), name.to_string(), f.offset))
            })
            .collect()
    };
    let old_offsets: HashMap<String, Option<usize>> = top(&old)
        .into_iter()
        .map(|(key, _, offset)| (key, offset))
        .collect();
    let fields = join(path, "fields");
    let already_broken: HashSet<String> = d
        .details
        .iter()
        .filter(|x| x.severity == Severity::Breaking)
        .map(|x| x.path.clone())
        .collect();
    let mut new_offsets = HashMap::new();
    for (key, name, offset) in top(&new) {
        let p = join(&fields, &name);
        if let Some(offset) = offset {
            new_offsets.insert(p.clone(), offset);
        }
        let Some(&Some(before)) = old_offsets.get(&key) else {
            continue;
        };
        match offset {
            Some(after) if after != before && !already_broken.contains(&p) => {
                let message = format!("`{name}`: offset {before} → {after}");
                d.push(
                    p,
                    ChangeCode::FieldOffsetChanged,
                    Severity::Breaking,
                    message,
                );
            }
            _ => {}
        }
    }
    let sizes = match (old.size, new.size) {
        (Some(a), Some(b)) => format!(" (account size {a} → {b} bytes)"),
        _ => String::new(),
    };
    for detail in &mut d.details {
        if detail.code == ChangeCode::FieldAppended {
            if let Some(offset) = new_offsets.get(&detail.path) {
                detail
                    .message
                    .push_str(&format!(" at offset {offset}{sizes}"));
            }
        }
    }
}

pub(super) fn events(cx: &Comparer, out: &mut Vec<Draft>) {
    let kind = DiffItemKind::Event;
    let (old, new) = (&cx.old.program.events, &cx.new.program.events);
    for (key, o, n) in pair(old, new, |e| &e.name) {
        let (Some(o), Some(n)) = (o, n) else {
            let (o, n) = (o.map(|e| e.name.as_str()), n.map(|e| e.name.as_str()));
            out.push(one_sided(kind, key, o, n));
            continue;
        };
        let mut d = Draft::new(kind, key, &n.name, ChangeStatus::Changed);
        let path = join("/events", &n.name);
        discriminator(
            &mut d,
            &path,
            (&o.discriminators, &o.prefix),
            (&n.discriminators, &n.prefix),
        );
        let (old_body, old_named) = cx.old.body(&o.ty);
        let (new_body, new_named) = cx.new.body(&n.ty);
        compare_docs(
            &mut d,
            &path,
            docs_of(&o.docs, old_named),
            docs_of(&n.docs, new_named),
        );
        cx.body(old_body, new_body, &path, Rules::Strict, &mut d);
        out.push(d);
    }
}

/// Every named layout, compared once. Those that are an account's or event's own layout are
/// compared too (a field elsewhere may embed them) but reported with their account or event.
pub(super) fn types(cx: &Comparer, out: &mut Vec<Draft>) {
    let kind = DiffItemKind::Type;
    let new_only = cx
        .new
        .order
        .iter()
        .filter(|key| !cx.old.named.contains_key(*key));
    for key in cx.old.order.iter().chain(new_only) {
        let o = cx.old.named.get(key);
        let n = cx.new.named.get(key);
        let mut d = match (o, n) {
            (Some(o), Some(n)) => {
                let mut d = Draft::new(kind, key.clone(), n.name, ChangeStatus::Changed);
                let path = join("/types", n.name);
                if !same_generics(o.generics, n.generics) {
                    let message = format!(
                        "generic parameters {} → {}",
                        generics_label(o.generics),
                        generics_label(n.generics)
                    );
                    d.push(
                        path.clone(),
                        ChangeCode::LayoutChanged,
                        Severity::Breaking,
                        message,
                    );
                }
                compare_docs(&mut d, &path, o.docs, n.docs);
                cx.body(o.ty, n.ty, &path, Rules::Strict, &mut d);
                d
            }
            _ => one_sided(kind, key.clone(), o.map(|x| x.name), n.map(|x| x.name)),
        };
        d.reported = !(cx.old.item_bodies.contains(key) || cx.new.item_bodies.contains(key));
        out.push(d);
    }
}

fn same_generics(a: &[GenericParam], b: &[GenericParam]) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|pair| match pair {
            (GenericParam::Type { name: x }, GenericParam::Type { name: y }) => x == y,
            (GenericParam::Const { name: x, ty: s }, GenericParam::Const { name: y, ty: t }) => {
                x == y && s == t
            }
            _ => false,
        })
}

fn generics_label(params: &[GenericParam]) -> String {
    let names: Vec<String> = params
        .iter()
        .map(|p| match p {
            GenericParam::Type { name } => name.clone(),
            GenericParam::Const { name, ty } => format!("const {name}: {ty}"),
        })
        .collect();
    format!("<{}>", names.join(", "))
}

/// Errors by name; an old error whose code now carries another, new name is a rename.
pub(super) fn errors(cx: &Comparer, out: &mut Vec<Draft>) {
    let kind = DiffItemKind::Error;
    let (old, new) = (&cx.old.program.errors, &cx.new.program.errors);
    let mut old_only: Vec<&ErrorDef> = Vec::new();
    let mut new_only: Vec<&ErrorDef> = Vec::new();
    for (key, o, n) in pair(old, new, |e| &e.name) {
        match (o, n) {
            (Some(o), Some(n)) => {
                let mut d = Draft::new(kind, key, &n.name, ChangeStatus::Changed);
                let path = join("/errors", &n.name);
                if o.code != n.code {
                    let message = format!("code {} → {}", o.code, n.code);
                    d.push(
                        join(&path, "code"),
                        ChangeCode::CodeChanged,
                        Severity::Breaking,
                        message,
                    );
                }
                error_text(&mut d, &path, o, n);
                out.push(d);
            }
            (Some(o), None) => old_only.push(o),
            (None, Some(n)) => new_only.push(n),
            (None, None) => {}
        }
    }
    let mut new_by_code: HashMap<u32, &ErrorDef> = HashMap::with_capacity(new_only.len());
    for n in &new_only {
        new_by_code.entry(n.code).or_insert(n);
    }
    let mut renamed_to = HashSet::new();
    for o in old_only {
        if let Some(n) = new_by_code.remove(&o.code) {
            renamed_to.insert(loose_key(&n.name));
            let mut d = Draft::new(kind, loose_key(&n.name), &n.name, ChangeStatus::Changed);
            let path = join("/errors", &n.name);
            let message = format!("code {}: `{}` → `{}`", o.code, o.name, n.name);
            d.push(
                join(&path, "name"),
                ChangeCode::ErrorRenamed,
                Severity::Compatible,
                message,
            );
            error_text(&mut d, &path, o, n);
            out.push(d);
        } else {
            // The program no longer returns this code: nothing a client sends or reads changes.
            let mut d = Draft::new(kind, loose_key(&o.name), &o.name, ChangeStatus::Removed);
            d.bare = Severity::Compatible;
            out.push(d);
        }
    }
    for n in new_only {
        let key = loose_key(&n.name);
        if !renamed_to.contains(&key) {
            out.push(Draft::new(kind, key, &n.name, ChangeStatus::Added));
        }
    }
}

fn error_text(d: &mut Draft, path: &str, o: &ErrorDef, n: &ErrorDef) {
    let text = |m: &Option<String>| m.as_deref().unwrap_or_default().trim().to_string();
    let (a, b) = (text(&o.message), text(&n.message));
    if a != b {
        let message = format!(
            "message {} → {}",
            super::quote_short(&a),
            super::quote_short(&b)
        );
        d.push(
            join(path, "message"),
            ChangeCode::MessageChanged,
            Severity::Compatible,
            message,
        );
    }
    compare_docs(d, path, &o.docs, &n.docs);
}
