//! Bodies of the generated REST read API (`/api/{projectId}/…`), as the typed views of
//! [`orquestra_api::views`].
//!
//! Every view starts with `projectId`, `programName` (the program's name for every IDL format),
//! `programId`, `version` (the IDL version the view is built from) and `format`, followed by a
//! `total` and the list. Field names that existing clients read (`isMut`, `isSigner`,
//! `isOptional`, `accountCount`, `argCount`, `msg`, …) are kept next to clearer new ones
//! (`writable`, `signer`, `optional`, …).
//!
//! Nested (composite) account groups are flattened: every account entry has `name`, `path` (the
//! dotted key used in a build request's `accounts`) and `group` (the dotted group path or `null`).

use std::collections::HashSet;

use orquestra_api::views::{
    AccountDefault as AccountDefaultView, AccountFieldView, AccountTypeEntry, AccountTypeView,
    AccountsView, ArgDetail, ArgSummary, ConstantEntry, ConstantView, ConstantsView, ErrorsView,
    EventEntry, EventView, EventsView, FieldView, GenericParam as GenericParamView, IdlFormat,
    IdlView, IdlWarning, InstructionAccountView, InstructionDetail, InstructionEntry,
    InstructionSummary, InstructionView, InstructionsView, PdaView, ProgramErrorEntry,
    ProgramErrorView, SignerRole, TypeEntry, TypeKind, TypeView, TypesView, UnreadableItem,
    VariantView, ViewHead,
};
use orquestra_idl::{
    AccountDefault, Field, GenericParam, Instruction, InstructionAccount, ItemKind, Program, Type,
    VariantFields,
};
use serde_json::Value;

use crate::example::{example_request, example_value};
use crate::expand::expand;
use crate::render::{
    account_path, discriminator_view, flat_accounts, pda_program_view, render_type, seed_view,
    signer_role, variant_kind,
};
use crate::usability::{defect_code, item_kind, unreadable, unusable};
use crate::ProgramContext;

fn format_of(program: &Program) -> IdlFormat {
    match program.format {
        orquestra_idl::IdlFormat::Anchor => IdlFormat::Anchor,
        orquestra_idl::IdlFormat::AnchorLegacy => IdlFormat::AnchorLegacy,
        orquestra_idl::IdlFormat::Shank => IdlFormat::Shank,
        orquestra_idl::IdlFormat::Codama => IdlFormat::Codama,
    }
}

/// The common head of every view.
fn head(program: &Program, ctx: &ProgramContext<'_>) -> ViewHead {
    ViewHead {
        project_id: ctx.project_id.to_owned(),
        program_name: program.name.clone(),
        program_id: ctx.program_id.to_owned(),
        version: ctx.version,
        format: format_of(program),
    }
}

/// The readable items of a list, then an entry for each item of `kind` the parser could not read.
fn entries<T, E>(
    program: &Program,
    kind: ItemKind,
    items: impl Iterator<Item = T>,
    item: impl Fn(T) -> E,
    unreadable_entry: impl Fn(UnreadableItem) -> E,
) -> Vec<E> {
    let mut out: Vec<E> = items.map(item).collect();
    out.extend(unreadable(program, kind).into_iter().map(unreadable_entry));
    out
}

/// `GET /api/{projectId}/instructions`.
pub fn instructions(program: &Program, ctx: &ProgramContext<'_>) -> InstructionsView {
    let instructions = entries(
        program,
        ItemKind::Instruction,
        program.instructions.iter(),
        |ix| InstructionEntry::Item(instruction_summary(program, ix)),
        InstructionEntry::Unreadable,
    );
    InstructionsView {
        head: head(program, ctx),
        total: instructions.len(),
        instructions,
    }
}

fn user_args(ix: &Instruction) -> impl Iterator<Item = &Field> {
    ix.args.iter().filter(|a| a.omitted_default.is_none())
}

fn instruction_accounts(program: &Program, ix: &Instruction) -> Vec<InstructionAccountView> {
    flat_accounts(&ix.accounts)
        .into_iter()
        .map(|(group, a)| account_view(program, group.as_deref(), a))
        .collect()
}

fn instruction_summary(program: &Program, ix: &Instruction) -> InstructionSummary {
    let accounts = instruction_accounts(program, ix);
    let args: Vec<ArgSummary> = user_args(ix)
        .map(|f| ArgSummary {
            name: f.name.clone(),
            ty: render_type(program, &f.ty),
            docs: f.docs.clone(),
            optional: f.optional_default.is_some(),
            is_defined_type: defined_name(&f.ty).is_some(),
            defined_type_name: defined_name(&f.ty).map(str::to_owned),
        })
        .collect();
    let unusable = unusable(program, ItemKind::Instruction, &ix.name);
    InstructionSummary {
        name: ix.name.clone(),
        docs: ix.docs.clone(),
        discriminator: discriminator_view(&ix.discriminators, &ix.prefix),
        account_count: accounts.len(),
        arg_count: args.len(),
        args,
        accounts,
        usable: unusable.is_none(),
        unusable,
    }
}

