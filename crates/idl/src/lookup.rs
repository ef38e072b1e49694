//! Name lookups on [`Program`]: exact first, then casing-insensitive (`initialize_vault` finds
//! `initializeVault`).

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::names::loose_key;
use crate::{
    AccountDef, AccountItem, EventDef, GenericParam, Instruction, Pda, Program, Type, TypeDef,
};

fn find_by<'a, T>(items: &'a [T], name: &str, key: impl Fn(&T) -> &str) -> Option<&'a T> {
    if let Some(found) = items.iter().find(|i| key(i) == name) {
        return Some(found);
    }
    let wanted = loose_key(name);
    items.iter().find(|i| loose_key(key(i)) == wanted)
}

impl Program {
    /// The instruction called `name` (exact match first, then ignoring snake/camel casing).
    pub fn find_instruction(&self, name: &str) -> Option<&Instruction> {
        find_by(&self.instructions, name, |i| &i.name)
    }

    /// The account type called `name` (exact match first, then ignoring casing).
    pub fn find_account(&self, name: &str) -> Option<&AccountDef> {
        find_by(&self.accounts, name, |a| &a.name)
    }

    /// The type definition called `name` (exact match first, then ignoring casing).
    pub fn find_type(&self, name: &str) -> Option<&TypeDef> {
        find_by(&self.types, name, |t| &t.name)
    }

    /// The event called `name` (exact match first, then ignoring casing).
    pub fn find_event(&self, name: &str) -> Option<&EventDef> {
        find_by(&self.events, name, |e| &e.name)
    }

    /// What a `Type::Defined { name }` refers to: a type definition, or (legacy IDLs, whose
    /// account and event types are inline) an account or event of that exact name.
    pub fn resolve_defined(&self, name: &str) -> Option<(&[GenericParam], &Type)> {
        if let Some(t) = self.type_def(name) {
            return Some((&t.generics, &t.ty));
        }
        let not_self_ref = |ty: &Type| !matches!(ty, Type::Defined { name: n, .. } if n == name);
        if let Some(a) = self
            .accounts
            .iter()
            .find(|a| a.name == name && not_self_ref(&a.ty))
        {
            return Some((&[], &a.ty));
        }
        self.events
            .iter()
            .find(|e| e.name == name && not_self_ref(&e.ty))
            .map(|e| (&[] as &[GenericParam], &e.ty))
    }

    /// Every PDA of the program: named ones (Codama) and, for Anchor, the ones declared inline
    /// on instruction accounts, labelled `instruction.account`.
    pub fn all_pdas(&self) -> Vec<(String, &Pda)> {
        fn walk<'a>(prefix: &str, items: &'a [AccountItem], out: &mut Vec<(String, &'a Pda)>) {
            for item in items {
                match item {
                    AccountItem::Single(a) => {
                        if let Some(pda) = &a.pda {
                            out.push((format!("{prefix}.{}", a.name), pda));
                        }
                    }
                    AccountItem::Group { accounts, .. } => walk(prefix, accounts, out),
                }
            }
        }
        let mut out: Vec<(String, &Pda)> =
            self.pdas.iter().map(|p| (p.name.clone(), &p.pda)).collect();
        for ix in &self.instructions {
            walk(&ix.name, &ix.accounts, &mut out);
        }
        out
    }
}

/// Lookups derived from a [`Program`], built on first use so that every walk over named types
/// costs O(1) per reference instead of a scan of `types` (a program may define tens of thousands).
/// The index describes `types` as they were when it was built: a program's types are not changed
/// after parsing, and lookups check the name they find, so a stale entry is never trusted.
#[derive(Default)]
pub struct ProgramIndex {
    /// Type name → position of its first definition in `types`.
    types: OnceLock<HashMap<String, usize>>,
    /// Static sizes of the non-generic named types (see `codec::size`).
    pub(crate) sizes: OnceLock<crate::codec::size::SizeTable>,
}

impl Clone for ProgramIndex {
    /// A clone starts empty: the clone's types may be edited before its first lookup.
    fn clone(&self) -> Self {
        Self::default()
    }
}

impl PartialEq for ProgramIndex {
    /// Derived data: two programs with equal items are equal whatever their caches hold.
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl std::fmt::Debug for ProgramIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ProgramIndex")
    }
}

impl Program {
    /// The first type definition named exactly `name`.
    pub fn type_def(&self, name: &str) -> Option<&TypeDef> {
        let index = self.index.types.get_or_init(|| {
            let mut map = HashMap::with_capacity(self.types.len());
            for (i, t) in self.types.iter().enumerate() {
                map.entry(t.name.clone()).or_insert(i);
            }
            map
        });
        match index.get(name).and_then(|&i| self.types.get(i)) {
            Some(t) if t.name == name => Some(t),
            _ => self.types.iter().find(|t| t.name == name),
        }
    }
}
