//! Structural comparison of layouts through the model: struct fields, tuple items, enum variants
//! (the wire shape of a single type is in `shape.rs`).
//!
//! A reference to a named type is never followed here: it is recorded as a `Via` and every
//! named type is compared once, on its own (see `items::types`); `finish` then marks the
//! references to the types that changed. So the work is linear in the size of both IDLs, however
//! types nest or recurse.

use std::collections::{HashMap, HashSet};

use orquestra_api::diff::{ChangeCode, Severity};
use orquestra_idl::names::loose_key;
use orquestra_idl::pointer::join;
use orquestra_idl::{EnumVariant, Field, GenericParam, Program, Type};

use super::align::align;
use super::{compare_docs, Draft};

/// A named layout of one program.
pub(super) struct Named<'a> {
    pub name: &'a str,
    pub generics: &'a [GenericParam],
    pub ty: &'a Type,
    pub docs: &'a [String],
}

/// One program, indexed for the comparison.
pub(super) struct Side<'a> {
    pub program: &'a Program,
    /// Named layouts by casing-insensitive key: type definitions, then the inline bodies of
    /// legacy accounts and events (which `Type::Defined` may name too).
    pub named: HashMap<String, Named<'a>>,
    /// The keys of `named`, in the program's order.
    pub order: Vec<String>,
    /// Keys of the program's accounts and events: their layouts are reported with them.
    pub item_bodies: HashSet<String>,
}

impl<'a> Side<'a> {
    fn new(program: &'a Program) -> Self {
        let mut side = Side {
            program,
            named: HashMap::new(),
            order: Vec::new(),
            item_bodies: HashSet::new(),
        };
        for t in &program.types {
            side.add(&t.name, &t.generics, &t.ty, &t.docs);
        }
        for a in &program.accounts {
            side.item_bodies.insert(loose_key(&a.name));
            if !is_named(&a.ty, &a.name) {
                side.add(&a.name, &[], &a.ty, &a.docs);
            }
        }
        for e in &program.events {
            side.item_bodies.insert(loose_key(&e.name));
            if !is_named(&e.ty, &e.name) {
                side.add(&e.name, &[], &e.ty, &e.docs);
            }
        }
        side
    }

    fn add(
        &mut self,
        name: &'a str,
        generics: &'a [GenericParam],
        ty: &'a Type,
        docs: &'a [String],
    ) {
        let key = loose_key(name);
        if self.named.contains_key(&key) {
            return;
        }
        self.order.push(key.clone());
        self.named.insert(
            key,
            Named {
                name,
                generics,
                ty,
                docs,
            },
        );
    }

    /// The layout an account or event body stands for: a reference to a named type (Anchor
    /// ≥0.30 puts account and event layouts in `types`) is followed to its definition.
    pub fn body(&self, ty: &'a Type) -> (&'a Type, Option<&Named<'a>>) {
        if let Type::Defined { name, generics } = ty {
            if generics.is_empty() {
                if let Some(named) = self.named.get(&loose_key(name)) {
                    if !is_named(named.ty, name) {
                        return (named.ty, Some(named));
                    }
                }
            }
        }
        (ty, None)
    }
}

/// Whether `ty` is a plain reference to the type called `name`.
fn is_named(ty: &Type, name: &str) -> bool {
    matches!(ty, Type::Defined { name: n, .. } if loose_key(n) == loose_key(name))
}

/// How lists of fields are judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Rules {
    /// Types, events and variant payloads: any change of the field list changes the layout.
    Strict,
    /// Account data: a field appended after every existing one is compatible.
    Account,
}

/// Instruction arguments or struct fields.
#[derive(Debug, Clone, Copy)]
pub(super) enum Slots {
    Args,
    Fields(Rules),
}

