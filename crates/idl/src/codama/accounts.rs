//! `accountNode`s and the discriminator nodes shared with instructions.

use serde_json::Value;

use super::node::{child, Ctx};
use super::types::type_node;
use super::values;
use crate::{AccountDef, Discriminator, Field, Serialization, Type};

/// An `accountNode`.
pub(super) fn account(ctx: &mut Ctx, v: &Value, ptr: &str) -> Option<AccountDef> {
    let o = ctx.node_of(v, "accountNode", ptr)?;
    let name = ctx.req_str(o, "name", ptr);
    let docs = ctx.docs(o, ptr);
    let data = ctx.req(o, "data", ptr);
    let ty = data.and_then(|d| type_node(ctx, d, &child(ptr, "data")));
    // `data` is a `NestedTypeNode<StructTypeNode>`: field discriminators name the inner fields.
    let fields: &[Field] = match ty.as_ref().map(Type::unwrapped) {
        Some(Type::Struct { fields }) => fields,
        _ => &[],
    };
    let list = ctx.list(o, "discriminators", ptr);
    let discriminators = discriminators(ctx, list, &child(ptr, "discriminators"), fields);
    Some(AccountDef {
        name: name?.to_owned(),
        docs,
        discriminators: discriminators?,
        prefix: Vec::new(),
        ty: ty?,
        serialization: Serialization::Borsh,
        repr: None,
    })
}

/// `fieldDiscriminatorNode` / `constantDiscriminatorNode` / `sizeDiscriminatorNode`s, the field
/// ones resolved against `fields` (struct fields or instruction arguments).
pub(super) fn discriminators(
    ctx: &mut Ctx,
    list: &[Value],
    list_ptr: &str,
    fields: &[Field],
) -> Option<Vec<Discriminator>> {
    let mut out = Some(Vec::new());
    for (i, d) in list.iter().enumerate() {
        match (
            discriminator(ctx, d, &child(list_ptr, i), fields),
            out.as_mut(),
        ) {
            (Some(d), Some(all)) => all.push(d),
            _ => out = None,
        }
    }
    out
}

fn discriminator(ctx: &mut Ctx, v: &Value, ptr: &str, fields: &[Field]) -> Option<Discriminator> {
    let (kind, o) = ctx.node(v, ptr)?;
    match kind {
        "sizeDiscriminatorNode" => Some(Discriminator::Size {
            size: ctx.req_usize(o, "size", ptr)?,
        }),
        "constantDiscriminatorNode" => {
            let offset = opt_offset(ctx, o, ptr);
            let constant = ctx.req(o, "constant", ptr)?;
            let bytes = values::constant_bytes(ctx, constant, &child(ptr, "constant"))?;
            Some(Discriminator::Bytes {
                offset: offset?,
                bytes,
            })
        }
        "fieldDiscriminatorNode" => {
            let offset = opt_offset(ctx, o, ptr);
            let name = ctx.req_str(o, "name", ptr)?;
            let Some(field) = fields.iter().find(|f| f.name == name) else {
                ctx.problem(
                    &child(ptr, "name"),
                    format!("no field or argument named `{name}`"),
                );
                return None;
            };
            let Some(value) = field
                .omitted_default
                .as_ref()
                .or(field.optional_default.as_ref())
            else {
                ctx.problem(
                    &child(ptr, "name"),
                    format!("`{name}` has no constant default value to discriminate by"),
                );
                return None;
            };
            let bytes = values::json_bytes(ctx, &field.ty, value, &child(ptr, "name"))?;
            Some(Discriminator::Bytes {
                offset: offset?,
                bytes,
            })
        }
        other => {
            ctx.problem(ptr, format!("`{other}` is not a discriminator node"));
            None
        }
    }
}

fn opt_offset(ctx: &mut Ctx, o: &serde_json::Map<String, Value>, ptr: &str) -> Option<usize> {
    if o.get("offset").is_none_or(Value::is_null) {
        Some(0)
    } else {
        ctx.req_usize(o, "offset", ptr)
    }
}
