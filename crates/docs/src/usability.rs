//! Which items of a program can be used: every item of a view says `usable`, a defective one says
//! why (`unusable: {code, path, message}`), and items the parser had to leave out are still listed,
//! by name, so a reader sees the whole IDL and what is wrong with it.

use std::collections::HashSet;

use orquestra_api::views::{IdlItemKind, IdlWarningCode, UnreadableItem, Unusable};
use orquestra_idl::{Defect, DefectCode, ItemKind, Program};

/// Why the item `name` of `kind` cannot be used (`None`: it can).
pub(crate) fn unusable(program: &Program, kind: ItemKind, name: &str) -> Option<Unusable> {
    program.defect(kind, name).map(unusable_of)
}

fn unusable_of(defect: &Defect) -> Unusable {
    Unusable {
        code: defect_code(defect.code),
        path: defect.path.clone(),
        message: defect.message.clone(),
    }
}

/// The wire form of a defect code.
pub(crate) fn defect_code(code: DefectCode) -> IdlWarningCode {
    match code {
        DefectCode::InvalidItem => IdlWarningCode::InvalidItem,
        DefectCode::UnreadableItem => IdlWarningCode::UnreadableItem,
        DefectCode::UsesUnusableType => IdlWarningCode::UsesUnusableType,
    }
}

/// The wire form of an item kind.
pub(crate) fn item_kind(kind: ItemKind) -> IdlItemKind {
    match kind {
        ItemKind::Instruction => IdlItemKind::Instruction,
        ItemKind::Account => IdlItemKind::Account,
        ItemKind::Type => IdlItemKind::Type,
        ItemKind::Event => IdlItemKind::Event,
        ItemKind::Error => IdlItemKind::Error,
        ItemKind::Constant => IdlItemKind::Constant,
        ItemKind::Pda => IdlItemKind::Pda,
    }
}

/// Entries for the items of `kind` the parser could not read (one per name).
pub(crate) fn unreadable(program: &Program, kind: ItemKind) -> Vec<UnreadableItem> {
    let mut seen = HashSet::new();
    program
        .defects
        .iter()
        .filter(|d| d.kind == kind && d.code == DefectCode::UnreadableItem)
        .filter(|d| seen.insert(d.item.as_str()))
        .map(|d| UnreadableItem {
            name: d.item.clone(),
            usable: false,
            unusable: unusable_of(d),
        })
        .collect()
}
