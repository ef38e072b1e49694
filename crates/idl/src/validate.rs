//! Checks every parsed [`Program`] (Anchor or Codama) must pass: names unique, every named type
//! reference resolves with the right number of generic arguments, generic parameters are in
//! scope, addresses are 32-byte base58.

use std::collections::{HashMap, HashSet};

use crate::pointer::join;
use crate::{
    AccountItem, Count, GenericArg, GenericParam, IdlFormat, Problem, Program, Seed, Type,
    VariantFields,
};

/// Where things live in the source document, so problems point into it.
struct Pointers {
    codama: bool,
}

impl Pointers {
    fn list(&self, name: &str) -> String {
        if self.codama {
            let codama = match name {
                "types" => "definedTypes",
                other => other,
            };
            format!("/program/{codama}")
        } else {
            format!("/{name}")
        }
    }

    fn args(&self) -> &'static str {
        if self.codama {
            "arguments"
        } else {
            "args"
        }
    }
}

/// All problems of `program` (empty: valid).
pub fn validate(program: &Program) -> Vec<Problem> {
    let ptrs = Pointers {
        codama: program.format == IdlFormat::Codama,
    };
    let mut problems = Vec::new();
    if let Some(address) = &program.address {
        if let Err(msg) = check_address(address) {
            let ptr = match program.format {
                IdlFormat::Anchor => "/address",
                IdlFormat::AnchorLegacy | IdlFormat::Shank => "/metadata/address",
                IdlFormat::Codama => "/program/publicKey",
            };
            problems.push(Problem::new(ptr, msg));
        }
    }
    // Unnamed items cannot be addressed (routes, build requests, lookups by name).
    for (list, what, names) in [
        (
            "instructions",
            "instruction",
            program
                .instructions
                .iter()
                .map(|i| &i.name)
                .collect::<Vec<_>>(),
        ),
        (
            "accounts",
            "account",
            program.accounts.iter().map(|a| &a.name).collect(),
        ),
        (
            "events",
            "event",
            program.events.iter().map(|e| &e.name).collect(),
        ),
    ] {
        for (i, name) in names.into_iter().enumerate() {
            if name.trim().is_empty() {
                problems.push(Problem::new(
                    join(&ptrs.list(list), i),
                    format!("{what} without a name"),
                ));
            }
        }
    }
    duplicates(
        &mut problems,
        &ptrs.list("instructions"),
        program.instructions.iter().map(|i| &i.name),
        "instruction",
    );
    duplicates(
        &mut problems,
        &ptrs.list("accounts"),
        program.accounts.iter().map(|a| &a.name),
        "account",
    );
    let reachable = reachable_types(program);
    // Real IDLs carry unused definitions with clashing names (vendored crates); only a clash on a
    // name that is actually referenced makes the IDL ambiguous.
    let mut seen = HashSet::new();
    for (i, t) in program.types.iter().enumerate() {
        if !seen.insert(t.name.as_str()) && reachable.contains(t.name.as_str()) {
            problems.push(Problem::new(
                join(&ptrs.list("types"), i),
                format!("duplicate type name `{}`", t.name),
            ));
        }
    }
    duplicates(
        &mut problems,
        &ptrs.list("events"),
        program.events.iter().map(|e| &e.name),
        "event",
    );

    let mut known: HashMap<&str, usize> = HashMap::new();
    for e in &program.events {
        if !matches!(&e.ty, Type::Defined { name, .. } if *name == e.name) {
            known.insert(&e.name, 0);
        }
    }
    for a in &program.accounts {
        if !matches!(&a.ty, Type::Defined { name, .. } if *name == a.name) {
            known.insert(&a.name, 0);
        }
    }
    for t in &program.types {
        known.insert(&t.name, t.generics.len());
    }
    let mut checker = Checker {
        known,
        problems: &mut problems,
        strict: true,
    };

    // Types no instruction or account uses, and events, may name types the IDL does not carry
    // (external crates); they are refused only when used (the codec reports `unknown_type`).
    for (i, t) in program.types.iter().enumerate() {
        let ptr = join(&ptrs.list("types"), i);
        checker.strict = reachable.contains(t.name.as_str());
        checker.ty(&t.ty, &join(&ptr, "type"), &t.generics, 0);
    }
    checker.strict = false;
    for (i, e) in program.events.iter().enumerate() {
        checker.ty(&e.ty, &join(&ptrs.list("events"), i), &[], 0);
    }
    checker.strict = true;
    for (i, a) in program.accounts.iter().enumerate() {
        checker.ty(&a.ty, &join(&ptrs.list("accounts"), i), &[], 0);
    }
    for (i, ix) in program.instructions.iter().enumerate() {
        let ptr = join(&ptrs.list("instructions"), i);
        let aptr = join(&ptr, ptrs.args());
        duplicates(
            checker.problems,
            &aptr,
            ix.args.iter().map(|a| &a.name),
            "argument",
        );
        for (j, arg) in ix.args.iter().enumerate() {
            checker.ty(&arg.ty, &join(&join(&aptr, j), "type"), &[], 0);
        }
        if let Some(ret) = &ix.returns {
            checker.ty(ret, &join(&ptr, "returns"), &[], 0);
        }
        accounts(checker.problems, &ix.accounts, &join(&ptr, "accounts"));
    }
    problems
}