fn defined_name(ty: &Type) -> Option<&str> {
    match ty {
        Type::Defined { name, .. } => Some(name.as_str()),
        _ => None,
    }
}

/// One (flattened) instruction account.
fn account_view(
    program: &Program,
    group: Option<&str>,
    a: &InstructionAccount,
) -> InstructionAccountView {
    let signer = signer_role(a.signer);
    InstructionAccountView {
        name: a.name.clone(),
        path: account_path(group, a),
        group: group.map(str::to_owned),
        docs: a.docs.clone(),
        is_mut: a.writable,
        is_signer: signer != SignerRole::No,
        is_optional: a.optional,
        writable: a.writable,
        signer,
        optional: a.optional,
        address: a.address.clone(),
        pda: a.pda.as_ref().map(|p| PdaView {
            seeds: p.seeds.iter().map(|s| seed_view(program, s)).collect(),
            program: pda_program_view(program, p.program.as_ref()),
        }),
        relations: a.relations.clone(),
        default: a.default.as_ref().map(default_view),
    }
}

fn default_view(d: &AccountDefault) -> AccountDefaultView {
    match d {
        AccountDefault::ProgramId => AccountDefaultView::ProgramId,
        AccountDefault::Account { name } => AccountDefaultView::Account { name: name.clone() },
        AccountDefault::Arg { name } => AccountDefaultView::Arg { name: name.clone() },
        AccountDefault::Payer => AccountDefaultView::Payer,
        AccountDefault::Identity => AccountDefaultView::Identity,
        AccountDefault::Other { description } => AccountDefaultView::Other {
            description: description.clone(),
        },
    }
}

/// `GET /api/{projectId}/instructions/{name}` (`None`: no such instruction). The name is looked
/// up exactly, then ignoring snake/camel casing.
pub fn instruction(
    program: &Program,
    ctx: &ProgramContext<'_>,
    name: &str,
) -> Option<InstructionView> {
    let ix = program.find_instruction(name)?;
    // Each named type is expanded once per instruction (later uses show just its name), so the
    // detail stays proportional to the IDL even when types fan out or repeat.
    let mut expanded = HashSet::new();
    let args: Vec<ArgDetail> = user_args(ix)
        .map(|f| {
            let (fields, variants) = expand(program, &f.ty, 0, &mut expanded);
            ArgDetail {
                name: f.name.clone(),
                ty: render_type(program, &f.ty),
                docs: f.docs.clone(),
                optional: f.optional_default.is_some(),
                default: f.optional_default.clone().unwrap_or(Value::Null),
                example: f
                    .optional_default
                    .clone()
                    .unwrap_or_else(|| example_value(program, &f.ty)),
                is_defined_type: defined_name(&f.ty).is_some(),
                defined_type_name: defined_name(&f.ty).map(str::to_owned),
                fields,
                variants,
            }
        })
        .collect();
    let accounts = instruction_accounts(program, ix);
    let unusable = unusable(program, ItemKind::Instruction, &ix.name);
    let instruction = InstructionDetail {
        name: ix.name.clone(),
        docs: ix.docs.clone(),
        discriminator: discriminator_view(&ix.discriminators, &ix.prefix),
        account_count: accounts.len(),
        arg_count: args.len(),
        args,
        accounts,
        returns: ix.returns.as_ref().map(|t| render_type(program, t)),
        remaining_accounts: ix.remaining_accounts,
        build_endpoint: format!("{}/instructions/{}/build", ctx.api_base(), ix.name),
        example_request: example_request(program, ix),
        usable: unusable.is_none(),
        unusable,
    };
    Some(InstructionView {
        head: head(program, ctx),
        instruction,
    })
}

