//! Generic parameters: binding a `Defined`'s arguments and substituting them into types.

use super::resolve::TypeResolver;
use super::{CodecError, CodecErrorCode};
use crate::{Count, GenericArg, GenericParam, Type};

/// Generic bindings in scope: parameter name → argument (already free of outer generics).
pub type Env = [(String, GenericArg)];

/// Owned bindings for one `Defined` scope.
pub type Bindings = Vec<(String, GenericArg)>;

fn lookup<'e>(env: &'e Env, name: &str) -> Option<&'e GenericArg> {
    env.iter().find(|(n, _)| n == name).map(|(_, a)| a)
}

fn param_name(p: &GenericParam) -> &str {
    match p {
        GenericParam::Type { name } | GenericParam::Const { name, .. } => name,
    }
}

/// Resolves `Defined { name, generics }` in `env`: the definition's body and the bindings its
/// body is to be read with.
pub fn enter<'p>(
    program: &'p dyn TypeResolver,
    name: &str,
    args: &[GenericArg],
    env: &Env,
) -> Result<(&'p Type, Bindings), CodecError> {
    let (params, ty) = program.resolve_defined(name).ok_or_else(|| {
        CodecError::new(
            CodecErrorCode::UnknownType,
            format!("unknown type `{name}`"),
        )
    })?;
    if params.len() != args.len() {
        return Err(CodecError::new(
            CodecErrorCode::UnknownType,
            format!(
                "type `{name}` takes {} generic argument(s), got {}",
                params.len(),
                args.len()
            ),
        ));
    }
    let bindings = params
        .iter()
        .zip(args)
        .map(|(p, a)| (param_name(p).to_string(), bind_arg(a, env)))
        .collect();
    Ok((ty, bindings))
}

/// An argument with every reference to `env`'s parameters replaced.
fn bind_arg(arg: &GenericArg, env: &Env) -> GenericArg {
    match arg {
        GenericArg::Const { .. } => arg.clone(),
        GenericArg::Type {
            ty: Type::Generic { name },
        } => lookup(env, name).cloned().unwrap_or_else(|| arg.clone()),
        GenericArg::Type { ty } => GenericArg::Type { ty: subst(ty, env) },
    }
}

/// The type bound to generic parameter `name`.
pub fn type_param<'e>(env: &'e Env, name: &str) -> Result<&'e Type, CodecError> {
    match lookup(env, name) {
        Some(GenericArg::Type { ty }) => Ok(ty),
        Some(GenericArg::Const { .. }) => Err(CodecError::new(
            CodecErrorCode::Unsupported,
            format!("generic `{name}` is a const parameter used as a type"),
        )),
        None => Err(CodecError::new(
            CodecErrorCode::UnknownType,
            format!("unbound generic parameter `{name}`"),
        )),
    }
}

/// The length bound to const generic `name`.
pub fn const_param(env: &Env, name: &str) -> Result<usize, CodecError> {
    match lookup(env, name) {
        Some(GenericArg::Const { value }) => {
            value.trim().replace('_', "").parse::<usize>().map_err(|_| {
                CodecError::new(
                    CodecErrorCode::Unsupported,
                    format!("const generic `{name}` = `{value}` is not a length"),
                )
            })
        }
        Some(GenericArg::Type { .. }) => Err(CodecError::new(
            CodecErrorCode::Unsupported,
            format!("generic `{name}` is a type parameter used as a length"),
        )),
        None => Err(CodecError::new(
            CodecErrorCode::UnknownType,
            format!("unbound generic parameter `{name}`"),
        )),
    }
}

fn subst_count(count: &Count, env: &Env) -> Count {
    match count {
        Count::Generic { name } => match const_param(env, name) {
            Ok(len) => Count::Fixed { len },
            Err(_) => count.clone(),
        },
        other => other.clone(),
    }
}