fn check_address(address: &str) -> Result<(), String> {
    crate::address::parse_address(address)
        .map(drop)
        .map_err(|e| e.to_string())
}

fn duplicates<'a>(
    problems: &mut Vec<Problem>,
    ptr: &str,
    names: impl Iterator<Item = &'a String>,
    what: &str,
) {
    let mut seen = HashSet::new();
    for (i, name) in names.enumerate() {
        if !seen.insert(name.as_str()) {
            problems.push(Problem::new(
                join(ptr, i),
                format!("duplicate {what} name `{name}`"),
            ));
        }
    }
}

fn accounts(problems: &mut Vec<Problem>, items: &[AccountItem], ptr: &str) {
    for (i, item) in items.iter().enumerate() {
        let p = join(ptr, i);
        match item {
            AccountItem::Single(a) => {
                if let Some(address) = &a.address {
                    if let Err(msg) = check_address(address) {
                        problems.push(Problem::new(join(&p, "address"), msg));
                    }
                }
                let program_seed = a.pda.as_ref().and_then(|pda| pda.program.as_ref());
                if let Some(Seed::Const { bytes }) = program_seed {
                    if bytes.len() != 32 {
                        problems.push(Problem::new(
                            join(&p, "pda"),
                            "PDA program must be a 32-byte address",
                        ));
                    }
                }
            }
            AccountItem::Group {
                accounts: children, ..
            } => accounts(problems, children, &join(&p, "accounts")),
        }
    }
}

struct Checker<'a> {
    known: HashMap<&'a str, usize>,
    problems: &'a mut Vec<Problem>,
    /// Report references to unknown types.
    strict: bool,
}

/// Names of the types reachable from instruction arguments/returns and account types.
fn reachable_types(program: &Program) -> HashSet<&str> {
    let collect = crate::defects::direct_names;
    let mut pending: Vec<&str> = Vec::new();
    for ix in &program.instructions {
        ix.args.iter().for_each(|a| collect(&a.ty, &mut pending, 0));
        if let Some(ret) = &ix.returns {
            collect(ret, &mut pending, 0);
        }
    }
    program
        .accounts
        .iter()
        .for_each(|a| collect(&a.ty, &mut pending, 0));
    let mut by_name: HashMap<&str, Vec<&Type>> = HashMap::new();
    for t in &program.types {
        by_name.entry(&t.name).or_default().push(&t.ty);
    }
    let mut seen = HashSet::new();
    while let Some(name) = pending.pop() {
        if seen.insert(name) {
            for ty in by_name.get(name).into_iter().flatten() {
                collect(ty, &mut pending, 0);
            }
        }
    }
    seen
}

