//! The entries of the program views: instructions and their accounts and arguments, account
//! types, types, errors, events, constants and PDAs.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;
use utoipa::ToSchema;

use super::Unusable;

/// A discriminator as shown to readers: the first byte discriminator, else a data-size one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Discriminator {
    /// The data has `bytes` at `offset`.
    Bytes {
        /// Byte offset in the data.
        offset: usize,
        /// The bytes, as numbers.
        bytes: Vec<u8>,
        /// The bytes as lowercase hex.
        hex: String,
    },
    /// The data is exactly `size` bytes long.
    Size {
        /// Data length in bytes.
        size: usize,
    },
}

/// Whether an instruction account signs: always, never, or either way (the caller decides).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignerRole {
    No,
    Yes,
    Either,
}

impl Serialize for SignerRole {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            SignerRole::No => serializer.serialize_bool(false),
            SignerRole::Yes => serializer.serialize_bool(true),
            SignerRole::Either => serializer.serialize_str("either"),
        }
    }
}

impl<'de> Deserialize<'de> for SignerRole {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match Value::deserialize(deserializer)? {
            Value::Bool(false) => Ok(SignerRole::No),
            Value::Bool(true) => Ok(SignerRole::Yes),
            Value::String(s) if s == "either" => Ok(SignerRole::Either),
            other => Err(serde::de::Error::custom(format!(
                "expected true, false or \"either\", got {other}"
            ))),
        }
    }
}

fn signer_role_schema() -> utoipa::openapi::schema::Schema {
    use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder, Schema, Type};
    let one_of = OneOfBuilder::new()
        .item(ObjectBuilder::new().schema_type(Type::Boolean))
        .item(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .enum_values(Some(["either"])),
        )
        .description(Some(
            "`true`: must sign; `false`: never signs; `\"either\"`: the caller decides",
        ))
        .build();
    Schema::OneOf(one_of)
}

/// One seed of a PDA, with a one-line description.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum SeedView {
    /// Constant bytes.
    Const {
        /// The bytes, as numbers.
        bytes: Vec<u8>,
        /// The bytes as lowercase hex.
        hex: String,
        /// The bytes as text when they are printable UTF-8.
        text: Option<String>,
        /// One line for readers.
        description: String,
        /// Base58 of the 32 bytes, when this seed names the program a PDA is derived under.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        address: Option<String>,
    },
    /// An instruction argument (dotted path for a field of one).
    Arg {
        /// Argument path.
        path: String,
        /// Its type, when the IDL says.
        #[serde(rename = "type")]
        ty: Option<String>,
        /// One line for readers.
        description: String,
    },
    /// An instruction account's address, or a field of its data.
    Account {
        /// Account path (dotted for a field of its data).
        path: String,
        /// The account type whose field it is, when the IDL says.
        account: Option<String>,
        /// One line for readers.
        description: String,
    },
    /// A named input of a Codama PDA.
    Variable {
        /// Input name.
        name: String,
        /// Its type.
        #[serde(rename = "type")]
        ty: String,
        /// Its documentation lines.
        docs: Vec<String>,
        /// One line for readers.
        description: String,
    },
    /// The program's own address.
    ProgramId {
        /// One line for readers.
        description: String,
    },
}

/// How an account is derived: seeds, and the program it is derived under.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PdaView {
    /// The seeds, in order.
    pub seeds: Vec<SeedView>,
    /// The program the address is derived under; `null`: this program.
    pub program: Option<SeedView>,
}

/// Where an account's address comes from when the request leaves it out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum AccountDefault {
    /// The program's own address.
    ProgramId,
    /// Another account of the instruction.
    Account {
        /// That account's name.
        name: String,
    },
    /// An argument of the instruction.
    Arg {
        /// That argument's name.
        name: String,
    },
    /// The fee payer.
    Payer,
    /// The signing identity (Codama).
    Identity,
    /// Something the service cannot resolve by itself.
    Other {
        /// What the IDL says.
        description: String,
    },
}

/// One instruction account; accounts of nested (composite) groups are flattened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InstructionAccountView {
    /// The account's own name.
    pub name: String,
    /// Its key in a build request's `accounts`: the dotted group path and name.
    pub path: String,
    /// The dotted group path, `null` at top level.
    pub group: Option<String>,
    /// Documentation lines.
    pub docs: Vec<String>,
    /// Same as `writable`.
    pub is_mut: bool,
    /// `true` when the account must or may sign.
    pub is_signer: bool,
    /// Same as `optional`.
    pub is_optional: bool,
    /// The instruction writes the account.
    pub writable: bool,
    /// Whether the account signs.
    #[schema(schema_with = signer_role_schema)]
    pub signer: SignerRole,
    /// May be left out.
    pub optional: bool,
    /// Fixed address, when the IDL gives one.
    pub address: Option<String>,
    /// How the address is derived, when it is a PDA.
    pub pda: Option<PdaView>,
    /// Accounts whose data names this one (Anchor `has_one` relations).
    pub relations: Vec<String>,
    /// Where the address comes from when left out.
    pub default: Option<AccountDefault>,
}