impl Slots {
    fn segment(self) -> &'static str {
        match self {
            Slots::Args => "args",
            Slots::Fields(_) => "fields",
        }
    }

    fn what(self) -> &'static str {
        match self {
            Slots::Args => "argument",
            Slots::Fields(_) => "field",
        }
    }

    fn codes(self) -> [ChangeCode; 5] {
        match self {
            Slots::Args => [
                ChangeCode::ArgAdded,
                ChangeCode::ArgRemoved,
                ChangeCode::ArgRetyped,
                ChangeCode::ArgMoved,
                ChangeCode::ArgRenamed,
            ],
            Slots::Fields(_) => [
                ChangeCode::FieldAdded,
                ChangeCode::FieldRemoved,
                ChangeCode::FieldRetyped,
                ChangeCode::FieldMoved,
                ChangeCode::FieldRenamed,
            ],
        }
    }
}

/// Both programs, indexed.
pub(super) struct Comparer<'a> {
    pub old: Side<'a>,
    pub new: Side<'a>,
}

impl<'a> Comparer<'a> {
    pub fn new(old: &'a Program, new: &'a Program) -> Self {
        Comparer {
            old: Side::new(old),
            new: Side::new(new),
        }
    }

    pub fn label_old(&self, ty: &Type) -> String {
        crate::render_type(self.old.program, ty)
    }

    pub fn label_new(&self, ty: &Type) -> String {
        crate::render_type(self.new.program, ty)
    }

    /// Compares the bodies of two named layouts (or inline struct/enum types) at `path`.
    pub fn body(&self, o: &Type, n: &Type, path: &str, rules: Rules, d: &mut Draft) {
        match (o, n) {
            (Type::Struct { fields: a }, Type::Struct { fields: b }) => {
                self.fields(a, b, path, Slots::Fields(rules), d)
            }
            (Type::TupleStruct { items: a }, Type::TupleStruct { items: b }) => {
                self.items(a, b, path, rules, d)
            }
            (Type::Enum { .. }, Type::Enum { .. }) => self.enumeration(o, n, path, d),
            _ => {
                let mut scratch = Draft::scratch();
                if self.shape(o, n, path, &mut scratch) {
                    d.absorb(scratch);
                } else {
                    let message = format!("{} → {}", self.label_old(o), self.label_new(n));
                    d.push(
                        path.to_string(),
                        ChangeCode::LayoutChanged,
                        Severity::Breaking,
                        message,
                    );
                }
            }
        }
    }

    /// Compares two lists of named slots (arguments or fields) at `path`.
    pub fn fields(&self, old: &[Field], new: &[Field], path: &str, slots: Slots, d: &mut Draft) {
        let [added, removed, retyped, moved, renamed] = slots.codes();
        let keys = |fs: &[Field]| fs.iter().map(|f| loose_key(&f.name)).collect::<Vec<_>>();
        let at = |name: &str| join(&join(path, slots.segment()), name);
        let al = align(&keys(old), &keys(new));
        for &(i, j, was_moved) in &al.matched {
            let (Some(of), Some(nf)) = (old.get(i), new.get(j)) else {
                continue;
            };
            let p = at(&nf.name);
            if was_moved {
                let message = format!("`{}` moved from position {i} to {j}", nf.name);
                d.push(p.clone(), moved, Severity::Breaking, message);
            }
            self.slot_type(of, nf, &p, retyped, d);
            compare_docs(d, &p, &of.docs, &nf.docs);
        }
        for &i in &al.same_slot {
            let (Some(of), Some(nf)) = (old.get(i), new.get(i)) else {
                continue;
            };
            let p = at(&nf.name);
            let mut scratch = Draft::scratch();
            if self.shape(&of.ty, &nf.ty, &p, &mut scratch)
                && of.omitted_default == nf.omitted_default
            {
                let message = format!(
                    "{} `{}` renamed to `{}` (same position and type)",
                    slots.what(),
                    of.name,
                    nf.name
                );
                d.push(p.clone(), renamed, Severity::Compatible, message);
                d.absorb(scratch);
                compare_docs(d, &p, &of.docs, &nf.docs);
            } else {
                let message = format!(
                    "`{}` ({}) → `{}` ({}) at position {i}",
                    of.name,
                    self.label_old(&of.ty),
                    nf.name,
                    self.label_new(&nf.ty)
                );
                d.push(p, retyped, Severity::Breaking, message);
            }
        }
        for &i in &al.removed {
            if let Some(of) = old.get(i) {
                let message = format!("`{}` ({}) removed", of.name, self.label_old(&of.ty));
                d.push(at(&of.name), removed, Severity::Breaking, message);
            }
        }
        for &j in &al.added {
            let Some(nf) = new.get(j) else { continue };
            let label = self.label_new(&nf.ty);
            let (code, severity, message) = match slots {
                Slots::Fields(Rules::Account) if j >= old.len() => (
                    ChangeCode::FieldAppended,
                    Severity::Compatible,
                    format!(
                        "`{}` ({label}) appended after every existing field",
                        nf.name
                    ),
                ),
                Slots::Args => (
                    added,
                    Severity::Breaking,
                    format!(
                        "`{}` ({label}) added at position {j}: data from older clients lacks it",
                        nf.name
                    ),
                ),
                Slots::Fields(_) => (
                    added,
                    Severity::Breaking,
                    format!("`{}` ({label}) added at position {j}", nf.name),
                ),
            };
            d.push(at(&nf.name), code, severity, message);
        }
    }

