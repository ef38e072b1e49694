//! The normalised program model every IDL format is parsed into.
//!
//! One model for Anchor (≥0.30), legacy Anchor, Shank and Codama, so the codec, the docs, the
//! transaction builder and the HTTP views never look at format-specific JSON again. The type tree is
//! compositional (Codama-style): Anchor's `string` is `SizePrefixed { String(Utf8), u32 }`, `Vec<T>` is
//! `Array { T, Prefixed(u32) }`, and so on, so one codec serves every format.
//!
//! Names are kept exactly as written in the IDL (`initialize_vault`, `initializeVault`); lookups that
//! accept the other casing live on [`Program`].

use serde::Serialize;

/// Which dialect the IDL was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum IdlFormat {
    /// Anchor ≥ 0.30: top-level `address`, `metadata.spec`, explicit per-item discriminators.
    Anchor,
    /// Anchor before 0.30: discriminators are sighashes of the (snake_cased) names.
    AnchorLegacy,
    /// Shank (legacy Anchor layout, `metadata.origin == "shank"`): instruction discriminator is the
    /// u8 `discriminant` value.
    Shank,
    /// Codama `rootNode`.
    Codama,
}

/// A whole program.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Program {
    pub format: IdlFormat,
    pub name: String,
    /// Base58 program address; `None` only for a legacy IDL without one when the caller gave none.
    pub address: Option<String>,
    pub version: Option<String>,
    /// Anchor `metadata.spec` / Codama `version` of the standard.
    pub spec: Option<String>,
    pub docs: Vec<String>,
    pub instructions: Vec<Instruction>,
    pub accounts: Vec<AccountDef>,
    pub types: Vec<TypeDef>,
    pub events: Vec<EventDef>,
    pub errors: Vec<ErrorDef>,
    pub constants: Vec<ConstantDef>,
    /// Named PDAs: Codama `program.pdas`, plus (for Anchor) nothing — Anchor PDAs live inline on
    /// instruction accounts; [`Program::all_pdas`] gathers both.
    pub pdas: Vec<PdaDef>,
    /// Items a lenient parse kept the document despite (see [`crate::defects`]): each names an
    /// item that must not be encoded, decoded or built. Empty for a clean IDL.
    pub defects: Vec<crate::Defect>,
    /// Derived lookups (name → type, static sizes), built on first use; not part of the model.
    #[serde(skip)]
    pub index: crate::lookup::ProgramIndex,
}

