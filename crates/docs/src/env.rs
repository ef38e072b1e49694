//! Generic parameters in scope while walking a type: `Defined { name, generics }` binds the
//! definition's parameters to the arguments, each argument keeping the scope it was written in.

use orquestra_idl::{Count, GenericArg, GenericParam, Program, Type};

/// Bindings of the generic parameters visible at a point of a type walk.
#[derive(Debug, Clone, Default)]
pub(crate) struct Env<'a> {
    bindings: Vec<(&'a str, Bound<'a>)>,
}

#[derive(Debug, Clone)]
enum Bound<'a> {
    /// A type argument and the scope it is to be read in.
    Type(&'a Type, Env<'a>),
    /// A const argument (array length); `None` when it is not a number.
    Const(Option<usize>),
}

fn param_name(p: &GenericParam) -> &str {
    match p {
        GenericParam::Type { name } | GenericParam::Const { name, .. } => name,
    }
}

impl<'a> Env<'a> {
    /// The body of the type `name` refers to and the scope its body is read in; `None` when the
    /// name does not resolve or the number of generic arguments is wrong.
    pub fn enter(
        &self,
        program: &'a Program,
        name: &str,
        args: &'a [GenericArg],
    ) -> Option<(&'a Type, Env<'a>)> {
        let (params, body) = program.resolve_defined(name)?;
        if params.len() != args.len() {
            return None;
        }
        let bindings = params
            .iter()
            .zip(args)
            .map(|(p, a)| {
                let bound = match a {
                    GenericArg::Type { ty } => Bound::Type(ty, self.clone()),
                    GenericArg::Const { value } => Bound::Const(self.const_value(value)),
                };
                (param_name(p), bound)
            })
            .collect();
        Some((body, Env { bindings }))
    }

    /// The type bound to type parameter `name`, with its scope.
    pub fn type_param(&self, name: &str) -> Option<(&'a Type, Env<'a>)> {
        match self.lookup(name)? {
            Bound::Type(ty, env) => Some((ty, env.clone())),
            Bound::Const(_) => None,
        }
    }

    /// The length of an array count when it is fixed (literally or through a const parameter).
    pub fn fixed_len(&self, count: &Count) -> Option<usize> {
        match count {
            Count::Fixed { len } => Some(*len),
            Count::Generic { name } => match self.lookup(name)? {
                Bound::Const(n) => *n,
                Bound::Type(..) => None,
            },
            Count::Prefixed { .. } | Count::Remainder => None,
        }
    }

    fn lookup(&self, name: &str) -> Option<&Bound<'a>> {
        self.bindings
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, b)| b)
    }

    /// A const argument as written: a number, or the name of a const parameter in scope.
    fn const_value(&self, value: &str) -> Option<usize> {
        let literal = value.trim().replace('_', "");
        if let Ok(n) = literal.parse::<usize>() {
            return Some(n);
        }
        match self.lookup(value.trim())? {
            Bound::Const(n) => *n,
            Bound::Type(..) => None,
        }
    }
}