/// `GET /api/{projectId}/accounts`: account types with their byte layout.
pub fn accounts(program: &Program, ctx: &ProgramContext<'_>) -> AccountsView {
    let accounts = entries(
        program,
        ItemKind::Account,
        program.accounts.iter(),
        |acc| {
            let layout = program.account_layout(&acc.name).ok();
            let fields = layout
                .as_ref()
                .map(|l| {
                    l.fields
                        .iter()
                        .map(|f| {
                            let segments: Vec<&str> =
                                f.path.split('/').filter(|s| !s.is_empty()).collect();
                            let field = field_at(program, &acc.ty, &segments);
                            AccountFieldView {
                                name: segments.join("."),
                                path: f.path.clone(),
                                ty: field
                                    .map(|f| render_type(program, &f.ty))
                                    .unwrap_or_else(|| f.ty.clone()),
                                offset: f.offset,
                                size: f.size,
                                docs: field.map(|f| f.docs.clone()).unwrap_or_default(),
                            }
                        })
                        .collect()
                })
                .unwrap_or_default();
            let unusable = unusable(program, ItemKind::Account, &acc.name);
            AccountTypeEntry::Item(AccountTypeView {
                name: acc.name.clone(),
                docs: acc.docs.clone(),
                discriminator: discriminator_view(&acc.discriminators, &acc.prefix),
                discriminator_length: acc.prefix.len(),
                size: layout.as_ref().and_then(|l| l.size),
                fields,
                usable: unusable.is_none(),
                unusable,
            })
        },
        AccountTypeEntry::Unreadable,
    );
    AccountsView {
        head: head(program, ctx),
        total: accounts.len(),
        accounts,
    }
}

/// The struct field at a `/`-path of an account type (through non-generic named types).
fn field_at<'p>(program: &'p Program, ty: &'p Type, path: &[&str]) -> Option<&'p Field> {
    let mut ty = ty;
    let mut found = None;
    for seg in path {
        let Some(Type::Struct { fields }) = struct_body(program, ty) else {
            return None;
        };
        let f = fields.iter().find(|f| f.name == *seg)?;
        found = Some(f);
        ty = &f.ty;
    }
    found
}

/// `GET /api/{projectId}/types`: structs with fields, enums with variants.
pub fn types(program: &Program, ctx: &ProgramContext<'_>) -> TypesView {
    let types = entries(
        program,
        ItemKind::Type,
        program.types.iter(),
        |t| {
            let kind = match &t.ty {
                Type::Struct { .. } => TypeKind::Struct,
                Type::TupleStruct { .. } => TypeKind::TupleStruct,
                Type::Enum { .. } => TypeKind::Enum,
                _ => TypeKind::Alias,
            };
            let variants = match &t.ty {
                Type::Enum { variants, .. } => variants
                    .iter()
                    .map(|v| VariantView {
                        name: v.name.clone(),
                        docs: v.docs.clone(),
                        discriminant: v.discriminant,
                        kind: variant_kind(&v.fields),
                        fields: match &v.fields {
                            VariantFields::Unit => Vec::new(),
                            VariantFields::Named { fields } => field_list(program, fields),
                            VariantFields::Tuple { items } => tuple_list(program, items),
                            VariantFields::Nested { ty } => match ty.unwrapped() {
                                Type::Struct { fields } => field_list(program, fields),
                                Type::Tuple { items } => tuple_list(program, items),
                                _ => Vec::new(),
                            },
                        },
                    })
                    .collect(),
                _ => Vec::new(),
            };
            let unusable = unusable(program, ItemKind::Type, &t.name);
            TypeEntry::Item(TypeView {
                name: t.name.clone(),
                docs: t.docs.clone(),
                kind,
                generics: t
                    .generics
                    .iter()
                    .map(|g| match g {
                        GenericParam::Type { name } => {
                            GenericParamView::Type { name: name.clone() }
                        }
                        GenericParam::Const { name, ty } => GenericParamView::Const {
                            name: name.clone(),
                            ty: ty.clone(),
                        },
                    })
                    .collect(),
                alias_of: (kind == TypeKind::Alias).then(|| render_type(program, &t.ty)),
                size: if t.generics.is_empty() {
                    t.ty.fixed_size(program)
                } else {
                    None
                },
                fields: struct_fields(program, &t.ty),
                variants,
                usable: unusable.is_none(),
                unusable,
            })
        },
        TypeEntry::Unreadable,
    );
    TypesView {
        head: head(program, ctx),
        total: types.len(),
        types,
    }
}

fn field_list(program: &Program, fields: &[Field]) -> Vec<FieldView> {
    fields
        .iter()
        .filter(|f| f.omitted_default.is_none())
        .map(|f| FieldView {
            name: f.name.clone(),
            ty: render_type(program, &f.ty),
            docs: f.docs.clone(),
        })
        .collect()
}

fn tuple_list(program: &Program, items: &[Type]) -> Vec<FieldView> {
    items
        .iter()
        .enumerate()
        .map(|(i, t)| FieldView {
            name: i.to_string(),
            ty: render_type(program, t),
            docs: Vec::new(),
        })
        .collect()
}

