//! Seed bytes: each [`Seed`] kind of the model turned into the bytes the program hashes.

use std::borrow::Cow;

use orquestra_idl::{
    AccountItem, Count, IdlFormat, Instruction, InstructionAccount, Program, Seed, Type,
};
use serde_json::{Map, Value};
use solana_address::Address;

use orquestra_idl::hex::encode as hex;

use super::{same_name, PdaError, SeedBytes, SeedInputs, SeedKind};

/// Everything a seed may need: the program, its id, the inputs and the instruction context.
pub(crate) struct Context<'a> {
    program: &'a Program,
    program_id: Address,
    inputs: &'a SeedInputs,
    instruction: Option<&'a Instruction>,
}

impl<'a> Context<'a> {
    pub(crate) fn new(
        program: &'a Program,
        program_id: Address,
        inputs: &'a SeedInputs,
    ) -> Result<Self, PdaError> {
        let instruction = match &inputs.instruction {
            Some(name) => Some(
                find_instruction(program, name)
                    .ok_or_else(|| PdaError::InstructionNotFound { name: name.clone() })?,
            ),
            None => None,
        };
        Ok(Self {
            program,
            program_id,
            inputs,
            instruction,
        })
    }

    /// The bytes of one seed and their description.
    pub(crate) fn seed(&self, seed: &Seed) -> Result<(Vec<u8>, SeedBytes), PdaError> {
        match seed {
            Seed::Const { bytes } => Ok((
                bytes.clone(),
                SeedBytes {
                    kind: SeedKind::Const,
                    name: None,
                    description: Some(describe_const(bytes)),
                    value: None,
                    hex: hex(bytes),
                },
            )),
            Seed::Arg { path, ty } => {
                let value = lookup_path(&self.inputs.args, path)
                    .or_else(|| lookup_path(&self.inputs.variables, path))
                    .ok_or_else(|| PdaError::MissingArg { path: path.clone() })?;
                let ty = match ty {
                    Some(ty) => Cow::Borrowed(ty),
                    None => Cow::Owned(
                        arg_type(self.program, self.instruction, path)
                            .ok_or_else(|| PdaError::UnknownArgType { path: path.clone() })?,
                    ),
                };
                let bytes = self.encode(&ty, value, &label(seed), &pointer("args", path))?;
                Ok((bytes.clone(), described(SeedKind::Arg, path, value, &bytes)))
            }
            Seed::Account { path, .. } => {
                let address = self.account_address(path, &label(seed))?;
                let bytes = address.to_bytes().to_vec();
                let value = Value::String(address.to_string());
                Ok((
                    bytes.clone(),
                    described(SeedKind::Account, path, &value, &bytes),
                ))
            }
            Seed::Variable { name, ty, .. } => {
                let value = self
                    .inputs
                    .variables
                    .get(name)
                    .or_else(|| lookup_path(&self.inputs.variables, name))
                    .or_else(|| lookup_path(&self.inputs.args, name))
                    .filter(|v| !v.is_null())
                    .ok_or_else(|| PdaError::MissingVariable { name: name.clone() })?;
                // Codama semantics: the variable's declared type, prefix included if it has one.
                let bytes = self
                    .program
                    .encode_value(ty, value)
                    .map_err(|e| encode_error(&label(seed), &pointer("seedValues", name), e))?;
                Ok((
                    bytes.clone(),
                    described(SeedKind::Variable, name, value, &bytes),
                ))
            }
            Seed::ProgramId => {
                let bytes = self.program_id.to_bytes().to_vec();
                Ok((
                    bytes.clone(),
                    SeedBytes {
                        kind: SeedKind::ProgramId,
                        name: None,
                        description: Some(self.program_id.to_string()),
                        value: None,
                        hex: hex(&bytes),
                    },
                ))
            }
        }
    }

    /// The program a PDA with a `program` override is derived under.
    pub(crate) fn program_override(&self, seed: &Seed) -> Result<Address, PdaError> {
        match seed {
            Seed::ProgramId => Ok(self.program_id),
            Seed::Const { bytes } => {
                let array: [u8; 32] =
                    bytes
                        .as_slice()
                        .try_into()
                        .map_err(|_| PdaError::InvalidProgramOverride {
                            reason: format!("constant program id is {} bytes, not 32", bytes.len()),
                        })?;
                Ok(Address::from(array))
            }
            Seed::Account { path, .. } => self.account_address(path, &label(seed)),
            Seed::Arg { path, .. } => {
                let value = lookup_path(&self.inputs.args, path)
                    .or_else(|| lookup_path(&self.inputs.variables, path))
                    .ok_or_else(|| PdaError::MissingArg { path: path.clone() })?;
                address_value(value, &label(seed))
            }
            Seed::Variable { name, .. } => {
                let value = lookup_path(&self.inputs.variables, name)
                    .or_else(|| lookup_path(&self.inputs.args, name))
                    .ok_or_else(|| PdaError::MissingVariable { name: name.clone() })?;
                address_value(value, &label(seed))
            }
        }
    }

