//! Putting names on a decoded transaction: which program, which instruction, which arguments
//! and which IDL account each position is.

use orquestra_idl::{AccountItem, Program};
use serde_json::json;

pub use orquestra_api::transaction::{NamedAccount, NamedInstruction};

use crate::decode::{CompiledInstructionView, DecodedTransaction};
use crate::transaction::COMPUTE_BUDGET_PROGRAM_ID;

/// Names every instruction of `decoded` with the IDL `lookup` returns for its program id.
/// Compute-budget instructions are named without an IDL.
pub fn name_instructions<'p>(
    decoded: &DecodedTransaction,
    lookup: impl Fn(&str) -> Option<&'p Program>,
) -> Vec<NamedInstruction> {
    decoded
        .instructions
        .iter()
        .map(|ix| {
            let program = ix.program_id.as_deref().and_then(&lookup);
            match program {
                Some(program) => with_program(ix, program),
                None if ix.program_id.as_deref() == Some(COMPUTE_BUDGET_PROGRAM_ID) => {
                    compute_budget(ix)
                }
                None => unnamed(ix, None),
            }
        })
        .collect()
}

/// The flattened account names of an instruction (`group.member` for nested groups).
pub fn flat_account_names(items: &[AccountItem]) -> Vec<String> {
    fn walk(items: &[AccountItem], prefix: &str, out: &mut Vec<String>) {
        for item in items {
            match item {
                AccountItem::Single(a) => out.push(join(prefix, &a.name)),
                AccountItem::Group { name, accounts, .. } => {
                    walk(accounts, &join(prefix, name), out)
                }
            }
        }
    }
    let mut out = Vec::new();
    walk(items, "", &mut out);
    out
}

fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_string()
    } else {
        format!("{prefix}.{name}")
    }
}

fn accounts(ix: &CompiledInstructionView, names: &[String]) -> Vec<NamedAccount> {
    ix.accounts
        .iter()
        .enumerate()
        .map(|(i, a)| NamedAccount {
            name: names.get(i).cloned(),
            pubkey: a.pubkey.clone(),
            signer: a.signer,
            writable: a.writable,
        })
        .collect()
}

fn unnamed(ix: &CompiledInstructionView, program_name: Option<String>) -> NamedInstruction {
    NamedInstruction {
        program_id: ix.program_id.clone(),
        program_name,
        instruction_name: None,
        args: None,
        accounts: accounts(ix, &[]),
        data_hex: ix.data_hex.clone(),
        error: None,
    }
}

fn with_program(ix: &CompiledInstructionView, program: &Program) -> NamedInstruction {
    let mut named = unnamed(ix, Some(program.name.clone()));
    match program.decode_instruction(&ix.data) {
        Ok(decoded) => {
            if let Some(def) = program.find_instruction(&decoded.name) {
                named.accounts = accounts(ix, &flat_account_names(&def.accounts));
            }
            named.instruction_name = Some(decoded.name);
            named.args = Some(decoded.args);
        }
        Err(e) => {
            // Name the instruction even when its arguments do not decode.
            if let Some(def) = program.identify_instruction(&ix.data) {
                named.instruction_name = Some(def.name.clone());
                named.accounts = accounts(ix, &flat_account_names(&def.accounts));
            }
            named.error = Some(e.to_string());
        }
    }
    named
}

fn compute_budget(ix: &CompiledInstructionView) -> NamedInstruction {
    let mut named = unnamed(ix, Some("computeBudget".to_string()));
    let data = &ix.data;
    let le = |range: std::ops::Range<usize>| -> Option<u64> {
        let bytes = data.get(range)?;
        let mut buf = [0u8; 8];
        buf.get_mut(..bytes.len())?.copy_from_slice(bytes);
        Some(u64::from_le_bytes(buf))
    };
    let decoded = match (data.first(), data.len()) {
        (Some(1), 5) => le(1..5).map(|v| ("requestHeapFrame", json!({ "bytes": v }))),
        (Some(2), 5) => le(1..5).map(|v| ("setComputeUnitLimit", json!({ "units": v }))),
        (Some(3), 9) => le(1..9).map(|v| {
            (
                "setComputeUnitPrice",
                json!({ "microLamports": v.to_string() }),
            )
        }),
        (Some(4), 5) => le(1..5).map(|v| {
            (
                "setLoadedAccountsDataSizeLimit",
                json!({ "accountDataSizeLimit": v }),
            )
        }),
        _ => None,
    };
    match decoded {
        Some((name, args)) => {
            named.instruction_name = Some(name.to_string());
            named.args = Some(args);
        }
        None => named.error = Some("not a known compute-budget instruction".to_string()),
    }
    named
}
