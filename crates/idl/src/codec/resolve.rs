//! Where the codec finds the named types a [`Type::Defined`] refers to.
//!
//! A finished [`Program`] is one resolver; the Codama parser is another, while it is still
//! collecting the definitions it needs to encode constant values (discriminators, seeds,
//! defaults). [`NoTypes`] resolves nothing, for types that name no other type.

use super::size::SizeTable;
use crate::{GenericParam, Program, Type};

/// Looks defined types up by name.
pub trait TypeResolver {
    /// The generic parameters and body of the type named exactly `name`.
    fn resolve_defined(&self, name: &str) -> Option<(&[GenericParam], &Type)>;

    /// Memoised static sizes of this resolver's named types, if it keeps them. Without one, each
    /// size query memoises within itself, which keeps it linear but repeats work across queries.
    fn size_table(&self) -> Option<&SizeTable> {
        None
    }
}

impl TypeResolver for Program {
    fn resolve_defined(&self, name: &str) -> Option<(&[GenericParam], &Type)> {
        Program::resolve_defined(self, name)
    }

    fn size_table(&self) -> Option<&SizeTable> {
        Some(super::size::table(self))
    }
}

/// Named types without generics, by name (what the Codama parser knows so far).
impl<S: std::hash::BuildHasher> TypeResolver for std::collections::HashMap<String, Type, S> {
    fn resolve_defined(&self, name: &str) -> Option<(&[GenericParam], &Type)> {
        self.get(name).map(|ty| (&[] as &[GenericParam], ty))
    }
}

/// Resolves no name: for types that refer to no named type.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoTypes;

impl TypeResolver for NoTypes {
    fn resolve_defined(&self, _name: &str) -> Option<(&[GenericParam], &Type)> {
        None
    }
}
