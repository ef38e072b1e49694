//! Fills the type of Anchor ≥0.30 `arg` seeds (which only name a path) from the instruction's
//! arguments, so PDA derivation knows how to serialise them.

use crate::names::loose_key;
use crate::{AccountItem, Field, Program, Seed, Type};

pub fn fill_arg_seed_types(program: &mut Program) {
    let mut resolved: Vec<Vec<Option<Type>>> = Vec::with_capacity(program.instructions.len());
    for ix in &program.instructions {
        let mut per_ix = Vec::new();
        visit(&ix.accounts, &mut |seed| {
            if let Seed::Arg { path, ty: None } = seed {
                per_ix.push(arg_path_type(program, &ix.args, path));
            }
        });
        resolved.push(per_ix);
    }
    for (ix, types) in program.instructions.iter_mut().zip(resolved) {
        let mut types = types.into_iter();
        visit_mut(&mut ix.accounts, &mut |seed| {
            if let Seed::Arg { ty: ty @ None, .. } = seed {
                *ty = types.next().flatten();
            }
        });
    }
}

fn seeds_of(a: &crate::InstructionAccount) -> impl Iterator<Item = &Seed> {
    a.pda
        .iter()
        .flat_map(|p| p.seeds.iter().chain(p.program.iter()))
}

fn visit(items: &[AccountItem], f: &mut impl FnMut(&Seed)) {
    for item in items {
        match item {
            AccountItem::Single(a) => seeds_of(a).for_each(&mut *f),
            AccountItem::Group { accounts, .. } => visit(accounts, f),
        }
    }
}

fn visit_mut(items: &mut [AccountItem], f: &mut impl FnMut(&mut Seed)) {
    for item in items {
        match item {
            AccountItem::Single(a) => {
                if let Some(p) = &mut a.pda {
                    p.seeds
                        .iter_mut()
                        .chain(p.program.iter_mut())
                        .for_each(&mut *f);
                }
            }
            AccountItem::Group { accounts, .. } => visit_mut(accounts, f),
        }
    }
}

/// The type at `path` (`amount`, `params.id`) within the instruction args.
fn arg_path_type(program: &Program, args: &[Field], path: &str) -> Option<Type> {
    let mut segments = path.split('.');
    let first = segments.next()?;
    let find = |fields: &[Field], name: &str| -> Option<Type> {
        let key = loose_key(name);
        fields
            .iter()
            .find(|f| f.name == name || loose_key(&f.name) == key)
            .map(|f| f.ty.clone())
    };
    let mut ty = find(args, first)?;
    for seg in segments {
        let mut depth = 0;
        while let Type::Defined { name, .. } = &ty {
            depth += 1;
            if depth > 16 {
                return None;
            }
            ty = program.resolve_defined(name)?.1.clone();
        }
        let Type::Struct { fields } = &ty else {
            return None;
        };
        ty = find(fields, seg)?;
    }
    Some(ty)
}
