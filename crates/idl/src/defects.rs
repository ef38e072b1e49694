//! Defects confined to single items of an IDL (one instruction, account, type, event, error or
//! constant), and the rule that decides which problems refuse a whole document.
//!
//! Real published IDLs carry local mistakes: an account with two fields called `padding`, a few
//! instructions naming types the file never defines. Refusing the document for those would lose
//! every good item with them, so a lenient parse keeps the document, drops or flags the affected
//! items and records a [`Defect`] for each. Anything that needs a defective item (an instruction
//! whose argument type is defective, an account whose type is) is flagged too, so the codec is
//! never asked to encode through a broken definition. Only problems outside any item (the program's
//! own name or address, an unreadable list) refuse the document, and `strict` refuses on any.

use std::collections::{HashMap, HashSet};

use serde::Serialize;
use serde_json::Value;

use crate::names::loose_key;
use crate::pointer::join;
use crate::{GenericArg, IdlFormat, Problem, Program, Type, VariantFields};

/// The kinds of item a defect can be confined to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum ItemKind {
    Instruction,
    Account,
    Type,
    Event,
    Error,
    Constant,
    Pda,
}

impl ItemKind {
    const ALL: [ItemKind; 7] = [
        ItemKind::Instruction,
        ItemKind::Account,
        ItemKind::Type,
        ItemKind::Event,
        ItemKind::Error,
        ItemKind::Constant,
        ItemKind::Pda,
    ];

    /// The list holding items of this kind in the source document.
    fn list_pointer(self, format: IdlFormat) -> &'static str {
        match (format, self) {
            (IdlFormat::Codama, ItemKind::Instruction) => "/program/instructions",
            (IdlFormat::Codama, ItemKind::Account) => "/program/accounts",
            (IdlFormat::Codama, ItemKind::Type) => "/program/definedTypes",
            (IdlFormat::Codama, ItemKind::Event) => "/program/events",
            (IdlFormat::Codama, ItemKind::Error) => "/program/errors",
            (IdlFormat::Codama, ItemKind::Constant) => "/program/constants",
            (IdlFormat::Codama, ItemKind::Pda) => "/program/pdas",
            (_, ItemKind::Instruction) => "/instructions",
            (_, ItemKind::Account) => "/accounts",
            (_, ItemKind::Type) => "/types",
            (_, ItemKind::Event) => "/events",
            (_, ItemKind::Error) => "/errors",
            (_, ItemKind::Constant) => "/constants",
            (_, ItemKind::Pda) => "/pdas",
        }
    }

    /// `instruction`, `account`, … (for messages).
    pub fn label(self) -> &'static str {
        match self {
            ItemKind::Instruction => "instruction",
            ItemKind::Account => "account",
            ItemKind::Type => "type",
            ItemKind::Event => "event",
            ItemKind::Error => "error",
            ItemKind::Constant => "constant",
            ItemKind::Pda => "PDA",
        }
    }
}

/// What is wrong with an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DefectCode {
    /// The item itself is malformed (duplicate field names, an unknown type, a bad value).
    InvalidItem,
    /// The item could not be read at all and is left out of the model.
    UnreadableItem,
    /// The item is fine but needs a type that is defective or missing.
    UsesUnusableType,
}

/// One item the program cannot be trusted to encode or decode, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Defect {
    /// JSON pointer into the IDL document.
    pub path: String,
    pub code: DefectCode,
    pub message: String,
    pub kind: ItemKind,
    /// The item's name as written (`#N` when it has none).
    pub item: String,
}

/// How [`classify`] splits the problems of a document.
pub(crate) struct Classified {
    /// Problems outside every item: they refuse the document.
    pub structural: Vec<Problem>,
    pub defects: Vec<Defect>,
}

/// Splits `problems` into structural ones and item defects, then flags every item that depends on
/// a defective type. `parse_problems` point into the document; `model_problems` come from
/// validating `program` and use model indices, which are mapped back to document indices (the
/// parser leaves unreadable items out, so the two can differ).
pub(crate) fn classify(
    document: &Value,
    program: &Program,
    parse_problems: Vec<Problem>,
    model_problems: Vec<Problem>,
) -> Classified {
    let mut out = Classified {
        structural: Vec::new(),
        defects: Vec::new(),
    };
    let present = present_items(program);
    let doc_index = DocumentIndex::new(document, program);
    for (problem, from_model) in parse_problems
        .into_iter()
        .map(|p| (p, false))
        .chain(model_problems.into_iter().map(|p| (p, true)))
    {
        let Some((kind, index, rest)) = item_of(&problem.pointer, program.format) else {
            out.structural.push(problem);
            continue;
        };
        let index = if from_model {
            doc_index.document_index(kind, index).unwrap_or(index)
        } else {
            index
        };
        let list = kind.list_pointer(program.format);
        let item = item_name(document, list, index);
        let in_model = present.contains(&(kind, item.as_str()));
        out.defects.push(Defect {
            path: format!("{}{rest}", join(list, index)),
            code: if in_model {
                DefectCode::InvalidItem
            } else {
                DefectCode::UnreadableItem
            },
            message: problem.message,
            kind,
            item,
        });
    }
    propagate(program, &mut out.defects);
    out
}

