//! Finding PDAs in a program and listing every PDA an IDL defines.

use orquestra_idl::{Instruction, Pda, Program, Seed, Type};
use serde::Serialize;

use super::seeds::{arg_type, find_account_item, find_instruction, visit_accounts};
use super::{same_name, PdaError};

/// A PDA located in a program, with the instruction that gives its `arg` seeds their types.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PdaRef<'p> {
    /// The named PDA's name or the instruction account's name.
    pub name: &'p str,
    /// The instruction it was found in (`None` for a named PDA).
    pub instruction: Option<&'p str>,
    pub pda: &'p Pda,
}

/// The PDA of account `account` (name, other casing, or dotted group path) of `instruction`.
pub fn find_pda<'p>(
    program: &'p Program,
    instruction: &str,
    account: &str,
) -> Result<PdaRef<'p>, PdaError> {
    let ix =
        find_instruction(program, instruction).ok_or_else(|| PdaError::InstructionNotFound {
            name: instruction.to_string(),
        })?;
    let item =
        find_account_item(&ix.accounts, account).ok_or_else(|| PdaError::AccountNotFound {
            instruction: ix.name.clone(),
            account: account.to_string(),
        })?;
    match &item.pda {
        Some(pda) => Ok(PdaRef {
            name: &item.name,
            instruction: Some(&ix.name),
            pda,
        }),
        None => Err(PdaError::NotAPda {
            instruction: ix.name.clone(),
            account: item.name.clone(),
        }),
    }
}

/// A PDA by name: a named PDA (Codama `program.pdas`), else the first instruction account of that
/// name that is a PDA.
pub fn named_pda<'p>(program: &'p Program, name: &str) -> Result<PdaRef<'p>, PdaError> {
    let named = program
        .pdas
        .iter()
        .find(|p| p.name == name)
        .or_else(|| program.pdas.iter().find(|p| same_name(&p.name, name)));
    if let Some(def) = named {
        return Ok(PdaRef {
            name: &def.name,
            instruction: None,
            pda: &def.pda,
        });
    }
    for ix in &program.instructions {
        if let Some(account) = find_account_item(&ix.accounts, name) {
            if let Some(pda) = &account.pda {
                return Ok(PdaRef {
                    name: &account.name,
                    instruction: Some(&ix.name),
                    pda,
                });
            }
        }
    }
    Err(PdaError::PdaNotFound {
        name: name.to_string(),
    })
}

/// An instruction account that is a given PDA.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PdaUse {
    pub instruction: String,
    /// Account name; a dotted path for a member of an account group.
    pub account: String,
}

/// What kind of value a PDA input is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
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
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PdaInput {
    pub kind: PdaInputKind,
    /// Argument path, account name or variable name.
    pub name: String,
    /// For [`PdaInputKind::AccountData`]: the field path inside the account.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// The value's type, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ty: Option<Type>,
    /// Whether the IDL gives the address itself (a fixed-address account), so it may be omitted.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub has_default: bool,
}

/// One distinct PDA of a program.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PdaEntry {
    /// The named PDA's name, else the (first) account name that uses it.
    pub name: String,
    /// Whether this is a named PDA definition (Codama `program.pdas`).
    pub named: bool,
    pub pda: Pda,
    /// Instruction accounts derived as this PDA.
    pub used_by: Vec<PdaUse>,
    /// The values needed to derive it, in seed order (program override last).
    pub inputs: Vec<PdaInput>,
}

/// Every PDA the program defines (named PDAs first, then instruction-account PDAs in order),
/// de-duplicated by identical seed structure.
pub fn list_pdas(program: &Program) -> Vec<PdaEntry> {
    let mut entries: Vec<PdaEntry> = program
        .pdas
        .iter()
        .map(|def| PdaEntry {
            name: def.name.clone(),
            named: true,
            pda: def.pda.clone(),
            used_by: Vec::new(),
            inputs: inputs_of(program, None, &def.pda),
        })
        .collect();
    for ix in &program.instructions {
        visit_accounts(&ix.accounts, "", &mut |path, account| {
            let Some(pda) = &account.pda else { return };
            let usage = PdaUse {
                instruction: ix.name.clone(),
                account: path.to_string(),
            };
            match entries.iter_mut().find(|e| e.pda == *pda) {
                Some(entry) => {
                    if !entry.used_by.contains(&usage) {
                        entry.used_by.push(usage);
                    }
                }
                None => entries.push(PdaEntry {
                    name: account.name.clone(),
                    named: false,
                    pda: pda.clone(),
                    used_by: vec![usage],
                    inputs: inputs_of(program, Some(ix), pda),
                }),
            }
        });
    }
    entries
}

/// The inputs a PDA needs, in the context of `instruction` (for argument types and fixed accounts).
fn inputs_of(program: &Program, instruction: Option<&Instruction>, pda: &Pda) -> Vec<PdaInput> {
    let mut inputs: Vec<PdaInput> = Vec::new();
    for seed in pda.seeds.iter().chain(pda.program.iter()) {
        let input = match seed {
            Seed::Const { .. } | Seed::ProgramId => continue,
            Seed::Arg { path, ty } => PdaInput {
                kind: PdaInputKind::Arg,
                name: path.clone(),
                field: None,
                ty: ty.clone().or_else(|| arg_type(program, instruction, path)),
                has_default: false,
            },
            Seed::Account { path, .. } => {
                let member = instruction.and_then(|ix| find_account_item(&ix.accounts, path));
                match (path.split_once('.'), member) {
                    (Some((parent, field)), None) => PdaInput {
                        kind: PdaInputKind::AccountData,
                        name: parent.to_string(),
                        field: Some(field.to_string()),
                        ty: None,
                        has_default: false,
                    },
                    _ => PdaInput {
                        kind: PdaInputKind::Account,
                        name: path.clone(),
                        field: None,
                        ty: Some(Type::PublicKey),
                        has_default: member.is_some_and(|m| m.address.is_some()),
                    },
                }
            }
            Seed::Variable { name, ty, .. } => PdaInput {
                kind: PdaInputKind::Variable,
                name: name.clone(),
                field: None,
                ty: Some(ty.clone()),
                has_default: false,
            },
        };
        if !inputs
            .iter()
            .any(|i| i.kind == input.kind && i.name == input.name && i.field == input.field)
        {
            inputs.push(input);
        }
    }
    inputs
}

impl PdaEntry {
    /// The entry as the API shows it (the IDL's seed model and types as their JSON).
    pub fn to_wire(&self) -> orquestra_api::pda::PdaEntry {
        use orquestra_api::pda as wire;
        wire::PdaEntry {
            name: self.name.clone(),
            named: self.named,
            pda: serde_json::to_value(&self.pda).unwrap_or_default(),
            used_by: self
                .used_by
                .iter()
                .map(|u| wire::PdaUse {
                    instruction: u.instruction.clone(),
                    account: u.account.clone(),
                })
                .collect(),
            inputs: self
                .inputs
                .iter()
                .map(|input| wire::PdaInput {
                    kind: match input.kind {
                        PdaInputKind::Arg => wire::PdaInputKind::Arg,
                        PdaInputKind::Account => wire::PdaInputKind::Account,
                        PdaInputKind::AccountData => wire::PdaInputKind::AccountData,
                        PdaInputKind::Variable => wire::PdaInputKind::Variable,
                    },
                    name: input.name.clone(),
                    field: input.field.clone(),
                    ty: input
                        .ty
                        .as_ref()
                        .and_then(|ty| serde_json::to_value(ty).ok()),
                    has_default: input.has_default,
                })
                .collect(),
        }
    }
}