/// An instruction argument in a listing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ArgSummary {
    /// Argument name.
    pub name: String,
    /// Human type string (`u64`, `Vec<pubkey>`, `Option<Config>`).
    #[serde(rename = "type")]
    pub ty: String,
    /// Documentation lines.
    pub docs: Vec<String>,
    /// May be left out of a build request (it has a default).
    pub optional: bool,
    /// The type is a type the IDL defines.
    pub is_defined_type: bool,
    /// That type's name.
    pub defined_type_name: Option<String>,
}

/// An instruction in the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InstructionSummary {
    /// Instruction name as in the IDL.
    pub name: String,
    /// Documentation lines.
    pub docs: Vec<String>,
    /// How the program recognises the instruction; `null` when it has none.
    pub discriminator: Option<Discriminator>,
    /// Number of (flattened) accounts.
    pub account_count: usize,
    /// Number of arguments a request gives.
    pub arg_count: usize,
    /// The arguments.
    pub args: Vec<ArgSummary>,
    /// The accounts, flattened.
    pub accounts: Vec<InstructionAccountView>,
    /// Whether it can be built.
    pub usable: bool,
    /// Why not, when it cannot.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unusable: Option<Unusable>,
}

/// How an enum variant carries data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum VariantKind {
    /// No data.
    Unit,
    /// Named fields.
    Struct,
    /// Positional items.
    Tuple,
}

/// A field of an argument's type, expanded (each named type once per instruction).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ExpandedField {
    /// Field name (`0`, `1`, … for positional items).
    pub name: String,
    /// Human type string.
    #[serde(rename = "type")]
    pub ty: String,
    /// Documentation lines.
    pub docs: Vec<String>,
    /// The fields of the field's own struct type; `null` when it has none or was shown before.
    #[schema(no_recursion)]
    pub nested_fields: Option<Vec<ExpandedField>>,
    /// The variants, when the field's type is an enum.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(no_recursion)]
    pub variants: Option<Vec<ExpandedVariant>>,
}

/// A variant of an expanded enum type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ExpandedVariant {
    /// Variant name.
    pub name: String,
    /// How it carries data.
    pub kind: VariantKind,
    /// Its fields; `null` for a unit variant.
    #[schema(no_recursion)]
    pub fields: Option<Vec<ExpandedField>>,
}

/// An instruction argument in the instruction detail.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ArgDetail {
    /// Argument name.
    pub name: String,
    /// Human type string.
    #[serde(rename = "type")]
    pub ty: String,
    /// Documentation lines.
    pub docs: Vec<String>,
    /// May be left out of a build request.
    pub optional: bool,
    /// The canonical-JSON value used when left out; `null` when required. Shape depends on the type.
    pub default: Value,
    /// A canonical-JSON example value of the argument's type. Shape depends on the type.
    pub example: Value,
    /// The type is a type the IDL defines.
    pub is_defined_type: bool,
    /// That type's name.
    pub defined_type_name: Option<String>,
    /// The fields of the argument's struct type; `null` when it has none.
    pub fields: Option<Vec<ExpandedField>>,
    /// The variants, when the argument's type is an enum.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variants: Option<Vec<ExpandedVariant>>,
}

/// One instruction with everything needed to call it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InstructionDetail {
    /// Instruction name as in the IDL.
    pub name: String,
    /// Documentation lines.
    pub docs: Vec<String>,
    /// How the program recognises the instruction; `null` when it has none.
    pub discriminator: Option<Discriminator>,
    /// Number of (flattened) accounts.
    pub account_count: usize,
    /// Number of arguments a request gives.
    pub arg_count: usize,
    /// The arguments with examples and expanded types.
    pub args: Vec<ArgDetail>,
    /// The accounts, flattened.
    pub accounts: Vec<InstructionAccountView>,
    /// The return type, when the instruction returns data.
    pub returns: Option<String>,
    /// The instruction takes further accounts after the declared ones.
    pub remaining_accounts: bool,
    /// URL of the build endpoint.
    pub build_endpoint: String,
    /// A build request body for this instruction, with example values (canonical JSON).
    pub example_request: Value,
    /// Whether it can be built.
    pub usable: bool,
    /// Why not, when it cannot.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unusable: Option<Unusable>,
}