fn present_items(program: &Program) -> HashSet<(ItemKind, &str)> {
    let mut present = HashSet::new();
    present.extend(
        program
            .instructions
            .iter()
            .map(|i| (ItemKind::Instruction, i.name.as_str())),
    );
    present.extend(
        program
            .accounts
            .iter()
            .map(|a| (ItemKind::Account, a.name.as_str())),
    );
    present.extend(
        program
            .types
            .iter()
            .map(|t| (ItemKind::Type, t.name.as_str())),
    );
    present.extend(
        program
            .events
            .iter()
            .map(|e| (ItemKind::Event, e.name.as_str())),
    );
    present.extend(
        program
            .errors
            .iter()
            .map(|e| (ItemKind::Error, e.name.as_str())),
    );
    present.extend(
        program
            .constants
            .iter()
            .map(|c| (ItemKind::Constant, c.name.as_str())),
    );
    present.extend(
        program
            .pdas
            .iter()
            .map(|p| (ItemKind::Pda, p.name.as_str())),
    );
    present
}

/// `(kind, index, rest of the pointer)` when `pointer` lies inside one item of a list.
fn item_of(pointer: &str, format: IdlFormat) -> Option<(ItemKind, usize, &str)> {
    ItemKind::ALL.into_iter().find_map(|kind| {
        let rest = pointer.strip_prefix(kind.list_pointer(format))?;
        let rest = rest.strip_prefix('/')?;
        let end = rest.find('/').unwrap_or(rest.len());
        let index = rest[..end].parse().ok()?;
        Some((kind, index, &rest[end..]))
    })
}

fn item_name(document: &Value, list: &str, index: usize) -> String {
    document
        .pointer(&join(list, index))
        .and_then(|item| item.get("name"))
        .and_then(Value::as_str)
        .map_or_else(|| format!("#{index}"), str::to_owned)
}

/// Maps model indices to document indices: the parser keeps document order and names, so the
/// n-th model item is the next document item with its name.
struct DocumentIndex {
    map: HashMap<ItemKind, Vec<usize>>,
}

impl DocumentIndex {
    fn new(document: &Value, program: &Program) -> Self {
        let names = |kind: ItemKind| -> Vec<&str> {
            match kind {
                ItemKind::Instruction => program.instructions.iter().map(|i| &*i.name).collect(),
                ItemKind::Account => program.accounts.iter().map(|a| &*a.name).collect(),
                ItemKind::Type => program.types.iter().map(|t| &*t.name).collect(),
                ItemKind::Event => program.events.iter().map(|e| &*e.name).collect(),
                ItemKind::Error => program.errors.iter().map(|e| &*e.name).collect(),
                ItemKind::Constant => program.constants.iter().map(|c| &*c.name).collect(),
                ItemKind::Pda => program.pdas.iter().map(|p| &*p.name).collect(),
            }
        };
        let mut map = HashMap::new();
        for kind in ItemKind::ALL {
            let list = document
                .pointer(kind.list_pointer(program.format))
                .and_then(Value::as_array)
                .map(Vec::as_slice)
                .unwrap_or_default();
            let mut cursor = 0;
            let mut indices = Vec::new();
            for name in names(kind) {
                while cursor < list.len()
                    && list[cursor].get("name").and_then(Value::as_str) != Some(name)
                {
                    cursor += 1;
                }
                indices.push(cursor);
                cursor += 1;
            }
            map.insert(kind, indices);
        }
        Self { map }
    }

    fn document_index(&self, kind: ItemKind, model_index: usize) -> Option<usize> {
        self.map.get(&kind)?.get(model_index).copied()
    }
}