/// How a byte string identifies an instruction or an account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum Discriminator {
    /// `bytes` at `offset` (Anchor: 8 bytes at 0; Shank: 1 byte at 0; Codama: the encoded constant
    /// value of a field with an omitted default).
    Bytes { offset: usize, bytes: Vec<u8> },
    /// The whole data is exactly this long (Codama `sizeDiscriminatorNode`, e.g. SPL Token `Mint`).
    Size { size: usize },
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Instruction {
    pub name: String,
    pub docs: Vec<String>,
    /// All ways this instruction is recognised; the first `Bytes` one is also written by the encoder
    /// unless it comes from a field (Codama), in which case the field itself writes it.
    pub discriminators: Vec<Discriminator>,
    /// Bytes written before the args (Anchor/Shank discriminator). Empty for Codama, whose
    /// discriminator is an argument with an omitted default value.
    pub prefix: Vec<u8>,
    pub args: Vec<Field>,
    pub accounts: Vec<AccountItem>,
    /// Codama `optionalAccountStrategy`; Anchor always uses the program id.
    pub optional_account_strategy: OptionalAccountStrategy,
    /// Codama `remainingAccounts` / free-form notes: accounts beyond the listed ones are allowed.
    pub remaining_accounts: bool,
    pub returns: Option<Type>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum OptionalAccountStrategy {
    /// An omitted optional account is passed as the program id (Anchor, Codama default).
    ProgramId,
    /// An omitted optional account is left out of the account list.
    Omitted,
}

/// An entry of an instruction's account list: one account, or a named group (Anchor composite
/// accounts) that flattens into its members in order.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum AccountItem {
    Single(InstructionAccount),
    Group {
        name: String,
        docs: Vec<String>,
        accounts: Vec<AccountItem>,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InstructionAccount {
    pub name: String,
    pub docs: Vec<String>,
    pub writable: bool,
    pub signer: Signer,
    pub optional: bool,
    /// Fixed address (Anchor `address`, Codama `publicKeyValueNode` default).
    pub address: Option<String>,
    /// PDA this account is derived as, with every seed resolved to where its value comes from.
    pub pda: Option<Pda>,
    /// Anchor `relations`: accounts whose stored field of this account's name holds this address.
    pub relations: Vec<String>,
    /// Any other default the IDL states (Codama value nodes the resolver may understand).
    pub default: Option<AccountDefault>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Signer {
    No,
    Yes,
    /// Codama `isSigner: "either"`.
    Either,
}

/// Where an instruction account's address may come from when the caller does not give it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum AccountDefault {
    /// The program's own address.
    ProgramId,
    /// Same address as another account of the instruction.
    Account { name: String },
    /// Address given by an argument of the instruction.
    Arg { name: String },
    /// The transaction's fee payer.
    Payer,
    /// The signing identity (wallet).
    Identity,
    /// A default this model does not interpret (Codama resolver / conditional); kept for docs.
    Other { description: String },
}

/// A program-derived address: seeds and the program it is derived under.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Pda {
    pub seeds: Vec<Seed>,
    /// `None`: the program itself.
    pub program: Option<Seed>,
}

/// A named PDA definition (Codama `pdaNode`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PdaDef {
    pub name: String,
    pub docs: Vec<String>,
    pub pda: Pda,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum Seed {
    /// Constant bytes.
    Const { bytes: Vec<u8> },
    /// An instruction argument (`path` may be dotted: `params.id`), encoded as its type's bytes with
    /// no length prefix for strings/bytes.
    Arg { path: String, ty: Option<Type> },
    /// An account's address (`path` = account name), or with a dotted path a field of that
    /// account's data (`account` = its account type, for the layout).
    Account {
        path: String,
        account: Option<String>,
    },
    /// A free variable supplied by name (Codama `variablePdaSeedNode` of a named PDA).
    Variable {
        name: String,
        ty: Type,
        docs: Vec<String>,
    },
    /// The program id of the program the PDA belongs to.
    ProgramId,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountDef {
    pub name: String,
    pub docs: Vec<String>,
    pub discriminators: Vec<Discriminator>,
    /// Bytes written before the fields (Anchor 8-byte discriminator). Empty for Codama, whose
    /// discriminator, if any, is a field.
    pub prefix: Vec<u8>,
    /// The account data after `prefix` (a struct for all real IDLs).
    pub ty: Type,
    pub serialization: Serialization,
    pub repr: Option<Repr>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Serialization {
    Borsh,
    Bytemuck,
    BytemuckUnsafe,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Repr {
    /// `rust`, `c` or `transparent`.
    pub kind: String,
    pub packed: bool,
    pub align: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TypeDef {
    pub name: String,
    pub docs: Vec<String>,
    /// Anchor generic parameters, in order.
    pub generics: Vec<GenericParam>,
    pub ty: Type,
    pub serialization: Serialization,
    pub repr: Option<Repr>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum GenericParam {
    /// A type parameter `T`.
    Type { name: String },
    /// A const parameter `N: usize`.
    Const { name: String, ty: String },
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EventDef {
    pub name: String,
    pub docs: Vec<String>,
    pub discriminators: Vec<Discriminator>,
    pub prefix: Vec<u8>,
    pub ty: Type,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorDef {
    pub code: u32,
    pub name: String,
    pub message: Option<String>,
    pub docs: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConstantDef {
    pub name: String,
    pub docs: Vec<String>,
    pub ty: Type,
    /// The value as written in the IDL.
    pub value: String,
}

/// A named value slot: struct field or instruction argument.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Field {
    pub name: String,
    pub docs: Vec<String>,
    pub ty: Type,
    /// Codama `defaultValue` with `defaultValueStrategy: "omitted"`: never read from or written to
    /// JSON; the encoder writes this canonical-JSON value (e.g. a discriminator), the decoder skips it.
    pub omitted_default: Option<serde_json::Value>,
    /// Codama `defaultValue` with the optional strategy: used when the caller leaves the field out.
    pub optional_default: Option<serde_json::Value>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum NumberKind {
    U8,
    U16,
    U32,
    U64,
    U128,
    U256,
    I8,
    I16,
    I32,
    I64,
    I128,
    I256,
    F32,
    F64,
    /// Solana's compact-u16 (1–3 bytes, 7 bits each).
    ShortU16,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Endian {
    Little,
    Big,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NumberFormat {
    pub kind: NumberKind,
    pub endian: Endian,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum StringEncoding {
    Utf8,
    Base16,
    Base58,
    Base64,
}

/// How many items an array/set/map holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum Count {
    Fixed {
        len: usize,
    },
    /// Anchor `[T; N]` with `N` a generic const parameter.
    Generic {
        name: String,
    },
    Prefixed {
        prefix: NumberFormat,
    },
    /// Items until the end of the buffer.
    Remainder,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum OffsetStrategy {
    Relative,
    Absolute,
    Padded,
    /// Post-offset only: move back to where the pre-offset started.
    PreOffset,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EnumVariant {
    pub name: String,
    pub docs: Vec<String>,
    /// The tag value written for this variant (its index unless the IDL says otherwise).
    pub discriminant: u64,
    pub fields: VariantFields,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum VariantFields {
    Unit,
    Named {
        fields: Vec<Field>,
    },
    Tuple {
        items: Vec<Type>,
    },
    /// A struct or tuple payload wrapped in Codama nested-type wrappers (`NestedTypeNode<T>`:
    /// `fixedSizeTypeNode`, `sizePrefixTypeNode`, `hiddenPrefixTypeNode`, `hiddenSuffixTypeNode`,
    /// `sentinelTypeNode`, `preOffsetTypeNode`, `postOffsetTypeNode`, any number of times). `ty` is
    /// the whole wrapped type and is encoded/decoded as such; the payload's JSON shape is that of
    /// the innermost struct (object) or tuple (array), see [`Type::unwrapped`]. A bare struct or
    /// tuple is always `Named` / `Tuple`, never this.
    Nested {
        ty: Box<Type>,
    },
}

impl VariantFields {
    /// `"unit"`, `"struct"` or `"tuple"`: the JSON shape of the payload (for a `Nested` payload,
    /// that of its innermost type).
    pub fn shape(&self) -> &'static str {
        match self {
            VariantFields::Unit => "unit",
            VariantFields::Named { .. } => "struct",
            VariantFields::Tuple { .. } => "tuple",
            VariantFields::Nested { ty } => match ty.unwrapped() {
                Type::Struct { .. } => "struct",
                _ => "tuple",
            },
        }
    }
}

/// The type tree. Wrappers compose, so every format's types are expressible and one codec serves all.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum Type {
    /// `true`/`false` stored in an integer of `size` (Anchor: u8).
    Bool {
        size: NumberFormat,
    },
    Number {
        format: NumberFormat,
    },
    PublicKey,
    /// A string with no length information: reads to the end unless wrapped in `SizePrefixed` or
    /// `FixedSize`. Anchor `string` = `SizePrefixed { String(Utf8), u32 }`.
    String {
        encoding: StringEncoding,
    },
    /// Raw bytes to the end unless wrapped. Anchor `bytes` = `SizePrefixed { Bytes, u32 }`.
    Bytes,
    SizePrefixed {
        inner: Box<Type>,
        prefix: NumberFormat,
    },
    /// Exactly `size` bytes: shorter encodings are zero-padded, longer ones rejected.
    FixedSize {
        inner: Box<Type>,
        size: usize,
    },
    /// `prefix` tag 0/1 then the value; `fixed`: a `None` still takes the value's size in zeros
    /// (Anchor `COption` = `{ u32, fixed: true }`).
    Option {
        inner: Box<Type>,
        prefix: NumberFormat,
        fixed: bool,
    },
    /// `None` is encoded as all-zero bytes of the inner size (or `zero_value` bytes).
    ZeroableOption {
        inner: Box<Type>,
        zero_value: Option<Vec<u8>>,
    },
    /// `None` when no bytes remain.
    RemainderOption {
        inner: Box<Type>,
    },
    Array {
        inner: Box<Type>,
        count: Count,
    },
    Set {
        inner: Box<Type>,
        count: Count,
    },
    Map {
        key: Box<Type>,
        value: Box<Type>,
        count: Count,
    },
    Tuple {
        items: Vec<Type>,
    },
    Struct {
        fields: Vec<Field>,
    },
    /// A struct with unnamed fields (Anchor tuple struct): JSON array.
    TupleStruct {
        items: Vec<Type>,
    },
    Enum {
        variants: Vec<EnumVariant>,
        size: NumberFormat,
    },
    /// A named type from `Program::types` (or an account type), with generic arguments.
    Defined {
        name: String,
        generics: Vec<GenericArg>,
    },
    /// A reference to a generic type parameter of the enclosing type definition.
    Generic {
        name: String,
    },
    PreOffset {
        inner: Box<Type>,
        offset: i64,
        strategy: OffsetStrategy,
    },
    PostOffset {
        inner: Box<Type>,
        offset: i64,
        strategy: OffsetStrategy,
    },
    /// Value terminated by `sentinel` bytes (which are not part of the value).
    Sentinel {
        inner: Box<Type>,
        sentinel: Vec<u8>,
    },
    /// Constant bytes before the value, checked on decode, hidden from JSON.
    HiddenPrefix {
        inner: Box<Type>,
        prefix: Vec<u8>,
    },
    /// Constant bytes after the value, checked on decode, hidden from JSON.
    HiddenSuffix {
        inner: Box<Type>,
        suffix: Vec<u8>,
    },
}

impl Type {
    /// The type under any Codama nested-type wrappers (`FixedSize`, `SizePrefixed`,
    /// `HiddenPrefix`, `HiddenSuffix`, `Sentinel`, `PreOffset`, `PostOffset`); `self` when there
    /// are none. These wrappers change the bytes, never the JSON shape of the value.
    pub fn unwrapped(&self) -> &Type {
        let mut ty = self;
        loop {
            match ty {
                Type::FixedSize { inner, .. }
                | Type::SizePrefixed { inner, .. }
                | Type::HiddenPrefix { inner, .. }
                | Type::HiddenSuffix { inner, .. }
                | Type::Sentinel { inner, .. }
                | Type::PreOffset { inner, .. }
                | Type::PostOffset { inner, .. } => ty = inner,
                other => return other,
            }
        }
    }

    /// The one type this type wraps, makes optional or repeats (wrappers, options, arrays and
    /// sets); `None` for leaves, named types and types with several parts.
    pub fn single_inner(&self) -> Option<&Type> {
        match self {
            Type::SizePrefixed { inner, .. }
            | Type::FixedSize { inner, .. }
            | Type::Option { inner, .. }
            | Type::ZeroableOption { inner, .. }
            | Type::RemainderOption { inner }
            | Type::Array { inner, .. }
            | Type::Set { inner, .. }
            | Type::PreOffset { inner, .. }
            | Type::PostOffset { inner, .. }
            | Type::Sentinel { inner, .. }
            | Type::HiddenPrefix { inner, .. }
            | Type::HiddenSuffix { inner, .. } => Some(inner),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum GenericArg {
    Type {
        ty: Type,
    },
    /// A const generic argument (array length), as written.
    Const {
        value: String,
    },
}
