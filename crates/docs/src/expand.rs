//! The fields and variants of an instruction argument's type, expanded for the instruction
//! detail: each named type once per instruction and at most a few levels deep, so the detail stays
//! proportional to the IDL even when types fan out or repeat.

use std::collections::HashSet;

use orquestra_api::views::{ExpandedField, ExpandedVariant};
use orquestra_idl::{Field, Program, Type, VariantFields};

use crate::render::{render_type, variant_kind};

const MAX_EXPAND_DEPTH: usize = 6;

/// The named type a value type is about, through options, arrays and wrappers.
fn core_defined(ty: &Type) -> Option<&str> {
    match ty {
        Type::Defined { name, .. } => Some(name),
        other => other.single_inner().and_then(core_defined),
    }
}

type Expansion = (Option<Vec<ExpandedField>>, Option<Vec<ExpandedVariant>>);

/// The fields (struct) or variants (enum) of the type `ty` is about, recursively.
pub(crate) fn expand(
    program: &Program,
    ty: &Type,
    depth: usize,
    seen: &mut HashSet<String>,
) -> Expansion {
    let body = match ty {
        Type::Struct { .. } | Type::Enum { .. } | Type::TupleStruct { .. } => Some(ty),
        _ => core_defined(ty)
            .filter(|n| !seen.contains(*n))
            .and_then(|n| program.resolve_defined(n).map(|(_, body)| body)),
    };
    let (Some(body), true) = (body, depth < MAX_EXPAND_DEPTH) else {
        return (None, None);
    };
    if let Some(n) = core_defined(ty) {
        seen.insert(n.to_owned());
    }
    match body {
        Type::Struct { fields } => (Some(members(program, fields, depth, seen)), None),
        Type::TupleStruct { items } => (Some(positional(program, items)), None),
        Type::Enum { variants, .. } => {
            let variants = variants
                .iter()
                .map(|v| ExpandedVariant {
                    name: v.name.clone(),
                    kind: variant_kind(&v.fields),
                    fields: match &v.fields {
                        VariantFields::Unit => None,
                        VariantFields::Named { fields } => {
                            Some(members(program, fields, depth, seen))
                        }
                        VariantFields::Tuple { items } => Some(positional(program, items)),
                        VariantFields::Nested { ty } => match ty.unwrapped() {
                            Type::Struct { fields } => Some(members(program, fields, depth, seen)),
                            Type::Tuple { items } => Some(positional(program, items)),
                            _ => None,
                        },
                    },
                })
                .collect();
            (None, Some(variants))
        }
        _ => (None, None),
    }
}

/// Struct fields with their own types expanded one level deeper.
fn members(
    program: &Program,
    fields: &[Field],
    depth: usize,
    seen: &mut HashSet<String>,
) -> Vec<ExpandedField> {
    fields
        .iter()
        .filter(|f| f.omitted_default.is_none())
        .map(|f| {
            let (nested_fields, variants) = expand(program, &f.ty, depth + 1, seen);
            ExpandedField {
                name: f.name.clone(),
                ty: render_type(program, &f.ty),
                docs: f.docs.clone(),
                nested_fields,
                variants,
            }
        })
        .collect()
}

/// Positional items, named `0`, `1`, …, not expanded further.
fn positional(program: &Program, items: &[Type]) -> Vec<ExpandedField> {
    items
        .iter()
        .enumerate()
        .map(|(i, t)| ExpandedField {
            name: i.to_string(),
            ty: render_type(program, t),
            docs: Vec::new(),
            nested_fields: None,
            variants: None,
        })
        .collect()
}