    /// Encodes an `arg` seed value: Anchor semantics strip length prefixes of strings and bytes.
    fn encode(&self, ty: &Type, value: &Value, seed: &str, at: &str) -> Result<Vec<u8>, PdaError> {
        let resolved = resolve_alias(self.program, ty);
        let ty = if self.program.format == IdlFormat::Codama {
            Cow::Borrowed(resolved)
        } else {
            unprefixed(resolved)
        };
        self.program
            .encode_value(&ty, value)
            .map_err(|e| encode_error(seed, at, e))
    }

    /// The address an `account` seed (or program override) names: given by the caller, a group
    /// member (`group.member`), or a fixed address in the instruction. A dotted path that is not a
    /// group member is a field of the account's on-chain data.
    fn account_address(&self, path: &str, seed: &str) -> Result<Address, PdaError> {
        let parse = |text: &str| {
            orquestra_idl::address::parse_address(text)
                .map(Address::from)
                .map_err(|_| PdaError::InvalidAddress {
                    seed: seed.to_string(),
                    value: text.to_string(),
                })
        };
        if let Some(text) = find_key(&self.inputs.accounts, path) {
            return parse(text);
        }
        let member = self
            .instruction
            .and_then(|ix| find_account_item(&ix.accounts, path));
        if let Some((parent, field)) = path.split_once('.') {
            if member.is_none() {
                return Err(PdaError::NeedsAccountData {
                    account: parent.to_string(),
                    field: field.to_string(),
                });
            }
            let leaf = path.rsplit('.').next().unwrap_or(path);
            if let Some(text) = find_key(&self.inputs.accounts, leaf) {
                return parse(text);
            }
        }
        if let Some(value) = lookup_path(&self.inputs.variables, path) {
            return address_value(value, seed);
        }
        if let Some(fixed) = member.and_then(|a| a.address.as_deref()) {
            return parse(fixed);
        }
        Err(PdaError::MissingAccount {
            name: path.to_string(),
        })
    }
}

/// A short human label for a seed, used in errors (`arg \`store_name\``).
pub(crate) fn label(seed: &Seed) -> String {
    match seed {
        Seed::Const { bytes } => format!("const {}", describe_const(bytes)),
        Seed::Arg { path, .. } => format!("arg `{path}`"),
        Seed::Account { path, .. } => format!("account `{path}`"),
        Seed::Variable { name, .. } => format!("`{name}`"),
        Seed::ProgramId => "program_id".to_string(),
    }
}

/// The text of printable UTF-8 constant bytes, else `0x…`.
pub(crate) fn describe_const(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(text) if !text.is_empty() && text.chars().all(|c| !c.is_control()) => text.to_string(),
        _ => format!("0x{}", hex(bytes)),
    }
}

fn described(kind: SeedKind, name: &str, value: &Value, bytes: &[u8]) -> SeedBytes {
    SeedBytes {
        kind,
        name: Some(name.to_string()),
        description: None,
        value: Some(value.clone()),
        hex: hex(bytes),
    }
}

fn encode_error(seed: &str, at: &str, e: orquestra_idl::CodecError) -> PdaError {
    PdaError::Encode {
        seed: seed.to_string(),
        path: format!("{at}{}", e.path),
        message: e.message,
    }
}

fn pointer(root: &str, path: &str) -> String {
    format!("/{root}/{}", path.replace('.', "/"))
}

fn address_value(value: &Value, seed: &str) -> Result<Address, PdaError> {
    let invalid = || PdaError::InvalidAddress {
        seed: seed.to_string(),
        value: value.to_string(),
    };
    value
        .as_str()
        .ok_or_else(invalid)
        .and_then(|text| orquestra_idl::address::parse_address(text).map_err(|_| invalid()))
        .map(Address::from)
}

/// A map entry by exact key, else by the other casing style.
fn find_key<'m, V>(map: &'m std::collections::BTreeMap<String, V>, key: &str) -> Option<&'m V> {
    map.get(key)
        .or_else(|| map.iter().find(|(k, _)| same_name(k, key)).map(|(_, v)| v))
}

fn find_in_object<'m>(map: &'m Map<String, Value>, key: &str) -> Option<&'m Value> {
    map.get(key)
        .or_else(|| map.iter().find(|(k, _)| same_name(k, key)).map(|(_, v)| v))
}