    /// The type of a slot present on both sides (and its constant, for Codama discriminator
    /// fields).
    fn slot_type(&self, of: &Field, nf: &Field, path: &str, code: ChangeCode, d: &mut Draft) {
        let mut scratch = Draft::scratch();
        if !self.shape(&of.ty, &nf.ty, path, &mut scratch) {
            let message = format!(
                "`{}`: {} → {}",
                nf.name,
                self.label_old(&of.ty),
                self.label_new(&nf.ty)
            );
            d.push(path.to_string(), code, Severity::Breaking, message);
            return;
        }
        d.absorb(scratch);
        if of.omitted_default != nf.omitted_default {
            let show = |v: &Option<serde_json::Value>| {
                v.as_ref()
                    .map_or_else(|| "(none)".to_string(), |v| v.to_string())
            };
            let message = format!(
                "`{}`: constant value {} → {}",
                nf.name,
                show(&of.omitted_default),
                show(&nf.omitted_default)
            );
            d.push(path.to_string(), code, Severity::Breaking, message);
        }
    }

    /// Positional members (tuple structs, tuple variants).
    fn items(&self, old: &[Type], new: &[Type], path: &str, rules: Rules, d: &mut Draft) {
        for (i, (o, n)) in old.iter().zip(new).enumerate() {
            let p = join(&join(path, "items"), i);
            let mut scratch = Draft::scratch();
            if self.shape(o, n, &p, &mut scratch) {
                d.absorb(scratch);
            } else {
                let message = format!("item {i}: {} → {}", self.label_old(o), self.label_new(n));
                d.push(p, ChangeCode::FieldRetyped, Severity::Breaking, message);
            }
        }
        for (i, o) in old.iter().enumerate().skip(new.len()) {
            let message = format!("item {i} ({}) removed", self.label_old(o));
            let p = join(&join(path, "items"), i);
            d.push(p, ChangeCode::FieldRemoved, Severity::Breaking, message);
        }
        for (i, n) in new.iter().enumerate().skip(old.len()) {
            let p = join(&join(path, "items"), i);
            let label = self.label_new(n);
            if rules == Rules::Account {
                let message = format!("item {i} ({label}) appended after every existing item");
                d.push(p, ChangeCode::FieldAppended, Severity::Compatible, message);
            } else {
                let message = format!("item {i} ({label}) added");
                d.push(p, ChangeCode::FieldAdded, Severity::Breaking, message);
            }
        }
    }