impl Checker<'_> {
    fn ty(&mut self, ty: &Type, ptr: &str, scope: &[GenericParam], depth: usize) {
        if depth > 256 {
            self.problems
                .push(Problem::new(ptr, "type nesting is too deep"));
            return;
        }
        let d = depth + 1;
        match ty {
            Type::Defined { name, generics } => {
                match self.known.get(name.as_str()) {
                    None if !self.strict => {}
                    None => self
                        .problems
                        .push(Problem::new(ptr, format!("unknown type `{name}`"))),
                    Some(&arity) if arity != generics.len() => self.problems.push(Problem::new(
                        ptr,
                        format!(
                            "type `{name}` takes {arity} generic argument(s), got {}",
                            generics.len()
                        ),
                    )),
                    Some(_) => {}
                }
                for g in generics {
                    if let GenericArg::Type { ty } = g {
                        if let Type::Generic { name } = ty {
                            if !scope.iter().any(|p| param_name(p) == name) {
                                self.problems.push(Problem::new(
                                    ptr,
                                    format!("unknown generic parameter `{name}`"),
                                ));
                            }
                        } else {
                            self.ty(ty, ptr, scope, d);
                        }
                    }
                }
            }
            Type::Generic { name } => {
                if !scope
                    .iter()
                    .any(|p| matches!(p, GenericParam::Type { name: n } if n == name))
                {
                    self.problems.push(Problem::new(
                        ptr,
                        format!("unknown generic type parameter `{name}`"),
                    ));
                }
            }
            Type::Array { inner, count } | Type::Set { inner, count } => {
                self.count(count, ptr, scope);
                self.ty(inner, ptr, scope, d);
            }
            Type::Map { key, value, count } => {
                self.count(count, ptr, scope);
                self.ty(key, ptr, scope, d);
                self.ty(value, ptr, scope, d);
            }
            Type::Tuple { items } | Type::TupleStruct { items } => {
                for (i, t) in items.iter().enumerate() {
                    self.ty(t, &join(ptr, i), scope, d);
                }
            }
            Type::Struct { fields } => self.fields(fields, ptr, scope, d),
            Type::Enum { variants, .. } => {
                duplicates(
                    self.problems,
                    &join(ptr, "variants"),
                    variants.iter().map(|v| &v.name),
                    "variant",
                );
                for (i, v) in variants.iter().enumerate() {
                    let p = join(&join(ptr, "variants"), i);
                    match &v.fields {
                        VariantFields::Unit => {}
                        VariantFields::Named { fields } => self.fields(fields, &p, scope, d),
                        VariantFields::Tuple { items } => {
                            for (j, t) in items.iter().enumerate() {
                                self.ty(t, &join(&join(&p, "fields"), j), scope, d);
                            }
                        }
                        VariantFields::Nested { ty } => self.ty(ty, &p, scope, d),
                    }
                }
            }
            Type::SizePrefixed { inner, .. }
            | Type::FixedSize { inner, .. }
            | Type::Option { inner, .. }
            | Type::ZeroableOption { inner, .. }
            | Type::RemainderOption { inner }
            | Type::PreOffset { inner, .. }
            | Type::PostOffset { inner, .. }
            | Type::Sentinel { inner, .. }
            | Type::HiddenPrefix { inner, .. }
            | Type::HiddenSuffix { inner, .. } => self.ty(inner, ptr, scope, d),
            Type::Bool { .. }
            | Type::Number { .. }
            | Type::PublicKey
            | Type::String { .. }
            | Type::Bytes => {}
        }
    }

    fn fields(&mut self, fields: &[crate::Field], ptr: &str, scope: &[GenericParam], d: usize) {
        let fptr = join(ptr, "fields");
        duplicates(
            self.problems,
            &fptr,
            fields.iter().map(|f| &f.name),
            "field",
        );
        for (i, f) in fields.iter().enumerate() {
            self.ty(&f.ty, &join(&join(&fptr, i), "type"), scope, d);
        }
    }

    fn count(&mut self, count: &Count, ptr: &str, scope: &[GenericParam]) {
        if let Count::Generic { name } = count {
            if !scope
                .iter()
                .any(|p| matches!(p, GenericParam::Const { name: n, .. } if n == name))
            {
                self.problems.push(Problem::new(
                    ptr,
                    format!("unknown const generic parameter `{name}`"),
                ));
            }
        }
    }
}

fn param_name(p: &GenericParam) -> &str {
    match p {
        GenericParam::Type { name } | GenericParam::Const { name, .. } => name,
    }
}
