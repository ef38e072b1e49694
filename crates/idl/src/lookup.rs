//! Name lookups on [`Program`]: exact first, then casing-insensitive (`initialize_vault` finds
//! `initializeVault`).

use crate::anchor::names::loose_key;
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
        if let Some(t) = self.types.iter().find(|t| t.name == name) {
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
