//! Which items of a program can be used: every item of a view says `usable`, a defective one says
//! why (`unusable: {code, path, message}`), and items the parser had to leave out are still listed,
//! by name, so a reader sees the whole IDL and what is wrong with it.

use std::collections::HashSet;

use orquestra_idl::{DefectCode, ItemKind, Program};
use serde_json::{json, Value};

/// The item kind a view's list holds (`None`: the list is not of IDL items, e.g. PDAs).
pub(crate) fn kind_of_list(key: &str) -> Option<ItemKind> {
    Some(match key {
        "instructions" => ItemKind::Instruction,
        "accounts" => ItemKind::Account,
        "types" => ItemKind::Type,
        "events" => ItemKind::Event,
        "errors" => ItemKind::Error,
        "constants" => ItemKind::Constant,
        _ => return None,
    })
}

/// Adds `usable` (and `unusable` when the item is defective) to a view entry named `name`.
pub(crate) fn mark(program: &Program, kind: ItemKind, item: &mut Value) {
    let Some(o) = item.as_object_mut() else {
        return;
    };
    let defect = o
        .get("name")
        .and_then(Value::as_str)
        .and_then(|name| program.defect(kind, name));
    o.insert("usable".into(), json!(defect.is_none()));
    if let Some(d) = defect {
        o.insert(
            "unusable".into(),
            json!({"code": d.code, "path": d.path, "message": d.message}),
        );
    }
}

/// Entries for the items of `kind` the parser could not read (one per name).
pub(crate) fn unreadable(program: &Program, kind: ItemKind) -> Vec<Value> {
    let mut seen = HashSet::new();
    program
        .defects
        .iter()
        .filter(|d| d.kind == kind && d.code == DefectCode::UnreadableItem)
        .filter(|d| seen.insert(d.item.as_str()))
        .map(|d| {
            json!({
                "name": d.item,
                "usable": false,
                "unusable": {"code": d.code, "path": d.path, "message": d.message},
            })
        })
        .collect()
}