/// `ty` with the parameters bound in `env` replaced by their arguments.
pub fn subst(ty: &Type, env: &Env) -> Type {
    if env.is_empty() {
        return ty.clone();
    }
    let b = |t: &Type| Box::new(subst(t, env));
    match ty {
        Type::Generic { name } => match lookup(env, name) {
            Some(GenericArg::Type { ty }) => ty.clone(),
            _ => ty.clone(),
        },
        Type::Defined { name, generics } => Type::Defined {
            name: name.clone(),
            generics: generics.iter().map(|a| bind_arg(a, env)).collect(),
        },
        Type::SizePrefixed { inner, prefix } => Type::SizePrefixed {
            inner: b(inner),
            prefix: *prefix,
        },
        Type::FixedSize { inner, size } => Type::FixedSize {
            inner: b(inner),
            size: *size,
        },
        Type::Option {
            inner,
            prefix,
            fixed,
        } => Type::Option {
            inner: b(inner),
            prefix: *prefix,
            fixed: *fixed,
        },
        Type::ZeroableOption { inner, zero_value } => Type::ZeroableOption {
            inner: b(inner),
            zero_value: zero_value.clone(),
        },
        Type::RemainderOption { inner } => Type::RemainderOption { inner: b(inner) },
        Type::Array { inner, count } => Type::Array {
            inner: b(inner),
            count: subst_count(count, env),
        },
        Type::Set { inner, count } => Type::Set {
            inner: b(inner),
            count: subst_count(count, env),
        },
        Type::Map { key, value, count } => Type::Map {
            key: b(key),
            value: b(value),
            count: subst_count(count, env),
        },
        Type::Tuple { items } => Type::Tuple {
            items: items.iter().map(|t| subst(t, env)).collect(),
        },
        Type::TupleStruct { items } => Type::TupleStruct {
            items: items.iter().map(|t| subst(t, env)).collect(),
        },
        Type::Struct { fields } => Type::Struct {
            fields: fields
                .iter()
                .map(|f| crate::Field {
                    ty: subst(&f.ty, env),
                    ..f.clone()
                })
                .collect(),
        },
        Type::Enum { variants, size } => Type::Enum {
            variants: variants
                .iter()
                .map(|v| crate::EnumVariant {
                    fields: match &v.fields {
                        crate::VariantFields::Unit => crate::VariantFields::Unit,
                        crate::VariantFields::Named { fields } => crate::VariantFields::Named {
                            fields: fields
                                .iter()
                                .map(|f| crate::Field {
                                    ty: subst(&f.ty, env),
                                    ..f.clone()
                                })
                                .collect(),
                        },
                        crate::VariantFields::Tuple { items } => crate::VariantFields::Tuple {
                            items: items.iter().map(|t| subst(t, env)).collect(),
                        },
                        crate::VariantFields::Nested { ty } => {
                            crate::VariantFields::Nested { ty: b(ty) }
                        }
                    },
                    ..v.clone()
                })
                .collect(),
            size: *size,
        },
        Type::PreOffset {
            inner,
            offset,
            strategy,
        } => Type::PreOffset {
            inner: b(inner),
            offset: *offset,
            strategy: *strategy,
        },
        Type::PostOffset {
            inner,
            offset,
            strategy,
        } => Type::PostOffset {
            inner: b(inner),
            offset: *offset,
            strategy: *strategy,
        },
        Type::Sentinel { inner, sentinel } => Type::Sentinel {
            inner: b(inner),
            sentinel: sentinel.clone(),
        },
        Type::HiddenPrefix { inner, prefix } => Type::HiddenPrefix {
            inner: b(inner),
            prefix: prefix.clone(),
        },
        Type::HiddenSuffix { inner, suffix } => Type::HiddenSuffix {
            inner: b(inner),
            suffix: suffix.clone(),
        },
        Type::Bool { .. }
        | Type::Number { .. }
        | Type::PublicKey
        | Type::String { .. }
        | Type::Bytes => ty.clone(),
    }
}