/// The fields of a struct-like type (through named types and wrappers), else none.
fn struct_fields(program: &Program, ty: &Type) -> Vec<FieldView> {
    match struct_body(program, ty) {
        Some(Type::Struct { fields }) => field_list(program, fields),
        Some(Type::TupleStruct { items }) => tuple_list(program, items),
        _ => Vec::new(),
    }
}

/// The body of a type through named (non-generic) types and Codama nested-type wrappers.
pub(crate) fn struct_body<'p>(program: &'p Program, ty: &'p Type) -> Option<&'p Type> {
    let mut body = ty;
    for _ in 0..16 {
        match body.unwrapped() {
            Type::Defined { name, .. } => body = program.resolve_defined(name)?.1,
            other => return Some(other),
        }
    }
    None
}

/// The rendered type of every entry of an account's layout (same order as `account_layout`).
pub(crate) fn accounts_fields(program: &Program, acc: &orquestra_idl::AccountDef) -> Vec<String> {
    program
        .account_layout(&acc.name)
        .map(|l| {
            l.fields
                .iter()
                .map(|f| {
                    let segments: Vec<&str> = f.path.split('/').filter(|s| !s.is_empty()).collect();
                    field_at(program, &acc.ty, &segments)
                        .map(|field| render_type(program, &field.ty))
                        .unwrap_or_else(|| f.ty.clone())
                })
                .collect()
        })
        .unwrap_or_default()
}

/// `GET /api/{projectId}/errors`.
pub fn errors(program: &Program, ctx: &ProgramContext<'_>) -> ErrorsView {
    let errors = entries(
        program,
        ItemKind::Error,
        program.errors.iter(),
        |e| {
            let unusable = unusable(program, ItemKind::Error, &e.name);
            ProgramErrorEntry::Item(ProgramErrorView {
                code: e.code,
                name: e.name.clone(),
                msg: e.message.clone(),
                docs: e.docs.clone(),
                usable: unusable.is_none(),
                unusable,
            })
        },
        ProgramErrorEntry::Unreadable,
    );
    ErrorsView {
        head: head(program, ctx),
        total: errors.len(),
        errors,
    }
}

/// `GET /api/{projectId}/events`.
pub fn events(program: &Program, ctx: &ProgramContext<'_>) -> EventsView {
    let events = entries(
        program,
        ItemKind::Event,
        program.events.iter(),
        |e| {
            let unusable = unusable(program, ItemKind::Event, &e.name);
            EventEntry::Item(EventView {
                name: e.name.clone(),
                docs: e.docs.clone(),
                discriminator: discriminator_view(&e.discriminators, &e.prefix),
                fields: struct_fields(program, &e.ty),
                usable: unusable.is_none(),
                unusable,
            })
        },
        EventEntry::Unreadable,
    );
    EventsView {
        head: head(program, ctx),
        total: events.len(),
        events,
    }
}

/// `GET /api/{projectId}/constants`.
pub fn constants(program: &Program, ctx: &ProgramContext<'_>) -> ConstantsView {
    let constants = entries(
        program,
        ItemKind::Constant,
        program.constants.iter(),
        |c| {
            let unusable = unusable(program, ItemKind::Constant, &c.name);
            ConstantEntry::Item(ConstantView {
                name: c.name.clone(),
                docs: c.docs.clone(),
                ty: render_type(program, &c.ty),
                value: c.value.clone(),
                usable: unusable.is_none(),
                unusable,
            })
        },
        ConstantEntry::Unreadable,
    );
    ConstantsView {
        head: head(program, ctx),
        total: constants.len(),
        constants,
    }
}

/// `GET /api/{projectId}/idl`: `idl` is the uploaded document or the normalised model, as the
/// caller chose; the defects of the program are its warnings.
pub fn idl(program: &Program, ctx: &ProgramContext<'_>, normalized: bool, idl: Value) -> IdlView {
    IdlView {
        project_id: ctx.project_id.to_owned(),
        program_name: program.name.clone(),
        program_id: ctx.program_id.to_owned(),
        version: ctx.version,
        normalized,
        idl,
        warnings: warnings(program),
    }
}

/// Every defective item of `program`, with its JSON pointer into the IDL: the warnings of the
/// IDL view, of an upload and of an ingest.
pub fn warnings(program: &Program) -> Vec<IdlWarning> {
    program
        .defects
        .iter()
        .map(|d| IdlWarning {
            path: d.path.clone(),
            code: defect_code(d.code),
            message: d.message.clone(),
            kind: item_kind(d.kind),
            item: d.item.clone(),
        })
        .collect()
}
