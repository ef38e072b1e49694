//! PDAs on the wire: the list of a program's PDAs, and derivation requests and answers.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;

/// An instruction account that is a given PDA.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PdaUse {
    /// The instruction's name.
    pub instruction: String,
    /// Account name; a dotted path for a member of an account group.
    pub account: String,
}

/// What kind of value a PDA input is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum PdaInputKind {
    /// An instruction argument (`args`).
    Arg,
    /// An account address (`accounts`).
    Account,
    /// A field of an account's on-chain data: needs the account fetched.
    AccountData,
    /// A free value (`seedValues`).
    Variable,
}

/// One value the caller must supply to derive a PDA.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PdaInput {
    /// What kind of value it is.
    pub kind: PdaInputKind,
    /// Argument path, account name or variable name.
    pub name: String,
    /// For `accountData`: the field path inside the account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// The value's IDL type, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ty: Option<Value>,
    /// Whether the IDL gives the address itself (a fixed-address account), so it may be omitted.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub has_default: bool,
}

/// One distinct PDA of a program.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PdaEntry {
    /// The named PDA's name, else the (first) account name that uses it.
    pub name: String,
    /// Whether this is a named PDA definition (Codama `program.pdas`).
    pub named: bool,
    /// The seeds (and program override) as the IDL model describes them.
    pub pda: Value,
    /// Instruction accounts derived as this PDA.
    pub used_by: Vec<PdaUse>,
    /// The values needed to derive it, in seed order (program override last).
    pub inputs: Vec<PdaInput>,
}

/// The answer of `GET /api/{projectId}/pda`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PdaList {
    /// The project id.
    pub project_id: String,
    /// The program's name in its IDL.
    pub program_name: String,
    /// Base58 program id.
    pub program_id: String,
    /// The IDL version used.
    pub version: i64,
    /// Every PDA the IDL defines, de-duplicated (named PDAs first).
    pub pda_accounts: Vec<PdaEntry>,
}

/// Which PDA to derive, and the values its seeds need.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct DerivePdaRequest {
    /// The instruction whose account is the PDA; omit for a named PDA (Codama `pdas`).
    pub instruction: Option<String>,
    /// The account (or named PDA) to derive.
    pub account: String,
    /// Free values by name (and fallback for args/accounts).
    #[serde(default)]
    pub seed_values: Map<String, Value>,
    /// Instruction arguments (canonical JSON) for `arg` seeds.
    #[serde(default)]
    pub args: Map<String, Value>,
    /// Account addresses (base58) for `account` seeds.
    #[serde(default)]
    pub accounts: BTreeMap<String, String>,
}

/// Where a seed's bytes came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum SeedKind {
    /// A constant of the IDL.
    Const,
    /// An instruction argument.
    Arg,
    /// An account address.
    Account,
    /// A free value.
    Variable,
    /// The program id.
    ProgramId,
}

/// One seed of a derivation, as bytes, with what produced them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SeedBytes {
    /// Where the bytes came from.
    pub kind: SeedKind,
    /// The argument path, account name or variable name (not for constants).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// For constants: the UTF-8 text when printable, else `0x…`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The input value the bytes were encoded from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<Value>,
    /// The seed bytes, lowercase hex.
    pub hex: String,
}

/// A derived PDA.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DerivedPda {
    /// Base58 address.
    pub address: String,
    /// The bump seed.
    pub bump: u8,
    /// The program it was derived under (base58).
    pub program_id: String,
    /// Every seed except the bump, in order.
    pub seeds: Vec<SeedBytes>,
}

/// The answer of `POST /api/{projectId}/pda/derive`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DerivePdaResponse {
    /// The derivation.
    #[serde(flatten)]
    pub derived: DerivedPda,
    /// The same as `address`.
    pub pda: String,
    /// The project id.
    pub project_id: String,
    /// The IDL version used.
    pub version: i64,
}