/// A value by dotted path (`params.id`) in a JSON object; `null` counts as absent.
pub(crate) fn lookup_path<'m>(map: &'m Map<String, Value>, path: &str) -> Option<&'m Value> {
    if let Some(value) = find_in_object(map, path) {
        return Some(value).filter(|v| !v.is_null());
    }
    let mut parts = path.split('.');
    let mut current = find_in_object(map, parts.next()?)?;
    for part in parts {
        current = find_in_object(current.as_object()?, part)?;
    }
    Some(current).filter(|v| !v.is_null())
}

/// An instruction by exact name, else by the other casing style.
pub(crate) fn find_instruction<'p>(program: &'p Program, name: &str) -> Option<&'p Instruction> {
    program
        .instructions
        .iter()
        .find(|ix| ix.name == name)
        .or_else(|| {
            program
                .instructions
                .iter()
                .find(|ix| same_name(&ix.name, name))
        })
}

/// An instruction account by name (leaf name) or dotted group path (`auth.rewarder`).
pub(crate) fn find_account_item<'p>(
    items: &'p [AccountItem],
    path: &str,
) -> Option<&'p InstructionAccount> {
    let mut found = None;
    visit_accounts(items, "", &mut |full, account| {
        if found.is_none() && (full == path || same_name(full, path)) {
            found = Some(account);
        }
    });
    if found.is_none() && !path.contains('.') {
        visit_accounts(items, "", &mut |_, account| {
            if found.is_none() && same_name(&account.name, path) {
                found = Some(account);
            }
        });
    }
    found
}

/// Calls `f(dotted_path, account)` for every account of a (possibly nested) account list.
pub(crate) fn visit_accounts<'p>(
    items: &'p [AccountItem],
    prefix: &str,
    f: &mut dyn FnMut(&str, &'p InstructionAccount),
) {
    for item in items {
        match item {
            AccountItem::Single(account) => f(&join(prefix, &account.name), account),
            AccountItem::Group { name, accounts, .. } => {
                visit_accounts(accounts, &join(prefix, name), f)
            }
        }
    }
}

fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_string()
    } else {
        format!("{prefix}.{name}")
    }
}

/// The type of instruction argument `path` (dotted paths walk struct fields): in `instruction`
/// when given, else in the first instruction that has such an argument.
pub(crate) fn arg_type(
    program: &Program,
    instruction: Option<&Instruction>,
    path: &str,
) -> Option<Type> {
    match instruction {
        Some(ix) => arg_type_in(program, ix, path),
        None => program
            .instructions
            .iter()
            .find_map(|ix| arg_type_in(program, ix, path)),
    }
}

fn arg_type_in(program: &Program, ix: &Instruction, path: &str) -> Option<Type> {
    if let Some(field) = ix
        .args
        .iter()
        .find(|a| a.name == path || same_name(&a.name, path))
    {
        return Some(field.ty.clone());
    }
    let mut parts = path.split('.');
    let first = parts.next()?;
    let mut ty = &ix.args.iter().find(|a| same_name(&a.name, first))?.ty;
    for part in parts {
        let Type::Struct { fields } = resolve_alias_deep(program, ty) else {
            return None;
        };
        ty = &fields.iter().find(|f| same_name(&f.name, part))?.ty;
    }
    Some(ty.clone())
}

/// Follows `Defined` references without generics to the named type's definition, if any.
fn resolve_alias_deep<'p>(program: &'p Program, ty: &'p Type) -> &'p Type {
    let mut current = ty;
    for _ in 0..16 {
        match current {
            Type::Defined { name, generics } if generics.is_empty() => {
                match program
                    .types
                    .iter()
                    .find(|t| t.name == *name && t.generics.is_empty())
                {
                    Some(def) => current = &def.ty,
                    None => return current,
                }
            }
            _ => return current,
        }
    }
    current
}

/// Like [`resolve_alias_deep`] but stops at structs and enums (the codec handles those by name).
fn resolve_alias<'p>(program: &'p Program, ty: &'p Type) -> &'p Type {
    match resolve_alias_deep(program, ty) {
        Type::Struct { .. } | Type::Enum { .. } | Type::TupleStruct { .. } => ty,
        other => other,
    }
}

/// Anchor seed semantics: `string`, `bytes` and `Vec<T>` lose their length prefix.
fn unprefixed(ty: &Type) -> Cow<'_, Type> {
    match ty {
        Type::SizePrefixed { inner, .. }
            if matches!(**inner, Type::String { .. } | Type::Bytes) =>
        {
            Cow::Borrowed(inner)
        }
        Type::Array {
            inner,
            count: Count::Prefixed { .. },
        } => Cow::Owned(Type::Array {
            inner: inner.clone(),
            count: Count::Remainder,
        }),
        other => Cow::Borrowed(other),
    }
}