/// Flags every instruction, account and event that reaches a defective (or unreadable) type,
/// and every type that does, so nothing that needs a broken definition is reported usable.
fn propagate(program: &Program, defects: &mut Vec<Defect>) {
    let broken_types: HashMap<&str, &Defect> = defects
        .iter()
        .filter(|d| d.kind == ItemKind::Type)
        .map(|d| (d.item.as_str(), d))
        .collect();
    if broken_types.is_empty() {
        return;
    }
    let type_bodies: HashMap<&str, &Type> = program
        .types
        .iter()
        .map(|t| (t.name.as_str(), &t.ty))
        .collect();
    // The first broken type each named type reaches, memoised over the whole program.
    let mut memo: HashMap<String, Option<String>> = HashMap::new();
    let mut added = Vec::new();
    let mut check = |kind: ItemKind, name: &str, list: &str, index: usize, tys: Vec<&Type>| {
        let already = defects.iter().any(|d| d.kind == kind && d.item == name);
        if already {
            return;
        }
        let hit = tys
            .into_iter()
            .find_map(|ty| first_broken(ty, &broken_types, &type_bodies, &mut memo));
        if let Some(broken) = hit {
            let reason = broken_types
                .get(broken.as_str())
                .map(|d| d.message.as_str())
                .unwrap_or("it is not defined");
            added.push(Defect {
                path: join(list, index),
                code: DefectCode::UsesUnusableType,
                message: format!("uses type `{broken}`, which is unusable: {reason}"),
                kind,
                item: name.to_owned(),
            });
        }
    };
    let format = program.format;
    for (i, t) in program.types.iter().enumerate() {
        check(
            ItemKind::Type,
            &t.name,
            ItemKind::Type.list_pointer(format),
            i,
            vec![&t.ty],
        );
    }
    for (i, ix) in program.instructions.iter().enumerate() {
        let tys = ix.args.iter().map(|a| &a.ty).chain(&ix.returns).collect();
        check(
            ItemKind::Instruction,
            &ix.name,
            ItemKind::Instruction.list_pointer(format),
            i,
            tys,
        );
    }
    for (i, a) in program.accounts.iter().enumerate() {
        check(
            ItemKind::Account,
            &a.name,
            ItemKind::Account.list_pointer(format),
            i,
            vec![&a.ty],
        );
    }
    for (i, e) in program.events.iter().enumerate() {
        check(
            ItemKind::Event,
            &e.name,
            ItemKind::Event.list_pointer(format),
            i,
            vec![&e.ty],
        );
    }
    defects.extend(added);
}

/// The first broken type `ty` reaches (through named types, memoised), if any.
fn first_broken(
    ty: &Type,
    broken: &HashMap<&str, &Defect>,
    bodies: &HashMap<&str, &Type>,
    memo: &mut HashMap<String, Option<String>>,
) -> Option<String> {
    let mut names = Vec::new();
    direct_names(ty, &mut names, 0);
    names.into_iter().find_map(|name| {
        if broken.contains_key(name) {
            return Some(name.to_owned());
        }
        if let Some(known) = memo.get(name) {
            return known.clone();
        }
        // Mark first, so recursive types end.
        memo.insert(name.to_owned(), None);
        let found = bodies
            .get(name)
            .and_then(|body| first_broken(body, broken, bodies, memo));
        memo.insert(name.to_owned(), found.clone());
        found
    })
}

/// The names of the defined types `ty` mentions directly (not through other named types).
pub(crate) fn direct_names<'a>(ty: &'a Type, out: &mut Vec<&'a str>, depth: usize) {
    if depth > 256 {
        return;
    }
    let d = depth + 1;
    match ty {
        Type::Defined { name, generics } => {
            out.push(name);
            for g in generics {
                if let GenericArg::Type { ty } = g {
                    direct_names(ty, out, d);
                }
            }
        }
        Type::Map { key, value, .. } => {
            direct_names(key, out, d);
            direct_names(value, out, d);
        }
        Type::Tuple { items } | Type::TupleStruct { items } => {
            items.iter().for_each(|t| direct_names(t, out, d))
        }
        Type::Struct { fields } => fields.iter().for_each(|f| direct_names(&f.ty, out, d)),
        Type::Enum { variants, .. } => {
            for v in variants {
                match &v.fields {
                    VariantFields::Unit => {}
                    VariantFields::Named { fields } => {
                        fields.iter().for_each(|f| direct_names(&f.ty, out, d))
                    }
                    VariantFields::Tuple { items } => {
                        items.iter().for_each(|t| direct_names(t, out, d))
                    }
                    VariantFields::Nested { ty } => direct_names(ty, out, d),
                }
            }
        }
        other => {
            if let Some(inner) = other.single_inner() {
                direct_names(inner, out, d);
            }
        }
    }
}

impl Program {
    /// Why the item `name` of `kind` cannot be used (encoded, decoded, built), if it cannot.
    /// Exact name first, then ignoring snake/camel casing, like the item lookups.
    pub fn defect(&self, kind: ItemKind, name: &str) -> Option<&Defect> {
        let of_kind = || self.defects.iter().filter(move |d| d.kind == kind);
        of_kind().find(|d| d.item == name).or_else(|| {
            let wanted = loose_key(name);
            of_kind().find(|d| loose_key(&d.item) == wanted)
        })
    }
}
