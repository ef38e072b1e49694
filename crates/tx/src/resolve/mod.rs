//! Account resolution: the full, ordered account list of an instruction from what the caller
//! gave plus everything the IDL lets a client fill in, the way Anchor's `accountsResolver` and
//! Codama-generated clients do.
//!
//! For every account the caller did not give (by the IDL's name, the other casing, or a dotted
//! group path `group.account`), in this order:
//!
//! 1. the IDL's fixed `address`;
//! 2. a Codama default: program id, another account, an argument holding an address, the fee
//!    payer (`payer` / `identity`);
//! 3. the PDA the IDL declares, from constant, argument (nested paths), account, account-field
//!    (read from `account_data`) and program-id seeds, under the PDA's own program override;
//! 4. Anchor IDLs: a signer (not a PDA) is the fee payer, as Anchor's client defaults signers to
//!    the wallet;
//! 5. Anchor `relations`: account `A` with relation `B` is the field `A` of `B`'s decoded data;
//! 6. conventional names of native/SPL programs and sysvars ([`well_known_address`]), `program`
//!    (Anchor's event-CPI account) as the program id, and an `associatedTokenAccount` as the
//!    ATA of `wallet`/`owner`, `mint` and `tokenProgram`.
//!
//! Resolution repeats until nothing changes, so a PDA may depend on a resolved PDA.
//!
//! Optional accounts follow the Anchor TS client (`accountsPartial`): one the caller left out is
//! resolved like any other account (steps 1–5; never guessed by name in step 6), and one that
//! cannot be resolved is "none". Only an explicit `None` (JSON `null`) in
//! [`ResolveRequest::accounts`] makes an optional account "none" whatever the IDL says. "None" is
//! the program id in the account's place, or the account is dropped under Codama's `omitted`
//! strategy. `None` for a required account counts as not given (Anchor's client drops it too).
//! An optional account whose resolution needs on-chain data asks for it
//! ([`ResolveError::NeedsAccountData`]) like a required one; pass `None` to skip it.
//!
//! Signers: `signer: yes` accounts sign; `signer: either` (Codama) signs only when it is the fee
//! payer — pass a distinct signer explicitly by building the metas yourself if needed.
//! An empty string for an account counts as not given.

mod data;
mod derived;
mod error;
mod input;
mod state;
mod well_known;

use crate::encoding::ToAddress;
use std::collections::{BTreeMap, HashMap};

use orquestra_idl::{IdlFormat, InstructionAccount, Program};
use serde::Serialize;
use serde_json::Value;

pub use error::ResolveError;
pub use input::flatten_accounts;
pub use orquestra_api::transaction::{AccountSource, ResolvedMeta};
pub use well_known::{well_known_address, well_known_addresses};

use crate::pda::same_name;
use crate::transaction::{TxAccountMeta, TxInstruction};
use state::{flatten, leaf, State};

/// What the caller knows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ResolveRequest {
    /// Base58 program id; `None`: the IDL's address.
    pub program_id: Option<String>,
    /// Base58 fee payer (fills Codama `payer`/`identity` defaults and `either` signers).
    pub fee_payer: Option<String>,
    /// Base58 addresses by account name (IDL casing or the other; `group.account` for nested).
    /// `None` (JSON `null`) marks an optional account as explicitly not used; an account not in
    /// the map (or an empty string) is resolved from the IDL.
    pub accounts: BTreeMap<String, Option<String>>,
    /// Instruction arguments, canonical JSON object (for `arg` seeds and `arg` defaults).
    pub args: Value,
    /// On-chain account data the caller already fetched, by base58 address.
    pub account_data: HashMap<String, Vec<u8>>,
}

/// The resolved account list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Resolved {
    /// Base58 program id the instruction is for.
    pub program_id: String,
    /// Instruction order; omitted optional accounts (Codama `omitted`) are not here.
    pub metas: Vec<ResolvedMeta>,
}

impl Resolved {
    /// The instruction for `data` with these accounts.
    pub fn to_instruction(&self, data: Vec<u8>) -> TxInstruction {
        TxInstruction {
            program_id: self.program_id.clone(),
            accounts: self
                .metas
                .iter()
                .map(|m| TxAccountMeta {
                    pubkey: m.pubkey.clone(),
                    is_signer: m.is_signer,
                    is_writable: m.is_writable,
                })
                .collect(),
            data,
        }
    }

    /// The address resolved for account `name` (flattened path, leaf name or other casing).
    pub fn address_of(&self, name: &str) -> Option<&str> {
        self.metas
            .iter()
            .find(|m| m.name == name)
            .or_else(|| self.metas.iter().find(|m| same_name(&m.name, name)))
            .or_else(|| self.metas.iter().find(|m| same_name(leaf(&m.name), name)))
            .map(|m| m.pubkey.as_str())
    }
}

/// One flattened instruction account.
struct Entry<'p> {
    /// Flattened name (`group.account`).
    path: String,
    account: &'p InstructionAccount,
}

/// Resolves every account of `instruction`.
pub fn resolve_accounts(
    program: &Program,
    instruction: &str,
    request: &ResolveRequest,
) -> Result<Resolved, ResolveError> {
    let ix =
        program
            .find_instruction(instruction)
            .ok_or_else(|| ResolveError::InstructionNotFound {
                name: instruction.to_string(),
                available: program
                    .instructions
                    .iter()
                    .map(|i| i.name.clone())
                    .collect(),
            })?;
    let program_id = match request.program_id.as_deref().or(program.address.as_deref()) {
        Some(id) => id
            .trim()
            .to_address()
            .map_err(|_| ResolveError::InvalidProgramId { value: id.into() })?,
        None => return Err(ResolveError::NoProgramId),
    };
    let fee_payer = match request.fee_payer.as_deref().map(str::trim) {
        Some(text) if !text.is_empty() => Some(
            text.to_address()
                .map_err(|_| ResolveError::InvalidFeePayer { value: text.into() })?,
        ),
        _ => None,
    };
    let mut entries = Vec::new();
    flatten(&ix.accounts, "", &mut entries);

    let mut state = State {
        program,
        instruction: &ix.name,
        program_id,
        fee_payer,
        anchor: matches!(program.format, IdlFormat::Anchor | IdlFormat::AnchorLegacy),
        request,
        entries: &entries,
        values: vec![None; entries.len()],
        explicit_none: vec![false; entries.len()],
        hints: BTreeMap::new(),
        needs: BTreeMap::new(),
    };
    state.supplied()?;

    loop {
        state.hints.clear();
        state.needs.clear();
        let mut progress = false;
        for i in 0..entries.len() {
            if state.values[i].is_some() || state.explicit_none[i] {
                continue;
            }
            if let Some(found) = state.try_resolve(i)? {
                state.values[i] = Some(found);
                progress = true;
            }
        }
        if !progress {
            break;
        }
    }
    state.finish(ix.optional_account_strategy)
}