/// A field of an account type with its place in the data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AccountFieldView {
    /// Dotted field path (`config.authority`).
    pub name: String,
    /// JSON-pointer-like path in the decoded value (`/config/authority`).
    pub path: String,
    /// Human type string.
    #[serde(rename = "type")]
    pub ty: String,
    /// Byte offset in the account data; `null` once a variable-size field precedes it.
    pub offset: Option<usize>,
    /// Encoded size when fixed.
    pub size: Option<usize>,
    /// Documentation lines.
    pub docs: Vec<String>,
}

/// An account type with its byte layout.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AccountTypeView {
    /// Account type name.
    pub name: String,
    /// Documentation lines.
    pub docs: Vec<String>,
    /// How its data is recognised; `null` when it has no discriminator.
    pub discriminator: Option<Discriminator>,
    /// Length of the discriminator prefix.
    pub discriminator_length: usize,
    /// Total data size, discriminator included, when fixed.
    pub size: Option<usize>,
    /// The fields in layout order.
    pub fields: Vec<AccountFieldView>,
    /// Whether it can be decoded.
    pub usable: bool,
    /// Why not, when it cannot.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unusable: Option<Unusable>,
}

/// A named field (or positional item) of a type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct FieldView {
    /// Field name (`0`, `1`, … for positional items).
    pub name: String,
    /// Human type string.
    #[serde(rename = "type")]
    pub ty: String,
    /// Documentation lines.
    pub docs: Vec<String>,
}

/// What a defined type is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum TypeKind {
    Struct,
    TupleStruct,
    Enum,
    /// Another name for a type (`aliasOf`).
    Alias,
}

/// A generic parameter of a defined type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum GenericParam {
    /// A type parameter `T`.
    Type {
        /// Parameter name.
        name: String,
    },
    /// A const parameter `N: usize`.
    Const {
        /// Parameter name.
        name: String,
        /// Its type.
        #[serde(rename = "type")]
        ty: String,
    },
}

/// A variant of a defined enum.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct VariantView {
    /// Variant name.
    pub name: String,
    /// Documentation lines.
    pub docs: Vec<String>,
    /// Its discriminant (the tag value on the wire).
    pub discriminant: u64,
    /// How it carries data.
    pub kind: VariantKind,
    /// Its fields (`[]` for a unit variant).
    pub fields: Vec<FieldView>,
}

/// A type the IDL defines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TypeView {
    /// Type name.
    pub name: String,
    /// Documentation lines.
    pub docs: Vec<String>,
    /// What it is.
    pub kind: TypeKind,
    /// Generic parameters.
    pub generics: Vec<GenericParam>,
    /// The aliased type, for an alias.
    pub alias_of: Option<String>,
    /// Encoded size when fixed (and the type is not generic).
    pub size: Option<usize>,
    /// Struct fields (`[]` for other kinds).
    pub fields: Vec<FieldView>,
    /// Enum variants (`[]` for other kinds).
    pub variants: Vec<VariantView>,
    /// Whether it can be encoded and decoded.
    pub usable: bool,
    /// Why not, when it cannot.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unusable: Option<Unusable>,
}

/// An error code of the program.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ProgramErrorView {
    /// The custom error number.
    pub code: u32,
    /// Error name.
    pub name: String,
    /// Its message, when the IDL gives one.
    pub msg: Option<String>,
    /// Documentation lines.
    pub docs: Vec<String>,
    /// Always `true` for a readable error.
    pub usable: bool,
    /// Why not, when it is defective.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unusable: Option<Unusable>,
}

/// An event the program emits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct EventView {
    /// Event name.
    pub name: String,
    /// Documentation lines.
    pub docs: Vec<String>,
    /// How its data is recognised; `null` when it has no discriminator.
    pub discriminator: Option<Discriminator>,
    /// Its fields.
    pub fields: Vec<FieldView>,
    /// Whether it can be decoded.
    pub usable: bool,
    /// Why not, when it cannot.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unusable: Option<Unusable>,
}

/// A constant the IDL declares.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ConstantView {
    /// Constant name.
    pub name: String,
    /// Documentation lines.
    pub docs: Vec<String>,
    /// Human type string.
    #[serde(rename = "type")]
    pub ty: String,
    /// The value as written in the IDL.
    pub value: String,
    /// Whether its value could be read.
    pub usable: bool,
    /// Why not, when it could not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unusable: Option<Unusable>,
}