    /// Two enums (`Type::Enum` both).
    fn enumeration(&self, o: &Type, n: &Type, path: &str, d: &mut Draft) {
        let (
            Type::Enum {
                variants: old,
                size: old_size,
            },
            Type::Enum {
                variants: new,
                size: new_size,
            },
        ) = (o, n)
        else {
            return;
        };
        if old_size != new_size {
            let message = format!(
                "variant tag {} → {}",
                old_size.kind.name(),
                new_size.kind.name()
            );
            d.push(
                path.to_string(),
                ChangeCode::LayoutChanged,
                Severity::Breaking,
                message,
            );
        }
        let at = |name: &str| join(&join(path, "variants"), name);
        let keys = |vs: &[EnumVariant]| vs.iter().map(|v| loose_key(&v.name)).collect::<Vec<_>>();
        let al = align(&keys(old), &keys(new));
        for &(i, j, _) in &al.matched {
            let (Some(ov), Some(nv)) = (old.get(i), new.get(j)) else {
                continue;
            };
            let p = at(&nv.name);
            // The tag is what is on the wire; a position change with the same tag is not.
            if ov.discriminant != nv.discriminant {
                let message = format!(
                    "`{}`: tag {} → {}",
                    nv.name, ov.discriminant, nv.discriminant
                );
                d.push(
                    p.clone(),
                    ChangeCode::VariantMoved,
                    Severity::Breaking,
                    message,
                );
            }
            self.payload(ov, nv, &p, d);
            compare_docs(d, &p, &ov.docs, &nv.docs);
        }
        let mut gone = al.removed.clone();
        let mut arrived = al.added.clone();
        for &i in &al.same_slot {
            let (Some(ov), Some(nv)) = (old.get(i), new.get(i)) else {
                continue;
            };
            let p = at(&nv.name);
            let mut scratch = Draft::scratch();
            self.payload(ov, nv, &p, &mut scratch);
            if ov.discriminant == nv.discriminant && !scratch.breaking_details() {
                let message = format!(
                    "variant `{}` renamed to `{}` (same tag and payload)",
                    ov.name, nv.name
                );
                d.push(
                    p.clone(),
                    ChangeCode::VariantRenamed,
                    Severity::Compatible,
                    message,
                );
                d.absorb(scratch);
                compare_docs(d, &p, &ov.docs, &nv.docs);
            } else {
                gone.push(i);
                arrived.push(i);
            }
        }
        gone.sort_unstable();
        arrived.sort_unstable();
        for i in gone {
            if let Some(ov) = old.get(i) {
                let message = format!("`{}` (tag {}) removed", ov.name, ov.discriminant);
                d.push(
                    at(&ov.name),
                    ChangeCode::VariantRemoved,
                    Severity::Breaking,
                    message,
                );
            }
        }
        let last_tag = old.iter().map(|v| v.discriminant).max();
        let same_size = o.fixed_size(self.old.program) == n.fixed_size(self.new.program);
        for j in arrived {
            let Some(nv) = new.get(j) else { continue };
            let appended = last_tag.is_none_or(|t| nv.discriminant > t);
            let (severity, message) = if appended && same_size {
                (
                    Severity::Compatible,
                    format!(
                        "`{}` (tag {}) appended after every existing variant",
                        nv.name, nv.discriminant
                    ),
                )
            } else if appended {
                (
                    Severity::Breaking,
                    format!(
                        "`{}` (tag {}) appended, changing the enum's size",
                        nv.name, nv.discriminant
                    ),
                )
            } else {
                (
                    Severity::Breaking,
                    format!(
                        "`{}` (tag {}) added among existing tags",
                        nv.name, nv.discriminant
                    ),
                )
            };
            d.push(at(&nv.name), ChangeCode::VariantAdded, severity, message);
        }
    }

    /// The payloads of two variants with the same name or slot.
    fn payload(&self, ov: &EnumVariant, nv: &EnumVariant, path: &str, d: &mut Draft) {
        use orquestra_idl::VariantFields as V;
        match (&ov.fields, &nv.fields) {
            (V::Unit, V::Unit) => {}
            (V::Named { fields: a }, V::Named { fields: b }) => {
                self.fields(a, b, path, Slots::Fields(Rules::Strict), d)
            }
            (V::Tuple { items: a }, V::Tuple { items: b }) => {
                self.items(a, b, path, Rules::Strict, d)
            }
            (V::Nested { ty: a }, V::Nested { ty: b }) => self.body(a, b, path, Rules::Strict, d),
            (a, b) => {
                let message = format!("`{}`: {} payload → {}", nv.name, a.shape(), b.shape());
                d.push(
                    path.to_string(),
                    ChangeCode::VariantRetyped,
                    Severity::Breaking,
                    message,
                );
            }
        }
    }
}
